"""How is a long Russian flag reason shown so that a person reads the point first?

`metrics` writes one reason per flag as running text with every number in it
(«Низкие результаты в 3 из 3 последних лет (2024, 2025, 2026). 2026: ВПР — нижний
квартиль района: …; … Результат процедуры — средний по предметам … ОГЭ по
математике: средняя отметка 2,40 — ниже районной (3,65) три года подряд; …»).
`split_reason(text)` cuts it into
- `lead`: the first sentence without a long trailing parenthesis (the headline);
- `points`: the plain claims of the remaining sentences and of a «…: a; b; c» list
  (one per subject or per context share) — shown as bullets;
- `details`: per-year breakdowns («2026: …»), long parentheses — for an expander;
- `notes`: how the number is measured («Результат процедуры — …») — a caption.
`reason_block(...)` renders it: label and lead in a coloured box, the points as
bullets, the rest (and the low-results table from the flag's `details`) in an
expander. Nothing is recomputed: the text and numbers are the metric's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from ui import format as fmt
from ui import safe

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[А-ЯЁA-Z0-9«])")
_YEAR_PART = re.compile(r"^(19|20)\d\d\s*:")
_NOTE_START = ("Результат процедуры —", "Результат —", "Результат процедуры -", "Группы меньше")
LONG_PAREN = 40      # a trailing parenthesis longer than this goes to the details
SHARED_HEAD = 40     # «Выше среднего: a; b» — a head this short, without digits, is shared by the list


@dataclass
class Reason:
    lead: str = ""
    points: list[str] = field(default_factory=list)
    points_head: str = ""
    details: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def sentences(text: str) -> list[str]:
    """Sentences of a Russian text (a period before a capital letter, a digit or «)."""
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]


def split_top(text: str, sep: str = ";") -> list[str]:
    """`text` split at `sep` outside parentheses («a (x; y); b» → «a (x; y)», «b»)."""
    parts, depth, cur = [], 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        if ch == sep and depth == 0:
            parts.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur).strip())
    return [p for p in parts if p]


def _strip_end(s: str) -> str:
    return s.strip().rstrip(".").strip()


def _trailing_paren(s: str) -> tuple[str, str]:
    """«Text (long parenthesis).» → («Text», «long parenthesis»); else (s, "")."""
    t = _strip_end(s)
    if not t.endswith(")"):
        return s, ""
    depth = 0
    for i in range(len(t) - 1, -1, -1):
        if t[i] == ")":
            depth += 1
        elif t[i] == "(":
            depth -= 1
            if depth == 0:
                inner = t[i + 1:-1].strip()
                head = t[:i].strip()
                if len(inner) > LONG_PAREN and head:
                    return head, inner
                return s, ""
    return s, ""


def _list_parts(sentence: str) -> tuple[str, list[str]]:
    """A «Head: a; b; c» sentence → (head, [a, b, c]) when the head is shared by the items,
    ("", [Head: a, b, c]) when each item names itself («ОГЭ по математике: …; ОГЭ по русскому: …»)."""
    items = [_strip_end(p) for p in split_top(_strip_end(sentence))]
    if len(items) < 2:
        return "", []
    first = items[0]
    if ":" in first:
        head, rest = first.split(":", 1)
        others_named = all(":" in it for it in items[1:])
        if not others_named and len(head) <= SHARED_HEAD and not re.search(r"\d", head):
            return head.strip(), [rest.strip(), *items[1:]]
    return "", items


def split_reason(text: Any) -> Reason:
    """Cut a metric's reason into lead, points, details and notes (see the module doc)."""
    r = Reason()
    if fmt.is_missing(text) or not str(text).strip():
        return r
    sents = sentences(str(text))
    first = sents[0]
    # «Lead (всего 12): a; b» — a list right in the first sentence
    lead_paren = ""
    head, _, rest = first.partition(":")
    if rest and (len(split_top(rest)) > 1 or ":" in rest):
        r.lead = head.strip()
        r.points = [_strip_end(p) for p in split_top(_strip_end(rest))]
    else:
        lead, lead_paren = _trailing_paren(first)
        r.lead = _strip_end(lead)
    for s in sents[1:]:
        if _YEAR_PART.match(s):
            r.details.append(_strip_end(s))
        elif s.startswith(_NOTE_START):
            r.notes.append(_strip_end(s))
        else:
            head, items = _list_parts(s)
            if items:
                if head and not r.points_head and not r.points:
                    r.points_head = head
                elif head:
                    items = [f"{head}: {items[0]}", *items[1:]]
                r.points.extend(items)
            else:
                body, paren = _trailing_paren(s)
                r.points.append(_strip_end(body))
                if paren:
                    r.details.append(paren)
    if lead_paren:
        # the lead's own numbers: the point itself when nothing else is said, else a detail
        (r.details if r.points else r.points).insert(0, lead_paren)
    return r


def years_text(years: Any) -> str:
    """[2024, 2025, 2026] → «2024, 2025, 2026» ("" when there are none)."""
    if isinstance(years, (list, tuple, np.ndarray)) and len(years):
        return ", ".join(str(int(y)) for y in years)
    return ""


# --- the low-results breakdown from the flag's `details` ------------------------------------------

def low_results_table(details: Any) -> pd.DataFrame:
    """The per-year, per-procedure numbers behind a low-results flag as a display table
    (Год, Процедура, Результат, Граница нижней четверти, Участников, Ниже минимума, Условие)."""
    procs = details.get("procedures") if isinstance(details, dict) else None
    if not procs:
        return pd.DataFrame()
    d = pd.DataFrame(list(procs))
    if d.empty or "year" not in d:
        return pd.DataFrame()
    d = d.sort_values(["year", "exam"], ascending=[False, True])

    def cond(r: pd.Series) -> str:
        out = []
        if bool(r.get("counts_bottom")):
            out.append("нижняя четверть")
        if bool(r.get("counts_share")):
            out.append("много ниже минимума")
        if bool(r.get("small_n")):
            out.append("мало участников")
        return ", ".join(out) or "—"

    return pd.DataFrame({
        "Год": d["year"].map(lambda y: str(int(y))),
        "Процедура": d["exam"].astype(str),
        "Результат, ст. откл.": d["score"].map(lambda v: _signed(v)),
        "Граница нижней четверти": d["q1"].map(lambda v: _signed(v)) if "q1" in d else "—",
        "Участников": d["participants"].map(lambda n: "—" if fmt.is_missing(n) else fmt.num(int(n)))
        if "participants" in d else "—",
        "Ниже минимума": d["below_share"].map(lambda v: fmt.value(v, "%", 1)) if "below_share" in d else "—",
        "Что выполнено": d.apply(cond, axis=1),
    })


def _signed(v: Any) -> str:
    if fmt.is_missing(v):
        return "—"
    return fmt.num(float(v), 2).replace("-", "−")


# --- rendering -----------------------------------------------------------------------------------------

BOX = {"flag": "error", "warning": "warning", "good": "success"}
PRINT_MARK = {"flag": ":red[■ риск]", "warning": ":orange[■ внимание]", "good": ":green[■ хорошо]"}
MAX_POINTS = 8


def _bullets(items: list[str]) -> str:
    return "\n".join(f"- {p}" for p in items)


def _same_start(a: str, b: str, words: int = 3) -> bool:
    """Do two phrases open with the same words, endings aside («Вышли из числа ШНОР» ~ «Вышла из числа ШНОР»)?"""
    wa = [w[:4] for w in re.findall(r"\w+", a.lower())[:words]]
    wb = [w[:4] for w in re.findall(r"\w+", b.lower())[:words]]
    return len(wa) == words and wa == wb


def reason_markdown(label: str, reason: Reason, years: str = "") -> str:
    """The visible part of a flag: bold label, the lead sentence, the points as bullets."""
    if reason.lead and _same_start(label, reason.lead):
        head = f"**{reason.lead}.**"  # the lead restates the label, more exactly: say it once
    else:
        head = f"**{label}.** {reason.lead}." if reason.lead else f"**{label}.**"
    if years and not all(y in reason.lead for y in years.split(", ")):
        head += f" Годы: {years}."
    body = ""
    pts = reason.points[:MAX_POINTS]
    if pts:
        body = "\n\n" + (f"{reason.points_head}:\n\n" if reason.points_head else "") + _bullets(pts)
        if len(reason.points) > MAX_POINTS:
            body += f"\n- … и ещё {len(reason.points) - MAX_POINTS} (подробнее ниже)"
    return head + body


def reason_block(label: str, text: Any, *, severity: Any = "flag", years: Any = None, details: Any = None,
                 flag: Any = None, key: str = "", printing: bool = False, box: bool = True) -> None:
    """One flag for a person: a coloured box with the label, the lead and the points; the per-year
    numbers and how they are measured in an expander «Числа и правило» (in print: small text).
    `box=False` writes the same as plain text (for a flag inside a school's bordered card)."""
    r = split_reason(text)
    yrs = years_text(years)
    md = reason_markdown(label, r, yrs)
    sev = str(severity)
    table = low_results_table(details) if str(flag) == "low_results" else pd.DataFrame()
    more = r.points[MAX_POINTS:]
    if printing:  # a handout: no expanders; the per-year numbers as a compact table under the claims
        st.markdown(f"{PRINT_MARK.get(sev, '•')} {md}")
        if more:
            st.markdown(_bullets(more))
        if len(table):
            st.table(safe.frame(table), hide_index=True)
        elif r.details:
            st.caption("; ".join(r.details))
        return
    if box:
        getattr(st, BOX.get(sev, "info"))(md)
    else:
        st.markdown(md)
    if r.details or r.notes or len(table) or more:
        with st.expander("Числа и правило", icon=":material/calculate:"):
            if more:
                st.markdown(_bullets(more))
            if len(table):
                st.dataframe(table, hide_index=True, key=f"{key}_low_tbl" if key else None)
            elif r.details:
                st.markdown(_bullets(r.details))
            for n in r.notes:
                st.caption(n)
