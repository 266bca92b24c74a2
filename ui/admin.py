"""Who has access, and what was done besides uploads? (for administrators, on the «Данные» page)

`users_panel(store)` lists the accounts with their roles, adds one (a local account with a password, or an
e-mail for OIDC sign-in), changes a role or removes an account, and shows the audit log (user changes,
reseeds). Every action checks the admin role where it acts and is logged with the admin's name. The same
is possible from the console: `python -m store users …`.
"""
from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from store.users import ROLE_TITLES, ROLES
from ui import format as fmt
from ui import safe
from ui.auth import can, require, user_name

FLASH = "adm_flash"
ACTIONS = {"user_add": "пользователь добавлен", "user_role": "роль изменена", "user_password": "пароль изменён",
           "user_remove": "пользователь удалён", "reseed": "повторное заполнение хранилища"}


def _act(fn: Any, *args: Any, done: str) -> None:
    try:
        require("manage_users")
        fn(*args, by=user_name())
    except Exception as exc:  # StoreError, PermissionError: a Russian sentence
        st.session_state[FLASH] = ("error", str(exc))
    else:
        st.session_state[FLASH] = ("success", done)


def _change_role(store: Any) -> None:  # reads the choices as they are when the button is pressed
    who, role = st.session_state.get("adm_who"), st.session_state.get("adm_new_role")
    _act(store.set_role, who, role, done=f"Роль «{who}»: {ROLE_TITLES.get(role, role)}.")


def _remove(store: Any) -> None:
    who = st.session_state.get("adm_who")
    _act(store.remove_user, who, done=f"Пользователь «{who}» удалён.")


def users_panel(store: Any) -> None:
    if not can("manage_users"):
        return
    st.subheader("Пользователи и журнал действий")
    flash = st.session_state.pop(FLASH, None)
    if flash:
        (st.success if flash[0] == "success" else st.error)(safe.md(flash[1]))
    accounts = store.users()
    if accounts:
        st.dataframe(pd.DataFrame([{"Имя": u.name, "Роль": ROLE_TITLES[u.role],
                                    "Вход": "пароль" if u.local else "OIDC", "С": fmt.datetime_ru(u.created_at),
                                    "Кто добавил": u.created_by} for u in accounts]),
                     hide_index=True, key="adm_users")
    else:
        st.caption("Учётных записей нет: панель работает в локальном режиме.")
    with st.expander("Добавить пользователя", icon=":material/person_add:"):
        with st.form("adm_add", clear_on_submit=True):
            name = st.text_input("Имя (или e-mail для входа через OIDC)", key="adm_name")
            role = st.selectbox("Роль", ROLES, format_func=ROLE_TITLES.get, key="adm_role")
            oidc = st.checkbox("Вход через OIDC, без пароля", key="adm_oidc")
            password = st.text_input("Пароль (не короче 10 символов)", type="password", key="adm_password")
            if st.form_submit_button("Добавить"):
                _act(store.add_user, name, role, None if oidc else password,
                     done=f"Пользователь «{name}» добавлен: {ROLE_TITLES[role]}.")
                st.rerun()
    if accounts:
        c1, c2, c3, c4 = st.columns([2, 2, 1, 1], vertical_alignment="bottom")
        c1.selectbox("Пользователь", [u.name for u in accounts], key="adm_who")
        c2.selectbox("Новая роль", ROLES, format_func=ROLE_TITLES.get, key="adm_new_role")
        c3.button("Сменить роль", key="adm_set_role", on_click=_change_role, args=(store,))
        c4.button("Удалить", key="adm_remove", on_click=_remove, args=(store,))
    log = store.audit_log()
    if len(log):
        log = log.assign(at=log["at"].map(fmt.datetime_ru), action=log["action"].map(lambda a: ACTIONS.get(a, a)))
        st.dataframe(log.rename(columns={"at": "Когда", "user": "Кто", "action": "Действие", "detail": "Что"}),
                     hide_index=True, key="adm_log")
