"""What would a load change in the store, and how is it written without loss?

`diff` and `accept` share one set-based algorithm. The incoming rows of each
table go into a TEMP staging table (executemany, then SQL joins on the
canonical key `_k`); nothing is compared row by row in Python.

Replacement rules (issue 6, item 3):
- results replace the slice year × exam × subject × school: stored rows of a
  slice present in the file but absent from it are «replaced» (removed); other
  slices are untouched;
- values, indicators, events and schools are upserted by their key
  (`model.KEYS`); nothing else is removed.

`accept` runs in ONE write transaction (BEGIN IMMEDIATE … COMMIT): the upload
log row, the kept file bytes, the undo journal (the exact previous row of every
key the upload touches, or a marker that the key did not exist) and the data
change are committed together or not at all.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
import pandas as pd

from loaders.model import KEYS, TABLE_TITLES, TABLES, columns
from loaders.report import LoadResult
from store.db import StoreError, write
from store.tables import (SLICES, SQL_TYPES, base_kind, col_list, convert_column, data_table, key_json,
                          order_by, python_value, q, to_frame, to_rows, undo_table, value_columns)

PROTOCOL_NOTE = "исходный файл не хранится: персональные данные"
# Test hook: make the writer sleep inside the transaction (after the data change, before COMMIT),
# touching the flag file first, so a test can kill it mid-write. Never set in production.
PAUSE_ENV = "DASHBOARD_STORE_PAUSE_IN_WRITE"
PAUSE_FLAG_ENV = "DASHBOARD_STORE_PAUSE_FLAG"


@dataclass
class TableDiff:
    table: str
    rows: int  # incoming rows
    added: pd.DataFrame  # model columns
    changed: pd.DataFrame  # key columns…, column, old, new (one line per changed value)
    replaced: pd.DataFrame  # model columns: stored rows the write would remove
    unchanged: int
    changed_rows: int  # rows with at least one changed value


@dataclass
class Diff:
    tables: dict[str, TableDiff] = field(default_factory=dict)

    def summary(self) -> pd.DataFrame:
        """One line per table: table, title (Russian), rows, added, changed (rows), replaced, unchanged."""
        lines = [
            {"table": t, "title": TABLE_TITLES[t], "rows": d.rows, "added": len(d.added),
             "changed": d.changed_rows, "replaced": len(d.replaced), "unchanged": d.unchanged}
            for t, d in self.tables.items()
        ]
        cols = ["table", "title", "rows", "added", "changed", "replaced", "unchanged"]
        return pd.DataFrame(lines, columns=cols).astype({c: "int64" for c in cols[2:]})

    @property
    def is_empty(self) -> bool:
        """True when accepting would change nothing."""
        return all(len(d.added) == 0 and d.changed_rows == 0 and len(d.replaced) == 0 for d in self.tables.values())


@dataclass(frozen=True)
class Prepared:
    """A LoadResult checked and serialised for SQLite (done outside the write lock)."""
    rows: dict[str, list[tuple]]
    protocol: bool


def now_iso() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def is_protocol(result: LoadResult) -> bool:
    """Did any sheet of this load come from a per-participant protocol (names and codes in the file)?"""
    return any(str(d.get("layout") or "").startswith("protocol") for d in (result.detected or []))


def prepare(result: LoadResult) -> Prepared:
    """Refuse a load with errors, an empty load or anything outside the model; serialise the rest."""
    if not isinstance(result, LoadResult):
        raise StoreError("Ожидался результат загрузки (LoadResult).")
    errors = result.errors
    if errors:
        shown = "; ".join(p.text() for p in errors[:5])
        more = f" и ещё {len(errors) - 5}" if len(errors) > 5 else ""
        raise StoreError(
            f"Файл содержит ошибки ({len(errors)}), поэтому не может быть принят: {shown}{more}. "
            "Исправьте файл и загрузите его снова; хранилище не изменено."
        )
    unknown = [t for t in (result.tables or {}) if t not in TABLES]
    if unknown:
        raise StoreError(f"Неизвестные таблицы в результате загрузки: {', '.join(map(str, unknown))}. Данные не сохранены.")
    rows = {}
    for t in TABLES:
        df = (result.tables or {}).get(t)
        if df is None or len(df) == 0:
            continue
        rows[t] = to_rows(t, df)
    if not rows:
        raise StoreError("В файле не найдено ни одной строки данных — сохранять нечего.")
    return Prepared(rows, is_protocol(result))


# ---------------------------------------------------------------- staging and comparison (set-based SQL)

def _stage(con: sqlite3.Connection, table: str, rows: list[tuple]) -> str:
    name = f"stage_{table}"
    body = ", ".join(f"{q(c.name)} {SQL_TYPES[base_kind(c)]}" for c in TABLES[table])
    con.execute(f"DROP TABLE IF EXISTS temp.{name}")
    con.execute(f"CREATE TEMP TABLE {name} ({body}, _k TEXT GENERATED ALWAYS AS ({key_json(table)}) STORED) STRICT")
    marks = ", ".join("?" * len(columns(table)))
    con.executemany(f"INSERT INTO temp.{name} ({col_list(table)}) VALUES ({marks})", rows)
    try:
        con.execute(f"CREATE UNIQUE INDEX temp.{name}_k ON {name} (_k)")
    except sqlite3.IntegrityError as exc:
        raise StoreError(f"Таблица «{TABLE_TITLES[table]}»: повторяется ключ строки. Данные не сохранены.") from exc
    if table in SLICES:
        cols = ", ".join(q(c) for c in SLICES[table])
        con.execute(f"DROP TABLE IF EXISTS temp.slices_{table}")
        con.execute(f"CREATE TEMP TABLE slices_{table} AS SELECT DISTINCT {cols} FROM temp.{name}")
    return f"temp.{name}"


def _changed_condition(table: str, a: str = "s", b: str = "d") -> str:
    parts = [f"{a}.{q(c)} IS NOT {b}.{q(c)}" for c in value_columns(table)]
    return "(" + " OR ".join(parts) + ")" if parts else "0"


def _replaced_from(table: str) -> str:
    """FROM … WHERE … selecting stored rows `d` that the staged write would remove (driven by the slice index)."""
    data = data_table(table)
    if table not in SLICES:
        return f"FROM {data} d WHERE 0"
    on = " AND ".join(f"d.{q(c)} = x.{q(c)}" for c in SLICES[table])
    return (f"FROM temp.slices_{table} x JOIN {data} d ON {on} "
            f"WHERE NOT EXISTS (SELECT 1 FROM temp.stage_{table} s WHERE s._k = d._k)")


def _counts(con: sqlite3.Connection, table: str) -> dict[str, int]:
    data = data_table(table)
    n, added, changed = con.execute(
        f"SELECT COUNT(*), COALESCE(SUM(d._k IS NULL), 0), "
        f"COALESCE(SUM(d._k IS NOT NULL AND {_changed_condition(table)}), 0) "
        f"FROM temp.stage_{table} s LEFT JOIN {data} d ON d._k = s._k"
    ).fetchone()
    replaced = con.execute(f"SELECT COUNT(*) {_replaced_from(table)}").fetchone()[0]
    return {"rows": n, "added": added, "changed": changed, "replaced": replaced, "unchanged": n - added - changed}


def _table_diff(con: sqlite3.Connection, table: str) -> TableDiff:
    data = data_table(table)
    counts = _counts(con, table)
    added = to_frame(table, con.execute(
        f"SELECT {col_list(table, 's.')} FROM temp.stage_{table} s "
        f"WHERE NOT EXISTS (SELECT 1 FROM {data} d WHERE d._k = s._k) ORDER BY {order_by(table, 's.')}"
    ).fetchall())
    replaced = to_frame(table, con.execute(
        f"SELECT {col_list(table, 'd.')} {_replaced_from(table)} ORDER BY {order_by(table, 'd.')}"
    ).fetchall())
    keys = list(KEYS[table])
    spec = {c.name: c for c in TABLES[table]}
    selects = [
        f"SELECT {', '.join('s.' + q(k) for k in keys)}, {i} AS _pos, '{c}' AS _col, d.{q(c)} AS _old, s.{q(c)} AS _new "
        f"FROM temp.stage_{table} s JOIN {data} d ON d._k = s._k WHERE s.{q(c)} IS NOT d.{q(c)}"
        for i, c in enumerate(value_columns(table))
    ]
    raw = con.execute(" UNION ALL ".join(selects) + f" ORDER BY {', '.join(str(i + 1) for i in range(len(keys)))}, _pos").fetchall() \
        if selects else []
    frame = pd.DataFrame.from_records(raw, columns=[*keys, "_pos", "column", "old", "new"]) if raw else \
        pd.DataFrame({c: [] for c in [*keys, "_pos", "column", "old", "new"]})
    changed = pd.DataFrame({k: convert_column(spec[k], frame[k]) for k in keys})
    changed["column"] = frame["column"].astype(object)
    # old/new mix the types of different columns: plain Python values (lists for control dates).
    changed["old"] = pd.Series([python_value(spec[c], v) for c, v in zip(frame["column"], frame["old"])], dtype=object)
    changed["new"] = pd.Series([python_value(spec[c], v) for c, v in zip(frame["column"], frame["new"])], dtype=object)
    return TableDiff(table, counts["rows"], added, changed.reset_index(drop=True), replaced,
                     counts["unchanged"], counts["changed"])


def diff(con: sqlite3.Connection, prepared: Prepared) -> Diff:
    """Compare a prepared load with the store, in one read snapshot; nothing is written."""
    con.execute("BEGIN")
    try:
        out = Diff()
        for t, rows in prepared.rows.items():
            _stage(con, t, rows)
            out.tables[t] = _table_diff(con, t)
        return out
    finally:
        con.execute("ROLLBACK")  # drops the staging tables


# ---------------------------------------------------------------- accept

def pause_for_tests() -> None:
    seconds = os.environ.get(PAUSE_ENV)
    if not seconds:
        return
    flag = os.environ.get(PAUSE_FLAG_ENV)
    if flag:
        Path(flag).write_text(str(os.getpid()))
    time.sleep(float(seconds))


def _journal_and_apply(con: sqlite3.Connection, table: str, upload_id: int) -> None:
    data, undo = data_table(table), undo_table(table)
    cols = col_list(table)
    # Previous content of every stored key the upload overwrites or removes…
    con.execute(
        f"INSERT INTO {undo} (upload_id, existed, _k, {cols}, _upload_id) "
        f"SELECT ?, 1, d._k, {col_list(table, 'd.')}, d._upload_id "
        f"FROM temp.stage_{table} s JOIN {data} d ON d._k = s._k",
        (upload_id,),
    )
    con.execute(
        f"INSERT INTO {undo} (upload_id, existed, _k, {cols}, _upload_id) "
        f"SELECT ?, 1, d._k, {col_list(table, 'd.')}, d._upload_id {_replaced_from(table)}",
        (upload_id,),
    )
    # …and the keys it creates.
    con.execute(
        f"INSERT INTO {undo} (upload_id, existed, _k) SELECT ?, 0, s._k FROM temp.stage_{table} s "
        f"WHERE NOT EXISTS (SELECT 1 FROM {data} d WHERE d._k = s._k)",
        (upload_id,),
    )
    con.execute(f"DELETE FROM {data} WHERE _k IN (SELECT _k FROM {undo} WHERE upload_id = ? AND existed = 1)", (upload_id,))
    con.execute(f"INSERT INTO {data} ({cols}, _upload_id) SELECT {cols}, ? FROM temp.stage_{table}", (upload_id,))


def store_version(con: sqlite3.Connection) -> int:
    return int(con.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()[0])


def bump_version(con: sqlite3.Connection) -> None:
    con.execute("UPDATE meta SET value = value + 1 WHERE key = 'version'")


def accept(con: sqlite3.Connection, prepared: Prepared, *, file_name: str, file_bytes: bytes, user: str,
           source: str, expect_version: int | None = None, only_if_empty: bool = False,
           keep_file: bool | None = None, note: str | None = None) -> int | None:
    """Write a prepared load in one transaction; return the new upload_id.

    expect_version: refuse if the store changed since the preview was computed.
    only_if_empty: write only if no upload was ever accepted (first-start seeding); else return None.
    keep_file: keep the original bytes (default: yes, unless the load came from a protocol).
    """
    if not isinstance(file_bytes, (bytes, bytearray, memoryview)):
        raise StoreError("Исходный файл должен быть передан как байты.")
    file_bytes = bytes(file_bytes)
    sha = hashlib.sha256(file_bytes).hexdigest()
    keep = (not prepared.protocol) if keep_file is None else (keep_file and not prepared.protocol)
    if prepared.protocol:
        note = "; ".join(filter(None, [note, PROTOCOL_NOTE]))
    with write(con):
        if only_if_empty and con.execute("SELECT EXISTS (SELECT 1 FROM uploads)").fetchone()[0]:
            return None
        if expect_version is not None and store_version(con) != expect_version:
            raise StoreError(
                "С момента предпросмотра данные в хранилище изменились (другая загрузка или отмена). "
                "Обновите предпросмотр и примите файл снова."
            )
        cur = con.execute(
            'INSERT INTO uploads (at, "user", source, file_name, sha256, tables, added, changed, replaced, unchanged, '
            "file_kept, note) VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, 0, ?, ?)",
            (now_iso(), user or "аноним", source, file_name, sha, ", ".join(prepared.rows), int(keep), note),
        )
        upload_id = int(cur.lastrowid)
        totals = {"added": 0, "changed": 0, "replaced": 0, "unchanged": 0}
        for t, rows in prepared.rows.items():
            _stage(con, t, rows)
            c = _counts(con, t)
            con.execute(
                "INSERT INTO upload_tables (upload_id, table_name, rows, added, changed, replaced, unchanged) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (upload_id, t, c["rows"], c["added"], c["changed"], c["replaced"], c["unchanged"]),
            )
            for k in totals:
                totals[k] += c[k]
            _journal_and_apply(con, t, upload_id)
            con.execute(f"DROP TABLE temp.stage_{t}")
            if t in SLICES:
                con.execute(f"DROP TABLE temp.slices_{t}")
        con.execute(
            "UPDATE uploads SET added = ?, changed = ?, replaced = ?, unchanged = ? WHERE upload_id = ?",
            (totals["added"], totals["changed"], totals["replaced"], totals["unchanged"], upload_id),
        )
        if keep:
            con.execute("INSERT INTO upload_files (upload_id, file_name, content) VALUES (?, ?, ?)",
                        (upload_id, file_name, file_bytes))
        bump_version(con)
        pause_for_tests()
    return upload_id

