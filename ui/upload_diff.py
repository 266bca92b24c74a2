"""What would accepting a load change in the store, and what did the file hold?

`show_diff(d, result, names)` comes first in the review dialog: per table, how many rows of the file are
new, would change, would be removed (slices the file replaces) and stay as they are, then a short list of
each kind (the changed values as «было → стало»). `show_file(result, names)` follows: what was detected on
every sheet and a preview of the tidy rows. Rows are written by `ui.upload_rows`: school names, not codes;
one number of decimals per column.
"""
from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from loaders.model import KEYS, TABLE_TITLES
from loaders.report import LoadResult
from ui import data
from ui import format as fmt
from ui import upload_rows as rows

PREVIEW_ROWS = 50
DIFF_ROWS = 500
SHORT_ROWS = 8  # rows a diff list shows before it scrolls
ROW_PX, HEAD_PX = 35, 38
COUNTS = {"rows": "Строк в файле", "added": "Новых", "changed": "Изменится", "replaced": "Будет удалено",
          "unchanged": "Без изменений"}


def school_names(result: LoadResult | None = None) -> dict[str, str]:
    """school code → the name people know (the registry's short name), including schools the load itself
    adds to the registry."""
    names = dict(data.school_names())
    s = (result.tables or {}).get("schools") if result is not None else None
    if s is not None and len(s):
        short = s["short_name"] if "short_name" in s else pd.Series(None, index=s.index)
        for code, name, sh in zip(s["school_id"], s["name"], short):
            if not fmt.is_missing(code) and str(code) not in names:
                names[str(code)] = str(sh) if not fmt.is_missing(sh) and str(sh).strip() else str(name)
    return names


def _height(n: int) -> int:
    return HEAD_PX + ROW_PX * max(1, min(n, SHORT_ROWS)) + 2


def summary_frame(d: Any) -> pd.DataFrame:
    """One line per table: table, title and the counts written the Russian way (1 234)."""
    s = d.summary()
    out = s[["table", "title"]].copy()
    for c in COUNTS:
        out[c] = s[c].map(lambda n: fmt.num(int(n)))
    return out


def show_diff(d: Any, result: LoadResult, names: dict[str, str]) -> None:
    st.subheader("Что изменится в хранилище", divider="gray")
    if d.is_empty:
        st.info("Ничего не изменится: всё из файла уже есть в хранилище в точности.", icon=":material/info:")
    st.dataframe(summary_frame(d), hide_index=True, key="upl_diff_summary",
                 column_order=["title", *COUNTS],
                 column_config={"title": "Таблица",
                                **{c: st.column_config.TextColumn(h, alignment="right") for c, h in COUNTS.items()}})
    if d.is_empty:
        return
    for t, td in d.tables.items():
        if len(td.added) == 0 and td.changed_rows == 0 and len(td.replaced) == 0:
            continue
        digits = rows.table_digits(t, (result.tables or {}).get(t))
        labels, frames = [], []
        if td.changed_rows:
            labels.append(f"Изменятся: было → стало (строк: {fmt.num(td.changed_rows)})")
            frames.append(("changed", rows.changed_frame(t, td.changed, names, digits)))
        if len(td.added):
            labels.append(f"Новые строки ({fmt.num(len(td.added))})")
            frames.append(("added", rows.rows_frame(t, td.added.head(DIFF_ROWS), names, digits)))
        if len(td.replaced):
            labels.append(f"Будут удалены ({fmt.num(len(td.replaced))})")
            frames.append(("replaced", rows.rows_frame(t, td.replaced.head(DIFF_ROWS), names, digits)))
        st.markdown(f"**{TABLE_TITLES[t]}**")
        for tab, (kind, frame) in zip(st.tabs(labels), frames):
            with tab:
                if kind == "replaced":
                    st.caption("Этих строк нет в файле, но они относятся к тем же год × процедура × предмет × школа — "
                               "файл заменяет такие срезы целиком, поэтому они будут удалены.")
                total = {"changed": len(td.changed), "added": len(td.added), "replaced": len(td.replaced)}[kind]
                shown = frame.head(DIFF_ROWS)
                st.dataframe(shown, hide_index=True, key=f"upl_diff_{t}_{kind}", height=_height(len(shown)),
                             column_config=rows.config(t, shown))
                if total > DIFF_ROWS:
                    st.caption(f"Показаны первые {fmt.num(DIFF_ROWS)} из {fmt.num(total)}.")


def show_detected(result: LoadResult) -> None:
    if not result.detected:
        st.warning("В файле не найдено ни одной известной таблицы. Укажите ниже, в разделе «Указать, что на листе», "
                   "что это за таблица и что в каждом столбце.", icon=":material/help:")
        return
    det = pd.DataFrame(result.detected)
    det["table_title"] = det["table"].map(lambda t: TABLE_TITLES.get(t, t))
    for c in ("year", "exam"):
        if c not in det:
            det[c] = None
    det["year"] = pd.to_numeric(det["year"], errors="coerce").map(lambda y: "" if pd.isna(y) else str(int(y)))
    det["rows"] = pd.to_numeric(det["rows"], errors="coerce").map(lambda n: "" if pd.isna(n) else fmt.num(int(n)))
    tables = sorted({TABLE_TITLES.get(t, t) for t in det["table"]})
    st.markdown("**Определено:** " + ", ".join(f"«{t}»" for t in tables) + ".")
    st.dataframe(det, hide_index=True, key="upl_detected",
                 column_order=["sheet", "title", "table_title", "rows", "year", "exam"],
                 column_config={"sheet": "Лист", "title": "Макет", "table_title": "Таблица",
                                "rows": st.column_config.TextColumn("Строк прочитано", alignment="right"),
                                "year": "Год", "exam": "Процедура"})


def show_preview(result: LoadResult, names: dict[str, str]) -> None:
    present = [t for t, df in result.tables.items() if df is not None and len(df)]
    if not present:
        return
    tabs = st.tabs([f"{TABLE_TITLES[t]} ({fmt.num(len(result.tables[t]))})" for t in present])
    for tab, t in zip(tabs, present):
        with tab:
            df = result.tables[t]
            empty = [c for c in df.columns if c not in KEYS[t] and df[c].map(rows.blank).all()]
            frame = rows.rows_frame(t, df.drop(columns=empty).head(PREVIEW_ROWS), names, rows.table_digits(t, df))
            st.dataframe(frame, hide_index=True, key=f"upl_preview_{t}", column_config=rows.config(t, frame))
            if empty:
                st.caption("Не показаны столбцы, пустые во всём файле: "
                           + ", ".join(f"«{rows.HEADERS[t].get(c, c)}»" for c in empty) + ".")
            if len(df) > PREVIEW_ROWS:
                st.caption(f"Показаны первые {PREVIEW_ROWS} строк из {fmt.num(len(df))}.")


def show_file(result: LoadResult, names: dict[str, str]) -> None:
    """What was read: the sheets and tables detected, then the first rows of every table."""
    st.subheader("Что прочитано из файла", divider="gray")
    show_detected(result)
    show_preview(result, names)
