"""What does each school score on each exam row, and what does the district score?

Shared measures over the `results` table (one row per school × exam × subject ×
grade × year). `prepare()` turns the raw table into numbers every other M2 metric
uses, fully vectorised:

* `mean` — the given mean, or Σk·mark_k / Σmark_k when only the marks 2–5 are given;
* `below` / `below_share` — below-minimum count (`below_min`, or «2» when it is missing)
  and its percentage of participants (0–100);
* `sd_marks` — the spread of individual marks from the mark counts (sample SD);
* `nonobjective` — a ВПР result with a confirmed sign of inflated marks (`metrics.objectivity.core`):
  it stays in the school's own rows but is left out of every district value below and of the
  procedure scores (the ШНОР evidence), so one school's inflated ВПР does not make others look low
  (settings `objectivity.exclude_from_reference`);
* district values per exam × subject × grade × year, participant-weighted across
  schools (`district_mean`, `district_below_share`), the district's spread of
  individual results `district_sd` with its source `district_sd_source`: "marks" (pooled mark
  counts of all schools), "tails" (a score exam: the SD implied by the district's shares below the
  minimum score and at or above the high-score band, scores taken as normal — per subject and year,
  never one constant) or "settings" (`uncertainty.ege_score_sd` / `uncertainty.mark_sd`, when the
  data cannot tell), and the spread between school means `between_sd` (participant-weighted);
* `z` — the school's standardised mean, (mean − district_mean) / district_sd, i.e. in
  units of the district's spread of individual results, with its standard error `z_se`.

`procedure_scores()` combines subjects (and grades) into one score per school ×
procedure × year: the participant-weighted mean of `z`. `results_measure()` is the
simple per school × year value of one exam and subject (used by M1 as well).

Speed: `prepare()` is memoised per input table (weak reference + a cheap content
fingerprint) and its frame is built without block consolidation; the other functions
read it by row positions (`rows=`) and integer codes (`_sid`, `_eid`, `_sub`, `_gid`)
instead of copying filtered frames (see `metrics/vector.py`).
"""
from __future__ import annotations

import json
import weakref
from functools import lru_cache

import numpy as np
import pandas as pd

from metrics.settings import get
from metrics.stats import normal_quantile, wilson  # noqa: F401 (wilson: public here too)
from metrics.vector import group_ids, sort_rank

MARKS = (2, 3, 4, 5)
MARK_COLS = tuple(f"mark{k}" for k in MARKS)
COUNT_COLS = ("participants", "below_min", "high_scorers", *MARK_COLS, "lowered", "confirmed", "raised")
ROW_KEY = ["school_id", "year", "exam", "subject", "grade"]
GROUP_KEY = ["year", "exam", "subject", "grade"]


def _float(s: pd.Series) -> pd.Series:
    """Any numeric-ish column (Int64 with NA, object with None, float) as float64 with NaN."""
    if pd.api.types.is_float_dtype(s.dtype) and not isinstance(s.dtype, pd.api.extensions.ExtensionDtype):
        return s
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        return pd.Series(s.to_numpy(dtype="float64", na_value=np.nan), index=s.index)
    return pd.to_numeric(s, errors="coerce").astype("float64")


def _blank(s: pd.Series) -> pd.Series:
    """True where an id/text cell is missing (None, NaN, empty string)."""
    codes, uniq = pd.factorize(s, use_na_sentinel=True)
    if len(uniq) == 0:
        return pd.Series(True, index=s.index)
    ub = pd.Index(uniq).astype(str).str.strip().isin(["", "nan", "None", "<NA>"])
    return pd.Series((codes < 0) | np.asarray(ub)[np.maximum(codes, 0)], index=s.index)


def _text_codes(s: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stripped text of a column, its integer codes (values that differ only by spaces share a code) and
    whether each cell is blank (None, NaN, "", "nan", "None", "<NA>") — text work done once per distinct value."""
    codes, uniq = pd.factorize(s, use_na_sentinel=True)
    if len(codes) and codes.min() < 0:  # missing cells keep their own text ("None", "nan") as before
        codes, uniq = pd.factorize(s, use_na_sentinel=False)
    if len(uniq) == 0 and len(codes) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return np.zeros(0, dtype=object), empty, np.zeros(0, dtype=bool)
    clean = np.asarray(pd.Index(uniq).astype(str).str.strip(), dtype=object)
    blank_u = np.asarray(pd.isna(uniq)) | np.asarray(pd.Index(clean).isin(["", "nan", "None", "<NA>"]))
    code_u, _ = pd.factorize(clean)
    return clean.take(codes), code_u.take(codes), blank_u.take(codes)


_CACHE: list = []  # [(weakref to results, fingerprint, prepared)] — the last two inputs


def _fingerprint(results: pd.DataFrame, settings: dict | None):
    """Cheap content fingerprint: shape, columns, participant and mean totals, settings."""
    def total(c):
        if c not in results:
            return 0.0
        s = results[c]
        if not pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype):
            s = pd.to_numeric(s, errors="coerce")
        return float(s.sum())
    return (results.shape, tuple(results.columns), total("participants"), total("mean"),
            json.dumps(settings, sort_keys=True, default=str))


def prepare(results: pd.DataFrame, settings: dict | None = None) -> pd.DataFrame:
    """Per-row measures of `results`, memoised for the last two inputs (inputs are treated as read-only;
    a changed shape, column set, participant or mean total or settings recomputes). See `_prepare`."""
    key = _fingerprint(results, settings)
    for ref, k, prep in _CACHE:
        if ref() is results and k == key:
            return prep
    prep = _prepare(results, settings)
    try:
        _CACHE.insert(0, (weakref.ref(results), key, prep))
        del _CACHE[2:]
    except TypeError:
        pass
    return prep


def clear_cache() -> None:
    """Forget the memoised `prepare()`, `metrics.forecast.tidy_values()` and `metrics.social` tables (benchmarks
    time a cold start)."""
    _CACHE.clear()
    from metrics import forecast, objectivity, social
    forecast.clear_cache()
    social.clear_cache()
    objectivity.clear_cache()


def _prepare(results: pd.DataFrame, settings: dict | None = None) -> pd.DataFrame:
    """Return the per-row measures of `results` (rows without a school are dropped).

    Columns: school_id, year, exam, subject, grade (float, NaN when missing), participants,
    mean, marks_n, mark2..mark5, sd_marks, below, below_share (%), high_scorers, lowered,
    confirmed, raised, nonobjective (a ВПР result with a confirmed sign of inflated marks: left out of the
    district reference), district_participants, district_mean, district_below_share (%), district_sd,
    district_sd_source ("marks" | "tails" | "settings"), between_sd, n_schools, sd, sd_source ("marks"|"district"),
    z, z_se, and the integer helper ids _sid (school), _eid (exam), _sub (subject) and _gid (year × exam × subject ×
    grade).
    """
    data = _row_measures(results, settings)
    use = np.ones(len(data["year"]), dtype=bool)
    _district_measures(data, use, settings)
    prep = pd.DataFrame(data, copy=False)  # no block consolidation: ~25 columns × rows would be copied twice
    prep["nonobjective"] = False
    if bool(get(settings, "objectivity.exclude_from_reference", True)) and (prep["exam"].to_numpy() == "ВПР").any():
        from metrics.objectivity import core  # objectivity reads this table; its signs use raw columns only
        excluded = core(prep, settings)["exclude"]
        if excluded.any():
            _district_measures(data, ~excluded, settings)
            for c in _DISTRICT_COLUMNS:
                prep[c] = data[c]
            prep["nonobjective"] = excluded
    return prep


_DISTRICT_COLUMNS = ("district_participants", "n_schools", "district_mean", "district_below_share", "district_sd",
                     "district_sd_source", "between_sd", "sd", "sd_source", "z", "z_se")


def _row_measures(results: pd.DataFrame, settings: dict | None) -> dict:
    """The per-row numbers of `_prepare` (everything but the district reference), as a dict of arrays."""
    n_all = len(results)

    def col(name):
        return results[name] if name in results else pd.Series(np.nan, index=results.index, dtype=object)
    text, codes, blank = {}, {}, None
    for c in ("school_id", "exam", "subject"):
        text[c], codes[c], b = _text_codes(col(c))
        if c == "school_id":
            blank = b
    keep = ~blank if n_all else np.zeros(0, dtype=bool)
    year = _float(col("year")).to_numpy()
    part = _float(col("participants")).to_numpy()
    keep &= np.isfinite(year) & (np.nan_to_num(part) > 0)
    idx = np.flatnonzero(keep)
    whole = len(idx) == n_all
    data = {}
    for c in ("school_id", "exam", "subject"):
        data[c] = text[c] if whole else text[c][idx]
        if not whole:
            codes[c] = codes[c][idx]
    data["year"] = (year if whole else year[idx]).astype("int64")
    for c in ("grade", *COUNT_COLS, "mean"):
        arr = _float(col(c)).to_numpy()
        data[c] = arr if whole else arr[idx]
    # marks «2»–«5» column by column (same sums, in the same order, as a row-wise sum over the four)
    raw = [data[c] for c in MARK_COLS]
    cols0 = [np.nan_to_num(x) for x in raw]
    kvec = np.array(MARKS, dtype=float)
    marks_n = ((cols0[0] + cols0[1]) + cols0[2]) + cols0[3]
    has_marks = (~np.isnan(raw[0]) | ~np.isnan(raw[1]) | ~np.isnan(raw[2]) | ~np.isnan(raw[3])) & (marks_n > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mark_mean = (((cols0[0] * 2.0 + cols0[1] * 3.0) + cols0[2] * 4.0) + cols0[3] * 5.0) / marks_n
        dev = [cols0[j] * (kvec[j] - mark_mean) ** 2 for j in range(4)]
        ss = ((dev[0] + dev[1]) + dev[2]) + dev[3]
        sd_marks = np.sqrt(ss / (marks_n - 1))
    data["marks_n"] = np.where(has_marks, marks_n, np.nan)
    data["sd_marks"] = np.where(has_marks & (marks_n >= 2), sd_marks, np.nan)
    m = data["mean"]
    data["mean"] = np.where(np.isnan(m) & has_marks, mark_mean, m)
    b = data["below_min"]
    data["below"] = np.where(np.isnan(b), data["mark2"], b)
    with np.errstate(invalid="ignore", divide="ignore"):
        data["below_share"] = 100.0 * data["below"] / data["participants"]
    ycode = pd.factorize(data["year"])[0]
    gcode = pd.factorize(data["grade"], use_na_sentinel=False)[0]
    combo = ((ycode.astype(np.int64) * (codes["exam"].max(initial=0) + 1) + codes["exam"])
             * (codes["subject"].max(initial=0) + 1) + codes["subject"]) * (gcode.max(initial=0) + 1) + gcode
    data["_gid"] = pd.factorize(combo)[0]
    data["_sid"] = codes["school_id"]
    data["_eid"] = codes["exam"]
    data["_sub"] = codes["subject"]
    data["_cols0"] = cols0  # taken out again by _district_measures' caller
    return data


def _district_measures(data: dict, use: np.ndarray, settings: dict | None) -> None:
    """Fill the district reference of every row into `data` (in place), computed over the rows where `use`.

    Per exam × subject × grade × year: participant-weighted mean and below-minimum share, the district's spread of
    individual results (pooled mark counts; for a score exam without marks, from the shares below the minimum and
    at or above the high-score band; else the settings' typical spread), the participant-weighted SD between school
    means, and each row's standardised mean z = (mean − district mean) / district SD with its standard error."""
    cols0 = data["_cols0"] if "_cols0" in data else [np.nan_to_num(data[c]) for c in MARK_COLS]
    kvec = np.array(MARKS, dtype=float)
    gid = data["_gid"]
    ng = int(gid.max()) + 1 if len(gid) else 0
    w = use.astype(float)
    n = data["participants"]
    mean = data["mean"]
    below = data["below"]
    hm, hb = ~np.isnan(mean) & use, ~np.isnan(below) & use

    def gsum(x):
        return np.bincount(gid, weights=np.nan_to_num(x), minlength=ng)
    n_mean = gsum(np.where(hm, n, 0.0))
    sum_mean = gsum(np.where(hm, n * mean, 0.0))
    n_below = gsum(np.where(hb, n, 0.0))
    sum_below = gsum(np.where(hb, below, 0.0))
    pooled = np.column_stack([gsum(cols0[j] * w) for j in range(4)]) if len(n) else np.zeros((0, 4))
    with np.errstate(invalid="ignore", divide="ignore"):
        g_dmean = np.where(n_mean > 0, sum_mean / n_mean, np.nan)
        g_dbelow = np.where(n_below > 0, 100.0 * sum_below / n_below, np.nan)
        pn = pooled.sum(axis=1)
        pm = (pooled * kvec).sum(axis=1) / pn
        psd = np.sqrt((pooled * (kvec - pm[:, None]) ** 2).sum(axis=1) / (pn - 1))
    dmean = g_dmean[gid]
    data["district_participants"] = gsum(n * w)[gid]
    data["n_schools"] = np.bincount(gid, weights=w, minlength=ng)[gid]
    data["district_mean"] = dmean
    data["district_below_share"] = g_dbelow[gid]
    pooled_ok = (pn >= 2) & np.isfinite(psd) & (psd > 0)
    tails = _score_sd_from_tails(data, gid, ng, g_dmean, hb, settings)
    mark_fallback = float(get(settings, "uncertainty.mark_sd", 0.8))
    score_fallback = float(get(settings, "uncertainty.ege_score_sd", 15.0))
    g_fallback = np.where(g_dmean <= 5.0, mark_fallback, score_fallback)
    g_sd = np.where(pooled_ok, psd, np.where(np.isfinite(tails), tails, g_fallback))
    g_src = np.where(pooled_ok, 0, np.where(np.isfinite(tails), 1, 2)).astype(np.int8)
    dsd = g_sd[gid]
    data["district_sd"] = dsd
    data["district_sd_source"] = np.array(["marks", "tails", "settings"], dtype=object).take(g_src[gid])
    ss_between = gsum(np.where(hm, n * (mean - dmean) ** 2, 0.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        data["between_sd"] = np.where(n_mean > 0, np.sqrt(ss_between / n_mean), np.nan)[gid]
    min_own = float(get(settings, "uncertainty.min_marks_for_own_sd", 10))
    sdm = data["sd_marks"]
    own = ~np.isnan(sdm) & (sdm > 0) & (data["marks_n"] >= min_own)
    sd = np.where(own, sdm, dsd)
    data["sd"] = sd
    data["sd_source"] = np.array(["district", "marks"], dtype=object).take(own.astype(np.int8))  # shared str objects
    with np.errstate(invalid="ignore", divide="ignore"):
        data["z"] = (mean - dmean) / dsd
        data["z_se"] = sd / dsd / np.sqrt(n)
    data.pop("_cols0", None)


@lru_cache(maxsize=8192)
def _minimum(exam: str, subject: str, year: int) -> float:
    """The minimum score of a score exam's subject in a year (a trial ЕГЭ takes the ЕГЭ minimum), NaN if unknown."""
    from loaders.thresholds import min_score
    m = min_score("ЕГЭ" if "ЕГЭ" in str(exam) else str(exam), subject, year)
    return np.nan if m is None else float(m)


def _score_sd_from_tails(data: dict, gid: np.ndarray, ng: int, g_dmean: np.ndarray, use: np.ndarray,
                         settings: dict | None) -> np.ndarray:
    """Per group, the SD of individual test scores implied by the district's tails (NaN where they cannot tell).

    For a score exam (district mean above 5) without mark counts, scores taken as normal: a share p below the
    minimum m gives σ = (μ − (m − 0,5)) / z(1 − p); a share p at or above the high band h gives
    σ = (h − 0,5 − μ) / z(1 − p). Each tail needs at least `uncertainty.min_tail` pupils (5) and less than half
    of them; with both tails the two estimates are averaged. The minimum comes from config/exam_thresholds.csv
    (a trial ЕГЭ uses the ЕГЭ minimum)."""
    out = np.full(ng, np.nan)
    if ng == 0:
        return out
    n = data["participants"]
    min_tail = float(get(settings, "uncertainty.min_tail", 5))
    band = float(get(settings, "exams.high_score_band", 80))

    def gsum(x):
        return np.bincount(gid, weights=np.nan_to_num(x), minlength=ng)
    below = gsum(np.where(use, data["below"], 0.0))
    n_below = gsum(np.where(use, n, 0.0))
    has_high = use & ~np.isnan(data["high_scorers"])
    high = gsum(np.where(has_high, data["high_scorers"], 0.0))
    n_high = gsum(np.where(has_high, n, 0.0))
    scored = np.isfinite(g_dmean) & (g_dmean > 5.0)
    if not scored.any():
        return out
    first = np.full(ng, -1, dtype=np.int64)
    first[gid[::-1]] = np.arange(len(gid) - 1, -1, -1)
    mins = np.full(ng, np.nan)
    for g in np.flatnonzero(scored & (first >= 0)):  # one lookup per exam × subject × year (a few hundred)
        mins[g] = _minimum(data["exam"][first[g]], data["subject"][first[g]], int(data["year"][first[g]]))
    with np.errstate(invalid="ignore", divide="ignore"):
        pb = below / n_below
        ph = high / n_high
        sd_b = (g_dmean - (mins - 0.5)) / -normal_quantile(pb)
        sd_h = (band - 0.5 - g_dmean) / -normal_quantile(ph)
    ok_b = scored & (below >= min_tail) & (pb < 0.5) & (mins > 5) & np.isfinite(sd_b) & (sd_b > 0)
    ok_h = scored & (high >= min_tail) & (ph < 0.5) & np.isfinite(sd_h) & (sd_h > 0)
    both = ok_b & ok_h
    out = np.where(both, (sd_b + sd_h) / 2, np.where(ok_b, sd_b, np.where(ok_h, sd_h, np.nan)))
    return out


def _exam_rows(df: pd.DataFrame, exams) -> np.ndarray:
    """Positions of the rows whose exam is one of `exams` (all rows when None)."""
    if exams is None:
        return np.arange(len(df))
    exam = df["exam"].to_numpy()
    exams = list(exams)
    mask = exam == exams[0] if len(exams) == 1 else np.asarray(pd.Series(exam).isin(exams))
    return np.flatnonzero(mask)


def _take(df: pd.DataFrame, col: str, rows: np.ndarray) -> np.ndarray:
    return df[col].to_numpy()[rows]


def procedure_scores(prep: pd.DataFrame, exams=None, rows: np.ndarray | None = None) -> pd.DataFrame:
    """Return one score per school × procedure (exam) × year from `prepare()` output.

    Columns: school_id, exam, year, score (participant-weighted mean of the subject z's,
    in units of the district's individual spread; 0 = district level), se (the subjects
    treated as perfectly correlated — a conservative bound: Σ n_s·se_s / Σ n_s),
    participants (the cohort: per grade the largest subject entry, summed over grades),
    below, below_total, below_share (% of subject entries below the minimum), n_subjects.
    Sorted by school_id, exam, year. Vectorised over integer group ids. `rows` (positions in `prep`)
    restricts the rows used, without copying `prep`.
    """
    cols = ["school_id", "exam", "year", "score", "se", "participants", "below", "below_total", "below_share",
            "n_subjects"]
    if rows is None:
        rows = _exam_rows(prep, exams)
    elif exams is not None:
        rows = rows[np.asarray(pd.Series(prep["exam"].to_numpy()[rows]).isin(list(exams)))]
    if len(rows) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object if c in ("school_id", "exam") else
                                          ("int64" if c in ("year", "n_subjects") else "float64")) for c in cols})
    g = procedure_groups(prep, rows)
    order = np.lexsort((g["year"], sort_rank(g["exam"]), sort_rank(g["school_id"])))
    return pd.DataFrame({c: g[c][order] for c in cols}, copy=False)


def procedure_groups(prep: pd.DataFrame, rows: np.ndarray) -> dict[str, np.ndarray]:
    """The numbers of `procedure_scores` for the given rows of `prep`, one array element per
    school × exam × year group (in order of first appearance), plus `_sid` (school code) per group."""
    # texts are read only at one row per group; the integer codes of `prepare` group the rows
    sidc = prep["_sid"].to_numpy()[rows] if "_sid" in prep else pd.factorize(_take(prep, "school_id", rows))[0]
    eidc = prep["_eid"].to_numpy()[rows] if "_eid" in prep else pd.factorize(_take(prep, "exam", rows))[0]
    year = _take(prep, "year", rows).astype(np.int64)
    gid, first = group_ids(sidc, eidc, year - year.min())
    ng = len(first)
    z, zse = _take(prep, "z", rows), _take(prep, "z_se", rows)
    n = _take(prep, "participants", rows)
    below = _take(prep, "below", rows)
    kept = ~_take(prep, "nonobjective", rows).astype(bool) if "nonobjective" in prep else np.ones(len(rows), bool)
    ok = ~np.isnan(z) & kept
    hb = ~np.isnan(below) & kept

    def gsum(x):
        return np.bincount(gid, weights=x, minlength=ng)
    nz = gsum(np.where(ok, n, 0.0))
    wz = gsum(np.where(ok, n * z, 0.0))
    wse = gsum(np.where(ok, n * zse, 0.0))
    b = gsum(np.where(hb, below, 0.0))
    bt = gsum(np.where(hb, n, 0.0))
    subj = gsum(ok.astype(float))
    # cohort: per grade the largest subject entry, summed over the grades
    grade = _take(prep, "grade", rows)
    g2, first2 = group_ids(gid, pd.factorize(np.where(np.isnan(grade), -1.0, grade))[0])
    mx = np.full(len(first2), -np.inf)
    np.maximum.at(mx, g2, n)
    cohort = np.bincount(gid[first2], weights=mx, minlength=ng)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(nz > 0, wz / nz, np.nan)
        se = np.where(nz > 0, wse / nz, np.nan)
        share = np.where(bt > 0, 100.0 * b / bt, np.nan)
    at = rows[first]
    return {"school_id": _take(prep, "school_id", at), "exam": _take(prep, "exam", at), "year": year[first],
            "_sid": sidc[first],
            "score": score, "se": se, "participants": cohort, "below": b, "below_total": bt,
            "below_share": share, "n_subjects": subj.astype(np.int64)}


def results_measure(results: pd.DataFrame, exam: str, subject: str, measure: str = "mean",
                    *, settings: dict | None = None) -> pd.DataFrame:
    """Return per school × year the value of one exam and subject (grades combined).

    measure="mean": participant-weighted mean (ЕГЭ score 0–100, ОГЭ/ВПР mark 2–5);
    measure="below_share": % of participants below the minimum (0–100).
    Columns: school_id, year, value, participants.
    """
    prep = prepare(results, settings)
    return _measure_from_prep(prep, exam, subject, measure)


def _measure_from_prep(prep: pd.DataFrame, exam: str, subject: str | None, measure: str) -> pd.DataFrame:
    if measure not in ("mean", "below_share"):
        raise ValueError(f"Неизвестная мера «{measure}»: ожидается mean или below_share")
    mask = prep["exam"].to_numpy() == exam
    if subject is not None:
        mask &= prep["subject"].to_numpy() == subject
    rows = np.flatnonzero(mask)
    cols = ["school_id", "year", "value", "participants"]
    if len(rows) == 0:
        return pd.DataFrame({"school_id": pd.Series(dtype=object), "year": pd.Series(dtype="int64"),
                             "value": pd.Series(dtype="float64"), "participants": pd.Series(dtype="float64")})
    sid = _take(prep, "school_id", rows)
    sidc = prep["_sid"].to_numpy()[rows] if "_sid" in prep else pd.factorize(sid)[0]
    year = _take(prep, "year", rows).astype(np.int64)
    gid, first = group_ids(sidc, year - year.min())
    ng = len(first)
    n = _take(prep, "participants", rows)
    x = _take(prep, "mean" if measure == "mean" else "below", rows)
    ok = ~np.isnan(x)
    s = np.bincount(gid, weights=np.where(ok, n * x if measure == "mean" else x, 0.0), minlength=ng)
    w = np.bincount(gid, weights=np.where(ok, n, 0.0), minlength=ng)
    part = np.bincount(gid, weights=n, minlength=ng)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.where(w > 0, s / w, np.nan)
    if measure == "below_share":
        value = value * 100.0
    gs, gy = sid[first], year[first]
    order = np.lexsort((gy, sort_rank(gs)))
    return pd.DataFrame({"school_id": gs[order], "year": gy[order], "value": value[order],
                         "participants": part[order]}, copy=False)[cols]


def district_measure(results: pd.DataFrame, exam: str, subject: str, measure: str = "mean",
                     *, settings: dict | None = None) -> pd.DataFrame:
    """Return per year the district value of one exam and subject, participant-weighted across schools.

    Columns: year, value, participants.
    """
    per = results_measure(results, exam, subject, measure, settings=settings)
    ok = per["value"].notna()
    tmp = pd.DataFrame({"year": per["year"], "s": (per["value"] * per["participants"]).where(ok, 0.0),
                        "w": per["participants"].where(ok, 0.0), "participants": per["participants"]})
    out = tmp.groupby("year", sort=True).sum().reset_index()
    out["value"] = (out["s"] / out["w"]).where(out["w"] > 0)
    return out[["year", "value", "participants"]]


# Dative forms for «ЕГЭ по математике»; other subjects fall back to «ЕГЭ, предмет «…»».
_DATIVE = {
    "русский язык": "русскому языку",
    "математика": "математике",
    "математика профильная": "профильной математике",
    "математика (профильная)": "профильной математике",
    "математика профильного уровня": "профильной математике",
    "профильная математика": "профильной математике",
    "математика базовая": "базовой математике",
    "математика (базовая)": "базовой математике",
    "математика базового уровня": "базовой математике",
    "базовая математика": "базовой математике",
    "физика": "физике",
    "химия": "химии",
    "биология": "биологии",
    "история": "истории",
    "обществознание": "обществознанию",
    "информатика": "информатике",
    "информатика и икт": "информатике",
    "география": "географии",
    "литература": "литературе",
    "английский язык": "английскому языку",
    "немецкий язык": "немецкому языку",
    "французский язык": "французскому языку",
    "испанский язык": "испанскому языку",
    "китайский язык": "китайскому языку",
    "окружающий мир": "окружающему миру",
}


def subject_phrase(exam: str, subject: str, grade=None) -> str:
    """«ЕГЭ по математике», «ВПР по русскому языку, 5 класс» (falls back to «ЕГЭ, предмет «…»»)."""
    dat = _DATIVE.get(str(subject).strip().lower())
    text = f"{exam} по {dat}" if dat else f"{exam}, предмет «{subject}»"
    if grade is not None and not (isinstance(grade, float) and np.isnan(grade)):
        text += f", {int(grade)} класс"
    return text
