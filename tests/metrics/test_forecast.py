"""Does forecast_to_target project the hand-computed trend, and glide_path the straight line?"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from metrics.forecast import forecast_to_target, glide_path

NB = "\u00a0"
VCOLS = ["indicator_id", "school_id", "year", "kind", "value", "low", "high"]
IND = pd.DataFrame([("q", "Доля 70+", "%", "higher", None, np.nan), ("d", "Доля «2»", "%", "lower", None, np.nan)],
                   columns=["indicator_id", "name", "unit", "direction", "group", "tolerance"])


def vals(*rows):
    return pd.DataFrame([r + (None,) * (7 - len(r)) for r in rows], columns=VCOLS)


def test_trend_of_three_facts_short_of_target():
    v = vals(("q", None, 2020, "baseline", 40), ("q", None, 2024, "target", 50),
             ("q", None, 2021, "fact", 42), ("q", None, 2022, "fact", 44), ("q", None, 2023, "fact", 46))
    r = forecast_to_target(IND, v).iloc[0]
    assert (r.final_year, r.target, r.last_fact_year, r.last_fact, r.n_points) == (2024, 50, 2023, 46, 3)
    assert r.slope == pytest.approx(2.0) and r.forecast == pytest.approx(48.0)
    assert r.will_reach is False and r.gap == pytest.approx(2.0)
    assert r.reason == (f"Прогноз на 2024 год по линейному тренду 3 последних фактов (по 2023 год): 48,0{NB}% "
                        f"при цели 50,0{NB}% — цель не будет достигнута, не хватает 2,0{NB}%")


def test_only_the_last_three_facts_are_used():
    v = vals(("q", None, 2026, "target", 50), ("q", None, 2020, "fact", 10), ("q", None, 2021, "fact", 42),
             ("q", None, 2022, "fact", 44), ("q", None, 2023, "fact", 46))
    r = forecast_to_target(IND, v).iloc[0]
    assert r.n_points == 3 and r.slope == pytest.approx(2.0)
    assert r.forecast == pytest.approx(52.0)   # 44 + 2·(2026 − 2022)
    assert r.will_reach is True and r.gap == 0
    two = forecast_to_target(IND, v, settings={"forecast": {"points": 2}}).iloc[0]
    assert two.n_points == 2 and two.forecast == pytest.approx(52.0)   # 46 + 2·3


def test_non_collinear_least_squares():
    # x = 2021..2023, y = 1, 3, 2: slope = Σdxdy/Σdx² = (1 + 0 + 0)/2 = 0,5; forecast 2025 = 2 + 0,5·3
    v = vals(("q", None, 2025, "target", 4), ("q", None, 2021, "fact", 1), ("q", None, 2022, "fact", 3),
             ("q", None, 2023, "fact", 2))
    r = forecast_to_target(IND, v).iloc[0]
    assert r.slope == pytest.approx(0.5) and r.forecast == pytest.approx(3.5)
    assert r.will_reach is False and r.gap == pytest.approx(0.5)


def test_lower_is_better_reaches_target():
    v = vals(("d", "s1", 2025, "target", 15), ("d", "s1", 2022, "fact", 20), ("d", "s1", 2023, "fact", 18))
    r = forecast_to_target(IND, v).iloc[0]
    assert r.school_id == "s1"
    assert r.slope == pytest.approx(-2.0) and r.forecast == pytest.approx(14.0)
    assert r.will_reach is True and r.gap == 0
    assert r.reason.endswith("цель будет достигнута")


def test_lower_is_better_gap_is_positive_shortfall():
    v = vals(("d", None, 2025, "target", 10), ("d", None, 2022, "fact", 20), ("d", None, 2023, "fact", 19))
    r = forecast_to_target(IND, v).iloc[0]
    assert r.forecast == pytest.approx(17.0) and r.will_reach is False and r.gap == pytest.approx(7.0)


def test_single_fact_gives_no_forecast():
    v = vals(("q", None, 2024, "target", 50), ("q", None, 2023, "fact", 46))
    r = forecast_to_target(IND, v).iloc[0]
    assert r.n_points == 1 and math.isnan(r.forecast) and r.will_reach is None and math.isnan(r.gap)
    assert "не меньше двух" in r.reason


def test_final_year_already_measured_uses_the_fact():
    v = vals(("q", None, 2024, "target", 50), ("q", None, 2023, "fact", 40), ("q", None, 2024, "fact", 49),
             ("q", None, 2025, "fact", 99))   # after the final year: ignored
    r = forecast_to_target(IND, v).iloc[0]
    assert r.last_fact_year == 2024 and r.forecast == 49 and r.will_reach is False and r.gap == pytest.approx(1.0)
    assert r.reason.startswith("Факт 2024 года 49,0")


def test_range_target_uses_the_bound_on_the_bad_side():
    v = vals(("q", None, 2025, "target", None, 60, 70), ("q", None, 2022, "fact", 54), ("q", None, 2023, "fact", 56))
    r = forecast_to_target(IND, v).iloc[0]
    assert r.target == 65 and r.forecast == pytest.approx(60.0) and r.will_reach is True


def test_no_target_uses_programme_end_and_no_verdict():
    v = vals(("q", None, 2025, "target", 50), ("d", None, 2022, "fact", 5), ("d", None, 2023, "fact", 4))
    out = forecast_to_target(IND, v)
    r = out[out.indicator_id == "d"].iloc[0]
    assert r.final_year == 2025 and r.forecast == pytest.approx(2.0) and r.will_reach is None
    assert r.reason.startswith("Целевое значение не задано")


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
