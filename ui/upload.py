"""Where does the sidebar upload widget go?

Placeholder: `sidebar_upload()` is called from app.py's sidebar in the place
reserved for uploading fresh results (issue 6). The upload engineer replaces
this module with the real widget (file uploader, preview, diff, accept).
"""
from __future__ import annotations

import streamlit as st


def sidebar_upload() -> None:
    """Render the upload slot of the sidebar (placeholder: a caption only)."""
    st.caption("Загрузка новых файлов появится здесь.")
