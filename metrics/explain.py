"""What does a status or a flag say, as data rather than as a sentence?

Every judgement `metrics/` makes (an indicator's status, a forecast verdict, a
risk or objectivity flag) carries an `Explanation`:

- `headline`: one short plain-Russian claim, the first thing a reader sees;
- `points`: the claims behind it, one per subject, year or measure;
- `caveats`: what the judgement does not mean, or what limits it
  (a small group, a left-out result, a model with low R²);
- `details`: an optional tidy table for those who want every number.

Texts are templates: `{0}`, `{1}`… stand for the entries of `args`, which are
`Quantity` (a number with its unit, n and interval) or plain strings (a subject
or a school name, taken from a file and therefore never parsed or interpreted:
the template is formatted, never the arguments). Nothing downstream parses
Russian sentences: `ui/` and `reports/` render these objects, each in its own
medium, with `render()` giving the plain-text form for both.

Units (`Quantity.unit`) decide how a number is written:
"%" share on the 0–100 scale («45,0 %»), "pp" a difference of shares
(«+0,4 п. п.»), "mark" a 2–5 mark (two decimals), "score" an exam score (one
decimal), "people" a head count («12 чел.»), "items" a count of things («6 шт.»),
"works" / "schools" / "pupils" / "results" / "years" counts written with the
agreeing word («1 работа», «3 школы», «12 участников», «5 лет»), "hours",
"index" (two decimals), "" a bare number. Any other unit text (an indicator's own
unit from a file, «руб.») is written after the number as it is. A value that
rounds to zero is written without a sign («0,0», never «−0,0»).
"""
from __future__ import annotations

import contextlib
import gc
import math
from dataclasses import dataclass, field
from typing import Any, Iterator, Union

import numpy as np

from metrics.format import NBSP, num

MINUS = "\u2212"

# unit -> (digits, suffix)
_UNITS: dict[str, tuple[int, str]] = {
    "%": (1, NBSP + "%"),
    "pp": (1, NBSP + "п.\u00a0п."),
    "mark": (2, ""),
    "score": (1, ""),
    "people": (0, NBSP + "чел."),
    "items": (0, NBSP + "шт."),
    "works": (0, ""),
    "schools": (0, ""),
    "pupils": (0, ""),
    "results": (0, ""),
    "years": (0, ""),
    "hours": (1, NBSP + "ч"),
    "index": (2, ""),
    "": (1, ""),
}
# counts written with the agreeing noun: unit -> (1, 2–4, 5+) forms
_NOUNS: dict[str, tuple[str, str, str]] = {
    "works": ("работа", "работы", "работ"),
    "schools": ("школа", "школы", "школ"),
    "pupils": ("участник", "участника", "участников"),
    "results": ("результат", "результата", "результатов"),
    "years": ("год", "года", "лет"),
}


def plural(n: float, one: str, few: str, many: str) -> str:
    """The noun form that agrees with n: 1 школа, 2 школы, 5 школ, 21 школа, 11 школ; a fraction takes «few»."""
    if n != int(n):
        return few
    n = abs(int(n))
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def noun(n: float, unit: str) -> str:
    """The agreeing noun of a count unit («школы» for 3 "schools")."""
    return plural(n, *_NOUNS[unit])


@dataclass(frozen=True)
class Quantity:
    """A number as the reader needs it: value, unit, how many it rests on, its interval."""

    value: float | None
    unit: str = ""
    n: int | None = None          # participants, works or schools behind the value
    low: float | None = None      # interval bounds, same unit
    high: float | None = None
    signed: bool = False          # write the sign (a change or a gap)


Arg = Union[Quantity, str, int, float]


@dataclass(frozen=True)
class Point:
    """One claim: a template with `{0}`-style slots and its arguments."""

    template: str
    args: tuple[Arg, ...] = ()


@dataclass(frozen=True)
class Explanation:
    headline: Point
    points: tuple[Point, ...] = ()
    caveats: tuple[Point, ...] = ()
    details: Any = None           # optional pandas DataFrame with every number
    extra: dict = field(default_factory=dict)   # structured facts a renderer may use (years, procedures…)


class Deferred(Explanation):
    """An explanation made when it is first read, by `make(at)`.

    A metric with one explanation per row (90,000 plan-against-fact rows, 38,000 ВПР works at region scale) hands
    these out: a page reads a few of them, while making them all took a large share of the metric's time and about
    ten Python objects per row, which every garbage collection walked. To a reader it is the explanation it stands
    for: its fields, `isinstance(e, Explanation)`, equality, `render`; a copy or a pickle is the plain
    `Explanation`. Made at most once (two threads that read it at the same moment may both make it: the same value).
    """

    __slots__ = ("_make", "_at", "_made")

    def __init__(self, make: Any, at: Any):  # noqa: D107 - no dataclass __init__: the fields are read from `made()`
        object.__setattr__(self, "_make", make)
        object.__setattr__(self, "_at", at)
        object.__setattr__(self, "_made", None)

    def made(self) -> Explanation:
        e = self._made
        if e is None:
            e = self._make(self._at)
            object.__setattr__(self, "_made", e)
        return e

    headline = property(lambda self: self.made().headline)
    points = property(lambda self: self.made().points)
    caveats = property(lambda self: self.made().caveats)
    details = property(lambda self: self.made().details)
    extra = property(lambda self: self.made().extra)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Explanation):
            return self.made() == (other.made() if isinstance(other, Deferred) else other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment] - like Explanation (its `extra` is a dict)

    def __repr__(self) -> str:
        return repr(self.made())

    def __reduce__(self) -> tuple:
        e = self.made()
        return Explanation, (e.headline, e.points, e.caveats, e.details, e.extra)


def deferred(make: Any, rows: Any) -> Any:
    """An object array with `Deferred(make, i)` for each i in `rows` (each made when first read)."""
    out = np.empty(len(rows), dtype=object)
    for k, i in enumerate(rows):
        out[k] = Deferred(make, i)
    return out


def _digits_suffix(unit: str) -> tuple[int, str]:
    if unit in _UNITS:
        return _UNITS[unit]
    return 1, NBSP + unit  # an indicator's own unit, as the file writes it


def number_text(value: float, digits: int) -> str:
    """A number with `digits` decimals, a true minus, and no sign on a value that rounds to zero."""
    text = (f"{value:,.{digits}f}" if isinstance(value, float) else f"{value:,}").replace(",", NBSP).replace(".", ",")
    if value < 0 and any(ch in "123456789" for ch in text):
        return MINUS + text.lstrip("-")
    return text.lstrip("-")


def quantity_text(q: Quantity, with_n: bool = False, with_interval: bool = False) -> str:
    """«45,0 %», «+0,4 п. п.», «−1,20», «4,38 (3,95–4,81)», «12 чел.», «3 школы»."""
    if q.value is None or (isinstance(q.value, float) and math.isnan(q.value)):
        return "—"
    digits, suffix = _digits_suffix(q.unit)
    value = float(q.value)
    if digits == 0:
        value = float(round(value))
        if value.is_integer():
            value = int(value)
    text = number_text(abs(value) if q.signed else value, digits)
    if q.signed:
        shown_zero = not any(ch in "123456789" for ch in text)
        text = ("±" if shown_zero else "+" if value > 0 else MINUS) + text
    if q.unit in _NOUNS:
        text += NBSP + noun(value, q.unit)
    else:
        text += suffix
    if with_interval and q.low is not None and q.high is not None:
        text += f" ({number_text(q.low, digits)}–{number_text(q.high, digits)})"
    if with_n and q.n is not None:
        text += f", n{NBSP}={NBSP}{q.n}"
    return text


def arg_text(a: Arg) -> str:
    """An argument as text: a Quantity with its unit and, when it has one, its interval «4,38 (3,95–4,81)»."""
    if isinstance(a, Quantity):
        return quantity_text(a, with_interval=True)
    if isinstance(a, float):
        return num(a)
    return str(a)


def point_text(p: Point) -> str:
    """The point as plain text: template filled with rendered arguments (arguments are not re-formatted)."""
    return p.template.format(*(arg_text(a) for a in p.args))


def render(e: Explanation) -> str:
    """Plain-text form: headline, then points and caveats as sentences."""
    parts = [point_text(e.headline)]
    parts += [point_text(p) for p in e.points]
    parts += [point_text(c) for c in e.caveats]
    return " ".join(s if s.endswith((".", "!", "?")) else s + "." for s in parts if s)


def headline_text(e: Explanation | None) -> str:
    """The headline alone, as plain text ("" without an explanation): a table's short column."""
    return point_text(e.headline) if e is not None else ""


def _clean(x):
    """A number as a float, None for missing (NaN, pandas NA)."""
    if x is None:
        return None
    try:
        x = float(x)
    except TypeError:  # pandas NA
        return None
    return None if x != x else x


def q(value, unit: str = "", n=None, low=None, high=None, signed: bool = False) -> Quantity:
    """A Quantity from numpy / pandas scalars: NaN becomes None, n an int."""
    nn = _clean(n)
    return Quantity(_clean(value), unit, None if nn is None else int(nn), _clean(low), _clean(high), signed)


@contextlib.contextmanager
def many() -> Iterator[None]:
    """Pause the cyclic garbage collector while a metric builds one explanation per row: tens of thousands of
    small acyclic objects otherwise trigger collection after collection over the whole heap (3× slower)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def plain(text: str) -> Explanation:
    """An explanation that is one fixed sentence (no numbers)."""
    return Explanation(headline=Point(text.replace("{", "{{").replace("}", "}}")))
