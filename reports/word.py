"""How does a document become a Word file the methodologist can edit?

`render(doc) -> bytes` writes the blocks of `reports.blocks` with python-docx:
A4 with the document's margins, Arial (Liberation Sans where Arial is missing —
the same widths), real Word headings (the navigation pane and a table of contents
work), tables with a repeating shaded header row and fixed column widths, the same
cell tones as the PDF, pictures at the same size, the page number in the footer.
Texts go into runs as plain text, never interpreted.
"""
from __future__ import annotations

import io
from typing import Any

from docx import Document as new_document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from reports import blocks as B

FONT = "Arial"
ACCENT = RGBColor(0x1F, 0x4E, 0x79)
MUTED = RGBColor(0x5F, 0x6B, 0x7A)
SIZES = {"body": 10, "lead": 11, "small": 9, "note": 8}
ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT, "center": WD_ALIGN_PARAGRAPH.CENTER}


def _set_font(style: Any, size: float, bold: bool = False, color: RGBColor | None = None) -> None:
    style.font.name = FONT
    style.font.size = Pt(size)
    style.font.bold = bold
    if color is not None:
        style.font.color.rgb = color
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def _setup(document: Any, doc: B.Doc) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(B.A4_MM[0]), Mm(B.A4_MM[1])
    left, top, right, bottom = doc.margins_mm
    section.left_margin, section.top_margin = Mm(left), Mm(top)
    section.right_margin, section.bottom_margin = Mm(right), Mm(bottom)
    section.footer_distance = Mm(6)
    styles = document.styles
    _set_font(styles["Normal"], SIZES["body"])
    pf = styles["Normal"].paragraph_format
    pf.space_after, pf.space_before, pf.line_spacing = Pt(3), Pt(0), 1.08
    for name, size in (("Title", 16), ("Heading 1", 12.5), ("Heading 2", 10.5)):
        _set_font(styles[name], size, bold=True, color=ACCENT if name != "Heading 2" else None)
        styles[name].paragraph_format.space_before = Pt(9 if name == "Heading 1" else 5)
        styles[name].paragraph_format.space_after = Pt(3)
        styles[name].paragraph_format.keep_with_next = True
    _footer(section, doc.footer)


def _field(run: Any, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) in `run`."""
    for kind, text in (("begin", None), (None, code), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def _footer(section: Any, text: str) -> None:
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    parts: list[tuple[str, str | None]] = [(f"{text} · " if text else "", None), ("стр. ", None), ("", "PAGE"),
                                           (" из ", None), ("", "NUMPAGES")]
    for t, code in parts:
        run = p.add_run(t)
        run.font.size, run.font.color.rgb = Pt(7.5), MUTED
        if code:
            _field(run, code)


def _shade(cell: Any, hex_color: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), hex_color.lstrip("#"))
    tc_pr.append(shd)


def _borders(table: Any, color: str = "B8C2CC", inner: bool = True) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        on = inner and edge in ("top", "bottom", "insideH")
        el.set(qn("w:val"), "single" if on else "nil")
        if on:
            el.set(qn("w:sz"), "4")
            el.set(qn("w:color"), color)
        borders.append(el)
    tbl_pr.append(borders)


def _fixed_layout(table: Any) -> None:
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)


def _repeat_header(row: Any) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)
    cant = OxmlElement("w:cantSplit")
    tr_pr.append(cant)


def _cell_text(cell: Any, text: str, size: float, align: str = "left", bold: bool = False) -> None:
    p = cell.paragraphs[0]
    p.alignment = ALIGN.get(align, WD_ALIGN_PARAGRAPH.LEFT)
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.line_spacing = 1.0
    run = p.add_run(str(text))
    run.font.size = Pt(size)
    run.bold = bold


def _table(container: Any, t: B.Table) -> None:
    size = t.size + 0.5
    table = container.add_table(rows=1 + len(t.rows), cols=len(t.columns))
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    _fixed_layout(table)
    _borders(table)
    rows = [row.cells for row in table.rows]  # python-docx rebuilds these lists on every access: once
    widths = [Mm(c.width_mm) for c in t.columns]
    for j, c in enumerate(t.columns):
        table.columns[j].width = rows[0][j].width = widths[j]   # the grid Word and LibreOffice lay out by
        _cell_text(rows[0][j], c.label, size - 0.5, c.align, bold=True)
        _shade(rows[0][j], B.TONES["head"])
    _repeat_header(table.rows[0])
    for i, (values, cells) in enumerate(zip(t.rows, rows[1:])):
        for cell, w in zip(cells, widths):
            cell.width = w
        if i in t.span_rows:
            merged = cells[0].merge(cells[-1])
            _cell_text(merged, values[0], size, "left", bold=True)
            _shade(merged, "#f3f5f8")
            continue
        for j, (v, c) in enumerate(zip(values, t.columns)):
            _cell_text(cells[j], v, size, c.align, bold=i in t.bold_rows)
            tone = t.tones[i][j] if t.tones and i < len(t.tones) and j < len(t.tones[i]) else None
            if tone:
                _shade(cells[j], B.TONES[tone])
    if t.note:
        _para(container, t.note, "note")
    else:
        spacer = container.add_paragraph()
        spacer.paragraph_format.space_after = Pt(0)
        spacer.paragraph_format.line_spacing = 0.6


def _para(container: Any, text: str, style: str = "body", bold_prefix: str = "", tone: str | None = None) -> Any:
    p = container.add_paragraph()
    if bold_prefix:
        r = p.add_run(bold_prefix)
        r.bold = True
        r.font.size = Pt(SIZES.get(style, 10))
    run = p.add_run(str(text))
    run.font.size = Pt(SIZES.get(style, 10))
    if style == "note":
        run.font.color.rgb = MUTED
    if tone:
        p_pr = p._p.get_or_add_pPr()
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:fill"), B.TONES[tone].lstrip("#"))
        p_pr.append(shd)
    return p


def _picture(container: Any, b: B.Image) -> None:
    p = container.add_paragraph()
    p.paragraph_format.space_after = Pt(2)
    p.paragraph_format.left_indent = p.paragraph_format.first_line_indent = Mm(0)
    p.add_run().add_picture(io.BytesIO(b.png), width=Mm(b.width_mm), height=Mm(b.height_mm))
    if b.caption:
        _para(container, b.caption, "note")


def _lines(container: Any, b: B.Lines) -> None:
    """Ruled lines as rows of a one-column table (consecutive bordered paragraphs merge into one box)."""
    if b.label:
        _para(container, b.label, "small")
    table = container.add_table(rows=b.count, cols=1)
    _borders(table)
    for row in table.rows:
        row.height = Mm(8)
    top = table._tbl.tblPr.find(qn("w:tblBorders")).find(qn("w:top"))
    top.set(qn("w:val"), "nil")


def _columns(container: Any, b: B.Columns, width_mm: float) -> None:
    grid = container.add_table(rows=1, cols=2)
    grid.autofit = False
    _fixed_layout(grid)
    _borders(grid, inner=False)
    right = width_mm - b.left_mm
    grid.columns[0].width, grid.columns[1].width = Mm(b.left_mm), Mm(right)
    left_cell, right_cell = grid.rows[0].cells
    left_cell.width, right_cell.width = Mm(b.left_mm), Mm(right)
    for cell, items, w in ((left_cell, b.left, b.left_mm), (right_cell, b.right, right - b.gap_mm)):
        first = cell.paragraphs[0]
        write(cell, items, w)
        if not first.text and len(cell.paragraphs) > 1:  # the empty paragraph every new cell starts with
            first._p.getparent().remove(first._p)


def write(container: Any, items: Any, width_mm: float) -> None:
    """Add the blocks to a document or a table cell."""
    for b in items:
        if isinstance(b, B.Heading):
            if hasattr(container, "add_heading"):
                container.add_heading(b.text, level=b.level)
            else:
                _para(container, b.text, "body", bold_prefix="")
        elif isinstance(b, B.Para):
            _para(container, b.text, b.style, b.bold_prefix, b.tone)
        elif isinstance(b, B.Bullets):
            for item in b.items:
                p = _para(container, "• " + item, b.style)
                p.paragraph_format.left_indent = Mm(4)
                p.paragraph_format.first_line_indent = Mm(-3)
                p.paragraph_format.space_after = Pt(1)
        elif isinstance(b, B.Table):
            _table(container, b)
        elif isinstance(b, B.Image):
            _picture(container, b)
        elif isinstance(b, B.Columns):
            _columns(container, b, width_mm)
        elif isinstance(b, B.Lines):
            _lines(container, b)
        elif isinstance(b, B.PageBreak):
            container.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif isinstance(b, B.Spacer):
            p = container.add_paragraph()
            p.paragraph_format.space_after = Pt(b.mm * 2.8)
        else:  # pragma: no cover - a new block type without a renderer
            raise TypeError(f"unknown block {type(b).__name__}")


def render(doc: B.Doc) -> bytes:
    """The document as .docx bytes."""
    document = new_document()
    _setup(document, doc)
    core = document.core_properties
    core.title, core.subject, core.author = doc.title[:250], doc.subtitle[:250], "Панель мониторинга"
    if doc.title_page:
        for _ in range(8):
            document.add_paragraph()
        t = document.add_paragraph(doc.title, style="Title")
        t.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if doc.subtitle:
            s = _para(document, doc.subtitle, "lead")
            s.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for _ in range(3):
            document.add_paragraph()
        for line in doc.title_lines:
            p = _para(document, line, "body")
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    else:
        document.add_paragraph(doc.title, style="Title")
        if doc.subtitle:
            _para(document, doc.subtitle, "small").runs[-1].font.color.rgb = MUTED
    write(document, doc.blocks, doc.text_width_mm)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()
