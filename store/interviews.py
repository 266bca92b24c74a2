"""What was agreed at an interview with a school's director, and who changed it when?

An interview record (протокол собеседования) is a school, the date it was held
and its items: what is to be done, who does it, by when, and — once reported —
the date it was done. Records are never deleted: a correction rewrites an item
and a withdrawal marks the item or the whole record withdrawn; each of these
writes one row in `interview_log` with the user, the time, the item before and
after, and the reason. The state an item is in (done, open, overdue) is not
stored: it depends on the day it is read (`reports.content.commitment_state`).

Texts are stored as typed (stripped, control characters removed, length-capped)
and shown as plain text. A record names staff and tasks, never pupils.
"""
from __future__ import annotations

import json
import re
import sqlite3
from datetime import date
from typing import Any

import pandas as pd

from store.db import StoreError, write
from store.writes import now_iso

MAX_WHAT = 600
MAX_WHO = 200
MAX_REASON = 300
MAX_ITEMS = 30
COMMITMENT_COLUMNS = ["item_id", "interview_id", "school_id", "held_on", "what", "who", "due", "done_on",
                      "created_at", "created_by", "changed_at", "changed_by", "withdrawn_at", "withdrawn_by"]
LOG_COLUMNS = ["log_id", "at", "user", "interview_id", "item_id", "action", "before", "after", "reason"]
ACTIONS = {"record": "записано", "correct": "исправлено", "done": "отмечено выполненным",
           "reopen": "снята отметка о выполнении", "withdraw": "отозвано"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _clean(text: Any, limit: int, what: str) -> str:
    t = _CONTROL.sub(" ", str(text or "")).strip()
    if not t:
        raise StoreError(f"Не заполнено поле «{what}».")
    if len(t) > limit:
        raise StoreError(f"Поле «{what}» длиннее {limit} символов — сократите его.")
    return t


def _day(value: Any, what: str) -> str:
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value).strip()[:10]).isoformat()
    except ValueError:
        raise StoreError(f"«{what}»: «{value}» — не дата (нужна дата вида 2026-11-30).") from None


def _user(user: Any) -> str:
    return str(user or "").strip()[:200] or "аноним"


def _item_row(con: sqlite3.Connection, item_id: int) -> dict:
    row = con.execute("SELECT item_id, interview_id, what, who, due, done_on, withdrawn_at FROM commitments "
                      "WHERE item_id = ?", (int(item_id),)).fetchone()
    if row is None:
        raise StoreError(f"Пункт договорённости № {item_id} не найден.")
    return dict(zip(["item_id", "interview_id", "what", "who", "due", "done_on", "withdrawn_at"], row))


def _log(con: sqlite3.Connection, user: str, at: str, interview_id: int, item_id: int | None, action: str,
         before: dict | None, after: dict | None, reason: str | None = None) -> None:
    dump = (lambda d: None if d is None else json.dumps(d, ensure_ascii=False, sort_keys=True))
    con.execute('INSERT INTO interview_log (at, "user", interview_id, item_id, action, before, after, reason) '
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (at, user, interview_id, item_id, action, dump(before),
                                                     dump(after), reason))


def _public(item: dict) -> dict:
    return {k: item[k] for k in ("what", "who", "due", "done_on")}


def record(con: sqlite3.Connection, school_id: str, held_on: Any, items: list[dict], user: str) -> int:
    """Store an interview with its items ({what, who, due}) in one transaction; return its id."""
    school_id = _clean(school_id, 100, "Школа")
    held = _day(held_on, "Дата собеседования")
    clean = [{"what": _clean(it.get("what"), MAX_WHAT, "Что сделать"), "who": _clean(it.get("who"), MAX_WHO, "Кто"),
              "due": _day(it.get("due"), "Срок")} for it in items
             if any(str(it.get(k) or "").strip() for k in ("what", "who"))]
    if not clean:
        raise StoreError("В протоколе нет ни одного пункта: заполните «Что сделать», «Кто» и «Срок».")
    if len(clean) > MAX_ITEMS:
        raise StoreError(f"В одном протоколе не больше {MAX_ITEMS} пунктов.")
    user, at = _user(user), now_iso()
    with write(con):
        cur = con.execute("INSERT INTO interviews (school_id, held_on, created_at, created_by) VALUES (?, ?, ?, ?)",
                          (school_id, held, at, user))
        iid = int(cur.lastrowid)
        _log(con, user, at, iid, None, "record", None, {"school_id": school_id, "held_on": held})
        for it in clean:
            c = con.execute("INSERT INTO commitments (interview_id, what, who, due, changed_at, changed_by) "
                            "VALUES (?, ?, ?, ?, ?, ?)", (iid, it["what"], it["who"], it["due"], at, user))
            _log(con, user, at, iid, int(c.lastrowid), "record", None, {**it, "done_on": None})
    return iid


def _live_item(con: sqlite3.Connection, item_id: int) -> dict:
    item = _item_row(con, item_id)
    if item["withdrawn_at"] is not None:
        raise StoreError(f"Пункт № {item_id} отозван {item['withdrawn_at'][:10]} — его нельзя изменить.")
    return item


def correct(con: sqlite3.Connection, item_id: int, user: str, reason: str = "", **changes: Any) -> None:
    """Rewrite an item's what / who / due (the old values stay in the log)."""
    fields = {"what": (MAX_WHAT, "Что сделать"), "who": (MAX_WHO, "Кто")}
    user, at = _user(user), now_iso()
    with write(con):
        item = _live_item(con, item_id)
        new = dict(item)
        for k, v in changes.items():
            if k in fields:
                new[k] = _clean(v, *fields[k])
            elif k == "due":
                new[k] = _day(v, "Срок")
            else:
                raise StoreError(f"Поле «{k}» пункта договорённости не исправляется.")
        if _public(new) == _public(item):
            return
        con.execute("UPDATE commitments SET what = ?, who = ?, due = ?, changed_at = ?, changed_by = ? "
                    "WHERE item_id = ?", (new["what"], new["who"], new["due"], at, user, int(item_id)))
        _log(con, user, at, item["interview_id"], int(item_id), "correct", _public(item), _public(new),
             str(reason or "").strip()[:MAX_REASON] or None)


def set_done(con: sqlite3.Connection, item_id: int, done_on: Any, user: str) -> None:
    """Mark an item done on a date (None: not done after all)."""
    user, at = _user(user), now_iso()
    when = None if done_on is None else _day(done_on, "Дата выполнения")
    with write(con):
        item = _live_item(con, item_id)
        if item["done_on"] == when:
            return
        con.execute("UPDATE commitments SET done_on = ?, changed_at = ?, changed_by = ? WHERE item_id = ?",
                    (when, at, user, int(item_id)))
        _log(con, user, at, item["interview_id"], int(item_id), "done" if when else "reopen", _public(item),
             {**_public(item), "done_on": when})


def withdraw_item(con: sqlite3.Connection, item_id: int, user: str, reason: str) -> None:
    reason = _clean(reason, MAX_REASON, "Причина отзыва")
    user, at = _user(user), now_iso()
    with write(con):
        item = _live_item(con, item_id)
        con.execute("UPDATE commitments SET withdrawn_at = ?, withdrawn_by = ? WHERE item_id = ?",
                    (at, user, int(item_id)))
        _log(con, user, at, item["interview_id"], int(item_id), "withdraw", _public(item), None, reason)


def withdraw_interview(con: sqlite3.Connection, interview_id: int, user: str, reason: str) -> None:
    """Withdraw a whole record: the interview and every item still live."""
    reason = _clean(reason, MAX_REASON, "Причина отзыва")
    user, at = _user(user), now_iso()
    with write(con):
        row = con.execute("SELECT withdrawn_at FROM interviews WHERE interview_id = ?", (int(interview_id),)).fetchone()
        if row is None:
            raise StoreError(f"Протокол № {interview_id} не найден.")
        if row[0] is not None:
            raise StoreError(f"Протокол № {interview_id} уже отозван {row[0][:10]}.")
        con.execute("UPDATE interviews SET withdrawn_at = ?, withdrawn_by = ?, withdraw_reason = ? "
                    "WHERE interview_id = ?", (at, user, reason, int(interview_id)))
        con.execute("UPDATE commitments SET withdrawn_at = ?, withdrawn_by = ? WHERE interview_id = ? AND "
                    "withdrawn_at IS NULL", (at, user, int(interview_id)))
        _log(con, user, at, int(interview_id), None, "withdraw", None, None, reason)


def commitments(con: sqlite3.Connection, school_id: str | None = None, with_withdrawn: bool = False) -> pd.DataFrame:
    """Items with their interview (school, date, author), oldest due first."""
    where, args = [], []
    if school_id is not None:
        where.append("i.school_id = ?")
        args.append(str(school_id))
    if not with_withdrawn:
        where.append("c.withdrawn_at IS NULL")
    sql = ("SELECT c.item_id, c.interview_id, i.school_id, i.held_on, c.what, c.who, c.due, c.done_on, "
           "i.created_at, i.created_by, c.changed_at, c.changed_by, c.withdrawn_at, c.withdrawn_by "
           "FROM commitments c JOIN interviews i ON i.interview_id = c.interview_id"
           + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY c.due, c.item_id")
    rows = con.execute(sql, args).fetchall()
    df = pd.DataFrame.from_records(rows, columns=COMMITMENT_COLUMNS)
    for c in ("item_id", "interview_id"):
        df[c] = df[c].astype("int64")
    return df


def log(con: sqlite3.Connection, interview_id: int | None = None) -> pd.DataFrame:
    sql = ('SELECT log_id, at, "user", interview_id, item_id, action, before, after, reason FROM interview_log'
           + (" WHERE interview_id = ?" if interview_id is not None else "") + " ORDER BY log_id")
    rows = con.execute(sql, () if interview_id is None else (int(interview_id),)).fetchall()
    return pd.DataFrame.from_records(rows, columns=LOG_COLUMNS)


class InterviewRecords:
    """The `Store` methods for interview records (each opens its own short connection)."""

    def _session(self) -> Any:  # provided by Store
        raise NotImplementedError

    def record_interview(self, school_id: str, held_on: Any, items: list[dict], user: str = "аноним") -> int:
        """Store an interview of `school_id` held on `held_on` with its items ({what, who, due}); return its id."""
        with self._session() as con:
            return record(con, school_id, held_on, items, user)

    def correct_commitment(self, item_id: int, user: str = "аноним", reason: str = "", **changes: Any) -> None:
        with self._session() as con:
            correct(con, item_id, user, reason, **changes)

    def set_commitment_done(self, item_id: int, done_on: Any, user: str = "аноним") -> None:
        with self._session() as con:
            set_done(con, item_id, done_on, user)

    def withdraw_commitment(self, item_id: int, user: str = "аноним", reason: str = "") -> None:
        with self._session() as con:
            withdraw_item(con, item_id, user, reason)

    def withdraw_interview(self, interview_id: int, user: str = "аноним", reason: str = "") -> None:
        with self._session() as con:
            withdraw_interview(con, interview_id, user, reason)

    def commitments(self, school_id: str | None = None, with_withdrawn: bool = False) -> pd.DataFrame:
        """Items of interview records (not withdrawn unless asked), by due date."""
        with self._session() as con:
            return commitments(con, school_id, with_withdrawn)

    def interview_log(self, interview_id: int | None = None) -> pd.DataFrame:
        """Every record, correction, completion and withdrawal, with user and time."""
        with self._session() as con:
            return log(con, interview_id)
