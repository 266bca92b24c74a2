"""Is a workbook with a «План» and a «Факт» sheet read as one programme, are «отчет»/«оценка» columns facts,
and is «Форма 9» (План | Факт или оценка, the year only in the title) read?"""
from __future__ import annotations

import pytest

from loaders import load_bytes
from loaders.layouts.forma1 import indicator_id
from tests.loaders.conftest import xlsx_bytes

HEAD = ["№ п/п", "Наименование показателя", "Ед. изм.", "Базовое значение (2022)", "2023", "2024", "2025",
        "Целевое значение"]
A = "Доля выпускников, не получивших аттестат"
B = "Средний балл ЕГЭ по русскому языку"


def _sheet(values_a, values_b, title):
    return [[title], HEAD, ["1", A, "%"] + values_a, ["2", B, "балл"] + values_b]


def test_baseline_and_target_repeated_on_the_fact_sheet_merge_when_equal():
    book = xlsx_bytes({
        "План": _sheet([3.0, 2.5, 2.0, 1.5, 1.0], [68, 69, 70, 71, 72], "Целевые показатели программы"),
        "Факт": _sheet([3.0, 2.7, 2.1, None, 1.0], [68, 68.5, None, None, 72], "Целевые показатели программы"),
    })
    res = load_bytes("forma1.xlsx", book)
    assert res.ok, [p.text() for p in res.errors]
    v = res.tables["values"].set_index(["indicator_id", "year", "kind"])["value"]
    a = indicator_id(A)
    assert v[(a, 2022, "baseline")] == 3.0 and v[(a, 2025, "target")] == 1.0  # once, not twice
    assert v[(a, 2024, "plan")] == 2.0 and v[(a, 2024, "fact")] == 2.1
    assert (v.index.get_level_values("kind") == "baseline").sum() == 2  # one per indicator


def test_a_repeated_baseline_that_differs_is_one_error_naming_both_cells():
    book = xlsx_bytes({
        "План": _sheet([3.0, 2.5, 2.0, 1.5, 1.0], [68, 69, 70, 71, 72], "Целевые показатели программы"),
        "Факт": _sheet([3.2, 2.7, 2.1, None, 1.0], [68, 68.5, None, None, 72], "Целевые показатели программы"),
    })
    res = load_bytes("forma1.xlsx", book)
    assert len(res.errors) == 1
    err = res.errors[0]
    assert err.sheet == "Факт" and err.row == 3
    assert "базовое значение за 2022 год" in err.message and "3,2" in err.message and "3" in err.message
    assert "«План»" in err.message and "строка 3" in err.message


@pytest.mark.parametrize("word,kind", [("отчет", "fact"), ("оценка", "fact"), ("факт", "fact"),
                                       ("фактическое", "fact"), ("исполнено", "fact"), ("план", "plan"),
                                       ("прогноз", "plan")])
def test_year_columns_say_fact_or_plan(word, kind):
    head = ["№ п/п", "Показатели", f"2021, {word}", "2035"]
    book = xlsx_bytes({"Sheet2": [head, ["1", "Доля детей, охваченных допобразованием, %", 70, 80]]})
    res = load_bytes("strategy.xlsx", book)
    assert res.ok, [p.text() for p in res.errors]
    v = res.tables["values"].set_index("year")["kind"]
    assert v[2021] == kind and v[2035] == "plan"


@pytest.mark.parametrize("sheet,kind", [("Факт", "fact"), ("Отчет", "fact"), ("Исполнение 2024", "fact"),
                                        ("План", "plan"), ("Прогноз", "plan"), ("Лист1", "plan")])
def test_sheets_say_fact_or_plan(sheet, kind):
    book = xlsx_bytes({sheet: [["№", "Наименование показателя", "2024"], ["1", "Доля, %", 5]]})
    res = load_bytes("f.xlsx", book)
    assert res.ok
    assert set(res.tables["values"]["kind"]) == {kind}


def test_form_9_plan_and_fact_or_estimate_with_the_year_in_the_title():
    title = "Сведения о достижении значений показателей (индикаторов) муниципальной программы за 2024 год"
    rows = [
        [title],
        ["№ п/п", "Показатель (индикатор) (наименование)", "Единица измерения",
         "Значения показателей (индикаторов) муниципальной программы", None, None,
         "Обоснование отклонений значений показателя на конец отчетного года"],
        [None, None, None, "год, предшествующий отчетному", "отчетный год", None, None],
        [None, None, None, None, "план", "факт или оценка", None],
        [1, 2, 3, 4, 5, 6, 7],
        ["1", "Доля выпускников 9 классов, получивших аттестат", "%", 97.5, 98, 98.4, None],
        ["2", "Количество участников олимпиад", "чел.", 120, 130, 118, "болезнь участников"],
    ]
    merges = ["A2:A4", "B2:B4", "C2:C4", "D2:F2", "G2:G4", "D3:D4", "E3:F3"]
    res = load_bytes("forma9.xlsx", xlsx_bytes({"Форма 9": rows}, {"Форма 9": merges}))
    assert res.ok, [p.text() for p in res.errors]
    v = res.tables["values"]
    a = v[v.indicator_id == indicator_id("Доля выпускников 9 классов, получивших аттестат")]
    assert sorted(zip(a["year"], a["kind"], a["value"])) == [(2023, "fact", 97.5), (2024, "fact", 98.4),
                                                              (2024, "plan", 98.0)]
    assert "Обоснование отклонений значений показателя на конец отчетного года" in {
        u["column"] for u in res.unplaced_columns}  # a reason, never a value


def test_section_rows_written_in_every_cell_are_sections():
    sec = "СЦ1. Достижение лидерских позиций области"
    rows = [["N п/п", "Показатели", "2020, отчет", "2021, оценка", "2022"],
            [sec] * 5,
            ["1", "Численность населения, тыс. чел.", 2333.5, 2330.1, 2320]]
    res = load_bytes("s.xlsx", xlsx_bytes({"Sheet2": rows}))
    assert res.ok
    ind = res.tables["indicators"]
    assert ind["name"].tolist() == ["Численность населения, тыс. чел."] and ind["group"].tolist() == [sec]
