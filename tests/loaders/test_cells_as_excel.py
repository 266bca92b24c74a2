"""Are cells read as Excel shows them: merged body cells filled, section rows written across every cell,
hierarchical row codes («1.1.1.», «-») keeping every row?"""
from __future__ import annotations

import pandas as pd

from loaders import load_bytes
from tests.loaders.conftest import xlsx_bytes

MONTHS = ["Январь", "Февраль", "Март", "Апрель", "Май", "Июнь", "Июль", "Август", "Сентябрь", "Октябрь", "Ноябрь",
          "Декабрь"]


def test_a_title_merged_down_over_twelve_monthly_rows_gives_every_row_its_title():
    rows = [["План мероприятий на 2024 год"],
            ["№", "Наименование мероприятия", "Срок исполнения", "Ответственный"],
            ["1", "Мониторинг посещаемости", "Январь 2024", "ИМЦ"]]
    rows += [[None, None, f"{m} 2024", "ИМЦ"] for m in MONTHS[1:]]
    rows += [["2", "Совещание директоров", "Март 2024", "Отдел образования"]]
    res = load_bytes("plan.xlsx", xlsx_bytes({"План": rows}, {"План": ["A3:A14", "B3:B14"]}))
    assert res.ok, [p.text() for p in res.errors]
    e = res.tables["events"]
    monitoring = e[e.title == "Мониторинг посещаемости"]
    assert len(monitoring) == 12  # never «нет названия» for eleven of them
    assert monitoring["control_dates"].map(lambda d: d[0]).tolist()[:3] == ["2024-01-31", "2024-02-29", "2024-03-31"]
    assert len(e) == 13 and e["number"].is_unique
    assert any("номера мероприятий повторяются" in w.message for w in res.warnings)


def test_a_school_merged_down_over_its_subjects_in_a_long_results_table():
    reg = pd.DataFrame({"school_id": ["sos1", "sos2"], "name": ["Сосновская СОШ № 1", "Сосновская СОШ № 2"]})
    rows = [["Результаты ОГЭ 2024"], ["Наименование ОО", "Предмет", "Участников", "Средняя отметка"],
            ["Сосновская СОШ № 1", "Русский язык", 20, 4.1], [None, "Математика", 20, 3.8],
            ["Сосновская СОШ № 2", "Русский язык", 15, 3.9], [None, "Математика", 15, 3.5]]
    res = load_bytes("oge.xlsx", xlsx_bytes({"ОГЭ": rows}, {"ОГЭ": ["A3:A4", "A5:A6"]}), registry=reg)
    assert res.ok, [p.text() for p in res.errors]
    r = res.tables["results"].set_index(["school_id", "subject"])["mean"]
    assert r[("sos1", "Математика")] == 3.8 and r[("sos2", "Математика")] == 3.5


def test_section_rows_repeated_in_every_cell_and_hierarchical_codes():
    sec = "1. Работа с ШНОР"
    rows = [["№ п/п", "Мероприятие", "Сроки", "Ответственные"],
            [sec, sec, sec, sec],
            ["1.1.", "Анализ результатов", "Сентябрь 2024", "ИМЦ"],
            ["1.1.1.", "Анализ ОГЭ", "Сентябрь 2024", "ИМЦ"],
            ["-", "Анализ ВПР", "Октябрь 2024", "ИМЦ"],
            ["-", "Анализ ЕГЭ", "Октябрь 2024", "ИМЦ"]]
    res = load_bytes("plan.xlsx", xlsx_bytes({"План": rows}))
    assert res.ok, [p.text() for p in res.errors]
    e = res.tables["events"]
    assert e["title"].tolist() == ["Анализ результатов", "Анализ ОГЭ", "Анализ ВПР", "Анализ ЕГЭ"]  # every row
    assert e["number"].tolist()[:2] == ["1.1", "1.1.1"] and e["number"].is_unique
    assert set(e["section"]) == {sec}
