"""How are a load's rows written for a person in the review dialog?

`rows_frame(table, df, names, digits)` turns tidy rows into text columns with Russian headers:

- the school's NAME from the registry («СОШ № 1») in place of its code (`sos1`), in the first column (a wide
  table scrolls sideways; whose row it is stays in sight); the registry itself keeps
  its codes, they are its data; a value without a school is «весь район»;
- coded values in Russian («факт», «больше — лучше», «выполнено»), dates as 22.11.2026;
- years as 2026 (never «2 026»), counts with a space between thousands (1 234);
- every measured column with ONE number of decimals per measure, Russian comma: «70,0» beside «74,1», never
  «70» beside «74,1». A measure is what one column holds for one procedure × subject (results: ЕГЭ Russian
  scores beside 4,12 marks in basic maths, each written as the dashboard writes it) or one indicator
  (values); elsewhere the whole column. `table_digits` picks, per column and measure, the fewest decimals
  (at most 2) that write every value of the FILE's column exactly, so the preview, its first rows and the
  diff agree.

`changed_frame` writes the diff's changed values (one line per value: the row's key, «Поле», «Было»,
«Стало») with the decimals of their column. `config(frame)` right-aligns the number columns.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from loaders.model import ENUM_LABELS, KEYS, TABLES
from ui import format as fmt

HEADERS = {t: {c.name: c.header for c in cols} for t, cols in TABLES.items()}
KIND = {t: {c.name: c.kind for c in cols} for t, cols in TABLES.items()}
SCHOOL = "Школа"
DISTRICT = "весь район"
MAX_DIGITS = 2  # as everywhere in the dashboard: 4,38 at most
NUMBER_KINDS = ("int", "float")  # right-aligned (a year is a label: left, as in every other table)


GROUPS = {"results": ("exam", "subject"), "values": ("indicator_id",)}  # what makes one measure


def digits_array(values: Any) -> np.ndarray:
    """Per value, the fewest decimals (0 … MAX_DIGITS) that write it exactly (70 → 0, 74.1 → 1, 4.38 → 2;
    MAX_DIGITS for a number that needs more, 46.666… → 2); −1 for a missing value."""
    x = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(dtype=float)
    out = np.full(len(x), MAX_DIGITS)
    with np.errstate(invalid="ignore"):
        tol = 1e-9 * np.maximum(1.0, np.abs(x))
        for d in range(MAX_DIGITS - 1, -1, -1):
            out = np.where(np.abs(np.round(x, d) - x) < tol, d, out)
    return np.where(np.isfinite(x), out, -1)


def value_digits(v: Any) -> int:
    return max(0, int(digits_array([v])[0]))


def column_digits(values: Any) -> int:
    """One number of decimals for a set of values: the most any of them needs (missing values need none)."""
    d = digits_array(list(values))
    return int(max(0, d.max())) if len(d) else 0


def _groups(table: str, df: pd.DataFrame) -> pd.Series:
    """Each row's measure key (see GROUPS), as text."""
    cols = [c for c in GROUPS.get(table, ()) if c in df.columns]
    if not cols or not len(df):
        return pd.Series("", index=df.index, dtype=object)
    return df[cols].astype(str).agg("\x1f".join, axis=1)


def table_digits(table: str, df: pd.DataFrame | None) -> dict[str, dict[str, int]]:
    """column → measure → decimals, for every measured («float») column of a tidy table."""
    if df is None or not len(df):
        return {}
    groups = _groups(table, df)
    out: dict[str, dict[str, int]] = {}
    for c in df.columns:
        if KIND[table].get(c) == "float":
            d = pd.Series(digits_array(df[c].tolist()), index=df.index)
            per = d.groupby(groups.to_numpy()).max()
            out[c] = {str(g): int(max(0, n)) for g, n in per.items()}
    return out


def _merged(a: dict[str, dict[str, int]], b: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    out = {c: dict(m) for c, m in a.items()}
    for c, m in b.items():
        for g, n in m.items():
            out.setdefault(c, {})[g] = max(out.get(c, {}).get(g, 0), n)
    return out


def _missing(v: Any) -> bool:
    return not isinstance(v, (list, tuple)) and fmt.is_missing(v)


def blank(v: Any) -> bool:
    """Nothing to show: missing, an empty text or an empty list."""
    if isinstance(v, (list, tuple)):
        return not v
    return fmt.is_missing(v) or (isinstance(v, str) and not v.strip())


def cell(table: str, column: str, v: Any, digits: int | None = None, empty: str = "") -> str:
    """One stored value as text, written as its column is written (see the module's docstring)."""
    if isinstance(v, (list, tuple)):
        return "; ".join(fmt.date_ru(x) if KIND[table].get(column) == "dates" else str(x) for x in v) if v else empty
    if _missing(v):
        return empty
    kind = KIND[table].get(column, "")
    if isinstance(v, bool):
        return "да" if v else "нет"
    try:
        if kind == "year":
            return str(int(v))
        if kind == "int":
            return fmt.num(int(v))
        if kind == "float":
            return fmt.num(float(v), value_digits(v) if digits is None else digits)
    except (TypeError, ValueError):
        return str(v)
    if kind.startswith("enum:"):
        return ENUM_LABELS.get(column, {}).get(str(v), str(v))
    if kind == "date":
        return fmt.date_ru(v)
    return str(v)


def school_label(table: str, code: Any, names: dict[str, str]) -> str:
    if _missing(code) or str(code).strip() == "":
        return DISTRICT if table == "values" else ""
    return names.get(str(code), str(code))


def rows_frame(table: str, df: pd.DataFrame, names: dict[str, str],
               digits: dict[str, dict[str, int]] | None = None) -> pd.DataFrame:
    """Tidy rows as text for people (see the module's docstring); `digits` from `table_digits` of the whole
    file (the rows' own decimals are added, so a row never loses a digit)."""
    digits = _merged(digits or {}, table_digits(table, df))
    groups = _groups(table, df).tolist()
    out: dict[str, Any] = {}
    for c in df.columns:
        s = df[c]
        if c == "school_id" and table != "schools":
            out[SCHOOL] = [school_label(table, v, names) for v in s]
            continue
        per = digits.get(c, {})
        out[HEADERS[table].get(c, c)] = [cell(table, c, v, per.get(g)) for v, g in zip(s, groups)]
        if c == "school_id" and "name" not in df.columns:  # the registry's key: its code, then the name
            out[SCHOOL] = [school_label(table, v, names) for v in s]
    frame = pd.DataFrame(out, index=df.index)
    if SCHOOL in frame.columns and table != "schools":  # whose row it is, first: a wide table scrolls sideways
        frame = frame[[SCHOOL, *[c for c in frame.columns if c != SCHOOL]]]
    return frame


def changed_frame(table: str, changed: pd.DataFrame, names: dict[str, str],
                  digits: dict[str, dict[str, int]] | None = None) -> pd.DataFrame:
    """The diff's changed values (one line per value) as text: the row's key, field (Russian), «Было», «Стало».

    A measured field is written with the decimals of its measure in the file, or more if a stored value
    needs them, so «было» and «стало» line up."""
    keys = [k for k in KEYS[table] if k in changed.columns]
    out = rows_frame(table, changed[keys], names, {})
    groups = _groups(table, changed)
    fields = changed["column"].astype(str)
    both = pd.Series([max(a, b) for a, b in zip(digits_array(changed["old"].tolist()),
                                                   digits_array(changed["new"].tolist()))], index=changed.index)
    own = both.groupby([fields.to_numpy(), groups.to_numpy()]).max()
    digits = _merged(digits or {}, {})
    for (f, g), n in own.items():
        digits.setdefault(f, {})[g] = max(digits.get(f, {}).get(g, 0), int(max(0, n)))
    out["Поле"] = [HEADERS[table].get(f, f) for f in fields]
    out["Было"] = [cell(table, f, v, digits.get(f, {}).get(g), "—") for f, v, g in zip(fields, changed["old"], groups)]
    out["Стало"] = [cell(table, f, v, digits.get(f, {}).get(g), "—") for f, v, g in zip(fields, changed["new"], groups)]
    return out


def number_columns(table: str, frame: pd.DataFrame) -> list[str]:
    """The headers of `frame` (made by rows_frame / changed_frame) that hold numbers."""
    nums = {HEADERS[table][c] for c, k in KIND[table].items() if k in NUMBER_KINDS}
    values = "Поле" in frame.columns and len(frame) > 0 and frame["Поле"].isin(nums).all()
    return [h for h in frame.columns if h in nums or (values and h in ("Было", "Стало"))]


def config(table: str, frame: pd.DataFrame) -> dict[str, Any]:
    """column_config for a frame of rows: numbers right-aligned (they are text, written the Russian way)."""
    out: dict[str, Any] = {h: st.column_config.TextColumn(h, alignment="right") for h in number_columns(table, frame)}
    return out
