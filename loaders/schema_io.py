"""How are tidy tables and load reports turned into plain JSON records?

`to_records(frame)` gives a list of dicts with model field names and plain
Python values (NaN / <NA> → None, Int64 → int, control dates → lists of ISO
strings). `result_to_json(result)` is the one object `python -m loaders --json`
prints: the five tables plus warnings and errors.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from loaders.model import TABLES, columns
from loaders.report import LoadResult


def _plain(v: Any) -> Any:
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, np.ndarray):
        return [_plain(x) for x in v.tolist()]
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return None if math.isnan(f) else f
    if isinstance(v, (np.bool_,)):
        return bool(v)
    return v


def to_records(frame: pd.DataFrame, table: str | None = None) -> list[dict[str, Any]]:
    """Records of a tidy table (model columns only, in model order when `table` is given)."""
    cols = [c for c in columns(table) if c in frame.columns] if table else list(frame.columns)
    data = {c: [_plain(v) for v in frame[c].tolist()] for c in cols}
    return [dict(zip(cols, vals)) for vals in zip(*data.values())] if cols else []


def result_to_json(result: LoadResult) -> dict[str, Any]:
    """{"schools": [...], "indicators": [...], "values": [...], "events": [...], "results": [...], "warnings": [...], "errors": [...]}"""
    out: dict[str, Any] = {t: to_records(result.tables.get(t, pd.DataFrame()), t) for t in TABLES}
    out["warnings"] = [p.as_dict() for p in result.warnings]
    out["errors"] = [p.as_dict() for p in result.errors]
    return out
