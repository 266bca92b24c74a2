"""How is what the user was shown written to the store by «Принять»?

`accept` writes the load only if its tables hash the same as the ones on the screen (`content_hash`), with
exactly the bytes fixed at preview time (`previewed_bytes`: a Google Sheet's snapshot, `snapshot_xlsx`, is
made once, when previewed), on the store version the preview was made at (`Store.accept`, one transaction,
refused if the store changed since). It checks the editor's role again. On success the review is closed and
the result announced for the next run (`ui.upload_state.announce`); a refusal is returned as a Russian
sentence for the dialog to show beside the button.
"""
from __future__ import annotations

import io
from typing import Any

import pandas as pd
import streamlit as st

from loaders.model import TABLE_TITLES, TABLES
from loaders.report import LoadResult
from ui import format as fmt
from ui.auth import require, user_name
from ui.upload_read import content_hash, sha256
from ui.upload_rows import HEADERS
from ui.upload_state import SHOWN_VERSION, announce, forget


def _plain(v: Any) -> Any:
    """A value openpyxl can write: lists joined, every kind of missing as an empty cell, numpy as Python."""
    if isinstance(v, (list, tuple)):
        return "; ".join(map(str, v))
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v.item() if hasattr(v, "item") else v


def snapshot_xlsx(result: LoadResult) -> bytes:
    """The tidy tables as a workbook with canonical headers (kept for a Google Sheet, which has no file of its own).

    Text that looks like a formula is stored as text, never as a formula.
    """
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for t, df in result.tables.items():
        if df is None or not len(df):
            continue
        ws = wb.create_sheet(TABLE_TITLES[t][:31])
        cols = [c.name for c in TABLES[t]]
        ws.append([HEADERS[t][c] for c in cols])
        for row in df[cols].itertuples(index=False, name=None):  # a snapshot write, not a hot path
            ws.append([_plain(v) for v in row])
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def previewed_bytes(pending: dict[str, Any], result: LoadResult) -> tuple[str, bytes]:
    """The name and bytes to keep, fixed when the preview was shown (a sheet's snapshot is made once)."""
    if pending.get("source") == "gsheets":
        snap = pending.get("snapshot")
        if snap is None or snap[0] != pending.get("preview"):
            snap = (pending.get("preview"), snapshot_xlsx(result))
            pending["snapshot"] = snap
        title = pending.get("title") or "Google Таблица"
        return f"{title}.xlsx", snap[1]
    return str(pending["name"]), pending["data"]


def accept(store: Any, pending: dict[str, Any], result: LoadResult, expect_version: int | None,
           shown: str | None) -> str:
    """Write `result` if its tables are the ones the user was shown (`shown`: their hash on the screen).

    On success: announce, close the review and rerun (never returns). Otherwise: the reason, in Russian."""
    try:
        require("accept")
        if not shown or content_hash(result) != shown:
            raise RuntimeError("Данные изменились после предпросмотра (таблицу перечитали или файл заменили): "
                               "ничего не записано. Проверьте новый предпросмотр и нажмите «Принять» снова.")
        name, content = previewed_bytes(pending, result)
        if pending.get("source") != "gsheets" and sha256(content) != pending.get("sha"):
            raise RuntimeError("Файл изменился после предпросмотра: ничего не записано.")
        uid = store.accept(result, name, content, user=user_name(), source=pending.get("source", "upload"),
                           expect_version=expect_version)
    except Exception as exc:  # StoreError, PermissionError: a Russian sentence for the user
        st.session_state.pop(SHOWN_VERSION, None)
        return str(exc)
    h = store.history()
    row = h[h["upload_id"] == uid].iloc[0] if len(h) else None
    counts = "" if row is None else (f": добавлено строк {fmt.num(int(row['added']))}, "
                                      f"изменено {fmt.num(int(row['changed']))}, "
                                      f"заменено {fmt.num(int(row['replaced']))}")
    announce("success", f"Принято «{name}» (загрузка № {uid}){counts}. Страницы показывают новые данные.",
             f"Данные приняты (загрузка № {uid}).")
    forget(clear_uploader=pending.get("source") != "gsheets")
    st.rerun()
    return ""  # not reached: st.rerun raises
