"""Which model field does a header mean, judged by the words it contains?

`loaders/vocabulary.toml` describes each field by the words that signal it
(stems, whole words, phrases), with weights, and by words that rule it out;
its head explains the syntax for a maintainer who adds a word. A header is
scored against every field of a table: `scores(text, table)` gives the fields
it may mean, best first; `best(text, table)` the one field it means, or None
when no field reaches the threshold or two fields are too close to call.

The vocabulary also names the words that mark a yearly value as a fact or a
plan (`kind_of`) and the words of sheets that are not results although they
look like them (`is_applications`).
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PATH = Path(__file__).with_name("vocabulary.toml")
_SHARE = ("%", "доля", "доли", "долю", "процент", "удельн")
_WEIGHT = re.compile(r"\s@\s*([0-9.]+)\s*$")
_PUNCT = re.compile(r"[.,:;!?/\\\-–—_()\[\]{}*+=<>|\"'«»„“”‘’`]+")


def words(text: object) -> tuple[str, ...]:
    """A header as normalised words: lower case, ё → е, punctuation dropped, «%» and «№» kept as words."""
    if text is None:
        return ()
    s = str(text).replace("\u00a0", " ").replace("\ufeff", "").lower().replace("ё", "е")
    s = s.replace("%", " % ").replace("№", " № ")
    return tuple(_PUNCT.sub(" ", s).split())


# A term is a tuple of alternatives; an alternative is a tuple of word patterns matched on consecutive words;
# a pattern is ("=", word) for a whole word or ("^", stem) for a stem.
Pattern = tuple[str, str]
Term = tuple[tuple[Pattern, ...], ...]


def _pattern(p: str) -> Pattern:
    p = p.lower().replace("ё", "е")
    return ("=", p[1:]) if p.startswith("=") and len(p) > 1 else ("^", p)


def _term(text: str) -> Term:
    alts = []
    for alt in text.split("|"):
        parts = alt.split()
        if parts:
            alts.append(tuple(_pattern(p) for p in parts))
    return tuple(alts)


def _signal(text: str) -> tuple[tuple[Term, ...], float]:
    m = _WEIGHT.search(text)
    weight = float(m.group(1)) if m else 1.0
    body = text[: m.start()] if m else text
    return tuple(_term(t) for t in body.split("+") if t.strip()), weight


def _has(ws: tuple[str, ...], term: Term) -> bool:
    for alt in term:
        n = len(alt)
        for i in range(len(ws) - n + 1):
            if all((ws[i + k] == w) if kind == "=" else ws[i + k].startswith(w) for k, (kind, w) in enumerate(alt)):
                return True
    return False


@dataclass(frozen=True)
class Field:
    table: str
    name: str
    signals: tuple[tuple[tuple[Term, ...], float], ...]
    excludes: tuple[Term, ...]
    share: bool

    def score(self, ws: tuple[str, ...]) -> float:
        if any(_has(ws, t) for t in self.excludes):
            return 0.0
        is_share = any(w.startswith(_SHARE) for w in ws)
        if self.share and not is_share:
            return 0.0
        return sum(weight for terms, weight in self.signals if all(_has(ws, t) for t in terms))


@dataclass(frozen=True)
class Vocabulary:
    fields: dict[str, tuple[Field, ...]]
    threshold: float
    margin: float
    max_words: int
    kinds: dict[str, tuple[Term, ...]]
    sheets: dict[str, tuple[Term, ...]]


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    with open(PATH, "rb") as fh:
        data = tomllib.load(fh)
    settings = data.pop("settings", {})
    kinds = {k: tuple(_term(w) for w in v) for k, v in data.pop("kinds", {}).items()}
    sheets = {k: tuple(_term(w) for w in v) for k, v in data.pop("sheets", {}).items()}
    data.pop("persons", None)  # read by loaders.personal
    fields: dict[str, tuple[Field, ...]] = {}
    for table, spec in data.items():
        fields[table] = tuple(
            Field(table, name, tuple(_signal(s) for s in f.get("words", [])),
                  tuple(_term(x) for x in f.get("not", [])), bool(f.get("share", False)))
            for name, f in spec.items())
    return Vocabulary(fields, float(settings.get("threshold", 1.0)), float(settings.get("margin", 0.25)),
                      int(settings.get("max_words", 24)), kinds, sheets)


@lru_cache(maxsize=32768)
def scores(text: str, table: str) -> tuple[tuple[str, float], ...]:
    """The fields of `table` a header may mean with their scores, best first (only those at the threshold)."""
    voc = vocabulary()
    ws = words(text)
    if not ws or len(ws) > voc.max_words:
        return ()
    found = [(f.name, f.score(ws)) for f in voc.fields.get(table, ())]
    return tuple(sorted(((n, s) for n, s in found if s >= voc.threshold), key=lambda x: -x[1]))


def best(text: object, table: str) -> str | None:
    """The one field of `table` a header means by its words; None when none is signalled or two are too close."""
    found = scores(str(text or ""), table)
    if not found:
        return None
    if len(found) > 1 and found[1][1] > found[0][1] - vocabulary().margin:
        return None
    return found[0][0]


def kind_of(text: object) -> str | None:
    """«fact» or «plan» when a label says so («2016, отчет», «2021, оценка», «План»); None when it says neither
    or both («План/факт»)."""
    return _kind_of(str(text or ""))


@lru_cache(maxsize=16384)
def _kind_of(text: str) -> str | None:
    ws = words(text)
    voc = vocabulary()
    said = {k for k, terms in voc.kinds.items() if any(_has(ws, t) for t in terms)}
    return next(iter(said)) if len(said) == 1 else None


def is_applications(text: object) -> bool:
    """Does a title or header speak of applications to sit an exam («о поданных заявлениях на участие в ЕГЭ»)?"""
    ws = words(text)
    return any(_has(ws, t) for t in vocabulary().sheets.get("applications", ()))
