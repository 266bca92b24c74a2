"""How does a source file become grids of cells, one per sheet?

`read_sheets(name, data)` turns the bytes of an xlsx/xlsm/xls/ods workbook or a
csv/txt file into `Sheet` grids: plain lists of rows of cell values, with the
true spreadsheet row/column numbers and the merged ranges kept, so later steps
can name the exact cell in a message. Workbooks are read with python-calamine
(formulas come back as their cached values and are never evaluated); csv text
is decoded (utf-8, utf-8 with BOM, utf-16 with BOM, cp1251) and split on the
separator it really uses.

Anything that cannot be read — empty, corrupt, not a spreadsheet, an unknown
encoding, a zip bomb, a sheet filled out to millions of cells, an XML bomb —
raises `LoadError` with one Russian message, before the content is loaded into
memory (`loaders.limits`); the grids themselves are built in a separate process
with memory and time limits (`loaders.sandbox`). NUL characters are dropped.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

import python_calamine as calamine

from loaders import limits, sandbox
from loaders.report import LoadError, Problem

BLANK = (None, "")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_NOT_SPREADSHEET_MAGIC = {
    b"\x89PNG": "изображение PNG",
    b"\xff\xd8\xff": "изображение JPEG",
    b"GIF8": "изображение GIF",
    b"%PDF": "документ PDF",
    b"Rar!": "архив RAR",
    b"\x1f\x8b": "архив gzip",
    b"7z\xbc\xaf": "архив 7z",
}


@dataclass
class Sheet:
    """One sheet as a grid: rows[i][j] is the cell at spreadsheet row first_row+i, column first_col+j.

    Blank cells are None or "". `merged` holds merged ranges as 0-based inclusive
    (top, left, bottom, right) indexes into `rows`.
    """

    file: str
    name: str
    rows: list[list[Any]]
    first_row: int = 1
    first_col: int = 1
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)

    def row_number(self, i: int) -> int:
        """1-based spreadsheet row of rows[i]."""
        return self.first_row + i

    def column_letter(self, j: int) -> str:
        """Spreadsheet column letter of rows[.][j] (A, B, …, AA)."""
        return column_letter(self.first_col + j)

    @property
    def width(self) -> int:
        return max(map(len, self.rows), default=0)  # C-level: cheap even for 100k rows

    def cell(self, i: int, j: int) -> Any:
        """Value at rows[i][j]; None outside the grid."""
        if 0 <= i < len(self.rows) and 0 <= j < len(self.rows[i]):
            return self.rows[i][j]
        return None

    def merged_value(self, i: int, j: int) -> Any:
        """Value at rows[i][j], taking the top-left value of a merged range the cell belongs to."""
        for top, left, bottom, right in self.merged:
            if top <= i <= bottom and left <= j <= right:
                return self.cell(top, left)
        return self.cell(i, j)

    def merged_range(self, i: int, j: int) -> tuple[int, int, int, int] | None:
        for rng in self.merged:
            if rng[0] <= i <= rng[2] and rng[1] <= j <= rng[3]:
                return rng
        return None


def column_letter(n: int) -> str:
    """1-based column number → letters (1 → A, 27 → AA)."""
    out = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    if isinstance(value, float):
        return value != value  # NaN
    return False


def is_numbering_row(values: list[Any]) -> bool:
    """A row that only numbers the columns under a header (`1 2 3 …`, as Word tables carry): not data."""
    nums = []
    for v in values:
        if is_blank(v):
            continue
        try:
            f = float(str(v).strip().rstrip("."))
        except ValueError:
            return False
        if not f.is_integer():
            return False
        nums.append(int(f))
    return len(nums) >= 3 and nums == list(range(nums[0], nums[0] + len(nums)))


def _fail(file: str, message: str) -> LoadError:
    return LoadError(Problem("error", message, file=file))


def setting(settings: dict | None, dotted: str, default: Any) -> Any:
    """A value from the given settings dict, else from the settings file (config/settings.toml or
    $DASHBOARD_SETTINGS), else `default`. Read directly so the loaders never import the metrics package."""
    import os
    import tomllib
    from pathlib import Path

    sources: list[Any] = [settings]
    path = Path(os.environ.get("DASHBOARD_SETTINGS", Path(__file__).resolve().parent.parent / "config" / "settings.toml"))
    try:
        with open(path, "rb") as fh:
            sources.append(tomllib.load(fh))
    except (OSError, ValueError):
        pass
    for node in sources:
        for part in dotted.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if node is not None:
            return node
    return default


def read_sheets(name: str, data: bytes, settings: dict | None = None) -> list[Sheet]:
    """Grids of every sheet of a workbook or csv file given as bytes.

    Raises LoadError with one Russian message for anything unreadable.
    """
    if not data:
        raise _fail(name, "файл пуст (0 байт) — в нём нет ни одной таблицы")
    max_rows = int(setting(settings, "upload.max_rows", 1_000_000))
    head = data[:8]
    for magic, what in _NOT_SPREADSHEET_MAGIC.items():
        if head.startswith(magic):
            raise _fail(name, f"это не электронная таблица, а {what}; загрузите файл Excel (xlsx, xls), ODS или CSV")
    if head.startswith(_ZIP_MAGIC) or head.startswith(b"PK\x05\x06"):
        limits.check(name, data, settings)
        return sandbox.run(name, _read_workbook, name, data, max_rows, settings=settings)
    if head.startswith(_OLE_MAGIC):
        return sandbox.run(name, _read_workbook, name, data, max_rows, settings=settings)
    lower = name.lower()
    if lower.endswith((".xlsx", ".xlsm", ".xls", ".ods", ".xlsb")):
        raise _fail(name, "файл повреждён или это не таблица Excel/ODS, хотя имя оканчивается на "
                          f"«{lower.rsplit('.', 1)[-1]}»; откройте его в Excel и сохраните заново")
    return [sandbox.run(name, _read_csv, name, data, max_rows, settings=settings)]


# ---------------------------------------------------------------- workbooks

def _read_workbook(name: str, data: bytes, max_rows: int) -> list[Sheet]:
    try:
        wb = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises several types for damaged files
        if "password" in str(exc).lower() or type(exc).__name__ == "PasswordError":
            raise _fail(name, "файл защищён паролем; снимите защиту и загрузите снова") from None
        raise _fail(name, "файл повреждён или это не таблица Excel/ODS; откройте его в Excel и сохраните заново") from None
    sheets: list[Sheet] = []
    try:
        for meta in wb.sheets_metadata:
            if getattr(meta.typ, "name", "WorkSheet") not in ("WorkSheet",):
                continue
            sh = wb.get_sheet_by_name(meta.name)
            if sh.height > max_rows:
                raise _fail(name, f"файл отклонён: на листе «{meta.name}» {sh.height} строк (допускается не более {max_rows})")
            rows = sh.to_python(skip_empty_area=True)
            start = sh.start or (0, 0)
            merged = []
            for (r1, c1), (r2, c2) in sh.merged_cell_ranges or []:
                top, left = r1 - start[0], c1 - start[1]
                bottom, right = r2 - start[0], c2 - start[1]
                if bottom < 0 or right < 0:
                    continue
                merged.append((max(top, 0), max(left, 0), bottom, right))
            sheets.append(Sheet(name, meta.name, rows, first_row=start[0] + 1, first_col=start[1] + 1, merged=merged))
    except LoadError:
        raise
    except Exception:
        raise _fail(name, "файл повреждён: не удалось прочитать листы; откройте его в Excel и сохраните заново") from None
    if not any(_has_content(s.rows) for s in sheets):
        raise _fail(name, "в файле нет ни одного заполненного листа")
    return sheets


def _has_content(rows: list[list[Any]]) -> bool:
    return any(not is_blank(v) for r in rows[:1000] for v in r)


# ---------------------------------------------------------------- csv

def decode_text(name: str, data: bytes) -> str:
    """Decode csv bytes: utf-8 (with or without BOM), utf-16 with BOM, else cp1251 — refusing anything else."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise _fail(name, "текст в кодировке UTF-16 повреждён") from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise _fail(name, "файл помечен как UTF-8, но содержит недопустимые байты; сохраните его заново в UTF-8") from None
    if b"\x00" in data[:65536]:
        raise _unknown_encoding(name)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1251")
        except UnicodeDecodeError:
            raise _unknown_encoding(name) from None
        if not _plausible_cp1251(text):
            raise _unknown_encoding(name)
    if _CONTROL_RE.search(text[:65536]):
        raise _unknown_encoding(name)
    return text


_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CYR_UPPER = set("АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ")
_CYR_LOWER = set("абвгдеёжзийклмнопрстуфхцчшщъыьэюя")


def _plausible_cp1251(text: str) -> bool:
    """Russian text decoded as cp1251 is mostly lowercase Cyrillic; KOI8-R or cp866 bytes give capitals and symbols."""
    sample = text[:65536]
    high = [ch for ch in sample if ord(ch) >= 0x80]
    if not high:
        return True
    lower = sum(ch in _CYR_LOWER for ch in high)
    upper = sum(ch in _CYR_UPPER for ch in high)
    letters = lower + upper
    if letters / len(high) < 0.8:
        return False  # many symbols such as ¦ ¤ Ў: cp866 or another code page
    if letters >= 20 and lower / letters < 0.3:
        return False  # mostly capitals: KOI8-R read as cp1251
    return True


def _unknown_encoding(name: str) -> LoadError:
    return _fail(name, "не удалось определить кодировку текста; сохраните файл как CSV в UTF-8 или Windows-1251")


def sniff_delimiter(lines: list[str]) -> str:
    """The separator (`;`, `,`, tab or `|`) that splits the sample lines into the most consistent number of fields."""
    best, best_score = ",", (-1.0, 0)
    sample = [ln for ln in lines if ln.strip()][:50]
    if not sample:
        return ","
    for delim in (";", "\t", ",", "|"):
        counts = [len(r) for r in csv.reader(sample, delimiter=delim)]
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        if mode < 2:
            continue
        share = counts.count(mode) / len(counts)
        score = (round(share, 2), mode)
        if score > best_score:
            best, best_score = delim, score
    return best


def _read_csv(name: str, data: bytes, max_rows: int) -> Sheet:
    text = decode_text(name, data).replace("\x00", "")  # NUL after the first 64 KB (before it: refused as UTF-16)
    if not text.strip():
        raise _fail(name, "файл пуст — в нём нет ни одной строки данных")
    if text.count("\n") > max_rows:
        raise _fail(name, f"файл отклонён: в нём больше {max_rows} строк")
    head_lines = text[:65536].splitlines()
    delim = sniff_delimiter(head_lines)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))
    except csv.Error:
        raise _fail(name, "текст не удалось разобрать как таблицу CSV (незакрытые кавычки?)") from None
    # A BOM inside the first quoted header, as some exports write, and stray spaces around headers.
    for r in rows[:50]:
        for j, v in enumerate(r):
            if "\ufeff" in v:
                r[j] = v.replace("\ufeff", "")
    rows = _trim(rows)
    if not rows:
        raise _fail(name, "файл пуст — в нём нет ни одной строки данных")
    sheet_name = re.sub(r"\.[^.]+$", "", name.replace("\\", "/").rsplit("/", 1)[-1]) or "CSV"
    return Sheet(name, sheet_name, rows)


def _trim(rows: list[list[Any]]) -> list[list[Any]]:
    """Drop trailing empty rows and trailing all-empty columns (a trailing separator makes a phantom column)."""
    while rows and all(is_blank(v) for v in rows[-1]):
        rows.pop()
    if not rows:
        return rows
    width = max(len(r) for r in rows)
    last_used = -1
    for r in rows:
        for j in range(len(r) - 1, last_used, -1):
            if not is_blank(r[j]):
                last_used = j
                break
        if last_used == width - 1:
            break
    if last_used < width - 1:
        rows = [r[: last_used + 1] for r in rows]
    return rows


def sheets_from_values(file: str, sheet_name: str, values: list[list[Any]]) -> Sheet:
    """A Sheet from a list of rows of values (used for Google Sheets and tests)."""
    rows = _trim([list(r) for r in values])
    return Sheet(file, sheet_name, rows)
