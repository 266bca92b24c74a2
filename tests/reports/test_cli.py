"""Does `python -m reports` write each document, and refuse in Russian with exit 2 when it cannot?"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reports.__main__ import main
from tests.reports.conftest import pdf_pages

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def store_copy(district_file, tmp_path) -> Path:
    return Path(shutil.copyfile(district_file, tmp_path / "store.sqlite"))


def test_three_documents_from_the_command_line(store_copy, tmp_path, capsys):
    base = ["--store", str(store_copy), "--today", "2026-11-22"]
    assert main([*base, "programme", "--period", "2026-H1", "--out", str(tmp_path / "отчет.docx")]) == 0
    assert main([*base, "brief", "--year", "2026", "--out", str(tmp_path / "справка.pdf")]) == 0
    assert main([*base, "school", "kedr", "--year", "2026", "--out", str(tmp_path / "карточка.pdf")]) == 0
    out = capsys.readouterr().out
    assert out.count("Записано:") == 3 and "страниц: 1" in out
    from docx import Document

    assert Document(str(tmp_path / "отчет.docx")).paragraphs
    assert len(pdf_pages((tmp_path / "справка.pdf").read_bytes())) == 1
    assert "Кедровская ООШ" in pdf_pages((tmp_path / "карточка.pdf").read_bytes())[0]


def test_module_entry_point_runs_as_a_process(store_copy, tmp_path):
    r = subprocess.run([sys.executable, "-m", "reports", "--store", str(store_copy), "--today", "2026-11-22",
                        "brief", "--out", str(tmp_path / "b.docx")], cwd=ROOT, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "b.docx").stat().st_size > 10_000


@pytest.mark.parametrize("args, message", [
    (["programme", "--period", "2026-H3", "--out", "x.docx"], "не распознан"),
    (["brief", "--out", "x.txt"], "расширением"),
    (["school", "no_such", "--out", "x.pdf"], "нет ни в реестре"),
    (["brief"], "обязательные аргументы"),
])
def test_refusals_are_russian_with_exit_2(store_copy, tmp_path, capsys, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    assert main(["--store", str(store_copy), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_missing_data_is_exit_2(tmp_path, capsys, monkeypatch, empty_seed):
    monkeypatch.setenv("DASHBOARD_SEED_FOLDER", str(empty_seed))
    store = tmp_path / "empty.sqlite"
    from store import open_store

    open_store(path=store, seed_folder=empty_seed)
    assert main(["--store", str(store), "brief", "--out", str(tmp_path / "b.pdf")]) == 2
    assert "нет ни результатов" in capsys.readouterr().err
    assert main(["--store", str(store), "programme", "--period", "2026", "--out", str(tmp_path / "p.docx")]) == 2
    assert "не из чего составить" in capsys.readouterr().err
    assert not (tmp_path / "p.docx").exists()
    assert main(["--store", str(tmp_path / "нет.sqlite"), "brief", "--out", str(tmp_path / "b.pdf")]) == 2


@pytest.fixture
def empty_seed(tmp_path) -> Path:
    folder = tmp_path / "seed"
    folder.mkdir()
    return folder
