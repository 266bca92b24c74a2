"""How does each programme indicator stand against its plan?

`plan_vs_fact` gives, per indicator × school (or the district) × year, the plan
(or plan range), the fact, the deviation, a direction-aware status with its
explanation (`metrics.explain.Explanation` in the `explanation` column), and the
cumulative progress from the baseline towards the target. Years with no yearly
plan between the baseline and the target take the straight glide path (see
`metrics/forecast.py`). «Близко к плану» is judged with a tolerance in the
indicator's own units — п. п. for a percentage, marks for a mark, people for a
count — never as a share of the plan (5 % of a 3,8 plan would be 0,19 of a mark,
and of a 0 plan nothing).
`off_plan` picks the district's indicators off plan, worst first.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from metrics.explain import Explanation, Point, Quantity, deferred, many, quantity_text
from metrics.forecast import baselines, glide_from_tidy, indicator_meta, school_id_out, targets, tidy_values
from metrics.settings import get
from metrics.units import explain_unit, gap_unit, unit_kind
from metrics.vector import sort_rank

COLUMNS = [
    "indicator_id", "name", "unit", "direction", "group", "school_id", "year",
    "plan", "plan_low", "plan_high", "fact", "deviation", "rel_deviation", "status",
    "baseline", "target", "progress", "plan_source", "tolerance", "explanation",
]
STATUS_TEXT = {"achieved": "достигнут", "near": "близко к плану", "missed": "не достигнут"}
EPS = 1e-9
# «Близко к плану» in the indicator's own units, by unit kind (settings plan_fact.tolerance.<kind> override).
DEFAULT_TOLERANCE = {"pct": 1.0, "mark": 0.05, "score": 1.0, "count": 0.0, "hours": 0.0, "other": 0.0}


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
    tolerance (in the indicator's own units: п. п. for %, marks, people…), explanation.

    Status respects direction: achieved when the fact is at or beyond the plan in the good
    direction (a range: inside it or beyond it in the good direction); "near" when not
    achieved but |deviation| ≤ tolerance; a plan of 0 for a lower-is-better indicator is
    achieved only by 0. Tolerance: the indicator's `tolerance` column (its own units), else
    `plan_fact.tolerance.<kind>` by unit kind (`metrics.units`: pct 1 п. п., mark 0,05,
    score 1 балл, count 0, hours 0, other 0). Missing fact, or no plan at all → "no data".
    """
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
    kinds = _kinds(out)
    defaults = get(settings, "plan_fact.tolerance", {}) or {}
    default_tol = np.array([float(defaults.get(k, DEFAULT_TOLERANCE.get(k, 0.0))) if isinstance(defaults, dict)
                            else 0.0 for k in kinds])
    out["tolerance"] = out["tolerance"].astype(float).fillna(pd.Series(default_tol, index=out.index))
    out["_kind"] = kinds

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
    near = np.abs(deviation) <= out["tolerance"] + EPS
    status = np.where(achieved, "achieved", np.where(near, "near", "missed"))
    no_data = fact.isna() | ref.isna()
    out["status"] = np.where(no_data, "no data", status)

    b, t = out["baseline"].astype(float), out["target"].astype(float)
    span = t - b
    holds = np.where(higher, fact >= t - EPS, fact <= t + EPS)
    progress = np.where(np.abs(span) > EPS, (fact - b) / span.where(np.abs(span) > EPS), np.where(holds, 1.0, 0.0))
    out["progress"] = pd.Series(progress, index=out.index, dtype=float).where(fact.notna() & b.notna() & t.notna())

    with many():
        out["explanation"] = _explanations(out, is_range.to_numpy(bool))
    out["school_id"] = school_id_out(out["school_key"])
    out["year"] = out["year"].astype("int64")
    # sorted by indicator, school, year: ranks of the keys' texts, one gather per column
    kk = out["_k"].to_numpy().astype(np.int64)
    order = np.lexsort((out["year"].to_numpy(), sort_rank(k_school).take(kk) if nk else kk,
                        sort_rank(k_ind).take(kk) if nk else kk))
    return pd.DataFrame({c: out[c].to_numpy()[order] for c in COLUMNS}, copy=False)


def _kinds(out: pd.DataFrame) -> list[str]:
    """The unit kind of every row (`metrics.units.unit_kind`), decided once per indicator from its unit and values."""
    typical = out["plan"].fillna(out["fact"]).fillna(out["plan_high"]).groupby(out["indicator_id"]).transform("median")
    per = {}
    for i, u, t in zip(out["indicator_id"], out["unit"], typical):
        if i not in per:
            per[i] = unit_kind(u, t)
    return [per[i] for i in out["indicator_id"]]


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


STATUS_HEAD = {"achieved": "Достигнут", "near": "Близко к плану", "missed": "Не достигнут"}


def _explanations(out: pd.DataFrame, is_range: np.ndarray) -> np.ndarray:
    """The explanation of every row (made when first read, `metrics.explain.Deferred`): status, fact against plan,
    deviation in the indicator's own units (п. п. for a percentage), the tolerance in those units, the glide plan
    and the direction as caveats."""
    n = len(out)
    if n == 0:
        return np.empty(0, dtype=object)
    glide_note = Point("План года не задан — взят на прямой от базового значения к целевому")
    lower_note = Point("Меньше — лучше")
    notes = {(False, False): (), (True, False): (glide_note,), (False, True): (lower_note,),
             (True, True): (glide_note, lower_note)}
    heads = {s: STATUS_HEAD[s] + ": факт {0} при плане {1}" for s in STATUS_HEAD}
    extras = {s: {"status": s} for s in (*STATUS_HEAD, "no data")}  # shared: read-only
    cols = [out[c].to_numpy() for c in ("_kind", "unit", "year", "fact", "plan", "plan_low", "plan_high",
                                        "deviation", "status", "tolerance", "plan_source", "direction")]
    units: dict = {}

    def make(i: int) -> Explanation:
        kind, unit, year, fact, plan, lo, hi, dev, status, tol, src, direction = (c.item(i) for c in cols)
        uu = units.get((kind, unit))
        if uu is None:
            uu = units[(kind, unit)] = (explain_unit(unit, kind), gap_unit(unit, kind))
        u, gu = uu
        if is_range[i]:
            plan_arg = f"{quantity_text(Quantity(lo, u))}–{quantity_text(Quantity(hi, u))}"
        else:
            plan_arg = Quantity(None if plan != plan else plan, u)
        caveats = notes[(src == "glide", direction == "lower")]
        if fact != fact:
            head = Point("Нет факта за {0} год; план {1}", (str(year), plan_arg)) if src is not None else \
                Point("Нет ни плана, ни факта за {0} год", (str(year),))
            return Explanation(head, (), caveats, extra=extras[status])
        if status == "no data":
            return Explanation(Point("План на {0} год не задан; факт {1}", (str(year), Quantity(fact, u))), (),
                               caveats, extra=extras[status])
        if status == "achieved":
            return Explanation(Point(heads[status], (Quantity(fact, u), plan_arg)), (), caveats, extra=extras[status])
        pts = (Point("отклонение {0}", (Quantity(dev, gu, signed=True),)),)
        if status == "near":
            caveats = (Point("Отклонение в пределах допуска {0}", (Quantity(tol, gu),)), *caveats)
        return Explanation(Point(heads[status], (Quantity(fact, u), plan_arg)), pts, caveats, extra=extras[status])

    return deferred(make, range(n))


def off_plan(pvf: pd.DataFrame) -> pd.DataFrame:
    """The district's indicators off plan (status «missed»), worst first: the largest deviation relative to the
    plan first (a plan of 0 missed counts as the largest), then the programme's order."""
    if pvf is None or pvf.empty:
        return pd.DataFrame(columns=list(pvf.columns) if pvf is not None else [])
    d = pvf[pvf["school_id"].isna() & (pvf["status"] == "missed")]
    rel = pd.to_numeric(d["rel_deviation"], errors="coerce").abs().fillna(float("inf"))
    return d.assign(_rel=rel).sort_values(["_rel", "indicator_id"], ascending=[False, True]).drop(columns="_rel")
