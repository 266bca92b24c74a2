"""Does «Показатели программы» show plan vs fact, the chart and the forecast exactly as metrics compute them?"""
from __future__ import annotations

import json

import pytest

import metrics
from ui.reasons import point_markdown
from tests.pages.conftest import no_exception, plotly_values, table_with, texts

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
    expected = district(pvf(sample_tables, 2026))
    status = expected["status"].value_counts().index[0]
    at = run_page("indicators", year=2026)
    at.multiselect(key="ind_status").select(status).run()
    no_exception(at)
    table = table_with(at, "name", "status_label", "plan_text")
    assert len(table) == int((expected["status"] == status).sum())
    assert set(table["status_label"]) == {fmt.status_label(status)}
    absent = [s for s in ("missed", "near", "achieved", "no data") if s not in set(expected["status"])]
    if absent:
        at.multiselect(key="ind_status").unselect(status).select(absent[0]).run()
        assert "Под выбранные фильтры не подходит ни один показатель." in texts(at)


def test_indicator_chart_plan_fact_target_and_forecast(shared_store, run_page, sample_tables):
    fc = metrics.forecast_to_target(sample_tables["indicators"], sample_tables["values"])
    fc = fc[fc["will_reach"].notna()].assign(_district=fc["school_id"].isna()).sort_values("_district", ascending=False)
    if fc.empty:
        pytest.skip("no indicator with a forecast")
    f = fc.iloc[0]
    ind, sid = f["indicator_id"], (None if fmt.is_missing(f["school_id"]) else f["school_id"])
    at = choose_indicator(run_page("indicators", year=2026, school=sid), ind)
    spec = figure(at)
    assert spec["layout"]["separators"] == ", "
    tr = traces(spec)
    all_rows = pvf(sample_tables)
    mine = all_rows["school_id"].isna() if sid is None else all_rows["school_id"] == sid
    rows = all_rows[mine & (all_rows["indicator_id"] == ind) & all_rows["fact"].notna()].sort_values("year")
    assert tr["Факт"]["type"] == "bar"
    assert [float(v) for v in plotly_values(tr["Факт"]["y"])] == pytest.approx(rows["fact"].astype(float).tolist())
    assert plotly_values(tr["Целевое значение"]["x"]) == [int(f["final_year"])]
    assert plotly_values(tr["Целевое значение"]["y"]) == [pytest.approx(float(f["target"]))]
    line = tr["Прогноз по тренду (80 % интервал)"]
    assert plotly_values(line["y"])[-1] == pytest.approx(float(f["forecast"]))
    # the 80 % prediction interval as the error bar at the target year (hand: forecast − low, high − forecast)
    assert plotly_values(line["error_y"]["arrayminus"])[-1] == pytest.approx(float(f["forecast"] - f["forecast_low"]))
    assert plotly_values(line["error_y"]["array"])[-1] == pytest.approx(float(f["forecast_high"] - f["forecast"]))
    box = at.success if bool(f["will_reach"]) else at.error
    assert any(point_markdown(f["explanation"].headline) in b.value for b in box)


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
    rows = pvf(sample_tables)
    pct = rows[rows["unit"] == "%"].assign(_district=rows["school_id"].isna()).sort_values("_district", ascending=False)
    if pct.empty:
        pytest.skip("no % indicator")
    r = pct.iloc[0]
    sid = None if fmt.is_missing(r["school_id"]) else r["school_id"]
    at = choose_indicator(run_page("indicators", year=2026, school=sid), r["indicator_id"])
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
