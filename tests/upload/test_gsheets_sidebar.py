"""Does a Google Sheet go from the sidebar through the same review and accept step — read by gspread
against recorded API answers (no network) — without its key ever reaching the screen or the store?"""
from __future__ import annotations

from tests.pages.conftest import unescaped

import copy
import re
from pathlib import Path

import pytest
import responses
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.upload.conftest import all_text, button, frame_with, make_app, no_exception, texts

KEY = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg"
URL = f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid=0"
SHEETS = f"https://sheets.googleapis.com/v4/spreadsheets/{KEY}"
KEY_ID = "pkid-7f3e9c1d5b"
EMAIL = "dashboard-reader@test-project.iam.gserviceaccount.com"


@pytest.fixture(scope="module")
def service_account():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    return {"type": "service_account", "project_id": "test-project", "private_key_id": KEY_ID, "private_key": pem,
            "client_email": EMAIL, "client_id": "1", "token_uri": "https://oauth2.googleapis.com/token"}


def _secret_fragments(sa) -> list[str]:
    body = [line for line in sa["private_key"].splitlines() if line and "PRIVATE KEY" not in line]
    return ["PRIVATE KEY", KEY_ID, body[1][:40], body[-1]]


METADATA = {
    "spreadsheetId": KEY,
    "properties": {"title": "Результаты района", "locale": "ru_RU"},
    "sheets": [{"properties": {"sheetId": 0, "title": "ЕГЭ 2026", "index": 0, "sheetType": "GRID",
                               "gridProperties": {"rowCount": 10, "columnCount": 4}}}],
}
VALUES = {"spreadsheetId": KEY, "valueRanges": [
    {"range": "'ЕГЭ 2026'!A1:D4", "majorDimension": "ROWS",
     "values": [["Результаты ЕГЭ 2026 года"],
                ["Наименование ОО", "Предмет", "Количество участников", "Средний балл"],
                ["МБОУ «Сосновская СОШ № 1»", "Химия", "12", "61,5"],
                ["МБОУ «Сосновская СОШ № 2»", "Химия", "9", "55"]]},
]}


def _record(rsps, values) -> None:
    rsps.add(responses.POST, "https://oauth2.googleapis.com/token",
             json={"access_token": "ya29.test-token", "expires_in": 3600, "token_type": "Bearer"})
    rsps.add(responses.GET, re.compile(re.escape(SHEETS) + r"\?.*"), json=METADATA)
    rsps.add(responses.GET, re.compile(re.escape(SHEETS) + r"/values:batchGet.*"), json=values)


def _app(service_account=None):
    at = make_app()
    if service_account is not None:
        at.secrets["gcp_service_account"] = service_account
    at.run()
    no_exception(at)
    return at


def _read(at, url=URL, refresh=False):
    at.text_input(key="gs_url").input(url).run()
    button(at, "gs_refresh" if refresh else "gs_read").click().run()
    no_exception(at)
    return at


def _chemistry(store):
    r = store.read("results")
    r = r[(r["year"] == 2026) & (r["subject"] == "Химия") & r["school_id"].isin(["sos1", "sos2"])]
    return r.sort_values("school_id")[["school_id", "participants", "mean"]].values.tolist()


def _store_bytes(store) -> bytes:
    p = Path(store.path)
    return b"".join(q.read_bytes() for q in (p, Path(str(p) + "-wal")) if q.exists())


@responses.activate
def test_sheet_is_reviewed_accepted_and_refreshed(district_store, service_account):
    store = district_store
    _record(responses, VALUES)
    at = _app(service_account)
    assert f"Откройте таблицу на чтение для сервисного аккаунта {EMAIL}." in texts(at)
    _read(at)
    shown = texts(at)
    assert "**Google Таблица «Результаты района»**" in shown
    assert "Определено:** «Результаты оценочных процедур»" in shown
    added = frame_with(at, "Школа", "Предмет", "Средний балл", "Участников")
    assert added[["Школа", "Участников", "Средний балл"]].values.tolist() == [  # one number of decimals per column
        ["СОШ № 1", "12", "61,5"], ["СОШ № 2", "9", "55,0"]]
    assert sum("batchGet" in c.request.url for c in responses.calls) == 1
    button(at, "upl_accept").click().run()
    no_exception(at)
    assert "Принято «Google Таблица «Результаты района».xlsx»" in " ".join(unescaped(s.value) for s in at.sidebar.success)
    assert _chemistry(store) == [["sos1", 12, 61.5], ["sos2", 9, 55.0]]
    last = store.history().iloc[-1]
    assert (last["source"], last["added"] + last["changed"], last["replaced"]) == ("gsheets", 2, 0)
    # the kept snapshot is a workbook the loaders read back to the same rows
    from loaders import load_bytes

    name, snap = store.file_bytes(int(last["upload_id"]))
    again = load_bytes(name, snap, registry=store.read("schools"))
    assert again.ok and again.tables["results"][["school_id", "participants", "mean"]].values.tolist() == [
        ["sos1", 12, 61.5], ["sos2", 9, 55.0]]

    # the sheet is edited in Google; «Обновить» reads it again and shows the change
    edited = copy.deepcopy(VALUES)
    edited["valueRanges"][0]["values"][2][3] = "63"
    responses.replace(responses.GET, re.compile(re.escape(SHEETS) + r"/values:batchGet.*"), json=edited)
    _read(at, refresh=True)
    assert sum("batchGet" in c.request.url for c in responses.calls) == 2
    change = frame_with(at, "Поле", "Было", "Стало")
    assert change[["Школа", "Поле", "Было", "Стало"]].values.tolist() == [["СОШ № 1", "Средний балл", "61,5", "63,0"]]
    button(at, "upl_accept").click().run()
    assert _chemistry(store) == [["sos1", 12, 63.0], ["sos2", 9, 55.0]]

    # the key never reached the screen, the store file or its journal
    rendered = all_text(at)
    db = _store_bytes(store)
    for secret in _secret_fragments(service_account):
        assert secret not in rendered, secret
        assert secret.encode() not in db, secret
    assert b"ya29.test-token" not in db


@responses.activate
def test_no_access_is_shown_with_the_account_and_cannot_be_accepted(district_store, service_account):
    responses.add(responses.POST, "https://oauth2.googleapis.com/token",
                  json={"access_token": "ya29.test-token", "expires_in": 3600, "token_type": "Bearer"})
    responses.add(responses.GET, re.compile(re.escape(SHEETS) + r"\?.*"), status=403,
                  json={"error": {"code": 403, "message": "The caller does not have permission",
                                  "status": "PERMISSION_DENIED"}})
    before = district_store.table_checksums()
    at = _read(_app(service_account))
    err = " ".join(unescaped(e.value) for e in at.error)
    assert "нет доступа к таблице" in err and EMAIL in err
    assert button(at, "upl_accept").disabled
    assert district_store.table_checksums() == before
    rendered = all_text(at)
    for secret in _secret_fragments(service_account):
        assert secret not in rendered


def test_without_a_key_the_sidebar_says_how_to_configure_it(district_store):
    at = _app()
    assert "Ключ сервисного аккаунта не настроен" in texts(at)
    _read(at)
    assert any("не задан ключ сервисного аккаунта" in unescaped(e.value) for e in at.error)
    assert button(at, "upl_accept").disabled


@responses.activate
def test_reading_a_sheet_while_a_file_is_in_the_uploader_reviews_the_sheet(district_store, service_account):
    from tests.upload.conftest import ege_2026_changed, upload

    _record(responses, VALUES)
    at = upload(_app(service_account), "ege_2026.csv", ege_2026_changed("88,8"))
    assert "Файл **«ege_2026.csv»**" in texts(at)
    _read(at)
    at.run()  # one more rerun: the sheet stays under review, the file is gone from the uploader
    no_exception(at)
    assert "**Google Таблица «Результаты района»**" in texts(at) and "«ege_2026.csv»" not in texts(at)
    assert at.sidebar.file_uploader[0].value is None
