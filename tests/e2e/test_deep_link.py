"""Does a link to a school card work when it is the very first request a fresh server gets?

The head pastes `…/school?school=kedr&year=2026` from a letter into the browser
in the morning, before anyone opened the dashboard. Streamlit's pages-folder
mode would run `pages/school.py` alone (no sidebar, no filters, English page
names); `ui.deep_links` must bring the request back through `app.py`.
"""
from __future__ import annotations

import pytest

from tests.e2e.conftest import streamlit_server
from tests.e2e.test_browser import ARGS, CHROMIUM, settle, shot, sync_api
from tests.pages.conftest import seed_sample_store

pytestmark = pytest.mark.e2e


def test_first_request_is_a_deep_link_to_a_school_card(tmp_path):
    store = seed_sample_store(tmp_path / "store.sqlite")
    with streamlit_server(store, tmp_path) as url, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1400}, locale="ru-RU")
        page.goto(url + "/school?school=kedr&year=2026")
        settle(page)
        page.get_by_role("heading", name="Кедровская ООШ").wait_for(timeout=60_000)
        settle(page)
        sidebar = page.locator("[data-testid=stSidebar]")
        # the app's own navigation and filters, not the pages-folder list of file names
        assert sidebar.get_by_text("Школы в зоне риска").count() >= 1
        assert sidebar.get_by_text("risk", exact=True).count() == 0
        assert sidebar.get_by_role("combobox", name="Школа").input_value() == "Кедровская ООШ"
        assert "school=kedr" in page.url and "year=2026" in page.url
        assert page.get_by_text("Низкие образовательные результаты (ШНОР)").count() >= 1
        shot(page, "deep_link_first_request")
        browser.close()
