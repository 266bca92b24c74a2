"""Where does a page get its data and its computed numbers?

From the store only (`store.open_store`), opened once per process
(`st.cache_resource`) at the path in env `DASHBOARD_STORE` (else settings
`store.path`). Each tidy table is read when a page first needs it, once per
store version (`st.cache_resource` keyed on path, `store.version()` and table);
the filter lists and `has()` come from small queries, and every metric is computed once
per (version, metric, arguments): a rerun after a filter change hits the
cache. Pages call the wrappers below and never touch the store or `metrics`
heavy functions directly.

Public: `get_store()`, `store_error()`, `version()`, `tables()`, `table(name)`,
`has(*names)`, `metric(name, **kwargs)`, the named wrappers (`plan_vs_fact`,
`forecast_to_target`, `glide_path`, `roadmap_progress`, `roadmap_summary`,
`events_due`, `key_figures`, `risk_flags`, `risk_summary`, ...), `guard(title)`,
`school_names()`; for the warm-up (`ui/warm.py`): `precompute(name, kwargs)` and `asked()`.
"""
from __future__ import annotations

import contextlib
import gc
import inspect
import logging
import os
import threading
from datetime import date
from collections.abc import Iterator, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from loaders.model import TABLES, columns

log = logging.getLogger(__name__)

TABLE_PARAMS = tuple(TABLES)  # schools, indicators, values, events, results


def store_path() -> str | None:
    """The store file from env DASHBOARD_STORE, or None (= settings store.path)."""
    return os.environ.get("DASHBOARD_STORE") or None


@st.cache_resource(show_spinner="Открываю хранилище данных…")
def _open(path: str | None) -> Any:
    from store import open_store

    return open_store(path=path)


_ERRORS: dict[str | None, str] = {}


def get_store() -> Any | None:
    """The opened store (one per process and path), or None when it cannot be opened."""
    path = store_path()
    try:
        return _open(path)
    except Exception as exc:  # the page shows store_error() instead of a traceback
        log.exception("store cannot be opened")
        _ERRORS[path] = f"Хранилище данных не открывается: {exc}"
        return None


def store_error() -> str | None:
    """Russian text of why the store could not be opened (None when it is fine)."""
    return _ERRORS.get(store_path())


def _run_memo() -> Any:
    """An object that lives exactly as long as the current script run (None outside a run)."""
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

        ctx = get_script_run_ctx(suppress_warning=True)
        return getattr(ctx, "parallel_coordinator", None) if ctx is not None else None
    except Exception:
        return None


def version() -> int:
    """The store's data version (-1 without a store): the cache key of everything below.

    Read once per script run (a page asks many times), so an upload shows on the next run."""
    memo = _run_memo()
    cached = getattr(memo, "_dashboard_version", None) if memo is not None else None
    if cached is not None and cached[0] == store_path():
        return cached[1]
    s = get_store()
    v = -1 if s is None else int(s.version())
    if memo is not None:
        try:
            memo._dashboard_version = (store_path(), v)
        except AttributeError:
            pass
    return v


def _empty(name: str) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns(name)})


@st.cache_resource(show_spinner=False, max_entries=len(TABLE_PARAMS) * 2)
def _read_table(path: str | None, ver: int, name: str) -> pd.DataFrame:
    # cache_resource: one shared copy, no per-call unpickling (420,000 result rows at region scale).
    # Callers never modify these frames in place (they filter, assign or copy).
    s = _open(path) if ver >= 0 else None
    return s.read(name) if s is not None else _empty(name)


class _Tables(Mapping):
    """The five tidy tables of one store version, each read on first access (a page that needs
    the events never reads the 420,000 result rows)."""

    def __init__(self, path: str | None, ver: int):
        self._path, self._ver = path, ver

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in TABLE_PARAMS:
            raise KeyError(name)
        return _read_table(self._path, self._ver, name)

    def __iter__(self) -> Iterator[str]:
        return iter(TABLE_PARAMS)

    def __len__(self) -> int:
        return len(TABLE_PARAMS)


def tables() -> Mapping[str, pd.DataFrame]:
    """All tidy tables of the store (empty frames with model columns when nothing is loaded),
    each read from the store when first asked for.

    Shared, read-only: filter, `.assign` or `.copy()` them, never modify them in place."""
    return _Tables(store_path(), version())


def table(name: str) -> pd.DataFrame:
    return _read_table(store_path(), version(), name)


@st.cache_resource(show_spinner=False, max_entries=4)
def _counts(path: str | None, ver: int) -> dict[str, int]:
    s = _open(path) if ver >= 0 else None
    return s.counts() if s is not None else {name: 0 for name in TABLE_PARAMS}


def has(*names: str) -> bool:
    """True when every named table has at least one row (a count query; no table is read)."""
    n = _counts(store_path(), version())
    return all(n.get(name, 0) > 0 for name in names)


@st.cache_data(show_spinner=False, max_entries=8)
def _store_frame(path: str | None, ver: int, what: str) -> pd.DataFrame:
    return getattr(_open(path), what)()


def history() -> pd.DataFrame:
    """store.history(), read once per data version (every accepted upload or undo changes it)."""
    s = get_store()
    return pd.DataFrame() if s is None else _store_frame(store_path(), version(), "history")


def sources() -> pd.DataFrame:
    """store.sources(), read once per data version."""
    s = get_store()
    return pd.DataFrame() if s is None else _store_frame(store_path(), version(), "sources")


# --- metrics -----------------------------------------------------------------

def _fill_tables(fn: Any, data: Mapping[str, pd.DataFrame], kwargs: dict[str, Any]) -> dict[str, Any]:
    """Add the tidy tables the metric function asks for by parameter name (only those are read)."""
    params = inspect.signature(fn).parameters
    for p in params:
        if p in TABLE_PARAMS and p not in kwargs:
            kwargs[p] = data[p]
    return kwargs


# Metrics whose first argument is another metric's output: name -> (source metric, its kwargs, the parameter name).
_CHAINS = {
    "roadmap_summary": ("roadmap_progress", ("on_date",), "progress"),
    "events_due": ("roadmap_progress", ("on_date",), "progress"),
    "roadmap_year_summary": ("roadmap_year", ("year", "on_date", "school_id", "school_names"), "progress"),
    "risk_summary": ("risk_flags", ("year",), "flags"),
    "objectivity_summary": ("objectivity_flags", ("year",), "flags_df"),
}


_MODULES = ("plan_fact", "forecast", "roadmap", "key_figures", "level_change", "measures", "uncertainty",
            "ranking", "social", "risk", "objectivity")


def resolve(name: str) -> Any:
    """The public metric function `name` (from `metrics/__init__.py`, else from its module)."""
    import importlib

    import metrics

    fn = getattr(metrics, name, None)
    if fn is not None:
        return fn
    for mod in _MODULES:
        try:
            m = importlib.import_module(f"metrics.{mod}")
        except ImportError:
            continue
        if callable(getattr(m, name, None)):
            return getattr(m, name)
    raise AttributeError(f"в metrics нет функции {name}")


def _compute(name: str, data: Mapping[str, pd.DataFrame], kwargs: dict[str, Any]) -> Any:
    fn = resolve(name)
    return fn(**_fill_tables(fn, data, dict(kwargs)))


def _shield(obj: Any) -> Any:
    """A shallow copy of a cached result: a caller that adds or replaces a column changes its own copy,
    not the shared one (no data is copied; callers never write into cells of a metric's output)."""
    if isinstance(obj, (pd.DataFrame, pd.Series)):
        return obj.copy(deep=False)
    if isinstance(obj, tuple) and not hasattr(obj, "_fields"):
        return tuple(_shield(o) for o in obj)
    if isinstance(obj, list):
        return [_shield(o) for o in obj]
    if isinstance(obj, dict):
        return {k: _shield(v) for k, v in obj.items()}
    return obj


# cache_resource, not cache_data: a region's metric output (tens of thousands of rows) was pickled into
# the cache on every computation and unpickled on every rerun; now one shared object per
# (store, version, metric, arguments), handed out through `_shield`.
@st.cache_resource(show_spinner=False, max_entries=512)
def _metric(path: str | None, ver: int, name: str, items: tuple[tuple[str, Any], ...]) -> Any:
    out = _metric_value(path, ver, name, items)
    # A cached result lives until a new data version: hide its objects (at region scale millions) from the cyclic
    # garbage collector, whose every full pass would otherwise walk them all (1.2 s). The garbage of the
    # computation is collected first (a pass over what was made since the last freeze only), so that no cycle is
    # kept for good; `_forget_old` gives the collector the old results back when a new version replaces them.
    gc.collect()
    gc.freeze()
    return out


def _metric_value(path: str | None, ver: int, name: str, items: tuple[tuple[str, Any], ...]) -> Any:
    kwargs = dict(items)
    if name in _CHAINS:
        # the source metric goes through this cache too (risk_flags is shared by the list and its summary)
        src, src_args, param = _CHAINS[name]
        upstream = _metric(path, ver, src, tuple(sorted((a, kwargs[a]) for a in src_args if a in kwargs)))
        fn = resolve(name)
        own = inspect.signature(fn).parameters
        call = {k: v for k, v in kwargs.items() if k in own}
        call[param if param in own else next(iter(own))] = upstream
        return fn(**call)
    return _compute(name, _Tables(path, ver), kwargs)


_SEEN: dict[str | None, int] = {}


def _forget_old(path: str | None, ver: int) -> None:
    """Drop cached metric results once a store has a newer version: they are never asked for again
    (a process keeps one copy per live version, not 512 whole-region outputs across uploads)."""
    last = _SEEN.get(path)
    if last is not None and ver > last:
        _metric.clear()
        gc.unfreeze()
    if last is None or ver > last:
        _SEEN[path] = ver


def metric(name: str, **kwargs: Any) -> Any:
    """Result of `metrics.<name>(**kwargs)` with the tidy tables filled in by parameter name
    (results, values, indicators, events, schools), cached on the store version + arguments.
    A shallow copy of the shared cached object: add or replace columns freely, never write into cells.

    Pass every non-table argument by keyword. Chained metrics take their source's
    arguments: `metric("roadmap_summary", on_date=d, by="section")`,
    `metric("events_due", on_date=d, days=30)`, `metric("risk_summary", year=y)`,
    `metric("objectivity_summary", year=y)`.
    """
    items = tuple(sorted(kwargs.items()))
    _note(name, items)
    return _shield(_get(name, items))


def _get(name: str, items: tuple[tuple[str, Any], ...]) -> Any:
    path, ver = store_path(), version()
    _forget_old(path, ver)
    return _metric(path, ver, name, items)


def precompute(name: str, kwargs: Mapping[str, Any]) -> None:
    """Compute `metric(name, **kwargs)` into the cache without handing it out or noting it (`ui.warm`)."""
    _get(name, tuple(sorted(kwargs.items())))


_ASKED: dict[tuple[str, tuple[tuple[str, Any], ...]], None] = {}  # insertion-ordered: the latest asked last
_ASKED_MAX = 64
_ASKED_LOCK = threading.Lock()  # sessions run in threads of their own


def _note(name: str, items: tuple[tuple[str, Any], ...]) -> None:
    key = (name, items)
    try:
        hash(key)
    except TypeError:  # a frame passed as an argument (level_change_grid): not one to compute ahead
        return
    with _ASKED_LOCK:
        _ASKED.pop(key, None)
        _ASKED[key] = None
        while len(_ASKED) > _ASKED_MAX:
            _ASKED.pop(next(iter(_ASKED)), None)


def asked() -> list[tuple[str, tuple[tuple[str, Any], ...]]]:
    """The metric calls pages made in this process (the latest 64, oldest first): `ui.warm` computes them for the
    neighbouring years."""
    with _ASKED_LOCK:
        return list(_ASKED)


@st.cache_data(show_spinner=False, max_entries=256)
def _scoped(path: str | None, ver: int, name: str, school_id: str | None,
            items: tuple[tuple[str, Any], ...]) -> pd.DataFrame:
    full = _metric(path, ver, name, items)
    sid = full["school_id"]
    if school_id is None:
        return full[sid.isna() | (sid.astype(str) == "")].reset_index(drop=True)
    return full[sid.astype(str) == str(school_id)].reset_index(drop=True)


def scoped(name: str, school_id: str | None, **kwargs: Any) -> pd.DataFrame:
    """The rows of `metric(name, **kwargs)` for one school (school_id) or the district
    (school_id None: rows whose school_id is empty), cached per scope so a page that shows one
    scope never copies the whole region's output on a rerun."""
    return _scoped(store_path(), version(), name, school_id, tuple(sorted(kwargs.items())))


def plan_vs_fact(year: int | None = None) -> pd.DataFrame:
    return metric("plan_vs_fact", year=year)


def forecast_to_target() -> pd.DataFrame:
    return metric("forecast_to_target")


def glide_path() -> pd.DataFrame:
    return metric("glide_path")


def roadmap_progress(on_date: date) -> pd.DataFrame:
    return metric("roadmap_progress", on_date=on_date)


def roadmap_summary(on_date: date, by: str) -> pd.DataFrame:
    return metric("roadmap_summary", on_date=on_date, by=by)


def roadmap_year(year: int, on_date: date, school_id: str | None = None,
                 school_names: tuple[str, ...] = ()) -> pd.DataFrame:
    """The events of one school year (`metrics.roadmap_year`), of one school when school_id is given."""
    return metric("roadmap_year", year=year, on_date=on_date, school_id=school_id, school_names=tuple(school_names))


def roadmap_year_summary(year: int, on_date: date, by: str | None, school_id: str | None = None,
                         school_names: tuple[str, ...] = ()) -> pd.DataFrame:
    return metric("roadmap_year_summary", year=year, on_date=on_date, by=by, school_id=school_id,
                  school_names=tuple(school_names))


def events_due(on_date: date, days: int = 30) -> pd.DataFrame:
    return metric("events_due", on_date=on_date, days=days)


def key_figures(year: int, on_date: date) -> pd.DataFrame:
    return metric("key_figures", year=year, on_date=on_date)


def risk_flags(year: int) -> pd.DataFrame:
    return metric("risk_flags", year=year)


def risk_summary(year: int) -> pd.DataFrame:
    return metric("risk_summary", year=year)


def intervals(year: int | None = None, school_id: str | None = None) -> pd.DataFrame:
    """`metrics.intervals` of one year (None: every year), of one school when school_id is given (the card: a
    few hundred rows, not the region's 420,000)."""
    return metric("intervals", year=year, school_id=school_id)


def objectivity_flags(year: int) -> pd.DataFrame:
    return metric("objectivity_flags", year=year)


def objectivity_summary(year: int) -> pd.DataFrame:
    return metric("objectivity_summary", year=year)


# --- helpers -----------------------------------------------------------------

@st.cache_resource(show_spinner=False, max_entries=4)
def _school_names(path: str | None, ver: int) -> dict[str, str]:
    s = _read_table(path, ver, "schools")
    if s.empty:
        return {}
    s = s.assign(_y=pd.to_numeric(s["year"], errors="coerce").fillna(-1))
    s = s.sort_values("_y").drop_duplicates("school_id", keep="last")
    short = s["short_name"].where(s["short_name"].notna() & (s["short_name"].astype(str).str.strip() != ""), s["name"])
    return dict(zip(s["school_id"].astype(str), short.astype(str)))


def school_names() -> dict[str, str]:
    """school_id -> display name (short name when given, else the full name; latest year wins).

    Cached per data version; shared — do not modify."""
    return _school_names(store_path(), version())


_NO_FACETS: dict[str, Any] = {"result_years": set(), "value_years": set(), "fact_years": set(), "exams": set(),
                              "result_schools": set(), "value_schools": set()}


@st.cache_resource(show_spinner=False, max_entries=4)
def _facets(path: str | None, ver: int) -> dict[str, Any]:
    # small DISTINCT queries (store/facets.py): the sidebar never reads the result rows
    s = _open(path) if ver >= 0 else None
    return s.facets() if s is not None else dict(_NO_FACETS)


@st.cache_resource(show_spinner=False, max_entries=4)
def _summary(path: str | None, ver: int) -> dict[str, dict[str, Any]]:
    s = _open(path) if ver >= 0 else None
    return s.summary() if s is not None else {}


def summary() -> dict[str, dict[str, Any]]:
    """Rows, schools and years per table (`Store.summary()`), once per data version; shared — do not modify."""
    return _summary(store_path(), version())


def facets() -> dict[str, Any]:
    """What the filters offer, computed once per data version: result_years, value_years,
    fact_years, exams, result_schools, value_schools (sets; shared — do not modify)."""
    return _facets(store_path(), version())


def strict() -> bool:
    """Tests set DASHBOARD_STRICT=1 so that a failing metric raises instead of showing a warning."""
    return os.environ.get("DASHBOARD_STRICT", "") not in ("", "0")


@contextlib.contextmanager
def guard(title: str) -> Iterator[None]:
    """Run one page section; on an unexpected error show a Russian warning instead of a traceback."""
    try:
        yield
    except st.errors.StreamlitAPIException:
        raise
    except Exception as exc:
        if strict():
            raise
        log.exception("section %s failed", title)
        st.warning(f"Раздел «{title}» сейчас не удалось показать: {exc}")
