"""Does a link that names a year, school or procedure not loaded say so above the page, and what does it show instead?

The sample district has results for 2022–2026 and indicator values (plans included) up to 2027;
on 2026-11-22 the default year is 2026 (2025/26), the schools are the registry's codes and the
procedures are ЕГЭ, ОГЭ, ВПР and «Пробный ЕГЭ» (ЕГЭ first).
"""
from __future__ import annotations

import pytest

from tests.pages.conftest import PAGES, make_app, no_exception, unescaped


@pytest.fixture
def open_link():
    """open_link("ranking", year=2031): the page opened straight from a link (its first run is that page)."""
    def _open(page: str, **query):
        at = make_app()
        for k, v in query.items():
            at.query_params[k] = str(v)
        if page != "overview":
            at.switch_page(PAGES[page])
        at.run()
        return at
    return _open


def _notices(at) -> list[str]:
    return [unescaped(w.value) for w in at.main.warning if "В ссылке" in w.value]


def _param(at, name):
    v = dict(at.query_params).get(name)
    return v[0] if isinstance(v, list) else v


@pytest.mark.parametrize("page", ["overview", "ranking"])
def test_unknown_year_is_said_and_the_latest_is_shown(shared_store, open_link, page):
    at = open_link(page, year=2031)
    no_exception(at)
    assert at.title[0].value == {"overview": "Обзор", "ranking": "Рейтинг школ"}[page]
    assert _notices(at) == ["В ссылке указан учебный год «2031», а данных за него нет (загружены 2021/22 – 2026/27). "
                            "Показан 2025/26 учебный год."]
    assert at.selectbox(key="w_year").value == 2026
    assert _param(at, "year") == "2026"  # the link is corrected: the notice is said once
    at.run()
    assert _notices(at) == []


def test_a_year_that_is_not_a_number(shared_store, open_link):
    at = open_link("overview", year="прошлый")
    no_exception(at)
    assert _notices(at) and "«прошлый»" in _notices(at)[0] and "Показан 2025/26 учебный год" in _notices(at)[0]


def test_a_school_year_written_as_in_speech_is_understood(shared_store, open_link):
    at = open_link("overview", year="2024/25")
    no_exception(at)
    assert _notices(at) == []
    assert at.selectbox(key="w_year").value == 2025


def test_unknown_school_is_said_and_the_district_shown(shared_store, open_link):
    at = open_link("ranking", school="sos99", year=2026)
    no_exception(at)
    assert _notices(at) == ["В ссылке указана школа с кодом «sos99», а такой школы в загруженных данных нет. "
                            "Показан весь район."]
    assert at.selectbox(key="w_school").value == ""
    assert _param(at, "school") is None


def test_unknown_procedure_is_said_and_the_first_one_shown(shared_store, open_link):
    at = open_link("ranking", exam="ЕГЕ", year=2026)  # a typo: Cyrillic Е for Э
    no_exception(at)
    assert _notices(at) == ["В ссылке указана процедура «ЕГЕ», а её результатов нет (загружены: ЕГЭ, ОГЭ, ВПР, "
                            "Пробный ЕГЭ); показана процедура ЕГЭ."]
    assert at.selectbox(key="funnel_exam").value == "ЕГЭ"


def test_several_wrong_parameters_each_get_a_line(shared_store, open_link):
    at = open_link("overview", year=1999, school="x", exam="y")
    no_exception(at)
    said = _notices(at)
    assert len(said) == 3
    assert ["учебный год «1999»" in said[0], "школа с кодом «x»" in said[1], "процедура «y»" in said[2]] == [True] * 3


def test_markup_in_a_link_parameter_is_shown_as_text(shared_store, open_link):
    at = open_link("overview", school="**x**[a](http://e.x)")
    no_exception(at)
    raw = next(w.value for w in at.main.warning if "В ссылке" in w.value)
    assert "\\*\\*x\\*\\*" in raw and "\\[a\\]" in raw  # escaped for markdown, shown as typed


def test_valid_parameters_say_nothing(shared_store, open_link):
    at = open_link("overview", year=2025, school="kedr", exam="ОГЭ")
    no_exception(at)
    assert _notices(at) == []
