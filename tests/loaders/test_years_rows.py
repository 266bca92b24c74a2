"""Is an indicator table with school years as rows and a two-level header read?"""
import openpyxl
import pytest

from loaders.layouts.forma1 import indicator_id
from loaders.pipeline import load_files

RU = "Средний балл по результатам ЕГЭ: Русский язык"
MA = "Средний балл по результатам ЕГЭ: Математика"
OGE = "Средняя отметка ОГЭ"
FAIL = "Количество выпускников, не получивших аттестат"


def _book(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Показатели"
    ws.append(["Целевые показатели муниципальной программы на 2012-2014 годы"])
    ws.merge_cells("A1:E1")
    ws.append(["Учебный год", "Средний балл по результатам ЕГЭ", None, "Средняя отметка ОГЭ", FAIL])
    ws.append([None, "Русский язык", "Математика", None, None])
    ws.merge_cells("B2:C2")
    ws.merge_cells("A2:A3")
    ws.merge_cells("D2:D3")
    ws.merge_cells("E2:E3")
    ws.append(["2011-2012 (факт)", 61.2, "44,5", 3.7, "7 чел."])
    ws.append(["2012-2013 (план)", 62, 45, "3,8 - 4,0", "5 чел."])
    ws.append(["2013-2014 (план)", "63", "46,5", "3,9 – 4,1", "3 чел."])
    wb.save(path)
    return path


def test_years_as_rows(tmp_path):
    res = load_files([_book(tmp_path / "years.xlsx")])
    assert res.ok, [p.text() for p in res.errors]
    assert res.detected[0]["layout"] == "years_rows"
    ind = res.tables["indicators"].set_index("name")
    assert set(ind.index) == {RU, MA, OGE, FAIL}
    assert ind.loc[FAIL, "unit"] == "чел."
    assert ind.loc[FAIL, "direction"] == "lower"
    assert ind.loc[RU, "direction"] == "higher"
    v = res.tables["values"].set_index(["indicator_id", "year", "kind"])
    assert v.loc[(indicator_id(RU), 2012, "fact"), "value"] == pytest.approx(61.2)
    assert v.loc[(indicator_id(MA), 2014, "plan"), "value"] == pytest.approx(46.5)
    r = v.loc[(indicator_id(OGE), 2013, "plan")]
    assert (r["low"], r["high"]) == (3.8, 4.0)
    r = v.loc[(indicator_id(OGE), 2014, "plan")]
    assert (r["low"], r["high"]) == (3.9, 4.1)
    assert v.loc[(indicator_id(FAIL), 2012, "fact"), "value"] == 7
    assert len(res.tables["values"]) == 12


def test_units_come_from_the_wording_when_nothing_else_says(tmp_path):
    res = load_files([_book(tmp_path / "years.xlsx")])
    ind = res.tables["indicators"].set_index("name")["unit"].to_dict()
    assert ind == {RU: "балл", MA: "балл", OGE: "балл", FAIL: "чел."}
