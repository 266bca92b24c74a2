"""Does «Мероприятия» show the roadmap of the chosen school year and school, as metrics compute it, with working
filters, tables that fit and a timeline that stays a page long?

Hand-computed figures of the sample district (sample_data/roadmap.xlsx, today 22.11.2026):

2025/26 (control dates 01.09.2025–31.08.2026): 14 dated events (1.4, 1.5, 2.3, 2.5, 3.1.3, 3.1.5, 3.2.3, 4.2, 4.6,
5.1.1, 5.1.2, 5.1.3, 5.4, 5.6) and the 10 continuous / «по графику» ones (1.8, 2.1, 2.7, 3.1.4, 3.2.1, 3.2.2, 4.3,
4.5, 5.2, 5.5; 6 continuous) = 24. Done: 1.4, 3.1.3, 4.2, 4.6, 5.1.3, 5.4, 5.6 = 7. Overdue (a year date passed
unrecorded): 1.5, 2.3, 2.5, 3.1.5, 3.2.3, 5.1.1, 5.1.2 = 7. On time: 1.4 (19.12.2025 ≤ 31.12.2025), 4.2, 4.6,
5.1.3, 5.4 = 5; late: 5.6 (02.04.2026 after 31.03.2026); 3.1.3's dates are covered by a completion of
24.10.2026 that belongs to 31.10.2026: timing unknown. 5 of 5 + 1 + 7 = 13 → 38,5 %.
2024/25: on time 2.2 (18.04.2025 ≤ 30.04.2025); missed 1.5, 2.5, 3.2.3, 5.1.1, 5.1.2 → 1 of 6 = 16,7 %;
change +21,8 п. п.
2023/24 (01.09.2023–31.08.2024): dated 1.1, 1.2, 1.4, 1.5, 2.2, 2.4, 2.5, 3.1.1, 3.1.2, 3.1.3, 4.1, 5.1.1, 5.1.2
= 13, + 10 = 23. Done 1.1, 1.2, 1.4, 2.2, 2.4, 3.1.1, 3.1.2, 3.1.3, 4.1 = 9; overdue 1.5, 2.5, 5.1.1, 5.1.2 = 4.
On time 1.1, 1.2, 2.4, 3.1.2, 4.1 = 5; late 3.1.1 (14.11.2023 after 31.10.2023) + 4 overdue → 5 of 10 = 50,0 %;
2022/23 had 0 of 2 (2.5 and 5.1.2 missed): +50,0 п. п.
"""
from __future__ import annotations

import json
from datetime import date

import pytest

import metrics
from tests.pages.conftest import (metric_bodies, metric_deltas, no_exception, page_links, plotly_values, table_with,
                                  texts)
from ui import format as fmt
from ui import tables

ON = date(2026, 11, 22)
YEAR = 2026


def year_progress(t, year=YEAR, **kw):
    return metrics.roadmap_year(t["events"], year, ON, **kw)


def timeline(at):
    return next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                if json.loads(c.proto.spec)["layout"].get("xaxis", {}).get("type") == "date")


@pytest.mark.parametrize("year, cards, on_time, delta", [
    (2026, {"Мероприятий": "24", "Выполнено": "7", "Просрочено": "7", "В работе / постоянно": "6"}, "38,5 %",
     "+21,8 п. п."),
    (2024, {"Мероприятий": "23", "Выполнено": "9", "Просрочено": "4", "В работе / постоянно": "6"}, "50,0 %",
     "+50,0 п. п."),
])
def test_event_figures_follow_the_school_year(shared_store, run_page, year, cards, on_time, delta):
    at = run_page("events", year=year)
    no_exception(at)
    shown = metric_bodies(at)
    for label, value in cards.items():
        assert shown[label] == value, label
    nbsp = "\u00a0"
    assert shown["Выполнено в срок"] == on_time.replace(" ", nbsp)
    assert metric_deltas(at)["Выполнено в срок"] == delta.replace(" ", nbsp)
    assert f"{year - 1}/{str(year)[-2:]} учебный год" in texts(at)


def test_a_year_outside_the_plan_says_so(shared_store, run_page):
    at = run_page("events", year=2022)
    no_exception(at)
    assert not at.metric
    shown = texts(at)
    assert "В 2021/22 учебном году в плане нет мероприятий со сроками" in shown
    assert "План охватывает 2022/23–2027/28 учебные годы" in shown


def test_a_year_not_begun_shows_no_share(shared_store, run_page, monkeypatch):
    monkeypatch.setenv("DASHBOARD_TODAY", "2026-06-01")  # 2026/27 starts on 01.09.2026
    at = run_page("events", year=2027)
    no_exception(at)
    assert metric_bodies(at)["Выполнено в срок"] == "—"
    assert "2026/27 учебный год ещё не начался" in texts(at)
    assert "доля выполненных в срок не считается" in texts(at)


def test_current_year_button_switches_the_year(shared_store, run_page):
    at = run_page("events", year=2024)
    at.button(key="ev_current_year").click().run()
    no_exception(at)
    assert at.session_state["flt_year"] == 2027
    assert "2026/27 учебный год" in texts(at)


def test_school_filter_narrows_to_the_schools_events(shared_store, run_page):
    # «Руководители МКОУ «Кедровская ООШ», МКОУ «Лесновская СОШ», …» of 3.1.1: due 31.10.2023, done 14.11.2023
    at = run_page("events", year=2024, school="kedr")
    no_exception(at)
    shown = metric_bodies(at)
    assert (shown["Мероприятий"], shown["Выполнено"], shown["Просрочено"]) == ("1", "1", "0")
    assert shown["Выполнено в срок"] == "0,0\u00a0%"
    assert "Кедровская ООШ» названа среди ответственных или в названии: 1 из 23" in texts(at)
    assert table_with(at, "number", "state_text")["number"].tolist() == ["3.1.1"]
    assert any(link.page.endswith("school") and "school=kedr" in link.query_string for link in page_links(at))
    at.button(key="ev_district").click().run()
    assert at.session_state["flt_school"] is None
    assert metric_bodies(at)["Мероприятий"] == "23"


def test_school_named_in_a_title_only(shared_store, run_page):
    # 2.3 «Внешний аудит объективности ВПР в МБОУ «Сосновская СОШ № 3»», due 30.06.2026, not done
    at = run_page("events", year=YEAR, school="sos3")
    no_exception(at)
    shown = metric_bodies(at)
    assert (shown["Мероприятий"], shown["Просрочено"]) == ("1", "1")
    assert table_with(at, "number", "state_text")["number"].tolist() == ["2.3"]


def test_a_school_the_plan_never_names_gets_the_district_plainly(shared_store, run_page):
    at = run_page("events", year=YEAR, school="sos1")  # «СОШ № 1» is not in «Гимназия № 1» nor «СОШ № 3»
    no_exception(at)
    assert "Школа «СОШ № 1» не названа ни среди ответственных, ни в названии мероприятий 2025/26 учебного года. " \
           "Ниже — весь район." in texts(at)
    assert metric_bodies(at)["Мероприятий"] == "24"
    assert any(link.page.endswith("school") for link in page_links(at))


def test_progress_by_section_in_plan_order_and_by_responsible(shared_store, run_page, sample_tables):
    at = run_page("events", year=YEAR)
    sec_table = table_with(at, "section", "total", "done", "overdue")
    # «5. Подготовка к ГИА» before «5.1. Анализ результатов ГИА», though the plan lists 5.1.x first
    assert [s.split()[0] for s in sec_table["section"]] == ["1.", "2.", "3.1.", "3.2.", "4.", "5.", "5.1."]
    p = year_progress(sample_tables)
    by_sec = metrics.roadmap_summary(p, "section")
    assert sec_table[["section", "total", "overdue"]].values.tolist() == by_sec[["section", "total", "overdue"]].values.tolist()
    resp_table = table_with(at, "responsible", "total", "done", "overdue")
    # «ИМЦ⏎МКОУ «Родниковская СОШ»» (3.2.3) is two parties, never «ИМЦ МКОУ …» glued
    assert "МКОУ «Родниковская СОШ»" in set(resp_table["responsible"])
    assert not any(r.startswith("ИМЦ ") for r in resp_table["responsible"])
    assert resp_table.set_index("responsible").loc["ИМЦ", "total"] == 12  # 1.4 1.8 2.5 3.1.3 3.1.5 3.2.3 4.2 4.6 5.1.1 5.1.2 5.1.3 5.6


def test_timeline_has_the_years_control_dates(shared_store, run_page):
    at = run_page("events", year=YEAR)
    spec = timeline(at)
    markers = [d for d in spec["data"] if d.get("mode") == "markers" and d.get("name") != "Дата выполнения"]
    dates = [str(x)[:10] for d in markers for x in plotly_values(d["x"])]
    assert len(dates) == 21  # 1.4 1, 1.5 1, 2.3 1, 2.5 3, 3.1.3 3, 3.1.5 1, 3.2.3 1, 4.2, 4.6, 5.1.1 1 each,
    # 5.1.2 3, 5.1.3 1, 5.4 1, 5.6 2
    assert min(dates) >= "2025-09-01" and max(dates) <= "2026-08-31"
    assert {d["name"] for d in markers} == {fmt.state_label("done"), fmt.state_label("overdue")}
    # the year is over: no «сегодня» line inside it
    assert not any("сегодня" in a.get("text", "") for a in spec["layout"].get("annotations", []))
    labels = [y for d in markers for y in d["y"]]
    order = list(dict.fromkeys(spec["layout"]["yaxis"]["categoryarray"][::-1]))
    assert [x.split()[0] for x in order][:4] == ["1.4", "1.5", "2.3", "2.5"] and set(labels) <= set(order)


def test_timeline_of_the_current_year_marks_today(shared_store, run_page):
    spec = timeline(run_page("events", year=2027))
    assert any("сегодня, 22.11.2026" in a.get("text", "") for a in spec["layout"].get("annotations", []))


def test_overdue_list_is_the_years_overdue_events(shared_store, run_page, sample_tables):
    at = run_page("events", year=YEAR)
    assert "Просрочено: 7" in texts(at)
    table = table_with(at, "number", "missed", "days", "parties")
    assert "reason" not in table.columns  # the sentence repeats the date and days beside it: Excel only
    # 2.5 and 5.1.2 missed 31.10.2025 (387 days before 22.11.2026), 1.5 and 5.1.1 30.11.2025 (357) …
    assert table["number"].tolist() == ["2.5", "5.1.2", "1.5", "5.1.1", "3.1.5", "3.2.3", "2.3"]
    assert table["missed"].tolist()[:3] == ["31.10.2025", "31.10.2025", "30.11.2025"]
    assert table["days"].tolist()[:3] == ["387", "387", "357"]
    assert table.set_index("number").loc["3.2.3", "parties"] == "ИМЦ, МКОУ «Родниковская СОШ»"


def test_state_filter(shared_store, run_page, sample_tables):
    at = run_page("events", year=YEAR)
    at.multiselect(key="ev_states").select("done").run()
    no_exception(at)
    table = table_with(at, "number", "state_text", "parties")
    assert table["number"].tolist() == ["1.4", "3.1.3", "4.2", "4.6", "5.1.3", "5.4", "5.6"]
    assert set(table["state_text"]) == {fmt.state_label("done")}


def test_section_and_responsible_filters(shared_store, run_page, sample_tables):
    at = run_page("events", year=YEAR)
    section = "5. Подготовка к государственной итоговой аттестации"
    at.multiselect(key="ev_sections").select(section).run()
    table = table_with(at, "number", "state_text", "parties")
    assert table["number"].tolist() == ["5.2", "5.4", "5.5", "5.6"]  # 5.3 is due in December 2026
    at.multiselect(key="ev_sections").unselect(section).run()
    at.multiselect(key="ev_resp").select("МКОУ «Родниковская СОШ»").run()
    no_exception(at)
    assert table_with(at, "number", "state_text", "parties")["number"].tolist() == ["3.2.3"]


def test_tables_fit_the_width(shared_store, run_page):
    """At 1366 px the main column is about 900 px wide: every table's set widths fit in it, long columns wrap."""
    at = run_page("events", year=YEAR)
    for df in at.dataframe:
        cfg = json.loads(df.proto.columns)
        shown = list(df.proto.column_order)
        widths = [cfg[c].get("width") for c in shown]
        assert all(isinstance(w, int) for w in widths), widths
        assert sum(widths) <= tables.FULL, (shown, widths)
        assert len(shown) <= 7


def test_region_scale_timeline_is_a_page(sample_store, run_page, tmp_path):
    """2,000 events (bench/region.py): the page sends one page of 30 events, never a 49,000 px chart."""
    import sys

    from loaders.report import LoadResult
    from store import open_store
    from tests.pages.conftest import ROOT

    sys.path.insert(0, str(ROOT / "bench"))
    from region import _events  # noqa: E402
    import numpy as np

    events = _events(np.random.default_rng(7), 2000, list(range(2022, 2028)))
    s = open_store(path=sample_store, seed_folder=tmp_path / "none")
    s.accept(LoadResult(tables={"events": events}), "region_events.xlsx", b"region", user="test", source="upload")
    at = run_page("events", year=YEAR)
    no_exception(at)
    spec = timeline(at)
    rows = set(spec["layout"]["yaxis"]["categoryarray"])
    assert len(rows) == 30 and spec["layout"]["height"] <= 26 * 30 + 120
    assert len(at.get("plotly_chart")[-1].proto.spec) < 200_000
    box = at.selectbox(key="ev_page")
    assert len(box.options) > 10
    box.select(box.options[1]).run()
    assert set(timeline(at)["layout"]["yaxis"]["categoryarray"]).isdisjoint(rows)
