"""Are hostile files refused with a message when they come through the sidebar upload, formulas read
as their cached values only, and Excel exports safe from formula injection?"""
from __future__ import annotations

from tests.pages.conftest import unescaped

import io

import openpyxl

from tests.upload.conftest import (XLSX, button, claims_millions_of_rows, patch_sheet, results_xlsx, started,
                                   upload, zip_bomb)


def _refused(store, name, data, *words):
    before, ver = store.table_checksums(), store.version()
    at = upload(started(), name, data, XLSX)
    err = " ".join(unescaped(e.value) for e in at.error)
    assert "Ошибок: 1" in err, err
    for w in words:
        assert w in err, err
    assert button(at, "upl_accept").disabled
    assert store.table_checksums() == before and store.version() == ver
    return err


def test_zip_bomb_is_refused(district_store):
    data = zip_bomb()
    assert len(data) < 2_000_000
    _refused(district_store, "бомба.xlsx", data, "Файл «бомба.xlsx»", "распакованном виде", "200 МБ")


def test_workbook_filled_to_five_million_rows_is_refused(district_store):
    _refused(district_store, "огромный.xlsx", claims_millions_of_rows(), "5 000 000 строк", "1 000 000")


def test_formulas_are_read_as_cached_values_never_evaluated(district_store):
    store = district_store
    data = results_xlsx([["МБОУ Сосновская СОШ №1", "Химия", 12, 60], ["МБОУ Сосновская СОШ №2", "Химия", 11, 55]])

    def fn(xml: bytes) -> bytes:
        # C3: a formula whose evaluation would give 2, saved with the cached value 40;
        # D4: a formula with no cached value (as openpyxl writes them) — must stay empty, not 1+1.
        a, b = b'<c r="C3" t="n"><v>12</v></c>', b'<c r="D4" t="n"><v>55</v></c>'
        assert a in xml and b in xml
        return xml.replace(a, b'<c r="C3"><f>1+1</f><v>40</v></c>').replace(b, b'<c r="D4"><f>1+1</f></c>')

    at = upload(started(), "ЕГЭ_2026.xlsx", patch_sheet(data, fn), XLSX)
    assert not at.error
    button(at, "upl_accept").click().run()
    r = store.read("results")
    got = r[(r["year"] == 2026) & (r["subject"] == "Химия") & r["school_id"].isin(["sos1", "sos2"])]
    got = got.sort_values("school_id")[["school_id", "participants", "mean"]]
    assert got["participants"].tolist() == [40, 11]
    assert got["mean"].iloc[0] == 60 and got["mean"].isna().iloc[1]


def test_history_export_neutralises_formula_cells(district_store):
    """A file named like a formula, uploaded through the sidebar, is a plain text cell in the Excel export."""
    from ui.history import HISTORY_COLUMNS, history_frame
    from ui.tables import excel_bytes

    store = district_store
    evil = "=HYPERLINK(\"http://x\",\"y\")+1.xlsx"
    data = results_xlsx([["МБОУ Сосновская СОШ №1", "Химия", 12, 60]])
    at = upload(started(), evil, data, XLSX)
    button(at, "upl_accept").click().run()
    h = history_frame(store)
    assert len(h) == 2  # the seed and this upload
    h = h.assign(user=["@SUM(1)", "-2+3"], source=["+7", "+7"])
    cols = [c for c in HISTORY_COLUMNS if c in h.columns]
    wb = openpyxl.load_workbook(io.BytesIO(excel_bytes(h[cols])))
    ws = wb.active
    cells = [c for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = {c.value for c in cells}
    assert "'" + evil in values and "'@SUM(1)" in values and "'-2+3" in values
    # a column of «+7» reads as signed numbers: written as the number 7 shown «+7», never as a formula
    src = [c for c in ws[1] if c.value == "source"] or [c for c in ws[1] if c.value == "Источник"]
    col = [ws.cell(row=r, column=src[0].column) for r in range(2, ws.max_row + 1)] if src else []
    assert all(c.value == "'+7" or (c.value == 7 and c.number_format.startswith("+")) for c in col)
