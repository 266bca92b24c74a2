"""What is loaded, counted the way a methodologist counts it? (the «Данные» page)

`loaded_frame(summary)` gives, from `Store.summary()` (small queries, no table read), one line per tidy table: what it holds in words people count in — schools in the
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


def _year(y: Any) -> str:
    return "—" if y is None else str(int(y))


def describe(table: str, info: dict[str, Any]) -> tuple[int, str, str]:
    """(the count a person counts the table in; its noun; what one row is / what it covers), from the table's
    `Store.summary()` entry."""
    rows, schools = int(info.get("rows", 0)), int(info.get("schools", 0))
    if table == "schools":
        return schools, fmt.plural(schools, "школа", "школы", "школ"), \
            f"{_n(rows, 'строка', 'строки', 'строк')}: школа × учебный год"
    if table == "indicators":
        return rows, fmt.plural(rows, "показатель", "показателя", "показателей"), "по строке на показатель"
    if table == "values":
        inds = int(info.get("indicators", 0))
        where = " и району" if info.get("district") else ""
        return (rows, fmt.plural(rows, "значение", "значения", "значений"),
                f"по {_n(inds, 'показателю', 'показателям', 'показателям')}: "
                f"{_n(schools, 'школе', 'школам', 'школам')}{where}")
    if table == "events":
        return rows, fmt.plural(rows, "мероприятие", "мероприятия", "мероприятий"), "по строке на пункт плана"
    if table == "results":
        return (rows, fmt.plural(rows, "строка", "строки", "строк"),
                f"по {_n(schools, 'школе', 'школам', 'школам')}: школа × процедура × предмет × год")
    return rows, fmt.plural(rows, "строка", "строки", "строк"), ""


def loaded_frame(summary: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """One line per tidy table from `Store.summary()`: table, title, count, noun, what («18 школ»), detail, rows,
    rows_text, schools, schools_text, first_year, last_year."""
    lines = []
    for name in TABLES:
        info = summary.get(name, {})
        count, noun, detail = describe(name, info)
        rows, schools = int(info.get("rows", 0)), int(info.get("schools", 0))
        lines.append({"table": name, "title": TABLE_TITLES[name], "count": count, "noun": noun,
                      "what": f"{fmt.num(count)} {noun}", "detail": detail,
                      "rows": rows, "rows_text": fmt.num(rows),
                      "schools": schools, "schools_text": fmt.num(schools) if schools else "—",
                      "first_year": _year(info.get("first_year")), "last_year": _year(info.get("last_year"))})
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
