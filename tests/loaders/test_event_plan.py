"""Is an event plan read with its sections, directions, statuses and parsed deadlines?"""
import json
import subprocess
import sys

import openpyxl

from loaders.layouts.event_plan import norm_number
from loaders.pipeline import load_files


def _plan(path, title="План мероприятий по повышению качества образования на 2012-2014 годы"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "План"
    ws.append([title])
    ws.merge_cells("A1:G1")
    ws.append(["№", "Наименование направления", "Мероприятие", "Сроки", "Ответственные", "Ожидаемые результаты",
               "Отметка о выполнении"])
    ws.append([1, 2, 3, 4, 5, 6, 7])
    ws.append(["1.Планируемые мероприятия по организации работы с учащимися"])
    ws.merge_cells("A4:G4")
    ws.append(["1.1.", "Работа с одарёнными", "Муниципальная олимпиада\nпо математике", "Март 2013 г.",
               "Отдел образования,\nИМЦ", "Рост числа призёров", "выполнено"])
    ws.append(["1.1.2.", None, "Анализ результатов ГИА", None, None, None, None])
    ws.append(["1.1.2.1. ", None, "Собеседования с директорами", "Апрель 2013, 2014 г.г.", "Начальник отдела",
               "План коррекции", "в работе"])
    ws.append(["1.1.2.2", None, "Мониторинг", "Ежегодно ноябрь", "ИМЦ", None, "+"])
    ws.merge_cells("B5:B8")
    ws.append(["2.6. ", "Работа с педагогами", "Курсы повышения квалификации", "В течение учебного года", "ИМЦ",
               None, "перенесено"])
    ws.append(["2.7", None, "Семинар РМО", "По плану РМО", "Руководители РМО", None, "не выполнено"])
    ws.append(["2.8", None, "Пробный ЕГЭ", "Февраль-апрель 2013, 2014г.", "ИМЦ", None, None])
    wb.save(path)
    return path


def test_event_plan(tmp_path):
    res = load_files([_plan(tmp_path / "plan.xlsx")])
    assert res.ok, [p.text() for p in res.errors]
    ev = res.tables["events"].set_index("number")
    assert list(ev.index) == ["1.1", "1.1.2.1", "1.1.2.2", "2.6", "2.7", "2.8"]
    assert ev.loc["1.1", "section"] == "1. Планируемые мероприятия по организации работы с учащимися"
    assert ev.loc["1.1.2.1", "section"] == "1.1.2. Анализ результатов ГИА"
    assert ev.loc["1.1", "title"] == "Муниципальная олимпиада по математике"
    assert ev.loc["1.1", "responsible"] == "Отдел образования, ИМЦ"
    # direction merged down over four rows, then blank continuation rows keep the last one
    assert ev.loc["1.1.2.2", "direction"] == "Работа с одарёнными"
    assert ev.loc["2.7", "direction"] == "Работа с педагогами"
    assert ev["status"].tolist() == ["done", "in_progress", "done", "postponed", "not_done", None]
    assert ev.loc["1.1", "control_dates"] == ["2013-03-31"]
    assert ev.loc["1.1.2.1", "control_dates"] == ["2013-04-30", "2014-04-30"]
    assert ev.loc["1.1.2.2", "control_dates"] == ["2012-11-30", "2013-11-30", "2014-11-30"]
    assert ev.loc["2.8", "control_dates"] == ["2013-04-30", "2014-04-30"]
    assert ev.loc["2.6", "schedule"] == "continuous" and ev.loc["2.6", "control_dates"] == []
    assert ev.loc["2.7", "schedule"] == "unscheduled"
    assert ev.loc["2.7", "deadline_text"] == "По плану РМО"


def test_school_year_title_and_user_year(tmp_path):
    res = load_files([_plan(tmp_path / "p.xlsx", title="Дорожная карта на 2019/20 учебный год")])
    ev = res.tables["events"].set_index("number")
    assert ev.loc["1.1.2.2", "control_dates"] == ["2019-11-30"]
    res2 = load_files([_plan(tmp_path / "p2.xlsx", title="Дорожная карта")], year=2024)
    ev2 = res2.tables["events"].set_index("number")
    assert ev2.loc["1.1.2.2", "control_dates"] == ["2023-11-30"]


def test_no_years_anywhere_keeps_text_and_warns(tmp_path):
    res = load_files([_plan(tmp_path / "p.xlsx", title="План мероприятий")])
    ev = res.tables["events"].set_index("number")
    assert ev.loc["1.1.2.2", "control_dates"] == [] and ev.loc["1.1.2.2", "deadline_text"] == "Ежегодно ноябрь"
    assert ev.loc["1.1", "control_dates"] == ["2013-03-31"]
    assert any("годы программы не найдены" in p.message for p in res.warnings)


def test_numbers():
    assert norm_number("1.1.1.2.") == "1.1.1.2"
    assert norm_number("2.6. ") == "2.6"
    assert norm_number(3.0) == "3"


def test_cli_json(tmp_path):
    path = _plan(tmp_path / "plan.xlsx")
    out = subprocess.run([sys.executable, "-m", "loaders", str(path), "--json"], capture_output=True, text=True,
                         cwd=str(__import__("pathlib").Path(__file__).resolve().parents[2]))
    data = json.loads(out.stdout)
    assert out.returncode == 0, out.stderr
    ev = {e["number"]: e for e in data["events"]}
    assert ev["1.1.2.1"]["control_dates"] == ["2013-04-30", "2014-04-30"]
    assert ev["1.1.2.1"]["deadline_text"] == "Апрель 2013, 2014 г.г."


def _sections_plan(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Дорожная карта"
    ws.append(["Дорожная карта на 2025-2026 годы"])
    ws.append(["№ п/п", "Наименование мероприятия", "Сроки исполнения", "Ответственные исполнители"])
    rows = [
        ("1.", "Организационные мероприятия", None, None),  # a section: number and title, nothing else
        ("1.1.", "Нормативная база", None, None),
        ("1.1.1", "Приказ о программе", "Сентябрь 2025", "Отдел"),
        ("1.1.2.", "Положения", None, None),
        ("1.1.2.3", "Положение о мониторинге", "Октябрь 2025", "Отдел"),
        ("1.1.3", "Порядок отчётности", "Ноябрь 2025", "Отдел"),
        ("1.2", "Совещание руководителей", "Декабрь 2025", "Отдел"),
        ("5.", "Подготовка к ГИА", None, None),
        ("5.1.", "Анализ результатов ГИА", None, None),
        ("5.1.1", "Анализ ЕГЭ и ОГЭ", "Август 2025", "ИМЦ"),
        ("5.2", "Психологическое сопровождение", "В течение учебного года", "Психологи"),
        ("5.3", "Родительские собрания", "Март 2026", "ОО"),
        ("7.4", "Мероприятие без своего раздела", "Май 2026", "ОО"),
    ]
    for r in rows:
        ws.append(list(r))
    ws.append([None, "Выпускной вечер", "Июнь 2026", "ОО"])  # no number at all
    wb.save(path)
    return path


def test_section_is_the_nearest_section_whose_number_is_a_prefix(tmp_path):
    res = load_files([_sections_plan(tmp_path / "roadmap.xlsx")])
    assert res.ok, [p.text() for p in res.errors]
    ev = res.tables["events"].set_index("number")["section"].to_dict()
    assert ev == {
        "1.1.1": "1.1. Нормативная база",
        "1.1.2.3": "1.1.2. Положения",
        "1.1.3": "1.1. Нормативная база",  # not the nearer «1.1.2.»: 1.1.2 is no prefix of 1.1.3
        "1.2": "1. Организационные мероприятия",
        "5.1.1": "5.1. Анализ результатов ГИА",
        "5.2": "5. Подготовка к ГИА",  # follows 5.1 at the same level: not «5.1.»
        "5.3": "5. Подготовка к ГИА",
        "7.4": "5.1. Анализ результатов ГИА",  # numbers give no answer: the last section row
        "б/н-16": "5.1. Анализ результатов ГИА",
    }


def test_sample_roadmap_events_5_2_to_5_6_are_in_section_5():
    from pathlib import Path

    res = load_files([Path(__file__).resolve().parents[2] / "sample_data" / "roadmap.xlsx"])
    ev = res.tables["events"].set_index("number")["section"]
    assert ev["5.1.1"].startswith("5.1. ")
    assert {ev[n] for n in ("5.2", "5.3", "5.4", "5.5")} == {"5. Подготовка к государственной итоговой аттестации"}


def test_line_breaks_that_separate_responsible_parties_are_kept(tmp_path):
    """«Отдел образования⏎ИМЦ» in one cell is two parties (the roadmap summary counts each); a break after a
    comma is only wrapping."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["План мероприятий на 2024-2025 годы"])
    ws.append(["№", "Мероприятие", "Сроки", "Ответственные"])
    ws.append(["1.1", "Семинар", "Март 2024 г.", "Отдел образования\nИМЦ"])
    ws.append(["1.2", "Совещание", "Май 2024 г.", "Отдел образования,\n  ИМЦ"])
    wb.save(tmp_path / "plan.xlsx")
    ev = load_files([tmp_path / "plan.xlsx"]).tables["events"].set_index("number")
    assert ev.loc["1.1", "responsible"] == "Отдел образования\nИМЦ"
    assert ev.loc["1.2", "responsible"] == "Отдел образования, ИМЦ"
