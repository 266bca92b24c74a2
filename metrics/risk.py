"""Which schools are at risk, and exactly why?

`risk_flags()` returns one row per school × flag with a severity, a Russian reason
that quotes the numbers, and the numbers themselves (`details`):

* `low_results` (ШНОР) — in ≥ risk.low_results.min_years (2) of the last
  risk.low_results.window (3) years the school had a "low year": in the district's
  bottom quartile on ≥ 2 procedures (ЕГЭ, ОГЭ, ВПР; the procedure score is the
  school's participant-weighted standardised mean across subjects), or ≥ 30 % of its
  participants below the minimum on ≥ 2 procedures. Honest about small groups: when a
  procedure has fewer than ranking.min_participants (10) pupils, its bottom-quartile
  position counts only if the school is also significantly below the district (95 %
  interval of the score entirely below 0), and its ≥ 30 % only if the Wilson interval of
  its share lies entirely above the district share. Persistence is required anyway
  (2 of 3 years).
* `min_fail_warning` — any graduate below the minimum in a compulsory ГИА subject this
  year (lighter: severity "warning").
* `social` (ШНСУ) — top quartile of the social disadvantage index.
* `below_expectation` / `resilient` ("good") — from `metrics.social.context_adjusted()`.
* `stable_low` — `low_results` this year and last year.
* `exit` ("good") — `low_results` last year, not this year, and the school closed at
  least risk.exit.min_gap_closed (0,5) of its gap: see `_exit()`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.format import pct
from metrics.measures import fmt, prepare, procedure_scores, subject_phrase, wilson
from metrics.vector import group_ids, group_quantile, runs, text_by_value
from metrics.settings import get
from metrics.social import SHARE_LABELS, context_adjusted_shared, social_index_shared

Z95 = 1.959963984540054
FLAG_LABELS = {
    "low_results": "Низкие образовательные результаты (ШНОР)",
    "stable_low": "Устойчиво низкие результаты",
    "min_fail_warning": "Есть выпускники ниже минимального порога (ГИА)",
    "social": "Неблагоприятные социальные условия (ШНСУ)",
    "below_expectation": "Результаты ниже ожидаемых с учётом контекста",
    "resilient": "Устойчивые (резильентные) школы",
    "exit": "Вышли из числа ШНОР",
}
SEVERITY = {"low_results": "flag", "stable_low": "flag", "min_fail_warning": "warning", "social": "flag",
            "below_expectation": "flag", "resilient": "good", "exit": "good"}
OUT_COLUMNS = ["school_id", "year", "flag", "severity", "label", "reason", "years", "procedures", "details"]
_YEARS_WORD = {2: "два года подряд", 3: "три года подряд"}


def _fmt(s: pd.Series, digits: int = 1) -> pd.Series:
    """Russian numbers with a true minus sign."""
    return fmt(s, digits)


def _records_by_school(df: pd.DataFrame, cols: list[str]) -> dict:
    """{school_id: [row dicts of cols]} built with one to_dict call (details of flagged schools)."""
    out: dict = {}
    for sid, rec in zip(df["school_id"].tolist(), df[cols].to_dict("records")):
        out.setdefault(sid, []).append(rec)
    return out


def procedure_years(prep: pd.DataFrame, settings: dict | None = None, rows: np.ndarray | None = None) -> pd.DataFrame:
    """Per school × procedure × year the numbers of the ШНОР rule.

    Columns: school_id, exam, year, score, se, participants, below_share, q1 (district 25th percentile of the score),
    n_schools, district_below_share, in_bottom, over_share, small_n, significant_low, share_significant,
    counts_bottom, counts_share (the position counts towards the rule after the small-group check).
    `rows` (positions in `prep`) restricts the rows used.
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
    lo, _ = wilson(ps["below"], ps["below_total"], Z95)
    ps["share_significant"] = pd.Series(100.0 * lo, index=ps.index) > ps["district_below_share"]
    ps["counts_bottom"] = ps["in_bottom"] & (~ps["small_n"] | ps["significant_low"])
    ps["counts_share"] = ps["over_share"] & (~ps["small_n"] | ps["share_significant"])
    return ps


def low_years(proc: pd.DataFrame, settings: dict | None = None) -> pd.DataFrame:
    """Per school × year: n_bottom, n_share (procedures that count) and low_year (either ≥ min_procedures)."""
    k = int(get(settings, "risk.low_results.min_procedures", 2))
    ly = proc.groupby(["school_id", "year"]).agg(n_bottom=("counts_bottom", "sum"),
                                                 n_share=("counts_share", "sum")).reset_index()
    ly["low_year"] = (ly["n_bottom"] >= k) | (ly["n_share"] >= k)
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


def _proc_pieces(proc: pd.DataFrame, thr: float) -> pd.DataFrame:
    """Russian text per counted school × procedure × year."""
    p = proc[proc["counts_bottom"] | proc["counts_share"]].copy()
    bottom = np.where(p["counts_bottom"],
                      p["exam"] + " — нижний квартиль района: " + _fmt(p["score"], 2)
                      + " при границе квартиля " + _fmt(p["q1"], 2) + " (" + _fmt(p["participants"], 0) + " уч.)", "")
    share = np.where(p["counts_share"],
                     p["exam"] + " — ниже минимума " + fmt(p["below_share"], unit="%") + " участников (порог "
                     + pct(thr, 0) + ")", "")
    p["text"] = pd.Series(bottom, index=p.index).str.cat(pd.Series(share, index=p.index), sep="; ").str.strip("; ")
    return p


def _subject_starts(subject: np.ndarray, prefixes) -> np.ndarray:
    """Rows whose subject starts (case-insensitively) with one of the lower-case prefixes; text work per distinct subject."""
    if not len(prefixes) or not len(subject):
        return np.zeros(len(subject), dtype=bool)
    codes, uniq = pd.factorize(subject, use_na_sentinel=False)
    hit = pd.Series(np.asarray(uniq, dtype=object)).astype(str).str.lower().str.startswith(tuple(prefixes)).to_numpy()
    return hit.take(codes)


def _phrases(exam: pd.Series, subject: pd.Series) -> pd.Series:
    """subject_phrase per row, built once per distinct exam × subject."""
    if exam.empty:
        return pd.Series([], index=exam.index, dtype=object)
    texts = text_by_value([exam.to_numpy(), subject.to_numpy()],
                          lambda e, s: [subject_phrase(a, b) for a, b in zip(e, s)])
    return pd.Series(texts, index=exam.index, dtype=object)


def _compulsory_sentences(prep: pd.DataFrame, year: int, settings: dict | None, school_ids=None) -> pd.Series:
    """Per school: «ЕГЭ по математике: средний балл 39,5 — ниже районного (52,3) три года подряд» for each compulsory
    ГИА subject whose mean was below the district in every year of the window (at least 2 years, up to `year`)."""
    subjects = [s.lower() for s in get(settings, "risk.min_fail.subjects", ["Русский язык", "Математика"])]
    window = int(get(settings, "risk.low_results.window", 3))
    yr = prep["year"].to_numpy()
    rows = np.flatnonzero((yr >= year - window + 1) & (yr <= year) & ~np.isnan(prep["mean"].to_numpy()))
    rows = rows[np.asarray(pd.Series(prep["exam"].to_numpy()[rows]).isin(["ЕГЭ", "ОГЭ"]))]
    if school_ids is not None:
        rows = rows[np.asarray(pd.Series(prep["school_id"].to_numpy()[rows]).isin(list(school_ids)))]
    rows = rows[_subject_starts(prep["subject"].to_numpy()[rows], subjects)]
    df = prep.iloc[rows][["school_id", "exam", "subject", "year", "mean", "district_mean"]]
    if df.empty:
        return pd.Series(dtype=object)
    df = df.assign(below=df["mean"] < df["district_mean"])
    g = df.groupby(["school_id", "exam", "subject"])
    agg = g.agg(n=("year", "nunique"), n_below=("below", "sum"), first=("year", "min"),
                last=("year", "max"), rows=("year", "size")).reset_index()
    consecutive = (agg["last"] - agg["first"] + 1) == agg["n"]
    agg = agg[(agg["n"] >= 2) & (agg["n_below"] == agg["rows"]) & consecutive & (agg["last"] == year)]
    if agg.empty:
        return pd.Series(dtype=object)
    cur = df[df["year"] == year].groupby(["school_id", "exam", "subject"]).agg(
        mean=("mean", "mean"), dmean=("district_mean", "mean")).reset_index()
    agg = agg.merge(cur, on=["school_id", "exam", "subject"])
    marks = (agg["dmean"] <= 5.0).to_numpy()  # 2–5 marks (ОГЭ, base maths) vs test scores
    what = np.where(marks, "средняя отметка ", "средний балл ")
    phrase = _phrases(agg["exam"], agg["subject"])
    # metrics.format.num text (means are positive and below 1 000), each distinct value written once
    m = pd.Series(np.where(marks, fmt(agg["mean"], 2), fmt(agg["mean"], 1)), index=agg.index, dtype=object)
    dm = pd.Series(np.where(marks, fmt(agg["dmean"], 2), fmt(agg["dmean"], 1)), index=agg.index, dtype=object)
    agg["text"] = (phrase + ": " + what + m + np.where(marks, " — ниже районной (", " — ниже районного (") + dm + ") "
                   + agg["n"].map(lambda n: _YEARS_WORD.get(int(n), f"{int(n)} лет подряд")))
    return agg.groupby("school_id")["text"].agg("; ".join)


def _low_results(proc, ly, status, prep, year, settings) -> pd.DataFrame:
    flagged = status[status["low"]]
    if flagged.empty:
        return pd.DataFrame(columns=OUT_COLUMNS)
    thr = float(get(settings, "risk.low_results.share_below_min", 30.0))
    window = int(get(settings, "risk.low_results.window", 3))
    pieces = _proc_pieces(proc[proc["school_id"].isin(flagged["school_id"])
                               & proc["year"].between(year - window + 1, year)], thr)
    pieces = pieces.merge(ly[ly["low_year"]][["school_id", "year"]], on=["school_id", "year"])
    srt = pieces.sort_values(["school_id", "year", "exam"], ascending=[True, False, True])
    sids, yrs = srt["school_id"].to_numpy(), srt["year"].to_numpy()
    starts, ends = runs(pd.factorize(sids)[0].astype(np.int64) * 100_000 + yrs.astype(np.int64) if len(sids) else sids)
    texts = srt["text"].tolist()
    year_text = [f"{yrs[a]}: " + "; ".join(texts[a:b]) for a, b in zip(starts, ends)]  # per school × year
    s_starts, s_ends = runs(sids[starts])
    body = pd.Series([". ".join(year_text[a:b]) for a, b in zip(s_starts, s_ends)], index=sids[starts][s_starts],
                     dtype=object)
    pe = pieces[["school_id", "exam"]].drop_duplicates().sort_values(["school_id", "exam"])
    starts, ends = runs(pe["school_id"].to_numpy())
    exams = pe["exam"].tolist()
    procs = pd.Series([exams[a:b] for a, b in zip(starts, ends)], index=pe["school_id"].to_numpy()[starts],
                      dtype=object)
    dproc = (proc[proc["school_id"].isin(flagged["school_id"]) & proc["year"].between(year - window + 1, year)]
             .assign(score=lambda d: d["score"].round(3), q1=lambda d: d["q1"].round(3),
                     below_share=lambda d: d["below_share"].round(1)))
    recs = _records_by_school(dproc, ["year", "exam", "score", "q1", "participants", "below_share", "in_bottom",
                                      "over_share", "small_n", "significant_low", "counts_bottom", "counts_share"])
    details = pd.Series({sid: {"window": [year - window + 1, year], "procedures": r} for sid, r in recs.items()},
                        dtype=object)
    comp = _compulsory_sentences(prep, year, settings, flagged["school_id"])
    f = flagged.copy()
    head = ("Низкие результаты в " + f["n_low"].astype(str) + " из " + str(window) + " последних лет ("
            + f["low_years"].map(lambda ys: ", ".join(str(y) for y in ys)) + "). ")
    f["reason"] = (head + f["school_id"].map(body).fillna("") + ". Результат процедуры — средний по предметам, "
                   "в стандартных отклонениях от среднего по району.")
    extra = f["school_id"].map(comp)
    f["reason"] = f["reason"].where(extra.isna(), f["reason"] + " " + extra.fillna("") + ".")
    f["years"] = f["low_years"]
    f["procedures"] = f["school_id"].map(procs)
    f["details"] = f["school_id"].map(details)
    f["flag"] = "low_results"
    return f


def _exit(proc, ly, status_now, status_prev, year, settings) -> pd.DataFrame:
    """Schools that met low_results last year, do not now, and closed ≥ risk.exit.min_gap_closed of their gap.

    Baseline = the school's latest low year ≤ year−1. For each procedure that counted in the baseline the gap is
    the distance to the threshold then: bottom quartile → q1 − score (standardised units), share → share − 30 %
    (percentage points). The part closed = (distance now − distance then) / gap, where distance is score − q1
    (or 30 % − share) in each year's own terms; a zero gap counts as closed when the distance grew at all.
    The mean over the counted procedures must reach min_gap_closed; a procedure without data this year cannot
    show improvement (0).
    """
    need = float(get(settings, "risk.exit.min_gap_closed", 0.5))
    thr = float(get(settings, "risk.low_results.share_below_min", 30.0))
    prev_low = set(status_prev.loc[status_prev["low"], "school_id"])
    now_low = set(status_now.loc[status_now["low"], "school_id"])
    cand = prev_low - now_low
    if not cand:
        return pd.DataFrame(columns=OUT_COLUMNS)
    base = ly[ly["school_id"].isin(cand) & ly["low_year"] & (ly["year"] <= year - 1)]
    base = base.sort_values("year").groupby("school_id").tail(1)[["school_id", "year"]].rename(columns={"year": "base"})
    b = proc.merge(base, left_on=["school_id", "year"], right_on=["school_id", "base"])
    cur = proc[proc["year"] == year][["school_id", "exam", "score", "q1", "below_share"]]
    b = b.merge(cur, on=["school_id", "exam"], how="left", suffixes=("", "_now"))
    parts = []
    for kind, mask, d_then, d_now, unit in (
            ("bottom", b["counts_bottom"], b["score"] - b["q1"], b["score_now"] - b["q1_now"], 2),
            ("share", b["counts_share"], thr - b["below_share"], thr - b["below_share_now"], 1)):
        sel = b[mask].copy()
        sel["gap"] = -d_then[mask]
        sel["d_then"], sel["d_now"] = d_then[mask], d_now[mask]
        sel["kind"] = kind
        gain = sel["d_now"] - sel["d_then"]
        closed = np.where(sel["gap"] > 0, gain / sel["gap"].where(sel["gap"] > 0), np.where(gain > 0, np.inf, 0.0))
        sel["closed"] = pd.Series(closed, index=sel.index).fillna(0.0)
        if kind == "bottom":
            sel["text"] = (sel["exam"] + ": " + _fmt(sel["score"], 2) + " → " + _fmt(sel["score_now"], 2)
                           + " (граница нижнего квартиля " + _fmt(sel["q1"], 2) + " → " + _fmt(sel["q1_now"], 2) + ")")
        else:
            sel["text"] = (sel["exam"] + ": ниже минимума " + fmt(sel["below_share"], unit="%") + " → "
                           + fmt(sel["below_share_now"], unit="%") + " (порог " + pct(thr, 0) + ")")
        parts.append(sel)
    allp = pd.concat(parts, ignore_index=True)
    if allp.empty:
        return pd.DataFrame(columns=OUT_COLUMNS)
    allp["closed_c"] = np.minimum(allp["closed"], 1.0)
    s = allp.groupby("school_id").agg(closed=("closed_c", "mean"), base=("base", "first")).reset_index()
    # texts, procedures and details per school from runs of the school-sorted rows (order within a school kept)
    srt = allp.sort_values("school_id", kind="stable")
    sids = srt["school_id"].to_numpy()
    starts, ends = runs(sids)
    texts, exams = srt["text"].tolist(), srt["exam"].tolist()
    s["text"] = ["; ".join(texts[a:b]) for a, b in zip(starts, ends)]
    s["procs"] = pd.Series([sorted(set(exams[a:b])) for a, b in zip(starts, ends)], dtype=object)
    s = s[s["closed"] >= need]
    if s.empty:
        return pd.DataFrame(columns=OUT_COLUMNS)
    recs = srt[["exam", "kind", "gap", "d_then", "d_now", "closed"]].round(3).to_dict("records")
    cc, bases = srt["closed_c"].to_numpy(dtype=float), srt["base"].to_numpy()
    keep = set(s["school_id"])
    det = pd.Series({sids[a]: {"baseline_year": int(bases[a]), "min_gap_closed": need,
                               "gap_closed": float(round(min(cc[a:b].sum() / (b - a), 1.0), 3)),
                               "procedures": recs[a:b]}
                     for a, b in zip(starts, ends) if sids[a] in keep}, dtype=object)
    s["reason"] = ("Вышла из числа ШНОР: правило низких результатов выполнялось в " + str(year - 1)
                   + " г., в " + str(year) + " г. не выполняется; разрыв до порога сокращён на "
                   + (100 * s["closed"]).map(lambda v: pct(v, 0)) + " (нужно не менее " + pct(100 * need, 0)
                   + "; база — " + s["base"].astype(int).astype(str) + " г.). " + s["text"] + ".")
    s["years"] = [[int(b_), year] for b_ in s["base"]]
    s["procedures"] = s["procs"]
    s["details"] = s["school_id"].map(det)
    s["flag"] = "exit"
    return s


def _min_fail(prep, year, settings) -> pd.DataFrame:
    exams = list(get(settings, "risk.min_fail.exams", ["ЕГЭ", "ОГЭ", "ГВЭ"]))
    subjects = tuple(s.lower() for s in get(settings, "risk.min_fail.subjects", ["Русский язык", "Математика"]))
    rows = np.flatnonzero((prep["year"].to_numpy() == year) & (prep["below"].to_numpy() > 0))
    rows = rows[np.asarray(pd.Series(prep["exam"].to_numpy()[rows]).isin(exams))]
    rows = rows[_subject_starts(prep["subject"].to_numpy()[rows], subjects)]
    df = prep.iloc[rows][["school_id", "exam", "subject", "below", "participants"]]
    if df.empty:
        return pd.DataFrame(columns=OUT_COLUMNS)
    df = df.sort_values(["school_id", "exam", "subject"])
    phrase = _phrases(df["exam"], df["subject"])
    df = df.assign(text=phrase + ": " + _fmt(df["below"], 0) + " из " + _fmt(df["participants"], 0)
                   + " не преодолели минимальный порог")
    sids = df["school_id"].to_numpy()
    starts, ends = runs(sids)
    texts, exams = df["text"].tolist(), df["exam"].tolist()
    out = pd.DataFrame({"school_id": sids[starts],
                        "text": ["; ".join(texts[a:b]) for a, b in zip(starts, ends)],
                        "total": np.add.reduceat(df["below"].to_numpy(dtype=float), starts),
                        "procedures": pd.Series([sorted(set(exams[a:b])) for a, b in zip(starts, ends)], dtype=object)})
    recs = _records_by_school(df, ["exam", "subject", "below", "participants"])
    det = pd.Series({sid: {"subjects": r} for sid, r in recs.items()}, dtype=object)
    out["reason"] = ("Есть выпускники ниже минимального порога по обязательным предметам ГИА (всего "
                     + _fmt(out["total"], 0) + "): " + out["text"] + ".")
    out["years"] = [[year]] * len(out)
    out["details"] = out["school_id"].map(det)
    out["flag"] = "min_fail_warning"
    return out


def _social(soc: pd.DataFrame, year: int) -> pd.DataFrame:
    top = soc[soc["top_quartile"]].copy()
    if top.empty:
        return pd.DataFrame(columns=OUT_COLUMNS)
    long = top[["school_id", "components"]].assign(share=top["components"].map(list)).explode("share")
    long = long[long["share"].notna()]
    long["z"] = [d[k] for d, k in zip(long["components"], long["share"])]
    long = long[long["z"] > 0].sort_values(["school_id", "z"], ascending=[True, False]).groupby("school_id").head(3)
    raw = top.melt(id_vars="school_id", value_vars=list(SHARE_LABELS), var_name="share", value_name="val")
    dist = top.melt(id_vars="school_id", value_vars=[f"district_{k}" for k in SHARE_LABELS],
                    var_name="share", value_name="dist")
    dist["share"] = dist["share"].str.removeprefix("district_")
    long = long.merge(raw, on=["school_id", "share"], how="left").merge(dist, on=["school_id", "share"], how="left")
    val, dist = long["val"], long["dist"]
    long["text"] = (long["share"].map(SHARE_LABELS) + " " + fmt(val, unit="%") + " (в среднем по району "
                    + fmt(dist, unit="%") + ")")
    sids = long["school_id"].to_numpy()  # sorted by school (then z, largest first)
    starts, ends = runs(sids)
    parts = long["text"].tolist()
    joined = pd.Series(["; ".join(parts[a:b]) for a, b in zip(starts, ends)], index=sids[starts], dtype=object)
    texts = top["school_id"].map(joined).fillna("")
    top["reason"] = ("Индекс социального неблагополучия " + _fmt(top["index"], 2)
                     + " — верхний квартиль района (граница " + _fmt(top["q3"], 2) + "). Выше среднего: "
                     + texts + ".")
    top["years"] = [[year]] * len(top)
    top["procedures"] = [[] for _ in range(len(top))]
    top["details"] = [{"index": round(float(i), 3), "q3": round(float(q), 3), "z": c}
                      for i, q, c in zip(top["index"], top["q3"], top["components"])]
    top["flag"] = "social"
    return top


def _context(ca: pd.DataFrame, year: int) -> pd.DataFrame:
    if ca.empty:
        return pd.DataFrame(columns=OUT_COLUMNS)
    nums = (" (результат " + _fmt(ca["value"], 2) + " при ожидаемом " + _fmt(ca["predicted"], 2)
            + " для такого социального индекса " + _fmt(ca["index"], 2) + "; отклонение "
            + fmt(ca["residual"], 2, sign=True) + " ± " + _fmt(Z95 * ca["se"], 2) + ", z = "
            + _fmt(ca["z"], 1) + "). Результат — средний по ЕГЭ и ОГЭ в стандартных отклонениях от среднего по району.")
    be = ca[ca["below_expectation"]].assign(
        flag="below_expectation",
        reason=lambda d: "Результаты значимо ниже ожидаемых с учётом социального состава" + nums[d.index])
    rs = ca[ca["resilient"]].assign(
        flag="resilient",
        reason=lambda d: ("Устойчивая школа: верхний квартиль социального неблагополучия, а результат в лучшей "
                          "половине относительно ожидаемого" + nums[d.index]))
    out = pd.concat([be, rs], ignore_index=True)
    out["years"] = [[year]] * len(out)
    out["procedures"] = [["ЕГЭ", "ОГЭ"]] * len(out)
    out["details"] = [{k: (round(float(v), 4) if isinstance(v, (float, np.floating)) else v) for k, v in r.items()}
                      for r in out[["value", "predicted", "residual", "se", "z", "index", "slope", "intercept",
                                    "participants"]].to_dict("records")]
    return out


def risk_flags(results: pd.DataFrame, schools: pd.DataFrame, year: int, settings: dict | None = None, *,
               values: pd.DataFrame | None = None, indicators: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the at-risk flags of `year`, one row per school × flag (see the module doc for the rules).

    Columns: school_id, year, flag (low_results | stable_low | min_fail_warning | social | below_expectation |
    resilient | exit), severity ("flag" | "warning" | "good"), label (Russian flag name), reason (Russian sentences
    with the numbers), years (list of years behind the flag), procedures (list), details (dict of the numbers).
    `values` / `indicators` are accepted for a uniform call with rank_schools; the flags do not use them.
    """
    year = int(year)
    prep = prepare(results, settings)
    window = int(get(settings, "risk.low_results.window", 3))
    yr = prep["year"].to_numpy()
    proc = procedure_years(prep, settings, np.flatnonzero((yr >= year - window) & (yr <= year)))
    ly = low_years(proc, settings)
    now = low_status(ly, year, settings)
    prev = low_status(ly, year - 1, settings)
    frames = [_low_results(proc, ly, now, prep, year, settings)]
    both = now[now["low"]].merge(prev[prev["low"]], on="school_id", suffixes=("", "_prev"))
    if len(both):
        st = both.copy()
        st["reason"] = ("Низкие результаты и в " + str(year - 1) + ", и в " + str(year)
                        + " г. (правило ШНОР выполняется два года подряд; низкие годы: "
                        + (st["low_years"] + st["low_years_prev"]).map(
                            lambda ys: ", ".join(str(y) for y in sorted(set(ys)))) + ").")
        st["years"] = [[year - 1, year]] * len(st)
        st["procedures"] = st["school_id"].map(frames[0].set_index("school_id")["procedures"])
        st["details"] = [{"low_years_now": a, "low_years_prev": b} for a, b in zip(st["low_years"], st["low_years_prev"])]
        st["flag"] = "stable_low"
        frames.append(st)
    frames.append(_exit(proc, ly, now, prev, year, settings))
    frames.append(_min_fail(prep, year, settings))
    soc = social_index_shared(schools, year, settings)  # memoised: shared with context_adjusted
    frames.append(_social(soc, year))
    ca = context_adjusted_shared(prep, soc, year, settings=settings)
    frames.append(_context(ca, year))
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=OUT_COLUMNS)
    out = pd.concat([f.reindex(columns=OUT_COLUMNS) for f in frames], ignore_index=True)
    out["year"] = year
    out["severity"] = out["flag"].map(SEVERITY)
    out["label"] = out["flag"].map(FLAG_LABELS)
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
