"""Does plan_vs_fact give the hand-computed deviations, statuses (tolerance in the indicator's own units), glide
plans, progress and explanations?"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from metrics.explain import render
from metrics.plan_fact import plan_vs_fact

NB = "\u00a0"
PP = f"{NB}п.{NB}п."
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


@pytest.mark.parametrize("fact,status,dev", [(43, "missed", -2.0), (44, "near", -1.0), (44.5, "near", -0.5),
                                             (45, "achieved", 0.0), (46, "achieved", 1.0)])
def test_percent_plan_tolerance_is_one_percentage_point(fact, status, dev):
    out = plan_vs_fact(HIGHER, vals(("q", None, 2024, "plan", 45), ("q", None, 2024, "fact", fact)))
    r = one(out, year=2024)
    assert r.status == status
    assert r.deviation == pytest.approx(dev)
    assert r.rel_deviation == pytest.approx(dev / 45)
    assert r.tolerance == 1.0 and r.plan_source == "plan" and r.school_id is None


def test_explanation_carries_numbers_in_their_units():
    out = plan_vs_fact(HIGHER, vals(("q", None, 2024, "plan", 45), ("q", None, 2024, "fact", 42)))
    assert render(out.loc[0, "explanation"]) == f"Не достигнут: факт 42,0{NB}% при плане 45,0{NB}%. отклонение " \
                                                f"−3,0{PP}"
    near = plan_vs_fact(HIGHER, vals(("q", None, 2024, "plan", 45), ("q", None, 2024, "fact", 44.5)))
    assert render(near.loc[0, "explanation"]) == (f"Близко к плану: факт 44,5{NB}% при плане 45,0{NB}%. отклонение "
                                                  f"−0,5{PP} Отклонение в пределах допуска 1,0{PP}")


LOWER = ind(("d", "Доля не преодолевших минимальный порог", "%", "lower", None, np.nan))


@pytest.mark.parametrize("fact,status", [(9, "achieved"), (10, "achieved"), (10.4, "near"), (11, "near"),
                                         (11.1, "missed")])
def test_lower_is_better(fact, status):
    out = plan_vs_fact(LOWER, vals(("d", None, 2023, "plan", 10), ("d", None, 2023, "fact", fact)))
    r = one(out, year=2023)
    assert r.status == status
    assert r.deviation == pytest.approx(fact - 10)
    assert "Меньше — лучше" in render(r.explanation)


@pytest.mark.parametrize("fact,status", [(0, "achieved"), (0.5, "near"), (2, "missed")])
def test_plan_zero_lower_is_better_only_zero_achieves(fact, status):
    # «5 % of the plan» was nothing at a plan of 0; 1 п. п. is 1 п. п. at any plan
    out = plan_vs_fact(LOWER, vals(("d", None, 2023, "plan", 0), ("d", None, 2023, "fact", fact)))
    r = one(out, year=2023)
    assert r.status == status
    assert math.isnan(r.rel_deviation)
    assert r.deviation == pytest.approx(fact)


MARK = ind(("m", "Средняя отметка ОГЭ по математике", "балл", "higher", None, np.nan))


@pytest.mark.parametrize("fact,status,dev", [
    (3.9, "achieved", 0.0),      # inside the range
    (4.2, "achieved", 0.2),      # beyond in the good direction: distance to the nearest bound (4,0)
    (3.76, "near", -0.04),       # 0,04 of a mark below 3,8: within 0,05
    (3.7, "missed", -0.1),       # 5 % of 3,8 would have been 0,19 of a mark: now 0,05
])
def test_range_of_marks(fact, status, dev):
    out = plan_vs_fact(MARK, vals(("m", None, 2024, "plan", None, 3.8, 4.0), ("m", None, 2024, "fact", fact)))
    r = one(out, year=2024)
    assert (r.plan_low, r.plan_high, r.plan) == (3.8, 4.0, pytest.approx(3.9))
    assert r.status == status and r.tolerance == 0.05
    assert r.deviation == pytest.approx(dev)


def test_range_explanation_shows_bounds_and_mark_digits():
    out = plan_vs_fact(MARK, vals(("m", None, 2024, "plan", None, 3.8, 4.0), ("m", None, 2024, "fact", 3.7)))
    assert render(out.loc[0, "explanation"]) == "Не достигнут: факт 3,70 при плане 3,80–4,00. отклонение −0,10."


COUNT = ind(("c", "Количество мероприятий", "шт.", "higher", None, np.nan))


def test_counts_are_whole_and_have_no_tolerance():
    out = plan_vs_fact(COUNT, vals(("c", None, 2026, "plan", 21), ("c", None, 2026, "fact", 20)))
    r = one(out, year=2026)
    assert r.status == "missed" and r.tolerance == 0
    assert render(r.explanation) == f"Не достигнут: факт 20{NB}шт. при плане 21{NB}шт. отклонение −1{NB}шт."


def test_missing_fact_is_no_data_and_fact_without_plan_is_no_data():
    out = plan_vs_fact(HIGHER, vals(("q", None, 2024, "plan", 45), ("q", None, 2023, "fact", 40)))
    r24 = one(out, year=2024)
    assert r24.status == "no data" and math.isnan(r24.fact) and math.isnan(r24.deviation)
    assert render(r24.explanation) == f"Нет факта за 2024 год; план 45,0{NB}%."
    r23 = one(out, year=2023)
    assert r23.status == "no data" and r23.plan_source is None
    assert render(r23.explanation) == f"План на 2023 год не задан; факт 40,0{NB}%."


def test_tolerance_per_indicator_and_from_settings():
    indicators = ind(("q", "A", "%", "higher", None, np.nan), ("w", "B", "%", "higher", None, 4.5))
    values = vals(("q", None, 2024, "plan", 45), ("q", None, 2024, "fact", 41),
                  ("w", None, 2024, "plan", 45), ("w", None, 2024, "fact", 41))
    out = plan_vs_fact(indicators, values)
    assert one(out, indicator_id="q").status == "missed"   # 4 п. п. > 1 п. п.
    assert one(out, indicator_id="w").status == "near"     # 4 п. п. ≤ the indicator's own 4,5 п. п.
    assert f"допуска 4,5{PP}" in render(one(out, indicator_id="w").explanation)
    strict = plan_vs_fact(indicators, vals(("q", None, 2024, "plan", 45), ("q", None, 2024, "fact", 44.9)),
                          settings={"plan_fact": {"tolerance": {"pct": 0.0}}})
    assert one(strict, indicator_id="q").status == "missed"


def test_glide_path_fills_years_without_plan_and_progress():
    values = vals(("q", None, 2020, "baseline", 40), ("q", None, 2024, "target", 50),
                  ("q", None, 2021, "plan", 45), ("q", None, 2021, "fact", 42),
                  ("q", None, 2022, "fact", 43.5), ("q", None, 2023, "fact", 46.8))
    out = plan_vs_fact(HIGHER, values)
    assert out["year"].tolist() == [2021, 2022, 2023, 2024]
    assert out["plan_source"].tolist() == ["plan", "glide", "glide", "glide"]
    assert out["plan"].tolist() == pytest.approx([45.0, 45.0, 47.5, 50.0])
    assert out["status"].tolist() == ["missed", "missed", "near", "no data"]
    assert out["progress"].tolist()[:3] == pytest.approx([0.2, 0.35, 0.68])
    assert math.isnan(out["progress"].iloc[3])
    assert (out["baseline"] == 40).all() and (out["target"] == 50).all()
    assert "на прямой от базового значения к целевому" in render(out.loc[1, "explanation"])


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
    assert one(out, school_id="s1").status == "near"   # 1 п. п.
    assert set(out.columns) >= {"indicator_id", "name", "unit", "direction", "group", "school_id", "year", "plan",
                                "plan_low", "plan_high", "fact", "deviation", "rel_deviation", "status", "baseline",
                                "target", "progress", "plan_source", "tolerance", "explanation"}


def test_empty_inputs_give_empty_table():
    out = plan_vs_fact(HIGHER.iloc[0:0], vals())
    assert out.empty and "status" in out.columns
