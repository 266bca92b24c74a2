"""Is the page shown as a printable handout?

`?print=1` in the URL (or the «Версия для печати» toggle, which sets it) turns
the school card into a clean handout for the interview: no sidebar, no
navigation, no widgets. `is_print()` says whether we are in that mode, and
`hide_chrome()` injects the CSS that hides the sidebar and the toolbar; the
handout itself is `ui.documents.print_handout` (the same blocks as its PDF).
"""
from __future__ import annotations

import streamlit as st


PRINT_PARAM = "print"

# Hides the sidebar, its toggle, the header toolbar and every download button; tightens the page.
PRINT_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stSidebarNav"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stDownloadButton"], [data-testid="stElementToolbar"] { display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] { padding-top: 1rem !important; max-width: 100% !important; }
[data-testid="stTable"] table { font-size: 0.82rem; }
[data-testid="stTable"] td, [data-testid="stTable"] th { padding: 0.2rem 0.4rem !important; }
@media print { .print-hide { display: none !important; } }
</style>
"""


def is_print() -> bool:
    """True when the page is asked for as a printable handout (`?print=1`)."""
    return str(st.query_params.get(PRINT_PARAM, "")).strip().lower() in ("1", "true", "yes", "да")


def set_print(on: bool) -> None:
    """Switch the printable handout on or off (kept in the URL so the link can be shared)."""
    if on:
        st.query_params[PRINT_PARAM] = "1"
    elif PRINT_PARAM in st.query_params:
        del st.query_params[PRINT_PARAM]


def hide_chrome() -> None:
    """Inject the print CSS (sidebar, toolbar and download buttons hidden)."""
    st.markdown(PRINT_CSS, unsafe_allow_html=True)
