"""What does «Обзор» answer before anyone scrolls?

The three questions of a meeting, as three tight blocks side by side at 1366×768 — each a count in
large figures, at most `MAX_LINES` lines, and a link on to the page with the rest («ещё N»):

- `programme_block(year)`: how many programme indicators are off plan (status «не достигнут» of
  `metrics.plan_vs_fact`, district rows), and which — worst first, with the deviation from plan
  («+0,4 п. п.»);
- `risk_block(year, chosen)`: which schools give cause for concern (`metrics.concerns.school_concerns`
  over the risk flags and the objectivity summary), heaviest first — persistent ШНОР, then repeated
  signs of inflated ВПР marks, then the rest — each with its one-line reason and a link to its card;
- `deadlines_block(on_date)`: which events are overdue and which are due within 30 days
  (`metrics.roadmap_progress`, `metrics.events_due`).

Absent data is said in the block, in words. Names from files are escaped (`ui.safe.md`). The pure
helpers (`deviation_text`, `short_name`, `concern_line`) are what the tests check; which indicators
are off plan and which events make the block are `metrics.plan_fact.off_plan` and
`metrics.roadmap.deadline_lines`.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any

import streamlit as st

from metrics.concerns import min_fail_schools, school_concerns
from metrics.plan_fact import off_plan
from metrics.roadmap import deadline_lines
from metrics.explain import plural
from ui import data, filters, safe
from ui import format as fmt
from ui.reasons import headline

MAX_LINES = 5        # lines per block; the rest behind «ещё N»
MAX_OVERDUE = 3      # of which overdue events at most (the due-soon ones keep their place)
NAME_LIMIT = 90      # characters of an indicator name on the first screen (the full name on its page)
TITLE_LIMIT = 60     # characters of an event title

# Our own constant CSS, scoped to the three blocks (their containers' keys start with «first_»): tighter lines
# and gaps, smaller headline figures, so three questions fit above the fold at 1366×768.
CSS = """<style>
[class*="st-key-first_"] [data-testid="stVerticalBlock"] { gap: 0.4rem; }
[class*="st-key-first_"] [data-testid="stMarkdownContainer"] p,
[class*="st-key-first_"] [data-testid="stMarkdownContainer"] li { font-size: 0.875rem; line-height: 1.35; }
[class*="st-key-first_"] [data-testid="stMarkdownContainer"] ul { margin: 0; padding-left: 1.1rem; }
[class*="st-key-first_"] [data-testid="stMarkdownContainer"] li { margin: 0 0 0.3rem 0; }
[class*="st-key-first_"] [data-testid="stMetricValue"],
[class*="st-key-first_"] [data-testid="stMetricValue"] [data-testid="stMarkdownContainer"] p { font-size: 2rem; line-height: 1.15; }
[class*="st-key-first_"] [data-testid="stPageLink"] a { padding-top: 0.1rem; padding-bottom: 0.1rem;
  align-items: flex-start; height: auto; }
[class*="st-key-first_"] [data-testid="stPageLink"] a > span:last-child,
[class*="st-key-first_"] [data-testid="stPageLink"] a p { white-space: normal; overflow: visible; line-height: 1.35;
  font-size: 0.875rem; }
[class*="st-key-first_"] [data-testid="stPageLink"] a > span:first-child { margin-top: 0.1rem; }
[class*="st-key-first_"] [data-testid="stCaptionContainer"] p { line-height: 1.35; }
</style>"""

# the one-line reason starts with the concern when the explanation's headline does not name it
PREFIX = {"stable_low": "ШНОР не первый год", "low_results": "ШНОР"}


# --- pure helpers -------------------------------------------------------------------------------------

def short_name(name: Any, limit: int = NAME_LIMIT) -> str:
    """An indicator's or event's name for a short line: the unit tail («…, %», «…, шт.») dropped — the deviation
    carries the unit — and cut at a word with «…» beyond `limit` characters."""
    text = " ".join(str(name or "").split())
    text = re.sub(r",\s*(%|шт\.?|чел\.?|ед\.?|балл(а|ов)?)\s*$", "", text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:—- ")
    return cut + "…"


def deviation_text(deviation: Any, unit: Any, fact: Any = None) -> str:
    """Fact minus plan in the indicator's unit: «+0,4 п. п.» for a share, «−0,14» for a mark, «−1 шт.» for a count."""
    u = None if fmt.is_missing(unit) else str(unit)
    if fmt.is_missing(deviation):
        return "—"
    digits = fmt.digits_for(u, fact if not fmt.is_missing(fact) else deviation)
    text = fmt.change(deviation, u, digits)
    if u and u.strip() not in ("%",) and u.strip().lower() in ("шт.", "шт", "чел.", "чел", "ед.", "ед"):
        text += f"{fmt.NBSP}{u.strip()}"
    return text


def concern_line(concern: str, explanation: Any) -> str:
    """The one-line reason of a school's heaviest concern: the explanation's headline, led by «ШНОР …» where the
    headline does not say it (plain text; the headline's numbers are ours, its names already in the template)."""
    head = headline(explanation).rstrip(".")
    prefix = PREFIX.get(concern)
    if not prefix:
        return head
    if len(head) > 1 and head[0].isupper() and head[1].islower():
        head = head[0].lower() + head[1:]
    return f"{prefix}: {head}" if head else prefix


# --- rendering ----------------------------------------------------------------------------------------

def _more_link(page: str, rest: int, everything: str, icon: str, **overrides: Any) -> None:
    label = f"ещё {rest} — {everything[0].lower()}{everything[1:]}" if rest > 0 else everything
    filters.page_link_with_filters(page, label, icon=icon, **overrides)


def _not_loaded(metric: str, missing: str) -> None:
    """A block whose data is not loaded: its figure as «—», what is missing, and where to load it."""
    st.metric(metric, "—")
    st.caption(missing)
    filters.page_link_with_filters("pages/data.py", "Загрузить на странице «Данные»", icon=":material/upload:")


def _lines(items: list[str]) -> None:
    if items:
        st.markdown("\n".join(f"- {t}" for t in items))


def programme_block(year: int) -> None:
    """How many programme indicators are off plan this year, and which."""
    st.markdown("**:material/monitoring: Программа**")
    if not data.has("indicators", "values"):
        _not_loaded("Показатели вне плана", "Показатели программы не загружены.")
        return
    pvf = data.plan_vs_fact(year)
    district = pvf[pvf["school_id"].isna()] if len(pvf) else pvf
    judged = district[district["status"] != "no data"] if len(district) else district
    if judged.empty:
        st.metric("Показатели вне плана", "—")
        st.caption(f"За {fmt.year_label(year)} нет пар «план — факт» по району.")
    else:
        off = off_plan(district)
        near = int((judged["status"] == "near").sum())
        st.metric("Показатели вне плана", fmt.num(len(off)))
        st.caption(f"из {len(judged)} с планом и фактом" + (f" · близко к плану: {near}" if near else ""))
        _lines([f":red[**{deviation_text(r['deviation'], r['unit'], r['fact'])}**] {safe.md(short_name(r['name']))}"
                for r in off.head(MAX_LINES).to_dict("records")])
        if off.empty:
            st.caption("Все показатели с данными — на плане или близко к нему.")
    rest = len(off) - MAX_LINES if not judged.empty else 0
    _more_link("pages/indicators.py", rest, "Все показатели программы", ":material/arrow_forward:")


def risk_block(year: int, chosen: str | None = None) -> None:
    """Which schools give cause for concern, heaviest first, each with its one-line reason and a link to its card."""
    st.markdown("**:material/warning: Школы в зоне риска**")
    if not data.has("results"):
        _not_loaded("Школы с поводом для внимания",
                    "Результаты оценочных процедур не загружены — отметить школы не по чему.")
        return
    flags = data.risk_flags(year)
    concerns = school_concerns(flags, data.objectivity_summary(year))
    names = data.school_names()
    social = int(flags.loc[flags["flag"] == "social", "school_id"].nunique()) if len(flags) else 0
    below_min = min_fail_schools(flags)
    st.metric("Школы с поводом для внимания", fmt.num(len(concerns)),
              help="По весу: сначала ШНОР не первый год, затем повторяющиеся признаки необъективности ВПР, затем "
                   "ШНОР этого года, результаты ниже ожидаемого, признак необъективности этого года. Выпускники ниже "
                   "минимума — это счёт, а не сравнение школ, а сложные социальные условия (ШНСУ) — описание "
                   "условий, а не оценка работы школы: их школы названы отдельно.")
    apart = [f"ШНСУ (условия, не оценка): {social}"] if social else []
    if below_min:
        apart.append(f"есть выпускники ниже минимума ГИА: {below_min}")
    if apart:
        st.caption("Кроме них, " + "; ".join(apart))
    if concerns.empty:
        st.caption(f"За {fmt.year_label(year)} ни одна школа не отмечена.")
    for r in concerns.head(MAX_LINES).to_dict("records"):  # one clickable line per school: name, then why
        sid = str(r["school_id"])
        mark = " (выбрана)" if chosen is not None and sid == str(chosen) else ""
        label = f"**{safe.md(names.get(sid, sid))}**{mark} — {safe.md(concern_line(r['concern'], r['explanation']))}"
        filters.page_link_with_filters("pages/school.py", label, icon=":material/apartment:", school=sid)
    _more_link("pages/risk.py", len(concerns) - MAX_LINES, "Все школы и причины", ":material/arrow_forward:",
               school=None)


def deadlines_block(on_date: date) -> None:
    """What is overdue, and what is due within 30 days."""
    st.markdown("**:material/event_note: Мероприятия**")
    if not data.has("events"):
        _not_loaded("Просрочено", "План мероприятий не загружен.")
        return
    progress = data.roadmap_progress(on_date)
    due = data.events_due(on_date, 30)
    n_over = int((progress["state"] == "overdue").sum()) if len(progress) else 0
    c1, c2 = st.columns(2)
    c1.metric("Просрочено", fmt.num(n_over))
    c2.metric("Срок в 30 дней", fmt.num(len(due)))
    lines, total = deadline_lines(progress, due, MAX_LINES, MAX_OVERDUE)
    items = []
    for x in lines:
        when = fmt.date_ru(x["date"])
        if x["kind"] == "overdue":
            k = x["n_missed"]
            tail = f"срок {when} прошёл" if k <= 1 else f"пропущено {k} {plural(k, 'срок', 'срока', 'сроков')}"
            nxt = f"; следующий — до {fmt.date_ru(x['next'])}" if x.get("next") is not None else ""
            items.append(f":red[**{safe.md(x['number'])}**] {safe.md(short_name(x['title'], TITLE_LIMIT))} — "
                         f":red[{tail}]{nxt}")
        else:
            items.append(f":orange[**{safe.md(x['number'])}**] {safe.md(short_name(x['title'], TITLE_LIMIT))} — "
                         f"до {when}")
    _lines(items)
    if not lines:
        st.caption(f"На {fmt.date_ru(on_date)} просроченных нет, и в ближайшие 30 дней контрольных сроков нет.")
    _more_link("pages/events.py", total - len(lines), "Весь план мероприятий", ":material/arrow_forward:")


def first_screen(year: int, on_date: date, chosen: str | None = None) -> None:
    """The three blocks side by side, each in its own bordered box; a failing block says so and the others stay."""
    st.html(CSS)
    for col, (title, block, args) in zip(st.columns([1.15, 1.15, 1], gap="small"), (
            ("Программа", programme_block, (year,)),
            ("Школы в зоне риска", risk_block, (year, chosen)),
            ("Мероприятия", deadlines_block, (on_date,)))):
        with col, st.container(border=True, key=f"first_{block.__name__}"), data.guard(title):
            block(*args)
