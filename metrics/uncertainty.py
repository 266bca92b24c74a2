"""How sure are we that a school differs from the district?

`intervals()` gives every school result a 95 % interval — mean ± 1.96·sd/√n and a
Wilson interval for the below-minimum share — and says whether the interval lies
entirely below or above the district value. `funnel()` gives the points and the
control limits of a funnel plot (district value ± z·spread/√n, for n = 1 … max).

Where sd comes from (column `sd_source`):
* "marks" — the school's own mark counts 2–5 (sample SD), when it has at least
  `uncertainty.min_marks_for_own_sd` marks (default 10) and they are not all equal;
* "district" — the district's spread of individual results for the same exam, subject,
  grade and year: the SD of all schools' mark counts pooled together; when the district has
  no mark counts at all (ЕГЭ scores), the typical spread of individual scores from settings:
  `uncertainty.ege_score_sd` (15 test points) for score-scale exams, `uncertainty.mark_sd`
  (0,8 of a mark) for mark-scale exams (district mean ≤ 5).
A between-school SD is NOT used for a school's interval: it measures how schools differ,
not how precisely one school's mean is known.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.measures import prepare, wilson
from metrics.vector import code_rank, int_array
from metrics.settings import get

Z95 = 1.959963984540054
Z998 = 3.090232306167813


def intervals(results: pd.DataFrame, year: int | None = None, settings: dict | None = None) -> pd.DataFrame:
    """Return one row per school × exam × subject × grade × year (only `year` when given) with 95 % intervals.

    Columns: school_id, year, exam, subject, grade, participants, mean, sd, sd_source ("marks"|"district"),
    mean_low, mean_high (mean ± 1.96·sd/√n), district_mean (participant-weighted over schools),
    significantly_below / significantly_above (mean interval entirely below / above district_mean),
    below_share, below_low, below_high (% below the minimum, Wilson 95 %, all 0–100),
    district_below_share, below_significantly_above / below_significantly_below (Wilson interval entirely
    above / below the district share), small_n (participants < ranking.min_participants, default 10).
    District values are computed over all schools of the given year, grade, exam and subject.
    """
    prep = prepare(results, settings)
    return intervals_from_prep(prep, year, settings)


def intervals_from_prep(prep: pd.DataFrame, year: int | None = None, settings: dict | None = None) -> pd.DataFrame:
    """`intervals()` on the output of `metrics.measures.prepare()` (saves re-preparing)."""
    rows = np.arange(len(prep)) if year is None else np.flatnonzero(prep["year"].to_numpy() == int(year))
    # output order (year, exam, subject, grade, school_id) from integer ranks, applied once to the row positions
    grade = prep["grade"].to_numpy()[rows]
    order = np.lexsort((code_rank(prep["_sid"].to_numpy()[rows], prep["school_id"].to_numpy()[rows]),
                        np.where(np.isnan(grade), np.inf, grade),
                        code_rank(prep["_sub"].to_numpy()[rows], prep["subject"].to_numpy()[rows]),
                        code_rank(prep["_eid"].to_numpy()[rows], prep["exam"].to_numpy()[rows]),
                        prep["year"].to_numpy()[rows]))
    rows = rows[order]

    def col(c):
        return prep[c].to_numpy()[rows]
    n = col("participants")
    mean, sd = col("mean"), col("sd")
    half = Z95 * sd / np.sqrt(n)
    lo, hi = wilson(col("below"), n, Z95)
    min_n = float(get(settings, "ranking.min_participants", 10))
    has_mean = ~np.isnan(mean)
    out = pd.DataFrame({
        "school_id": col("school_id"), "year": col("year"), "exam": col("exam"), "subject": col("subject"),
        "grade": int_array(col("grade")), "participants": n.astype("int64"),
        "mean": mean, "sd": np.where(has_mean, sd, np.nan),
        "sd_source": np.where(has_mean, col("sd_source"), np.nan).astype(object),
        "mean_low": mean - half, "mean_high": mean + half,
        "district_mean": col("district_mean"),
        "below_share": col("below_share"), "below_low": 100.0 * lo, "below_high": 100.0 * hi,
        "district_below_share": col("district_below_share"),
    }, copy=False)
    out["significantly_below"] = (out["mean_high"] < out["district_mean"]).fillna(False).astype(bool)
    out["significantly_above"] = (out["mean_low"] > out["district_mean"]).fillna(False).astype(bool)
    out["below_significantly_above"] = (out["below_low"] > out["district_below_share"]).fillna(False).astype(bool)
    out["below_significantly_below"] = (out["below_high"] < out["district_below_share"]).fillna(False).astype(bool)
    out["small_n"] = out["participants"] < min_n
    return out


def funnel(results: pd.DataFrame, exam: str, subject: str, year: int, measure: str = "mean",
           settings: dict | None = None, *, grade: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (points, limits) of a funnel plot for one exam, subject and year (grades combined unless `grade`).

    points: school_id, participants, value, district_value, outside95, outside998,
    side ("below"|"above"|"" — which 95 % limit the point is beyond; for below_share "above" is the bad side).
    limits: n (1 … max participants), lo95, hi95, lo998, hi998.
    measure="mean": district mean ± z·sd/√n, sd = the district's spread of individual results
    (pooled marks or settings, see module doc; participant-weighted over grades).
    measure="below_share" (%, 0–100): the score-test limits p0 ± z·√(p0(1−p0)/n) around the district share p0,
    clipped to 0–100 — exactly the n at which a school's Wilson interval stops containing p0.
    """
    if measure not in ("mean", "below_share"):
        raise ValueError(f"Неизвестная мера «{measure}»: ожидается mean или below_share")
    prep = prepare(results, settings)
    df = prep[(prep["exam"] == exam) & (prep["subject"] == subject) & (prep["year"] == int(year))]
    if grade is not None:
        df = df[df["grade"] == float(grade)]
    empty_p = pd.DataFrame(columns=["school_id", "participants", "value", "district_value", "outside95",
                                    "outside998", "side"])
    empty_l = pd.DataFrame(columns=["n", "lo95", "hi95", "lo998", "hi998"])
    col = "mean" if measure == "mean" else "below"
    df = df[df[col].notna()]
    if df.empty:
        return empty_p, empty_l
    n = df["participants"]
    tmp = pd.DataFrame({"school_id": df["school_id"], "participants": n,
                        "s": n * df["mean"] if measure == "mean" else df["below"],
                        "sdw": n * df["district_sd"]})
    pts = tmp.groupby("school_id", sort=True).sum().reset_index()
    pts["value"] = pts["s"] / pts["participants"]
    total = pts["participants"].sum()
    district = pts["s"].sum() / total
    nmax = int(pts["participants"].max())
    ns = np.arange(1, nmax + 1, dtype=float)
    if measure == "mean":
        spread = float(pts["sdw"].sum() / total)
        half95, half998 = Z95 * spread / np.sqrt(ns), Z998 * spread / np.sqrt(ns)
        lims = pd.DataFrame({"n": ns.astype(int), "lo95": district - half95, "hi95": district + half95,
                             "lo998": district - half998, "hi998": district + half998})
        ph = pts["participants"].to_numpy()
        h95, h998 = Z95 * spread / np.sqrt(ph), Z998 * spread / np.sqrt(ph)
        scale = 1.0
    else:
        p0 = district
        sdb = np.sqrt(p0 * (1 - p0))
        half95, half998 = Z95 * sdb / np.sqrt(ns), Z998 * sdb / np.sqrt(ns)
        lims = pd.DataFrame({"n": ns.astype(int),
                             "lo95": np.clip(p0 - half95, 0, 1) * 100, "hi95": np.clip(p0 + half95, 0, 1) * 100,
                             "lo998": np.clip(p0 - half998, 0, 1) * 100, "hi998": np.clip(p0 + half998, 0, 1) * 100})
        ph = pts["participants"].to_numpy()
        h95, h998 = Z95 * sdb / np.sqrt(ph), Z998 * sdb / np.sqrt(ph)
        scale = 100.0
    v = pts["value"].to_numpy()
    dev = v - district
    points = pd.DataFrame({
        "school_id": pts["school_id"], "participants": pts["participants"].astype("int64"),
        "value": v * scale, "district_value": district * scale,
        "outside95": np.abs(dev) > h95, "outside998": np.abs(dev) > h998,
    })
    points["side"] = np.where(points["outside95"], np.where(dev < 0, "below", "above"), "")
    return points, lims
