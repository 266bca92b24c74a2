"""Where is each programme indicator heading: its glide path and its trend forecast to the target?

`glide_path` draws the straight line from the baseline to the target (the plan
when the programme gives no yearly plan). `forecast_to_target` fits a
least-squares line through the latest facts and projects it to the target's
year, saying whether the target will be reached and by how much it falls short.

Also holds the small value helpers shared by `metrics/plan_fact.py`: the tidy
values table, the district/school key, baselines and targets.
"""
from __future__ import annotations

import weakref
from typing import Any

import numpy as np
import pandas as pd

from metrics.explain import Explanation, Point, deferred, many, q
from metrics.vector import group_ids, sort_rank
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
    """Linear-trend forecast of each indicator × school to its target year, with an 80 % prediction interval.

    One row per indicator × school_id (None = district) that has a target, a plan or a fact.
    The reference: the target (for a range, the bound on the bad side); an indicator with a plan but no target is
    judged against its last plan year (target_source "plan"); the programme's last target year when it has
    neither (no verdict). Facts: the last `forecast.points` (3) up to the target year; at least
    `forecast.min_points` (3) are needed. Least squares y = a + b·x; the forecast and its prediction interval
    ŷ ± t(0,9; n−2)·s·√(1 + 1/n + (x₀ − x̄)²/Σ(x − x̄)²) are clipped to the feasible range of the unit
    (0–100 for %, 2–5 for marks, ≥ 0 for counts and hours; `metrics.units`).
    verdict: «достигнет» when the whole interval is on the good side of the reference, «не достигнет» when it is
    wholly on the bad side, «нельзя сказать» otherwise; when the target year is already measured, «достигнута» /
    «не достигнута» from the fact; «нет прогноза» with too few facts or no reference.

    Columns: indicator_id, school_id, final_year, target (the reference value), target_source ("target" | "plan" |
    None), last_fact_year, last_fact, n_points, slope (per year), forecast, forecast_low, forecast_high (80 %),
    will_reach (True for «достигнет»/«достигнута», False for «не достигнет»/«не достигнута», None otherwise),
    verdict, gap (shortfall of the forecast in the good direction, 0 when reached; in п. п. for %), gap_unit
    ("pp" for %, else the value's unit code), direction, unit, explanation (`metrics.explain.Explanation`;
    `metrics.explain.render` gives its text).
    """
    from metrics.stats import t_quantile
    from metrics.units import feasible_range, unit_kind

    points = int(get(settings, "forecast.points", 3))
    min_points = max(3, int(get(settings, "forecast.min_points", 3)))
    level = float(get(settings, "forecast.interval", 0.8))
    v = tidy_values(values)
    meta = indicator_meta(indicators)
    tg = targets(v).assign(target_source="target")
    last_plan = _first_last(v, "plan", last=True).rename(
        columns={"year": "final_year", "point": "target", "low": "target_low", "high": "target_high"})
    last_plan = last_plan[~last_plan["_k"].isin(tg["_k"])].assign(target_source="plan")
    tg = pd.concat([tg, last_plan], ignore_index=True)
    programme_end = float(tg["final_year"].max()) if len(tg) else np.nan

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
    agg["sxx"] = s["dx2"]
    f = f.join(agg[["slope"]], on="_k")
    f["r2"] = (f["point"] - f["ym"] - f["slope"] * (f["x"] - f["xm"])) ** 2
    agg["ssr"] = f.groupby("_k", sort=False)["r2"].sum()
    out = out.merge(agg.reset_index(), on="_k", how="left")
    out["n_points"] = out["n_points"].fillna(0).astype("int64")

    out = out.merge(meta[["indicator_id", "direction", "unit"]], on="indicator_id", how="left")
    out["direction"] = out["direction"].fillna("higher")
    out["unit"] = out["unit"].fillna("")
    kinds = [unit_kind(u, t) for u, t in zip(out["unit"], out["last_fact"].fillna(out["target"]))]
    out["_kind"] = kinds
    lo_b = np.array([feasible_range(k)[0] for k in kinds]) if kinds else np.zeros(0)
    hi_b = np.array([feasible_range(k)[1] for k in kinds]) if kinds else np.zeros(0)

    enough = out["n_points"] >= min_points
    measured = out["last_fact_year"].notna() & out["final_year"].notna() & (out["last_fact_year"] >= out["final_year"])
    x0 = out["final_year"]
    trend = out["ym"] + out["slope"] * (x0 - out["xm"])
    n = out["n_points"].astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        sres = np.sqrt(out["ssr"] / (n - 2))
        half = t_quantile(0.5 + level / 2, np.maximum(n - 2, 1)) * sres * np.sqrt(1 + 1 / n + (x0 - out["xm"]) ** 2
                                                                                / out["sxx"])
    fc = np.where(measured, out["last_fact"], np.where(enough, trend, np.nan))
    out["forecast"] = np.clip(fc, lo_b, hi_b)
    out["forecast_low"] = np.where(measured, out["last_fact"], np.where(enough, np.clip(trend - half, lo_b, hi_b), np.nan))
    out["forecast_high"] = np.where(measured, out["last_fact"], np.where(enough, np.clip(trend + half, lo_b, hi_b),
                                                                         np.nan))
    higher = out["direction"] == "higher"
    tref = np.where(higher, out["target_low"].fillna(out["target"]), out["target_high"].fillna(out["target"]))
    tref = pd.Series(tref, index=out.index, dtype=float)
    out["target"] = tref  # for a range: its bound on the bad side, the value the verdict is judged against
    known = out["forecast"].notna() & tref.notna()
    short = np.where(higher, tref - out["forecast"], out["forecast"] - tref)
    out["gap"] = np.where(known, np.clip(short, 0, None), np.nan)
    worst = np.where(higher, out["forecast_low"], out["forecast_high"])
    best = np.where(higher, out["forecast_high"], out["forecast_low"])
    surely = np.where(higher, worst >= tref - 1e-9, worst <= tref + 1e-9)
    never = np.where(higher, best < tref - 1e-9, best > tref + 1e-9)
    verdict = np.where(~known, "нет прогноза",
                       np.where(measured, np.where(short <= 1e-9, "достигнута", "не достигнута"),
                                np.where(surely, "достигнет", np.where(never, "не достигнет", "нельзя сказать"))))
    out["verdict"] = verdict
    reach = pd.Series(np.where(np.isin(verdict, ["достигнет", "достигнута"]), True, False), index=out.index, dtype=object)
    out["will_reach"] = reach.where(np.isin(verdict, ["достигнет", "достигнута", "не достигнет", "не достигнута"]),
                                    None)
    out["gap_unit"] = ["pp" if k == "pct" else "" for k in kinds]
    out["school_id"] = school_id_out(out["school_key"])
    out["final_year"] = out["final_year"].astype("Int64")
    out["last_fact_year"] = out["last_fact_year"].astype("Int64")
    out["target_source"] = out["target_source"].where(out["target_source"].notna(), None)
    rows = out.reset_index(drop=True)

    def make(i: int) -> Explanation:  # the row as to_dict("records") gives it (Python numbers, None / NA)
        return _forecast_explanation(rows.iloc[[i]].to_dict("records")[0], points, min_points, level)
    with many():
        out["explanation"] = deferred(make, range(len(out)))
    cols = ["indicator_id", "school_id", "final_year", "target", "target_source", "last_fact_year", "last_fact",
            "n_points", "slope", "forecast", "forecast_low", "forecast_high", "will_reach", "verdict", "gap", "gap_unit",
            "direction", "unit", "explanation"]
    order = np.lexsort((sort_rank(out["school_key"].to_numpy()), sort_rank(out["indicator_id"].to_numpy())))
    return pd.DataFrame({c: out[c].array[order] for c in cols}, copy=False)


def _forecast_explanation(r: dict, points: int, min_points: int, level: float) -> Explanation:
    from metrics.units import explain_unit, gap_unit

    kind = r["_kind"]
    u = explain_unit(r["unit"], kind)
    fy = "" if pd.isna(r["final_year"]) else str(int(r["final_year"]))
    target = q(r["target"], u)
    src = r.get("target_source")
    ref_word = "последнего года плана" if src == "plan" else "цели"
    caveats = []
    if src == "plan":
        caveats.append(Point("Целевое значение не задано — прогноз сравнивается с планом последнего года ({0})", (fy,)))
    if r["direction"] == "lower":
        caveats.append(Point("Меньше — лучше"))
    verdict = r["verdict"]
    if verdict in ("достигнута", "не достигнута"):
        head = Point("Факт {0} года {1} при значении " + ref_word + " {2}: " + ("цель достигнута" if verdict == "достигнута"
                                                                              else "не достигнута"),
                     (fy, q(r["forecast"], u), target))
        pts = () if verdict == "достигнута" else (Point("не хватает {0}", (q(r["gap"], gap_unit(r["unit"], kind)),)),)
        return Explanation(head, pts, tuple(caveats), extra={"verdict": verdict})
    if r["n_points"] < min_points:
        head = Point("Прогноз не строится: фактических значений {0}, нужно не меньше {1}",
                     (str(int(r["n_points"])), str(min_points)))
        return Explanation(head, (), tuple(caveats), extra={"verdict": verdict})
    fc = q(r["forecast"], u)
    if r["forecast_high"] - r["forecast_low"] > 1e-9:
        pts = [Point("по линейному тренду {0} последних фактических значений (по {1} год); с вероятностью {2} значение "
                     "будет от {3} до {4}", (str(int(r["n_points"])), str(int(r["last_fact_year"])),
                                             f"{round(100 * level)}\u00a0%", q(r["forecast_low"], u),
                                             q(r["forecast_high"], u)))]
    else:
        pts = [Point("по линейному тренду {0} последних фактических значений (по {1} год); они лежат точно на прямой, "
                     "поэтому разброс оценить нельзя", (str(int(r["n_points"])), str(int(r["last_fact_year"]))))]
    if pd.isna(r["target"]):
        head = Point("Прогноз на {0} год: {1}; цель не задана", (fy, fc))
        return Explanation(head, tuple(pts), tuple(caveats), extra={"verdict": verdict})
    word = {"достигнет": "будет достигнута", "не достигнет": "не будет достигнута",
            "нельзя сказать": "нельзя сказать, будет ли достигнута"}[verdict]
    head = Point("Прогноз на {0} год: {1} при значении " + ref_word + " {2} — " + word, (fy, fc, target))
    if verdict != "достигнет" and r["gap"] and r["gap"] > 0:
        pts.append(Point("по тренду не хватает {0}", (q(r["gap"], gap_unit(r["unit"], kind)),)))
    if verdict == "нельзя сказать":
        caveats.append(Point("Фактов мало и они колеблются: интервал прогноза захватывает и достижение, и недостижение"))
    return Explanation(head, tuple(pts), tuple(caveats), extra={"verdict": verdict})
