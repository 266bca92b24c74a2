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
    assert any(w.value.startswith("Выбраны ВПР — показан ЕГЭ") and "Рособнадзор" in w.value for w in at.warning)
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


def _procedure_boxes(at) -> list:
    """Every «Процедура» selector that chooses what the page shows (the sidebar has none: test_app.py; the
    upload slot's «Параметры файла» names a file's procedure, not the view)."""
    assert not [b for b in at.sidebar.selectbox if b.label == "Процедура" and not str(b.key).startswith("upl_")]
    return [b for b in at.main.selectbox if b.label == "Процедура"]


def test_one_procedure_selector_in_every_mode(shared_store, run_page):
    at = run_page("ranking", year=2026, exam="ОГЭ")
    no_exception(at)
    # summary ranking: the only «Процедура» is the funnel's, and it opens on the link's procedure
    boxes = _procedure_boxes(at)
    assert [b.key for b in boxes] == ["funnel_exam"] and boxes[0].value == "ОГЭ"
    at.radio(key="rank_mode").set_value("exam").run()
    no_exception(at)
    # by procedure: the ranking's selector only; the funnel follows it (its subject selector stays)
    boxes = _procedure_boxes(at)
    assert [b.key for b in boxes] == ["rank_exam"] and boxes[0].value == "ОГЭ"
    at.selectbox(key="rank_subject").set_value("__all__").run()
    no_exception(at)
    assert [b.key for b in _procedure_boxes(at)] == ["rank_exam"]
    assert "Процедура — ОГЭ, как выбрано выше" in texts(at)
    at.radio(key="rank_mode").set_value("indicator").run()
    no_exception(at)
    assert [b.key for b in _procedure_boxes(at)] == ["funnel_exam"]


def test_the_procedure_chosen_here_goes_into_the_link(shared_store, run_page):
    at = run_page("ranking", year=2026, exam="ЕГЭ")
    at.radio(key="rank_mode").set_value("exam").run()
    assert at.selectbox(key="rank_exam").value == "ЕГЭ"
    at.selectbox(key="rank_exam").set_value("ОГЭ").run()
    no_exception(at)
    exam = at.query_params["exam"]
    assert (exam[0] if isinstance(exam, list) else exam) == "ОГЭ"
    # the funnel of the summary ranking opens on the same procedure
    at.radio(key="rank_mode").set_value("composite").run()
    no_exception(at)
    assert at.selectbox(key="funnel_exam").value == "ОГЭ"


def _place(tables, year, school_id, **kw):
    r = metrics.rank_schools(tables["results"], year, kw.pop("by", "composite"), values=tables["values"],
                             indicators=tables["indicators"], schools=tables["schools"], **kw)
    return r[r["school_id"] == school_id].iloc[0]


def test_chosen_school_gets_its_place_above_the_table(shared_store, run_page, sample_tables):
    at = run_page("ranking", year=2026, school="sos3")
    no_exception(at)
    row = _place(sample_tables, 2026, "sos3")
    names = _names(sample_tables)
    # hand check of the sample district: СОШ № 3 is 11th of the 13 secondary schools in 2025/26
    assert (int(row["rank"]), int(row["n_in_group"]), row["type_group"]) == (11, 13, "Средние школы")
    info = next(i.value for i in at.info if "место" in i.value)
    assert f"«{names['sos3']}» — место 11 из 13 в списке «Средние школы»" in texts(at)
    assert f"от {int(row['rank_low'])} до {int(row['rank_high'])}" in info
    assert f"значение {fmt.value(row['value'], None, 1)}" in info
    # its bar is drawn in the chosen colour, the others not; the card is one click away
    bars = _spec(at, 0)["data"][0]
    colours = dict(zip(bars["y"], bars["marker"]["color"]))
    assert colours[names["sos3"]] == "#ef6c00"
    assert sum(c == "#ef6c00" for c in colours.values()) == 1
    assert any(p.page == "school" and "school=sos3" in p.query_string for p in page_links(at))


def test_chosen_school_opens_its_own_list(shared_store, run_page, sample_tables):
    """Кедровская ООШ is ranked among the basic schools: its list opens, not the larger secondary one."""
    at = run_page("ranking", year=2026, school="kedr")
    no_exception(at)
    row = _place(sample_tables, 2026, "kedr")
    assert row["type_group"] == "Основные школы"
    assert at.get("button_group")[0].value == "Основные школы"
    shown = _ranking_frame(at)
    assert _names(sample_tables)["kedr"] in set(shown["school"])
    assert f"место {int(row['rank'])} из {int(row['n_in_group'])} в списке «Основные школы»" in texts(at)


def test_school_outside_every_list_says_why(shared_store, run_page, sample_tables):
    at = run_page("ranking", year=2026, school="nosh5")
    no_exception(at)
    names = _names(sample_tables)
    assert f"«{names['nosh5']}» нет в этом рейтинге: школы типа «Начальные школы» не ранжируются" in texts(at)
    assert any(p.page == "school" and "school=nosh5" in p.query_string for p in page_links(at))


def test_no_school_chosen_no_place_line(shared_store, run_page):
    at = run_page("ranking", year=2026)
    no_exception(at)
    assert not any("место" in i.value and "в списке" in i.value for i in at.info)
    assert "#ef6c00" not in json.dumps(_spec(at, 0)["data"][0]["marker"]["color"])
