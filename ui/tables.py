"""How is a table shown and downloaded?

`show_table(df, columns, what=...)` renders an `st.dataframe` with Russian
column labels (via `column_config`) and, under it, an Excel download button
whose file name says what and when (`рейтинг_ЕГЭ_математика_2026_на_2026-11-22.xlsx`).
Columns are laid out so that nothing important is cut off: a column of long
texts (indicator names, event titles, reasons) gets a wide column, short ones
stay narrow, and a short table wraps long texts over up to three lines
(`layout(...)`); missing values show as «—».
The Excel file (`reports.excel`) keeps numbers as numbers with Russian display
formats, opens with a line saying what the table is (`describe(what)`), freezes
the headers, and prefixes text cells starting with `=`, `+`, `-` or `@` with `'`
so a spreadsheet never runs them as formulas (formula injection).
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Mapping

import pandas as pd
import streamlit as st

from reports.excel import excel_bytes as _excel_bytes
from reports.excel import neutralise  # noqa: F401 - the formula-injection rule, re-exported for pages
from ui.filters import today

STYLE_MAX_ROWS = 300
LONG_TEXT = 38        # a text column whose longest value (first rows) is longer than this is "long"
WRAP_MAX_ROWS = 30    # tables up to this many rows wrap long texts instead of cutting them
WRAP_ROW_HEIGHT = 68  # px; Streamlit wraps cell text only when the row height is above 4rem (64 px)
ROW_HEIGHT = 35       # px of one ordinary row
WIDE = 420            # px of a long-text column
CHARS_PER_LINE = 56   # characters of a 14 px font that fit on one line of a WIDE column


def excel_bytes(df: pd.DataFrame, sheet: str = "Данные", title: str = "",
                raw: Mapping[str, pd.Series] | None = None) -> bytes:
    """The table as an .xlsx file: numbers as numbers with Russian formats, a first line saying what it is,
    frozen headers, formula injection neutralised (`reports.excel`)."""
    return _excel_bytes(df, title=title, sheet=sheet, raw=raw)


def describe(what: tuple[Any, ...] | list[Any], on: datetime | None = None) -> str:
    """The file's first line: «Показатели программы · 2025/26 учебный год · весь район · выгружено 22.11.2026 15:27»."""
    from ui import data, filters
    from ui import format as fmt

    parts = [p for p in what if p is not None and str(p) != ""]
    if not parts:
        return ""
    title = str(parts[0]).replace("_", " ").strip()
    title = title[:1].upper() + title[1:]
    names = data.school_names()
    details, school = [], None
    for p in parts[1:]:
        if isinstance(p, int) and 2000 <= p <= 2100:
            details.append(fmt.year_label(p))
        elif str(p) in names:
            school = names[str(p)]
        else:
            details.append(str(p).replace("_", " "))
    details.append(school or "весь район")
    when = on or datetime.now()
    return " · ".join([title, *details, f"данные на {fmt.date_ru(filters.today())}",
                       f"выгружено {when.strftime('%d.%m.%Y %H:%M')}"])

def file_name(*parts: Any, on: date | None = None, ext: str = "xlsx") -> str:
    """A file name that says what and when: `рейтинг_ЕГЭ_математика_2026_на_2026-11-22.xlsx`."""
    words = []
    for p in parts:
        if p is None or p == "":
            continue
        w = re.sub(r"[^\w\-]+", "_", str(p), flags=re.UNICODE).strip("_")
        if w:
            words.append(w)
    when = (on or today()).isoformat()
    return f"{'_'.join(words) or 'таблица'}_на_{when}.{ext}"


def download_button(df: pd.DataFrame, name: str, key: str, label: str = "Скачать в Excel", title: str = "",
                    raw: Mapping[str, pd.Series] | None = None) -> None:
    """An Excel download button for `df` (no rerun on click). The file is built only when
    the button is pressed (deferred data), never on an ordinary rerun."""
    st.download_button(
        label,
        data=lambda: excel_bytes(df, title=title, raw=raw),
        file_name=name,
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=key,
        icon=":material/download:",
        on_click="ignore",
    )


def _text_lengths(view: pd.DataFrame, sample: int = 400) -> dict[str, int]:
    """The longest text (characters) in each text column among the first `sample` rows."""
    head = view.head(sample)
    out = {}
    for c in head.columns:
        s = head[c]
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            lens = s.dropna().astype(str).str.len()
            out[c] = int(lens.max()) if len(lens) else 0
    return out


def layout(view: pd.DataFrame, config: dict[str, Any], wrap: bool | None = None,
           height: int | str = "auto") -> tuple[dict[str, Any], int | None, int | str]:
    """Column widths, row height and table height for `view`.

    Long-text columns (longest value over LONG_TEXT characters) get WIDE pixels unless their
    config already sets a width. With `wrap` (default: the table has long texts and at most
    WRAP_MAX_ROWS rows) rows are tall enough for three lines and the whole table is shown.
    Returns (config, row_height or None, height)."""
    lengths = _text_lengths(view)
    long_cols = [c for c, n in lengths.items() if n > LONG_TEXT and c in config]
    for c in long_cols:
        cfg = config[c]
        if isinstance(cfg, dict) and not cfg.get("width"):
            config[c] = {**cfg, "width": WIDE}
    if wrap is None:
        overflow = any(lengths[c] > CHARS_PER_LINE for c in long_cols)
        wrap = overflow and len(view) <= WRAP_MAX_ROWS
    if not wrap:
        return config, None, height
    # a row tall enough for the longest text of a wide column (at most three lines)
    if height == "auto":
        height = min(38 + WRAP_ROW_HEIGHT * max(1, len(view)), 38 + WRAP_ROW_HEIGHT * 12)
    return config, WRAP_ROW_HEIGHT, height


def download_frame(df: pd.DataFrame, columns: Mapping[str, Any],
                   download_only: Mapping[str, str] | None = None) -> pd.DataFrame:
    """What the Excel button writes: the shown columns, then the `download_only` ones, with Russian headers."""
    cols = [c for c in columns if c in df.columns]
    extra = {c: v for c, v in (download_only or {}).items() if c in df.columns and c not in cols}
    labels = {c: (v if isinstance(v, str) else (v.get("label") or c)) for c, v in {**columns, **extra}.items()}
    full = df[cols + list(extra)].reset_index(drop=True)
    return full.rename(columns={c: labels.get(c, c) for c in full.columns})


def raw_numbers(df: pd.DataFrame, columns: Mapping[str, Any],
                download_only: Mapping[str, str] | None = None) -> dict[str, pd.Series]:
    """Unrounded numbers behind shown text columns, by Russian header: `fact_text` → `fact` when it is numeric."""
    labels = {c: (v if isinstance(v, str) else (v.get("label") or c)) for c, v in {**columns, **(download_only or {})}.items()}
    out = {}
    for c in labels:
        base = c[:-5] if c.endswith("_text") else None
        if base and c in df.columns and base in df.columns and pd.api.types.is_numeric_dtype(df[base]):
            out[labels[c]] = df[base].reset_index(drop=True)
    return out


def show_table(
    df: pd.DataFrame,
    columns: Mapping[str, Any],
    *,
    what: tuple[Any, ...] | list[Any],
    key: str,
    styler: Any = None,
    height: int | str = "auto",
    download: bool = True,
    wrap: bool | None = None,
    download_only: Mapping[str, str] | None = None,
) -> None:
    """Show `df` restricted to `columns` (name -> Russian label or st.column_config object),
    then an Excel download of the same columns with Russian headers.

    `what` names the file: ("рейтинг", "ЕГЭ", "математика", 2026). `styler` is an
    optional function DataFrame -> pandas Styler for cell colours (applied up to
    STYLE_MAX_ROWS rows; longer tables show the same text uncoloured). `wrap` forces long texts
    over several lines (True) or one cut line (False); by default short tables wrap (see `layout`).
    `download_only` (name -> Russian label) adds columns to the Excel file only — long explanations
    that repeat the shown numbers in words.
    """
    cols = [c for c in columns if c in df.columns]
    view = df[cols].reset_index(drop=True)
    config = {c: (st.column_config.Column(v) if isinstance(v, str) else v) for c, v in columns.items() if c in cols}
    # pandas Styler costs ~0.1 s per 500 rows on every rerun: colour only tables a person reads row by row
    config, row_height, height = layout(view, config, wrap, height)
    shown = styler(view) if styler is not None and len(view) <= STYLE_MAX_ROWS else view
    st.dataframe(shown, hide_index=True, column_config=config, column_order=cols, height=height,
                 row_height=row_height, placeholder="—", key=f"{key}_df")
    if download:
        download_button(download_frame(df, columns, download_only), file_name(*what), key=f"{key}_xlsx",
                        title=describe(what), raw=raw_numbers(df, columns, download_only))
