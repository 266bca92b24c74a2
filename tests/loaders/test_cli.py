"""Does `python -m loaders` tell a user what was understood, print one JSON object and exit 0/2?"""
import json
import subprocess
import sys
from pathlib import Path

import openpyxl

from tests.loaders.conftest import REGISTRY_ROWS, xlsx_bytes

ROOT = Path(__file__).resolve().parents[2]
EXPORT = [["Результаты ЕГЭ 2024 года"], [],
          ["ОО", "Предмет", "Количество участников", "Средний балл"],
          ["Сосновская СОШ № 1", "Русский язык", 42, "68,5"], ["Итого по району", "Русский язык", 42, "68,5"]]


def run(*args, cwd=ROOT):
    proc = subprocess.run([sys.executable, "-m", "loaders", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=120)
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    return proc


def test_report_for_valid_files(write):
    res = write("ege.xlsx", xlsx_bytes({"Лист1": EXPORT}))
    reg = write("реестр.xlsx", xlsx_bytes({"Реестр": REGISTRY_ROWS}))
    proc = run(res, reg)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "лист «Реестр»: Реестр школ, 3 строк(и)" in out
    assert "лист «Лист1»: Результаты оценочных процедур, 1 строк(и)" in out and "год 2024, ЕГЭ" in out
    assert "Результаты оценочных процедур: 1 строк(и)" in out


def test_json_object(write):
    res = write("ege.xlsx", xlsx_bytes({"Лист1": EXPORT}))
    reg = write("реестр.xlsx", xlsx_bytes({"Реестр": REGISTRY_ROWS}))
    proc = run(res, reg, "--json")
    assert proc.returncode == 0
    data = json.loads(proc.stdout)
    assert list(data) == ["schools", "indicators", "values", "events", "results", "warnings", "errors"]
    assert data["results"] == [{"year": 2024, "exam": "ЕГЭ", "subject": "Русский язык", "grade": 11,
                                "school_id": "sos1", "participants": 42, "mean": 68.5, "below_min": None,
                                "high_scorers": None, "mark2": None, "mark3": None, "mark4": None, "mark5": None,
                                "lowered": None, "confirmed": None, "raised": None}]
    assert data["schools"][2] == {**{k: None for k in data["schools"][2]}, "school_id": "ber",
                                  "name": "МКОУ «Берёзовская ООШ»", "short_name": "Берёзовская ООШ", "type": "ООШ",
                                  "locality": "село"}
    assert data["errors"] == [] and data["values"] == []


def test_errors_exit_2_and_json_errors(write):
    bad = write("bad.xlsx", xlsx_bytes({"Р": [["Год", "Процедура", "Предмет", "Код ОО", "Участников", "Средний балл"],
                                             [2024, "ЕГЭ", "Химия", "sos1", 10, "4.5.1"]]}))
    proc = run(bad)
    assert proc.returncode == 2
    assert "строка 2, столбец «Средний балл»: «4.5.1» — не число" in proc.stdout
    assert "не приняты" in proc.stdout
    proc = run(bad, "--json")
    assert proc.returncode == 2
    data = json.loads(proc.stdout)
    assert data["results"] == [] and len(data["errors"]) == 1
    e = data["errors"][0]
    assert (e["sheet"], e["row"], e["column"], e["value"], e["message"]) == ("Р", 2, "Средний балл", "4.5.1", "не число")


def test_overrides_and_map(write):
    f = write("x.xlsx", xlsx_bytes({"Data": [["EDU_NAME", "SUBJ", "PASSED"], ["Сосновская СОШ № 1", "Химия", 7]],
                                    "Реестр": REGISTRY_ROWS}))
    proc = run(f, "--year", "2023", "--exam", "огэ", "--map", "EDU_NAME=school,SUBJ=subject,PASSED=participants",
               "--json")
    assert proc.returncode == 0, proc.stdout
    r = json.loads(proc.stdout)["results"]
    assert [(x["year"], x["exam"], x["grade"], x["school_id"], x["participants"]) for x in r] == [
        (2023, "ОГЭ", 9, "sos1", 7)]


def test_bad_and_missing_files(write, tmp_path):
    png = write("photo.xlsx", b"\x89PNG\r\n\x1a\nxxxx")
    proc = run(png)
    assert proc.returncode == 2 and "не электронная таблица" in proc.stdout
    proc = run(tmp_path / "nope.csv")
    assert proc.returncode == 2 and "не найден" in proc.stdout
    proc = run(png, "--map", "oops")
    assert proc.returncode == 2 and "=" in proc.stderr


def test_template_subcommand(tmp_path):
    out = tmp_path / "t.xlsx"
    proc = run("template", "indicators", "-o", out)
    assert proc.returncode == 0 and "записан" in proc.stdout
    wb = openpyxl.load_workbook(out)
    assert wb.worksheets[0]["A1"].value == "Код показателя"
    proc = run(out)
    assert proc.returncode == 0 and "Показатели программы: 1 строк(и)" in proc.stdout
    proc = run("template", "pupils", "-o", out)
    assert proc.returncode == 2
