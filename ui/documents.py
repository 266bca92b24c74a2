"""Which documents can a page hand out, and how are they downloaded?

The download buttons of the documents in `reports/`: the meeting brief and the
programme progress report on «Обзор», the interview handout on the school card.
Each file is built only when its button is pressed (deferred data), from the
same cached tables the pages show, today's date of the filters and the interview
records; a document that cannot be made says why instead of failing the page.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

import streamlit as st

from metrics.periods import Period, half_year, school_year
from reports.content import Inputs
from ui import data, filters
from ui.tables import file_name

log = logging.getLogger(__name__)
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def inputs() -> Inputs:
    """The store's tables (cached per data version), today and the interview records."""
    store = data.get_store()
    records = store.commitments(with_withdrawn=False) if store is not None else None
    return Inputs(tables=data.tables(), today=filters.today(), commitments=records)


def _safe(make: Callable[[], bytes]) -> Callable[[], bytes]:
    def run() -> bytes:
        try:
            return make()
        except Exception:  # a broken document must not take the page down
            log.exception("document failed")
            if data.strict():
                raise
            return "Документ не удалось сформировать: см. журнал сервера.".encode()
    return run


def download(label: str, make: Callable[[], bytes], name: str, mime: str, key: str, icon: str) -> None:
    st.download_button(label, data=_safe(make), file_name=name, mime=mime, key=key, icon=icon,
                       on_click="ignore")


def _brief(year: int, fmt: str) -> bytes:
    from reports import brief
    from reports.content import brief_content

    content = brief_content(inputs(), year)
    return brief.pdf_bytes(content) if fmt == "pdf" else brief.docx_bytes(content)


def _programme(period: Period, fmt: str) -> bytes:
    from reports import programme
    from reports.content import programme_content

    content = programme_content(inputs(), period)
    return programme.pdf_bytes(content)[0] if fmt == "pdf" else programme.docx_bytes(content)


def _handout(school_id: str, year: int, fmt: str) -> bytes:
    from reports import handout
    from reports.content import handout_content

    content = handout_content(inputs(), school_id, year)
    return handout.pdf_bytes(content) if fmt == "pdf" else handout.docx_bytes(content)


# The document modules (reportlab, python-docx, matplotlib: 0.7 s of imports) are imported when a button is
# pressed, not when a page with the buttons is first drawn.

def brief_buttons(year: int) -> None:
    """The meeting brief as PDF and Word, one click each."""
    c1, c2 = st.columns(2)
    with c1:
        download("Справка к совещанию · PDF", lambda: _brief(year, "pdf"),
                 file_name("справка_к_совещанию", year, ext="pdf"), PDF, "doc_brief_pdf", ":material/picture_as_pdf:")
    with c2:
        download("Справка · Word", lambda: _brief(year, "docx"),
                 file_name("справка_к_совещанию", year, ext="docx"), DOCX, "doc_brief_docx", ":material/description:")


def period_options(today: date, years: list[int]) -> tuple[list[Period], int]:
    """Half-years and school years that have begun, newest first, and the index of the latest one that has ended."""
    out: list[Period] = []
    for y in sorted(set(years) | {today.year}, reverse=True):
        for p in (half_year(y, 2), school_year(y), half_year(y, 1)):
            if p.start <= today:
                out.append(p)
    ended = [i for i, p in enumerate(out) if p.end < today]
    return out, (min(ended, key=lambda i: (today - out[i].end).days) if ended else 0)


def programme_buttons() -> None:
    """The programme progress report for a chosen period, as Word (to edit) and PDF."""
    years = sorted(data.facets()["value_years"] | data.facets()["result_years"])
    options, default = period_options(filters.today(), years)
    c1, c2, c3 = st.columns([2, 1, 1], vertical_alignment="bottom")
    period = c1.selectbox("Отчёт о ходе выполнения программы за период", options, index=default,
                          format_func=lambda p: p.label.capitalize(), key="doc_period")
    if period is None:
        return
    with c2:
        download("Отчёт · Word", lambda: _programme(period, "docx"),
                 file_name("отчёт_о_ходе_программы", period.code, ext="docx"), DOCX, "doc_prog_docx",
                 ":material/description:")
    with c3:
        download("Отчёт · PDF", lambda: _programme(period, "pdf"),
                 file_name("отчёт_о_ходе_программы", period.code, ext="pdf"), PDF, "doc_prog_pdf",
                 ":material/picture_as_pdf:")


def handout_buttons(school_id: str, year: int) -> None:
    """The interview handout of one school (two pages) as PDF and Word."""
    c1, c2 = st.columns(2)
    with c1:
        download("Материалы к собеседованию (PDF, 2 стр.)",
                 lambda: _handout(school_id, year, "pdf"),
                 file_name("собеседование", school_id, year, ext="pdf"), PDF, "doc_handout_pdf",
                 ":material/picture_as_pdf:")
    with c2:
        download("Материалы к собеседованию (Word)",
                 lambda: _handout(school_id, year, "docx"),
                 file_name("собеседование", school_id, year, ext="docx"), DOCX, "doc_handout_docx",
                 ":material/description:")


def print_handout(school_id: str, year: int) -> None:
    """The handout's blocks on screen, exactly as trimmed for its two PDF pages."""
    from reports import handout
    from reports.content import MissingData, handout_content
    from ui.blocks_view import show

    try:
        doc = handout.make(handout_content(inputs(), school_id, year))[0]
    except MissingData as exc:
        st.info(str(exc))
        return
    show(doc.blocks)  # the card's header above already names the school, the year and the date
