"""Which measures do the district's programmes ask for that the exam tables do not give directly?

* `mark_measures` — «успеваемость» (5 + 4 + 3), «качество знаний» (5 + 4) and «СОУ»
  (степень обученности: (5·100 + 4·64 + 3·36 + 2·16 + н/а·7) / all) from mark counts, per school ×
  exam × subject × grade × year and for the district, shares with Wilson 95 % intervals. Pupils
  without a mark stay in the denominator (participants − marks given = «н/а»).
* `high_scorers` — high scorers by band per school: the band the results carry (`exams.high_score_band`,
  80+ by default: ЕГЭ protocols and reports), and 100 and 220+ over three subjects from the programme
  indicators that report them (`exams.high_indicators`). Other bands (70+, 90+) need the pupils'
  scores: they are reported as missing, never estimated.
* `trial_below_district` — the schools below the district average on trial exams (one programme summons
  them to the department): the programme's rule is the point average, so every school below it is listed,
  with whether the difference is beyond chance (95 % interval) so nobody is summoned for noise alone
  unknowingly.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from metrics.explain import Explanation, Point, q
from metrics.measures import _blank, _float, prepare, subject_phrase
from metrics.settings import get
from metrics.stats import Z95, t_quantile, wilson
from metrics.uncertainty import scale_of

SOU_WEIGHTS = {"mark5": 100.0, "mark4": 64.0, "mark3": 36.0, "mark2": 16.0, "none": 7.0}


def mark_measures(results: pd.DataFrame, year: int | None = None, settings: dict | None = None) -> pd.DataFrame:
    """Успеваемость, качество знаний and СОУ (all %, 0–100) wherever mark counts are given.

    Columns: school_id (None = district), year, exam, subject, grade, participants, no_mark (participants without
    a mark), success, success_low, success_high (успеваемость with its Wilson 95 % interval), quality,
    quality_low, quality_high (качество знаний), sou (СОУ). District rows sum the schools' counts.
    """
    cols = ["school_id", "year", "exam", "subject", "grade", "participants", "no_mark", "success", "success_low",
            "success_high", "quality", "quality_low", "quality_high", "sou"]
    prep = prepare(results, settings)
    rows = np.flatnonzero(prep["marks_n"].notna().to_numpy())
    if year is not None:
        rows = rows[prep["year"].to_numpy()[rows] == int(year)]
    if len(rows) == 0:
        return pd.DataFrame(columns=cols)
    d = prep.iloc[rows][["school_id", "year", "exam", "subject", "grade", "participants", "marks_n",
                         "mark2", "mark3", "mark4", "mark5"]].copy()
    for c in ("mark2", "mark3", "mark4", "mark5"):
        d[c] = d[c].fillna(0.0)
    key = ["year", "exam", "subject", "grade"]
    dist = d.groupby(key, dropna=False)[["participants", "marks_n", "mark2", "mark3", "mark4", "mark5"]].sum()
    dist = dist.reset_index().assign(school_id=None)
    d = pd.concat([d, dist], ignore_index=True)
    n = d["participants"].to_numpy(float)
    none = np.maximum(n - d["marks_n"].to_numpy(float), 0.0)
    ok = d["mark3"] + d["mark4"] + d["mark5"]
    good = d["mark4"] + d["mark5"]
    sl, sh = wilson(ok, n)
    ql, qh = wilson(good, n)
    sou = sum(w * (none if c == "none" else d[c].to_numpy(float)) for c, w in SOU_WEIGHTS.items()) / n
    out = pd.DataFrame({"school_id": d["school_id"], "year": d["year"].astype("int64"), "exam": d["exam"],
                        "subject": d["subject"], "grade": d["grade"], "participants": n.astype("int64"),
                        "no_mark": none.astype("int64"), "success": 100 * ok / n, "success_low": 100 * sl,
                        "success_high": 100 * sh, "quality": 100 * good / n, "quality_low": 100 * ql,
                        "quality_high": 100 * qh, "sou": sou})
    out["_d"] = out["school_id"].isna()
    out = out.sort_values(["year", "exam", "subject", "grade", "_d", "school_id"], na_position="last")
    return out.drop(columns="_d").reset_index(drop=True)[cols]


def high_scorers(results: pd.DataFrame, year: int, values: pd.DataFrame | None = None,
                 indicators: pd.DataFrame | None = None, settings: dict | None = None) -> pd.DataFrame:
    """High scorers by band per school for `year`.

    Columns: school_id, band (e.g. "80+", "100", "220+"), count, base (graduates or ЕГЭ results the share is of),
    share (%), source ("results": the ЕГЭ results' high-scorer counts, summed over subjects — a result, not a pupil;
    "indicator": a programme indicator that reports it), available (False for a configured band nothing reports).
    """
    cols = ["school_id", "band", "count", "base", "share", "source", "available"]
    band = int(float(get(settings, "exams.high_score_band", 80)))
    bands = [str(b) for b in get(settings, "exams.bands", ["70+", "80+", "90+", "100", "220+"])]
    patterns = get(settings, "exams.high_indicators", {"100": "100 баллов", "220+": "220 баллов"}) or {}
    rows = []
    prep = prepare(results, settings) if results is not None and len(results) else None
    schools: set = set()
    if prep is not None:
        at = (prep["year"].to_numpy() == int(year)) & (prep["exam"].to_numpy() == "ЕГЭ") & (
            prep["district_mean"].to_numpy() > 5)
        d = prep.loc[at, ["school_id", "participants", "high_scorers"]]
        schools |= set(d["school_id"])
        d = d[d["high_scorers"].notna()]
        if len(d):
            g = d.groupby("school_id")[["high_scorers", "participants"]].sum()
            for sid, r in g.iterrows():
                rows.append(dict(school_id=sid, band=f"{band}+", count=r["high_scorers"], base=r["participants"],
                                 share=100 * r["high_scorers"] / r["participants"], source="results", available=True))
    if values is not None and len(values) and indicators is not None and len(indicators):
        names = indicators.drop_duplicates("indicator_id").set_index("indicator_id")["name"].astype(str)
        v = values[(values["kind"] == "fact") & ~_blank(values["school_id"]) & (_float(values["year"]) == int(year))]
        grads = [i for i, nm in names.items() if re.search(str(get(settings, "ranking.count_denominator",
                                                                    "^число выпускников 11")), nm, re.I)]
        den = v[v["indicator_id"].isin(grads)].groupby("school_id")["value"].sum()
        for label, pat in patterns.items():
            ids = [i for i, nm in names.items() if re.search(str(pat), nm, re.I) and "доля" not in nm.lower()]
            sub = v[v["indicator_id"].isin(ids)]
            for sid, val in sub.groupby("school_id")["value"].sum().items():
                base = den.get(sid, np.nan)
                rows.append(dict(school_id=sid, band=label, count=val, base=base,
                                 share=100 * val / base if base and base > 0 else np.nan, source="indicator",
                                 available=True))
            schools |= set(sub["school_id"])
    out = pd.DataFrame(rows, columns=cols)
    have = set(zip(out["school_id"], out["band"]))
    missing = [dict(school_id=s, band=b, count=np.nan, base=np.nan, share=np.nan, source=None, available=False)
               for s in sorted(schools) for b in bands if (s, b) not in have]
    out = pd.concat([out, pd.DataFrame(missing, columns=cols)], ignore_index=True) if missing else out
    order = {b: i for i, b in enumerate(bands)}
    return out.assign(_o=out["band"].map(order).fillna(99)).sort_values(["school_id", "_o"]).drop(
        columns="_o").reset_index(drop=True)[cols]


def trial_below_district(results: pd.DataFrame, year: int, settings: dict | None = None) -> pd.DataFrame:
    """Schools below the district average on trial exams (exam names starting with «Пробн») in `year`.

    Columns: school_id, exam, subject, participants, mean, mean_low, mean_high (95 %), district_mean, difference,
    significant (the interval lies below the district mean), explanation. Sorted by the difference.
    """
    cols = ["school_id", "exam", "subject", "participants", "mean", "mean_low", "mean_high", "district_mean",
            "difference", "significant", "explanation"]
    prep = prepare(results, settings)
    exam = prep["exam"].astype(str)
    at = (prep["year"].to_numpy() == int(year)) & exam.str.lower().str.startswith("пробн").to_numpy() & \
        prep["mean"].notna().to_numpy()
    d = prep.loc[at].copy()
    if d.empty:
        return pd.DataFrame(columns=cols)
    own = d["sd_source"] == "marks"
    n = d["participants"]
    quant = np.where(own, t_quantile(0.975, np.maximum(n - 1, 1)), Z95)
    half = quant * d["sd"] / np.sqrt(n)
    lo_s, hi_s = scale_of(d["district_mean"])
    d["mean_low"], d["mean_high"] = np.clip(d["mean"] - half, lo_s, hi_s), np.clip(d["mean"] + half, lo_s, hi_s)
    d["difference"] = d["mean"] - d["district_mean"]
    d = d[d["difference"] < 0]
    d["significant"] = d["mean_high"] < d["district_mean"]
    out = d[["school_id", "exam", "subject", "participants", "mean", "mean_low", "mean_high", "district_mean",
             "difference", "significant"]].sort_values("difference").reset_index(drop=True)
    expl = []
    for r in out.itertuples():
        unit = "mark" if r.district_mean <= 5 else "score"
        head = Point("{0}: {1} при среднем по району {2}", (subject_phrase(r.exam, r.subject),
                                                           q(r.mean, unit, r.participants, r.mean_low, r.mean_high),
                                                           q(r.district_mean, unit)))
        cav = (Point("Ниже района с учётом погрешности") if r.significant else
               Point("Ниже среднего, но в пределах случайных колебаний при таком числе участников"),)
        expl.append(Explanation(head, (), cav, extra={"significant": bool(r.significant)}))
    out["explanation"] = expl
    return out[cols]
