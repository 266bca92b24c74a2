"""Is a list with one row per pupil recognised by its shape — a column of people's names and a score or a mark
on each row — whatever its headers say, read as a protocol (aggregated, names dropped), and are the bytes of a
file that held names never kept?"""
from __future__ import annotations

import json

import pandas as pd
import pytest

from loaders import load_bytes
from loaders.personal import is_person_name
from store import StoreError, open_store
from tests.loaders.conftest import xlsx_bytes

REG = pd.DataFrame({"school_id": ["sos1", "lip"], "name": ["МБОУ «Сосновская СОШ № 1»", "МБОУ «Липовская СОШ»"]})
PUPILS = [("Зайцева Пелагея", "Сосновская СОШ № 1", 4), ("Кривошеев Аркадий", "Сосновская СОШ № 1", 3),
          ("Ефремова У.С.", "Сосновская СОШ № 1", 5), ("Шумилов Евграф Ильич", "Липовская СОШ", 2),
          ("Доржиев Баир", "Липовская СОШ", 4)]
SECRETS = ["Зайцева", "Пелагея", "Кривошеев", "Ефремова", "Шумилов", "Доржиев"]


def _list(name_header: str, mark_header: str = "Отметка") -> bytes:
    rows = [["Результаты ВПР по математике, 5 класс, 2024"], [name_header, "ОО", mark_header]]
    rows += [[n, s, m] for n, s, m in PUPILS]
    return xlsx_bytes({"Лист1": rows})


@pytest.mark.parametrize("header", ["Ученик", "ФИ", "Ф.И.", "ФИ ученика", "Список", "", "Столбец1", "Кто"])
def test_a_pupil_list_is_a_protocol_whatever_the_name_column_says(header):
    res = load_bytes("vpr.xlsx", _list(header), registry=REG)
    assert res.ok, [p.text() for p in res.errors]
    assert res.detected[0]["layout"] == "protocol" and res.personal_files == ["vpr.xlsx"]
    r = res.tables["results"].set_index("school_id")
    assert r.loc["sos1", "participants"] == 3 and r.loc["sos1", "mean"] == 4.0  # (4 + 3 + 5) / 3
    assert r.loc["lip", "mark2"] == 1 and r.loc["lip", "mean"] == 3.0
    assert set(r["grade"]) == {5} and set(r["exam"]) == {"ВПР"} and set(r["subject"]) == {"Математика"}
    dump = json.dumps([p.as_dict() for p in res.problems], ensure_ascii=False) + res.tables["results"].to_json(
        force_ascii=False) + json.dumps(res.detected + res.unplaced_columns, ensure_ascii=False, default=str)
    assert not [s for s in SECRETS if s in dump]


def test_a_score_column_with_another_header_is_read_too():
    res = load_bytes("ege.xlsx", _list("Участник", "Итог"), registry=REG, exam="ЕГЭ", year=2024)
    assert res.detected[0]["layout"] == "protocol"


def test_names_where_schools_should_be_are_refused_not_loaded_as_schools():
    rows = [["Результаты ЕГЭ 2024 года"], ["Наименование ОО", "Предмет", "Участников", "Средний балл"]]
    rows += [[n, "Русский язык", 1, 70] for n, _, _ in PUPILS]
    res = load_bytes("ege.xlsx", xlsx_bytes({"Лист1": rows}))
    assert not res.ok and any("имена людей" in e.message for e in res.errors)
    assert res.personal_files == ["ege.xlsx"] and not len(res.tables["schools"])


def test_a_class_list_nobody_reads_still_marks_its_file():
    rows = [["Список 5А класса"], ["№", "ФИО", "Дата рождения"]] + [[k, n, "01.02.2013"]
                                                                   for k, (n, _, _) in enumerate(PUPILS, 1)]
    res = load_bytes("класс.xlsx", xlsx_bytes({"5А": rows, "Реестр": [["Код ОО", "Наименование ОО"],
                                                                      ["sos1", "Сосновская СОШ № 1"]]}))
    assert res.ok and res.personal_files == ["класс.xlsx"]


def test_the_store_never_keeps_the_bytes_of_a_file_that_held_names(tmp_path):
    empty = tmp_path / "seed"
    empty.mkdir()
    store = open_store(tmp_path / "store.sqlite", seed_folder=empty)
    store.accept(load_bytes("реестр.xlsx", xlsx_bytes({"Реестр": [["Код ОО", "Наименование ОО"],
                                                                  ["sos1", "МБОУ «Сосновская СОШ № 1»"],
                                                                  ["lip", "МБОУ «Липовская СОШ»"]]})),
                 "реестр.xlsx", b"registry bytes")
    data = _list("ФИ ученика")
    res = load_bytes("vpr.xlsx", data, registry=REG)
    uid = store.accept(res, "vpr.xlsx", data)
    with pytest.raises(StoreError, match="персональные данные"):
        store.file_bytes(uid)
    blob = b"".join(p.read_bytes() for p in tmp_path.glob("store.sqlite*"))
    assert not [s for s in SECRETS if s.encode("utf-8") in blob]


@pytest.mark.parametrize("text", ["Сосновская СОШ № 1", "Русский язык", "Город Чита", "Отдел образования", "ИМЦ",
                                  "Математика профильная", "Итого по району"])
def test_not_people(text):
    assert not is_person_name(text)
