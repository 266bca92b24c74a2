"""Which reporting period is meant, and which data year and dates does it cover?

The department reports on the programme at the end of each half-year and of each
school year. `parse_period` reads the period a person or a script names:

- «2026-H1» (also «2026-1», «1-2026», «2026-П1»): January–June 2026;
- «2026-H2»: July–December 2026;
- «2026», «2025/26» or «2025/2026»: the school year 1 September 2025 – 31 August 2026.

Indicator values and results are kept per year, where year 2026 is the school year
2025/26 (its ГИА is in June 2026). A period's `data_year` is the year whose plans,
facts and results it reports: the year in which the period ends (for H2 2026 — the
December report — that is the year whose summer ГИА has just come in).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

ROMAN = {1: "I", 2: "II"}


class PeriodError(ValueError):
    """A period that cannot be read; the message is Russian."""


@dataclass(frozen=True)
class Period:
    kind: str          # "half" | "school_year"
    year: int          # calendar year of the half; for a school year, the year it ends in
    half: int | None   # 1 or 2 for a half-year
    start: date
    end: date

    @property
    def data_year(self) -> int:
        """The year of plans, facts and results this period reports (the year it ends in)."""
        return self.end.year

    @property
    def code(self) -> str:
        """«2026-H1» or «2025/26»."""
        return f"{self.year}-H{self.half}" if self.kind == "half" else f"{self.year - 1}/{str(self.year)[-2:]}"

    @property
    def label(self) -> str:
        """«I полугодие 2026 года», «2025/26 учебный год»."""
        if self.kind == "half":
            return f"{ROMAN[self.half or 1]} полугодие {self.year} года"
        return f"{self.year - 1}/{str(self.year)[-2:]} учебный год"

    def previous(self) -> Period:
        if self.kind == "half":
            return half_year(self.year - 1, 2) if self.half == 1 else half_year(self.year, 1)
        return school_year(self.year - 1)

    def following(self) -> Period:
        if self.kind == "half":
            return half_year(self.year, 2) if self.half == 1 else half_year(self.year + 1, 1)
        return school_year(self.year + 1)

    def contains(self, d: date) -> bool:
        return self.start <= d <= self.end

    def as_of(self, today: date) -> date:
        """The date the period's state is judged on: its last day, or today while it is still running."""
        return min(self.end, today)


def half_year(year: int, half: int) -> Period:
    if half == 1:
        return Period("half", year, 1, date(year, 1, 1), date(year, 6, 30))
    return Period("half", year, 2, date(year, 7, 1), date(year, 12, 31))


def school_year(year: int) -> Period:
    """The school year that ends in `year` (2026 → 1 September 2025 – 31 August 2026)."""
    return Period("school_year", year, None, date(year - 1, 9, 1), date(year, 8, 31))


_HALF = re.compile(r"^(\d{4})\s*[-_ ./]?\s*(?:H|П|ПГ|HALF)?\s*([12])$", re.IGNORECASE)
_HALF_FIRST = re.compile(r"^(?:H|П)?([12])\s*[-_ ./]\s*(\d{4})$", re.IGNORECASE)
_SCHOOL = re.compile(r"^(\d{4})\s*[/-]\s*(\d{2}|\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")


def parse_period(text: str) -> Period:
    """«2026-H1», «2026-H2», «2026» or «2025/26» → Period; PeriodError (Russian) otherwise."""
    t = str(text or "").strip()
    m = _YEAR.match(t)
    if m:
        return school_year(_check_year(int(m.group(1)), t))
    m = _SCHOOL.match(t)
    if m:
        first, second = int(m.group(1)), m.group(2)
        end = int(second) if len(second) == 4 else (first // 100) * 100 + int(second)
        if end < first:  # 1999/00
            end += 100
        if end != first + 1:
            raise PeriodError(f"Учебный год «{t}»: второй год должен следовать за первым (например, 2025/26).")
        return school_year(_check_year(end, t))
    m = _HALF.match(t)
    if m:
        return half_year(_check_year(int(m.group(1)), t), int(m.group(2)))
    m = _HALF_FIRST.match(t)
    if m:
        return half_year(_check_year(int(m.group(2)), t), int(m.group(1)))
    raise PeriodError(f"Период «{t}» не распознан. Укажите полугодие (2026-H1 — январь–июнь, 2026-H2 — "
                      "июль–декабрь) или учебный год (2026 или 2025/26).")


def _check_year(year: int, text: str) -> int:
    if not 2000 <= year <= 2100:
        raise PeriodError(f"Период «{text}»: год {year} вне допустимого диапазона 2000–2100.")
    return year

