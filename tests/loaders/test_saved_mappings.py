"""A table whose columns were mapped once is read with that mapping the next time the same header arrives —
in the generic table reader too, from the store's lookup (uploads) or the mappings file (command line).
Events read through the generic template get control dates from their «Сроки»."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

from loaders import load_bytes
from loaders.mappings import load_mapping, save_mapping
from tests.loaders.conftest import csv_bytes

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = pd.DataFrame({"school_id": ["sos1", "sos2"],
                         "name": ["МБОУ «Сосновская СОШ № 1»", "МБОУ «Сосновская СОШ № 2»"]})
EXPORT = csv_bytes([["Результаты ЕГЭ 2025 года"],
                    ["Наименование ОО", "Предмет", "Участников", "Средний балл", "HS_CNT"],
                    ["Сосновская СОШ № 1", "Химия", 12, "60,5", 4],
                    ["Сосновская СОШ № 2", "Химия", 9, "55", 1]])
FOREIGN = csv_bytes([["EDU_NAME", "SUBJ", "PASSED", "AVG_SCORE"],
                     ["Сосновская СОШ № 1", "Химия", 12, "60,5"]])


def _signature(data: bytes, name: str = "ege_2025.csv") -> str:
    r = load_bytes(name, data, registry=REGISTRY, mappings={})
    sigs = {u["signature"] for u in r.unplaced_columns}
    assert len(sigs) == 1
    return sigs.pop()


def test_unplaced_column_is_reported_with_the_signature_of_its_header():
    r = load_bytes("ege_2025.csv", EXPORT, registry=REGISTRY, mappings={})
    assert [u["column"] for u in r.unplaced_columns] == ["HS_CNT"]
    assert r.tables["results"]["high_scorers"].isna().all()


def test_a_mapping_saved_by_the_store_is_applied_by_the_generic_reader():
    sig = _signature(EXPORT)
    asked = []

    def lookup(signature):
        asked.append(signature)
        return {"HS_CNT": "high_scorers"} if signature == sig else None

    r = load_bytes("ege_2025.csv", EXPORT, registry=REGISTRY, mappings=lookup)
    assert r.ok and not r.unplaced_columns and not r.warnings
    assert r.tables["results"].set_index("school_id")["high_scorers"].to_dict() == {"sos1": 4, "sos2": 1}
    assert len(asked) == len(set(asked))  # each signature asked once per load
    same = load_bytes("ege_2025.csv", EXPORT, registry=REGISTRY, mappings={sig: {"HS_CNT": "high_scorers"}})
    assert same.tables["results"]["high_scorers"].tolist() == [4, 1]


def test_the_command_line_reads_the_mappings_file(tmp_path, monkeypatch):
    sig = _signature(EXPORT)
    path = tmp_path / "mappings.json"
    save_mapping(sig, {"HS_CNT": "высокобалльников"}, path)
    monkeypatch.setenv("DASHBOARD_MAPPINGS", str(path))
    r = load_bytes("ege_2025.csv", EXPORT, registry=REGISTRY)  # no mappings given: the file is read
    assert r.tables["results"]["high_scorers"].tolist() == [4, 1]
    (tmp_path / "ege_2025.csv").write_bytes(EXPORT)
    (tmp_path / "reg.csv").write_bytes(csv_bytes([["Код ОО", "Наименование ОО"], ["sos1", "МБОУ «Сосновская СОШ № 1»"],
                                                  ["sos2", "МБОУ «Сосновская СОШ № 2»"]]))
    out = subprocess.run([sys.executable, "-m", "loaders", str(tmp_path / "reg.csv"), str(tmp_path / "ege_2025.csv"),
                          "--json"], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "DASHBOARD_MAPPINGS": str(path)})
    assert out.returncode == 0, out.stdout + out.stderr
    res = json.loads(out.stdout)["results"]
    assert sorted(x["high_scorers"] for x in res) == [1, 4]


def test_the_users_own_mapping_wins_over_the_saved_one():
    sig = _signature(EXPORT)
    r = load_bytes("ege_2025.csv", EXPORT, registry=REGISTRY, mappings={sig: {"HS_CNT": "high_scorers"}},
                   mapping={"HS_CNT": "skip"})
    assert r.tables["results"]["high_scorers"].isna().all() and not r.unplaced_columns


def test_a_saved_mapping_can_make_a_foreign_header_recognisable(tmp_path, monkeypatch):
    plain = load_bytes("ege_2025.csv", FOREIGN, registry=REGISTRY, mappings={})
    assert plain.tables["results"].empty  # no school column known: not a results table
    given = {"EDU_NAME": "school", "SUBJ": "subject", "PASSED": "participants", "AVG_SCORE": "mean"}
    once = load_bytes("ege_2025.csv", FOREIGN, registry=REGISTRY, mapping=given, mappings={})
    assert once.ok, [p.text() for p in once.problems]
    sig = once.detected[0]["signature"]
    path = tmp_path / "mappings.json"
    save_mapping(sig, given, path)
    assert load_mapping(sig, path)["EDU_NAME"] == "school_name"
    monkeypatch.setenv("DASHBOARD_MAPPINGS", str(path))
    again = load_bytes("ege_2025.csv", FOREIGN, registry=REGISTRY)
    assert again.ok, [p.text() for p in again.problems]
    row = again.tables["results"].iloc[0]
    assert (row["school_id"], row["subject"], row["participants"], row["mean"], row["exam"]) == (
        "sos1", "Химия", 12, 60.5, "ЕГЭ")


# ------------------------------------------------------------------ events through the generic template

EVENTS_HEAD = ["№", "Мероприятие", "Сроки", "Ответственные"]


def test_template_events_get_control_dates_from_the_title_years():
    data = csv_bytes([["План мероприятий на 2025-2026 годы"], EVENTS_HEAD,
                      ["1.1", "Совещание директоров", "Март 2026 г.", "Отдел"],
                      ["1.2", "Мониторинг", "Ежегодно ноябрь", "ИМЦ"],
                      ["1.3", "Консультации", "В течение учебного года", "ИМЦ"],
                      ["1.4", "Отчёт", "до 31 октября 2025 года", "Отдел"]])
    r = load_bytes("план.csv", data)
    assert r.ok, [p.text() for p in r.problems]
    assert r.detected[0]["layout"] == "tabular"
    ev = r.tables["events"].set_index("number")
    assert ev.loc["1.1", "control_dates"] == ["2026-03-31"]
    assert ev.loc["1.2", "control_dates"] == ["2025-11-30", "2026-11-30"]
    assert (ev.loc["1.3", "schedule"], ev.loc["1.3", "control_dates"]) == ("continuous", [])
    assert (ev.loc["1.4", "schedule"], ev.loc["1.4", "control_dates"]) == ("dated", ["2025-10-31"])
    assert ev.loc["1.2", "deadline_text"] == "Ежегодно ноябрь"  # the text is kept beside the dates


def test_template_events_without_title_take_the_years_their_dates_name():
    data = csv_bytes([EVENTS_HEAD, ["1", "Совещание", "Март 2026 г.", "Отдел"],
                      ["2", "Мониторинг", "Ежегодно ноябрь", "ИМЦ"], ["3", "Отчёт", "07.12.2025", "Отдел"]])
    r = load_bytes("events.csv", data)
    ev = r.tables["events"].set_index("number")
    assert ev.loc["2", "control_dates"] == ["2025-11-30", "2026-11-30"]  # programme years 2025–2026
    assert ev.loc["3", "control_dates"] == ["2025-12-07"]


def test_template_events_without_any_year_keep_the_text_and_say_why():
    data = csv_bytes([EVENTS_HEAD, ["1", "Мониторинг", "Ежегодно ноябрь", "ИМЦ"]])
    r = load_bytes("events.csv", data)
    ev = r.tables["events"].iloc[0]
    assert ev["control_dates"] == [] and ev["deadline_text"] == "Ежегодно ноябрь"
    assert any("годы программы не найдены" in p.message for p in r.warnings)
    with_year = load_bytes("events.csv", data, year=2026)  # school year 2025/26
    assert with_year.tables["events"].iloc[0]["control_dates"] == ["2025-11-30"]


def test_template_events_with_their_own_control_dates_keep_them():
    data = csv_bytes([["№", "Мероприятие", "Сроки", "Контрольные даты", "Вид срока"],
                      ["1", "Совещание", "Март 2026 г.", "2026-03-15", "к сроку"]])
    r = load_bytes("events.csv", data)
    assert r.ok, [p.text() for p in r.problems]
    assert r.tables["events"].iloc[0]["control_dates"] == ["2026-03-15"]


def test_command_line_save_map_then_the_same_shape_is_read_without_map(tmp_path):
    path = tmp_path / "mappings.json"
    env = {**os.environ, "DASHBOARD_MAPPINGS": str(path)}
    (tmp_path / "reg.csv").write_bytes(csv_bytes([["Код ОО", "Наименование ОО"], ["sos1", "МБОУ «Сосновская СОШ № 1»"]]))
    (tmp_path / "ege_2025.csv").write_bytes(FOREIGN)

    def run(*extra):
        return subprocess.run([sys.executable, "-m", "loaders", str(tmp_path / "reg.csv"),
                               str(tmp_path / "ege_2025.csv"), *extra], cwd=ROOT, capture_output=True, text=True,
                              env=env)

    plain = run("--json")  # foreign headers: the sheet is skipped with a warning
    assert json.loads(plain.stdout)["results"] == [] and "лист пропущен" in plain.stdout
    assert not path.exists()
    first = run("--map", "EDU_NAME=school,SUBJ=subject,PASSED=participants,AVG_SCORE=mean", "--save-map")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "сохранено" in first.stderr
    again = run("--json")
    assert again.returncode == 0, again.stdout + again.stderr
    res = json.loads(again.stdout)["results"]
    assert [(r["school_id"], r["subject"], r["participants"]) for r in res] == [("sos1", "Химия", 12)]
