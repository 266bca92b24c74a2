"""Which schools give cause for concern this year, and which concern weighs most?

`school_concerns(flags, objectivity)` merges the at-risk flags (`metrics.risk_flags`) and the
per-school objectivity summary (`metrics.objectivity_summary`) into one row per school with a
concern, heaviest first. The weights (0 = heaviest) are the order a department reads them in:

0. `stable_low` — low results (ШНОР) this year and last: a persistent problem;
1. `objectivity_repeated` — signs of inflated ВПР marks in at least 2 of the last 3 years;
2. `low_results` — low results (ШНОР) this year only;
3. `below_expectation` — results below what the school's social conditions predict;
4. `objectivity` — signs of inflated ВПР marks this year only («стоит посмотреть»);
5. `min_fail_warning` — a graduate below the minimum in a compulsory ГИА subject.

Not concerns: `social` (ШНСУ describes the conditions a school works in, not its work), and the
good news `resilient` and `exit`. A school flagged `stable_low` is also `low_results`; the two count
as one concern, read through the `low_results` explanation (it names the years and the numbers;
the `stable_low` one only says the rule held twice).
"""
from __future__ import annotations

from typing import Any

import pandas as pd

CONCERNS = ("stable_low", "objectivity_repeated", "low_results", "below_expectation", "objectivity",
            "min_fail_warning")
WEIGHT = {c: i for i, c in enumerate(CONCERNS)}
OUT_COLUMNS = ["school_id", "concern", "weight", "explanation", "concerns", "n_concerns"]


def school_concerns(flags: pd.DataFrame, objectivity: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per school with at least one concern, heaviest first.

    `flags`: `risk_flags()` of a year (school_id, flag, explanation). `objectivity`: `objectivity_summary()` of
    the same year (school_id, n_flagged_rows, persistent, explanation), or None.

    Columns: school_id; concern (the heaviest, one of `CONCERNS`); weight (its place in `CONCERNS`, 0 = heaviest);
    explanation (the `metrics.explain.Explanation` to read first: that concern's, for `stable_low` the school's
    `low_results` one); concerns (every concern of the school, heaviest first); n_concerns. Sorted by weight, then
    by the number of concerns (more first), then by school_id.
    """
    rows: list[dict[str, Any]] = []
    if flags is not None and len(flags):
        f = flags[flags["flag"].isin(WEIGHT)]
        for r in f[["school_id", "flag", "explanation"]].itertuples(index=False):  # a few rows per school at most
            rows.append({"school_id": str(r.school_id), "concern": r.flag, "explanation": r.explanation})
    if objectivity is not None and len(objectivity):
        o = objectivity[pd.to_numeric(objectivity["n_flagged_rows"], errors="coerce").fillna(0) > 0]
        for r in o[["school_id", "persistent", "explanation"]].itertuples(index=False):
            rows.append({"school_id": str(r.school_id),
                         "concern": "objectivity_repeated" if bool(r.persistent) else "objectivity",
                         "explanation": r.explanation})
    if not rows:
        return pd.DataFrame(columns=OUT_COLUMNS)
    d = pd.DataFrame(rows)
    d["weight"] = d["concern"].map(WEIGHT)
    d = d.sort_values(["school_id", "weight"], kind="stable")
    out = []
    for sid, g in d.groupby("school_id", sort=False):
        kinds = list(dict.fromkeys(g["concern"]))
        explanation = g["explanation"].iloc[0]
        if kinds[0] == "stable_low" and "low_results" in kinds:
            explanation = g.loc[g["concern"] == "low_results", "explanation"].iloc[0]
            kinds.remove("low_results")  # the same problem, counted once
        out.append({"school_id": sid, "concern": kinds[0], "weight": WEIGHT[kinds[0]], "explanation": explanation,
                    "concerns": kinds, "n_concerns": len(kinds)})
    res = pd.DataFrame(out, columns=OUT_COLUMNS)
    res = res.assign(_n=-res["n_concerns"]).sort_values(["weight", "_n", "school_id"], kind="stable")
    return res.drop(columns="_n").reset_index(drop=True)
