"""Is the page shown as a printable handout, and how does a table look then?

`?print=1` in the URL (or the «Версия для печати» toggle, which sets it) turns
the school card into a clean handout for the interview: no sidebar, no
navigation, no widgets, compact static tables. `is_print()` says whether we are
in that mode, `hide_chrome()` injects the CSS that hides the sidebar and the
toolbar, and `table(...)` shows a table either as the interactive
`ui.tables.show_table` (with its Excel button) or, when printing, as a compact
static `st.table` with the same Russian headers.
"""
from __future__ import annotations

from typing import Any, Mapping

import pandas as pd
import streamlit as st

from ui import safe
from ui.tables import show_table

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


def _labels(columns: Mapping[str, Any]) -> dict[str, str]:
    out = {}
    for c, v in columns.items():
        if isinstance(v, str):
            out[c] = v
        elif isinstance(v, dict):
            out[c] = str(v.get("label") or c)
        else:
            out[c] = c
    return out


def static_frame(df: pd.DataFrame, columns: Mapping[str, Any]) -> pd.DataFrame:
    """`df` restricted to `columns`, renamed to the Russian labels, missing values shown as «—»."""
    cols = [c for c in columns if c in df.columns]
    labels = _labels(columns)
    view = df[cols].reset_index(drop=True).rename(columns={c: safe.md(labels[c]) for c in cols})  # a header may be a name
    return safe.frame(view.astype(object).where(view.notna(), "—"))  # st.table renders markdown in cells


def table(df: pd.DataFrame, columns: Mapping[str, Any], *, what: tuple[Any, ...] | list[Any], key: str,
          styler: Any = None, printing: bool | None = None, height: int | str = "auto",
          wrap: bool | None = None, download_only: Mapping[str, str] | None = None) -> None:
    """Interactive table with an Excel download, or a compact static table in the print view."""
    printing = is_print() if printing is None else printing
    if printing:
        st.table(static_frame(df, columns), hide_index=True)
    else:
        show_table(df, columns, what=what, key=key, styler=styler, height=height, wrap=wrap,
                   download_only=download_only)
