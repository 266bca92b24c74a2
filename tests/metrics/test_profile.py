"""Is a school's registry profile put beside the district median of the same context year?"""
import pandas as pd

from metrics.profile import registry_row, school_profile

SCHOOLS = pd.DataFrame({
    "school_id": ["a", "b", "c", "a", "b"],
    "year": [2025, 2025, 2025, 2024, 2024],
    "students": [100, 300, 200, 90, 280],
    "low_income_pct": [10.0, 30.0, None, 12.0, 28.0],
})


def test_profile_uses_the_year_and_the_median_of_that_year():
    p = school_profile(SCHOOLS, "a", 2025).set_index("column")
    assert p.loc["students", "value"] == 100 and p.loc["students", "district_median"] == 200
    assert p.loc["low_income_pct", "district_median"] == 20.0   # median of 10 and 30; the blank is left out
    assert set(p["context_year"]) == {2025}


def test_latest_earlier_year_when_the_year_has_no_context():
    row, year = registry_row(SCHOOLS, "b", 2026)
    assert year == 2025 and row["students"] == 300
    p = school_profile(SCHOOLS, "a", 2024).set_index("column")
    assert p.loc["students", "district_median"] == 185   # (90 + 280) / 2


def test_a_school_without_registry_rows_has_no_profile():
    assert school_profile(SCHOOLS, "zz", 2025).empty
    assert registry_row(SCHOOLS, "zz", 2025) == (None, None)
