"""How does a school's registry profile compare with the district?

`registry_row` picks the school's context for a year (else the latest earlier
year, else an undated row); `school_profile` puts each registry value beside
the district median of the same context year, for the school card.
"""
from __future__ import annotations

import pandas as pd

PROFILE_COLUMNS = (
    "students", "low_income_pct", "single_parent_pct", "large_family_pct", "risk_group_pct", "disability_pct",
    "non_native_pct", "staffing_pct", "qualified_teachers_pct", "teacher_turnover_pct",
)


def registry_row(schools: pd.DataFrame, school_id: str, year: int) -> tuple[pd.Series | None, int | None]:
    """The school's registry row for `year` (else the latest earlier year, else any undated row) and its year."""
    if schools is None or schools.empty:
        return None, None
    s = schools[schools["school_id"].astype(str) == str(school_id)].copy()
    if s.empty:
        return None, None
    s["_y"] = pd.to_numeric(s["year"], errors="coerce")
    exact = s[s["_y"] == year]
    if len(exact):
        return exact.iloc[-1], year
    earlier = s[s["_y"] < year].sort_values("_y")
    if len(earlier):
        r = earlier.iloc[-1]
        return r, int(r["_y"])
    undated = s[s["_y"].isna()]
    if len(undated):
        return undated.iloc[-1], None
    r = s.sort_values("_y").iloc[0]
    return r, int(r["_y"])


def school_profile(schools: pd.DataFrame, school_id: str, year: int) -> pd.DataFrame:
    """One row per registry value the school has: column, value, district_median (same context year), context_year."""
    row, ry = registry_row(schools, school_id, year)
    cols = [c for c in PROFILE_COLUMNS if c in schools.columns] if row is not None else []
    if not cols:
        return pd.DataFrame(columns=["column", "value", "district_median", "context_year"])
    years = pd.to_numeric(schools["year"], errors="coerce")
    same = schools[years == ry] if ry is not None else schools[years.isna()]
    medians = same[cols].apply(pd.to_numeric, errors="coerce").median()
    values = pd.to_numeric(pd.Series([row.get(c) for c in cols], index=cols), errors="coerce")
    out = pd.DataFrame({"column": cols, "value": values.to_numpy(), "district_median": medians[cols].to_numpy(),
                        "context_year": ry})
    return out[out["value"].notna()].reset_index(drop=True)
