"""Where does each school stand among comparable schools, and how sure is that place?

`rank_schools()` ranks schools on one exam and subject, on one programme indicator, or on a
composite: the participant-weighted mean of direction-aware percentile ranks (0–100, 100 =
best) over a set of measures. Rules a director can check:

* separate lists per school type (`ranking.type_groups`: secondary schools with gymnasiums and
  lyceums, basic schools, primary schools) when the registry is given — programmes award
  «Школа года» by type;
* rates and means only: an indicator counted in people or pieces (`metrics.units`) is divided by
  the school's number of graduates when the data has it (`ranking.count_denominator`), else left
  out — a big school must not win by size;
* a component with fewer than `ranking.min_participants` participants is dropped from that school's
  composite, not averaged in; components are weighted by participants (an indicator weighs as much as
  the school's typical subject);
* every place has a 95 % interval from a parametric bootstrap (each result redrawn within its sampling
  error, `ranking.bootstrap` draws, fixed seed): «3-е место, с учётом погрешности от 2-го до 7-го»;
* a rank-change arrow only when this year's and last year's intervals do not overlap (`rank_moved`).

Ties share the rank (method "min"). ВПР is never ranked: federal guidance forbids league tables on
ВПР (Рособнадзор); it goes to objectivity (`metrics/objectivity.py`) instead. Every row carries an
`explanation` (`metrics.explain.Explanation`).
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from metrics.explain import Explanation, Point, many, q
from metrics.measures import _blank, _float, prepare, procedure_scores
from metrics.settings import get
from metrics.units import unit_kind
from metrics.vector import group_ids, runs

VPR = "ВПР"
VPR_REFUSAL = ("Рейтинг школ по результатам ВПР не строится: федеральные рекомендации (Рособнадзор) запрещают "
               "использовать ВПР для рейтингов школ. Результаты ВПР показываются в разделе «Объективность оценивания».")
OUT_COLUMNS = ["school_id", "year", "type_group", "value", "value_se", "rank", "rank_low", "rank_high", "n_in_group",
               "prev_rank", "prev_rank_low", "prev_rank_high", "rank_change", "rank_moved", "participants",
               "low_reliability", "avg3", "n_years", "n_measures", "components", "excluded", "explanation"]
ALL_SCHOOLS = "Все школы"
DEFAULT_GROUPS = {"СОШ": "Средние школы", "гимназия": "Средние школы", "лицей": "Средние школы",
                  "ООШ": "Основные школы", "НОШ": "Начальные школы"}
NO_TYPE = "Тип не указан"


def percentile_ranks(values: pd.Series, keys, higher_is_better) -> pd.Series:
    """Direction-aware percentile rank within each group: 100·(r−1)/(n−1), r = ascending rank from the worst
    (ties get the average rank); 50 when a group has one value; NaN values stay NaN."""
    good = values if higher_is_better is True else (-values if higher_is_better is False else
                                                     values.where(higher_is_better, -values))
    g = good.groupby(keys, sort=False)
    r, cnt = g.rank(method="average", ascending=True), g.transform("count")
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = 100.0 * (r - 1.0) / (cnt - 1.0)
    return pct.where(cnt > 1, 50.0).where(values.notna())


def type_groups(schools: pd.DataFrame | None, year: int, settings: dict | None) -> dict:
    """school_id → its ranking list («Средние школы», «Основные школы», …) from the registry's type of `year`
    (else the latest earlier year, else any); {} when lists by type are off or there is no registry."""
    if schools is None or len(schools) == 0 or "type" not in schools or not bool(get(settings, "ranking.by_type", True)):
        return {}
    mapping = {str(k).strip().lower(): v for k, v in (get(settings, "ranking.type_groups", DEFAULT_GROUPS) or {}).items()}
    s = schools[~_blank(schools["school_id"])].copy()
    s["_y"] = _float(s["year"]) if "year" in s else np.nan
    s["_prio"] = np.where(s["_y"].isna(), 5_000, np.where(s["_y"] <= year, year - s["_y"], 10_000 + s["_y"]))
    s = s.sort_values("_prio").drop_duplicates("school_id")
    t = s["type"].astype(object).where(s["type"].notna(), "").astype(str).str.strip()
    return {str(sid).strip(): mapping.get(tt.lower(), tt if tt else NO_TYPE) for sid, tt in zip(s["school_id"], t)}


# --------------------------------------------------------------------------- measures


def _exam_measures(prep: pd.DataFrame, exams, with_below: bool, years: tuple[int, int]) -> pd.DataFrame:
    """Per school × year × (exam, subject, mean|below): value, se (sampling error), weight (participants)."""
    cols = ["school_id", "year", "measure", "label", "value", "se", "weight", "higher", "unit"]
    p_exam = prep["exam"].to_numpy()
    yr = prep["year"].to_numpy()
    rows = np.flatnonzero(np.asarray(pd.Series(p_exam).isin(list(exams))) & (yr >= years[0]) & (yr <= years[1]))
    if len(rows) == 0:
        return pd.DataFrame(columns=cols)

    def col(c):
        return prep[c].to_numpy()[rows]
    sidc, eid, sub, year = col("_sid"), col("_eid"), col("_sub"), col("year").astype(np.int64)
    gid, first = group_ids(sidc, year - year.min(), eid, sub)
    ng = len(first)
    n, mean, below, sd = col("participants"), col("mean"), col("below"), col("sd")
    hm, hb = ~np.isnan(mean), ~np.isnan(below)

    def gsum(x):
        return np.bincount(gid, weights=x, minlength=ng)
    wm = gsum(np.where(hm, n, 0.0))
    sm = gsum(np.where(hm, n * mean, 0.0))
    vm = gsum(np.where(hm, n * np.nan_to_num(sd) ** 2, 0.0))
    sb, wb = gsum(np.where(hb, below, 0.0)), gsum(np.where(hb, n, 0.0))
    kid, kfirst = group_ids(eid[first], sub[first])
    ex = pd.Series(col("exam")[first][kfirst])
    su = pd.Series(col("subject")[first][kfirst])
    dmean = col("district_mean")[first]
    g_school, g_year = col("school_id")[first], year[first]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_v = np.where(wm > 0, sm / wm, np.nan)
        parts = [pd.DataFrame({"school_id": g_school, "year": g_year,
                               "measure": (ex + "|" + su + "|mean").to_numpy(object).take(kid),
                               "label": (ex + " · " + su + " · средний результат").to_numpy(object).take(kid),
                               "value": mean_v, "se": np.sqrt(vm) / wm, "weight": wm, "higher": True,
                               "unit": np.where(dmean <= 5, "mark", "score")})]
        if with_below:
            pt = (sb + 0.5) / (wb + 1.0)
            parts.append(pd.DataFrame({"school_id": g_school, "year": g_year,
                                       "measure": (ex + "|" + su + "|below").to_numpy(object).take(kid),
                                       "label": (ex + " · " + su + " · доля ниже минимума").to_numpy(object).take(kid),
                                       "value": np.where(wb > 0, 100.0 * sb / wb, np.nan),
                                       "se": 100.0 * np.sqrt(pt * (1 - pt) / wb), "weight": wb, "higher": False,
                                       "unit": "%"}))
    out = pd.concat(parts, ignore_index=True)
    return out[out["value"].notna()][cols]


def _indicator_measures(values: pd.DataFrame | None, indicators: pd.DataFrame | None, indicator_ids, years,
                        settings: dict | None, convert_counts: bool = True) -> tuple[pd.DataFrame, list[str]]:
    """School-level facts: school_id, year, measure, label, value, se, weight (NaN), higher, unit; a count indicator
    becomes a share of the school's graduates (`ranking.count_denominator`) or is left out. Also returns the labels
    left out."""
    cols = ["school_id", "year", "measure", "label", "value", "se", "weight", "higher", "unit"]
    if values is None or len(values) == 0:
        return pd.DataFrame(columns=cols), []
    keep = (values["kind"].astype(str).to_numpy() == "fact") & ~_blank(values["school_id"]).to_numpy()
    if indicator_ids is not None:
        keep &= np.asarray(values["indicator_id"].isin(list(indicator_ids)))
    val = _float(values["value"]).to_numpy()
    yr = _float(values["year"]).to_numpy()
    keep &= ~np.isnan(val) & (yr >= years[0]) & (yr <= years[1])
    v = pd.DataFrame({"school_id": values["school_id"].astype(str).str.strip().to_numpy()[keep],
                      "year": yr[keep].astype(np.int64), "indicator_id": values["indicator_id"].astype(str).to_numpy()[keep],
                      "value": val[keep]})
    if v.empty:
        return pd.DataFrame(columns=cols), []
    v = v.groupby(["school_id", "year", "indicator_id"], as_index=False)["value"].mean()
    meta = {}
    if indicators is not None and len(indicators):
        ind = indicators.drop_duplicates("indicator_id").set_index("indicator_id")
        for i, r in ind.iterrows():
            meta[str(i)] = (str(r.get("name", i)) if pd.notna(r.get("name", i)) else str(i),
                            str(r.get("direction", "")).strip() != "lower",
                            "" if pd.isna(r.get("unit")) else str(r.get("unit")))
    ids = v["indicator_id"].unique()
    name = {i: meta.get(i, (i, True, ""))[0] for i in ids}
    higher = {i: meta.get(i, (i, True, ""))[1] for i in ids}
    unit = {i: meta.get(i, (i, True, ""))[2] for i in ids}
    pattern = str(get(settings, "ranking.count_denominator", "^число выпускников 11"))
    denom_ids = [i for i in ids if re.search(pattern, name[i], re.I)]
    counts = [i for i in ids if unit_kind(unit[i]) == "count"]
    dropped = []
    v["measure"] = "indicator:" + v["indicator_id"]
    v["label"] = v["indicator_id"].map(name)
    v["higher"] = v["indicator_id"].map(higher)
    v["unit"] = v["indicator_id"].map(unit)
    v["se"] = np.nan
    v["weight"] = np.nan
    plain = v[~v["indicator_id"].isin(counts)]
    converted = []
    den = v[v["indicator_id"].isin(denom_ids[:1])][["school_id", "year", "value"]].rename(columns={"value": "den"})
    for i in counts:
        if i in denom_ids or not convert_counts or den.empty:
            dropped.append(name[i])
            continue
        c = v[v["indicator_id"] == i].merge(den, on=["school_id", "year"])
        c = c[c["den"] > 0]
        p = (c["value"] / c["den"]).clip(0, 1)
        pt = (c["value"] + 0.5) / (c["den"] + 1.0)
        converted.append(c.assign(value=100.0 * p, se=100.0 * np.sqrt(pt * (1 - pt) / c["den"]), weight=c["den"],
                                  label=name[i] + " — доля выпускников, %", unit="%", measure="share:" + i))
    out = pd.concat([plain, *converted], ignore_index=True) if converted else plain
    return out[cols], dropped


# --------------------------------------------------------------------------- ranks with intervals


def _ranks_min(value: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Rank within each group, 1 = largest value, ties share the smallest rank (method "min")."""
    s = pd.Series(value)
    return s.groupby(group).rank(method="min", ascending=False).to_numpy()


def _draw_ranks(M: np.ndarray, SE: np.ndarray, W: np.ndarray, composite: bool, B: int, rng) -> tuple:
    """Bootstrap of one list: M, SE, W are schools × measures (values in the good direction, NaN = absent).
    Returns (rank_low, rank_high, value_se) per school."""
    S, K = M.shape
    noise = rng.standard_normal((B, S, K))
    X = M[None, :, :] + np.nan_to_num(SE)[None, :, :] * noise
    if composite:
        valid = ~np.isnan(M)
        cnt = valid.sum(axis=0)
        # sorted along the schools with the schools axis last and contiguous (each draw × measure is one
        # 1-D sort of the same values in the same order as before, several times faster than a strided axis)
        Xs = np.where(valid.T[None], X.transpose(0, 2, 1), np.inf)  # B × K × S; absent schools sort last
        del X
        order = np.argsort(Xs, axis=2)
        del Xs
        ranks = np.empty((B, K, S), dtype=np.float32)
        np.put_along_axis(ranks, order, np.arange(S, dtype=np.float32)[None, None, :], axis=2)
        del order
        ranks = np.ascontiguousarray(ranks.transpose(0, 2, 1))  # B × S × K, the layout the sum below was made on
        scale = np.where(cnt > 1, 100.0 / np.maximum(cnt - 1, 1), 0.0)  # percentile = rank · 100 / (count − 1)
        Wv = np.where(valid, W, 0.0)
        # absent measures weigh 0; a measure only one school has gives it 50
        value = (np.einsum("bsk,k,sk->bs", ranks, scale.astype(np.float32), Wv.astype(np.float32))
                 + (Wv * np.where(cnt > 1, 0.0, 50.0)).sum(axis=1)[None]) / Wv.sum(axis=1)[None]
    else:
        value = X[:, :, 0]
    order = np.argsort(-value, axis=1)
    r = np.empty_like(order)
    np.put_along_axis(r, order, np.arange(1, S + 1)[None, :].repeat(B, 0), axis=1)
    return (np.quantile(r, 0.025, axis=0, method="inverted_cdf"), np.quantile(r, 0.975, axis=0, method="inverted_cdf"),
            value.std(axis=0))


def _dense_matrix(g: pd.DataFrame, schools: list, cols: list[str]) -> list[np.ndarray]:
    """schools × measures tables of the given columns (NaN where a school lacks a measure)."""
    si = pd.Index(schools).get_indexer(g["school_id"])
    mi, mu = pd.factorize(g["measure"])
    out = []
    for c in cols:
        tab = np.full((len(schools), len(mu)), np.nan)
        tab[si, mi] = g[c].to_numpy(dtype=float)
        out.append(tab)
    return out


def _rank_year(long: pd.DataFrame, year: int, groups: dict, composite: bool, settings: dict | None,
               intervals: bool) -> pd.DataFrame:
    """Ranks of one year: school_id, type_group, value, value_se, rank, rank_low, rank_high, n_in_group,
    n_measures, participants, components (composite), excluded."""
    cols = ["school_id", "type_group", "value", "value_se", "rank", "rank_low", "rank_high", "n_in_group",
            "n_measures", "participants", "components"]
    d = long[long["year"] == year].copy()
    if d.empty:
        return pd.DataFrame(columns=cols)
    d["type_group"] = d["school_id"].map(groups).fillna(NO_TYPE) if groups else ALL_SCHOOLS
    d["good"] = np.where(d["higher"].astype(bool), d["value"], -d["value"])
    out = []
    B0 = int(get(settings, "ranking.bootstrap", 500))
    seed = int(get(settings, "ranking.seed", 20240901))
    for grp, g in d.groupby("type_group", sort=True):  # a few lists
        if composite:
            min_schools = int(get(settings, "ranking.min_schools_per_measure", 3))
            nsch = g.groupby("measure")["school_id"].transform("nunique")
            g = g[nsch >= min_schools].copy()
            if g.empty:
                continue
            g["pct"] = percentile_ranks(g["value"], g["measure"], g["higher"].astype(bool))
            exam_w = g["weight"].where(g["measure"].str.contains(r"\|", regex=True))
            typical = exam_w.groupby(g["school_id"]).transform("median")
            g["w"] = g["weight"].fillna(typical).fillna(1.0)
            agg = g.assign(wp=g["w"] * g["pct"]).groupby("school_id").agg(
                wp=("wp", "sum"), w=("w", "sum"), n_measures=("pct", "count")).reset_index()
            agg["value"] = agg["wp"] / agg["w"]
            srt = g.sort_values(["school_id", "label"])
            sids = srt["school_id"].to_numpy()
            starts, ends = runs(sids)
            labs, pv = srt["label"].tolist(), srt["pct"].round(1).tolist()
            comp = dict(zip(sids[starts], (dict(zip(labs[a:b], pv[a:b])) for a, b in zip(starts, ends))))
            agg["components"] = agg["school_id"].map(comp)
            schools = agg["school_id"].tolist()
            M, SE, W = _dense_matrix(g, schools, ["good", "se", "w"])
        else:
            agg = g.groupby("school_id", as_index=False).agg(value=("value", "first"), good=("good", "first"),
                                                           se=("se", "first"))
            agg["n_measures"] = 1
            agg["components"] = None
            schools = agg["school_id"].tolist()
            M, SE, W = agg[["good"]].to_numpy(float), agg[["se"]].to_numpy(float), np.ones((len(agg), 1))
        good_value = agg["value"].to_numpy(float) if composite else agg["good"].to_numpy(float)
        agg["rank"] = _ranks_min(good_value, np.zeros(len(agg), dtype=int)).astype(int)
        agg["type_group"] = grp
        agg["n_in_group"] = len(agg)
        S, K = M.shape
        if intervals and S > 1 and np.isfinite(SE).any():
            B = int(min(B0, max(50, 1_000_000 // max(S * K, 1))))
            rng = np.random.default_rng(seed + int(year))
            lo, hi, vse = _draw_ranks(M, SE, W, composite, B, rng)
            agg["rank_low"], agg["rank_high"], agg["value_se"] = lo, hi, vse
            if not composite:
                agg["value_se"] = agg["se"]
        else:
            agg["rank_low"] = agg["rank_high"] = np.nan
            agg["value_se"] = agg["se"] if "se" in agg else np.nan
        out.append(agg)
    if not out:
        return pd.DataFrame(columns=cols)
    res = pd.concat(out, ignore_index=True)
    part = long[long["year"] == year].groupby("school_id")["weight"].max()
    res["participants"] = res["school_id"].map(part)
    return res.reindex(columns=cols)


def rank_schools(results: pd.DataFrame, year: int, by: str = "composite", *, exam: str | None = None,
                 subject: str | None = None, indicator_id: str | None = None, values: pd.DataFrame | None = None,
                 indicators: pd.DataFrame | None = None, schools: pd.DataFrame | None = None,
                 settings: dict | None = None, measure: str = "mean", measures: list | None = None) -> pd.DataFrame:
    """Return the schools of `year` ranked, best first, in separate lists per school type.

    Columns: school_id, year, type_group (the list: «Средние школы», …; «Все школы» without a registry or with
    ranking.by_type off), value, value_se (its sampling error: bootstrap SD for a composite), rank (1 = best within
    the list; ties share the rank, method "min"), rank_low / rank_high (95 % bootstrap interval of the rank; NaN
    when the value has no sampling error, e.g. an indicator), n_in_group, prev_rank, prev_rank_low, prev_rank_high
    (year−1, same lists), rank_change (prev_rank − rank: positive = moved up), rank_moved (+1 / −1 only when the
    two years' intervals do not overlap, 0 when they do, <NA> without both), participants (the largest component's
    participants), low_reliability (participants < ranking.min_participants), avg3 (3-year weighted average of
    value, weights 3:2:1 latest first, renormalised over the years present), n_years, n_measures, components
    (composite: dict label → percentile), excluded (labels left out of this school's composite: components under
    the minimum n, counts without a denominator), explanation.

    by="exam": exam and subject required; value = participant-weighted mean (`measure="below_share"`: % below the
    minimum, lower is better); subject=None: the procedure score (participant-weighted standardised mean across
    subjects, 0 = district). Groups under the minimum n are still listed, marked low_reliability. ВПР is refused.
    by="indicator": indicator_id and values required; value = the school's fact (a count is not ranked: ValueError).
    by="composite": value = participant-weighted mean of percentile ranks (0–100, 100 = best) over the measures:
    per exam in ranking.composite_exams (ЕГЭ, ОГЭ) and subject the mean and (ranking.composite_below_share) the %
    below the minimum, plus the school-level programme indicators in `values` (ranking.composite_indicators).
    A measure counts in a list and year only when ranking.min_schools_per_measure (3) schools have it.
    `measures` may restrict the set: "ЕГЭ|Русский язык|mean", "ОГЭ|Математика|below", "indicator:<id>".
    """
    year = int(year)
    prep = prepare(results, settings) if results is not None and len(results) else None
    window = (year - 2, year)
    min_n = float(get(settings, "ranking.min_participants", 10))
    groups = type_groups(schools, year, settings)
    excluded: dict = {}
    if by == "exam":
        if not exam:
            raise ValueError("Для рейтинга по процедуре укажите процедуру (ЕГЭ, ОГЭ …) и предмет")
        if exam == VPR:
            raise ValueError(VPR_REFUSAL)
        if prep is None:
            return pd.DataFrame(columns=OUT_COLUMNS)
        if subject is None:
            ps = procedure_scores(prep, [exam])
            long = ps[ps["year"].between(*window)].rename(columns={"score": "value"}).assign(
                weight=lambda d: d["participants"], higher=True, measure=exam, label=exam, unit="index")
        else:
            ex = _exam_measures(prep, [exam], measure == "below_share", window)
            long = ex[ex["measure"] == f"{exam}|{subject}|{'mean' if measure == 'mean' else 'below'}"]
        composite = False
    elif by == "indicator":
        if not indicator_id:
            raise ValueError("Для рейтинга по показателю укажите код показателя")
        long, dropped = _indicator_measures(values, indicators, [indicator_id], window, settings, convert_counts=False)
        if dropped:
            raise ValueError(f"Показатель «{dropped[0]}» — количество, а не доля или среднее: рейтинг по нему "
                             "отражал бы размер школы, а не её работу")
        composite = False
    elif by == "composite":
        exams = list(get(settings, "ranking.composite_exams", ["ЕГЭ", "ОГЭ"]))
        wanted = list(measures) if measures is not None else None
        if VPR in exams or (wanted and any(str(m).startswith(VPR + "|") for m in wanted)):
            raise ValueError(VPR_REFUSAL)
        parts = []
        if prep is not None:
            parts.append(_exam_measures(prep, exams, bool(get(settings, "ranking.composite_below_share", True)), window))
        if bool(get(settings, "ranking.composite_indicators", True)):
            ind, dropped = _indicator_measures(values, indicators, None, window, settings)
            parts.append(ind)
            if dropped:
                excluded["*"] = [f"{d} (количество, а не доля)" for d in dropped]
        parts = [p for p in parts if len(p)]
        if not parts:
            return pd.DataFrame(columns=OUT_COLUMNS)
        long = pd.concat(parts, ignore_index=True)
        if wanted is not None:
            long = long[long["measure"].isin(wanted) | long["measure"].str.replace("share:", "indicator:").isin(wanted)]
        small = long["weight"] < min_n
        for sid, lab in zip(long.loc[small & (long["year"] == year), "school_id"],
                            long.loc[small & (long["year"] == year), "label"]):
            excluded.setdefault(sid, []).append(f"{lab} (меньше {int(min_n)} участников)")
        long = long[~small]
        composite = True
    else:
        raise ValueError(f"Неизвестный вид рейтинга «{by}»: ожидается composite, exam или indicator")
    if long.empty:
        return pd.DataFrame(columns=OUT_COLUMNS)
    cur = _rank_year(long, year, groups, composite, settings, intervals=True)
    if cur.empty:
        return pd.DataFrame(columns=OUT_COLUMNS)
    prev = _rank_year(long, year - 1, groups, composite, settings, intervals=True)
    older = _rank_year(long, year - 2, groups, composite, settings, intervals=False)
    cur = cur.merge(prev[["school_id", "type_group", "rank", "rank_low", "rank_high"]].rename(
        columns={"rank": "prev_rank", "rank_low": "prev_rank_low", "rank_high": "prev_rank_high"}),
        on=["school_id", "type_group"], how="left")
    cur["year"] = year
    cur["prev_rank"] = cur["prev_rank"].astype("Int64")
    cur["rank_change"] = (cur["prev_rank"] - cur["rank"]).astype("Int64")
    with np.errstate(invalid="ignore"):
        up = cur["rank_high"].to_numpy(float) < cur["prev_rank_low"].to_numpy(float)
        down = cur["rank_low"].to_numpy(float) > cur["prev_rank_high"].to_numpy(float)
    known = cur[["rank_low", "rank_high", "prev_rank_low", "prev_rank_high"]].notna().all(axis=1)
    cur["rank_moved"] = pd.array(np.where(up, 1, np.where(down, -1, 0)), dtype="Int64")
    cur.loc[~known, "rank_moved"] = pd.NA
    w3 = pd.concat([f[["school_id", "value"]].assign(w=w) for f, w in ((cur, 3.0), (prev, 2.0), (older, 1.0))
                    if len(f)], ignore_index=True)
    acc = w3.assign(wv=w3["w"] * w3["value"], n=1).groupby("school_id")[["wv", "w", "n"]].sum()
    cur["avg3"] = cur["school_id"].map(acc["wv"] / acc["w"])
    cur["n_years"] = cur["school_id"].map(acc["n"]).astype("int64")
    cur["excluded"] = [excluded.get(s, []) + excluded.get("*", []) for s in cur["school_id"]]
    dropped_small = cur["school_id"].isin([s for s in excluded if s != "*"])
    cur["low_reliability"] = ((cur["participants"] < min_n).fillna(False) | (cur["participants"].isna() & dropped_small)
                              ).astype(bool)
    unit = "index" if composite or (by == "exam" and subject is None) else (
        long["unit"].iloc[0] if "unit" in long and len(long) else "")
    with many():
        cur["explanation"] = [_explanation(r, composite, unit, min_n) for r in cur.to_dict("records")]
    cur = cur.sort_values(["type_group", "rank", "school_id"]).reset_index(drop=True)
    return cur[OUT_COLUMNS]


def _place(k) -> str:
    return f"{int(k)}-е"


def _explanation(r: dict, composite: bool, unit: str, min_n: float) -> Explanation:
    head_args = [_place(r["rank"]), str(int(r["n_in_group"])), r["type_group"]]
    if pd.notna(r["rank_low"]) and r["rank_low"] != r["rank_high"]:
        head = Point("{0} место из {1} ({2}); с учётом погрешности — от {3} до {4}",
                     (*head_args, str(int(r["rank_low"])), str(int(r["rank_high"]))))
    else:
        head = Point("{0} место из {1} ({2})", tuple(head_args))
    if composite:
        pts = [Point("сводный процентиль {0} (100 — лучший результат в списке); показателей в расчёте: {1}, их веса — "
                     "по числу участников", (q(r["value"], ""), str(int(r["n_measures"]))))]
    else:
        pts = [Point("значение {0}", (q(r["value"], unit, r["participants"]),))]
    caveats = []
    if pd.notna(r["prev_rank"]):
        if pd.isna(r["rank_moved"]):
            pts.append(Point("в прошлом году — {0} место", (_place(r["prev_rank"]),)))
        elif r["rank_moved"] == 0:
            pts.append(Point("в прошлом году — {0} место; изменение места в пределах случайных колебаний",
                             (_place(r["prev_rank"]),)))
        else:
            pts.append(Point("в прошлом году — {0} место (с учётом погрешности от {1} до {2}): место " +
                             ("выросло" if r["rank_moved"] > 0 else "снизилось") + " сверх случайных колебаний",
                             (_place(r["prev_rank"]), str(int(r["prev_rank_low"])), str(int(r["prev_rank_high"])))))
    if r["low_reliability"]:
        caveats.append(Point("мало участников ({0}) — место ненадёжно", (q(r["participants"], "pupils"),)))
    small = [e for e in r["excluded"] if e.endswith("участников)")]
    other = [e for e in r["excluded"] if not e.endswith("участников)")]
    if small:
        subjects = dict.fromkeys(e.split(" (")[0].replace(" · средний результат", "").replace(" · доля ниже минимума", "")
                                 for e in small)
        caveats.append(Point("не учтены результаты, где меньше {0}: {1}",
                             (q(min_n, "pupils"), ", ".join(subjects))))
    if other:
        caveats.append(Point("не учтены количества (они отражают размер школы): {0}",
                             ("; ".join(e.split(" (")[0] for e in other),)))
    return Explanation(head, tuple(pts), tuple(caveats), extra={"type_group": r["type_group"]})
