"""«Обзор»: what does the district need to discuss this year, at a glance?

The first screen (1366×768, sidebar open) answers the meeting's three questions side by side
(`ui.first_screen`): which programme indicators are off plan, which schools give cause for concern
and why, what is overdue or due within 30 days — each block linking on. The exam key figures with
their change from last year follow, then the programme's and events' figures, the full traffic
light of the programme's indicators, and the documents for the meeting. The overview is the
district's: with a school chosen in the sidebar it says so and links to that school's card.
Everything comes from `metrics/` through `ui.data`; this page only shows it.
"""
from __future__ import annotations

import streamlit as st

from ui import cards, charts, data, documents, empty, filters
from ui import format as fmt
from ui.first_screen import first_screen
from ui.indicator_view import plan_fact_display, status_styler
from ui.ranking_view import table_height
from ui.tables import show_table

year = filters.current_year()
school = filters.current_school()
on_date = filters.today()
names = data.school_names()

head, docs = st.columns([2, 3], vertical_alignment="bottom")
with head:
    st.title("Обзор")
    st.caption(f"{fmt.year_label(year)} · весь район · данные на {fmt.date_ru(on_date)}")

if school is not None:  # the overview stays the district's: say so, and lead to the school's own view
    note, link = st.columns([3, 2], vertical_alignment="center")
    note.info(f"Обзор показывает весь район, а не школу «{filters.school_md(school)}».", icon=":material/apartment:")
    with link:
        filters.page_link_with_filters("pages/school.py", f"Карточка школы «{filters.school_label(school)}»",
                                       icon=":material/arrow_forward:")

if not data.has("results") and not data.has("values") and not data.has("events"):
    empty.empty_hint(["indicators", "values", "events", "results", "schools"],
                     "данные ещё не загружены", key="overview_empty")
    st.stop()

with docs, data.guard("Справка к совещанию"):
    documents.brief_buttons(year)

# --- the first screen: off plan, at risk, overdue -------------------------------------------------
first_screen(year, on_date, school)

# --- key figures ---------------------------------------------------------------
with data.guard("Ключевые показатели"):
    kf = data.key_figures(year, on_date)
    kf = kf[kf["value"].notna()] if len(kf) else kf
    programme = kf["metric_id"].astype(str).str.startswith(("indicators_", "events_")) if len(kf) else kf
    results_kf = kf[~programme] if len(kf) else kf
    if len(results_kf):
        st.subheader("Результаты оценочных процедур")
        cards.figure_grid(results_kf, year)
        filters.page_link_with_filters("pages/ranking.py", "Результаты школ: рейтинг, воронка, уровень × динамика",
                                       icon=":material/leaderboard:")
    elif data.has("results"):
        st.caption(f"Нет результатов за {fmt.year_label(year)}.")

if len(kf) and programme.any():
    st.subheader("Программа и мероприятия")
    with data.guard("Программа и мероприятия"):
        cards.figure_grid(kf[programme], year, per_row=6)

# --- programme traffic light ---------------------------------------------------------
st.subheader("Показатели программы")
with data.guard("Показатели программы"):
    if not data.has("indicators", "values"):
        empty.empty_hint(["indicators", "values"], "нет показателей программы", key="overview_ind")
    else:
        pvf = data.plan_vs_fact(year)
        district = pvf[pvf["school_id"].isna()] if len(pvf) else pvf
        if district.empty:
            st.caption(f"Для {year} года нет ни плана, ни факта по району.")
        else:
            counts = district["status"].value_counts().to_dict()
            st.plotly_chart(charts.status_bar(counts), key="overview_status_bar", config={"displayModeBar": False})
            order = {"missed": 0, "near": 1, "no data": 2, "achieved": 3}
            district = district.assign(_o=district["status"].map(order)).sort_values(["_o", "indicator_id"])
            view = plan_fact_display(district, names)
            cols = {"status_label": st.column_config.TextColumn("Статус", width=120),
                    "name": st.column_config.TextColumn("Показатель", width=560),
                    "fact_text": "Факт", "plan_text": "План"}
            show_table(view, cols, what=("показатели_программы", year), key="overview_pvf",
                       styler=status_styler(view["status"]), wrap=False, height=table_height(len(view)), static=True)
        filters.page_link_with_filters("pages/indicators.py", "Все показатели: отклонения, графики, прогноз",
                                       icon=":material/monitoring:")

# --- documents for the half-year report ---------------------------------------------
st.subheader("Отчёт о ходе выполнения программы")
with st.container(border=True), data.guard("Документы"):
    documents.programme_buttons()
