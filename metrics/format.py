"""How are numbers written for a Russian reader?

`4,38`, `45 %`, `1 234`: decimal comma, thin grouping space. Used by the
Russian reason sentences in metrics and by the pages.
"""
from __future__ import annotations

import math
import numbers
from typing import Any

NBSP = "\u00a0"


def num(x: Any, digits: int = 1) -> str:
    """Format a number the Russian way (ints as ints, floats with `digits`); "" for missing."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        try:
            x = float(x)
        except (TypeError, ValueError):
            return str(x)
    text = f"{int(x):,}" if isinstance(x, numbers.Integral) else f"{x:,.{digits}f}"
    return text.replace(",", NBSP).replace(".", ",")


def pct(x: Any, digits: int = 1) -> str:
    """A percentage value already on the 0–100 scale: 45 -> '45 %'."""
    s = num(x, digits)
    return f"{s}{NBSP}%" if s else ""


def signed(x: Any, digits: int = 1) -> str:
    """A change with its sign: +1,2 / −0,5."""
    s = num(x, digits)
    if not s:
        return ""
    if not any(ch in "123456789" for ch in s):
        return s.lstrip("-")  # a change that rounds to zero has no sign: «0,0», not «+0,0» or «−0,0»
    return s.replace("-", "−") if float(x) < 0 else f"+{s}"
