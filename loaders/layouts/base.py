"""What is a layout, and what does it get and give?

A layout knows one way a district lays out a table on a sheet (our canonical
templates, a «Форма 1» indicator table, an event plan, a results export…).
The pipeline asks every registered layout how well it recognises a sheet
(`detect` → 0..1), lets the best one `parse` it, then validates the result.

`parse` returns a `Parsed`: one DataFrame per model table it found. A frame
holds model columns (raw cell values or already-typed ones; validation coerces
and checks them) plus `_row` — the 1-based spreadsheet row of each record — and
optionally `_col_<field>` columns naming the source header of each cell, so a
message can say «строка 12, столбец "2020 год"». Where a field comes from one
column for the whole sheet, put it in `Parsed.headers[table][field]` instead.

A value the layout only assumed (a direction taken as «больше — лучше» for
want of anything better) may be flagged with a boolean `_guessed_<field>`
column: when the same indicator or school is listed on several sheets, a
stated value then wins over the guess instead of conflicting with it.

Helper columns the pipeline resolves: `school_name` (matched to the registry
into `school_id`, once per distinct name) and, in values, `indicator_name`
(matched to the indicators of the same batch). A results frame without year
or procedure gets them from the user's override, `Parsed.info["year"/"exam"]`,
the sheet name or the file name; ЕГЭ rows get grade 11, ОГЭ rows grade 9.

A layout never raises for bad data: it reports `Problem`s (warnings or errors)
and leaves the cell value as it found it for validation to judge.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import pandas as pd

from loaders.grid import Sheet
from loaders.report import Problem


@dataclass
class Context:
    """What the caller and earlier files tell a layout about the sheet."""

    file: str
    year: int | None = None  # user override of the (school) year, 2023/24 → 2024
    exam: str | None = None  # user override of the procedure (ЕГЭ, ОГЭ, ВПР…)
    table: str | None = None  # user override of the table type (results, values…)
    layout: str | None = None  # user override of the layout name
    mapping: dict[str, str] = field(default_factory=dict)  # source header → model column (from --map or a saved mapping)
    registry: pd.DataFrame | None = None  # schools table (model columns) for name matching
    aliases: dict[str, str] = field(default_factory=dict)  # alias text → school_id
    settings: dict | None = None
    # Indicators already held (e.g. the store's): their stated direction, unit and group beat a guess.
    known_indicators: pd.DataFrame | None = None
    mappings: Any = None  # saved header mappings: a callable signature → mapping (or None), or a dict

    def known_direction(self, indicator_id: str) -> str | None:
        """The direction already known for an indicator (so a layout need not warn that it guessed)."""
        if self.known_indicators is None or not len(self.known_indicators):
            return None
        cache = self.__dict__.setdefault("_known_dir", None)
        if cache is None:
            k = self.known_indicators
            cache = {str(i).strip(): d for i, d in zip(k["indicator_id"], k.get("direction", pd.Series(
                None, index=k.index))) if isinstance(d, str) and d} if "indicator_id" in k.columns else {}
            self.__dict__["_known_dir"] = cache
        return cache.get(str(indicator_id))

    def saved_mapping(self, signature: str) -> dict[str, str] | None:
        """The mapping saved for a header signature: from `mappings` when the caller gave them (the store),
        else from the mappings file (`loaders.mappings`, for the command line)."""
        if self.mappings is None:
            from loaders.mappings import load_mapping
            return load_mapping(signature)
        m = self.mappings(signature) if callable(self.mappings) else self.mappings.get(signature)
        return dict(m) if isinstance(m, dict) and m else None

    def problem(self, severity: str, message: str, sheet: Sheet | None = None, row: int | None = None,
                column: str | None = None, value: Any = None) -> Problem:
        """A Problem located in this context's file (and the given sheet/row/column)."""
        return Problem(severity, message, file=self.file, sheet=sheet.name if sheet else None,
                       row=row, column=column, value=value)


@dataclass
class Parsed:
    """What a layout read from one sheet."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # Free-form facts for the load report and preview, e.g. {"year": 2024, "exam": "ЕГЭ", "header_row": 3}.
    info: dict[str, Any] = field(default_factory=dict)
    # Per table: model field → source header text, used by validation when a frame has no `_col_<field>`.
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    # School names the layout could not match: {"row", "name", "candidates": [(school_id, name, score), ...]}
    unmatched_schools: list[dict[str, Any]] = field(default_factory=list)
    # Source headers the layout could not place (texts as in the file).
    unplaced_columns: list[str] = field(default_factory=list)


@runtime_checkable
class Layout(Protocol):
    name: str  # short latin id used on the command line (--layout NAME)
    title: str  # Russian, for the preview: «Шаблон результатов», «Форма 1 (показатели)»…

    def detect(self, sheet: Sheet, ctx: Context) -> float:
        """How sure the layout is that it can read this sheet: 0 (no) … 1 (certainly)."""
        ...

    def parse(self, sheet: Sheet, ctx: Context) -> Parsed:
        """Read the sheet into model tables; report problems, never raise for bad data."""
        ...
