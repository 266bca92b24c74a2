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
from metrics.measures import fmt, prepare, procedure_scores, wilson
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


def objectivity_flags(results: pd.DataFrame, year: int, settings: dict | None = None) -> pd.DataFrame:
    """Return one row per ВПР school × grade × subject × year (years ≤ `year`) with the objectivity flags.

    Columns: school_id, year, grade, subject, participants, lowered_pct, confirmed_pct, raised_pct (% of pupils with
    a comparison: lowered + confirmed + raised), mean (mark 2–5), district_mean, between_sd, z_district,
    oge_score (the school's standardised ОГЭ score of that year, NaN without ОГЭ), prev_mean, jump (mean − prev_mean),
    mark3_pct, district_mark3_pct, mark2_pct, district_mark2_pct, small_n, flags (list of codes: low_confirmation,
    high_raised, above_district_vs_oge, jump, cut_spike), flagged (bool), reason (Russian, with the numbers;
    "" when not flagged), years_flagged (in how many of the years y−2 … y the school had any flagged ВПР row).
    Schools without ВПР have no rows.
    """
    year = int(year)
    prep = prepare(results, settings)
    prep = prep[prep["year"] <= year]
    v = prep[prep["exam"] == VPR].copy()
    if v.empty:
        return pd.DataFrame(columns=OUT_COLUMNS)
    cmp_tot = v[["lowered", "confirmed", "raised"]].sum(axis=1, min_count=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        for c in ("lowered", "confirmed", "raised"):
            v[f"{c}_pct"] = (100.0 * v[c] / cmp_tot).where(cmp_tot > 0)
        v["z_district"] = ((v["mean"] - v["district_mean"]) / v["between_sd"]).where(v["between_sd"] > 0)
        v["mark3_pct"] = 100.0 * v["mark3"] / v["marks_n"]
        v["mark2_pct"] = 100.0 * v["mark2"] / v["marks_n"]
    keys = [v["year"], v["subject"], v["grade"]]
    pooled = v[["mark2", "mark3", "marks_n"]].fillna(0.0).groupby(keys, dropna=False).transform("sum")
    with np.errstate(invalid="ignore", divide="ignore"):
        v["district_mark3_pct"] = (100.0 * pooled["mark3"] / pooled["marks_n"]).where(pooled["marks_n"] > 0)
        v["district_mark2_pct"] = (100.0 * pooled["mark2"] / pooled["marks_n"]).where(pooled["marks_n"] > 0)

    cmp_exams = list(get(settings, "objectivity.compare_exams", ["ОГЭ"]))
    ps = procedure_scores(prep, cmp_exams)
    if len(ps):
        ps = ps.assign(w=ps["score"].notna() * ps["participants"], wz=ps["score"].fillna(0) * ps["participants"])
        og = ps.groupby(["school_id", "year"])[["w", "wz"]].sum()
        og = (og["wz"] / og["w"]).where(og["w"] > 0).rename("oge_score").reset_index()
        v = v.merge(og, on=["school_id", "year"], how="left")
    else:
        v["oge_score"] = np.nan
    prev = v[["school_id", "subject", "grade", "year", "mean"]].assign(year=v["year"] + 1)
    prev = prev.rename(columns={"mean": "prev_mean"}).drop_duplicates(["school_id", "subject", "grade", "year"])
    v = v.merge(prev, on=["school_id", "subject", "grade", "year"], how="left")
    v["jump"] = v["mean"] - v["prev_mean"]

    min_n = float(get(settings, "objectivity.min_participants", 10))
    conf_thr = float(get(settings, "objectivity.min_confirmed_pct", 70.0))
    raised_thr = float(get(settings, "objectivity.max_raised_pct", 15.0))
    above_sd = float(get(settings, "objectivity.above_district_sd", 1.0))
    jump_sd = float(get(settings, "objectivity.jump_sd", 2.0))
    excess = float(get(settings, "objectivity.spike.excess_pp", 20.0))
    max2 = float(get(settings, "objectivity.spike.max_mark2_pct", 2.0))
    dmin2 = float(get(settings, "objectivity.spike.min_district_mark2_pct", 5.0))
    v["small_n"] = v["participants"] < min_n
    ok = ~v["small_n"]
    lo3, _ = wilson(v["mark3"], v["marks_n"])
    f = pd.DataFrame({
        "low_confirmation": ok & (v["confirmed_pct"] < conf_thr),
        "high_raised": ok & (v["raised_pct"] > raised_thr),
        "above_district_vs_oge": ok & (v["z_district"] > above_sd) & (v["oge_score"] <= 0),
        "jump": ok & (v["jump"] > jump_sd * v["between_sd"]) & (v["between_sd"] > 0),
        "cut_spike": ok & (v["mark3_pct"] - v["district_mark3_pct"] >= excess)
        & (pd.Series(100.0 * lo3, index=v.index) > v["district_mark3_pct"])
        & (v["mark2_pct"] <= max2) & (v["district_mark2_pct"] >= dmin2),
    }).fillna(False).astype(bool)

    v["flagged"] = f.any(axis=1).to_numpy()
    flags = np.empty(len(v), dtype=object)
    flags[:] = [[] for _ in range(len(v))]
    v["flags"] = flags
    v["reason"] = ""
    fl = v[v["flagged"]]
    if len(fl):  # codes and Russian text only for the flagged rows
        ff = f.loc[fl.index]
        codes = pd.Series("", index=fl.index)
        for code in FLAG_TEXT:  # five rules
            codes = codes + np.where(ff[code], code + ",", "")
        v.loc[fl.index, "flags"] = codes.str.rstrip(",").str.split(",")
        texts = {
            "low_confirmation": "подтвердили отметку " + fmt(fl["confirmed_pct"], unit="%") + " участников (порог — не менее "
            + pct(conf_thr, 0) + ")",
            "high_raised": "повысили отметку " + fmt(fl["raised_pct"], unit="%") + " (порог — не более " + pct(raised_thr, 0)
            + ")",
            "above_district_vs_oge": "средняя отметка " + _f(fl["mean"], 2) + " выше районной ("
            + _f(fl["district_mean"], 2) + ") на " + _f(fl["z_district"], 1) + " межшкольных ст. откл. (порог "
            + num(above_sd) + "), а ОГЭ школы в том же году на уровне района или ниже ("
            + fmt(fl["oge_score"], 2, sign=True) + " ст. откл.)",
            "jump": "рост средней отметки за год " + _f(fl["prev_mean"], 2) + " → " + _f(fl["mean"], 2) + " ("
            + fmt(fl["jump"], 2, sign=True) + " при пороге " + num(jump_sd) + " ст. откл. района = "
            + _f(jump_sd * fl["between_sd"], 2) + ")",
            "cut_spike": "отметку «3» получили " + fmt(fl["mark3_pct"], unit="%") + " (по району "
            + fmt(fl["district_mark3_pct"], unit="%") + "), «2» — " + fmt(fl["mark2_pct"], unit="%") + " (по району "
            + fmt(fl["district_mark2_pct"], unit="%") + "): пик отметок сразу над порогом",
        }
        body = pd.Series("", index=fl.index)
        for code in FLAG_TEXT:
            body = body + np.where(ff[code], texts[code] + "; ", "")
        head = ("ВПР, " + fl["subject"].astype(str) + ", "
                + fl["grade"].map(lambda g: "" if pd.isna(g) else f"{int(g)} класс") + ", " + fl["year"].astype(str) + ": ")
        v.loc[fl.index, "reason"] = head + body.str.rstrip("; ") + "."

    sy = v.groupby(["school_id", "year"])["flagged"].any()
    cnt = pd.Series(0, index=v.index)
    for k in range(3):
        idx = pd.MultiIndex.from_arrays([v["school_id"], v["year"] - k])
        cnt = cnt + sy.reindex(idx, fill_value=False).astype(int).to_numpy()
    v["years_flagged"] = cnt
    v["grade"] = v["grade"].astype("Int64")
    v["participants"] = v["participants"].astype("int64")
    return v[OUT_COLUMNS].sort_values(["year", "school_id", "grade", "subject"]).reset_index(drop=True)


def objectivity_summary(flags_df: pd.DataFrame, year: int) -> pd.DataFrame:
    """Return per school with ВПР in `year`: school_id, n_rows, n_flagged_rows, years_flagged (of the last 3),
    flags (sorted list of the codes met), reasons (the Russian reasons of the flagged rows, joined) — most flagged first."""
    cols = ["school_id", "n_rows", "n_flagged_rows", "years_flagged", "flags", "reasons"]
    d = flags_df[flags_df["year"] == int(year)]
    if d.empty:
        return pd.DataFrame(columns=cols)
    g = d.groupby("school_id")
    out = g.agg(n_rows=("flagged", "size"), n_flagged_rows=("flagged", "sum"), years_flagged=("years_flagged", "max"),
                flags=("flags", lambda s: sorted({c for xs in s for c in xs}))).reset_index()
    reasons = d[d["flagged"]].groupby("school_id")["reason"].agg(" ".join)
    out["reasons"] = out["school_id"].map(reasons).fillna("")
    out["n_flagged_rows"] = out["n_flagged_rows"].astype(int)
    return out.sort_values(["n_flagged_rows", "years_flagged", "school_id"], ascending=[False, False, True]
                           )[cols].reset_index(drop=True)
