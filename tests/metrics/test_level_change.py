"""Does the level × change grid place schools in the hand-computed cells, boundaries included?"""
from __future__ import annotations

import pandas as pd
import pytest

from metrics.level_change import level_change_grid, quintile_level


def table(cur: dict, prev: dict) -> pd.DataFrame:
    rows = [(s, 2024, v, 20) for s, v in cur.items()] + [(s, 2023, v, 20) for s, v in prev.items()]
    return pd.DataFrame(rows, columns=["school_id", "year", "value", "participants"])


# current values 30, 40, 50: district SD (ddof 1) = 10, so 0,15 SD = 1,5 and 0,5 SD = 5
@pytest.mark.parametrize("change,band,label", [
    (5.0, 5, "значительное улучшение"), (4.9, 4, "улучшение"), (1.6, 4, "улучшение"),
    (1.5, 3, "без существенных изменений"), (0.0, 3, "без существенных изменений"),
    (-1.5, 3, "без существенных изменений"), (-1.6, 2, "ухудшение"), (-4.9, 2, "ухудшение"),
    (-5.0, 1, "значительное ухудшение"),
])
def test_change_band_boundaries(change, band, label):
    out = level_change_grid(table({"a": 30, "b": 40, "c": 50}, {"b": 40 - change}), 2024).set_index("school_id")
    b = out.loc["b"]
    assert b.sd == pytest.approx(10.0)
    assert b.change == pytest.approx(change) and b.change_sd == pytest.approx(change / 10)
    assert b.change_band == band and b.change_label == label
    assert b.level == 3 and b.cell_label == f"средний уровень, {label}"


def test_lower_is_better_flips_level_and_change():
    out = level_change_grid(table({"a": 30, "b": 40, "c": 50}, {"b": 35, "a": 31}), 2024,
                            higher_is_better=False).set_index("school_id")
    assert out.loc["a", "level"] == 5 and out.loc["c", "level"] == 1
    assert out.loc["b", "change_band"] == 1          # +5 when lower is better: declined strongly
    assert out.loc["a", "change_band"] == 3          # −1 = 0,1 SD better: no real change
    assert "(меньше — лучше)" in out.loc["a", "reason"]


def test_quintiles_with_ties_and_ten_schools():
    vals = pd.Series([10, 20, 20, 30, 40, 50, 60, 70, 80, 90], dtype=float)
    assert quintile_level(vals).tolist() == [1, 2, 2, 2, 3, 3, 4, 4, 5, 5]
    assert quintile_level(pd.Series([1.0, 2, 3, 4, 5])).tolist() == [1, 2, 3, 4, 5]
    assert quintile_level(pd.Series([1.0, 2, 3, 4, 5]), higher_is_better=False).tolist() == [5, 4, 3, 2, 1]
    assert quintile_level(pd.Series([7.0, 7, 7])).tolist() == [3, 3, 3]


def test_low_but_improving_and_high_but_falling():
    cur = {"low": 10, "s2": 20, "s3": 30, "s4": 40, "high": 50}
    prev = {"low": 2, "s2": 20, "s3": 30, "s4": 40, "high": 60}   # SD 15,81: +8 = 0,51 SD, −10 = −0,63 SD
    out = level_change_grid(table(cur, prev), 2024).set_index("school_id")
    assert out.loc["low", "cell_label"] == "очень низкий уровень, значительное улучшение"
    assert out.loc["high", "cell_label"] == "очень высокий уровень, значительное ухудшение"
    assert out.loc["low", "reason"] == ("Значение 10,0 в 2024 г.: очень низкий уровень (1-й из 5 квинтилей района); "
                                        "в 2023 г. — 2,0, изменение +8,0 (+0,51 SD) — значительное улучшение")


def test_missing_previous_year_and_settings():
    out = level_change_grid(table({"a": 30, "b": 40, "c": 50}, {"b": 38}), 2024,
                            settings={"level_change": {"stable_sd": 0.1, "strong_sd": 0.2}}).set_index("school_id")
    assert out.loc["b", "change_band"] == 5            # +2 = 0,2 SD ≥ strong 0,2
    assert pd.isna(out.loc["a", "change_band"]) and pd.isna(out.loc["a", "prev_value"])
    assert out.loc["a", "change_label"] == "нет данных за прошлый год"
    assert out.loc["a", "cell_label"] == "очень низкий уровень, нет данных за прошлый год"
    assert (out["participants"] == 20).all() and (out["n_schools"] == 3).all()


def test_value_column_and_single_school():
    t = pd.DataFrame({"school_id": ["a", "a"], "year": [2024, 2023], "fact": [4.1, 3.9]})
    out = level_change_grid(t, 2024, value_col="fact")
    assert len(out) == 1 and out.loc[0, "value"] == 4.1 and out.loc[0, "change"] == pytest.approx(0.2)
    assert pd.isna(out.loc[0, "change_band"])          # one school: no district spread to judge by
    assert level_change_grid(t, 2030, value_col="fact").empty
