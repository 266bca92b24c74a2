"""The vectorised helpers behind the metrics' speed give the same numbers as the plain per-value way."""

import numpy as np
import pandas as pd
import pytest

from metrics.forecast import tidy_values
from metrics.measures import prepare, procedure_scores
from metrics.vector import group_ids, runs, value_codes

NBSP = "\u00a0"


def test_group_ids_runs_and_value_codes():
    gid, first = group_ids(np.array([3, 1, 3, 1, 2]), np.array([0, 0, 0, 1, 0]))
    assert list(gid) == [0, 1, 0, 2, 3] and list(first) == [0, 1, 3, 4]
    starts, ends = runs(np.array(["a", "a", "b", "c", "c", "c"], dtype=object))
    assert list(starts) == [0, 2, 3] and list(ends) == [2, 3, 6]
    codes = value_codes(np.array([0.0, -0.0, np.nan, 0.0, np.nan]))
    assert codes[0] == codes[3] and codes[0] != codes[1] and codes[2] == codes[4]


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
