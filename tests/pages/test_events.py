"""Does «Мероприятия» show the roadmap as metrics compute it, with working filters?"""
from __future__ import annotations

import json
from datetime import date


import metrics
from tests.pages.conftest import metric_bodies, no_exception, plotly_values, table_with, texts
from ui import format as fmt

ON = date(2026, 11, 22)


def progress(t):
    return metrics.roadmap_progress(t["events"], ON)


def test_totals_are_the_roadmap_summary(shared_store, run_page, sample_tables):
    at = run_page("events")
    no_exception(at)
    total = metrics.roadmap_summary(progress(sample_tables), None).iloc[0]
    shown = metric_bodies(at)
    assert shown["Мероприятий"] == str(int(total["total"]))
    assert shown["Выполнено"] == str(int(total["done"]))
    assert shown["Просрочено"] == str(int(total["overdue"]))
    # the same text as the key figure on «Обзор» (one decimal)
    assert shown["Выполнено в срок"] == fmt.value(total["share_done_on_time"], "%")
    assert shown["Выполнено в срок"] == "—" or "," in shown["Выполнено в срок"]


def test_progress_by_section_and_by_responsible(shared_store, run_page, sample_tables):
    at = run_page("events")
    p = progress(sample_tables)
    by_sec = metrics.roadmap_summary(p, "section")
    by_resp = metrics.roadmap_summary(p, "responsible")
    sec_table = table_with(at, "section", "total", "done", "overdue")
    resp_table = table_with(at, "responsible", "total", "done", "overdue")
    assert sec_table[["section", "total", "overdue"]].values.tolist() == by_sec[["section", "total", "overdue"]].values.tolist()
    assert sorted(resp_table["responsible"]) == sorted(by_resp["responsible"])
    # several parties in one cell are split: more party rows than events with a party
    assert resp_table["total"].sum() >= p["responsible"].notna().sum()


def test_timeline_has_the_control_dates_and_today(shared_store, run_page, sample_tables):
    at = run_page("events")
    spec = next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                if json.loads(c.proto.spec)["layout"].get("xaxis", {}).get("type") == "date")
    markers = [d for d in spec["data"] if d.get("mode") == "markers" and d.get("name") != "Дата выполнения"]
    dates = sorted(str(x)[:10] for d in markers for x in plotly_values(d["x"]))
    p = progress(sample_tables)
    expected = sorted(str(x)[:10] for lst in p["control_dates"] for x in (lst or []))
    assert dates == expected
    names = {d["name"] for d in markers}
    assert names <= {fmt.state_label(s) for s in p["state"].unique()}
    assert any("сегодня" in a.get("text", "") for a in spec["layout"].get("annotations", []))


def test_overdue_list_is_the_overdue_events(shared_store, run_page, sample_tables):
    at = run_page("events")
    p = progress(sample_tables)
    overdue = p[p["state"] == "overdue"]
    assert f"Просрочено: {len(overdue)}" in texts(at)
    if len(overdue):
        table = table_with(at, "number", "last", "days", "responsible")
        assert "reason" not in table.columns  # the sentence repeats the date and days beside it: Excel only
        assert sorted(table["number"]) == sorted(overdue["number"])
        assert table["days"].tolist() == [fmt.value(x, None, 0) for x in overdue.sort_values("days_overdue", ascending=False)["days_overdue"]]


def test_state_filter(shared_store, run_page, sample_tables):
    at = run_page("events")
    box = at.multiselect(key="ev_states")
    box.select("done").run()
    no_exception(at)
    table = table_with(at, "number", "state_text", "next")
    p = progress(sample_tables)
    assert sorted(table["number"]) == sorted(p.loc[p["state"] == "done", "number"])
    assert set(table["state_text"]) == {fmt.state_label("done")}


def test_section_and_responsible_filters(shared_store, run_page, sample_tables):
    p = progress(sample_tables)
    section = p["section"].dropna().iloc[0]
    at = run_page("events")
    at.multiselect(key="ev_sections").select(section).run()
    table = table_with(at, "number", "state_text", "next")
    assert sorted(table["number"]) == sorted(p.loc[p["section"] == section, "number"])
    party = metrics.roadmap_summary(p, "responsible")["responsible"].iloc[0]
    at.multiselect(key="ev_sections").unselect(section).run()
    at.multiselect(key="ev_resp").select(party).run()
    no_exception(at)
    table = table_with(at, "number", "state_text", "next")
    expected = p[p["responsible"].fillna("").str.contains(party, regex=False)]
    assert sorted(table["number"]) == sorted(expected["number"])
