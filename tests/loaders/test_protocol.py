"""Is a per-participant protocol aggregated per school and subject, with no personal data left anywhere?"""
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from loaders.pipeline import load_files

ROOT = Path(__file__).resolve().parents[2]
REG = None
SURNAMES = ["Иванов", "Петрова", "Сидоренко", "Кузнецова", "Смирнов", "Волков"]
CODES = ["7701234567", "7701234568", "7701234569", "7701234570", "7701234571", "7701234572"]


def _registry(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Реестр"
    ws.append(["Код ОО", "Наименование ОО", "Краткое наименование"])
    ws.append(["sos1", "МБОУ «Сосновская СОШ № 1»", "Сосновская СОШ № 1"])
    ws.append(["lip", "МБОУ «Липовская СОШ имени А.С. Пушкина»", "Липовская СОШ"])
    wb.save(path)
    return path


def _protocol(path, with_pass=True):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Протокол"
    ws.append(["Протокол результатов ЕГЭ 2024 года"])
    ws.append(["Код участника", "Фамилия", "Имя", "Отчество", "ОО", "Предмет", "Тестовый балл"]
              + (["Порог"] if with_pass else []))
    data = [
        ("МБОУ «Сосновская СОШ № 1»", "Русский язык", 85),
        ("Сосновская сош №1", "Русский язык", 23),
        ("МБОУ Сосновская СОШ №1", "Русский язык", 60),
        ("Сосновская СОШ № 1", "Математика П", 26),
        ("Липовская СОШ им. А.С.Пушкина", "Математика профильного уровня", 90),
        ("Липовская СОШ им. А.С.Пушкина", "Математика (профильная)", 72),
    ]
    for k, (school, subj, score) in enumerate(data):
        ws.append([CODES[k], SURNAMES[k], "Анна", "Сергеевна", school, subj, score] + ([24 if subj == "Русский язык"
                                                                                         else 27] if with_pass else []))
    wb.save(path)
    return path


def _by(res):
    r = res.tables["results"]
    return {(row.school_id, row.subject): row for row in r.itertuples()}


@pytest.mark.parametrize("with_pass", [True, False])
def test_protocol_aggregates(tmp_path, with_pass):
    res = load_files([_registry(tmp_path / "реестр.xlsx"), _protocol(tmp_path / "protocol.xlsx", with_pass)])
    assert res.ok, [p.text() for p in res.errors]
    got = _by(res)
    assert set(got) == {("sos1", "Русский язык"), ("sos1", "Математика (профильная)"), ("lip", "Математика (профильная)")}
    ru = got[("sos1", "Русский язык")]
    assert (ru.year, ru.exam, ru.grade, ru.participants) == (2024, "ЕГЭ", 11, 3)
    assert ru.mean == pytest.approx((85 + 23 + 60) / 3, abs=0.01)
    assert ru.below_min == 1  # 23 < 24, from «Порог» or else from the thresholds file
    assert ru.high_scorers == 1  # 85 >= 80
    assert got[("sos1", "Математика (профильная)")].below_min == 1  # 26 < 27
    lip = got[("lip", "Математика (профильная)")]
    assert (lip.participants, lip.below_min, lip.high_scorers) == (2, 0, 1)


def test_no_personal_data_in_json_output(tmp_path):
    reg = _registry(tmp_path / "реестр.xlsx")
    prot = _protocol(tmp_path / "protocol.xlsx")
    out = subprocess.run([sys.executable, "-m", "loaders", str(reg), str(prot), "--json"], capture_output=True,
                         text=True, cwd=str(ROOT))
    assert out.returncode == 0, out.stdout + out.stderr
    data = json.loads(out.stdout)
    assert len(data["results"]) == 3
    text = out.stdout + out.stderr
    for secret in SURNAMES + CODES + ["Сергеевна"]:
        assert secret not in text


def test_bad_score_names_the_row_not_the_person(tmp_path):
    p = _protocol(tmp_path / "protocol.xlsx")
    wb = openpyxl.load_workbook(p)
    wb.active["G4"] = "восемьдесят"
    wb.save(p)
    res = load_files([_registry(tmp_path / "реестр.xlsx"), p])
    assert not res.ok
    err = [e for e in res.errors if e.row == 4][0]
    assert err.column == "Тестовый балл"
    for problem in res.problems:
        assert not any(s in problem.text() for s in SURNAMES + CODES)


def test_oge_protocol_with_marks(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ФИО участника", "Школа", "Предмет", "Первичный балл", "Отметка"])
    for fio, mark, score in [("Иванов И.И.", 5, 30), ("Петров П.П.", 2, 5), ("Сидоров С.С.", 4, 20),
                             ("Орлова О.О.", 4, 21)]:
        ws.append([fio, "Сосновская СОШ № 1", "Математика", score, mark])
    wb.save(tmp_path / "огэ 2023.xlsx")
    res = load_files([_registry(tmp_path / "реестр.xlsx"), tmp_path / "огэ 2023.xlsx"])
    assert res.ok, [p.text() for p in res.errors]
    r = res.tables["results"].iloc[0]
    assert (r.exam, r.year, r.grade, r.participants) == ("ОГЭ", 2023, 9, 4)
    assert r["mean"] == pytest.approx(3.75)
    assert (r.mark2, r.mark3, r.mark4, r.mark5, r.below_min) == (1, 0, 2, 1, 1)
    assert r.high_scorers is pd.NA  # no high scorers for ОГЭ


def test_trial_exam_title_and_row_number_column(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Протокол результатов пробного ЕГЭ – 2026 по математике (профильный уровень)"])
    ws.append(["№", "Код участника", "Фамилия", "ОО", "Предмет", "Тестовый балл", "Минимальный балл",
               "Преодолел порог"])
    ws.append([1, "6406787", "Алексеева", "Сосновская сош № 1", "Математика (профильная)", 58, 27, "да"])
    ws.append([2, "6406788", "Борисов", "Сосновская сош № 1", "Математика (профильная)", 20, 27, "нет"])
    wb.save(tmp_path / "trial.xlsx")
    res = load_files([_registry(tmp_path / "реестр.xlsx"), tmp_path / "trial.xlsx"])
    assert res.ok, [p.text() for p in res.errors]
    r = res.tables["results"].iloc[0]
    assert (r.exam, r.year, r.participants, r.below_min, r.high_scorers) == ("Пробный ЕГЭ", 2026, 2, 1, 0)
    assert not res.unplaced_columns
