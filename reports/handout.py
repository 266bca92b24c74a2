"""The interview handout for one school: at most two A4 pages, page breaks by design.

Page 1 — why the school is talked about: its flags with their reasons, its key
results against the district with 95 % intervals (a compact table beside a small
chart), ВПР in two lines. Page 2 — what was planned and promised: the school's
programme indicators, its events, the commitments from the last interview with
their state, and ruled lines for what is agreed today.

`build(content, limits)` lays it out; `make(content)` trims the longest lists
(never the flags' headlines) until page 1 and page 2 each fit on one page. The
school card's print view renders the same blocks (`ui.handout_view`).
"""
from __future__ import annotations

from dataclasses import dataclass

from reports import blocks as B
from reports import charts, pdf, word
from reports.content import (
    COMMITMENT_STATES, COMMITMENT_TONES, MARK_SCALE, STATUS_TONES, VERDICT_TEXT, VERDICT_TONES, HandoutContent,
    ResultLine,
    forecast_header, headline, points,
)
from ui import format as fmt

SEVERITY_TONES = {"flag": "bad", "warning": "near", "good": "good"}
RESULT_TONES = {"below": "bad", "above": "good", "small": "none", "same": None}


@dataclass(frozen=True)
class Limits:
    flag_points: int
    results: int
    indicators: int
    events: int
    commitments: int
    lines: int


FULL = Limits(flag_points=3, results=24, indicators=14, events=10, commitments=10, lines=7)
FLOORS = Limits(flag_points=0, results=6, indicators=4, events=3, commitments=4, lines=4)
PAGE_FIELDS = {1: ("flag_points", "results"), 2: ("indicators", "events", "commitments", "lines")}


def _limits(page: int, start: Limits = FULL) -> list[Limits]:
    """Ever tighter limits for one page's lists (the others as in `start`), the one with most room first."""
    out, cur = [start], dict(start.__dict__)
    fields = PAGE_FIELDS[page]
    while True:
        room = {f: cur[f] - getattr(FLOORS, f) for f in fields}
        f = max(room, key=room.get)
        if room[f] <= 0:
            return out
        cur[f] = max(getattr(FLOORS, f), cur[f] - (1 if f in ("flag_points", "lines") else 2))
        out.append(Limits(**cur))


def _mean(r: ResultLine) -> str:
    return fmt.value(r.mean, None, r.digits)


def _interval(r: ResultLine) -> str:
    if r.low is None or r.high is None:
        return "—"
    return f"{fmt.num(r.low, r.digits)}–{fmt.num(r.high, r.digits)}"


def _label(r: ResultLine) -> str:
    return f"{r.exam}, {r.subject}" + (f", {r.grade} кл." if r.exam == "ВПР" and r.grade else "")


SHORT_SUBJECTS = {"Математика (базовая)": "Математика баз.", "Математика (профильная)": "Математика проф.",
                  "Окружающий мир": "Окруж. мир", "Обществознание": "Общество"}


def _short(r: ResultLine) -> str:
    """A chart label: «ЕГЭ Математика проф.», «ВПР Русский язык 7»."""
    return f"{r.exam} {SHORT_SUBJECTS.get(r.subject, r.subject)}" + (f" {r.grade}" if r.exam == "ВПР" and r.grade else "")


def _results_block(c: HandoutContent, limit: int, width: float) -> list[B.Block]:
    rows = (c.gia + c.other)
    if not rows:
        return [B.Para(f"Результатов ГИА за {fmt.year_label(c.year)} нет; значимых отличий от района по другим "
                       "процедурам нет." if c.results else "Результатов оценочных процедур за этот год нет.", "small")]
    shown = rows[:limit]
    table = B.Table(
        (B.Col("Процедура, предмет", 35), B.Col("Уч.", 8, "right"), B.Col("Школа", 13, "right"),
         B.Col("95 % интервал", 19, "right"), B.Col("Район", 11, "right"), B.Col("Вывод", 31)),
        tuple((_label(r), str(r.n), _mean(r), _interval(r), fmt.value(r.district, None, r.digits),
               VERDICT_TEXT[r.verdict]) for r in shown),
        tones=tuple((None, None, None, None, None, RESULT_TONES[r.verdict]) for r in shown), size=7,
        note=(f"Показаны {len(shown)} из {len(rows)}; все результаты — в карточке школы." if len(rows) > len(shown)
              else "ГИА — обязательные предметы и значимые отличия; прочие процедуры — только значимые отличия."))
    left = 117.0
    panels = [("Средний балл (100-балльная шкала)", [r for r in shown if r.mean > MARK_SCALE]),
              ("Средняя отметка (2–5)", [r for r in shown if r.mean <= MARK_SCALE])]
    dots = [(t, [charts.ResultDot(_short(r), r.mean, r.low, r.high, r.district, r.verdict) for r in rs])
            for t, rs in panels]
    chart_w = width - left - 4
    png, h = charts.results_chart(dots, width_mm=chart_w)
    return [B.Columns((table,), (B.Image(png, chart_w, h),), left_mm=left, gap_mm=4)]


def _flags_block(c: HandoutContent, n_points: int) -> list[B.Block]:
    if not c.flags:
        return [B.Para(f"За {fmt.year_label(c.year)} флагов риска нет.", "body", tone="good")]
    out: list[B.Block] = []
    for f in c.flags:
        out.append(B.Para(headline(f.explanation) + ".", "small", bold_prefix=f"{f.label}. ",
                          tone=SEVERITY_TONES.get(f.severity, "none")))
        pts = points(f.explanation, n_points)
        if pts:
            out.append(B.Bullets(tuple(pts), "note"))
    return out


def _vpr_block(c: HandoutContent) -> list[B.Block]:
    if not c.vpr_works:
        return []
    below = sum(1 for r in c.results if r.exam == "ВПР" and r.verdict == "below")
    above = sum(1 for r in c.results if r.exam == "ВПР" and r.verdict == "above")
    text = (f"ВПР: {fmt.works(c.vpr_works)}; значимо ниже района — {below}, значимо выше — {above} "
            "(ВПР — диагностика, не рейтинг).")
    if c.objectivity:
        o = c.objectivity
        text += (f" Признаки необъективности: {o.flagged} из {o.works} работ, школа отмечалась в {o.years_flagged} "
                 f"из последних 3 лет; что видно: {o.signs}.")
    else:
        text += " Признаков необъективности оценивания нет."
    return [B.Para(text, "small", tone="near" if c.objectivity else None)]


def build(c: HandoutContent, lim: Limits, page: int | None = None) -> B.Doc:
    """Both pages (page None), or only page 1 or page 2 (to fit each on its own)."""
    w = B.Doc(title="").text_width_mm
    blocks: list[B.Block] = [B.Heading("Флаги и причины")]
    blocks += _flags_block(c, lim.flag_points)
    blocks.append(B.Heading("Ключевые результаты в сравнении с районом"))
    blocks += _results_block(c, lim.results, w)
    blocks += _vpr_block(c)
    if page == 1:
        return _doc(c, blocks)
    blocks = [] if page == 2 else [*blocks, B.PageBreak()]
    # page 2 ---------------------------------------------------------------------------------------------------
    blocks.append(B.Heading("Показатели программы по школе"))
    if c.indicators:
        shown = c.indicators[:lim.indicators]
        blocks.append(B.Table(
            (B.Col("Показатель", 72), B.Col("План", 19, "right"), B.Col("Факт", 17, "right"),
             B.Col("Откл.", 17, "right"), B.Col("Статус", 24), B.Col(forecast_header(shown), w - 149)),
            tuple((r.name, r.plan, r.fact, r.deviation, r.status_text, r.forecast) for r in shown),
            tones=tuple((None, None, None, None, STATUS_TONES.get(r.status), VERDICT_TONES.get(r.verdict))
                        for r in shown), size=7.5,
            note=f"Показаны {len(shown)} из {len(c.indicators)}." if len(c.indicators) > len(shown) else ""))
    else:
        blocks.append(B.Para(f"Школьных значений показателей программы за {c.year} год нет.", "small"))
    blocks.append(B.Heading("Мероприятия школы"))
    if c.events:
        shown_e = c.events[:lim.events]
        blocks.append(B.Table(
            (B.Col("№", 12), B.Col("Мероприятие", 92), B.Col("Состояние", 26), B.Col("Дата", 19, "right"),
             B.Col("Ответственные", w - 149)),
            tuple((e["number"], e["title"], e["state_text"], e["date"], e["responsible"]) for e in shown_e),
            tones=tuple((None, None, {"overdue": "bad", "done": "good"}.get(e["state"]), None, None) for e in shown_e),
            size=7.5, note=f"Показаны {len(shown_e)} из {len(c.events)}." if len(c.events) > len(shown_e) else ""))
    else:
        blocks.append(B.Para("В плане мероприятий школа исполнителем не указана.", "small"))
    title = "Договорённости прошлого собеседования" + (f" ({c.last_interview})" if c.last_interview else "")
    blocks.append(B.Heading(title))
    cm = c.commitments
    if cm is not None and len(cm):
        shown_c = cm.head(lim.commitments)
        blocks.append(B.Table(
            (B.Col("Что", 92), B.Col("Кто", 42), B.Col("Срок", 19, "right"), B.Col("Состояние", w - 153)),
            tuple((str(r["what"]), str(r["who"]), fmt.date_ru(r["due"]), _state_text(r)) for r in shown_c.to_dict("records")),
            tones=tuple((None, None, None, COMMITMENT_TONES.get(s)) for s in shown_c["state"]), size=7.5,
            note=f"Показаны {len(shown_c)} из {len(cm)}; все — на странице «Договорённости»." if len(cm) > len(shown_c)
            else ""))
    else:
        blocks.append(B.Para("Записанных договорённостей с прошлых собеседований нет.", "small"))
    blocks.append(B.Heading("Договорились сегодня (что, кто, к какому сроку)"))
    blocks.append(B.Lines(lim.lines))
    return _doc(c, blocks, with_title=page != 2)


def _doc(c: HandoutContent, blocks: list[B.Block], with_title: bool = True) -> B.Doc:
    subtitle = " · ".join(x for x in (c.full_name, fmt.year_label(c.year), f"к собеседованию, данные на "
                                      f"{fmt.date_ru(c.on_date)}") if x)
    if not with_title:  # page 2 measured alone: the title is printed on page 1 only
        return B.Doc(title="", blocks=blocks)
    return B.Doc(title=c.school, subtitle=subtitle, blocks=blocks,
                 footer=f"{c.school} · материалы к собеседованию · {fmt.date_ru(c.on_date)}")


def _state_text(r: dict) -> str:
    text = COMMITMENT_STATES.get(str(r["state"]), str(r["state"]))
    if r["state"] == "done" and not fmt.is_missing(r.get("done_on")):
        return f"{text} {fmt.date_ru(r['done_on'])}"
    return text


def _fit_page(c: HandoutContent, page: int, start: Limits) -> Limits:
    """The fullest limits whose `page` alone fits on one A4 page."""
    lim = start
    for lim in _limits(page, start):
        if pdf.render(build(c, lim, page))[1] <= 1:
            break
    return lim


def make(c: HandoutContent) -> tuple[B.Doc, bytes, int]:
    """The handout with each page trimmed on its own until it fits: (document, PDF bytes, pages)."""
    lim = _fit_page(c, 2, _fit_page(c, 1, FULL))
    doc = build(c, lim)
    data, pages = pdf.render(doc)
    return doc, data, pages


def pdf_bytes(c: HandoutContent) -> bytes:
    return make(c)[1]


def docx_bytes(c: HandoutContent) -> bytes:
    return word.render(make(c)[0])
