"""How is a table shown and downloaded?

`show_table(df, columns, what=...)` renders an `st.dataframe` with Russian
column labels (via `column_config`) and, under it, an Excel download button
whose file name says what and when (`рейтинг_ЕГЭ_математика_2026_на_2026-11-22.xlsx`).
Columns are laid out so that the table fits the page at 1366 px without
sideways scrolling (`fit`): every column gets a width in pixels from its widest
text, a column of long texts (indicator names, event titles, reasons) gives way
first when the table is too wide, and a short table wraps long texts over up to
three lines (`layout(...)`); columns a reader needs only sometimes go into an
expander «Все столбцы» (`more=`) or the Excel file only (`download_only=`);
`fitted_dataframe` does the same for a table shown without a download; missing
values show as «—».
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

from metrics.explain import plural
from reports.excel import excel_bytes as _excel_bytes
from reports.excel import neutralise  # noqa: F401 - the formula-injection rule, re-exported for pages
from ui import format as fmt
from ui import safe
from ui.filters import today

STYLE_MAX_ROWS = 300
STATIC_MAX_ROWS = 40  # `static=True`: a table this short is drawn as a plain HTML table (no data grid to load)
ALL_COLUMNS_MAX_ROWS = 1000  # a longer table's «Все столбцы» copy is left to the Excel file (sent even when folded)
LONG_TEXT = 38        # a text column whose longest value (first rows) is longer than this is "long"
WRAP_MAX_ROWS = 30    # tables up to this many rows wrap long texts instead of cutting them
WRAP_ROW_HEIGHT = 68  # px; Streamlit wraps cell text only when the row height is above 4rem (64 px)
ROW_HEIGHT = 35       # px of one ordinary row
WIDE = 420            # px of a long-text column
CHARS_PER_LINE = 56   # characters of a 14 px font that fit on one line of a WIDE column
FULL = 890            # px a table may take in the main column at 1366 px with the sidebar open (906 px measured)
HALF = 420            # px of one of two st.columns there
BORDER_PAD = 34       # px a bordered container takes from its content
EXPANDER_PAD = 34     # px an expander takes from its content
MIN_TEXT = 150        # px a long-text column keeps when the table is too wide
MIN_COL = 56          # px of the narrowest column
CELL_PAD = 26         # px around a cell's text
HEAD_PAD = 30         # px around a header's text (and its sort mark)
SIZE_PX = {"small": 75, "medium": 200, "large": 400}


def excel_bytes(df: pd.DataFrame, sheet: str = "Данные", title: str = "",
                raw: Mapping[str, pd.Series] | None = None) -> bytes:
    """The table as an .xlsx file: numbers as numbers with Russian formats, a first line saying what it is,
    frozen headers, formula injection neutralised (`reports.excel`)."""
    return _excel_bytes(df, title=title, sheet=sheet, raw=raw)


def describe(what: tuple[Any, ...] | list[Any], on: datetime | None = None) -> str:
    """The file's first line: «Показатели программы · 2025/26 учебный год · весь район · выгружено 22.11.2026 15:27»."""
    from ui import data, filters

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


def text_px(text: str) -> float:
    """Width in pixels of `text` in the grid's 14 px Source Sans (measured in Chromium: lower-case Cyrillic
    ≈ 7,1 px, capitals ≈ 8,4 px, digits 7 px; rounded up so an estimate errs wide)."""
    w = 0.0
    for ch in text:
        if ch.isupper():
            w += 8.8
        elif ch.isdigit():
            w += 7.2
        elif ch in " .,:;!|'()«»-–—":
            w += 4.4
        else:
            w += 7.6
    return w


def _longest_px(s: pd.Series, sample: int = 200) -> float:
    """Pixels of the widest text among the first `sample` values (the ten longest by characters are measured)."""
    vals = s.head(sample).dropna().astype(str)
    if vals.empty:
        return 0.0
    longest = vals.iloc[vals.str.len().to_numpy().argsort()[-10:]]
    return max(text_px(v) for v in longest)


def _label(cfg: Any, name: str) -> str:
    return str(cfg.get("label") or name) if isinstance(cfg, dict) else str(cfg or name)


def _set_px(width: Any) -> int | None:
    if isinstance(width, (int, float)) and not isinstance(width, bool):
        return int(width)
    return SIZE_PX.get(width) if isinstance(width, str) else None


def fit(view: pd.DataFrame, config: dict[str, Any], budget: int = FULL) -> tuple[dict[str, Any], set[str]]:
    """Pixel widths for every column of `view` so that together they fit `budget` pixels (no sideways scrolling).

    Each column asks for its widest text (header or the first rows; a set width counts as the most it needs).
    When the table is too wide, long-text columns (names, titles, reasons: longer than LONG_TEXT characters)
    give way first, down to MIN_TEXT px (their texts then wrap or end in «…»); if that is not enough every
    column gives way in proportion, down to MIN_COL px (less only when even that does not fit). Room left over
    goes to long texts that a set width would cut. Returns (config with a width for every column, the
    columns whose texts no longer fit on one line)."""
    need, floor, natural, long_cols = {}, {}, {}, set()
    lengths = _text_lengths(view)
    for c in view.columns:
        cfg = config.get(c)
        if not isinstance(cfg, dict):
            cfg = config[c] = dict(st.column_config.Column(_label(cfg, c)))
        head = text_px(_label(cfg, c)) + HEAD_PAD
        body = _longest_px(view[c]) + CELL_PAD
        want = natural[c] = max(head, body, MIN_COL)
        set_w = _set_px(cfg.get("width"))
        if lengths.get(c, 0) > LONG_TEXT:
            long_cols.add(c)
            want = min(want, set_w or WIDE)
            floor[c] = max(MIN_TEXT, min(head, 2 * MIN_TEXT))
        else:
            want = min(want, set_w) if set_w else want
            floor[c] = min(want, max(head, MIN_COL))
        need[c] = want
    width = dict(need)
    for group in (long_cols, set(view.columns)):  # first the long texts give way, then every column
        excess = sum(width.values()) - budget
        if excess <= 0:
            break
        least = min(MIN_COL, budget / max(len(view.columns), 1))  # never wider than the page, whatever it takes
        room = {c: width[c] - (floor[c] if group is long_cols else least) for c in group}
        total = sum(max(r, 0) for r in room.values())
        if total <= 0:
            continue
        share = min(1.0, excess / total)
        for c, r in room.items():
            width[c] -= max(r, 0) * share
    spare = budget - sum(width.values())
    for c in sorted(long_cols, key=lambda c: natural[c] - width[c]):  # room left: a set width gives way to the text
        grow = min(max(natural[c] - width[c], 0.0), spare)
        width[c] += grow
        spare -= grow
    cut = set()
    for c in view.columns:
        w = int(width[c])  # rounded down: the sum stays within the budget
        config[c] = {**config[c], "width": w}
        if _longest_px(view[c]) + CELL_PAD > w + 1:
            cut.add(c)
    return config, cut


def layout(view: pd.DataFrame, config: dict[str, Any], wrap: bool | None = None,
           height: int | str = "auto", budget: int = FULL) -> tuple[dict[str, Any], int | None, int | str]:
    """Column widths, row height and table height for `view` within `budget` pixels (`fit`).

    With `wrap` (default: a text no longer fits its column and the table has at most WRAP_MAX_ROWS rows)
    rows are tall enough for three lines and the whole table is shown.
    Returns (config, row_height or None, height)."""
    config, cut = fit(view, config, budget)
    if wrap is None:
        wrap = bool(cut) and len(view) <= WRAP_MAX_ROWS
    if not wrap:
        return config, None, height
    # rows tall enough for three lines; a height given for ordinary rows is recomputed for the tall ones
    if height == "auto" or isinstance(height, int):
        height = min(38 + WRAP_ROW_HEIGHT * max(1, len(view)), 38 + WRAP_ROW_HEIGHT * 12)
    return config, WRAP_ROW_HEIGHT, height


def fitted_dataframe(df: pd.DataFrame, *, key: str | None = None, budget: int = FULL,
                     column_config: Mapping[str, Any] | None = None, wrap: bool | None = None, **kwargs: Any) -> Any:
    """`st.dataframe(df, hide_index=True)` with its columns fitted into `budget` pixels (`layout`): for tables
    shown without `show_table` (previews, small tables of numbers)."""
    view = df.reset_index(drop=True)
    config = {c: (st.column_config.Column(v) if isinstance(v, str) else v)
              for c, v in (column_config or {}).items() if c in view.columns}
    config, row_height, height = layout(view, config, wrap, kwargs.pop("height", "auto"), budget)
    return st.dataframe(view, hide_index=True, column_config=config, height=height, row_height=row_height,
                        placeholder="—", key=key, **kwargs)


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
    more: Mapping[str, Any] | None = None,
    budget: int = FULL,
    static: bool = False,
) -> None:
    """Show `df` restricted to `columns` (name -> Russian label or st.column_config object),
    then an Excel download of the same columns with Russian headers.

    `what` names the file: ("рейтинг", "ЕГЭ", "математика", 2026). `styler` is an
    optional function DataFrame -> pandas Styler for cell colours (applied up to
    STYLE_MAX_ROWS rows; longer tables show the same text uncoloured). `wrap` forces long texts
    over several lines (True) or one cut line (False); by default short tables wrap (see `layout`).
    `download_only` (name -> Russian label) adds columns to the Excel file only — long explanations
    that repeat the shown numbers in words. `more` (name -> label or column config) are columns a reader
    sometimes needs: the table shows `columns` only, and an expander «Все столбцы» under it shows them all
    (the Excel file has them too). Every table is fitted into `budget` pixels (`fit`; `HALF` inside one of two
    st.columns) so that it never scrolls sideways at 1366 px. `static=True` draws a table of at most
    STATIC_MAX_ROWS rows as a plain HTML table (`st.table`: long texts wrap, no sorting): the browser then loads no
    data grid for it, 0,3–0,4 s of Обзор's first view.
    """
    cols = [c for c in columns if c in df.columns]
    if static and len(df) <= STATIC_MAX_ROWS and not more:
        _plain_table(df, cols, columns, styler)
    else:
        columns = _grid_table(df, cols, columns, styler=styler, height=height, wrap=wrap, more=more, budget=budget,
                              key=key)
    if download:
        download_button(download_frame(df, columns, download_only), file_name(*what), key=f"{key}_xlsx",
                        title=describe(what), raw=raw_numbers(df, columns, download_only))


def _plain_table(df: pd.DataFrame, cols: list[str], columns: Mapping[str, Any], styler: Any) -> None:
    """`show_table(static=True)`: an HTML table whose headers are the labels (a styler must know them); st.table
    renders its cells as markdown, so every text from a file is escaped (ui.safe)."""
    labels = {c: v if isinstance(v, str) else (v.get("label") or c) for c, v in columns.items() if c in cols}
    view = safe.frame(df[cols].rename(columns=labels).reset_index(drop=True))
    shown = styler(view) if styler is not None else view.style
    st.table(shown.hide(axis="index"))


def _grid_table(df: pd.DataFrame, cols: list[str], columns: Mapping[str, Any], *, styler: Any, height: int | str,
                wrap: bool | None, more: Mapping[str, Any] | None, budget: int, key: str) -> Mapping[str, Any]:
    """`show_table`'s data grid (and its «Все столбцы»); returns the columns the Excel file writes."""
    view = df[cols].reset_index(drop=True)
    config = {c: (st.column_config.Column(v) if isinstance(v, str) else v) for c, v in columns.items() if c in cols}
    # pandas Styler costs ~0.1 s per 500 rows on every rerun: colour only tables a person reads row by row
    config, row_height, height = layout(view, config, wrap, height, budget)
    shown = styler(view) if styler is not None and len(view) <= STYLE_MAX_ROWS else view
    st.dataframe(shown, hide_index=True, column_config=config, column_order=cols, height=height,
                 row_height=row_height, placeholder="—", key=f"{key}_df")
    extra = {c: v for c, v in (more or {}).items() if c in df.columns and c not in cols}
    if extra and len(df) > ALL_COLUMNS_MAX_ROWS:
        # a folded expander's table is still sent and drawn: at region scale the ВПР works (40,000 rows) were
        # 4 MB twice over. The Excel file below has every column.
        st.caption(f"Ещё {len(extra)} {plural(len(extra), 'столбец', 'столбца', 'столбцов')} — в файле Excel: "
                   f"в таблице больше {fmt.num(ALL_COLUMNS_MAX_ROWS, 0)} строк.")
        columns = {**columns, **extra}
    elif extra:
        every = {**columns, **extra}
        with st.expander(f"Все столбцы ({len([c for c in every if c in df.columns])})", icon=":material/view_column:"):
            all_cols = [c for c in every if c in df.columns]
            full = df[all_cols].reset_index(drop=True)
            cfg = {c: (st.column_config.Column(v) if isinstance(v, str) else v) for c, v in every.items()
                   if c in all_cols}
            cfg, rh, hh = layout(full, cfg, wrap, "auto" if height == "auto" else height, budget - EXPANDER_PAD)
            try:  # a styler written for the shown columns may not apply to all of them: then uncoloured
                full_shown = styler(full) if styler is not None and len(full) <= STYLE_MAX_ROWS else full
            except (KeyError, ValueError, IndexError):
                full_shown = full
            st.dataframe(full_shown,
                         hide_index=True, column_config=cfg, column_order=all_cols, height=hh, row_height=rh,
                         placeholder="—", key=f"{key}_all_df")
        columns = every
    return columns
