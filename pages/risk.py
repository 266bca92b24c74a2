"""«Школы в зоне риска»: which schools have low results or adverse conditions, and exactly why?

ШНОР (low results) and ШНСУ (adverse social conditions) lists with the reasons and
the stable-low / exit status (`metrics.risk_flags`); a scatter of results against
the social index with the weighted regression line (`metrics.context_adjusted`),
resilient schools highlighted as good examples; every school links to its card.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import cards, data, empty, filters
from ui import format as fmt
from ui import risk_view as rk
from ui import school_view as sv
from ui.figure_cache import figure, memo
from ui.ranking_view import table_height
from ui.tables import show_table

VPR = "ВПР"
year = filters.current_year()
school = filters.current_school()
names = data.school_names()

st.title("Школы в зоне риска")
st.caption(f"{fmt.year_label(year)} · правила и пороги — в файле настроек (config/settings.toml)")

if not data.has("results"):
    empty.empty_hint(["results", "schools"], "флаги риска считаются по результатам оценочных процедур и реестру школ "
                     "с долями социального контекста", key="risk_empty")
    st.stop()

flags = pd.DataFrame()
with data.guard("Флаги риска"):
    flags = data.risk_flags(year)
    summary = data.risk_summary(year)
    if len(summary):
        cards.count_grid(summary, per_row=4)

if school is not None and len(flags):
    own = flags[flags["school_id"].astype(str) == school]
    labels = ", ".join(dict.fromkeys(own["label"].astype(str))) if len(own) else "флагов нет"
    st.info(f"Выбрана школа «{filters.school_md(school)}»: {labels}.", icon=":material/apartment:")
    filters.page_link_with_filters("pages/school.py", "Открыть её карточку", icon=":material/apartment:")

if flags.empty:
    st.success(f"За {fmt.year_label(year)} ни одна школа не отмечена.", icon=":material/check_circle:")

left, right = st.columns(2, gap="large")
with left, data.guard("ШНОР"):
    st.subheader("ШНОР — низкие образовательные результаты")
    st.caption("Школа в нижней четверти района по двум и более процедурам (ЕГЭ, ОГЭ, ВПР) или с 30 % и более "
               "участников ниже минимума по двум процедурам — в двух из последних трёх лет.")
    if len(flags) and (flags["flag"] == "low_results").any():
        rk.school_flag_list(flags, names, "low_results",
                            badges={"stable_low": "устойчиво низкие", "min_fail_warning": "есть выпускники ниже минимума"},
                            year=year)
    else:
        st.caption("Школ с низкими результатами нет.")
    st.markdown("**Вышли из ШНОР**")
    if len(flags) and (flags["flag"] == "exit").any():
        rk.school_flag_list(flags, names, "exit", year=year)
    else:
        st.caption("В этом году ни одна школа не вышла из числа ШНОР.")

with right, data.guard("ШНСУ"):
    st.subheader("ШНСУ — неблагоприятные социальные условия")
    st.caption("Верхняя четверть района по индексу социального неблагополучия (доли малоимущих, неполных, многодетных "
               "семей, детей группы риска, с ОВЗ, с неродным русским языком; веса — в настройках).")
    if len(flags) and (flags["flag"] == "social").any():
        rk.school_flag_list(flags, names, "social",
                            badges={"resilient": "резильентная", "below_expectation": "ниже ожидаемого"},
                            year=year)
    else:
        st.caption("Нет сведений о социальном контексте школ (реестр) или школ в неблагоприятных условиях нет.")

# --- results against social context ---------------------------------------------------------------
st.subheader("Результаты с учётом социального контекста")
with data.guard("Результаты и контекст"):
    exams = [e for e in filters.exam_options() if e != VPR]
    outcome = st.selectbox("Результат", [None, *exams], key="risk_outcome",
                           format_func=lambda e: "ЕГЭ и ОГЭ вместе (сводный балл)" if e is None else f"{e} (сводный балл)")
    ca = data.metric("context_adjusted", year=year, exam=outcome)
    if ca.empty:
        st.info("Недостаточно школ, у которых есть и результаты, и доли социального контекста в реестре, чтобы "
                "построить зависимость.", icon=":material/info:")
    else:
        value_title = "сводный балл (0 — уровень района, в SD)"
        slope = ca["slope"].dropna()
        st.caption("Каждая точка — школа: по горизонтали — индекс неблагополучия, по вертикали — результат. Пунктир — "
                   "результат, которого можно ожидать при таком контексте (взвешенная регрессия по числу участников"
                   + (f", наклон {fmt.signed(float(slope.iloc[0]), 2)}" if len(slope) else "")
                   + "). Зелёные звёзды — резильентные школы: условия трудные, а результат выше ожидаемого. "
                   "Щёлкните точку, чтобы открыть карточку.")
        fig = figure(("risk_scatter", year, outcome, school),
                     lambda: rk.context_scatter(ca, names, value_title=value_title, highlight=school))
        event = st.plotly_chart(fig,
                                key="risk_scatter", on_select="rerun", selection_mode="points",
                                config={"displayModeBar": False})
        picked = [p.get("customdata") for p in (event.selection.points if event else [])]
        picked = [c[0] for c in picked if isinstance(c, (list, tuple)) and c]
        if picked:
            st.switch_page("pages/school.py", query_params=filters.filter_params(school=picked[0]))
        good = ca[ca["resilient"].fillna(False).astype(bool)]
        bad = ca[ca["below_expectation"].fillna(False).astype(bool)]
        g1, g2 = st.columns(2, gap="large")
        with g1:
            st.markdown("**Резильентные школы — хорошие примеры**")
            if good.empty:
                st.caption("Нет.")
            for _, r in good.head(rk.MAX_CARDS).iterrows():  # a few schools
                sid = str(r["school_id"])
                st.success(f"**{names.get(sid, sid)}**: индекс неблагополучия {sv.rnum(r['index'], 2)}, "
                           f"результат {sv.rnum(r['value'], 2)} при ожидаемом {sv.rnum(r['predicted'], 2)} "
                           f"({fmt.signed(float(r['residual']), 2)}).", icon=":material/thumb_up:")
                filters.page_link_with_filters("pages/school.py", f"Карточка: {names.get(sid, sid)}",
                                               icon=":material/apartment:", school=sid)
        with g2:
            st.markdown("**Ниже ожидаемого с учётом контекста**")
            if bad.empty:
                st.caption("Нет школ, результат которых значимо ниже ожидаемого.")
            for _, r in bad.sort_values("z").head(rk.MAX_CARDS).iterrows():  # a few schools
                sid = str(r["school_id"])
                st.error(f"**{names.get(sid, sid)}**: результат {sv.rnum(r['value'], 2)} при ожидаемом "
                         f"{sv.rnum(r['predicted'], 2)} ({fmt.signed(float(r['residual']), 2)}, "
                         f"z = {sv.rnum(r['z'], 1)}).", icon=":material/trending_down:")
                filters.page_link_with_filters("pages/school.py", f"Карточка: {names.get(sid, sid)}",
                                               icon=":material/apartment:", school=sid)

# --- every flag ------------------------------------------------------------------------------------------
st.subheader("Все флаги")
with data.guard("Все флаги"):
    if flags.empty:
        st.caption("Флагов нет.")
    else:
        view = memo(("risk_flags_table", year), lambda: rk.flags_table(flags, names))
        show_table(view, rk.FLAGS_COLUMNS, what=("флаги_риска", year), key="risk_all", wrap=False,
                   download_only=rk.FLAGS_DOWNLOAD, height=table_height(len(view)))
