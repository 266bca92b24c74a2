"""What does a page say when there is nothing to show?

`empty_hint(needed, what)` explains in Russian which tables to load for this
page and offers the blank template of each (from `loaders.templates`) for
download. `no_school_data(school, year)` is the short note for a school with
no data in the chosen year.
"""
from __future__ import annotations

from typing import Iterable

import streamlit as st

from loaders.model import TABLE_TITLES

_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def template(table: str) -> bytes | None:
    """The blank canonical template of a table (None while the loaders cannot make it)."""
    try:
        from loaders.templates import template_bytes
    except ImportError:
        return None
    try:
        return template_bytes(table)
    except Exception:
        return None


def template_file_name(table: str) -> str:
    return f"шаблон_{TABLE_TITLES.get(table, table).replace(' ', '_')}.xlsx"


def template_button(table: str, key: str) -> None:
    """A download button for one table's template (or a note when it is unavailable)."""
    payload = template(table)
    title = TABLE_TITLES.get(table, table)
    if payload is None:
        st.caption(f"Шаблон «{title}» пока недоступен.")
        return
    st.download_button(
        f"Шаблон: {title}",
        data=payload,
        file_name=template_file_name(table),
        mime=_MIME,
        key=key,
        icon=":material/download:",
        on_click="ignore",
    )


def empty_hint(needed: Iterable[str], what: str, key: str = "empty") -> None:
    """Say that `what` needs the tables `needed` loaded, and offer their templates."""
    needed = list(needed)
    names = ", ".join(f"«{TABLE_TITLES.get(t, t)}»" for t in needed)
    st.info(
        f"Нечего показать: {what}. Загрузите {names} — через загрузку файла в боковой панели "
        "или положите файлы в папку данных. Ниже — шаблоны для заполнения.",
        icon=":material/info:",
    )
    template_row(needed, key=f"{key}_tpl")


def template_row(tables: Iterable[str], key: str) -> None:
    """The template buttons side by side, each as wide as its label, wrapping onto the next line."""
    with st.container(horizontal=True, gap="small"):
        for t in tables:
            template_button(t, key=f"{key}_{t}")


def no_school_data(school_label: str, year: int, what: str = "данных") -> None:
    """A school with no data for the chosen year."""
    st.info(f"Для школы «{school_label}» нет {what} за {year - 1}/{str(year)[-2:]} учебный год.", icon=":material/info:")
