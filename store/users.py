"""Who may do what, and how is a local password checked?

Three roles, each including the one before:
- `viewer`: sees every page and table; not the kept original files;
- `editor`: also uploads and accepts files, undoes uploads, downloads original files, records interviews;
- `admin`: also manages users and settings.

Accounts live in the store's `users` table: a name (a login, or the e-mail an OIDC provider
reports), a role, and for local accounts an argon2id hash of the password (argon2-cffi's
`PasswordHasher` with its defaults; the hash carries its own salt and parameters). An account
without a hash can only sign in through OIDC. Every change is written to `audit_log` with the name of
whoever made it (a console command writes «консоль (<OS user>)»).
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from store.db import StoreError, write

ROLES = ("viewer", "editor", "admin")
ROLE_TITLES = {"viewer": "просмотр", "editor": "редактор", "admin": "администратор"}
MIN_PASSWORD = 10


@dataclass(frozen=True)
class User:
    name: str
    role: str
    local: bool  # has a password (else OIDC only)
    created_at: str
    created_by: str


def at_least(role: str | None, needed: str) -> bool:
    """Does `role` include the rights of `needed`?"""
    return role in ROLES and ROLES.index(role) >= ROLES.index(needed)


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise StoreError(f"Пароль слишком короткий: нужно не меньше {MIN_PASSWORD} символов.")
    return _hasher().hash(password)


def clean_name(name: str) -> str:
    name = str(name or "").replace("\x00", "").strip()
    if not name or len(name) > 200 or any(ord(ch) < 32 for ch in name):
        raise StoreError("Имя пользователя должно быть непустой строкой до 200 символов без управляющих знаков.")
    return name


def _role(role: str) -> str:
    if role not in ROLES:
        raise StoreError(f"Неизвестная роль «{role}»: допустимы {', '.join(ROLES)}.")
    return role


def log(con: sqlite3.Connection, user: str, action: str, detail: str = "") -> None:
    from store.writes import now_iso

    con.execute('INSERT INTO audit_log (at, "user", action, detail) VALUES (?, ?, ?, ?)',
                (now_iso(), user, action, detail))


def list_users(con: sqlite3.Connection) -> list[User]:
    rows = con.execute("SELECT name, role, password_hash IS NOT NULL, created_at, created_by FROM users "
                       "ORDER BY name").fetchall()
    return [User(n, r, bool(loc), at, by) for n, r, loc, at, by in rows]


def count(con: sqlite3.Connection) -> int:
    return int(con.execute("SELECT COUNT(*) FROM users").fetchone()[0])


def role_of(con: sqlite3.Connection, name: str) -> str | None:
    row = con.execute("SELECT role FROM users WHERE name = ?", (str(name),)).fetchone()
    return None if row is None else row[0]


def add(con: sqlite3.Connection, name: str, role: str, password: str | None, by: str) -> None:
    from store.writes import now_iso

    name, role = clean_name(name), _role(role)
    hashed = hash_password(password) if password is not None else None
    with write(con):
        if con.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
            raise StoreError(f"Пользователь «{name}» уже есть.")
        con.execute("INSERT INTO users (name, role, password_hash, created_at, created_by) VALUES (?, ?, ?, ?, ?)",
                    (name, role, hashed, now_iso(), by))
        log(con, by, "user_add", f"{name}: {role}" + ("" if hashed else " (вход через OIDC)"))


def _existing(con: sqlite3.Connection, name: str) -> None:
    if not con.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
        raise StoreError(f"Пользователя «{name}» нет.")


def _last_admin(con: sqlite3.Connection, name: str) -> bool:
    admins = [n for (n,) in con.execute("SELECT name FROM users WHERE role = 'admin'")]
    return admins == [name]


def set_role(con: sqlite3.Connection, name: str, role: str, by: str) -> None:
    name, role = clean_name(name), _role(role)
    with write(con):
        _existing(con, name)
        if role != "admin" and _last_admin(con, name) and count(con) > 1:
            raise StoreError(f"«{name}» — единственный администратор: сначала назначьте другого.")
        con.execute("UPDATE users SET role = ? WHERE name = ?", (role, name))
        log(con, by, "user_role", f"{name}: {role}")


def set_password(con: sqlite3.Connection, name: str, password: str, by: str) -> None:
    name = clean_name(name)
    hashed = hash_password(password)
    with write(con):
        _existing(con, name)
        con.execute("UPDATE users SET password_hash = ? WHERE name = ?", (hashed, name))
        log(con, by, "user_password", name)


def remove(con: sqlite3.Connection, name: str, by: str) -> None:
    name = clean_name(name)
    with write(con):
        _existing(con, name)
        if _last_admin(con, name) and count(con) > 1:
            raise StoreError(f"«{name}» — единственный администратор: сначала назначьте другого.")
        con.execute("DELETE FROM users WHERE name = ?", (name,))
        log(con, by, "user_remove", name)


_DUMMY: list[str] = []


def authenticate(con: sqlite3.Connection, name: str, password: str) -> str | None:
    """The role of a local account whose password matches, else None (same work whether or not the name exists)."""
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    row = con.execute("SELECT role, password_hash FROM users WHERE name = ?", (str(name or "").strip(),)).fetchone()
    ph = _hasher()
    if not _DUMMY:
        _DUMMY.append(ph.hash("not a password of anyone"))
    stored = row[1] if row is not None and row[1] else _DUMMY[0]
    try:
        ph.verify(stored, str(password or ""))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if row is None or not row[1]:
        return None
    return row[0]
