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
decimal), "people"/"works"/"schools" counts (integers), "hours", "years",
"index" (two decimals), "" a bare number.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Union

from metrics.format import NBSP, num

MINUS = "\u2212"

# unit -> (digits, suffix)
_UNITS: dict[str, tuple[int, str]] = {
    "%": (1, NBSP + "%"),
    "pp": (1, NBSP + "п.\u00a0п."),
    "mark": (2, ""),
    "score": (1, ""),
    "people": (0, NBSP + "чел."),
    "works": (0, ""),
    "schools": (0, ""),
    "hours": (1, NBSP + "ч"),
    "years": (0, ""),
    "index": (2, ""),
    "": (1, ""),
}


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


def quantity_text(q: Quantity, with_n: bool = False, with_interval: bool = False) -> str:
    """«45,0 %», «+0,4 п. п.», «−1,20», «4,38 (3,95–4,81)», «12 чел.»."""
    if q.value is None or (isinstance(q.value, float) and math.isnan(q.value)):
        return "—"
    digits, suffix = _UNITS.get(q.unit, (1, ""))
    value = float(q.value)
    if digits == 0 and value.is_integer():
        value = int(value)
    text = num(abs(value) if q.signed else value, digits).replace("-", MINUS)
    if q.signed:
        text = ("+" if value > 0 else MINUS if value < 0 else "±") + text
    text += suffix
    if with_interval and q.low is not None and q.high is not None:
        text += f" ({num(q.low, digits).replace('-', MINUS)}–{num(q.high, digits).replace('-', MINUS)})"
    if with_n and q.n is not None:
        text += f", n{NBSP}={NBSP}{q.n}"
    return text


def arg_text(a: Arg) -> str:
    if isinstance(a, Quantity):
        return quantity_text(a)
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


def plain(text: str) -> Explanation:
    """An explanation that is one fixed sentence (no numbers)."""
    return Explanation(headline=Point(text.replace("{", "{{").replace("}", "}}")))
