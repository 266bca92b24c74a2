"""«Школы в зоне риска»: which schools have low results or adverse conditions, and exactly why?

ШНОР (low results) and ШНСУ (adverse social conditions) lists with their explanations and
the stable-low / exit status (`metrics.risk_flags`), the min-fail district figure; a
scatter of results against the social index with the weighted regression line, its n
and R² (`metrics.context_adjusted`), resilient schools highlighted as good examples; the
schools below the district on trial exams; every school links to its card.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import cards, data, empty, filters
from ui import format as fmt
from ui import risk_view as rk
from ui.figure_cache import figure, memo
from ui.ranking_view import table_height
from ui.tables import HALF, show_table
from ui.reasons import explanation_block, plain_explanation
from metrics.settings import get as setting

VPR = "ВПР"
year = filters.current_year()
school = filters.current_school()
names = data.school_names()

st.title("Школы в зоне риска")
st.caption(f"{fmt.year_label(year)} · правила отбора — под каждым списком; пороги задаёт администратор панели "
           "в её настройках")

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

def _count(flag: str) -> int:
    return int(flags.loc[flags["flag"] == flag, "school_id"].nunique()) if len(flags) else 0


# the two lists side by side left each school's numbers half a page: one list at a time, full width
left, right = st.tabs([f"ШНОР — низкие результаты ({_count('low_results')})",
                       f"ШНСУ — трудные социальные условия ({_count('social')})"])
with left, data.guard("ШНОР"):
    st.subheader("ШНОР — низкие образовательные результаты")
    st.caption("Школа среди четверти школ с самыми низкими результатами и ниже района с учётом погрешности — или "
               "с 30 % и более участников ниже минимума с учётом погрешности — по двум процедурам (ЕГЭ, ОГЭ, ВПР; "
               "у школы только с ВПР — по ВПР), в двух из последних трёх лет. Работы ВПР с признаками "
               "необъективности в расчёт не входят.")
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

    mf = data.metric("min_fail_summary", year=year)
    if mf.get("as_district"):
        st.markdown("**Выпускники ниже минимального порога**")
        explanation_block("Показатель района", mf["explanation"], severity="warning", key="risk_min_fail")

with right, data.guard("ШНСУ"):
    st.subheader("ШНСУ — неблагоприятные социальные условия")
    st.caption("Четверть школ района с самыми трудными социальными условиями по индексу неблагополучия (доли "
               "малоимущих, неполных, многодетных семей, детей группы риска, с ОВЗ, с неродным русским языком; веса — "
               "в настройках). Это описание условий, а не оценка работы школы.")
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
        need = int(setting(None, "risk.context.min_schools", 10))
        st.info(f"Зависимость результатов от социальных условий не строится: нужно не меньше {need} школ, у которых "
                "есть и результаты, и доли социального контекста в реестре.", icon=":material/info:")
    else:
        value_title = "сводный балл (0 — уровень района)"
        r2 = float(ca["r2"].iloc[0]) if "r2" in ca and ca["r2"].notna().any() else float("nan")
        pisa = str(setting(None, "risk.context.resilient_rule", "pisa")) == "pisa"
        st.caption("Каждая точка — школа: по горизонтали — индекс неблагополучия (правее — условия труднее), по "
                   "вертикали — сводный балл (0 — уровень района, −1 — ниже на величину обычного разброса баллов "
                   "учеников). Пунктир — результат, который в среднем получают школы района с такими условиями"
                   + (f" (школ: {len(ca)}; условия объясняют {fmt.pct(100 * r2, 0)} различий между ними)"
                      if r2 == r2 else "")
                   + ". Зелёные звёзды — резильентные школы: условия среди самых трудных, а результат "
                   + ("среди лучших в районе" if pisa else "выше ожидаемого и больше случайных колебаний")
                   + ". Оранжевая полоса — ШНСУ. Щёлкните точку, чтобы открыть карточку.")
        if r2 == r2 and r2 < 0.1:
            st.warning("Социальные условия объясняют меньше 10 % различий между школами: выводы «выше / ниже "
                       "ожидаемого» по этой зависимости почти ничего не говорят.", icon=":material/warning:")
        soc = data.metric("social_index", year=year)
        q3 = pd.to_numeric(soc["q3"], errors="coerce").dropna() if len(soc) and "q3" in soc else pd.Series(dtype=float)
        threshold = float(q3.iloc[0]) if len(q3) else None  # the boundary the ШНСУ cards state
        fig = figure(("risk_scatter", year, outcome, school, threshold),
                     lambda: rk.context_scatter(ca, names, value_title=value_title, highlight=school,
                                                threshold=threshold))
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
        for col, rows, flag, title, empty_text in (
                (g1, good, "resilient", "**Резильентные школы — хорошие примеры**", "Нет."),
                (g2, bad.sort_values("z"), "below_expectation", "**Ниже ожидаемого с учётом контекста**",
                 "Нет школ, результат которых ниже ожидаемого с учётом погрешности.")):
            with col:
                st.markdown(title)
                if rows.empty:
                    st.caption(empty_text)
                for _, r in rows.head(rk.MAX_CARDS).iterrows():  # a few schools
                    sid = str(r["school_id"])
                    explanation_block(names.get(sid, sid), plain_explanation(flag, r["explanation"], r),
                                      severity="good" if flag == "resilient" else "flag", key=f"risk_ctx_{flag}_{sid}",
                                      budget=HALF)
                    filters.page_link_with_filters("pages/school.py", f"Карточка: {names.get(sid, sid)}",
                                                   icon=":material/apartment:", school=sid)

# --- trial exams: below the district average ---------------------------------------------------------
with data.guard("Пробные экзамены"):
    trial = data.metric("trial_below_district", year=year)
    if len(trial):
        st.subheader("Ниже среднего по району на пробных экзаменах")
        st.caption("Список по правилу программы — средний балл ниже районного. «Значимо» — ниже и с учётом "
                   "погрешности: при малом числе участников разница может быть случайной.")
        tv = trial.assign(school=trial["school_id"].astype(str).map(lambda s: names.get(s, s)),
                          n_text=trial["participants"].map(lambda n: fmt.num(int(n))),
                          mean_text=trial["mean"].map(lambda v: fmt.value(v, None, 1)),
                          district_text=trial["district_mean"].map(lambda v: fmt.value(v, None, 1)),
                          diff_text=trial["difference"].map(lambda v: fmt.change(v, None, 1)),
                          sig_text=trial["significant"].map({True: "значимо", False: "в пределах колебаний"}))
        show_table(tv, {"school": "Школа", "exam": "Процедура", "subject": "Предмет", "n_text": "Участников",
                        "mean_text": "Средний балл", "district_text": "Район", "diff_text": "Разница",
                        "sig_text": "С учётом погрешности"},
                   what=("пробные_ниже_района", year), key="risk_trial", wrap=False,
                   height=table_height(len(tv)))

# --- every flag ------------------------------------------------------------------------------------------
st.subheader("Все флаги")
with data.guard("Все флаги"):
    if flags.empty:
        st.caption("Флагов нет.")
    else:
        view = memo(("risk_flags_table", year), lambda: rk.flags_table(flags, names))
        show_table(view, rk.FLAGS_COLUMNS, what=("флаги_риска", year), key="risk_all", wrap=False,
                   download_only=rk.FLAGS_DOWNLOAD, height=table_height(len(view)))
