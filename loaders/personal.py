"""Does a sheet hold a list of people — one row per pupil — whatever its headers say?

A cell names a person when it reads like «Иванов Иван», «Петрова А.С.», «Иванов Иван Петрович» (a surname, a
given name or initials, maybe a patronymic), never a school («Сосновская СОШ № 1»). The signs — surname and
patronymic endings, a list of given names — are data in `loaders/vocabulary.toml` ([persons]).
`name_column(sheet, first_row, width)` finds the column of such cells below a header; `names_share` tells how
many values of a column name people. A sheet with a names column and a score or mark on its rows is a
per-participant protocol (`loaders.layouts.protocol`): aggregated at once, its names dropped, and the file's
original bytes are never kept (`LoadResult.personal_files`).
"""
from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from typing import Any, Iterable

from loaders.grid import Sheet, is_blank
from loaders.vocabulary import PATH

SAMPLE = 200  # rows looked at
SHARE = 0.6  # of the filled cells of a column, at least this many name people
_WORD = r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?"
_INITIALS = re.compile(rf"^{_WORD}\s+[А-ЯЁ]\.\s*(?:[А-ЯЁ]\.?)?$|^[А-ЯЁ]\.\s*(?:[А-ЯЁ]\.)?\s*{_WORD}$")
_TWO_THREE = re.compile(rf"^({_WORD})\s+({_WORD})(?:\s+({_WORD}))?$")
_NOT_PERSON = re.compile(r"школ|сош|оош|нош|гимназ|лице|училищ|интернат|учрежд|организац|центр|район|округ|"
                         r"област|край|город|поселок|посёлок|село|язык|литератур|математ|истори|биолог|хими|физик|"
                         r"географ|информат|обществ|предмет|итого|всего", re.I)


@lru_cache(maxsize=1)
def _signs() -> tuple[tuple[str, ...], tuple[str, ...], frozenset[str]]:
    with open(PATH, "rb") as fh:
        p = tomllib.load(fh).get("persons", {})
    surnames = tuple(sorted(p.get("surname_endings", ()), key=len, reverse=True))
    patronymics = tuple(p.get("patronymic_endings", ()))
    return surnames, patronymics, frozenset(n.lower().replace("ё", "е") for n in p.get("first_names", ()))


def is_person_name(value: Any) -> bool:
    """Does a cell read like a person's name («Иванов Иван», «Петрова А.С.», «Иванов Иван Петрович»)?"""
    if not isinstance(value, str):
        return False
    text = " ".join(value.split())
    if not 4 <= len(text) <= 60 or _NOT_PERSON.search(text):
        return False
    if _INITIALS.match(text):
        return True
    m = _TWO_THREE.match(text)
    if not m:
        return False
    surnames, patronymics, given = _signs()
    words = [w.lower().replace("ё", "е") for w in m.groups() if w]
    if len(words) == 3 and words[2].endswith(patronymics):
        return True
    if any(w in given for w in words):
        return True
    return words[0].endswith(surnames) and len(words[1]) <= 12


def names_share(values: Iterable[Any]) -> float:
    """The share of the filled values that name people."""
    filled = [v for v in values if not is_blank(v)]
    if not filled:
        return 0.0
    return sum(map(is_person_name, filled)) / len(filled)


def name_column(sheet: Sheet, first_row: int, width: int) -> int | None:
    """The column, below row `first_row`, whose cells name people (the most such), or None."""
    rows = sheet.rows[first_row:first_row + SAMPLE]
    best, best_share = None, SHARE
    for j in range(width):
        share = names_share(r[j] if j < len(r) else None for r in rows)
        filled = sum(1 for r in rows if j < len(r) and not is_blank(r[j]))
        if filled >= 2 and share >= best_share:
            best, best_share = j, share
    return best
