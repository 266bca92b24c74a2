"""Who sees and does what: sign-in modes and the three roles, through AppTest.

A viewer must not reach upload, undo or the original files — not through the sidebar, not by opening the
«Данные» page by URL, not by putting the keys those actions use into the session state, and not by forging
the signed-in identity.
"""
from __future__ import annotations

import pytest
from streamlit import config

from tests.pages.conftest import make_app, no_exception, texts
from tests.upload.conftest import XLSX, button, ege_2026_changed, results_xlsx

PASSWORD = "длинный-пароль-1"


@pytest.fixture
def accounts(district_store):
    store = district_store
    for name, role in (("viewer1", "viewer"), ("editor1", "editor"), ("admin1", "admin")):
        store.add_user(name, role, PASSWORD, by="тест")
    return store


def sign_in(name: str, password: str = PASSWORD, page: str | None = None):
    at = make_app()
    at.run()
    no_exception(at)
    at.text_input(key="auth_name").input(name)
    at.text_input(key="auth_password").input(password)
    at.button[0].click().run()  # «Войти» (the form's submit button)
    no_exception(at)
    if page:
        at.switch_page(page)
        at.run()
        no_exception(at)
    return at


def _undo_keys(at):
    return [b.key for b in at.button if b.key and "_undo_" in b.key]


def _downloads(at):
    return [d.proto.label for d in at.get("download_button") if d.proto.label == "Исходный файл"]


# ---------------------------------------------------------------- modes

def test_localhost_without_accounts_is_one_local_editor_and_says_so(district_store):
    at = make_app()
    at.run()
    no_exception(at)
    assert "локальный редактор" in texts(at) and "localhost" in texts(at)
    assert len(at.sidebar.file_uploader) == 1
    assert district_store.history()["user"].tolist() == ["система"]


def test_beyond_localhost_without_accounts_shows_nothing(district_store):
    config.set_option("server.address", "0.0.0.0")
    at = make_app()
    at.run()
    no_exception(at)
    shown = texts(at)
    assert "ни одной учётной записи" in shown and "python -m store users add" in shown
    assert not at.sidebar.file_uploader and not at.dataframe and not at.metric
    assert "Сосновская" not in shown


def test_once_an_account_exists_nothing_is_shown_without_sign_in(accounts):
    at = make_app()
    at.run()
    no_exception(at)
    assert "Вход в панель" in texts(at)
    assert not at.sidebar.file_uploader and not at.dataframe and not at.metric
    at.switch_page("pages/data.py")
    at.run()
    assert "Вход в панель" in texts(at) and not at.dataframe  # a page's URL does not get past the sign-in


def test_wrong_password_is_refused_and_five_failures_lock_the_name(accounts):
    at = sign_in("editor1", "не тот пароль")
    assert "Неверное имя пользователя или пароль" in " ".join(e.value for e in at.error)
    assert not at.sidebar.file_uploader
    for _ in range(4):
        at.text_input(key="auth_password").input("не тот пароль")
        at.button[0].click().run()
    at.text_input(key="auth_password").input(PASSWORD)  # even the right password now
    at.button[0].click().run()
    assert "Слишком много неверных попыток" in " ".join(e.value for e in at.error)
    assert not at.sidebar.file_uploader


# ---------------------------------------------------------------- viewer

def test_viewer_sees_data_but_no_upload_undo_or_original_files(accounts):
    at = sign_in("viewer1", page="pages/data.py")
    shown = texts(at)
    assert "viewer1 · просмотр" in shown
    assert not at.sidebar.file_uploader and at.dataframe  # the history table is there
    assert not _undo_keys(at) and not _downloads(at)


def test_viewer_cannot_act_through_the_session_state(accounts):
    from ui import history, upload

    store = accounts
    before, ver = store.table_checksums(), store.version()
    at = sign_in("viewer1", page="pages/data.py")
    # what an editor's session would hold while confirming an undo or reviewing a file
    at.session_state[history.CONFIRM] = 1
    data = ege_2026_changed("99,9")
    at.session_state[upload.PENDING] = {"source": "upload", "name": "x.csv", "sha": upload.sha256(data),
                                        "data": data, "size": len(data), "open": True}
    at.run()
    no_exception(at)
    assert not _undo_keys(at) and not any(b.key == "history_confirm_1_yes" for b in at.button)
    assert not any(b.key == "upl_accept" for b in at.button)
    assert store.table_checksums() == before and store.version() == ver


def test_actions_check_the_role_where_they_act(accounts, monkeypatch):
    """Even called directly (a button kept from an earlier view), the undo and the original file refuse a viewer."""
    from ui import auth, history

    store = accounts
    before = store.table_checksums()
    at = sign_in("viewer1")
    ident = at.session_state[auth.SESSION_KEY]
    monkeypatch.setattr(auth, "current", lambda: ident)
    import streamlit as st
    monkeypatch.setattr(st, "session_state", {})
    history._do_undo(store, 1, (1,), store.state())
    assert "Недостаточно прав" in st.session_state[history.FLASH][1]
    with pytest.raises(PermissionError):
        history._original(store, 1)
    assert store.table_checksums() == before


def test_a_forged_identity_in_the_session_state_is_not_accepted(accounts):
    from ui import auth

    at = sign_in("viewer1")
    at.session_state[auth.SESSION_KEY] = auth.Identity("admin1", "admin", "local")  # no valid signature
    at.run()
    assert "Вход в панель" in texts(at) and not at.sidebar.file_uploader


# ---------------------------------------------------------------- editor and admin

def test_editor_uploads_and_undoes_and_the_audit_names_them(accounts):
    store = accounts
    at = sign_in("editor1")
    assert "editor1 · редактор" in texts(at)
    at.sidebar.file_uploader[0].set_value(("ЕГЭ_2026.xlsx", results_xlsx([["МБОУ Сосновская СОШ №1", "Химия", 12, 60]]),
                                           XLSX)).run()
    button(at, "upl_accept").click().run()
    no_exception(at)
    h = store.history()
    uid = int(h["upload_id"].max())
    assert h.set_index("upload_id").loc[uid, "user"] == "editor1"
    at.switch_page("pages/data.py")
    at.run()
    assert f"history_undo_{uid}" in _undo_keys(at) and _downloads(at)
    button(at, f"history_undo_{uid}").click().run()
    button(at, f"history_confirm_{uid}_yes").click().run()
    assert store.history().set_index("upload_id").loc[uid, "undone_by"] == "editor1"


def test_admin_has_the_editor_rights_too(accounts):
    at = sign_in("admin1", page="pages/data.py")
    assert "admin1 · администратор" in texts(at)
    assert len(at.sidebar.file_uploader) == 1 and _undo_keys(at) and _downloads(at)


def test_a_removed_account_is_signed_out_at_its_next_click(accounts):
    at = sign_in("editor1")
    assert at.sidebar.file_uploader
    accounts.remove_user("editor1", by="тест")
    at.run()
    assert "Вход в панель" in texts(at) and not at.sidebar.file_uploader


def test_sign_out(accounts):
    at = sign_in("editor1")
    button(at, "auth_sign_out").click().run()
    assert "Вход в панель" in texts(at)


# ---------------------------------------------------------------- OIDC (st.login)

def _oidc_app(user: dict):
    at = make_app()
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                          "client_id": "id", "client_secret": "s",
                          "server_metadata_url": "https://login.example.org/.well-known/openid-configuration"}
    at.user = user
    at.run()
    no_exception(at)
    return at


def test_oidc_not_signed_in_shows_only_the_login_button(district_store):
    at = _oidc_app({"is_logged_in": False})
    assert "Вход в панель" in texts(at) and any(b.key == "auth_oidc_login" for b in at.button)
    assert not at.sidebar.file_uploader and not at.dataframe


def test_oidc_account_nobody_added_has_no_access(district_store):
    at = _oidc_app({"is_logged_in": True, "email": "stranger@example.org", "name": "Чужой"})
    assert "доступа к панели у этой учётной записи нет" in texts(at)
    assert not at.sidebar.file_uploader and not at.dataframe


def test_oidc_account_gets_the_role_the_store_gives_its_email(district_store):
    district_store.add_user("ivanova@example.org", "viewer", None, by="тест")
    at = _oidc_app({"is_logged_in": True, "email": "ivanova@example.org"})
    assert "ivanova@example.org · просмотр" in texts(at) and not at.sidebar.file_uploader
    district_store.set_role("ivanova@example.org", "editor", by="тест")
    at.run()
    assert "ivanova@example.org · редактор" in texts(at) and at.sidebar.file_uploader


def test_admin_manages_users_on_the_data_page_and_others_do_not_see_it(accounts):
    store = accounts
    editor = sign_in("editor1", page="pages/data.py")
    assert "Пользователи и журнал действий" not in texts(editor)
    at = sign_in("admin1", page="pages/data.py")
    assert "Пользователи и журнал действий" in texts(at)
    at.text_input(key="adm_name").input("novikova")
    at.selectbox(key="adm_role").select("viewer")
    at.text_input(key="adm_password").input("ещё-один-пароль")
    next(b for b in at.button if b.label == "Добавить").click().run()
    no_exception(at)
    assert store.role_of("novikova") == "viewer" and store.authenticate("novikova", "ещё-один-пароль") == "viewer"
    at.selectbox(key="adm_who").select("novikova")
    at.selectbox(key="adm_new_role").select("editor")
    button(at, "adm_set_role").click().run()
    assert store.role_of("novikova") == "editor"
    log = store.audit_log()
    assert log[log["user"] == "admin1"]["action"].tolist() == ["user_add", "user_role"]


def test_viewer_sees_the_commitments_but_cannot_record_or_change_them(accounts):
    store = accounts
    store.record_interview("sos1", "2026-11-20", [{"what": "Разобрать ВПР по математике", "who": "завуч",
                                                  "due": "2026-12-20"}], user="editor1")
    at = sign_in("viewer1")
    at.session_state["flt_school"] = "sos1"
    at.switch_page("pages/school.py")
    at.run()
    no_exception(at)
    shown = texts(at)
    assert "Записывать протоколы собеседований и отмечать выполнение могут редакторы." in shown
    assert not any(e.label == "Записать протокол собеседования" for e in at.expander)
    assert not any(b.key in ("iv_done", "iv_withdraw") for b in at.button)
    assert len(store.commitments("sos1")) == 1
