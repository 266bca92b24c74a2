"""What does a region-scale data set look like, for the metrics benchmark?

`make_region()` generates, at run time and seeded, a fictional region in the tidy
model's columns (`loaders/model.py`): 1,500 schools by default (`n_schools`; 5,000 give ≈1.4 million result rows; СОШ, ООШ, НОШ), 6 school
years, ЕГЭ / ОГЭ / ВПР in 15 subjects — about 420,000 result rows with mark
counts and the ВПР-vs-journal comparison — plus the registry with social context,
40 programme indicators with district and school values, and 2,000 roadmap
events. Nothing is written to disk; the set is never committed as data.

    python bench/region.py      # prints the row counts
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from loaders.model import columns  # noqa: E402

EGE = ["Русский язык", "Математика (профильная)", "Математика (базовая)", "Физика", "Химия", "Биология", "История",
       "Обществознание", "Информатика", "География", "Литература", "Английский язык", "Немецкий язык",
       "Французский язык", "Испанский язык"]
OGE = ["Русский язык", "Математика", "Физика", "Химия", "Биология", "История", "Обществознание", "Информатика",
       "География", "Литература", "Английский язык", "Немецкий язык", "Французский язык", "Испанский язык",
       "Китайский язык"]
VPR = {4: ["Русский язык", "Математика", "Окружающий мир"],
       5: ["Русский язык", "Математика", "История", "Биология"],
       6: ["Русский язык", "Математика", "История", "Биология", "География"],
       7: ["Русский язык", "Математика", "История", "Биология", "География", "Физика"],
       8: ["Русский язык", "Математика", "История", "Биология", "Физика", "Химия"],
       10: ["География", "Физика"],
       11: ["История", "Биология", "Физика", "Химия", "География"]}


def _catalogue() -> pd.DataFrame:
    """Every exam × subject × grade a school may sit, with the chance it does and the school types that can."""
    rows = []
    for i, s in enumerate(EGE):
        rows.append(("ЕГЭ", s, 11, 1.0 if i < 3 else 0.55, "СОШ"))
    for i, s in enumerate(OGE):
        rows.append(("ОГЭ", s, 9, 1.0 if i < 2 else 0.75, "СОШ ООШ"))
    for g, subjects in VPR.items():
        kinds = "СОШ ООШ НОШ" if g == 4 else ("СОШ ООШ" if g <= 8 else "СОШ")
        for s in subjects:
            rows.append(("ВПР", s, g, 1.0, kinds))
    return pd.DataFrame(rows, columns=["exam", "subject", "grade", "p", "types"])


def make_region(seed: int = 20240901, n_schools: int = 1500, first_year: int = 2020, n_years: int = 6,
                n_events: int = 2000) -> dict[str, pd.DataFrame]:
    """The region as the five tidy tables: {"schools", "indicators", "values", "events", "results"}."""
    rng = np.random.default_rng(seed)
    years = np.arange(first_year, first_year + n_years)
    ids = np.array([f"s{i:04d}" for i in range(1, n_schools + 1)])
    stype = rng.choice(["СОШ", "ООШ", "НОШ"], size=n_schools, p=[0.75, 0.2, 0.05])
    size = np.exp(rng.normal(0, 0.6, n_schools))               # cohort size factor
    effect = rng.normal(0, 1, n_schools)                        # school quality, in SD units
    disadv = rng.normal(0, 1, n_schools)                        # social disadvantage
    effect = effect - 0.4 * disadv

    schools = _schools(rng, ids, stype, size, disadv, years)
    results = _results(rng, ids, stype, size, effect, years)
    indicators, values = _indicators(rng, ids, years)
    events = _events(rng, n_events, years)
    return {"schools": schools, "indicators": indicators, "values": values, "events": events, "results": results}


def _schools(rng, ids, stype, size, disadv, years) -> pd.DataFrame:
    n = len(ids)
    s = pd.DataFrame({"school_id": np.repeat(ids, len(years)), "year": np.tile(years, n)})
    k = np.repeat(np.arange(n), len(years))
    s["name"] = "МБОУ " + pd.Series(stype[k]) + " № " + pd.Series(k + 1).astype(str)
    s["short_name"] = pd.Series(stype[k]) + " № " + pd.Series(k + 1).astype(str)
    s["type"] = stype[k]
    s["locality"] = np.where(size[k] < 0.8, "село", "город")
    s["students"] = np.round(300 * size[k] + rng.normal(0, 10, len(s))).clip(10).astype("int64")
    base = {"low_income_pct": 12, "single_parent_pct": 20, "large_family_pct": 15, "risk_group_pct": 3,
            "disability_pct": 6, "non_native_pct": 4}
    for col, m in base.items():
        s[col] = (m * np.exp(0.35 * disadv[k] + rng.normal(0, 0.1, len(s)))).round(1)
    s["staffing_pct"] = (95 - 3 * disadv[k] + rng.normal(0, 2, len(s))).clip(50, 100).round(1)
    s["qualified_teachers_pct"] = (60 - 5 * disadv[k] + rng.normal(0, 5, len(s))).clip(0, 100).round(1)
    s["teacher_turnover_pct"] = (8 + 2 * disadv[k] + rng.normal(0, 2, len(s))).clip(0, 60).round(1)
    return s[columns("schools")]


def _results(rng, ids, stype, size, effect, years) -> pd.DataFrame:
    cat = _catalogue()
    n_s, n_y, n_c = len(ids), len(years), len(cat)
    si = np.repeat(np.arange(n_s), n_y * n_c)
    yi = np.tile(np.repeat(np.arange(n_y), n_c), n_s)
    ci = np.tile(np.arange(n_c), n_s * n_y)
    allowed = np.array([t in types for t, types in zip(stype[si], cat["types"].to_numpy()[ci])])
    keep = allowed & (rng.random(len(si)) < cat["p"].to_numpy()[ci])
    si, yi, ci = si[keep], yi[keep], ci[keep]
    m = len(si)
    exam = cat["exam"].to_numpy()[ci]
    is_ege = exam == "ЕГЭ"
    cohort = np.where(is_ege, 14, np.where(exam == "ОГЭ", 18, 22)) * size[si]
    share = np.where(cat["p"].to_numpy()[ci] < 1, 0.3, 1.0)
    participants = np.maximum(1, rng.poisson(cohort * share)).astype("int64")
    quality = effect[si] + rng.normal(0, 0.35, m) + 0.05 * (yi - n_y / 2)

    r = pd.DataFrame({"year": years[yi], "exam": exam, "subject": cat["subject"].to_numpy()[ci],
                      "grade": cat["grade"].to_numpy()[ci], "school_id": ids[si], "participants": participants})
    # ЕГЭ: score 0–100, below minimum and high scorers as binomial counts
    mean_ege = np.clip(60 + 9 * quality + rng.normal(0, 14, m) / np.sqrt(participants), 15, 98)
    p_below = 1 / (1 + np.exp((mean_ege - 38) / 6))
    p_high = 1 / (1 + np.exp(-(mean_ege - 78) / 6))
    # ОГЭ/ВПР: marks 2–5 from a latent normal cut into four bins
    mu = 0.2 + 0.8 * quality
    cuts = np.array([-1.3, 0.0, 1.2])
    cdf = 1 / (1 + np.exp(-1.702 * (cuts[None, :] - mu[:, None])))   # logistic approximation of Φ
    probs = np.diff(np.column_stack([np.zeros(m), cdf, np.ones(m)]), axis=1)
    marks = rng.multinomial(participants, probs)
    mark_mean = (marks * np.array([2, 3, 4, 5])).sum(axis=1) / participants
    ege_rows = is_ege
    r["mean"] = np.where(ege_rows, np.round(mean_ege, 1), np.round(mark_mean, 2))
    r["below_min"] = np.where(ege_rows, rng.binomial(participants, p_below), marks[:, 0])
    r["high_scorers"] = pd.array(np.where(ege_rows, rng.binomial(participants, p_high), -1), dtype="Int64")
    r.loc[~ege_rows, "high_scorers"] = pd.NA
    for j, k in enumerate((2, 3, 4, 5)):
        r[f"mark{k}"] = pd.array(np.where(ege_rows, -1, marks[:, j]), dtype="Int64")
        r.loc[ege_rows, f"mark{k}"] = pd.NA
    vpr = exam == "ВПР"
    raised_p = np.clip(0.08 + 0.05 * rng.standard_normal(m), 0.0, 0.6)
    lowered_p = np.clip(0.2 + 0.05 * rng.standard_normal(m), 0.0, 0.6)
    lcr = rng.multinomial(participants, np.column_stack([lowered_p, 1 - lowered_p - raised_p, raised_p]))
    for j, c in enumerate(("lowered", "confirmed", "raised")):
        r[c] = pd.array(lcr[:, j], dtype="Int64")
        r.loc[~vpr, c] = pd.NA
    r["below_min"] = r["below_min"].astype("Int64")
    return r[columns("results")].reset_index(drop=True)


def _indicators(rng, ids, years) -> tuple[pd.DataFrame, pd.DataFrame]:
    n_ind, n_school_level = 40, 10
    ind = pd.DataFrame({
        "indicator_id": [f"I{i:02d}" for i in range(1, n_ind + 1)],
        "name": [f"Показатель {i}" for i in range(1, n_ind + 1)],
        "unit": rng.choice(["%", "балл", "чел."], n_ind, p=[0.6, 0.3, 0.1]),
        "direction": rng.choice(["higher", "lower"], n_ind, p=[0.7, 0.3]),
        "group": rng.choice(["ЕГЭ", "ОГЭ", "Кадры", "Инфраструктура"], n_ind),
        "tolerance": np.where(rng.random(n_ind) < 0.1, 0.1, np.nan),
    })
    first, last = int(years[0]), int(years[-1])
    sign = np.where(ind["direction"] == "higher", 1.0, -1.0)
    base = rng.uniform(20, 60, n_ind)
    # district level: baseline, target, a yearly plan (some ranges, some missing → glide) and facts
    frames = []
    iid = ind["indicator_id"].to_numpy()
    frames.append(pd.DataFrame({"indicator_id": iid, "year": first, "kind": "baseline", "value": base}))
    frames.append(pd.DataFrame({"indicator_id": iid, "year": last, "kind": "target", "value": base + 10 * sign}))
    yy = np.tile(years[1:], n_ind)
    ii = np.repeat(np.arange(n_ind), len(years) - 1)
    plan = base[ii] + 10 * sign[ii] * (yy - first) / (last - first)
    has_plan = rng.random(len(yy)) < 0.8
    is_range = rng.random(len(yy)) < 0.15
    frames.append(pd.DataFrame({"indicator_id": iid[ii], "year": yy, "kind": "plan",
                                "value": np.where(is_range, np.nan, plan), "low": np.where(is_range, plan - 1, np.nan),
                                "high": np.where(is_range, plan + 1, np.nan)})[has_plan])
    yf = np.tile(years, n_ind)
    jf = np.repeat(np.arange(n_ind), len(years))
    fact = base[jf] + 8 * sign[jf] * (yf - first) / (last - first) + rng.normal(0, 1.5, len(yf))
    frames.append(pd.DataFrame({"indicator_id": iid[jf], "year": yf, "kind": "fact", "value": fact}))
    district = pd.concat(frames, ignore_index=True)
    district["school_id"] = None
    # school level: the first n_school_level indicators for every school: baseline, target, facts
    ns = len(ids)
    k = np.repeat(np.arange(n_school_level), ns)
    s = np.tile(np.arange(ns), n_school_level)
    sbase = base[k] + rng.normal(0, 8, len(k))
    school_frames = [
        pd.DataFrame({"indicator_id": iid[k], "school_id": ids[s], "year": first, "kind": "baseline", "value": sbase}),
        pd.DataFrame({"indicator_id": iid[k], "school_id": ids[s], "year": last, "kind": "target",
                      "value": sbase + 10 * sign[k]}),
    ]
    kk = np.repeat(k, len(years))
    ss = np.repeat(s, len(years))
    yk = np.tile(years, len(k))
    sb = np.repeat(sbase, len(years))
    sfact = sb + 8 * sign[kk] * (yk - first) / (last - first) + rng.normal(0, 3, len(kk))
    school_frames.append(pd.DataFrame({"indicator_id": iid[kk], "school_id": ids[ss], "year": yk, "kind": "fact",
                                       "value": sfact}))
    values = pd.concat([district, *school_frames], ignore_index=True)
    values["value"] = values["value"].round(2)
    for c in ("low", "high"):
        if c not in values:
            values[c] = np.nan
    values["year"] = values["year"].astype("int64")
    return ind[columns("indicators")], values[columns("values")]


def _events(rng, n, years) -> pd.DataFrame:
    sections = [f"{i}. Раздел {i}" for i in range(1, 9)]
    parties = np.array(["Отдел образования", "ИМЦ", "Руководители ОО", "РМО учителей", "ППМС-центр",
                        "Заместители директоров (по УВР, по ВР)"])
    schedule = rng.choice(["dated", "continuous", "unscheduled"], n, p=[0.8, 0.15, 0.05])
    n_dates = np.where(schedule == "dated", rng.integers(1, 5, n), 0)
    day0 = pd.Timestamp(f"{int(years[0])}-01-31")
    span_days = (pd.Timestamp(f"{int(years[-1])}-12-31") - day0).days
    offsets = rng.integers(0, span_days, n_dates.sum())
    dates = (day0 + pd.to_timedelta(np.sort(offsets), unit="D")).strftime("%Y-%m-%d").to_numpy()
    owner = np.repeat(np.arange(n), n_dates)
    order = np.argsort(owner, kind="stable")
    split_at = np.cumsum(n_dates)[:-1]
    rng.shuffle(dates)
    control = [sorted(x.tolist()) for x in np.split(dates[order], split_at)]
    status = rng.choice(["done", "in_progress", "not_done", None], n, p=[0.55, 0.15, 0.1, 0.2])
    last = pd.to_datetime(pd.Series([c[-1] if c else None for c in control]))
    late = pd.to_timedelta(rng.integers(-60, 30, n), unit="D")
    completion = (last + late).dt.strftime("%Y-%m-%d").where((status == "done") & last.notna(), None)
    k1 = rng.integers(0, len(parties), n)
    k2 = rng.integers(0, len(parties), n)
    responsible = np.where(rng.random(n) < 0.5, parties[k1], parties[k1] + ", " + parties[k2])
    ev = pd.DataFrame({
        "number": [f"{i // 250 + 1}.{i % 250 + 1}" for i in range(n)],
        "section": np.array(sections)[np.arange(n) * len(sections) // n],
        "direction": rng.choice(["Работа с учащимися", "Работа с педагогами", "Управление"], n),
        "title": [f"Мероприятие {i + 1}" for i in range(n)],
        "deadline_text": np.where(schedule == "continuous", "В течение учебного года",
                                  np.where(schedule == "unscheduled", "По графику Рособнадзора", "по плану")),
        "control_dates": control,
        "schedule": schedule,
        "responsible": responsible,
        "expected_result": None,
        "status": status,
        "completion_date": completion,
        "school_id": None,
    })
    return ev[columns("events")]


if __name__ == "__main__":
    region = make_region()
    for name, df in region.items():
        print(f"{name:<11}{len(df):>9,} rows")
