"""Why does a deep link such as `/school?school=sos1&year=2024` open the real app?

Streamlit keeps a relic of its first multipage design: until some session of
the server process has called `st.navigation`, a `pages/` folder beside the
main script makes a request for `/school` run `pages/school.py` on its own,
without `app.py` — no shared sidebar, no filters. The dashboard's pages live in
`pages/` by design, so the first page that runs in that mode switches the
process to `st.navigation` mode and reruns; the rerun goes through `app.py`
and opens the same page with the same query parameters. A server started by
`serve.py` imports `ui` before any session (nothing to rerun then), so it
turns that mode off before it starts (`navigation_mode`).
"""
from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx


def leave_pages_folder_mode() -> None:
    """Rerun through `app.py` when Streamlit ran a page file directly."""
    if PagesManager.uses_pages_directory and get_script_run_ctx() is not None:
        PagesManager.uses_pages_directory = False
        st.rerun()


def navigation_mode() -> None:
    """Before the server starts: every request runs `app.py`, which navigates (no pages-folder mode at all)."""
    PagesManager.uses_pages_directory = False
