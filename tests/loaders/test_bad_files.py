"""Does every unreadable or hostile file give exactly one clear Russian error and no data?"""
import io
import re
import zipfile

import pytest

from loaders.grid import read_sheets
from loaders.pipeline import load_bytes, load_files
from loaders.report import LoadError
from tests.loaders.conftest import with_zip_bomb, xlsx_bytes

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def _one_error(result, *words):
    assert not result.ok
    assert len(result.errors) == 1, [p.text() for p in result.errors]
    text = result.errors[0].text()
    for w in words:
        assert w in text, text
    assert all(len(t) == 0 for t in result.tables.values())
    return text


def test_empty_csv():
    _one_error(load_bytes("пусто.csv", b""), "Файл «пусто.csv»", "пуст")
    _one_error(load_bytes("пробелы.csv", b"\r\n ;; \r\n"), "пуст")


def test_zero_byte_xlsx():
    _one_error(load_bytes("пусто.xlsx", b""), "пуст")


def test_png_renamed_xlsx():
    _one_error(load_bytes("фото.xlsx", PNG), "не электронная таблица", "PNG")


def test_corrupt_zip():
    good = xlsx_bytes({"S": [["a", "b"], [1, 2]]})
    _one_error(load_bytes("битый.xlsx", good[: len(good) // 2]), "повреждён")
    _one_error(load_bytes("битый2.xlsx", b"PK\x03\x04" + b"\x00garbage" * 50), "повреждён")


def test_text_renamed_xlsx():
    _one_error(load_bytes("текст.xlsx", "просто текст".encode()), "повреждён")


def test_zip_that_is_not_a_workbook():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "hello")
    _one_error(load_bytes("архив.xlsx", buf.getvalue()), "не таблица Excel")


def test_csv_in_unknown_encoding():
    text = "Наименование образовательной организации;Участников;Средний балл\r\nСосновская школа;20;65\r\n"
    _one_error(load_bytes("koi.csv", text.encode("koi8-r")), "кодировк")
    _one_error(load_bytes("dos.csv", text.encode("cp866")), "кодировк")
    _one_error(load_bytes("utf16.csv", text.encode("utf-16-le")), "кодировк")


def test_zip_bomb_is_refused_before_reading():
    data = with_zip_bomb(xlsx_bytes({"S": [["a"], [1]]}))
    assert len(data) < 2_000_000
    _one_error(load_bytes("бомба.xlsx", data), "распакованном виде", "200 МБ")
    # a district may lower the limit in settings
    with pytest.raises(LoadError, match="не более 1 МБ"):
        read_sheets("x.xlsx", xlsx_bytes({"S": [["a"]] + [[f"{i}" + "b" * 30000] for i in range(100)]}),
                    {"upload": {"max_uncompressed_mb": 1}})


def _rewrite_sheet(data: bytes, fn) -> bytes:
    zin = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            body = zin.read(item)
            zout.writestr(item, fn(body) if item.filename == "xl/worksheets/sheet1.xml" else body)
    return out.getvalue()


def test_a_claimed_dimension_is_not_trusted_either_way():
    """The `<dimension>` a file claims allocates nothing (calamine ignores it too): a claim of 5,000,000 rows over
    two real rows reads fine; one real cell at row 5,000,000 — with the claim removed — is refused."""
    good = xlsx_bytes({"S": [["Код ОО", "Наименование ОО"], ["sos1", "СОШ"]]})

    def claim(xml: bytes) -> bytes:
        new = re.sub(rb'<dimension ref="A1:B2"\s*/>', b'<dimension ref="A1:B5000000"/>', xml)
        assert b"B5000000" in new
        return new
    [sheet] = read_sheets("заявка.xlsx", _rewrite_sheet(good, claim))
    assert len(sheet.rows) == 2

    def far_cell(xml: bytes) -> bytes:
        xml = re.sub(rb'<dimension ref="[^"]*"\s*/>', b"", xml)
        return xml.replace(b"</sheetData>", b'<row r="5000000"><c r="B5000000" t="n"><v>1</v></c></row></sheetData>')
    text = _one_error(load_bytes("огромный.xlsx", _rewrite_sheet(good, far_cell)), "5 000 000 строк", "B5000000")
    assert "1 000 000" in text


def test_missing_file_and_non_table_files(tmp_path):
    result = load_files([tmp_path / "нет.xlsx"])
    _one_error(result, "не найден")
    (tmp_path / "README.md").write_text("# readme")
    result = load_files([tmp_path / "README.md"])
    assert result.warnings and "пропущен" in result.warnings[0].text()
    assert not result.ok and "не понято ничего" in result.errors[0].message  # nothing read is never «accepted»


def test_one_bad_file_spoils_the_batch(tmp_path):
    good = tmp_path / "реестр.xlsx"
    good.write_bytes(xlsx_bytes({"Реестр": [["Код ОО", "Наименование ОО"], ["sos1", "Сосновская СОШ"]]}))
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(PNG)
    result = load_files([good, bad])
    assert not result.ok
    assert all(len(t) == 0 for t in result.tables.values())
