"""Fixtures for the upload tests: the page-test fixtures (seeded sample store, AppTest of app.py) and
helpers that find the upload widgets, upload a file and read what the review dialog shows."""
from __future__ import annotations

from tests.pages.conftest import (  # noqa: F401  (fixtures re-exported for this folder)
    _navigation_mode, empty_folder, empty_store, make_app, no_exception, run_page, sample_store, sample_tables,
    seeded_store_file, shared_store, shared_store_file, texts,
)
