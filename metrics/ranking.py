"""Where does each school stand among the district's schools, and is that stable?

`rank_schools()` ranks schools on one exam and subject, on one programme indicator,
or on a composite: the mean of direction-aware percentile ranks (0–100, 100 = best)
over a set of measures. Ties share the rank (method "min"); the change against the
previous year's rank, a low-reliability mark for small groups and a 3-year weighted
average (3:2:1, latest first) come with every rank.

ВПР is never ranked: federal guidance forbids league tables on ВПР (Рособнадзор).
ВПР goes to objectivity (`metrics/objectivity.py`) instead.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.format import num
from metrics.measures import _blank, _float, _measure_from_prep, prepare, procedure_groups, procedure_scores
from metrics.vector import group_ids, runs
from metrics.settings import get

VPR = "ВПР"
VPR_REFUSAL = ("Рейтинг школ по результатам ВПР не строится: федеральные рекомендации (Рособнадзор) запрещают "
               "использовать ВПР для рейтингов школ. Результаты ВПР показываются в разделе «Объективность оценивания».")
OUT_COLUMNS = ["school_id", "year", "value", "rank", "prev_rank", "rank_change", "participants", "low_reliability",
               "avg3", "n_years", "n_measures", "components"]


def percentile_ranks(values: pd.Series, keys, higher_is_better) -> pd.Series:
    """Direction-aware percentile rank within each group: 100·(r−1)/(n−1), r = ascending rank from the worst
    (ties get the average rank); 50 when a group has one value; NaN values stay NaN."""
    good = values if higher_is_better is True else (-values if higher_is_better is False else
                                                     values.where(higher_is_better, -values))
    r, cnt = _group_average_rank(good, keys)
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = 100.0 * (r - 1.0) / (cnt - 1.0)
    return pct.where(cnt > 1, 50.0).where(values.notna())


def _group_average_rank(good: pd.Series, keys) -> tuple[pd.Series, pd.Series]:
    """(ascending rank with ties averaged, count of values) within each key group, as pandas' groupby
    rank(method="average") / transform("count"), in one sort. Keys: arrays or Series aligned with `good`."""
    key_list = list(keys) if isinstance(keys, (list, tuple)) else [keys]
    codes = [pd.factorize(np.asarray(k))[0] for k in key_list if not isinstance(k, str)]
    if len(good) == 0 or len(codes) != len(key_list) or any(len(c) != len(good) or (c < 0).any() for c in codes):
        g = good.groupby(keys, sort=False)  # names or missing keys: pandas' own way
        return g.rank(method="average", ascending=True), g.transform("count")
    gid, first = group_ids(*codes)
    x = good.to_numpy(dtype=float)
    ok = np.flatnonzero(~np.isnan(x))
    order = ok[np.lexsort((x[ok], gid[ok]))]
    gs, xs = gid[order], x[order]
    cnt_g = np.bincount(gs, minlength=len(first))
    pos = np.arange(len(order)) - (np.cumsum(cnt_g) - cnt_g)[gs]  # 0-based position within the group
    new_run = np.ones(len(order), dtype=bool)
    new_run[1:] = (gs[1:] != gs[:-1]) | (xs[1:] != xs[:-1])
    run_id = np.cumsum(new_run) - 1
    run_first = pos[new_run]
    ends = np.ones(len(order), dtype=bool)  # the last element of each run
    ends[:-1] = new_run[1:]
    run_last = pos[ends]
    rank = np.full(len(x), np.nan)
    rank[order] = (run_first[run_id] + run_last[run_id] + 2) / 2.0
    return pd.Series(rank, index=good.index), pd.Series(cnt_g[gid], index=good.index)


def _indicator_values(values: pd.DataFrame | None, indicators: pd.DataFrame | None,
                      indicator_ids=None, years: tuple[int, int] | None = None) -> pd.DataFrame:
    """School-level facts: school_id, year, measure, label, value, higher (bool); only years[0]…years[1] when given."""
    cols = ["school_id", "year", "measure", "label", "value", "higher"]
    if values is None or len(values) == 0:
        return pd.DataFrame(columns=cols)
    keep = (values["kind"].to_numpy() == "fact") & ~_blank(values["school_id"]).to_numpy()
    if indicator_ids is not None:
        keep &= np.asarray(values["indicator_id"].isin(list(indicator_ids)))
    val = _float(values["value"]).to_numpy()
    keep &= ~np.isnan(val)
    if years is not None:
        yr = _float(values["year"]).to_numpy()
        keep &= (yr >= years[0]) & (yr <= years[1])
    v = values[keep]
    names, higher = {}, {}
    if indicators is not None and len(indicators):
        ind = indicators.drop_duplicates("indicator_id").set_index("indicator_id")
        if "name" in ind:
            names = ind["name"].dropna().to_dict()
        if "direction" in ind:
            higher = (ind["direction"].astype(str).str.strip() != "lower").to_dict()
    # text work once per distinct indicator / school
    icode, iuniq = pd.factorize(v["indicator_id"], use_na_sentinel=False)
    iuniq = pd.Series(np.asarray(iuniq, dtype=object))
    scode, suniq = pd.factorize(v["school_id"], use_na_sentinel=False)
    s_txt = pd.Index(suniq).astype(str).str.strip().to_numpy(dtype=object)
    m_txt = ("indicator:" + iuniq.astype(str)).to_numpy(dtype=object)
    year = _float(v["year"]).astype("int64").to_numpy()
    if len(v) == 0:
        return pd.DataFrame(columns=cols)
    # one integer key per school × year × measure whose order is the order of the texts (as a groupby on them)
    s_rank = pd.factorize(s_txt, sort=True)[0].take(scode)
    m_rank = pd.factorize(m_txt, sort=True)[0].take(icode)
    yc = year - year.min()
    key = (s_rank.astype(np.int64) * (int(yc.max()) + 1) + yc) * (int(m_rank.max()) + 1) + m_rank
    order = np.argsort(key, kind="stable")
    ks = key[order]
    first = order[np.concatenate(([True], ks[1:] != ks[:-1]))]  # first row of each key, keys ascending
    mean = pd.Series(val[keep]).groupby(key).mean().to_numpy()
    ic = icode[first]
    return pd.DataFrame({
        "school_id": s_txt.take(scode[first]),
        "year": year[first],
        "measure": m_txt.take(ic),
        "label": iuniq.map(lambda i: str(names.get(i, i))).to_numpy(dtype=object).take(ic),
        "value": mean,
        "higher": iuniq.map(lambda i: bool(higher.get(i, True))).to_numpy(dtype=bool).take(ic),
    })


def _exam_measures(prep: pd.DataFrame, exams, with_below: bool, years: tuple[int, int] | None = None) -> pd.DataFrame:
    """Per school × year × (exam, subject, mean|below_share) values with direction and participants
    (only years[0]…years[1] when given). Integer group ids; measure names and labels built per exam × subject."""
    cols = ["school_id", "year", "measure", "label", "value", "higher", "participants"]
    p_exam = prep["exam"].to_numpy()
    mask = np.asarray(pd.Series(p_exam).isin(list(exams)))
    if years is not None:
        yr = prep["year"].to_numpy()
        mask &= (yr >= years[0]) & (yr <= years[1])
    rows = np.flatnonzero(mask)
    if len(rows) == 0:
        return pd.DataFrame(columns=cols)

    def col(c):
        return prep[c].to_numpy()[rows]
    sidc, eid, sub, year = col("_sid"), col("_eid"), col("_sub"), col("year").astype(np.int64)
    gid, first = group_ids(sidc, year - year.min(), eid, sub)
    ng = len(first)
    n, mean, below = col("participants"), col("mean"), col("below")
    hm, hb = ~np.isnan(mean), ~np.isnan(below)

    def gsum(x):
        return np.bincount(gid, weights=x, minlength=ng)
    sm, wm = gsum(np.where(hm, n * mean, 0.0)), gsum(np.where(hm, n, 0.0))
    sb, wb = gsum(np.where(hb, below, 0.0)), gsum(np.where(hb, n, 0.0))
    part = gsum(n)
    # names once per exam × subject
    kid, kfirst = group_ids(eid[first], sub[first])
    ex = pd.Series(col("exam")[first][kfirst])
    su = pd.Series(col("subject")[first][kfirst])
    g_school, g_year = col("school_id")[first], year[first]
    with np.errstate(invalid="ignore", divide="ignore"):
        parts = [pd.DataFrame({"school_id": g_school, "year": g_year,
                               "measure": (ex + "|" + su + "|mean").to_numpy(object).take(kid),
                               "label": (ex + " · " + su + " · средний результат").to_numpy(object).take(kid),
                               "value": np.where(wm > 0, sm / wm, np.nan), "higher": True, "participants": part})]
        if with_below:
            parts.append(pd.DataFrame({"school_id": g_school, "year": g_year,
                                       "measure": (ex + "|" + su + "|below").to_numpy(object).take(kid),
                                       "label": (ex + " · " + su + " · доля ниже минимума").to_numpy(object).take(kid),
                                       "value": np.where(wb > 0, 100.0 * sb / wb, np.nan), "higher": False,
                                       "participants": part}))
    out = pd.concat(parts, ignore_index=True)
    return out[out["value"].notna()]


def _rank_frame(per_year: pd.DataFrame, year: int, higher: bool, settings: dict | None) -> pd.DataFrame:
    """per_year: school_id, year, value, participants (+ n_measures, components). Ranks `year` against `year-1`."""
    pv = per_year[per_year["value"].notna()]
    good = pv["value"] if higher else -pv["value"]
    ranks = good.groupby(pv["year"]).rank(method="min", ascending=False)
    pv = pv.assign(rank=ranks)
    cur = pv[pv["year"] == year].copy()
    prev = pv.loc[pv["year"] == year - 1, ["school_id", "rank"]].rename(columns={"rank": "prev_rank"})
    cur = cur.merge(prev, on="school_id", how="left")
    cur["rank"] = cur["rank"].astype("int64")
    cur["prev_rank"] = cur["prev_rank"].astype("Int64")
    cur["rank_change"] = (cur["prev_rank"] - cur["rank"]).astype("Int64")
    w3 = {year: 3.0, year - 1: 2.0, year - 2: 1.0}
    last3 = pv[pv["year"].isin(list(w3))]
    wts = last3["year"].map(w3)
    acc = pd.DataFrame({"school_id": last3["school_id"], "wv": wts * last3["value"], "w": wts, "n": 1})
    acc = acc.groupby("school_id").sum()
    cur["avg3"] = cur["school_id"].map(acc["wv"] / acc["w"])
    cur["n_years"] = cur["school_id"].map(acc["n"]).astype("int64")
    min_n = float(get(settings, "ranking.min_participants", 10))
    cur["low_reliability"] = (cur["participants"] < min_n).fillna(False).astype(bool)
    for c in ("n_measures", "components"):
        if c not in cur:
            cur[c] = 1 if c == "n_measures" else None
    cur = cur.sort_values(["rank", "school_id"]).reset_index(drop=True)
    return cur[OUT_COLUMNS]


def rank_schools(results: pd.DataFrame, year: int, by: str = "composite", *, exam: str | None = None,
                 subject: str | None = None, indicator_id: str | None = None, values: pd.DataFrame | None = None,
                 indicators: pd.DataFrame | None = None, settings: dict | None = None,
                 measure: str = "mean", measures: list | None = None) -> pd.DataFrame:
    """Return the schools of `year` ranked, best first.

    Columns: school_id, year, value, rank (1 = best; ties share the rank, method "min"), prev_rank (rank in
    year−1 among that year's schools; <NA> if absent), rank_change (prev_rank − rank: positive = moved up),
    participants, low_reliability (participants < ranking.min_participants, default 10), avg3 (3-year weighted
    average of value, weights 3:2:1 for year, year−1, year−2, renormalised over the years present), n_years
    (years present in that window), n_measures, components (composite: dict label → percentile; else None).

    by="exam": exam and subject required; value = participant-weighted mean (`measure="below_share"`: % below
    the minimum, lower is better). With subject=None the value is the procedure score (participant-weighted
    standardised mean across subjects, 0 = district). ВПР is refused with a ValueError (Russian message).
    participants = entries in that subject (the cohort for a procedure score).
    by="indicator": indicator_id and values required; value = the school's fact, direction from `indicators`
    (default higher is better); participants = NaN (low_reliability False).
    by="composite": value = mean of direction-aware percentile ranks (0–100, 100 = best) over the measures the
    school has. Default measures: per exam in ranking.composite_exams (ЕГЭ, ОГЭ) and subject the mean and (if
    ranking.composite_below_share) the % below the minimum (lower is better), plus the facts of all school-level
    programme indicators in `values`. A measure counts in a year only when at least
    ranking.min_schools_per_measure schools (default 3) have it. `measures` may restrict the set: items
    "ЕГЭ|Русский язык|mean", "ОГЭ|Математика|below" or "indicator:<id>". participants = sum over procedures of
    the cohort (largest subject entry per grade).
    """
    year = int(year)
    prep = prepare(results, settings) if results is not None and len(results) else None
    if by == "exam":
        if not exam:
            raise ValueError("Для рейтинга по процедуре укажите процедуру (ЕГЭ, ОГЭ …) и предмет")
        if exam == VPR:
            raise ValueError(VPR_REFUSAL)
        if prep is None:
            return pd.DataFrame(columns=OUT_COLUMNS)
        if subject is None:
            ps = procedure_scores(prep, [exam])
            per = ps.rename(columns={"score": "value"})[["school_id", "year", "value", "participants"]]
            return _rank_frame(per, year, True, settings)
        per = _measure_from_prep(prep, exam, subject, measure)
        return _rank_frame(per, year, measure == "mean", settings)
    if by == "indicator":
        if not indicator_id:
            raise ValueError("Для рейтинга по показателю укажите код показателя")
        iv = _indicator_values(values, indicators, [indicator_id])
        if iv.empty:
            return pd.DataFrame(columns=OUT_COLUMNS)
        per = iv[["school_id", "year", "value"]].assign(participants=np.nan)
        return _rank_frame(per, year, bool(iv["higher"].iloc[0]), settings)
    if by != "composite":
        raise ValueError(f"Неизвестный вид рейтинга «{by}»: ожидается composite, exam или indicator")

    exams = list(get(settings, "ranking.composite_exams", ["ЕГЭ", "ОГЭ"]))
    wanted = list(measures) if measures is not None else None
    if VPR in exams or (wanted and any(str(m).startswith(VPR + "|") for m in wanted)):
        raise ValueError(VPR_REFUSAL)
    window = (year - 2, year)
    parts = []
    if prep is not None:
        parts.append(_exam_measures(prep, exams, bool(get(settings, "ranking.composite_below_share", True)), window))
    if bool(get(settings, "ranking.composite_indicators", True)):
        parts.append(_indicator_values(values, indicators, years=window).assign(participants=np.nan))
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=OUT_COLUMNS)
    long = pd.concat(parts, ignore_index=True)
    if wanted is not None:
        long = long[long["measure"].isin(wanted)]
    min_schools = int(get(settings, "ranking.min_schools_per_measure", 3))
    # integer codes for the year × measure groups and the schools (codes in the schools' sorted order)
    yr = long["year"].to_numpy().astype(np.int64)
    scode, suniq = pd.factorize(long["school_id"], sort=True)
    g_ym, _ = group_ids(yr - yr.min(), pd.factorize(long["measure"])[0])
    _, pfirst = group_ids(g_ym, scode)
    n_schools = np.bincount(g_ym[pfirst], minlength=int(g_ym.max()) + 1)[g_ym]  # distinct schools per measure
    keep = n_schools >= min_schools
    long = long[keep].copy()
    if long.empty:
        return pd.DataFrame(columns=OUT_COLUMNS)
    scode, yr, g_ym = scode[keep], yr[keep], g_ym[keep]
    long["pct"] = percentile_ranks(long["value"], [g_ym], long["higher"].astype(bool))
    per = (pd.DataFrame({"_s": scode, "year": yr, "pct": long["pct"].to_numpy()})
           .groupby(["_s", "year"]).agg(value=("pct", "mean"), n_measures=("pct", "count")).reset_index())
    per.insert(0, "school_id", np.asarray(suniq, dtype=object).take(per["_s"].to_numpy()))
    per = per.drop(columns="_s")
    at = np.flatnonzero(yr == year)
    cur = long.iloc[at]
    order = np.lexsort((pd.factorize(cur["label"], sort=True)[0], scode[at]))
    cs = cur.iloc[order]
    cs = cs.assign(p=cs["pct"].round(1))
    # one dict label → percentile per school (a loop over schools, not rows)
    sids = cs["school_id"].to_numpy()
    starts, ends = runs(sids)
    labs, pvals = cs["label"].tolist(), cs["p"].tolist()
    comps = pd.Series([dict(zip(labs[a:b], pvals[a:b])) for a, b in zip(starts, ends)], index=sids[starts],
                      dtype=object)
    per["components"] = None
    is_cur = per["year"] == year
    per.loc[is_cur, "components"] = per.loc[is_cur, "school_id"].map(comps)
    if prep is not None:
        yr = prep["year"].to_numpy()
        rows = np.flatnonzero(np.asarray(prep["exam"].isin(exams)) & (yr >= window[0]) & (yr <= window[1]))
        if len(rows):
            g = procedure_groups(prep, rows)
            cohort = (pd.DataFrame({"school_id": g["school_id"], "year": g["year"], "participants": g["participants"]})
                      .groupby(["school_id", "year"])["participants"].sum().reset_index())
            per = per.merge(cohort, on=["school_id", "year"], how="left")
        else:
            per["participants"] = np.nan
    else:
        per["participants"] = np.nan
    return _rank_frame(per, year, True, settings)


def ranking_reason(row: pd.Series) -> str:
    """A Russian sentence for one row of `rank_schools()`, e.g. «3-е место (в прошлом году 5-е, +2)…»."""
    text = f"{int(row['rank'])}-е место, значение {num(row['value'])}"
    if pd.notna(row.get("prev_rank")):
        text += f"; в прошлом году {int(row['prev_rank'])}-е"
    if pd.notna(row.get("avg3")) and row.get("n_years", 0) > 1:
        text += f"; среднее за {int(row['n_years'])} г. (3:2:1) {num(row['avg3'])}"
    if row.get("low_reliability"):
        text += f"; мало участников ({num(row['participants'], 0)}) — результат ненадёжен"
    return text
