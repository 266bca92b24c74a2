"""A school name matched only fuzzily is loaded but never silently: a warning names the name, the school and the
similarity, and the name is listed (status "fuzzy", the matched school) for the upload dialog to confirm.
A name that fits another settlement's school is not matched at all."""
from __future__ import annotations

import openpyxl
import pandas as pd

from loaders import load_bytes, load_files
from tests.loaders.conftest import csv_bytes

REGISTRY = pd.DataFrame({
    "school_id": ["sos1", "sos2", "lesn", "lip"],
    "name": ["МБОУ «Сосновская СОШ № 1»", "МБОУ «Сосновская СОШ № 2»", "МКОУ «Лесновская СОШ»",
             "МБОУ «Липовская СОШ имени А.С. Пушкина»"],
})
HEAD = ["Результаты ЕГЭ 2024 года"], ["Наименование ОО", "Предмет", "Участников", "Средний балл"]


def _export(*rows):
    return csv_bytes([*HEAD, *rows])


def test_fuzzy_match_is_loaded_with_a_warning_and_listed_for_confirmation():
    r = load_bytes("ege_2024.csv", _export(["МБОУ Сосновская СОШ №1", "Русский язык", 20, "70,5"],
                                           ["Липовская СОШ", "Русский язык", 9, "61"],
                                           ["Липовская СОШ", "Математика (профильная)", 5, "48"]),
                   registry=REGISTRY)
    assert r.ok  # a fuzzy match does not block accepting
    res = r.tables["results"].set_index("subject", append=True)
    assert sorted(r.tables["results"]["school_id"]) == ["lip", "lip", "sos1"]
    warnings = [p for p in r.warnings if "сопоставлено" in p.message]
    assert len(warnings) == 1  # one per distinct name, at its first row
    w = warnings[0]
    assert (w.file, w.sheet, w.row, w.column) == ("ege_2024.csv", "ege_2024", 4, "Наименование ОО")
    assert w.message == ("название «Липовская СОШ» сопоставлено со школой «МБОУ «Липовская СОШ имени А.С. Пушкина»» "
                         "(сходство 100 %) — проверьте")
    assert len(r.unmatched_schools) == 1
    u = r.unmatched_schools[0]
    assert {k: u[k] for k in ("file", "sheet", "row", "name", "status", "school_id")} == {
        "file": "ege_2024.csv", "sheet": "ege_2024", "row": 4, "name": "Липовская СОШ", "status": "fuzzy",
        "school_id": "lip"}
    assert u["candidates"][0][0] == "lip"
    assert len(res) == 3


def test_a_name_without_its_number_is_not_given_to_another_settlements_school():
    r = load_bytes("ege_2024.csv", _export(["Сосновская СОШ", "Русский язык", 20, "70,5"],
                                           ["МКОУ Лесновская СОШ", "Русский язык", 8, "55"]), registry=REGISTRY)
    assert not r.ok
    err = [p for p in r.errors]
    assert len(err) == 1 and err[0].value == "Сосновская СОШ" and err[0].row == 3
    assert "неоднозначно" in err[0].message and "lesn" not in err[0].message
    u = r.unmatched_schools[0]
    assert (u["name"], u["status"]) == ("Сосновская СОШ", "ambiguous")
    assert [c[0] for c in u["candidates"][:2]] == ["sos1", "sos2"]


def test_an_alias_confirmed_once_is_exact_next_time_with_no_warning():
    data = _export(["Липовская СОШ", "Русский язык", 9, "61"])
    r = load_bytes("ege_2024.csv", data, registry=REGISTRY, aliases={"Липовская СОШ": "lip"})
    assert r.ok and not r.warnings and not r.unmatched_schools
    assert r.tables["results"]["school_id"].tolist() == ["lip"]


def test_a_protocol_reports_its_fuzzy_matches_too(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Протокол"
    ws.append(["Протокол результатов ЕГЭ 2024 года"])
    ws.append(["Код участника", "Фамилия", "ОО", "Предмет", "Тестовый балл"])
    ws.append(["7701", "Иванов", "Липовская СОШ", "Русский язык", 70])
    ws.append(["7702", "Петрова", "МБОУ Сосновская СОШ №1", "Русский язык", 60])
    ws.append(["7703", "Сидоров", "Липовская СОШ", "Русский язык", 50])
    wb.save(tmp_path / "protocol.xlsx")
    r = load_files([tmp_path / "protocol.xlsx"], registry=REGISTRY)
    assert r.ok, [p.text() for p in r.errors]
    by = dict(zip(r.tables["results"]["school_id"], r.tables["results"]["participants"]))
    assert by == {"lip": 2, "sos1": 1}
    fuzzy = [u for u in r.unmatched_schools if u["status"] == "fuzzy"]
    assert [(u["name"], u["school_id"], u["row"], u["sheet"]) for u in fuzzy] == [("Липовская СОШ", "lip", 3,
                                                                                   "Протокол")]
    assert [p.row for p in r.warnings if "сопоставлено" in p.message] == [3]
