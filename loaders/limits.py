"""Is a workbook small enough, in the shape it really has, to be handed to the parser?

`check(name, data, settings)` runs before any grid is built. For a zip-based workbook (xlsx, xlsm,
xlsb, ods) it reads the zip directory, then streams every XML part once, 1 MiB at a time, and
refuses with one Russian `LoadError` naming the file and the limit:

- too many zip entries (`upload.max_zip_entries`) or too many bytes once inflated
  (`upload.max_uncompressed_mb`, counted on the bytes actually inflated, not on the sizes the zip claims);
- a document type declaration or an entity (the billion-laughs expansion): spreadsheets never carry one;
- elements nested deeper than `upload.max_xml_depth`;
- a sheet whose filled cells span more rows than `upload.max_rows` or more cells than
  `upload.max_cells` (rows × columns of the bounding box of the cells that hold a value: what
  calamine allocates). The extent comes from the cells themselves, never from the `<dimension>`
  element the file claims; for ODS, repeated rows and columns (`number-rows-repeated`,
  `number-columns-repeated`) are multiplied out, empty repeats only move the position.

Speed: a 100,000-row worksheet (40 MB of XML) is scanned in about a tenth of a second with numpy over
the tag positions, as long as every cell and row names its reference first (`<c r="B7"`, as Excel,
LibreOffice and openpyxl write). Anything else (cells without references, prefixed tags) takes the
exact path through expat. What the scan cannot see (xls, xlsb) is still bounded by the separate
parse process (`loaders.sandbox`).
"""
from __future__ import annotations

import io
import re
import xml.parsers.expat as expat
import zipfile
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import numpy as np

from loaders.report import LoadError, Problem

CHUNK = 1 << 20
_LT, _GT, _SLASH, _BANG, _QUEST = 60, 62, 47, 33, 63
_SPACE = np.array([32, 9, 10, 13], dtype=np.uint8)
_ODS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_ODS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_SHEET_RE = re.compile(r"^xl/worksheets/[^/]*?(\d*)\.xml$")


@dataclass(frozen=True)
class Limits:
    max_rows: int = 1_000_000
    max_cells: int = 5_000_000
    max_uncompressed: int = 200 * 1024 * 1024
    max_zip_entries: int = 1_000
    max_depth: int = 100

    @classmethod
    def from_settings(cls, settings: dict | None) -> "Limits":
        from loaders.grid import setting

        return cls(max_rows=int(setting(settings, "upload.max_rows", cls.max_rows)),
                   max_cells=int(setting(settings, "upload.max_cells", cls.max_cells)),
                   max_uncompressed=int(float(setting(settings, "upload.max_uncompressed_mb", 200)) * 1024 * 1024),
                   max_zip_entries=int(setting(settings, "upload.max_zip_entries", cls.max_zip_entries)),
                   max_depth=int(setting(settings, "upload.max_xml_depth", cls.max_depth)))


def spaced(n: int) -> str:
    """1000000 → «1 000 000» (thin groups, as the messages write numbers)."""
    return f"{int(n):,}".replace(",", " ")


def refuse(name: str, message: str) -> LoadError:
    return LoadError(Problem("error", message, file=name))


def check(name: str, data: bytes, settings: dict | None = None) -> None:
    """Refuse (LoadError) a zip-based workbook whose real shape is over the limits; other files pass."""
    if not (data[:4] == b"PK\x03\x04" or data[:4] == b"PK\x05\x06"):
        return
    check_zip(name, data, Limits.from_settings(settings))


def check_zip(name: str, data: bytes, limits: Limits) -> None:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise refuse(name, "файл повреждён: архив xlsx/ods не читается; откройте его в Excel и сохраните заново") from None
    if len(infos) > limits.max_zip_entries:
        raise refuse(name, f"файл отклонён: внутри архива {spaced(len(infos))} частей "
                           f"(допускается не более {spaced(limits.max_zip_entries)})")
    mb = limits.max_uncompressed // (1024 * 1024)
    claimed = sum(i.file_size for i in infos)
    if claimed > limits.max_uncompressed:
        raise refuse(name, f"файл отклонён: в распакованном виде он занимает {claimed // (1024 * 1024)} МБ "
                           f"(допускается не более {mb} МБ)")
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names and "mimetype" not in names:
        raise refuse(name, "это zip-архив, но не таблица Excel или ODS")
    budget = [limits.max_uncompressed]
    for info in infos:
        lower = info.filename.lower()
        if not lower.endswith((".xml", ".rels")):
            _drain(name, zf, info, budget, mb)  # inflated bytes count against the budget all the same
            continue
        sheet = _SHEET_RE.match(info.filename)
        if sheet:
            where = f"лист № {sheet.group(1)}" if sheet.group(1) else "лист"
            _scan_xml(name, zf, info, budget, mb, limits, _XlsxExtent(name, where, limits))
        elif info.filename == "content.xml":
            _scan_ods(name, zf, info, budget, mb, limits)
        else:
            _scan_xml(name, zf, info, budget, mb, limits, None)


# ---------------------------------------------------------------- streaming

def _chunks(name: str, zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int], mb: int) -> Iterator[bytes]:
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(CHUNK):
                budget[0] -= len(chunk)
                if budget[0] < 0:
                    raise refuse(name, f"файл отклонён: в распакованном виде он занимает больше {mb} МБ "
                                       f"(допускается не более {mb} МБ)")
                yield chunk
    except LoadError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError, zlib_error()):
        raise refuse(name, "файл повреждён: часть архива xlsx/ods не читается; откройте его в Excel и сохраните "
                           "заново") from None


def zlib_error() -> type[Exception]:
    import zlib

    return zlib.error


def _drain(name: str, zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int], mb: int) -> None:
    for _ in _chunks(name, zf, info, budget, mb):
        pass


def _declarations(name: str, piece: bytes) -> None:
    if b"<!DOCTYPE" in piece or b"<!ENTITY" in piece:
        raise refuse(name, "файл отклонён: внутри таблицы есть объявление типа документа или сущности XML "
                           "(так устроены «XML-бомбы»; в таблицах Excel и ODS их не бывает)")


class _XlsxExtent:
    """The bounding box of the value cells of one worksheet, from the tag positions of each piece."""

    def __init__(self, name: str, where: str, limits: Limits):
        self.name, self.where, self.limits = name, where, limits
        self.min_row = self.min_col = 1 << 62
        self.max_row = self.max_col = 0
        self.exact_needed = False

    def feed(self, buf: np.ndarray, lt: np.ndarray, gt: np.ndarray) -> None:
        """Cells of one piece: `lt` are the positions of its «<», `gt` of its «>»."""
        pad = np.concatenate([buf, np.zeros(32, dtype=np.uint8)])  # reads past the end see zeros
        third = pad[lt + 2]
        cell = (pad[lt + 1] == ord("c")) & (np.isin(third, _SPACE) | (third == _GT) | (third == _SLASH))
        if not cell.any():
            return
        pos = lt[cell]
        canon = np.ones(len(pos), dtype=bool)
        for k, byte in enumerate(b' r="', start=2):  # `<c r="` then 1–3 capitals then digits, else the exact way
            canon &= pad[pos + k] == byte
        if not canon.all():
            self.exact_needed = True
            return
        ends = gt[np.minimum(np.searchsorted(gt, pos), len(gt) - 1)] if len(gt) else pos
        pos = pos[pad[np.maximum(ends - 1, 0)] != _SLASH]  # «<c r="Z9" s="1"/>» holds nothing and takes no room
        if not len(pos):
            return
        b = [pad[pos + 6 + k].astype(np.int64) for k in range(12)]  # the bytes after «<c r="», one array each
        letter = [(x >= 65) & (x <= 90) for x in b]
        nlet = np.where(~letter[0], 0, np.where(~letter[1], 1, np.where(~letter[2], 2, np.where(~letter[3], 3, 4))))
        if ((nlet == 0) | (nlet > 3)).any():
            self.exact_needed = True
            return
        col = b[0] - 64
        col = np.where(nlet > 1, col * 26 + b[1] - 64, col)
        col = np.where(nlet > 2, col * 26 + b[2] - 64, col)
        row = np.zeros(len(pos), dtype=np.int64)
        for g in (1, 2, 3):  # the row number starts right after the g letters
            sel = nlet == g
            if not sel.any():
                continue
            r = np.zeros(int(sel.sum()), dtype=np.int64)
            going = np.ones(len(r), dtype=bool)
            for k in range(8):
                x = b[g + k][sel]
                going &= (x >= 48) & (x <= 57)
                if k == 0 and not going.all() or k == 7 and going.any():  # no digits, or more than 7
                    self.exact_needed = True
                    return
                r = np.where(going, r * 10 + x - 48, r)
                if not going.any():
                    break
            row[sel] = r
        self.add(int(row.min()), int(row.max()), int(col.min()), int(col.max()))

    def add(self, r0: int, r1: int, c0: int, c1: int) -> None:
        self.min_row, self.max_row = min(self.min_row, r0), max(self.max_row, r1)
        self.min_col, self.max_col = min(self.min_col, c0), max(self.max_col, c1)
        _extent_ok(self.name, self.where, self.max_row - self.min_row + 1, self.max_col - self.min_col + 1,
                   self.max_row, self.max_col, self.limits)


def _extent_ok(name: str, where: str, rows: int, cols: int, last_row: int, last_col: int, limits: Limits) -> None:
    from loaders.grid import column_letter

    cell = f"{column_letter(last_col)}{last_row}" if last_col <= 16384 else f"столбец {spaced(last_col)}, строка {spaced(last_row)}"
    if rows > limits.max_rows:
        raise refuse(name, f"файл отклонён: {where} заполнен до ячейки {cell} — это {spaced(rows)} строк "
                           f"(допускается не более {spaced(limits.max_rows)})")
    if rows * cols > limits.max_cells:
        raise refuse(name, f"файл отклонён: {where} заполнен до ячейки {cell} — это {spaced(rows)} строк × "
                           f"{spaced(cols)} столбцов = {spaced(rows * cols)} ячеек "
                           f"(допускается не более {spaced(limits.max_cells)})")


def _scan_xml(name: str, zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int], mb: int, limits: Limits,
              extent: _XlsxExtent | None) -> None:
    """One XML part: no declarations, bounded depth, and (for a worksheet) the bounded extent of its cells."""
    carry, depth = b"", 0
    for chunk in _chunks(name, zf, info, budget, mb):
        piece = carry + chunk
        _declarations(name, piece)
        cut = piece.rfind(b"<")
        if cut <= 0:
            carry = piece
            continue
        piece, carry = piece[:cut], piece[cut:]
        depth = _depth_and_extent(name, piece, depth, limits, extent)
        if len(carry) > CHUNK * 4:  # one «tag» of megabytes: not a spreadsheet
            raise refuse(name, "файл повреждён: в XML внутри таблицы нет конца элемента")
    if carry:
        _declarations(name, carry)
        _depth_and_extent(name, carry, depth, limits, extent)
    if extent is not None and extent.exact_needed:
        _exact_xlsx(name, zf, info, budget, mb, limits, extent)


def _depth_and_extent(name: str, piece: bytes, depth: int, limits: Limits, extent: _XlsxExtent | None) -> int:
    """Depth after each tag of a piece (the piece ends just before a «<», so every tag in it is whole)."""
    buf = np.frombuffer(piece, dtype=np.uint8)
    lt = np.flatnonzero(buf == _LT)
    if not len(lt):
        return depth
    nxt = buf[np.minimum(lt + 1, len(buf) - 1)]
    gt = np.flatnonzero(buf == _GT)
    empty_end = gt[buf[np.maximum(gt - 1, 0)] == _SLASH]  # «/>»: the tag it ends is the last «<» before it
    delta = np.where(nxt == _SLASH, -1, np.where((nxt == _BANG) | (nxt == _QUEST), 0, 1)).astype(np.int8)
    delta[np.searchsorted(lt, empty_end) - 1] = 0
    levels = np.cumsum(delta, dtype=np.int64)
    deepest = depth + int(levels.max())
    if deepest > limits.max_depth:
        raise refuse(name, f"файл отклонён: элементы XML внутри таблицы вложены на глубину больше "
                           f"{spaced(limits.max_depth)} (в настоящих таблицах — около десяти)")
    if extent is not None and not extent.exact_needed:
        extent.feed(buf, lt, gt)
    return depth + int(levels[-1])


# ---------------------------------------------------------------- exact paths (expat)

def _expat(name: str, limits: Limits, start: Callable[[str, dict], None], end: Callable[[str], None]) -> Any:
    p = expat.ParserCreate(namespace_separator=" ")
    depth = [0]

    def _start(tag: str, attrs: dict) -> None:
        depth[0] += 1
        if depth[0] > limits.max_depth:
            raise refuse(name, f"файл отклонён: элементы XML внутри таблицы вложены на глубину больше "
                               f"{spaced(limits.max_depth)} (в настоящих таблицах — около десяти)")
        start(tag, attrs)

    def _end(tag: str) -> None:
        depth[0] -= 1
        end(tag)

    def _declared(*_: Any) -> None:
        _declarations(name, b"<!DOCTYPE")

    p.StartElementHandler, p.EndElementHandler = _start, _end
    p.StartDoctypeDeclHandler = p.EntityDeclHandler = _declared
    p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    return p


def _run(name: str, parser: Any, chunks: Iterator[bytes]) -> None:
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError:
        raise refuse(name, "файл повреждён: XML внутри таблицы не читается; откройте его в Excel и сохраните заново") from None


_REF_RE = re.compile(r"^([A-Z]{1,3})(\d{1,8})$")


def _exact_xlsx(name: str, zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int], mb: int, limits: Limits,
                extent: _XlsxExtent) -> None:
    """Cells placed the way calamine places them: by their reference, else after the previous cell or row."""
    from loaders.grid import column_number

    state = {"row": 0, "col": 0}

    def local(tag: str) -> str:
        return tag.rsplit(" ", 1)[-1]

    def start(tag: str, attrs: dict) -> None:
        t = local(tag)
        if t == "row":
            r = attrs.get("r")
            state["row"] = int(r) if r and r.isdigit() else state["row"] + 1
            state["col"] = 0
        elif t == "c":
            m = _REF_RE.match(attrs.get("r") or "")
            if m:
                state["row"], state["col"] = int(m.group(2)), column_number(m.group(1))
            else:
                state["col"] += 1
            extent.add(state["row"], state["row"], state["col"], state["col"])

    budget[0] += info.file_size  # the part was already counted once by the fast pass
    parser = _expat(name, limits, start, lambda tag: None)
    _run(name, parser, _chunks(name, zf, info, budget, mb))


def _scan_ods(name: str, zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int], mb: int, limits: Limits) -> None:
    """content.xml of an ODS: rows × columns counting repeats, up to the last cell that holds something."""
    state: dict[str, Any] = {"table": None, "row": 0, "col": 0, "row_rep": 1, "last_row": 0, "last_col": 0,
                             "cell": None}
    row_tag, cell_tags = f"{_ODS_TABLE} table-row", {f"{_ODS_TABLE} table-cell", f"{_ODS_TABLE} covered-table-cell"}

    def number(attrs: dict, key: str) -> int:
        try:
            return max(1, int(attrs.get(f"{_ODS_TABLE} {key}", 1)))
        except ValueError:
            return 1

    def start(tag: str, attrs: dict) -> None:
        if tag == f"{_ODS_TABLE} table":
            state.update(table=attrs.get(f"{_ODS_TABLE} name") or "?", row=0, last_row=0, last_col=0)
        elif tag == row_tag:
            state["row_rep"], state["col"] = number(attrs, "number-rows-repeated"), 0
        elif tag in cell_tags:
            rep = number(attrs, "number-columns-repeated")
            filled = f"{_ODS_OFFICE} value-type" in attrs
            state["cell"] = [rep, filled]
        elif state["cell"] is not None:  # text inside the cell
            state["cell"][1] = True

    def end(tag: str) -> None:
        if tag in cell_tags and state["cell"] is not None:
            rep, filled = state["cell"]
            state["col"] += rep
            if filled:
                state["last_col"] = max(state["last_col"], state["col"])
                state["filled_row"] = True
            state["cell"] = None
        elif tag == row_tag:
            state["row"] += state["row_rep"]
            if state.pop("filled_row", False):
                state["last_row"] = state["row"]
                _extent_ok(name, f"лист «{state['table']}»", state["last_row"], state["last_col"], state["last_row"],
                           state["last_col"], limits)

    parser = _expat(name, limits, start, end)
    _run(name, parser, _chunks(name, zf, info, budget, mb))
