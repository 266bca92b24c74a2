"""Files in shapes the loaders were not tuned to — other wordings, column orders, title rows — are read right
or refused with a clear reason. Written after the vocabulary, as a reviewer would: never adjusted to pass."""
from __future__ import annotations

import pandas as pd

from loaders import load_bytes
from tests.loaders.conftest import csv_bytes, xlsx_bytes

REG = pd.DataFrame({"school_id": ["sos1", "sos2", "ber"],
                    "name": ["МБОУ «Сосновская СОШ № 1»", "МБОУ «Сосновская СОШ № 2»", "МКОУ «Берёзовская ООШ»"]})


def test_an_event_plan_with_other_wordings_and_title_rows():
    rows = [["Приложение 2 к приказу от 12.09.2024 № 341"], ["ДОРОЖНАЯ КАРТА"],
            ["по повышению качества образования на 2024-2025 учебный год"], [],
            ["Ответственные исполнители", "Основные мероприятия", "№", "Срок исполнения", "Ожидаемый результат"],
            ["ИМЦ", "Анализ результатов ГИА-2024", "1.", "сентябрь", "аналитическая справка"],
            ["Руководители ОО", "Собеседования с директорами школ ШНОР", "2.", "октябрь - ноябрь", "протоколы"],
            ["Отдел образования", "Пробный ОГЭ по математике", "3.", "II полугодие", "результаты"]]
    res = load_bytes("дорожная карта.xlsx", xlsx_bytes({"Лист1": rows}))
    assert res.ok, [p.text() for p in res.errors]
    e = res.tables["events"].set_index("number")
    assert e.loc["2", "title"] == "Собеседования с директорами школ ШНОР"
    assert e.loc["2", "responsible"] == "Руководители ОО" and e.loc["2", "control_dates"] == ["2024-11-30"]
    assert e.loc["1", "control_dates"] == ["2024-09-30"]


def test_an_oge_export_with_marks_in_another_order():
    rows = [["Статистика по отметкам ОГЭ-2024, математика"],
            ["Кол-во «2»", "Кол-во «3»", "Кол-во «4»", "Кол-во «5»", "Общеобразовательная организация",
             "Средняя оценка", "Всего писали"],
            [1, 10, 8, 3, "Сосновская СОШ № 1", 3.59, 22],
            [0, 4, 4, 2, "Берёзовская ООШ", 3.8, 10]]
    res = load_bytes("oge_2024.xlsx", xlsx_bytes({"Математика": rows}), registry=REG)
    assert res.ok, [p.text() for p in res.errors]
    r = res.tables["results"].set_index("school_id")
    assert r.loc["sos1", "mark5"] == 3 and r.loc["sos1", "participants"] == 22 and r.loc["ber", "mean"] == 3.8
    assert set(r["subject"]) == {"Математика"} and set(r["exam"]) == {"ОГЭ"} and set(r["year"]) == {2024}


def test_a_vpr_comparison_with_two_header_rows_and_subjects_as_groups():
    rows = [["ВПР 2024, 6 класс"],
            ["Образовательное учреждение", "История", "", "", "", "География", "", "", ""],
            ["", "Выполняли работу", "Понизили", "Подтвердили", "Повысили", "Выполняли работу", "Понизили",
             "Подтвердили", "Повысили"],
            ["Сосновская СОШ № 2", 25, 3, 20, 2, 24, 5, 18, 1],
            ["Итого по району", 25, 3, 20, 2, 24, 5, 18, 1]]
    res = load_bytes("vpr.csv", csv_bytes(rows, sep=";"), registry=REG)
    assert res.ok, [p.text() for p in res.errors]
    r = res.tables["results"].set_index("subject")
    assert r.loc["География", "lowered"] == 5 and r.loc["История", "raised"] == 2
    assert set(r["grade"]) == {6} and set(r["school_id"]) == {"sos2"}


def test_a_registry_with_context_in_other_words():
    rows = [["Реестр общеобразовательных организаций района"],
            ["Логин ОО", "Полное наименование образовательной организации", "Численность обучающихся (чел.)",
             "Доля детей из малообеспеченных семей, %", "Доля обучающихся с ОВЗ, %"],
            ["sos1", "МБОУ «Сосновская СОШ № 1»", 512, "12,5", 3],
            ["ber", "МКОУ «Берёзовская ООШ»", 48, 40, "0"]]
    res = load_bytes("реестр.xlsx", xlsx_bytes({"ОО": rows}))
    assert res.ok, [p.text() for p in res.errors]
    s = res.tables["schools"].set_index("school_id")
    assert s.loc["sos1", "students"] == 512 and s.loc["sos1", "low_income_pct"] == 12.5
    assert s.loc["ber", "disability_pct"] == 0


def test_a_table_that_is_none_of_ours_is_refused_clearly():
    rows = [["Табель учёта рабочего времени"], ["Таб. №", "Должность", "Отработано часов", "Оклад, руб."],
            ["001", "учитель", 160, 35000]]
    res = load_bytes("табель.xlsx", xlsx_bytes({"Табель": rows}))
    assert not res.ok and "не понято ничего" in res.errors[0].message
    assert not any(len(t) for t in res.tables.values())
