"""What is loaded, counted the way a methodologist counts it? (the «Данные» page)

`loaded_frame(tables)` gives one line per tidy table: what it holds in words people count in — schools in the
registry (distinct schools, not its rows, which are one per school and year), indicators, indicator values
(and for how many indicators and schools), events, result rows and how many schools they cover — plus the
number of rows, the years, and `rows_text` etc. written the Russian way (1 234). `store_name(path)` is the
store's file name (never its folder: a server path tells a methodologist nothing and tells others too much);
`without_folders(text)` removes folders from «…» quoted paths in a message.
"""
from __future__ import annotations

import re
from pathlib import PurePath
from typing import Any

import pandas as pd

from loaders.model import TABLE_TITLES, TABLES
from ui import format as fmt


def _n(n: int, one: str, few: str, many: str) -> str:
    return f"{fmt.num(int(n))} {fmt.plural(n, one, few, many)}"


def _schools(df: pd.DataFrame) -> int:
    if "school_id" not in df or df.empty:
        return 0
    s = df["school_id"].dropna().astype(str).str.strip()
    return int(s[s != ""].nunique())


def _years(df: pd.DataFrame) -> tuple[str, str]:
    if "year" not in df or df.empty:
        return "—", "—"
    y = pd.to_numeric(df["year"], errors="coerce").dropna()
    return (str(int(y.min())), str(int(y.max()))) if len(y) else ("—", "—")


def describe(table: str, df: pd.DataFrame) -> tuple[str, str]:
    """(what the table holds, counted in its own units; what one row is / what it covers)."""
    rows, schools = len(df), _schools(df)
    if table == "schools":
        return _n(schools, "школа", "школы", "школ"), f"{_n(rows, 'строка', 'строки', 'строк')}: школа × учебный год"
    if table == "indicators":
        return _n(rows, "показатель", "показателя", "показателей"), "по строке на показатель"
    if table == "values":
        inds = int(df["indicator_id"].nunique()) if rows else 0
        district = bool(rows) and bool(df["school_id"].isna().any() or (df["school_id"].astype(str).str.strip() == "").any())
        where = " и району" if district else ""
        return (_n(rows, "значение", "значения", "значений"),
                f"по {_n(inds, 'показателю', 'показателям', 'показателям')}: "
                f"{_n(schools, 'школе', 'школам', 'школам')}{where}")
    if table == "events":
        return _n(rows, "мероприятие", "мероприятия", "мероприятий"), "по строке на пункт плана"
    if table == "results":
        return (_n(rows, "строка", "строки", "строк"),
                f"по {_n(schools, 'школе', 'школам', 'школам')}: школа × процедура × предмет × год")
    return _n(rows, "строка", "строки", "строк"), ""


def loaded_frame(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One line per tidy table: table, title, what, detail, rows, rows_text, schools, schools_text, first/last year."""
    lines = []
    for name in TABLES:
        df = tables.get(name)
        df = pd.DataFrame() if df is None else df
        what, detail = describe(name, df)
        first, last = _years(df)
        schools = _schools(df) if "school_id" in df else None
        lines.append({"table": name, "title": TABLE_TITLES[name], "what": what, "detail": detail,
                      "rows": len(df), "rows_text": fmt.num(len(df)),
                      "schools": schools, "schools_text": "—" if schools is None else fmt.num(schools),
                      "first_year": first, "last_year": last})
    return pd.DataFrame(lines)


def store_name(path: Any) -> str:
    """The store's file name («dashboard.sqlite»), never its folder."""
    return PurePath(str(path)).name if path else "—"


_QUOTED_PATH = re.compile(r"«([^«»]*[/\\])([^/\\«»]+)»")


def without_folders(text: Any) -> str:
    """«/srv/data/dashboard.sqlite» → «dashboard.sqlite» in a message (any «…» quoted path)."""
    return _QUOTED_PATH.sub(lambda m: f"«{m.group(2)}»", str(text))
