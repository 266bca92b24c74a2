"""On a live server: a file over the upload limit is refused in Russian, and a hostile workbook is refused
while another user's session keeps working (the server never goes down)."""
from __future__ import annotations

import threading
import time
import urllib.request

import pytest

from tests.e2e.conftest import streamlit_server
from tests.e2e.test_browser import ARGS, CHROMIUM, settle, shot, sync_api
from tests.pages.conftest import seed_sample_store
from tests.security.hostile import far_cell

pytestmark = pytest.mark.e2e


def _upload(page, path) -> None:
    page.locator("[data-testid=stSidebar] input[type=file]").set_input_files(str(path))


def test_file_over_the_limit_is_refused_in_russian(tmp_path):
    store = seed_sample_store(tmp_path / "store.sqlite")
    big = tmp_path / "большой.csv"
    big.write_bytes(b"a;b\r\n" * 500_000)  # 2.5 MB
    with streamlit_server(store, tmp_path, "--server.maxUploadSize", "1") as url, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="ru-RU")
        page.goto(url)
        settle(page)
        _upload(page, big)
        chip = page.locator("[data-testid=stFileChip][aria-invalid=true]")
        chip.wait_for(timeout=30_000)
        note = chip.evaluate("e => getComputedStyle(e, '::after').content")
        assert "Файл не загружен" in note and "до 1 МБ" in note
        chip.hover()
        tip = page.locator("[data-testid=stTooltipErrorContent]")
        tip.wait_for(timeout=10_000)
        assert "до 1 МБ" in tip.evaluate("e => getComputedStyle(e, '::after').content")
        assert tip.evaluate("e => getComputedStyle(e).fontSize") == "0px"  # Streamlit's English is not shown
        shot(page, "upload_over_limit")
        browser.close()


def test_hostile_workbook_is_refused_while_another_session_keeps_working(tmp_path):
    store = seed_sample_store(tmp_path / "store.sqlite")
    bomb = tmp_path / "XFD999999.xlsx"
    bomb.write_bytes(far_cell("XFD999999"))
    with streamlit_server(store, tmp_path) as url, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        uploader = browser.new_context(locale="ru-RU").new_page()
        reader = browser.new_context(locale="ru-RU").new_page()
        uploader.goto(url)
        settle(uploader)
        reader.goto(url + "/ranking")
        settle(reader)
        health: list[float] = []
        stop = threading.Event()

        def poll() -> None:  # a third client: the server must answer throughout
            while not stop.is_set():
                t = time.monotonic()
                with urllib.request.urlopen(url + "/_stcore/health", timeout=10) as r:
                    assert r.status == 200
                health.append(time.monotonic() - t)
                time.sleep(0.1)
        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        started = time.monotonic()
        _upload(uploader, bomb)
        dialog = uploader.get_by_role("dialog")
        dialog.get_by_text("XFD999999", exact=False).first.wait_for(timeout=30_000)
        refused_after = time.monotonic() - started
        text = dialog.inner_text()
        assert "отклонён" in text and "5 000 000" in text
        for path in ("/risk", "/school?school=sos1", "/"):  # the other session goes on browsing
            t = time.monotonic()
            reader.goto(url + path)
            settle(reader)
            assert time.monotonic() - t < 20
            assert reader.locator("[data-testid=stException]").count() == 0
        stop.set()
        poller.join(15)
        shot(uploader, "hostile_upload_refused")
        browser.close()
    assert refused_after < 15
    assert health and max(health) < 3
