"""Does forecast_to_target project the hand-computed trend with its 80 % prediction interval, clip it to the feasible
range, give «достигнет / не достигнет / нельзя сказать», judge a plan without a target — and glide_path the line?"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from metrics.explain import render
from metrics.forecast import forecast_to_target, glide_path

NB = "\u00a0"
VCOLS = ["indicator_id", "school_id", "year", "kind", "value", "low", "high"]
IND = pd.DataFrame([("q", "Доля 70+", "%", "higher", None, np.nan), ("d", "Доля «2»", "%", "lower", None, np.nan),
                    ("c", "Не получили аттестат", "чел.", "lower", None, np.nan)],
                   columns=["indicator_id", "name", "unit", "direction", "group", "tolerance"])


def vals(*rows):
    return pd.DataFrame([r + (None,) * (7 - len(r)) for r in rows], columns=VCOLS)


def test_exact_trend_has_no_spread_and_falls_short():
    v = vals(("q", None, 2020, "baseline", 40), ("q", None, 2024, "target", 50),
             ("q", None, 2021, "fact", 42), ("q", None, 2022, "fact", 44), ("q", None, 2023, "fact", 46))
    r = forecast_to_target(IND, v).iloc[0]
    assert (r.final_year, r.target, r.last_fact_year, r.last_fact, r.n_points) == (2024, 50, 2023, 46, 3)
    assert r.slope == pytest.approx(2.0) and r.forecast == pytest.approx(48.0)
    assert (r.forecast_low, r.forecast_high) == (pytest.approx(48.0), pytest.approx(48.0))
    assert r.verdict == "не достигнет" and r.will_reach is False and r.gap == pytest.approx(2.0) and r.gap_unit == "pp"
    assert render(r.explanation).startswith(f"Прогноз на 2024 год: 48,0{NB}% при значении цели 50,0{NB}% — не будет достигнута.")
    assert f"по тренду не хватает 2,0{NB}п.{NB}п." in render(r.explanation)


def test_prediction_interval_of_three_scattered_facts_cannot_say():
    # x = 2021..2023, y = 1, 3, 2: slope 0,5, forecast 2025 = 3,5; residuals −0,5, 1, −0,5 → s = √1,5;
    # half-width t(0,9; 1) · s · √(1 + 1/3 + 3²/2) = 3,0777 · 1,2247 · 2,4152 = 9,10 → from 0 (clipped) to 12,6
    v = vals(("q", None, 2025, "target", 4), ("q", None, 2021, "fact", 1), ("q", None, 2022, "fact", 3),
             ("q", None, 2023, "fact", 2))
    r = forecast_to_target(IND, v).iloc[0]
    half = 3.077684 * math.sqrt(1.5) * math.sqrt(1 + 1 / 3 + 4.5)
    assert r.slope == pytest.approx(0.5) and r.forecast == pytest.approx(3.5)
    assert r.forecast_low == 0.0 and r.forecast_high == pytest.approx(3.5 + half, rel=1e-5)
    assert r.verdict == "нельзя сказать" and r.will_reach is None
    assert "интервал прогноза захватывает и достижение, и недостижение" in render(r.explanation)


def test_forecast_is_clipped_to_the_feasible_range():
    v = vals(("q", None, 2026, "target", 100), ("q", None, 2021, "fact", 90), ("q", None, 2022, "fact", 95),
             ("q", None, 2023, "fact", 99))
    r = forecast_to_target(IND, v).iloc[0]
    assert r.slope == pytest.approx(4.5) and r.forecast == 100.0 and r.forecast_high == 100.0  # not 112,7 %
    counts = vals(("c", None, 2026, "target", 0), ("c", None, 2021, "fact", 6), ("c", None, 2022, "fact", 3),
                  ("c", None, 2023, "fact", 1))
    c = forecast_to_target(IND, counts).iloc[0]
    assert c.forecast == 0.0 and c.forecast_low == 0.0   # not −6,7 people


def test_lower_is_better_reaches_target():
    v = vals(("d", "s1", 2025, "target", 15), ("d", "s1", 2021, "fact", 20), ("d", "s1", 2022, "fact", 18),
             ("d", "s1", 2023, "fact", 16))
    r = forecast_to_target(IND, v).iloc[0]
    assert r.school_id == "s1"
    assert r.slope == pytest.approx(-2.0) and r.forecast == pytest.approx(12.0)
    assert r.verdict == "достигнет" and r.will_reach is True and r.gap == 0


def test_two_facts_give_no_forecast():
    v = vals(("q", None, 2024, "target", 50), ("q", None, 2022, "fact", 40), ("q", None, 2023, "fact", 46))
    r = forecast_to_target(IND, v).iloc[0]
    assert r.n_points == 2 and math.isnan(r.forecast) and r.will_reach is None and r.verdict == "нет прогноза"
    assert render(r.explanation) == "Прогноз не строится: фактических значений 2, нужно не меньше 3."
    two = forecast_to_target(IND, v, settings={"forecast": {"min_points": 2}}).iloc[0]
    assert math.isnan(two.forecast)  # two points never: they leave no error to judge by


def test_final_year_already_measured_uses_the_fact():
    v = vals(("q", None, 2024, "target", 50), ("q", None, 2023, "fact", 40), ("q", None, 2024, "fact", 49),
             ("q", None, 2025, "fact", 99))   # after the final year: ignored
    r = forecast_to_target(IND, v).iloc[0]
    assert r.last_fact_year == 2024 and r.forecast == 49 and r.verdict == "не достигнута" and r.will_reach is False
    assert r.gap == pytest.approx(1.0)
    assert render(r.explanation).startswith(f"Факт 2024 года 49,0{NB}%")


def test_range_target_uses_the_bound_on_the_bad_side():
    v = vals(("q", None, 2025, "target", None, 60, 70), ("q", None, 2021, "fact", 52), ("q", None, 2022, "fact", 54),
             ("q", None, 2023, "fact", 56))
    r = forecast_to_target(IND, v).iloc[0]
    assert r.target == 60 and r.forecast == pytest.approx(60.0) and r.verdict == "достигнет"


def test_a_plan_without_a_target_is_judged_against_its_last_plan_year():
    # the district's worst indicator: 5 → 6 → 8 → 9 → 11 pupils without a certificate against a plan of 3 in 2027
    v = vals(("c", None, 2027, "plan", 3), *(("c", None, y, "fact", f) for y, f in zip(range(2022, 2027),
                                                                                         (5, 6, 8, 9, 11))))
    r = forecast_to_target(IND, v).iloc[0]
    assert (r.final_year, r.target, r.target_source) == (2027, 3, "plan")
    # last three facts 8, 9, 11 (2024–2026): slope 1,5, forecast 2027 = 9,33 + 1,5·2 = 12,33
    assert r.forecast == pytest.approx(37 / 3)
    assert r.verdict == "не достигнет"
    assert "при значении последнего года плана 3" in render(r.explanation) and "Целевое значение не задано" in render(r.explanation)


def test_no_target_and_no_plan_uses_programme_end_and_no_verdict():
    v = vals(("q", None, 2025, "target", 50), ("d", None, 2021, "fact", 6), ("d", None, 2022, "fact", 5),
             ("d", None, 2023, "fact", 4))
    out = forecast_to_target(IND, v)
    r = out[out.indicator_id == "d"].iloc[0]
    assert r.final_year == 2025 and r.forecast == pytest.approx(2.0) and r.will_reach is None
    assert r.verdict == "нет прогноза" and "цель не задана" in render(r.explanation)


def test_glide_path_straight_line():
    v = vals(("q", None, 2020, "baseline", 40), ("q", None, 2024, "target", 50),
             ("d", "s1", 2021, "baseline", 20), ("d", "s1", 2023, "target", 10),
             ("q", "s2", 2024, "baseline", 40), ("q", "s2", 2024, "target", 50))   # no span: no path
    g = glide_path(IND, v)
    q = g[g.indicator_id == "q"]
    assert q["year"].tolist() == [2020, 2021, 2022, 2023, 2024]
    assert q["plan"].tolist() == pytest.approx([40, 42.5, 45, 47.5, 50])
    assert q["school_id"].isna().all()
    d = g[g.indicator_id == "d"]
    assert d["school_id"].tolist() == ["s1"] * 3 and d["plan"].tolist() == pytest.approx([20, 15, 10])
    assert list(g.columns) == ["indicator_id", "school_id", "year", "plan"]
    assert glide_path(IND, vals()).empty


def test_empty_tables_give_empty_frames():
    empty = vals()
    out = forecast_to_target(IND.iloc[0:0], empty)
    assert out.empty and "will_reach" in out.columns
    assert forecast_to_target(IND, empty).empty
