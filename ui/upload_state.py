"""Which file or Google Sheet is under review in this session, and what did the last accept say?

The review lives in `st.session_state`: `PENDING` holds the file (name, bytes, SHA-256) or the sheet
(URL, nonce) under review and whether its dialog is open; `SHOWN_VERSION` the store version the preview
on screen was made at. `start_review` puts something under review and opens the dialog, `forget` drops it
(and empties the uploader), `on_dismiss` closes the dialog without dropping it.

The result of an accept is said where the user looks: `FLASH` is the line kept in the sidebar's upload
slot until the next upload; `ANNOUNCE` is shown once, at the top of the page and as a toast, on the run
after the dialog closed (`ui.upload.result_banner`).
"""
from __future__ import annotations

from typing import Any

import streamlit as st

AUTO = "определить автоматически"
PENDING = "upl_pending"  # the file or Google Sheet under review (dict) or absent
FLASH = "upl_flash"  # the message after an accept (shown in the sidebar slot until the next upload)
ANNOUNCE = "upl_announce"  # the same message, shown once at the top of the page and as a toast
SHOWN_VERSION = "upl_shown_version"  # the store version the preview on screen was made at


def start_review(pending: dict[str, Any]) -> None:
    """Put a file or sheet under review and open the dialog."""
    pending = {**pending, "open": True}
    if pending.get("source") != "upload":  # one thing under review: a file left in the uploader would take over
        st.session_state["upl_n"] = int(st.session_state.get("upl_n", 0)) + 1
    st.session_state[PENDING] = pending
    st.session_state.pop(SHOWN_VERSION, None)
    st.session_state.pop(FLASH, None)
    st.session_state.pop(ANNOUNCE, None)


def forget(clear_uploader: bool = True) -> None:
    """Drop what is under review (and, by default, the file in the uploader: a new key gives an empty one)."""
    st.session_state.pop(PENDING, None)
    st.session_state.pop(SHOWN_VERSION, None)
    st.session_state.pop("upl_gs_cache", None)
    if clear_uploader:
        st.session_state["upl_n"] = int(st.session_state.get("upl_n", 0)) + 1


def on_dismiss() -> None:
    """The dialog was closed with × or Esc: keep the file under review, closed."""
    p = st.session_state.get(PENDING)
    if p is not None:
        p["open"] = False


def pending_title(pending: dict[str, Any]) -> str:
    if pending.get("source") == "gsheets":
        return pending.get("title") or "Google Таблица"
    return str(pending.get("name"))


def announce(kind: str, text: str, short: str) -> None:
    """Keep the result of an accept for the next run: in the sidebar slot, once at the top of the page, and
    `short` (a few words: a toast cuts long text) as a toast."""
    if kind == "success":
        st.session_state[FLASH] = text
    st.session_state[ANNOUNCE] = (kind, text, short)
