"""How is an indicator table with years as rows read?

Rows are school years with a kind — `2011-2012 (факт)`, `2012-2013 (план)` —
and indicators are columns under a two-level merged header (`Средний балл по
результатам ЕГЭ` over `Русский язык | Математика`); the indicator name keeps
both levels. Plan ranges `3,8 - 4,0` / `3,0 – 3,5` become low/high; counts such
as `7 чел.` are numbers with unit чел.; without a unit in the header or the
cells, the wording gives it (`Средний балл…` → балл, `loaders.units`). A row label without a kind is a plan
unless the sheet or title says `факт`. Direction: the wording, else the trend
of the column (first vs last value), else higher with a warning.
"""
from __future__ import annotations

import re
from typing import Any

import pandas as pd

from loaders import headers as H
from loaders.cells import CellError, parse_range, parse_year
from loaders.grid import Sheet, is_blank
from loaders.layouts import register
from loaders.layouts.base import Context, Parsed
from loaders.layouts.forma1 import cell_text, direction_of, indicator_id, title_texts
from loaders.units import unit_from_name, unit_from_wording

SCAN_ROWS = 40
_LABEL = re.compile(r"^\s*((?:19|20)\d\d)\s*(?:[-–—/]\s*((?:19|20)?\d\d))?\s*(?:г\.?|гг\.?|год|уч\.?\s*г\.?|"
                    r"учебный\s+год)?\s*(?:\(?\s*(факт|план|базов\w*|целев\w*|прогноз)\w*\.?\s*\)?)?\s*$", re.I)
_KIND = {"факт": "fact", "план": "plan", "прогноз": "plan", "базов": "baseline", "целев": "target"}


def _row_label(v: Any) -> tuple[int, str | None] | None:
    """(year, kind or None) of a row label such as `2011-2012 (факт)`; None if it is not one."""
    t = cell_text(v)
    m = _LABEL.match(t)
    if not m:
        return None
    try:
        year = parse_year(re.sub(r"\(.*\)", "", t).strip()) if m.group(2) else int(m.group(1))
    except CellError:
        return None
    word = (m.group(3) or "").lower()
    kind = next((k for stem, k in _KIND.items() if word.startswith(stem)), None)
    return year, kind


def _layout(sheet: Sheet) -> dict | None:
    """Label column, first data row and header rows above it."""
    n = min(len(sheet.rows), SCAN_ROWS)
    width = sheet.width
    for j in range(min(width, 3)):
        hits = [i for i in range(n) if _row_label(sheet.cell(i, j))
                and all(is_blank(sheet.cell(i, c)) for c in range(j))]
        labels = [_row_label(sheet.cell(i, j)) for i in hits]
        if len(hits) < 2 or len(set(labels)) < len(labels):
            continue  # a years table has one row per (year, kind); repeated years are a list of schools
        below = [i for i in range(hits[0], len(sheet.rows)) if any(not is_blank(v) for v in sheet.rows[i])]
        if len(hits) < 0.8 * len(below):
            continue
        first = hits[0]
        header_rows = []
        for i in range(first - 1, -1, -1):
            vals = {cell_text(sheet.merged_value(i, c)) for c in range(j + 1, width)} - {""}
            if len(vals) >= 2 or (vals and any(sheet.merged_range(i, c) for c in range(j + 1, width))
                                  and len(header_rows) == 0):
                header_rows.insert(0, i)
            else:
                break
            if len(header_rows) == 3:
                break
        if not header_rows:
            continue
        return {"label_col": j, "first": first, "header_rows": header_rows,
                "kinds": any(lab[1] for lab in labels)}
    return None


class YearsRows:
    name = "years_rows"
    title = "Показатели: годы по строкам"

    def detect(self, sheet: Sheet, ctx: Context) -> float:
        lay = _layout(sheet)
        if lay is None:
            return 0.0
        return 0.995 if lay["kinds"] else 0.7  # «2011-2012 (факт)» labels are unmistakable

    def parse(self, sheet: Sheet, ctx: Context) -> Parsed:
        out = Parsed()
        lay = _layout(sheet)
        if lay is None:
            out.problems.append(ctx.problem("error", "не найдены строки с учебными годами («2011-2012 (факт)»)",
                                            sheet))
            return out
        lc, first, hrows = lay["label_col"], lay["first"], lay["header_rows"]
        titles = title_texts(sheet, hrows[0])
        fact_sheet = "факт" in H.norm(" ".join([sheet.name] + titles))
        default_kind = "fact" if fact_sheet else "plan"
        width = sheet.width
        names: dict[int, str] = {}
        for c in range(lc + 1, width):
            parts: list[str] = []
            for i in hrows:
                t = cell_text(sheet.merged_value(i, c))
                if t and t not in parts:
                    parts.append(t)
            if parts:
                names[c] = ", ".join(parts) if len(parts) == 1 else f"{parts[0]}: {', '.join(parts[1:])}"
        out.info = {"header_row": sheet.row_number(hrows[0]), "table": "values",
                    "header_texts": list(names.values())}
        values: list[dict] = []
        per_col: dict[int, list[tuple[int, float]]] = {c: [] for c in names}
        units: dict[int, str | None] = {}
        for i in range(first, len(sheet.rows)):
            lab = _row_label(sheet.cell(i, lc))
            if lab is None:
                if any(not is_blank(v) for v in sheet.rows[i]):
                    if cell_text(sheet.cell(i, lc)):
                        out.problems.append(ctx.problem("warning", "строка пропущена: в первом столбце не учебный "
                                                                   "год", sheet, sheet.row_number(i),
                                                        None, cell_text(sheet.cell(i, lc))))
                continue
            year, kind = lab
            kind = kind or default_kind
            for c, name in names.items():
                raw = sheet.cell(i, c)
                if is_blank(raw):
                    continue
                if isinstance(raw, str) and units.get(c) is None:
                    low = raw.lower()
                    units[c] = "чел." if "чел" in low else ("%" if "%" in low else None)
                try:
                    value, lo, hi = parse_range(raw)
                    per_col[c].append((year, value))
                except CellError:
                    value, lo, hi = cell_text(raw), None, None
                values.append({"indicator_id": indicator_id(name), "school_id": None, "year": year, "kind": kind,
                               "value": value, "low": lo, "high": hi, "_row": sheet.row_number(i),
                               "_col_value": name})
        inds = []
        for c, name in names.items():
            series = sorted(per_col[c])
            first_v = series[0][1] if series else None
            last_v = series[-1][1] if series else None
            direction, guessed = direction_of(None, first_v, last_v, name)
            if guessed and not ctx.known_direction(indicator_id(name)):
                out.problems.append(ctx.problem("warning", "направление показателя не следует из значений и "
                                                           "формулировки — считаем, что больше — лучше", sheet,
                                                sheet.row_number(hrows[-1]), name))
            unit = next((u for u in (unit_from_name(p) for p in reversed(name.split(": "))) if u), None)
            stated = unit or units.get(c)
            inds.append({"indicator_id": indicator_id(name), "name": name,
                         "unit": stated or unit_from_wording(name), "direction": direction, "group": None,
                         "_guessed_direction": guessed, "_guessed_unit": not stated,
                         "_row": sheet.row_number(hrows[0])})
        out.tables["indicators"] = pd.DataFrame(inds, columns=["indicator_id", "name", "unit", "direction", "group",
                                                               "_guessed_direction", "_guessed_unit",
                                                               "_row"]).drop_duplicates("indicator_id")
        out.tables["values"] = pd.DataFrame(values, columns=["indicator_id", "school_id", "year", "kind", "value",
                                                             "low", "high", "_row", "_col_value"])
        return out


YEARS_ROWS = register(YearsRows())
