"""Does the dashboard work in a real browser: overview, year and school switch, a school card by deep link?

Starts `streamlit run app.py` on a free port with a store seeded from
`sample_data/`, drives Debian's chromium through Playwright (no browser
download), waits for reruns on the app's script state instead of sleeping,
and saves screenshots into `test-artifacts/`.
"""
from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from tests.e2e.conftest import ARGS, CHROMIUM  # noqa: F401 (the other browser tests import them from here)
from tests.pages.conftest import ROOT, TODAY
ARTIFACTS = ROOT / "test-artifacts"
IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"

pytestmark = pytest.mark.e2e

if not CHROMIUM.exists():
    pytest.skip("Debian chromium is not installed at /usr/bin/chromium (python3 dev.py test installs it)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-test.txt)")


def settle(page, timeout: float = 60_000) -> None:
    """Wait until the script has finished its current run."""
    page.wait_for_selector(IDLE, timeout=timeout)


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def choose(page, label: str, option: str) -> None:
    """Pick `option` in the sidebar selectbox labelled `label` (a combobox in Streamlit 1.67)."""
    page.locator("[data-testid=stSidebar]").get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option, exact=True).click()


def school_names(store_path: Path) -> dict[str, str]:
    from store import open_store

    s = open_store(path=store_path, seed_folder=store_path.parent / "empty_seed").read("schools")
    s = s.sort_values("year").drop_duplicates("school_id", keep="last")
    short = s["short_name"].where(s["short_name"].notna() & (s["short_name"].astype(str).str.strip() != ""), s["name"])
    return dict(zip(s["school_id"], short))


def test_overview_filters_and_a_school_card(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1800}, locale="ru-RU")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    # 1. the overview opens with the latest year
    page.goto(server["url"] + "/")
    settle(page)
    page.get_by_role("heading", name="Обзор").wait_for()
    page.get_by_text("2025/26 учебный год", exact=False).first.wait_for()
    assert page.locator("[data-testid=stException]").count() == 0
    shot(page, "01_overview")

    # the sidebar's file uploader speaks Russian (Streamlit's own «Upload» / «… per file» replaced)
    button = page.locator("[data-testid=stFileUploaderDropzone] button [data-testid=stMarkdownContainer] p").first
    assert button.evaluate("p => getComputedStyle(p, '::after').content") == '"Выбрать файл"'
    note = page.locator("[data-testid=stFileUploaderDropzoneInstructions] span").first
    assert "МБ" in note.evaluate("s => getComputedStyle(s, '::after').content")

    # an Excel download of the traffic-light table: built on click, named by what and when
    with page.expect_download(timeout=30_000) as dl:
        page.get_by_role("button", name="Скачать в Excel").first.click()
    download = dl.value
    assert download.suggested_filename.endswith(f"_на_{TODAY}.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    assert book.active.max_row >= 2

    # 2. switch the year: the URL and the view follow
    choose(page, "Учебный год", "2024/25")
    page.wait_for_url(lambda u: "year=2025" in u, timeout=30_000)
    settle(page)
    page.get_by_text("2024/25 учебный год", exact=False).first.wait_for()
    shot(page, "02_overview_2025")

    # 3. switch the school: the overview says it shows the district, and offers the school's card
    names = school_names(server["store"])
    school_id, school_name = sorted(names.items())[0]
    choose(page, "Школа", school_name)
    page.wait_for_url(lambda u: f"school={school_id}" in u, timeout=30_000)
    settle(page)
    page.get_by_text("Обзор показывает весь район").wait_for()
    page.get_by_text(f"Карточка школы «{school_name}»").wait_for()
    assert "year=2025" in page.url
    shot(page, "03_overview_school")

    # 4. a school card by deep link opens that school and year
    page.goto(f"{server['url']}/school?school={school_id}&year=2026")
    settle(page)
    page.get_by_text(school_name, exact=False).first.wait_for()
    sidebar = page.locator("[data-testid=stSidebar]")
    assert sidebar.get_by_role("combobox", name="Школа").input_value() == school_name
    assert sidebar.get_by_role("combobox", name="Учебный год").input_value() == "2025/26"
    assert page.locator("[data-testid=stException]").count() == 0
    shot(page, "04_school_card")

    # 5. a flagged school's card: the plain claims in the box, the per-year numbers one click away
    page.goto(f"{server['url']}/school?school=kedr&year=2026")
    settle(page)
    page.get_by_text("три года подряд", exact=False).first.wait_for()
    page.get_by_text("Числа и правило").first.click()
    table = page.locator("[data-testid=stExpander] [data-testid=stDataFrame]").first
    table.wait_for(state="visible", timeout=30_000)  # the grid draws on a canvas; its header is in the a11y table
    table.locator("th", has_text="Сводный балл").first.wait_for(state="attached", timeout=30_000)
    assert page.locator("[data-testid=stException]").count() == 0
    shot(page, "05_flagged_school_numbers")
    assert not errors, errors
    page.close()
