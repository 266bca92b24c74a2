"""Which year, school and procedure is the user looking at?

The shared sidebar state. The canonical values live in `st.session_state`
(`flt_year`, `flt_school`, `flt_exam`) so they survive page switches, and are
mirrored into the URL (`?school=sos1&year=2024&exam=ЕГЭ`) so a link opens the
same view. A query parameter that differs from what this module last wrote was
set from outside (a deep link, a `page_link_with_filters`) and wins.

Public: `sidebar_filters()`, `show_notices()`, `current_year()`, `current_school()`,
`current_exam()`, `today()`, `filter_params(**overrides)`,
`page_link_with_filters(page, label, ...)`, `exam_picker(options, key)`, `year_options()`, `school_options()`,
`exam_options()`, `ALL_DISTRICT`.
"""
from __future__ import annotations

import os
import re
from datetime import date
from typing import Any

import streamlit as st

from ui import data

ALL_DISTRICT = "Весь район"
_KEYS = {"year": "flt_year", "school": "flt_school", "exam": "flt_exam"}
_WRITTEN = "flt_written"  # what this module last wrote into the URL, per parameter


def today() -> date:
    """Today's date (env DASHBOARD_TODAY=yyyy-mm-dd overrides it for demos and tests)."""
    fixed = os.environ.get("DASHBOARD_TODAY")
    if fixed:
        try:
            return date.fromisoformat(fixed)
        except ValueError:
            pass
    return date.today()


# --- options -------------------------------------------------------------------

def year_options() -> list[int]:
    """Years with results or indicator values (plans included), newest first."""
    fc = data.facets()
    years = fc["result_years"] | fc["value_years"]
    if not years:
        years = {today().year}
    return sorted(years, reverse=True)


def default_year() -> int:
    """The latest year that has results or facts and is not in the future."""
    fc = data.facets()
    years = [y for y in (fc["result_years"] | fc["fact_years"]) if y <= today().year]
    if years:
        return max(years)
    opts = [y for y in year_options() if y <= today().year]
    return max(opts) if opts else year_options()[0]


def school_options() -> list[str | None]:
    """None (= «Весь район») followed by school ids in name order."""
    names = data.school_names()
    ids = sorted(names, key=lambda i: names[i].lower())
    # schools that appear only in results or school-level indicator values (no registry row) still get a choice
    fc = data.facets()
    ids += sorted((fc["result_schools"] | fc.get("value_schools", set())) - set(ids))
    return [None, *ids]


def school_label(school_id: str | None) -> str:
    if school_id is None:
        return ALL_DISTRICT
    return data.school_names().get(school_id, school_id)


def school_md(school_id: str | None) -> str:
    """The school's name for a markdown context (caption, alert, title): escaped, shown as text."""
    from ui.safe import md

    return md(school_label(school_id))


def exam_options() -> list[str]:
    """Procedures present in the results, the main ones first."""
    present = data.facets()["exams"]
    order = ["ЕГЭ", "ОГЭ", "ВПР", "ГВЭ"]
    return [e for e in order if e in present] + sorted(present - set(order))


# --- state -------------------------------------------------------------------

_NOTICES = "flt_notices"  # what was wrong in the link, shown once above the page (`show_notices`)


def _parse(name: str, raw: Any) -> Any:
    """A query-parameter value turned into a valid filter value, or `_INVALID` when it names nothing loaded.
    A year may be written as the year it ends (2026) or as the school year (2025/26)."""
    if raw is None or raw == "":
        return None
    text = str(raw).strip()
    if name == "year":
        m = re.fullmatch(r"(\d{4})\s*[/-]\s*(\d{2}|\d{4})", text)
        try:
            y = int(m.group(1)) + 1 if m else int(text)
        except ValueError:
            return _INVALID
        if m and str(y)[-len(m.group(2)):] != m.group(2):
            return _INVALID  # «2025/27» is no school year
        return y if y in year_options() else _INVALID
    if name == "school":
        return text if text in school_options() else _INVALID
    if name == "exam":
        return text if text in exam_options() else _INVALID
    return raw


_INVALID = object()


def _default(name: str) -> Any:
    if name == "year":
        return default_year()
    if name == "exam":
        opts = exam_options()
        return opts[0] if opts else None
    return None


def _notice(name: str, raw: Any, shown: Any) -> str:
    """The sentence for an invalid link parameter: what it said (as text) and what is shown instead."""
    from ui import format as fmt
    from ui.safe import md

    said = md(str(raw).strip()[:60])
    if name == "year":
        years = year_options()
        have = f"{fmt.year_label(min(years))[:7]} – {fmt.year_label(max(years))[:7]}"
        return (f"В ссылке указан учебный год «{said}», а данных за него нет (загружены {have}). "
                f"Показан {fmt.year_label(shown)}.")
    if name == "school":
        return f"В ссылке указана школа с кодом «{said}», а такой школы в загруженных данных нет. Показан весь район."
    shown_text = f"показана процедура {shown}" if shown else "процедура не выбрана"
    present = ", ".join(exam_options()) or "нет ни одной"
    return (f"В ссылке указана процедура «{said}», а её результатов нет (загружены: {present}); {shown_text}.")


def sync_from_url() -> None:
    """Adopt query parameters set from outside; fill missing state with defaults. A parameter that names
    nothing loaded (a year without data, an unknown school code or procedure) leaves a notice for
    `show_notices()` saying what was wrong and what is shown instead."""
    written = st.session_state.setdefault(_WRITTEN, {})
    invalid: list[tuple[str, Any]] = []
    for name, key in _KEYS.items():
        raw = st.query_params.get(name)
        if raw is not None and raw != written.get(name):
            value = _parse(name, raw)
            if value is not _INVALID:
                st.session_state[key] = value
            else:
                invalid.append((name, raw))
                if name == "school":
                    st.session_state[key] = None
        if key not in st.session_state:
            st.session_state[key] = _default(name)
        elif name == "year" and st.session_state[key] not in year_options():
            st.session_state[key] = _default(name)
        elif name == "exam" and st.session_state[key] not in exam_options():
            st.session_state[key] = _default(name)
        elif name == "school" and st.session_state[key] not in school_options():
            st.session_state[key] = None
    if invalid:
        notices = st.session_state.setdefault(_NOTICES, [])
        notices += [_notice(name, raw, st.session_state.get(_KEYS[name])) for name, raw in invalid]


def show_notices() -> None:
    """Warn, above the page, about link parameters that named nothing loaded (once: the URL is corrected)."""
    for text in st.session_state.pop(_NOTICES, []):
        st.warning(text, icon=":material/link_off:")


def write_to_url() -> None:
    """Mirror the canonical state into the URL (only the parameters that changed)."""
    written = st.session_state.setdefault(_WRITTEN, {})
    for name, key in _KEYS.items():
        value = st.session_state.get(key)
        text = None if value is None else str(value)
        if text is None:
            if name in st.query_params:
                del st.query_params[name]
        elif st.query_params.get(name) != text:
            st.query_params[name] = text
        written[name] = text


def current_year() -> int:
    v = st.session_state.get(_KEYS["year"])
    return int(v) if v is not None else default_year()


def current_school() -> str | None:
    """The chosen school id, or None for «Весь район»."""
    return st.session_state.get(_KEYS["school"])


def current_exam() -> str | None:
    v = st.session_state.get(_KEYS["exam"])
    return v if v is not None else _default("exam")


def _copy(widget_key: str, key: str) -> None:
    st.session_state[key] = st.session_state[widget_key]


def _copy_school() -> None:
    st.session_state[_KEYS["school"]] = st.session_state["w_school"] or None


def sidebar_filters() -> None:
    """Render the year and school selectors in the sidebar. The procedure is chosen on the page, next to
    what it drives (`exam_picker`): one «Процедура» per page."""
    sync_from_url()
    years = year_options()
    st.session_state["w_year"] = st.session_state[_KEYS["year"]]
    st.sidebar.selectbox(
        "Учебный год",
        years,
        key="w_year",
        format_func=lambda y: f"{y - 1}/{str(y)[-2:]}",
        on_change=_copy, args=("w_year", _KEYS["year"]),
        help="Год окончания учебного года: 2025/26 = 2026.",
    )
    # a selectbox shows None as "no choice": «Весь район» is "" in the widget, None in the state
    schools = ["" if s is None else s for s in school_options()]
    names = data.school_names()
    st.session_state["w_school"] = st.session_state[_KEYS["school"]] or ""
    st.sidebar.selectbox(
        "Школа",
        schools,
        key="w_school",
        format_func=lambda s: names.get(s, s) if s else ALL_DISTRICT,
        on_change=_copy_school,
    )
    write_to_url()


def exam_picker(options: list[str], key: str, label: str = "Процедура", where: Any = None) -> str | None:
    """A page's procedure selectbox (the only one on the page) kept in step with the shared choice: it follows
    a link's `exam` parameter, and choosing here changes the shared choice and the URL, so the next page opens
    on the same procedure. `options` may leave some procedures out (ВПР is never ranked); then the shared
    choice is shown only when it is one of them."""
    if not options:
        return None
    cur = current_exam()
    if cur in options and st.session_state.get(_SYNCED.format(key)) != cur:
        st.session_state[key] = cur  # the sidebar or a link changed the procedure: follow it
    if st.session_state.get(key) not in options:
        st.session_state[key] = options[0]
    st.session_state[_SYNCED.format(key)] = cur if cur in options else st.session_state[key]
    box = where if where is not None else st
    return box.selectbox(label, options, key=key, on_change=_pick_exam, args=(key,))


_SYNCED = "{}_synced_exam"


def _pick_exam(key: str) -> None:
    value = st.session_state[key]
    st.session_state[_KEYS["exam"]] = value
    st.session_state[_SYNCED.format(key)] = value


def filter_params(**overrides: Any) -> dict[str, str]:
    """The current filters as query parameters, with overrides (None removes a parameter)."""
    params: dict[str, Any] = {
        "year": current_year(),
        "school": current_school(),
        "exam": st.session_state.get(_KEYS["exam"]),
    }
    params.update(overrides)
    return {k: str(v) for k, v in params.items() if v is not None}


def page_link_with_filters(page: str, label: str, icon: str | None = None, **overrides: Any) -> None:
    """`st.page_link` to another page that keeps the filters (school=..., year=... override them)."""
    st.page_link(page, label=label, icon=icon, query_params=filter_params(**overrides))
