"""Does «Обзор» answer the meeting's three questions on its first screen, and show the metrics' numbers for the year?"""
from __future__ import annotations

import urllib.parse
from datetime import date

import pytest

import metrics
from metrics.format import NBSP
from tests.pages.conftest import metric_bodies, metric_deltas, no_exception, page_links, table_with, texts, unescaped
from ui import format as fmt
from ui import safe
from metrics.roadmap import deadline_lines
from ui.first_screen import short_name

ON = date(2026, 11, 22)


def key_figures(t, year):
    return metrics.key_figures(t["results"], t["values"], t["indicators"], t["events"], year, ON)


@pytest.mark.parametrize("year", [2026, 2025])
def test_key_figures_are_the_metrics_numbers(shared_store, run_page, sample_tables, year):
    at = run_page("overview", year=year)
    no_exception(at)
    shown = metric_bodies(at)
    deltas = metric_deltas(at)
    kf = key_figures(sample_tables, year)
    kf = kf[kf["value"].notna()]
    assert len(kf) >= 6
    for r in kf.to_dict("records"):
        assert shown[r["label"]] == fmt.value(r["value"], r["unit"]), r["label"]
        if not fmt.is_missing(r["change"]) and r["change"] != 0:
            # the change has as many decimals as its value: 70,6 ↓ −0,7 (ЕГЭ), 3,88 ↑ +0,01 (ОГЭ mark)
            digits = 1 if r["unit"] in ("балл", "баллы") and abs(r["value"]) >= 10 else None
            expected = fmt.change(r["change"], r["unit"], digits).replace("−", "-")
            if not any(d in expected for d in "123456789"):
                expected = "0"  # a change that rounds to zero is shown grey as «0», not as «+0,00» growth
            assert deltas[r["label"]] == expected, r["label"]


def test_delta_colour_respects_the_good_direction(shared_store, run_page, sample_tables):
    at = run_page("overview", year=2026)
    kf = key_figures(sample_tables, 2026).set_index("label")
    for m in at.metric:
        label = m.proto.label
        if label not in kf.index or not m.proto.delta or m.proto.delta == "0":
            continue
        good = kf.loc[label, "good_direction"]
        up = not m.proto.delta.startswith("-")
        colour = m.proto.color  # MetricColor enum: RED / GREEN / GRAY
        from streamlit.proto.Metric_pb2 import Metric

        if good == "higher":
            assert colour == (Metric.MetricColor.GREEN if up else Metric.MetricColor.RED), label
        elif good == "lower":
            assert colour == (Metric.MetricColor.RED if up else Metric.MetricColor.GREEN), label


def test_traffic_light_lists_the_district_indicators_of_the_year(shared_store, run_page, sample_tables):
    at = run_page("overview", year=2026)
    # a plain table with Russian headers (no data grid for the browser to load on the first page)
    assert not at.dataframe
    table = table_with(at, "Статус", "Показатель", "Факт", "План")
    pvf = metrics.plan_vs_fact(sample_tables["indicators"], sample_tables["values"], year=2026)
    district = pvf[pvf["school_id"].isna()]
    assert len(table) == len(district)
    assert sorted(table["Статус"]) == sorted(district["status"].map(fmt.status_label))
    assert set(table["Показатель"]) == set(district["name"].map(safe.md))  # st.table reads markdown: escaped
    # missed first: the worst news on top
    order = {"не достигнут": 0, "близко к плану": 1, "нет данных": 2, "достигнут": 3}
    ranks = table["Статус"].map(order).tolist()
    assert ranks == sorted(ranks)


def _links(at, page: str) -> list:
    return [p for p in page_links(at) if p.page == page]


def _query(link) -> dict[str, str]:
    return {k: v[0] for k, v in urllib.parse.parse_qs(link.query_string).items()}


def test_first_screen_programme_block_names_what_is_off_plan(shared_store, run_page, sample_tables):
    """2025/26 in the sample district: 18 district indicators, 8 without a plan or a fact, 2 near plan, 5 missed."""
    at = run_page("overview", year=2026)
    no_exception(at)
    assert metric_bodies(at)["Показатели вне плана"] == "5"
    assert "из 10 с планом и фактом · близко к плану: 2" in texts(at)
    # worst first (relative to the plan; a plan of 0 missed is the worst), deviation in the indicator's unit
    expected = [("+5,6 п. п.", "Доля общеобразовательных организаций с признаками необъективности результатов ВПР"),
                ("+2,4 п. п.", "Доля выпускников 11-х классов, не получивших аттестат о среднем общем образовании"),
                ("+5,5 п. п.", "Доля школ с низкими образовательными результатами в общем числе школ"),
                ("−4,0 п. п.", "Доля выпускников, набравших 220 баллов и более по трём предметам ЕГЭ"),
                ("−1 шт.", "Количество муниципальных методических мероприятий по повышению качества образования")]
    block = next(unescaped(m.value) for m in at.markdown if "Доля общеобразовательных" in unescaped(m.value))
    lines = [ln[2:] for ln in block.split("\n")]
    assert lines == [f":red[**{d.replace(' ', NBSP)}**] {name}" for d, name in expected]
    # the same five as the metric says, and nothing more to show: the link leads to all indicators of the year
    pvf = metrics.plan_vs_fact(sample_tables["indicators"], sample_tables["values"], year=2026)
    missed = pvf[pvf["school_id"].isna() & (pvf["status"] == "missed")]
    assert {short_name(n) for n in missed["name"]} == {name for _, name in expected}
    link = next(p for p in _links(at, "indicators") if p.label == "Все показатели программы")
    assert _query(link)["year"] == "2026"


def test_first_screen_risk_block_heaviest_first_with_reasons(shared_store, run_page, sample_tables):
    """2025/26: Кедровская ООШ, Лесновская СОШ and НОШ № 5 are ШНОР for the 2nd year and more (weight 0, by code);
    СОШ № 3 has signs of inflated ВПР marks in 2 of the last 3 years (weight 1). ШНСУ: 5 schools, not counted."""
    at = run_page("overview", year=2026)
    no_exception(at)
    assert metric_bodies(at)["Школы с поводом для внимания"] == "4"
    assert "Кроме них, ШНСУ (условия, не оценка): 5" in texts(at)
    cards = [p for p in _links(at, "school")]
    assert [_query(p)["school"] for p in cards] == ["kedr", "lesn", "nosh5", "sos3"]
    assert all(_query(p)["year"] == "2026" for p in cards)
    labels = [unescaped(p.label) for p in cards]
    assert labels[0] == ("**Кедровская ООШ** — ШНОР не первый год: низкие результаты 3" + NBSP
                         + "года из 3 последних лет (2024, 2025, 2026)")
    assert labels[3] == ("**СОШ № 3** — Признаки необъективности ВПР повторяются: 19" + NBSP + "работ из 19 в 2026 году; "
                         "признаки были 2" + NBSP + "года из последних 3")
    # the whole list is one click away, for the district (no school in the link)
    more = next(p for p in _links(at, "risk"))
    assert more.label == "Все школы и причины" and "school" not in _query(more)


def test_risk_block_more_concerns_first_within_a_weight(shared_store, run_page):
    """2024/25: four schools are ШНОР for the 2nd year (Кедровская ООШ also below expectation, so first), СОШ № 3
    has a single year of objectivity signs (weight 4): five lines, no «ещё»."""
    at = run_page("overview", year=2025)
    no_exception(at)
    assert metric_bodies(at)["Школы с поводом для внимания"] == "5"
    assert [_query(p)["school"] for p in _links(at, "school")] == ["kedr", "lesn", "nosh5", "zarech", "sos3"]
    sos3 = unescaped(_links(at, "school")[-1].label)
    assert sos3.startswith("**СОШ № 3** — Признак необъективности ВПР в этом году: 19" + NBSP + "работ из 19")
    assert [p.label for p in _links(at, "risk")] == ["Все школы и причины"]


def test_first_screen_deadlines_block(shared_store, run_page, sample_tables):
    """On 22.11.2026: 9 events overdue, 4 with a control date within 30 days (two of them also overdue)."""
    at = run_page("overview")
    no_exception(at)
    progress = metrics.roadmap_progress(sample_tables["events"], ON)
    due = metrics.events_due(progress, ON, 30)
    assert (int((progress["state"] == "overdue").sum()), len(due)) == (9, 4)
    shown = metric_bodies(at)
    assert (shown["Просрочено"], shown["Срок в 30 дней"]) == ("9", "4")
    block = next(unescaped(m.value) for m in at.markdown if "пропущено 12" in unescaped(m.value))
    lines = block.split("\n")
    # the longest overdue first (3 of them while due-soon ones wait), a recurring event once with its next date
    assert [ln.split("**")[1] for ln in lines] == ["2.5", "5.1.2", "1.5", "2.6", "3.2.4"]
    assert lines[2].endswith(":red[пропущено 3 срока]; следующий — до 30.11.2026")
    assert lines[3].endswith("— до 07.12.2026")
    # 9 overdue + the 2 due-soon ones not overdue = 11 events, 5 shown
    more = next(p for p in _links(at, "events"))
    assert more.label == "ещё 6 — весь план мероприятий"


def test_deadline_lines_give_unused_room_to_the_other_kind():
    import pandas as pd

    over = pd.DataFrame({"number": ["1", "2", "3", "4"], "title": list("abcd"), "state": "overdue",
                         "days_overdue": [5, 9, 1, 3], "last_passed_date": pd.Timestamp("2026-11-01"),
                         "n_missed": 1})
    soon = pd.DataFrame({"number": ["7"], "title": ["g"], "due_date": pd.Timestamp("2026-12-01")})
    lines, total = deadline_lines(over, soon)
    assert [x["number"] for x in lines] == ["2", "1", "4", "3", "7"] and total == 5  # 9, 5, 3, 1 days
    lines, total = deadline_lines(over, soon.iloc[:0])
    assert [x["number"] for x in lines] == ["2", "1", "4", "3"] and total == 4


def test_two_clicks_to_a_flagged_school_and_its_reasons(shared_store, run_page, sample_tables):
    """Overview → the first school of the risk block (click 1) → its card names it and says why it is flagged."""
    at = run_page("overview", year=2026)
    flags = metrics.risk_flags(sample_tables["results"], sample_tables["schools"], 2026)
    link = _links(at, "school")[0]
    school_id = _query(link)["school"]
    for k, v in _query(link).items():
        at.query_params[k] = v
    at.switch_page("pages/school.py")
    at.run()
    no_exception(at)
    shown = texts(at)
    name = unescaped(link.label).split("**")[1]
    assert name in shown or any(name in str(e.value) for e in at.title)
    mine = flags[(flags["school_id"] == school_id) & (flags["severity"] == "flag")]
    assert any(fmt.first_sentence(r) in shown or r in shown for r in mine["reason"])


def test_chosen_school_is_said_to_be_outside_the_district_view(shared_store, run_page, sample_tables):
    at = run_page("overview", school="sos3", year=2026)
    no_exception(at)
    assert any(unescaped(i.value) == "Обзор показывает весь район, а не школу «СОШ № 3»." for i in at.info)
    card = next(p for p in _links(at, "school") if p.label == "Карточка школы «СОШ № 3»")
    assert _query(card) == {"school": "sos3", "year": "2026", "exam": "ЕГЭ"}
    # the district blocks stay the district's; the chosen school is marked where it appears
    assert metric_bodies(at)["Школы с поводом для внимания"] == "4"
    assert any(unescaped(p.label).startswith("**СОШ № 3** (выбрана) — ") for p in _links(at, "school"))


def test_no_school_no_notice(shared_store, run_page):
    at = run_page("overview", year=2026)
    assert not any("Обзор показывает весь район" in i.value for i in at.info)


def test_blocks_say_what_is_not_loaded(programme_only_store, run_page):
    """A district that keeps only its programme and roadmap: the risk block says results are missing."""
    at = run_page("overview")
    no_exception(at)
    assert "Результаты оценочных процедур не загружены — отметить школы не по чему." in texts(at)
    assert metric_bodies(at)["Школы с поводом для внимания"] == "—"
    assert metric_bodies(at)["Показатели вне плана"] not in ("", "—")
