"""Does the warm-up compute, ahead, exactly what the pages then ask for (ui/warm.py)?"""
from __future__ import annotations

import importlib

import pytest

from tests.pages.conftest import no_exception
from ui import data, filters, warm


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict]]:
    """Every metric computed (a cache miss of ui.data, chained ones included), in order."""
    out: list[tuple[str, dict]] = []
    real = data._metric_value

    def counting(path, ver, name, items):
        out.append((name, dict(items)))
        return real(path, ver, name, items)
    monkeypatch.setattr(data, "_metric_value", counting)
    monkeypatch.setattr(data, "_ASKED", {})
    return out


def test_the_first_page_is_ready_before_the_server_answers(sample_store, run_page, computed):
    # a fresh copy of the store: nothing of it is cached yet
    year = filters.default_year()
    assert year == 2026
    warm.first_page()  # serve.py, before the server answers
    assert {n for n, _ in computed} == {"key_figures", "plan_vs_fact", "risk_flags", "objectivity_flags",
                                       "objectivity_summary", "roadmap_progress", "events_due"}
    ahead = len(computed)
    at = run_page("overview")
    no_exception(at)
    assert computed[ahead:] == []  # Обзор found every result it asks for ready
    w = warm.Warmer(quiet_s=0)
    assert w.put(warm.default_view(year, filters.today()), data.version()) == 13
    assert w.put(warm.default_view(year, filters.today()), data.version()) == 0  # each job once per version
    w.wait()
    assert w.done == 13 and len(computed) > ahead  # the rest of the default view: the ranking, the programme
    assert ("rank_schools", {"by": "composite", "year": 2026}) in computed[ahead:]


def test_the_warm_up_waits_while_a_page_runs_and_just_after(sample_store):
    pages = warm.Pages()
    done = []
    w = warm.Warmer(lambda name, kw: done.append(name), pages=pages, quiet_s=0.3)
    with pages.running():
        w.put([("risk_flags", (("year", 2026),))], data.version())
        import time

        time.sleep(0.5)
        assert done == [] and pages.quiet_for() == 0.0  # a page is running: nothing computed
    time.sleep(0.1)
    assert done == []  # the page ended 0,1 s ago: still waiting
    w.wait()
    assert done == ["risk_flags"] and pages.quiet_for() >= 0.3


def test_after_a_page_the_neighbouring_year_is_ready(sample_store, run_page, computed):
    no_exception(run_page("overview"))  # 2026: computed by the page itself
    asked_2026 = [(n, dict(i)) for n, i in data.asked()]
    assert ("risk_flags", {"year": 2026}) in asked_2026
    assert 2025 in filters.year_options() and 2027 in filters.year_options()  # 2027: the programme's plans
    jobs = warm.neighbours(data.asked(), 2026, filters.year_options())
    assert ("risk_flags", (("year", 2025),)) in jobs and ("risk_flags", (("year", 2027),)) in jobs
    assert {dict(i).get("year") for _, i in jobs} >= {2025, 2027}
    w = warm.Warmer(quiet_s=0)
    w.put(jobs, data.version())
    w.wait()
    before = len(computed)
    at = run_page("overview", year=2025)
    no_exception(at)
    assert at.selectbox(key="w_year").value == 2025
    assert computed[before:] == []  # the year switch found its results ready


def test_neighbours_are_the_years_before_and_after_that_have_data():
    asked = [("risk_flags", (("year", 2025),)), ("roadmap_progress", (("on_date", "2026-11-22"),)),
             ("rank_schools", (("by", "composite"), ("year", 2025))), ("risk_flags", (("year", 2022),)),
             ("rank_schools", (("by", "composite"), ("year", 2024)))]  # the ranking's «last year» column
    assert warm.neighbours(asked, 2025, [2026, 2025, 2024]) == [
        ("risk_flags", (("year", 2024),)), ("rank_schools", (("by", "composite"), ("year", 2024))),
        ("rank_schools", (("by", "composite"), ("year", 2023))),
        ("risk_flags", (("year", 2026),)), ("rank_schools", (("by", "composite"), ("year", 2026))),
        ("rank_schools", (("by", "composite"), ("year", 2025)))]
    assert warm.neighbours(asked, 2025, [2025]) == []  # no other year loaded: nothing to warm


def test_a_job_of_an_older_data_version_is_dropped_and_a_failing_one_is_only_logged(sample_store, caplog):
    done = []

    def compute(name, kwargs):
        if name == "broken":
            raise ValueError("сломано")
        done.append(name)
    w = warm.Warmer(compute, quiet_s=0)
    ver = data.version()
    w.put([("old", ())], ver - 1)
    w.put([("broken", ()), ("risk_flags", (("year", 2026),))], ver)
    w.wait()
    assert done == ["risk_flags"] and w.done == 1
    assert "warm-up of broken" in caplog.text


def test_follow_does_nothing_until_the_server_started_the_warm_up(sample_store, monkeypatch):
    monkeypatch.setattr(warm, "_WARMER", None)
    warm.follow()  # AppTest and `streamlit run app.py`: no thread
    assert warm._WARMER is None


@pytest.mark.parametrize("module", warm.PRELOAD)
def test_every_preloaded_module_imports(module):
    importlib.import_module(module)


def test_the_thread_gets_its_first_jobs_after_the_first_page(sample_store, monkeypatch):
    """At start the browser is still fetching the app's scripts from this process: nothing is computed beside it
    until a page has run; then the default view and what the page asked for, for the neighbouring years."""
    monkeypatch.setattr(warm, "_WARMER", None)
    w = warm.start()
    assert w._jobs.qsize() == 0 and w._thread is None
    monkeypatch.setattr(data, "_ASKED", {("risk_flags", (("year", 2026),)): None})
    warm.follow()  # after a page of 2026 (the default year outside a run)
    w.wait()
    assert w.done == 13 + 2  # the default view, and risk_flags of 2025 and 2027
    warm.follow()
    w.wait()
    assert w.done == 15  # nothing twice
