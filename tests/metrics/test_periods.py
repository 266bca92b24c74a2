"""Is a reporting period read as a person names it, with the right dates and data year?"""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from metrics.lists import list_changes
from metrics.periods import PeriodError, parse_period


@pytest.mark.parametrize("text, start, end, data_year, label", [
    ("2026-H1", date(2026, 1, 1), date(2026, 6, 30), 2026, "I полугодие 2026 года"),
    ("2026-h2", date(2026, 7, 1), date(2026, 12, 31), 2026, "II полугодие 2026 года"),
    ("2-2025", date(2025, 7, 1), date(2025, 12, 31), 2025, "II полугодие 2025 года"),
    ("2026-П1", date(2026, 1, 1), date(2026, 6, 30), 2026, "I полугодие 2026 года"),
    ("2026", date(2025, 9, 1), date(2026, 8, 31), 2026, "2025/26 учебный год"),
    ("2025/26", date(2025, 9, 1), date(2026, 8, 31), 2026, "2025/26 учебный год"),
    ("2025/2026", date(2025, 9, 1), date(2026, 8, 31), 2026, "2025/26 учебный год"),
    ("1999/00", date(1999, 9, 1), date(2000, 8, 31), 2000, "1999/00 учебный год"),
])
def test_periods(text, start, end, data_year, label):
    p = parse_period(text)
    assert (p.start, p.end, p.data_year, p.label) == (start, end, data_year, label)


@pytest.mark.parametrize("text", ["2026-H3", "2025/27", "весна", "", "1850", "2026-H"])
def test_unreadable_periods_are_refused_in_russian(text):
    with pytest.raises(PeriodError, match="Период|Учебный год"):
        parse_period(text)


def test_neighbours_and_the_date_of_judgement():
    h1 = parse_period("2026-H1")
    assert h1.previous().code == "2025-H2" and h1.following().code == "2026-H2"
    assert parse_period("2026-H2").following().code == "2027-H1"
    assert parse_period("2026").previous().code == "2024/25"
    assert h1.as_of(date(2026, 11, 22)) == date(2026, 6, 30)   # a past period: its last day
    assert parse_period("2026-H2").as_of(date(2026, 11, 22)) == date(2026, 11, 22)  # running: today
    assert h1.contains(date(2026, 6, 30)) and not h1.contains(date(2026, 7, 1))


def test_list_changes_entered_left_stayed():
    now = pd.DataFrame({"school_id": ["a", "b", "c", "b"], "flag": ["low_results", "low_results", "social", "social"]})
    before = pd.DataFrame({"school_id": ["b", "d"], "flag": ["low_results", "low_results"]})
    got = list_changes(now, before, "low_results")
    assert got.values.tolist() == [["a", "entered"], ["d", "left"], ["b", "stayed"]]
    assert list_changes(now, before.iloc[0:0], "social")["change"].tolist() == ["entered", "entered"]
    assert list_changes(now.iloc[0:0], before.iloc[0:0], "social").empty
