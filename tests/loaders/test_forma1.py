"""Is a programme's «Форма 1» indicator table read as it is copied from the programme document?"""
import openpyxl
import pytest

from loaders.layouts.forma1 import indicator_id, unit_from_name
from loaders.pipeline import load_files

HEAD = ["№ п/п", "Наименование показателей", "Базовый показатель на начало реализации программы",
        "Значения показателя по годам", None, None, None,
        "Целевое значение показателя на момент окончания действия программы"]


def _forma1(path, sheet_title="Показатели", title="Целевые показатели программы на 2019-2022 годы",
            rows=None, years=("2019 год", "2020 год", "2021 год", "2022 год")):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet_title
    ws.append([title])
    ws.merge_cells("A1:H1")
    ws.append([])
    ws.append(HEAD)
    ws.append([None, None, None, *years, None])
    for col in "ABCH":
        ws.merge_cells(f"{col}3:{col}4")
    ws.merge_cells("D3:G3")
    ws.append([1, 2, 3, 4, 5, 6, 7, 8])
    for r in rows or []:
        ws.append(r)
        if len(r) == 1:
            n = ws.max_row
            ws.merge_cells(f"A{n}:H{n}")
    wb.save(path)
    return path


ROWS = [
    ["Показатели непосредственных результатов"],
    ["1.1", "Доля выпускников 11 классов, не получивших аттестат, %", "6,4%", "5%", "4%", "3%", "2%", "0%"],
    ["1.2", "Средний балл ОГЭ по математике, балл", 3.9, "3,8 - 4,0", "4,0", "4,1", 4.2, "4,38"],
    ["Показатели конечных результатов"],
    ["2.1", "Количество победителей регионального этапа олимпиады, чел.", 25, 26, 27, 28, 30, 164],
    ["2.2", "Доля обучающихся, охваченных программами", "45%", "45%", "45%", "45%", "45%", "45%"],
]


def test_forma1_plan_sheet(tmp_path):
    res = load_files([_forma1(tmp_path / "forma1.xlsx", rows=ROWS)])
    assert res.ok, [p.text() for p in res.errors]
    ind = res.tables["indicators"].set_index("name")
    assert len(ind) == 4
    a = "Доля выпускников 11 классов, не получивших аттестат, %"
    assert ind.loc[a, "unit"] == "%"
    assert ind.loc[a, "direction"] == "lower"  # target 0 < baseline 6,4
    assert ind.loc[a, "group"] == "Показатели непосредственных результатов"
    assert ind.loc["Средний балл ОГЭ по математике, балл", "unit"] == "балл"
    assert ind.loc["Количество победителей регионального этапа олимпиады, чел.", "group"] == \
        "Показатели конечных результатов"
    assert ind.loc["Количество победителей регионального этапа олимпиады, чел.", "direction"] == "higher"
    vals = res.tables["values"]
    ia = indicator_id(a)
    v = vals[vals.indicator_id == ia].set_index(["kind", "year"])["value"]
    assert v[("baseline", 2018)] == pytest.approx(6.4)
    assert v[("plan", 2019)] == 5 and v[("plan", 2022)] == 2
    assert v[("target", 2022)] == 0
    rng = vals[(vals.indicator_id == indicator_id("Средний балл ОГЭ по математике, балл")) & (vals.year == 2019)
               & (vals.kind == "plan")].iloc[0]
    assert (rng["low"], rng["high"]) == (3.8, 4.0)
    assert len(vals) == 4 * 6
    # a flat indicator (45 % all along) gets the default direction and a warning naming its row
    warn = [p for p in res.warnings if "направление" in p.message]
    assert len(warn) == 1 and warn[0].row == 11


def test_fact_sheet_and_ids_meet_the_plan(tmp_path):
    rows = [["Показатели"], ["1", "Доля выпускников 11 классов, не получивших аттестат, %", 6.4, 4, 3.5, None, None, 0]]
    plan = load_files([_forma1(tmp_path / "p.xlsx", rows=ROWS)])
    fact = load_files([_forma1(tmp_path / "f.xlsx", sheet_title="Факт", rows=rows)])
    assert fact.ok, [p.text() for p in fact.errors]
    fv = fact.tables["values"]
    assert set(fv["kind"]) == {"baseline", "fact", "target"}
    assert fv.loc[fv.kind == "fact", "year"].tolist() == [2019, 2020]
    assert set(fv["indicator_id"]) <= set(plan.tables["indicators"]["indicator_id"])


def test_paired_plan_fact_columns(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Показатели программы"])
    ws.append(["№", "Наименование показателя", "Единица измерения", "Базовое значение (2019 год)", "2020 год", None,
               "2021 год", None, "Целевое значение"])
    ws.append([None, None, None, None, "план", "факт", "план", "факт", None])
    ws.merge_cells("E2:F2")
    ws.merge_cells("G2:H2")
    ws.append(["1.", "Средний балл ЕГЭ по русскому языку", "балл", "62,5", "63", "64,1", "64", None, "66"])
    wb.save(tmp_path / "pf.xlsx")
    res = load_files([tmp_path / "pf.xlsx"])
    assert res.ok, [p.text() for p in res.errors]
    v = res.tables["values"].set_index(["kind", "year"])["value"]
    assert v[("baseline", 2019)] == 62.5
    assert v[("plan", 2020)] == 63 and v[("fact", 2020)] == pytest.approx(64.1) and v[("plan", 2021)] == 64
    assert v[("target", 2021)] == 66
    assert ("fact", 2021) not in v.index  # blank fact is not 0
    ind = res.tables["indicators"].iloc[0]
    assert (ind["unit"], ind["direction"]) == ("балл", "higher")


def test_bad_cell_is_reported_with_row_and_column(tmp_path):
    rows = [["1.1", "Доля обучающихся, %", "10%", "4.5.1", 12, 13, 14, 15]]
    res = load_files([_forma1(tmp_path / "bad.xlsx", rows=rows)])
    assert not res.ok
    err = res.errors[0]
    assert err.row == 6 and "2019" in err.column and "не число" in err.text()
    assert len(res.tables["values"]) == 0


@pytest.mark.parametrize("name, unit", [("Доля, %", "%"), ("Число детей, чел.", "чел."), ("Средний балл, балл", "балл"),
                                        ("Доля (%)", "%"), ("Количество кружков", None)])
def test_unit_from_name(name, unit):
    assert unit_from_name(name) == unit


def test_direction_from_wording(tmp_path):
    rows = [["1", "Количество пропусков уроков без уважительной причины", 10, 10, 10, 10, 10, 10],
            ["2", "Доля выпускников, не преодолевших минимальный порог", None, None, None, None, None, None]]
    res = load_files([_forma1(tmp_path / "w.xlsx", rows=rows)])
    ind = res.tables["indicators"].set_index("name")["direction"]
    assert ind["Количество пропусков уроков без уважительной причины"] == "lower"
