"""What does the store hold, in a few small queries (no table is read into memory)?

The sidebar's year, school and procedure lists, a page's "is anything loaded"
check and the «Данные» page's counts need only distinct values and row counts;
reading every result row for them took seconds at region scale. Each function
takes an open connection.
"""
from __future__ import annotations

import sqlite3
from typing import Any

from loaders.model import TABLES, columns
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


def _one(con: sqlite3.Connection, sql: str) -> Any:
    return con.execute(sql).fetchone()[0]


def summary(con: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    """Per model table: rows; schools (distinct non-blank school codes) and first_year / last_year where the
    table has them. Also values: indicators (distinct), district (any value without a school), last_fact_year;
    results: last_year_by_exam ({exam: year})."""
    out: dict[str, dict[str, Any]] = {}
    for t in TABLES:
        tbl, cols = data_table(t), set(columns(t))
        info: dict[str, Any] = {"rows": int(_one(con, f"SELECT count(*) FROM {tbl}"))}
        if "school_id" in cols:
            info["schools"] = int(_one(con, f"SELECT count(DISTINCT trim(school_id)) FROM {tbl} "
                                            "WHERE school_id IS NOT NULL AND trim(school_id) != ''"))
        if "year" in cols:
            lo, hi = con.execute(f"SELECT min(CAST(year AS INTEGER)), max(CAST(year AS INTEGER)) FROM {tbl} "
                                 "WHERE year IS NOT NULL").fetchone()
            info["first_year"], info["last_year"] = lo, hi
        out[t] = info
    vals, res = data_table("values"), data_table("results")
    out["values"]["indicators"] = int(_one(con, f"SELECT count(DISTINCT indicator_id) FROM {vals}"))
    out["values"]["district"] = bool(_one(con, f"SELECT EXISTS (SELECT 1 FROM {vals} "
                                               "WHERE school_id IS NULL OR trim(school_id) = '')"))
    out["values"]["last_fact_year"] = _one(con, f"SELECT max(CAST(year AS INTEGER)) FROM {vals} WHERE kind = 'fact'")
    out["results"]["last_year_by_exam"] = {str(e): int(y) for e, y in con.execute(
        f"SELECT exam, max(CAST(year AS INTEGER)) FROM {res} WHERE year IS NOT NULL GROUP BY exam ORDER BY exam")
        if e is not None and y is not None}
    return out
