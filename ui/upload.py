"""How does a fresh file get from the sidebar into the store — read, shown, checked and accepted by a person?

`sidebar_upload()` (called in app.py's sidebar, so it lives across page switches) offers `st.file_uploader`
(xlsx, xls, ods, csv), the year / procedure / table type / layout for files that do not say, and the
«Google Таблица» expander (`ui.gsheets`). A new file opens the review dialog (`review_dialog`), which shows,
before anything is written, in this order:

1. the file, and its errors (they block accepting) or one line that there are none;
2. unknown or ambiguous school names, with the registry's candidates (`ui.upload_fix`);
3. what accepting would change (`ui.upload_diff.show_diff`): per table, rows new / changed / removed /
   unchanged, and a short list of each (changed values «было → стало»);
4. «Принять» and «Не загружать». «Принять» is disabled, with the reason beside it, when the file has errors,
   nothing to store, or nothing would change («ничего не изменится»); a refusal is said right there;
5. warnings and names matched only by likeness to confirm, columns not placed, sheet descriptions;
6. what was read: sheets detected and a preview of the tidy rows (school names, not codes; one number of
   decimals per column, `ui.upload_rows`).

Only «Принять» writes (`ui.upload_accept.accept`: `Store.accept`, one transaction, refused if the store
changed since the preview or the tables differ from those shown). Its result is said where the user looks:
the dialog closes, a toast and a line at the top of the page say what was accepted (`result_banner`, called
by app.py above the page), and the sidebar's upload slot keeps the line until the next upload.
Only editors see any of this (`ui.auth`); accepting checks the role again.

Split by question: `ui.upload_state` (what is under review), `ui.upload_read` (reading, hashing, the diff),
`ui.upload_rows` (rows as text), `ui.upload_diff` (the diff and the preview), `ui.upload_fix` (what to
correct), `ui.upload_accept` (writing).
"""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import streamlit as st

from loaders.model import EXAMS, TABLE_TITLES, TABLES
from ui import data, safe
from ui import format as fmt
from ui import upload_diff, upload_fix
from ui.auth import can
from ui.upload_accept import accept as _accept
from ui.upload_accept import previewed_bytes, snapshot_xlsx  # noqa: F401  (public API)
from ui.upload_read import content_hash, load_pending, options, sha256  # noqa: F401  (public API)
from ui.upload_read import diff as _diff
from ui.upload_state import (ANNOUNCE, AUTO, FLASH, PENDING, SHOWN_VERSION, forget, on_dismiss,  # noqa: F401
                             pending_title, start_review)

log = logging.getLogger(__name__)

UPLOAD_TYPES = ["xlsx", "xls", "ods", "csv"]
NOTHING_CHANGES = "ничего не изменится"


# ---------------------------------------------------------------- the sidebar

def _layouts() -> dict[str, str]:
    from loaders.layouts import LAYOUTS

    return {lay.name: lay.title for lay in LAYOUTS}


def _year_options() -> list[Any]:
    this = dt.date.today().year
    return [AUTO, *range(this + 1, 2009, -1)]


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
        st.success(safe.md(flash), icon=":material/check_circle:")
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
        forget(clear_uploader=False)  # the user removed the file
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
            forget()
            st.rerun()
    if pending.get("open"):
        review_dialog()


def result_banner() -> None:
    """Once, on the run after an accept closed the dialog: a toast and a line at the top of the page
    (where the user looks when the dialog disappears), saying what was accepted."""
    said = st.session_state.pop(ANNOUNCE, None)
    if not said:
        return
    kind, text, short = said
    icon = ":material/check_circle:" if kind == "success" else ":material/error:"
    st.toast(safe.md(short), icon=icon, duration="long")
    (st.success if kind == "success" else st.error)(safe.md(text), icon=icon)


# ---------------------------------------------------------------- the review dialog

def _heading(pending: dict[str, Any]) -> None:
    title = pending_title(pending)
    n = int(pending.get("size") or 0)
    size = "" if not n else (f", {fmt.num(n / 1024 / 1024, 1)} МБ" if n >= 1024 * 1024
                             else f", {fmt.num(max(1, round(n / 1024)))} КБ")
    what = f"**{safe.md(title)}**" if pending.get("source") == "gsheets" else f"Файл **«{safe.md(title)}»**{size}"
    st.markdown(f"{what}. Ничего не записано, пока вы не нажмёте «Принять».")


def _why_not(result: Any, d: Any) -> str | None:
    """Why «Принять» is disabled (None: it is not)."""
    if result is None:
        return "файл не прочитан"
    if result.errors:
        return f"в файле ошибок: {len(result.errors)} — исправьте их и загрузите файл снова"
    if d is None:
        return "в файле нет строк, которые можно сохранить" if result.ok else "файл не прочитан"
    if d.is_empty:
        return NOTHING_CHANGES
    return None


@st.dialog("Проверка перед загрузкой", width="large", on_dismiss=on_dismiss)
def review_dialog() -> None:
    """Everything about the file or sheet under review, the diff first, then «Принять» / «Не загружать»."""
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
    _heading(pending)
    ver = data.version()
    token = (pending.get("sha") or str(pending.get("url")))[:12]
    shown_preview = pending.get("preview")  # the hash of the tables the previous run put on the screen
    previewed = None
    d = None
    names: dict[str, str] = {}
    if result is not None:
        upload_fix.show_errors(result)
        if not result.detected:
            upload_diff.show_detected(result)  # «no known table»: say so before anything else
        upload_fix.show_unknown_schools(store, result, token)
        names = upload_diff.school_names(result)
        if result.ok and any(len(df) for df in result.tables.values()):
            try:
                previewed, d = _diff(store, result)
            except Exception as exc:  # StoreError with a Russian reason (e.g. repeated keys)
                st.error(safe.md(str(exc)), icon=":material/error:")
                previewed, d = None, None
            if d is not None:
                upload_diff.show_diff(d, result, names)
    reason = _why_not(result, d)
    st.divider()
    shown = st.session_state.get(SHOWN_VERSION)
    row = st.container(horizontal=True)
    accept = row.button("Принять", key="upl_accept", type="primary", disabled=reason is not None,
                       help=f"Нельзя принять: {reason}." if reason else "Записать в хранилище одной транзакцией.",
                       icon=":material/done:")
    drop = row.button("Не загружать", key="upl_cancel", icon=":material/close:")
    if reason == NOTHING_CHANGES:
        st.caption("Принимать нечего: ничего не изменится.")
    elif reason:
        st.caption(f"Принять нельзя: {reason}.")
    refusal = st.empty()  # a refused accept is said here, beside the button just pressed
    if result is not None:
        upload_fix.show_warnings(result)
        upload_fix.show_fuzzy_schools(store, result, token)
        upload_fix.show_unplaced(store, result, mapping, token)
        upload_fix.show_sheet_descriptions(store, result, token)
        if result.detected:
            upload_diff.show_file(result, names)
    st.session_state[SHOWN_VERSION] = ver
    pending["preview"] = previewed if d is not None else None
    if previewed and pending.get("source") == "gsheets":
        previewed_bytes(pending, result)  # the snapshot is made now, from what is on the screen
    if drop:
        forget(clear_uploader=pending.get("source") != "gsheets")
        st.rerun()
    why = None
    if accept and result is not None and reason is None:
        why = _accept(store, pending, result, shown if shown is not None else ver, shown_preview)
    elif shown is not None and shown != ver:  # another session accepted or undid something meanwhile
        why = ("Данные в хранилище изменились после предпросмотра (другая загрузка или отмена): ничего не записано. "
               "Предпросмотр обновлён — проверьте его.")
    if why:
        st.toast("Ничего не записано.", icon=":material/error:", duration="long")
        refusal.error(safe.md(why), icon=":material/error:")
