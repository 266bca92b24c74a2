"""Does a write replace exactly the right rows, report the right diff, and store a whole file or nothing?"""
from __future__ import annotations

import pandas as pd
import pytest

import store.writes as writes
from loaders.report import Problem
from store import StoreError
from tests.store.helpers import EVENTS, INDICATORS, RESULTS, SCHOOLS, VALUES, full_result, res, result


def test_results_replace_only_the_same_slice(store):
    store.accept(result(results=RESULTS), "ege_vpr_2024.xlsx", b"v1")
    # New file for slice 2024 × ВПР × Математика × sos1: grade 5 changed, grade 6 identical,
    # grade 7 absent (→ replaced), grade 8 new. Other slices (Русский язык sos1, Математика kedr, ЕГЭ) untouched.
    new = [
        res(2024, "ВПР", "Математика", "sos1", 60, 3.7, 5, mark2=4, mark3=20, mark4=25, mark5=11, lowered=6, confirmed=50, raised=4),
        RESULTS[4],
        res(2024, "ВПР", "Математика", "sos1", 50, 3.2, 8, mark2=10, mark3=20, mark4=15, mark5=5),
    ]
    d = store.diff(result(results=new))
    t = d.tables["results"]
    assert (t.rows, len(t.added), t.changed_rows, len(t.replaced), t.unchanged) == (3, 1, 1, 1, 1)
    assert t.added["grade"].tolist() == [8]
    assert t.replaced[["subject", "school_id", "grade", "participants"]].values.tolist() == [["Математика", "sos1", 7, 55]]
    assert t.changed[["year", "exam", "subject", "grade", "school_id"]].drop_duplicates().values.tolist() == \
        [[2024, "ВПР", "Математика", 5, "sos1"]]
    assert t.changed[["column", "old", "new"]].values.tolist() == [["mean", 3.6, 3.7], ["mark2", 5, 4], ["mark5", 10, 11]]
    summary = d.summary()
    assert summary.to_dict("records") == [{"table": "results", "title": "Результаты оценочных процедур", "rows": 3,
                                           "added": 1, "changed": 1, "replaced": 1, "unchanged": 1}]

    store.accept(result(results=new), "vpr_math_sos1.xlsx", b"v2")
    got = store.read("results")
    assert len(got) == len(RESULTS) - 1 + 1
    math_sos1 = got[(got.exam == "ВПР") & (got.subject == "Математика") & (got.school_id == "sos1")]
    assert math_sos1["grade"].tolist() == [5, 6, 8] and math_sos1["mean"].tolist() == [3.7, 3.4, 3.2]
    untouched = got[~((got.exam == "ВПР") & (got.subject == "Математика") & (got.school_id == "sos1"))]
    assert len(untouched) == 5
    h = store.history().iloc[-1]
    assert (h.added, h.changed, h.replaced, h.unchanged) == (1, 1, 1, 1)


def test_values_upsert_by_key_including_district_rows(store):
    store.accept(result(values=VALUES), "plan.xlsx", b"v1")
    new = [
        {"indicator_id": "1.1", "school_id": None, "year": 2024, "kind": "fact", "value": 1.9},  # district fact changes
        {"indicator_id": "1.1", "school_id": None, "year": 2025, "kind": "plan", "value": 1.2},  # new year
    ]
    d = store.diff(result(values=new)).tables["values"]
    assert (len(d.added), d.changed_rows, len(d.replaced), d.unchanged) == (1, 1, 0, 0)
    assert d.changed.values.tolist() == [["1.1", None, 2024, "fact", "value", 2.1, 1.9]]
    store.accept(result(values=new), "fact.xlsx", b"v2")
    got = store.read("values")
    assert len(got) == 5  # 4 kept/updated + 1 new; nothing removed
    district_fact = got[(got.indicator_id == "1.1") & got.school_id.isna() & (got.year == 2024) & (got.kind == "fact")]
    assert district_fact["value"].tolist() == [1.9]


def test_indicators_events_schools_upsert(store):
    store.accept(full_result(), "all.xlsx", b"v1")
    ev = [{**EVENTS[0], "status": "done", "control_dates": ["2013-04-30"]}]
    sch = [{**SCHOOLS[2], "students": 70}]
    ind = [{**INDICATORS[1], "tolerance": 0.1}, {"indicator_id": "2.1", "name": "Доля педагогов с категорией, %"}]
    d = store.diff(result(events=ev, schools=sch, indicators=ind))
    assert d.tables["events"].changed.values.tolist() == [["1.1.1", "control_dates", ["2013-04-30", "2014-04-30"], ["2013-04-30"]]]
    assert d.tables["schools"].changed.values.tolist() == [["kedr", 2024, "students", 64, 70]]
    assert d.tables["indicators"].changed_rows == 1 and d.tables["indicators"].added["indicator_id"].tolist() == ["2.1"]
    assert all(len(t.replaced) == 0 for t in d.tables.values())
    store.accept(result(events=ev, schools=sch, indicators=ind), "upd.xlsx", b"v2")
    assert len(store.read("events")) == 3 and len(store.read("schools")) == 3 and len(store.read("indicators")) == 3


def test_unchanged_file_gives_empty_diff(store):
    store.accept(full_result(), "all.xlsx", b"v1")
    d = store.diff(full_result())
    assert d.is_empty
    assert d.summary()["unchanged"].sum() == len(SCHOOLS) + len(INDICATORS) + len(VALUES) + len(EVENTS) + len(RESULTS)


def test_file_with_errors_cannot_be_accepted_and_store_is_unchanged(store):
    store.accept(full_result(), "all.xlsx", b"v1")
    before, hist, version = store.table_checksums(), store.history(), store.version()
    bad = result(results=[res(2024, "ЕГЭ", "Русский язык", "sos1", 48, 99.0, 11)],
                 problems=[Problem("error", "не число", file="bad.xlsx", sheet="Факт", row=12, column="2020 год", value="4.5.1")])
    with pytest.raises(StoreError) as err:
        store.accept(bad, "bad.xlsx", b"bad")
    assert "Файл «bad.xlsx», лист «Факт», строка 12, столбец «2020 год»" in str(err.value)
    assert "хранилище не изменено" in str(err.value)
    assert store.table_checksums() == before and store.version() == version
    pd.testing.assert_frame_equal(store.history(), hist)


def test_warnings_do_not_block(store):
    lr = result(results=RESULTS, problems=[Problem("warning", "направление не указано")])
    assert store.accept(lr, "w.xlsx", b"w") == 1


def test_empty_load_is_refused(store):
    with pytest.raises(StoreError, match="ни одной строки"):
        store.accept(result(), "empty.xlsx", b"")


def test_version_changes_on_every_write_and_stale_preview_is_refused(store):
    v0 = store.version()
    store.accept(result(results=RESULTS[:2]), "a.xlsx", b"a")
    v1 = store.version()
    assert v1 != v0
    preview_version = v1
    store.accept(result(results=RESULTS[2:4]), "b.xlsx", b"b")
    assert store.version() not in (v0, v1)
    with pytest.raises(StoreError, match="изменились"):
        store.accept(result(results=RESULTS[4:]), "c.xlsx", b"c", expect_version=preview_version)
    assert store.accept(result(results=RESULTS[4:]), "c.xlsx", b"c", expect_version=store.version()) == 3


def test_failure_in_the_middle_of_a_write_leaves_nothing(store, monkeypatch):
    store.accept(result(results=RESULTS[:3]), "a.xlsx", b"a")
    before, hist = store.table_checksums(), store.history()
    real = writes._journal_and_apply

    def fail_on_results(con, plan, upload_id, filled):
        real(con, plan, upload_id, filled)  # schools etc. are written first …
        if plan.table == "results":
            raise RuntimeError("диск переполнен")  # … then the write breaks

    monkeypatch.setattr(writes, "_journal_and_apply", fail_on_results)
    with pytest.raises(RuntimeError):
        store.accept(full_result(), "all.xlsx", b"all")
    assert store.table_checksums() == before
    pd.testing.assert_frame_equal(store.history(), hist)
    monkeypatch.undo()
    assert store.accept(full_result(), "all.xlsx", b"all") == 2  # the store still works


def test_diff_does_not_write(store):
    store.accept(result(results=RESULTS), "a.xlsx", b"a")
    before, v = store.table_checksums(), store.version()
    store.diff(result(results=[RESULTS[0]], values=VALUES))
    assert store.table_checksums() == before and store.version() == v


def test_frame_changed_in_place_after_preview_is_stored_as_changed(store):
    lr = result(results=RESULTS)
    store.diff(lr)  # the preview prepares (and remembers) the load
    lr.tables["results"].loc[0, "mean"] = 80.5
    store.accept(lr, "a.xlsx", b"a")
    got = store.read("results")
    assert got[(got.exam == "ЕГЭ") & (got.subject == "Русский язык") & (got.school_id == "sos1")]["mean"].tolist() == [80.5]


def test_slice_scope_does_not_leak_across_exams_and_years(store):
    """The stored rows a results file may replace are found by a key range per (year, exam); neighbours stay."""
    stored = [
        res(2024, "ЕГЭ", "Физика", "sos1", 10, 50.0, 11),
        res(2024, "ЕГЭ", "Физика", "sos1", 3, 40.0, None),  # no grade: NULL inside the key
        res(2024, "Пробный ЕГЭ", "Физика", "sos1", 12, 45.0, 11),
        res(2024, "ЕГЭ \"осень\"", "Физика", "sos1", 2, 30.0, 11),  # quotes are escaped in the key JSON
        res(2025, "ЕГЭ", "Физика", "sos1", 11, 52.0, 11),
        res(2024, "ОГЭ", "Физика", "sos1", 30, 3.9, 9),
    ]
    store.accept(result(results=stored), "all.xlsx", b"1")
    d = store.diff(result(results=[res(2024, "ЕГЭ", "Физика", "sos1", 10, 51.0, 11)])).tables["results"]
    assert d.replaced[["exam", "year", "participants"]].values.tolist() == [["ЕГЭ", 2024, 3]]
    assert d.changed_rows == 1 and len(d.added) == 0
    d2 = store.diff(result(results=[res(2024, "ЕГЭ \"осень\"", "Физика", "sos1", 2, 31.0, 11)])).tables["results"]
    assert (d2.changed_rows, len(d2.added), len(d2.replaced)) == (1, 0, 0)
