"""Is a load never silently wrong, never silently nothing: the user's table type, procedure and year obeyed or
refused with the reason, exit 2 for a file in which nothing (or only headers) was understood, repeated messages
grouped?"""
from __future__ import annotations

import pandas as pd

from loaders import load_bytes
from loaders.report import group_problems
from tests.loaders.conftest import REGISTRY_ROWS, csv_bytes, xlsx_bytes
from tests.loaders.test_cli import run

REG = pd.DataFrame({"school_id": ["sos1"], "name": ["МБОУ «Сосновская СОШ № 1»"]})
FORMA1 = [["№", "Наименование показателя", "2023", "2024"], ["1", "Доля выпускников, получивших аттестат, %", 97, 98]]
RESULTS = [["Результаты ОГЭ 2024 года"], ["Наименование ОО", "Предмет", "Участников", "Средняя отметка"],
           ["Сосновская СОШ № 1", "Математика", 20, 3.8]]


def test_a_table_type_that_no_sheet_has_is_refused_with_what_was_found():
    res = load_bytes("forma1.xlsx", xlsx_bytes({"Показатели": FORMA1}), table="results")
    assert not res.ok and not any(len(t) for t in res.tables.values())
    assert any("не читается как «Результаты оценочных процедур»" in w.message and "Значения показателей" in w.message
               for w in res.warnings)
    assert "ни один лист не читается" in res.errors[0].message


def test_a_table_type_is_obeyed_sheet_by_sheet():
    book = xlsx_bytes({"Реестр": REGISTRY_ROWS, "ОГЭ": RESULTS})
    res = load_bytes("book.xlsx", book, table="results")
    assert res.ok, [p.text() for p in res.errors]
    assert len(res.tables["results"]) == 1
    assert len(res.tables["schools"]) == 1  # only the school the results propose: the registry sheet is not loaded
    assert any(w.sheet == "Реестр" and "лист пропущен" in w.message for w in res.warnings)


def test_an_exam_or_year_against_the_sheets_own_cells_is_refused():
    rows = [["Наименование ОО", "Год", "Процедура", "Предмет", "Участников"],
            ["Сосновская СОШ № 1", 2023, "ОГЭ", "Математика", 20]]
    res = load_bytes("r.xlsx", xlsx_bytes({"Лист1": rows}), registry=REG, exam="ЕГЭ")
    assert not res.ok and any("процедура выбран(а) при загрузке — ЕГЭ, а в ячейках листа — ОГЭ" in e.message
                              for e in res.errors)
    res = load_bytes("r.xlsx", xlsx_bytes({"Лист1": rows}), registry=REG, year=2024)
    assert not res.ok and any("год выбран(а) при загрузке — 2024, а в ячейках листа — 2023" in e.message
                              for e in res.errors)
    res = load_bytes("forma1.xlsx", xlsx_bytes({"Показатели": FORMA1}), year=2030)
    assert not res.ok  # a Форма 1 naming its years is never rewritten to one year


def test_an_exam_from_the_title_gives_way_to_the_users_and_an_unused_one_is_said():
    res = load_bytes("r.xlsx", xlsx_bytes({"Лист1": RESULTS}), registry=REG, exam="Пробный ОГЭ")
    assert res.ok and set(res.tables["results"]["exam"]) == {"Пробный ОГЭ"}
    reg = load_bytes("реестр.xlsx", xlsx_bytes({"Реестр": REGISTRY_ROWS}), exam="ЕГЭ", year=2024)
    assert reg.ok
    said = " ".join(w.message for w in reg.warnings)
    assert "процедура «ЕГЭ» выбрана при загрузке, но в файле нет результатов" in said and "год 2024" in said


def test_only_headers_is_refused():
    res = load_bytes("r.xlsx", xlsx_bytes({"Лист1": RESULTS[:2]}), registry=REG)
    assert not res.ok and "только заголовки" in res.errors[0].message


def test_cli_exit_codes_for_nothing_understood_and_only_headers(write):
    notes = write("заметки.csv", csv_bytes([["Просто", "текст"], ["ещё", "строка"]]))
    proc = run(notes)
    assert proc.returncode == 2 and "не понято ничего" in proc.stdout
    heads = write("ege.xlsx", xlsx_bytes({"Лист1": RESULTS[:2]}))
    proc = run(heads)
    assert proc.returncode == 2 and "только заголовки" in proc.stdout


def test_repeated_messages_are_grouped_once_per_cell(write):
    rows = [["Наименование ОО", "Предмет", "Участников", "Средний балл"]]
    rows += [["Сосновская СОШ № 1", f"Предмет {k}", "", 60] for k in range(5300)]
    p = write("ege_2024.csv", csv_bytes(rows))
    proc = run(p, write("реестр.xlsx", xlsx_bytes({"Реестр": REGISTRY_ROWS})))
    assert proc.returncode == 2
    line = next(ln for ln in proc.stdout.splitlines() if "пустая ячейка" in ln)
    assert "строки 2–5\u00a0301 (5\u00a0300 ячеек)" in line
    assert sum("пустая ячейка" in ln for ln in proc.stdout.splitlines()) == 1


def test_groups_show_at_most_fifty():
    from loaders.report import Problem
    problems = [Problem("error", f"ошибка вида {k}", "f.csv", "Лист1", 2, "A") for k in range(80)]
    assert len(group_problems(problems + problems)) == 80  # the same cell twice is one message
