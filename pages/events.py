"""«Мероприятия»: how is the event roadmap going — what is done, late or due soon?

Progress by section and by responsible party (`metrics.roadmap_summary`), a
Gantt-like timeline of control dates coloured by state, the overdue list and
the full list of events, with filters by section, responsible party and state.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import charts, data, empty, figure_cache, filters
from ui import format as fmt
from metrics import select_events
from ui.tables import show_table

on_date = filters.today()

st.title("Мероприятия")
st.caption(f"План мероприятий (дорожная карта) · состояние на {fmt.date_ru(on_date)}")

if not data.has("events"):
    empty.empty_hint(["events"], "план мероприятий не загружен", key="events_empty")
    st.stop()

SUMMARY_COLUMNS = {
    "total": st.column_config.NumberColumn("Всего", format="%d"),
    "done": st.column_config.NumberColumn("Выполнено", format="%d"),
    "in_progress": st.column_config.NumberColumn("В работе", format="%d"),
    "overdue": st.column_config.NumberColumn("Просрочено", format="%d"),
    "not_yet_due": st.column_config.NumberColumn("Срок не наступил", format="%d"),
    "continuous": st.column_config.NumberColumn("Постоянно", format="%d"),
    "unscheduled": st.column_config.NumberColumn("Без срока", format="%d"),
    "share_done_text": "Доля выполненных",
    "share_on_time_text": "Выполнено в срок",
}


def summary_view(s: pd.DataFrame) -> pd.DataFrame:
    return s.assign(share_done_text=s["share_done"].map(lambda x: fmt.value(x, "%")),
                    share_on_time_text=s["share_done_on_time"].map(lambda x: fmt.value(x, "%")))


with data.guard("Итоги"):
    total = data.roadmap_summary(on_date, None)
    if len(total):
        t = total.iloc[0]
        c = st.columns(5)
        c[0].metric("Мероприятий", int(t["total"]), border=True)
        c[1].metric("Выполнено", int(t["done"]), help=f"Доля выполненных: {fmt.pct(t['share_done'], 0)}", border=True)
        c[2].metric("Просрочено", int(t["overdue"]), border=True)
        c[3].metric("В работе / постоянно", int(t["in_progress"]) + int(t["continuous"]), border=True)
        # one decimal, as the same figure on «Обзор» (57,9 %, not 58 % here and 57,9 % there)
        c[4].metric("Выполнено в срок", fmt.value(t["share_done_on_time"], "%"),
                    help="Доля мероприятий, выполненных не позже контрольной даты, среди тех, чей срок уже наступил.",
                    border=True)

with data.guard("Ход выполнения"):
    st.subheader("Ход выполнения")
    for tab, by, label, width, what in zip(st.tabs(["По разделам", "По ответственным"]),
                                           ("section", "responsible"), ("Раздел", "Ответственный"), (360, 300),
                                           ("мероприятия_по_разделам", "мероприятия_по_ответственным")):
        with tab:
            summary = data.roadmap_summary(on_date, by)
            fig = figure_cache.figure((f"events_{by}", data.store_path(), on_date),
                                      lambda: charts.state_bars(summary, by, label))
            st.plotly_chart(fig, key=f"events_{by}_chart")
            show_table(summary_view(summary), {by: st.column_config.TextColumn(label, width=width), **SUMMARY_COLUMNS},
                       what=(what,), key=f"events_{by}", wrap=False)
    st.caption("Мероприятие с несколькими ответственными учтено у каждого из них.")

with data.guard("Мероприятия"):
    progress = data.roadmap_progress(on_date)
    progress = select_events(progress)  # plan order: 1.2 before 1.10
    st.subheader("Сроки мероприятий")
    sections = [s for s in progress["section"].dropna().astype(str).unique().tolist() if s.strip()]
    parties = data.roadmap_summary(on_date, "responsible")["responsible"].astype(str).tolist()
    states = [s for s in charts.STATE_ORDER if s in set(progress["state"])]
    f1, f2, f3 = st.columns(3)
    sel_sec = f1.multiselect("Раздел", sections, placeholder="все разделы", key="ev_sections")
    sel_resp = f2.multiselect("Ответственный", parties, placeholder="все", key="ev_resp")
    sel_state = f3.multiselect("Состояние", states, format_func=fmt.state_label, placeholder="все состояния",
                               key="ev_states")
    shown = select_events(progress, sections=sel_sec, parties=sel_resp, states=sel_state)

    if shown.empty:
        st.caption("Под выбранные фильтры не подходит ни одно мероприятие.")
    else:
        fig = figure_cache.figure(("events_timeline", data.store_path(), on_date, tuple(sel_sec), tuple(sel_resp),
                                   tuple(sel_state)), lambda: charts.roadmap_timeline(shown, on_date))
        st.plotly_chart(fig, key="events_timeline")
        no_dates = shown[shown["state"].isin(["unscheduled", "continuous"])]
        if len(no_dates):
            st.caption(f"Без контрольных дат на шкале: {len(no_dates)} (постоянные и «по графику» мероприятия) — см. список ниже.")

        overdue = shown[shown["state"] == "overdue"].sort_values("days_overdue", ascending=False)
        st.subheader(f"Просрочено: {len(overdue)}")
        if overdue.empty:
            st.caption("Просроченных мероприятий нет.")
        else:
            v = overdue.assign(last=overdue["last_passed_date"].map(fmt.date_ru),
                               days=overdue["days_overdue"].map(lambda x: fmt.value(x, None, 0)))
            show_table(v, {"number": "№", "title": "Мероприятие", "last": "Контрольная дата", "days": "Дней просрочки",
                           "responsible": "Ответственные"},
                       download_only={"deadline_text": "Сроки", "section": "Раздел", "reason": "Пояснение"},
                       what=("просроченные_мероприятия",), key="events_overdue")

        st.subheader("Все мероприятия")
        v = shown.assign(state_text=shown["state"].map(fmt.state_label),
                         next=shown["next_date"].map(fmt.date_ru),
                         done_on=shown["completion_date"].map(fmt.date_ru))
        show_table(v, {"number": "№", "title": "Мероприятие", "state_text": "Состояние", "next": "Ближайшая дата",
                       "deadline_text": "Сроки", "done_on": "Дата выполнения", "responsible": "Ответственные",
                       "section": "Раздел", "expected_result": "Ожидаемые результаты"},
                   download_only={"reason": "Пояснение"}, styler=fmt.state_styler(v["state"]),
                   what=("план_мероприятий",), key="events_all")
