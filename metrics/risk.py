"""Which schools are at risk, and exactly why?

`risk_flags()` returns one row per school × flag with a severity, a structured explanation
(`explanation`, a `metrics.explain.Explanation`: headline, points with every number, caveats),
its plain-text rendering (`reason`), and the numbers themselves (`details`):

* `low_results` (ШНОР) — in ≥ risk.low_results.min_years (2) of the last
  risk.low_results.window (3) years the school had a "low year": on ≥ 2 procedures (ЕГЭ, ОГЭ, ВПР;
  on every procedure it has when it has fewer, so a primary school with only ВПР can be flagged on
  ВПР, as federal ШНОР selection does) it was either among the quarter of schools with the lowest
  procedure score *and* below the district beyond chance (95 % interval of the score entirely below
  0), or its share of participants below the minimum was at or above 30 % beyond chance (Wilson
  interval with the cohort as n entirely at or above 30 %). The procedure score is the school's
  participant-weighted standardised mean across subjects. ВПР works with signs of inflated marks
  are left out of the evidence and of the district reference (`metrics.measures.prepare`).
* `stable_low` — `low_results` this year and last year.
* `exit` ("good") — `low_results` last year, not this year, and the school closed at
  least risk.exit.min_gap_closed (0,5) of its gap: see `_exit()`.
* `min_fail_warning` ("warning") — a graduate below the minimum in a compulsory ГИА subject this year.
  When it fires for at least risk.min_fail.max_school_share (50 %) of the schools with such results it
  says nothing about a school: it becomes the district figure of `min_fail_summary()` and no school row.
* `social` (ШНСУ, "info": a description of conditions, not an accusation) — top quartile of the social
  disadvantage index.
* `below_expectation` / `resilient` ("good") — from `metrics.social.context_adjusted()`.

No flag for a year in which the school has no results (the social flag aside), and none at all for a
year without results in the district.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.explain import Explanation, Point, q, render
from metrics.measures import prepare, procedure_scores, subject_phrase
from metrics.settings import get
from metrics.social import SCORE_NOTE, SHARE_LABELS, context_adjusted_shared, social_index_shared
from metrics.stats import Z95, wilson
from metrics.vector import group_ids, group_quantile, runs

FLAG_LABELS = {
    "low_results": "Низкие образовательные результаты (ШНОР)",
    "stable_low": "Устойчиво низкие результаты",
    "min_fail_warning": "Есть выпускники ниже минимального порога (ГИА)",
    "social": "Неблагоприятные социальные условия (ШНСУ)",
    "below_expectation": "Результаты ниже ожидаемых с учётом контекста",
    "resilient": "Устойчивые (резильентные) школы",
    "exit": "Вышли из числа ШНОР",
}
SEVERITY = {"low_results": "flag", "stable_low": "flag", "min_fail_warning": "warning", "social": "info",
            "below_expectation": "flag", "resilient": "good", "exit": "good"}
OUT_COLUMNS = ["school_id", "year", "flag", "severity", "label", "explanation", "reason", "years", "procedures",
               "details"]


def _records_by_school(df: pd.DataFrame, cols: list[str]) -> dict:
    """{school_id: [row dicts of cols]} built with one to_dict call (details of flagged schools)."""
    out: dict = {}
    for sid, rec in zip(df["school_id"].tolist(), df[cols].to_dict("records")):
        out.setdefault(sid, []).append(rec)
    return out


def procedure_years(prep: pd.DataFrame, settings: dict | None = None, rows: np.ndarray | None = None) -> pd.DataFrame:
    """Per school × procedure × year the numbers of the ШНОР rule.

    Columns: school_id, exam, year, score, se, participants (cohort), below_share, below_low (Wilson lower bound
    with the cohort as n), q1 (25th percentile of the score among the schools), n_schools, district_below_share,
    in_bottom (among the lowest quarter), significant_low (score + 1,96·se < 0), over_share (share ≥ threshold),
    share_significant (Wilson lower bound ≥ threshold), small_n, counts_bottom, counts_share (what counts towards
    the rule). `rows` (positions in `prep`) restricts the rows used.
    """
    exams = list(get(settings, "risk.low_results.procedures", ["ЕГЭ", "ОГЭ", "ВПР"]))
    ps = procedure_scores(prep, exams, rows)
    g = ps.groupby(["exam", "year"])
    gid, _ = group_ids(pd.factorize(ps["exam"].to_numpy())[0], pd.factorize(ps["year"].to_numpy())[0])
    ps["q1"] = group_quantile(gid, ps["score"].to_numpy(dtype=float), 0.25)
    ps["n_schools"] = g["score"].transform("count")
    dsum = g[["below", "below_total"]].transform("sum")
    ps["district_below_share"] = 100.0 * dsum["below"] / dsum["below_total"]
    min_schools = int(get(settings, "risk.low_results.min_schools", 4))
    thr = float(get(settings, "risk.low_results.share_below_min", 30.0))
    ps["in_bottom"] = (ps["score"] <= ps["q1"]) & (ps["n_schools"] >= min_schools)
    ps["over_share"] = (ps["below_share"] >= thr).fillna(False)
    ps["small_n"] = ps["participants"] < float(get(settings, "ranking.min_participants", 10))
    ps["significant_low"] = (ps["score"] + Z95 * ps["se"] < 0).fillna(False)
    cohort = ps["participants"].to_numpy(dtype=float)
    lo, _ = wilson(ps["below_share"].to_numpy(dtype=float) / 100.0 * cohort, cohort, Z95)
    ps["below_low"] = 100.0 * lo
    ps["share_significant"] = (ps["below_low"] >= thr).fillna(False)
    ps["counts_bottom"] = ps["in_bottom"] & ps["significant_low"]
    ps["counts_share"] = ps["over_share"] & ps["share_significant"]
    return ps


def low_years(proc: pd.DataFrame, settings: dict | None = None) -> pd.DataFrame:
    """Per school × year: n_procedures (the school has), need (min(min_procedures, n_procedures)), n_bottom, n_share
    (procedures that count) and low_year (either ≥ need)."""
    k = int(get(settings, "risk.low_results.min_procedures", 2))
    ly = proc.groupby(["school_id", "year"]).agg(n_procedures=("exam", "nunique"), n_bottom=("counts_bottom", "sum"),
                                                 n_share=("counts_share", "sum")).reset_index()
    ly["need"] = np.minimum(k, ly["n_procedures"])
    ly["low_year"] = (ly["n_bottom"] >= ly["need"]) | (ly["n_share"] >= ly["need"])
    return ly


def low_status(ly: pd.DataFrame, year: int, settings: dict | None = None) -> pd.DataFrame:
    """Per school: n_low (low years within the window ending at `year`), low_years (list), low (bool)."""
    window = int(get(settings, "risk.low_results.window", 3))
    need = int(get(settings, "risk.low_results.min_years", 2))
    w = ly[ly["year"].between(year - window + 1, year) & ly["low_year"]].sort_values(["school_id", "year"])
    sids = w["school_id"].to_numpy()
    starts, ends = runs(sids)
    yrs = [int(v) for v in w["year"].tolist()]
    st = pd.DataFrame({"school_id": sids[starts], "low_years": pd.Series([yrs[a:b] for a, b in zip(starts, ends)],
                                                                         dtype=object)})
    st["n_low"] = (ends - starts).astype(int)
    st["low"] = st["n_low"] >= need
    return st


def _subject_starts(subject: np.ndarray, prefixes) -> np.ndarray:
    """Rows whose subject starts (case-insensitively) with one of the lower-case prefixes; text work per distinct subject."""
    if not len(prefixes) or not len(subject):
        return np.zeros(len(subject), dtype=bool)
    codes, uniq = pd.factorize(subject, use_na_sentinel=False)
    hit = pd.Series(np.asarray(uniq, dtype=object)).astype(str).str.lower().str.startswith(tuple(prefixes)).to_numpy()
    return hit.take(codes)


def _compulsory_points(prep: pd.DataFrame, year: int, settings: dict | None, school_ids) -> dict:
    """Per school: points «ОГЭ по математике: средняя отметка 2,40 — ниже районной (3,65) с учётом погрешности три
    года подряд» for each compulsory ГИА subject significantly below the district (95 % interval of the mean entirely
    below it) in every year of the window (at least 2 years in a row, up to `year`)."""
    subjects = [s.lower() for s in get(settings, "risk.min_fail.subjects", ["Русский язык", "Математика"])]
    window = int(get(settings, "risk.low_results.window", 3))
    yr = prep["year"].to_numpy()
    rows = np.flatnonzero((yr >= year - window + 1) & (yr <= year) & ~np.isnan(prep["mean"].to_numpy()))
    rows = rows[np.asarray(pd.Series(prep["exam"].to_numpy()[rows]).isin(["ЕГЭ", "ОГЭ"]))]
    rows = rows[np.asarray(pd.Series(prep["school_id"].to_numpy()[rows]).isin(list(school_ids)))]
    rows = rows[_subject_starts(prep["subject"].to_numpy()[rows], subjects)]
    df = prep.iloc[rows][["school_id", "exam", "subject", "year", "mean", "district_mean", "z", "z_se", "participants"]]
    if df.empty:
        return {}
    df = df.assign(below=(df["z"] + Z95 * df["z_se"]) < 0)
    agg = df.groupby(["school_id", "exam", "subject"]).agg(
        n=("year", "nunique"), n_below=("below", "sum"), first=("year", "min"), last=("year", "max"),
        rows=("year", "size")).reset_index()
    consecutive = (agg["last"] - agg["first"] + 1) == agg["n"]
    agg = agg[(agg["n"] >= 2) & (agg["n_below"] == agg["rows"]) & consecutive & (agg["last"] == year)]
    if agg.empty:
        return {}
    cur = df[df["year"] == year].groupby(["school_id", "exam", "subject"]).agg(
        mean=("mean", "mean"), dmean=("district_mean", "mean"), n=("participants", "sum")).reset_index()
    agg = agg.merge(cur, on=["school_id", "exam", "subject"], suffixes=("_years", ""))
    out: dict = {}
    for r in agg.itertuples():  # a few subjects of the flagged schools
        marks = r.dmean <= 5.0
        unit = "mark" if marks else "score"
        what = "средняя отметка {1} — ниже районной ({2})" if marks else "средний балл {1} — ниже районного ({2})"
        years = "два года подряд" if r.n_years == 2 else "три года подряд" if r.n_years == 3 else "{3} подряд"
        out.setdefault(r.school_id, []).append(Point(
            "{0}: " + what + " с учётом погрешности " + years,
            (subject_phrase(r.exam, r.subject), q(r.mean, unit, r.n), q(r.dmean, unit), q(r.n_years, "years"))))
    return out


def _year_point(y: int, part: list[dict], thr: float) -> Point:
    """«2026: ВПР — среди худших (сводный балл −0,95, граница четверти −0,35; 46 участников); ОГЭ — ниже минимума
    65,0 % участников (с учётом погрешности не меньше 41,3 %)». What «среди худших» means is a caveat of the flag."""
    pieces, args = [], [str(y)]
    for r in part:
        k = len(args)
        args.append(r["exam"])
        claims = []
        if r["counts_bottom"]:
            claims.append("среди худших (сводный балл {%d}, граница четверти {%d}; {%d})" % (len(args), len(args) + 1,
                                                                                            len(args) + 2))
            args += [q(r["score"], "index", signed=True), q(r["q1"], "index", signed=True),
                     q(r["participants"], "pupils")]
        if r["counts_share"]:
            claims.append("ниже минимума {%d} участников (с учётом погрешности не меньше {%d})" % (len(args),
                                                                                                   len(args) + 1))
            args += [q(r["below_share"], "%"), q(r["below_low"], "%")]
        pieces.append("{%d} — " % k + ", ".join(claims))
    return Point("{0}: " + "; ".join(pieces), tuple(args))


_CONDITION = {(True, True): "четверть худших и много ниже минимума", (True, False): "четверть худших",
              (False, True): "много ниже минимума", (False, False): "—"}
DETAIL_COLUMNS = ["year", "exam", "score", "q1", "participants", "below_share", "below_low", "in_bottom", "over_share",
                  "small_n", "significant_low", "counts_bottom", "counts_share"]


def _details_table(recs: list[dict]) -> pd.DataFrame:
    """The per-year, per-procedure numbers behind a low-results flag, ready for a table (Russian headers; the records
    come sorted newest year first)."""
    return pd.DataFrame({"Год": [int(r["year"]) for r in recs], "Процедура": [r["exam"] for r in recs],
                         "Сводный балл": [r["score"] for r in recs],
                         "Граница четверти худших": [r["q1"] for r in recs],
                         "Участников": [r["participants"] for r in recs],
                         "Ниже минимума, %": [r["below_share"] for r in recs],
                         "Что выполнено": [_CONDITION[(bool(r["counts_bottom"]), bool(r["counts_share"]))]
                                           for r in recs]})


def _low_results(proc, ly, status, prep, year, settings, excluded_note) -> pd.DataFrame:
    flagged = status[status["low"]]
    if flagged.empty:
        return pd.DataFrame(columns=OUT_COLUMNS)
    thr = float(get(settings, "risk.low_results.share_below_min", 30.0))
    window = int(get(settings, "risk.low_results.window", 3))
    sel = proc[proc["school_id"].isin(flagged["school_id"]) & proc["year"].between(year - window + 1, year)]
    sel = sel.sort_values(["school_id", "year", "exam"], ascending=[True, False, True])
    sel = sel.assign(score=sel["score"].round(3), q1=sel["q1"].round(3), below_share=sel["below_share"].round(1))
    by_school: dict = {}
    for rec in sel[["school_id", *DETAIL_COLUMNS]].to_dict("records"):  # one call; grouped in order
        by_school.setdefault(rec.pop("school_id"), []).append(rec)
    low_keys = set(zip(ly.loc[ly["low_year"], "school_id"], ly.loc[ly["low_year"], "year"]))
    comp = _compulsory_points(prep, year, settings, flagged["school_id"])
    caveats = [Point("«Среди худших» — среди четверти школ района с самыми низкими результатами и ниже района с "
                     "учётом погрешности; «ниже минимума» — не меньше {0} участников с учётом погрешности",
                     (q(thr, "%"),)), SCORE_NOTE] + ([excluded_note] if excluded_note is not None else [])
    rows = []
    for sid, low_years, n_low in zip(flagged["school_id"], flagged["low_years"], flagged["n_low"]):
        own = by_school.get(sid, [])
        counted = [r for r in own if (r["counts_bottom"] or r["counts_share"]) and (sid, r["year"]) in low_keys]
        years: dict = {}
        for r in counted:
            years.setdefault(int(r["year"]), []).append(r)
        pts = [_year_point(y, part, thr) for y, part in years.items()] + comp.get(sid, [])
        head = Point("Низкие результаты {0} из {1} последних лет ({2})",
                     (q(n_low, "years"), str(window), ", ".join(str(y) for y in low_years)))
        e = Explanation(head, tuple(pts), tuple(caveats), details=_details_table(own),
                        extra={"years": list(low_years), "window": [year - window + 1, year]})
        rows.append(dict(school_id=sid, flag="low_results", explanation=e, years=list(low_years),
                         procedures=sorted({r["exam"] for r in counted}),
                         details={"window": [year - window + 1, year], "procedures": own}))
    return pd.DataFrame(rows)


def _stable_low(now, prev, low_rows, year) -> pd.DataFrame:
    both = now[now["low"]].merge(prev[prev["low"]], on="school_id", suffixes=("", "_prev"))
    if both.empty:
        return pd.DataFrame(columns=OUT_COLUMNS)
    procs = low_rows.set_index("school_id")["procedures"] if len(low_rows) else pd.Series(dtype=object)
    rows = []
    for r in both.itertuples():
        years = sorted(set(r.low_years) | set(r.low_years_prev))
        e = Explanation(Point("Правило ШНОР выполняется и в {0}, и в {1} году", (str(year - 1), str(year))),
                        (Point("низкие годы: {0}", (", ".join(str(y) for y in years),)),),
                        extra={"low_years_now": r.low_years, "low_years_prev": r.low_years_prev})
        rows.append(dict(school_id=r.school_id, flag="stable_low", explanation=e, years=[year - 1, year],
                         procedures=procs.get(r.school_id, []),
                         details={"low_years_now": r.low_years, "low_years_prev": r.low_years_prev}))
    return pd.DataFrame(rows)


def _exit(proc, ly, status_now, status_prev, year, settings) -> pd.DataFrame:
    """Schools that met low_results last year, do not now, and closed ≥ risk.exit.min_gap_closed of their gap.

    Baseline = the school's latest low year ≤ year−1. For each procedure that counted in the baseline the gap is
    the distance to the threshold then: bottom quarter → q1 − score (standardised units), share → share − 30 %
    (percentage points). The part closed = (distance now − distance then) / gap, where distance is score − q1
    (or 30 % − share) in each year's own terms; a zero gap counts as closed when the distance grew at all.
    The mean over the counted procedures must reach min_gap_closed; a procedure without data this year cannot
    show improvement (0).
    """
    need = float(get(settings, "risk.exit.min_gap_closed", 0.5))
    thr = float(get(settings, "risk.low_results.share_below_min", 30.0))
    cand = set(status_prev.loc[status_prev["low"], "school_id"]) - set(status_now.loc[status_now["low"], "school_id"])
    if not cand:
        return pd.DataFrame(columns=OUT_COLUMNS)
    base = ly[ly["school_id"].isin(cand) & ly["low_year"] & (ly["year"] <= year - 1)]
    base = base.sort_values("year").groupby("school_id").tail(1)[["school_id", "year"]].rename(columns={"year": "base"})
    b = proc.merge(base, left_on=["school_id", "year"], right_on=["school_id", "base"])
    cur = proc[proc["year"] == year][["school_id", "exam", "score", "q1", "below_share"]]
    b = b.merge(cur, on=["school_id", "exam"], how="left", suffixes=("", "_now"))
    parts = []
    for kind, mask, d_then, d_now in (
            ("bottom", b["counts_bottom"], b["score"] - b["q1"], b["score_now"] - b["q1_now"]),
            ("share", b["counts_share"], thr - b["below_share"], thr - b["below_share_now"])):
        sel = b[mask].copy()
        sel["gap"] = -d_then[mask]
        sel["d_then"], sel["d_now"] = d_then[mask], d_now[mask]
        sel["kind"] = kind
        gain = sel["d_now"] - sel["d_then"]
        closed = np.where(sel["gap"] > 0, gain / sel["gap"].where(sel["gap"] > 0), np.where(gain > 0, np.inf, 0.0))
        sel["closed"] = pd.Series(closed, index=sel.index).fillna(0.0)
        parts.append(sel)
    allp = pd.concat(parts, ignore_index=True)
    if allp.empty:
        return pd.DataFrame(columns=OUT_COLUMNS)
    allp["closed_c"] = np.minimum(allp["closed"], 1.0)
    rows = []
    for sid, g in allp.groupby("school_id", sort=True):  # the candidates (a few)
        closed = float(g["closed_c"].mean())
        if closed < need:
            continue
        base_year = int(g["base"].iloc[0])
        pts = [Point("правило низких результатов выполнялось в {0} году, в {1} году не выполняется",
                     (str(year - 1), str(year))),
               Point("разрыв до порога сокращён на {0} (нужно не меньше {1}; за основу взят {2} год)",
                     (q(100 * closed, "%"), q(100 * need, "%"), str(base_year)))]
        for r in g.itertuples():
            if r.kind == "bottom":
                pts.append(Point("{0}: сводный балл {1} → {2} (граница четверти худших {3} → {4})",
                                 (r.exam, q(r.score, "index", signed=True), q(r.score_now, "index", signed=True),
                                  q(r.q1, "index", signed=True), q(r.q1_now, "index", signed=True))))
            else:
                pts.append(Point("{0}: ниже минимума {1} → {2} (порог {3})",
                                 (r.exam, q(r.below_share, "%"), q(r.below_share_now, "%"), q(thr, "%"))))
        e = Explanation(Point("Вышла из числа ШНОР в {0} году", (str(year),)), tuple(pts), (SCORE_NOTE,))
        recs = g[["exam", "kind", "gap", "d_then", "d_now", "closed"]].round(3).to_dict("records")
        rows.append(dict(school_id=sid, flag="exit", explanation=e, years=[base_year, year],
                         procedures=sorted(set(g["exam"])),
                         details={"baseline_year": base_year, "min_gap_closed": need,
                                  "gap_closed": float(round(min(closed, 1.0), 3)), "procedures": recs}))
    return pd.DataFrame(rows, columns=["school_id", "flag", "explanation", "years", "procedures", "details"])


def _min_fail_rows(prep, year, settings) -> pd.DataFrame:
    """Per school with compulsory ГИА results this year: every compulsory subject row (exam, subject, below,
    participants); empty without such results."""
    exams = list(get(settings, "risk.min_fail.exams", ["ЕГЭ", "ОГЭ", "ГВЭ"]))
    subjects = tuple(s.lower() for s in get(settings, "risk.min_fail.subjects", ["Русский язык", "Математика"]))
    rows = np.flatnonzero(prep["year"].to_numpy() == year)
    rows = rows[np.asarray(pd.Series(prep["exam"].to_numpy()[rows]).isin(exams))]
    rows = rows[_subject_starts(prep["subject"].to_numpy()[rows], subjects)]
    return prep.iloc[rows][["school_id", "exam", "subject", "below", "participants"]]


def min_fail_summary(results: pd.DataFrame, year: int, settings: dict | None = None) -> dict:
    """The district figure behind the min-fail warning: n_schools (with compulsory ГИА results), n_fail_schools
    (with at least one result below the minimum), share (%), results_below (results below the minimum, summed over
    subjects: one pupil may fail two subjects), as_district (True when the warning fires for at least
    risk.min_fail.max_school_share of the schools: then it is this district figure, not a school flag),
    explanation."""
    return _min_fail_summary(prepare(results, settings), int(year), settings)


def _min_fail_summary(prep, year, settings) -> dict:
    df = _min_fail_rows(prep, year, settings)
    per = df.assign(b=df["below"].fillna(0)).groupby("school_id")["b"].sum() if len(df) else pd.Series(dtype=float)
    n_schools, n_fail = int(len(per)), int((per > 0).sum())
    share = 100.0 * n_fail / n_schools if n_schools else float("nan")
    limit = float(get(settings, "risk.min_fail.max_school_share", 0.5))
    as_district = bool(n_schools and n_fail / n_schools >= limit)
    e = Explanation(Point("Школ, где есть выпускники ниже минимального порога по обязательным предметам ГИА: {0} из {1}",
                          (str(n_fail), str(n_schools))),
                    (Point("всего ниже минимума: {0}", (q(per.sum(), "results"),)),),
                    ((Point("Так бывает в большинстве школ района, поэтому это показатель района, а не признак "
                            "отдельной школы"),) if as_district else ()))
    return {"n_schools": n_schools, "n_fail_schools": n_fail, "share": share, "results_below": float(per.sum()),
            "as_district": as_district, "explanation": e}


def _min_fail(prep, year, settings) -> pd.DataFrame:
    df = _min_fail_rows(prep, year, settings)
    df = df[df["below"] > 0]
    if df.empty or _min_fail_summary(prep, year, settings)["as_district"]:
        return pd.DataFrame(columns=OUT_COLUMNS)
    df = df.sort_values(["school_id", "exam", "subject"])
    rows = []
    for sid, g in df.groupby("school_id", sort=False):  # the schools with a failure (a few)
        pts = []
        for r in g.itertuples():
            k = int(r.below)
            verb = "не преодолел" if k % 10 == 1 and k % 100 != 11 else "не преодолели"
            pts.append(Point("{0}: {1} из {2} " + verb + " минимальный порог",
                             (subject_phrase(r.exam, r.subject), str(k), q(r.participants, "pupils"))))
        total = int(g["below"].sum())
        least = int(g["below"].max())
        most = int(min(total, g.groupby("exam")["participants"].max().sum()))
        if len(g) > 1 and least != most:
            head = Point("Ниже минимального порога по обязательным предметам ГИА — {0}: это от {1} до {2} "
                         "(один выпускник может не сдать два предмета)",
                         (q(total, "results"), str(least), q(most, "people")))
        else:
            head = Point("Ниже минимального порога по обязательным предметам ГИА — {0}", (q(total, "results"),))
        e = Explanation(head, tuple(pts))
        rows.append(dict(school_id=sid, flag="min_fail_warning", explanation=e, years=[year],
                         procedures=sorted(set(g["exam"])),
                         details={"subjects": g[["exam", "subject", "below", "participants"]].to_dict("records")}))
    return pd.DataFrame(rows)


def _social(soc: pd.DataFrame, year: int) -> pd.DataFrame:
    top = soc[soc["top_quartile"]]
    if top.empty:
        return pd.DataFrame(columns=OUT_COLUMNS)
    rows = []
    for r in top.itertuples():  # a quarter of the schools
        comps = sorted(((k, z) for k, z in r.components.items() if z > 0), key=lambda kv: -kv[1])[:3]
        pts = tuple(Point("{0}: {1} (в среднем по району {2})",
                          (SHARE_LABELS[k], q(getattr(r, k), "%"), q(getattr(r, f"district_{k}"), "%")))
                    for k, _ in comps)
        e = Explanation(Point("Среди четверти школ района с самыми трудными социальными условиями (индекс "
                              "неблагополучия {0}, граница четверти {1})",
                              (q(r.index, "index", signed=True), q(r.q3, "index", signed=True))), pts,
                        (Point("Это описание условий, а не оценка работы школы: такой школе положена поддержка"),))
        rows.append(dict(school_id=r.school_id, flag="social", explanation=e, years=[year], procedures=[],
                         details={"index": round(float(r.index), 3), "q3": round(float(r.q3), 3),
                                  "z": r.components}))
    return pd.DataFrame(rows)


def _context(ca: pd.DataFrame, year: int, settings) -> pd.DataFrame:
    if ca.empty:
        return pd.DataFrame(columns=OUT_COLUMNS)
    rows = []
    exams = list(get(settings, "risk.context.exams", ["ЕГЭ", "ОГЭ"]))
    for flag in ("below_expectation", "resilient"):
        for _, r in ca[ca[flag]].iterrows():  # a few schools
            rows.append(dict(school_id=r["school_id"], flag=flag, explanation=r["explanation"],
                             years=[year], procedures=exams,
                             details={k: (round(float(r[k]), 4)) for k in ("value", "predicted", "residual", "se", "z",
                                                                          "index", "slope", "intercept",
                                                                          "participants", "r2")}))
    return pd.DataFrame(rows)


def _excluded_note(prep: pd.DataFrame, year: int, window: int):
    yr = prep["year"].to_numpy()
    k = int((prep["nonobjective"].to_numpy() & (yr > year - window) & (yr <= year)).sum()) \
        if "nonobjective" in prep else 0
    if not k:
        return None
    return Point("Работы ВПР с признаками необъективности ({0} за эти годы) не входят ни в районные значения, ни в "
                 "расчёт школ", (q(k, "works"),))


def risk_flags(results: pd.DataFrame, schools: pd.DataFrame, year: int, settings: dict | None = None, *,
               values: pd.DataFrame | None = None, indicators: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the at-risk flags of `year`, one row per school × flag (see the module doc for the rules).

    Columns: school_id, year, flag (low_results | stable_low | min_fail_warning | social | below_expectation |
    resilient | exit), severity ("flag" | "warning" | "info" | "good"), label (Russian flag name), explanation
    (`metrics.explain.Explanation`), reason (its plain text), years (list of years behind the flag), procedures
    (list), details (dict of the numbers). `values` / `indicators` are accepted for a uniform call with
    rank_schools; the flags do not use them.
    """
    year = int(year)
    prep = prepare(results, settings)
    yr = prep["year"].to_numpy()
    if not (yr == year).any():
        return pd.DataFrame(columns=OUT_COLUMNS)
    window = int(get(settings, "risk.low_results.window", 3))
    proc = procedure_years(prep, settings, np.flatnonzero((yr >= year - window) & (yr <= year)))
    ly = low_years(proc, settings)
    now = low_status(ly, year, settings)
    prev = low_status(ly, year - 1, settings)
    low = _low_results(proc, ly, now, prep, year, settings, _excluded_note(prep, year, window))
    frames = [low, _stable_low(now, prev, low, year), _exit(proc, ly, now, prev, year, settings),
              _min_fail(prep, year, settings)]
    soc = social_index_shared(schools, year, settings)  # memoised: shared with context_adjusted
    frames.append(_social(soc, year))
    frames.append(_context(context_adjusted_shared(prep, soc, year, settings=settings), year, settings))
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=OUT_COLUMNS)
    out = pd.concat([f.reindex(columns=OUT_COLUMNS) for f in frames], ignore_index=True)
    with_results = set(prep["school_id"].to_numpy()[yr == year])
    out = out[(out["flag"] == "social") | out["school_id"].isin(with_results)]
    out["year"] = year
    out["severity"] = out["flag"].map(SEVERITY)
    out["label"] = out["flag"].map(FLAG_LABELS)
    out["reason"] = out["explanation"].map(render)
    order = {k: i for i, k in enumerate(FLAG_LABELS)}
    out = out.sort_values(["school_id", "flag"], key=lambda s: s.map(order) if s.name == "flag" else s)
    return out[OUT_COLUMNS].reset_index(drop=True)


def risk_summary(flags: pd.DataFrame) -> pd.DataFrame:
    """Return per flag the number of schools: flag, label (Russian), severity, count — every flag, zeros included."""
    counts = flags.groupby("flag")["school_id"].nunique() if len(flags) else pd.Series(dtype=int)
    out = pd.DataFrame({"flag": list(FLAG_LABELS)})
    out["label"] = out["flag"].map(FLAG_LABELS)
    out["severity"] = out["flag"].map(SEVERITY)
    out["count"] = out["flag"].map(counts).fillna(0).astype(int)
    return out[["flag", "count", "label", "severity"]]
