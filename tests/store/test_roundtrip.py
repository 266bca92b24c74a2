"""Does every tidy table come back out of the store exactly as it went in, and is anything outside the model refused?"""
from __future__ import annotations

import pandas as pd
import pandas.testing as pdt
import pytest

from loaders.model import TABLES, columns
from store import StoreError
from tests.store.helpers import EVENTS, RESULTS, VALUES, frame, full_result, result, res


def _sorted(df: pd.DataFrame, table: str) -> pd.DataFrame:
    from loaders.model import KEYS
    return df.sort_values(list(KEYS[table]), na_position="first", kind="stable").reset_index(drop=True)


@pytest.mark.parametrize("table", list(TABLES))
def test_each_table_round_trips_with_loader_dtypes(store, table):
    lr = full_result()
    store.accept(lr, "all.xlsx", b"x")
    got = store.read(table)
    assert list(got.columns) == columns(table)
    pdt.assert_frame_equal(got, _sorted(lr.tables[table], table), check_dtype=True)


def test_dtypes_and_special_values(store):
    store.accept(full_result(), "all.xlsx", b"x")
    ev = store.read("events").set_index("number")
    assert ev.loc["1.1.1", "control_dates"] == ["2013-04-30", "2014-04-30"]
    assert ev.loc["1.1.2", "control_dates"] == []
    assert ev.loc["2.6", "control_dates"] is None
    vals = store.read("values")
    assert vals["school_id"].isna().sum() == 3 and vals.loc[vals["school_id"].isna(), "school_id"].tolist() == [None] * 3
    assert str(vals["year"].dtype) == "Int64"
    r = store.read("results")
    assert str(r["participants"].dtype) == "Int64" and r["mean"].dtype == "float64"
    assert r["lowered"].isna().sum() == 5
    sch = store.read("schools")
    assert sch.loc[sch["year"].isna(), "school_id"].tolist() == ["sos1"]
    ind = store.read("indicators").set_index("indicator_id")
    assert pd.isna(ind.loc["1.1", "tolerance"]) and ind.loc["1.2", "group"] == "Результаты ГИА"


def test_read_all_matches_read(store):
    store.accept(full_result(), "all.xlsx", b"x")
    everything = store.read_all()
    assert set(everything) == set(TABLES)
    for t, df in everything.items():
        pdt.assert_frame_equal(df, store.read(t))


def test_empty_store_reads_empty_typed_tables(store):
    for t in TABLES:
        df = store.read(t)
        assert df.empty and list(df.columns) == columns(t)
    assert str(store.read("results")["year"].dtype) == "Int64"


def test_unknown_table_is_refused(store):
    with pytest.raises(StoreError, match="Неизвестная таблица"):
        store.read("pupils")


def test_column_outside_model_is_refused_and_nothing_is_written(store):
    before = store.table_checksums()
    lr = result(results=RESULTS)
    lr.tables["results"]["surname"] = "Иванов"
    with pytest.raises(StoreError, match="столбцы вне модели данных: surname"):
        store.accept(lr, "p.xlsx", b"x")
    with pytest.raises(StoreError, match="вне модели"):
        store.diff(lr)
    assert store.table_checksums() == before and store.history().empty


@pytest.mark.parametrize("table, column, value, message", [
    ("results", "participants", "двенадцать", "ожидалось число"),
    ("results", "participants", 12.5, "ожидалось целое число"),
    ("results", "subject", 5, "ожидался текст"),
    ("values", "kind", "прогноз", "недопустимое значение"),
    ("events", "completion_date", "20.04.2014", "ожидалась дата"),
    ("events", "control_dates", "2014-04-30", "ожидался список дат"),
    ("results", "school_id", None, "обязательное значение не заполнено"),
])
def test_wrong_values_are_refused_with_table_and_column(store, table, column, value, message):
    base = {"results": RESULTS, "values": VALUES, "events": EVENTS}[table]
    lr = result(**{table: base})
    df = lr.tables[table]
    df[column] = df[column].astype(object)
    df.at[1, column] = value
    with pytest.raises(StoreError, match=message) as err:
        store.accept(lr, "bad.xlsx", b"x")
    assert "запись 1" in str(err.value) and f"({column})" in str(err.value)
    assert store.history().empty


def test_duplicate_key_in_load_is_refused(store):
    lr = result(results=[RESULTS[0], RESULTS[0]])
    with pytest.raises(StoreError, match="повторяется ключ"):
        store.accept(lr, "dup.xlsx", b"x")


def test_blank_school_id_means_district_and_matches_none(store):
    store.accept(result(values=VALUES), "v.xlsx", b"x")
    lr = result(values=[{**VALUES[0], "school_id": "  ", "value": 1.7}])
    d = store.diff(lr).tables["values"]
    assert len(d.added) == 0 and d.changed_rows == 1
    assert d.changed[["column", "old", "new"]].values.tolist() == [["value", 1.5, 1.7]]


def test_missing_optional_columns_are_stored_empty(store):
    df = frame("results", [RESULTS[0]])[["year", "exam", "subject", "grade", "school_id", "participants", "mean"]]
    lr = result()
    lr.tables["results"] = df
    store.accept(lr, "short.csv", b"x")
    got = store.read("results")
    assert got.loc[0, "participants"] == 48 and pd.isna(got.loc[0, "high_scorers"])


def test_missing_key_column_is_refused(store):
    lr = result()
    lr.tables["results"] = frame("results", [RESULTS[0]]).drop(columns=["school_id"])
    with pytest.raises(StoreError, match="нет обязательного столбца «Код ОО»"):
        store.accept(lr, "short.csv", b"x")


def test_float_values_are_kept_exactly(store):
    tricky = [0.1 + 0.2, 1 / 3, 4.38, 71.25000000000001]
    lr = result(results=[res(2024, "ЕГЭ", f"s{i}", "sos1", 10, v, 11) for i, v in enumerate(tricky)])
    store.accept(lr, "f.xlsx", b"x")
    got = store.read("results").set_index("subject")["mean"]
    assert [got[f"s{i}"] for i in range(4)] == tricky
    assert store.diff(lr).is_empty
