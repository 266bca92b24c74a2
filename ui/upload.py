"""How does a fresh file get from the sidebar into the store — read, shown, checked and accepted by a person?

`sidebar_upload()` (called in app.py's sidebar, so it lives across page
switches) offers `st.file_uploader` (xlsx, xls, ods, csv), the year / procedure
/ table type / layout for files that do not say, and the «Google Таблица»
expander (`ui.gsheets`). A new file opens the review dialog
(`review_dialog`), which shows, before anything is written:

- what was detected on every sheet and how many rows each table got;
- every error and warning with file, sheet, row and column;
- unknown or ambiguous school names with candidates (a confirmed choice is
  saved as an alias, `Store.save_alias`, and the file is read again), and
  names matched only fuzzily, with the matched school preselected for the
  user to confirm or correct (they do not block accepting);
- columns the loader could not place, with the model field to map them to
  (saved under the header signature, `Store.save_mapping`, and read again);
- for a skipped sheet, or one with columns not placed, the whole description:
  table type, header row, first data row and a field for every column;
- a preview of the tidy rows and the diff against the store (`Store.diff`:
  new rows, changed values old → new, rows that would be replaced).

Only «Принять» writes (`Store.accept`, one transaction, refused if the store
changed since the preview); a load with errors cannot be accepted. Reads are
cached on the SHA-256 of the file's bytes (plus the options, the store version,
the saved aliases and mappings), never on the UploadedFile object.

The preview is bound to what it showed: the diff is cached per session and per
hash of the tables it was computed from (`content_hash`), and «Принять» writes
only if the tables about to be written hash the same, with exactly the bytes
fixed at preview time (a Google Sheet's snapshot is made once, when previewed).
Only editors see any of this (`ui.auth`); accepting checks the role again.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
from typing import Any

import pandas as pd
import streamlit as st

from loaders.model import EXAMS, KEYS, TABLE_TITLES, TABLES
from loaders.report import LoadResult
from ui import data, safe
from ui import format as fmt
from ui.auth import can, require, user_name

log = logging.getLogger(__name__)

UPLOAD_TYPES = ["xlsx", "xls", "ods", "csv"]
AUTO = "определить автоматически"
PENDING = "upl_pending"  # session key: the file or Google Sheet under review (dict) or absent
FLASH = "upl_flash"  # session key: the message after an accept (shown in the sidebar until the next upload)
SHOWN_VERSION = "upl_shown_version"  # the store version the preview on screen was made at
PREVIEW_ROWS = 50
DIFF_ROWS = 500
SEVERITY = {"error": "ошибка", "warning": "предупреждение"}
HEADERS = {t: {c.name: c.header for c in cols} for t, cols in TABLES.items()}
SCHOOL_NAME_TARGET = "school_name"
SKIP = "skip"


# ---------------------------------------------------------------- who and which options

def _layouts() -> dict[str, str]:
    from loaders.layouts import LAYOUTS

    return {lay.name: lay.title for lay in LAYOUTS}


def _year_options() -> list[Any]:
    this = dt.date.today().year
    return [AUTO, *range(this + 1, 2009, -1)]


def options() -> dict[str, Any]:
    """The user's overrides from the «Параметры файла» expander (None = from the file)."""
    ss = st.session_state
    out = {}
    for name, key in (("year", "upl_year"), ("exam", "upl_exam"), ("table", "upl_table"), ("layout", "upl_layout")):
        v = ss.get(key, AUTO)
        out[name] = None if v in (AUTO, None) else v
    return out


def _option_widgets() -> None:
    with st.expander("Параметры файла", icon=":material/tune:"):
        st.caption("Если в файле не сказано, за какой год, какая процедура или что за таблица, укажите это здесь. "
                   "Заданное значение применяется ко всему файлу.")
        st.selectbox("Год (учебный 2023/24 = 2024)", _year_options(), key="upl_year")
        st.selectbox("Процедура", [AUTO, *EXAMS], key="upl_exam")
        st.selectbox("Тип таблицы", [AUTO, *TABLES], key="upl_table",
                     format_func=lambda t: TABLE_TITLES.get(t, t))
        lays = _layouts()
        st.selectbox("Макет", [AUTO, *lays], key="upl_layout", format_func=lambda n: lays.get(n, n),
                     help="Как устроена таблица; обычно определяется сам.")


# ---------------------------------------------------------------- reading (cached on the bytes' SHA-256)

def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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


def _described(store: Any, result: LoadResult) -> tuple:
    """The sheet descriptions («@table» …) the store keeps for the header candidates of this load's sheets."""
    found = []
    for sh in result.sheet_headers or []:
        for c in sh.get("candidates") or []:
            m = store.mapping(c["signature"])
            if m and "@table" in m:
                found.append((c["signature"], tuple(sorted(m.items()))))
    return tuple(sorted(found))


@st.cache_data(show_spinner="Сравниваю с хранилищем…", max_entries=8)
def _diff(key: tuple, _store: Any, _result: LoadResult) -> Any:
    """store.diff(result), cached on the session, the hash of the result's tables and the store state (in `key`)."""
    return _store.diff(_result)


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


# ---------------------------------------------------------------- start / finish a review

def start_review(pending: dict[str, Any]) -> None:
    """Put a file or sheet under review and open the dialog."""
    pending = {**pending, "open": True}
    if pending.get("source") != "upload":  # one thing under review: a file left in the uploader would take over
        st.session_state["upl_n"] = int(st.session_state.get("upl_n", 0)) + 1
    st.session_state[PENDING] = pending
    st.session_state.pop(SHOWN_VERSION, None)
    st.session_state.pop(FLASH, None)


def _forget(clear_uploader: bool = True) -> None:
    st.session_state.pop(PENDING, None)
    st.session_state.pop(SHOWN_VERSION, None)
    st.session_state.pop("upl_gs_cache", None)
    if clear_uploader:  # a new key gives an empty uploader
        st.session_state["upl_n"] = int(st.session_state.get("upl_n", 0)) + 1


def _on_dismiss() -> None:
    p = st.session_state.get(PENDING)
    if p is not None:
        p["open"] = False


# ---------------------------------------------------------------- the sidebar

def sidebar_upload() -> None:
    """The upload block of the sidebar: file, options, Google Sheets, the status of the file under review."""
    if not can("upload"):
        return
    st.markdown("**Загрузка данных**")
    store = data.get_store()
    if store is None:
        st.caption("Хранилище недоступно — загрузка невозможна.")
        return
    flash = st.session_state.get(FLASH)
    if flash:
        st.success(flash, icon=":material/check_circle:")
    f = st.file_uploader("Файл с результатами или таблицами программы", type=UPLOAD_TYPES,
                         key=f"upl_file_{int(st.session_state.get('upl_n', 0))}",
                         help="xlsx, xls, ods или csv: выгрузка РЦОИ (ЕГЭ, ОГЭ), ВПР, протокол, реестр школ, "
                              "показатели программы или план мероприятий. Перед записью вы увидите, что изменится.")
    _option_widgets()
    pending = st.session_state.get(PENDING)
    if f is not None:
        content = f.getvalue()
        cached = st.session_state.get("upl_sha")
        if cached and cached[0] == f.file_id:
            sha = cached[1]
        else:
            sha = sha256(content)
            st.session_state["upl_sha"] = (f.file_id, sha)
        if pending is None or pending.get("source") != "upload" or pending.get("sha") != sha \
                or pending.get("name") != f.name:
            start_review({"source": "upload", "name": f.name, "sha": sha, "data": content, "size": len(content)})
            pending = st.session_state[PENDING]
    elif pending is not None and pending.get("source") == "upload":
        _forget(clear_uploader=False)  # the user removed the file
        pending = None

    from ui.gsheets import sidebar_gsheets

    sidebar_gsheets()
    pending = st.session_state.get(PENDING)
    if pending is None:
        return
    if not pending.get("open"):
        st.caption(f"На проверке: «{safe.md(pending_title(pending))}» — ещё не принято.")
        c1, c2 = st.columns(2)
        if c1.button("Открыть проверку", key="upl_reopen", icon=":material/preview:"):
            pending["open"] = True
        if c2.button("Не загружать", key="upl_drop"):
            _forget()
            st.rerun()
    if pending.get("open"):
        review_dialog()


def pending_title(pending: dict[str, Any]) -> str:
    if pending.get("source") == "gsheets":
        return pending.get("title") or "Google Таблица"
    return str(pending.get("name"))


# ---------------------------------------------------------------- the review dialog

def _cell(v: Any) -> str:
    """Any stored value as text for the diff tables (Russian numbers, «—» for empty)."""
    if isinstance(v, (list, tuple)):
        return "; ".join(map(str, v)) if v else "—"
    if fmt.is_missing(v):
        return "—"
    if isinstance(v, bool):
        return "да" if v else "нет"
    if isinstance(v, int):
        return fmt.num(v)
    if isinstance(v, float):
        return fmt.num(int(v)) if v.is_integer() else fmt.num(v, 2).rstrip("0").rstrip(",")
    return str(v)


YEAR_COLUMNS = {t: {c.name for c in cols if c.kind == "year"} for t, cols in TABLES.items()}


def _russian(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """Rows for people: Russian headers, numbers written the Russian way (4,38), empty cells blank,
    and a school name next to the code."""
    out = pd.DataFrame(index=df.index)
    names = data.school_names() if "school_id" in df.columns else {}
    for c in df.columns:
        s = df[c]
        if c in YEAR_COLUMNS[table]:  # 2026, not «2 026»
            out[c] = s.map(lambda v: "" if fmt.is_missing(v) else str(int(v)))
        else:
            out[c] = s.map(lambda v: "" if not isinstance(v, (list, tuple)) and fmt.is_missing(v) else _cell(v))
        if c == "school_id":
            out["_school"] = s.map(lambda v: names.get(str(v), "") if not fmt.is_missing(v) else "")
    return out.rename(columns={**HEADERS[table], "_school": "Школа"})


def problems_frame(result: LoadResult) -> pd.DataFrame:
    rows = [p.as_dict() for p in result.problems]
    df = pd.DataFrame(rows, columns=["severity", "file", "sheet", "row", "column", "value", "message", "text"])
    df["severity"] = df["severity"].map(lambda s: SEVERITY.get(s, s))
    df["row"] = pd.to_numeric(df["row"], errors="coerce").astype("Int64")
    return df


def _show_detected(result: LoadResult) -> None:
    if not result.detected:
        st.warning("В файле не найдено ни одной известной таблицы. Укажите ниже, в разделе «Указать, что на листе», "
                   "что это за таблица и что в каждом столбце.", icon=":material/help:")
        return
    det = pd.DataFrame(result.detected)
    det["table_title"] = det["table"].map(lambda t: TABLE_TITLES.get(t, t))
    for c in ("year", "exam"):
        if c not in det:
            det[c] = None
    det["year"] = pd.to_numeric(det["year"], errors="coerce").astype("Int64")
    tables = sorted({TABLE_TITLES.get(t, t) for t in det["table"]})
    st.markdown("**Определено:** " + ", ".join(f"«{t}»" for t in tables) + ".")
    st.dataframe(det, hide_index=True, key="upl_detected",
                 column_order=["sheet", "title", "table_title", "rows", "year", "exam"],
                 column_config={"sheet": "Лист", "title": "Макет", "table_title": "Таблица",
                                "rows": st.column_config.NumberColumn("Строк прочитано", format="%d"),
                                "year": st.column_config.NumberColumn("Год", format="%d"), "exam": "Процедура"})


def _show_counts(result: LoadResult) -> None:
    counts = {t: len(df) for t, df in result.tables.items() if df is not None and len(df)}
    if not counts:
        return
    cols = st.columns(len(counts))
    for col, (t, n) in zip(cols, counts.items()):
        col.metric(TABLE_TITLES[t], fmt.num(n), help="строк после проверки")


def _show_problems(result: LoadResult) -> None:
    def place(p: Any) -> tuple:
        return (str(p.file or ""), str(p.sheet or ""), p.row if p.row is not None else -1, str(p.column or ""))

    errors, warnings = sorted(result.errors, key=place), result.warnings
    if errors:
        lines = "\n".join(f"- {safe.md(p.text())}" for p in errors[:10])
        more = f"\n\n…и ещё {len(errors) - 10}, все — в таблице ниже." if len(errors) > 10 else ""
        st.error(f"**Ошибок: {len(errors)}. Файл с ошибками не может быть принят; хранилище не изменится.**\n\n"
                 f"{lines}{more}", icon=":material/error:")
    if warnings:
        st.warning(f"Предупреждений: {len(warnings)} — данные можно принять, но проверьте их.",
                   icon=":material/warning:")
    if not errors and not warnings:
        st.success("Ошибок и предупреждений нет.", icon=":material/check_circle:")
        return
    st.dataframe(problems_frame(result), hide_index=True, key="upl_problems",
                 column_order=["severity", "file", "sheet", "row", "column", "value", "message"],
                 column_config={"severity": "Вид", "file": "Файл", "sheet": "Лист",
                                "row": st.column_config.NumberColumn("Строка", format="%d"), "column": "Столбец",
                                "value": "Значение",
                                "message": st.column_config.TextColumn("Что не так", width="large")})


def _registry_choices() -> dict[str, str]:
    s = data.table("schools")
    if s.empty:
        return {}
    s = s.assign(_y=pd.to_numeric(s["year"], errors="coerce").fillna(-1)).sort_values("_y")
    s = s.drop_duplicates("school_id", keep="last")
    return dict(zip(s["school_id"].astype(str), s["name"].astype(str)))


def _unmatched_picker(u: dict, name: str, registry: dict[str, str], key: str) -> str | None:
    """One school name to decide: a select box of registry schools, best candidates first; a fuzzy match
    comes with its school preselected."""
    cands = [(str(c[0]), float(c[2]) if len(c) > 2 and c[2] is not None else None)
             for c in u.get("candidates") or []]
    score = {sid: sc for sid, sc in cands}
    order = [sid for sid, _ in cands if sid in registry] + sorted(s for s in registry if s not in score)
    fuzzy = u.get("status") == "fuzzy"
    matched = str(u.get("school_id")) if fuzzy and u.get("school_id") is not None else None
    if matched is not None and matched not in order:
        order.insert(0, matched)

    def label(sid: Any) -> str:
        if sid is None:
            return "— не подтверждать —" if fuzzy else "— не сопоставлять —"
        sc = score.get(sid)
        return f"{registry.get(sid, sid)} ({sid})" + (f" — сходство {sc:.0f}" if sc is not None else "")

    where = ", ".join(x for x in (f"лист «{u['sheet']}»" if u.get("sheet") else "",
                                  f"строка {u['row']}" if u.get("row") else "") if x)
    status = {"ambiguous": "неоднозначно", "fuzzy": "сопоставлено по сходству"}.get(str(u.get("status")),
                                                                                    "не найдена")
    options = [None, *order]
    title = f"«{name}» ({status}; {where})" if where else f"«{name}» ({status})"
    return st.selectbox(safe.md(title), options,
                        index=options.index(matched) if matched in options else 0, format_func=label, key=key)


def _show_unmatched(store: Any, result: LoadResult, token: str) -> None:
    """Names to decide: unknown or ambiguous ones (they block accepting) and fuzzy matches (loaded, but the
    user confirms or corrects them). A choice is saved as an alias (`Store.save_alias`) and the file re-read."""
    seen: dict[str, dict] = {}
    for u in result.unmatched_schools:
        seen.setdefault(str(u.get("name")), u)
    if not seen:
        return
    blocking = {n: u for n, u in seen.items() if u.get("status") != "fuzzy"}
    fuzzy = {n: u for n, u in seen.items() if u.get("status") == "fuzzy"}
    registry = _registry_choices()
    if blocking:
        st.subheader("Школы, которых нет в реестре", divider="gray")
        if not registry:
            st.info("Реестр школ не загружен: загрузите его (или вместе с этим файлом), чтобы сопоставить названия.")
            return
        st.caption("Выберите, какая это школа реестра. Выбор сохранится как псевдоним: в следующих файлах это "
                   "название будет узнаваться само.")
    choices: dict[str, str] = {}
    for i, (name, u) in enumerate(blocking.items()):
        pick = _unmatched_picker(u, name, registry, f"upl_alias_{token}_{i}")
        if pick:
            choices[name] = pick
    if fuzzy and registry:
        st.subheader("Школы, сопоставленные по сходству", divider="gray")
        st.caption("Эти названия совпали со школами реестра не точно. Данные будут записаны в выбранную школу — "
                   "проверьте её; подтверждённый выбор сохранится как псевдоним. Если выбрана не та школа, "
                   "выберите нужную.")
        for i, (name, u) in enumerate(fuzzy.items()):
            pick = _unmatched_picker(u, name, registry, f"upl_fuzzy_{token}_{i}")
            if pick:
                choices[name] = pick
    if st.button("Сохранить соответствия и перечитать файл", key=f"upl_alias_save_{token}",
                 disabled=not choices, icon=":material/link:"):
        try:
            for name, sid in choices.items():
                store.save_alias(name, sid)
        except Exception as exc:
            st.error(safe.md(str(exc)))
            return
        st.rerun()


def _targets(table: str | None) -> list[str]:
    tables = [table] if table in TABLES else list(TABLES)
    out: list[str] = []
    for t in tables:
        for c in TABLES[t]:
            if c.name not in out:
                out.append(c.name)
    if SCHOOL_NAME_TARGET not in out:
        out.insert(0, SCHOOL_NAME_TARGET)
    return out


def _target_label(table: str | None, name: str) -> str:
    if name == SKIP:
        return "— не загружать —"
    if name == SCHOOL_NAME_TARGET:
        return "Наименование ОО (название школы)"
    for t in ([table] if table in TABLES else []) + list(TABLES):
        if name in HEADERS[t]:
            return f"{HEADERS[t][name]} ({name})"
    return name


def _show_unplaced(store: Any, result: LoadResult, mapping: dict[str, str], token: str) -> None:
    decided = {k.strip().lower() for k, v in mapping.items() if v in (SKIP, "-", "")}
    items = [u for u in result.unplaced_columns if str(u.get("column", "")).strip().lower() not in decided]
    if not items:
        return
    st.subheader("Столбцы, которые не распознаны", divider="gray")
    st.caption("Эти столбцы не загружаются. Укажите, какому полю они соответствуют (или «не загружать») — "
               "сопоставление сохранится для таблиц с такими же заголовками.")
    table_of = {(d.get("file"), d.get("sheet")): d.get("table") for d in result.detected}
    chosen: dict[str, dict[str, str]] = {}
    for i, u in enumerate(items):
        table = table_of.get((u.get("file"), u.get("sheet")))
        opts = [SKIP, *_targets(table)]
        pick = st.selectbox(safe.md(f"«{u['column']}» (лист «{u.get('sheet')}»)"), opts, index=None,
                            placeholder="выберите поле", format_func=lambda n, t=table: _target_label(t, n),
                            key=f"upl_map_{token}_{i}")
        if pick and u.get("signature"):
            chosen.setdefault(u["signature"], {})[str(u["column"])] = pick
    if st.button("Сохранить сопоставление и перечитать файл", key=f"upl_map_save_{token}", disabled=not chosen,
                 icon=":material/table_edit:"):
        try:
            for sig, m in chosen.items():
                store.save_mapping(sig, {**(store.mapping(sig) or {}), **m})
        except Exception as exc:
            st.error(safe.md(str(exc)))
            return
        st.rerun()


def _show_sheet_descriptions(store: Any, result: LoadResult, token: str) -> None:
    """For a skipped sheet, or one with columns not placed, the user says what it is: the table type, the header
    row (one or two rows), the first data row and a field for every column. The choice is saved under the
    signature of that header (`Store.save_mapping`, with `@table` and `@data_row`), and the file read again;
    the next file with the same header is read the same way. Header texts are shown as plain text."""
    from loaders.headers import match_column

    sheets = result.sheet_headers or []
    if not sheets:
        return
    st.subheader("Указать, что на листе", divider="gray")
    st.caption("Если лист пропущен или столбцы прочитаны не так, укажите тип таблицы, строку заголовка и поле "
               "для каждого столбца. Выбор сохранится и применится к таблицам с такими же заголовками.")
    for n, sh in enumerate(sheets):
        with st.expander(f"Лист № {n + 1}" + (" — пропущен" if sh["status"] == "skipped" else ""),
                         expanded=sh["status"] == "skipped", icon=":material/table_edit:"):
            st.text(f"Лист «{sh['sheet']}» файла «{sh['file']}»")
            cands = sh.get("candidates") or []
            if not cands:
                st.caption("На листе нет строк с текстом.")
                continue
            key = f"upl_desc_{token}_{n}"
            tables = list(TABLES)
            table = st.selectbox("Тип таблицы", tables, index=tables.index(sh["table"]) if sh.get("table") in tables
                                 else None, placeholder="выберите тип", format_func=lambda t: TABLE_TITLES[t],
                                 key=f"{key}_table")
            rows = sorted({c["row"] for c in cands})
            default_row = sh.get("header_row") if sh.get("header_row") in rows else rows[0]
            row = st.selectbox("Строка заголовка", rows, index=rows.index(default_row), key=f"{key}_row",
                               format_func=lambda r: f"строка {r}")
            depth = st.radio("Заголовок занимает", [1, 2], index=0 if sh.get("header_rows", 1) == 1 else 1,
                             horizontal=True, key=f"{key}_depth",
                             format_func=lambda d: "одну строку" if d == 1 else "две строки")
            cand = next((c for c in cands if c["row"] == row and c["rows"] == depth), None)
            if cand is None:
                st.caption("Под этой строкой нет второй строки заголовка.")
                continue
            first = st.number_input("Первая строка данных", min_value=row + depth, value=row + depth, step=1,
                                    key=f"{key}_data")
            if table is None:
                continue
            options = [SKIP, *_targets(table)]
            chosen: dict[str, str] = {}
            for j, label in enumerate(cand["labels"]):
                if not label:
                    continue
                c1, c2 = st.columns([3, 2])
                c1.text(f"{cand['letters'][j]} · {label}")
                found = match_column(label.replace(" / ", " "), table) or match_column(label.split(" / ")[-1], table)
                pick = c2.selectbox(f"Поле столбца {j + 1}", options,
                                    index=options.index(found) if found in options else 0,
                                    format_func=lambda f, t=table: _target_label(t, f), label_visibility="collapsed",
                                    key=f"{key}_col_{j}_{row}_{depth}")
                chosen[label] = pick
            if st.button("Сохранить и перечитать файл", key=f"{key}_save", icon=":material/table_edit:"):
                try:
                    store.save_mapping(cand["signature"], {**chosen, "@table": table, "@data_row": str(int(first))})
                except Exception as exc:
                    st.error(str(exc))
                    return
                st.rerun()


def _show_preview(result: LoadResult) -> None:
    present = [t for t, df in result.tables.items() if df is not None and len(df)]
    if not present:
        return
    st.subheader("Предпросмотр", divider="gray")
    tabs = st.tabs([f"{TABLE_TITLES[t]} ({fmt.num(len(result.tables[t]))})" for t in present])
    for tab, t in zip(tabs, present):
        with tab:
            df = result.tables[t]
            st.dataframe(_russian(t, df.head(PREVIEW_ROWS)), hide_index=True, key=f"upl_preview_{t}")
            if len(df) > PREVIEW_ROWS:
                st.caption(f"Показаны первые {PREVIEW_ROWS} строк из {fmt.num(len(df))}.")


def changed_frame(table: str, changed: pd.DataFrame) -> pd.DataFrame:
    """The diff's changed values (one line per value) as text: keys, field (Russian), «было», «стало»."""
    keys = list(KEYS[table])
    out = _russian(table, changed[keys])
    out["Поле"] = changed["column"].map(lambda c: HEADERS[table].get(c, c)).to_numpy()
    out["Было"] = changed["old"].map(_cell).to_numpy()
    out["Стало"] = changed["new"].map(_cell).to_numpy()
    return out


def _limited(df: pd.DataFrame, key: str) -> None:
    st.dataframe(df.head(DIFF_ROWS), hide_index=True, key=key)
    if len(df) > DIFF_ROWS:
        st.caption(f"Показаны первые {DIFF_ROWS} из {fmt.num(len(df))}.")


def _show_diff(d: Any) -> None:
    st.subheader("Что изменится в хранилище", divider="gray")
    summary = d.summary()
    st.dataframe(summary, hide_index=True, key="upl_diff_summary",
                 column_order=["title", "rows", "added", "changed", "replaced", "unchanged"],
                 column_config={"title": "Таблица", "rows": st.column_config.NumberColumn("Строк в файле", format="%d"),
                                "added": st.column_config.NumberColumn("Новых", format="%d"),
                                "changed": st.column_config.NumberColumn("Изменится", format="%d"),
                                "replaced": st.column_config.NumberColumn("Будет заменено (удалено)", format="%d"),
                                "unchanged": st.column_config.NumberColumn("Без изменений", format="%d")})
    if d.is_empty:
        st.info("Всё из файла уже есть в хранилище в точности — принятие ничего не изменит.", icon=":material/info:")
        return
    for t, td in d.tables.items():
        if len(td.added) == 0 and td.changed_rows == 0 and len(td.replaced) == 0:
            continue
        st.markdown(f"**{TABLE_TITLES[t]}**")
        labels, frames = [], []
        if len(td.added):
            labels.append(f"Новые строки ({fmt.num(len(td.added))})")
            frames.append(("added", _russian(t, td.added)))
        if td.changed_rows:
            labels.append(f"Изменятся: было → стало (строк: {fmt.num(td.changed_rows)})")
            frames.append(("changed", changed_frame(t, td.changed)))
        if len(td.replaced):
            labels.append(f"Будут заменены ({fmt.num(len(td.replaced))})")
            frames.append(("replaced", _russian(t, td.replaced)))
        for tab, (kind, frame) in zip(st.tabs(labels), frames):
            with tab:
                if kind == "replaced":
                    st.caption("Этих строк нет в файле, но они относятся к тем же год × процедура × предмет × школа — "
                               "файл заменяет такие срезы целиком, поэтому они будут удалены.")
                _limited(frame, f"upl_diff_{t}_{kind}")


def _plain(v: Any) -> Any:
    """A value openpyxl can write: lists joined, every kind of missing as an empty cell, numpy as Python."""
    if isinstance(v, (list, tuple)):
        return "; ".join(map(str, v))
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v.item() if hasattr(v, "item") else v


def snapshot_xlsx(result: LoadResult) -> bytes:
    """The tidy tables as a workbook with canonical headers (kept for a Google Sheet, which has no file of its own).

    Text that looks like a formula is stored as text, never as a formula.
    """
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for t, df in result.tables.items():
        if df is None or not len(df):
            continue
        ws = wb.create_sheet(TABLE_TITLES[t][:31])
        cols = [c.name for c in TABLES[t]]
        ws.append([HEADERS[t][c] for c in cols])
        for row in df[cols].itertuples(index=False, name=None):  # a snapshot write, not a hot path
            ws.append([_plain(v) for v in row])
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _previewed_bytes(pending: dict[str, Any], result: LoadResult) -> tuple[str, bytes]:
    """The name and bytes to keep, fixed when the preview was shown (a sheet's snapshot is made once)."""
    if pending.get("source") == "gsheets":
        snap = pending.get("snapshot")
        if snap is None or snap[0] != pending.get("preview"):
            snap = (pending.get("preview"), snapshot_xlsx(result))
            pending["snapshot"] = snap
        title = pending.get("title") or "Google Таблица"
        return f"{title}.xlsx", snap[1]
    return str(pending["name"]), pending["data"]


def _accept(store: Any, pending: dict[str, Any], result: LoadResult, expect_version: int | None,
            shown: str | None) -> None:
    """Write `result` if its tables are the ones the user was shown (`shown`: their hash on the screen)."""
    try:
        require("accept")
        if not shown or content_hash(result) != shown:
            raise RuntimeError("Данные изменились после предпросмотра (таблицу перечитали или файл заменили): "
                               "ничего не записано. Проверьте новый предпросмотр и нажмите «Принять» снова.")
        name, content = _previewed_bytes(pending, result)
        if pending.get("source") != "gsheets" and sha256(content) != pending.get("sha"):
            raise RuntimeError("Файл изменился после предпросмотра: ничего не записано.")
        uid = store.accept(result, name, content, user=user_name(), source=pending.get("source", "upload"),
                           expect_version=expect_version)
    except Exception as exc:  # StoreError: a Russian sentence for the user
        st.session_state.pop(SHOWN_VERSION, None)
        st.error(safe.md(str(exc)), icon=":material/error:")
        return
    h = store.history()
    row = h[h["upload_id"] == uid].iloc[0] if len(h) else None
    counts = "" if row is None else (f": добавлено строк {fmt.num(int(row['added']))}, "
                                      f"изменено {fmt.num(int(row['changed']))}, "
                                      f"заменено {fmt.num(int(row['replaced']))}")
    st.session_state[FLASH] = f"Принято «{safe.md(name)}» (загрузка № {uid}){counts}. Страницы показывают новые данные."
    _forget(clear_uploader=pending.get("source") != "gsheets")
    st.rerun()


@st.dialog("Проверка перед загрузкой", width="large", on_dismiss=_on_dismiss)
def review_dialog() -> None:
    """Everything about the file or sheet under review, then «Принять» / «Не загружать»."""
    pending = st.session_state.get(PENDING)
    store = data.get_store()
    if not can("upload"):
        st.error("Загружать файлы может только редактор.", icon=":material/lock:")
        return
    if pending is None or store is None:
        st.caption("Нечего проверять.")
        return
    try:
        result, mapping = load_pending(store, pending)
    except Exception as exc:  # a loader bug must not become a traceback in the user's face
        log.error("reading an upload failed: %s", type(exc).__name__)  # no message: it may quote cells
        st.error(f"Файл «{safe.md(pending_title(pending))}» не удалось прочитать: внутренняя ошибка ({type(exc).__name__}). "
                 "Укажите год, процедуру и тип таблицы в «Параметрах файла» в боковой панели или сообщите "
                 "разработчикам; хранилище не изменено.", icon=":material/error:")
        result, mapping = None, {}
    if pending.get("source") == "gsheets" and result is not None:
        files = [d.get("file") for d in result.detected if d.get("file")] + [p.file for p in result.problems if p.file]
        if files:
            pending["title"] = files[0]
    title = pending_title(pending)
    n = int(pending.get("size") or 0)
    size = "" if not n else (f", {fmt.num(n / 1024 / 1024, 1)} МБ" if n >= 1024 * 1024
                             else f", {fmt.num(max(1, round(n / 1024)))} КБ")
    what = f"**{safe.md(title)}**" if pending.get("source") == "gsheets" else f"Файл **«{safe.md(title)}»**{size}"
    st.markdown(f"{what}. Ничего не записано, пока вы не нажмёте «Принять».")
    ver = data.version()
    token = (pending.get("sha") or str(pending.get("url")))[:12]
    shown_preview = pending.get("preview")  # the hash of the tables the previous run put on the screen
    previewed = None
    d = None
    if result is not None:
        _show_detected(result)
        _show_counts(result)
        _show_problems(result)
        _show_unmatched(store, result, token)
        _show_unplaced(store, result, mapping, token)
        _show_sheet_descriptions(store, result, token)
        _show_preview(result)
        if result.ok and any(len(df) for df in result.tables.values()):
            try:
                previewed = content_hash(result)
                key = (_session_id(), previewed, tuple(store.state()))
                d = _diff(key, store, result)
            except Exception as exc:  # StoreError with a Russian reason (e.g. repeated keys)
                st.error(safe.md(str(exc)), icon=":material/error:")
            if d is not None:
                _show_diff(d)
    reason = None
    if result is None:
        reason = "файл не прочитан"
    elif result.errors:
        reason = f"в файле ошибок: {len(result.errors)} — исправьте их и загрузите файл снова"
    elif d is None:
        reason = "в файле нет строк, которые можно сохранить" if result.ok else "файл не прочитан"
    st.divider()
    shown = st.session_state.get(SHOWN_VERSION)
    c1, c2, _ = st.columns([1, 1, 2])
    accept = c1.button("Принять", key="upl_accept", type="primary", disabled=reason is not None,
                       help=f"Нельзя принять: {reason}." if reason else "Записать в хранилище одной транзакцией.",
                       icon=":material/done:")
    drop = c2.button("Не загружать", key="upl_cancel", icon=":material/close:")
    if reason:
        st.caption(f"Принять нельзя: {reason}.")
    st.session_state[SHOWN_VERSION] = ver
    pending["preview"] = previewed if d is not None else None
    if previewed and pending.get("source") == "gsheets":
        _previewed_bytes(pending, result)  # the snapshot is made now, from what is on the screen
    if drop:
        _forget(clear_uploader=pending.get("source") != "gsheets")
        st.rerun()
    if accept and result is not None and reason is None:
        _accept(store, pending, result, shown if shown is not None else ver, shown_preview)
