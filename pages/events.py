"""«Мероприятия»: how is the event roadmap going in the chosen school year — what is done, late or due soon?

The sidebar's school year picks the events whose control dates fall in it (1 September – 31 August,
`metrics.roadmap_year`); the continuous and «по графику» events show in every year the plan covers. The sidebar's
school narrows the page to the events where that school is named among the responsible parties; a school the
plan never names gets a plain notice and the district view. Progress by section and by responsible party, a
timeline of the year's control dates (a page of `charts.TIMELINE_PAGE` events at a time, in plan order), the
overdue list and the list of events, with filters by section, responsible party and state.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.roadmap import (plan_names, responsible_text, school_year_of, school_year_window, section_order,
                             select_events)
from ui import charts, data, empty, figure_cache, filters
from ui import format as fmt
from ui.tables import show_table

on_date = filters.today()
year = filters.current_year()
school = filters.current_school()
start, end = (d.date() for d in school_year_window(year))

st.title("Мероприятия")
st.caption(f"План мероприятий (дорожная карта) · {fmt.year_label(year)}: сроки с {fmt.date_ru(start)} по "
           f"{fmt.date_ru(end)} · состояние на {fmt.date_ru(on_date)}")

if not data.has("events"):
    empty.empty_hint(["events"], "план мероприятий не загружен", key="events_empty")
    st.stop()

SUMMARY_COLUMNS = {
    "total": st.column_config.NumberColumn("Всего", format="%d", width=70),
    "done": st.column_config.NumberColumn("Выполнено", format="%d", width=95),
    "overdue": st.column_config.NumberColumn("Просрочено", format="%d", width=100),
    "in_progress": st.column_config.NumberColumn("В работе", format="%d", width=85),
    "not_yet_due": st.column_config.NumberColumn("Срок не наступил", format="%d", width=90),
    "share_on_time_text": st.column_config.TextColumn("В срок", width=80,
                                                      help="Доля выполненных в срок среди тех, чей срок наступил"),
}
SUMMARY_EXCEL = {"continuous": "Постоянно", "unscheduled": "Без срока", "share_done_text": "Доля выполненных",
                 "n_due": "Сроки наступили", "n_on_time": "Выполнено в срок"}
PARTIES_IN_CHART = 15  # a chart of more parties would be a wall of bars; the table holds them all


def summary_view(s: pd.DataFrame) -> pd.DataFrame:
    return s.assign(share_done_text=s["share_done"].map(lambda x: fmt.value(x, "%")),
                    share_on_time_text=s["share_done_on_time"].map(lambda x: fmt.value(x, "%")))


def set_filter(key: str, value) -> None:
    st.session_state[key] = value


# --- scope: the school year and the school -------------------------------------------------------------
district = data.roadmap_year(year, on_date)
scope, names = None, ()
if school is not None:
    names = plan_names(data.table("schools"), school, filters.school_label(school))
    mine = data.roadmap_year(year, on_date, school, names)
    label = filters.school_md(school)
    if len(mine):
        scope = school
        st.info(f"Показаны мероприятия, где школа «{label}» названа среди ответственных или в названии: {len(mine)} из "
                f"{len(district)} за учебный год. Мероприятия для всех школ («Руководители ОО» и т. п.) — "
                "в районном виде.", icon=":material/apartment:")
    else:
        st.info(f"Школа «{label}» не названа ни среди ответственных, ни в названии мероприятий "
                f"{fmt.year_label(year).replace('учебный год', 'учебного года')}. Ниже — весь район.",
                icon=":material/apartment:")
    c1, c2 = st.columns([3, 1])
    with c1:
        filters.page_link_with_filters("pages/school.py", f"Карточка школы «{filters.school_label(school)}»",
                                       icon=":material/arrow_forward:")
    if scope is not None:
        c2.button("Показать весь район", key="ev_district", icon=":material/map:",
                  on_click=set_filter, args=("flt_school", None))
progress = data.roadmap_year(year, on_date, scope, names) if scope is not None else district
phase = progress["year_phase"].iat[0] if len(progress) else None

current = school_year_of(on_date)
if year != current:
    when = "завершился" if year < current else "ещё не начался"
    text = f"{fmt.year_label(year)} {when}; текущий — {fmt.year_label(current)}."
    if year > current:
        text += " Сроки этого года ещё не наступили: доля выполненных в срок не считается."
    cols = st.columns([3, 1])
    cols[0].caption(text)
    if current in filters.year_options():
        cols[1].button(f"Перейти к {current - 1}/{str(current)[-2:]}", key="ev_current_year",
                       on_click=set_filter, args=("flt_year", current))

if progress.empty:
    first, last = data.metric("plan_school_years")
    span = (f" План охватывает {fmt.year_label(first).split()[0]}–{fmt.year_label(last).split()[0]} учебные годы."
            if first is not None else "")
    where = "среди мероприятий школы" if scope is not None else "в плане"
    st.info(f"В {fmt.year_label(year).replace('учебный год', 'учебном году')} {where} нет мероприятий со сроками."
            + span, icon=":material/event_busy:")
    st.stop()

# --- the year's figures ------------------------------------------------------------------------------------
with data.guard("Итоги"):
    total = data.roadmap_year_summary(year, on_date, None, scope, names).iloc[0]
    prev = data.roadmap_year_summary(year - 1, on_date, None, scope, names)
    prev_share = prev["share_done_on_time"].iat[0] if len(prev) else float("nan")
    c = st.columns(5)
    c[0].metric("Мероприятий", int(total["total"]), border=True,
                help=f"Мероприятия с контрольными сроками в {fmt.year_label(year).replace('учебный год', 'учебном году')} "
                     "и постоянные (без дат).")
    c[1].metric("Выполнено", int(total["done"]), help=f"Все сроки года отмечены выполненными. Доля выполненных: "
                f"{fmt.pct(total['share_done'], 0)}", border=True)
    c[2].metric("Просрочено", int(total["overdue"]), border=True,
                help="Срок года прошёл, а отметки о выполнении нет (на сегодня).")
    c[3].metric("В работе / постоянно", int(total["in_progress"]) + int(total["continuous"]), border=True)
    n_due, n_on_time = int(total["n_due"]), int(total["n_on_time"])
    if phase == "future":
        c[4].metric("Выполнено в срок", "—", border=True,
                    help="Учебный год ещё не начался: сроки не наступили, оценивать рано.")
    else:
        delta = total["share_done_on_time"] - prev_share
        c[4].metric("Выполнено в срок", fmt.value(total["share_done_on_time"], "%"),
                    delta=fmt.metric_delta(delta, "%"),
                    help=f"{n_on_time} из {n_due} мероприятий года, чьё выполнение можно оценить: выполнены не позже "
                         "контрольной даты (остальные — с опозданием или просрочены). Изменение — к прошлому "
                         "учебному году.", border=True)
    if phase != "future" and n_due == 0:
        st.caption("Ни одно мероприятие года пока нельзя оценить по сроку: нет ни выполненных с датой, ни просроченных.")

with data.guard("Ход выполнения"):
    st.subheader("Ход выполнения")
    for tab, by, label, what in zip(st.tabs(["По разделам", "По ответственным"]), ("section", "responsible"),
                                    ("Раздел", "Ответственный"),
                                    ("мероприятия_по_разделам", "мероприятия_по_ответственным")):
        with tab:
            summary = data.roadmap_year_summary(year, on_date, by, scope, names)
            chart = summary
            if len(summary) > PARTIES_IN_CHART:
                chart = summary.sort_values("total", ascending=False, kind="stable").head(PARTIES_IN_CHART)
                st.caption(f"На диаграмме — {PARTIES_IN_CHART} с наибольшим числом мероприятий из {len(summary)}; "
                           "все — в таблице.")
            fig = figure_cache.figure((f"events_{by}", year, on_date, scope),
                                      lambda: charts.state_bars(chart, by, label))
            st.plotly_chart(fig, key=f"events_{by}_chart")
            show_table(summary_view(summary), {by: st.column_config.TextColumn(label, width=300), **SUMMARY_COLUMNS},
                       download_only=SUMMARY_EXCEL, what=(what, year, scope), key=f"events_{by}", wrap=True)
    st.caption("Мероприятие с несколькими ответственными учтено у каждого из них.")

with data.guard("Мероприятия"):
    progress = select_events(progress)  # plan order: «5.» before «5.1.», «1.2» before «1.10»
    st.subheader("Сроки мероприятий")
    sections = section_order(s for s in progress["section"].dropna().astype(str) if s.strip())
    parties = data.roadmap_year_summary(year, on_date, "responsible", scope, names)["responsible"].astype(str).tolist()
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
        dated = shown[shown["n_year_dates"] > 0]
        n_pages = max(1, -(-len(dated) // charts.TIMELINE_PAGE))
        page = 1
        if n_pages > 1:
            def page_label(k: int) -> str:
                part = dated.iloc[(k - 1) * charts.TIMELINE_PAGE: k * charts.TIMELINE_PAGE]["number"].astype(str)
                return f"{k}: № {part.iat[0]} – {part.iat[-1]}"

            page = st.selectbox(f"Шкала показывает по {charts.TIMELINE_PAGE} мероприятий в порядке плана; всего "
                                f"{len(dated)}", list(range(1, n_pages + 1)), format_func=page_label, key="ev_page")
        part = dated.iloc[(page - 1) * charts.TIMELINE_PAGE: page * charts.TIMELINE_PAGE]
        key = ("events_timeline", year, on_date, scope, tuple(sel_sec), tuple(sel_resp), tuple(sel_state), page)
        fig = figure_cache.figure(key, lambda: charts.roadmap_timeline(part, on_date, window=(start, end)))
        st.plotly_chart(fig, key="events_timeline")
        no_dates = shown[shown["n_year_dates"] == 0]
        if len(no_dates):
            st.caption(f"Без контрольных дат на шкале: {len(no_dates)} (постоянные и «по графику» мероприятия) — "
                       "см. список ниже.")

        overdue = shown[shown["state"] == "overdue"].sort_values("days_overdue", ascending=False, kind="stable")
        st.subheader(f"Просрочено: {len(overdue)}")
        if overdue.empty:
            st.caption("Просроченных мероприятий нет.")
        else:
            v = overdue.assign(missed=overdue["first_missed_date"].map(fmt.date_ru),
                               days=overdue["days_overdue"].map(lambda x: fmt.value(x, None, 0)),
                               parties=overdue["responsible"].map(responsible_text))
            show_table(v, {"number": st.column_config.TextColumn("№", width=60),
                           "title": st.column_config.TextColumn("Мероприятие", width=370),
                           "missed": st.column_config.TextColumn("Пропущен срок", width=110),
                           "days": st.column_config.TextColumn("Дней", width=60),
                           "parties": st.column_config.TextColumn("Ответственные", width=250)},
                       download_only={"deadline_text": "Сроки", "section": "Раздел", "reason": "Пояснение"},
                       what=("просроченные_мероприятия", year, scope), key="events_overdue", wrap=True)

        st.subheader("Все мероприятия года")
        v = shown.assign(state_text=shown["state"].map(fmt.state_label),
                         next=shown["next_date"].map(fmt.date_ru),
                         done_on=shown["completion_date"].map(fmt.date_ru),
                         parties=shown["responsible"].map(responsible_text))
        show_table(v, {"number": st.column_config.TextColumn("№", width=60),
                       "title": st.column_config.TextColumn("Мероприятие", width=330),
                       "state_text": st.column_config.TextColumn("Состояние", width=120),
                       "deadline_text": st.column_config.TextColumn("Сроки", width=130),
                       "parties": st.column_config.TextColumn("Ответственные", width=210)},
                   download_only={"next": "Ближайшая дата", "done_on": "Дата выполнения", "section": "Раздел",
                                  "expected_result": "Ожидаемые результаты", "reason": "Пояснение"},
                   styler=fmt.state_styler(v["state"]), what=("план_мероприятий", year, scope), key="events_all",
                   wrap=True)
        st.caption("Ближайшая дата, дата выполнения, раздел, ожидаемые результаты и пояснение к каждому "
                   "мероприятию — в файле Excel.")
