"""How sure are we that a school differs from the district?

One rule for «значимо выше / ниже района», used by the school card (`intervals`), the funnel
plot (`funnel`) and the level × change grid (`metrics.level_change`): a comparison is called
significant only when it survives the Benjamini–Hochberg procedure at `significance.fdr` (5 %)
across the comparisons shown together — a school card of one year (every exam × subject ×
grade, mean and share below the minimum), one funnel, one grid — and only for groups of at
least `ranking.min_participants` (10); smaller groups get no colour.

`intervals()` gives every school result a 95 % interval, clipped to the scale (marks 2–5,
scores and shares 0–100):
* a mean: t with n − 1 degrees of freedom and the school's own SD when its mark counts give one
  (`uncertainty.min_marks_for_own_sd` marks, not all equal); otherwise the district's spread of
  individual results for the same exam, subject, grade and year with the normal quantile
  (`metrics.measures.prepare`: pooled marks, or for test scores the spread implied by the
  district's shares below the minimum and above the high-score band);
* the share below the minimum: Wilson (0 of n is never "above" a district share of 0).
Results with a confirmed sign of inflated ВПР marks (`nonobjective`) are not compared.

`funnel()` gives the points and control limits of a funnel plot with Spiegelhalter's
overdispersion correction: limits district ± z·√(s²/n + τ²), τ² the between-school variance
estimated from winsorised z-scores (`metrics.stats.overdispersion`), so a point outside them is
unusual even among schools that genuinely differ.

Outputs carry an `explanation` (`metrics.explain.Explanation`) for every significant result.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.explain import Explanation, Point, many, q
from metrics.measures import prepare
from metrics.measures import subject_phrase
from metrics.settings import get
from metrics.stats import Z95, Z998, bh_significant, overdispersion, share_test_p, t_quantile, two_sided_p, wilson
from metrics.vector import code_rank, group_ids, int_array

SCORE_SCALE = (0.0, 100.0)
MARK_SCALE = (2.0, 5.0)


def scale_of(district_mean) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper end of the scale per row: marks 2–5 where the district mean is ≤ 5, else scores 0–100."""
    marks = np.asarray(district_mean, dtype=float) <= 5.0
    return np.where(marks, MARK_SCALE[0], SCORE_SCALE[0]), np.where(marks, MARK_SCALE[1], SCORE_SCALE[1])


def intervals(results: pd.DataFrame, year: int | None = None, settings: dict | None = None,
              school_id: str | None = None) -> pd.DataFrame:
    """Return one row per school × exam × subject × grade × year (only `year` when given, only school `school_id`
    when given: the same rows as the whole district's, since the district values and each school's family of
    tests do not depend on which rows are returned) with 95 % intervals.

    Columns: school_id, year, exam, subject, grade, participants, mean, sd, sd_source ("marks"|"district"),
    district_sd_source ("marks"|"tails"|"settings"), mean_low, mean_high (95 %, clipped to the scale),
    district_mean, p_mean (two-sided p-value against the district mean), significantly_below / significantly_above
    (significant after Benjamini–Hochberg over the school's card of that year), below_share, below_low, below_high
    (% below the minimum, Wilson 95 %), district_below_share, p_below, below_significantly_above /
    below_significantly_below, small_n (participants < ranking.min_participants, default 10: never significant),
    nonobjective (a ВПР result with signs of inflated marks: not compared), explanation (for a significant row,
    else None).
    District values exclude results with signs of inflated ВПР marks (`metrics.measures.prepare`).
    """
    prep = prepare(results, settings)
    return intervals_from_prep(prep, year, settings, school_id)


def intervals_from_prep(prep: pd.DataFrame, year: int | None = None, settings: dict | None = None,
                        school_id: str | None = None) -> pd.DataFrame:
    """`intervals()` on the output of `metrics.measures.prepare()` (saves re-preparing)."""
    keep = np.ones(len(prep), dtype=bool) if year is None else prep["year"].to_numpy() == int(year)
    if school_id is not None:
        keep &= prep["school_id"].astype(str).to_numpy() == str(school_id)
    rows = np.flatnonzero(keep)
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
    mean, sd, dmean = col("mean"), col("sd"), col("district_mean")
    own = col("sd_source") == "marks"
    df = np.where(own, n - 1, np.inf)
    quant = np.where(own, t_quantile(0.975, np.maximum(n - 1, 1)), Z95)
    with np.errstate(invalid="ignore", divide="ignore"):
        se = sd / np.sqrt(n)
    lo_s, hi_s = scale_of(dmean)
    lo, hi = wilson(col("below"), n, Z95)
    min_n = float(get(settings, "ranking.min_participants", 10))
    small = n < min_n
    nonobj = col("nonobjective").astype(bool) if "nonobjective" in prep else np.zeros(len(rows), dtype=bool)
    tested = ~small & ~nonobj
    with np.errstate(invalid="ignore", divide="ignore"):
        p_mean = np.where(tested & (se > 0), two_sided_p((mean - dmean) / se, df), np.nan)
        p0 = col("district_below_share") / 100.0
        k = col("below")
        p_up = share_test_p(k, n, p0, "greater")
        p_down = share_test_p(k, n, p0, "less")
        p_below = np.where(tested, np.minimum(1.0, 2 * np.minimum(p_up, p_down)), np.nan)
    fam, _ = group_ids(col("_sid"), col("year") - col("year").min() if len(rows) else col("year"))
    fdr = float(get(settings, "significance.fdr", 0.05))
    sig = bh_significant(np.concatenate([p_mean, p_below]), np.tile(fam, 2), fdr).reshape(2, len(rows))
    has_mean = ~np.isnan(mean)
    bshare = col("below_share")
    dbelow = col("district_below_share")
    out = pd.DataFrame({
        "school_id": col("school_id"), "year": col("year"), "exam": col("exam"), "subject": col("subject"),
        "grade": int_array(grade[order]), "participants": n.astype("int64"),
        "mean": mean, "sd": np.where(has_mean, sd, np.nan),
        "sd_source": np.where(has_mean, col("sd_source"), np.nan).astype(object),
        "district_sd_source": col("district_sd_source"),
        "mean_low": np.clip(mean - quant * se, lo_s, hi_s), "mean_high": np.clip(mean + quant * se, lo_s, hi_s),
        "district_mean": dmean, "p_mean": p_mean,
        "significantly_below": sig[0] & (mean < dmean), "significantly_above": sig[0] & (mean > dmean),
        "below_share": bshare, "below_low": 100.0 * lo, "below_high": 100.0 * hi,
        "district_below_share": dbelow, "p_below": p_below,
        "below_significantly_above": sig[1] & (bshare > dbelow), "below_significantly_below": sig[1] & (bshare < dbelow),
        "small_n": small, "nonobjective": nonobj,
    }, copy=False)
    expl = np.full(len(out), None, dtype=object)
    at = np.flatnonzero(sig[0] | sig[1])  # the coloured rows of the cards (a few per school)
    if len(at):
        cols = ["exam", "subject", "grade", "year", "participants", "mean", "mean_low", "mean_high", "district_mean",
                "significantly_below", "significantly_above", "below_share", "below_low", "below_high",
                "district_below_share", "below_significantly_above", "below_significantly_below"]
        arrays = [np.asarray(out[c].to_numpy(dtype=object))[at] for c in cols]
        phrases: dict = {}
        with many():
            for k, values in enumerate(zip(*arrays)):
                expl[at[k]] = interval_explanation(dict(zip(cols, values)), phrases)
    out["explanation"] = expl
    return out


def interval_explanation(r, phrases: dict | None = None) -> Explanation:
    """Why one result of a school card is coloured: its mean and/or share below the minimum against the district."""
    marks = r["district_mean"] <= 5.0
    unit = "mark" if marks else "score"
    what = "средняя отметка" if marks else "средний балл"
    key = (r["exam"], r["subject"], r["grade"])
    phrases = {} if phrases is None else phrases
    if key not in phrases:
        phrases[key] = subject_phrase(r["exam"], r["subject"], r["grade"] if pd.notna(r["grade"]) else None)
    phrase = phrases[key]
    pts = []
    heads = []
    if r["significantly_below"] or r["significantly_above"]:
        word = "ниже" if r["significantly_below"] else "выше"
        heads.append(f"{what} {word} районной" if marks else f"{what} {word} районного")
        pts.append(Point(what + " {0}, район {1}", (q(r["mean"], unit, r["participants"], r["mean_low"], r["mean_high"]),
                                                    q(r["district_mean"], unit))))
    if r["below_significantly_above"] or r["below_significantly_below"]:
        word = "больше" if r["below_significantly_above"] else "меньше"
        heads.append(f"ниже минимума {word}, чем по району")
        pts.append(Point("ниже минимума {0}, по району {1}",
                         (q(r["below_share"], "%", r["participants"], r["below_low"], r["below_high"]),
                          q(r["district_below_share"], "%"))))
    head = Point("{0}: " + "; ".join(heads), (phrase,))
    return Explanation(head, tuple(pts), (Point("В скобках — 95-процентный интервал; различие выдерживает поправку на "
                                                "число сравнений на карточке школы"),),
                       extra={"exam": r["exam"], "subject": r["subject"], "year": int(r["year"])})


def funnel(results: pd.DataFrame, exam: str, subject: str, year: int, measure: str = "mean",
           settings: dict | None = None, *, grade: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (points, limits) of a funnel plot for one exam, subject and year (grades combined unless `grade`).

    points: school_id, participants, value, district_value, se (sampling), z (against the limits with τ²), p,
    significant (Benjamini–Hochberg over the funnel's schools, groups under the minimum n excluded), side
    ("below"|"above"|"" — the significant side; for below_share "above" is the bad side), outside95, outside998
    (beyond the drawn limits), small_n, phi, tau2 (the funnel's overdispersion), explanation (significant points).
    limits: n (1 … max participants), lo95, hi95, lo998, hi998 — district ± z·√(s²/n + τ²), s the district's
    spread of individual results (measure "mean") or √(p0(1−p0)) for a share p0 (measure "below_share", % 0–100,
    clipped to 0–100).
    """
    if measure not in ("mean", "below_share"):
        raise ValueError(f"Неизвестная мера «{measure}»: ожидается mean или below_share")
    prep = prepare(results, settings)
    mask = (prep["exam"].to_numpy() == exam) & (prep["subject"].to_numpy() == subject) & (
        prep["year"].to_numpy() == int(year))
    if grade is not None:
        mask &= prep["grade"].to_numpy() == float(grade)
    pts = funnel_points(prep, np.flatnonzero(mask), measure, settings)
    empty_l = pd.DataFrame(columns=["n", "lo95", "hi95", "lo998", "hi998"])
    if pts.empty:
        return pts, empty_l
    district, spread, tau2 = (float(pts[c].iloc[0]) for c in ("district_value", "spread", "tau2"))
    scale = 100.0 if measure == "below_share" else 1.0
    ns = np.arange(1, int(pts["participants"].max()) + 1, dtype=float)
    half = np.sqrt((spread / scale) ** 2 / ns + tau2 / scale ** 2) * scale
    lims = pd.DataFrame({"n": ns.astype(int), "lo95": district - Z95 * half, "hi95": district + Z95 * half,
                         "lo998": district - Z998 * half, "hi998": district + Z998 * half})
    if measure == "below_share":
        lims[["lo95", "hi95", "lo998", "hi998"]] = lims[["lo95", "hi95", "lo998", "hi998"]].clip(0, 100)
    return pts.drop(columns=["spread", "_group"]), lims


def funnel_points(prep: pd.DataFrame, rows: np.ndarray, measure: str = "mean",
                  settings: dict | None = None) -> pd.DataFrame:
    """The funnel judgement of every school for the given rows of `prep`, one funnel per year × exam × subject
    (grades combined), vectorised over funnels (the false-alarm benchmark runs thousands at once).

    Columns as the points of `funnel()`, plus year, exam, subject, spread (s of the limits), _group (funnel id)."""
    cols = ["school_id", "year", "exam", "subject", "participants", "value", "district_value", "se", "z", "p",
            "significant", "side", "outside95", "outside998", "small_n", "phi", "tau2", "spread", "_group",
            "explanation"]
    value_col = "mean" if measure == "mean" else "below"
    x = prep[value_col].to_numpy()[rows]
    rows = rows[~np.isnan(x)]
    if len(rows) == 0:
        return pd.DataFrame(columns=cols)

    def col(c):
        return prep[c].to_numpy()[rows]
    yr = col("year").astype(np.int64)
    fun, ffirst = group_ids(yr - yr.min(), col("_eid"), col("_sub"))
    gid, gfirst = group_ids(fun, col("_sid"))
    nf, ng = len(ffirst), len(gfirst)
    n = col("participants")
    s_val = n * col("mean") if measure == "mean" else col("below")
    part = np.bincount(gid, weights=n, minlength=ng)
    val = np.bincount(gid, weights=s_val, minlength=ng) / part
    f_of = fun[gfirst]
    f_part = np.bincount(f_of, weights=part, minlength=nf)
    district = np.bincount(f_of, weights=val * part, minlength=nf) / f_part
    if measure == "mean":
        spread = np.bincount(fun, weights=n * col("district_sd"), minlength=nf) / f_part
        se = spread[f_of] / np.sqrt(part)
        scale = 1.0
    else:
        spread = np.sqrt(district * (1 - district))
        se = spread[f_of] / np.sqrt(part)
        scale = 100.0
    min_n = float(get(settings, "ranking.min_participants", 10))
    small = part < min_n
    dev = val - district[f_of]
    with np.errstate(invalid="ignore", divide="ignore"):
        z0 = dev / se
    phi, tau2 = np.full(nf, np.nan), np.zeros(nf)
    order = np.argsort(f_of, kind="stable")
    starts = np.searchsorted(f_of[order], np.arange(nf))
    ends = np.append(starts[1:], len(order))
    for f in range(nf):  # one funnel at a time: the winsorised spread needs its own quantiles
        idx = order[starts[f]:ends[f]]
        phi[f], tau2[f] = overdispersion(z0[idx], se[idx])
    total = np.sqrt(se ** 2 + tau2[f_of])
    with np.errstate(invalid="ignore", divide="ignore"):
        z = dev / total
    p = np.where(~small & (total > 0), two_sided_p(z), np.nan)
    fdr = float(get(settings, "significance.fdr", 0.05))
    sig = bh_significant(p, f_of, fdr)
    out = pd.DataFrame({
        "school_id": prep["school_id"].to_numpy()[rows][gfirst], "year": yr[gfirst],
        "exam": col("exam")[gfirst], "subject": col("subject")[gfirst],
        "participants": part.astype("int64"), "value": val * scale, "district_value": district[f_of] * scale,
        "se": se * scale, "z": z, "p": p, "significant": sig,
        "side": np.where(sig, np.where(dev < 0, "below", "above"), ""),
        "outside95": np.abs(z) > Z95, "outside998": np.abs(z) > Z998, "small_n": small,
        "phi": phi[f_of], "tau2": tau2[f_of] * scale ** 2, "spread": spread[f_of] * scale, "_group": f_of,
    })
    out = out.sort_values(["_group", "school_id"]).reset_index(drop=True)
    expl = np.full(len(out), None, dtype=object)
    for i in np.flatnonzero(out["significant"].to_numpy()):
        expl[i] = _funnel_explanation(out.iloc[i], measure)
    out["explanation"] = expl
    return out[cols]


def _funnel_explanation(r: pd.Series, measure: str) -> Explanation:
    if measure == "mean":
        unit = "mark" if r["district_value"] <= 5 else "score"
        bad = r["side"] == "below"
        what = "результат {0} — " + ("ниже" if bad else "выше") + " района ({1})"
    else:
        unit = "%"
        bad = r["side"] == "above"
        what = "ниже минимума {0} — " + ("больше" if bad else "меньше") + ", чем по району ({1})"
    head = Point(what, (q(r["value"], unit, r["participants"]), q(r["district_value"], unit)))
    return Explanation(head, (), (Point("Отличие больше обычного разброса между школами района и выдерживает "
                                        "поправку на число школ на графике"),),
                       extra={"side": r["side"], "bad": bool(bad)})
