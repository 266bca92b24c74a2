"""Shared fixtures for the document tests: the sample district's tables and PDF readers.

PDFs are read back with pypdfium2 (a test dependency): page count, text per page,
and PNG renderings written to test-artifacts/documents/ for a person to look at.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from tests.pages.conftest import seed_sample_store

TODAY = date(2026, 11, 22)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "documents"


@pytest.fixture(scope="session")
def district_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seed_sample_store(tmp_path_factory.mktemp("reports_seed") / "store.sqlite")


@pytest.fixture(scope="session")
def district(district_file: Path) -> dict:
    from store import open_store

    return open_store(path=district_file, seed_folder=district_file.parent / "_none").read_all()


@pytest.fixture
def inputs(district):
    from reports.content import Inputs

    return Inputs(tables=district, today=TODAY)


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]


def save_pngs(data: bytes, name: str) -> list[Path]:
    """Render every page to test-artifacts/documents/<name>_p<N>.png (for looking at)."""
    import pypdfium2 as pdfium

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    doc = pdfium.PdfDocument(data)
    out = []
    for i in range(len(doc)):
        path = ARTIFACTS / f"{name}_p{i + 1}.png"
        doc[i].render(scale=1.3).to_pil().save(path)
        out.append(path)
    return out


def docx_to_pdf(data: bytes, tmp_path: Path) -> bytes | None:
    """The .docx converted by LibreOffice when it is installed (None otherwise)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    src = tmp_path / "doc.docx"
    src.write_bytes(data)
    env = {**os.environ, "HOME": str(tmp_path)}
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)],
                   check=True, capture_output=True, timeout=180, env=env)
    return (tmp_path / "doc.pdf").read_bytes()
