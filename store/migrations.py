"""Which schema version is the database at, and how does it get to the latest?

Migrations are code: an ordered list of numbered steps. Each pending step runs
in its own write transaction together with `PRAGMA user_version = N` (the
highest step applied) and the list of applied steps in `meta` (key
`migrations`), so a database is always at exactly one version. Steps are
numbered by the branch that adds them, so a number may be missing for a while
(step 5 before step 4 lands): a step is pending when it is not in the applied
list, and a database migrated to 5 still gets 4 when it arrives. A database
from a newer program (version above the last known step) is refused rather
than guessed at.

Step 1 spells its SQL out on purpose (it must not change when the model
changes later); `tests/store/test_migrations.py` checks the resulting tables
still match `loaders/model.py`, so a model change without a new step fails.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from store.db import StoreError, write


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: str | Callable[[sqlite3.Connection], None]  # SQL script (statements separated by ';') or a function


_V1 = r"""
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value ANY
) STRICT;
INSERT INTO meta (key, value) VALUES ('version', 0);

CREATE TABLE uploads (
    upload_id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    "user" TEXT NOT NULL,
    source TEXT NOT NULL,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    tables TEXT NOT NULL,
    added INTEGER NOT NULL,
    changed INTEGER NOT NULL,
    replaced INTEGER NOT NULL,
    unchanged INTEGER NOT NULL,
    file_kept INTEGER NOT NULL,
    note TEXT,
    undone_at TEXT,
    undone_by TEXT
) STRICT;

CREATE TABLE upload_tables (
    upload_id INTEGER NOT NULL REFERENCES uploads (upload_id),
    table_name TEXT NOT NULL,
    rows INTEGER NOT NULL,
    added INTEGER NOT NULL,
    changed INTEGER NOT NULL,
    replaced INTEGER NOT NULL,
    unchanged INTEGER NOT NULL,
    PRIMARY KEY (upload_id, table_name)
) STRICT;

CREATE TABLE upload_files (
    upload_id INTEGER PRIMARY KEY REFERENCES uploads (upload_id),
    file_name TEXT NOT NULL,
    content BLOB NOT NULL
) STRICT;

CREATE TABLE aliases (
    alias TEXT PRIMARY KEY,
    school_id TEXT NOT NULL,
    saved_at TEXT NOT NULL
) STRICT;

CREATE TABLE mappings (
    signature TEXT PRIMARY KEY,
    mapping TEXT NOT NULL,
    saved_at TEXT NOT NULL
) STRICT;

CREATE TABLE data_schools (
    school_id TEXT, name TEXT, short_name TEXT, type TEXT, locality TEXT, year INTEGER,
    students INTEGER, low_income_pct REAL, single_parent_pct REAL, large_family_pct REAL,
    risk_group_pct REAL, disability_pct REAL, non_native_pct REAL, staffing_pct REAL,
    qualified_teachers_pct REAL, teacher_turnover_pct REAL,
    _upload_id INTEGER NOT NULL REFERENCES uploads (upload_id),
    _k TEXT GENERATED ALWAYS AS (json_array(school_id, year)) STORED
) STRICT;

CREATE TABLE data_indicators (
    indicator_id TEXT, name TEXT, unit TEXT, direction TEXT, "group" TEXT, tolerance REAL,
    _upload_id INTEGER NOT NULL REFERENCES uploads (upload_id),
    _k TEXT GENERATED ALWAYS AS (json_array(indicator_id)) STORED
) STRICT;

CREATE TABLE data_values (
    indicator_id TEXT, school_id TEXT, year INTEGER, kind TEXT, value REAL, low REAL, high REAL,
    _upload_id INTEGER NOT NULL REFERENCES uploads (upload_id),
    _k TEXT GENERATED ALWAYS AS (json_array(indicator_id, school_id, year, kind)) STORED
) STRICT;

CREATE TABLE data_events (
    number TEXT, section TEXT, direction TEXT, title TEXT, deadline_text TEXT, control_dates TEXT,
    schedule TEXT, responsible TEXT, expected_result TEXT, status TEXT, completion_date TEXT, school_id TEXT,
    _upload_id INTEGER NOT NULL REFERENCES uploads (upload_id),
    _k TEXT GENERATED ALWAYS AS (json_array(number)) STORED
) STRICT;

CREATE TABLE data_results (
    year INTEGER, exam TEXT, subject TEXT, grade INTEGER, school_id TEXT, participants INTEGER,
    mean REAL, below_min INTEGER, high_scorers INTEGER, mark2 INTEGER, mark3 INTEGER, mark4 INTEGER,
    mark5 INTEGER, lowered INTEGER, confirmed INTEGER, raised INTEGER,
    _upload_id INTEGER NOT NULL REFERENCES uploads (upload_id),
    _k TEXT GENERATED ALWAYS AS (json_array(year, exam, subject, grade, school_id)) STORED
) STRICT;
CREATE INDEX data_results_slice ON data_results (year, exam, subject, school_id);
"""

_TABLES = ("schools", "indicators", "values", "events", "results")


def _v2_keys_and_journal(con: sqlite3.Connection) -> None:
    """Unique key index per data table, and the undo journal tables (same columns + upload and existed flag)."""
    for t in _TABLES:
        con.execute(f"CREATE UNIQUE INDEX data_{t}_key ON data_{t} (_k)")
        con.execute(f"CREATE INDEX data_{t}_upload ON data_{t} (_upload_id)")
        cols = con.execute(f"SELECT name, type FROM pragma_table_xinfo('data_{t}') WHERE name NOT IN ('_k', '_upload_id')").fetchall()
        body = ", ".join(f'"{n}" {typ}' for n, typ in cols)
        # existed = 1: the row as it was before the upload (restored on undo);
        # existed = 0: the key did not exist before the upload (deleted on undo).
        con.execute(
            f"CREATE TABLE undo_{t} (upload_id INTEGER NOT NULL REFERENCES uploads (upload_id), "
            f"existed INTEGER NOT NULL, _k TEXT NOT NULL, {body}, _upload_id INTEGER) STRICT"
        )
        con.execute(f"CREATE INDEX undo_{t}_upload ON undo_{t} (upload_id, _k)")
        con.execute(f"CREATE INDEX undo_{t}_key ON undo_{t} (_k)")


_V3 = """
DROP INDEX data_schools_upload;
DROP INDEX data_indicators_upload;
DROP INDEX data_values_upload;
DROP INDEX data_events_upload;
DROP INDEX data_results_upload;
DROP INDEX data_results_slice;
CREATE INDEX data_values_scope ON data_values (year)
"""

def _v4_users_audit_identity(con: sqlite3.Connection) -> None:
    """Accounts and roles, a log of everything that is not an upload (users, reseeds), and a random identity
    of this store file (a confirmation made on another file — a store deleted and created anew — is refused)."""
    con.execute("""CREATE TABLE users (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
        password_hash TEXT,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL
    ) STRICT""")
    con.execute("""CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        "user" TEXT NOT NULL,
        action TEXT NOT NULL,
        detail TEXT
    ) STRICT""")
    con.execute("INSERT INTO meta (key, value) VALUES ('store_id', lower(hex(randomblob(16))))")


# Interview records (протокол собеседования): an interview of a school on a date, its items (what, who,
# by when, done on), and the audit log of every record, correction, completion and withdrawal.
_V5 = r"""
CREATE TABLE interviews (
    interview_id INTEGER PRIMARY KEY AUTOINCREMENT,
    school_id TEXT NOT NULL,
    held_on TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    withdrawn_at TEXT,
    withdrawn_by TEXT,
    withdraw_reason TEXT
) STRICT;
CREATE INDEX interviews_school ON interviews (school_id, held_on);
CREATE TABLE commitments (
    item_id INTEGER PRIMARY KEY AUTOINCREMENT,
    interview_id INTEGER NOT NULL REFERENCES interviews (interview_id),
    what TEXT NOT NULL,
    who TEXT NOT NULL,
    due TEXT NOT NULL,
    done_on TEXT,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    withdrawn_at TEXT,
    withdrawn_by TEXT
) STRICT;
CREATE INDEX commitments_interview ON commitments (interview_id);
CREATE TABLE interview_log (
    log_id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    "user" TEXT NOT NULL,
    interview_id INTEGER NOT NULL REFERENCES interviews (interview_id),
    item_id INTEGER REFERENCES commitments (item_id),
    action TEXT NOT NULL,
    before TEXT,
    after TEXT,
    reason TEXT
) STRICT
"""

MIGRATIONS: list[Migration] = [
    Migration(1, "data tables, uploads log, kept files, undo journal, aliases, header mappings", _V1),
    Migration(2, "key indexes and undo journal tables", _v2_keys_and_journal),
    # Every index costs time on each 100,000-row insert. Writes find the results a load may touch by a
    # range of the key index (its JSON starts with year, exam), values by year; the «what is loaded»
    # summary scans instead of using per-upload indexes.
    Migration(3, "lighter indexes: no per-upload or per-slice indexes; values by year", _V3),
    Migration(4, "users and roles, audit log, store identity", _v4_users_audit_identity),
    Migration(5, "interview records: interviews, commitments, their audit log", _V5),
]


def latest_version() -> int:
    return MIGRATIONS[-1].version


def current_version(con: sqlite3.Connection) -> int:
    return int(con.execute("PRAGMA user_version").fetchone()[0])


def applied_steps(con: sqlite3.Connection) -> set[int]:
    """Versions of the steps applied to this database (before the list was kept: every step up to user_version)."""
    have = current_version(con)
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'migrations'").fetchone()
    except sqlite3.OperationalError:  # no meta table yet: a new database
        row = None
    if row is None:
        return set(range(1, have + 1))
    return {int(v) for v in json.loads(row[0])}


def _record(con: sqlite3.Connection, applied: set[int]) -> None:
    con.execute("INSERT INTO meta (key, value) VALUES ('migrations', ?) ON CONFLICT (key) DO UPDATE SET "
                "value = excluded.value", (json.dumps(sorted(applied)),))
    con.execute(f"PRAGMA user_version = {int(max(applied))}")


def _run(con: sqlite3.Connection, step: Migration) -> None:
    if callable(step.apply):
        step.apply(con)
        return
    for statement in step.apply.split(";"):
        if statement.strip():
            con.execute(statement)


def migrate(con: sqlite3.Connection) -> int:
    """Apply every pending step, each in its own transaction; return the resulting version."""
    versions = [m.version for m in MIGRATIONS]
    assert versions == sorted(set(versions)), "migration versions must be increasing"
    have = current_version(con)
    if have > latest_version():
        raise StoreError(
            f"Хранилище создано более новой версией панели (схема {have}, эта версия знает до {latest_version()}). "
            "Обновите программу; данные не тронуты."
        )
    for step in MIGRATIONS:
        if step.version in applied_steps(con):
            continue
        try:
            with write(con):
                # Another process may have migrated while we waited for the lock.
                applied = applied_steps(con)
                if step.version in applied:
                    continue
                _run(con, step)
                _record(con, applied | {step.version})
        except sqlite3.Error as exc:
            raise StoreError(
                f"Не удалось обновить схему хранилища до версии {step.version} ({step.description}): {exc}. "
                f"Изменения этого шага отменены, хранилище осталось на версии {current_version(con)}."
            ) from exc
    return current_version(con)
