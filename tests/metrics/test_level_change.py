"""Does the level × change grid judge each change against its own standard error, with the grid's schools as one
family (Benjamini–Hochberg), and leave small groups unplaced?"""
from __future__ import annotations

import math

import pandas as pd
import pytest

from metrics.explain import render
from metrics.level_change import level_change_grid, quintile_level
from metrics.stats import two_sided_p


def table(cur: dict, prev: dict, se: float | None = 1.0, n: dict | None = None) -> pd.DataFrame:
    n = n or {}
    rows = [(s, 2024, v, n.get(s, 20)) for s, v in cur.items()] + [(s, 2023, v, n.get(s, 20)) for s, v in prev.items()]
    t = pd.DataFrame(rows, columns=["school_id", "year", "value", "participants"])
    if se is not None:
        t["se"] = se
    return t


# current values 30, 40, 50: spread 10; se 1 in both years → the change's se √2 = 1,414
@pytest.mark.parametrize("change,band,label", [
    (9.0, 5, "значительное улучшение"),   # z 6,4; near end 9 − 1,96·1,414 = 6,2 ≥ 0,5 · 10
    (5.0, 4, "улучшение"),                 # z 3,5; near end 2,2 < 5
    (2.0, 3, "без существенных изменений"),  # z 1,41: within chance
    (0.0, 3, "без существенных изменений"),
    (-5.0, 2, "ухудшение"), (-9.0, 1, "значительное ухудшение"),
])
def test_bands_against_the_change_own_error(change, band, label):
    out = level_change_grid(table({"a": 30, "b": 40, "c": 50}, {"b": 40 - change}), 2024).set_index("school_id")
    b = out.loc["b"]
    assert b.sd == pytest.approx(10.0) and b.change_se == pytest.approx(math.sqrt(2))
    assert b.p == pytest.approx(float(two_sided_p(change / math.sqrt(2))))
    assert b.change_band == band and b.change_label == label
    assert b.level == 3 and b.cell_label == f"средний уровень, {label}"


def test_a_large_change_of_a_small_noisy_school_is_no_change():
    # +5 with se 4 in both years (se of the change 5,66): z 0,88 — «без существенных изменений», not «улучшение»
    out = level_change_grid(table({"a": 30, "b": 40, "c": 50}, {"b": 35}, se=4.0), 2024).set_index("school_id")
    assert out.loc["b", "change_band"] == 3
    assert "колеблется от случайности" in render(out.loc["b", "explanation"])


def test_the_grid_is_one_family():
    # b alone: p = 0,034 → «улучшение»; with four other schools that did not change (p = 1), 0,034 > 0,05 / 5
    alone = level_change_grid(table({"a": 30, "b": 40, "c": 50}, {"b": 37}), 2024).set_index("school_id")
    assert alone.loc["b", "p"] == pytest.approx(float(two_sided_p(3 / math.sqrt(2))))
    assert alone.loc["b", "change_band"] == 4
    cur = {"a": 30, "b": 40, "c": 50, "d": 45, "e": 35}
    prev = {"a": 30, "b": 37, "c": 50, "d": 45, "e": 35}
    grid = level_change_grid(table(cur, prev), 2024).set_index("school_id")
    assert grid.loc["b", "change_band"] == 3 and not grid["significant"].any()


def test_lower_is_better_flips_level_and_change():
    out = level_change_grid(table({"a": 30, "b": 40, "c": 50}, {"b": 31, "a": 31}), 2024,
                            higher_is_better=False).set_index("school_id")
    assert out.loc["a", "level"] == 5 and out.loc["c", "level"] == 1
    assert out.loc["b", "change_band"] == 1          # +9 when lower is better: declined strongly
    assert out.loc["a", "change_band"] == 3          # −1: within chance
    assert "Меньше — лучше" in render(out.loc["a", "explanation"])


def test_no_error_no_judgement_and_small_groups_unplaced():
    out = level_change_grid(table({"a": 30, "b": 40, "c": 50}, {"b": 20}, se=None), 2024).set_index("school_id")
    assert pd.isna(out.loc["b", "change_band"]) and out.loc["b", "change_label"].startswith("изменение не оценивается")
    small = level_change_grid(table({"a": 30, "b": 40, "c": 50, "d": 90}, {"d": 10}, n={"d": 5}), 2024
                              ).set_index("school_id")
    assert pd.isna(small.loc["d", "level"]) and pd.isna(small.loc["d", "change_band"]) and small.loc["d", "small_n"]
    assert small.loc["d", "cell_label"] == "мало участников — не оценивается"
    assert small.loc["a", "n_schools"] == 3 and small.loc["a", "level"] == 1  # levels among the placed schools


def test_quintiles_with_ties_and_ten_schools():
    vals = pd.Series([10, 20, 20, 30, 40, 50, 60, 70, 80, 90], dtype=float)
    assert quintile_level(vals).tolist() == [1, 2, 2, 2, 3, 3, 4, 4, 5, 5]
    assert quintile_level(pd.Series([1.0, 2, 3, 4, 5])).tolist() == [1, 2, 3, 4, 5]
    assert quintile_level(pd.Series([1.0, 2, 3, 4, 5]), higher_is_better=False).tolist() == [5, 4, 3, 2, 1]
    assert quintile_level(pd.Series([7.0, 7, 7])).tolist() == [3, 3, 3]


def test_explanation_words_and_missing_previous_year():
    cur = {"low": 10, "s2": 20, "s3": 30, "s4": 40, "high": 50}
    prev = {"low": 2, "s2": 20, "s3": 30, "s4": 40}
    out = level_change_grid(table(cur, prev), 2024).set_index("school_id")
    text = render(out.loc["low", "explanation"])
    assert text.startswith("10,0 (8,0–12,0) в 2024 году — среди пятой части школ района с самыми низкими результатами.")
    assert "в 2023 году — 2,0, изменение +8,0" in text and "квинтил" not in text and "SD" not in text
    assert out.loc["high", "change_label"] == "нет данных за прошлый год"
    assert out.loc["high", "cell_label"] == "очень высокий уровень, нет данных за прошлый год"
    assert level_change_grid(table(cur, prev), 2030).empty
