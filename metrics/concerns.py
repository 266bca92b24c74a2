"""Which schools give cause for concern this year, and which concern weighs most?

`school_concerns(flags, objectivity)` merges the at-risk flags (`metrics.risk_flags`) and the
per-school objectivity summary (`metrics.objectivity_summary`) into one row per school with a
concern, heaviest first. A concern is a finding of `metrics.weights` that compares a school with
others, in the same order as the school card reads them (0 = heaviest): persistent ШНОР, repeated
signs of inflated ВПР marks, ШНОР this year, below expectation, signs of inflated ВПР marks this
year only.

Not concerns: `min_fail_warning` (a graduate below the minimum is a count, not a comparison: in a
simulated district with no real differences it named up to 42 % of schools, those with the largest
cohorts; `min_fail_schools` counts them apart), `social` (ШНСУ describes the conditions a school
works in, not its work), and the good news `resilient` and `exit`. A school flagged `stable_low` is also `low_results`; the two count
as one concern, read through the `low_results` explanation (it names the years and the numbers;
the `stable_low` one only says the rule held twice).
"""
from __future__ import annotations

import pandas as pd

from metrics.weights import WEIGHTS, objectivity_flag

# the card's findings that compare a school with others, heaviest first
CONCERNS = tuple(f for f in sorted(WEIGHTS, key=WEIGHTS.get, reverse=True) if WEIGHTS[f] > WEIGHTS["min_fail_warning"])
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
    parts = []
    if flags is not None and len(flags):
        f = flags[flags["flag"].isin(WEIGHT)]
        parts.append(pd.DataFrame({"school_id": f["school_id"].astype(str).to_numpy(), "concern": f["flag"].to_numpy(),
                                   "explanation": f["explanation"].to_numpy()}))
    if objectivity is not None and len(objectivity):
        o = objectivity[pd.to_numeric(objectivity["n_flagged_rows"], errors="coerce").fillna(0).to_numpy() > 0]
        persistent = o["persistent"].fillna(False).astype(bool).to_numpy()
        parts.append(pd.DataFrame({"school_id": o["school_id"].astype(str).to_numpy(),
                                   "concern": [objectivity_flag(p) for p in persistent],
                                   "explanation": o["explanation"].to_numpy()}))
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=OUT_COLUMNS)
    d = pd.concat(parts, ignore_index=True).drop_duplicates(["school_id", "concern"])
    # ШНОР this year and last: one concern, read through the low_results explanation (years and numbers)
    low = d[d["concern"] == "low_results"].set_index("school_id")["explanation"]
    stable = (d["concern"] == "stable_low").to_numpy()
    if stable.any():
        own = d.loc[stable, "school_id"].map(low)
        d.loc[stable, "explanation"] = own.where(own.notna(), d.loc[stable, "explanation"])
        d = d[~((d["concern"] == "low_results") & d["school_id"].isin(set(d.loc[stable, "school_id"])))]
    d = d.assign(weight=d["concern"].map(WEIGHT)).sort_values(["school_id", "weight"], kind="stable")
    by = d.groupby("school_id", sort=False)
    res = by.head(1)[["school_id", "concern", "weight", "explanation"]].reset_index(drop=True)
    kinds = by["concern"].agg(list)
    res["concerns"] = res["school_id"].map(kinds)
    res["n_concerns"] = res["concerns"].map(len)
    res = res.assign(_n=-res["n_concerns"]).sort_values(["weight", "_n", "school_id"], kind="stable")
    return res.drop(columns="_n").reset_index(drop=True)[OUT_COLUMNS]


def min_fail_schools(flags: pd.DataFrame) -> int:
    """How many schools have a graduate below the minimum in a compulsory ГИА subject (`min_fail_warning`)."""
    if flags is None or not len(flags):
        return 0
    return int(flags.loc[flags["flag"] == "min_fail_warning", "school_id"].nunique())
