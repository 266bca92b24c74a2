"""Are Russian headers and their usual synonyms matched to model columns by text, not position?"""
import pytest

from loaders.headers import header_signature, is_total_label, match_column, match_header, norm
from loaders.model import TABLES


@pytest.mark.parametrize("text", ["ОО", "Образовательная организация", "Наименование ОО", "Школа",
                                  "Наименование образовательной организации", "Краткое наименование",
                                  "  наименование  оо ", "ОБРАЗОВАТЕЛЬНАЯ ОРГАНИЗАЦИЯ"])
def test_school_name_synonyms(text):
    assert match_column(text, "results") == "school_name"


@pytest.mark.parametrize("text", ["Участников", "Количество участников", "Кол-во участников", "Сдавали",
                                  "Всего сдававших", "Явились", "Количество участников, чел."])
def test_participants(text):
    assert match_column(text, "results") == "participants"


@pytest.mark.parametrize("text,col", [
    ("Средний балл", "mean"), ("Ср. балл", "mean"), ("Не преодолели порог", "below_min"),
    ("Не преодолели минимальный порог", "below_min"), ("Ниже минимума", "below_min"), ('Получили "2"', "below_min"),
    ("Понизили", "lowered"), ("Подтвердили", "confirmed"), ("Повысили", "raised"),
    ("Понизили (отметка < отметки по журналу)", "lowered"), ("Повысили (Отметка > Отметка по журналу)", "raised"),
    ("Отметка «5»", "mark5"), ("Предмет", "subject"), ("Учебный год", "year"), ("Класс", "grade"),
])
def test_results_synonyms(text, col):
    assert match_column(text, "results") == col


def test_percent_header_is_never_a_count():
    assert match_column("Не преодолели порог, %", "results") is None
    assert match_column("Понизили, %", "results") is None
    assert match_column("Доля из малоимущих семей, %", "schools") == "low_income_pct"
    assert match_column("Доля из малоимущих семей (%)", "schools") == "low_income_pct"


def test_every_template_header_matches_its_own_column():
    for table, cols in TABLES.items():
        for c in cols:
            assert match_column(c.header, table) == c.name, (table, c.header)


def test_yo_and_case_are_ignored():
    assert norm("Сокращённое  НАИМЕНОВАНИЕ") == norm("сокращенное наименование")
    assert match_column("Сокращенное наименование", "schools") == "short_name"


def test_match_header_without_table_and_unknown():
    assert match_header("Средний балл") == ("results", "mean")
    assert match_header("Наименование показателя", "indicators") == ("indicators", "name")
    assert match_header("Цвет глаз") is None


def test_signature_is_stable_and_order_sensitive():
    a = header_signature(["Наименование ОО", "Участников", None, ""])
    assert a == header_signature(["наименование оо", " Участников "])
    assert a != header_signature(["Участников", "Наименование ОО"])
    assert len(a) == 16


@pytest.mark.parametrize("text,total", [("Итого по району", True), ("Всего", True), ("Район", True),
                                        ("Среднее по району", True), ("ИТОГО:", True),
                                        ("Сосновская СОШ № 1", False), ("Районная гимназия", False), (None, False)])
def test_total_labels(text, total):
    assert is_total_label(text) is total
