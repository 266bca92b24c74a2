"""«Школа (карточка)»: the whole picture of one school for the interview with its director.

Profile and social context beside the district median; every result over the
years against the district with 95 % intervals (`metrics.intervals`); the
school's programme indicators (`metrics.plan_vs_fact`); успеваемость, качество
знаний, СОУ and high scorers (`metrics.mark_measures`, `metrics.high_scorers`); its
flags with their explanations (`metrics.risk_flags`); ВПР objectivity
(`metrics.objectivity_flags`, `objectivity_summary`); its events
(`metrics.roadmap_progress`); the commitments of past interviews and the form to
record one (`ui.interview_view`). `?print=1` (or the toggle) shows the interview
handout — the same two pages as its PDF (`reports.handout`), no sidebar, no widgets.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.profile import registry_row
from metrics.roadmap import plan_names, school_events
from ui import data, documents, empty, filters
from ui import interview_view
from ui import format as fmt
from ui import print_view as pv
from ui import objectivity_view as ov
from ui import safe, school_charts, school_view as sv
from ui.figure_cache import figure
from ui.ranking_view import table_height
from ui.tables import show_table
from ui.indicator_view import PLAN_FACT_COLUMNS, plan_fact_display, status_styler
from ui.reasons import explanation_block
from metrics.weights import school_findings

printing = pv.is_print()
year = filters.current_year()
school = filters.current_school()
names = data.school_names()
on_date = filters.today()

if printing:
    pv.hide_chrome()
    st.markdown("<style>@media print { [data-testid='stPageLink'] { display: none !important; } }</style>",
                unsafe_allow_html=True)


def _pick(key: str) -> None:
    st.session_state["flt_school"] = st.session_state[key]


if school is None:
    st.title("Школа (карточка)")
    if not data.has("schools") and not data.has("results") and not data.has("values"):
        empty.empty_hint(["schools", "results"], "карточка школы строится по реестру школ и результатам",
                         key="school_empty")
        st.stop()
    st.info("Выберите школу в боковой панели или здесь — карточка покажет её результаты по годам, флаги с причинами, "
            "объективность ВПР и мероприятия.", icon=":material/apartment:")
    options = [s for s in filters.school_options() if s is not None]
    st.selectbox("Школа", options, index=None, placeholder="выберите школу", format_func=filters.school_label,
                 key="school_pick", on_change=_pick, args=("school_pick",))
    st.stop()

label = filters.school_label(school)
schools = data.table("schools")
reg, reg_year = registry_row(schools, school, year)

# --- header --------------------------------------------------------------------------------
st.title(safe.md(label))
about = []
if reg is not None:
    full = reg.get("name")
    if not fmt.is_missing(full) and str(full) != label:
        about.append(safe.md(full))
    for c in ("type", "locality"):
        if not fmt.is_missing(reg.get(c)) and str(reg.get(c)).strip():
            about.append(safe.md(reg.get(c)))
about.append(fmt.year_label(year))
about.append(f"данные на {fmt.date_ru(on_date)}")
st.caption(" · ".join(about))
if printing:
    filters.page_link_with_filters("pages/school.py", "Обычный вид (с фильтрами)", icon=":material/arrow_back:")
else:
    c_print, c_docs = st.columns([1, 3], vertical_alignment="center")
    with c_print:
        st.toggle("Версия для печати", key="school_print", value=False,
                  on_change=lambda: pv.set_print(bool(st.session_state.get("school_print"))),
                  help="Чистая раскладка без боковой панели и кнопок — для распечатки к собеседованию (ссылка с "
                       "?print=1).")
    with c_docs:
        documents.handout_buttons(school, year)
if printing:  # the print view is the handout: the same two pages as its PDF
    with data.guard("Материалы к собеседованию"):
        documents.print_handout(school, year)
    st.stop()

iv_school = data.intervals(None, school_id=school) if data.has("results") else pd.DataFrame()
iv_year = iv_school[pd.to_numeric(iv_school["year"], errors="coerce") == year] if len(iv_school) else iv_school
if iv_year.empty and data.has("results"):
    empty.no_school_data(label, year, "результатов оценочных процедур")
if school not in names:
    st.caption(f"Код школы «{safe.md(school)}»: её названия нет в загруженных данных — загрузите реестр школ.")

core = data.has("results") or data.has("schools")  # flags, profile and results need one of them

# --- the first screen: what matters most, heaviest first ------------------------------------------------
findings = pd.DataFrame()
of = pd.DataFrame()
own_obj = pd.DataFrame()
with data.guard("Главное"):
    if data.has("results"):
        flags = data.risk_flags(year)
        mine_flags = flags[flags["school_id"].astype(str) == school] if len(flags) else flags
        of = data.objectivity_flags(year)
        summ = data.objectivity_summary(year)
        own_obj = summ[summ["school_id"].astype(str) == school] if len(summ) else summ
        findings = school_findings(mine_flags, own_obj.iloc[0].to_dict() if len(own_obj) else None)
        sv.summary_lines(findings, year)
    pvf = data.plan_vs_fact(year) if data.has("indicators", "values") else pd.DataFrame()
    own_pvf = pvf[pvf["school_id"].astype(str) == school] if len(pvf) else pvf
    sv.key_figures(reg, iv_year, own_obj, own_pvf)

if not core:
    st.info("Флаги риска, профиль школы и результаты по годам появятся, когда будут загружены «Результаты "
            "оценочных процедур» и «Реестр школ». Ниже — то, что уже есть: показатели программы и мероприятия.",
            icon=":material/info:")
    empty.template_row(["results", "schools"], key="school_core_tpl")

TABS = ["Флаги и причины", "Результаты", "Объективность ВПР", "Показатели программы", "Профиль", "Мероприятия",
        "Договорённости"]
t_flags, t_results, t_vpr, t_pvf, t_profile, t_events, t_interviews = st.tabs(TABS)

# --- flags: every finding with its reasons, heaviest first ---------------------------------------------------
with t_flags, data.guard("Флаги и причины"):
    if not data.has("results"):
        st.caption("Флаги считаются по результатам оценочных процедур и реестру — результаты не загружены.")
    else:
        if findings.empty:
            st.success(f"За {fmt.year_label(year)} у школы нет флагов риска.", icon=":material/check_circle:")
        else:
            sv.flag_boxes(findings, school)
        filters.page_link_with_filters("pages/risk.py", "Все школы в зоне риска", icon=":material/warning:",
                                       school=None)

# --- results over the years ---------------------------------------------------------------------------
with t_results, data.guard("Результаты"):
    if iv_school.empty:
        st.caption("Результатов оценочных процедур по школе нет.")
    else:
        st.caption("Точка — средний балл школы, вертикальный отрезок — 95 % интервал (где может быть «истинный» "
                   "результат при таком числе участников), пунктир — район. Красная точка — значимо ниже района, "
                   "зелёная — значимо выше; полый маркер — мало участников.")
        order = [e for e in filters.exam_options() if e in set(iv_school["exam"].astype(str))]
        chosen = filters.current_exam()
        # one procedure at a time (the sidebar's, switchable here): each history is a many-panel figure
        if st.session_state.get("school_exam") not in order:
            st.session_state["school_exam"] = chosen if chosen in order else order[0]
        ex = st.segmented_control("Процедура", order, key="school_exam", required=True)
        st.plotly_chart(figure(("school_history", school, ex), lambda: school_charts.results_history(iv_school, ex)),
                        key=f"school_hist_{ex}", config={"displayModeBar": False})
        if len(iv_year):
            st.markdown(f"**{fmt.year_label(year).capitalize()}: результаты с интервалами**")
            view = sv.results_frame(iv_year.sort_values(["exam", "grade", "subject"]))
            show_table(view, sv.RESULTS_COLUMNS, what=("результаты", school, year), key="school_results",
                       styler=sv.verdict_styler, height=table_height(len(view)), more=sv.RESULTS_MORE)
            st.caption("«Значимо» — отличие больше случайных колебаний и выдерживает поправку на число сравнений "
                       "на этой карточке; группы меньше 10 участников не оцениваются; работы ВПР с признаками "
                       "необъективности с районом не сравниваются.")
        mm = data.metric("mark_measures", year=year)
        mm = mm[mm["school_id"].astype(str) == school] if len(mm) else mm
        if len(mm):
            st.markdown(f"**Успеваемость, качество знаний, СОУ, {year} год**")
            show_table(sv.marks_frame(mm), sv.MARKS_COLUMNS, what=("успеваемость", school, year),
                       key="school_marks", height=table_height(len(mm)))
        hs = data.metric("high_scorers", year=year)
        hs = hs[hs["school_id"].astype(str) == school] if len(hs) else hs
        if len(hs) and hs["available"].any():
            st.markdown(f"**Высокобалльники, {year} год**")
            show_table(sv.high_frame(hs), sv.HIGH_COLUMNS, what=("высокобалльники", school, year),
                       key="school_high")

# --- ВПР objectivity -------------------------------------------------------------------------------------------
with t_vpr, data.guard("Объективность ВПР"):
    mine = of[(of["school_id"].astype(str) == school) & (pd.to_numeric(of["year"], errors="coerce") == year)] \
        if len(of) else of
    if mine.empty:
        st.caption(f"Результатов ВПР школы за {fmt.year_label(year)} нет.")
    else:
        st.caption("ВПР — диагностика, а не рейтинг. Здесь — совпадение отметок ВПР с отметками в журнале и признаки "
                   "необъективности оценивания, которые стоит обсудить.")
        flagged = mine[mine["flagged"].fillna(False).astype(bool)]
        if len(own_obj) and own_obj["explanation"].iloc[0] is not None:
            explanation_block("Объективность ВПР", own_obj["explanation"].iloc[0],
                              severity="flag" if bool(own_obj["persistent"].iloc[0]) else "warning", key="school_obj")
            with st.expander(f"Подробно по каждой работе ({len(flagged)})", icon=":material/calculate:"):
                for i, e in enumerate(flagged["explanation"]):
                    explanation_block("Работа", e, severity="warning", key=f"school_obj_{i}", box=False)
        else:
            st.success("Признаков необъективности ВПР в этом году нет.", icon=":material/check_circle:")
        view = ov.objectivity_display(mine.sort_values(["grade", "subject"]), names)
        show_table(view, {"grade_text": "Класс", "subject": "Предмет", "n_text": "Участников",
                          "confirmed_text": "ВПР = журнал", "lowered_text": "ВПР ниже", "raised_text": "ВПР выше",
                          "status_text": "Оценка", "flags_text": "Признаки"},
                   what=("ВПР_объективность", school, year), key="school_vpr",
                   height=table_height(len(view)), wrap=False,
                   more={"mean_text": "Средняя отметка", "district_text": "Район"})

# --- programme indicators -----------------------------------------------------------------------------------
with t_pvf, data.guard("Показатели программы"):
    if not data.has("indicators", "values"):
        st.caption("Показатели программы не загружены.")
    elif own_pvf.empty:
        st.caption(f"Школьных значений показателей программы за {year} год нет.")
    else:
        view = plan_fact_display(own_pvf, names)
        cols = {k: PLAN_FACT_COLUMNS[k] for k in ("name", "plan_text", "fact_text", "deviation_text",
                                                  "status_label")}
        show_table(view, cols, what=("показатели", school, year), key="school_pvf",
                   styler=status_styler(view["status"]), wrap=False,
                   download_only={"reason": PLAN_FACT_COLUMNS["reason"]})

# --- profile ----------------------------------------------------------------------------------------
with t_profile, data.guard("Профиль"):
    prof = sv.profile_frame(schools, school, year) if data.has("schools") else pd.DataFrame()
    if prof.empty:
        st.caption("В реестре школ нет сведений об этой школе.")
    else:
        if reg_year is not None and reg_year != year:
            st.caption(f"Реестр за {reg_year} год (за {year} год сведений нет).")
        soc = data.metric("social_index", year=year)
        srow = soc[soc["school_id"].astype(str) == school] if len(soc) else soc
        if len(srow) and not fmt.is_missing(srow["index"].iloc[0]):
            q = srow["quartile"].iloc[0]
            qtxt = "" if fmt.is_missing(q) else f", {int(q)}-я четверть района" + (
                " — наиболее неблагополучные условия" if int(q) == 4 else "")
            st.markdown(f"**Индекс социального неблагополучия:** {sv.rnum(srow['index'].iloc[0], 2)}{qtxt} "
                        "(0 — средний уровень района, больше — неблагополучнее).")
        show_table(prof, {"label": "Показатель", "school_text": label, "median_text": "Медиана по району"},
                   what=("профиль", school, year), key="school_profile")

# --- events ------------------------------------------------------------------------------------------------
with t_events, data.guard("Мероприятия"):
    if not data.has("events"):
        st.caption("План мероприятий не загружен.")
    else:
        progress = data.roadmap_progress(on_date)
        ev = school_events(progress, school, plan_names(data.table("schools"), school, label))
        if ev is None or ev.empty:
            st.caption("В плане мероприятий нет мероприятий, где школа указана исполнителем.")
        else:
            view = ev.assign(state_text=ev["state"].map(fmt.state_label),
                             next_text=ev["next_date"].map(fmt.date_ru) if "next_date" in ev else "—",
                             responsible_text=ev["responsible"].fillna("").astype(str).str.replace("\n", ", "))
            show_table(view, {"number": "№", "title": "Мероприятие", "deadline_text": "Сроки", "state_text": "Состояние",
                              "next_text": "Ближайшая дата"},
                       what=("мероприятия", school), key="school_events",
                       more={"responsible_text": "Ответственные"})

# --- interview records ------------------------------------------------------------------------------------
with t_interviews, data.guard("Договорённости собеседований"):
    interview_view.section(school, label)
