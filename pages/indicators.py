"""«Показатели программы»: is each target indicator on plan, and will the target be reached?

The plan-vs-fact table for the chosen year (deviations and direction-aware
statuses in colour), then, per indicator, a chart of the plan line (or range
band), the facts, the baseline, the target and the trend forecast to the end of
the programme with its 80 % prediction interval and the verdict «достигнет» /
«не достигнет» / «нельзя сказать» (the forecast's explanation). With a school
chosen in the sidebar, the school-level indicators of that school are shown. At
the end, the reconciliation of reported facts with what the loaded results give
(`metrics.reconcile`).
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import charts, data, empty, figure_cache, filters
from ui import format as fmt
from ui.indicator_view import PLAN_FACT_COLUMNS, plan_fact_display, status_styler
from ui.reasons import explanation_block, headline
from ui.ranking_view import table_height
from ui.tables import show_table

year = filters.current_year()
school = filters.current_school()
names = data.school_names()

st.title("Показатели программы")

if not data.has("indicators", "values"):
    empty.empty_hint(["indicators", "values"], "целевые показатели программы и их значения не загружены",
                     key="indicators_empty")
    st.stop()


def scope_rows(df: pd.DataFrame, sid: str | None) -> pd.DataFrame:
    """Rows of the district (sid None) or of one school."""
    if df.empty:
        return df
    if sid is None:
        return df[df["school_id"].isna() | (df["school_id"].astype(str) == "")]
    return df[df["school_id"].astype(str) == sid]


with data.guard("Таблица «план — факт»"):
    scope = school
    if school is not None and data.scoped("plan_vs_fact", school, year=None).empty:
        empty.no_school_data(filters.school_label(school), year, "школьных показателей программы")
        st.caption("Показаны показатели района.")
        scope = None
    scope_name = "весь район" if scope is None else f"школа «{filters.school_md(scope)}»"
    st.caption(f"{fmt.year_label(year)} · {scope_name}")

    rows_all = data.scoped("plan_vs_fact", scope, year=None)
    rows_year = rows_all[pd.to_numeric(rows_all["year"], errors="coerce") == year]

    groups = [g for g in rows_all["group"].dropna().astype(str).unique().tolist() if g]
    c1, c2 = st.columns(2)
    chosen_groups = c1.multiselect("Группа показателей", groups, placeholder="все группы", key="ind_groups") if groups else []
    status_opts = ["missed", "near", "achieved", "no data"]
    chosen_status = c2.multiselect("Статус", status_opts, format_func=fmt.status_label, placeholder="все статусы",
                                   key="ind_status")
    view_rows = rows_year
    if chosen_groups:
        view_rows = view_rows[view_rows["group"].astype(str).isin(chosen_groups)]
    if chosen_status:
        view_rows = view_rows[view_rows["status"].isin(chosen_status)]

    st.subheader(f"План и факт, {year} год")
    if rows_year.empty:
        st.info(f"За {year} год нет ни плана, ни факта по выбранным показателям.", icon=":material/info:")
    elif view_rows.empty:
        st.caption("Под выбранные фильтры не подходит ни один показатель.")
    else:
        counts = view_rows["status"].value_counts()
        cols = st.columns(4)
        for col, s in zip(cols, ("achieved", "near", "missed", "no data")):
            col.metric(fmt.status_label(s).capitalize(), int(counts.get(s, 0)), border=True)
        order = {"missed": 0, "near": 1, "no data": 2, "achieved": 3}
        view_rows = view_rows.assign(_o=view_rows["status"].map(order)).sort_values(["_o", "indicator_id"])
        view = plan_fact_display(view_rows, names)
        keys = ["name", "status_label", "plan_text", "fact_text", "deviation_text"]
        cols = {k: PLAN_FACT_COLUMNS[k] for k in keys}
        cols["name"] = st.column_config.TextColumn(PLAN_FACT_COLUMNS["name"], help="Полное название — при наведении на ячейку")
        more = {"progress_text": st.column_config.TextColumn(
                    PLAN_FACT_COLUMNS["progress_text"],
                    help="Какая часть пути от базового значения к целевому пройдена; меньше 0 — показатель ушёл в "
                         "обратную сторону"),
                "direction_label": st.column_config.TextColumn("Лучше", help="Лучше, когда значение больше или меньше")}
        show_table(view, cols, download_only={"rel_text": PLAN_FACT_COLUMNS["rel_text"],
                                              "reason": PLAN_FACT_COLUMNS["reason"]},
                   what=("план_факт", scope or "район", year), key="ind_table", styler=status_styler(view["status"]),
                   height=table_height(len(view)), more=more)

with data.guard("График показателя"):
    st.subheader("Показатель по годам")
    if rows_all.empty:
        st.caption("Нет значений показателей.")
    else:
        ind_names = (rows_all.drop_duplicates("indicator_id").set_index("indicator_id")["name"].astype(str).to_dict())
        ids = list(ind_names)
        # prefer showing a missed indicator first
        missed = rows_year[rows_year["status"] == "missed"]["indicator_id"].tolist() if len(rows_year) else []
        default_idx = ids.index(missed[0]) if missed and missed[0] in ids else 0
        ind = st.selectbox("Показатель", ids, index=default_idx, format_func=lambda i: ind_names.get(i, i),
                           key="ind_choice")
        rows = rows_all[rows_all["indicator_id"] == ind]
        unit = rows["unit"].dropna().iloc[0] if rows["unit"].notna().any() else None

        fc = data.scoped("forecast_to_target", scope)
        fc = fc[fc["indicator_id"] == ind]
        fc_row = fc.iloc[0] if len(fc) else None

        gl = data.scoped("glide_path", scope)
        gl = gl[gl["indicator_id"] == ind]

        vals = scope_rows(data.table("values"), scope)
        base = vals[(vals["indicator_id"] == ind) & (vals["kind"] == "baseline")]
        baseline = None
        if len(base) and base["value"].notna().any():
            b = base[base["value"].notna()].iloc[0]
            baseline = (int(b["year"]), float(b["value"]))

        fig = figure_cache.figure(("indicator", data.store_path(), scope, ind),
                                  lambda: charts.indicator_chart(rows, glide=gl, forecast=fc_row, baseline=baseline,
                                                                 unit=unit, title=ind_names.get(ind, ind)))
        st.plotly_chart(fig, key="ind_chart")

        if fc_row is not None:
            verdict = charts.forecast_verdict(fc_row, unit)
            severity = {"достигнет": "good", "достигнута": "good", "не достигнет": "flag",
                        "не достигнута": "flag"}.get(verdict, "info")
            explanation_block("Прогноз", fc_row.get("explanation"), severity=severity, key="ind_forecast")
        else:
            st.caption("Для прогноза нет ни целевого значения, ни плана, ни фактов.")

        by_year = plan_fact_display(rows.sort_values("year"), names)
        show_table(by_year, {k: PLAN_FACT_COLUMNS[k] for k in ("year", "plan_text", "fact_text", "deviation_text",
                                                                "status_label", "progress_text")},
                   download_only={"reason": PLAN_FACT_COLUMNS["reason"]},
                   what=("показатель", ind, scope or "район"), key="ind_years", styler=status_styler(by_year["status"]))

with data.guard("Школы по показателю"):
    # school-level indicators: how every school stands this year
    pvf_year = data.plan_vs_fact(year)
    school_rows = (pvf_year[pvf_year["school_id"].notna() & (pvf_year["school_id"].astype(str) != "")]
                   if len(pvf_year) else pvf_year)
    if scope is None and len(school_rows):
        st.subheader(f"Школьные показатели, {year} год")
        ids = school_rows.drop_duplicates("indicator_id").set_index("indicator_id")["name"].astype(str).to_dict()
        sel = st.selectbox("Школьный показатель", list(ids), format_func=lambda i: ids.get(i, i), key="ind_school_choice")
        sr = school_rows[school_rows["indicator_id"] == sel]
        view = plan_fact_display(sr.sort_values("fact", ascending=False), names)
        show_table(view, {k: PLAN_FACT_COLUMNS[k] for k in ("school", "plan_text", "fact_text", "deviation_text",
                                                            "status_label")},
                   download_only={"reason": PLAN_FACT_COLUMNS["reason"]}, height=table_height(len(view)),
                   what=("школы_по_показателю", sel, year), key="ind_schools", styler=status_styler(view["status"]))
        st.caption("Выберите школу в боковой панели, чтобы увидеть её показатели по годам.")

with data.guard("Сверка с расчётом"):
    # reported programme facts beside what the loaded results give (district level only)
    if scope is None and data.has("results"):
        rec = data.metric("reconcile", year=year)
        if len(rec):
            st.subheader(f"Сверка с расчётом по загруженным данным, {year} год")
            st.caption("Показатели программы, которые можно посчитать по результатам: отчётный факт рядом с расчётом. "
                       "«Расходится» — повод проверить отчёт или данные.")
            view = rec.assign(reported_text=rec["reported"].map(lambda v: fmt.value(v, "%", 1)),
                              computed_text=[fmt.value(lo, "%", 1) if abs(hi - lo) < 1e-9 else
                                             f"{fmt.value(lo, '%', 1)} – {fmt.value(hi, '%', 1)}"
                                             for lo, hi in zip(rec["computed_low"], rec["computed_high"])],
                              verdict=rec["differs"].map({True: "расходится", False: "сходится"}),
                              note=rec["explanation"].map(headline))
            show_table(view, {"name": st.column_config.TextColumn("Показатель", width=380),
                              "reported_text": "Отчёт", "computed_text": "Расчёт", "verdict": "Сверка",
                              "what": st.column_config.TextColumn("Что посчитано", width=300)},
                       download_only={"note": "Пояснение"}, what=("сверка", year), key="ind_reconcile",
                       styler=lambda v: v.style.map(lambda x: "background-color: #ffcdd2" if x == "расходится"
                                                    else "", subset=["verdict"]), wrap=False)
