"""Are results read as regions send them: subject groups over measures, blank groups, totals and subtotals
wherever their label sits, counts checked against the total row, other municipalities' schools skipped, and an
applications sheet that is not results?"""
from __future__ import annotations

import pandas as pd
import pytest

from loaders import load_bytes
from tests.loaders.conftest import csv_bytes, xlsx_bytes

MEASURES = ["приняло участие", "не преодолен min порог", "высокобалльники (80-99 баллов)", "средний балл"]


def _form(rows, title="Информация о результатах ЕГЭ выпускников школ в 2023 году", total=None):
    """A regional form: title, blank line, two header rows (subject groups merged over four measures), rows."""
    head1 = ["Муниципальное образование", "Образовательная организация (школа)", "Русский язык", "", "", "",
             "Математика профильная", "", "", ""]
    head2 = ["", ""] + MEASURES * 2
    sheet = [[title], [], head1, head2] + rows + ([total] if total else [])
    merges = ["A3:A4", "B3:B4", "C3:F3", "G3:J3"]
    return xlsx_bytes({"2023": sheet}, {"2023": merges})


ROWS = [
    ["Сосновский район", "МБОУ «Сосновская СОШ № 1»", 51, 0, 13, 71.61, 23, None, None, 57.35],
    ["Сосновский район", "МБОУ «Сосновская СОШ № 2»", 20, 1, 2, 60.5, None, None, None, 0],  # no maths: blank group
    ["Липовский район", "МБОУ «Липовская СОШ»", 10, 0, 1, 65, 4, 1, None, 40],
]
TOTAL = ["Итого по краю", None, 81, 1, 16, 61.76, 27, 1, None, 50.1]


def test_groups_become_one_row_per_school_and_subject():
    res = load_bytes("ege.xlsx", _form(ROWS, total=TOTAL))
    assert res.ok, [p.text() for p in res.errors]
    r = res.tables["results"]
    names = dict(zip(res.tables["schools"]["school_id"], res.tables["schools"]["name"]))
    r = r.assign(name=r["school_id"].map(names)).set_index(["name", "subject"])
    first = r.loc[("МБОУ «Сосновская СОШ № 1»", "Русский язык")]
    assert (first["participants"], first["below_min"], first["high_scorers"], first["mean"]) == (51, 0, 13, 71.61)
    assert r.loc[("МБОУ «Сосновская СОШ № 1»", "Математика (профильная)"), "participants"] == 23
    # a blank group (a mean of 0 and nothing else) is a subject not sat: no row, no error
    assert ("МБОУ «Сосновская СОШ № 2»", "Математика (профильная)") not in r.index
    assert len(r) == 5 and set(r["year"]) == {2023} and set(r["exam"]) == {"ЕГЭ"} and set(r["grade"]) == {11}
    assert not any("итог" in str(n).lower() for n in names.values())  # the total row is not a school
    assert res.detected[0]["total_rows_skipped"] == 1
    assert not [w for w in res.warnings if "не сходятся" in w.message]  # counts add up to the total row


def test_a_total_row_that_does_not_add_up_is_a_warning_with_both_numbers():
    bad_total = ["Итого по краю", None, 90, 1, 16, 61.76, 27, 1, None, 50.1]
    res = load_bytes("ege.xlsx", _form(ROWS, total=bad_total))
    assert res.ok
    msg = next(w.message for w in res.warnings if "не сходятся" in w.message)
    assert "Русский язык" in msg and "90" in msg and "81" in msg
    assert "средний" not in msg.lower()  # means are never compared


@pytest.mark.parametrize("total", [
    [None, "Всего по краю", 81, 1, 16, 61.76, 27, 1, None, 50.1],  # label in the school column
    ["ИТОГО", 843, 81, 1, 16, 61.76, 27, 1, None, 50.1],  # a number where the school's name would be
])
def test_total_rows_are_found_wherever_their_label_sits(total):
    res = load_bytes("ege.xlsx", _form(ROWS, total=total))
    assert res.ok, [p.text() for p in res.errors]
    assert set(res.tables["schools"]["name"]) == {r[1] for r in ROWS}


def test_subtotal_numbering_and_number_rows_are_not_schools():
    rows = [["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]] + ROWS[:2] + [
        ["Сосновский район", "Итого по Сосновскому району", 71, 1, 15, 66, 23, None, None, 57.35],
        ["Сосновский район", None, 71, 1, 15, 66, 23, None, None, 57.35],  # subtotal without a label
        ["Липовский район", "Липовский район", 10, 0, 1, 65, 4, 1, None, 40],  # the municipality's name
        ROWS[2],
        ["Липовский район", 2.0, 5, 0, 0, 50, None, None, None, None],  # «2.0»: not a school
    ]
    res = load_bytes("ege.xlsx", _form(rows, total=TOTAL))
    assert res.ok, [p.text() for p in res.errors]
    assert set(res.tables["schools"]["name"]) == {r[1] for r in ROWS}
    assert any("в столбце школы число" in w.message for w in res.warnings)


def test_two_row_csv_with_the_subject_over_the_first_column_only():
    """bulgaria_grade7_2023's shape: each measure pairs with its own subject, never with the first."""
    data = csv_bytes([["Результаты ВПР 2024"],
                      ["Наименование ОО", "Русский язык", "", "Математика", ""],
                      ["", "Участников", "Средний балл", "Участников", "Средний балл"],
                      ["Сосновская СОШ № 1", 20, "3,9", 21, "3,4"]], sep=",", quote_all=True)
    reg = pd.DataFrame({"school_id": ["sos1"], "name": ["МБОУ «Сосновская СОШ № 1»"]})
    res = load_bytes("vpr.csv", data, registry=reg, mappings={})
    assert res.ok, [p.text() for p in res.errors]
    r = res.tables["results"].set_index("subject")
    assert r.loc["Русский язык", "mean"] == 3.9 and r.loc["Математика", "mean"] == 3.4
    assert r.loc["Математика", "participants"] == 21


def test_other_municipalities_are_one_line_and_own_unknown_school_is_an_error():
    reg = pd.DataFrame({"school_id": ["sos1", "sos2"],
                        "name": ["МБОУ «Сосновская СОШ № 1»", "МБОУ «Сосновская СОШ № 2»"]})
    rows = ROWS + [["Липовский район", f"МБОУ «Липовская СОШ № {k}»", 5, 0, 0, 50, None, None, None, None]
                   for k in range(2, 40)]
    res = load_bytes("ege.xlsx", _form(rows), registry=reg)
    assert res.ok, [p.text() for p in res.errors]
    assert set(res.tables["results"]["school_id"]) == {"sos1", "sos2"}
    skipped = [w.message for w in res.warnings if "других муниципалитетов" in w.message]
    assert len(skipped) == 1 and "39 школ" in skipped[0]
    own_unknown = rows + [["Сосновский район", "МБОУ «Сосновская ООШ № 7»", 5, 0, 0, 50] + [None] * 4]
    res = load_bytes("ege.xlsx", _form(own_unknown), registry=reg)
    assert not res.ok
    assert [u["name"] for u in res.unmatched_schools] == ["МБОУ «Сосновская ООШ № 7»"]


def test_an_applications_sheet_is_named_and_nothing_is_stored():
    title = "Информация о поданных выпускниками школ 2024 года заявлениях на участие в ЕГЭ"
    sheet = [[title], [], ["Муниципальное образование", "Образовательная организация (школа)", "Всего выпускников",
                           "Русский язык", "Математика профильная"],
             ["Сосновский район", "МБОУ «Сосновская СОШ № 1»", 41, 41, 22]]
    res = load_bytes("ege_2024.xlsx", xlsx_bytes({"2024": sheet}))
    assert not any(len(t) for t in res.tables.values())
    assert any("заявления на участие" in w.message for w in res.warnings)
    chosen = load_bytes("ege_2024.xlsx", xlsx_bytes({"2024": sheet}), table="results")
    assert not any("заявления" in w.message for w in chosen.warnings)  # the user chose: it is read as asked


def test_district_names_in_the_municipality_column_are_not_totals():
    """«Район 3» in a municipality column names a district; only «Итого»/«Всего» make a total row there."""
    rows = [["Сосновский район", "МБОУ «Сосновская СОШ № 1»", 51, 0, 13, 71.61, 23, None, None, 57.35],
            ["Район 3", "МБОУ «СОШ № 4»", 10, 0, 1, 65, None, None, None, None]]
    res = load_bytes("ege.xlsx", _form(rows))
    assert res.ok, [p.text() for p in res.errors]
    assert set(res.tables["schools"]["name"]) == {"МБОУ «Сосновская СОШ № 1»", "МБОУ «СОШ № 4»"}


def test_a_total_label_in_the_last_column():
    reg = pd.DataFrame({"school_id": ["sos1"], "name": ["МБОУ «Сосновская СОШ № 1»"]})
    rows = [["Результаты ОГЭ 2024"], ["Наименование ОО", "Предмет", "Участников", "Средняя отметка", ""],
            ["Сосновская СОШ № 1", "Математика", 20, 3.8, ""],
            [None, "Математика", 20, 3.8, "Итого"]]
    res = load_bytes("oge.xlsx", xlsx_bytes({"ОГЭ": rows}), registry=reg)
    assert res.ok, [p.text() for p in res.errors]
    assert res.tables["results"]["school_id"].tolist() == ["sos1"]


def test_a_long_table_checks_each_subjects_total_row():
    reg = pd.DataFrame({"school_id": ["sos1", "sos2"], "name": ["Сосновская СОШ № 1", "Сосновская СОШ № 2"]})
    rows = [["Результаты ЕГЭ 2024"], ["Наименование ОО", "Предмет", "Участников", "Не преодолели порог"],
            ["Сосновская СОШ № 1", "Русский язык", 20, 1], ["Сосновская СОШ № 2", "Русский язык", 15, 0],
            ["Итого по району", "Русский язык", 35, 1],
            ["Сосновская СОШ № 1", "Химия", 5, 0], ["Итого по району", "Химия", 6, 0]]
    res = load_bytes("ege.xlsx", xlsx_bytes({"ЕГЭ": rows}), registry=reg)
    assert res.ok
    warned = [w.message for w in res.warnings if "не сходятся" in w.message]
    assert len(warned) == 1 and "Химия, участников: в итоговой строке 6, сумма по школам 5" in warned[0]
    assert "Русский язык" not in warned[0]
