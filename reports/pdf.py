"""How does a document become a PDF?

`render(doc) -> (bytes, pages)` lays the blocks of `reports.blocks` out on A4 with
reportlab's Platypus: DejaVu Sans (shipped inside matplotlib's package data)
embedded as a subset so Cyrillic prints anywhere, headings kept with what follows,
tables whose header repeats on a new page, a footer with the document's name and
«стр. N из M». Every text is escaped before it reaches reportlab's paragraph
parser: a school name like «<b>» or «&» prints as written.

`fit(build, limits)` renders `build(limit)` for each limit in turn (most content
first) and returns the first that fits in the allowed pages: the one-page brief
and the two-page handout trim their longest lists, saying how many were left out,
instead of spilling onto another page or shrinking the type.
"""
from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    CondPageBreak, Flowable, Image as RLImage, PageBreak as RLPageBreak, Paragraph,
    BaseDocTemplate, Frame, PageTemplate, Spacer as RLSpacer, Table as RLTable, TableStyle,
)

from reports import blocks as B

FONT = "DejaVuSans"
INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#5f6b7a")
RULE = colors.HexColor("#b8c2cc")
ACCENT = colors.HexColor("#1f4e79")


@lru_cache(maxsize=1)
def register_fonts() -> str:
    """Register DejaVu Sans (regular, bold, italic) from matplotlib's data folder; return the family name."""
    import matplotlib

    folder = os.path.join(matplotlib.get_data_path(), "fonts", "ttf")
    faces = {FONT: "DejaVuSans.ttf", f"{FONT}-Bold": "DejaVuSans-Bold.ttf",
             f"{FONT}-Oblique": "DejaVuSans-Oblique.ttf", f"{FONT}-BoldOblique": "DejaVuSans-BoldOblique.ttf"}
    for name, file in faces.items():
        pdfmetrics.registerFont(TTFont(name, os.path.join(folder, file)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=f"{FONT}-Bold", italic=f"{FONT}-Oblique",
                                  boldItalic=f"{FONT}-BoldOblique")
    return FONT


def _style(name: str, size: float, leading: float | None = None, **kw: Any) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=kw.pop("font", FONT), fontSize=size, leading=leading or size * 1.25,
                          textColor=kw.pop("color", INK), **kw)


@lru_cache(maxsize=1)
def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    return {
        "title": _style("title", 15, 18.5, font=f"{FONT}-Bold", color=ACCENT, spaceAfter=2),
        "subtitle": _style("subtitle", 9.5, 12, color=MUTED, spaceAfter=4),
        "h1": _style("h1", 11.5, 14, font=f"{FONT}-Bold", color=ACCENT, spaceBefore=7, spaceAfter=3),
        "h2": _style("h2", 9.5, 12, font=f"{FONT}-Bold", spaceBefore=5, spaceAfter=2),
        "body": _style("body", 9, 11.6, spaceAfter=3),
        "lead": _style("lead", 10, 13, spaceAfter=4),
        "small": _style("small", 8, 10, spaceAfter=2),
        "note": _style("note", 7.5, 9.4, color=MUTED, spaceAfter=2),
        "cover_title": _style("cover_title", 20, 25, font=f"{FONT}-Bold", color=ACCENT, alignment=TA_CENTER,
                              spaceAfter=10),
        "cover": _style("cover", 12, 16, alignment=TA_CENTER, spaceAfter=6),
        "cover_small": _style("cover_small", 10, 13, alignment=TA_CENTER, color=MUTED),
    }


def _text(s: Any) -> str:
    """Plain text made safe for reportlab's paragraph markup (line breaks kept)."""
    return escape(str(s)).replace("\n", "<br/>")


def _para(text: str, style: ParagraphStyle, bold_prefix: str = "") -> Paragraph:
    head = f"<b>{_text(bold_prefix)}</b>" if bold_prefix else ""
    return Paragraph(head + _text(text), style)


def _cell_style(size: float, align: str, bold: bool = False) -> ParagraphStyle:
    return _cell_styles(round(size * 2) / 2, align, bold)


@lru_cache(maxsize=64)
def _cell_styles(size: float, align: str, bold: bool) -> ParagraphStyle:
    al = {"right": TA_RIGHT, "center": TA_CENTER}.get(align, TA_LEFT)
    return _style(f"cell{size}{align}{bold}", size, size * 1.2, alignment=al,
                  font=f"{FONT}-Bold" if bold else FONT)


def _table(t: B.Table) -> RLTable:
    register_fonts()
    header = [Paragraph(_text(c.label), _cell_style(t.size - 0.5, c.align, bold=True)) for c in t.columns]
    body = []
    for i, row in enumerate(t.rows):
        bold = i in t.bold_rows
        if i in t.span_rows:
            body.append([Paragraph(_text(row[0]), _cell_style(t.size, "left", True))] + [""] * (len(t.columns) - 1))
            continue
        body.append([Paragraph(_text(v), _cell_style(t.size, c.align, bold)) for v, c in zip(row, t.columns)])
    # splitInRow: a row taller than a page (a list of hundreds of schools) continues on the next page
    table = RLTable([header, *body], colWidths=[c.width_mm * mm for c in t.columns], repeatRows=1,
                    hAlign="LEFT", splitInRow=1)
    cmds: list[tuple] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(B.TONES["head"])),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 1.6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.0),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.6),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.6),
    ]
    for i in t.span_rows:
        cmds += [("SPAN", (0, i + 1), (-1, i + 1)), ("BACKGROUND", (0, i + 1), (-1, i + 1), colors.HexColor("#f3f5f8"))]
    for i, tones in enumerate(t.tones or ()):
        for j, tone in enumerate(tones):
            if tone:
                cmds.append(("BACKGROUND", (j, i + 1), (j, i + 1), colors.HexColor(B.TONES[tone])))
    table.setStyle(TableStyle(cmds))
    return table


def _boxed(p: Paragraph, tone: str, width: float) -> RLTable:
    box = RLTable([[p]], colWidths=[width])
    box.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(B.TONES[tone])),
                             ("LEFTPADDING", (0, 0), (-1, -1), 5), ("RIGHTPADDING", (0, 0), (-1, -1), 5),
                             ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    return box


def _lines(b: B.Lines, width: float) -> list[Flowable]:
    st = styles()
    rows = [[""] for _ in range(b.count)]
    t = RLTable(rows, colWidths=[width], rowHeights=[7.5 * mm] * b.count)
    t.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE)]))
    out: list[Flowable] = [t]
    if b.label:
        out.insert(0, Paragraph(_text(b.label), st["small"]))
    return out


def flowables(items: Iterable[B.Block], width_mm: float) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = []
    for b in items:
        if isinstance(b, B.Heading):
            # a heading never ends a page: a new page unless there is room for it and a few lines under it
            out.append(CondPageBreak((30 if b.level == 1 else 18) * mm))
            out.append(Paragraph(_text(b.text), st["h1" if b.level == 1 else "h2"]))
        elif isinstance(b, B.Para):
            p = _para(b.text, st.get(b.style, st["body"]), b.bold_prefix)
            out += [_boxed(p, b.tone, width_mm * mm), RLSpacer(1, 2)] if b.tone else [p]
        elif isinstance(b, B.Bullets):
            style = st.get(b.style, st["body"])
            bullet = ParagraphStyle(f"bullet_{style.name}", parent=style, leftIndent=9, bulletIndent=1,
                                    spaceAfter=1.2)
            out += [Paragraph(_text(item), bullet, bulletText="•") for item in b.items]
            out.append(RLSpacer(1, 2))
        elif isinstance(b, B.Table):
            out.append(_table(b))
            if b.note:
                out.append(Paragraph(_text(b.note), st["note"]))
            out.append(RLSpacer(1, 3))
        elif isinstance(b, B.Image):
            img = RLImage(io.BytesIO(b.png), width=b.width_mm * mm, height=b.height_mm * mm)
            img.hAlign = "LEFT"
            out.append(img)
            if b.caption:
                out.append(Paragraph(_text(b.caption), st["note"]))
        elif isinstance(b, B.Columns):
            right_mm = width_mm - b.left_mm - b.gap_mm
            grid = RLTable([[flowables(b.left, b.left_mm), "", flowables(b.right, right_mm)]],
                           colWidths=[b.left_mm * mm, b.gap_mm * mm, right_mm * mm], hAlign="LEFT")
            grid.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                      ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
                                      ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
            out.append(grid)
        elif isinstance(b, B.Lines):
            out += _lines(b, width_mm * mm)
        elif isinstance(b, B.PageBreak):
            out.append(RLPageBreak())
        elif isinstance(b, B.Spacer):
            out.append(RLSpacer(1, b.mm * mm))
        else:  # pragma: no cover - a new block type without a renderer
            raise TypeError(f"unknown block {type(b).__name__}")
    return out


def _numbered_canvas(footer: str) -> type:
    """A canvas that writes «footer · стр. N из M» on every page once the page count is known."""

    class NumberedCanvas(rl_canvas.Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._footer(total)
                super().showPage()
            super().save()

        def _footer(self, total: int) -> None:
            self.saveState()
            self.setFont(FONT, 7)
            self.setFillColor(MUTED)
            y = 8 * mm
            if footer:
                self.drawString(15 * mm, y, footer[:150])
            self.drawRightString(A4[0] - 15 * mm, y, f"стр. {self._pageNumber} из {total}")
            self.restoreState()

    return NumberedCanvas


def render(doc: B.Doc) -> tuple[bytes, int]:
    """The document as PDF bytes and its number of pages."""
    register_fonts()
    st = styles()
    buf = io.BytesIO()
    left, top, right, bottom = doc.margins_mm
    tpl = BaseDocTemplate(buf, pagesize=A4, leftMargin=left * mm, rightMargin=right * mm, topMargin=top * mm,
                          bottomMargin=bottom * mm, title=doc.title, author="Панель мониторинга качества образования",
                          subject=doc.subtitle, creator="reports (reportlab)")
    # no frame padding: a table as wide as the text is exactly as wide as the text
    frame = Frame(tpl.leftMargin, tpl.bottomMargin, tpl.width, tpl.height, leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0, id="text")
    tpl.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    story: list[Flowable] = []
    if doc.title_page:
        story += [RLSpacer(1, 70 * mm), Paragraph(_text(doc.title), st["cover_title"])]
        if doc.subtitle:
            story.append(Paragraph(_text(doc.subtitle), st["cover"]))
        story.append(RLSpacer(1, 20 * mm))
        story += [Paragraph(_text(line), st["cover_small"]) for line in doc.title_lines]
        story.append(RLPageBreak())
    else:
        story.append(Paragraph(_text(doc.title), st["title"]))
        if doc.subtitle:
            story.append(Paragraph(_text(doc.subtitle), st["subtitle"]))
    story += flowables(doc.blocks, doc.text_width_mm)
    tpl.build(story, canvasmaker=_numbered_canvas(doc.footer))
    data = buf.getvalue()
    return data, int(tpl.page)


def fit(build: Callable[[Any], B.Doc], limits: Iterable[Any], max_pages: int) -> tuple[B.Doc, bytes, int]:
    """The first `build(limit)` whose PDF has at most `max_pages` pages (the last one when none fits)."""
    result = None
    for limit in limits:
        doc = build(limit)
        data, pages = render(doc)
        result = (doc, data, pages)
        if pages <= max_pages:
            break
    assert result is not None, "fit() needs at least one limit"
    return result
