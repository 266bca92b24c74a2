"""When is an event due, given the free Russian text of its «Сроки» cell?

`parse_deadline("Февраль-апрель 2013, 2014г.", (2012, 2014))` gives the control
dates (the ends of what must be done), the periods they close and whether the
deadline is dated, continuous (`В течение года`, `Постоянно`) or unscheduled
(`По плану РМО`, `По мере необходимости`). Continuous and unscheduled deadlines
never get an invented date, and the text is always kept next to the result.

Programme years come from the plan's title (`years_from_title`): `на 2012-2014
годы` is a calendar programme, `на 2019/20 учебный год` a school-year one, in
which September–December fall in the first calendar year and January–August in
the second. A month with no year is read in every programme year.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Iterable

import pandas as pd

SCHEDULES = ("dated", "continuous", "unscheduled")

_MONTH_STEMS = (
    ("январ", 1), ("феврал", 2), ("март", 3), ("апрел", 4), ("ма", 5), ("июн", 6),
    ("июл", 7), ("август", 8), ("сентябр", 9), ("октябр", 10), ("ноябр", 11), ("декабр", 12),
)
_ABBR = {"янв": 1, "фев": 2, "февр": 2, "мар": 3, "апр": 4, "авг": 8, "сен": 9, "сент": 9,
         "окт": 10, "ноя": 11, "нояб": 11, "дек": 12}
_MONTH_FULL = r"(?:январ|феврал|март|апрел|ма[йяе]|июн|июл|август|сентябр|октябр|ноябр|декабр)[а-я]*"
_MONTH_ABBR = r"(?:янв|февр?|мар|апр|авг|сент?|окт|нояб?|дек)(?![а-я])\.?"
_MONTH = rf"(?:{_MONTH_FULL}|{_MONTH_ABBR})"

_TOKEN = re.compile(
    rf"""
    (?P<drange>(?<!\d)(?P<dr1>\d{{1,2}})\s*[-–—]\s*(?P<dr2>\d{{1,2}})\.(?P<drm>\d{{1,2}})\.(?P<dry>\d{{4}}|\d{{2}})(?!\d))
   |(?P<date>(?<!\d)(?P<dd>\d{{1,2}})\.(?P<dm>\d{{1,2}})\.(?P<dy>\d{{4}}|\d{{2}})(?!\d))
   |(?P<schoolyear>(?<!\d)(?P<sy1>(?:19|20)\d\d)\s*[/–—-]\s*(?P<sy2>(?:19|20)?\d\d)\s*(?:-?\s*е\s*)?(?:уч[а-я]*\.?\s*(?:г|год)))
   |(?P<half>(?<![\dа-я])(?P<hn>ii|i|1|2)\s*(?:-?\s*[а-я]{{1,3}})?\s*полугоди[а-я]*)
   |(?P<quarter>(?<![\dа-я])(?P<qn>iv|iii|ii|i|[1-4])\s*(?:-?\s*[а-я]{{1,3}})?\s*(?:квартал[а-я]*|кв(?![а-я])\.?))
   |(?P<term>(?<![\dа-я])(?P<tn>iv|iii|ii|i|[1-4])\s*(?:-?\s*[а-я]{{1,3}})?\s*четверт[а-я]*)
   |(?P<daymonth>(?<!\d)(?P<dmd>\d{{1,2}})\s*(?P<dmm>{_MONTH}))
   |(?P<daymonthnum>(?<![\d.])(?P<dnd>\d{{1,2}})\.(?P<dnm>\d{{1,2}})(?![\d.]))
   |(?P<month>(?<![а-я]){_MONTH})
   |(?P<year>(?<!\d)(?P<yv>(?:19|20)\d\d)(?!\d))
   |(?P<dash>[-–—]|(?<![а-я])по(?![а-я]))
    """,
    re.VERBOSE,
)

_CONTINUOUS = re.compile(
    r"в\s+течени[еи]|весь\s+период|постоянн|ежемесячн|еженедельн|ежедневн|систематическ|регулярн|"
    r"на\s+протяжении|в\s+период\s+реализации|круглогодичн"
)
_UNSCHEDULED = re.compile(r"\bпо\s+(?:плану|графику|мере|согласованию|запросу|отдельному|срокам|необходимости)")
_YEARLY = re.compile(r"ежегодн|каждый\s+год")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


class ProgrammeYears(tuple):
    """(first, last) programme years; `.school_year` says they are one or more school years."""

    school_year: bool

    def __new__(cls, first: int, last: int, school_year: bool = False):
        obj = super().__new__(cls, (int(first), int(last)))
        obj.school_year = bool(school_year)
        return obj

    def __repr__(self) -> str:
        return f"ProgrammeYears({self[0]}, {self[1]}, school_year={self.school_year})"


@dataclass(frozen=True)
class Deadline:
    text: str
    dates: list[date] = field(default_factory=list)
    schedule: str = "unscheduled"
    periods: list[tuple[date, date]] = field(default_factory=list)


_TITLE_SCHOOL = re.compile(r"((?:19|20)\d\d)\s*[/–—-]\s*((?:19|20)?\d\d)\s*(?:-?\s*е\s*)?уч")
_TITLE_RANGE = re.compile(r"((?:19|20)\d\d)\s*(?:г\.?\s*)?(?:[-–—]|по|/)\s*((?:19|20)\d\d)")
_TITLE_SINGLE_SCHOOL = re.compile(r"((?:19|20)\d\d)\s*[/–—-]\s*((?:19|20)?\d\d)\b")
_TITLE_SINGLE = re.compile(r"\bна\s+((?:19|20)\d\d)\s*(?:г|год)")


def _full_year(first: int, second: str) -> int:
    v = int(second)
    if v < 100:
        v += first // 100 * 100
        if v < first:
            v += 100
    return v


def years_from_title(text: str | None) -> ProgrammeYears | None:
    """Programme years named in a title: `на 2012-2014 годы` → (2012, 2014);
    `на 2019/20 учебный год` → (2019, 2020) with `.school_year` set; `на 2023 год` → (2023, 2023)."""
    if not text:
        return None
    t = str(text).lower().replace("ё", "е")
    m = _TITLE_SCHOOL.search(t)
    if m:
        first = int(m.group(1))
        last = _full_year(first, m.group(2))
        if last > first:
            return ProgrammeYears(first, last, school_year=True)
    m = _TITLE_RANGE.search(t)
    if m:
        first, last = int(m.group(1)), int(m.group(2))
        if first <= last <= first + 15:
            return ProgrammeYears(first, last)
    m = _TITLE_SINGLE.search(t)
    if m:
        y = int(m.group(1))
        return ProgrammeYears(y, y)
    return None


_ANY_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


def programme_years(titles: Iterable, year: int | None = None,
                    deadline_texts: Iterable | None = None) -> ProgrammeYears | None:
    """The programme years of a plan: the first title (or sheet or file name) that names them, else the user's
    (school) year, else the span of the years written in the deadlines themselves (`Март 2025`, `до
    31.10.2026` → 2025–2026)."""
    for text in titles:
        y = years_from_title(text)
        if y:
            return y
    if year:
        return ProgrammeYears(int(year) - 1, int(year), school_year=True)
    found = sorted({int(m) for t in (deadline_texts if deadline_texts is not None else ())
                    if isinstance(t, str) for m in _ANY_YEAR.findall(t)})
    if found and found[-1] - found[0] <= 15:
        return ProgrammeYears(found[0], found[-1])
    return None


def needing_years(texts: Iterable) -> int:
    """How many deadline texts give control dates only once the programme's years are known
    (`Ежегодно ноябрь`, `Март`): the ones to warn about when no years were found."""
    without = parse_deadlines(texts)["control_dates"]
    with_years = parse_deadlines(texts, (2000, 2000))["control_dates"]
    return int(sum(1 for a, b in zip(without, with_years) if not a and b))


# --- internal representation -------------------------------------------------
# A point is [day|None, month|None, year|None]; an item is {"start": point, "end": point|None, "year_only": bool}.


def _month_of(word: str) -> int:
    w = word.rstrip(".")
    for stem, n in _MONTH_STEMS:
        if stem == "ма":
            if re.match(r"ма[йяе]", w):
                return 5
            continue
        if w.startswith(stem):
            return n
    return _ABBR[w]


def _num(word: str) -> int:
    return _ROMAN.get(word) or int(word)


def _y(v: str) -> int:
    y = int(v)
    return y + 2000 if y < 100 else y


def _last_day(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _safe(y: int, m: int, d: int | None, end: bool) -> date | None:
    try:
        if d is None:
            return _last_day(y, m) if end else date(y, m, 1)
        return date(y, m, d)
    except ValueError:
        return None


def _tokens(t: str) -> list[tuple[str, tuple]]:
    out: list[tuple[str, tuple]] = []
    for m in _TOKEN.finditer(t):
        kind = m.lastgroup
        g = m.groupdict()
        if kind == "drange":
            kind, val = "drange", (int(g["dr1"]), int(g["dr2"]), int(g["drm"]), _y(g["dry"]))
        elif kind == "date":
            val = (int(g["dd"]), int(g["dm"]), _y(g["dy"]))
        elif kind == "schoolyear":
            first = int(g["sy1"])
            val = (first, _full_year(first, g["sy2"]))
        elif kind == "half":
            val = (_num(g["hn"]),)
        elif kind == "quarter":
            val = (_num(g["qn"]),)
        elif kind == "term":
            val = (_num(g["tn"]),)
        elif kind == "daymonth":
            val = (int(g["dmd"]), _month_of(g["dmm"]))
        elif kind == "daymonthnum":
            d, mo = int(g["dnd"]), int(g["dnm"])
            if not (1 <= d <= 31 and 1 <= mo <= 12):
                continue
            val = (d, mo)
        elif kind == "month":
            val = (_month_of(m.group("month")),)
        elif kind == "year":
            val = (int(g["yv"]),)
        else:
            val = ()
        out.append((kind, val))
    return out


def _item(start, end=None, year_only=False, school_months=False):
    return {"start": list(start), "end": None if end is None else list(end), "year_only": year_only,
            "school_months": school_months}


def _has_year(it) -> bool:
    return it["start"][2] is not None and (it["end"] is None or it["end"][2] is not None)


def _set_year(it, y: int) -> None:
    s, e = it["start"], it["end"]
    if e is None:
        if s[2] is None:
            s[2] = y
        return
    if e[2] is None:
        e[2] = y
    if s[2] is None:
        # "ноябрь-январь 2014": the start is in the previous year
        s[2] = e[2] - 1 if (s[1] or 1) > (e[1] or 12) else e[2]


def _shift(it, delta: int):
    new = _item(it["start"], it["end"], it["year_only"], it["school_months"])
    new["start"][2] += delta
    if new["end"] is not None:
        new["end"][2] += delta
    return new


def _build_items(toks: list[tuple[str, tuple]], school_year: bool) -> list[dict]:
    items: list[dict] = []
    pending: list[dict] = []  # items still waiting for a year
    last_group: list[dict] = []  # items that got the previous year token
    last_year: int | None = None
    dash = False
    prev_kind = None
    for kind, val in toks:
        new = None
        if kind == "dash":
            dash = True
            continue
        if kind == "drange":
            d1, d2, mo, y = val
            new = _item((d1, mo, y), (d2, mo, y))
        elif kind == "date":
            new = _item(val)
        elif kind == "schoolyear":
            a, b = val
            new = _item((1, 9, a), (31, 5, b))
        elif kind in ("half", "quarter", "term"):
            n = val[0]
            if kind == "half":
                months = ((9, 12), (1, 5)) if school_year else ((1, 6), (7, 12))
                m1, m2 = months[min(n, 2) - 1]
            elif kind == "quarter":
                m1, m2 = 3 * n - 2, 3 * n
            else:
                m1, m2 = ((9, 10), (11, 12), (1, 3), (4, 5))[n - 1]
            new = _item((None, m1, None), (None, m2, None), school_months=True)
        elif kind == "daymonth":
            new = _item((val[0], val[1], None))
        elif kind == "daymonthnum":
            new = _item((val[0], val[1], None))
        elif kind == "month":
            new = _item((None, val[0], None))
        elif kind == "year":
            y = val[0]
            if dash and prev_kind == "year" and items and items[-1]["year_only"] and not pending:
                # "2013-2014 гг.": a range of whole years
                items[-1]["end"] = [31, 12, y]
            elif pending:
                for it in pending:
                    _set_year(it, y)
                last_group = pending
                pending = []
            elif last_group and prev_kind == "year" and last_year is not None:
                # "Апрель 2013, 2014 г.г.": the same months in another year
                clones = [_shift(it, y - last_year) for it in last_group]
                items.extend(clones)
                last_group = clones
            elif items and items[-1]["end"] is not None and items[-1]["end"][2] is None:
                _set_year(items[-1], y)
            else:
                new_year = _item((1, 1, y), (31, 12, y), year_only=True)
                items.append(new_year)
                last_group = []
            last_year = y
            dash = False
            prev_kind = kind
            continue
        if new is None:
            prev_kind = kind
            continue
        if dash and items and items[-1]["end"] is None and not items[-1]["year_only"]:
            # a range "февраль-апрель", "сентябрь 2016-июнь 2017", "с мая по июнь"
            prev = items[-1]
            prev["end"] = new["start"]
            if new["start"][2] is None and prev not in pending:
                pending.append(prev)
        else:
            items.append(new)
            if not _has_year(new):
                pending.append(new)
        dash = False
        prev_kind = kind
    return items


def _resolve(it, years: ProgrammeYears | None, school_year: bool) -> list[tuple[date, date, bool]]:
    """(start, end, is_range) triples for one item; yearless items repeat over the programme years."""
    s, e = it["start"], it["end"]
    if _has_year(it):
        cands = [(s, e)]
    elif years is None:
        return []
    else:
        first, last = years
        cands = []
        if school_year:
            for sy in range(first, max(last, first + 1)):
                def place(p, sy=sy):
                    return [p[0], p[1], p[2] if p[2] is not None else (sy if (p[1] or 1) >= 9 else sy + 1)]
                cands.append((place(s), None if e is None else place(e)))
        else:
            for y in range(first, last + 1):
                cands.append(([s[0], s[1], y if s[2] is None else s[2]],
                              None if e is None else [e[0], e[1], y if e[2] is None else e[2]]))
    out = []
    for s2, e2 in cands:
        if e2 is None:
            end = _safe(s2[2], s2[1], s2[0], True)
            if end is not None:
                out.append((end, end, False))
            continue
        start = _safe(s2[2], s2[1], s2[0], False)
        end = _safe(e2[2], e2[1], e2[0], True)
        if start is None or end is None:
            continue
        if end < start and it["school_months"] is False and e[2] is None and s[2] is None:
            end = _safe(e2[2] + 1, e2[1], e2[0], True)
        out.append((start, end, True))
    return out


@lru_cache(maxsize=8192)
def _parse(text: str, years: tuple[int, int] | None, school_year: bool) -> Deadline:
    t = " ".join(text.lower().replace("ё", "е").split())
    if not t:
        return Deadline(text, [], "unscheduled", [])
    py = ProgrammeYears(years[0], years[1], school_year) if years else None
    if _CONTINUOUS.search(t):
        toks = [tok for tok in _tokens(t) if tok[0] in ("year", "schoolyear", "dash")]
        periods = []
        for it in _build_items(toks, school_year):
            periods.extend((a, b) for a, b, _ in _resolve(it, py, school_year))
        return Deadline(text, [], "continuous", sorted(set(periods)))
    items = _build_items(_tokens(t), school_year)
    dates: set[date] = set()
    periods: set[tuple[date, date]] = set()
    for it in items:
        for start, end, is_range in _resolve(it, py, school_year):
            dates.add(end)
            if is_range:
                periods.add((start, end))
    if dates:
        return Deadline(text, sorted(dates), "dated", sorted(periods))
    if _YEARLY.search(t):
        return Deadline(text, [], "continuous", [])
    return Deadline(text, [], "unscheduled", [])


def parse_deadline(text: str | None, years: tuple[int, int] | None = None, *,
                   school_year: bool | None = None) -> Deadline:
    """Control dates, schedule and periods of one «Сроки» text.

    `years` are the programme's (first, last) years; a `ProgrammeYears` from
    `years_from_title` also says whether they are school years (override with
    `school_year`). Without years, a month with no year gives no date.
    """
    raw = "" if text is None or (isinstance(text, float) and text != text) else str(text)
    sy = getattr(years, "school_year", False) if school_year is None else bool(school_year)
    key = (int(years[0]), int(years[1])) if years else None
    return _parse(raw, key, sy)


def parse_deadlines(texts: Iterable, years: tuple[int, int] | None = None, *,
                    school_year: bool | None = None) -> pd.DataFrame:
    """Parse a column of «Сроки» texts, once per unique text.

    Returns a frame aligned with `texts`: deadline_text, control_dates (lists of
    ISO dates), schedule, periods (lists of (ISO start, ISO end)).
    """
    s = pd.Series(list(texts) if not isinstance(texts, pd.Series) else texts, dtype="object")
    s = s.where(s.notna(), "").astype(str).str.strip()
    uniq = s.unique()
    parsed = {u: parse_deadline(u, years, school_year=school_year) for u in uniq}
    return pd.DataFrame({
        "deadline_text": s.to_numpy(),
        "control_dates": s.map(lambda u: [d.isoformat() for d in parsed[u].dates]).to_numpy(),
        "schedule": s.map(lambda u: parsed[u].schedule).to_numpy(),
        "periods": s.map(lambda u: [(a.isoformat(), b.isoformat()) for a, b in parsed[u].periods]).to_numpy(),
    }, index=s.index)
