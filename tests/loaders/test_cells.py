"""Are single cells read as numbers, ranges, school years and dates the way Russian tables write them?"""
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from loaders.cells import (CellError, find_year, parse_date, parse_dates, parse_number, parse_range, parse_year,
                           to_dates, to_numbers, to_years)


@pytest.mark.parametrize("text,expected", [
    ("4,38", 4.38), ("45%", 45.0), ("6,4%", 6.4), ("0%", 0.0), ("12,5", 12.5), ("164", 164.0),
    ("7 чел.", 7.0), ("1 234", 1234.0), ("1\u00a0234,5", 1234.5), (" 25 ", 25.0), ("45 %", 45.0),
    (3, 3.0), (4.5, 4.5), ("-2", -2.0), ("4.38", 4.38), ("68,5 балла", 68.5),
])
def test_numbers(text, expected):
    assert parse_number(text) == pytest.approx(expected)


@pytest.mark.parametrize("blank", [None, "", "  ", "-", "—", "х", "н/д", float("nan")])
def test_blank_numbers(blank):
    assert parse_number(blank) is None


@pytest.mark.parametrize("garbage", ["4.5.1", "abc", "12а", "4,5,6", True])
def test_garbage_numbers(garbage):
    with pytest.raises(CellError) as exc:
        parse_number(garbage)
    assert exc.value.reason.startswith("не число")


def test_date_in_number_cell_explains_excel():
    with pytest.raises(CellError, match="дату"):
        parse_number(dt.date(2024, 5, 4))


@pytest.mark.parametrize("text,expected", [
    ("3,8 - 4,0", (3.9, 3.8, 4.0)),
    ("3,0 – 3,5", (3.25, 3.0, 3.5)),
    ("3,0—3,5", (3.25, 3.0, 3.5)),
    ("от 10 до 20%", (15.0, 10.0, 20.0)),
    ("не менее 4", (4.0, 4.0, None)),
    ("не более 5%", (5.0, None, 5.0)),
    ("4,38", (4.38, None, None)),
    (12, (12.0, None, None)),
    ("", (None, None, None)),
])
def test_ranges(text, expected):
    got = parse_range(text)
    assert got == pytest.approx(expected) if None not in expected else got == expected


def test_negative_number_is_not_a_range():
    assert parse_range("-5") == (-5.0, None, None)


@pytest.mark.parametrize("text,year", [
    ("2023/24", 2024), ("2023-2024", 2024), ("2023/2024", 2024), ("2024 год", 2024), ("2024 г.", 2024),
    ("2011-2012 (факт)", 2012), ("2012-2013 (план)", 2013), (2024, 2024), (2024.0, 2024), ("2015-2016", 2016),
    ("2023 – 2024 учебный год", 2024), ("1999", 1999),
])
def test_years(text, year):
    assert parse_year(text) == year


@pytest.mark.parametrize("garbage", ["двадцать", "2023/2026", "24.5", 2024.5])
def test_bad_years(garbage):
    with pytest.raises(CellError):
        parse_year(garbage)


def test_find_year_in_titles():
    assert find_year("Результаты ЕГЭ 2024 года") == 2024
    assert find_year("ВПР 2022/23") == 2023
    assert find_year("ege_2015-16.csv") == 2016
    assert find_year("Лист1") is None


@pytest.mark.parametrize("value,iso", [
    ("07.12.2016", "2016-12-07"), ("7.12.16", "2016-12-07"), ("2016-12-07", "2016-12-07"),
    (dt.datetime(2016, 12, 7, 0, 0), "2016-12-07"), (dt.date(2016, 12, 7), "2016-12-07"), (42711, "2016-12-07"),
])
def test_dates(value, iso):
    assert parse_date(value) == iso


def test_bad_dates():
    with pytest.raises(CellError, match="такого дня нет"):
        parse_date("31.02.2024")
    with pytest.raises(CellError):
        parse_date("скоро")


def test_date_lists():
    assert parse_dates("2024-03-31; 30.06.2024") == ["2024-03-31", "2024-06-30"]
    assert parse_dates(["2024-03-31"]) == ["2024-03-31"]
    assert parse_dates("") is None


def test_vectorised_numbers_flag_only_garbage():
    s = pd.Series([1, "4,38", "x", "4.5.1", None, 2.5, "1 234", "45%"], dtype=object)
    values, bad = to_numbers(s)
    assert values.tolist()[:2] == [1.0, 4.38]
    assert np.isnan(values[2]) and np.isnan(values[4])
    assert values[6] == 1234.0 and values[7] == 45.0
    assert bad.tolist() == [False, False, False, True, False, False, False, False]
    assert bad.attrs["reasons"][3] == "не число"


def test_vectorised_years_and_dates():
    years, bad = to_years(pd.Series(["2023/24", 2024, None, "год"], dtype=object))
    assert years.tolist()[:2] == [2024, 2024] and years.isna().tolist() == [False, False, True, True]
    assert bad.tolist() == [False, False, False, True]
    dates, bad = to_dates(pd.Series(["07.12.2016", None, "нет"], dtype=object))
    assert dates.tolist()[:2] == ["2016-12-07", None] and bad.tolist() == [False, False, True]
