"""How does a tidy table map to SQL and back?

Each model table (`loaders/model.py`) is kept in a STRICT SQLite table
`data_<table>` with the model's columns in model order, plus two bookkeeping
columns: `_upload_id` (the accepted upload that last wrote the row) and `_k`, a
generated JSON array of the natural key (`model.KEYS`). `_k` makes keys with
NULLs (a district value has no school_id, a registry row may have no year)
compare as equal, which a plain unique index would not do.

`serialise` checks a LoadResult frame and turns it into SQLite values
(nullable ints to int/None, floats to float/None, `control_dates` lists to JSON
text), refusing anything outside the model; `to_frame` turns SQL rows back into
the same dtypes the loaders produce (Int64 counts and years, float64, object
strings with None, Python lists of ISO dates).
"""
from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from loaders.model import KEYS, TABLE_TITLES, TABLES, Column, columns
from store.db import StoreError

# Results replace a whole slice: every stored row of the same year × exam × subject × school.
SLICES: dict[str, tuple[str, ...]] = {"results": ("year", "exam", "subject", "school_id")}
ISO_DATE = r"\d{4}-\d{2}-\d{2}"


def data_table(table: str) -> str:
    return f"data_{table}"


def undo_table(table: str) -> str:
    return f"undo_{table}"


def q(name: str) -> str:
    """Quoted SQL identifier (model names such as "group" are SQL keywords)."""
    return '"' + name.replace('"', '""') + '"'


def base_kind(col: Column) -> str:
    return col.kind.split(":", 1)[0]


def enum_values(col: Column) -> tuple[str, ...]:
    return tuple(col.kind.split(":", 1)[1].split("|")) if col.kind.startswith("enum:") else ()


def col_list(table: str, prefix: str = "") -> str:
    """Comma-separated quoted model columns, optionally qualified (`d.`)."""
    return ", ".join(prefix + q(c) for c in columns(table))


def order_by(table: str, prefix: str = "") -> str:
    return ", ".join(prefix + q(c) for c in KEYS[table])


def value_columns(table: str) -> list[str]:
    """Model columns that are not part of the key (the ones a diff compares)."""
    return [c for c in columns(table) if c not in KEYS[table]]


def _where(table: str, col: Column) -> str:
    return f"таблица «{TABLE_TITLES[table]}», столбец «{col.header}» ({col.name})"


def _bad(table: str, col: Column, frame_index: Any, value: Any, what: str) -> StoreError:
    return StoreError(
        f"{_where(table, col)}, запись {frame_index}: значение «{value}» — {what}. "
        "Данные не сохранены."
    )


def _serialise_text(table: str, col: Column, s: pd.Series) -> np.ndarray:
    """Text columns, checked on their distinct values only (a 100,000-row file has a few hundred)."""
    try:
        codes, uniques = pd.factorize(s, use_na_sentinel=True)
    except TypeError:  # unhashable values such as lists
        raise _bad(table, col, s.index[0], s.iloc[0], "ожидался текст") from None
    out_uniques = np.empty(len(uniques) + 1, dtype=object)  # last slot: missing
    allowed = enum_values(col)
    for i, v in enumerate(uniques):
        if base_kind(col) == "date" and isinstance(v, (dt.date, pd.Timestamp)):
            v = pd.Timestamp(v).date().isoformat()  # dates may arrive as date objects: keep ISO text
        if not isinstance(v, str):
            row = int(np.flatnonzero(codes == i)[0])
            raise _bad(table, col, s.index[row], v, "ожидался текст")
        if "\x00" in v:
            v = v.replace("\x00", "")  # NUL never reaches the store, whatever the source
        if not v.strip():
            v = None  # an empty cell is a missing value, whatever the loader gave
        elif allowed and v not in allowed:
            row = int(np.flatnonzero(codes == i)[0])
            raise _bad(table, col, s.index[row], v, "недопустимое значение (допустимы: " + ", ".join(allowed) + ")")
        elif base_kind(col) == "date" and not re.fullmatch(ISO_DATE, v):
            row = int(np.flatnonzero(codes == i)[0])
            raise _bad(table, col, s.index[row], v, "ожидалась дата ГГГГ-ММ-ДД")
        out_uniques[i] = str(v) if v is not None else None
    return out_uniques[codes]  # code -1 picks the last slot: None


def _serialise_number(table: str, col: Column, s: pd.Series) -> np.ndarray:
    missing = s.isna().to_numpy()
    if s.dtype == bool or s.dtype == "boolean":
        raise _bad(table, col, s.index[0], s.iloc[0], "ожидалось число")
    nums = pd.to_numeric(s, errors="coerce")
    if str(nums.dtype) not in ("Int64", "Float64"):
        nums = nums.astype("float64")
    coerced_missing = nums.isna().to_numpy()
    bad = coerced_missing & ~missing
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise _bad(table, col, s.index[i], s.iloc[i], "ожидалось число")
    floats = nums.astype("float64").to_numpy(na_value=np.nan)
    if np.isinf(floats).any():
        i = int(np.flatnonzero(np.isinf(floats))[0])
        raise _bad(table, col, s.index[i], s.iloc[i], "бесконечное значение")
    if base_kind(col) in ("int", "year"):
        with np.errstate(invalid="ignore"):
            fractional = ~coerced_missing & (np.floor(floats) != floats)
        if fractional.any():
            i = int(np.flatnonzero(fractional)[0])
            raise _bad(table, col, s.index[i], s.iloc[i], "ожидалось целое число")
        out = np.full(len(floats), None, dtype=object)
        present = ~coerced_missing
        if present.any():
            out[present] = floats[present].astype(np.int64).astype(object)  # Python ints
        return out
    out = floats.astype(object)
    out[coerced_missing] = None
    return out


def _serialise_dates(table: str, col: Column, s: pd.Series) -> np.ndarray:
    out = np.empty(len(s), dtype=object)
    for i, v in enumerate(s.to_numpy(dtype=object)):  # events tables are small; values are lists
        if v is None or (not isinstance(v, (list, tuple, np.ndarray)) and pd.isna(v)):
            out[i] = None
            continue
        if not isinstance(v, (list, tuple, np.ndarray)):
            raise _bad(table, col, s.index[i], v, "ожидался список дат")
        items = []
        for d in v:
            if isinstance(d, (dt.date, pd.Timestamp)):
                d = pd.Timestamp(d).date().isoformat()
            if not isinstance(d, str) or not re.fullmatch(ISO_DATE, d):
                raise _bad(table, col, s.index[i], v, "ожидался список дат ГГГГ-ММ-ДД")
            items.append(d)
        out[i] = json.dumps(items, ensure_ascii=False)
    return out


def serialise(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """Check a tidy frame against the model and turn it into SQLite values (object columns, model order, index 0…n-1).

    Refuses (StoreError, Russian): columns outside the model (nothing unexpected — e.g. participant
    names — is ever written), missing key columns, values of the wrong type, empty required values.
    Optional model columns absent from the frame are stored as empty.
    """
    if table not in TABLES:
        raise StoreError(f"Неизвестная таблица «{table}».")
    title = TABLE_TITLES[table]
    extra = [str(c) for c in df.columns if c not in columns(table)]
    if extra:
        raise StoreError(
            f"Таблица «{title}» содержит столбцы вне модели данных: {', '.join(extra)}. "
            "Хранилище принимает только столбцы модели; данные не сохранены."
        )
    if df.columns.duplicated().any():
        raise StoreError(f"Таблица «{title}»: повторяющиеся столбцы. Данные не сохранены.")
    serialised: list[np.ndarray] = []
    for col in TABLES[table]:
        if col.name not in df.columns:
            if col.required or col.name in KEYS[table]:
                raise StoreError(f"Таблица «{title}»: нет обязательного столбца «{col.header}» ({col.name}). Данные не сохранены.")
            serialised.append(np.full(len(df), None, dtype=object))
            continue
        s = df[col.name]
        kind = base_kind(col)
        if kind in ("str", "enum", "date"):
            vals = _serialise_text(table, col, s)
        elif kind in ("int", "year", "float"):
            vals = _serialise_number(table, col, s)
        else:
            vals = _serialise_dates(table, col, s)
        if col.required:
            empty = pd.isna(pd.Series(vals, dtype=object)).to_numpy()
            if empty.any():
                i = int(np.flatnonzero(empty)[0])
                raise StoreError(
                    f"{_where(table, col)}, запись {s.index[i]}: обязательное значение не заполнено "
                    f"(пустых: {int(empty.sum())}). Данные не сохранены."
                )
        serialised.append(vals)
    if len(df) and df.duplicated(subset=[k for k in KEYS[table]]).any():
        keyframe = pd.DataFrame({c: serialised[columns(table).index(c)] for c in KEYS[table]})
        dup = keyframe[keyframe.duplicated(keep=False)].head(1).to_dict("records")
        raise StoreError(
            f"Таблица «{title}»: повторяется ключ {dup[0] if dup else ''} — одна запись на ключ. Данные не сохранены."
        )
    return pd.DataFrame({c: v for c, v in zip(columns(table), serialised)}, columns=columns(table), dtype=object)


def to_frame(table: str, rows: Sequence[Sequence[Any]], cols: Sequence[str] | None = None) -> pd.DataFrame:
    """SQL rows (model columns, or `cols`) → a DataFrame with the loaders' dtypes.

    Column-wise (no per-row objects): 420,000 result rows convert in about 0.3 s. Equal strings
    share one Python object (a text column of a region holds a few hundred distinct values), which
    keeps a cached table small."""
    cols = list(cols or columns(table))
    rows = rows if isinstance(rows, list) else list(rows)
    spec = {c.name: c for c in TABLES[table]}
    columns_ = list(zip(*rows)) if rows else [() for _ in cols]
    out = {}
    for c, values in zip(cols, columns_):
        out[c] = _column(spec.get(c), c, values)
    return pd.DataFrame(out, columns=cols)


def _column(col: Column | None, name: str, values: Sequence[Any]) -> pd.Series:
    """A tuple of SQL values of one column → a Series of the loaders' dtype (object for unknown columns)."""
    kind = base_kind(col) if col is not None else "str"
    if kind in ("int", "year"):
        try:
            ints = np.array(values, dtype=np.int64)
            return pd.Series(pd.arrays.IntegerArray(ints, np.zeros(len(ints), dtype=bool)), name=name)
        except (TypeError, ValueError, OverflowError):  # NULLs present (or huge values): through float / objects
            pass
        try:
            floats = np.array(values, dtype=np.float64)
        except (TypeError, ValueError):
            return convert_column(col, pd.Series(values, dtype=object, name=name))
        missing = np.isnan(floats)
        if np.abs(np.where(missing, 0, floats)).max(initial=0) >= 2 ** 53:  # float would round: exact path
            return convert_column(col, pd.Series(values, dtype=object, name=name))
        return pd.Series(pd.arrays.IntegerArray(np.where(missing, 0, floats).astype(np.int64), missing), name=name)
    if kind == "float":
        try:
            return pd.Series(np.array(values, dtype=np.float64), name=name)
        except (TypeError, ValueError):
            return convert_column(col, pd.Series(values, dtype=object, name=name))
    if kind == "dates":
        return pd.Series([None if v is None else json.loads(v) for v in values], dtype=object, name=name)
    objs = np.empty(len(values), dtype=object)
    objs[:] = values
    if kind in ("str", "enum", "date"):
        objs = shared_objects(objs)
    return pd.Series(objs, dtype=object, name=name)


def shared_objects(objs: np.ndarray) -> np.ndarray:
    """An object array whose equal values are one Python object (a region's text column holds a few hundred
    distinct values among 420,000 cells); missing values (None, NaN) stay as they are, unhashable ones too."""
    if not len(objs):
        return objs
    try:
        codes, uniques = pd.factorize(objs, use_na_sentinel=True)
    except TypeError:  # unhashable values: keep them as they are
        return objs
    shared = np.empty(len(uniques) + 1, dtype=object)
    shared[:-1] = uniques
    out = shared[codes]
    missing = codes == -1
    out[missing] = objs[missing]
    return out


def convert_column(col: Column, raw: pd.Series) -> pd.Series:
    """One column of SQL values → the loaders' dtype for that model column."""
    kind = base_kind(col)
    values = raw.to_numpy(dtype=object)
    if kind in ("int", "year"):
        return pd.Series(pd.array(values, dtype="Int64"), index=raw.index, name=col.name)
    if kind == "float":
        return pd.Series(pd.array(values, dtype="Float64").to_numpy(dtype="float64", na_value=np.nan),
                         index=raw.index, name=col.name)
    if kind == "dates":
        return pd.Series([None if v is None else json.loads(v) for v in values], index=raw.index, dtype=object, name=col.name)
    return pd.Series(values, index=raw.index, dtype=object, name=col.name)


def python_value(col: Column, value: Any) -> Any:
    """One SQL value → the Python value a reader expects (lists for dates, None for NULL)."""
    if value is None:
        return None
    if base_kind(col) == "dates":
        return json.loads(value)
    return value
