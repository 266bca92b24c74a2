"""Fixtures and helpers for the upload tests.

`district_store` is a fresh copy (per test) of a store seeded once from a small
real-shaped district: the sample registry and the ЕГЭ 2025 and 2026 exports of
`sample_data/`. The environment is the one the app reads (DASHBOARD_STORE …).
Helpers build the files a user uploads (the 2026 ЕГЭ export with one value
changed, hostile workbooks), upload them through the sidebar widget of an
AppTest, and read what the review dialog shows.
"""
from __future__ import annotations

import io
import re
import shutil
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.loaders.conftest import with_zip_bomb
from tests.pages.conftest import (  # noqa: F401  (autouse fixture re-exported for this folder)
    _navigation_mode, make_app, no_exception, texts, unescaped,
)

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data"
SEED_FILES = ("registry.xlsx", "ege_2025.csv", "ege_2026.csv")
TODAY = "2026-11-22"


def seed_district(out: Path) -> Path:
    """Seed a store file at `out` from the small district (registry + ЕГЭ 2025, 2026); WAL folded in."""
    folder = out.parent / "district_seed"
    folder.mkdir(parents=True, exist_ok=True)
    for name in SEED_FILES:
        shutil.copyfile(SAMPLE / name, folder / name)
    from store import open_store

    store = open_store(path=out, seed_folder=folder)
    errors = [p.text() for p in store.seed_problems if p.severity == "error"]
    assert not errors, errors[:3]
    con = sqlite3.connect(out)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return out


@pytest.fixture(scope="session")
def district_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seed_district(tmp_path_factory.mktemp("upload_master") / "store.sqlite")


@pytest.fixture
def district_store(monkeypatch: pytest.MonkeyPatch, district_master: Path, tmp_path: Path) -> Any:
    """A writable copy of the seeded district; returns the opened Store. Caches are cleared (a fresh process)."""
    path = tmp_path / "store.sqlite"
    shutil.copyfile(district_master, path)
    empty = tmp_path / "no_seed"
    empty.mkdir()
    monkeypatch.setenv("DASHBOARD_STORE", str(path))
    monkeypatch.setenv("DASHBOARD_SEED_FOLDER", str(empty))
    monkeypatch.setenv("DASHBOARD_TODAY", TODAY)
    monkeypatch.setenv("DASHBOARD_STRICT", "1")
    for var in ("GOOGLE_SERVICE_ACCOUNT_JSON", "GOOGLE_APPLICATION_CREDENTIALS"):
        monkeypatch.delenv(var, raising=False)
    restart()
    from store import open_store

    return open_store(path=path, seed_folder=empty)


def restart() -> None:
    """What a server restart forgets: every st.cache_data and st.cache_resource entry."""
    st.cache_data.clear()
    st.cache_resource.clear()


# ---------------------------------------------------------------- files a user uploads

def ege_2026_text() -> str:
    return (SAMPLE / "ege_2026.csv").read_bytes().decode("cp1251")


SOS1_RUSSIAN = "МБОУ Сосновская СОШ №1;Русский язык;72;72,7"


def ege_2026_changed(new_mean: str = "88,8") -> bytes:
    """The regional ЕГЭ 2026 export with СОШ № 1's Russian mean changed from 72,7 to `new_mean`."""
    text = ege_2026_text()
    assert SOS1_RUSSIAN in text
    return text.replace(SOS1_RUSSIAN, SOS1_RUSSIAN.replace("72,7", new_mean)).encode("cp1251")


def results_xlsx(rows: list[list[Any]], title: str = "Результаты ЕГЭ 2026 года") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "ЕГЭ 2026"
    ws.append([title])
    ws.append(["Наименование ОО", "Предмет", "Количество участников", "Средний балл"])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def patch_sheet(data: bytes, fn) -> bytes:
    """Rewrite xl/worksheets/sheet1.xml of an xlsx with fn(xml bytes) -> xml bytes."""
    zin = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            body = zin.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = fn(body)
            zout.writestr(item, body)
    return out.getvalue()


def zip_bomb() -> bytes:
    """A valid results workbook plus a member that inflates to 300 MB."""
    return with_zip_bomb(results_xlsx([["МБОУ Сосновская СОШ №1", "Химия", 10, 60]]))


def claims_millions_of_rows() -> bytes:
    """A results workbook with one more value, in cell D5000000 (and no `<dimension>` to warn of it)."""
    data = results_xlsx([["МБОУ Сосновская СОШ №1", "Химия", 10, 60]])

    def fn(xml: bytes) -> bytes:
        new = re.sub(rb'<dimension ref="[^"]*"\s*/>', b"", xml)
        return new.replace(b"</sheetData>", b'<row r="5000000"><c r="D5000000" t="n"><v>1</v></c></row></sheetData>')
    return patch_sheet(data, fn)


# ---------------------------------------------------------------- driving the app

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(at: AppTest, name: str, data: bytes, mime: str = "text/csv") -> AppTest:
    at.sidebar.file_uploader[0].set_value((name, data, mime)).run()
    no_exception(at)
    return at


def started(page: str | None = None, **query: Any) -> AppTest:
    at = make_app()
    for k, v in query.items():
        at.query_params[k] = str(v)
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    no_exception(at)
    return at


def frames(at: AppTest) -> list[Any]:
    return [df.value for df in at.dataframe]


def frame_with(at: AppTest, *columns: str) -> Any:
    for v in frames(at):
        if all(c in v.columns for c in columns):
            return v
    raise AssertionError(f"no table with columns {columns}: {[list(v.columns) for v in frames(at)]}")


def preview_with(at: AppTest, *columns: str) -> Any:
    """The preview of the file's rows: the LAST table with these columns (the dialog shows the diff first)."""
    for v in reversed(frames(at)):
        if all(c in v.columns for c in columns):
            return v
    raise AssertionError(f"no table with columns {columns}: {[list(v.columns) for v in frames(at)]}")


def sequence(node: Any) -> list[tuple[str, str]]:
    """What a block shows, in screen order: (element type, its text, label or key) depth-first."""
    out: list[tuple[str, str]] = []

    def walk(n: Any) -> None:
        kind = getattr(n, "type", "")
        if kind in ("subheader", "markdown", "caption", "error", "info", "warning", "success", "title"):
            out.append((kind, unescaped(n.value)))
        elif kind == "button":
            out.append((kind, str(n.key or n.label)))
        elif kind == "dataframe":
            out.append((kind, ",".join(map(str, n.value.columns))))
        for child in getattr(n, "children", {}).values():
            walk(child)
    walk(node)
    return out


def position(seq: list[tuple[str, str]], kind: str, text: str) -> int:
    """Index of the first element of `kind` whose text contains `text`."""
    return next(i for i, (k, t) in enumerate(seq) if k == kind and text in t)


def button(at: AppTest, key: str) -> Any:
    return at.button(key=key)


def all_text(at: AppTest) -> str:
    """Everything the rendered app holds, as readable text: every element's protobuf (strings unescaped,
    so Cyrillic is searchable) plus every st.dataframe's cells (their Arrow bytes are not text)."""
    from google.protobuf import text_format

    out: list[str] = []

    def walk(node: Any) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            out.append(text_format.MessageToString(proto, as_utf8=True))
        for child in getattr(node, "children", {}).values():
            walk(child)
    walk(at._tree)
    for df in at.dataframe:
        out.append(df.value.to_csv())
    return "\n".join(out)
