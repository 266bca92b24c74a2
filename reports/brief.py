"""The one-page brief the methodologist prints before a meeting of school heads.

Three blocks on one A4 page: what is off plan, which schools are at risk and why,
what is overdue or due within 30 days. `build(content, limits)` lays the content
out with at most `limits` rows per block; `make(content)` tries the fullest
version first and trims the longest block until the PDF is one page, saying how
many rows were left out and where to find them (the dashboard's pages).
"""
from __future__ import annotations

from dataclasses import dataclass

from reports import blocks as B
from reports import charts, pdf, word
from reports.content import (
    COMMITMENT_STATES, STATUS_TONES, VERDICT_TONES, BriefContent, forecast_header, headline,
)
from ui import format as fmt


STRIP_LABELS = {"achieved": "достигнуто", "near": "близко", "missed": "не достигнуто", "no data": "нет данных"}


@dataclass(frozen=True)
class Limits:
    indicators: int
    schools: int
    events: int


def _limits() -> list[Limits]:
    """From everything to a handful per block; the block with the most rows gives up first."""
    out, cur = [], [20, 14, 16]
    while True:
        out.append(Limits(*cur))
        if max(cur) <= 3:
            return out
        i = cur.index(max(cur))
        cur[i] = max(3, cur[i] - 2)


def _more(shown: int, total: int, where: str) -> str:
    return f"Показаны {shown} из {total}; остальные — {where}." if total > shown else ""


def build(c: BriefContent, lim: Limits) -> B.Doc:
    w = B.Doc(title="").text_width_mm
    blocks: list[B.Block] = []
    # 1. off plan ------------------------------------------------------------------------------------------
    blocks.append(B.Heading("1. Что идёт не по плану"))
    judged = sum(c.counts.values())
    if judged:
        blocks.append(B.Image(charts.status_strip(c.counts, STRIP_LABELS, width_mm=w, height_mm=7), w, 7))
        blocks.append(B.Para(
            f"Показатели программы за {c.year} год: достигнуто {c.counts['achieved']}, близко к плану "
            f"{c.counts['near']}, не достигнуто {c.counts['missed']}, нет данных {c.counts['no data']} "
            f"(всего {judged}).", "small"))
        rows = (c.off_plan + c.near_plan)
        shown = rows[:lim.indicators]
        if shown:
            cols = (B.Col("Показатель", 72), B.Col("План", 19, "right"), B.Col("Факт", 16, "right"),
                    B.Col("Откл.", 17, "right"), B.Col("Статус", 25), B.Col(forecast_header(shown), w - 149))
            blocks.append(B.Table(
                cols, tuple((r.name, r.plan, r.fact, r.deviation, r.status_text, r.forecast) for r in shown),
                tones=tuple((None, None, None, None, STATUS_TONES.get(r.status), VERDICT_TONES.get(r.verdict))
                            for r in shown), size=7.5,
                note=_more(len(shown), len(rows), "на странице «Показатели программы»")))
        else:
            blocks.append(B.Para("Все показатели с планом и фактом на уровне плана или выше.", "small", tone="good"))
    else:
        blocks.append(B.Para(f"За {c.year} год нет ни плана, ни факта по показателям программы.", "small"))
    # 2. schools at risk -------------------------------------------------------------------------------------
    blocks.append(B.Heading("2. Школы в зоне риска и почему"))
    if c.schools:
        shown_s = c.schools[:lim.schools]
        rows_s = []
        for school, flags in shown_s:
            why = "\n".join(f"{fmt.flag_short(f.flag)}: {headline(f.explanation)}" for f in flags)
            rows_s.append((school, ", ".join(fmt.flag_short(f.flag) for f in flags), why))
        blocks.append(B.Table((B.Col("Школа", 32), B.Col("Флаги", 34), B.Col("Почему (главное)", w - 66)),
                              tuple(rows_s), size=7.5,
                              note=_more(len(shown_s), len(c.schools), "на странице «Школы в зоне риска»")))
    else:
        blocks.append(B.Para(f"За {c.year} год ни одна школа не отмечена флагом риска.", "small", tone="good"))
    # 3. overdue and due soon ------------------------------------------------------------------------------
    blocks.append(B.Heading("3. Просрочено и срок в ближайшие 30 дней"))
    events = c.overdue + c.due_soon
    if events:
        shown_e = events[:lim.events]
        blocks.append(B.Table(
            (B.Col("№", 12), B.Col("Мероприятие", 82), B.Col("Срок", 19, "right"), B.Col("Состояние", 35),
             B.Col("Ответственные", w - 148)),
            tuple((e.number, e.title, e.date, e.detail, e.responsible) for e in shown_e),
            tones=tuple((None, None, None, "bad" if e.state == "overdue" else "info", None) for e in shown_e),
            size=7.5, note=_more(len(shown_e), len(events), "на странице «Мероприятия»")))
    else:
        blocks.append(B.Para("Просроченных мероприятий нет, и в ближайшие 30 дней контрольных сроков нет.", "small",
                             tone="good"))
    oc = c.overdue_commitments
    if oc is not None and len(oc):
        blocks.append(B.Para(f"Просрочены договорённости собеседований: {len(oc)} "
                             f"({COMMITMENT_STATES['overdue']} с {fmt.date_ru(oc['due'].min())}) — список на странице "
                             "«Договорённости».", "small", tone="bad"))
    return B.Doc(title="Справка к совещанию руководителей",
                 subtitle=f"{fmt.year_label(c.year).capitalize()} · весь район · данные на {fmt.date_ru(c.on_date)}",
                 blocks=blocks, footer=f"Справка к совещанию · сформирована {fmt.date_ru(c.on_date)}")


def make(c: BriefContent) -> tuple[B.Doc, bytes, int]:
    """The brief trimmed to one page: (document, PDF bytes, pages)."""
    return pdf.fit(lambda lim: build(c, lim), _limits(), max_pages=1)


def pdf_bytes(c: BriefContent) -> bytes:
    return make(c)[1]


def docx_bytes(c: BriefContent) -> bytes:
    """The same content as the one-page PDF (same rows), as Word."""
    return word.render(make(c)[0])
