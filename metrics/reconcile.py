"""Do the programme's reported facts agree with what the loaded data says?

Some programme indicators can be computed from the loaded results: the share of schools with signs of
non-objective ВПР (`metrics.objectivity`), the share of schools with low results (ШНОР, `metrics.risk`),
the share of graduates of grade 11 (ЕГЭ) or 9 (ОГЭ) below the minimum in a compulsory subject.
`reconcile()` finds them among the district-level % indicators by the name patterns of
`[reconciliation]` in settings and puts the computed value beside the reported fact.

A share of graduates below the minimum cannot be computed exactly from per-subject counts: one pupil
may fail both Russian and mathematics. The computation gives a range — from the larger subject's
count (every failure overlapping) to the sum (none overlapping) — and a reported fact inside the range
agrees. Shares of schools are exact. `differs` is True when the reported fact lies outside the computed
value or range by more than `reconciliation.tolerance_pp` (0,5 п. п.).
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from metrics.explain import Explanation, Point, q
from metrics.forecast import school_key, text_clean
from metrics.measures import _float, prepare
from metrics.settings import get

DEFAULT_PATTERNS = {
    "vpr_signs": "признак\\w* необъективност",
    "low_results": "низкими образовательными результатами",
    "below_min_11": "11.*не получивших аттестат",
    "below_min_9": "9.*не получивших аттестат",
}
WHAT = {"vpr_signs": "доля школ с признаками необъективности ВПР",
        "low_results": "доля школ с низкими образовательными результатами (ШНОР)",
        "below_min_11": "доля выпускников 11 классов ниже минимума по обязательному предмету ЕГЭ",
        "below_min_9": "доля выпускников 9 классов ниже минимума по обязательному предмету ОГЭ"}


def _school_share(results, schools, year, settings, kind) -> tuple[float, float, int, int]:
    """(share, share, k, n): the share of the schools with results in `year` that have the sign / the flag."""
    if kind == "vpr_signs":
        from metrics.objectivity import objectivity_flags, objectivity_summary
        s = objectivity_summary(objectivity_flags(results, year, settings), year)
        hit = set(s.loc[s["n_flagged_rows"] > 0, "school_id"])
    else:
        from metrics.risk import risk_flags
        f = risk_flags(results, schools, year, settings)
        hit = set(f.loc[f["flag"] == "low_results", "school_id"])
    prep = prepare(results, settings)
    n = len(set(prep.loc[prep["year"] == year, "school_id"]))
    share = 100.0 * len(hit) / n if n else np.nan
    return share, share, len(hit), n


def _graduates_below(results, year, settings, exam) -> tuple[float, float, int, int]:
    """(low, high, failures, graduates): the range of the share of graduates below the minimum in a compulsory
    subject of `exam`, graduates = the school's largest compulsory-subject entry."""
    prep = prepare(results, settings)
    subjects = tuple(s.lower() for s in get(settings, "risk.min_fail.subjects", ["Русский язык", "Математика"]))
    d = prep[(prep["year"] == year) & (prep["exam"] == exam)]
    d = d[d["subject"].str.lower().str.startswith(subjects)]
    if d.empty:
        return np.nan, np.nan, 0, 0
    per = d.groupby("school_id").agg(most=("below", "sum"), least=("below", "max"), grads=("participants", "max"))
    grads = per["grads"].sum()
    least, most = per["least"].sum(), np.minimum(per["most"], per["grads"]).sum()
    return 100 * least / grads, 100 * most / grads, int(per["most"].sum()), int(grads)


def reconcile(results: pd.DataFrame, schools: pd.DataFrame, indicators: pd.DataFrame, values: pd.DataFrame,
              year: int, settings: dict | None = None) -> pd.DataFrame:
    """Reported against computed, for the district-level programme indicators the data can compute, in `year`.

    Columns: indicator_id, name, what (the computation, Russian), year, reported (the district's fact, %),
    computed_low, computed_high (% — equal for an exact share), count, base (the numbers behind it), differs
    (reported outside the computed range by more than the tolerance), explanation.
    """
    cols = ["indicator_id", "name", "what", "year", "reported", "computed_low", "computed_high", "count", "base",
            "differs", "explanation"]
    if indicators is None or values is None or len(indicators) == 0 or len(values) == 0 or results is None \
            or len(results) == 0:
        return pd.DataFrame(columns=cols)
    year = int(year)
    patterns = get(settings, "reconciliation.patterns", DEFAULT_PATTERNS) or DEFAULT_PATTERNS
    tol = float(get(settings, "reconciliation.tolerance_pp", 0.5))
    ind = indicators.drop_duplicates("indicator_id")
    v = values[(text_clean(values["kind"], lower=True) == "fact") & (school_key(values["school_id"]) == "")
               & (_float(values["year"]) == year)]
    facts = _float(v["value"]).groupby(v["indicator_id"].astype(str)).mean()
    rows = []
    for _, r in ind.iterrows():  # a programme's few dozen indicators
        iid, name = str(r["indicator_id"]), str(r.get("name", ""))
        if str(r.get("unit", "")).strip() != "%" or iid not in facts.index:
            continue
        kind = next((k for k, p in patterns.items() if re.search(str(p), name, re.I)), None)
        if kind is None:
            continue
        if kind in ("vpr_signs", "low_results"):
            lo, hi, k, n = _school_share(results, schools, year, settings, kind)
            unit_n = "schools"
        else:
            lo, hi, k, n = _graduates_below(results, year, settings, "ЕГЭ" if kind == "below_min_11" else "ОГЭ")
            unit_n = "people"
        if not n:
            continue
        rep = float(facts[iid])
        differs = bool(rep < lo - tol or rep > hi + tol)
        computed = q(lo, "%") if abs(hi - lo) < 1e-9 else f"{q_text(lo)}–{q_text(hi)}"
        head = Point("Отчёт: {0}; по загруженным данным: {1}" + (" — расходится" if differs else " — сходится"),
                     (q(rep, "%"), computed))
        pts = [Point("{0}: {1} из {2}", (WHAT[kind], q(k, unit_n) if unit_n == "schools" else str(k),
                                         str(n) if unit_n == "schools" else q(n, unit_n)))]
        cav = []
        if kind.startswith("below_min"):
            cav.append(Point("По отдельным предметам нельзя узнать, сколько выпускников не сдали оба: расчёт даёт "
                             "границы; пересдачи в дополнительные сроки не учтены"))
        rows.append(dict(indicator_id=iid, name=name, what=WHAT[kind], year=year, reported=rep, computed_low=lo,
                         computed_high=hi, count=k, base=n, differs=differs,
                         explanation=Explanation(head, tuple(pts), tuple(cav), extra={"kind": kind})))
    return pd.DataFrame(rows, columns=cols)


def q_text(x: float) -> str:
    from metrics.explain import quantity_text
    return quantity_text(q(x, "%"))
