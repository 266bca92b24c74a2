"""«Рейтинг школ»: where does each school stand, is the place stable, and is a difference more than chance?

A sortable ranking by the composite, by a procedure and subject, or by a programme
indicator (`metrics.rank_schools`), one list per school type, with each place's
interval, rank-change arrows only beyond chance, small-n marks and the 3-year
average; a bar chart with the district line; a funnel plot with limits widened by
the spread between schools (`metrics.funnel`; a click on a school opens its card);
the 5×5 level × change grid judged against each change's own error
(`metrics.level_change_grid`). ВПР is never ranked (federal guidance).
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.settings import get as setting
from ui import data, empty, filters, safe
from ui import format as fmt
from ui import ranking_view as rv
from ui.figure_cache import figure
from ui.tables import show_table
from ui.reasons import full_text

VPR = "ВПР"
VPR_NOTE = ("ВПР в рейтинге не участвуют: федеральные рекомендации (Рособнадзор) запрещают строить рейтинги школ "
            "по результатам ВПР и использовать их для оценки учителей. Результаты ВПР — на странице «Объективность ВПР».")
MODES = {"composite": "Сводный рейтинг", "exam": "Процедура и предмет", "indicator": "Показатель программы"}
MEASURES = {"mean": "Средний балл", "below_share": "Доля не преодолевших минимум"}
ALL_SUBJECTS = "__all__"

year = filters.current_year()
exam = filters.current_exam()
names = data.school_names()
min_n = int(setting(None, "ranking.min_participants", 10))

st.title("Рейтинг школ")
st.caption(f"{fmt.year_label(year)} · места: 1 — лучший результат; одинаковые значения делят место")
st.caption(VPR_NOTE)

if not data.has("results") and not data.has("values"):
    empty.empty_hint(["results", "schools", "values"], "рейтинг строится по результатам оценочных процедур "
                     "и школьным показателям программы", key="ranking_empty")
    st.stop()

results = data.table("results")
res_year = results[pd.to_numeric(results["year"], errors="coerce") == year] if len(results) else results
rankable_exams = [e for e in filters.exam_options() if e != VPR]

# --- what to rank by ------------------------------------------------------------------
mode = st.radio("Рейтинг по", list(MODES), format_func=MODES.get, key="rank_mode", horizontal=True)

subject: str | None = None
measure = "mean"
indicator_id: str | None = None
indicator_unit: str | None = None
rank_exam = exam if exam in rankable_exams else (rankable_exams[0] if rankable_exams else None)
if mode == "exam":
    if exam == VPR:
        shown_exam = rankable_exams[0] if rankable_exams else "ничего"
        st.warning(f"Выбраны ВПР — показан {shown_exam}. " + VPR_NOTE, icon=":material/block:")
    if not rankable_exams:
        empty.empty_hint(["results"], "нет результатов ЕГЭ или ОГЭ для рейтинга", key="ranking_noexam")
        st.stop()
    c2, c3, _ = st.columns(3)
    with c2:
        rank_exam = filters.exam_picker(rankable_exams, key="rank_exam")
        subjects = rv.subject_order(list(res_year.loc[res_year["exam"] == rank_exam, "subject"].dropna().astype(str).unique()))
        subject = st.selectbox("Предмет", [ALL_SUBJECTS, *subjects],
                               format_func=lambda s: "Все предметы (сводный балл процедуры)" if s == ALL_SUBJECTS else s,
                               index=1 if subjects else 0, key="rank_subject")
        subject = None if subject == ALL_SUBJECTS else subject
    with c3:
        if subject is not None:
            measure = st.radio("Мера", list(MEASURES), format_func=MEASURES.get, key="rank_measure")
elif mode == "indicator":
    vals, inds = data.table("values"), data.table("indicators")
    school_level = vals[vals["school_id"].notna() & (vals["school_id"].astype(str).str.strip() != "")
                        & (vals["kind"] == "fact")] if len(vals) else vals
    ids = sorted(school_level["indicator_id"].dropna().astype(str).unique()) if len(school_level) else []
    if not ids:
        empty.empty_hint(["indicators", "values"], "нет значений показателей программы по школам", key="ranking_noind")
        st.stop()
    ind_names = dict(zip(inds["indicator_id"].astype(str), inds["name"].astype(str))) if len(inds) else {}
    ind_units = dict(zip(inds["indicator_id"].astype(str), inds["unit"])) if len(inds) else {}
    c2, _ = st.columns([2, 1])
    with c2:
        indicator_id = st.selectbox("Показатель", ids, format_func=lambda i: ind_names.get(i, i), key="rank_indicator")
    indicator_unit = ind_units.get(indicator_id)

# --- the ranking ---------------------------------------------------------------------------
ranked = pd.DataFrame()
kind = "composite"
value_title = "сводный процентиль (0–100, 100 — лучший)"
axis: dict | None = dict(range=[0, 105])
district_value: float | None = None
district_label = "середина района"
higher_is_better = True
with data.guard("Рейтинг"):
    try:
        if mode == "composite":
            ranked = data.metric("rank_schools", year=year, by="composite")
            district_value = 50.0
        elif mode == "exam":
            ranked = data.metric("rank_schools", year=year, by="exam", exam=rank_exam, subject=subject, measure=measure)
            if subject is None:
                kind, value_title, axis, district_value, district_label = (
                    "score", f"сводный балл {rank_exam} (0 — уровень района, в SD)", None, 0.0, "район")
            else:
                kind = measure
                higher_is_better = measure == "mean"
                dm = data.metric("district_measure", exam=rank_exam, subject=subject, measure=measure)
                row = dm[pd.to_numeric(dm["year"], errors="coerce") == year] if len(dm) else dm
                district_value = float(row["value"].iloc[0]) if len(row) else None
                district_label = "район"
                if measure == "below_share":
                    value_title, axis = "доля не преодолевших минимум, %", dict(range=[0, 100], ticksuffix=" %")
                elif rank_exam in ("ЕГЭ", "Пробный ЕГЭ"):
                    value_title, axis = "средний балл", dict(range=[0, 100])
                else:
                    value_title, axis = "средняя отметка", dict(range=[2, 5])
        else:
            ranked = data.metric("rank_schools", year=year, by="indicator", indicator_id=indicator_id)
            kind, value_title, axis = "indicator", ind_names.get(indicator_id, indicator_id), None
            inds = data.table("indicators")
            direction = inds.loc[inds["indicator_id"].astype(str) == indicator_id, "direction"]
            higher_is_better = not (len(direction) and str(direction.iloc[0]) == "lower")
            pvf = data.plan_vs_fact(year)
            drow = pvf[(pvf["indicator_id"].astype(str) == indicator_id) & pvf["school_id"].isna()] if len(pvf) else pvf
            if len(drow) and not fmt.is_missing(drow["fact"].iloc[0]):
                district_value, district_label = float(drow["fact"].iloc[0]), "район"
            else:
                district_value = None
            if str(indicator_unit or "").strip() == "%":
                axis = dict(range=[0, 100], ticksuffix=" %")
    except ValueError as exc:  # e.g. the Russian refusal to rank ВПР
        st.warning(str(exc), icon=":material/block:")
        st.stop()

if ranked is None or ranked.empty:
    what = {"composite": "сводного рейтинга", "exam": f"{rank_exam} {subject or ''}".strip(),
            "indicator": "выбранного показателя"}[mode]
    st.info(f"За {fmt.year_label(year)} нет данных для рейтинга: {what}. Выберите другой год или загрузите результаты.",
            icon=":material/info:")
    empty.template_button("results", key="ranking_tpl_results")
    st.stop()

fmt_value = rv.value_formatter(kind, rank_exam, indicator_unit)
all_ranked = ranked
groups = list(ranked["type_group"].astype(str).value_counts(sort=True).index)  # the largest list first
school = filters.current_school()
mine = all_ranked[all_ranked["school_id"].astype(str) == str(school)] if school is not None else all_ranked.iloc[:0]
if len(groups) > 1:
    if len(mine) and st.session_state.get("rank_group_for") != (school, mode):
        st.session_state["rank_group"] = str(mine["type_group"].iloc[0])  # open the chosen school's list, once
        st.session_state["rank_group_for"] = (school, mode)
    if st.session_state.get("rank_group") not in groups:
        st.session_state["rank_group"] = groups[0]
    group = st.segmented_control("Список", groups, key="rank_group", required=True,
                                 help="Школы разных типов ранжируются отдельно: у них разные процедуры и показатели")
    ranked = ranked[ranked["type_group"].astype(str) == group]
type_names = setting(None, "ranking.type_groups", {}) or {}
missing = sorted(set(type_names.values()) - set(groups))
if missing and mode == "composite":
    st.caption("Не ранжируются (меньше трёх школ с общими показателями): " + ", ".join(missing) + ".")
disp = rv.rank_display(ranked, names, fmt_value, min_n)
n_low = int(disp["low_reliability"].sum())

# --- the sidebar's school: its place above the table, its row and bar marked -------------------------
chosen_row: int | None = None
if school is not None:
    school_name = filters.school_label(school)
    where_info, where_link = st.columns([2, 1], vertical_alignment="center")
    if len(mine):
        row = rv.rank_display(mine, names, fmt_value, min_n).iloc[0].to_dict()
        text = rv.place_text(row, school_name, fmt_value)
        if str(row["type_group"]) != str(group if len(groups) > 1 else row["type_group"]):
            text += f" Сейчас открыт список «{safe.md(group)}»."
        else:
            hits = disp.index[disp["school_id"].astype(str) == str(school)]
            chosen_row = int(disp.index.get_loc(hits[0])) if len(hits) else None
        where_info.info(text, icon=":material/my_location:")
    else:
        own_group = data.metric("type_groups", year=year, settings=None).get(str(school))
        if own_group in missing:
            why = f"школы типа «{safe.md(own_group)}» не ранжируются — их меньше трёх с общими показателями"
        else:
            why = "у школы нет данных для него за " + fmt.year_label(year)
        where_info.info(f"«{filters.school_md(school)}» нет в этом рейтинге: {why}.", icon=":material/my_location:")
    with where_link:
        filters.page_link_with_filters("pages/school.py", f"Карточка школы «{school_name}»",
                                       icon=":material/apartment:", school=school)

st.subheader(f"{MODES[mode]}: {value_title}" if mode != "composite" else "Сводный рейтинг")
if kind == "below_share":
    st.caption("Меньше — лучше: первое место у школы с наименьшей долей не преодолевших минимальный порог.")
if not higher_is_better and kind == "indicator":
    st.caption("Для этого показателя меньше — лучше.")

table_cols = dict(rv.RANK_COLUMNS)
extra_cols: dict[str, str] = dict(rv.RANK_DOWNLOAD_ONLY)
if mode == "indicator" or disp["participants"].isna().all():  # no participants to count (programme indicators)
    table_cols.pop("participants_text")
    table_cols.pop("reliability")
if mode == "composite":
    disp["components_text"] = disp["components"].map(
        lambda c: "; ".join(f"{k}: {fmt.num(v)}" for k, v in c.items()) if isinstance(c, dict) else "")
    extra_cols["n_measures"] = "Мер в сводном месте"
    extra_cols["components_text"] = "Процентили по мерам"  # dozens of measures: for the Excel file
what = {"composite": ("рейтинг", "сводный", year),
        "exam": ("рейтинг", rank_exam, subject or "все_предметы", MEASURES[measure] if subject else None, year),
        "indicator": ("рейтинг", "показатель", indicator_id, year)}[mode]
show_table(disp, table_cols, what=what, download_only=extra_cols,
           key="ranking_table",
           styler=rv.highlight_styler(rv.arrow_styler, chosen_row) if len(disp) <= rv.MAX_STYLED else None,
           height=rv.table_height(len(disp)), wrap=False)
# how to read the table, under it: the table itself starts on the first screen
if mode == "composite":
    st.caption("Сводное место — среднее процентилей школы по средним баллам ЕГЭ и ОГЭ по предметам, долям не преодолевших "
               "минимум (меньше — лучше) и школьным показателям-долям программы, с весами по числу участников; "
               "результаты меньше чем 10 участников и количества (они отражают размер школы) не учитываются; "
               "100 — лучший в списке, 50 — середина.")
st.caption("«Интервал места» — в каких пределах может быть место с учётом погрешности при таком числе участников; "
           "стрелка изменения места — только когда эти пределы в этом и прошлом году не пересекаются.")
if n_low:
    st.caption(f"⚠ — мало участников (меньше {min_n}): место такой школы может сильно меняться от года к году "
               f"случайно; смотрите среднее за 3 года. Таких школ: {n_low}.")

tab_bars, tab_funnel, tab_grid = st.tabs(["Столбцы с линией района", "Воронка (контрольные границы)",
                                           "Уровень × изменение (5×5)"])

with tab_bars, data.guard("Диаграмма рейтинга"):
    if len(disp) > rv.MAX_BARS:
        st.caption(f"Показаны {rv.MAX_BARS // 2} лучших и {rv.MAX_BARS // 2} последних из {len(disp)} школ; "
                   "полный список — в таблице выше.")
    choice = (year, mode, rank_exam, subject, measure, indicator_id, group if len(groups) > 1 else None, school)
    st.plotly_chart(figure(("ranking_bars", *choice), lambda: rv.ranking_bars(
        disp, value_title=value_title, district=district_value, district_label=district_label, axis=axis,
        highlight=school)),
                    key="ranking_bars", config={"displayModeBar": False})

with tab_funnel, data.guard("Воронка"):
    st.caption("Воронка показывает, какие отличия от района больше обычного разброса: чем меньше участников, тем шире "
               "границы; границы расширены на разброс, который есть между школами района всегда. Цветом отмечены "
               "школы, отличие которых выдерживает поправку на число школ на графике; полые точки — меньше 10 "
               "участников, не оцениваются. Щёлкните точку, чтобы открыть карточку школы.")
    f_exam, f_subject, f_measure = rank_exam, subject, measure
    if not (mode == "exam" and subject is not None):
        # one «Процедура» per page: ranking by a procedure, the funnel follows the one chosen above
        fc1, fc2 = st.columns(2)
        f_exams = rankable_exams
        if not f_exams:
            st.info("Воронка строится по результатам ЕГЭ или ОГЭ — они не загружены.", icon=":material/info:")
            f_exam = None
        else:
            if mode == "exam":
                fc1.caption(f"Процедура — {rank_exam}, как выбрано выше; предмет для воронки:")
            else:
                f_exam = filters.exam_picker(f_exams, key="funnel_exam", where=fc1)
            f_subjects = rv.subject_order(list(res_year.loc[res_year["exam"] == f_exam, "subject"].dropna().astype(str).unique()))
            f_subject = fc2.selectbox("Предмет", f_subjects, key="funnel_subject") if f_subjects else None
            f_measure = "mean"
    if f_exam and f_subject:
        points, limits = data.metric("funnel", exam=f_exam, subject=f_subject, year=year, measure=f_measure)
        if points.empty:
            st.info(f"Нет результатов {f_exam} по предмету «{f_subject}» за {fmt.year_label(year)}.", icon=":material/info:")
        else:
            if f_measure == "below_share":
                f_title, f_axis = "доля ниже минимума, %", dict(range=[0, 100], ticksuffix=" %")
            elif f_exam in ("ЕГЭ", "Пробный ЕГЭ"):
                f_title, f_axis = "средний балл", dict(range=[0, 100])
            else:
                f_title, f_axis = "средняя отметка", dict(range=[2, 5])
            fig = figure(("ranking_funnel", year, f_exam, f_subject, f_measure), lambda: rv.funnel_chart(
                points, limits, names, measure=f_measure, value_title=f_title,
                title=f"{f_exam}, {f_subject}: {MEASURES[f_measure].lower()}", axis=f_axis))
            event = st.plotly_chart(fig, key="ranking_funnel", on_select="rerun", selection_mode="points",
                                    config={"displayModeBar": False})
            picked = [p.get("customdata") for p in (event.selection.points if event else [])]
            picked = [c[0] for c in picked if isinstance(c, (list, tuple)) and c]
            if picked:
                st.switch_page("pages/school.py", query_params=filters.filter_params(school=picked[0]))
            phi = points["phi"].dropna()
            if len(phi) and float(phi.iloc[0]) > 1.5:
                st.caption(f"Разброс между школами в {fmt.num(float(phi.iloc[0]), 1)} раза больше, чем дала бы одна "
                           "случайность: границы расширены с учётом этого (поправка Шпигельхальтера).")
            outside = points[points["significant"].fillna(False).astype(bool)]
            if len(outside):
                shown = outside.head(30)
                more = f"; и ещё {len(outside) - len(shown)}" if len(outside) > len(shown) else ""
                st.markdown("**Отличаются от района сверх обычного разброса:** " + "; ".join(
                    f"{safe.md(names.get(str(s), s))} ({'ниже' if sd == 'below' else 'выше'} района)"
                    for s, sd in zip(shown["school_id"], shown["side"])) + more)
            else:
                st.caption("Все школы в пределах обычного разброса вокруг районного значения.")

with tab_grid, data.guard("Уровень × изменение"):
    st.caption("Строки — уровень школы в этом году (какая пятая часть школ списка), столбцы — изменение с прошлого "
               "года, оценённое с учётом его погрешности и поправки на число школ: «без существенных изменений» — "
               "изменение меньше случайных колебаний. Школы меньше чем с 10 участниками не размещаются.")
    prev_ranked = data.metric("rank_schools", year=year - 1, **{
        "composite": dict(by="composite"),
        "exam": dict(by="exam", exam=rank_exam, subject=subject, measure=measure),
        "indicator": dict(by="indicator", indicator_id=indicator_id)}[mode])
    if len(prev_ranked):
        prev_ranked = prev_ranked[prev_ranked["type_group"].isin(ranked["type_group"])]
    cols_in = ["school_id", "year", "value", "value_se", "participants"]
    grid_in = pd.concat([ranked[cols_in], prev_ranked[cols_in]] if len(prev_ranked) else [ranked[cols_in]],
                        ignore_index=True).rename(columns={"value_se": "se"})
    if mode == "indicator":
        grid_in = grid_in.drop(columns="participants")
    grid_unit = "index" if kind in ("composite", "score") else ("%" if kind == "below_share" else
                                                               ("score" if rank_exam in ("ЕГЭ", "Пробный ЕГЭ") else "mark"))
    grid = data.metric("level_change_grid", table=grid_in, year=year, higher_is_better=higher_is_better,
                       unit=grid_unit)
    if grid.empty or grid["prev_value"].isna().all():
        st.info(f"Нет данных за {year - 1} год для сравнения — сетку построить нельзя.", icon=":material/info:")
    elif grid["change_band"].isna().all():
        st.info("Изменения не оцениваются: у значений нет погрешности (число участников неизвестно) — нельзя "
                "отличить настоящее изменение от случайного.", icon=":material/info:")
    else:
        st.plotly_chart(figure(("ranking_grid", year, mode, rank_exam, subject, measure, indicator_id,
                                group if len(groups) > 1 else None),
                               lambda: rv.grid_heatmap(grid, names)), key="ranking_grid", config={"displayModeBar": False})
        gdisp = grid.assign(school=grid["school_id"].astype(str).map(lambda s: names.get(s, s)),
                            value_text=grid["value"].map(fmt_value), prev_text=grid["prev_value"].map(fmt_value),
                            change_text=grid["change"].map(lambda v: fmt.change(v, None, 2 if kind in ("score",) or (
                                kind == "mean" and rank_exam not in ("ЕГЭ", "Пробный ЕГЭ")) else 1)),
                            explanation_text=grid["explanation"].map(full_text))
        show_table(gdisp, {"school": "Школа", "value_text": f"{year}", "prev_text": f"{year - 1}",
                           "change_text": "Изменение", "cell_label": "Клетка сетки"},
                   download_only={"explanation_text": "Пояснение"},
                   what=("уровень_изменение", MODES[mode], year), key="ranking_grid_table",
                   height=rv.table_height(len(gdisp)), wrap=False)

# --- open a school's card (fallback to clicking the funnel) --------------------------------------
st.divider()
pick = st.selectbox("Открыть карточку школы", disp["school_id"].astype(str).tolist(),
                    format_func=lambda s: f"{names.get(s, s)}", key="ranking_pick", index=None,
                    placeholder="выберите школу")
if pick:
    filters.page_link_with_filters("pages/school.py", f"Карточка: {names.get(pick, pick)}",
                                   icon=":material/apartment:", school=pick)
