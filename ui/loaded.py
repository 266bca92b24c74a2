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


def _w(n: int, one: str, few: str, many: str) -> str:
    return fmt.plural(n, one, few, many)


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


def describe(table: str, df: pd.DataFrame) -> tuple[int, str, str]:
    """(the count a person counts the table in; its noun; what one row is / what it covers)."""
    rows, schools = len(df), _schools(df)
    if table == "schools":
        return schools, _w(schools, "школа", "школы", "школ"), f"{_n(rows, 'строка', 'строки', 'строк')}: школа × учебный год"
    if table == "indicators":
        return rows, _w(rows, "показатель", "показателя", "показателей"), "по строке на показатель"
    if table == "values":
        inds = int(df["indicator_id"].nunique()) if rows else 0
        blank = df["school_id"].isna() | (df["school_id"].astype(str).str.strip() == "") if rows else pd.Series([])
        where = " и району" if bool(blank.any()) else ""
        return (rows, _w(rows, "значение", "значения", "значений"),
                f"по {_n(inds, 'показателю', 'показателям', 'показателям')}: "
                f"{_n(schools, 'школе', 'школам', 'школам')}{where}")
    if table == "events":
        return rows, _w(rows, "мероприятие", "мероприятия", "мероприятий"), "по строке на пункт плана"
    if table == "results":
        return (rows, _w(rows, "строка", "строки", "строк"),
                f"по {_n(schools, 'школе', 'школам', 'школам')}: школа × процедура × предмет × год")
    return rows, _w(rows, "строка", "строки", "строк"), ""


def loaded_frame(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One line per tidy table: table, title, count, noun, what («18 школ»), detail, rows, rows_text, schools,
    schools_text, first_year, last_year."""
    lines = []
    for name in TABLES:
        df = tables.get(name)
        df = pd.DataFrame() if df is None else df
        count, noun, detail = describe(name, df)
        first, last = _years(df)
        schools = _schools(df) if "school_id" in df else 0
        lines.append({"table": name, "title": TABLE_TITLES[name], "count": count, "noun": noun,
                      "what": f"{fmt.num(count)} {noun}", "detail": detail,
                      "rows": len(df), "rows_text": fmt.num(len(df)),
                      "schools": schools, "schools_text": fmt.num(schools) if schools else "—",
                      "first_year": first, "last_year": last})
    return pd.DataFrame(lines)


def count_card(r: dict[str, Any]) -> None:
    """A bordered card: the table's title, its count in big figures, and in small print what is counted."""
    import streamlit as st

    with st.container(border=True):
        st.markdown(f"<div style='min-height:2.6em;font-size:0.9rem;color:#555;line-height:1.3'>{r['title']}</div>",
                    unsafe_allow_html=True)  # our own table titles, never a file's text
        st.metric(r["title"], fmt.num(int(r["count"])), help=r["detail"], label_visibility="collapsed")
        st.caption(f"{r['noun']} ({r['detail']})" if r["detail"] else r["noun"])


def store_name(path: Any) -> str:
    """The store's file name («dashboard.sqlite»), never its folder."""
    return PurePath(str(path)).name if path else "—"


_QUOTED_PATH = re.compile(r"«([^«»]*[/\\])([^/\\«»]+)»")


def without_folders(text: Any) -> str:
    """«/srv/data/dashboard.sqlite» → «dashboard.sqlite» in a message (any «…» quoted path)."""
    return _QUOTED_PATH.sub(lambda m: f"«{m.group(2)}»", str(text))
