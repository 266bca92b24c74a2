"""What unit does an indicator have when the table has no unit column: the name's tail, the cells, the wording."""
import openpyxl
import pytest

from loaders.pipeline import load_files
from loaders.units import canonical_unit, indicator_unit, unit_from_name, unit_from_wording


@pytest.mark.parametrize("name,unit", [
    ("Средний балл по результатам ЕГЭ: Русский язык", "балл"),
    ("Средняя отметка по результатам ОГЭ", "балл"),
    ("Средний тестовый балл ЕГЭ по математике", "балл"),
    ("Доля выпускников, получивших аттестат", "%"),
    ("Удельный вес школ с высокими результатами", "%"),
    ("Процент обучающихся, охваченных олимпиадами", "%"),
    ("Доля выпускников, набравших средний балл выше 70", "%"),  # a share of something measured in points
    ("Количество выпускников, не получивших аттестат", "чел."),
    ("Число выпускников 11 классов", "чел."),  # people named first, then classes
    ("Количество школ, получивших методическую помощь", "шт."),
    ("Количество муниципальных методических мероприятий", "шт."),
    ("Число мероприятий для педагогов", "шт."),
    ("Количество классов с обучающимися с ОВЗ", "шт."),
    ("Всего сдававших", "чел."),
    ("Набрали 220 баллов и более по трём предметам", "чел."),
    ("Награждены медалью «За особые успехи в учении»", "чел."),
    ("Выпускники, поступившие в вузы региона", "чел."),
    ("Охват горячим питанием", None),
    ("Рейтинг района в регионе", None),
])
def test_unit_from_wording(name, unit):
    assert unit_from_wording(name) == unit


def test_the_name_tail_and_the_cells_come_before_the_wording():
    assert unit_from_name("Количество школ, чел.") == "чел."
    assert indicator_unit("Количество школ, чел.") == "чел."  # the tail beats the wording (шт.)
    assert indicator_unit("Количество школ", "ед.") == "ед."  # a unit found in the cells beats the wording
    assert indicator_unit("Количество школ", None, "") == "шт."
    assert indicator_unit("Охват горячим питанием", "45%") is not None
    assert canonical_unit("проценты") == "%" and canonical_unit("человек") == "чел." and canonical_unit("") is None


def test_forma1_without_unit_column_or_tail_gets_the_unit_from_the_wording(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "План"
    ws.append(["Целевые показатели программы"])
    ws.append(["№ п/п", "Наименование показателей", "Базовый показатель", "Значения показателя по годам", None,
               "Целевое значение"])
    ws.append([None, None, None, "2025 год", "2026 год", None])
    ws.merge_cells("D2:E2")
    ws.append([1, "Средний балл ЕГЭ по русскому языку", "68,2", "69", "70", "70"])
    ws.append([2, "Доля выпускников, не получивших аттестат", "1,2", "1", "0,8", "0,5"])
    ws.append([3, "Количество школ с признаками необъективности", 3, 2, 1, 0])
    ws.append([4, "Охват горячим питанием", "45%", "50%", "55%", "60%"])
    wb.save(tmp_path / "forma1.xlsx")
    res = load_files([tmp_path / "forma1.xlsx"])
    assert res.ok, [p.text() for p in res.errors]
    assert res.detected[0]["layout"] == "forma1"
    units = res.tables["indicators"].set_index("name")["unit"].to_dict()
    assert units == {"Средний балл ЕГЭ по русскому языку": "балл", "Доля выпускников, не получивших аттестат": "%",
                     "Количество школ с признаками необъективности": "шт.", "Охват горячим питанием": "%"}


def test_open_data_counts_are_people():
    from pathlib import Path

    sample = Path(__file__).resolve().parents[2] / "sample_data"
    res = load_files([sample / "registry.xlsx", sample / "opendata_graduates.csv"])
    units = res.tables["indicators"].set_index("name")["unit"].to_dict()
    assert units["Награждены медалью «За особые успехи в учении»"] == "чел."
    assert units["Набрали 220 баллов и более по трём предметам"] == "чел."
    assert units["Число выпускников 11 классов"] == "чел."
