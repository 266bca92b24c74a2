"""What would a load change in the store, and how is it written without loss?

`diff` and `accept` share one comparison. The stored rows that a load could
touch are fetched with one coarse indexed query per table (results: the load's
years × exams; values: its years; the small tables whole), and matched to the
incoming rows with a pandas merge on the natural key (`model.KEYS`; NULLs in a
key match each other). Nothing is compared row by row in Python.

Replacement rules (issue 6, item 3):
- results replace the slice year × exam × subject × school: stored rows of a
  slice present in the file but absent from it are «replaced» (removed); other
  slices are untouched;
- values, indicators, events and schools are upserted by their key; nothing
  else is removed.

`accept` runs in ONE write transaction (BEGIN IMMEDIATE … COMMIT), and compares
again inside it so the counts are those of the state it writes over. The upload
log row, the kept file bytes, the undo journal (the exact previous row of every
key the upload overwrites or removes, and a marker for every key it creates)
and the data change are committed together or not at all.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from loaders.model import KEYS, TABLE_TITLES, TABLES, columns
from loaders.report import LoadResult
from store.db import StoreError, write
from store.tables import (SLICES, col_list, convert_column, data_table, python_value, q, serialise, to_frame,
                          undo_table, value_columns)

PROTOCOL_NOTE = "исходный файл не хранится: персональные данные"
# Test hook: make the writer sleep inside the transaction (after the data change, before COMMIT),
# touching the flag file first, so a test can kill it mid-write. Never set in production.
PAUSE_ENV = "DASHBOARD_STORE_PAUSE_IN_WRITE"
PAUSE_FLAG_ENV = "DASHBOARD_STORE_PAUSE_FLAG"


@dataclass
class TableDiff:
    table: str
    rows: int  # incoming rows
    added: pd.DataFrame  # model columns: rows whose key is new to the store (as the file gives them)
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
    values: dict[str, pd.DataFrame]  # per table: SQLite values, object columns in model order
    filled: dict[str, list[str]]  # per table: the columns with at least one value (the others stay NULL)
    source: dict[str, pd.DataFrame]  # per table: the frame as the loaders gave it (index 0…n-1)
    protocol: bool


@dataclass
class Plan:
    """How one table's incoming rows meet the stored ones."""
    table: str
    incoming: pd.DataFrame  # serialised incoming rows
    matched_pos: np.ndarray  # positions (in incoming) whose key is stored
    added_pos: np.ndarray  # positions whose key is new
    old_matched: pd.DataFrame  # stored rows for matched_pos, aligned with it (model cols + _k + _upload_id)
    changed_mask: np.ndarray  # over matched_pos: any value differs
    replaced: pd.DataFrame  # stored rows removed by slice replacement (model cols + _k + _upload_id)

    def counts(self) -> dict[str, int]:
        changed = int(self.changed_mask.sum())
        return {"rows": len(self.incoming), "added": len(self.added_pos), "changed": changed,
                "replaced": len(self.replaced), "unchanged": len(self.matched_pos) - changed}


def now_iso() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def is_protocol(result: LoadResult) -> bool:
    """Did any sheet of this load come from a per-participant protocol, or did any file hold people's names
    (`LoadResult.personal_files`)? Then the original bytes are not kept."""
    return bool(getattr(result, "personal_files", None)) or any(
        str(d.get("layout") or "").startswith("protocol") for d in (result.detected or []))


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
    values, source, filled = {}, {}, {}
    for t in TABLES:
        df = (result.tables or {}).get(t)
        if df is None or len(df) == 0:
            continue
        values[t] = serialise(t, df)
        filled[t] = [c for c in columns(t) if values[t][c].notna().any()]
        source[t] = df.reset_index(drop=True)
    if not values:
        raise StoreError("В файле не найдено ни одной строки данных — сохранять нечего.")
    return Prepared(values=values, filled=filled, source=source, protocol=is_protocol(result))


# ---------------------------------------------------------------- comparison

def _fetch_scope(con: sqlite3.Connection, table: str, incoming: pd.DataFrame) -> pd.DataFrame:
    """Stored rows (model cols + _k + _upload_id, raw SQLite values) that the incoming rows could touch.

    results: per (year, exam) of the load, a range of the unique key index — the key JSON starts with
    them, e.g. every key of ЕГЭ 2024 lies between «[2024,"ЕГЭ",» and «[2024,"ЕГЭ"-» (BINARY order);
    values: the load's years; the small tables whole.
    """
    cols = [*columns(table), "_k", "_upload_id"]
    select = f"SELECT {col_list(table)}, _k, _upload_id FROM {data_table(table)}"
    rows: list = []
    if table == "results":
        pairs = incoming[["year", "exam"]].drop_duplicates().itertuples(index=False, name=None)
        for year, exam in pairs:  # a handful of (year, exam) pairs per file
            rows += con.execute(
                f"{select} WHERE _k > substr(json_array(?1, ?2), 1, length(json_array(?1, ?2)) - 1) || ',' "
                f"AND _k < substr(json_array(?1, ?2), 1, length(json_array(?1, ?2)) - 1) || '-'",
                (year, exam)).fetchall()
    elif table == "values":
        years = [v for v in pd.unique(incoming["year"]) if v is not None]
        rows = con.execute(f"{select} WHERE year IN ({', '.join('?' * len(years))})", years).fetchall()
    else:
        rows = con.execute(select).fetchall()
    return pd.DataFrame(rows, columns=cols, dtype=object) if rows else pd.DataFrame({c: pd.Series(dtype=object) for c in cols})


def plan(con: sqlite3.Connection, table: str, incoming: pd.DataFrame) -> Plan:
    keys = list(KEYS[table])
    stored = _fetch_scope(con, table, incoming)
    stored["_srow"] = np.arange(len(stored))
    left = incoming[keys].copy()
    left["_pos"] = np.arange(len(incoming))
    m = left.merge(stored[[*keys, "_srow"]], on=keys, how="left", sort=False)
    hit = m["_srow"].notna().to_numpy()
    matched_pos = m["_pos"].to_numpy()[hit].astype(np.int64)
    added_pos = m["_pos"].to_numpy()[~hit].astype(np.int64)
    old = stored.iloc[m["_srow"].to_numpy()[hit].astype(np.int64)].reset_index(drop=True)
    new = incoming.iloc[matched_pos].reset_index(drop=True)
    changed_mask = np.zeros(len(matched_pos), dtype=bool)
    for c in value_columns(table):
        changed_mask |= new[c].to_numpy(dtype=object) != old[c].to_numpy(dtype=object)
    if table in SLICES and len(stored):
        sl = list(SLICES[table])
        in_slice = stored[sl].merge(incoming[sl].drop_duplicates(), on=sl, how="left", indicator=True)["_merge"] == "both"
        kept = np.zeros(len(stored), dtype=bool)
        kept[old["_srow"].to_numpy(dtype=np.int64)] = True
        replaced = stored[in_slice.to_numpy() & ~kept]
    else:
        replaced = stored.iloc[0:0]
    return Plan(table, incoming, matched_pos, added_pos, old, changed_mask, replaced.reset_index(drop=True))


def _changed_long(p: Plan) -> pd.DataFrame:
    """key columns…, column, old, new — one line per changed value, in file order then column order."""
    keys = list(KEYS[p.table])
    spec = {c.name: c for c in TABLES[p.table]}
    new = p.incoming.iloc[p.matched_pos].reset_index(drop=True)
    parts = []
    for i, c in enumerate(value_columns(p.table)):
        a, b = new[c].to_numpy(dtype=object), p.old_matched[c].to_numpy(dtype=object)
        mask = a != b
        if not mask.any():
            continue
        part = new.loc[mask, keys].copy()
        part["_order"], part["_col"] = np.flatnonzero(mask), i
        part["column"] = c
        part["old"] = [python_value(spec[c], v) for v in b[mask]]
        part["new"] = [python_value(spec[c], v) for v in a[mask]]
        parts.append(part)
    cols = [*keys, "column", "old", "new"]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols}).astype(
            {k: convert_column(spec[k], pd.Series([], dtype=object)).dtype for k in keys})
    # column-wise object arrays rather than pd.concat: parts whose old/new values are all empty must not sway dtypes
    long = pd.DataFrame({c: np.concatenate([part[c].to_numpy(dtype=object) for part in parts])
                         for c in parts[0].columns})
    long = long.sort_values(["_order", "_col"], kind="stable").reset_index(drop=True)
    out = pd.DataFrame({k: convert_column(spec[k], long[k]) for k in keys})
    for c in ("column", "old", "new"):
        out[c] = long[c].astype(object)
    return out


def diff(con: sqlite3.Connection, prepared: Prepared) -> Diff:
    """Compare a prepared load with the store, in one read snapshot; nothing is written."""
    con.execute("BEGIN")
    try:
        plans = {t: plan(con, t, v) for t, v in prepared.values.items()}
    finally:
        con.execute("ROLLBACK")
    out = Diff()
    for t, p in plans.items():
        c = p.counts()
        added = prepared.source[t].iloc[p.added_pos].reset_index(drop=True)
        replaced = to_frame(t, p.replaced[columns(t)].itertuples(index=False, name=None))
        out.tables[t] = TableDiff(t, c["rows"], added, _changed_long(p), replaced, c["unchanged"], c["changed"])
    return out


# ---------------------------------------------------------------- accept

def pause_for_tests() -> None:
    seconds = os.environ.get(PAUSE_ENV)
    if not seconds:
        return
    flag = os.environ.get(PAUSE_FLAG_ENV)
    if flag:
        Path(flag).write_text(str(os.getpid()))
    time.sleep(float(seconds))


def _tuples(frame: pd.DataFrame) -> list[tuple]:
    """Rows of a frame of SQLite values as plain tuples (column lists zipped: 4× faster than itertuples)."""
    return list(zip(*(frame[c].tolist() for c in frame.columns)))


def _journal_and_apply(con: sqlite3.Connection, p: Plan, upload_id: int, filled: list[str]) -> None:
    table = p.table
    data, undo = data_table(table), undo_table(table)
    cols = col_list(table)
    n = len(columns(table))
    # The exact previous rows of every stored key the upload overwrites or removes…
    previous = pd.concat([p.old_matched, p.replaced], ignore_index=True)[["_k", *columns(table), "_upload_id"]]
    previous = previous.sort_values("_k", kind="stable")  # key order (str order = SQLite BINARY): index appends
    if len(previous):
        con.executemany(
            f"INSERT INTO {undo} (upload_id, existed, _k, {cols}, _upload_id) VALUES ({upload_id}, 1, ?, "
            f"{', '.join('?' * n)}, ?)", _tuples(previous))
        con.executemany(f"DELETE FROM {data} WHERE _k = ?", ((k,) for k in previous["_k"]))
    # …then the new rows (binding only the columns the file fills: an ЕГЭ export leaves the mark counts empty),
    # and a marker for every key that did not exist before.
    last_rowid = con.execute(f"SELECT COALESCE(MAX(rowid), 0) FROM {data}").fetchone()[0]
    con.executemany(
        f"INSERT INTO {data} ({', '.join(q(c) for c in filled)}, _upload_id) "
        f"VALUES ({', '.join('?' * len(filled))}, {upload_id})",
        _tuples(p.incoming[filled]))
    # New rows get rowids above the previous maximum, so they are found by a rowid range
    # (when nothing was stored before, every new row is a new key: no look-up in the journal);
    # markers go in key order, so the journal's key indexes are appended to rather than scattered into.
    if len(previous):
        con.execute(
            f"INSERT INTO {undo} (upload_id, existed, _k) SELECT ?, 0, d._k FROM {data} d WHERE d.rowid > ? "
            f"AND NOT EXISTS (SELECT 1 FROM {undo} u WHERE u.upload_id = ? AND u.existed = 1 AND u._k = d._k) "
            "ORDER BY d._k",
            (upload_id, last_rowid, upload_id),
        )
    else:
        con.execute(f"INSERT INTO {undo} (upload_id, existed, _k) SELECT ?, 0, _k FROM {data} WHERE rowid > ? ORDER BY _k",
                    (upload_id, last_rowid))


def store_version(con: sqlite3.Connection) -> int:
    return int(con.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()[0])


def store_state(con: sqlite3.Connection) -> tuple[str, int]:
    row = con.execute("SELECT value FROM meta WHERE key = 'store_id'").fetchone()
    return (str(row[0]) if row else "", store_version(con))


def clean_text(v: str | None) -> str:
    """Text from outside (file names, user names) without NUL characters."""
    return str(v or "").replace("\x00", "")


def bump_version(con: sqlite3.Connection) -> None:
    con.execute("UPDATE meta SET value = value + 1 WHERE key = 'version'")


def accept(con: sqlite3.Connection, prepared: Prepared, *, file_name: str, file_bytes: bytes, user: str,
           source: str, expect_version: int | None = None, only_if_empty: bool = False,
           note: str | None = None, before: Callable[[sqlite3.Connection], None] | None = None) -> int | None:
    """Write a prepared load in one transaction; return the new upload_id.

    expect_version: refuse if the store changed since the preview was computed.
    only_if_empty: write only if no upload was ever accepted (first-start seeding); else return None.
    before: run inside the same transaction before anything is compared or written (a reseed empties the store).
    The original bytes are kept unless the load came from a per-participant protocol.
    """
    if not isinstance(file_bytes, (bytes, bytearray, memoryview)):
        raise StoreError("Исходный файл должен быть передан как байты.")
    file_bytes = bytes(file_bytes)
    file_name, user = clean_text(file_name) or "без имени", clean_text(user)
    sha = hashlib.sha256(file_bytes).hexdigest()
    keep = not prepared.protocol
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
        if before is not None:
            before(con)
        cur = con.execute(
            'INSERT INTO uploads (at, "user", source, file_name, sha256, tables, added, changed, replaced, unchanged, '
            "file_kept, note) VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, 0, ?, ?)",
            (now_iso(), user or "аноним", source, file_name, sha, ", ".join(prepared.values), int(keep), note),
        )
        upload_id = int(cur.lastrowid)
        totals = {"added": 0, "changed": 0, "replaced": 0, "unchanged": 0}
        for t, incoming in prepared.values.items():
            p = plan(con, t, incoming)
            c = p.counts()
            con.execute(
                "INSERT INTO upload_tables (upload_id, table_name, rows, added, changed, replaced, unchanged) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (upload_id, t, c["rows"], c["added"], c["changed"], c["replaced"], c["unchanged"]),
            )
            for k in totals:
                totals[k] += c[k]
            try:
                _journal_and_apply(con, p, upload_id, prepared.filled[t])
            except sqlite3.IntegrityError as exc:
                raise StoreError(f"Таблица «{TABLE_TITLES[t]}»: запись нарушает уникальность ключа ({exc}). "
                                 "Данные не сохранены.") from exc
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
