"""How is the file or Google Sheet under review read, and how is what was shown pinned down?

`load_pending(store, pending)` reads the file (or sheet) with the user's options from the sidebar
(`options`), the store's aliases, its saved header mappings and sheet descriptions. Reads of a file are
cached on the SHA-256 of its bytes (plus the options, the store version, the aliases and mappings), never on
the UploadedFile object; a Google Sheet is read once per session and «Обновить» (its nonce).

`diff(store, result)` is `Store.diff`, cached per session and per `content_hash` of the tables it was
computed from: «Принять» writes only if the tables about to be written hash the same as those shown.
"""
from __future__ import annotations

import hashlib
from typing import Any

import pandas as pd
import streamlit as st

from loaders.report import LoadResult
from ui import data
from ui.upload_state import AUTO


def options() -> dict[str, Any]:
    """The user's overrides from the «Параметры файла» expander (None = from the file)."""
    ss = st.session_state
    out = {}
    for name, key in (("year", "upl_year"), ("exam", "upl_exam"), ("table", "upl_table"), ("layout", "upl_layout")):
        v = ss.get(key, AUTO)
        out[name] = None if v in (AUTO, None) else v
    return out


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@st.cache_data(show_spinner="Читаю файл…", max_entries=8)
def _read_file(sha: str, name: str, opts: tuple, ver: int, aliases: tuple, mapping: tuple,
               _data: bytes, _registry: pd.DataFrame | None, _known: pd.DataFrame | None = None,
               _mappings: Any = None, described: tuple = ()) -> LoadResult:
    """Read an uploaded file; the cache key is the bytes' hash + options + store state (never the bytes object).

    `_known` are the store's indicators (same store version): a fact sheet's guessed direction, unit or group
    never overwrites what the store knows. `_mappings` is the store's lookup of saved header mappings
    (signature → mapping), so a table of a shape mapped once is read with that mapping. `described`: the sheet
    descriptions saved for this file's header candidates (only part of the cache key: the loaders ask the store)."""
    from loaders import load_bytes

    return load_bytes(name, _data, **dict(opts), registry=_registry, aliases=dict(aliases),
                      mapping=dict(mapping) or None, known_indicators=_known, mappings=_mappings)


def _read_gsheet(url: str, opts: tuple, ver: int, aliases: tuple, mapping: tuple, nonce: int,
                 registry: pd.DataFrame | None, known: pd.DataFrame | None = None,
                 mappings: Any = None, described: tuple = ()) -> LoadResult:
    """Read a Google Sheet (cached per session; «Обновить» changes the nonce)."""
    cache = st.session_state.setdefault("upl_gs_cache", {})
    key = (url, opts, ver, aliases, mapping, nonce, described)
    if key not in cache:
        from loaders import load_gsheet

        with st.spinner("Читаю Google Таблицу…"):
            result = load_gsheet(url, **dict(opts), registry=registry, aliases=dict(aliases),
                                 mapping=dict(mapping) or None, known_indicators=known, mappings=mappings)
        cache.clear()  # keep one reading per session
        cache[key] = result
    return cache[key]


def _signatures(result: LoadResult) -> list[str]:
    sigs = [d.get("signature") for d in result.detected] + [u.get("signature") for u in result.unplaced_columns]
    return sorted({s for s in sigs if s})


def saved_mapping(store: Any, result: LoadResult) -> dict[str, str]:
    """The header mappings the store keeps for the signatures of this load, merged."""
    merged: dict[str, str] = {}
    for sig in _signatures(result):
        merged.update({k: v for k, v in (store.mapping(sig) or {}).items() if not k.startswith("@")})
    return merged  # what a mapping says about its sheet («@table») applies to that header only: the loaders ask


def _described(store: Any, result: LoadResult) -> tuple:
    """The sheet descriptions («@table» …) the store keeps for the header candidates of this load's sheets."""
    found = []
    for sh in result.sheet_headers or []:
        for c in sh.get("candidates") or []:
            m = store.mapping(c["signature"])
            if m and "@table" in m:
                found.append((c["signature"], tuple(sorted(m.items()))))
    return tuple(sorted(found))


def load_pending(store: Any, pending: dict[str, Any]) -> tuple[LoadResult, dict[str, str]]:
    """Read the file or sheet under review with the current options, aliases and saved mappings."""
    opts = options()
    if pending.get("source") == "gsheets":
        opts["table"] = pending.get("table") or opts["table"]
    opts_t = tuple(sorted(opts.items()))
    ver = data.version()
    aliases = tuple(sorted(store.aliases().items()))
    registry = data.table("schools") if data.has("schools") else None
    known = store.read("indicators")

    def read(mapping: tuple, described: tuple = ()) -> LoadResult:
        if pending.get("source") == "gsheets":
            return _read_gsheet(pending["url"], opts_t, ver, aliases, mapping, int(pending.get("nonce", 0)), registry,
                                known, store.mapping, described)
        return _read_file(pending["sha"], pending["name"], opts_t, ver, aliases, mapping, pending["data"], registry,
                          known, store.mapping, described)

    result = read(())
    mapping = saved_mapping(store, result)
    described = _described(store, result)
    if mapping or described:
        result = read(tuple(sorted(mapping.items())), described)
    return result, mapping


def content_hash(result: LoadResult) -> str:
    """SHA-256 of the tables a load would write (table names, columns, every value in order)."""
    h = hashlib.sha256()
    for t, df in sorted((result.tables or {}).items()):
        if df is None or not len(df):
            continue
        h.update(f"{t}\0{list(map(str, df.columns))}\0{len(df)}".encode())
        for c in df.columns:
            col = df[c]
            try:
                hashed = pd.util.hash_pandas_object(col, index=False)
            except TypeError:  # lists (control dates): hash their text
                hashed = pd.util.hash_pandas_object(col.map(repr), index=False)
            h.update(hashed.to_numpy().tobytes())
    return h.hexdigest()


def _session_id() -> str:
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

        ctx = get_script_run_ctx(suppress_warning=True)
        return str(ctx.session_id) if ctx is not None else ""
    except Exception:
        return ""


@st.cache_data(show_spinner="Сравниваю с хранилищем…", max_entries=8)
def _diff(key: tuple, _store: Any, _result: LoadResult) -> Any:
    """store.diff(result), cached on the session, the hash of the result's tables and the store state (in `key`)."""
    return _store.diff(_result)


def diff(store: Any, result: LoadResult) -> tuple[str, Any]:
    """(content_hash of the result's tables, store.diff(result)), the diff cached per session and store state.
    Raises StoreError (a Russian reason, e.g. repeated keys)."""
    previewed = content_hash(result)
    return previewed, _diff((_session_id(), previewed, tuple(store.state())), store, result)
