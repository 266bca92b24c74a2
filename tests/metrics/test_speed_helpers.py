"""The vectorised helpers behind the metrics' speed give the same numbers and texts as the plain per-value way."""
import math

import numpy as np
import pandas as pd
import pytest

from metrics.forecast import fmt_array, fmt_signed, fmt_values, tidy_values
from metrics.measures import fmt, prepare, procedure_scores
from metrics.vector import group_ids, join_segments, runs, text_by_value, value_codes

NBSP = "\u00a0"


def _plain_fmt_array(x: float, digits: int) -> str:
    """The rule of fmt_array written per value: round |x|·10^digits to an integer, then write it."""
    if not math.isfinite(x):
        return ""
    scale = 10 ** digits
    v = int(np.round(abs(x) * scale))
    ip, fp = divmod(v, scale)
    text = f"{ip:,}".replace(",", NBSP) + ("," + str(fp).zfill(digits) if digits else "")
    return ("-" if x < 0 and v > 0 else "") + text


def test_fmt_array_hand_values():
    x = [1234.5, -0.04, 0.05, 4.38, 0.0, -0.001, np.nan, 1234567.891, 999.996]
    assert list(fmt_array(x, 2)) == ["1\u00a0234,50", "-0,04", "0,05", "4,38", "0,00", "0,00", "", "1\u00a0234\u00a0567,89",
                                     "1\u00a0000,00"]
    assert list(fmt_array([12.5, 13.5, -7.0], 0)) == ["12", "14", "-7"]  # half to even, like np.round


@pytest.mark.parametrize("digits", [0, 1, 2])
def test_fmt_array_matches_the_per_value_rule_with_repeats(digits):
    rng = np.random.default_rng(digits)
    x = np.concatenate([rng.normal(0, 30, 3000), np.round(rng.normal(0, 30, 3000), 2), rng.normal(0, 5000, 300),
                        [np.nan, -0.0, 0.005, 0.015, 2.675, np.inf]])
    assert list(fmt_array(x, digits)) == [_plain_fmt_array(v, digits) for v in x]


def test_fmt_values_and_signed_same_text_in_bulk_as_one_by_one():
    rng = np.random.default_rng(5)
    vals = pd.Series(np.concatenate([np.round(rng.normal(20, 15, 400), 2), rng.normal(0, 3, 400), [np.nan, 7.0]]))
    units = pd.Series(rng.choice(["%", "балл", "чел.", ""], len(vals)))
    bulk = fmt_values(vals, units)
    assert list(bulk) == [fmt_values(pd.Series([v]), pd.Series([u])).iloc[0] for v, u in zip(vals, units)]
    digits = np.where(np.abs(vals.fillna(0)) < 10, 2, 1)
    bulk = fmt_signed(vals, digits)
    assert list(bulk) == [fmt_signed(pd.Series([v]), d).iloc[0] for v, d in zip(vals, digits)]
    assert list(fmt_signed(pd.Series([1.234, -0.5, 0.004, np.nan]), 2)) == ["+1,23", "−0,50", "0,00", ""]


def test_reason_fmt_writes_each_distinct_value_once_with_the_same_text():
    x = pd.Series([66.66666, 66.66666, -0.0, 0.0, 1234.56, np.nan, 15.0, 66.66666])
    assert list(fmt(x, 1, unit="%")) == ["66,7\u00a0%", "66,7\u00a0%", "−0,0\u00a0%", "0,0\u00a0%", "1\u00a0234,6\u00a0%", "",
                                         "15,0\u00a0%", "66,7\u00a0%"]
    assert list(fmt(pd.Series([0.5, -0.25, 0.0]), 2, sign=True)) == ["+0,50", "−0,25", "0,00"]


def test_group_ids_runs_and_value_codes():
    gid, first = group_ids(np.array([3, 1, 3, 1, 2]), np.array([0, 0, 0, 1, 0]))
    assert list(gid) == [0, 1, 0, 2, 3] and list(first) == [0, 1, 3, 4]
    starts, ends = runs(np.array(["a", "a", "b", "c", "c", "c"], dtype=object))
    assert list(starts) == [0, 2, 3] and list(ends) == [2, 3, 6]
    codes = value_codes(np.array([0.0, -0.0, np.nan, 0.0, np.nan]))
    assert codes[0] == codes[3] and codes[0] != codes[1] and codes[2] == codes[4]


def test_text_by_value_equals_building_every_row():
    a = np.array([1.0, 2.0, 1.0, np.nan, 2.0])
    b = np.array(["x", "y", "x", "x", "z"], dtype=object)
    calls = []

    def make(p, q):
        calls.append(len(p))
        return ("[" + p.astype(str) + "|" + q + "]").to_numpy(object)
    out = text_by_value([a, b], make)
    assert list(out) == ["[1.0|x]", "[2.0|y]", "[1.0|x]", "[nan|x]", "[2.0|z]"]
    assert calls == [4]  # four distinct combinations, one call


def test_join_segments_orders_separates_and_ends():
    head = np.array(["A: ", "B: ", "C: "], dtype=object)
    segs = {"one": (np.array([True, False, True]), np.array([0, 0, 1]), np.array(["p", "q"], dtype=object)),
            "two": (np.array([True, True, False]), np.array([0, 1, 0]), np.array(["r", "s"], dtype=object))}
    assert list(join_segments(head, segs)) == ["A: p; r.", "B: s.", "C: q."]
    none = {"one": (np.array([False]), np.array([0]), np.array([], dtype=object))}
    assert list(join_segments(np.array(["A: "], dtype=object), none)) == [""]


def _results():
    return pd.DataFrame({
        "year": [2024, 2024, 2024, 2025], "exam": ["ОГЭ", "ОГЭ", "ЕГЭ", "ОГЭ"], "subject": ["Математика"] * 4,
        "grade": [9, 9, 11, 9], "school_id": ["a", "b", "a", "a"], "participants": [10, 20, 5, 12],
        "mean": [3.5, 4.0, 60.0, 3.9], "below_min": [1, 0, 1, 0]})


def test_prepare_is_memoised_per_table_and_recomputes_on_change():
    df = _results()
    p = prepare(df)
    assert prepare(df) is p
    changed = df.copy()
    changed.loc[0, "mean"] = 3.0
    assert prepare(changed) is not p
    assert prepare(changed).loc[0, "mean"] == 3.0
    assert prepare(df).loc[0, "mean"] == 3.5


def test_procedure_scores_on_row_positions_equals_a_filtered_copy():
    p = prepare(_results())
    rows = np.flatnonzero(p["year"].to_numpy() == 2024)
    a = procedure_scores(p, ["ОГЭ"], rows)
    b = procedure_scores(p[p["year"] == 2024].reset_index(drop=True), ["ОГЭ"])
    pd.testing.assert_frame_equal(a, b)
    assert list(a["school_id"]) == ["a", "b"]


def test_tidy_values_is_memoised_and_recomputes_on_change():
    values = pd.DataFrame({"indicator_id": ["I1", "I1"], "school_id": [None, None], "year": [2024, 2025],
                           "kind": ["fact", "fact"], "value": [1.0, 2.0]})
    t = tidy_values(values)
    assert tidy_values(values) is t
    other = values.assign(value=[1.0, 3.0])
    assert list(tidy_values(other)["point"]) == [1.0, 3.0]


def test_group_quantile_matches_series_quantile_per_group():
    from metrics.vector import group_quantile
    gid = np.array([0, 1, 0, 0, 1, 2, 0])
    x = np.array([4.0, 10.0, 1.0, 3.0, np.nan, np.nan, 2.0])
    # group 0: 1, 2, 3, 4 → index 0,75 → 1 + 0,75 · (2 − 1) = 1,75; group 1: only 10; group 2: no value
    got = group_quantile(gid, x, 0.25)
    np.testing.assert_array_equal(got, [1.75, 10.0, 1.75, 1.75, 10.0, np.nan, 1.75])
    rng = np.random.default_rng(3)
    g, v = rng.integers(0, 5, 200), rng.normal(size=200)
    v[rng.random(200) < 0.1] = np.nan
    for q in (0.25, 0.5, 0.75):
        exp = pd.Series(v).groupby(g).transform(lambda s: s.quantile(q)).to_numpy()
        np.testing.assert_array_equal(group_quantile(g, v, q), exp)


@pytest.mark.parametrize("spread", [3, 40, 100_000])
def test_group_ids_dense_and_hashed_paths_agree(spread):
    """Small key ranges use a dense table, large ones hashing: both give ids in order of first appearance."""
    rng = np.random.default_rng(spread)
    a, b = rng.integers(0, 5, 400), rng.integers(0, spread, 400)
    gid, first = group_ids(a, b)
    key = a.astype(np.int64) * (int(b.max()) + 1) + b
    exp, _ = pd.factorize(key)
    np.testing.assert_array_equal(gid, exp)
    np.testing.assert_array_equal(gid[first], np.arange(len(first)))
    assert (np.diff(first) > 0).all()
    np.testing.assert_array_equal(group_ids(np.array([2, 0, 2, 1]))[0], [0, 1, 0, 2])
