"""How does a load report what it found and what is wrong?

`Problem` is one error or warning, always located by file, sheet, row and
column, with a Russian message a methodologist can act on. `LoadResult` is what
every loader entry point returns: the tidy tables plus the problems, plus what
the user may still have to decide (unknown schools, unplaced columns).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from loaders.model import TABLES, columns


@dataclass(frozen=True)
class Problem:
    severity: str  # "error" | "warning"
    message: str  # Russian, without the location prefix
    file: str | None = None
    sheet: str | None = None
    row: int | None = None  # 1-based spreadsheet row
    column: str | None = None  # header text as in the file (or column letter)
    value: Any = None

    def location(self) -> str:
        parts = []
        if self.file:
            parts.append(f"Файл «{self.file}»")
        if self.sheet:
            parts.append(f"лист «{self.sheet}»")
        if self.row is not None:
            parts.append(f"строка {self.row}")
        if self.column:
            parts.append(f"столбец «{self.column}»")
        return ", ".join(parts)

    def text(self) -> str:
        """Full Russian sentence, e.g. «Файл «x.xlsx», лист «Факт», строка 12, столбец «2020 год»: "4.5.1" — не число»."""
        where = self.location()
        what = self.message
        if self.value is not None and str(self.value) != "":
            what = f"«{self.value}» — {what}"
        return f"{where}: {what}" if where else what

    def as_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": None if self.value is None else str(self.value),
            "message": self.message,
            "text": self.text(),
        }


def empty_table(table: str) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns(table)})


@dataclass
class LoadResult:
    tables: dict[str, pd.DataFrame] = field(default_factory=lambda: {t: empty_table(t) for t in TABLES})
    problems: list[Problem] = field(default_factory=list)
    # What was detected per file/sheet, e.g. {"file": "x.xlsx", "sheet": "Лист1", "layout": "results_export", "table": "results", "rows": 120}
    detected: list[dict[str, Any]] = field(default_factory=list)
    # School names that could not be matched to the registry unambiguously, or only fuzzily:
    # {"file", "sheet", "row", "name", "status", "candidates": [(school_id, name, score), ...]}; status is
    # "unknown" or "ambiguous" (an error: the rows are not loaded) or "fuzzy" (a warning: the rows are loaded
    # under "school_id", the matched school, which the user confirms or corrects in the upload dialog)
    unmatched_schools: list[dict[str, Any]] = field(default_factory=list)
    # Source columns the loader could not place: {"file", "sheet", "column", "signature"}
    unplaced_columns: list[dict[str, Any]] = field(default_factory=list)
    # Files that held people's names (a per-pupil list): their original bytes must never be kept
    personal_files: list[str] = field(default_factory=list)
    # Sheets the user may have to describe herself (skipped, or with columns not placed): {"file", "sheet",
    # "status" ("skipped" | "read"), "table", "header_row", "header_rows", "candidates": [{"row", "rows",
    # "labels", "letters", "signature"}]} — the upload dialog offers the table type, a field for every column and the header
    # and first data rows, saved under the chosen header's signature (`loaders.layouts.tabular.DIRECTIVES`)
    sheet_headers: list[dict[str, Any]] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors


class LoadError(Exception):
    """A source that cannot be read at all (empty, corrupt, not a spreadsheet, hostile).

    Carries exactly one Russian `Problem`; the pipeline turns it into an error entry.
    """

    def __init__(self, problem: Problem):
        super().__init__(problem.text())
        self.problem = problem


@dataclass(frozen=True)
class ProblemGroup:
    """Problems that say the same thing in the same file, sheet and column, on different rows."""

    severity: str
    message: str
    file: str | None
    sheet: str | None
    column: str | None
    rows: tuple[int, ...]
    values: tuple[Any, ...]
    count: int

    def text(self) -> str:
        """«Файл «x», лист «y», столбец «z»: пустая ячейка в обязательном столбце — строки 12–5 300 (5 213 ячеек)»;
        a single problem reads as `Problem.text` does."""
        if self.count == 1:
            return Problem(self.severity, self.message, self.file, self.sheet, self.rows[0] if self.rows else None,
                           self.column, self.values[0] if self.values else None).text()
        where = Problem(self.severity, self.message, self.file, self.sheet, None, self.column).location()
        what = f"{self.message} — {row_ranges(self.rows)} ({thousands(self.count)} {_cells(self.count)})"
        return f"{where}: {what}" if where else what


def thousands(n: int) -> str:
    """«5 300» with a no-break space, as Russian text writes counts."""
    return f"{n:,}".replace(",", "\u00a0")


def _cells(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return "ячейка"
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return "ячейки"
    return "ячеек"


def row_ranges(rows: tuple[int, ...] | list[int], limit: int = 6) -> str:
    """«строки 12–20, 25, 31–5 300»: consecutive rows as ranges, the first `limit` ranges shown."""
    if not rows:
        return ""
    rs = sorted(set(rows))
    spans: list[tuple[int, int]] = []
    for r in rs:
        if spans and r == spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], r)
        else:
            spans.append((r, r))
    parts = [thousands(a) if a == b else f"{thousands(a)}–{thousands(b)}" for a, b in spans[:limit]]
    more = f" и ещё {len(spans) - limit} диапазон(ов)" if len(spans) > limit else ""
    word = "строка" if len(rs) == 1 else "строки"
    return f"{word} {', '.join(parts)}{more}"


def unique_problems(problems: list[Problem]) -> list[Problem]:
    """Problems without repeats: one message per cell at most."""
    seen: dict[tuple, Problem] = {}
    for p in problems:
        seen.setdefault((p.severity, p.file, p.sheet, p.row, p.column, p.message, str(p.value)), p)
    return list(seen.values())


def group_problems(problems: list[Problem]) -> list[ProblemGroup]:
    """Repeated messages grouped: one group per (severity, file, sheet, column, message), rows as ranges, in
    the order their first problem came."""
    groups: dict[tuple, list[Problem]] = {}
    for p in unique_problems(problems):
        groups.setdefault((p.severity, p.file, p.sheet, p.column, p.message), []).append(p)
    out = []
    for (severity, file, sheet, column, message), items in groups.items():
        rows = tuple(p.row for p in items if p.row is not None)
        out.append(ProblemGroup(severity, message, file, sheet, column, rows, tuple(p.value for p in items),
                                len(items)))
    return out
