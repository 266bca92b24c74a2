"""Is the schema created and upgraded step by step, in transactions, and does it match the data model?"""
from __future__ import annotations

import sqlite3

import pytest

import store.migrations as migrations
from loaders.model import TABLES, columns
from store import Store, StoreError, open_store
from store.db import connect
from store.migrations import MIGRATIONS, Migration, latest_version, migrate
from tests.store.helpers import full_result


def _cols(con, table):
    return [r[1] for r in con.execute(f"SELECT * FROM pragma_table_xinfo('{table}')")]


def test_fresh_store_has_latest_schema_matching_the_model(tmp_path):
    s = Store(tmp_path / "s.sqlite")
    con = sqlite3.connect(s.path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == latest_version() == 5
    for t in TABLES:
        assert _cols(con, f"data_{t}") == [*columns(t), "_upload_id", "_k"]
        assert _cols(con, f"undo_{t}") == ["upload_id", "existed", "_k", *columns(t), "_upload_id"]
        sql = con.execute("SELECT sql FROM sqlite_master WHERE name = ?", (f"data_{t}",)).fetchone()[0]
        assert sql.rstrip().endswith("STRICT")
    con.close()


def test_connection_pragmas(tmp_path):
    con = connect(tmp_path / "s.sqlite", busy_timeout_ms=1234, create=True)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert con.execute("PRAGMA busy_timeout").fetchone()[0] == 1234
    assert con.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    con.close()


def test_reopening_keeps_data_and_does_not_migrate_again(tmp_path):
    s = Store(tmp_path / "s.sqlite")
    s.accept(full_result(), "all.xlsx", b"1")
    sums = s.table_checksums()
    again = Store(tmp_path / "s.sqlite")
    assert again.table_checksums() == sums and len(again.history()) == 1


def test_upgrade_from_version_1(tmp_path):
    path = tmp_path / "old.sqlite"
    con = connect(path, create=True)
    migrations._run(con, MIGRATIONS[0])
    con.execute("PRAGMA user_version = 1")
    con.close()
    s = Store(path)
    assert s.accept(full_result(), "all.xlsx", b"1") == 1
    assert len(s.read("results")) == 8


def test_database_from_a_newer_program_is_refused(tmp_path):
    path = tmp_path / "new.sqlite"
    Store(path)
    con = sqlite3.connect(path)
    con.execute("PRAGMA user_version = 99")
    con.close()
    with pytest.raises(StoreError, match="более новой версией"):
        Store(path)


def test_failing_step_is_rolled_back_whole(tmp_path, monkeypatch):
    path = tmp_path / "s.sqlite"
    Store(path).accept(full_result(), "all.xlsx", b"1")
    bad = Migration(6, "broken step", "CREATE TABLE half_done (a TEXT); INSERT INTO no_such_table VALUES (1)")
    monkeypatch.setattr(migrations, "MIGRATIONS", [*MIGRATIONS, bad])
    with pytest.raises(StoreError, match="версии 6.*осталось на версии 5"):
        Store(path)
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == 5
    assert con.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'half_done'").fetchone()[0] == 0
    con.close()
    monkeypatch.setattr(migrations, "MIGRATIONS", MIGRATIONS)
    assert len(Store(path).read("results")) == 8


def test_migrate_twice_is_a_no_op(tmp_path):
    con = connect(tmp_path / "s.sqlite", create=True)
    assert migrate(con) == 5 and migrate(con) == 5
    con.close()


def test_open_store_path_from_env_and_relative_paths(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_STORE", str(tmp_path / "env.sqlite"))
    s = open_store(seed_folder=tmp_path / "none")
    assert s.path == tmp_path / "env.sqlite" and s.path.exists()
    assert open_store(tmp_path / "arg.sqlite", seed_folder=tmp_path / "none").path == tmp_path / "arg.sqlite"
    from metrics.settings import ROOT
    from store import _resolve
    assert _resolve("data/store.sqlite") == ROOT / "data" / "store.sqlite"


def test_store_in_a_new_folder_is_created(tmp_path):
    s = open_store(tmp_path / "a" / "b" / "store.sqlite", seed_folder=tmp_path / "none")
    assert s.path.exists()
    assert [p.severity for p in s.seed_problems] == ["warning"] and "не найдена" in s.seed_problems[0].message
