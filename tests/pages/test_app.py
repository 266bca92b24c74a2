"""Does the app shell work: every page renders, the filters live in the URL, empty data shows hints?"""
from __future__ import annotations

import pytest

from tests.pages.conftest import PAGES, make_app, no_exception, page_links, texts, unescaped


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_renders_on_the_sample_district(shared_store, run_page, page):
    at = run_page(page)
    no_exception(at)
    assert at.title, f"page {page} has no title"


def test_sidebar_has_source_year_and_school(shared_store, run_page):
    at = run_page("overview")
    assert at.selectbox(key="w_year").label == "Учебный год"
    school = at.selectbox(key="w_school")
    assert school.label == "Школа"
    assert school.format_func(school.value) == "Весь район"
    assert any("хранилище" in c.value for c in at.sidebar.caption)


def test_query_params_open_the_same_view(shared_store, run_page, sample_tables):
    school_id = sorted(set(sample_tables["schools"]["school_id"]))[0]
    at = run_page("overview", school=school_id, year=2025)
    no_exception(at)
    year = at.selectbox(key="w_year")
    school = at.selectbox(key="w_school")
    assert year.value == 2025
    assert school.value == school_id
    assert at.query_params["school"] == [school_id] or at.query_params["school"] == school_id
    assert "2024/25 учебный год" in texts(at)


def test_changing_a_filter_writes_the_url(shared_store, run_page):
    at = run_page("overview")
    year = at.selectbox(key="w_year")
    assert year.value == 2026  # the latest year with results, not in the future
    year.select(2024).run()
    no_exception(at)
    qp = dict(at.query_params)
    assert qp.get("year") in ("2024", ["2024"])
    assert "2023/24 учебный год" in texts(at)


def test_filters_survive_a_page_switch(shared_store, sample_tables):
    school_id = sorted(set(sample_tables["schools"]["school_id"]))[-1]
    at = make_app()
    at.run()
    school = at.selectbox(key="w_school")
    school.select(school_id).run()
    at.switch_page("pages/indicators.py")
    at.run()
    no_exception(at)
    school = at.selectbox(key="w_school")
    assert school.value == school_id


def test_unknown_school_in_the_url_falls_back_to_the_district(shared_store, run_page):
    at = run_page("overview", school="no_such_school")
    no_exception(at)
    # said above the page, where the reader looks (not low in the sidebar)
    assert any("no_such_school" in unescaped(w.value) and "весь район" in w.value for w in at.main.warning)
    school = at.selectbox(key="w_school")
    assert school.value == ""  # «Весь район»
    assert "school" not in dict(at.query_params)


@pytest.mark.parametrize("page", ["overview", "ranking", "school", "risk"])
def test_procedure_is_never_in_the_sidebar(shared_store, run_page, page):
    """Each page switches the procedure next to the chart it drives (ranking: tests/pages/test_ranking.py);
    a sidebar «Процедура» beside it was a second selector that did nothing in the summary ranking."""
    at = run_page(page, school="kedr", year=2026)
    no_exception(at)
    keys = [s.key for s in at.sidebar.selectbox]
    # the filters first, right under the menu; the upload slot's selectors (below) describe a file, not the view
    assert keys[:2] == ["w_year", "w_school"] and "w_exam" not in keys
    assert not [s for s in at.sidebar.selectbox if s.label == "Процедура" and not str(s.key).startswith("upl_")]


@pytest.mark.parametrize("page", ["overview", "indicators", "events", "data"])
def test_empty_store_shows_what_to_load(empty_store, run_page, page):
    at = run_page(page)
    no_exception(at)
    shown = texts(at)
    assert "Нечего показать" in shown or "хранилище пустое" in shown
    labels = [e.proto.label for e in at.get("download_button")]
    assert any(label.startswith("Шаблон") for label in labels), labels


@pytest.mark.parametrize("page", ["ranking", "school", "risk", "objectivity"])
def test_empty_store_other_pages_do_not_crash(empty_store, run_page, page):
    no_exception(run_page(page))


def test_print_view_hides_the_sidebar_filters(shared_store, run_page):
    at = run_page("overview", print=1)
    no_exception(at)
    assert "w_year" not in [s.key for s in at.selectbox]


def test_page_links_keep_the_filters(shared_store, run_page):
    at = run_page("overview", year=2025)
    links = [p for p in page_links(at) if p.page.endswith("indicators")]
    assert links and "year=2025" in links[0].query_string


def test_cached_results_are_out_of_the_garbage_collectors_sight(shared_store, run_page):
    """Streamlit's full collection after every run walked every cached object (1.2 s per click at region scale):
    it is off, and a computed result's objects sit in the frozen generation that collections skip."""
    import gc
    import tomllib
    from pathlib import Path

    from ui import data

    config = tomllib.loads((Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False
    no_exception(run_page("overview"))
    pvf = data.plan_vs_fact(2026)
    explanation = next(e for e in pvf["explanation"] if e is not None)
    assert gc.get_freeze_count() > 0
    assert not any(o is explanation for o in gc.get_objects())  # tracked objects of generations 0–2 only
