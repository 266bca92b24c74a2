"""How does the store talk to SQLite?

One short-lived connection per operation (safe across Streamlit's threads and
across processes), with the pragmas the store relies on: WAL journal so readers
never block the writer, a busy timeout so a second writer waits instead of
failing, foreign keys on, a 64 MiB page cache (a 100,000-row accept is built
in memory instead of spilling pages to the WAL mid-transaction), and full sync
because this file may hold the district's only copy of this year's results
(`synchronous = NORMAL` would be corruption-safe in WAL but could lose the last
accepted upload on power loss; on the upload benchmark it saved no measurable
time, since the checkpoint after a large commit syncs anyway). Writes go through `write()`,
which takes the database write lock up front (BEGIN IMMEDIATE) and either
commits everything or rolls everything back.

Every SQLite failure leaves as a `StoreError` with a Russian sentence (`translate`): a full disk, a
store locked by another program, a file deleted or replaced while the app runs, a file that is not
a store. Only the first open of a store may create its file; afterwards a missing file is an error,
never a silently created empty store.
"""
from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

MIN_SQLITE = (3, 37, 0)  # STRICT tables
log = logging.getLogger(__name__)


class StoreError(Exception):
    """A store operation that was refused; the message is Russian and meant for the user."""


def translate(exc: sqlite3.Error, path: Path, busy_timeout_ms: int = 30_000) -> StoreError:
    """A Russian sentence for an SQLite failure (the English text goes to the log only)."""
    text = str(exc).lower()
    name = Path(path).name
    if "full" in text:
        return StoreError(f"На диске не хватает места для хранилища «{name}»: запись отменена целиком, данные не "
                          "изменились. Освободите место на диске и повторите.")
    if "locked" in text or "busy" in text:
        return StoreError(f"Хранилище «{name}» занято другой записью или заблокировано другой программой дольше "
                          f"{busy_timeout_ms // 1000} с; ничего не изменено. Повторите попытку позже.")
    if "readonly" in text or "read-only" in text:
        return StoreError(f"Нет прав на запись в хранилище «{name}» (файл или папка только для чтения); ничего не "
                          "изменено.")
    if "not a database" in text or "malformed" in text or "no such table" in text or "no such column" in text:
        return StoreError(f"Файл «{name}» не похож на хранилище панели или повреждён (его могли заменить, пока панель "
                          "работала). Восстановите его из резервной копии или перезапустите панель.")
    if "unable to open" in text or "disk i/o" in text:
        return StoreError(f"Хранилище «{name}» недоступно: файл удалён, перемещён или диск не отвечает. Восстановите "
                          "файл из резервной копии или перезапустите панель.")
    return StoreError(f"Ошибка хранилища «{name}» ({type(exc).__name__}); ничего не изменено. Подробности — в "
                      "журнале сервера.")


def connect(path: Path, busy_timeout_ms: int = 30_000, create: bool = False) -> sqlite3.Connection:
    """Open the database file with the store's pragmas (autocommit mode: transactions are explicit).

    Only with `create` may a missing file be created."""
    if sqlite3.sqlite_version_info < MIN_SQLITE:
        raise StoreError(
            f"Версия SQLite {sqlite3.sqlite_version} слишком старая для хранилища: нужна 3.37 или новее."
        )
    if not create and not Path(path).exists():
        raise StoreError(f"Файл хранилища «{path}» удалён или перемещён, пока панель работала. Восстановите его из "
                         "резервной копии или перезапустите панель (при запуске будет создано новое хранилище). "
                         "Чтобы заполнить хранилище заново, не удаляйте файл, а выполните "
                         "`python -m store reseed`.")
    try:
        uri = f"file:{Path(path).as_posix()}?mode={'rwc' if create else 'rw'}"
        con = sqlite3.connect(uri, uri=True, timeout=busy_timeout_ms / 1000, isolation_level=None)
    except sqlite3.Error as exc:  # e.g. the folder is not writable
        log.warning("cannot open the store %s: %s", path, exc)
        raise translate(exc, path, busy_timeout_ms) from exc
    con.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    try:
        _ensure_wal(con, busy_timeout_ms)
    except sqlite3.Error as exc:
        con.close()
        log.warning("cannot switch the store %s to WAL: %s", path, exc)
        raise translate(exc, path, busy_timeout_ms) from exc
    except StoreError as exc:
        con.close()
        raise StoreError(f"Хранилище «{path}» не удалось перевести в режим WAL: {exc}") from exc
    con.execute("PRAGMA foreign_keys = ON")
    con.execute("PRAGMA synchronous = FULL")
    con.execute("PRAGMA cache_size = -65536")  # 64 MiB: a 100,000-row accept stays in memory until COMMIT
    return con


def _ensure_wal(con: sqlite3.Connection, busy_timeout_ms: int) -> None:
    """Switch the file to WAL (persistent, so usually already done).

    Changing the journal mode does not wait on the busy handler, so when two processes open a new
    file at the same moment the switch is retried until the busy timeout runs out.
    """
    deadline = time.monotonic() + busy_timeout_ms / 1000
    while True:
        try:
            mode = con.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() != "wal":
                mode = con.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StoreError(f"режим журнала «{mode}»")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


@contextmanager
def session(path: Path, busy_timeout_ms: int = 30_000, create: bool = False) -> Iterator[sqlite3.Connection]:
    """A connection that is closed afterwards (reads run in autocommit mode); SQLite errors become StoreError."""
    con = connect(path, busy_timeout_ms, create)
    try:
        yield con
    except sqlite3.Error as exc:
        log.warning("store %s: %s: %s", path, type(exc).__name__, exc)
        raise translate(exc, path, busy_timeout_ms) from exc
    finally:
        con.close()


@contextmanager
def write(con: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: the write lock is taken at once; any exception rolls everything back."""
    try:
        con.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise StoreError(
            "Хранилище занято другой записью дольше допустимого времени ожидания; повторите попытку."
        ) from exc
    try:
        yield con
    except BaseException:
        if con.in_transaction:
            con.execute("ROLLBACK")
        raise
    else:
        con.execute("COMMIT")
