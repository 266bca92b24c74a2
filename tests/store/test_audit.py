"""Is every upload logged, kept for re-reading, and undoable back to exactly the previous state?"""
from __future__ import annotations

import datetime as dt
import hashlib

import pandas as pd
import pytest

from store import StoreError
from tests.store.helpers import EVENTS, RESULTS, SCHOOLS, VALUES, full_result, res, result


def test_history_records_who_what_when(store):
    data = b"PK\x03\x04 fake xlsx bytes"
    uid = store.accept(full_result(), "Результаты_2024.xlsx", data, user="методист Петрова")
    h = store.history()
    assert list(h.columns[:11]) == ["upload_id", "at", "user", "source", "file_name", "sha256", "tables", "added",
                                    "changed", "replaced", "undone_at"]
    row = h.iloc[0]
    assert row.upload_id == uid == 1
    assert row.user == "методист Петрова" and row.source == "upload" and row.file_name == "Результаты_2024.xlsx"
    assert row.sha256 == hashlib.sha256(data).hexdigest()
    assert row.tables == "schools, indicators, values, events, results"
    assert (row.added, row.changed, row.replaced) == (3 + 2 + 4 + 3 + 8, 0, 0)
    assert row.undone_at is None and bool(row.file_kept)
    at = dt.datetime.fromisoformat(row["at"])
    assert at.tzinfo is not None and abs((dt.datetime.now().astimezone() - at).total_seconds()) < 60
    assert store.accept(result(results=[RESULTS[0]]), "b.csv", b"b") == 2
    assert store.history()["user"].tolist() == ["методист Петрова", "аноним"]


def test_original_bytes_are_kept_for_re_reading(store):
    data = bytes(range(256)) * 1000
    uid = store.accept(full_result(), "a.xlsx", data)
    assert store.file_bytes(uid) == ("a.xlsx", data)
    with pytest.raises(StoreError, match="не найдена"):
        store.file_bytes(99)


def test_undo_restores_state_byte_for_byte(store):
    store.accept(full_result(), "all.xlsx", b"1")
    before = store.table_checksums()
    hist_version = store.version()
    new_vpr = [res(2024, "ВПР", "Математика", "sos1", 61, 3.9, 5), res(2024, "ВПР", "Математика", "sos1", 30, 3.1, 9)]
    uid = store.accept(result(results=new_vpr, values=[{**VALUES[1], "value": 2.0}],
                              events=[{**EVENTS[0], "control_dates": []}]), "fix.xlsx", b"2")
    assert store.table_checksums() != before
    store.undo(uid, user="начальник")
    assert store.table_checksums() == before
    assert store.version() not in (hist_version,)
    h = store.history().set_index("upload_id")
    assert h.loc[uid, "undone_at"] is not None and h.loc[uid, "undone_by"] == "начальник"
    # replaced grades 6 and 7 are back, with their own values
    got = store.read("results")
    assert got[(got.exam == "ВПР") & (got.subject == "Математика") & (got.school_id == "sos1")]["grade"].tolist() == [5, 6, 7]


def test_undo_of_first_upload_empties_the_store(store):
    empty = store.table_checksums()
    uid = store.accept(full_result(), "all.xlsx", b"1")
    store.undo(uid)
    assert store.table_checksums() == empty
    assert all(store.read(t).empty for t in ("schools", "results", "events"))


def test_undo_refused_when_a_later_upload_built_on_it(store):
    u1 = store.accept(result(results=RESULTS), "ege.xlsx", b"1")
    s1 = store.table_checksums()
    u2 = store.accept(result(results=[res(2024, "ЕГЭ", "Русский язык", "sos1", 48, 72.0, 11)]), "ege_fix.xlsx", b"2")
    s2 = store.table_checksums()
    u3 = store.accept(result(schools=SCHOOLS), "registry.xlsx", b"3")  # independent of u1
    with pytest.raises(StoreError) as err:
        store.undo(u1)
    msg = str(err.value)
    assert "нельзя отменить отдельно" in msg and "№ 2" in msg and "ege_fix.xlsx" in msg and "№ 3" not in msg
    assert store.history()["undone_at"].isna().all()
    # undoing in the right order works
    store.undo(u3)
    assert store.table_checksums() == s2
    store.undo(u2)
    assert store.table_checksums() == s1
    store.undo(u1)
    assert all(store.read(t).empty for t in ("results", "schools"))


def test_undo_independent_earlier_upload_keeps_later_ones(store):
    u1 = store.accept(result(schools=SCHOOLS), "registry.xlsx", b"1")
    u2 = store.accept(result(results=RESULTS), "ege.xlsx", b"2")
    results_sum = store.table_checksums()["results"]
    store.undo(u1)
    assert store.read("schools").empty
    assert store.table_checksums()["results"] == results_sum
    assert u2 == 2


def test_cascade_undoes_later_uploads_newest_first(store):
    empty = store.table_checksums()
    u1 = store.accept(result(results=RESULTS), "ege.xlsx", b"1")
    store.accept(result(results=[res(2024, "ЕГЭ", "Русский язык", "sos1", 48, 72.0, 11)]), "fix1.xlsx", b"2")
    # u3 touches only what u2 touched: a dependency through u2
    u3 = store.accept(result(results=[res(2024, "ЕГЭ", "Русский язык", "sos1", 49, 72.5, 11)]), "fix2.xlsx", b"3")
    store.undo(u1, cascade=True)
    assert store.table_checksums() == empty
    assert store.history()["undone_at"].notna().all()
    with pytest.raises(StoreError, match="уже отменена"):
        store.undo(u3)


def test_slice_removed_then_re_added_is_a_dependency(store):
    store.accept(result(results=RESULTS[3:6]), "vpr.xlsx", b"1")  # grades 5, 6, 7
    u2 = store.accept(result(results=RESULTS[3:4]), "vpr_5.xlsx", b"2")  # removes grades 6, 7
    u3 = store.accept(result(results=[RESULTS[5]]), "vpr_7.xlsx", b"3")  # adds grade 7 back (different slice? no: same)
    with pytest.raises(StoreError, match="№ 3"):
        store.undo(u2)
    store.undo(u2, cascade=True)
    assert store.read("results")["grade"].tolist() == [5, 6, 7]
    assert u3 == 3


def test_undo_of_unknown_upload(store):
    with pytest.raises(StoreError, match="не найдена"):
        store.undo(5)


def test_sources_show_what_is_loaded(store):
    store.accept(full_result(), "all.xlsx", b"1")
    u2 = store.accept(result(results=[res(2025, "ЕГЭ", "Русский язык", "sos1", 50, 73.0, 11)]), "ege_2025.xlsx", b"2")
    s = store.sources()
    assert list(s.columns) == ["upload_id", "at", "source", "file_name", "table", "title", "written", "rows", "latest_year"]
    r = s.set_index(["upload_id", "table"])
    assert r.loc[(1, "results"), "rows"] == 8 and r.loc[(1, "results"), "latest_year"] == 2024
    assert r.loc[(u2, "results"), "rows"] == 1 and r.loc[(u2, "results"), "latest_year"] == 2025
    assert r.loc[(1, "events"), "title"] == "План мероприятий" and pd.isna(r.loc[(1, "events"), "latest_year"])
    store.undo(u2)
    assert set(store.sources()["upload_id"]) == {1}


def test_aliases_are_saved_for_known_schools_only(store):
    store.accept(result(schools=SCHOOLS), "registry.xlsx", b"1")
    store.save_alias("Сосновская сош № 1", "sos1")
    store.save_alias("МКОУ Кедровская основная школа", "kedr")
    store.save_alias("Сосновская сош № 1", "kedr")  # a correction replaces the old choice
    assert store.aliases() == {"Сосновская сош № 1": "kedr", "МКОУ Кедровская основная школа": "kedr"}
    with pytest.raises(StoreError, match="нет в реестре"):
        store.save_alias("Школа № 99", "sch99")
    with pytest.raises(StoreError):
        store.save_alias("", "sos1")


def test_header_mappings_are_saved_by_signature(store):
    assert store.mapping("abc123") is None
    store.save_mapping("abc123", {"EDU_NAME": "school", "PASSED_NUMBER_FULL": "participants"})
    assert store.mapping("abc123") == {"EDU_NAME": "school", "PASSED_NUMBER_FULL": "participants"}
    store.save_mapping("abc123", {"EDU_NAME": "school"})
    assert store.mapping("abc123") == {"EDU_NAME": "school"}
    with pytest.raises(StoreError):
        store.save_mapping("x", {"a": 1})


def test_dependents_lists_later_uploads_that_changed_the_same_rows(store):
    u1 = store.accept(result(results=RESULTS), "ege.xlsx", b"1")
    u2 = store.accept(result(results=[res(2024, "ЕГЭ", "Русский язык", "sos1", 48, 72.0, 11)]), "fix1.xlsx", b"2")
    u3 = store.accept(result(results=[res(2024, "ЕГЭ", "Русский язык", "sos1", 49, 72.5, 11)]), "fix2.xlsx", b"3")
    u4 = store.accept(result(schools=SCHOOLS), "registry.xlsx", b"4")  # touches nothing of the others
    assert store.dependents(u1) == [u3, u2]  # newest first, u3 through u2
    assert store.dependents(u2) == [u3]
    assert store.dependents(u3) == [] and store.dependents(u4) == []
    store.undo(u3)
    assert store.dependents(u1) == [u2]  # an undone upload no longer counts
    assert store.dependents(99) == []
