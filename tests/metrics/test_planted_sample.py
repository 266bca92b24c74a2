"""Do the sample district's planted cases (sample_data/README.md) come out of the dashboard's own rules?

tests/test_sample_data.py checks that the cases are in the data (plain pandas); this file runs the
metrics on the files as the loaders read them and checks each planted judgement.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import metrics
from metrics.measures import prepare

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"


@pytest.fixture(scope="module")
def t():
    from loaders import load_files
    res = load_files([str(p) for p in SAMPLE.iterdir() if p.suffix in (".xlsx", ".csv")])
    assert [p.text() for p in res.errors] == []
    return res.tables


def _flagged(f, flag):
    return set(f.loc[f["flag"] == flag, "school_id"])


def test_low_results_stable_low_and_exit(t):
    got = {y: metrics.risk_flags(t["results"], t["schools"], y) for y in (2024, 2025, 2026)}
    # kedr and lesn: stably low; nosh5: a primary school low on ВПР alone (the only procedure it has);
    # zarech: low until 2024, out in 2026
    assert _flagged(got[2024], "low_results") == {"kedr", "lesn", "nosh5", "zarech"}
    assert _flagged(got[2025], "low_results") == {"kedr", "lesn", "nosh5", "zarech"}
    assert _flagged(got[2026], "low_results") == {"kedr", "lesn", "nosh5"}
    assert _flagged(got[2026], "stable_low") == {"kedr", "lesn", "nosh5"}
    assert _flagged(got[2026], "exit") == {"zarech"}
    nosh5 = got[2026][(got[2026]["school_id"] == "nosh5") & (got[2026]["flag"] == "low_results")].iloc[0]
    assert nosh5["procedures"] == ["ВПР"]
    # the swinging small schools never are
    assert not {"berez", "pokr", "ivan"} & set().union(*(_flagged(f, "low_results") for f in got.values()))


def test_social_conditions_are_information_not_accusation(t):
    for y in (2022, 2026):
        f = metrics.risk_flags(t["results"], t["schools"], y)
        social = f[f["flag"] == "social"]
        assert set(social["school_id"]) == {"kedr", "lesn", "rodn", "klyuch", "nosh5"}
        assert set(social["severity"]) == {"info"}


def test_resilient_school_every_year(t):
    for y in range(2022, 2027):
        ca = metrics.context_adjusted(t["results"], t["schools"], y)
        assert ca.loc[ca["resilient"], "school_id"].tolist() == ["rodn"], y
        assert ca["n_schools"].iloc[0] >= 10 and 0 < ca["r2"].iloc[0] < 1


def test_suspicious_vpr_persistent_in_2026_and_left_out_of_the_reference(t):
    for y, persistent in ((2025, False), (2026, True)):
        s = metrics.objectivity_summary(metrics.objectivity_flags(t["results"], y), y)
        flagged = s[s["n_flagged_rows"] > 0]
        assert flagged["school_id"].tolist() == ["sos3"]
        assert bool(flagged["persistent"].iloc[0]) is persistent
    assert metrics.objectivity_summary(metrics.objectivity_flags(t["results"], 2024), 2024)["n_flagged_rows"].sum() == 0
    prep = prepare(t["results"])
    out = prep[prep["nonobjective"]]
    assert set(out["school_id"]) == {"sos3"} and set(out["year"]) == {2025, 2026}
    # the district ВПР reference is the other schools': recomputed by hand for one work
    w = prep[(prep["exam"] == "ВПР") & (prep["year"] == 2026) & (prep["subject"] == "Математика") & (prep["grade"] == 5)]
    others = w[w["school_id"] != "sos3"]
    assert w["district_mean"].iloc[0] == pytest.approx((others["mean"] * others["participants"]).sum()
                                                       / others["participants"].sum())


def test_indicator_statuses_and_the_worst_indicator_forecast(t):
    p = metrics.plan_vs_fact(t["indicators"], t["values"])
    d = p[p["school_id"].isna()]
    audit = d[d["name"].str.startswith("Доля общеобразовательных организаций, в которых проведён внешний аудит")]
    assert audit.set_index("year").loc[2024, "status"] == "near"   # 72,2 % at a 73 % plan, within 1 п. п.
    events = d[d["name"].str.startswith("Количество муниципальных методических мероприятий")]
    assert events.set_index("year").loc[2026, "status"] == "missed"  # 20 of 21: a count has no tolerance by default
    fc = metrics.forecast_to_target(t["indicators"], t["values"])
    worst = fc[fc["school_id"].isna() & (fc["indicator_id"].isin(
        t["indicators"].loc[t["indicators"]["name"] == "Количество выпускников 11 классов, не получивших аттестат",
                            "indicator_id"]))].iloc[0]
    assert worst["target_source"] == "plan" and worst["verdict"] == "не достигнет"


def test_recurring_events_with_missed_occurrences_are_overdue(t):
    p = metrics.roadmap_progress(t["events"], "2026-11-22")
    state = dict(zip(p["number"].str.rstrip("."), p["state"]))
    overdue = {k for k, s in state.items() if s == "overdue"}
    assert overdue == {"1.3", "1.5", "2.3", "2.5", "3.1.5", "3.1.5.1", "3.2.3", "5.1.1", "5.1.2"}
    assert {k for k, s in state.items() if s == "in_progress"} == {"1.6", "3.1.3", "3.2.4"}
    yearly = p[p["number"].str.rstrip(".") == "1.5"].iloc[0]
    assert yearly["n_missed"] == 3 and [d.strftime("%d.%m.%Y") for d in yearly["missed_dates"]] == [
        "30.11.2023", "30.11.2024", "30.11.2025"]


def test_reconciliation_and_ranking_lists(t):
    rec = metrics.reconcile(t["results"], t["schools"], t["indicators"], t["values"], 2026).set_index("what")
    vpr = rec.loc["доля школ с признаками необъективности ВПР"]
    assert vpr["computed_low"] == pytest.approx(100 / 18) and not vpr["differs"]
    low = rec.loc["доля школ с низкими образовательными результатами (ШНОР)"]
    assert low["computed_low"] == pytest.approx(300 / 18) and low["differs"]  # reported 11,1 %: nosh5 is missing
    r = metrics.rank_schools(t["results"], 2026, values=t["values"], indicators=t["indicators"], schools=t["schools"])
    assert r["type_group"].value_counts().to_dict() == {"Средние школы": 13, "Основные школы": 3}
    known = r["rank_low"].notna()
    assert set(r.loc[known, "type_group"]) == {"Средние школы"}  # the ООШ list ranks on indicators: no sampling error
    assert ((r["rank_low"] <= r["rank"]) & (r["rank"] <= r["rank_high"]))[known].all()
    assert pd.api.types.is_integer_dtype(r["rank"])
