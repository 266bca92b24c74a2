"""How is a judgement's explanation shown so that a person reads the point first?

Every status and flag from `metrics/` carries a `metrics.explain.Explanation`: a headline,
the claims behind it (points, each number with its unit and n), caveats and an optional table
of every number. This module renders it — nothing here parses a sentence:

- `explanation_markdown(label, e)`: the bold label, the headline, the points as bullets;
- `explanation_block(label, e, severity=…)`: that in a coloured box (red risk, amber warning,
  blue information, green good news), the caveats as a caption under it (what the judgement
  does not mean), the table of numbers in an expander «Числа и правило» (in print: a compact table);
- `headline(e)`, `full_text(e)`: plain text for table cells and Excel downloads.

Templates are ours; their arguments may come from files (a subject, a deadline text), so they
are escaped before they reach Markdown: a subject named «Русский язык. Часть 1 [ссылка](x)»
is shown as written.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from metrics.explain import Explanation, Point, Quantity, arg_text, headline_text, render
from ui import format as fmt
from ui import safe

BOX = {"flag": "error", "warning": "warning", "good": "success", "info": "info"}
MAX_POINTS = 8


def point_markdown(p: Point) -> str:
    """A point as Markdown: our template; our numbers as they are, every other argument (names from files) escaped."""
    return p.template.format(*(arg_text(a) if isinstance(a, Quantity) else safe.md(arg_text(a)) for a in p.args))


def headline(e: Any) -> str:
    """The headline as plain text ("" without an explanation)."""
    return headline_text(e) if isinstance(e, Explanation) else ""


def full_text(e: Any) -> str:
    """The whole explanation as plain text ("" without one)."""
    return render(e) if isinstance(e, Explanation) else ""


def _bullets(items: list[str]) -> str:
    return "\n".join(f"- {p}" for p in items)


def explanation_markdown(label: str, e: Explanation, years: str = "") -> str:
    """The visible part of a flag: bold label, the headline, the points as bullets (at most MAX_POINTS)."""
    head = f"**{safe.md(label)}.** {point_markdown(e.headline)}"
    if not head.endswith("."):
        head += "."
    if years and not all(y in headline_text(e) for y in years.split(", ")):
        head += f" Годы: {years}."
    pts = [point_markdown(p) for p in e.points]
    body = ""
    if pts:
        body = "\n\n" + _bullets(pts[:MAX_POINTS])
        if len(pts) > MAX_POINTS:
            body += f"\n- … и ещё {len(pts) - MAX_POINTS} (подробнее ниже)"
    return head + body


def years_text(years: Any) -> str:
    """[2024, 2025, 2026] → «2024, 2025, 2026» ("" when there are none)."""
    if isinstance(years, (list, tuple, np.ndarray)) and len(years):
        return ", ".join(str(int(y)) for y in years)
    return ""


def details_frame(table: Any) -> pd.DataFrame:
    """An explanation's table of numbers with Russian number text (signed two decimals for fractional columns
    that go below zero, one decimal for percentages, whole numbers as integers)."""
    if not isinstance(table, pd.DataFrame) or table.empty:
        return pd.DataFrame()
    out = pd.DataFrame(index=table.index)
    for c in table.columns:
        s = table[c]
        if pd.api.types.is_bool_dtype(s):
            out[c] = s.map({True: "да", False: "нет"})
        elif pd.api.types.is_numeric_dtype(s):
            whole = s.dropna().eq(s.dropna().round()).all()
            if whole:
                out[c] = s.map(lambda v: "—" if fmt.is_missing(v) else str(int(v)))
            elif "%" in str(c):
                out[c] = s.map(lambda v: fmt.value(v, "%", 1))
            else:
                out[c] = s.map(lambda v: "—" if fmt.is_missing(v) else fmt.num(float(v), 2))
        else:
            out[c] = s.astype(str)
    return out.reset_index(drop=True)


def explanation_block(label: str, e: Any, *, severity: Any = "flag", years: Any = None, key: str = "",
                      box: bool = True) -> None:
    """One judgement for a person: a coloured box with the label, the headline and the points; the caveats as a
    caption; the table of numbers in an expander «Числа и правило».
    `box=False` writes the same as plain text (for a flag inside a school's bordered card)."""
    if not isinstance(e, Explanation):
        st.markdown(f"**{safe.md(label)}.**")
        return
    md = explanation_markdown(label, e, years_text(years))
    sev = str(severity)
    table = details_frame(e.details)
    more = [point_markdown(p) for p in e.points[MAX_POINTS:]]
    caveats = [point_markdown(c) for c in e.caveats]
    if box:
        getattr(st, BOX.get(sev, "info"))(md)
    else:
        st.markdown(md)
    if caveats:
        st.caption(" ".join(c if c.endswith(".") else c + "." for c in caveats))
    if len(table) or more:
        with st.expander("Числа и правило", icon=":material/calculate:"):
            if more:
                st.markdown(_bullets(more))
            if len(table):
                st.dataframe(table, hide_index=True, key=f"{key}_tbl" if key else None)
