"""Small hostile files, built in the tests (a few KB each), that used to take a server down.

Each is a valid-looking workbook whose real shape is enormous or whose XML is a known attack:
a cell at XFD999999 or XFD50000 with the `<dimension>` removed, an ODS whose repeated rows and
columns multiply out to 10⁸ cells, elements nested 100,000 deep, a billion-laughs entity, a zip
with 5,000 entries and a zip bomb.
"""
from __future__ import annotations

import io
import re
import zipfile

from tests.loaders.conftest import with_zip_bomb
from tests.upload.conftest import patch_sheet, results_xlsx

ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')


MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
            'spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>")


def base_xlsx() -> bytes:
    return results_xlsx([["МБОУ Сосновская СОШ №1", "Химия", 10, 60]])


def far_cell(ref: str) -> bytes:
    """The results workbook plus one number in cell `ref`, with no `<dimension>` to warn of it."""
    row = re.sub("[A-Z]", "", ref)

    def fn(xml: bytes) -> bytes:
        xml = re.sub(rb'<dimension ref="[^"]*"\s*/>', b"", xml)
        return xml.replace(b"</sheetData>", f'<row r="{row}"><c r="{ref}" t="n"><v>1</v></c></row></sheetData>'.encode())
    return patch_sheet(base_xlsx(), fn)


def ods(rows_xml: str) -> bytes:
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NS} office:version="1.2">'
               '<office:body><office:spreadsheet><table:table table:name="Лист1">' + rows_xml +
               "</table:table></office:spreadsheet></office:body></office:document-content>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", MANIFEST, zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def ods_repeats() -> bytes:
    """Under a kilobyte: one row of one number, repeated 100,000 times down and 1,000 times across."""
    cell = ('<table:table-cell table:number-columns-repeated="1000" office:value-type="float" office:value="7">'
            "<text:p>7</text:p></table:table-cell>")
    return ods(f'<table:table-row table:number-rows-repeated="100000">{cell}</table:table-row>')


def ods_libreoffice_tail() -> bytes:
    """What LibreOffice writes at the end of every sheet — empty rows and columns repeated to the sheet's edge —
    after two filled rows: harmless, and must be read."""
    head = ("<table:table-row>" + "".join(f'<table:table-cell office:value-type="string"><text:p>{h}</text:p>'
                                          "</table:table-cell>" for h in ("Код ОО", "Наименование ОО")) +
            "</table:table-row><table:table-row>" +
            "".join(f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
                    for v in ("sos1", "СОШ")) + "</table:table-row>")
    tail = ('<table:table-row table:number-rows-repeated="1048574">'
            '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>')
    return ods(head + tail)


def deep_nesting(depth: int = 100_000) -> bytes:
    return patch_sheet(base_xlsx(), lambda xml: xml.replace(b"</sheetData>", b"</sheetData>" + b"<a>" * depth + b"</a>" * depth))


def billion_laughs() -> bytes:
    entities = "".join(f'<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">' for i in range(1, 10))
    doctype = f'<!DOCTYPE worksheet [<!ENTITY lol0 "lol">{entities}]>'.encode()

    def fn(xml: bytes) -> bytes:
        xml = xml.replace(b"</sheetData>", b'<row r="9"><c r="A9" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData>')
        if xml.startswith(b"<?xml"):
            end = xml.index(b"?>") + 2
            return xml[:end] + doctype + xml[end:]
        return doctype + xml
    return patch_sheet(base_xlsx(), fn)


def many_entries(n: int = 5_000) -> bytes:
    good = zipfile.ZipFile(io.BytesIO(base_xlsx()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for item in good.infolist():
            z.writestr(item.filename, good.read(item))
        for i in range(n):
            z.writestr(f"xl/media/p{i}.bin", b"")
    return buf.getvalue()


def zip_bomb() -> bytes:
    return with_zip_bomb(base_xlsx())


HOSTILE = {  # name → (builder, words the refusal must contain)
    "XFD999999.xlsx": (lambda: far_cell("XFD999999"), ("XFD999999", "5 000 000")),
    "XFD50000.xlsx": (lambda: far_cell("XFD50000"), ("XFD50000", "5 000 000")),
    "повторы.ods": (ods_repeats, ("100 000 строк", "1 000 столбцов")),
    "вложенность.xlsx": (deep_nesting, ("глубину", "100")),
    "сущности.xlsx": (billion_laughs, ("сущности",)),
    "части.xlsx": (many_entries, ("5 00", "не более 1 000")),
    "бомба.xlsx": (zip_bomb, ("распакованном виде", "200 МБ")),
}
