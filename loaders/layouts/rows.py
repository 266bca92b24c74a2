"""Which body rows of a table are data, and which only number, total or subtotal it?

A regional export ends with «Итого по краю» (its label in the school column, the
municipality column, or the last column), may carry a subtotal per municipality
(«Итого по району», or the municipality's name where a school's would be), a row
numbering the columns (`1 2 3 …`) anywhere below the header, and merged cells that
Excel shows repeated on every row they span. `classify` looks at the label columns
only (once per distinct value, so a 100,000-row sheet costs little) and says, per
row, which of these it is; `fill_merged` fills merged body cells as Excel shows them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from loaders import headers as H
from loaders.grid import Sheet, is_numbering_row

_NUMERIC_TEXT = re.compile(r"^\s*\d+(?:[.,]\d+)?\s*\.?\s*$")
_SCHOOL_WORDS = re.compile(r"школ|сош|оош|нош|гимнази|лице[йя]|училищ|интернат|учрежд|организац|центр|кадет|колледж"
                           r"|детск|сад|\bоо\b|\bоу\b", re.I)
_MUNICIPAL_WORDS = re.compile(r"муниципальн|район|округ|поселени|\bмо\b|\bмр\b|\bго\b|город(?:ской)?\s+округ", re.I)


@dataclass
class RowKinds:
    numbering: np.ndarray
    total: np.ndarray  # a total or a subtotal row (never loaded)
    subtotal: np.ndarray  # the totals that are per municipality
    number_as_name: np.ndarray  # a data row whose school cell holds a number instead of a name


def is_number_like(v: Any) -> bool:
    if isinstance(v, bool):
        return False
    if isinstance(v, (int, float, np.integer, np.floating)):
        return True
    return isinstance(v, str) and bool(_NUMERIC_TEXT.match(v))


def is_municipality_label(text: Any) -> bool:
    """A row label naming a municipality or its total, not a school («Городской округ «Город Чита»», «Итого по
    Сосновскому району», «МР Сосновский»)."""
    if not isinstance(text, str) or not text.strip():
        return False
    n = H.norm(text)
    return bool(_MUNICIPAL_WORDS.search(n)) and not _SCHOOL_WORDS.search(n)


_TOTAL_WORDS = re.compile(r"^(?:итого|итог|всего|total|общо|в целом|в среднем)(?![а-я])")


def is_total_word(text: Any) -> bool:
    """A label that says «total» in so many words («Итого по краю», «Всего»), not just a district's name."""
    return isinstance(text, str) and bool(_TOTAL_WORDS.match(H.norm(text)))


def _flags(col: np.ndarray, test) -> np.ndarray:
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    flags = np.array([bool(test(u)) for u in uniques] + [False], dtype=bool)
    return flags[codes]


def classify(body: list[list[Any]], columns: list[np.ndarray], label_cols: list[int], name_col: int | None,
             municipality_col: int | None, totals_allowed: bool) -> RowKinds:
    """Per body row: a numbering row, a total (or subtotal) row, a municipality subtotal, a number in the school
    cell. `label_cols` are the columns a total's label may sit in (first or last); `name_col` the school name's."""
    n = len(body)
    numbering = np.zeros(n, dtype=bool)
    first = name_col if name_col is not None else (label_cols[0] if label_cols else None)
    if first is not None and first < len(columns):
        for k in np.flatnonzero(_flags(columns[first], is_number_like)):  # candidates only: cheap on big sheets
            numbering[k] = is_numbering_row(body[k])
    total = np.zeros(n, dtype=bool)
    subtotal = np.zeros(n, dtype=bool)
    if totals_allowed:
        for j in label_cols:
            if j < len(columns):
                # a municipality column names districts («Сосновский район»): only «Итого», «Всего» mark a total there
                test = is_total_word if j == municipality_col else H.is_total_label
                total |= _flags(columns[j], lambda u, test=test: isinstance(u, str) and test(u))
        if name_col is not None and name_col < len(columns):
            names = columns[name_col]
            subtotal |= _flags(names, is_municipality_label)
            if municipality_col is not None and municipality_col < len(columns):
                munis = columns[municipality_col]
                blank_name = np.array([v is None for v in names], dtype=bool)
                subtotal |= blank_name & np.array([v is not None for v in munis], dtype=bool)
                normed: dict[Any, str] = {}

                def key(v: Any) -> str | None:
                    if v is None:
                        return None
                    if v not in normed:
                        normed[v] = H.norm(v)
                    return normed[v]
                subtotal |= np.array([a is not None and key(a) == key(b) for a, b in zip(names, munis)], dtype=bool)
        subtotal &= ~numbering
        total |= subtotal
    total &= ~numbering
    number_as_name = np.zeros(n, dtype=bool)
    if name_col is not None and name_col < len(columns):
        number_as_name = _flags(columns[name_col], is_number_like) & ~numbering & ~total
    return RowKinds(numbering, total, subtotal, number_as_name)


def fill_merged(sheet: Sheet, start: int, columns: list[np.ndarray], blanks: list[np.ndarray]) -> None:
    """Fill the merged ranges below row `start` (index into sheet.rows) into the body columns, in place: every cell
    of a range shows the range's value, as Excel does."""
    for top, left, bottom, right in sheet.merged:
        if bottom < start or (top == bottom and left == right):
            continue
        value = sheet.cell(top, left)
        if value is None or value == "":
            continue
        r0, r1 = max(top, start) - start, bottom - start
        for j in range(left, min(right + 1, len(columns))):
            col, blank = columns[j], blanks[j]
            if r1 >= len(col):
                continue
            seg = blank[r0:r1 + 1]
            col[r0:r1 + 1][seg] = value
            seg[:] = False
