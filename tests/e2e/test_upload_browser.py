"""Does an upload through the sidebar work in a real browser: file → review dialog → «Принять» → the
school card shows the new value, and still does after a reload (a new session on the same store)?

Starts `streamlit run app.py` on a free port with a temporary store seeded from the sample registry and
ЕГЭ exports, drives Debian's chromium through Playwright (helpers from tests/e2e/test_browser.py), and
saves screenshots of every step into `test-artifacts/`.
"""
from __future__ import annotations

import time

import pytest

from tests.e2e.conftest import streamlit_server
from tests.e2e.test_browser import ARGS, CHROMIUM, settle, shot, sync_api
from tests.upload.conftest import ege_2026_changed, seed_district

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def upload_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("e2e_upload")
    store = seed_district(tmp / "store.sqlite")
    with streamlit_server(store, tmp) as url:
        yield {"url": url, "store": store, "tmp": tmp}


@pytest.fixture(scope="module")
def chromium():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def _card_mean(page, subject: str = "Русский язык") -> str:
    """«Средний балл» of the ЕГЭ row `subject` in the school card's results table.

    st.dataframe draws on a canvas; the grid keeps an accessible (visually hidden) copy of its cells
    as a table, which is what is read here.
    """
    try:
        page.get_by_role("tab", name="Результаты", exact=True).click()  # the card's details sit in tabs
        grid = page.locator("[data-testid=stDataFrame]").filter(
            has=page.get_by_role("columnheader", name="Вывод", exact=True, include_hidden=True))
        grid.scroll_into_view_if_needed()
        headers = [t.strip() for t in grid.get_by_role("columnheader", include_hidden=True).all_text_contents()]
        row = grid.locator("tr").filter(has_text=subject).filter(has_text="ЕГЭ").first
        row.wait_for(state="attached", timeout=30_000)
        return row.locator("td").nth(headers.index("Средний балл")).text_content().strip()
    except Exception:
        shot(page, "upload_failed")
        raise


def _card_mean_becomes(page, expected: str, timeout: float = 30.0) -> str:
    """The card's mean once it equals `expected` (or the last value read when `timeout` seconds pass)."""
    deadline = time.monotonic() + timeout
    value = _card_mean(page)
    while value != expected and time.monotonic() < deadline:
        page.wait_for_timeout(250)
        settle(page)
        value = _card_mean(page)
    return value


def test_upload_accept_and_see_it_on_the_school_card(upload_server, chromium):
    url, tmp = upload_server["url"], upload_server["tmp"]
    data = ege_2026_changed("88,8")
    f = tmp / "ege_2026.csv"
    f.write_bytes(data)
    page = chromium.new_page(viewport={"width": 1500, "height": 1600}, locale="ru-RU")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    # before: the card shows the seeded 72,7
    page.goto(f"{url}/school?school=sos1&year=2026")
    settle(page)
    assert _card_mean(page) == "72,7"

    # upload through the sidebar's file input; the review dialog opens with the diff
    page.locator("[data-testid=stSidebar] input[type=file]").set_input_files(str(f))
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("Проверка перед загрузкой").wait_for(timeout=60_000)
    settle(page)
    dialog.get_by_text("Что изменится в хранилище").wait_for()
    dialog.get_by_text("Изменятся: было → стало (строк: 1)").wait_for()
    # the diff first, then «Принять», then what was read (the preview)
    tops = [dialog.get_by_text(t, exact=True).first.bounding_box()["y"]
            for t in ("Что изменится в хранилище", "Принять", "Что прочитано из файла")]
    assert tops == sorted(tops), tops
    shot(page, "upload_01_review")
    dialog.get_by_text("Изменятся: было → стало (строк: 1)").click()
    settle(page)
    shot(page, "upload_02_review_changes")

    dialog.get_by_role("button", name="Принять").click()
    page.locator("[data-testid=stSidebar]").get_by_text("Принято «ege_2026.csv»", exact=False).wait_for(timeout=60_000)
    settle(page)
    assert page.get_by_role("dialog").count() == 0
    # the result is said where the user looks once the dialog closes: a toast in sight however far the page
    # was scrolled, and the full line at the top of the page, above its title
    toast = page.locator("[data-testid=stToast]").filter(has_text="Данные приняты (загрузка № 2).")
    toast.wait_for()
    box = toast.bounding_box()
    assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= 1600, box
    banner = page.locator("[data-testid=stMain] [data-testid=stAlert]").filter(has_text="Принято «ege_2026.csv»")
    title = page.get_by_role("heading", level=1).first
    assert banner.first.bounding_box()["y"] < title.bounding_box()["y"]
    shot(page, "upload_025_accepted")
    # the accepting run ends with a rerun that redraws the card: poll until it shows the stored value
    assert _card_mean_becomes(page, "88,8") == "88,8"
    shot(page, "upload_03_card_after_accept")

    # a reload is a new session: the value comes from the store, not from this session
    page.reload()
    settle(page)
    assert _card_mean(page) == "88,8"
    shot(page, "upload_04_card_after_reload")
    assert page.locator("[data-testid=stException]").count() == 0
    assert not errors, errors
    page.close()


def test_the_same_file_again_cannot_be_accepted(upload_server, chromium):
    """The store was seeded with the sample ЕГЭ 2025 export (never changed here): uploading it again changes nothing."""
    from tests.upload.conftest import SAMPLE

    page = chromium.new_page(viewport={"width": 1366, "height": 768}, locale="ru-RU")
    page.goto(upload_server["url"] + "/data")
    settle(page)
    page.locator("[data-testid=stSidebar] input[type=file]").set_input_files(str(SAMPLE / "ege_2025.csv"))
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("Проверка перед загрузкой").wait_for(timeout=60_000)
    settle(page)
    dialog.get_by_text("Принимать нечего: ничего не изменится.").wait_for()
    assert dialog.get_by_role("button", name="Принять").is_disabled()
    shot(page, "upload_05_same_file")
    dialog.get_by_role("button", name="Не загружать").click()
    page.get_by_role("dialog").wait_for(state="detached", timeout=30_000)
    settle(page)
    page.close()
