"""Does «Показатели программы» show plan vs fact, the chart and the forecast exactly as metrics compute them?"""
from __future__ import annotations

import json

import pandas as pd
import pytest

import metrics
from tests.pages.conftest import no_exception, plotly_values, table_with, texts
from ui import charts
from ui import format as fmt


def pvf(t, year=None):
    return metrics.plan_vs_fact(t["indicators"], t["values"], year=year)


def district(df):
    return df[df["school_id"].isna()]


def figure(at, i=0):
    return json.loads(at.get("plotly_chart")[i].proto.spec)


def traces(spec):
    return {d.get("name"): d for d in spec["data"]}


def choose_indicator(at, indicator_id):
    box = at.selectbox(key="ind_choice")
    box.select(indicator_id).run()
    no_exception(at)
    return at


def test_plan_fact_table_is_the_metric(shared_store, run_page, sample_tables):
    at = run_page("indicators", year=2026)
    no_exception(at)
    table = table_with(at, "name", "status_label", "plan_text", "fact_text", "deviation_text")
    expected = district(pvf(sample_tables, 2026))
    assert len(table) == len(expected)
    merged = table.merge(expected, on="name")
    assert len(merged) == len(expected)
    for r in merged.to_dict("records"):
        assert r["status_label"] == fmt.status_label(r["status"])
        assert r["fact_text"] == fmt.value(r["fact"], r["unit"])
        assert r["deviation_text"] == fmt.change(r["deviation"], r["unit"])
    counts = expected["status"].value_counts()
    shown = {m.proto.label: m.proto.body for m in at.metric}
    assert shown["Не достигнут"] == str(int(counts.get("missed", 0)))
    assert shown["Достигнут"] == str(int(counts.get("achieved", 0)))


def test_status_filter_keeps_only_that_status(shared_store, run_page, sample_tables):
    at = run_page("indicators", year=2026)
    box = at.multiselect(key="ind_status")
    box.select("missed").run()
    no_exception(at)
    table = table_with(at, "name", "status_label", "plan_text")
    expected = district(pvf(sample_tables, 2026))
    assert len(table) == int((expected["status"] == "missed").sum())
    assert set(table["status_label"]) <= {"не достигнут"}


def test_indicator_chart_plan_fact_target_and_forecast(shared_store, run_page, sample_tables):
    at = run_page("indicators", year=2026)
    all_rows = district(pvf(sample_tables))
    fc = metrics.forecast_to_target(sample_tables["indicators"], sample_tables["values"])
    fc = fc[fc["school_id"].isna() & fc["will_reach"].notna()]
    ind = fc["indicator_id"].iloc[0]
    choose_indicator(at, ind)
    spec = figure(at)
    assert spec["layout"]["separators"] == ", "
    tr = traces(spec)
    rows = all_rows[(all_rows["indicator_id"] == ind) & all_rows["fact"].notna()].sort_values("year")
    assert tr["Факт"]["type"] == "bar"
    assert [float(v) for v in plotly_values(tr["Факт"]["y"])] == pytest.approx(rows["fact"].astype(float).tolist())
    f = fc[fc["indicator_id"] == ind].iloc[0]
    assert plotly_values(tr["Целевое значение"]["x"]) == [int(f["final_year"])]
    assert plotly_values(tr["Целевое значение"]["y"]) == [pytest.approx(float(f["target"]))]
    assert plotly_values(tr["Прогноз по тренду"]["y"])[-1] == pytest.approx(float(f["forecast"]))
    verdict = charts.forecast_verdict(f, all_rows.loc[all_rows["indicator_id"] == ind, "unit"].iloc[0])
    box = at.success if bool(f["will_reach"]) else at.error
    assert any(verdict in b.value for b in box)


def test_range_plan_is_drawn_as_a_band(shared_store, run_page, sample_tables):
    all_rows = district(pvf(sample_tables))
    ranged = all_rows[all_rows["plan_low"].notna() & all_rows["plan_high"].notna()]
    if ranged.empty:
        pytest.skip("no plan range in the loaded data")
    ind = ranged["indicator_id"].iloc[0]
    at = choose_indicator(run_page("indicators", year=2026), ind)
    tr = traces(figure(at))
    band = tr["План (диапазон)"]
    assert band["fill"] == "tonexty"
    rows = ranged[ranged["indicator_id"] == ind].sort_values("year")
    assert [float(v) for v in plotly_values(band["y"])] == pytest.approx(rows["plan_high"].astype(float).tolist())
    table = table_with(at, "year", "plan_text", "status_label")
    lo, hi = rows.iloc[0]["plan_low"], rows.iloc[0]["plan_high"]
    unit = rows.iloc[0]["unit"]
    assert f"{fmt.value(lo, unit)} – {fmt.value(hi, unit)}" in set(table["plan_text"])


def test_percent_axis_starts_at_zero(shared_store, run_page, sample_tables):
    all_rows = district(pvf(sample_tables))
    pct = all_rows[all_rows["unit"] == "%"]
    if pct.empty:
        pytest.skip("no % indicator")
    at = choose_indicator(run_page("indicators", year=2026), pct["indicator_id"].iloc[0])
    yaxis = figure(at)["layout"]["yaxis"]
    assert yaxis["range"][0] == 0 and yaxis["ticksuffix"] == " %"


def test_school_filter_shows_that_schools_indicators(shared_store, run_page, sample_tables):
    all_pvf = pvf(sample_tables, 2026)
    school_rows = all_pvf[all_pvf["school_id"].notna()]
    if school_rows.empty:
        pytest.skip("no school-level indicators")
    sid = sorted(school_rows["school_id"].unique())[0]
    at = run_page("indicators", year=2026, school=sid)
    no_exception(at)
    table = table_with(at, "name", "status_label", "fact_text")
    mine = school_rows[school_rows["school_id"] == sid]
    assert len(table) == len(mine)
    assert sorted(table["fact_text"]) == sorted(fmt.value(f, u) for f, u in zip(mine["fact"], mine["unit"]))
    assert "школа «" in texts(at)


def test_school_without_school_indicators_says_so(shared_store, run_page, sample_tables):
    all_pvf = pvf(sample_tables)
    with_values = set(all_pvf["school_id"].dropna())
    others = sorted(set(sample_tables["schools"]["school_id"]) - with_values)
    if not others:
        pytest.skip("every school has school-level indicators")
    at = run_page("indicators", year=2026, school=others[0])
    no_exception(at)
    assert "нет школьных показателей программы" in texts(at)


def test_district_view_lists_schools_for_a_school_indicator(shared_store, run_page, sample_tables):
    all_pvf = pvf(sample_tables, 2026)
    school_rows = all_pvf[all_pvf["school_id"].notna()]
    if school_rows.empty:
        pytest.skip("no school-level indicators")
    at = run_page("indicators", year=2026)
    box = at.selectbox(key="ind_school_choice")
    table = table_with(at, "school", "plan_text", "fact_text")
    assert len(table) == int((school_rows["indicator_id"] == box.value).sum())
