"""Does a methodologist see the meeting's three answers without scrolling, at 1366×768 with the sidebar open?

Starts `streamlit run app.py` on the sample district, opens «Обзор» in Debian's chromium at 1366×768 and
checks, in the browser's own layout, that the three first-screen blocks (off plan, at risk, deadlines) lie
wholly inside the first 768 px — with and without a school chosen — and that every page's title starts
near the top of the window (Streamlit's ~100 px of empty space above it removed). Screenshots of the
viewport (not the full page) go to `test-artifacts/`.
"""
from __future__ import annotations

import pytest

from tests.e2e.test_browser import ARTIFACTS, settle

pytestmark = pytest.mark.e2e

WIDTH, HEIGHT = 1366, 768
BLOCKS = {"first_programme_block": "Показатели вне плана", "first_risk_block": "Школы с поводом для внимания",
          "first_deadlines_block": "Просрочено"}
PAGES = ["", "indicators", "events", "ranking", "school?school=kedr", "risk", "objectivity", "commitments", "data"]


@pytest.fixture(scope="module")
def page(browser):
    pg = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT}, locale="ru-RU")
    yield pg
    pg.close()


def viewport_shot(pg, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def open_page(pg, url: str) -> None:
    pg.goto(url)
    settle(pg)
    pg.locator("h1").first.wait_for()
    settle(pg)


def block_boxes(pg) -> dict[str, dict]:
    out = {}
    for key, label in BLOCKS.items():
        block = pg.locator(f".st-key-{key}")
        block.get_by_text(label).first.wait_for()
        out[key] = block.bounding_box()
    return out


def scrolled(pg) -> float:
    return pg.evaluate("() => document.querySelector('[data-testid=stMain]').scrollTop + window.scrollY")


@pytest.mark.parametrize("query", ["?year=2026", "?year=2026&school=sos3"])
def test_three_blocks_inside_the_first_screen(server, page, query):
    open_page(page, server["url"] + "/" + query)
    assert page.locator("[data-testid=stSidebar]").is_visible()  # the sidebar is open, as a person finds it
    assert page.locator("[data-testid=stException]").count() == 0
    assert scrolled(page) == 0
    boxes = block_boxes(page)
    for key, box in boxes.items():
        assert box is not None, key
        assert box["y"] >= 0 and box["y"] + box["height"] <= HEIGHT, (key, box)
    # side by side: three columns in one row, left to right, inside the main area
    xs = [boxes[k]["x"] for k in BLOCKS]
    assert xs == sorted(xs) and max(b["y"] for b in boxes.values()) - min(b["y"] for b in boxes.values()) < 2
    assert max(b["x"] + b["width"] for b in boxes.values()) <= WIDTH
    # the answers are there: 5 indicators off plan, 4 schools, 9 overdue (the sample district on 22.11.2026)
    assert "5" in page.locator(".st-key-first_programme_block [data-testid=stMetricValue]").first.inner_text()
    assert "4" in page.locator(".st-key-first_risk_block [data-testid=stMetricValue]").first.inner_text()
    assert "9" in page.locator(".st-key-first_deadlines_block [data-testid=stMetricValue]").first.inner_text()
    viewport_shot(page, "first_screen_overview" + ("_school" if "school" in query else ""))


def test_a_school_in_the_risk_block_opens_its_card(server, page):
    open_page(page, server["url"] + "/?year=2026")
    page.locator(".st-key-first_risk_block [data-testid=stPageLink] a").first.click()
    page.wait_for_url(lambda u: "/school" in u and "school=kedr" in u, timeout=30_000)
    settle(page)
    page.get_by_role("heading", name="Кедровская ООШ").wait_for(timeout=60_000)


@pytest.mark.parametrize("path", PAGES)
def test_every_title_starts_near_the_top(server, page, path):
    open_page(page, f"{server['url']}/{path}")
    top = page.locator("h1").first.bounding_box()["y"]
    assert top < 40, f"{path or 'overview'}: the title starts at {top:.0f} px"
    viewport_shot(page, "top_" + (path.split("?")[0] or "overview"))
