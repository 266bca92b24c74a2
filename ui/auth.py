"""Who is using the dashboard, and what may they do?

`gate()` runs in app.py before any page: it decides the mode, shows the sign-in when one is needed,
and stops the script until someone is signed in. Modes:

- `oidc` — `[auth]` is configured in `.streamlit/secrets.toml`: Streamlit's own OpenID Connect sign-in
  (`st.login`, `st.user`). The role is the one the store's `users` table gives the e-mail (or name)
  the provider reports; an account it does not know gets `auth.oidc_default_role` (default: none —
  it sees only «попросите администратора добавить вас»), because a provider such as Google lets
  anyone with an account sign in.
- `local` — accounts exist in the store (`python -m store users add …`), or the server listens beyond
  localhost: a sign-in form checks the name and password against the argon2 hash in the store. The
  session remembers who signed in until «Выйти» or the tab is closed; after 5 wrong passwords for a
  name, that name is refused for 15 minutes (per server process).
- `open` — the server listens on localhost only (`.streamlit/config.toml`: `server.address`), no
  account exists, no proxy stands in between: one local editor, and the sidebar says so.

Beyond localhost with no account at all nothing is shown but how to create the first one. A
malformed secrets file stops everything with a Russian message (never «not configured»).

Who is signed in is kept in the session as an object signed with a per-process key, and the role is
read from the store again on every run (a removed account is signed out at its next click). Actions
check the role where they act (`require`), not only where the button is drawn.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from store.users import ROLE_TITLES, at_least
from ui import safe

SESSION_KEY = "_auth_identity"
LOCAL_EDITOR = "локальный редактор"
LOOPBACK = {"localhost", "127.0.0.1", "::1"}
PROXY_HEADERS = ("X-Forwarded-For", "Forwarded", "X-Real-Ip", "X-Forwarded-Host")
MAX_FAILURES, LOCKOUT_SECONDS = 5, 15 * 60
_KEY = secrets.token_bytes(32)  # signs identities in this process's sessions
_failures: dict[str, list[float]] = {}
_failures_lock = threading.Lock()

ACTIONS = {  # what each role may do (checked where the action happens)
    "view": "viewer",
    "upload": "editor", "accept": "editor", "undo": "editor", "download_original": "editor", "interview": "editor",
    "manage_users": "admin", "settings": "admin",
}


@dataclass(frozen=True)
class Identity:
    name: str
    role: str | None  # None: signed in but no rights (an OIDC account nobody added)
    mode: str  # "open" | "local" | "oidc"
    sig: str = ""

    def signed(self) -> "Identity":
        return Identity(self.name, self.role, self.mode, _sign(self.name, self.role, self.mode))

    def valid(self) -> bool:
        return hmac.compare_digest(self.sig, _sign(self.name, self.role, self.mode))


def _sign(name: str, role: str | None, mode: str) -> str:
    return hmac.new(_KEY, f"{name}\0{role}\0{mode}".encode(), hashlib.sha256).hexdigest()


# ---------------------------------------------------------------- secrets

def secrets_error() -> str | None:
    """Russian text when a secrets file exists but cannot be read (None when fine or absent)."""
    from streamlit import config

    for raw in config.get_option("secrets.files") or []:
        path = Path(raw)
        if not path.is_file():
            continue
        try:
            with open(path, "rb") as fh:
                tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            m = re.search(r"line (\d+), column (\d+)", str(exc))
            where = f" (строка {m.group(1)}, столбец {m.group(2)})" if m else ""
            return (f"Файл секретов «{path.name}» повреждён{where}: это не правильный TOML. Исправьте его по образцу "
                    "secrets.toml.example; пока он не читается, вход и Google Таблицы недоступны.")
        except OSError:
            return f"Файл секретов «{path.name}» не читается (нет прав?)."
    return None


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


# ---------------------------------------------------------------- mode

def listens_beyond_localhost() -> bool:
    address = st.get_option("server.address")
    return str(address or "").strip() not in LOOPBACK


def _behind_proxy() -> bool:
    try:
        headers = st.context.headers
        if any(headers.get(h) for h in PROXY_HEADERS):
            return True
        ip = st.context.ip_address
        return isinstance(ip, str) and ip not in LOOPBACK
    except Exception:
        return False


def mode(store: Any) -> str:
    if _oidc_configured():
        return "oidc"
    if store is not None and store.has_users():
        return "local"
    if listens_beyond_localhost() or _behind_proxy():
        return "closed"  # no account yet: nothing is shown but how to create one
    return "open"


# ---------------------------------------------------------------- who

def current() -> Identity | None:
    """The signed-in identity of this session (checked), or None."""
    ident = st.session_state.get(SESSION_KEY)
    if isinstance(ident, Identity) and ident.valid():
        return ident
    return None


def user_name() -> str:
    ident = current()
    return ident.name if ident else "аноним"


def can(action: str) -> bool:
    ident = current()
    return ident is not None and at_least(ident.role, ACTIONS[action])


def require(action: str) -> None:
    """Refuse (PermissionError with a Russian message) unless the signed-in role may do `action`."""
    if not can(action):
        ident = current()
        who = f"«{ident.name}» ({ROLE_TITLES.get(ident.role or '', 'без прав')})" if ident else "вы не вошли"
        raise PermissionError(f"Недостаточно прав: {who}. Это действие доступно роли "
                              f"«{ROLE_TITLES[ACTIONS[action]]}» и выше.")


def _remember(name: str, role: str | None, how: str) -> Identity:
    ident = Identity(name, role, how).signed()
    st.session_state[SESSION_KEY] = ident
    return ident


def sign_out() -> None:
    ident = current()
    st.session_state.pop(SESSION_KEY, None)
    if ident is not None and ident.mode == "oidc":
        st.logout()


# ---------------------------------------------------------------- the gate

def peek(store: Any) -> bool:
    """Will this run be let in without a form (already signed in, or the open local mode)? Never raises."""
    try:
        return current() is not None or (secrets_error() is None and mode(store) == "open")
    except Exception:
        return False


def gate(store: Any) -> Identity:
    """Return who is signed in, or draw what is needed to sign in and stop the script."""
    problem = secrets_error()
    if problem:
        st.error(problem, icon=":material/key_off:")
        st.stop()
    how = mode(store)
    ident = current()
    if ident is not None and ident.mode != how:
        st.session_state.pop(SESSION_KEY, None)  # the mode changed (an account was created): sign in again
        ident = None
    if how == "open":
        return ident or _remember(LOCAL_EDITOR, "editor", "open")
    if how == "closed":
        _closed_notice()
        st.stop()
    if how == "oidc":
        return _oidc(store)
    return _local(store, ident)


def _closed_notice() -> None:
    st.title("Вход в панель")
    st.warning("Панель открыта в сеть, но ни одной учётной записи ещё нет, поэтому данные не показываются. "
               "Администратор сервера создаёт первую запись командой\n\n"
               "`python -m store users add ИМЯ --role admin`\n\n"
               "и затем обновляет страницу.", icon=":material/lock:")


def _refresh_role(store: Any, ident: Identity) -> Identity | None:
    """The role as the store has it now; None when the account was removed (signed out)."""
    role = store.role_of(ident.name) if store is not None else None
    if role is None:
        st.session_state.pop(SESSION_KEY, None)
        return None
    return ident if role == ident.role else _remember(ident.name, role, ident.mode)


def _oidc_default_role() -> str | None:
    from metrics.settings import get

    role = str(get(None, "auth.oidc_default_role", "") or "")
    return role if role in ("viewer", "editor") else None


def _local(store: Any, ident: Identity | None) -> Identity:
    if ident is not None:
        ident = _refresh_role(store, ident)
        if ident is not None:
            return ident
    st.title("Вход в панель")
    st.caption("Учётные записи создаёт администратор (`python -m store users add ИМЯ --role editor`).")
    with st.form("auth_sign_in"):
        name = st.text_input("Имя пользователя", key="auth_name")
        password = st.text_input("Пароль", type="password", key="auth_password")
        submitted = st.form_submit_button("Войти", type="primary", icon=":material/login:")
    if submitted:
        name = (name or "").strip()
        if _locked_out(name):
            st.error(f"Слишком много неверных попыток для «{name}»: вход для этого имени закрыт на 15 минут.")
        else:
            role = store.authenticate(name, password or "") if store is not None else None
            if role is None:
                _failed(name)
                st.error("Неверное имя пользователя или пароль.", icon=":material/error:")
            else:
                _forgive(name)
                _remember(name, role, "local")
                st.rerun()
    st.stop()
    raise AssertionError("unreachable")


def _oidc(store: Any) -> Identity:
    user = st.user
    if not getattr(user, "is_logged_in", False) and not user.get("is_logged_in", False):
        st.session_state.pop(SESSION_KEY, None)
        st.title("Вход в панель")
        st.caption("Вход через учётную запись организации (OpenID Connect).")
        if st.button("Войти", type="primary", icon=":material/login:", key="auth_oidc_login"):
            st.login()
        st.stop()
    key = str(user.get("email") or user.get("name") or user.get("sub") or "").strip()
    ident = current()
    role = (store.role_of(key) if store is not None else None) or _oidc_default_role()
    if ident is None or ident.name != key or ident.role != role:
        ident = _remember(key, role, "oidc")
    if ident.role is None:
        st.title("Вход в панель")
        st.warning(f"Вы вошли как «{key}», но доступа к панели у этой учётной записи нет. Попросите администратора "
                   "добавить вас (`python -m store users add ВАШ_EMAIL --role viewer --oidc`).", icon=":material/lock:")
        if st.button("Выйти", key="auth_oidc_logout"):
            sign_out()
        st.stop()
    return ident


def _locked_out(name: str) -> bool:
    now = time.monotonic()
    with _failures_lock:
        recent = [t for t in _failures.get(name, []) if now - t < LOCKOUT_SECONDS]
        _failures[name] = recent
        return len(recent) >= MAX_FAILURES


def _failed(name: str) -> None:
    with _failures_lock:
        _failures.setdefault(name, []).append(time.monotonic())


def _forgive(name: str) -> None:
    with _failures_lock:
        _failures.pop(name, None)


# ---------------------------------------------------------------- the sidebar line

def sidebar(ident: Identity) -> None:
    role = ROLE_TITLES.get(ident.role or "", "без прав")
    if ident.mode == "open":
        st.caption(f":material/person: Вы — {LOCAL_EDITOR}: вход не требуется, потому что панель открыта только на "
                   "этом компьютере (localhost) и учётных записей нет. Как только появится учётная запись или панель "
                   "откроется в сеть, понадобится вход.")
        return
    st.caption(f":material/person: {safe.md(ident.name)} · {role}")
    if st.button("Выйти", key="auth_sign_out", type="tertiary", icon=":material/logout:"):
        sign_out()
        st.rerun()
