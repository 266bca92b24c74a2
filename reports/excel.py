"""How does a table become an Excel file whose numbers stay numbers?

`excel_bytes(frame, title)` writes one sheet with openpyxl:

- row 1: what the table is (title, year, school, filters, when it was made);
- row 2: the Russian headers, bold, frozen with everything above them;
- then the rows. A cell the dashboard shows as a Russian number — «4,38»,
  «45,0 %», «+0,4 п. п.», «−1,20», «12 чел.», «1 234» — is written as that number
  with an Excel display format that shows it the same way (`0.00`,
  `0.0" %"`, `+0.0" п. п.";"−"0.0" п. п."` …: a Russian Excel shows the decimal
  comma itself); a date «22.11.2026» or a date column becomes a date formatted
  `DD.MM.YYYY`; «—» becomes an empty cell. Shares keep the dashboard's 0–100 scale
  (45,0 %, not 0,45), so the difference of two cells is the п. п. the dashboard
  shows. `raw` may give a text column's unrounded values: the cell then holds the
  precise number, shown with the same format.
- Text cells that a spreadsheet would run as a formula (starting with = + - @,
  tab or CR) are prefixed with «'»; codes with a leading zero («007») stay text.
- Column widths follow the longest value (capped), long texts wrap. A text column
  converts only when more than half its cells are numbers or dates.
"""
from __future__ import annotations

import io
import math
import re
from datetime import date, datetime
from typing import Any, Mapping

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "DD.MM.YYYY"
MAX_WIDTH = 60
WRAP_OVER = 60          # characters: a longer text wraps in its (capped) column
MINUS = "\u2212"
SPACES = "\u00a0\u202f\u2009 "
# a Russian number as the dashboard writes it, with an optional unit after it
_NUMBER = re.compile(
    r"^(?P<sign>[+\-\u2212±])?(?P<int>\d{1,3}(?:[\u00a0\u202f\u2009 ]\d{3})+|\d+)(?:,(?P<frac>\d+))?"
    r"(?P<unit>[\u00a0\u202f ]?(?:%|п\.[\u00a0 ]?п\.|чел\.|шт\.|ч|балл(?:а|ов)?|дн\.))?$")
_DATE = re.compile(r"^(\d{2})\.(\d{2})\.(\d{4})$")


def neutralise(value: Any) -> Any:
    """Prefix a text cell that a spreadsheet would read as a formula with `'`."""
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def number_format(digits: int, unit: str = "", signed: bool = False, grouped: bool = True) -> str:
    """An Excel format showing a number as the dashboard does: decimals, unit, «+» and a true minus."""
    body = ("#,##0" if grouped else "0") + ("." + "0" * digits if digits else "")
    suffix = f'"{unit}"' if unit else ""
    return f'{"+" if signed else ""}{body}{suffix};"{MINUS}"{body}{suffix};{body}{suffix}'


def parse_number(text: str) -> tuple[float, int, str] | None:
    """«45,0 %» → (45.0, 1 decimal, its Excel format); None when the text is not a plain Russian number."""
    m = _NUMBER.match(text.strip())
    if not m:
        return None
    whole = re.sub(f"[{SPACES}]", "", m.group("int"))
    if len(whole) > 1 and whole.startswith("0") and not m.group("frac"):
        return None  # a code such as «007», not a number
    frac = m.group("frac") or ""
    value = float(f"{whole}.{frac}" if frac else whole)
    sign = m.group("sign") or ""
    if sign in ("-", MINUS):
        value = -value
    unit = (m.group("unit") or "").replace(" ", "\u00a0")
    if unit and not unit.startswith("\u00a0"):
        unit = "\u00a0" + unit
    grouped = bool(re.search(f"[{SPACES}]", m.group("int")))  # «1 234» is grouped, a year «2026» is not
    return (value if frac else int(value)), len(frac), number_format(len(frac), unit, signed=sign in ("+", "±"),
                                                                     grouped=grouped)


def _parse_date(text: str) -> date | None:
    m = _DATE.match(text.strip())
    if not m:
        return None
    try:
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None


def _float_format(s: pd.Series) -> str:
    v = pd.to_numeric(s, errors="coerce").dropna()
    if v.empty or (v == v.round()).all():
        return number_format(0)
    return number_format(2 if v.abs().median() < 10 else 1)


def _cells(s: pd.Series, raw: pd.Series | None) -> list[tuple[Any, str | None]]:
    """(value, number format or None) for each cell of one column."""
    if pd.api.types.is_bool_dtype(s):
        return [(None if pd.isna(v) else ("да" if v else "нет"), None) for v in s]
    if pd.api.types.is_datetime64_any_dtype(s):
        out = []
        for v in s:
            out.append((None, None) if pd.isna(v) else (pd.Timestamp(v).tz_localize(None).to_pydatetime()
                                                        if pd.Timestamp(v).tzinfo else pd.Timestamp(v).to_pydatetime(),
                                                        DATE_FORMAT))
        return out
    if pd.api.types.is_numeric_dtype(s):
        fmt = _float_format(s)
        return [(None, None) if pd.isna(v) else (float(v) if not float(v).is_integer() else int(v), fmt) for v in s]
    raws = list(raw) if raw is not None and len(raw) == len(s) else [None] * len(s)
    cells = [_cell(v, r) for v, r in zip(s, raws)]
    filled = [(v, f) for v, f in cells if v is not None]
    if filled and sum(1 for _, f in filled if f) * 2 <= len(filled):
        # a text column with a few number-like cells («+7» among school names) stays text
        return [(None, None) if _blank(v) else (neutralise(_text(v)), None) for v in s]
    return cells


def _blank(v: Any) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) or \
        (isinstance(v, str) and v.strip() in ("—", "–", "-", ""))


def _text(v: Any) -> str:
    return "; ".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v)


def _cell(v: Any, raw: Any) -> tuple[Any, str | None]:
    if _blank(v):
        return None, None
    if isinstance(v, (datetime, date, pd.Timestamp)):
        return pd.Timestamp(v).to_pydatetime(), DATE_FORMAT
    if isinstance(v, bool):
        return ("да" if v else "нет"), None
    if isinstance(v, (int, float)):
        return v, number_format(0 if float(v).is_integer() else 2)
    text = _text(v)
    parsed = parse_number(text)
    if parsed is not None:
        value, digits, fmt = parsed
        try:
            r = float(raw)
        except (TypeError, ValueError):
            r = math.nan
        if math.isfinite(r) and round(abs(r), digits) == round(abs(value), digits):
            value = r  # the precise number behind the rounded text
        return value, fmt
    d = _parse_date(text)
    if d is not None:
        return datetime(d.year, d.month, d.day), DATE_FORMAT
    return neutralise(text), None


def excel_bytes(df: pd.DataFrame, title: str = "", sheet: str = "Данные",
                raw: Mapping[str, pd.Series] | None = None) -> bytes:
    """The table as .xlsx: a first line saying what it is, frozen headers, numbers as numbers."""
    sheet = re.sub(r"[\[\]:*?/\\]", " ", sheet)[:31] or "Данные"
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    first = 1
    if title:
        ws.cell(row=1, column=1, value=neutralise(title)).font = Font(bold=True, size=12)
        first = 2
    head_fill = PatternFill("solid", fgColor="E4E8EE")
    df = df.reset_index(drop=True)
    for j, col in enumerate(df.columns, start=1):
        c = ws.cell(row=first, column=j, value=neutralise(str(col)))
        c.font = Font(bold=True)
        c.fill = head_fill
        c.alignment = Alignment(wrap_text=True, vertical="top")
        cells = _cells(df[col], (raw or {}).get(col))
        longest = len(str(col))
        for i, (value, fmt) in enumerate(cells, start=first + 1):
            cell = ws.cell(row=i, column=j, value=value)
            if fmt:
                cell.number_format = fmt
                longest = max(longest, 11 if fmt == DATE_FORMAT else len(str(df[col].iat[i - first - 1])))
            elif value is not None:
                n = len(str(value))
                longest = max(longest, n)
                if n > WRAP_OVER:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(j)].width = min(MAX_WIDTH, max(8, longest + 2))
    ws.freeze_panes = ws.cell(row=first + 1, column=1)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
