"""Where is each programme indicator heading: its glide path and its trend forecast to the target?

`glide_path` draws the straight line from the baseline to the target (the plan
when the programme gives no yearly plan). `forecast_to_target` fits a
least-squares line through the latest facts and projects it to the target's
year, saying whether the target will be reached and by how much it falls short.

Also holds the small value helpers shared by `metrics/plan_fact.py`: the
district/school key and Russian formatting of indicator values with units.
"""
from __future__ import annotations

import weakref
from typing import Any

import numpy as np
import pandas as pd

from metrics.format import NBSP
from metrics.vector import group_ids, sort_rank, text_by_value
from metrics.settings import get

KEY = ["indicator_id", "school_key"]


# ---------------------------------------------------------------- helpers


def text_clean(s: pd.Series, lower: bool = False) -> pd.Series:
    """Text column stripped (and lower-cased), computed once per distinct value; missing → ""."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    u = pd.Series(uniques, dtype=object).astype(str).str.strip()
    if lower:
        u = u.str.lower()
    mapped = np.append(u.to_numpy(dtype=object), "")
    return pd.Series(mapped[codes], index=s.index, dtype=object)


def school_key(s: pd.Series) -> pd.Series:
    """School id as text with "" for the district level (None/NaN/empty)."""
    return text_clean(s)


def school_id_out(key: pd.Series) -> pd.Series:
    """Inverse of `school_key`: "" back to None (district level)."""
    return key.astype(object).where(key != "", None)


_TIDY_CACHE: list = []  # [(weakref to values, fingerprint, tidy)] — the last two inputs


def _values_fingerprint(values: pd.DataFrame):
    def total(c):
        if c not in values:
            return 0.0
        return float(pd.to_numeric(values[c], errors="coerce").sum())
    return values.shape, tuple(values.columns), total("value"), total("year"), total("low"), total("high")


def tidy_values(values: pd.DataFrame) -> pd.DataFrame:
    """Values with `school_key`, int `year`, float value/low/high and `point` (value, else the middle of low–high).

    Memoised for the last two inputs (plan_vs_fact, forecast_to_target and glide_path read the same table; inputs
    and the result are treated as read-only; a changed shape, column set or value/year/low/high totals recomputes)."""
    if values is None:
        return _tidy_values(values)
    key = _values_fingerprint(values)
    for ref, k, tidy in _TIDY_CACHE:
        if ref() is values and k == key:
            return tidy
    tidy = _tidy_values(values)
    try:
        _TIDY_CACHE.insert(0, (weakref.ref(values), key, tidy))
        del _TIDY_CACHE[2:]
    except TypeError:
        pass
    return tidy


def clear_cache() -> None:
    """Forget the memoised `tidy_values()` results."""
    _TIDY_CACHE.clear()


def _tidy_values(values: pd.DataFrame) -> pd.DataFrame:
    v = values.copy()
    if v.empty:
        v = pd.DataFrame(columns=["indicator_id", "school_id", "year", "kind", "value", "low", "high"])
    for c in ("school_id", "low", "high", "value"):
        if c not in v.columns:
            v[c] = np.nan
    v["school_key"] = school_key(v["school_id"])
    v["indicator_id"] = text_clean(v["indicator_id"])
    v["year"] = pd.to_numeric(v["year"], errors="coerce")
    v = v[v["year"].notna()].copy()
    v["year"] = v["year"].astype("int64")
    for c in ("value", "low", "high"):
        v[c] = pd.to_numeric(v[c], errors="coerce").astype(float)
    v["point"] = v["value"].fillna((v["low"] + v["high"]) / 2)
    v["point"] = v["point"].fillna(v["low"]).fillna(v["high"])
    v["kind"] = text_clean(v["kind"], lower=True)
    # integer key of indicator × school (ids in order of first appearance) for fast joins
    v["_k"] = group_ids(pd.factorize(v["indicator_id"])[0], pd.factorize(v["school_key"])[0])[0] if len(v) else \
        np.zeros(0, dtype=np.int64)
    return v


def indicator_meta(indicators: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator: indicator_id, name, unit, direction ("higher"/"lower"), group, tolerance."""
    ind = indicators.copy() if indicators is not None else pd.DataFrame()
    for c in ("indicator_id", "name", "unit", "direction", "group", "tolerance"):
        if c not in ind.columns:
            ind[c] = np.nan
    ind = ind[["indicator_id", "name", "unit", "direction", "group", "tolerance"]].copy()
    ind["indicator_id"] = ind["indicator_id"].astype(str)
    d = ind["direction"].astype(str).str.strip().str.lower()
    ind["direction"] = np.where(d.isin(["lower", "меньше", "меньше — лучше", "меньше - лучше"]), "lower", "higher")
    ind["unit"] = ind["unit"].astype(object).where(ind["unit"].notna(), "")
    ind["tolerance"] = pd.to_numeric(ind["tolerance"], errors="coerce").astype(float)
    return ind.drop_duplicates("indicator_id", keep="last")


def _first_last(v: pd.DataFrame, kind: str, last: bool) -> pd.DataFrame:
    sub = v[(v["kind"] == kind) & v["point"].notna()].sort_values(KEY + ["year"])
    sub = sub.groupby(KEY, sort=False).tail(1) if last else sub.groupby(KEY, sort=False).head(1)
    return sub[KEY + ["year", "point", "low", "high"] + (["_k"] if "_k" in sub else [])]


def baselines(v: pd.DataFrame) -> pd.DataFrame:
    """Earliest baseline per indicator × school: KEY, baseline_year, baseline."""
    b = _first_last(v, "baseline", last=False)
    cols = KEY + ["baseline_year", "baseline"] + (["_k"] if "_k" in b else [])
    return b.rename(columns={"year": "baseline_year", "point": "baseline"})[cols]


def targets(v: pd.DataFrame) -> pd.DataFrame:
    """Latest target per indicator × school: KEY, final_year, target, target_low, target_high."""
    t = _first_last(v, "target", last=True)
    return t.rename(columns={"year": "final_year", "point": "target", "low": "target_low", "high": "target_high"})


_POW10 = 10 ** np.arange(19, dtype=np.int64)


def fmt_array(x, digits: int = 1) -> np.ndarray:
    """Russian text of many numbers at once (like metrics.format.num with fixed digits), "" for NaN.

    The value is first rounded to an integer number of units of the last digit (np.round(|x|·10^digits));
    that integer is written with a decimal comma, thin-space grouping of thousands and "-" for negatives.
    Vectorised with numpy string functions; only values ≥ 1000 (grouping) take a per-value path.
    """
    x = np.asarray(x, dtype=float)
    if len(x) == 0:
        return np.zeros(0, dtype=object)
    ok = np.isfinite(x)
    scale = 10 ** digits
    v = np.round(np.abs(np.where(ok, x, 0.0)) * scale)
    neg = (x < 0) & (v > 0)
    if len(x) > 64:  # the text depends only on (v, sign): write each distinct pair once
        key = np.where(ok, np.where(neg, -v - 1.0, v), np.nan)
        codes, uniq = pd.factorize(key)
        if len(uniq) < len(x):
            u = np.asarray(uniq, dtype=float)
            text_u = fmt_array(np.where(u < 0, -(u + 1.0), u) / scale * np.where(u < 0, -1.0, 1.0), digits)
            return np.append(text_u, "").astype(object).take(codes)
    small = v < 1000 * scale
    s = np.where(small, v, 0.0).astype(np.int64).astype(str)
    if digits:
        z = np.strings.zfill(s, digits + 1)
        s = np.strings.add(np.strings.add(np.strings.slice(z, 0, -digits), ","), np.strings.slice(z, -digits, None))
    text = s.astype(object)
    big = np.flatnonzero(~small & ok)
    if len(big):
        def grouped(i: int) -> str:
            ip, fp = divmod(i, scale)
            head = f"{ip:,}".replace(",", NBSP)
            return head + ("," + str(fp).zfill(digits) if digits else "")
        text[big] = [grouped(int(i)) for i in v[big]]
    if neg.any():
        text[neg] = "-" + text[neg]
    text[~ok] = ""
    return text


def _digits(values: np.ndarray, units: np.ndarray) -> np.ndarray:
    a = np.abs(values.astype(float))
    whole = np.isfinite(a) & (np.abs(a - np.round(a)) < 1e-9)
    pct_unit = units == "%"
    return np.where(pct_unit, 1, np.where(whole & ~pct_unit & (a >= 10), 0, np.where(a < 10, 2, 1)))


def fmt_digits(values: np.ndarray, digits: np.ndarray) -> np.ndarray:
    """fmt_array with a number of digits per element (0, 1 or 2)."""
    out = np.full(len(values), "", dtype=object)
    for d in np.unique(digits):
        m = digits == d
        out[m] = fmt_array(values[m], int(d))
    return out


def _units(units: pd.Series | str, n: int) -> np.ndarray:
    if isinstance(units, str):
        return np.full(n, units.strip(), dtype=object)
    return text_clean(pd.Series(units)).to_numpy(dtype=object)


def _rounded_key(vals: np.ndarray, digits: np.ndarray) -> list[np.ndarray]:
    """Integer codes that fix the text of fmt_array(vals, digits): the digits, the rounded magnitude, the sign, NaN."""
    ok = np.isfinite(vals)
    mag = np.round(np.abs(np.where(ok, vals, 0.0)) * 10.0 ** digits)
    return [pd.factorize(digits)[0], pd.factorize(np.where(ok, mag, -1.0))[0], (vals < 0).astype(np.int8),
            ok.astype(np.int8)]


def fmt_values(values: pd.Series, units: pd.Series | str = "") -> pd.Series:
    """Russian text of indicator values with their unit: 42,0 %, 4,38, 7 чел.; "" for missing.
    Each distinct (unit, digits, rounded value) is written once."""
    gid, out = fmt_values_ids(values, units)
    return pd.Series(out.take(gid), index=getattr(values, "index", None), dtype=object)


def fmt_values_ids(values: pd.Series, units: pd.Series | str = "") -> tuple[np.ndarray, np.ndarray]:
    """`fmt_values` as (per-row text id, texts by id): rows with one id have one text."""
    vals = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    u = _units(units, len(vals))
    digits = _digits(vals, u)
    gid, first = group_ids(pd.factorize(u)[0], *_rounded_key(vals, digits)) if len(vals) else (
        np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    vf, uf = vals[first], u[first]
    text = fmt_digits(vf, digits[first])
    kinds = {x: ("" if x == "" or x.lower().startswith("балл") else NBSP + x) for x in pd.unique(uf)}
    kinds["%"] = NBSP + "%"
    suffix = pd.Series(uf, dtype=object).map(kinds).to_numpy(dtype=object)
    return gid, np.where(text != "", text + suffix, "").astype(object)


def fmt_plain(values: pd.Series, digits: int = 1) -> pd.Series:
    """Russian number text of a numeric Series ("" for missing)."""
    vals = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    return pd.Series(fmt_array(vals, digits), index=values.index, dtype=object)


def fmt_signed(values: pd.Series, digits: int | np.ndarray = 1) -> pd.Series:
    """Signed Russian number text (+1,2 / −0,5; a value that rounds to 0 has no sign; "" for missing).
    Each distinct (digits, rounded value, sign) is written once."""
    gid, out = fmt_signed_ids(values, digits)
    return pd.Series(out.take(gid), index=values.index, dtype=object)


def fmt_signed_ids(values: pd.Series, digits: int | np.ndarray = 1) -> tuple[np.ndarray, np.ndarray]:
    """`fmt_signed` as (per-row text id, texts by id)."""
    vals = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    d_all = np.broadcast_to(np.asarray(digits), vals.shape)
    if len(vals) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=object)
    gid, first = group_ids(*_rounded_key(vals, d_all))
    v, d = vals[first], d_all[first]
    text = fmt_digits(np.abs(v), d)
    zero = np.round(np.abs(np.nan_to_num(v)) * 10.0 ** d) == 0
    sign = np.where(zero, "", np.where(v < 0, "−", "+"))
    return gid, np.where(text != "", sign + text, "").astype(object)


# ---------------------------------------------------------------- glide path


def glide_path(indicators: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """The straight line from baseline to target, one row per year.

    Returns columns indicator_id, school_id (None = district), year, plan for every
    indicator × school that has a baseline and a later target; the years run from
    the baseline year (plan = baseline) to the target year (plan = target).
    `indicators` is accepted for a uniform signature (the path does not depend on direction).
    """
    return glide_from_tidy(tidy_values(values))


def glide_from_tidy(v: pd.DataFrame, base: pd.DataFrame | None = None, tg: pd.DataFrame | None = None,
                    keep_key: bool = False) -> pd.DataFrame:
    """`glide_path` on values already passed through `tidy_values` (`base`/`tg`: its baselines()/targets() when
    already computed; keep_key adds the integer indicator × school key `_k`)."""
    cols = ["indicator_id", "school_id", "year", "plan"] + (["_k"] if keep_key else [])
    base = baselines(v) if base is None else base
    tg = targets(v) if tg is None else tg
    bt = base.drop(columns=["_k"], errors="ignore").merge(tg[KEY + ["final_year", "target"] + (["_k"] if "_k" in tg else [])], on=KEY)
    bt = bt[bt["final_year"] > bt["baseline_year"]]
    if bt.empty:
        return pd.DataFrame({c: pd.Series(dtype=object if c in ("indicator_id", "school_id") else
                                          ("int64" if c == "_k" else float)) for c in cols})
    span = (bt["final_year"] - bt["baseline_year"]).to_numpy().astype(np.int64)
    rep = bt.loc[bt.index.repeat(span + 1)].reset_index(drop=True)
    starts = np.cumsum(span + 1) - (span + 1)
    step = np.arange(int((span + 1).sum())) - np.repeat(starts, span + 1)  # 0 … span for each key
    rep["year"] = rep["baseline_year"].to_numpy() + step
    frac = step / np.repeat(span, span + 1)
    rep["plan"] = rep["baseline"] + (rep["target"] - rep["baseline"]) * frac
    rep["school_id"] = school_id_out(rep["school_key"])
    rep["year"] = rep["year"].astype("int64")
    return rep[cols]


# ---------------------------------------------------------------- forecast


def forecast_to_target(indicators: pd.DataFrame, values: pd.DataFrame, settings: dict[str, Any] | None = None) -> pd.DataFrame:
    """Linear-trend forecast of each indicator × school to the programme's final year.

    One row per indicator × school_id (None = district) that has a target or a fact.
    Columns: indicator_id, school_id, final_year (year of the target; the programme's
    last target year when the indicator has none), target, last_fact_year, last_fact,
    n_points (facts used: the last `forecast.points`, default 3), slope (per year),
    forecast (trend value in final_year; the fact itself when final_year is already
    measured), will_reach (True/False; None with fewer than `forecast.min_points` facts
    or no target), gap (how far the forecast falls short of the target in the good
    direction; 0 when reached), direction, unit, reason (Russian).
    For a target range the bound on the bad side counts (higher is better: the low bound).
    """
    points = int(get(settings, "forecast.points", 3))
    min_points = int(get(settings, "forecast.min_points", 2))
    v = tidy_values(values)
    meta = indicator_meta(indicators)
    tg = targets(v)
    programme_end = float(tg["final_year"].max()) if len(tg) else np.nan

    # joins and groups on the integer indicator × school key `_k` (same rows, same order within each key)
    facts = v[(v["kind"].to_numpy() == "fact") & v["point"].notna().to_numpy()][KEY + ["_k", "year", "point"]]
    keys = pd.concat([tg[KEY + ["_k"]], facts[KEY + ["_k"]]]).drop_duplicates("_k")
    out = keys.merge(tg.drop(columns=KEY), on="_k", how="left")
    out["final_year"] = out["final_year"].astype(float).fillna(programme_end)

    f = facts[["_k", "year", "point"]].merge(out[["_k", "final_year"]], on="_k")
    f = f[f["final_year"].isna() | (f["year"] <= f["final_year"])]
    f = f.sort_values(["_k", "year"]).groupby("_k", sort=False).tail(points).copy()
    f["x"] = f["year"].astype(float)
    g = f.groupby("_k", sort=False)
    agg = g.agg(n_points=("x", "size"), xm=("x", "mean"), ym=("point", "mean"),
                last_fact_year=("year", "max"), last_fact=("point", "last"))
    f = f.join(agg[["xm", "ym"]], on="_k")
    f["dxdy"] = (f["x"] - f["xm"]) * (f["point"] - f["ym"])
    f["dx2"] = (f["x"] - f["xm"]) ** 2
    s = f.groupby("_k", sort=False)[["dxdy", "dx2"]].sum()
    agg["slope"] = np.where(s["dx2"] > 0, s["dxdy"] / s["dx2"].where(s["dx2"] > 0), np.nan)
    out = out.merge(agg.reset_index(), on="_k", how="left")
    out["n_points"] = out["n_points"].fillna(0).astype("int64")

    enough = out["n_points"] >= min_points
    measured = out["last_fact_year"].notna() & out["final_year"].notna() & (out["last_fact_year"] >= out["final_year"])
    trend = out["ym"] + out["slope"] * (out["final_year"] - out["xm"])
    out["forecast"] = np.where(measured, out["last_fact"], np.where(enough, trend, np.nan))

    out = out.merge(meta[["indicator_id", "direction", "unit"]], on="indicator_id", how="left")
    out["direction"] = out["direction"].fillna("higher")
    out["unit"] = out["unit"].fillna("")
    higher = out["direction"] == "higher"
    tref = np.where(higher, out["target_low"].fillna(out["target"]), out["target_high"].fillna(out["target"]))
    tref = pd.Series(tref, index=out.index, dtype=float)
    short = np.where(higher, tref - out["forecast"], out["forecast"] - tref)
    known = out["forecast"].notna() & tref.notna()
    out["gap"] = np.where(known, np.clip(short, 0, None), np.nan)
    reach = pd.Series(np.where(short <= 1e-9, True, False), index=out.index, dtype=object)
    out["will_reach"] = reach.where(known, None)

    out["reason"] = _forecast_reason(out, tref, known, measured, enough, points)
    out["school_id"] = school_id_out(out["school_key"])
    out["final_year"] = out["final_year"].astype("Int64")
    out["last_fact_year"] = out["last_fact_year"].astype("Int64")
    cols = ["indicator_id", "school_id", "final_year", "target", "last_fact_year", "last_fact", "n_points", "slope",
            "forecast", "will_reach", "gap", "direction", "unit", "reason"]
    order = np.lexsort((sort_rank(out["school_key"].to_numpy()), sort_rank(out["indicator_id"].to_numpy())))
    return pd.DataFrame({c: out[c].array[order] for c in cols}, copy=False)


def _year_text(years: pd.Series) -> pd.Series:
    """"2026" per row ("" when missing), written once per distinct year."""
    codes, uniq = pd.factorize(years)
    text = np.array([str(int(y)) for y in uniq] + [""], dtype=object)
    return pd.Series(text.take(codes), index=years.index, dtype=object)


def _forecast_reason(out: pd.DataFrame, tref: pd.Series, known: pd.Series, measured: pd.Series,
                     enough: pd.Series, points: int) -> pd.Series:
    """The Russian reason of every row, each in the form it needs; sentence parts built once per distinct text."""
    if out.empty:
        return pd.Series([], index=out.index, dtype=object)
    unit = out["unit"]
    fy = _year_text(out["final_year"]).to_numpy(dtype=object)
    fc = fmt_values(out["forecast"], unit).to_numpy(dtype=object)
    tg = fmt_values(tref, unit).to_numpy(dtype=object)
    gap = fmt_values(out["gap"], unit).to_numpy(dtype=object)
    n = out["n_points"].to_numpy()
    last_y = _year_text(out["last_fact_year"]).to_numpy(dtype=object)
    reach = (out["will_reach"] == True).to_numpy()  # noqa: E712
    meas, enough_, no_tref = measured.to_numpy(dtype=bool), enough.to_numpy(dtype=bool), tref.isna().to_numpy()
    reason = np.full(len(out), "", dtype=object)

    few = np.flatnonzero(~enough_ & ~meas)
    if len(few):
        reason[few] = text_by_value([n[few]], lambda k: np.where(
            k == 0, "Нет фактических значений — прогноз невозможен",
            "Для прогноза нужно не меньше двух фактических значений, есть " + k.astype(str)))
    rest = ~(~enough_ & ~meas)
    r = np.flatnonzero(rest & no_tref)
    if len(r):
        has_fc = out["forecast"].notna().to_numpy()[r]
        reason[r] = text_by_value([fy[r], fc[r], has_fc], lambda y, f, h: "Целевое значение не задано" + np.where(
            h, "; прогноз на " + y + " год: " + f, ""))
    target_tail = text_by_value([tg, reach, gap, meas], lambda t, ok, g, m: " при цели " + t + " — " + np.where(
        m, np.where(ok, "цель достигнута", "цель не достигнута, не хватает " + g),
        np.where(ok, "цель будет достигнута", "цель не будет достигнута, не хватает " + g)))
    r = np.flatnonzero(rest & ~no_tref & meas)
    if len(r):
        reason[r] = text_by_value([fy[r], fc[r]], lambda y, f: "Факт " + y + " года " + f) + target_tail[r]
    r = np.flatnonzero(rest & ~no_tref & ~meas)
    if len(r):
        head = text_by_value([fy[r], n[r], last_y[r]], lambda y, k, ly: "Прогноз на " + y + " год " + np.where(
            k >= 2, "по линейному тренду " + k.astype(str) + " последних фактов (по " + ly + " год)", "") + ": ")
        reason[r] = head + fc[r] + target_tail[r]
    return pd.Series(reason, index=out.index, dtype=object)
