"""Is an open-data table (schools as rows, indicators as columns) read, with blanks as "not stated"?"""
import openpyxl
import pandas as pd

from loaders.headers import header_signature
from loaders.layouts.forma1 import indicator_id
from loaders.mappings import save_mapping
from loaders.pipeline import load_files

REG = pd.DataFrame({"school_id": ["sos1", "lip"], "name": ["МБОУ «Сосновская СОШ № 1»", "МБОУ «Липовская СОШ»"]})


def _sheet(path, header, rows, title=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Данные"
    if title:
        ws.append([title])
    ws.append([])
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_counts_become_school_facts_and_blank_is_not_zero(tmp_path):
    p = _sheet(tmp_path / "od.xlsx", ["Наименование ОО", "Адрес", "Год сдачи", "Всего сдававших",
                                      "Набравших 220 баллов и более"],
               [["Сосновская сош № 1", "ул. Ленина, 1", "2015-2016", 40, 5],
                ["МБОУ «Липовская СОШ»", "ул. Мира, 2", "2015-2016", 12, None]])
    res = load_files([p], registry=REG)
    assert res.ok, [x.text() for x in res.errors]
    assert res.detected[0]["layout"] == "open_data"
    v = res.tables["values"].set_index(["school_id", "indicator_id"])
    assert v.loc[("sos1", indicator_id("Всего сдававших")), "value"] == 40
    assert v.loc[("sos1", indicator_id("Набравших 220 баллов и более")), "value"] == 5
    assert pd.isna(v.loc[("lip", indicator_id("Набравших 220 баллов и более")), "value"])
    assert set(res.tables["values"]["year"]) == {2016}
    assert set(res.tables["values"]["kind"]) == {"fact"}
    assert res.tables["indicators"].set_index("name").loc["Всего сдававших", "unit"] == "чел."
    assert [u["column"] for u in res.unplaced_columns] == ["Адрес"]
    assert len(res.tables["schools"]) == 0  # a registry was given: nothing proposed


def test_measures_per_subject_become_results_and_year_from_title(tmp_path):
    p = _sheet(tmp_path / "r.xlsx", ["Школа", "Участников Русский язык", "Средний балл Русский язык",
                                     "Участников Математика П", "Средний балл Математика П"],
               [["Сосновская СОШ №1", 20, "65,5", 10, 48],
                ["Липовская СОШ", 8, 70.1, 0, None]], title="Результаты ЕГЭ 2024 года")
    res = load_files([p], registry=REG)
    assert res.ok, [x.text() for x in res.errors]
    r = res.tables["results"].set_index(["school_id", "subject"])
    assert r.loc[("sos1", "Русский язык"), "mean"] == 65.5
    assert r.loc[("sos1", "Математика (профильная)"), "participants"] == 10
    assert ("lip", "Математика (профильная)") not in r.index  # 0 participants: not taken
    assert set(res.tables["results"]["exam"]) == {"ЕГЭ"} and set(res.tables["results"]["year"]) == {2024}


def test_without_registry_schools_are_proposed(tmp_path):
    p = _sheet(tmp_path / "od.xlsx", ["Наименование ОО", "Год", "Всего сдававших", "Число медалистов"],
               [["Сосновская СОШ № 1", 2020, 40, 3], ["Липовская СОШ", 2020, 12, 0]])
    res = load_files([p])
    assert res.ok
    s = res.tables["schools"]
    assert len(s) == 2 and s["school_id"].str.match(r"^s[0-9a-f]{8}$").all()
    assert set(res.tables["values"]["school_id"]) == set(s["school_id"])
    assert any("предложены как реестр" in w.message for w in res.warnings)


def test_saved_mapping_is_applied_by_signature(tmp_path, monkeypatch):
    store = tmp_path / "maps.json"
    monkeypatch.setenv("DASHBOARD_MAPPINGS", str(store))
    header = ["EDU_NAME", "YEAR", "PASSED_NUMBER_FULL", "ID"]
    p = _sheet(tmp_path / "en.xlsx", header, [["Сосновская СОШ № 1", "2015-2016", 40, 7]])
    first = load_files([p], registry=REG)
    assert not len(first.tables["values"])
    save_mapping(header_signature(header), {"EDU_NAME": "school", "YEAR": "year",
                                            "PASSED_NUMBER_FULL": "Всего сдававших", "ID": "skip"})
    res = load_files([p], registry=REG)
    assert res.ok, [x.text() for x in res.errors]
    v = res.tables["values"]
    assert v[["school_id", "year", "value"]].values.tolist() == [["sos1", 2016, 40.0]]
    assert v["indicator_id"].tolist() == [indicator_id("Всего сдававших")]
