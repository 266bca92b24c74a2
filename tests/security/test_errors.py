"""Russian errors, never a traceback: a full disk, a store deleted or locked while the app runs, a malformed
secrets file; NUL characters stripped; `python -m store reseed` and `users` from the console."""
from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
from streamlit import config

from loaders import load_bytes
from store import Store, StoreError, db
from tests.pages.conftest import ROOT, make_app, no_exception, texts, unescaped
from tests.upload.conftest import SAMPLE, XLSX, button, ege_2026_changed, results_xlsx, started, upload


def _errors(at) -> str:
    return " ".join(unescaped(e.value) for e in at.error)


def test_disk_full_during_accept_is_a_russian_sentence_and_changes_nothing(district_store, monkeypatch):
    store = district_store
    before, ver = store.table_checksums(), store.version()
    pages = sqlite3.connect(store.path).execute("PRAGMA page_count").fetchone()[0]
    real = db.connect

    def tiny_disk(*args, **kwargs):
        con = real(*args, **kwargs)
        con.execute(f"PRAGMA max_page_count = {pages + 2}")  # SQLite's «database or disk is full»
        return con
    monkeypatch.setattr(db, "connect", tiny_disk)
    rows = [[f"МБОУ Сосновская СОШ №{i % 2 + 1}", f"Предмет {i}", 10, 60] for i in range(3000)]
    at = upload(started(), "ЕГЭ_2026.xlsx", results_xlsx(rows), XLSX)
    button(at, "upl_accept").click().run()
    no_exception(at)
    err = _errors(at)
    assert "На диске не хватает места" in err and "данные не изменились" in err and "full" not in err
    monkeypatch.setattr(db, "connect", real)
    assert store.table_checksums() == before and store.version() == ver


def test_store_deleted_while_the_app_runs(district_store):
    at = started("pages/data.py")
    for suffix in ("", "-wal", "-shm"):
        district_store.path.with_name(district_store.path.name + suffix).unlink(missing_ok=True)
    for page in ("pages/data.py", "pages/overview.py", "pages/school.py"):
        at.switch_page(page)
        at.run()
        no_exception(at)
        assert "удалён или перемещён" in _errors(at) and "python -m store reseed" in _errors(at)
    assert not district_store.path.exists()  # never silently recreated empty


def test_store_locked_by_another_program(district_store):
    store = Store(district_store.path, {"store": {"busy_timeout_ms": 200}})
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        data = ege_2026_changed("88,8")
        with pytest.raises(StoreError, match="занято другой записью"):
            store.accept(load_bytes("x.csv", data, registry=store.read("schools")), "x.csv", data)
        assert len(store.read("results"))  # reading goes on meanwhile (WAL)
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_file_that_is_not_a_store(tmp_path):
    path = tmp_path / "s.sqlite"
    Store(path)
    path.write_bytes(b"not a database at all" * 100)
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    with pytest.raises(StoreError, match="не похож на хранилище"):
        Store(path)


def test_malformed_secrets_file_is_named_not_reported_as_missing(district_store, tmp_path):
    bad = tmp_path / "secrets.toml"
    bad.write_text('[gcp_service_account]\ntype = "service_account"\nprivate_key = "-----BEGIN\n', encoding="utf-8")
    before = config.get_option("secrets.files")
    config.set_option("secrets.files", [str(bad)])
    try:
        at = make_app()
        at.run()
        no_exception(at)
        err = _errors(at)
        assert "Файл секретов «secrets.toml» повреждён (строка 3" in err and "не настроен" not in texts(at)
        assert "BEGIN" not in texts(at)  # nothing of the file's content is shown
        assert not at.sidebar.file_uploader and not at.metric
    finally:
        config.set_option("secrets.files", before)


def test_nul_characters_never_reach_the_store(district_store):
    store = district_store
    padding = "".join(f"sos1;Предмет номер {i};10;60\r\n" for i in range(3000))  # past the first 64 KB
    text = "Код ОО;Предмет;Количество участников;Средний балл\r\n" + padding + "sos2;Хи\x00мия;10;60\r\n"
    data = text.encode("utf-8")
    assert data.index(b"\x00") > 65536
    result = load_bytes("ЕГЭ_2026.csv", data, registry=store.read("schools"))
    assert result.ok, [p.text() for p in result.errors[:3]]
    store.accept(result, "ЕГЭ\x00_2026.csv", data, user="редактор\x00")
    r = store.read("results")
    assert not r["subject"].str.contains("\x00").any() and "Химия" in set(r["subject"])
    last = store.history().iloc[-1]
    assert last["file_name"] == "ЕГЭ_2026.csv" and last["user"] == "редактор"


def _cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "store", *args], cwd=ROOT, input=stdin, capture_output=True,
                          text=True, timeout=120)


def test_reseed_and_users_from_the_console_while_the_app_runs(district_store, tmp_path):
    import shutil

    store = district_store
    at = started()
    first = int(store.history()["upload_id"].max())
    folder = tmp_path / "district"
    folder.mkdir()
    for name in ("registry.xlsx", "ege_2025.csv"):
        shutil.copyfile(SAMPLE / name, folder / name)
    done = _cli("--store", str(store.path), "reseed", "--folder", str(folder))
    assert done.returncode == 0, done.stderr
    assert f"загрузка № {first + 1}" in done.stdout
    at.run()
    no_exception(at)
    assert set(store.read("results")["year"]) == {2025}
    log = store.audit_log()
    assert log["action"].tolist() == ["reseed"] and log["user"].iloc[0].startswith("консоль")
    # a folder with errors changes nothing
    (folder / "broken.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    sums = store.table_checksums()
    failed = _cli("--store", str(store.path), "reseed", "--folder", str(folder))
    assert failed.returncode == 2 and "хранилище не изменено" in failed.stderr
    assert store.table_checksums() == sums
    # users
    assert _cli("--store", str(store.path), "users", "add", "petrova", "--role", "editor", "--password-stdin",
                stdin="длинный-пароль-2\n").returncode == 0
    assert store.authenticate("petrova", "длинный-пароль-2") == "editor"
    short = _cli("--store", str(store.path), "users", "add", "ivanov", "--role", "viewer", "--password-stdin",
                 stdin="корот\n")
    assert short.returncode == 2 and "слишком короткий" in short.stderr
    listed = _cli("--store", str(store.path), "users", "list")
    assert "petrova\teditor\tпароль" in listed.stdout
    hashed = sqlite3.connect(store.path).execute("SELECT password_hash FROM users").fetchone()[0]
    assert hashed.startswith("$argon2id$") and "длинный" not in hashed
    at.run()
    assert "Вход в панель" in texts(at)  # an account exists now: sign-in required
