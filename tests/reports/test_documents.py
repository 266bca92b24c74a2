"""Are the brief, the handout and the programme report made on the sample district, within their pages,
holding the numbers `metrics/` gives — and do they print what a file says as plain text?"""
from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest

import metrics
from metrics.periods import parse_period
from reports import brief, handout, programme
from reports.content import Inputs, MissingData, brief_content, handout_content, programme_content
from tests.reports.conftest import TODAY, docx_to_pdf, pdf_pages, save_pngs
from ui import format as fmt


def _flat(text: str) -> str:
    """Text with every kind of space as a plain space (PDF text may keep or drop no-break spaces)."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def test_brief_is_one_page_with_the_off_plan_indicators_and_the_flagged_schools(inputs, district):
    doc, data, pages = brief.make(brief_content(inputs, 2026))
    assert pages == 1
    text = pdf_pages(data)
    assert len(text) == 1
    save_pngs(data, "brief")
    page = _flat(text[0])
    pvf = metrics.plan_vs_fact(district["indicators"], district["values"], year=2026)
    missed = pvf[pvf["school_id"].isna() & (pvf["status"] == "missed")]
    assert len(missed) >= 3
    for r in missed.to_dict("records"):  # each off-plan fact and plan, as metrics computed them
        assert _flat(fmt.value(r["fact"], r["unit"])) in page
        assert _flat(fmt.plan_text(r["plan"], r["plan_low"], r["plan_high"], r["unit"])) in page
    flags = metrics.risk_flags(district["results"], district["schools"], year=2026)
    names = district["schools"].drop_duplicates("school_id", keep="last").set_index("school_id")["short_name"]
    for sid in flags.loc[flags["severity"] == "flag", "school_id"].unique():
        assert _flat(names[sid]) in page
    # overdue events with their control date
    progress = metrics.roadmap_progress(district["events"], on_date=TODAY)
    for r in progress[progress["state"] == "overdue"].to_dict("records"):
        assert str(r["number"]) in page and fmt.date_ru(r["last_passed_date"]) in page


def test_brief_trims_long_lists_to_stay_on_one_page(inputs):
    c = brief_content(inputs, 2026)
    c.schools = c.schools * 8        # a district with many flagged schools
    c.overdue = c.overdue * 6
    doc, data, pages = brief.make(c)
    assert pages == 1
    assert "Показаны" in _flat(pdf_pages(data)[0])  # says that rows were left out, and where they are


@pytest.mark.parametrize("school_id", ["kedr", "sos1", "sos3", "nosh5"])
def test_handout_is_at_most_two_pages_with_the_schools_numbers(inputs, district, school_id):
    c = handout_content(inputs, school_id, 2026)
    doc, data, pages = handout.make(c)
    assert pages <= 2
    save_pngs(data, f"handout_{school_id}")
    text = _flat(" ".join(pdf_pages(data)))
    assert _flat(c.school) in text
    iv = metrics.intervals(district["results"], 2026)
    mine = iv[(iv["school_id"] == school_id) & iv["exam"].isin(["ЕГЭ", "ОГЭ"])
              & iv["subject"].str.contains("Русский|Математика")]
    for r in mine.to_dict("records"):  # compulsory ГИА subjects: the mean and the district beside it
        digits = 2 if r["mean"] <= 5.5 else 1
        assert fmt.num(r["mean"], digits) in text and fmt.num(r["district_mean"], digits) in text
    flags = metrics.risk_flags(district["results"], district["schools"], year=2026)
    for label in flags.loc[flags["school_id"] == school_id, "label"]:
        assert _flat(label) in text
    # page 2 starts with the programme part: the page break is by design
    if pages == 2:
        assert _flat(pdf_pages(data)[1]).startswith("Показатели программы по школе")


def test_every_sample_school_gets_a_handout_within_two_pages(inputs, district):
    for sid in sorted(district["schools"]["school_id"].unique()):
        assert handout.make(handout_content(inputs, sid, 2026))[2] <= 2, sid


def test_programme_docx_holds_every_indicator_of_the_period(inputs, district, tmp_path):
    from docx import Document

    period = parse_period("2026-H1")
    c = programme_content(inputs, period)
    data = programme.docx_bytes(c)
    doc = Document(io.BytesIO(data))
    cells = {_flat(cell.text) for t in doc.tables for row in t.rows for cell in row.cells}
    pvf = metrics.plan_vs_fact(district["indicators"], district["values"], year=period.data_year)
    expected = set(pvf["name"].map(_flat))
    assert len(expected) >= 20
    assert expected <= cells
    body = _flat("\n".join(p.text for p in doc.paragraphs))
    assert "Выводы" in body and "Предложения" in body and "I полугодие 2026 года" in body
    # the district's off-plan fact is in the table of its group
    row = pvf[pvf["school_id"].isna() & (pvf["status"] == "missed")].iloc[0]
    assert _flat(fmt.value(row["fact"], row["unit"])) in cells
    pdf = docx_to_pdf(data, tmp_path)
    if pdf is not None:  # Word → PDF where LibreOffice is installed: look at it
        save_pngs(pdf, "programme_docx")
        assert len(pdf_pages(pdf)) >= 3


def test_programme_pdf_has_a_title_page_charts_and_the_roadmap(inputs):
    c = programme_content(inputs, parse_period("2025/26"))
    data, pages = programme.pdf_bytes(c)
    text = pdf_pages(data)
    assert pages == len(text) >= 4
    save_pngs(data, "programme")
    assert "Отчёт о ходе выполнения программы" in _flat(text[0]) and "2025/26 учебный год" in _flat(text[0])
    whole = _flat(" ".join(text))
    for heading in ("Целевые показатели программы", "Показатели, не достигшие плана", "План мероприятий",
                    "Списки ШНОР и ШНСУ", "Объективность ВПР", "Выводы и предложения"):
        assert heading in whole
    assert len(c.off_plan) == c.counts["missed"] > 0


def test_roadmap_lists_follow_the_period(inputs, district):
    """Done in the period (on time / late), overdue on its last day, coming after it — hand-checked on events."""
    c = programme_content(inputs, parse_period("2026-H1"))
    progress = metrics.roadmap_progress(district["events"], on_date=date(2026, 6, 30))
    done = pd.to_datetime(progress["completion_date"], errors="coerce")
    in_period = progress[(progress["state"] == "done") & done.between("2026-01-01", "2026-06-30")]
    got = {e.number for e in c.roadmap if e.state in ("done_on_time", "done_late")}
    assert got == set(in_period["number"].astype(str))
    late = {e.number for e in c.roadmap if e.state == "done_late"}
    assert late == set(in_period.loc[in_period["done_on_time"] == False, "number"].astype(str))  # noqa: E712
    assert {e.number for e in c.roadmap if e.state == "overdue"} == \
        set(progress.loc[progress["state"] == "overdue", "number"].astype(str))


def test_list_changes_compare_the_year_with_the_one_before(inputs, district):
    c = programme_content(inputs, parse_period("2026"))
    now = metrics.risk_flags(district["results"], district["schools"], year=2026)
    before = metrics.risk_flags(district["results"], district["schools"], year=2025)
    low = next(ch for ch in c.lists if ch.list_name == "ШНОР")
    names = district["schools"].drop_duplicates("school_id", keep="last").set_index("school_id")["short_name"]
    a = set(now.loc[now["flag"] == "low_results", "school_id"])
    b = set(before.loc[before["flag"] == "low_results", "school_id"])
    assert set(low.entered) == {names[s] for s in a - b} and set(low.left) == {names[s] for s in b - a}
    assert set(low.stayed) == {names[s] for s in a & b}


def test_a_school_name_with_markup_prints_as_written(district):
    tables = {k: v.copy() for k, v in district.items()}
    evil = "Школа <b>№ 7</b> & «Ёлочка» {0}"
    tables["schools"].loc[tables["schools"]["school_id"] == "kedr", "short_name"] = evil
    inp = Inputs(tables=tables, today=TODAY)
    _, data, pages = handout.make(handout_content(inp, "kedr", 2026))
    assert evil in pdf_pages(data)[0]
    _, data, _ = brief.make(brief_content(inp, 2026))
    assert _flat(evil) in _flat(pdf_pages(data)[0])


def test_missing_data_is_said_in_russian(district):
    empty = {k: v.iloc[0:0] for k, v in district.items()}
    inp = Inputs(tables=empty, today=TODAY)
    with pytest.raises(MissingData, match="справку не из чего"):
        brief_content(inp, 2026)
    with pytest.raises(MissingData, match="не из чего составить"):
        programme_content(inp, parse_period("2026-H1"))
    with pytest.raises(MissingData, match="нет ни в реестре"):
        handout_content(Inputs(tables=district, today=TODAY), "no_such_school", 2026)


def test_brief_docx_fits_one_page_when_word_is_rendered(inputs, tmp_path):
    data = brief.docx_bytes(brief_content(inputs, 2026))
    pdf = docx_to_pdf(data, tmp_path)
    if pdf is None:
        pytest.skip("LibreOffice is not installed: the .docx is not rendered")
    save_pngs(pdf, "brief_docx")
    assert len(pdf_pages(pdf)) == 1


def test_a_large_region_still_makes_every_document():
    """Hundreds of flagged schools, long event lists: tables continue across pages, lists are counted."""
    from bench.region import make_region

    region = make_region(n_schools=400, n_years=3, first_year=2024, n_events=300)
    year = int(region["results"]["year"].max())
    inp = Inputs(tables=region, today=TODAY)
    c = programme_content(inp, parse_period(str(year)))
    data, pages = programme.pdf_bytes(c)
    assert pages >= 5 and "и ещё" in _flat(" ".join(pdf_pages(data)))
    assert brief.make(brief_content(inp, year))[2] == 1
    school = str(region["schools"]["school_id"].iloc[0])
    assert handout.make(handout_content(inp, school, year))[2] <= 2
