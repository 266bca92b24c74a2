"""Does every deadline phrase of real event plans become the right control dates?"""
from datetime import date

import pandas as pd
import pytest

from loaders.deadlines import ProgrammeYears, parse_deadline, parse_deadlines, years_from_title

CAL = (2012, 2014)
SCHOOL = ProgrammeYears(2019, 2020, school_year=True)


def d(s):
    return date.fromisoformat(s)


@pytest.mark.parametrize("text, years, dates", [
    ("до 31 октября 2012 года", CAL, ["2012-10-31"]),
    ("Март 2013 г.", CAL, ["2013-03-31"]),
    ("Апрель 2013, 2014 г.г.", CAL, ["2013-04-30", "2014-04-30"]),
    ("Июнь 2013, декабрь 2013, июнь 2014г., декабрь 2014г", CAL,
     ["2013-06-30", "2013-12-31", "2014-06-30", "2014-12-31"]),
    ("Ежегодно ноябрь", CAL, ["2012-11-30", "2013-11-30", "2014-11-30"]),
    ("Ежегодно: октябрь, январь, апрель", SCHOOL, ["2019-10-31", "2020-01-31", "2020-04-30"]),
    ("07.12.2016", None, ["2016-12-07"]),
    ("Январь, май 2014", None, ["2014-01-31", "2014-05-31"]),
    ("до 1 сентября", CAL, ["2012-09-01", "2013-09-01", "2014-09-01"]),
    ("в феврале 2013 года", None, ["2013-02-28"]),
    ("до 15 мая 2024 г.", None, ["2024-05-15"]),
    ("1 квартал 2013", None, ["2013-03-31"]),
    ("I полугодие 2013", None, ["2013-06-30"]),
    ("Декабрь", SCHOOL, ["2019-12-31"]),
    ("Август", SCHOOL, ["2020-08-31"]),
])
def test_dated(text, years, dates):
    got = parse_deadline(text, years)
    assert got.schedule == "dated"
    assert got.dates == [d(x) for x in dates]
    assert got.text == text


def test_school_year_programme_over_several_years_places_months_by_school_year():
    got = parse_deadline("Ежегодно: октябрь, январь, апрель", ProgrammeYears(2019, 2021, school_year=True))
    assert got.dates == [d(x) for x in ["2019-10-31", "2020-01-31", "2020-04-30",
                                        "2020-10-31", "2021-01-31", "2021-04-30"]]


def test_month_range_over_two_years_gives_two_periods_ending_in_april():
    got = parse_deadline("Февраль-апрель 2013, 2014г.", CAL)
    assert got.dates == [d("2013-04-30"), d("2014-04-30")]
    assert got.periods == [(d("2013-02-01"), d("2013-04-30")), (d("2014-02-01"), d("2014-04-30"))]


def test_day_range():
    got = parse_deadline("15-19.02.2016", None)
    assert got.dates == [d("2016-02-19")]
    assert got.periods == [(d("2016-02-15"), d("2016-02-19"))]


def test_period_across_years():
    got = parse_deadline("Сентябрь 2016-июнь 2017", None)
    assert got.dates == [d("2017-06-30")]
    assert got.periods == [(d("2016-09-01"), d("2017-06-30"))]


def test_winter_range_in_school_year():
    got = parse_deadline("ноябрь-январь", SCHOOL)
    assert got.periods == [(d("2019-11-01"), d("2020-01-31"))]


@pytest.mark.parametrize("text", ["В течение учебного года", "Весь период", "В течение года", "Постоянно",
                                  "ежемесячно", "Ежегодно"])
def test_continuous_never_gets_a_date(text):
    got = parse_deadline(text, CAL)
    assert got.schedule == "continuous"
    assert got.dates == []
    assert got.text == text


@pytest.mark.parametrize("text", ["По плану РМО", "По графику Рособнадзора", "По мере необходимости", "", "   "])
def test_unscheduled(text):
    got = parse_deadline(text, CAL)
    assert got.schedule == "unscheduled"
    assert got.dates == []


def test_month_without_any_year_is_kept_as_text_only():
    got = parse_deadline("Октябрь", None)
    assert (got.text, got.dates, got.schedule) == ("Октябрь", [], "unscheduled")


def test_month_cases():
    for word in ("январь", "января", "январе", "Январь"):
        assert parse_deadline(f"{word} 2015", None).dates == [d("2015-01-31")], word
    for word in ("май", "мая", "мае"):
        assert parse_deadline(f"{word} 2015", None).dates == [d("2015-05-31")], word


@pytest.mark.parametrize("title, expected, school", [
    ("Программа повышения качества образования на 2012-2014 годы", (2012, 2014), False),
    ("План мероприятий на 2019/20 учебный год", (2019, 2020), True),
    ("Дорожная карта на 2023-2024 учебный год", (2023, 2024), True),
    ("План работы на 2023 год", (2023, 2023), False),
    ("на 2019 – 2022 гг.", (2019, 2022), False),
])
def test_years_from_title(title, expected, school):
    got = years_from_title(title)
    assert got == expected
    assert got.school_year is school


def test_years_from_title_without_years():
    assert years_from_title("План мероприятий") is None
    assert years_from_title(None) is None


def test_parse_deadlines_is_aligned_and_keeps_text():
    s = pd.Series(["Март 2013 г.", "Постоянно", None, "Март 2013 г."], index=[10, 11, 12, 13])
    out = parse_deadlines(s, CAL)
    assert list(out.index) == [10, 11, 12, 13]
    assert out["control_dates"].tolist() == [["2013-03-31"], [], [], ["2013-03-31"]]
    assert out["schedule"].tolist() == ["dated", "continuous", "unscheduled", "dated"]
    assert out["deadline_text"].tolist() == ["Март 2013 г.", "Постоянно", "", "Март 2013 г."]


@pytest.mark.parametrize("text,years,dates", [
    ("III кв. 2019 года", None, ["2019-09-30"]),
    ("III кв. 2019 года,\nIV кв. 2019 года,\nIII кв. 2020 года,\nIV кв. 2020 года", None,
     ["2019-09-30", "2019-12-31", "2020-09-30", "2020-12-31"]),
    ("IV квартал", (2023, 2024), ["2023-12-31", "2024-12-31"]),
    ("1 кв. 2022", None, ["2022-03-31"]),
    ("3-й кв. 2021", None, ["2021-09-30"]),
    ("I полугодие 2020", None, ["2020-06-30"]),
    ("II полугодие 2021 года", None, ["2021-12-31"]),
])
def test_quarters_and_half_years(text, years, dates):
    d = parse_deadline(text, years)
    assert [x.isoformat() for x in d.dates] == dates and d.schedule == "dated"


def test_years_with_a_continuous_note_are_continuous():
    d = parse_deadline("2019 - 2035 годы\n(постоянно)")
    assert d.schedule == "continuous" and d.dates == []
