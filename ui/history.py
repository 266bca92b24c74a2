"""What has been loaded, and when?

`upload_history_table(store)` shows the store's upload history (who, when,
which file, rows added / changed / replaced, undone or not) with Russian
labels and an Excel download. The upload engineer extends this function (or
wraps it) to add the «Отменить» action per upload; keep its name.
"""
from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from loaders.model import TABLE_TITLES
from ui import format as fmt
from ui import tables as tbl

HISTORY_COLUMNS = {
    "upload_id": st.column_config.NumberColumn("№", format="%d", width="small"),
    "at": "Когда",
    "user": "Кто",
    "source": "Источник",
    "file_name": "Файл",
    "tables": "Таблицы",
    "added": st.column_config.NumberColumn("Добавлено строк", format="%d"),
    "changed": st.column_config.NumberColumn("Изменено строк", format="%d"),
    "replaced": st.column_config.NumberColumn("Заменено строк", format="%d"),
    "undone_at": "Отменена",
    "sha256": "SHA-256",
}

SOURCE_LABELS = {"seed": "начальная загрузка", "upload": "загрузка файла", "gsheets": "Google Таблицы", "folder": "папка"}


def history_frame(store: Any) -> pd.DataFrame:
    """The store's history, newest first, with readable values (lists joined, sources in Russian)."""
    h = store.history()
    if h is None or h.empty:
        return pd.DataFrame(columns=list(HISTORY_COLUMNS))
    h = h.copy()
    if "tables" in h:
        h["tables"] = h["tables"].map(
            lambda v: ", ".join(TABLE_TITLES.get(str(x), str(x)) for x in v) if isinstance(v, (list, tuple)) else v)
    for col in ("at", "undone_at"):
        if col in h:
            h[col] = h[col].map(fmt.datetime_ru)
    if "source" in h:
        h["source"] = h["source"].map(lambda v: SOURCE_LABELS.get(str(v), v))
    return h.sort_values("upload_id", ascending=False) if "upload_id" in h else h


def upload_history_table(store: Any, key: str = "history") -> pd.DataFrame:
    """Render the upload history (with Excel download) and return the frame shown."""
    h = history_frame(store)
    if h.empty:
        st.caption("Загрузок пока не было.")
        return h
    tbl.show_table(h, HISTORY_COLUMNS, what=("история_загрузок",), key=key)
    return h
