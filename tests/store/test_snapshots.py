"""Does a table read from its Arrow snapshot equal the table read from SQLite, and is a stale one never used?"""
from __future__ import annotations

import shutil

import pandas.testing as pdt
import pytest

import store as store_module
from store import open_store, snapshots
from tests.store.helpers import RESULTS, full_result, res, result


@pytest.fixture(autouse=True)
def _every_table_is_long(monkeypatch):
    monkeypatch.setattr(store_module, "SNAPSHOT_MIN_ROWS", 1)  # the helpers' tables are a few rows


def _files(s) -> list[str]:
    return sorted(p.name.split("-")[0] for p in snapshots.folder(s.path).glob("*.arrow"))


def _no_sql(monkeypatch):
    def refuse(*a, **k):
        raise AssertionError("read from SQLite although a current snapshot is kept")
    monkeypatch.setattr(store_module, "to_frame", refuse)


@pytest.mark.parametrize("table", ["schools", "indicators", "values", "results"])
def test_a_snapshot_reads_back_exactly_the_table_sqlite_gives(store, table, monkeypatch):
    store.accept(full_result(), "all.xlsx", b"x")
    from_sql = store.read(table)
    assert table in _files(store)
    _no_sql(monkeypatch)
    again = store.read(table)
    pdt.assert_frame_equal(again, from_sql, check_dtype=True)
    if "year" in again:
        assert str(again["year"].dtype) == "Int64"
    if table == "values":  # None stays None in a text column, not NaN
        assert again.loc[again["school_id"].isna(), "school_id"].tolist() == [None] * 3
    if table == "results":  # equal strings share one object, as from SQLite
        subjects = again["exam"].tolist()
        assert subjects[0] is next(x for x in subjects[1:] if x == subjects[0])


def test_the_events_lists_of_dates_get_no_snapshot_and_still_read_right(store):
    store.accept(full_result(), "all.xlsx", b"x")
    ev = store.read("events").set_index("number")
    assert "events" not in _files(store)  # Arrow would turn the lists into arrays: not kept
    assert store.read("events").set_index("number").loc["1.1.1", "control_dates"] == ["2013-04-30", "2014-04-30"]
    assert ev.loc["2.6", "control_dates"] is None


def test_an_upload_or_an_undo_makes_the_old_snapshot_unused_and_gone(store):
    store.accept(full_result(), "all.xlsx", b"x")
    before = store.read("results")
    old = sorted(snapshots.folder(store.path).glob("results-*.arrow"))
    uid = store.accept(result(results=[res(2025, "ЕГЭ", "Русский язык", "sos1", 30, 66.0, 11)]), "2025.xlsx", b"y")
    after = store.read("results")
    assert len(after) == len(before) + 1 and 2025 in set(after["year"])
    new = sorted(snapshots.folder(store.path).glob("results-*.arrow"))
    assert len(new) == 1 and new != old  # the older one deleted
    store.undo(uid)
    pdt.assert_frame_equal(store.read("results"), before)


def test_a_damaged_snapshot_is_ignored(store, caplog):
    store.accept(full_result(), "all.xlsx", b"x")
    good = store.read("results")
    (path,) = snapshots.folder(store.path).glob("results-*.arrow")
    path.write_bytes(b"not an arrow file")
    pdt.assert_frame_equal(store.read("results"), good)
    assert "unreadable" in caplog.text


def _checkpoint(path):
    import sqlite3

    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


def test_a_store_restored_from_a_backup_that_went_another_way_is_not_read_from_the_old_snapshot(tmp_path):
    empty = tmp_path / "seed"
    empty.mkdir()
    s = open_store(tmp_path / "store.sqlite", seed_folder=empty)
    s.accept(full_result(), "all.xlsx", b"x")
    _checkpoint(s.path)
    shutil.copyfile(s.path, tmp_path / "backup.sqlite")  # version 1
    s.accept(result(results=[res(2025, "ЕГЭ", "Русский язык", "sos1", 30, 66.0, 11)]), "a.xlsx", b"a")
    assert 2025 in set(s.read("results")["year"])  # snapshot of version 2, history A
    _checkpoint(s.path)
    shutil.copyfile(tmp_path / "backup.sqlite", s.path)  # restored: version 1 again
    s.accept(result(results=[res(2023, "ЕГЭ", "Русский язык", "sos1", 25, 61.0, 11)]), "b.xlsx", b"b")  # version 2, B
    years = set(s.read("results")["year"])
    assert 2023 in years and 2025 not in years
    assert len(s.read("results")) == len(RESULTS) + 1


def test_a_snapshot_that_cannot_be_written_only_costs_a_slower_read(store, monkeypatch):
    store.accept(full_result(), "all.xlsx", b"x")
    monkeypatch.setattr(snapshots, "folder", lambda p: p.parent / "missing" / "\0bad")
    assert len(store.read("results")) == len(RESULTS)
