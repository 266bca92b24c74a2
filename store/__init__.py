"""Where does the dashboard keep accepted data, and how do pages and uploads reach it?

`open_store()` returns the one `Store` every page reads from and every source
(seed folder, uploads, Google Sheets) writes to: an SQLite file (default
`data/store.sqlite`, setting `store.path`, env `DASHBOARD_STORE`), migrated on
open and seeded from `store.seed_folder` (env `DASHBOARD_SEED_FOLDER`) on
first start.

    store = open_store()
    store.version()                      # cache key: changes on every accepted write or undo
    store.read("results")                # model columns and dtypes, as the loaders give them (a long table from
                                         # its Arrow snapshot beside the file when it is current: store/snapshots.py)
    store.counts(); store.facets()       # rows per table; distinct years, exams, schools (small queries)
    d = store.diff(load_result)          # preview: added / changed (old → new) / replaced per table
    uid = store.accept(load_result, "ege_2026.xlsx", data, user="аноним")
    store.history(); store.dependents(uid); store.undo(uid); store.file_bytes(uid)
    store.undo(uid, user, cascade=True, expect=(4, 3, 2), expect_state=store.state())  # bound to what was shown
    store.reseed(folder, user)           # start over from a folder, while the app runs; numbers go on
    store.add_user("ivanova", "editor", password); store.authenticate("ivanova", password)  # → "editor"
    iid = store.record_interview("sos1", "2026-11-20", [{"what": …, "who": …, "due": "2026-12-20"}], user=…)
    store.commitments("sos1"); store.correct_commitment(item_id, user=…, due="2027-01-15")
    store.set_commitment_done(item_id, "2026-12-18", user=…); store.withdraw_commitment(item_id, user=…, reason=…)

Every method opens its own short connection, so one Store object may be shared
between Streamlit sessions and threads. Refusals raise `StoreError` with a
Russian message for the user; so do SQLite failures (full disk, a locked or
deleted file: `store.db.translate`). Upload numbers are never reused: the
numbering lives in the file (AUTOINCREMENT) and a reseed keeps it.
"""
from __future__ import annotations

import dataclasses
import json
import os
import threading
from pathlib import Path
from typing import Any

import pandas as pd

from loaders.model import TABLES, columns
from loaders.report import LoadResult, Problem
from metrics.settings import ROOT, get
from store import audit, facets, interviews, snapshots, users, writes
from store.db import StoreError, session, write
from store.migrations import migrate
from store.tables import col_list, data_table, order_by, to_frame
from store.writes import Diff, TableDiff

__all__ = ["Store", "StoreError", "Diff", "TableDiff", "open_store"]

PATH_ENV = "DASHBOARD_STORE"
READ_CHUNK = 50_000  # rows converted at a time by `Store.read`
SNAPSHOT_MIN_ROWS = 10_000  # a table this long is kept as an Arrow snapshot too (store/snapshots.py)
SEED_ENV = "DASHBOARD_SEED_FOLDER"


def _resolve(p: str | Path) -> Path:
    p = Path(p).expanduser()
    return p if p.is_absolute() else ROOT / p


class Store(interviews.InterviewRecords):
    """The accepted data of the district, with its upload history."""

    def __init__(self, path: str | Path, settings: dict[str, Any] | None = None):
        self.path = _resolve(path)
        self.settings = settings
        self.busy_timeout_ms = int(get(settings, "store.busy_timeout_ms", 30_000))
        self.seed_problems: list[Problem] = []
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"Не удалось создать папку хранилища «{self.path.parent}»: {exc}") from exc
        self._prepared: tuple[tuple, writes.Prepared] | None = None  # the last previewed load (see _prepare)
        self._lock = threading.Lock()
        with session(self.path, self.busy_timeout_ms, create=True) as con:
            migrate(con)

    def _session(self):
        return session(self.path, self.busy_timeout_ms)

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    # ------------------------------------------------------------ reading

    def version(self) -> int:
        """A number that changes on every accepted write or undo (use it as a cache key)."""
        with self._session() as con:
            return writes.store_version(con)

    def state(self) -> tuple[str, int]:
        """(identity of this store file, version): what a confirmation is bound to."""
        with self._session() as con:
            return writes.store_state(con)

    def read(self, table: str) -> pd.DataFrame:
        """One tidy table: model columns in model order, rows in key order, the loaders' dtypes."""
        if table not in TABLES:
            raise StoreError(f"Неизвестная таблица «{table}».")
        with self._session() as con:
            con.execute("BEGIN")  # the snapshot key and the rows from one consistent view
            try:
                k = snapshots.key(con)
                kept = snapshots.load(self.path, table, k, columns(table))
                if kept is not None:
                    return kept
                cur = con.execute(f"SELECT {col_list(table)} FROM {data_table(table)} ORDER BY {order_by(table)}")
                # in chunks: Python row tuples of a whole region (420,000 × 16 values) would take ~300 MiB at once
                parts = []
                while rows := cur.fetchmany(READ_CHUNK):
                    parts.append(to_frame(table, rows))
            finally:
                con.execute("ROLLBACK")
        df = to_frame(table, []) if not parts else parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
        if len(df) >= SNAPSHOT_MIN_ROWS:
            snapshots.save(self.path, table, k, df)
        return df

    def counts(self) -> dict[str, int]:
        """Rows per model table (a page's "is anything loaded" check, without reading a table)."""
        with self._session() as con:
            return facets.counts(con)

    def summary(self) -> dict[str, dict[str, Any]]:
        """Rows, schools and years per table, for the «Данные» page (store/facets.py), without reading a table."""
        with self._session() as con:
            return facets.summary(con)

    def facets(self) -> dict[str, Any]:
        """What the filters offer, from small DISTINCT queries (store/facets.py)."""
        with self._session() as con:
            return facets.facets(con)

    def read_all(self) -> dict[str, pd.DataFrame]:
        """All five tables from one consistent snapshot."""
        with self._session() as con:
            con.execute("BEGIN")
            try:
                raw = {t: con.execute(f"SELECT {col_list(t)} FROM {data_table(t)} ORDER BY {order_by(t)}").fetchall()
                       for t in TABLES}
            finally:
                con.execute("ROLLBACK")
        return {t: to_frame(t, rows) for t, rows in raw.items()}

    def table_checksums(self) -> dict[str, str]:
        """SHA-256 of each table's canonical content (model columns, key order)."""
        with self._session() as con:
            return audit.table_checksums(con)

    # ------------------------------------------------------------ writing

    def _prepare(self, result: LoadResult) -> writes.Prepared:
        """Check and serialise a load, reusing the work of the preview when `accept` gets the same content.

        The reuse is keyed on a hash of every table's content (not on the object), so a frame changed in
        place after the preview is prepared afresh.
        """
        try:
            key = (writes.is_protocol(result), len(result.errors), tuple(
                (t, len(df), tuple(map(str, df.columns)), int(pd.util.hash_pandas_object(df, index=True).sum()))
                for t, df in sorted((result.tables or {}).items()) if df is not None and len(df)))
        except Exception:  # unhashable content: no reuse
            return writes.prepare(result)
        with self._lock:
            if self._prepared is not None and self._prepared[0] == key:
                return self._prepared[1]
        prepared = writes.prepare(result)
        with self._lock:
            self._prepared = (key, prepared)
        return prepared

    def diff(self, result: LoadResult) -> Diff:
        """What accepting `result` would do. Raises StoreError if it could never be accepted (errors, columns outside the model)."""
        prepared = self._prepare(result)
        with self._session() as con:
            return writes.diff(con, prepared)

    def accept(self, result: LoadResult, file_name: str, file_bytes: bytes, user: str = "аноним",
               source: str = "upload", *, expect_version: int | None = None) -> int:
        """Store the whole load in one transaction, or nothing; return the upload_id.

        Raises StoreError (Russian) if the load has errors, holds columns outside the model, or — with
        `expect_version` (the `version()` the preview was made at) — if the store changed since the preview.
        The original bytes are kept for re-reading unless the load came from a per-participant protocol.
        """
        uid = self._accept(result, file_name=file_name, file_bytes=file_bytes, user=user, source=source,
                           expect_version=expect_version)
        assert uid is not None
        return uid

    def _accept(self, result: LoadResult, *, file_name: str, file_bytes: bytes, user: str, source: str,
                expect_version: int | None = None, only_if_empty: bool = False, bytes_are_safe: bool = False,
                note: str | None = None, before: Any = None) -> int | None:
        prepared = self._prepare(result)
        if bytes_are_safe and prepared.protocol:
            prepared = dataclasses.replace(prepared, protocol=False)
        with self._session() as con:
            return writes.accept(con, prepared, file_name=str(file_name), file_bytes=file_bytes, user=user,
                                 source=source, expect_version=expect_version, only_if_empty=only_if_empty,
                                 note=note, before=before)

    # ------------------------------------------------------------ audit and undo

    def history(self) -> pd.DataFrame:
        """upload_id, at, user, source, file_name, sha256, tables, added, changed, replaced, undone_at,
        then unchanged, undone_by, file_kept, note."""
        with self._session() as con:
            return audit.history(con)

    def undo(self, upload_id: int, user: str = "аноним", cascade: bool = False, *,
             expect: tuple[int, ...] | list[int] | None = None, expect_state: tuple[str, int] | None = None) -> list[int]:
        """Restore every table to exactly its state before the upload (see store/audit.py for later uploads);
        return the uploads undone, newest first.

        expect: the exact uploads the confirmation listed (the upload and the later ones undone with it);
        expect_state: `state()` when it was shown. If either differs now, nothing is undone (StoreError)."""
        with self._session() as con:
            return audit.undo(con, upload_id, user=user, cascade=cascade, expect=expect, expect_state=expect_state)

    def dependents(self, upload_id: int) -> list[int]:
        """Later uploads (not undone) that changed rows this upload changed, directly or through one another,
        newest first: they must be undone before it (or with it, `undo(..., cascade=True)`)."""
        with self._session() as con:
            return audit.dependents(con, int(upload_id))

    def file_bytes(self, upload_id: int) -> tuple[str, bytes]:
        """(file name, original bytes) of an upload; StoreError if they were not kept."""
        with self._session() as con:
            return audit.file_bytes(con, upload_id)

    def sources(self) -> pd.DataFrame:
        """What is loaded: upload_id, at, source, file_name, table, title, written, rows (still in the store), latest_year."""
        with self._session() as con:
            return audit.sources(con)

    def audit_log(self) -> pd.DataFrame:
        """What was done besides uploads and undos: at, user, action, detail (user changes, reseeds)."""
        with self._session() as con:
            rows = con.execute('SELECT at, "user", action, detail FROM audit_log ORDER BY id').fetchall()
        return pd.DataFrame(rows, columns=["at", "user", "action", "detail"])

    def reseed(self, folder: str | Path | None = None, user: str = "система") -> list[Problem]:
        """Start over from a folder (default: the seed folder of the settings) while the app may be running.

        The folder is read first; only if it loads without errors, one write transaction marks every upload
        not yet undone as undone (by `user`, «повторное заполнение»), empties the data and the undo journal,
        and stores the folder as a new upload. Upload numbers go on from the last one; users, aliases,
        mappings and the history stay. Raises StoreError (nothing changed) if the folder cannot be loaded."""
        from store.seed import reseed

        folder = folder or os.environ.get(SEED_ENV) or get(self.settings, "store.seed_folder", "sample_data")
        return reseed(self, _resolve(folder), user)

    # ------------------------------------------------------------ users and roles (store/users.py)

    def users(self) -> list[users.User]:
        with self._session() as con:
            return users.list_users(con)

    def has_users(self) -> bool:
        with self._session() as con:
            return users.count(con) > 0

    def role_of(self, name: str) -> str | None:
        with self._session() as con:
            return users.role_of(con, name)

    def add_user(self, name: str, role: str, password: str | None, by: str = "система") -> None:
        with self._session() as con:
            users.add(con, name, role, password, by)

    def set_role(self, name: str, role: str, by: str = "система") -> None:
        with self._session() as con:
            users.set_role(con, name, role, by)

    def set_password(self, name: str, password: str, by: str = "система") -> None:
        with self._session() as con:
            users.set_password(con, name, password, by)

    def remove_user(self, name: str, by: str = "система") -> None:
        with self._session() as con:
            users.remove(con, name, by)

    def authenticate(self, name: str, password: str) -> str | None:
        """The role of the local account if the password matches, else None."""
        with self._session() as con:
            return users.authenticate(con, name, password)

    # ------------------------------------------------------------ confirmed aliases and header mappings

    def aliases(self) -> dict[str, str]:
        """Confirmed school-name aliases: alias → school_id."""
        with self._session() as con:
            return dict(con.execute("SELECT alias, school_id FROM aliases ORDER BY alias").fetchall())

    def save_alias(self, alias: str, school_id: str) -> None:
        alias, school_id = str(alias or "").strip(), str(school_id or "").strip()
        if not alias or not school_id:
            raise StoreError("Для сохранения псевдонима нужны название школы и её код.")
        with self._session() as con, write(con):
            known = con.execute(f"SELECT EXISTS (SELECT 1 FROM {data_table('schools')} WHERE school_id = ?)",
                                (school_id,)).fetchone()[0]
            if not known:
                raise StoreError(f"Школы с кодом «{school_id}» нет в реестре — псевдоним «{alias}» не сохранён.")
            con.execute("INSERT INTO aliases (alias, school_id, saved_at) VALUES (?, ?, ?) "
                        "ON CONFLICT (alias) DO UPDATE SET school_id = excluded.school_id, saved_at = excluded.saved_at",
                        (alias, school_id, writes.now_iso()))

    def mapping(self, signature: str) -> dict | None:
        """The saved header mapping for a header signature, or None."""
        with self._session() as con:
            row = con.execute("SELECT mapping FROM mappings WHERE signature = ?", (str(signature),)).fetchone()
        return None if row is None else json.loads(row[0])

    def save_mapping(self, signature: str, mapping: dict) -> None:
        if not signature or not isinstance(mapping, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()):
            raise StoreError("Сопоставление столбцов должно быть словарём «заголовок → поле модели» с непустой подписью.")
        with self._session() as con, write(con):
            con.execute("INSERT INTO mappings (signature, mapping, saved_at) VALUES (?, ?, ?) "
                        "ON CONFLICT (signature) DO UPDATE SET mapping = excluded.mapping, saved_at = excluded.saved_at",
                        (str(signature), json.dumps(mapping, ensure_ascii=False, sort_keys=True), writes.now_iso()))


def open_store(path: str | Path | None = None, settings: dict[str, Any] | None = None,
               seed_folder: str | Path | None = None) -> Store:
    """Open (create, migrate) the store; on first start seed it from the seed folder.

    path: argument, else env DASHBOARD_STORE, else settings `store.path` (relative to the repo root).
    seed_folder: argument, else env DASHBOARD_SEED_FOLDER, else settings `store.seed_folder`.
    Seeding problems never raise: they are in `store.seed_problems`.
    """
    path = path or os.environ.get(PATH_ENV) or get(settings, "store.path", "data/store.sqlite")
    store = Store(path, settings)
    folder = seed_folder or os.environ.get(SEED_ENV) or get(settings, "store.seed_folder", "sample_data")
    from store.seed import seed
    try:
        store.seed_problems = seed(store, _resolve(folder))
    except StoreError as exc:
        store.seed_problems = [Problem("error", str(exc))]
    return store
