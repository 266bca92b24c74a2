"""How is a judgement's explanation shown so that a person reads the point first?

Every status and flag from `metrics/` carries a `metrics.explain.Explanation`: a headline,
the claims behind it (points, each number with its unit and n), caveats and an optional table
of every number. This module renders it — nothing here parses a sentence:

- `explanation_markdown(label, e)`: the bold label, the headline, the points as bullets;
- `explanation_block(label, e, severity=…)`: that in a coloured box (red risk, amber warning,
  blue information, green good news), the caveats as a caption under it (what the judgement
  does not mean), the table of numbers in an expander «Числа и правило» (in print: a compact table);
- `headline(e)`, `full_text(e)`: plain text for table cells and Excel downloads;
- `plain_explanation(flag, e, details)`: a result-against-context flag (below expectation, resilient) said the
  way a director reads it — «результат ниже, чем у школ с похожими условиями, на …» — from the flag's numbers,
  without z-scores or standard errors.

Templates are ours; their arguments may come from files (a subject, a deadline text), so they
are escaped before they reach Markdown: a subject named «Русский язык. Часть 1 [ссылка](x)»
is shown as written.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from metrics.explain import Explanation, Point, Quantity, arg_text, headline_text, q, render
from metrics.stats import Z95
from ui import format as fmt
from ui import safe
from ui.tables import EXPANDER_PAD, FULL, fitted_dataframe

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


CONTEXT_FLAGS = ("below_expectation", "resilient")
_CONTEXT_KEYS = ("value", "predicted", "residual", "se", "index")


def size_word(gap: float) -> str:
    """How big a difference on the standardised scale is, in words (under 0,2 — «немного», under 0,5 — «заметно»,
    more — «намного»: the usual small / medium / large steps of an effect size)."""
    g = abs(gap)
    return "немного" if g < 0.2 else "заметно" if g < 0.5 else "намного"


def context_plain(flag: str, d: Any) -> Explanation:
    """A below-expectation or resilient school in plain words, from its numbers (`metrics.social.context_adjusted`:
    value, predicted, residual, se, index, r2)."""
    gap, se = float(d["residual"]), float(d["se"])
    lo, hi = gap - Z95 * se, gap + Z95 * se
    where = Point("сводный балл школы {0}; школы района с таким же индексом неблагополучия ({1}) в среднем получают {2}",
                  (q(d["value"], "index", signed=True), q(d["index"], "index", signed=True),
                   q(d["predicted"], "index", signed=True)))
    if flag == "below_expectation":
        head = Point("Результат {0} ниже, чем у школ с похожими социальными условиями: на {1} по сводной шкале",
                     (size_word(gap), q(abs(gap), "index")))
        sure = Point("это больше случайных колебаний: даже с учётом погрешности разница не меньше {0}",
                     (q(abs(min(hi, 0.0)), "index"),))
    else:
        # a size word only for a gap beyond chance: «намного выше» with an interval that holds 0 would overclaim
        size = size_word(gap) if lo > 0 else "в среднем"
        head = Point("Условия среди самых трудных в районе, а результат {0} выше, чем у школ с похожими условиями: "
                     "на {1} по сводной шкале", (size, q(abs(gap), "index")))
        sure = (Point("это больше случайных колебаний: даже с учётом погрешности разница не меньше {0}",
                      (q(max(lo, 0.0), "index"),)) if lo > 0 else
                Point("с учётом погрешности разница может быть и меньше (от {0} до {1}): пример стоит изучить, "
                      "но это ещё не доказанный успех", (q(lo, "index", signed=True), q(hi, "index", signed=True))))
    caveats = [Point("Сводная шкала: 0 — уровень района, 1 — обычный разброс баллов учеников района")]
    r2 = d.get("r2") if hasattr(d, "get") else None
    if r2 is not None and not fmt.is_missing(r2):
        caveats.append(Point("Социальные условия объясняют {0} различий между школами района", (q(100 * float(r2), "%"),)))
    return Explanation(head, (where, sure), tuple(caveats))


def plain_explanation(flag: Any, e: Any, details: Any = None) -> Any:
    """The explanation to show for a flag: a result-against-context flag in plain words (`context_plain`) when its
    numbers are at hand, every other flag as the metric wrote it."""
    if str(flag) in CONTEXT_FLAGS and hasattr(details, "get") \
            and all(not fmt.is_missing(details.get(k)) for k in _CONTEXT_KEYS):
        return context_plain(str(flag), details)
    return e


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
                      box: bool = True, budget: int = FULL) -> None:
    """One judgement for a person: a coloured box with the label, the headline and the points; the caveats as a
    caption; the table of numbers in an expander «Числа и правило».
    `box=False` writes the same as plain text (for a flag inside a school's bordered card). `budget`: the pixels
    the block has (`ui.tables.FULL`, `HALF` in one of two columns); the table of numbers fits in it."""
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
                fitted_dataframe(table, key=f"{key}_tbl" if key else None, budget=budget - EXPANDER_PAD)
