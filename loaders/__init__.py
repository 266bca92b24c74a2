"""What does the loader package offer to the rest of the dashboard?

Read spreadsheets (xlsx, xls, ods, csv, Google Sheets) into the tidy tables of
`loaders.model`, validated, with Russian problems located by file, sheet, row
and column:

    from loaders import load_files, load_bytes, load_many, load_gsheet
    result = load_files(["results_2024.xlsx"], registry=schools)
    result.ok, result.tables["results"], [p.text() for p in result.problems]

`template_bytes(table)` gives the canonical xlsx template of a table.
Command line: `python -m loaders FILE… [--json]`, `python -m loaders template results`.
"""
from __future__ import annotations

from typing import Any

from loaders.report import LoadError, LoadResult, Problem


def load_files(paths, **kwargs: Any) -> LoadResult:
    from loaders.pipeline import load_files as _f
    return _f(paths, **kwargs)


def load_bytes(name: str, data: bytes, **kwargs: Any) -> LoadResult:
    from loaders.pipeline import load_bytes as _f
    return _f(name, data, **kwargs)


def load_many(items, **kwargs: Any) -> LoadResult:
    from loaders.pipeline import load_many as _f
    return _f(items, **kwargs)


def load_gsheet(url_or_key: str, **kwargs: Any) -> LoadResult:
    from loaders.gsheets import load_gsheet as _f
    return _f(url_or_key, **kwargs)


def template_bytes(table: str, rows: list[dict] | None = None) -> bytes:
    from loaders.templates import template_bytes as _f
    return _f(table, rows)


__all__ = ["LoadError", "LoadResult", "Problem", "load_files", "load_bytes", "load_many", "load_gsheet",
           "template_bytes"]
