"""Is a Google spreadsheet read through gspread itself (recorded Sheets API answers, no network)?"""
import json
import re

import pytest
import responses
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from loaders.gsheets import CredentialsMissing, find_credentials, load_gsheet

KEY = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg"
URL = f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid=0"
SHEETS = f"https://sheets.googleapis.com/v4/spreadsheets/{KEY}"


@pytest.fixture(scope="module")
def service_account():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    return {"type": "service_account", "project_id": "test", "private_key_id": "abc123", "private_key": pem,
            "client_email": "loader@test.iam.gserviceaccount.com", "client_id": "1",
            "token_uri": "https://oauth2.googleapis.com/token"}


METADATA = {
    "spreadsheetId": KEY,
    "properties": {"title": "Результаты района", "locale": "ru_RU"},
    "sheets": [
        {"properties": {"sheetId": 0, "title": "Реестр", "index": 0, "sheetType": "GRID",
                        "gridProperties": {"rowCount": 10, "columnCount": 3}}},
        {"properties": {"sheetId": 1, "title": "ОГЭ 2024", "index": 1, "sheetType": "GRID",
                        "gridProperties": {"rowCount": 10, "columnCount": 5}},
         "merges": [{"sheetId": 1, "startRowIndex": 1, "endRowIndex": 2, "startColumnIndex": 1, "endColumnIndex": 3},
                    {"sheetId": 1, "startRowIndex": 1, "endRowIndex": 2, "startColumnIndex": 3,
                     "endColumnIndex": 5}]},
    ],
}
VALUES = {"spreadsheetId": KEY, "valueRanges": [
    {"range": "'Реестр'!A1:C3", "majorDimension": "ROWS",
     "values": [["Код ОО", "Наименование ОО", "Местность"], ["sos1", "МБОУ «Сосновская СОШ № 1»", "город"],
                ["ber", "МКОУ «Берёзовская ООШ»", "село"]]},
    {"range": "'ОГЭ 2024'!A1:E5", "majorDimension": "ROWS",
     "values": [["Результаты ОГЭ 2024 года"],
                ["ОО", "Русский язык", "", "Математика", ""],
                ["", "Участников", "Средний балл", "Участников", "Средний балл"],
                ["Сосновская СОШ № 1", "50", "4,1", "50", "3,6"],
                ["Итого по району", "50", "4,1", "50", "3,6"]]},
]}


def _mock_token(rsps):
    rsps.add(responses.POST, "https://oauth2.googleapis.com/token",
             json={"access_token": "ya29.test", "expires_in": 3600, "token_type": "Bearer"})


@responses.activate
def test_reads_every_worksheet_through_the_pipeline(service_account):
    _mock_token(responses)
    responses.add(responses.GET, re.compile(re.escape(SHEETS) + r"\?.*"), json=METADATA)
    responses.add(responses.GET, re.compile(re.escape(SHEETS) + r"/values:batchGet.*"), json=VALUES)
    result = load_gsheet(URL, credentials=service_account)
    assert result.ok, [p.text() for p in result.problems]
    assert result.tables["schools"]["school_id"].tolist() == ["sos1", "ber"]
    res = result.tables["results"].sort_values("subject")
    assert res[["subject", "school_id", "participants", "mean", "year", "exam", "grade"]].values.tolist() == [
        ["Математика", "sos1", 50, 3.6, 2024, "ОГЭ", 9], ["Русский язык", "sos1", 50, 4.1, 2024, "ОГЭ", 9]]
    batch = [c.request for c in responses.calls if "batchGet" in c.request.url][0]
    assert "ranges=" in batch.url and batch.headers["Authorization"] == "Bearer ya29.test"
    assert {d["file"] for d in result.detected} == {"Google Таблица «Результаты района»"}


@responses.activate
def test_no_access_is_one_russian_error_without_key_material(service_account):
    _mock_token(responses)
    responses.add(responses.GET, re.compile(re.escape(SHEETS) + r"\?.*"), status=403,
                  json={"error": {"code": 403, "message": "The caller does not have permission",
                                  "status": "PERMISSION_DENIED"}})
    result = load_gsheet(KEY, credentials=service_account)
    assert len(result.errors) == 1
    text = result.errors[0].text()
    assert "нет доступа" in text and "loader@test.iam.gserviceaccount.com" in text
    assert "PRIVATE KEY" not in text and "abc123" not in text


@responses.activate
def test_not_found(service_account):
    _mock_token(responses)
    responses.add(responses.GET, re.compile(re.escape(SHEETS) + r"\?.*"), status=404,
                  json={"error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}})
    result = load_gsheet(URL, credentials=service_account)
    assert len(result.errors) == 1 and "не найдена" in result.errors[0].text()


@responses.activate
def test_rejected_key(service_account):
    responses.add(responses.POST, "https://oauth2.googleapis.com/token", status=400,
                  json={"error": "invalid_grant", "error_description": "Invalid JWT Signature."})
    result = load_gsheet(URL, credentials=service_account)
    assert len(result.errors) == 1 and "не принял ключ" in result.errors[0].text()


def test_bad_url_and_broken_key(service_account):
    r = load_gsheet("https://example.com/not-a-sheet", credentials=service_account)
    assert len(r.errors) == 1 and "не похожа" in r.errors[0].text()
    r = load_gsheet(KEY, credentials={"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\nxx"})
    assert len(r.errors) == 1 and "повреждён" in r.errors[0].text() and "BEGIN" not in r.errors[0].text()


def test_credentials_from_environment(monkeypatch, tmp_path, service_account):
    monkeypatch.delenv("GOOGLE_SERVICE_ACCOUNT_JSON", raising=False)
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    with pytest.raises(CredentialsMissing):
        find_credentials()
    r = load_gsheet(KEY)
    assert len(r.errors) == 1 and "не задан ключ" in r.errors[0].text()
    monkeypatch.setenv("GOOGLE_SERVICE_ACCOUNT_JSON", json.dumps(service_account))
    assert find_credentials()["client_email"] == service_account["client_email"]
    monkeypatch.delenv("GOOGLE_SERVICE_ACCOUNT_JSON")
    p = tmp_path / "key.json"
    p.write_text(json.dumps(service_account))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(p))
    assert find_credentials()["private_key_id"] == "abc123"
