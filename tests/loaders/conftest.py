"""Helpers that build real-shaped spreadsheet files for loader tests."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest


def xlsx_bytes(sheets: dict[str, list[list[Any]]], merges: dict[str, list[str]] | None = None) -> bytes:
    """An xlsx workbook with the given sheets (rows of values) and merged ranges ("A1:C1")."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(list(r))
        for rng in (merges or {}).get(name, []):
            ws.merge_cells(rng)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def with_zip_bomb(workbook: bytes, megabytes: int = 300) -> bytes:
    """The same workbook plus a member that inflates to `megabytes` MB (zeros compress ~1000:1)."""
    good = zipfile.ZipFile(io.BytesIO(workbook))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for item in good.infolist():
            z.writestr(item.filename, good.read(item))
        with z.open("xl/media/padding.bin", "w") as fh:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(megabytes):
                fh.write(chunk)
    return buf.getvalue()


def csv_bytes(rows: list[list[Any]], sep: str = ";", encoding: str = "utf-8", quote_all: bool = False,
              trailing_sep: bool = False) -> bytes:
    lines = []
    for r in rows:
        cells = ["" if v is None else str(v) for v in r]
        if quote_all:
            cells = ['"' + c.replace('"', '""') + '"' for c in cells]
        line = sep.join(cells) + (sep if trailing_sep else "")
        lines.append(line)
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


REGISTRY_ROWS = [
    ["Код ОО", "Наименование ОО", "Краткое наименование", "Тип ОО", "Местность"],
    ["sos1", "МБОУ «Сосновская СОШ № 1»", "Сосновская СОШ № 1", "СОШ", "город"],
    ["sos2", "МБОУ «Сосновская СОШ № 2»", "Сосновская СОШ № 2", "СОШ", "город"],
    ["ber", "МКОУ «Берёзовская ООШ»", "Берёзовская ООШ", "ООШ", "село"],
]


@pytest.fixture(autouse=True)
def _no_saved_mappings(monkeypatch, tmp_path):
    """A test never reads the mappings a developer saved in data/mappings.json (tests that need saved
    mappings point DASHBOARD_MAPPINGS at their own file)."""
    monkeypatch.setenv("DASHBOARD_MAPPINGS", str(tmp_path / "saved_mappings.json"))


@pytest.fixture
def registry_xlsx(tmp_path: Path) -> Path:
    p = tmp_path / "реестр_школ.xlsx"
    p.write_bytes(xlsx_bytes({"Реестр": REGISTRY_ROWS}))
    return p


@pytest.fixture
def write(tmp_path: Path):
    def _write(name: str, data: bytes) -> Path:
        p = tmp_path / name
        p.write_bytes(data)
        return p
    return _write
