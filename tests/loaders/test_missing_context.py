"""A results table that names no procedure, year or subject anywhere gets one Russian error per missing field
naming the file and sheet — never a KeyError — and nothing is loaded."""
from __future__ import annotations

import pandas as pd

from loaders import load_bytes, load_many
from tests.loaders.conftest import csv_bytes

REGISTRY = pd.DataFrame({"school_id": ["sos1", "sos2"],
                         "name": ["МБОУ «Сосновская СОШ № 1»", "МБОУ «Сосновская СОШ № 2»"]})
EXAM_MSG = ("не указана процедура (ЕГЭ, ОГЭ, ВПР…): добавьте столбец «Процедура», укажите её в заголовке или "
            "выберите при загрузке")


def _errors(result):
    return [(p.file, p.sheet, p.message) for p in result.errors]


def test_results_without_any_procedure_give_one_error_naming_file_and_sheet():
    data = csv_bytes([["Наименование ОО", "Предмет", "Количество участников", "Средний балл", "Год"],
                      ["Сосновская СОШ № 1", "Русский язык", 20, "65,5", 2024],
                      ["Сосновская СОШ № 2", "Русский язык", 18, "61,0", 2024]])
    r = load_bytes("results.csv", data, registry=REGISTRY)
    assert _errors(r) == [("results.csv", "results", EXAM_MSG)]
    assert r.tables["results"].empty
    assert "Файл «results.csv», лист «results»: не указана процедура" in r.errors[0].text()


def test_procedure_chosen_at_upload_or_in_the_file_name_makes_it_load():
    data = csv_bytes([["Наименование ОО", "Предмет", "Количество участников", "Средний балл", "Год"],
                      ["Сосновская СОШ № 1", "Русский язык", 20, "65,5", 2024]])
    chosen = load_bytes("results.csv", data, registry=REGISTRY, exam="ЕГЭ")
    named = load_bytes("results_ЕГЭ.csv", data, registry=REGISTRY)
    for r in (chosen, named):
        assert r.ok, [p.text() for p in r.problems]
        row = r.tables["results"].iloc[0]
        assert (row["exam"], row["grade"], row["school_id"], row["mean"]) == ("ЕГЭ", 11, "sos1", 65.5)


def test_missing_year_procedure_and_subject_are_each_named_once_even_without_a_registry():
    data = csv_bytes([["Наименование ОО", "Количество участников", "Средний балл"],
                      ["Сосновская СОШ № 1", 20, "65,5"],
                      ["Сосновская СОШ № 2", 18, "61,0"],
                      ["Сосновская СОШ № 3", 17, "60,0"]])
    r = load_bytes("итоги.csv", data)
    messages = [m for _, _, m in _errors(r)]
    assert len(messages) == 3, messages
    assert messages[0].startswith("не указан год: добавьте столбец «Год»")
    assert messages[1] == EXAM_MSG
    assert messages[2].startswith("не указан предмет: добавьте столбец «Предмет»")
    assert all(f == "итоги.csv" and s == "итоги" for f, s, _ in _errors(r))


def test_year_from_the_title_and_subject_from_column_groups_leave_only_the_procedure_missing():
    data = csv_bytes([["Результаты 2024 года"],
                      ["Наименование ОО", "Русский язык", "", "Математика", ""],
                      ["", "Участников", "Средний балл", "Участников", "Средний балл"],
                      ["Сосновская СОШ № 1", 20, "65,5", 12, "50"]])
    r = load_bytes("выгрузка.csv", data, registry=REGISTRY)
    assert [m for _, _, m in _errors(r)] == [EXAM_MSG]
    ok = load_bytes("выгрузка.csv", data, registry=REGISTRY, exam="ЕГЭ")
    assert ok.ok, [p.text() for p in ok.problems]
    assert sorted(ok.tables["results"]["subject"]) == ["Математика", "Русский язык"]
    assert set(ok.tables["results"]["year"]) == {2024}


def test_a_sheet_without_procedure_does_not_blank_the_cells_of_another_that_has_one():
    header = ["Наименование ОО", "Предмет", "Количество участников", "Средний балл", "Год"]
    good = csv_bytes([header, ["Сосновская СОШ № 1", "Русский язык", 20, "65,5", 2024]])
    bad = csv_bytes([header] + [["Сосновская СОШ № 2", f"Предмет {k}", 10, "60", 2024] for k in range(40)])
    r = load_many([("ege_2024.csv", good), ("прочее.csv", bad)], registry=REGISTRY)
    assert _errors(r) == [("прочее.csv", "прочее", EXAM_MSG)]  # one error, not one per row
    assert r.tables["results"].empty  # a load with errors stores nothing


def test_an_all_blank_procedure_column_counts_as_missing():
    data = csv_bytes([["Наименование ОО", "Процедура", "Предмет", "Количество участников", "Средний балл", "Год"],
                      ["Сосновская СОШ № 1", "", "Русский язык", 20, "65,5", 2024],
                      ["Сосновская СОШ № 2", "", "Русский язык", 20, "61,5", 2024]])
    r = load_bytes("results.csv", data, registry=REGISTRY)
    assert [m for _, _, m in _errors(r)] == [EXAM_MSG]
