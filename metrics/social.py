"""How disadvantaged is each school's intake, and how do its results compare with what that context predicts?

`social_index()` is the social disadvantage index (ИСБШ turned round: higher = more
disadvantaged): the weighted mean of the school's standardised context shares
(`loaders.model.CONTEXT_SHARES`), weights in `risk.social.weights`.
`context_adjusted()` regresses school results on the index across schools (weighted
least squares, weights = participants) and says which schools do significantly worse
than their context predicts ("below expectation") and which disadvantaged schools do
well ("resilient").
"""
from __future__ import annotations

import json

import numpy as np
import pandas as pd

from loaders.model import CONTEXT_SHARES
from metrics.memo import remember
from metrics.measures import _blank, _float, _measure_from_prep, prepare, procedure_scores
from metrics.explain import Explanation, Point, q
from metrics.settings import get
from metrics.stats import Z95

SHARE_LABELS = {
    "low_income_pct": "малоимущие семьи",
    "single_parent_pct": "неполные семьи",
    "large_family_pct": "многодетные семьи",
    "risk_group_pct": "группа риска",
    "disability_pct": "дети с ОВЗ",
    "non_native_pct": "русский язык не родной",
}
SCORE_NOTE = Point("Сводный балл — средний по предметам результат школы относительно района: 0 — уровень района, "
                   "−1 — ниже на величину обычного разброса результатов учеников")


def context_rows(schools: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per school the registry row that describes `year`: the row of that year, else the latest earlier
    year, else the undated row — among rows that have at least one context share. Columns: school_id,
    context_year (NaN for an undated row) and the CONTEXT_SHARES as floats."""
    if schools is None or len(schools) == 0:
        return pd.DataFrame(columns=["school_id", "context_year", *CONTEXT_SHARES])
    df = pd.DataFrame({"school_id": schools["school_id"]})
    df["context_year"] = _float(schools["year"]) if "year" in schools else np.nan
    for c in CONTEXT_SHARES:
        df[c] = _float(schools[c]) if c in schools else np.nan
    df = df[~_blank(df["school_id"]) & df[list(CONTEXT_SHARES)].notna().any(axis=1)]
    df = df[df["context_year"].isna() | (df["context_year"] <= year)].copy()
    df["school_id"] = df["school_id"].astype(str).str.strip()
    df["_prio"] = (year - df["context_year"]).fillna(10_000)
    df = df.sort_values(["school_id", "_prio"]).drop_duplicates("school_id")
    return df.drop(columns="_prio").reset_index(drop=True)


def quartile_of(values: pd.Series) -> tuple[pd.Series, float, float, float]:
    """Quartile 1–4 of each value among `values` (4 = highest): 1 if ≤ Q1, 2 if ≤ Q2, 3 if < Q3, 4 if ≥ Q3,
    quantiles with linear interpolation. Returns (quartile as Int64, Q1, Q2, Q3)."""
    v = values.dropna()
    if v.empty:
        return pd.Series(pd.NA, index=values.index, dtype="Int64"), np.nan, np.nan, np.nan
    q1, q2, q3 = (float(v.quantile(q)) for q in (0.25, 0.5, 0.75))
    q = np.select([values <= q1, values <= q2, values < q3, values >= q3], [1, 2, 3, 4], 0)
    out = pd.Series(q, index=values.index).where(values.notna()).astype("Int64")
    return out, q1, q2, q3


_MEMO: list = []  # [(weakrefs to the inputs, key, result)] — the last few social / context tables


def _settings_key(settings: dict | None) -> str:
    return json.dumps(settings, sort_keys=True, default=str)


def _memo(objs: list, key: tuple, compute):
    """The result of `compute()` for these input objects (by identity) and key, computed once while they live."""
    return remember(_MEMO, objs, key, compute, 6)


def clear_cache() -> None:
    """Forget the memoised social index and context tables."""
    _MEMO.clear()


def _schools_fingerprint(schools: pd.DataFrame) -> tuple:
    """Shape, columns and the totals of the numeric context columns (inputs are treated as read-only)."""
    if schools is None:
        return (None,)
    sums = tuple(float(np.nansum(_float(schools[c]).to_numpy())) for c in (*CONTEXT_SHARES, "year", "students")
                 if c in schools)
    return schools.shape, tuple(schools.columns), sums


def social_index(schools: pd.DataFrame, year: int, settings: dict | None = None) -> pd.DataFrame:
    """Return the social disadvantage index per school for `year`.

    index = Σ w_k·z_k / Σ w_k over the context shares the school has, z_k = (share − district mean of the
    share across schools) / its SD across schools (sample SD, ddof=1); weights w_k from `risk.social.weights`
    (default 1 each). A share that no school has, or that is equal everywhere, is left out. Higher = more
    disadvantaged. quartile: 1–4 (4 = most disadvantaged: index ≥ the 75th percentile across schools);
    <NA> when fewer than risk.social.min_schools (default 4) schools have an index.
    Columns: school_id, index, quartile, q3 (75th percentile of the index), top_quartile (bool),
    context_year, components (dict share → z), the raw shares (CONTEXT_SHARES) and district_<share>
    (plain mean across schools).
    """
    return social_index_shared(schools, year, settings).copy()


def social_index_shared(schools: pd.DataFrame, year: int, settings: dict | None = None) -> pd.DataFrame:
    """`social_index`, memoised per schools table, year and settings (the result is shared: read-only)."""
    key = ("social", int(year), _settings_key(settings), _schools_fingerprint(schools))
    return _memo([schools], key, lambda: _social_index(schools, year, settings))


def _social_index(schools: pd.DataFrame, year: int, settings: dict | None = None) -> pd.DataFrame:
    """The social index table of `social_index` (computed; see there)."""
    rows = context_rows(schools, int(year))
    weights = get(settings, "risk.social.weights", {}) or {}
    zs, ws = [], []
    for c in CONTEXT_SHARES:
        x = rows[c]
        sd = x.std(ddof=1)
        rows[f"district_{c}"] = x.mean()
        w = float(weights.get(c, 1.0))
        if x.notna().sum() < 2 or not np.isfinite(sd) or sd <= 0 or w == 0:
            zs.append(pd.Series(np.nan, index=rows.index))
        else:
            zs.append((x - x.mean()) / sd)
        ws.append(w)
    z = pd.concat(zs, axis=1) if zs else pd.DataFrame(index=rows.index)
    z.columns = list(CONTEXT_SHARES)
    w = np.array(ws)
    avail = z.notna().to_numpy()
    wsum = (avail * w).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        idx = np.where(wsum > 0, np.nansum(z.to_numpy() * w, axis=1) / wsum, np.nan)
    rows["index"] = idx
    zr = z.round(3)
    comps = zr.to_dict("records")  # NaN entries dropped only where a school has them
    for i in np.flatnonzero(zr.isna().any(axis=1).to_numpy()):
        comps[i] = {k: v for k, v in comps[i].items() if pd.notna(v)}
    rows["components"] = comps
    quart, _, _, q3 = quartile_of(rows["index"])
    if rows["index"].notna().sum() < int(get(settings, "risk.social.min_schools", 4)):
        quart = pd.Series(pd.NA, index=rows.index, dtype="Int64")
    rows["quartile"] = quart
    rows["q3"] = q3
    rows["top_quartile"] = (rows["quartile"] == 4).fillna(False).astype(bool)
    cols = ["school_id", "index", "quartile", "q3", "top_quartile", "context_year", "components",
            *CONTEXT_SHARES, *(f"district_{c}" for c in CONTEXT_SHARES)]
    return rows[cols].sort_values("school_id").reset_index(drop=True)


def _standardised(prep: pd.DataFrame, exams, year: int) -> pd.DataFrame:
    """school_id, value (participant-weighted z across the exams' subjects), se (conservative), participants."""
    rows = np.flatnonzero(prep["year"].to_numpy() == year)
    rows = rows[np.asarray(pd.Series(prep["exam"].to_numpy()[rows]).isin(list(exams)))]
    if len(rows) == 0:
        return pd.DataFrame(columns=["school_id", "value", "se", "participants"])
    ps = procedure_scores(prep, None, rows)
    # weight each procedure by its subject entries with a score, as in procedure_scores
    df = prep.iloc[rows][["school_id", "exam", "z", "participants"]]
    ok = df["z"].notna()
    nz = df["participants"].where(ok, 0.0).groupby([df["school_id"], df["exam"]]).sum().rename("nz").reset_index()
    ps = ps.merge(nz, on=["school_id", "exam"])
    ps = ps[ps["nz"] > 0]
    acc = pd.DataFrame({"school_id": ps["school_id"], "wv": ps["score"] * ps["nz"], "ws": ps["se"] * ps["nz"],
                        "w": ps["nz"], "participants": ps["participants"]}).groupby("school_id").sum()
    return pd.DataFrame({"school_id": acc.index, "value": (acc["wv"] / acc["w"]).to_numpy(),
                         "se": (acc["ws"] / acc["w"]).to_numpy(), "participants": acc["participants"].to_numpy()})


def wls_line(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[float, float, np.ndarray]:
    """Weighted least squares y = a + b·x. Returns (intercept, slope, covariance of (a, b)) with the covariance
    σ̂²·(XᵀWX)⁻¹, σ̂² = Σ w·r² / (N − 2) (NaN covariance when N ≤ 2)."""
    X = np.column_stack([np.ones_like(x), x])
    xtwx = X.T @ (X * w[:, None])
    beta = np.linalg.solve(xtwx, X.T @ (w * y))
    r = y - X @ beta
    dof = len(y) - 2
    s2 = float((w * r * r).sum() / dof) if dof > 0 else np.nan
    return float(beta[0]), float(beta[1]), s2 * np.linalg.inv(xtwx)


def context_adjusted(results: pd.DataFrame, schools: pd.DataFrame, year: int, *, exam: str | None = None,
                     subject: str | None = None, measure: str = "mean", settings: dict | None = None) -> pd.DataFrame:
    """Return each school's result against what its social context predicts, for `year`.

    Outcome (value): exam + subject → the school mean (measure="mean") or % below the minimum
    (measure="below_share", lower is better); exam only → the procedure score (participant-weighted standardised
    mean across its subjects); neither → the participant-weighted standardised mean across the ЕГЭ and ОГЭ subjects
    (risk.context.exams), in units of the district's spread of individual results (0 = district level).
    Fit: weighted least squares of value on the social index across schools having both, weights = participants;
    needs at least risk.context.min_schools (default 10) schools, otherwise an empty table (too few points for a
    line to mean anything). r2 = the weighted share of the schools' spread the line explains (shown beside it).
    residual = value − predicted. se = standard error of the residual = √(se_school² + se_pred²): se_school is the
    sampling error of the school's own value (sd/√n for a mean; √(p(1−p)/n) at the predicted share for a share;
    the conservative bound Σ n·se / Σ n over subjects for a standardised score), se_pred the error of the fitted
    line at the school's index. z = residual / se. below_expectation: at least ranking.min_participants (10)
    participants and z ≤ −risk.context.z (1.96) in the good direction (for a share: more pupils below the minimum
    than predicted). resilient: social quartile 4, at least the minimum n, and (risk.context.resilient_rule)
    "interval": the residual's 95 % interval above 0 in the good direction, or "pisa": results in the district's
    best quarter (PISA's rule for resilient pupils, applied to schools).
    Columns: school_id, value, index, quartile, participants, predicted, residual, se, z, below_expectation,
    resilient, slope, intercept (repeated per row, for drawing the line), higher_is_better, n_schools, r2,
    explanation (`metrics.explain.Explanation` of a below-expectation or resilient school, else None).
    """
    return context_adjusted_from(prepare(results, settings), social_index_shared(schools, int(year), settings), year,
                                 exam=exam, subject=subject, measure=measure, settings=settings)


def context_adjusted_from(prep: pd.DataFrame, soc: pd.DataFrame, year: int, *, exam: str | None = None,
                          subject: str | None = None, measure: str = "mean",
                          settings: dict | None = None) -> pd.DataFrame:
    """`context_adjusted` on the prepared results (`metrics.measures.prepare`) and a `social_index()` table."""
    return context_adjusted_shared(prep, soc, year, exam=exam, subject=subject, measure=measure,
                                   settings=settings).copy()


def context_adjusted_shared(prep: pd.DataFrame, soc: pd.DataFrame, year: int, *, exam: str | None = None,
                            subject: str | None = None, measure: str = "mean",
                            settings: dict | None = None) -> pd.DataFrame:
    """`context_adjusted_from`, memoised for the same `prep` and `soc` objects (the result is shared: read-only)."""
    extra = ("context", int(year), exam, subject, measure, _settings_key(settings))
    return _memo([prep, soc], extra, lambda: _context_adjusted_from(prep, soc, year, exam=exam, subject=subject,
                                                                    measure=measure, settings=settings))


def _context_adjusted_from(prep: pd.DataFrame, soc: pd.DataFrame, year: int, *, exam: str | None = None,
                           subject: str | None = None, measure: str = "mean",
                           settings: dict | None = None) -> pd.DataFrame:
    year = int(year)
    cols = ["school_id", "value", "index", "quartile", "participants", "predicted", "residual", "se", "z",
            "below_expectation", "resilient", "slope", "intercept", "higher_is_better", "n_schools", "r2",
            "explanation"]
    higher = True
    if exam is not None and subject is not None:
        at = np.flatnonzero((prep["year"].to_numpy() == year) & (prep["exam"].to_numpy() == exam)
                            & (prep["subject"].to_numpy() == subject))
        df = prep.iloc[at][["school_id", "exam", "subject", "year", "participants", "mean", "below", "sd", "_sid"]]
        y = _measure_from_prep(df, exam, subject, measure)
        y = y[y["year"] == year].drop(columns="year")
        if measure == "mean":
            sd = (df["participants"] * df["sd"]).groupby(df["school_id"]).sum() / \
                df["participants"].groupby(df["school_id"]).sum()
            y["sd"] = y["school_id"].map(sd)
        else:
            higher = False
    elif exam is not None:
        ps = procedure_scores(prep, [exam], np.flatnonzero(prep["year"].to_numpy() == year))
        y = ps.rename(columns={"score": "value"})[["school_id", "value", "se", "participants"]]
    else:
        y = _standardised(prep, get(settings, "risk.context.exams", ["ЕГЭ", "ОГЭ"]), year)
    d = y.merge(soc[["school_id", "index", "quartile"]], on="school_id", how="inner")
    d = d[d["value"].notna() & d["index"].notna() & (d["participants"] > 0)].reset_index(drop=True)
    if len(d) < int(get(settings, "risk.context.min_schools", 10)):
        return pd.DataFrame(columns=cols)
    x, v, w = d["index"].to_numpy(float), d["value"].to_numpy(float), d["participants"].to_numpy(float)
    a, b, cov = wls_line(x, v, w)
    pred = a + b * x
    se_pred = np.sqrt(np.maximum(cov[0, 0] + 2 * x * cov[0, 1] + x * x * cov[1, 1], 0.0))
    if "se" in d:
        se_school = d["se"].to_numpy(float)
    elif measure == "mean":
        se_school = d["sd"].to_numpy(float) / np.sqrt(w)
    else:
        p = np.clip(pred, 0.5, 99.5) / 100.0
        se_school = 100.0 * np.sqrt(p * (1 - p) / w)
    se = np.sqrt(se_school ** 2 + np.nan_to_num(se_pred) ** 2)
    resid = v - pred
    with np.errstate(invalid="ignore", divide="ignore"):
        z = resid / se
    zc = float(get(settings, "risk.context.z", Z95))
    min_n = float(get(settings, "ranking.min_participants", 10))
    fitted = (w * (v - np.average(v, weights=w)) ** 2).sum()
    r2 = 1.0 - float((w * resid ** 2).sum() / fitted) if fitted > 0 else np.nan
    out = d.assign(predicted=pred, residual=resid, se=se, z=z, slope=b, intercept=a, higher_is_better=higher,
                   n_schools=len(d), r2=r2)
    sign = 1.0 if higher else -1.0  # residuals in the good direction
    good = sign * out["residual"]
    big = out["participants"] >= min_n
    out["below_expectation"] = (big & (sign * out["z"] <= -zc)).fillna(False).astype(bool)
    rule = str(get(settings, "risk.context.resilient_rule", "pisa"))
    top_disadv = (out["quartile"] == 4).fillna(False)
    if rule == "pisa":  # PISA: a quarter most disadvantaged and a quarter best results
        value_good = sign * out["value"]
        better = value_good >= value_good.quantile(0.75)
    else:  # the residual's 95 % interval lies above 0
        better = (good - zc * out["se"]) > 0
    out["resilient"] = (top_disadv & big & better).fillna(False).astype(bool)
    expl = np.full(len(out), None, dtype=object)
    flagged = np.flatnonzero((out["below_expectation"] | out["resilient"]).to_numpy())
    for i, r in zip(flagged, out.iloc[flagged].to_dict("records")):  # the flagged schools (a few)
        expl[i] = context_explanation(r, "below_expectation" if r["below_expectation"] else "resilient")
    out["explanation"] = expl
    return out[cols].sort_values("school_id").reset_index(drop=True)


def context_explanation(r, flag: str) -> Explanation:
    """Why a school is below expectation or resilient given its social context (one `context_adjusted` row)."""
    pts = (Point("сводный балл {0} при ожидаемом {1} для такого индекса неблагополучия ({2})",
                 (q(r["value"], "index", r["participants"], signed=True), q(r["predicted"], "index", signed=True),
                  q(r["index"], "index", signed=True))),
           Point("разница {0}, с учётом погрешности от {1} до {2}",
                 (q(r["residual"], "index", signed=True), q(r["residual"] - Z95 * r["se"], "index", signed=True),
                  q(r["residual"] + Z95 * r["se"], "index", signed=True))))
    caveats = (Point("Школ в расчёте зависимости результатов от условий: {0}; она объясняет {1} различий между ними",
                     (str(int(r["n_schools"])), q(100 * r["r2"], "%"))),
               SCORE_NOTE)
    head = (Point("Результаты ниже, чем можно ожидать при социальных условиях школы, с учётом погрешности")
            if flag == "below_expectation" else
            Point("Условия трудные, а результат выше ожидаемого с учётом погрешности"))
    return Explanation(head, pts, caveats)
