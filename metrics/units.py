"""What kind of number is an indicator, judging by its unit?

Programme indicators carry their unit as the document writes it («%», «балл», «чел.», «шт.»,
«ч»). `unit_kind()` sorts a unit into a kind, and the kind decides: how a value and a gap are
written (`explain_unit`, `gap_unit`: a gap between two percentages is in п. п.), the feasible range
a forecast is clipped to (`feasible_range`), whether a ranking may use it (counts may not: they
measure size), and the default plan tolerance (settings `plan_fact.tolerance.<kind>`).
The vocabulary is data: the sets below.
"""
from __future__ import annotations

import math

PCT_UNITS = {"%", "процент", "проценты", "процентов"}
COUNT_UNITS = {"чел.", "чел", "человек", "шт.", "шт", "ед.", "ед", "единиц", "кол-во", "количество", "мероприятий",
               "школ", "оо"}
PEOPLE_UNITS = {"чел.", "чел", "человек"}
HOURS_UNITS = {"ч", "ч.", "час", "часы", "часов"}
SCORE_UNITS = {"балл", "баллы", "баллов", "отметка", "средний балл"}
KINDS = ("pct", "mark", "score", "count", "hours", "other")


def unit_kind(unit, typical: float | None = None) -> str:
    """"pct" | "mark" (a 2–5 mark: a «балл» whose typical value is ≤ 5, or «отметка») | "score" | "count" |
    "hours" | "other"."""
    u = "" if unit is None or (isinstance(unit, float) and math.isnan(unit)) else str(unit).strip().lower()
    if u in PCT_UNITS:
        return "pct"
    if u in COUNT_UNITS:
        return "count"
    if u in HOURS_UNITS:
        return "hours"
    if u in SCORE_UNITS:
        if u == "отметка" or (typical is not None and not math.isnan(typical) and abs(typical) <= 5):
            return "mark"
        return "score"
    return "other"


def explain_unit(unit, kind: str) -> str:
    """The `metrics.explain.Quantity` unit code of a value of this kind."""
    u = "" if unit is None or (isinstance(unit, float) and math.isnan(unit)) else str(unit).strip()
    if kind == "pct":
        return "%"
    if kind == "mark":
        return "mark"
    if kind == "score":
        return "score"
    if kind == "count":
        return "people" if u.lower() in PEOPLE_UNITS else "items"
    if kind == "hours":
        return "hours"
    return u


def gap_unit(unit, kind: str) -> str:
    """The unit code of a difference: п. п. for percentages, else the value's own."""
    return "pp" if kind == "pct" else explain_unit(unit, kind)


def feasible_range(kind: str) -> tuple[float, float]:
    """Where a value of this kind can lie: 0–100 for %, 2–5 for marks, 0–100 for test scores, ≥ 0 for counts and
    hours; unbounded otherwise."""
    return {"pct": (0.0, 100.0), "mark": (2.0, 5.0), "score": (0.0, 100.0), "count": (0.0, math.inf),
            "hours": (0.0, math.inf)}.get(kind, (-math.inf, math.inf))
