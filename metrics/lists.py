"""Which schools entered, left or stayed on a risk list between two years?

The programme keeps two lists: ШНОР (flag `low_results`) and ШНСУ (flag `social`).
`list_changes(flags_now, flags_before, flag)` compares the schools carrying `flag`
in two outputs of `metrics.risk_flags` (this year's and last year's).
"""
from __future__ import annotations

import pandas as pd

from metrics.vector import sort_rank

LISTS = {"low_results": "ШНОР", "social": "ШНСУ"}
CHANGE_COLUMNS = ["school_id", "change"]  # change: "entered" | "left" | "stayed"


def flagged_schools(flags: pd.DataFrame, flag: str) -> set[str]:
    """School ids that carry `flag` in a `risk_flags` output."""
    if flags is None or flags.empty:
        return set()
    rows = flags[flags["flag"].astype(str) == flag]
    return set(rows["school_id"].dropna().astype(str))


def list_changes(flags_now: pd.DataFrame, flags_before: pd.DataFrame, flag: str) -> pd.DataFrame:
    """One row per school on the `flag` list in either year: school_id, change
    ("entered": on the list now, not before; "left": before, not now; "stayed": both),
    entered first, then left, then stayed; school ids sorted within each."""
    now, before = flagged_schools(flags_now, flag), flagged_schools(flags_before, flag)
    rows = [(s, "entered") for s in now - before] + [(s, "left") for s in before - now] + \
           [(s, "stayed") for s in now & before]
    out = pd.DataFrame(rows, columns=CHANGE_COLUMNS)
    if out.empty:
        return out
    order = {"entered": 0, "left": 1, "stayed": 2}
    out = out.assign(_o=out["change"].map(order), _s=sort_rank(out["school_id"].to_numpy()))
    return out.sort_values(["_o", "_s"]).drop(columns=["_o", "_s"]).reset_index(drop=True)
