"""«Договорённости»: what the schools promised at interviews, and what is still open — district-wide.

Every open commitment of every school (в работе, просрочено) by due date, the
overdue first in colour; done ones on request. Each row names the school, the
interview and who recorded it; the school's card is where items are marked done,
corrected or withdrawn (`ui.interview_view`).
"""
from __future__ import annotations

import streamlit as st

from ui import data, filters
from ui import format as fmt
from ui import interview_view as iv
from ui.tables import show_table

st.title("Договорённости собеседований")
on_date = filters.today()
st.caption(f"Весь район · состояние на {fmt.date_ru(on_date)}")

store = data.get_store()
if store is None:
    st.error(data.store_error() or "Хранилище данных недоступно.")
    st.stop()

with data.guard("Договорённости"):
    view = iv.commitments_frame(store.commitments(), on_date, data.school_names())
    show_done = st.toggle("Показать выполненные", key="commitments_done", value=False)
    shown = view if show_done else view[view["state"] != "done"]
    overdue = int((view["state"] == "overdue").sum()) if len(view) else 0
    open_ = int((view["state"] == "open").sum()) if len(view) else 0
    c1, c2, c3 = st.columns(3)
    c1.metric("Просрочено", overdue)
    c2.metric("В работе", open_)
    c3.metric("Выполнено", int((view["state"] == "done").sum()) if len(view) else 0)
    if shown.empty:
        st.info("Открытых договорённостей нет. Протоколы собеседований записываются в карточке школы.",
                icon=":material/handshake:")
    else:
        show_table(shown, iv.COLUMNS, what=("договорённости", "район"), key="commitments_all",
                   styler=iv.state_styler(shown["state"]))
    filters.page_link_with_filters("pages/school.py", "Карточка школы: записать протокол, отметить выполнение",
                                   icon=":material/apartment:")
