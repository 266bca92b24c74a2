"""Is every string from a file shown as text in the browser — never as HTML, never as a markdown link?

The sample district gets a school, an indicator, an event and an uploaded file whose names carry
`<img src=x onerror=…>` and `[ссылка](http://127.0.0.9/…)`. Every page is opened in Chromium: no
`<img>` or link element may come from those strings, and no request may leave for their host (127.0.0.9, a
loopback address nobody listens on) or for the image «x» they name.
"""
from __future__ import annotations

import sqlite3
from urllib.parse import urlparse

import pytest

from tests.e2e.conftest import streamlit_server
from tests.e2e.test_browser import ARGS, CHROMIUM, settle, shot, sync_api
from tests.pages.conftest import seed_sample_store

pytestmark = pytest.mark.e2e

EVIL_HOST = "127.0.0.9"
IMG = f"<img src=x onerror=\"fetch('http://{EVIL_HOST}/img')\">"
LINK = f"[ссылка](http://{EVIL_HOST}/phish)"
SCHOOL = f"Школа {IMG} {LINK}"
PAGES = [f"{page}?school=sos1" for page in ("", "indicators", "events", "ranking", "school", "risk", "objectivity",
                                            "data")] + ["", "ranking", "risk", "events", "school?school=sos1&print=1"]


def _poison(store) -> None:
    con = sqlite3.connect(store)
    con.execute("UPDATE data_schools SET name = ?, short_name = ? WHERE school_id = 'sos1'", (SCHOOL, SCHOOL))
    con.execute("UPDATE data_indicators SET name = ? WHERE rowid = (SELECT MIN(rowid) FROM data_indicators)",
                (f"Показатель {IMG} {LINK}",))
    con.execute("UPDATE data_events SET title = ?, responsible = ? WHERE rowid = (SELECT MIN(rowid) FROM data_events)",
                (f"Мероприятие {IMG} {LINK}", f"ИМЦ {LINK}"))
    con.execute("UPDATE uploads SET file_name = ?, \"user\" = ? WHERE upload_id = 1", (f"{IMG}{LINK}.xlsx", LINK))
    con.execute("UPDATE meta SET value = value + 1 WHERE key = 'version'")
    con.commit()
    con.close()


def test_names_from_files_are_text_on_every_page(tmp_path):
    store = seed_sample_store(tmp_path / "store.sqlite")
    _poison(store)
    with streamlit_server(store, tmp_path) as url, sync_api.sync_playwright() as p:
        own = urlparse(url).netloc
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="ru-RU")
        outside: list[str] = []  # what the names could make the browser fetch: their host, or «x» next to ours

        def watch(request) -> None:
            u = urlparse(request.url)
            if u.hostname == EVIL_HOST or (u.netloc == own and u.path.rstrip("/").endswith(("/x", "/img", "/phish"))):
                outside.append(request.url)
        page.on("request", watch)
        problems = []
        for path in PAGES:
            page.goto(f"{url}/{path}")
            settle(page)
            page.wait_for_timeout(500)  # charts draw after the script run
            settle(page)
            imgs = page.locator("img[src='x'], img[src$='/x']").count()
            links = page.locator(f"a[href*='//{EVIL_HOST}']").count()  # heading anchors (#…) are the page's own
            if imgs or links:
                problems.append(f"/{path}: {imgs} img, {links} links")
                shot(page, "injection_" + (path.split("?")[0] or "overview"))
        browser.close()
    assert not problems, problems
    assert not outside, outside
