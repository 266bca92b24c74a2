"""«Объективность ВПР»: do a school's ВПР marks agree with its journal, and where are signs of bias?

ВПР-vs-journal shares (lower / same / higher) by school, grade and subject as stacked bars,
the flagged schools with their explanations, the strong wording only when the signs persist
(`metrics.objectivity_flags`, `metrics.objectivity_summary`), and a visible note that
ВПР is a diagnostic, not a rating.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.settings import get as setting
from ui import data, empty, filters
from ui import format as fmt
from ui import objectivity_view as ov
from ui.figure_cache import figure, memo
from ui.tables import show_table
from ui.reasons import explanation_block

VPR = "ВПР"
MAX_CARDS = 12  # flagged schools shown as cards; all of them are in the table
MAX_BARS = 60   # schools in one bar chart
NOTE = ("**ВПР — диагностика, а не рейтинг.** По федеральным рекомендациям (Рособнадзор) результаты ВПР не используются "
        "для оценки учителей и для рейтингов школ. Здесь — совпадение отметок за ВПР с отметками в журнале и признаки "
        "необъективности оценивания: это повод для разговора со школой, а не вывод о ней.")

year = filters.current_year()
school = filters.current_school()
names = data.school_names()
min_conf = float(setting(None, "objectivity.min_confirmed_pct", 70))
max_raised = float(setting(None, "objectivity.max_raised_pct", 15))

st.title("Объективность ВПР")
st.caption(fmt.year_label(year))
st.info(NOTE, icon=":material/info:")

results = data.table("results")
if results.empty or not (results["exam"] == VPR).any():
    empty.empty_hint(["results"], "нет результатов ВПР со сравнением с журнальными отметками (понизили, подтвердили, "
                     "повысили)", key="obj_empty")
    st.stop()

of = data.objectivity_flags(year)
cur = of[pd.to_numeric(of["year"], errors="coerce") == year] if len(of) else of
if cur.empty:
    st.info(f"Результатов ВПР за {fmt.year_label(year)} нет. Выберите другой учебный год.", icon=":material/info:")
    st.stop()

# --- flagged schools ----------------------------------------------------------------------------------
st.subheader("Школы с признаками необъективности")
min_works = int(setting(None, "objectivity.min_participants", 20))
st.caption(f"Признаки (каждый проверяется с учётом погрешности и с поправкой на число работ школы): журнальную отметку "
           f"подтвердили меньше {fmt.num(min_conf, 0)} % участников; отметка за ВПР выше журнальной больше чем у "
           f"{fmt.num(max_raised, 0)} %; ВПР намного выше района при ОГЭ не выше района; резкий рост за год. Работы "
           f"меньше чем из {min_works} участников признаков не получают (ФИОКО), от 10 до {min_works - 1} — «ориентир». "
           "Красным — признаки повторяются в 2 из последних 3 лет, жёлтым — признак только в этом году.")
with data.guard("Школы с признаками"):
    summ = data.objectivity_summary(year)
    flagged = summ[summ["n_flagged_rows"] > 0] if len(summ) else summ
    if flagged.empty:
        st.success("Признаков необъективности ВПР в этом году не найдено.", icon=":material/check_circle:")
    else:
        if len(flagged) > MAX_CARDS:
            st.caption(f"Показаны {MAX_CARDS} школ с наибольшим числом признаков из {len(flagged)}; остальные — в таблице ниже.")
        for _, r in flagged.head(MAX_CARDS).iterrows():  # the flagged schools (a few in a district)
            sid = str(r["school_id"])
            with st.container(border=True):
                explanation_block(names.get(sid, sid), r["explanation"],
                                  severity="flag" if bool(r["persistent"]) else "warning", key=f"obj_{sid}", box=False)
                rows = cur[(cur["school_id"].astype(str) == sid) & cur["flagged"].fillna(False).astype(bool)]
                with st.expander(f"Подробно по каждой работе ({len(rows)})"):
                    for i, e in enumerate(rows.sort_values(["grade", "subject"])["explanation"]):
                        explanation_block("Работа", e, severity="warning", key=f"obj_{sid}_{i}", box=False)
                filters.page_link_with_filters("pages/school.py", "Открыть карточку школы", icon=":material/apartment:",
                                               school=sid)

# --- bars ---------------------------------------------------------------------------------------------------
st.subheader("Отметка за ВПР и отметка в журнале")
st.caption(f"Серое — отметка за ВПР совпала с журнальной, синее — ниже журнальной, красное — выше журнальной. Пунктир — "
           f"ориентир «совпали не меньше {fmt.num(min_conf, 0)} %», точки — «выше журнальной не больше "
           f"{fmt.num(max_raised, 0)} %». ⚠ — есть признаки необъективности.")
with data.guard("Диаграмма ВПР"):
    cmp_rows = cur[cur["confirmed_pct"].notna()]
    if cmp_rows.empty:
        st.info("В загруженных результатах ВПР нет сравнения с журнальными отметками (столбцы «Понизили», "
                "«Подтвердили», «Повысили» из ФИС ОКО).", icon=":material/info:")
    else:
        view_by = st.segmented_control("Разрез", ["По школам", "По классам и предметам школы"], default="По школам"
                                       if school is None else "По классам и предметам школы", key="obj_view")
        if view_by == "По классам и предметам школы":
            ids = sorted(cmp_rows["school_id"].astype(str).unique(), key=lambda s: names.get(s, s).lower())
            default = school if school in ids else (str(flagged["school_id"].iloc[0]) if len(flagged) else ids[0])
            sid = st.selectbox("Школа", ids, index=ids.index(default) if default in ids else 0,
                               format_func=lambda s: names.get(s, s), key="obj_school")
            rows = cmp_rows[cmp_rows["school_id"].astype(str) == sid].sort_values(["grade", "subject"])
            rows = rows.assign(label=rows["grade"].map(lambda g: "" if fmt.is_missing(g) else f"{int(g)} кл., ")
                               + rows["subject"].astype(str))
            st.plotly_chart(figure(("obj_school", year, sid), lambda: ov.comparison_bars(
                rows, "label", title=names.get(sid, sid), min_confirmed=min_conf, max_raised=max_raised)),
                            key="obj_bars_school",
                            config={"displayModeBar": False})
        else:
            c1, c2 = st.columns(2)
            grades = sorted(pd.to_numeric(cmp_rows["grade"], errors="coerce").dropna().astype(int).unique())
            grade = c1.selectbox("Класс", grades, key="obj_grade", format_func=lambda g: f"{g} класс") if grades else None
            sub_rows = cmp_rows if grade is None else cmp_rows[pd.to_numeric(cmp_rows["grade"], errors="coerce") == grade]
            subjects = sorted(sub_rows["subject"].dropna().astype(str).unique())
            subject = c2.selectbox("Предмет", subjects, key="obj_subject")
            rows = sub_rows[sub_rows["subject"] == subject]
            rows = rows.assign(label=rows["school_id"].astype(str).map(lambda s: names.get(s, s))).sort_values(
                ["flagged", "confirmed_pct"], ascending=[False, True])
            if len(rows) > MAX_BARS:
                st.caption(f"Показаны {MAX_BARS} школ: сначала с признаками, затем с наименьшей долей подтвердивших "
                           f"(из {len(rows)}); все — в таблице ниже.")
                rows = rows.head(MAX_BARS)
            st.plotly_chart(figure(("obj_schools", year, grade, subject), lambda: ov.comparison_bars(
                rows, "label", title=f"{subject}, {grade} класс" if grade else subject,
                min_confirmed=min_conf, max_raised=max_raised)),
                            key="obj_bars_schools", config={"displayModeBar": False})

# --- every row ---------------------------------------------------------------------------------------------
st.subheader("Все работы ВПР за год")
with data.guard("Таблица ВПР"):
    table = cur if school is None else cur[cur["school_id"].astype(str) == school]
    if school is not None:
        st.caption(f"Показана школа «{filters.school_md(school)}» (выбрана в боковой панели).")
    if table.empty:
        st.caption(f"У школы «{filters.school_label(school)}» нет ВПР за {fmt.year_label(year)}.")
    else:
        view = memo(("obj_table", year, school), lambda: ov.objectivity_display(
            table.sort_values(["flagged", "school_id", "grade", "subject"], ascending=[False, True, True, True]), names))
        show_table(view, ov.OBJ_COLUMNS, what=("ВПР_объективность", year), key="obj_table", wrap=False,
                   download_only=ov.OBJ_DOWNLOAD, more=ov.OBJ_MORE)
