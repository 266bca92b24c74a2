"""Does «Рейтинг школ» rank the sample district as metrics.rank_schools does, refuse ВПР, and show the charts?"""
from __future__ import annotations

import json

import pandas as pd
import pytest

import metrics
from tests.pages.conftest import no_exception, page_links, texts
from ui import format as fmt


def _names(tables) -> dict[str, str]:
    s = tables["schools"].copy()
    s["_y"] = pd.to_numeric(s["year"], errors="coerce").fillna(-1)
    s = s.sort_values("_y").drop_duplicates("school_id", keep="last")
    short = s["short_name"].where(s["short_name"].notna() & (s["short_name"].astype(str).str.strip() != ""), s["name"])
    return dict(zip(s["school_id"].astype(str), short.astype(str)))


def _ranking_frame(at) -> pd.DataFrame:
    """The ranking table as shown (column ids; the Russian labels are the column_config)."""
    return at.dataframe[0].value


def _rank(tables, year, by="composite", **kw) -> pd.DataFrame:
    """The metric as the page calls it (registry types: separate lists), restricted to the list shown first."""
    r = metrics.rank_schools(tables["results"], year, by, values=tables["values"], indicators=tables["indicators"],
                             schools=tables["schools"], **kw)
    return r[r["type_group"] == r["type_group"].value_counts().index[0]]


def _spec(at, i: int) -> dict:
    return json.loads(at.get("plotly_chart")[i].proto.spec)


def test_composite_ranking_matches_the_metric(shared_store, run_page, sample_tables):
    at = run_page("ranking", year=2026)
    no_exception(at)
    expected = _rank(sample_tables, 2026)
    assert set(expected["type_group"]) == {"Средние школы"}  # СОШ, гимназия and лицей; ООШ and НОШ apart
    names = _names(sample_tables)
    shown = _ranking_frame(at)
    assert list(shown["school"]) == [names[s] for s in expected["school_id"]]
    assert list(shown["rank"].astype(int)) == list(expected["rank"].astype(int))
    top = expected.iloc[0]
    assert shown["value_text"].iloc[0] == fmt.value(top["value"], None, 1)
    # every place has its bootstrap interval; the arrow only when the two years' intervals do not overlap
    for (_, e), (_, s) in zip(expected.iterrows(), shown.iterrows()):
        lo, hi = int(e["rank_low"]), int(e["rank_high"])
        assert s["interval_text"] == (str(lo) if lo == hi else f"{lo}–{hi}")
        if pd.notna(e["prev_rank"]) and e["rank_change"] != 0:
            moved = e["rank_moved"]
            assert s["arrow"] == ("≈ в пределах колебаний" if moved == 0 else
                                  f"▲ {int(e['rank_change'])}" if moved > 0 else f"▼ {abs(int(e['rank_change']))}")
    # ВПР is excluded with the reason said on the page; the other lists are offered
    assert "ВПР в рейтинге не участвуют" in texts(at) and "Рособнадзор" in texts(at)
    assert set(at.get("button_group")[0].proto.options[i].content for i in range(2)) >= {"Средние школы"} \
        if at.get("button_group") else True


def test_small_schools_are_marked(shared_store, run_page, sample_tables):
    at = run_page("ranking", year=2026)
    expected = _rank(sample_tables, 2026)
    small = expected[expected["low_reliability"]]
    assert len(small), "the sample district has small schools"
    shown = _ranking_frame(at)
    names = _names(sample_tables)
    marked = shown[shown["reliability"].astype(str).str.contains("мало участников")]["school"]
    assert set(marked) == {names[s] for s in small["school_id"]}
    # the bar chart draws them hatched, with the district line
    bars = _spec(at, 0)
    patterns = bars["data"][0]["marker"]["pattern"]["shape"]
    assert sum(1 for p in patterns if p == "/") == len(small)
    assert any(s.get("type") == "line" for s in bars["layout"].get("shapes", []))


def test_ranking_by_exam_and_subject_uses_that_metric(shared_store, run_page, sample_tables):
    at = run_page("ranking", year=2026, exam="ЕГЭ")
    at.radio(key="rank_mode").set_value("exam").run()
    no_exception(at)
    at.selectbox(key="rank_subject").set_value("Русский язык").run()
    no_exception(at)
    expected = _rank(sample_tables, 2026, "exam", exam="ЕГЭ", subject="Русский язык")
    names = _names(sample_tables)
    shown = _ranking_frame(at)
    assert list(shown["school"]) == [names[s] for s in expected["school_id"]]
    assert shown["value_text"].iloc[0] == fmt.value(expected["value"].iloc[0], None, 1)
    # the funnel uses the same exam and subject: one point per school, control limits, ids for click-through
    points, limits = metrics.funnel(sample_tables["results"], "ЕГЭ", "Русский язык", 2026)
    funnel = next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                  if "Русский язык" in json.dumps(json.loads(c.proto.spec).get("layout", {}).get("title", {}),
                                                  ensure_ascii=False))
    ids = [cd[0] for tr in funnel["data"] if tr.get("customdata") for cd in tr["customdata"]]
    assert sorted(ids) == sorted(points["school_id"])
    limit_names = {tr["name"] for tr in funnel["data"]}
    assert {"границы 95 %", "границы 99,8 %", "среднее по району"} <= limit_names


def test_below_minimum_ranking_puts_the_lowest_share_first(shared_store, run_page, sample_tables):
    at = run_page("ranking", year=2026, exam="ОГЭ")
    at.radio(key="rank_mode").set_value("exam").run()
    at.selectbox(key="rank_subject").set_value("Математика").run()
    at.radio(key="rank_measure").set_value("below_share").run()
    no_exception(at)
    expected = _rank(sample_tables, 2026, "exam", exam="ОГЭ", subject="Математика", measure="below_share")
    shown = _ranking_frame(at)
    assert shown["value_text"].iloc[0] == fmt.value(expected["value"].iloc[0], "%", 1)
    assert expected["value"].iloc[0] == expected["value"].min()
    assert "Меньше — лучше" in texts(at)


def test_vpr_is_refused_with_the_reason(shared_store, run_page):
    at = run_page("ranking", year=2026, exam="ВПР")
    at.radio(key="rank_mode").set_value("exam").run()
    no_exception(at)
    assert any("ВПР" in w.value and "Рособнадзор" in w.value for w in at.warning)
    assert "ВПР" not in at.selectbox(key="rank_exam").options


def test_indicator_ranking(shared_store, run_page, sample_tables):
    at = run_page("ranking", year=2026)
    at.radio(key="rank_mode").set_value("indicator").run()
    no_exception(at)
    ind = at.selectbox(key="rank_indicator").value
    expected = _rank(sample_tables, 2026, "indicator", indicator_id=ind)
    names = _names(sample_tables)
    shown = _ranking_frame(at)
    assert list(shown["school"]) == [names[s] for s in expected["school_id"]]


def test_level_change_grid_places_every_school(shared_store, run_page, sample_tables):
    at = run_page("ranking", year=2026)
    no_exception(at)
    heat = next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                if json.loads(c.proto.spec)["data"][0].get("type") == "heatmap")
    cells = "<br>".join(t for row in heat["data"][0]["text"] for t in row)
    now = _rank(sample_tables, 2026)
    prev = _rank(sample_tables, 2025)
    cols = ["school_id", "year", "value", "value_se", "participants"]
    grid = metrics.level_change_grid(pd.concat([now[cols], prev[cols]]).rename(columns={"value_se": "se"}), 2026)
    names = _names(sample_tables)
    placed = grid[grid["change_band"].notna()]
    for sid in placed["school_id"]:
        assert names[sid][:23] in cells
    # the cell of one school is the metric's cell
    r = placed.iloc[0]
    assert sum(int(c) for row in heat["data"][0]["customdata"] for c in row) == len(placed)
    assert names[r["school_id"]][:23] in heat["data"][0]["text"][int(r["level"]) - 1][int(r["change_band"]) - 1]


def test_card_link_keeps_the_year(shared_store, run_page, sample_tables):
    at = run_page("ranking", year=2025)
    sid = sorted(sample_tables["schools"]["school_id"].unique())[0]
    at.selectbox(key="ranking_pick").set_value(sid).run()
    no_exception(at)
    links = [p for p in page_links(at) if "school" in p.page]
    assert any(f"school={sid}" in p.query_string and "year=2025" in p.query_string for p in links)


@pytest.mark.parametrize("year", [2024, 2026])
def test_year_filter_changes_the_ranking(shared_store, run_page, sample_tables, year):
    at = run_page("ranking", year=year)
    no_exception(at)
    expected = _rank(sample_tables, year)
    shown = _ranking_frame(at)
    assert shown["value_text"].iloc[0] == fmt.value(expected["value"].iloc[0], None, 1)
    assert f"{year - 1}/{str(year)[-2:]} учебный год" in texts(at)


def test_empty_store_shows_the_hint(empty_store, run_page):
    at = run_page("ranking")
    no_exception(at)
    assert any("Нечего показать" in i.value for i in at.info)
    assert at.get("download_button"), "the template download is offered"


def test_page_procedure_and_sidebar_procedure_are_one_choice(shared_store, run_page):
    at = run_page("ranking", year=2026, exam="ЕГЭ")
    at.radio(key="rank_mode").set_value("exam").run()
    assert at.selectbox(key="rank_exam").value == "ЕГЭ"
    at.selectbox(key="w_exam").set_value("ОГЭ").run()  # the sidebar
    no_exception(at)
    assert at.selectbox(key="rank_exam").value == "ОГЭ"
    at.selectbox(key="rank_exam").set_value("ЕГЭ").run()  # the page
    no_exception(at)
    assert at.selectbox(key="w_exam").value == "ЕГЭ"
    assert at.query_params["exam"] == ["ЕГЭ"] or at.query_params["exam"] == "ЕГЭ"
