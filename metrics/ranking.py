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
from metrics.measures import _blank, _float, _measure_from_prep, prepare, procedure_scores
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
    g = good.groupby(keys, sort=False)
    r = g.rank(method="average", ascending=True)
    cnt = g.transform("count")
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = 100.0 * (r - 1.0) / (cnt - 1.0)
    return pct.where(cnt > 1, 50.0).where(values.notna())


def _indicator_values(values: pd.DataFrame | None, indicators: pd.DataFrame | None,
                      indicator_ids=None) -> pd.DataFrame:
    """School-level facts: school_id, year, measure, label, value, higher (bool)."""
    cols = ["school_id", "year", "measure", "label", "value", "higher"]
    if values is None or len(values) == 0:
        return pd.DataFrame(columns=cols)
    v = values[(values["kind"] == "fact") & ~_blank(values["school_id"])].copy()
    if indicator_ids is not None:
        v = v[v["indicator_id"].isin(list(indicator_ids))]
    v["value"] = _float(v["value"])
    v = v[v["value"].notna()]
    v["year"] = _float(v["year"]).astype("int64")
    names, higher = {}, {}
    if indicators is not None and len(indicators):
        ind = indicators.drop_duplicates("indicator_id").set_index("indicator_id")
        if "name" in ind:
            names = ind["name"].dropna().to_dict()
        if "direction" in ind:
            higher = (ind["direction"].astype(str).str.strip() != "lower").to_dict()
    out = pd.DataFrame({
        "school_id": v["school_id"].astype(str).str.strip(), "year": v["year"],
        "measure": "indicator:" + v["indicator_id"].astype(str),
        "label": v["indicator_id"].map(lambda i: str(names.get(i, i))),
        "value": v["value"], "higher": v["indicator_id"].map(lambda i: bool(higher.get(i, True))),
    })
    return out.groupby(["school_id", "year", "measure"], as_index=False).agg(
        label=("label", "first"), value=("value", "mean"), higher=("higher", "first"))


def _exam_measures(prep: pd.DataFrame, exams, with_below: bool) -> pd.DataFrame:
    """Per school × year × (exam, subject, mean|below_share) values with direction and participants."""
    df = prep[prep["exam"].isin(list(exams))]
    n = df["participants"]
    hm, hb = df["mean"].notna(), df["below"].notna()
    tmp = pd.DataFrame({"school_id": df["school_id"], "year": df["year"], "exam": df["exam"], "subject": df["subject"],
                        "sm": (n * df["mean"]).where(hm, 0.0), "wm": n.where(hm, 0.0),
                        "sb": df["below"].where(hb, 0.0), "wb": n.where(hb, 0.0), "participants": n})
    agg = tmp.groupby(["school_id", "year", "exam", "subject"], sort=False).sum().reset_index()
    parts = [pd.DataFrame({"school_id": agg["school_id"], "year": agg["year"],
                           "measure": agg["exam"] + "|" + agg["subject"] + "|mean",
                           "label": agg["exam"] + " · " + agg["subject"] + " · средний результат",
                           "value": (agg["sm"] / agg["wm"]).where(agg["wm"] > 0), "higher": True,
                           "participants": agg["participants"]})]
    if with_below:
        parts.append(pd.DataFrame({"school_id": agg["school_id"], "year": agg["year"],
                                   "measure": agg["exam"] + "|" + agg["subject"] + "|below",
                                   "label": agg["exam"] + " · " + agg["subject"] + " · доля ниже минимума",
                                   "value": (100.0 * agg["sb"] / agg["wb"]).where(agg["wb"] > 0), "higher": False,
                                   "participants": agg["participants"]}))
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
    parts = []
    if prep is not None:
        parts.append(_exam_measures(prep, exams, bool(get(settings, "ranking.composite_below_share", True))))
    if bool(get(settings, "ranking.composite_indicators", True)):
        parts.append(_indicator_values(values, indicators).assign(participants=np.nan))
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=OUT_COLUMNS)
    long = pd.concat(parts, ignore_index=True)
    long = long[long["year"].between(year - 2, year)]
    if wanted is not None:
        long = long[long["measure"].isin(wanted)]
    min_schools = int(get(settings, "ranking.min_schools_per_measure", 3))
    cnt = long.groupby(["year", "measure"])["school_id"].transform("nunique")
    long = long[cnt >= min_schools].copy()
    if long.empty:
        return pd.DataFrame(columns=OUT_COLUMNS)
    long["pct"] = percentile_ranks(long["value"], [long["year"], long["measure"]], long["higher"].astype(bool))
    per = long.groupby(["school_id", "year"]).agg(value=("pct", "mean"), n_measures=("pct", "count")).reset_index()
    cur = long[long["year"] == year]
    cs = cur.assign(p=cur["pct"].round(1)).sort_values(["school_id", "label"])
    comp_d: dict = {}
    for sid, lab, pv in zip(cs["school_id"].tolist(), cs["label"].tolist(), cs["p"].tolist()):
        comp_d.setdefault(sid, {})[lab] = pv
    comps = pd.Series(comp_d, dtype=object)
    per["components"] = None
    is_cur = per["year"] == year
    per.loc[is_cur, "components"] = per.loc[is_cur, "school_id"].map(comps)
    if prep is not None:
        ps = procedure_scores(prep, exams)
        cohort = ps.groupby(["school_id", "year"])["participants"].sum().rename("participants").reset_index()
        per = per.merge(cohort, on=["school_id", "year"], how="left")
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
