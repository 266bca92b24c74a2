"""How is a Google Sheets spreadsheet read into the same pipeline as files?

`load_gsheet(url_or_key)` signs in with a service account through gspread,
reads every worksheet's values (one batch request) and merged ranges (from the
spreadsheet metadata), turns them into `Sheet` grids and runs the ordinary
pipeline. The service-account key comes from the caller, else from Streamlit
secrets (`gcp_service_account`), else from the environment
(`GOOGLE_SERVICE_ACCOUNT_JSON` with the JSON text, or
`GOOGLE_APPLICATION_CREDENTIALS` with a path). Any failure — no key, no
access, not found — becomes one Russian error; key material never appears in
messages or logs.
"""
from __future__ import annotations

import json
import logging
import os
from typing import Any

from loaders.grid import Sheet, sheets_from_values
from loaders.report import LoadResult, Problem

log = logging.getLogger(__name__)

SCOPES = ["https://www.googleapis.com/auth/spreadsheets.readonly"]
SECRETS_KEY = "gcp_service_account"


class CredentialsMissing(Exception):
    pass


def find_credentials() -> dict[str, Any]:
    """The service-account info dict from Streamlit secrets or the environment; raises CredentialsMissing."""
    info = _from_streamlit()
    if info:
        return info
    text = os.environ.get("GOOGLE_SERVICE_ACCOUNT_JSON")
    if text:
        try:
            return json.loads(text)
        except ValueError:
            raise CredentialsMissing("переменная GOOGLE_SERVICE_ACCOUNT_JSON содержит не JSON") from None
    path = os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")
    if path:
        try:
            with open(path, encoding="utf-8") as fh:
                return json.load(fh)
        except (OSError, ValueError):
            raise CredentialsMissing("файл ключа из GOOGLE_APPLICATION_CREDENTIALS не читается или не JSON") from None
    raise CredentialsMissing("не задан ключ сервисного аккаунта Google: добавьте его в секреты Streamlit "
                             f"([{SECRETS_KEY}]) или в переменную окружения GOOGLE_SERVICE_ACCOUNT_JSON")


def _from_streamlit() -> dict[str, Any] | None:
    try:
        import streamlit as st

        secrets = st.secrets
        if SECRETS_KEY in secrets:
            return dict(secrets[SECRETS_KEY])
    except Exception:  # no secrets file, not running under streamlit, …
        return None
    return None


def _grids(spreadsheet, title: str) -> list[Sheet]:
    meta = spreadsheet.fetch_sheet_metadata()
    sheets_meta = [s for s in meta.get("sheets", []) if s.get("properties", {}).get("sheetType", "GRID") == "GRID"]
    names = [s["properties"]["title"] for s in sheets_meta]
    if not names:
        return []
    ranges = ["'" + n.replace("'", "''") + "'" for n in names]
    batch = spreadsheet.values_batch_get(ranges)
    grids = []
    for name, sm, vr in zip(names, sheets_meta, batch.get("valueRanges", [])):
        sheet = sheets_from_values(title, name, vr.get("values", []))
        for m in sm.get("merges", []):
            top, left = m.get("startRowIndex", 0), m.get("startColumnIndex", 0)
            bottom, right = m.get("endRowIndex", top + 1) - 1, m.get("endColumnIndex", left + 1) - 1
            sheet.merged.append((top, left, bottom, right))
        grids.append(sheet)
    return grids


def load_gsheet(url_or_key: str, *, credentials: dict[str, Any] | None = None, **load_kwargs: Any) -> LoadResult:
    """Read every worksheet of a Google spreadsheet (URL or key) through the loader pipeline."""
    import gspread
    from google.auth.exceptions import GoogleAuthError, TransportError

    from loaders.pipeline import load_sheets

    label = "Google Таблица"
    try:
        info = credentials if credentials is not None else find_credentials()
    except CredentialsMissing as exc:
        return _failed(str(exc), label)
    email = info.get("client_email") if isinstance(info, dict) else None
    try:
        client = gspread.service_account_from_dict(info, scopes=SCOPES)
    except Exception:  # malformed key: never echo it
        return _failed("ключ сервисного аккаунта повреждён или неполон (нужен JSON-ключ типа service_account)", label)
    try:
        if str(url_or_key).startswith(("http://", "https://")):
            sh = client.open_by_url(url_or_key)
        else:
            sh = client.open_by_key(str(url_or_key).strip())
        title = f"Google Таблица «{sh.title}»"
        grids = _grids(sh, title)
    except gspread.exceptions.NoValidUrlKeyFound:
        return _failed("ссылка не похожа на адрес Google Таблицы", label)
    except gspread.exceptions.SpreadsheetNotFound:
        return _failed("таблица не найдена: проверьте ссылку и откройте доступ на чтение для "
                       f"{email or 'сервисного аккаунта'}", label)
    except PermissionError:  # gspread turns a 403 on open into PermissionError
        return _failed(f"нет доступа к таблице: откройте её на чтение для {email or 'сервисного аккаунта'}", label)
    except gspread.exceptions.APIError as exc:
        code = getattr(getattr(exc, "response", None), "status_code", None)
        if code == 403:
            return _failed(f"нет доступа к таблице: откройте её на чтение для {email or 'сервисного аккаунта'}", label)
        if code == 404:
            return _failed("таблица не найдена: проверьте ссылку", label)
        if code == 429:
            return _failed("Google ограничил число запросов; повторите через минуту", label)
        return _failed(f"Google Sheets вернул ошибку {code or ''}".strip(), label)
    except TransportError:
        return _failed("нет связи с Google: проверьте подключение к интернету", label)
    except GoogleAuthError:
        return _failed("Google не принял ключ сервисного аккаунта (отозван или неверен)", label)
    except Exception as exc:  # network errors and the like; the message never contains key material
        log.warning("Google Sheets read failed: %s", type(exc).__name__)
        return _failed(f"не удалось прочитать Google Таблицу ({type(exc).__name__})", label)
    return load_sheets(grids, **load_kwargs)


def _failed(message: str, label: str) -> LoadResult:
    return LoadResult(problems=[Problem("error", message, file=label)])
