"""What is a document made of, before it becomes a PDF or a Word file?

Every document (`reports.programme`, `reports.brief`, `reports.handout`) is built
once as a list of blocks — headings, paragraphs, bullet lists, tables, pictures,
two columns side by side, page breaks — and then rendered by `reports.pdf`
(reportlab) and `reports.word` (python-docx). So the PDF and the .docx always say
the same thing, and the on-screen print view can show the same blocks too.

All texts are plain text: renderers escape them (a school name from a file is
never read as markup). Widths are in millimetres of an A4 page with the margins
of `Doc.margins_mm`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

A4_MM = (210.0, 297.0)

# Cell and box tones (light backgrounds a printer keeps readable, text stays black).
TONES = {
    "good": "#d7ecd9",
    "near": "#fbe7b5",
    "bad": "#f6d0d0",
    "info": "#dbe8f6",
    "none": "#ececec",
    "head": "#e4e8ee",
}


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1           # 1 section, 2 subsection


@dataclass(frozen=True)
class Para:
    text: str
    style: str = "body"      # body | small | note | lead
    bold_prefix: str = ""    # a bold lead-in before the text («Прогноз: »)
    tone: str | None = None  # a coloured box behind the paragraph (key of TONES)


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]
    style: str = "body"


@dataclass(frozen=True)
class Col:
    label: str
    width_mm: float
    align: str = "left"      # left | right | center


@dataclass(frozen=True)
class Table:
    columns: tuple[Col, ...]
    rows: tuple[tuple[str, ...], ...]
    tones: tuple[tuple[str | None, ...], ...] | None = None   # per cell, key of TONES or None
    size: float = 8.5        # font size, pt
    bold_rows: tuple[int, ...] = ()                          # row indexes written in bold (group headers)
    span_rows: tuple[int, ...] = ()                          # rows whose first cell spans the whole width
    note: str = ""           # a line under the table («ещё 3 — в панели»)


@dataclass(frozen=True)
class Image:
    png: bytes
    width_mm: float
    height_mm: float
    caption: str = ""


@dataclass(frozen=True)
class Columns:
    """Two groups of blocks side by side (a table beside its chart)."""
    left: tuple["Block", ...]
    right: tuple["Block", ...]
    left_mm: float
    gap_mm: float = 5.0


@dataclass(frozen=True)
class Lines:
    """Ruled lines to write on by hand (the new agreements at the interview)."""
    count: int
    label: str = ""


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass(frozen=True)
class Spacer:
    mm: float = 3.0


Block = Union[Heading, Para, Bullets, Table, Image, Columns, Lines, PageBreak, Spacer]


@dataclass
class Doc:
    title: str
    subtitle: str = ""
    blocks: list[Block] = field(default_factory=list)
    footer: str = ""                     # left of the page number on every page
    margins_mm: tuple[float, float, float, float] = (15.0, 14.0, 15.0, 14.0)  # left, top, right, bottom
    title_page: bool = False             # a separate title page (the programme report)
    title_lines: tuple[str, ...] = ()    # extra lines on the title page (approved by, place and year)

    @property
    def text_width_mm(self) -> float:
        return A4_MM[0] - self.margins_mm[0] - self.margins_mm[2]


def plain_text(doc: Doc) -> str:
    """Every text of the document, one block per line (for tests and for the print view's search)."""
    out = [doc.title, doc.subtitle, *doc.title_lines]

    def walk(blocks: list[Block] | tuple[Block, ...]) -> None:
        for b in blocks:
            if isinstance(b, (Heading, Para)):
                out.append(getattr(b, "bold_prefix", "") + b.text)
            elif isinstance(b, Bullets):
                out.extend(b.items)
            elif isinstance(b, Table):
                out.append(" | ".join(c.label for c in b.columns))
                out.extend(" | ".join(r) for r in b.rows)
                out.append(b.note)
            elif isinstance(b, Image):
                out.append(b.caption)
            elif isinstance(b, Columns):
                walk(b.left)
                walk(b.right)
            elif isinstance(b, Lines):
                out.append(b.label)
    walk(doc.blocks)
    return "\n".join(t for t in out if t)
