"""How does a Google Sheet get into the review and accept step from the sidebar?

`sidebar_gsheets()` draws the «Google Таблица» expander: the sheet's URL, what
table it holds, «Прочитать» and «Обновить» (read the sheet again). The sheet is
read by `loaders.gsheets.load_gsheet` with the service-account key from
`st.secrets["gcp_service_account"]` or the environment, and then goes through
the same review dialog as a file (`ui.upload`). The key itself is never shown,
logged or stored; only the account's e-mail is named, because the user has to
share the sheet with it.
"""
from __future__ import annotations

from typing import Any

import streamlit as st

from loaders.model import TABLE_TITLES, TABLES
from ui import upload

AUTO = upload.AUTO


def account_email() -> str | None:
    """The service account's e-mail (to share the sheet with), or None when no key is configured."""
    try:
        from loaders.gsheets import CredentialsMissing, find_credentials

        info = find_credentials()
    except CredentialsMissing:
        return None
    except Exception:  # an unreadable secrets file: say nothing about it here
        return None
    email = info.get("client_email") if isinstance(info, dict) else None
    return str(email) if email else None


def _start(url: str, table: Any, nonce: int) -> None:
    upload.start_review({"source": "gsheets", "url": url.strip(), "table": None if table == AUTO else table,
                         "nonce": nonce})


def sidebar_gsheets() -> None:
    """The «Google Таблица» expander of the sidebar."""
    pending = st.session_state.get(upload.PENDING)
    reading = pending is not None and pending.get("source") == "gsheets"
    with st.expander("Google Таблица", icon=":material/cloud:", expanded=reading):
        url = st.text_input("Ссылка на таблицу", key="gs_url",
                            placeholder="https://docs.google.com/spreadsheets/d/…",
                            help="Показатели, план мероприятий, результаты или реестр школ в Google Таблицах.")
        table = st.selectbox("Что в таблице", [AUTO, *TABLES], key="gs_table",
                             format_func=lambda t: TABLE_TITLES.get(t, t))
        email = account_email()
        if email:
            st.caption(f"Откройте таблицу на чтение для сервисного аккаунта {email}.")
        else:
            st.caption("Ключ сервисного аккаунта не настроен: добавьте его в .streamlit/secrets.toml "
                       "([gcp_service_account], см. secrets.toml.example).")
        c1, c2 = st.columns(2)
        read = c1.button("Прочитать", key="gs_read", disabled=not (url or "").strip(), icon=":material/download:")
        refresh = c2.button("Обновить", key="gs_refresh", disabled=not (url or "").strip(), icon=":material/refresh:",
                            help="Прочитать таблицу заново (после правок в Google Таблицах).")
        if read or refresh:
            nonce = int(st.session_state.get("gs_nonce", 0)) + 1
            st.session_state["gs_nonce"] = nonce
            _start(url, table, nonce)
