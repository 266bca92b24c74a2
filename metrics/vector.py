"""How are per-row numbers grouped and per-row texts built without a Python loop over rows?

Small vectorised tools the metrics share: integer group ids for combinations of keys
(`group_ids`), runs of equal keys in a sorted table (`runs`), sort ranks of texts
(`sort_rank`, `code_rank`), codes of equal values (`value_codes`), float → nullable Int64
(`int_array`) and per-group quantiles (`group_quantile`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd


def group_ids(*codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Group id per row for the combination of non-negative integer key arrays (ids in order of first
    appearance) and the first row of each group (so that `gid[first] == arange(ngroups)`)."""
    n = len(codes[0]) if codes else 0
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    key = np.zeros(n, dtype=np.int64)
    for c in codes:
        c = np.asarray(c, dtype=np.int64)
        key = key * (int(c.max()) + 1) + c
    size = int(key.max()) + 1
    if size <= 4 * n + 1024:  # a dense table of the key's range: no hashing
        first_at = np.full(size, n, dtype=np.int64)
        first_at[key[::-1]] = np.arange(n - 1, -1, -1, dtype=np.int64)  # the last write (smallest row) wins
        used = np.flatnonzero(first_at < n)
        first = np.sort(first_at[used])
        gid_of = np.empty(size, dtype=np.int64)
        gid_of[key[first]] = np.arange(len(first), dtype=np.int64)
        return gid_of[key], first
    gid, _ = pd.factorize(key)
    gid = gid.astype(np.int64, copy=False)
    run = np.maximum.accumulate(gid)
    first = np.flatnonzero(np.concatenate(([True], gid[1:] > run[:-1])))
    return gid, first


def sort_rank(values: np.ndarray) -> np.ndarray:
    """Rank of each value in ascending sort order (equal values share a rank); text or numbers."""
    codes, _ = pd.factorize(values, sort=True)
    return codes


def value_codes(arr) -> np.ndarray:
    """Integer codes of equal values (floats by bit pattern, so −0,0 and 0,0 keep their own text; NaN one code)."""
    a = np.asarray(arr)
    if a.dtype.kind == "f":
        a = a.astype(np.float64, copy=False)
        bits = np.where(np.isnan(a), np.nan, a).view(np.int64)
        return pd.factorize(bits)[0]
    if a.dtype.kind in "iub":
        return pd.factorize(a)[0]
    return pd.factorize(a, use_na_sentinel=False)[0]


def int_array(x: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """Float values (NaN = missing) as a nullable Int64 array, like `Series.astype("Int64")` (which it falls back
    to, with its error, for non-integer values)."""
    x = np.asarray(x, dtype=float)
    nan = np.isnan(x)
    filled = np.where(nan, 0.0, x)
    as_int = filled.astype(np.int64)
    if not np.array_equal(as_int, filled):
        return pd.Series(x).astype("Int64").array
    return pd.arrays.IntegerArray(as_int, nan)


def code_rank(codes: np.ndarray, text: np.ndarray) -> np.ndarray:
    """Sort rank of each row's text, given integer codes of equal texts (sorts only the distinct texts)."""
    if len(codes) == 0:
        return np.zeros(0, dtype=np.int64)
    gid, first = group_ids(codes)
    return sort_rank(np.asarray(text)[first]).take(gid)


def runs(keys) -> tuple[np.ndarray, np.ndarray]:
    """Start and end positions of the runs of equal consecutive keys (for a table sorted by its key)."""
    k = np.asarray(keys)
    if len(k) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.concatenate(([True], k[1:] != k[:-1])))
    return starts, np.append(starts[1:], len(k))


def group_quantile(gid: np.ndarray, x: np.ndarray, q: float) -> np.ndarray:
    """Per row the `q` quantile of `x` within its group (NaN ignored; NaN for a group with no value), with the
    same arithmetic as `Series.quantile(q)` (numpy's linear method), in one sort instead of a call per group."""
    gid = np.asarray(gid, dtype=np.int64)
    x = np.asarray(x, dtype=float)
    if len(gid) == 0:
        return np.zeros(0, dtype=float)
    ng = int(gid.max()) + 1
    ok = np.flatnonzero(~np.isnan(x))
    order = ok[np.lexsort((x[ok], gid[ok]))]
    v = x[order]
    n = np.bincount(gid[ok], minlength=ng)
    has = n > 0
    start = np.cumsum(n) - n
    vi = (np.maximum(n, 1) - 1) * float(q)
    prev = np.floor(vi)
    gamma = vi - prev
    prev = prev.astype(np.int64)
    nxt = np.minimum(prev + 1, np.maximum(n, 1) - 1)
    a = np.where(has, v[np.where(has, start + prev, 0)] if len(v) else np.nan, np.nan)
    b = np.where(has, v[np.where(has, start + nxt, 0)] if len(v) else np.nan, np.nan)
    diff = b - a
    res = np.where(gamma >= 0.5, b - diff * (1 - gamma), a + diff * gamma)
    return res[gid]
