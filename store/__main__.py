"""Console commands for the store (run on the server, by whoever looks after it).

    python -m store reseed [--folder ПАПКА]                  start over from a folder; safe while the app runs
    python -m store users add NAME --role editor             a local account (password asked twice)
    python -m store users add ivanova@example.org --role viewer --oidc   an account for OIDC sign-in (no password)
    python -m store users list | role NAME ROLE | password NAME | remove NAME

`--store PATH` picks the store file (default: env DASHBOARD_STORE, else settings `store.path`).
`--password-stdin` reads the password from standard input (scripts) instead of asking.
Every change is written to the store's audit log as «консоль (<OS user>)». Exit code 0 on
success, 2 on a refusal (the message says why, in Russian).
"""
from __future__ import annotations

import argparse
import getpass
import sys

from store import StoreError, open_store
from store.users import MIN_PASSWORD, ROLE_TITLES, ROLES

_NO_SEED = "/nonexistent/dashboard-no-seed"  # console commands never seed a new store as a side effect


def _who() -> str:
    try:
        return f"консоль ({getpass.getuser()})"
    except Exception:
        return "консоль"


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(f"Пароль (не меньше {MIN_PASSWORD} символов): ")
    if getpass.getpass("Ещё раз: ") != first:
        raise StoreError("Пароли не совпадают.")
    return first


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m store", description="Хранилище панели: повторное заполнение и пользователи.")
    p.add_argument("--store", help="файл хранилища (по умолчанию DASHBOARD_STORE или store.path из настроек)")
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("reseed", help="заполнить хранилище заново из папки (можно при работающей панели)")
    r.add_argument("--folder", help="папка с таблицами (по умолчанию store.seed_folder из настроек)")
    u = sub.add_parser("users", help="пользователи и роли")
    us = u.add_subparsers(dest="action", required=True)
    a = us.add_parser("add", help="добавить пользователя")
    a.add_argument("name")
    a.add_argument("--role", choices=ROLES, required=True)
    a.add_argument("--oidc", action="store_true", help="вход только через OIDC (имя — e-mail), без пароля")
    a.add_argument("--password-stdin", action="store_true")
    us.add_parser("list", help="список пользователей")
    ro = us.add_parser("role", help="сменить роль")
    ro.add_argument("name")
    ro.add_argument("role", choices=ROLES)
    pw = us.add_parser("password", help="сменить пароль")
    pw.add_argument("name")
    pw.add_argument("--password-stdin", action="store_true")
    rm = us.add_parser("remove", help="удалить пользователя")
    rm.add_argument("name")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    who = _who()
    try:
        store = open_store(args.store, seed_folder=_NO_SEED)
        if args.command == "reseed":
            problems = store.reseed(args.folder, user=who)
            h = store.history()
            last = int(h["upload_id"].max())
            print(f"Хранилище заполнено заново: загрузка № {last}, строк: "
                  + ", ".join(f"{t} {len(df)}" for t, df in store.read_all().items()) + ".")
            for p in problems:
                print(f"  {p.severity}: {p.text()}")
            return 0
        if args.action == "add":
            store.add_user(args.name, args.role, None if args.oidc else _password(args), by=who)
            print(f"Пользователь «{args.name}» добавлен: {ROLE_TITLES[args.role]}"
                  + (" (вход через OIDC)." if args.oidc else "."))
        elif args.action == "list":
            for u in store.users():
                print(f"{u.name}\t{u.role}\t{'пароль' if u.local else 'OIDC'}\tс {u.created_at[:10]} ({u.created_by})")
        elif args.action == "role":
            store.set_role(args.name, args.role, by=who)
            print(f"Роль «{args.name}»: {ROLE_TITLES[args.role]}.")
        elif args.action == "password":
            store.set_password(args.name, _password(args), by=who)
            print(f"Пароль «{args.name}» изменён.")
        elif args.action == "remove":
            store.remove_user(args.name, by=who)
            print(f"Пользователь «{args.name}» удалён.")
    except StoreError as exc:
        print(f"Ошибка: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
