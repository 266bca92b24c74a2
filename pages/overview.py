"""«Обзор»: how does the district stand this year, at a glance?

Key figures with change from last year, the programme's traffic light, the
number of at-risk schools by flag (each linking on), the flagged schools with a
link straight to their card, and overdue / soon-due events. Everything comes
from `metrics/` through `ui.data`; this page only shows it.
"""
from __future__ import annotations

import streamlit as st

from ui import cards, charts, data, documents, empty, filters
from ui import risk_view as risk_cards
from ui import format as fmt
from ui.indicator_view import plan_fact_display, status_styler
from ui.ranking_view import table_height
from ui.tables import show_table

SHOW_FLAGGED = 12  # cards of flagged schools on the overview; the rest on «Школы в зоне риска»

year = filters.current_year()
school = filters.current_school()
on_date = filters.today()
names = data.school_names()

st.title("Обзор")
st.caption(f"{fmt.year_label(year)} · весь район · данные на {fmt.date_ru(on_date)}")

if school is not None:
    st.info(f"Обзор показан по району. Выбрана школа «{filters.school_md(school)}».", icon=":material/apartment:")
    filters.page_link_with_filters("pages/school.py", f"Открыть карточку школы «{filters.school_label(school)}»",
                                   icon=":material/arrow_forward:")

if not data.has("results") and not data.has("values") and not data.has("events"):
    empty.empty_hint(["indicators", "values", "events", "results", "schools"],
                     "данные ещё не загружены", key="overview_empty")
    st.stop()

# --- documents for the meeting and the half-year report ---------------------------------------------
with st.container(border=True):
    with data.guard("Документы"):
        left, right = st.columns([1, 2], gap="large", vertical_alignment="bottom")
        with left:
            documents.brief_buttons(year)
        with right:
            documents.programme_buttons()

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
                       styler=status_styler(view["status"]), wrap=False, height=table_height(len(view)))
        filters.page_link_with_filters("pages/indicators.py", "Все показатели: отклонения, графики, прогноз",
                                       icon=":material/monitoring:")

# --- schools at risk -------------------------------------------------------------------
st.subheader("Школы в зоне риска")
with data.guard("Школы в зоне риска"):
    if not data.has("results"):
        empty.empty_hint(["results", "schools"], "нет результатов оценочных процедур", key="overview_risk")
    else:
        summary = data.risk_summary(year)
        summary = summary[summary["count"] > 0] if len(summary) else summary
        flags = data.risk_flags(year)
        flagged = flags[flags["severity"] == "flag"] if len(flags) else flags
        if summary.empty:
            st.caption("Ни одна школа не отмечена.")
        records = summary.to_dict("records")
        half = (len(records) + 1) // 2
        for col, part in zip(st.columns(2, gap="large"), (records[:half], records[half:])):
            with col:
                for r in part:  # one line per flag kind
                    filters.page_link_with_filters("pages/risk.py", f"{fmt.flag_label(r['flag'])}: {int(r['count'])}",
                                                   school=None,
                                                   icon=fmt.SEVERITY_ICONS.get(str(r.get("severity")), None))
        if len(flagged):
            st.markdown("**Отмеченные школы** — в карточке школы все причины и числа:")
            per_school = risk_cards.flagged_schools(flagged)
            risk_cards.school_cards(per_school.head(SHOW_FLAGGED), names, per_row=3)
            if len(per_school) > SHOW_FLAGGED:
                filters.page_link_with_filters(
                    "pages/risk.py", f"Ещё {len(per_school) - SHOW_FLAGGED} школ — весь список",
                    icon=":material/arrow_forward:", school=None)

# --- events ------------------------------------------------------------------------------
st.subheader("Мероприятия")
with data.guard("Мероприятия"):
    if not data.has("events"):
        empty.empty_hint(["events"], "план мероприятий не загружен", key="overview_events")
    else:
        progress = data.roadmap_progress(on_date)
        overdue = progress[progress["state"] == "overdue"].sort_values("days_overdue", ascending=False)
        due = data.events_due(on_date, 30)
        c1, c2 = st.container(), st.container()  # stacked: titles and responsible parties need the width
        with c1:
            st.markdown(f"**Просрочено: {len(overdue)}**")
            if overdue.empty:
                st.caption("Просроченных мероприятий нет.")
            else:
                v = overdue.assign(last=overdue["last_passed_date"].map(fmt.date_ru),
                                   days=overdue["days_overdue"].map(lambda x: fmt.value(x, None, 0)))
                show_table(v, {"number": "№", "title": "Мероприятие", "last": "Контрольная дата",
                               "days": "Дней просрочки", "responsible": "Ответственные"},
                           what=("просроченные_мероприятия",), key="overview_overdue")
        with c2:
            st.markdown(f"**Срок в ближайшие 30 дней: {len(due)}**")
            if due.empty:
                st.caption("В ближайшие 30 дней контрольных сроков нет.")
            else:
                v = due.assign(next=due["next_date"].map(fmt.date_ru))
                show_table(v, {"number": "№", "next": "Контрольная дата", "title": "Мероприятие",
                               "responsible": "Ответственные"},
                           what=("мероприятия_30_дней",), key="overview_due")
        filters.page_link_with_filters("pages/events.py", "Весь план мероприятий", icon=":material/event_note:")
