"""A «Факт» sheet uploaded alone guesses an indicator's direction (and may read its unit only from the wording);
with the indicators already held passed as `known_indicators`, the guess never beats a known value — and the
store keeps «меньше — лучше» after the fact sheet is accepted."""
from __future__ import annotations

import openpyxl
import pandas as pd

from loaders import load_bytes, load_files
from loaders.known import apply_known
from loaders.layouts.forma1 import indicator_id
from tests.loaders.conftest import xlsx_bytes

NAME = "Индекс оценки качества подготовки обучающихся"
IID = indicator_id(NAME)
KNOWN = pd.DataFrame({"indicator_id": [IID], "name": [NAME], "unit": ["ед."], "direction": ["lower"],
                      "group": ["Показатели конечных результатов"], "tolerance": [0.1]})


def _fact_forma1(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Факт"
    ws.append(["Фактические значения целевых показателей программы"])
    ws.append(["№ п/п", "Наименование показателей", "Значения показателя по годам", None, None])
    ws.append([None, None, "2023 год", "2024 год", "2025 год"])
    ws.merge_cells("C2:E2")
    ws.append([1, NAME, "4,1", "4,1", "4,1"])
    ws.append([2, "Количество педагогов-наставников", 12, 12, 12])
    wb.save(path)
    return path


def test_fact_sheet_alone_guesses_higher_without_known_indicators(tmp_path):
    res = load_files([_fact_forma1(tmp_path / "факт.xlsx")])
    assert res.ok, [p.text() for p in res.errors]
    ind = res.tables["indicators"].set_index("indicator_id")
    assert ind.loc[IID, "direction"] == "higher"  # the guess the store would otherwise keep


def test_a_known_direction_unit_group_and_tolerance_beat_the_guess(tmp_path):
    res = load_files([_fact_forma1(tmp_path / "факт.xlsx")], known_indicators=KNOWN)
    assert res.ok, [p.text() for p in res.errors]
    ind = res.tables["indicators"].set_index("indicator_id")
    assert ind.loc[IID, ["direction", "unit", "group", "tolerance"]].tolist() == [
        "lower", "ед.", "Показатели конечных результатов", 0.1]
    assert not [p for p in res.warnings if "направление" in p.message]
    other = ind.loc[indicator_id("Количество педагогов-наставников")]
    assert (other["direction"], other["unit"]) == ("higher", "чел.")  # not known: the guesses stay
    facts = res.tables["values"]
    assert facts[facts.indicator_id == IID]["kind"].unique().tolist() == ["fact"]


def test_years_as_rows_does_not_warn_about_a_known_direction():
    data = xlsx_bytes({"Показатели": [["Показатели"], ["Учебный год", NAME, "Доля неуспевающих, %"],
                                      ["2023-2024 (факт)", "4,1", "2"], ["2024-2025 (факт)", "4,1", "2"]]})
    alone = load_bytes("годы.xlsx", data)
    assert any("направление" in p.message for p in alone.warnings)
    known = load_bytes("годы.xlsx", data, known_indicators=KNOWN)
    assert not any("направление" in p.message for p in known.warnings)
    assert known.tables["indicators"].set_index("indicator_id").loc[IID, "direction"] == "lower"


def test_a_value_stated_in_the_same_load_wins_over_the_known_one():
    frame = pd.DataFrame({"indicator_id": [IID, IID, "other"], "name": [NAME, NAME, "Другой"],
                          "unit": [None, "%", None], "direction": ["higher", "higher", "higher"],
                          "group": [None, None, None], "_guessed_direction": [True, False, True],
                          "_guessed_unit": [False, False, False]})
    out = apply_known(frame, KNOWN)
    # the plan sheet states «higher» on another row: the fact row's guess is left for validation to merge
    assert out["direction"].tolist() == ["higher", "higher", "higher"]
    assert out["_guessed_direction"].tolist() == [True, False, True]
    # the blank unit of the first row is filled, the stated «%» is kept; group blank everywhere → known
    assert out["unit"].tolist()[:2] == [None, "%"]
    assert out["group"].tolist() == ["Показатели конечных результатов"] * 2 + [None]


def test_the_store_keeps_lower_after_a_fact_only_upload(tmp_path):
    from store import open_store

    seed = tmp_path / "seed"
    seed.mkdir()
    store = open_store(tmp_path / "store.sqlite", seed_folder=seed)
    plan = load_bytes("план.xlsx", xlsx_bytes({"Показатели": [
        ["Код показателя", "Наименование показателя", "Единица измерения", "Направление", "Группа показателей"],
        [IID, NAME, "ед.", "меньше — лучше", "Показатели конечных результатов"]]}))
    assert plan.ok, [p.text() for p in plan.problems]
    store.accept(plan, "план.xlsx", b"plan")
    fact = load_files([_fact_forma1(tmp_path / "факт.xlsx")], known_indicators=store.read("indicators"))
    assert fact.ok
    d = store.diff(fact)
    assert d.tables["indicators"].changed_rows == 0  # nothing about the known indicator changes
    store.accept(fact, "факт.xlsx", b"fact")
    stored = store.read("indicators").set_index("indicator_id")
    assert stored.loc[IID, ["direction", "unit", "group"]].tolist() == ["lower", "ед.",
                                                                        "Показатели конечных результатов"]
