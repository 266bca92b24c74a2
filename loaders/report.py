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
