"""How does each programme indicator stand against its plan?

`plan_vs_fact` gives, per indicator × school (or the district) × year, the plan
(or plan range), the fact, the deviation, a direction-aware status with its
Russian reason, and the cumulative progress from the baseline towards the target.
Years with no yearly plan between the baseline and the target take the straight
glide path (see `metrics/forecast.py`).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from metrics.format import NBSP, num
from metrics.forecast import (
    baselines,
    fmt_signed_ids,
    fmt_values_ids,
    glide_from_tidy,
    indicator_meta,
    school_id_out,
    targets,
    tidy_values,
)
from metrics.settings import get
from metrics.vector import group_ids, sort_rank, text_by_value

COLUMNS = [
    "indicator_id", "name", "unit", "direction", "group", "school_id", "year",
    "plan", "plan_low", "plan_high", "fact", "deviation", "rel_deviation", "status",
    "baseline", "target", "progress", "plan_source", "tolerance", "reason",
]
STATUS_TEXT = {"achieved": "достигнут", "near": "близко к плану", "missed": "не достигнут"}
EPS = 1e-9


def plan_vs_fact(indicators: pd.DataFrame, values: pd.DataFrame, year: int | None = None,
                 settings: dict[str, Any] | None = None) -> pd.DataFrame:
    """Plan against fact for every indicator × school_id × year that has a plan (or glide plan) or a fact.

    Columns: indicator_id, name, unit, direction, group, school_id (None = district), year,
    plan (the plan value; for a range its middle), plan_low, plan_high (range bounds or NaN),
    fact, deviation (fact − plan; for a range the distance to the nearest bound, 0 inside,
    negative below), rel_deviation (deviation / plan, or / the nearest bound for a range;
    NaN when that is 0), status ("achieved" | "near" | "missed" | "no data"),
    baseline, target, progress (share of the way from baseline to target covered by the
    fact: 0.6 = 60 %; not clipped; when target equals baseline: 1 if the fact holds the
    target, else 0), plan_source ("plan" | "glide" | None when there is no plan),
    tolerance (share of plan used for "near"), reason (Russian sentence).

    Status respects direction: achieved when the fact is at or beyond the plan in the good
    direction (a range: inside it or beyond it in the good direction); "near" when not
    achieved but |deviation| ≤ tolerance × |plan|; a plan of 0 for a lower-is-better
    indicator is achieved only by 0. Tolerance: the indicator's `tolerance` column, else
    `plan_fact.tolerance` (0.05). Missing fact, or no plan at all → "no data".
    """
    default_tol = float(get(settings, "plan_fact.tolerance", 0.05))
    v = tidy_values(values)
    meta = indicator_meta(indicators)

    kind = v["kind"].to_numpy()
    plans = v[kind == "plan"][["_k", "year", "point", "low", "high"]].rename(
        columns={"point": "plan", "low": "plan_low", "high": "plan_high"})
    facts = v[kind == "fact"][["_k", "year", "point"]].rename(columns={"point": "fact"})
    base = baselines(v)
    tg = targets(v)
    gl = glide_from_tidy(v, base, tg, keep_key=True)
    gl = gl[["_k", "year", "plan"]].merge(base[["_k", "baseline_year"]], on="_k")
    gl = gl[gl["year"] > gl["baseline_year"]][["_k", "year", "plan"]].rename(columns={"plan": "glide"})

    kv = v["_k"].to_numpy()
    nk = int(kv.max()) + 1 if len(kv) else 0
    first = np.full(nk, -1, dtype=np.int64)
    first[kv[::-1]] = np.arange(len(kv) - 1, -1, -1)  # any row of the key: its text is the same
    k_ind = v["indicator_id"].to_numpy(dtype=object)[first] if nk else np.zeros(0, dtype=object)
    k_school = v["school_key"].to_numpy(dtype=object)[first] if nk else np.zeros(0, dtype=object)
    out = _dense_join(plans, facts, gl, nk)
    if out is None:  # a key × year repeated in the plans or facts: the joins keep every pairing
        out = plans.merge(facts, on=["_k", "year"], how="outer").merge(gl, on=["_k", "year"], how="outer")
    # glide-only rows appear only when the indicator/school has no yearly plan that year
    has_plan = out["plan"].notna() | out["plan_low"].notna() | out["plan_high"].notna()
    out["plan_source"] = np.where(has_plan, "plan", np.where(out["glide"].notna(), "glide", None))
    out["plan"] = out["plan"].where(has_plan, out["glide"])
    if year is not None:
        out = out[out["year"] == int(year)]
    # per-key columns (indicator text, its metadata, baseline, target) joined once per key, then gathered
    keys = pd.DataFrame({"_k": np.arange(nk, dtype=np.int64), "indicator_id": k_ind, "school_key": k_school})
    keys = keys.merge(meta, on="indicator_id", how="left")
    keys = keys.merge(base[["_k", "baseline"]], on="_k", how="left").merge(tg[["_k", "target"]], on="_k", how="left")
    kk = out["_k"].to_numpy().astype(np.int64)
    extra = {c: keys[c].to_numpy()[kk] for c in keys.columns if c != "_k"}
    out = pd.DataFrame({**extra, **{c: out[c].to_numpy() for c in out.columns}}, index=out.index)
    out["direction"] = out["direction"].fillna("higher")
    out["unit"] = out["unit"].fillna("")
    out["name"] = out["name"].fillna(out["indicator_id"])
    out["tolerance"] = out["tolerance"].fillna(default_tol).astype(float)

    fact, plan = out["fact"].astype(float), out["plan"].astype(float)
    low, high = out["plan_low"].astype(float), out["plan_high"].astype(float)
    is_range = low.notna() & high.notna() & (high > low)
    higher = out["direction"].eq("higher")

    below, above = fact < low, fact > high
    ref = np.where(is_range, np.where(below, low, np.where(above, high, plan)), plan)
    ref = pd.Series(ref, index=out.index, dtype=float)
    deviation = np.where(is_range, np.where(below, fact - low, np.where(above, fact - high, 0.0)), fact - plan)
    deviation = pd.Series(deviation, index=out.index, dtype=float).where(fact.notna() & ref.notna())
    out["deviation"] = deviation
    out["rel_deviation"] = (deviation / ref.where(ref != 0)).astype(float)

    good_bound = np.where(is_range, np.where(higher, low, high), plan)
    achieved = np.where(higher, fact >= good_bound - EPS, fact <= good_bound + EPS)
    near = np.abs(deviation) <= out["tolerance"] * np.abs(ref) + EPS
    status = np.where(achieved, "achieved", np.where(near, "near", "missed"))
    no_data = fact.isna() | ref.isna()
    out["status"] = np.where(no_data, "no data", status)

    b, t = out["baseline"].astype(float), out["target"].astype(float)
    span = t - b
    holds = np.where(higher, fact >= t - EPS, fact <= t + EPS)
    progress = np.where(np.abs(span) > EPS, (fact - b) / span.where(np.abs(span) > EPS), np.where(holds, 1.0, 0.0))
    out["progress"] = pd.Series(progress, index=out.index, dtype=float).where(fact.notna() & b.notna() & t.notna())

    out["reason"] = _reason(out, is_range, ref)
    out["school_id"] = school_id_out(out["school_key"])
    out["year"] = out["year"].astype("int64")
    # sorted by indicator, school, year: ranks of the keys' texts, one gather per column
    kk = out["_k"].to_numpy().astype(np.int64)
    order = np.lexsort((out["year"].to_numpy(), sort_rank(k_school).take(kk) if nk else kk,
                        sort_rank(k_ind).take(kk) if nk else kk))
    return pd.DataFrame({c: out[c].to_numpy()[order] for c in COLUMNS}, copy=False)


def _dense_join(plans: pd.DataFrame, facts: pd.DataFrame, gl: pd.DataFrame, nk: int) -> pd.DataFrame | None:
    """The outer join of plans, facts and glide plans on key × year, through one dense key × year grid: columns
    _k, year, plan, plan_low, plan_high, fact, glide; None when a key × year repeats in plans or facts."""
    parts = [plans, facts, gl]
    years = np.concatenate([p["year"].to_numpy().astype(np.int64) for p in parts])
    if nk == 0 or len(years) == 0:
        return None
    y0, ny = int(years.min()), int(years.max()) - int(years.min()) + 1
    cells = [p["_k"].to_numpy().astype(np.int64) * ny + (p["year"].to_numpy().astype(np.int64) - y0) for p in parts]
    size = nk * ny
    if any(len(c) and np.bincount(c, minlength=size).max() > 1 for c in cells):
        return None
    present = np.zeros(size, dtype=bool)
    for c in cells:
        present[c] = True
    at = np.flatnonzero(present)
    pos = np.full(size, -1, dtype=np.int64)
    pos[at] = np.arange(len(at))

    def spread(cell: np.ndarray, x) -> np.ndarray:
        col = np.full(len(at), np.nan)
        col[pos[cell]] = np.asarray(x, dtype=float)
        return col
    return pd.DataFrame({"_k": at // ny, "year": at % ny + y0,
                         "plan": spread(cells[0], plans["plan"]), "plan_low": spread(cells[0], plans["plan_low"]),
                         "plan_high": spread(cells[0], plans["plan_high"]), "fact": spread(cells[1], facts["fact"]),
                         "glide": spread(cells[2], gl["glide"])})


_GLIDE_NOTE = " (по прямой от базового к целевому значению)"


def _reason(out: pd.DataFrame, is_range: pd.Series, ref: pd.Series) -> pd.Series:
    """The Russian reason of every row. Numbers are written once per distinct rounded value, each sentence part
    once per distinct set of its texts (`metrics.measures.text_by_value`), each row only in the form it needs."""
    n = len(out)
    reason = np.full(n, "", dtype=object)
    if n == 0:
        return pd.Series(reason, index=out.index, dtype=object)
    fact = out["fact"].to_numpy(dtype=float)
    refv = ref.to_numpy(dtype=float)
    no_fact = np.isnan(fact)
    no_plan = ~no_fact & np.isnan(refv)
    full = ~no_fact & ~no_plan
    unit = out["unit"]
    year = out["year"].to_numpy().astype(np.int64)
    glide = (out["plan_source"] == "glide").to_numpy()
    rng = is_range.to_numpy(dtype=bool)
    # texts by id (each distinct rounded number is written once and rows carry integer ids, not strings)
    f_id, f_txt = fmt_values_ids(out["fact"], unit)
    p_id, p_txt = fmt_values_ids(out["plan"], unit)
    rr = np.flatnonzero(rng)
    if len(rr):  # a range «3,8–4,0 %» (only the range rows are written)
        lo_id, lo_txt = fmt_values_ids(out["plan_low"].iloc[rr], "")
        hi_id, hi_txt = fmt_values_ids(out["plan_high"].iloc[rr], unit.iloc[rr])
        r_id, r_first = group_ids(lo_id, hi_id)
        r_txt = lo_txt.take(lo_id[r_first]) + "–" + hi_txt.take(hi_id[r_first])
        p_id = p_id.copy()
        p_id[rr] = len(p_txt) + r_id
        p_txt = np.concatenate([p_txt, r_txt])
    pg_id, pg_first = group_ids(p_id, glide.astype(np.int64))
    pg_txt = p_txt.take(p_id[pg_first]) + np.where(glide[pg_first], _GLIDE_NOTE, "").astype(object)

    r = np.flatnonzero(no_fact)
    if len(r):
        reason[r] = text_by_value([year[r], pg_id[r]], lambda y, p: "Нет факта за " + y.astype(str) + " год; план "
                                  + pg_txt.take(p.to_numpy()))
    r = np.flatnonzero(no_plan)
    if len(r):
        reason[r] = text_by_value([year[r], f_id[r]],
                                  lambda y, f: "План на " + y.astype(str) + " год не задан; факт " + f_txt.take(f.to_numpy()))
    r = np.flatnonzero(full)
    if len(r):
        two = ((np.abs(np.nan_to_num(refv)) < 10) & (unit.to_numpy(dtype=object) != "%"))[r]
        dv_id, dv_txt = fmt_signed_ids(out["deviation"].iloc[r], np.where(two, 2, 1))
        rl_id, rl_txt = fmt_signed_ids(out["rel_deviation"].iloc[r] * 100, 1)
        a = ("Факт " + f_txt + " при плане ").take(f_id[r])
        b = (pg_txt + ": ").take(pg_id[r])
        c_id, c_first = group_ids(dv_id, rl_id)
        rel = rl_txt.take(rl_id[c_first])
        c = ("отклонение " + dv_txt.take(dv_id[c_first])
             + np.where(rel != "", " (" + rel + f"{NBSP}%)", "").astype(object) + ", ").take(c_id)

        def verdict_text(status, tol, direction):
            verdict = status.map(STATUS_TEXT).fillna("")
            tol_t = tol.map(lambda t: _tol_text(t) if pd.notna(t) else "")
            verdict = verdict.where(status != "near", verdict + " (в пределах допуска " + tol_t + ")")
            return verdict + np.where(direction == "lower", " (меньше — лучше)", "")
        d = text_by_value([out["status"].to_numpy(dtype=object)[r], out["tolerance"].to_numpy(dtype=float)[r],
                           out["direction"].to_numpy(dtype=object)[r]], verdict_text)
        reason[r] = a + b + c + d
    return pd.Series(reason, index=out.index, dtype=object)


def _tol_text(x: float) -> str:
    return num(x * 100, 0 if float(x * 100).is_integer() else 1) + f"{NBSP}%"
