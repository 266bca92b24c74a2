"""How do pages write numbers, changes and statuses for a Russian reader?

Thin wrappers over `metrics.format` (`4,38`, `45 %`, `+1,2`) plus the Russian
labels and colours of plan statuses, event states and flag severities, so every
page says «достигнут» in the same green.
"""
from __future__ import annotations

import math
from typing import Any

from metrics.explain import plural  # Russian agreement: one rule for metrics and pages
from metrics.format import NBSP, signed
from metrics.format import num as _num
from metrics.format import pct as _pct
from metrics.risk import FLAG_LABELS as _METRIC_FLAG_LABELS
from metrics.roadmap import STATE_LABELS  # roadmap state names, said once where the states are made

__all__ = [
    "num", "pct", "signed", "value", "change", "is_missing",
    "STATUS_LABELS", "STATUS_COLORS", "status_label", "status_color",
    "STATE_LABELS", "STATE_COLORS", "state_label", "SEVERITY_LABELS",
    "GOOD", "BAD", "NEUTRAL", "NBSP",
]

GOOD = "#2e7d32"     # green
NEAR = "#f9a825"     # amber
BAD = "#c62828"      # red
NEUTRAL = "#9e9e9e"  # grey
INFO = "#1565c0"     # blue

# Plan-vs-fact statuses (metrics.plan_vs_fact `status`).
STATUS_LABELS = {
    "achieved": "достигнут",
    "near": "близко к плану",
    "missed": "не достигнут",
    "no data": "нет данных",
}
STATUS_COLORS = {"achieved": GOOD, "near": NEAR, "missed": BAD, "no data": NEUTRAL}
# Light backgrounds for table cells.
STATUS_BG = {"achieved": "#c8e6c9", "near": "#ffe082", "missed": "#ffcdd2", "no data": "#eeeeee"}

# Roadmap event states (metrics.roadmap_progress `state`).
STATE_COLORS = {
    "done": GOOD,
    "in_progress": INFO,
    "overdue": BAD,
    "not_yet_due": "#90caf9",  # pale blue: planned, its date is ahead (not the grey of «без срока»)
    "continuous": "#6a1b9a",
    "unscheduled": "#bdbdbd",
}

# Light backgrounds of the same hues for table cells.
STATE_BG = {"done": "#c8e6c9", "in_progress": "#bbdefb", "overdue": "#ffcdd2", "not_yet_due": "#e3f2fd",
            "continuous": "#e1bee7", "unscheduled": "#eeeeee"}


def state_styler(states: Any, palette: dict[str, str] | None = None) -> Any:
    """A function view -> Styler colouring the «Состояние» column (`state_text`) by the raw event
    states (or by `palette`), aligned by position with the rows of the view (the timeline's colours, lighter)."""
    colours = [(palette or STATE_BG).get(str(s), "") for s in list(states)]

    def _col(col: Any) -> list[str]:
        if col.name != "state_text":
            return [""] * len(col)
        return [f"background-color: {c}; color: #212121" if c else "" for c in colours[: len(col)]]

    return lambda view: view.style.apply(_col, axis=0)


SEVERITY_LABELS = {"flag": "риск", "warning": "предупреждение", "info": "условия", "good": "положительный"}

# Units not repeated after the number (the label already says what it is).
_NO_SUFFIX = ("балл", "баллы", "отметка", "шт.", "шт", "ед.", "ед")

UNIT_DIGITS = {"отметка": 2, "балл": 2, "баллы": 2, "%": 1, "чел.": 0, "чел": 0, "шт.": 0, "шт": 0, "ед.": 0}


MINUS = "\u2212"


def num(x: Any, digits: int = 1) -> str:
    """`metrics.format.num` with a true minus sign: −1,5 (a hyphen reads as a dash in Russian text)."""
    text = _num(x, digits)
    return MINUS + text[1:] if text.startswith("-") else text


def pct(x: Any, digits: int = 1) -> str:
    """`metrics.format.pct` with a true minus sign: −160 %."""
    text = _pct(x, digits)
    return MINUS + text[1:] if text.startswith("-") else text


def is_missing(x: Any) -> bool:
    """True for None, NaN and pandas NA."""
    if x is None or type(x).__name__ == "NAType":  # pandas NA: comparing it raises
        return True
    try:
        return bool(x != x) or (isinstance(x, float) and math.isnan(x))
    except (TypeError, ValueError):
        return False


def _digits(unit: str | None, x: Any, digits: int | None) -> int:
    if digits is not None:
        return digits
    u = (unit or "").strip().lower()
    if u in ("балл", "баллы") and not is_missing(x) and abs(float(x)) >= 10:
        return 1  # a score on the 100-point scale: «70,6», as in reports and in the flag reasons
    if u in UNIT_DIGITS:
        d = UNIT_DIGITS[u]
        # A count with a fractional part keeps one digit.
        if d == 0 and not is_missing(x) and float(x) != round(float(x)):
            return 1
        return d
    if not u and not is_missing(x) and float(x) == round(float(x)):
        return 0  # a whole number without a unit is a count: «4», not «4,00»
    return 2 if not is_missing(x) and abs(float(x)) < 10 else 1


def per_value(s: Any, write: Any) -> Any:
    """`s.map(write)` that calls `write` once per distinct value (`write(None)` for the missing ones): a region's
    column of 40,000 shares holds a few hundred distinct values, and writing each cell took seconds."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(pd.Series(s), use_na_sentinel=True)
    texts = np.empty(len(uniques) + 1, dtype=object)
    texts[:-1] = [write(u) for u in uniques]
    texts[-1] = write(None)  # code −1: missing
    return pd.Series(texts[codes], index=getattr(s, "index", None))


def digits_for(unit: str | None, x: Any) -> int:
    """How many decimals `value(x, unit)` writes (a change beside it should use the same)."""
    return _digits(unit, x, None)


def value(x: Any, unit: str | None = None, digits: int | None = None) -> str:
    """A value with its unit: `45,0 %`, `4,38`, `7 чел.`; «—» when missing."""
    if is_missing(x):
        return "—"
    d = _digits(unit, x, digits)
    x = float(x)
    text = num(int(round(x)) if d == 0 else x, d)
    u = (unit or "").strip()
    if u == "%":
        return f"{text}{NBSP}%"
    if u and u.lower() not in _NO_SUFFIX:
        return f"{text}{NBSP}{u}"
    return text


def change(x: Any, unit: str | None = None, digits: int | None = None) -> str:
    """A signed change: `+1,2`, `−0,50`; «—» when missing (units are not repeated, except п. п. for %)."""
    if is_missing(x):
        return "—"
    d = _digits(unit, x, digits)
    text = signed(float(x), d) if d else signed(int(round(float(x))))
    if (unit or "").strip() == "%":
        return f"{text}{NBSP}п.{NBSP}п."
    return text


def status_label(status: Any) -> str:
    return STATUS_LABELS.get(str(status), "нет данных") if not is_missing(status) else "нет данных"


def status_color(status: Any) -> str:
    return STATUS_COLORS.get(str(status), NEUTRAL)


def state_label(state: Any) -> str:
    return STATE_LABELS.get(str(state), str(state)) if not is_missing(state) else "—"


def metric_delta(x: Any, unit: str | None = None, digits: int | None = None) -> str | None:
    """A change for `st.metric`: Russian digits but an ASCII minus (Streamlit colours by a leading "-");
    "0" for no change (grey), None when missing."""
    if is_missing(x):
        return None
    text = change(x, unit, digits)
    if float(x) == 0 or not any(ch in "123456789" for ch in text):  # 0,004 → «+0,00» reads as growth: say «0»
        return "0"
    return text.replace("−", "-")


def delta_color(good_direction: Any) -> str:
    """`st.metric` delta colour for a metric's good direction: higher → normal, lower → inverse, else off."""
    g = str(good_direction).strip().lower() if not is_missing(good_direction) else ""
    return {"higher": "normal", "lower": "inverse"}.get(g, "off")


def year_label(year: Any) -> str:
    """2026 → «2025/26 учебный год»."""
    y = int(year)
    return f"{y - 1}/{str(y)[-2:]} учебный год"


def date_ru(d: Any) -> str:
    """A date as 22.11.2026; «—» when missing."""
    import pandas as pd

    if is_missing(d) or d == "":
        return "—"
    try:
        return pd.Timestamp(d).strftime("%d.%m.%Y")
    except (ValueError, TypeError):
        return str(d)


def plan_text(plan: Any, low: Any = None, high: Any = None, unit: str | None = None) -> str:
    """A plan as text: `45,0 %`, or a range `3,80 – 4,00`."""
    if not is_missing(low) and not is_missing(high):
        return f"{value(low, unit)} – {value(high, unit)}"
    if not is_missing(low):
        return f"не менее {value(low, unit)}"
    if not is_missing(high):
        return f"не более {value(high, unit)}"
    return value(plan, unit)


# Risk flags (metrics.risk_flags `flag`): the metric's own Russian names, so every page says the same.
FLAG_LABELS = dict(_METRIC_FLAG_LABELS)


# Short names for badges next to a school's name.
FLAG_SHORT = {
    "low_results": "ШНОР",
    "stable_low": "устойчиво низкие",
    "min_fail_warning": "ниже минимума ГИА",
    "social": "ШНСУ",
    "below_expectation": "ниже ожидаемого",
    "resilient": "резильентная",
    "exit": "вышла из ШНОР",
}


def flag_short(flag: Any) -> str:
    return FLAG_SHORT.get(str(flag), flag_label(flag))


def flag_label(flag: Any) -> str:
    return FLAG_LABELS.get(str(flag), str(flag))


SEVERITY_ICONS = {"flag": ":material/report:", "warning": ":material/warning:", "info": ":material/info:",
                  "good": ":material/thumb_up:"}


def first_sentence(text: Any, limit: int = 220) -> str:
    """The first sentence of a long Russian reason (cut at `limit` characters with «…»)."""
    import re

    if is_missing(text):
        return ""
    t = str(text).strip()
    m = re.search(r"(?<=[.!?])\s+(?=[А-ЯЁA-Z0-9«])", t)
    head = t[: m.start()] if m else t
    return head if len(head) <= limit else head[: limit - 1].rstrip() + "…"


def datetime_ru(ts: Any) -> str:
    """An ISO timestamp as local «22.11.2026 15:27» (UTC times converted to the server's zone)."""
    import pandas as pd

    if is_missing(ts) or ts == "":
        return ""
    try:
        t = pd.Timestamp(ts)
    except (ValueError, TypeError):
        return str(ts)
    if t.tzinfo is not None:
        t = pd.Timestamp(t.astimezone(None)).tz_localize(None)
    return t.strftime("%d.%m.%Y %H:%M")


def works(n: int) -> str:
    """«1 работа», «3 работы», «19 работ»."""
    return f"{n} {plural(n, 'работа', 'работы', 'работ')}"

