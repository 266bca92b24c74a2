"""Does plan_vs_fact give the hand-computed deviations, statuses, glide plans and progress?"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from metrics.plan_fact import plan_vs_fact

NB = "\u00a0"
VCOLS = ["indicator_id", "school_id", "year", "kind", "value", "low", "high"]


def ind(*rows):
    return pd.DataFrame(rows, columns=["indicator_id", "name", "unit", "direction", "group", "tolerance"])


def vals(*rows):
    return pd.DataFrame([r + (None,) * (7 - len(r)) for r in rows], columns=VCOLS)


def one(df, **kw):
    m = pd.Series(True, index=df.index)
    for k, v in kw.items():
        m &= df[k].isna() if v is None else df[k].eq(v)
    assert m.sum() == 1, df
    return df[m].iloc[0]


HIGHER = ind(("q", "Доля выпускников, сдавших ЕГЭ на 70+", "%", "higher", "ЕГЭ", np.nan))


@pytest.mark.parametrize("fact,status,dev", [(42, "missed", -3.0), (43, "near", -2.0), (42.75, "near", -2.25),
                                             (45, "achieved", 0.0), (46, "achieved", 1.0)])
def test_higher_is_better_point_plan(fact, status, dev):
    out = plan_vs_fact(HIGHER, vals(("q", None, 2024, "plan", 45), ("q", None, 2024, "fact", fact)))
    r = one(out, year=2024)
    assert r.status == status
    assert r.deviation == pytest.approx(dev)
    assert r.rel_deviation == pytest.approx(dev / 45)
    assert r.plan_source == "plan"
    assert r.school_id is None


def test_reason_sentence_carries_numbers():
    out = plan_vs_fact(HIGHER, vals(("q", None, 2024, "plan", 45), ("q", None, 2024, "fact", 42)))
    assert out.loc[0, "reason"] == f"Факт 42,0{NB}% при плане 45,0{NB}%: отклонение −3,0 (−6,7{NB}%), не достигнут"


LOWER = ind(("d", "Доля не преодолевших минимальный порог", "%", "lower", None, np.nan))


@pytest.mark.parametrize("fact,status", [(9, "achieved"), (10, "achieved"), (10.4, "near"), (10.5, "near"), (12, "missed")])
def test_lower_is_better(fact, status):
    out = plan_vs_fact(LOWER, vals(("d", None, 2023, "plan", 10), ("d", None, 2023, "fact", fact)))
    r = one(out, year=2023)
    assert r.status == status
    assert r.deviation == pytest.approx(fact - 10)
    if status != "achieved":
        assert "(меньше — лучше)" in r.reason


@pytest.mark.parametrize("fact,status", [(0, "achieved"), (0.1, "missed"), (1, "missed")])
def test_plan_zero_lower_is_better_only_zero_achieves(fact, status):
    out = plan_vs_fact(LOWER, vals(("d", None, 2023, "plan", 0), ("d", None, 2023, "fact", fact)))
    r = one(out, year=2023)
    assert r.status == status
    assert math.isnan(r.rel_deviation)
    assert r.deviation == pytest.approx(fact)


MARK = ind(("m", "Средний балл ОГЭ по математике", "балл", "higher", None, np.nan))


@pytest.mark.parametrize("fact,status,dev,rel", [
    (3.9, "achieved", 0.0, 0.0),        # inside the range
    (4.2, "achieved", 0.2, 0.2 / 4.0),  # beyond in the good direction: distance to the nearest bound (4,0)
    (3.7, "near", -0.1, -0.1 / 3.8),    # 0,1 below 3,8; tolerance 5 % of 3,8 = 0,19
    (3.5, "missed", -0.3, -0.3 / 3.8),
])
def test_range_higher(fact, status, dev, rel):
    out = plan_vs_fact(MARK, vals(("m", None, 2024, "plan", None, 3.8, 4.0), ("m", None, 2024, "fact", fact)))
    r = one(out, year=2024)
    assert (r.plan_low, r.plan_high) == (3.8, 4.0)
    assert r.plan == pytest.approx(3.9)
    assert r.status == status
    assert r.deviation == pytest.approx(dev)
    assert r.rel_deviation == pytest.approx(rel)


def test_range_reason_shows_bounds():
    out = plan_vs_fact(MARK, vals(("m", None, 2024, "plan", None, 3.8, 4.0), ("m", None, 2024, "fact", 3.7)))
    assert out.loc[0, "reason"] == (f"Факт 3,70 при плане 3,80–4,00: отклонение −0,10 (−2,6{NB}%), "
                                    f"близко к плану (в пределах допуска 5{NB}%)")


@pytest.mark.parametrize("fact,status,dev", [(9, "achieved", -1.0), (11, "achieved", 0.0), (12.5, "near", 0.5),
                                             (13, "missed", 1.0)])
def test_range_lower_is_better(fact, status, dev):
    out = plan_vs_fact(LOWER, vals(("d", None, 2024, "plan", None, 10, 12), ("d", None, 2024, "fact", fact)))
    r = one(out, year=2024)
    assert r.status == status
    assert r.deviation == pytest.approx(dev)


def test_missing_fact_is_no_data_and_fact_without_plan_is_no_data():
    out = plan_vs_fact(HIGHER, vals(("q", None, 2024, "plan", 45), ("q", None, 2023, "fact", 40)))
    r24 = one(out, year=2024)
    assert r24.status == "no data" and math.isnan(r24.fact) and math.isnan(r24.deviation)
    assert r24.reason == f"Нет факта за 2024 год; план 45,0{NB}%"
    r23 = one(out, year=2023)
    assert r23.status == "no data" and r23.plan_source is None
    assert r23.reason == f"План на 2023 год не задан; факт 40,0{NB}%"


def test_tolerance_per_indicator_and_from_settings():
    indicators = ind(("q", "A", "%", "higher", None, np.nan), ("w", "B", "%", "higher", None, 0.1))
    values = vals(("q", None, 2024, "plan", 45), ("q", None, 2024, "fact", 41),
                  ("w", None, 2024, "plan", 45), ("w", None, 2024, "fact", 41))
    out = plan_vs_fact(indicators, values)
    assert one(out, indicator_id="q").status == "missed"   # 4 > 5 % of 45 = 2,25
    assert one(out, indicator_id="w").status == "near"     # 4 ≤ 10 % of 45 = 4,5
    assert "допуска 10" in one(out, indicator_id="w").reason
    strict = plan_vs_fact(indicators, vals(("q", None, 2024, "plan", 45), ("q", None, 2024, "fact", 44.9)),
                          settings={"plan_fact": {"tolerance": 0.0}})
    assert one(strict, indicator_id="q").status == "missed"


def test_glide_path_fills_years_without_plan_and_progress():
    values = vals(("q", None, 2020, "baseline", 40), ("q", None, 2024, "target", 50),
                  ("q", None, 2021, "plan", 45), ("q", None, 2021, "fact", 42),
                  ("q", None, 2022, "fact", 44), ("q", None, 2023, "fact", 46))
    out = plan_vs_fact(HIGHER, values)
    assert out["year"].tolist() == [2021, 2022, 2023, 2024]
    assert out["plan_source"].tolist() == ["plan", "glide", "glide", "glide"]
    assert out["plan"].tolist() == pytest.approx([45.0, 45.0, 47.5, 50.0])
    assert out["status"].tolist() == ["missed", "near", "near", "no data"]
    assert out["progress"].tolist()[:3] == pytest.approx([0.2, 0.4, 0.6])
    assert math.isnan(out["progress"].iloc[3])
    assert (out["baseline"] == 40).all() and (out["target"] == 50).all()
    assert "по прямой от базового к целевому значению" in out.loc[1, "reason"]


def test_progress_lower_is_better_and_flat_target():
    values = vals(("d", None, 2020, "baseline", 20), ("d", None, 2025, "target", 10), ("d", None, 2022, "fact", 14),
                  ("d", "s1", 2020, "baseline", 0), ("d", "s1", 2025, "target", 0), ("d", "s1", 2022, "fact", 0),
                  ("d", "s2", 2020, "baseline", 0), ("d", "s2", 2025, "target", 0), ("d", "s2", 2022, "fact", 2))
    out = plan_vs_fact(LOWER, values, year=2022)
    assert one(out, school_id=None).progress == pytest.approx(0.6)   # (14−20)/(10−20)
    assert one(out, school_id=None).plan == pytest.approx(16.0)      # glide 20 → 10 over 5 years
    assert one(out, school_id=None).status == "achieved"
    assert one(out, school_id="s1").progress == 1.0                  # holds the flat target 0
    assert one(out, school_id="s2").progress == 0.0


def test_year_filter_school_levels_and_nan_school_is_district():
    values = vals(("q", np.nan, 2023, "plan", 45), ("q", np.nan, 2023, "fact", 46),
                  ("q", "", 2024, "plan", 45), ("q", None, 2024, "fact", 40),
                  ("q", "s1", 2024, "plan", 30), ("q", "s1", 2024, "fact", 29))
    out = plan_vs_fact(HIGHER, values, year=2024)
    assert len(out) == 2
    assert one(out, school_id=None).status == "missed"
    assert one(out, school_id="s1").status == "near"   # 1 ≤ 1,5
    assert set(out.columns) >= {"indicator_id", "name", "unit", "direction", "group", "school_id", "year", "plan",
                                "plan_low", "plan_high", "fact", "deviation", "rel_deviation", "status", "baseline",
                                "target", "progress", "plan_source", "reason"}


def test_empty_inputs_give_empty_table():
    out = plan_vs_fact(HIGHER.iloc[0:0], vals())
    assert out.empty and "status" in out.columns
