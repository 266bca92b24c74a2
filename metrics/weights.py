"""Which of a school's findings matters most?

A school can carry several findings at once: risk flags (`metrics.risk.risk_flags`) and signs of
inflated ВПР marks (`metrics.objectivity.objectivity_summary`). A person preparing an interview
reads them by weight, heaviest first:

1. `stable_low` — persistent ШНОР: low results this year and last year;
2. `objectivity_persistent` — signs of inflated ВПР marks that repeat over the years;
3. `low_results` — ШНОР this year;
4. `below_expectation` — results below what the school's social context predicts;
5. `objectivity` — signs of inflated ВПР marks this year only;
6. `min_fail_warning` — graduates below the minimum in a compulsory ГИА subject;
7. `social` — ШНСУ, a description of conditions (not a judgement of the school's work);
8. `exit`, `resilient` — good news.

`school_findings(flags, objectivity)` joins one school's flag rows and its objectivity summary row into
one table in that order. Pure: no streamlit, no I/O.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

WEIGHTS: dict[str, int] = {
    "stable_low": 100,
    "objectivity_persistent": 90,
    "low_results": 80,
    "below_expectation": 60,
    "objectivity": 50,
    "min_fail_warning": 40,
    "social": 20,
    "exit": 10,
    "resilient": 5,
}
OBJECTIVITY_LABELS = {
    "objectivity_persistent": "Объективность ВПР",  # the headline says «признаки … повторяются»
    "objectivity": "Объективность ВПР",
}
SERIOUS = ("flag", "warning")  # severities that make a line of the card's summary
COLUMNS = ["flag", "severity", "label", "explanation", "years", "details", "weight"]


def weight(flag: Any) -> int:
    """The weight of a finding (0 for one this module does not know: it goes last)."""
    return WEIGHTS.get(str(flag), 0)


def objectivity_flag(persistent: Any) -> str:
    """The finding of a school with signs of inflated ВПР marks: repeated over the years, or this year only."""
    return "objectivity_persistent" if bool(persistent) else "objectivity"


def objectivity_finding(row: Any) -> dict | None:
    """An `objectivity_summary` row as a finding (None when the school has no flagged ВПР works)."""
    if row is None or not int(row.get("n_flagged_rows", 0) or 0) or row.get("explanation") is None:
        return None
    persistent = bool(row.get("persistent"))
    flag = objectivity_flag(persistent)
    return dict(flag=flag, severity="flag" if persistent else "warning", label=OBJECTIVITY_LABELS[flag],
                explanation=row["explanation"], years=None, details=None, weight=weight(flag))


def school_findings(flags: pd.DataFrame, objectivity: Any = None) -> pd.DataFrame:
    """One school's findings, heaviest first: its `risk_flags` rows (flag, severity, label, explanation, years)
    and, when it has flagged ВПР works, its `objectivity_summary` row (a dict or Series) as one more finding.
    Ties keep the order of `flags`. Columns: flag, severity, label, explanation, years, details, weight."""
    rows = []
    if flags is not None and len(flags):
        for r in flags.to_dict("records"):  # a handful of flags per school
            rows.append(dict(flag=r["flag"], severity=r.get("severity"), label=r.get("label"),
                             explanation=r.get("explanation"), years=r.get("years"), details=r.get("details"),
                             weight=weight(r["flag"])))
    obj = objectivity_finding(objectivity)
    if obj is not None:
        rows.append(obj)
    out = pd.DataFrame(rows, columns=COLUMNS)
    return out.sort_values("weight", ascending=False, kind="stable").reset_index(drop=True)
