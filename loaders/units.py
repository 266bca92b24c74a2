"""In what unit is an indicator measured, when the table has no unit column?

One place for every indicator layout («Форма 1», years as rows, open data):

- the name's tail says it: `…, %`, `…, чел.`, `… (балл)` → `unit_from_name`;
- otherwise the wording does (`unit_from_wording`): `Доля …`/`Процент …`/a `%`
  → «%», `Средний балл …`/`Средняя отметка …` → «балл», `Количество …`/`Число …`
  (and open-data headers such as `Всего сдававших`, `Набрали 220 баллов…`) →
  «чел.», or «шт.» when what is counted is things (школ, мероприятий…) or
  the name says `шт.`.

`indicator_unit(name, *found)` applies them in order, with units a layout
found in the cells (`7 чел.`, `45%`) between the two: the name's tail, then
the cells, then the wording.
"""
from __future__ import annotations

import re
from typing import Any

from loaders import headers as H

_UNIT_TAIL = re.compile(
    r"(?:,|\(|\s-\s|\s–\s)\s*(%|процент[а-я]*|чел\.?|человек|балл(?:ов|а|ы)?|б\.|шт\.?|единиц[а-я]*|ед\.?|руб\.?|"
    r"тыс\.?\s*руб\.?|раз|час(?:ов|а)?|дн(?:ей|я)?)\s*\)?\s*\.?\s*$", re.I)
_UNIT_CANON = [("%", "%"), ("процент", "%"), ("чел", "чел."), ("балл", "балл"), ("б.", "балл"), ("шт", "шт."),
               ("ед", "ед."), ("тыс", "тыс. руб."), ("руб", "руб."), ("раз", "раз"), ("час", "ч"), ("дн", "дн.")]

_SHARE = re.compile(r"(?:^|\s)(?:дол[яиеюей]|процент[а-я]*|удельн[а-я]*\s+вес)(?:\s|$)")
_MEAN = re.compile(r"(?:^|\s)(?:средн[а-я]*\s+(?:тестов[а-я]*\s+|первичн[а-я]*\s+)?(?:балл|отметк|оценк)[а-я]*)")
_COUNT = re.compile(r"(?:^|\s)(?:количеств[а-я]*|число|числа|численност[а-я]*|кол\s?во|всего)(?:\s|$)")
# Open-data headers that count people with a verb or participle: «Набрали 220 баллов…», «Всего сдававших».
_PEOPLE_VERB = re.compile(r"^(?:набрал|награжд|получил|сдал|сдавш|сдававш|набравш|окончил|поступил|участвовал|"
                          r"прошл|прошедш|явил|выбыл|прибыл)[а-я]*")
# A name that starts with who is counted: «Выпускники 11 классов…», «Участников…».
_PEOPLE_NOUN = re.compile(r"^(?:выпускник|участник|обучающ|учащ|человек|педагог|учител|дет(?:и|ей)|"
                          r"медалист|призер|победител)[а-я]*")
_PEOPLE_ANY = re.compile(r"(?:^|\s)(?:выпускник|участник|обучающ|учащ|человек|педагог|учител|дет(?:и|ей)|"
                         r"медалист|призер|победител|работник|сотрудник|родител|ребен|девоч|мальчик)[а-я]*")
# What is counted is things, not people: «Количество школ…», «Число мероприятий…».
_THINGS = re.compile(r"(?:^|\s)(?:шт|школ|оо|организаци[а-я]*|учреждени[а-я]*|мероприяти[а-я]*|проект[а-я]*|"
                     r"площад[а-я]*|класс(?:ов|а)?|кабинет[а-я]*|программ|единиц|центр(?:ов|а)?|"
                     r"семинар[а-я]*|конкурс[а-я]*|олимпиад)(?:\s|$)")


def canonical_unit(word: Any) -> str | None:
    """`проценты` → «%», `человек` → «чел.», `баллы` → «балл»; another non-empty word is kept as written."""
    if word is None:
        return None
    w = str(word).strip().lower()
    if not w:
        return None
    for stem, unit in _UNIT_CANON:
        if w.startswith(stem):
            return unit
    return str(word).strip()


def unit_from_name(name: Any) -> str | None:
    """Unit from a name's tail: `…, %` → %, `…, чел.` → чел., `…(%)` → %, `…, балл` → балл."""
    m = _UNIT_TAIL.search(str(name))
    return canonical_unit(m.group(1)) if m else None


def unit_from_wording(name: Any) -> str | None:
    """Unit from what the name says it measures: a share → «%», a mean score or mark → «балл», a count →
    «чел.» (or «шт.» when things are counted); None when the wording does not tell."""
    text = str(name or "")
    n = H.norm(text)
    if not n:
        return None
    if _SHARE.search(n) or "%" in text:
        return "%"
    if _MEAN.search(n):
        return "балл"
    if _COUNT.search(n) or _PEOPLE_VERB.search(n) or _PEOPLE_NOUN.search(n):
        # whichever is named first is what is counted: «Число выпускников 11 классов» counts people
        things, people = _THINGS.search(n), _PEOPLE_ANY.search(n)
        if things and (people is None or things.start() < people.start()):
            return "шт."
        return "чел."
    return None


def indicator_unit(name: Any, *found: Any) -> str | None:
    """The unit of an indicator: its name's tail, else a unit the layout found (a unit column, `7 чел.` or
    `45%` in the cells — the first given), else the wording."""
    return unit_from_name(name) or next((canonical_unit(f) for f in found if canonical_unit(f)), None) \
        or unit_from_wording(name)
