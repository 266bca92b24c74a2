"""Are xlsx and csv sources turned into grids with true row numbers, merges, encodings and separators?"""
import io
import zipfile

import openpyxl
import pytest

from loaders.grid import decode_text, read_sheets, sniff_delimiter
from loaders.pipeline import load_bytes
from loaders.report import LoadError
from tests.loaders.conftest import csv_bytes, xlsx_bytes

RESULTS = [
    ["Год", "Процедура", "Предмет", "Код ОО", "Участников", "Средний балл"],
    [2024, "ОГЭ", "Математика", "sos1", 25, "3,84"],
    [2024, "ОГЭ", "Русский язык", "sos1", 25, "4,12"],
]


def test_xlsx_keeps_true_row_numbers_and_merges():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Данные"
    ws["B3"] = "Заголовок"
    ws.merge_cells("B3:D3")
    ws["B4"], ws["C4"] = "a", "b"
    ws["B5"] = 1.5
    buf = io.BytesIO()
    wb.save(buf)
    [sheet] = read_sheets("x.xlsx", buf.getvalue())
    assert sheet.name == "Данные"
    assert (sheet.first_row, sheet.first_col) == (3, 2)
    assert sheet.rows[0][0] == "Заголовок" and sheet.row_number(2) == 5 and sheet.column_letter(1) == "C"
    assert sheet.merged == [(0, 0, 0, 2)]
    assert sheet.merged_value(0, 2) == "Заголовок"
    assert sheet.rows[2][0] == 1.5


def test_formula_is_never_evaluated():
    """openpyxl writes formulas without a cached value: such a cell reads as empty, not as 2*21."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["B1"] = "x", "y"
    ws["A2"], ws["B2"] = 21, "=A2*2"
    buf = io.BytesIO()
    wb.save(buf)
    [sheet] = read_sheets("f.xlsx", buf.getvalue())
    assert sheet.rows[1][0] == 21
    assert sheet.rows[1][1] in ("", None)


def test_formula_cached_value_is_read():
    """A formula with a cached value (as Excel saves it) reads as that value."""
    buf = io.BytesIO(xlsx_bytes({"S": [["x", "y"], [21, 0]]}))
    zin = zipfile.ZipFile(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<c r="B2" t="n"><v>0</v></c>', b'<c r="B2"><f>A2*2</f><v>42</v></c>')
                assert b"<f>A2*2</f>" in data
            zout.writestr(item, data)
    [sheet] = read_sheets("f.xlsx", out.getvalue())
    assert sheet.rows[1][1] == 42


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
@pytest.mark.parametrize("sep", [";", ","])
def test_csv_encodings_and_separators_with_decimal_commas(encoding, sep):
    rows = [list(r) for r in RESULTS]
    data = csv_bytes(rows, sep=sep, encoding=encoding, quote_all=(sep == ","))
    [sheet] = read_sheets("ogeh.csv", data)
    assert sheet.rows[0] == [str(v) for v in RESULTS[0]]
    assert sheet.rows[1][5] == "3,84"
    result = load_bytes("oge.csv", data)
    assert result.ok, [p.text() for p in result.problems]
    res = result.tables["results"]
    assert res["mean"].tolist() == [3.84, 4.12]
    assert res["subject"].tolist() == ["Математика", "Русский язык"]
    assert res["grade"].tolist() == [9, 9]


def test_csv_trailing_separator_and_quotes():
    data = csv_bytes([["A", "B"], ["1", "x;y"]], sep=";", quote_all=True, trailing_sep=True)
    [sheet] = read_sheets("t.csv", data)
    assert sheet.rows == [["A", "B"], ["1", "x;y"]]


def test_sniffer_prefers_consistent_field_counts():
    assert sniff_delimiter(["a;b;c", "1,5;2,5;3"]) == ";"
    assert sniff_delimiter(['"a","b"', '"1,5","2"']) == ","
    assert sniff_delimiter(["a\tb", "1\t2"]) == "\t"


def test_cp1251_is_recognised_and_koi8_refused():
    assert decode_text("a.csv", "Наименование ОО;Участников".encode("cp1251")) == "Наименование ОО;Участников"
    with pytest.raises(LoadError, match="кодировк"):
        decode_text("a.csv", "Наименование образовательной организации;Участников".encode("koi8-r"))


def test_utf16_with_bom_is_read():
    text = "Код ОО\tНаименование ОО\r\nsos1\tСОШ\r\n"
    [sheet] = read_sheets("u.txt", text.encode("utf-16"))
    assert sheet.rows == [["Код ОО", "Наименование ОО"], ["sos1", "СОШ"]]


def test_real_bulgarian_file_with_second_bom():
    data = open("/work/shared/real_data/bulgaria_matura_2018.csv", "rb").read()
    assert data.startswith(b"\xef\xbb\xbf")
    [sheet] = read_sheets("bulgaria_matura_2018.csv", data)
    assert sheet.width == 37
    assert all(len(r) == 37 for r in sheet.rows)
    assert "\ufeff" not in sheet.rows[0][0] and sheet.rows[0][0]
    assert len(sheet.rows) > 100


def test_real_moscow_csv_phantom_column_dropped():
    data = open("/work/shared/real_data/moscow_ege_2015-16.csv", "rb").read()
    [sheet] = read_sheets("moscow_ege_2015-16.csv", data)
    assert "EDU_NAME" in sheet.rows[0]
    assert sheet.rows[0][-1] != ""
    assert len(sheet.rows) == 627  # header + 626 schools


def test_real_moscow_xlsx_header_in_row_two():
    data = open("/work/shared/real_data/moscow_ege_2015.xlsx", "rb").read()
    sheets = read_sheets("moscow_ege_2015.xlsx", data)
    data_sheet = next(s for s in sheets if s.name == "Данные")
    top = next(i for i, r in enumerate(data_sheet.rows) if any(v not in (None, "") for v in r))
    assert data_sheet.row_number(top) == 2
    assert "Всего сдававших" in data_sheet.rows[top]
