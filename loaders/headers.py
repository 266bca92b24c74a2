"""Which model column does a Russian column header mean?

Districts name the same column many ways («ОО», «Наименование ОО», «Школа»…).
This module keeps, per model table, the canonical template header (from
model.py) plus the usual synonyms, and matches a header by its normalised text
(case, ё/е, quotes and punctuation, spaces, unit tails such as «, чел.»),
never by position. A header with «%» only matches a percentage column, so
«Не преодолели порог, %» is never read as a count.

Besides model columns, a few helper fields are recognised:
`school_name` (a school's name to be matched to the registry, in results,
values and events) and `indicator_name` (an indicator's name in values).
"""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from loaders import vocabulary
from loaders.model import TABLES

# Helper fields a layout resolves into model columns.
SCHOOL_NAME = "school_name"
INDICATOR_NAME = "indicator_name"

_SCHOOL_NAMES = [
    "ОО", "ОУ", "МОО", "Образовательная организация", "Образовательное учреждение", "Наименование ОО",
    "Наименование ОУ", "Наименование образовательной организации", "Наименование образовательного учреждения",
    "Школа", "Название школы", "Наименование школы", "Учреждение", "Организация", "Наименование организации",
    "Полное наименование ОО", "Краткое наименование", "Краткое наименование ОО", "Сокращённое наименование",
    "Полное наименование", "Наименование", "Название ОО", "Название", "ОО района",
]
_SCHOOL_IDS = ["Код ОО", "Код школы", "Код ОУ", "Идентификатор ОО", "school_id", "Код образовательной организации"]

SYNONYMS: dict[str, dict[str, list[str]]] = {
    "schools": {
        "school_id": _SCHOOL_IDS + ["Код"],
        "name": ["Наименование ОО", "Полное наименование", "Полное наименование ОО", "Наименование",
                 "Наименование образовательной организации", "Наименование образовательного учреждения",
                 "Образовательная организация", "Образовательное учреждение", "ОО", "ОУ", "Школа",
                 "Название школы", "Наименование школы", "Название ОО", "Название"],
        "short_name": ["Краткое наименование", "Краткое наименование ОО", "Сокращённое наименование",
                       "Сокращенное название", "Краткое название"],
        "type": ["Тип ОО", "Тип", "Вид ОО", "Тип школы", "Вид образовательной организации", "Тип учреждения"],
        "locality": ["Местность", "Город/село", "Город / село", "Территория", "Тип местности", "Тип поселения",
                     "Городская/сельская", "Расположение"],
        "year": ["Год", "Учебный год", "Год данных"],
        "students": ["Число обучающихся", "Количество обучающихся", "Кол-во обучающихся", "Обучающихся",
                     "Численность обучающихся", "Контингент", "Число учащихся", "Количество учащихся", "Учащихся"],
        "low_income_pct": ["Доля из малоимущих семей %", "Малоимущие %", "Из малоимущих семей %",
                           "Доля обучающихся из малоимущих семей %", "Доля детей из малоимущих семей %"],
        "single_parent_pct": ["Доля из неполных семей %", "Неполные семьи %", "Из неполных семей %",
                              "Доля обучающихся из неполных семей %", "Доля детей из неполных семей %"],
        "large_family_pct": ["Доля из многодетных семей %", "Многодетные %", "Из многодетных семей %",
                             "Доля обучающихся из многодетных семей %", "Доля детей из многодетных семей %"],
        "risk_group_pct": ["Доля детей группы риска %", "Группа риска %", "Дети группы риска %",
                           "Доля обучающихся группы риска %", "Состоящих на учёте %"],
        "disability_pct": ["Доля детей с ОВЗ %", "ОВЗ %", "Дети с ОВЗ %", "Доля обучающихся с ОВЗ %"],
        "non_native_pct": ["Доля детей для которых русский язык не родной %", "Русский не родной %",
                           "Неродной русский %", "Доля детей-билингвов %", "Доля обучающихся для которых русский язык не родной %"],
        "staffing_pct": ["Укомплектованность кадрами %", "Укомплектованность %", "Укомплектованность педагогическими кадрами %"],
        "qualified_teachers_pct": ["Доля учителей с первой и высшей категорией %", "Учителя с категорией %",
                                   "Доля педагогов с первой и высшей категорией %", "Доля учителей с категорией %",
                                   "Первая и высшая категория %"],
        "teacher_turnover_pct": ["Текучесть кадров %", "Текучесть %", "Текучесть педагогических кадров %"],
    },
    "indicators": {
        "indicator_id": ["Код показателя", "Код", "Шифр показателя", "ID показателя", "indicator_id"],
        "name": ["Наименование показателя", "Показатель", "Наименование показателей", "Название показателя",
                 "Наименование целевого показателя", "Целевой показатель", "Индикатор", "Наименование индикатора"],
        "unit": ["Единица измерения", "Ед. изм.", "Ед изм", "Единица", "Ед."],
        "direction": ["Направление", "Направленность", "Желаемое направление", "Что лучше"],
        "group": ["Группа показателей", "Группа", "Раздел", "Блок", "Кластер"],
        "tolerance": ["Допуск, в единицах показателя", "Допуск"],
    },
    "values": {
        "indicator_id": ["Код показателя", "Шифр показателя", "indicator_id"],
        INDICATOR_NAME: ["Наименование показателя", "Показатель", "Наименование показателей"],
        "school_id": _SCHOOL_IDS,
        SCHOOL_NAME: [s for s in _SCHOOL_NAMES if s not in ("Наименование", "Название")],
        "year": ["Год", "Учебный год", "Период"],
        "kind": ["Вид значения", "Вид", "Тип значения", "План/факт"],
        "value": ["Значение", "Значение показателя", "Величина"],
        "low": ["Нижняя граница", "От", "Минимум диапазона"],
        "high": ["Верхняя граница", "До", "Максимум диапазона"],
    },
    "events": {
        "number": ["№", "№ п/п", "Номер", "N", "N п/п", "Номер мероприятия", "п/п"],
        "section": ["Раздел", "Раздел плана"],
        "direction": ["Направление", "Наименование направления", "Направление деятельности"],
        "title": ["Мероприятие", "Мероприятия", "Наименование мероприятия", "Содержание мероприятия",
                  "Содержание деятельности", "Название мероприятия", "Содержание работы"],
        "deadline_text": ["Сроки", "Срок", "Сроки проведения", "Срок исполнения", "Сроки исполнения",
                          "Сроки реализации", "Дата проведения", "Срок выполнения", "Сроки выполнения"],
        "control_dates": ["Контрольные даты", "Контрольная дата", "Контрольные сроки"],
        "schedule": ["Вид срока"],
        "responsible": ["Ответственные", "Ответственный", "Ответственные исполнители", "Исполнители",
                        "Исполнитель", "Ответственный исполнитель"],
        "expected_result": ["Ожидаемые результаты", "Ожидаемый результат", "Результат", "Планируемый результат",
                            "Планируемые результаты"],
        "status": ["Отметка о выполнении", "Статус", "Выполнение", "Отметка об исполнении", "Исполнение",
                   "Состояние"],
        "completion_date": ["Дата выполнения", "Дата исполнения", "Фактическая дата", "Выполнено (дата)"],
        "school_id": _SCHOOL_IDS,
        SCHOOL_NAME: ["ОО", "Школа", "Образовательная организация"],
    },
    "results": {
        "year": ["Год", "Учебный год", "Год проведения", "Год сдачи", "Год участия"],
        "exam": ["Процедура", "Оценочная процедура", "Экзамен", "Форма", "Форма ГИА", "Форма экзамена",
                 "Вид экзамена", "Вид процедуры"],
        "subject": ["Предмет", "Учебный предмет", "Наименование предмета", "Дисциплина"],
        "grade": ["Класс", "Параллель", "Классы"],
        "school_id": _SCHOOL_IDS,
        SCHOOL_NAME: _SCHOOL_NAMES,
        "participants": ["Участников", "Количество участников", "Кол-во участников", "Число участников",
                         "Сдавали", "Всего сдававших", "Явились", "Явилось", "Всего участников", "Участники",
                         "Писали работу", "Выполняли работу", "Сдававших", "Количество сдававших",
                         "Кол-во сдававших", "Кол-во уч", "Кол-во учащихся", "Количество обучающихся",
                         "Участвовали", "Приняли участие", "Количество выпускников", "Число сдававших"],
        "mean": ["Средний балл", "Ср. балл", "Ср балл", "Средний тестовый балл", "Средняя отметка",
                 "Средняя оценка", "Средний первичный балл", "Ср. отметка", "Средний", "Ср.успех",
                 "Средний результат"],
        "below_min": ["Не преодолели порог", "Не преодолели минимальный порог", "Ниже минимума",
                      'Получили "2"', "Получили 2", "Не преодолели минимальный порог чел",
                      "Не преодолевших минимальный порог", "Не преодолевших порог", "Ниже порога",
                      "Количество не преодолевших минимальный порог", "Кол-во не преодолевших порог",
                      "Не сдали", "Не набрали минимальный балл", "Ниже минимального балла"],
        "high_scorers": ["Высокобалльников", "Высокобалльники", "Высокобалльников (80 и выше)",
                         "Набрали 80 и более баллов", "Набрали 81-100 баллов", "Количество высокобалльников",
                         "80 баллов и выше", "От 80 баллов", "Высокий балл"],
        "mark2": ["Отметка «2»", "Отметка 2", "«2»", "2", "Кол-во 2", "Количество 2", "На 2", 'Получили "2" чел'],
        "mark3": ["Отметка «3»", "Отметка 3", "«3»", "3", "Кол-во 3", "Количество 3", "На 3", 'Получили "3"'],
        "mark4": ["Отметка «4»", "Отметка 4", "«4»", "4", "Кол-во 4", "Количество 4", "На 4", 'Получили "4"'],
        "mark5": ["Отметка «5»", "Отметка 5", "«5»", "5", "Кол-во 5", "Количество 5", "На 5", 'Получили "5"'],
        "lowered": ["Понизили отметку", "Понизили", "Понизили (отметка < отметки по журналу)",
                    "Понизили (Отметка < Отметка по журналу)", "Отметка ниже журнальной", "Понизили отметку по журналу"],
        "confirmed": ["Подтвердили отметку", "Подтвердили", "Подтвердили (отметка = отметке по журналу)",
                      "Подтвердили (Отметка = Отметке по журналу)", "Отметка равна журнальной",
                      "Подтвердили отметку по журналу"],
        "raised": ["Повысили отметку", "Повысили", "Повысили (отметка > отметки по журналу)",
                   "Повысили (Отметка > Отметка по журналу)", "Отметка выше журнальной", "Повысили отметку по журналу"],
    },
}


_QUOTES = "\"'«»„“”‘’`"
_PUNCT_RE = re.compile(r"[.,:;!?/\\\-–—_()\[\]{}*+=<>|" + re.escape(_QUOTES) + r"]+")
_SPACE_RE = re.compile(r"\s+")
_UNIT_TAIL_RE = re.compile(r"[,(]?\s*\(?\s*(?:чел\.?|человек|шт\.?|ед\.?|кол-?во)\s*\)?\s*$", re.I)
_PARENS_RE = re.compile(r"\([^)]*\)")


def norm(text: object) -> str:
    """Normalised header text: lower case, ё→е, punctuation and quotes to spaces, `%` and `№` kept as tokens."""
    if text is None:
        return ""
    s = str(text).replace("\u00a0", " ").replace("\ufeff", "").lower().replace("ё", "е")
    s = s.replace("%", " % ").replace("№", " № ")
    s = _PUNCT_RE.sub(" ", s)
    return _SPACE_RE.sub(" ", s).strip()


def _is_pct_column(table: str, column: str) -> bool:
    return column.endswith("_pct")


@lru_cache(maxsize=None)
def _index(table: str) -> dict[str, str]:
    """Normalised synonym → column for one table (canonical template headers first)."""
    idx: dict[str, str] = {}
    for col in TABLES[table]:
        idx.setdefault(norm(col.header), col.name)
        idx.setdefault(norm(col.name), col.name)
    for col, words in SYNONYMS.get(table, {}).items():
        for w in words:
            idx.setdefault(norm(w), col)
    return idx


def _candidates(text: object) -> list[str]:
    """Normalised forms to try, most literal first."""
    raw = "" if text is None else str(text).strip()
    forms = [norm(raw)]
    no_tail = _UNIT_TAIL_RE.sub("", raw)
    forms.append(norm(no_tail))
    no_parens = _PARENS_RE.sub(" ", raw)
    forms.append(norm(_UNIT_TAIL_RE.sub("", no_parens)))
    out = []
    for f in forms:
        if f and f not in out:
            out.append(f)
    return out


EXACT = 10.0  # the score of a known phrasing, above any the vocabulary gives


@lru_cache(maxsize=16384)
def _match_cached(text: str, table: str) -> tuple[str, float] | None:
    return _match_column(text, table)


def match_column(text: object, table: str) -> str | None:
    """Model column (or helper field) of `table` that a header means, or None."""
    found = match_scored(text, table)
    return found[0] if found else None


def match_scored(text: object, table: str) -> tuple[str, float] | None:
    """(field, score) a header means: a known phrasing scores `EXACT`, a wording judged by its words
    (`loaders.vocabulary`) its vocabulary score; None when it means nothing, or two fields equally."""
    if isinstance(text, str):
        return _match_cached(text, table)
    return _match_column(text, table)


def _match_column(text: object, table: str) -> tuple[str, float] | None:
    if text is None or table not in TABLES:
        return None
    has_pct = "%" in str(text)
    idx = _index(table)
    for form in _candidates(text):
        col = idx.get(form)
        if col is None and has_pct and "%" not in form:
            col = idx.get(form + " %")
        if col is None:
            continue
        if has_pct and not _is_pct_column(table, col) and col not in ("name", "title", INDICATOR_NAME):
            return None  # «…, %» is a share, never a count or a mean
        return col, EXACT
    field = vocabulary.best(text, table)  # not a known phrasing: judged by the words it contains
    if field is None:
        return None
    return field, dict(vocabulary.scores(str(text), table))[field]


def match_header(text: object, table: str | None = None) -> tuple[str, str] | None:
    """(table, column) a header means; with `table`, only that table is tried.

    Without `table` the first table (results, values, events, indicators, schools) that knows the header wins.
    """
    tables = [table] if table else ["results", "values", "events", "indicators", "schools"]
    for t in tables:
        col = match_column(text, t)
        if col:
            return t, col
    return None


def header_signature(headers: list[object]) -> str:
    """Stable short hash of a table's normalised header texts (blank headers skipped), for saved mappings."""
    texts = [norm(h) for h in headers if norm(h)]
    return hashlib.sha1("|".join(texts).encode("utf-8")).hexdigest()[:16]


_TOTAL_FIRST_WORDS = {"итого", "итог", "всего", "среднее", "район", "округ", "регион", "область", "край",
                      "муниципалитет", "сумма", "total", "общо"}
_TOTAL_PHRASES = ("в среднем", "в целом", "по району", "по округу", "по региону", "по области", "по краю",
                  "по республике", "по мо", "мо в целом", "по муниципалитету", "средний по", "средний балл по",
                  "средняя по", "средний показатель по")


def is_total_label(text: object) -> bool:
    """Does a row label mean a total/average row (`Итого по району`, `Всего`, `Среднее по району`), not a school?"""
    n = norm(text)
    if not n:
        return False
    first = n.split(" ", 1)[0]
    return first in _TOTAL_FIRST_WORDS or n.startswith(_TOTAL_PHRASES)
