"""Are a school's ВПР results objective, or are there signs of inflated marks?

For every ВПР school × grade × subject × year, `objectivity_flags()` gives the shares
of pupils whose ВПР mark lowered, confirmed and raised the journal mark and flags the
signs of biased results that Рособнадзор / ФИОКО describe (settings `objectivity.*`):

* `low_confirmation` — confirmed < 70 % (`min_confirmed_pct`);
* `high_raised` — raised > 15 % (`max_raised_pct`);
* `above_district_vs_oge` — the ВПР mean is far above the district, z = (mean − district
  mean) / between-school SD > 1,0 (`above_district_sd`), while the same school's ОГЭ of the
  same year (all subjects, participant-weighted standardised score; `compare_exams`) is at or
  below the district (score ≤ 0);
* `jump` — the mean rose from last year (same grade and subject) by more than 2 district
  SDs (`jump_sd`; the between-school SD of this year); only rises are flagged;
* `cut_spike` — marks pile up just above the pass mark: the school's share of «3» exceeds the
  district's by ≥ 20 percentage points (`spike.excess_pp`) and significantly (Wilson 95 %
  lower bound above the district share), while its share of «2» is near zero (≤ 2 %,
  `spike.max_mark2_pct`) although the district has ≥ 5 % «2» (`spike.min_district_mark2_pct`).

Groups below `objectivity.min_participants` (default 10) are shown but never flagged: their
shares swing too much to judge (ФИОКО: fewer than 20 pupils is already of limited value).
"district SD" here is the participant-weighted SD between school means, because these rules
ask how unusual the school is among schools.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.format import num, pct
from metrics.measures import fmt, prepare, procedure_groups, wilson
from metrics.vector import code_rank, group_ids, int_array, join_segments, sort_rank, text_by_value, value_codes
from metrics.settings import get

VPR = "ВПР"
FLAG_TEXT = {
    "low_confirmation": "низкая доля подтвердивших отметку",
    "high_raised": "высокая доля повысивших отметку",
    "above_district_vs_oge": "ВПР намного выше района при ОГЭ на уровне района или ниже",
    "jump": "резкий рост за год",
    "cut_spike": "пик отметок «3» при почти нулевой доле «2»",
}
OUT_COLUMNS = ["school_id", "year", "grade", "subject", "participants", "lowered_pct", "confirmed_pct", "raised_pct",
               "mean", "district_mean", "between_sd", "z_district", "oge_score", "prev_mean", "jump",
               "mark3_pct", "district_mark3_pct", "mark2_pct", "district_mark2_pct", "small_n",
               "flags", "flagged", "reason", "years_flagged"]


def _f(s: pd.Series, digits: int = 1) -> pd.Series:
    return fmt(s, digits)


def _dense(rows: np.ndarray, cols: np.ndarray, values: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """A dense rows × cols float table with `values` at (rows, cols) (NaN elsewhere); the first of duplicates wins."""
    tab = np.full(shape, np.nan)
    _, first = group_ids(rows, cols)
    tab[rows[first], cols[first]] = np.asarray(values)[first]
    return tab


def objectivity_flags(results: pd.DataFrame, year: int, settings: dict | None = None) -> pd.DataFrame:
    """Return one row per ВПР school × grade × subject × year (years ≤ `year`) with the objectivity flags.

    Columns: school_id, year, grade, subject, participants, lowered_pct, confirmed_pct, raised_pct (% of pupils with
    a comparison: lowered + confirmed + raised), mean (mark 2–5), district_mean, between_sd, z_district,
    oge_score (the school's standardised ОГЭ score of that year, NaN without ОГЭ), prev_mean, jump (mean − prev_mean),
    mark3_pct, district_mark3_pct, mark2_pct, district_mark2_pct, small_n, flags (list of codes: low_confirmation,
    high_raised, above_district_vs_oge, jump, cut_spike), flagged (bool), reason (Russian, with the numbers;
    "" when not flagged), years_flagged (in how many of the years y−2 … y the school had any flagged ВПР row).
    Schools without ВПР have no rows. Rows with the same flags share one (read-only) `flags` list.
    """
    year = int(year)
    prep = prepare(results, settings)
    p_year = prep["year"].to_numpy()
    p_exam = prep["exam"].to_numpy()
    in_years = p_year <= year
    rows = np.flatnonzero(in_years & (p_exam == VPR))
    if len(rows) == 0:
        return pd.DataFrame(columns=OUT_COLUMNS)

    def col(c):
        return prep[c].to_numpy()[rows]
    # the district's pooled «2» and «3» per year × subject × grade (the prepared group id, ВПР rows only)
    gid, mark2, mark3, marks_n = col("_gid"), col("mark2"), col("mark3"), col("marks_n")
    ng = int(gid.max()) + 1
    pool = {c: np.bincount(gid, weights=np.nan_to_num(x), minlength=ng)[gid]
            for c, x in (("mark2", mark2), ("mark3", mark3), ("marks_n", marks_n))}
    # rows in output order (year, school, grade, subject), so that no output column needs a reorder
    sid, sidc, yr, subject, subj_c, grade = (col(c) for c in ("school_id", "_sid", "year", "subject", "_sub", "grade"))
    yr = yr.astype(np.int64)
    order = np.lexsort((code_rank(subj_c, subject), np.where(np.isnan(grade), np.inf, grade), code_rank(sidc, sid), yr))
    rows = rows[order]
    sid, sidc, yr, subject, subj_c, grade = sid[order], sidc[order], yr[order], subject[order], subj_c[order], grade[order]
    mark2, mark3, marks_n = mark2[order], mark3[order], marks_n[order]
    pool = {c: x[order] for c, x in pool.items()}
    n, mean, dmean, bsd = col("participants"), col("mean"), col("district_mean"), col("between_sd")
    lcr = {c: col(c) for c in ("lowered", "confirmed", "raised")}
    y0 = int(p_year.min())
    yi = yr - y0
    ny = int(p_year[in_years].max()) - y0 + 1
    nsid = int(prep["_sid"].max()) + 1

    out = {"school_id": sid, "year": yr, "grade": grade, "subject": subject, "participants": n}
    stacked = np.column_stack([lcr["lowered"], lcr["confirmed"], lcr["raised"]])
    any_cmp = ~np.isnan(stacked).all(axis=1)
    cmp_tot = np.where(any_cmp, np.nansum(stacked, axis=1), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        for c in ("lowered", "confirmed", "raised"):
            out[f"{c}_pct"] = np.where(cmp_tot > 0, 100.0 * lcr[c] / cmp_tot, np.nan)
        out["mean"], out["district_mean"], out["between_sd"] = mean, dmean, bsd
        out["z_district"] = np.where(bsd > 0, (mean - dmean) / bsd, np.nan)
        mark3_pct = 100.0 * mark3 / marks_n
        mark2_pct = 100.0 * mark2 / marks_n
    with np.errstate(invalid="ignore", divide="ignore"):
        d3 = np.where(pool["marks_n"] > 0, 100.0 * pool["mark3"] / pool["marks_n"], np.nan)
        d2 = np.where(pool["marks_n"] > 0, 100.0 * pool["mark2"] / pool["marks_n"], np.nan)

    # the school's standardised ОГЭ (compare_exams) score of the same year: a school × year table
    cmp_exams = list(get(settings, "objectivity.compare_exams", ["ОГЭ"]))
    cmp_rows = np.flatnonzero(in_years & np.asarray(pd.Series(p_exam).isin(cmp_exams)))
    og = np.full((nsid, ny), np.nan)
    if len(cmp_rows):
        g = procedure_groups(prep, cmp_rows)
        w = np.where(np.isnan(g["score"]), 0.0, g["participants"])
        wz = np.nan_to_num(g["score"]) * g["participants"]
        gy = g["year"] - y0
        key_gid, first = group_ids(g["_sid"], gy)
        ws = np.bincount(key_gid, weights=w)
        wzs = np.bincount(key_gid, weights=wz)
        with np.errstate(invalid="ignore", divide="ignore"):
            og[g["_sid"][first], gy[first]] = np.where(ws > 0, wzs / ws, np.nan)
    oge_score = og[sidc, yi]
    # last year's mean of the same school, subject and grade
    kid, _ = group_ids(sidc, subj_c, value_codes(grade))
    means = _dense(kid, yi, mean, (int(kid.max()) + 1, ny + 1))
    prev_mean = np.where(yi > 0, means[kid, np.maximum(yi - 1, 0)], np.nan)
    out["oge_score"], out["prev_mean"], out["jump"] = oge_score, prev_mean, mean - prev_mean
    out["mark3_pct"], out["district_mark3_pct"] = mark3_pct, d3
    out["mark2_pct"], out["district_mark2_pct"] = mark2_pct, d2

    min_n = float(get(settings, "objectivity.min_participants", 10))
    conf_thr = float(get(settings, "objectivity.min_confirmed_pct", 70.0))
    raised_thr = float(get(settings, "objectivity.max_raised_pct", 15.0))
    above_sd = float(get(settings, "objectivity.above_district_sd", 1.0))
    jump_sd = float(get(settings, "objectivity.jump_sd", 2.0))
    excess = float(get(settings, "objectivity.spike.excess_pp", 20.0))
    max2 = float(get(settings, "objectivity.spike.max_mark2_pct", 2.0))
    dmin2 = float(get(settings, "objectivity.spike.min_district_mark2_pct", 5.0))
    small = n < min_n
    out["small_n"] = small
    ok = ~small
    lo3, _ = wilson(mark3, marks_n)
    jump = out["jump"]
    with np.errstate(invalid="ignore"):
        f = {
            "low_confirmation": ok & (out["confirmed_pct"] < conf_thr),
            "high_raised": ok & (out["raised_pct"] > raised_thr),
            "above_district_vs_oge": ok & (out["z_district"] > above_sd) & (oge_score <= 0),
            "jump": ok & (jump > jump_sd * bsd) & (bsd > 0),
            "cut_spike": ok & (mark3_pct - d3 >= excess) & (100.0 * lo3 > d3) & (mark2_pct <= max2) & (d2 >= dmin2),
        }
    combo = np.zeros(len(rows), dtype=np.int64)
    for i, code in enumerate(FLAG_TEXT):
        combo |= f[code].astype(np.int64) << i
    flagged = combo > 0
    # one shared list per combination of flags (at most 32) instead of a list per row
    lists = np.empty(1 << len(FLAG_TEXT), dtype=object)
    for k in np.unique(combo):
        lists[k] = [code for i, code in enumerate(FLAG_TEXT) if k >> i & 1]
    out["flags"] = lists.take(combo)
    out["flagged"] = flagged
    out["reason"] = _reasons(out, f, flagged, conf_thr, raised_thr, above_sd, jump_sd)

    # in how many of the years y−2 … y the school had a flagged row
    sy = np.zeros((nsid, ny + 2), dtype=bool)
    fl_rows = np.flatnonzero(flagged)
    sy[sidc[fl_rows], yi[fl_rows] + 2] = True
    cnt = sy[sidc, yi + 2].astype(np.int64) + sy[sidc, yi + 1] + sy[sidc, yi]
    out["years_flagged"] = cnt
    out["grade"] = int_array(grade)
    out["participants"] = n.astype("int64")
    return pd.DataFrame({c: out[c] for c in OUT_COLUMNS}, copy=False)


def _reasons(out: dict, f: dict, flagged: np.ndarray, conf_thr, raised_thr, above_sd, jump_sd) -> np.ndarray:
    """Russian reasons of the flagged rows ("" elsewhere), each text built once per distinct set of numbers."""
    reason = np.full(len(flagged), "", dtype=object)
    fr = np.flatnonzero(flagged)
    if len(fr) == 0:
        return reason

    def at(c):
        return np.asarray(out[c])[fr]
    segments = {}
    builders = {
        "low_confirmation": (["confirmed_pct"], lambda c: "подтвердили отметку " + fmt(c, unit="%")
                             + " участников (порог — не менее " + pct(conf_thr, 0) + ")"),
        "high_raised": (["raised_pct"], lambda r: "повысили отметку " + fmt(r, unit="%") + " (порог — не более "
                        + pct(raised_thr, 0) + ")"),
        "above_district_vs_oge": (["mean", "district_mean", "z_district", "oge_score"],
                                  lambda m, dm, z, o: "средняя отметка " + _f(m, 2) + " выше районной (" + _f(dm, 2)
                                  + ") на " + _f(z, 1) + " межшкольных ст. откл. (порог " + num(above_sd)
                                  + "), а ОГЭ школы в том же году на уровне района или ниже ("
                                  + fmt(o, 2, sign=True) + " ст. откл.)"),
        "jump": (["prev_mean", "mean", "jump", "between_sd"],
                 lambda pm, m, j, b: "рост средней отметки за год " + _f(pm, 2) + " → " + _f(m, 2) + " ("
                 + fmt(j, 2, sign=True) + " при пороге " + num(jump_sd) + " ст. откл. района = "
                 + _f(jump_sd * b, 2) + ")"),
        "cut_spike": (["mark3_pct", "district_mark3_pct", "mark2_pct", "district_mark2_pct"],
                      lambda m3, d3, m2, d2: "отметку «3» получили " + fmt(m3, unit="%") + " (по району "
                      + fmt(d3, unit="%") + "), «2» — " + fmt(m2, unit="%") + " (по району " + fmt(d2, unit="%")
                      + "): пик отметок сразу над порогом"),
    }
    for code in FLAG_TEXT:
        has = f[code][fr]
        ids = np.zeros(len(fr), dtype=np.int64)
        texts = np.zeros(0, dtype=object)
        sub = np.flatnonzero(has)
        if len(sub):
            cols, make = builders[code]
            ids[sub], texts = text_by_value([at(c)[sub] for c in cols],
                                            lambda *a, make=make: make(*a).to_numpy(object), spread=False)
        segments[code] = (has, ids, texts)

    def head(subj, grade, yr):
        g = grade.map(lambda v: "" if pd.isna(v) else f"{int(v)} класс")  # once per distinct head
        return ("ВПР, " + subj.astype(str) + ", " + g + ", " + yr.astype(str) + ": ").to_numpy(object)
    heads = text_by_value([at("subject"), at("grade"), at("year")], head)
    reason[fr] = join_segments(heads, segments)
    return reason


def objectivity_summary(flags_df: pd.DataFrame, year: int) -> pd.DataFrame:
    """Return per school with ВПР in `year`: school_id, n_rows, n_flagged_rows, years_flagged (of the last 3),
    flags (sorted list of the codes met), reasons (the Russian reasons of the flagged rows, joined) — most flagged first."""
    cols = ["school_id", "n_rows", "n_flagged_rows", "years_flagged", "flags", "reasons"]
    at_year = np.flatnonzero(flags_df["year"].to_numpy() == int(year))
    if len(at_year) == 0:
        return pd.DataFrame(columns=cols)
    sid = flags_df["school_id"].to_numpy()[at_year]
    code, schools = pd.factorize(sid)
    ns = len(schools)
    flagged = flags_df["flagged"].to_numpy()[at_year].astype(bool)
    n_rows = np.bincount(code, minlength=ns).astype(np.int64)
    n_flagged = np.bincount(code, weights=flagged, minlength=ns).astype(np.int64)
    years = np.full(ns, np.iinfo(np.int64).min)
    np.maximum.at(years, code, flags_df["years_flagged"].to_numpy()[at_year].astype(np.int64))
    # only flagged rows carry codes and reasons
    fr = np.flatnonzero(flagged)
    flags = np.empty(ns, dtype=object)
    flags[:] = [[] for _ in range(ns)]
    reasons = np.full(ns, "", dtype=object)
    if len(fr):
        fl = pd.DataFrame({"s": code[fr], "flags": flags_df["flags"].to_numpy()[at_year][fr],
                           "reason": flags_df["reason"].to_numpy()[at_year][fr]})
        pairs = fl[["s", "flags"]].explode("flags").dropna().drop_duplicates().sort_values(["s", "flags"])
        per = pairs.groupby("s", sort=False)["flags"].agg(list)
        flags[per.index.to_numpy()] = per.to_numpy()
        joined = fl.groupby("s", sort=False)["reason"].agg(" ".join)
        reasons[joined.index.to_numpy()] = joined.to_numpy()
    out = pd.DataFrame({"school_id": np.asarray(schools, dtype=object), "n_rows": n_rows, "n_flagged_rows": n_flagged,
                        "years_flagged": years, "flags": flags, "reasons": reasons})
    order = np.lexsort((sort_rank(out["school_id"].to_numpy()), -years, -n_flagged))
    return out.take(order).reset_index(drop=True)[cols]
