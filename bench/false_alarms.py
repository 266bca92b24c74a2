"""How often does each rule accuse a school that is no different from the others — and how often does it find one
that is?

Simulates districts of 18 schools (12 secondary, 3 basic, 3 primary; pupils per grade drawn from 3 to 70:
a third small 3–10, a third 11–30, a third 31–70) over four years in which every pupil of every school draws
from the same distributions: ЕГЭ scores (Russian 68 ± 14, profile maths 55 ± 18, social studies 57 ± 15, against
their minimum scores), ОГЭ and ВПР marks (shares of «2»–«5» 8/35/40/17 % and 10/38/37/15 %), ВПР-vs-journal
shares of 18/75/7 %, and social context shares unrelated to results. Then it runs the dashboard's own metric
functions on them — `intervals` (the school card), `funnel_points`, `risk_flags`, `objectivity_flags`,
`rank_schools` and `level_change_grid` — and prints, per flag, the share of schools flagged in the last year.
Goal: at most 5 % for every flag the card shows in red.

Then it plants a real effect — one school per district 0,5 of a pupil-level SD below the others on every
procedure for the last three years — and prints the detection rate of each flag by the planted school's size.

Each district gets its own block of years (district d uses years 2000 + 10·d … + 3), so district references,
quartiles, funnels and lists never mix districts; metrics that take a year are called per district. Not a test:
it only prints.

    python bench/false_alarms.py [--districts 1000] [--jobs 2] [--seed 1]
"""
from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

N_SCHOOLS = 18
YEARS = 4            # the last is judged; ШНОР needs the two before it, «устойчиво низкие» the one before those
EFFECT = 0.5         # the planted school: this many pupil-level SDs below, in the last three years
TYPES = ["СОШ"] * 12 + ["ООШ"] * 3 + ["НОШ"] * 3
EGE = {"Русский язык": (68.0, 14.0, 24, 1.0), "Математика (профильная)": (55.0, 18.0, 27, 0.5),
       "Обществознание": (57.0, 15.0, 42, 0.4)}                       # mean, SD, minimum, share taking it
OGE = {"Русский язык": 1.0, "Математика": 1.0, "Обществознание": 0.6, "Информатика": 0.4}
OGE_P = np.array([0.08, 0.35, 0.40, 0.17])
VPR = {4: ["Русский язык", "Математика", "Окружающий мир"], 5: ["Русский язык", "Математика"],
       6: ["Русский язык", "Математика"], 7: ["Русский язык", "Математика"], 8: ["Русский язык", "Математика"]}
VPR_P = np.array([0.10, 0.38, 0.37, 0.15])
JOURNAL_P = np.array([0.18, 0.75, 0.07])
SHARES = ["low_income_pct", "single_parent_pct", "large_family_pct", "risk_group_pct", "disability_pct",
          "non_native_pct"]
SIZE_BINS = [(3, 9), (10, 19), (20, 39), (40, 70)]


def _sizes(rng, n):
    band = rng.integers(0, 3, n)
    lo, hi = np.array([3, 11, 31])[band], np.array([10, 30, 70])[band]
    return rng.integers(lo, hi + 1)


def _shifted(p: np.ndarray, shift: float) -> np.ndarray:
    """Mark probabilities when the latent ability moves by `shift` pupil SDs (cut points from the null shares)."""
    cuts = ndtri(np.cumsum(p)[:-1])
    cdf = np.concatenate([[0.0], ndtr(cuts - shift), [1.0]])
    return np.diff(cdf)


def simulate(first: int, count: int, seed: int, planted: bool) -> tuple[dict, pd.DataFrame]:
    """Districts first … first + count − 1: the tidy results and registry tables, and the truth per district
    (planted school id, its size)."""
    rows, reg, truth = [], [], []
    for d in range(first, first + count):
        rng = np.random.default_rng([seed, d, int(planted)])
        size = _sizes(rng, N_SCHOOLS)
        bad = int(rng.integers(0, N_SCHOOLS)) if planted else -1
        base = 2000 + 10 * d
        for i in range(N_SCHOOLS):
            sid = f"d{d}s{i:02d}"
            kind = TYPES[i]
            shares = rng.uniform([5, 10, 5, 1, 2, 0], [45, 40, 30, 10, 12, 20])
            for t in range(YEARS):
                year = base + t
                reg.append(dict(school_id=sid, name=sid, type=kind, year=year, **dict(zip(SHARES, shares))))
                shift = -EFFECT if (i == bad and t >= 1) else 0.0
                n = int(size[i])
                if kind == "СОШ":
                    cohort = max(3, int(round(0.6 * n)))
                    for subj, (mu, sd, mn, take) in EGE.items():
                        k = cohort if take >= 1 else int(rng.binomial(cohort, take))
                        if k == 0:
                            continue
                        s = np.clip(np.round(rng.normal(mu + shift * sd, sd, k)), 0, 100)
                        rows.append(dict(year=year, exam="ЕГЭ", subject=subj, grade=11, school_id=sid, participants=k,
                                         mean=float(s.mean()), below_min=int((s < mn).sum()),
                                         high_scorers=int((s >= 80).sum())))
                if kind in ("СОШ", "ООШ"):
                    p = _shifted(OGE_P, shift)
                    for subj, take in OGE.items():
                        k = n if take >= 1 else int(rng.binomial(n, take))
                        if k == 0:
                            continue
                        m = rng.multinomial(k, p)
                        rows.append(dict(year=year, exam="ОГЭ", subject=subj, grade=9, school_id=sid, participants=k,
                                         below_min=int(m[0]), mark2=int(m[0]), mark3=int(m[1]), mark4=int(m[2]),
                                         mark5=int(m[3])))
                p = _shifted(VPR_P, shift)
                for grade, subjects in VPR.items():
                    if kind == "НОШ" and grade > 4:
                        continue
                    for subj in subjects:
                        m = rng.multinomial(n, p)
                        j = rng.multinomial(n, JOURNAL_P)
                        rows.append(dict(year=year, exam="ВПР", subject=subj, grade=grade, school_id=sid,
                                         participants=n, below_min=int(m[0]), mark2=int(m[0]), mark3=int(m[1]),
                                         mark4=int(m[2]), mark5=int(m[3]), lowered=int(j[0]), confirmed=int(j[1]),
                                         raised=int(j[2])))
        truth.append(dict(district=d, year=base + YEARS - 1, planted=f"d{d}s{bad:02d}" if planted else None,
                          size=int(size[bad]) if planted else None))
    return {"results": pd.DataFrame(rows), "schools": pd.DataFrame(reg)}, pd.DataFrame(truth)


def judge(first: int, count: int, seed: int, planted: bool) -> pd.DataFrame:
    """One row per school of the districts' last year: which flags it got."""
    import metrics
    from metrics.measures import prepare
    from metrics.uncertainty import funnel_points

    t, truth = simulate(first, count, seed, planted)
    res, sch = t["results"], t["schools"]
    prep = prepare(res)
    last = set(truth["year"])
    schools = sch[sch["year"].isin(last)][["school_id", "year", "type"]].reset_index(drop=True)
    out = schools.set_index("school_id")
    for c in ("card", "funnel", "low_results", "stable_low", "below_expectation", "resilient", "min_fail", "social",
              "obj_sign", "obj_persistent", "grid_down", "grid_down_strong", "rank_down"):
        out[c] = False
    iv = metrics.intervals(res)
    iv = iv[iv["year"].isin(last)]
    red = iv[iv["significantly_below"] | iv["below_significantly_above"]]
    out.loc[out.index.isin(red["school_id"]), "card"] = True
    rows = np.flatnonzero(np.isin(prep["year"].to_numpy(), list(last)) & (prep["exam"].to_numpy() != "ВПР"))
    fp = funnel_points(prep, rows, "mean")
    out.loc[out.index.isin(fp.loc[fp["side"] == "below", "school_id"]), "funnel"] = True
    of = metrics.objectivity_flags(res, max(last))
    of = of[of["year"].isin(last)]
    out.loc[out.index.isin(of.loc[of["flagged"], "school_id"]), "obj_sign"] = True
    out.loc[out.index.isin(of.loc[of["persistent"], "school_id"]), "obj_persistent"] = True
    for y in sorted(last):
        f = metrics.risk_flags(res, sch, y)
        for flag, col in (("low_results", "low_results"), ("stable_low", "stable_low"),
                          ("below_expectation", "below_expectation"), ("resilient", "resilient"),
                          ("min_fail_warning", "min_fail"), ("social", "social")):
            out.loc[out.index.isin(f.loc[f["flag"] == flag, "school_id"]), col] = True
        now = metrics.rank_schools(res, y, schools=sch)
        prev = metrics.rank_schools(res, y - 1, schools=sch)
        out.loc[out.index.isin(now.loc[now["rank_moved"] == -1, "school_id"]), "rank_down"] = True
        big = now[now["type_group"] == "Средние школы"]
        cols = ["school_id", "year", "value", "value_se", "participants"]
        grid = metrics.level_change_grid(pd.concat([big[cols], prev[prev["type_group"] == "Средние школы"][cols]])
                                         .rename(columns={"value_se": "se"}), y)
        out.loc[out.index.isin(grid.loc[grid["change_band"].isin([1, 2]), "school_id"]), "grid_down"] = True
        out.loc[out.index.isin(grid.loc[grid["change_band"] == 1, "school_id"]), "grid_down_strong"] = True
    out = out.reset_index()
    if planted:
        out = out.merge(truth[["planted", "size"]], left_on="school_id", right_on="planted")
    return out


FLAGS = [  # column, what the card or page shows, colour
    ("card", "карточка: «значимо ниже района» / «больше ниже минимума» (любая строка)", "красный"),
    ("funnel", "воронка: «хуже района сверх обычного разброса» (любой предмет)", "красный"),
    ("low_results", "ШНОР", "красный"),
    ("stable_low", "устойчиво низкие результаты", "красный"),
    ("below_expectation", "ниже ожидаемого с учётом контекста", "красный"),
    ("obj_persistent", "ВПР: признаки необъективности повторяются", "красный"),
    ("rank_down", "рейтинг: стрелка ▼ (место снизилось сверх колебаний)", "красный"),
    ("grid_down_strong", "сетка: «значительное ухудшение»", "красный"),
    ("grid_down", "сетка: «ухудшение» или «значительное ухудшение»", "красный фон"),
    ("obj_sign", "ВПР: признак в этом году", "жёлтый"),
    ("min_fail", "есть выпускники ниже минимума (школьный)", "жёлтый"),
    ("resilient", "резильентная", "зелёный"),
    ("social", "ШНСУ (по определению — четверть школ)", "синий"),
]


def run(districts: int, jobs: int, seed: int, planted: bool) -> pd.DataFrame:
    chunk = 50
    parts = [(s, min(chunk, districts - s), seed, planted) for s in range(0, districts, chunk)]
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as ex:
            frames = list(ex.map(judge, *zip(*parts)))
    else:
        frames = [judge(*p) for p in parts]
    return pd.concat(frames, ignore_index=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--districts", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    null = run(args.districts, args.jobs, args.seed, planted=False)
    t1 = time.perf_counter()
    n = len(null)
    print(f"Без реальных различий: {args.districts} районов × {N_SCHOOLS} школ, последний год; {n} школ-лет "
          f"({t1 - t0:.0f} с)\n")
    print(f"{'флаг':<76}{'цвет':>12}{'доля':>9}   цель")
    for col, label, colour in FLAGS:
        share = 100 * null[col].mean()
        goal = "≤ 5 %: " + ("да" if share <= 5 else "НЕТ") if colour.startswith("красн") else ""
        print(f"{label:<76}{colour:>12}{share:>8.1f} %   {goal}")
    red = [c for c, _, colour in FLAGS if colour == "красный"]
    print(f"{'любой красный флаг у школы':<76}{'':>12}{100 * null[red].any(axis=1).mean():>8.1f} %")

    planted = run(args.districts, args.jobs, args.seed, planted=True)
    t2 = time.perf_counter()
    print(f"\nЗаложенный эффект: одна школа на район на {EFFECT} разброса учеников ниже остальных три последних года "
          f"({args.districts} районов, {t2 - t1:.0f} с). Доля выявленных по размеру школы (учеников в параллели):\n")
    cols = [("card", "карточка"), ("funnel", "воронка"), ("low_results", "ШНОР"),
            ("below_expectation", "ниже ожид."), ("obj_sign", "ВПР-признак")]
    print(f"{'размер':<10}{'школ':>6}" + "".join(f"{name:>14}" for _, name in cols))
    for lo, hi in SIZE_BINS:
        b = planted[planted["size"].between(lo, hi)]
        print(f"{f'{lo}–{hi}':<10}{len(b):>6}" + "".join(f"{100 * b[c].mean():>13.1f}%" for c, _ in cols))
    print(f"{'все':<10}{len(planted):>6}" + "".join(f"{100 * planted[c].mean():>13.1f}%" for c, _ in cols))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
