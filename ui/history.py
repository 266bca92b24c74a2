"""What has been loaded, and when — and how is an upload taken back?

`upload_history_table(store)` shows the store's upload history (who, when,
which file, rows added / changed / replaced, undone or not) with Russian
labels and an Excel download, then one line per upload with «Отменить»
(asks for confirmation first, then `Store.undo`: the store returns exactly to
its state before that upload) and the download of the kept original file
(`Store.file_bytes`). An upload that later uploads changed again can only be
undone together with them; the confirmation says which.

Undo and the original files are for editors (`ui.auth`): a viewer sees the history
only, and the actions check the role again where they act. A confirmation is bound
to exactly the uploads it listed and to the store's state when it was drawn: if
another session accepted or undid something meanwhile, or the store was reseeded,
the undo is refused and the new list is shown.
"""
from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from loaders.model import TABLE_TITLES
from ui import format as fmt
from ui import safe
from ui import tables as tbl

# Short columns first and the long list of tables last, so the table fits 1366 px; the SHA-256 goes to Excel only.
HISTORY_COLUMNS = {
    "upload_id": st.column_config.NumberColumn("№", format="%d", width="small"),
    "at": "Когда",
    "file_name": "Файл",
    "added_text": st.column_config.TextColumn("Добавлено", alignment="right", help="строк"),
    "changed_text": st.column_config.TextColumn("Изменено", alignment="right", help="строк"),
    "replaced_text": st.column_config.TextColumn("Заменено", alignment="right", help="строк"),
    "undone_at": "Отменена",
    "user": "Кто",
    "source": "Источник",
    "tables": "Таблицы",
    "sha256": "SHA-256",
}
SHOWN_COLUMNS = {c: v for c, v in HISTORY_COLUMNS.items() if c != "sha256"}

SOURCE_LABELS = {"seed": "начальная загрузка", "upload": "загрузка файла", "gsheets": "Google Таблицы", "folder": "папка"}


def _table_titles(v: Any) -> Any:
    """«schools, results» (as the store keeps it) or a list → «Реестр школ, Результаты оценочных процедур»."""
    if isinstance(v, str):
        v = [x.strip() for x in v.split(",") if x.strip()]
    if isinstance(v, (list, tuple)):
        return ", ".join(TABLE_TITLES.get(str(x), str(x)) for x in v)
    return v


def history_frame(store: Any) -> pd.DataFrame:
    """The store's history, newest first, with readable values (lists joined, sources in Russian, counts
    written the Russian way in `added_text` … beside the numbers)."""
    h = store.history()
    if h is None or h.empty:
        return pd.DataFrame(columns=list(HISTORY_COLUMNS))
    h = h.copy()
    if "tables" in h:
        h["tables"] = h["tables"].map(_table_titles)
    for col in ("at", "undone_at"):
        if col in h:
            h[col] = h[col].map(fmt.datetime_ru)
    if "source" in h:
        h["source"] = h["source"].map(lambda v: SOURCE_LABELS.get(str(v), v))
    for col in ("added", "changed", "replaced"):  # 1 234 on the screen; the Excel file keeps the numbers
        if col in h:
            h[f"{col}_text"] = h[col].map(lambda n: "—" if fmt.is_missing(n) else fmt.num(int(n)))
    return h.sort_values("upload_id", ascending=False) if "upload_id" in h else h


def upload_history_table(store: Any, key: str = "history") -> pd.DataFrame:
    """Render the upload history (with Excel download), the undo and re-download actions; return the frame shown."""
    h = history_frame(store)
    if h.empty:
        st.caption("Загрузок пока не было.")
        return h
    tbl.show_table(h, SHOWN_COLUMNS, what=("история_загрузок",), key=key, download_only={"sha256": "SHA-256"})
    upload_actions(store, key=key)
    return h


CONFIRM = "hist_confirm"  # session key: the upload_id whose undo awaits confirmation
FLASH = "hist_flash"


def _user() -> str:
    from ui.auth import user_name

    return user_name()


def _later(store: Any, upload_id: int) -> list[int]:
    """Later uploads that changed the same rows (they have to be undone first)."""
    try:
        return store.dependents(upload_id)
    except Exception:  # then a plain undo refuses with the same list in its message
        return []


def _ask(upload_id: int) -> None:
    st.session_state[CONFIRM] = int(upload_id)


def _never_mind() -> None:
    st.session_state.pop(CONFIRM, None)


def _do_undo(store: Any, upload_id: int, listed: tuple[int, ...], state: tuple[str, int]) -> None:
    """Undo exactly what the confirmation listed, on the store state it was drawn on, or nothing."""
    from store.audit import StaleConfirmation
    from ui.auth import require

    try:
        require("undo")
        done = store.undo(upload_id, user=_user(), cascade=len(listed) > 1, expect=listed, expect_state=state)
    except StaleConfirmation as exc:  # keep the box open: it is drawn again with the new list
        st.session_state[FLASH] = ("error", str(exc))
        return
    except Exception as exc:  # StoreError, PermissionError: Russian reason
        st.session_state[FLASH] = ("error", str(exc))
    else:
        if len(done) == 1:
            text = f"Загрузка № {upload_id} отменена: данные возвращены к состоянию до неё."
        else:
            text = (f"Загрузки {', '.join(f'№ {u}' for u in done)} отменены: данные возвращены к состоянию до "
                    f"загрузки № {upload_id}.")
        st.session_state[FLASH] = ("success", text)
    st.session_state.pop(CONFIRM, None)


def _confirm_box(store: Any, raw: pd.DataFrame, upload_id: int, key: str) -> None:
    row = raw[raw["upload_id"] == upload_id]
    name = safe.md(row["file_name"].iloc[0]) if len(row) else "?"
    state = store.state()  # read before the list: a change in between makes the confirmation stale, never wrong
    later = _later(store, upload_id)
    with st.container(border=True):
        if later:
            st.warning(f"Загрузку № {upload_id} («{name}») нельзя отменить отдельно: более поздние загрузки "
                       f"№ {', '.join(map(str, later))} изменили те же строки. Отменить их вместе с ней "
                       "(от последней к первой)?", icon=":material/warning:")
        else:
            st.warning(f"Отменить загрузку № {upload_id} («{name}»)? Хранилище вернётся в точности к состоянию до неё; "
                       "запись в истории останется с отметкой об отмене.", icon=":material/warning:")
        c1, c2, _ = st.columns([2, 1, 3])
        label = f"Да, отменить № {upload_id}" + (f" и № {', '.join(map(str, later))}" if later else "")
        c1.button(label, key=f"{key}_yes", type="primary", on_click=_do_undo,
                  args=(store, upload_id, (*later, upload_id), state))
        c2.button("Нет", key=f"{key}_no", on_click=_never_mind)


def _original(store: Any, upload_id: int) -> bytes:
    from ui.auth import require

    require("download_original")
    return store.file_bytes(upload_id)[1]


def upload_actions(store: Any, key: str = "history", limit: int = 30) -> None:
    """One line per upload (newest first): what it was, «Отменить» with confirmation, the original file."""
    flash = st.session_state.pop(FLASH, None)
    if flash:
        (st.success if flash[0] == "success" else st.error)(safe.md(flash[1]))
    raw = store.history()
    if raw is None or raw.empty:
        return
    from ui.auth import can

    if not can("undo"):
        return  # viewers: the history table only (undo and original files are for editors)
    raw = raw.sort_values("upload_id", ascending=False)
    st.markdown("**Отмена загрузок и исходные файлы**")
    confirm = st.session_state.get(CONFIRM)
    for r in raw.head(limit).to_dict("records"):
        uid = int(r["upload_id"])
        c1, c2, c3 = st.columns([5, 1.3, 1.7], vertical_alignment="center")
        undone = r.get("undone_at")
        state = f" · отменена {fmt.datetime_ru(undone)}" if undone else ""
        c1.markdown(f"**№ {uid}** · {fmt.datetime_ru(r['at'])} · «{safe.md(r['file_name'])}» · {safe.md(r['user'])} · "
                    f"добавлено {fmt.num(int(r['added']))}, изменено {fmt.num(int(r['changed']))}, "
                    f"заменено {fmt.num(int(r['replaced']))}{state}")
        if not undone:
            c2.button("Отменить", key=f"{key}_undo_{uid}", icon=":material/undo:",
                      on_click=_ask, args=(uid,))
        if bool(r.get("file_kept")):
            c3.download_button("Исходный файл", data=lambda u=uid: _original(store, u),
                               file_name=str(r["file_name"]),
                               key=f"{key}_file_{uid}", icon=":material/download:", on_click="ignore")
        else:
            c3.caption(safe.md(r.get("note") or "исходный файл не хранится"))
        if confirm == uid and not undone:
            _confirm_box(store, raw, uid, f"{key}_confirm_{uid}")
    if len(raw) > limit:
        st.caption(f"Показаны последние {limit} загрузок из {len(raw)}.")
