"""What was uploaded, by whom, and how is an upload undone exactly?

Every accepted upload has a row in `uploads` (when, who, source, file name,
SHA-256 of the bytes, tables, rows added/changed/replaced) and, unless it came
from a per-participant protocol, its original bytes in `upload_files`.

Undo replays the upload's journal (`undo_<table>`, written in the same
transaction as the upload): every key the upload touched is deleted and the
rows that existed before are put back as they were. That is exact only while no
later upload touched the same keys, so such later uploads are listed and the
undo is refused — or, with `cascade=True`, they are undone first, newest first,
all in one transaction.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3

import pandas as pd

from loaders.model import TABLE_TITLES, TABLES, columns
from store.db import StoreError, write
from store.tables import col_list, data_table, order_by, undo_table
from store.writes import bump_version, clean_text, now_iso, pause_for_tests, store_state

HISTORY_COLUMNS = ["upload_id", "at", "user", "source", "file_name", "sha256", "tables", "added", "changed",
                   "replaced", "undone_at", "unchanged", "undone_by", "file_kept", "note"]
SOURCES_COLUMNS = ["upload_id", "at", "source", "file_name", "table", "title", "written", "rows", "latest_year"]


def history(con: sqlite3.Connection) -> pd.DataFrame:
    rows = con.execute(
        'SELECT upload_id, at, "user", source, file_name, sha256, tables, added, changed, replaced, undone_at, '
        "unchanged, undone_by, file_kept, note FROM uploads ORDER BY upload_id"
    ).fetchall()
    df = pd.DataFrame.from_records(rows, columns=HISTORY_COLUMNS) if rows else \
        pd.DataFrame({c: pd.Series(dtype=object) for c in HISTORY_COLUMNS})
    for c in ("upload_id", "added", "changed", "replaced", "unchanged"):
        df[c] = df[c].astype("int64")
    df["file_kept"] = df["file_kept"].astype(bool)
    return df


def sources(con: sqlite3.Connection) -> pd.DataFrame:
    """Per accepted (not undone) upload and table: rows written, rows of it still in the store, latest year among them."""
    current: dict[tuple[int, str], tuple[int, int | None]] = {}
    for t in TABLES:
        year = "MAX(year)" if "year" in columns(t) else "NULL"
        for uid, n, latest in con.execute(f"SELECT _upload_id, COUNT(*), {year} FROM {data_table(t)} GROUP BY _upload_id"):
            current[(uid, t)] = (n, latest)
    rows = con.execute(
        "SELECT u.upload_id, u.at, u.source, u.file_name, t.table_name, t.rows FROM uploads u "
        "JOIN upload_tables t ON t.upload_id = u.upload_id WHERE u.undone_at IS NULL ORDER BY u.upload_id, t.table_name"
    ).fetchall()
    out = []
    for uid, at, source, file_name, table, written in rows:  # one line per upload × table: a handful
        n, latest = current.get((uid, table), (0, None))
        out.append([uid, at, source, file_name, table, TABLE_TITLES.get(table, table), written, n, latest])
    df = pd.DataFrame(out, columns=SOURCES_COLUMNS)
    df["latest_year"] = df["latest_year"].astype("Int64")
    for c in ("upload_id", "written", "rows"):
        df[c] = df[c].astype("int64")
    return df


def file_bytes(con: sqlite3.Connection, upload_id: int) -> tuple[str, bytes]:
    up = con.execute("SELECT file_name, file_kept, note FROM uploads WHERE upload_id = ?", (int(upload_id),)).fetchone()
    if up is None:
        raise StoreError(f"Загрузка № {upload_id} не найдена.")
    row = con.execute("SELECT file_name, content FROM upload_files WHERE upload_id = ?", (int(upload_id),)).fetchone()
    if row is None:
        why = up[2] or "исходный файл не сохранялся"
        raise StoreError(f"Исходный файл загрузки № {upload_id} («{up[0]}») недоступен: {why}.")
    return row[0], bytes(row[1])


def table_checksums(con: sqlite3.Connection) -> dict[str, str]:
    """SHA-256 of each table's canonical content: model columns, rows in key order, one JSON array per line.

    JSON keeps types apart (4 vs 4.0, NULL vs "") and writes floats in their shortest exact form.
    """
    out = {}
    for t in TABLES:
        h = hashlib.sha256()
        cur = con.execute(f"SELECT {col_list(t)} FROM {data_table(t)} ORDER BY {order_by(t)}")
        while batch := cur.fetchmany(10_000):
            h.update("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in batch).encode())
        out[t] = h.hexdigest()
    return out


def _describe(con: sqlite3.Connection, ids: list[int]) -> str:
    marks = ", ".join("?" * len(ids))
    rows = con.execute(f"SELECT upload_id, at, file_name FROM uploads WHERE upload_id IN ({marks}) ORDER BY upload_id DESC",
                       ids).fetchall()
    return "; ".join(f"№ {u} от {at[:16].replace('T', ' ')} («{name}»)" for u, at, name in rows)


def dependents(con: sqlite3.Connection, upload_id: int) -> list[int]:
    """Later, not undone uploads that touched a key this upload touched (transitively), newest first."""
    found: set[int] = set()
    frontier = [int(upload_id)]
    while frontier:
        uid = frontier.pop()
        for t in TABLES:
            u = undo_table(t)
            for (later,) in con.execute(
                f"SELECT DISTINCT j2.upload_id FROM {u} j1 JOIN {u} j2 ON j2._k = j1._k "
                f"JOIN uploads up ON up.upload_id = j2.upload_id "
                f"WHERE j1.upload_id = ? AND j2.upload_id > ? AND up.undone_at IS NULL",
                (uid, uid),
            ):
                if later not in found:
                    found.add(later)
                    frontier.append(later)
    return sorted(found, reverse=True)


def _undo_one(con: sqlite3.Connection, upload_id: int, user: str, at: str) -> None:
    for t in TABLES:
        data, undo = data_table(t), undo_table(t)
        cols = col_list(t)
        con.execute(f"DELETE FROM {data} WHERE _k IN (SELECT _k FROM {undo} WHERE upload_id = ?)", (upload_id,))
        con.execute(f"INSERT INTO {data} ({cols}, _upload_id) SELECT {cols}, _upload_id FROM {undo} "
                    f"WHERE upload_id = ? AND existed = 1", (upload_id,))
    con.execute("UPDATE uploads SET undone_at = ?, undone_by = ? WHERE upload_id = ?", (at, user, upload_id))


class StaleConfirmation(StoreError):
    """The uploads a confirmation listed, or the store it was shown on, are not what they are now."""

    def __init__(self, message: str, now: list[int]):
        super().__init__(message)
        self.now = now


def undo(con: sqlite3.Connection, upload_id: int, user: str = "аноним", cascade: bool = False,
         expect: tuple[int, ...] | list[int] | None = None, expect_state: tuple[str, int] | None = None) -> list[int]:
    """Restore every table to its state before `upload_id`; returns the uploads undone (newest first).

    expect / expect_state: what the confirmation showed (the uploads it would undo, and `store_state`);
    checked inside the write transaction, so nothing can slip in between the check and the undo."""
    upload_id = int(upload_id)
    user = clean_text(user) or "аноним"
    with write(con):
        if expect_state is not None and tuple(store_state(con)) != tuple(expect_state):
            now = [*dependents(con, upload_id), upload_id]
            raise StaleConfirmation(
                f"Подтверждение устарело: после того как оно было показано, хранилище изменилось (другая загрузка, "
                f"отмена или повторное заполнение). Ничего не отменено; проверьте новый список: "
                f"{', '.join(f'№ {u}' for u in now)}.", now)
        row = con.execute("SELECT file_name, undone_at FROM uploads WHERE upload_id = ?", (upload_id,)).fetchone()
        if row is None:
            raise StoreError(f"Загрузка № {upload_id} не найдена.")
        if row[1] is not None:
            raise StoreError(f"Загрузка № {upload_id} («{row[0]}») уже отменена {row[1][:16].replace('T', ' ')}.")
        later = dependents(con, upload_id)
        if expect is not None and sorted(map(int, expect)) != sorted([*later, upload_id]):
            now = [*later, upload_id]
            raise StaleConfirmation(
                f"Подтверждение устарело: оно отменяло {', '.join(f'№ {u}' for u in sorted(map(int, expect), reverse=True))}, "
                f"а сейчас отмена № {upload_id} затронет {', '.join(f'№ {u}' for u in now)}. Ничего не отменено; "
                "проверьте новый список.", now)
        if later and not cascade:
            raise StoreError(
                f"Загрузку № {upload_id} («{row[0]}») нельзя отменить отдельно: более поздние загрузки изменили те же "
                f"данные. Сначала отмените их (от последней к первой): {_describe(con, later)}."
            )
        at = now_iso()
        for uid in [*later, upload_id]:
            _undo_one(con, uid, user, at)
        bump_version(con)
        pause_for_tests()
    return [*later, upload_id]




def clear_for_reseed(con: sqlite3.Connection, user: str, what: str) -> None:
    """Inside a reseed's write transaction: every upload not yet undone is marked undone, the data and the undo
    journal are emptied (the numbering of uploads, the users, aliases, mappings and the history stay)."""
    from store.users import log

    at = now_iso()
    con.execute("UPDATE uploads SET undone_at = ?, undone_by = ? WHERE undone_at IS NULL",
                (at, f"{user} (повторное заполнение)"))
    for t in TABLES:
        con.execute(f"DELETE FROM {data_table(t)}")
        con.execute(f"DELETE FROM {undo_table(t)}")
    log(con, user, "reseed", what)
