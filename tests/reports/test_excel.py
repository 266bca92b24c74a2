"""Do Excel downloads keep numbers as numbers with Russian display formats, say what they are, and stay safe?"""
from __future__ import annotations

import io
from datetime import datetime

import openpyxl
import pandas as pd

from reports.excel import DATE_FORMAT, excel_bytes, number_format

NB = "\u00a0"


def _sheet(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


def test_display_numbers_become_numbers_with_formats():
    df = pd.DataFrame({
        "Показатель": ["Доля выпускников, %", "Средний балл", "Выпускники"],
        "Факт": [f"45,0{NB}%", "4,38", f"1{NB}234"],
        "Откл.": [f"+0,4{NB}п.{NB}п.", "−0,04", "—"],
        "Дата": ["22.11.2026", "01.09.2025", "—"],
        "Код": ["007", "12", "=1+1"],
    })
    ws = _sheet(excel_bytes(df, title="Показатели программы · 2025/26 учебный год · весь район"))
    assert ws["A1"].value.startswith("Показатели программы") and ws["A1"].font.b
    assert [c.value for c in ws[2]] == list(df.columns)
    assert ws.freeze_panes == "A3"
    fact = [ws.cell(row=r, column=2) for r in (3, 4, 5)]
    assert [c.value for c in fact] == [45.0, 4.38, 1234]
    assert all(c.data_type == "n" for c in fact)
    assert fact[0].number_format == number_format(1, f"{NB}%", grouped=False) == f'0.0"{NB}%";"−"0.0"{NB}%";0.0"{NB}%"'
    assert fact[1].number_format.startswith("0.00;") and fact[2].number_format.startswith("#,##0;")
    dev = [ws.cell(row=r, column=3) for r in (3, 4, 5)]
    assert dev[0].value == 0.4 and dev[0].number_format.startswith("+0.0") and "п." in dev[0].number_format
    assert dev[1].value == -0.04 and '"−"0.00' in dev[1].number_format
    assert dev[2].value is None  # «—» is an empty cell, not text
    assert ws.cell(row=3, column=4).value == datetime(2026, 11, 22) and ws.cell(row=3, column=4).number_format == DATE_FORMAT
    codes = [ws.cell(row=r, column=5).value for r in (3, 4, 5)]
    assert codes == ["007", "12", "'=1+1"]  # a column of codes stays text; a formula stays inert text
    assert ws.column_dimensions["A"].width >= len("Доля выпускников, %")


def test_unrounded_values_behind_shown_texts():
    df = pd.DataFrame({"Факт": [f"45,0{NB}%", "3,76"]})
    ws = _sheet(excel_bytes(df, raw={"Факт": pd.Series([45.0123, 3.7649])}))
    assert ws["A2"].value == 45.0123 and ws["A3"].value == 3.7649
    # a raw value that does not round to the text is not used (the text is what was shown)
    ws = _sheet(excel_bytes(df, raw={"Факт": pd.Series([50.0, 3.7649])}))
    assert ws["A2"].value == 45.0


def test_numeric_and_date_columns_get_formats():
    df = pd.DataFrame({"Участников": [12, 130], "Средний балл": [70.64, 55.59], "Дата": pd.to_datetime(["2026-03-01", None])})
    ws = _sheet(excel_bytes(df))
    assert ws["A2"].number_format.startswith("#,##0") and ws["A2"].value == 12
    assert ws["B2"].number_format.startswith("#,##0.0;") and ws["B2"].value == 70.64
    assert ws["C2"].number_format == DATE_FORMAT and ws["C3"].value is None


def test_text_columns_with_a_few_number_like_cells_stay_text():
    df = pd.DataFrame({"Школа": ["+7", "Лицей", "СОШ № 1", "-1"]})
    ws = _sheet(excel_bytes(df))
    assert [ws.cell(row=r, column=1).value for r in range(2, 6)] == ["'+7", "Лицей", "СОШ № 1", "'-1"]
