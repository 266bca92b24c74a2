"""What does the store hold, in a few small queries (no table is read into memory)?

The sidebar's year, school and procedure lists and a page's "is anything loaded"
check need only distinct values and row counts; reading every result row for
them took seconds at region scale. Each function takes an open connection.
"""
from __future__ import annotations

import sqlite3
from typing import Any

from loaders.model import TABLES
from store.tables import data_table


def counts(con: sqlite3.Connection) -> dict[str, int]:
    """Rows per model table."""
    return {t: int(con.execute(f"SELECT count(*) FROM {data_table(t)}").fetchone()[0]) for t in TABLES}


def _ints(rows: list[tuple[Any, ...]]) -> set[int]:
    return {int(r[0]) for r in rows if r[0] is not None}


def facets(con: sqlite3.Connection) -> dict[str, Any]:
    """Distinct values the filters offer, as sets: result_years, value_years, fact_years (years with a fact
    value), exams, result_schools, value_schools (school codes of school-level indicator values, stripped)."""
    res, vals = data_table("results"), data_table("values")
    year_kind = con.execute(f"SELECT DISTINCT year, kind FROM {vals}").fetchall()
    value_schools = {str(r[0]).strip() for r in con.execute(f"SELECT DISTINCT school_id FROM {vals}") if r[0] is not None}
    return {
        "result_years": _ints(con.execute(f"SELECT DISTINCT year FROM {res}").fetchall()),
        "value_years": _ints(year_kind),
        "fact_years": _ints([r for r in year_kind if r[1] == "fact"]),
        "exams": {str(r[0]) for r in con.execute(f"SELECT DISTINCT exam FROM {res}") if r[0] is not None},
        "result_schools": {str(r[0]) for r in con.execute(f"SELECT DISTINCT school_id FROM {res}") if r[0] is not None},
        "value_schools": value_schools - {""},
    }
