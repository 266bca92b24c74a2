"""How is one cell's text read as a number, a range, a (school) year or a date?

Scalar parsers (`parse_number`, `parse_range`, `parse_year`, `parse_date`)
return None for a blank cell and raise `CellError` (with a short Russian
reason such as «не число») for garbage, so validation can name the cell.
The vectorised forms (`to_numbers`, `to_years`, `to_dates`) take a pandas
Series and return the parsed Series plus a mask of cells that were not blank
but could not be read; they parse each distinct text once.

Conventions: decimal comma or dot, spaces / no-break spaces as thousands
separators, `45%` → 45, `7 чел.` → 7, `-`/`—`/`х`/`н/д` → blank. A school year
ends in its later calendar year: `2023/24`, `2023-2024`, `2011-2012 (факт)` →
2024/2024/2012.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

import numpy as np
import pandas as pd


class CellError(ValueError):
    """A non-blank cell that cannot be read; `reason` is Russian («не число», «не год»…)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


BLANK_WORDS = {"", "-", "–", "—", "х", "x", "н/д", "нд", "нет данных", "не предусмотрено", "n/a", "na", "nan", "none",
               "--", "---", "…", "..."}

_NUM_TAIL_RE = re.compile(
    r"\s*(?:%|процент(?:ов|а)?|чел\.?|человек(?:а)?|шт\.?|ед\.?|баллов|балла|балл|б\.|руб\.?|р\.|раз|мес\.?|ч\.?|г\.?)\s*$",
    re.I)
_SPACES_RE = re.compile(r"[\s\u00a0\u202f\u2009\u2007']+")
_NUMBER_RE = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?$")


def is_blank_text(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str):
        return value.strip().lower() in BLANK_WORDS
    return value is pd.NA or value is pd.NaT


def _clean_number_text(text: str) -> str:
    s = text.strip()
    for _ in range(2):  # «7 чел.», «45 %», «4,38 балла»
        s = _NUM_TAIL_RE.sub("", s)
    s = _SPACES_RE.sub("", s)
    s = s.replace("−", "-").replace("–", "-") if s[:1] in "−–" else s
    return s.replace(",", ".")


def parse_number(value: Any) -> float | None:
    """A number from a cell: 4.38, «4,38», «1 234», «45%», «6,4%», «7 чел.»; None if blank; CellError if not a number."""
    if is_blank_text(value):
        return None
    if isinstance(value, bool):
        raise CellError("не число")
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        raise CellError("не число (Excel превратил значение в дату — задайте ячейке числовой формат)")
    s = _clean_number_text(str(value))
    if s.count(".") > 1 or not _NUMBER_RE.match(s):
        raise CellError("не число")
    return float(s)


_RANGE_RE = re.compile(
    r"^\s*(?:от\s*)?(?P<a>[+-]?\d[\d\s\u00a0]*(?:[.,]\d+)?)\s*%?\s*(?:-|–|—|до|\.\.\.?|…)\s*"
    r"(?P<b>[+-]?\d[\d\s\u00a0]*(?:[.,]\d+)?)\s*(?P<tail>.*)$", re.I)
_AT_LEAST_RE = re.compile(r"^\s*(?:не\s+менее|не\s+ниже|не\s+меньше|более|свыше|≥|>=|>|от)\s*(?P<a>.+)$", re.I)
_AT_MOST_RE = re.compile(r"^\s*(?:не\s+более|не\s+выше|не\s+больше|менее|≤|<=|<|до)\s*(?P<a>.+)$", re.I)


def parse_range(value: Any) -> tuple[float | None, float | None, float | None]:
    """(value, low, high) from a plan cell.

    «4,38» → (4.38, None, None); «3,8 - 4,0», «3,0 – 3,5» → (midpoint, 3.8, 4.0);
    «не менее 4» → (4, 4, None); «не более 5%» → (5, None, 5). Blank → (None, None, None).
    """
    if is_blank_text(value):
        return None, None, None
    if not isinstance(value, str):
        return parse_number(value), None, None
    m = _RANGE_RE.match(value)
    if m and (not m.group("tail") or _NUM_TAIL_RE.fullmatch(" " + m.group("tail"))):
        low, high = parse_number(m.group("a")), parse_number(m.group("b"))
        if low is not None and high is not None:
            if low > high:
                low, high = high, low
            return (low + high) / 2, low, high
    m = _AT_LEAST_RE.match(value)
    if m:
        a = parse_number(m.group("a"))
        return a, a, None
    m = _AT_MOST_RE.match(value)
    if m:
        a = parse_number(m.group("a"))
        return a, None, a
    return parse_number(value), None, None


_YEAR_PAIR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*(?:-|–|—|/|\\)\s*((?:19|20)?\d{2})(?!\d)")
_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def school_year_end(first: int, second: str) -> int | None:
    """End year of `first`–`second` («2023», «24» or «2024»), or None if they are not consecutive-ish."""
    end = int(second) if len(second) == 4 else (first // 100) * 100 + int(second)
    if len(second) == 2 and end < first:
        end += 100
    return end if 0 <= end - first <= 1 else None


def find_year(text: Any) -> int | None:
    """A year mentioned anywhere in a text (a title, a sheet or file name): the school-year end for `2023/24`."""
    if text is None:
        return None
    s = str(text)
    m = _YEAR_PAIR_RE.search(s)
    if m:
        end = school_year_end(int(m.group(1)), m.group(2))
        if end:
            return end
    m = _YEAR_RE.search(s)
    return int(m.group(1)) if m else None


def parse_year(value: Any) -> int | None:
    """A year from a cell: 2024, «2024 год», «2023/24», «2023-2024», «2011-2012 (факт)» → 2024/…/2012."""
    if is_blank_text(value):
        return None
    if isinstance(value, bool):
        raise CellError("не год")
    if isinstance(value, (int, float, np.integer, np.floating)):
        if float(value).is_integer():
            return int(value)
        raise CellError("не год")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.year
    s = str(value).strip()
    m = _YEAR_PAIR_RE.fullmatch(s) or _YEAR_PAIR_RE.match(s)
    if m:
        end = school_year_end(int(m.group(1)), m.group(2))
        if end is None:
            raise CellError("не учебный год (годы не идут подряд)")
        return end
    m = re.fullmatch(r"\s*((?:19|20)\d{2})\s*(?:\.0+)?\s*(?:г\.?|гг\.?|год[а-я]*|уч\.?\s*г\.?|учебный\s+год)?\s*(?:\(.*\))?\s*",
                     s, re.I)
    if m:
        return int(m.group(1))
    if re.fullmatch(r"-?\d+", s):
        return int(s)  # a number, even if out of range: validation reports the range
    raise CellError("не год")


_DMY_RE = re.compile(r"^\s*(\d{1,2})[./](\d{1,2})[./](\d{2}|\d{4})\s*(?:г\.?|года)?\s*$")
_ISO_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")


def parse_date(value: Any) -> str | None:
    """An ISO date text from a cell: Excel date, «07.12.2016», «2016-12-07»; None if blank; CellError otherwise."""
    if is_blank_text(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        if 20000 <= float(value) <= 80000:  # an Excel serial day number
            return (dt.date(1899, 12, 30) + dt.timedelta(days=int(value))).isoformat()
        raise CellError("не дата")
    s = str(value)
    try:
        m = _DMY_RE.match(s)
        if m:
            d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
            y = y + 2000 if y < 100 else y
            return dt.date(y, mo, d).isoformat()
        m = _ISO_RE.match(s)
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        raise CellError("не дата (такого дня нет)") from None
    raise CellError("не дата")


def parse_dates(value: Any) -> list[str] | None:
    """A list of ISO dates from a cell listing them («2024-03-31; 2024-06-30», «31.03.2024, 30.06.2024»)."""
    if is_blank_text(value):
        return None
    if isinstance(value, (list, tuple)):
        return [d for d in (parse_date(v) for v in value) if d]
    if not isinstance(value, str):
        d = parse_date(value)
        return [d] if d else None
    parts = [p for p in re.split(r"[;,\n]+", value) if p.strip()]
    return [d for d in (parse_date(p) for p in parts) if d]


# ---------------------------------------------------------------- vectorised

def _map_unique(series: pd.Series, func) -> tuple[pd.Series, pd.Series]:
    """Apply a scalar parser to each distinct value once; (parsed values, mask of CellErrors), reasons in attrs."""
    values = series.to_numpy(dtype=object)
    try:
        inverse, uniques = pd.factorize(values, use_na_sentinel=True)
    except TypeError:  # unhashable cells
        inverse, uniques = pd.factorize(values.astype(str), use_na_sentinel=True)
    parsed: list[Any] = []
    failed: list[bool] = []
    reasons: list[str | None] = []
    for u in uniques:
        try:
            parsed.append(func(u))
            failed.append(False)
            reasons.append(None)
        except CellError as exc:
            parsed.append(None)
            failed.append(True)
            reasons.append(exc.reason)
    parsed_arr = np.empty(len(parsed) + 1, dtype=object)
    parsed_arr[: len(parsed)] = parsed
    parsed_arr[-1] = None
    failed_arr = np.array(failed + [False], dtype=bool)
    reason_arr = np.array(reasons + [None], dtype=object)
    out = pd.Series(parsed_arr[inverse], index=series.index, dtype=object)
    bad = pd.Series(failed_arr[inverse], index=series.index)
    bad.attrs["reasons"] = pd.Series(reason_arr[inverse], index=series.index)
    return out, bad


def map_unique(series: pd.Series, func) -> pd.Series:
    """`series.map(func)` computed once per distinct value (object result, same index)."""
    values = series.to_numpy(dtype=object)
    try:
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
    except TypeError:
        return series.map(func).astype(object)
    mapped = np.empty(len(uniques), dtype=object)
    mapped[:] = [func(u) for u in uniques]
    return pd.Series(mapped[codes], index=series.index, dtype=object)


def to_numbers(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(float64 Series, bad-cell mask with Russian reasons in `.attrs["reasons"]`).

    Cells that are already numbers (or plain numeric text) convert in one C-level pass; only the rest
    («4,38», «45%», «-», garbage) goes through `parse_number`, once per distinct value.
    """
    index = series.index
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        ok = pd.Series(False, index=index)
        ok.attrs["reasons"] = pd.Series(None, index=index, dtype=object)
        return series.astype("float64"), ok
    a = series.to_numpy(dtype=object)
    present = np.asarray(a != None, dtype=bool)  # noqa: E711  (elementwise)
    try:
        out = np.where(present, a, np.nan).astype("float64")
        rest = np.zeros(len(a), dtype=bool)
    except (TypeError, ValueError):
        out = pd.to_numeric(series.astype(object), errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        rest = np.isnan(out) & present
    bad = np.zeros(len(a), dtype=bool)
    reasons = np.full(len(a), None, dtype=object)
    if rest.any():
        sub = pd.Series(a[rest])
        parsed, sub_bad = _map_unique(sub, parse_number)
        out[rest] = pd.to_numeric(parsed, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        bad[rest] = sub_bad.to_numpy()
        reasons[rest] = sub_bad.attrs["reasons"].to_numpy()
    bad_s = pd.Series(bad, index=index)
    bad_s.attrs["reasons"] = pd.Series(reasons, index=index, dtype=object)
    return pd.Series(out, index=index, dtype="float64"), bad_s


def to_years(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(Int64 Series of years, bad-cell mask)."""
    parsed, bad = _map_unique(series, parse_year)
    out = pd.array(parsed.tolist(), dtype="Int64") if len(parsed) else pd.array([], dtype="Int64")
    return pd.Series(out, index=series.index), bad


def to_dates(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(object Series of ISO dates or None, bad-cell mask)."""
    return _map_unique(series, parse_date)


def list_text(value: Any) -> str | None:
    """A multi-line list cell (responsible parties): each line's spaces tidied; a line break is kept where it alone
    separates two items («Отдел образования⏎ИМЦ») and becomes a space after a written separator («…,⏎ИМЦ»).
    The stored text keeps the file's wording; `split_list` is what reads the items out of it
    (`split_list(list_text(x)) == split_list(x)`)."""
    if not isinstance(value, str):
        return value
    lines = [" ".join(line.split()) for line in value.splitlines() if line.strip()]
    return "".join(line if k == 0 else (" " if lines[k - 1][-1] in ",;" else "\n") + line
                   for k, line in enumerate(lines)) or None


_LIST_SEPARATORS = ",;\n\r"
_OPENING = {"(": ")", "[": "]", "«": "»", "„": "“", "“": "”"}
_BULLET = re.compile(r"^(?:[-–—•·*▪◦]\s*)+")


# The first words (lowercase stems) of an item that names a person or a body of its own, though written without
# a capital («директор МБОУ «СОШ № 5», зам. директора по УВР»). Any other item written from a small letter after
# a comma or a line break continues the name before it: «Департамент образования, науки и молодежной политики …»,
# a name wrapped to a second line («… Воронежской⏎области», «… политики⏎Воронежской области»). After a semicolon
# an item always stands alone.
OWN_PARTY_STEMS = ("директор", "зам", "руковод", "методист", "специалист", "педагог", "учител", "классн",
                   "председател", "начальник", "инспектор", "эксперт", "тьютор", "психолог", "социальн", "член",
                   "ответствен", "администрац", "отдел", "управлени", "комитет", "центр", "глав", "ведущ", "старш",
                   "ст.", "сотрудник", "работник", "родител", "обучающ", "ученик", "выпускник", "волонт", "орган",
                   "муниципальн", "образовательн", "общеобразовательн", "школ", "оо", "мо", "рмо", "шмо", "гмо",
                   "профсоюз", "совет", "коллектив", "организатор", "ассистент", "советник", "вожат", "воспитател",
                   "библиотек", "логопед", "дефектолог", "медицин", "представител")


_PLACE_GENITIVE = re.compile(r"^[А-ЯЁ][а-яё-]+(?:ской|цкой|ского|цкого)\b")  # «…политики⏎Воронежской области»


def _continues(item: str, sep: str) -> bool:
    """Does a list item continue the one before it (see OWN_PARTY_STEMS)? A remark in brackets always does, and so
    does a place name in the genitive wrapped to the next line."""
    if item.startswith("(") or (sep in "\n\r" and _PLACE_GENITIVE.match(item)):
        return True
    if not item[:1].islower():
        return False
    first = item.split()[0].lower()
    return not first.startswith(OWN_PARTY_STEMS)


def split_list(value: Any) -> list[str]:
    """The items of a list cell (responsible parties), the one splitter every page, metric and report uses.

    Items are separated by a comma, a semicolon, a line break or « + », never inside parentheses or quotes
    («Заместители директоров (по УВР, по ВР)», «МБОУ «Школа «Радуга», филиал»» stay whole). The word «и» is not a
    separator («Отдел опеки и попечительства» is one party). An item written from a small letter that does not
    start a person or body of its own continues the one before it, unless a semicolon separates them
    (`OWN_PARTY_STEMS`): «Департамент образования, науки и молодежной политики» is one party. Bullets and the dots or spaces around an item are dropped; blank
    items and a party repeated in the same cell are left out. A bracket or quote that never closes protects
    nothing."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return []
    text = str(value).replace("\u00a0", " ")
    protected = [False] * len(text)
    stack: list[tuple[str, int]] = []
    ascii_quote = -1
    for i, ch in enumerate(text):
        if ch == '"':
            if ascii_quote >= 0:
                for k in range(ascii_quote, i + 1):
                    protected[k] = True
                ascii_quote = -1
            else:
                ascii_quote = i
        elif ch in _OPENING and not (ch == "“" and stack and stack[-1][0] == "„"):
            stack.append((ch, i))
        elif stack and ch == _OPENING[stack[-1][0]]:
            _, start = stack.pop()
            for k in range(start, i + 1):
                protected[k] = True
        elif ch in "\n\r" and ascii_quote >= 0:
            ascii_quote = -1  # a plain quote never spans lines
    parts, cur, sep = [], [], ""
    for i, ch in enumerate(text):
        if not protected[i] and (ch in _LIST_SEPARATORS or (ch == "+" and 0 < i < len(text) - 1
                                                            and text[i - 1] == " " and text[i + 1] == " ")):
            parts.append((sep, "".join(cur)))
            cur, sep = [], ch
        else:
            cur.append(ch)
    parts.append((sep, "".join(cur)))
    out: list[str] = []
    for sep, part in parts:
        item = _BULLET.sub("", " ".join(part.split())).strip(" .\t")
        if not item or item.lower() in BLANK_WORDS:
            continue
        if out and sep != ";" and _continues(item, sep):  # after «;» a list item often starts from a small letter
            out[-1] += (" " if sep in "\n\r" or item.startswith("(") else f"{sep} ") + item
        else:
            out.append(item)
    return list(dict.fromkeys(out))


def join_list(items: list[str]) -> str:
    """Items on one line, read back by `split_list` as the same items: «, » between them, «; » before an item
    that a comma would join to the one before it («Департамент …; департамент строительной политики …»)."""
    return "".join(item if k == 0 else ("; " if _continues(item, ",") else ", ") + item
                   for k, item in enumerate(items))


def to_texts(series: pd.Series) -> pd.Series:
    """Object Series of stripped texts (None for blank); numbers that are whole print without «.0»."""
    def one(v: Any) -> str | None:
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
            return None
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        if isinstance(v, (dt.datetime,)):
            v = v.date()
        s = str(v).replace("\u00a0", " ").strip()
        return s or None

    parsed, _ = _map_unique(series, one)
    return parsed
