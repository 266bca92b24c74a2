"""Is an empty store seeded once from its folder, as upload #1 by «система», without ever crashing the app?"""
from __future__ import annotations

import io
import zipfile

import pytest

import store.seed as seed_mod
from loaders.report import Problem
from store import open_store
from tests.store.helpers import RESULTS, SCHOOLS, full_result, result

RESULTS_CSV = ("Год;Процедура;Предмет;Класс;Код ОО;Участников;Средний балл;Не преодолели минимальный порог\n"
               "2024;ЕГЭ;Русский язык;11;sos1;48;71,25;1\n"
               "2024;ЕГЭ;Математика (профильная);11;sos1;20;55,5;2\n"
               "2024;ЕГЭ;Русский язык;11;kedr;4;52;0\n")


@pytest.fixture
def folder(tmp_path):
    f = tmp_path / "district"
    f.mkdir()
    (f / "results_2024.csv").write_text(RESULTS_CSV, encoding="utf-8")
    (f / "README.md").write_text("не таблица")
    (f / "generate.py").write_text("print()")
    (f / "~$results_2024.xlsx").write_bytes(b"lock")
    return f


def test_seeds_from_folder_with_the_real_loaders(tmp_path, folder):
    s = open_store(tmp_path / "s.sqlite", seed_folder=folder)
    assert s.seed_problems == []
    h = s.history()
    assert len(h) == 1
    row = h.iloc[0]
    assert (row.upload_id, row.user, row.source, row.file_name) == (1, "система", "seed", "district.zip")
    r = s.read("results").set_index(["subject", "school_id"])
    assert r.loc[("Русский язык", "sos1"), "mean"] == 71.25 and r.loc[("Русский язык", "kedr"), "participants"] == 4
    name, data = s.file_bytes(1)
    assert zipfile.ZipFile(io.BytesIO(data)).namelist() == ["results_2024.csv"]
    assert zipfile.ZipFile(io.BytesIO(data)).read("results_2024.csv").decode() == RESULTS_CSV


def test_seeds_only_once(tmp_path, folder, monkeypatch):
    path = tmp_path / "s.sqlite"
    s = open_store(path, seed_folder=folder)
    s.accept(result(schools=SCHOOLS), "registry.xlsx", b"r")
    calls = []
    monkeypatch.setattr(seed_mod, "_load", lambda files, aliases: calls.append(files) or full_result())
    again = open_store(path, seed_folder=folder)
    assert calls == [] and len(again.history()) == 2
    again.undo(2)
    again.undo(1)  # the user removed everything: still no re-seeding
    assert calls == [] and len(open_store(path, seed_folder=folder).history()) == 2


def test_zip_is_deterministic_and_leaves_protocols_out(tmp_path, folder, monkeypatch):
    (folder / "protocol_trial.csv").write_text("Код;Фамилия\n1;Зайцева\n", encoding="utf-8")
    detected = [{"file": str(folder / "results_2024.csv"), "layout": "tabular", "table": "results"},
                {"file": str(folder / "protocol_trial.csv"), "layout": "protocol", "table": "results"}]
    monkeypatch.setattr(seed_mod, "_load", lambda files, aliases: result(results=RESULTS, detected=detected))
    s = open_store(tmp_path / "s.sqlite", seed_folder=folder)
    row = s.history().iloc[0]
    assert row.file_kept and "protocol_trial.csv" in row.note
    name, data = s.file_bytes(1)
    assert zipfile.ZipFile(io.BytesIO(data)).namelist() == ["results_2024.csv"]
    assert "Зайцева".encode() not in s.path.read_bytes()
    files = seed_mod.seed_files(folder)
    assert [f.name for f in files] == ["protocol_trial.csv", "results_2024.csv"]
    assert seed_mod.bundle(files) == seed_mod.bundle(files)


def test_loader_errors_become_seed_problems_and_nothing_is_stored(tmp_path, folder, monkeypatch):
    bad = result(problems=[Problem("error", "не число", file="results_2024.csv", row=3, column="Участников", value="сорок")])
    monkeypatch.setattr(seed_mod, "_load", lambda files, aliases: bad)
    s = open_store(tmp_path / "s.sqlite", seed_folder=folder)
    texts = [p.text() for p in s.seed_problems]
    assert texts[0] == "Файл «results_2024.csv», строка 3, столбец «Участников»: «сорок» — не число"
    assert "не загружены" in texts[-1]
    assert s.history().empty and s.read("results").empty
    # the next start tries again, and succeeds once the files are fixed
    monkeypatch.setattr(seed_mod, "_load", lambda files, aliases: full_result())
    assert len(open_store(s.path, seed_folder=folder).history()) == 1


def test_loader_crash_does_not_crash_the_app(tmp_path, folder, monkeypatch):
    def boom(files, aliases):
        raise ValueError("неожиданный формат")
    monkeypatch.setattr(seed_mod, "_load", boom)
    s = open_store(tmp_path / "s.sqlite", seed_folder=folder)
    assert len(s.seed_problems) == 1 and s.seed_problems[0].severity == "error"
    assert "неожиданный формат" in s.seed_problems[0].message and s.history().empty


def test_empty_folder_gives_a_warning(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    s = open_store(tmp_path / "s.sqlite", seed_folder=empty)
    assert [p.severity for p in s.seed_problems] == ["warning"] and "нет таблиц" in s.seed_problems[0].message
    assert s.history().empty


def test_seed_folder_from_env(tmp_path, folder, monkeypatch):
    monkeypatch.setenv("DASHBOARD_SEED_FOLDER", str(folder))
    s = open_store(tmp_path / "s.sqlite")
    assert len(s.read("results")) == 3


def test_a_file_with_errors_is_left_out_and_the_rest_is_seeded(tmp_path, folder):
    (folder / "broken_results.csv").write_text(
        "Год;Процедура;Предмет;Класс;Код ОО;Участников;Средний балл\n2024;ЕГЭ;Химия;11;sos1;сорок;61\n", encoding="utf-8")
    s = open_store(tmp_path / "s.sqlite", seed_folder=folder)
    errors = [p for p in s.seed_problems if p.severity == "error"]
    assert errors and all(p.file and p.file.endswith("broken_results.csv") for p in errors)
    assert any("Не загружены файлы с ошибками: broken_results.csv" in p.message for p in s.seed_problems)
    assert len(s.read("results")) == 3 and "Химия" not in set(s.read("results")["subject"])
    _, data = s.file_bytes(1)
    assert zipfile.ZipFile(io.BytesIO(data)).namelist() == ["results_2024.csv"]
