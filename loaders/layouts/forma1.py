"""How is a programme's «Форма 1» indicator table read?

The table as copied from the approved programme: title rows; a two-row merged
header `№ п/п | Наименование показателей | Базовый показатель … | Значения
показателя по годам` over `2019 год | 2020 год | …`, then `Целевое значение …`;
a row numbering the columns (`1 2 3 …`, skipped); section rows spanning the
table (they become the indicators' `group`); values such as `45%`, `6,4%`,
`4,38`, `3,8 - 4,0`, as numbers or text.

Yearly values are plans unless the sheet name or title says `Факт` /
`фактические`; paired columns `2020 план | 2020 факт` are read as both. The
baseline year is the first year − 1 unless the header names it; the target year
is the last year. The unit comes from a unit column, the name's tail (`…, %`,
`…, чел.`), a `%` in the cells, else the wording (`loaders.units`). The direction (higher/lower is better) comes from a direction
column, else target vs baseline, else the wording (`не преодолевших`…), else
higher with a warning. indicator_id is derived from the normalised name, so a
plan sheet and a fact sheet of the same indicator meet.

Shared helpers for indicator tables (`indicator_id`, `direction_from_words`,
`title_texts`, `cell_text`) live here too; units are `loaders.units`'.
"""
from __future__ import annotations

import hashlib
import re
from typing import Any

import pandas as pd

from loaders import headers as H
from loaders import vocabulary
from loaders.cells import CellError, find_year, parse_range
from loaders.grid import Sheet, is_blank, is_numbering_row
from loaders.layouts import register
from loaders.layouts.base import Context, Parsed
from loaders.units import _UNIT_TAIL, unit_from_name, unit_from_wording  # noqa: F401  (unit_from_name: shared)

SCAN_ROWS = 30
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_NUM_PREFIX = re.compile(r"^\s*\d+(?:\.\d+)*\.?\s+(?=\S)")
LOWER_WORDS = ("не получивш", "не преодолевш", "не освоивш", "не сдавш", "не справивш", "не прошедш", "ниже",
               "неуспевающ", "неуспеваемост", "пропуск", "отчислен", "второгодн", "правонарушени", "с отметкой 2",
               "получивших 2", "неудовлетворительн", "снижени", "текучест", "вакан", "жалоб", "травм",
               "не достигш", "не имеющ", "оставленных на повторное")


def cell_text(v: Any) -> str:
    """A cell as one line of text ("" for blank); whole floats print without «.0»."""
    if is_blank(v):
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return " ".join(str(v).split())



def title_texts(sheet: Sheet, upto: int) -> list[str]:
    """Texts of the rows above the header (titles), top to bottom."""
    out = []
    for r in sheet.rows[:upto]:
        out.extend(cell_text(v) for v in r if not is_blank(v))
    return out


def indicator_key(name: str) -> str:
    """The normalised indicator name the id is derived from (number prefix and unit tail dropped)."""
    n = _NUM_PREFIX.sub("", str(name))
    n = _UNIT_TAIL.sub("", n)
    return H.norm(n)


def indicator_id(name: str) -> str:
    """Stable id from the normalised name: "i" + 8 hex of sha1."""
    return "i" + hashlib.sha1(indicator_key(name).encode("utf-8")).hexdigest()[:8]


def repeated_text(row: list[Any]) -> bool:
    """A section row written into every cell (a sheet saved without merges: «СЦ1. …» across the whole table):
    one text (two, with a numbered copy in the first cell) fills at least two thirds of the row, no number."""
    texts = [cell_text(v) for v in row if not is_blank(v)]
    if len(texts) < 3 or any(not isinstance(v, str) for v in row if not is_blank(v)):
        return False
    common = max(set(texts), key=texts.count)
    return texts.count(common) >= max(3, 2 * len(row) // 3) and len(set(texts)) <= 2


def clean_name(name: str) -> str:
    """An indicator name without a leading number such as `1.1.`."""
    return _NUM_PREFIX.sub("", cell_text(name)).strip()


def direction_from_words(name: str) -> str | None:
    """`lower` when the wording says fewer is better (`не преодолевших`, `неуспевающих`, `пропусков`…)."""
    n = " " + str(name).lower().replace("ё", "е")
    return "lower" if any(w in n for w in LOWER_WORDS) else None


def direction_of(explicit: Any, first: float | None, last: float | None, name: str) -> tuple[str, bool]:
    """(direction, guessed): explicit column, else target vs baseline, else wording, else higher (guessed=True)."""
    if not is_blank(explicit):
        n = H.norm(explicit)
        if any(w in n for w in ("меньше", "ниже", "сниж", "уменьш", "lower", "min", "↓")):
            return "lower", False
        if any(w in n for w in ("больше", "выше", "рост", "увелич", "повыш", "higher", "max", "↑")):
            return "higher", False
    if first is not None and last is not None and first != last:
        return ("higher" if last > first else "lower"), False
    words = direction_from_words(name)
    if words:
        return words, False
    return "higher", True


def _num(v: Any) -> tuple[Any, Any, Any, bool]:
    """(value, low, high, ok) from a cell; a bad cell comes back raw with ok=False."""
    try:
        value, low, high = parse_range(v)
        return value, low, high, True
    except CellError:
        return cell_text(v), None, None, False


def _first_number(v: Any) -> float | None:
    val, _, _, ok = _num(v)
    return val if ok and isinstance(val, float) else None


# ------------------------------------------------------------------ header reading

_NOT_VALUES = re.compile(r"обоснован|причин|пояснен|примечан|комментар|источник|ответствен|исполнител|методик|"
                        r"формул|расчет")
_PREVIOUS = re.compile(r"предшеств|прошл|предыдущ")


def _classify(label: str, parts: list[str] | None = None) -> tuple[str, Any]:
    """What a composed header label means: (role, detail). `parts` are its header cells top to bottom: the
    deepest one that says «план» or «факт» decides the kind («отчетный год» over «План | Факт или оценка»)."""
    n = H.norm(label)
    if not n:
        return "blank", None
    if n in ("№", "№ п п", "п п", "n", "n п п", "номер", "№ пп") or n.startswith("№ п"):
        return "number", None
    if "показател" in n and ("наименовани" in n or "название" in n or n in ("показатель", "показатели")) \
            and not _YEAR.search(n) and "базов" not in n and "целев" not in n and "значени" not in n:
        return "name", None
    if n.startswith(("показатель", "индикатор", "наименование индикатора", "целевой показатель")) and \
            not _YEAR.search(n) and "значени" not in n:
        return "name", None
    if "единиц" in n or "ед изм" in n or n in ("ед", "единица"):
        return "unit", None
    if "направлен" in n or "что лучше" in n:
        return "direction", None
    if _NOT_VALUES.search(n):
        return "other", None
    years = [int(y) for y in _YEAR.findall(n)]
    if "базов" in n or "исходн" in n:
        return "baseline", years[-1] if years else None
    if "целев" in n:
        return "target", years[-1] if years else None
    kind = next((k for k in (vocabulary.kind_of(p) for p in reversed(parts or [label])) if k), None)
    if years:
        return "year", (years[-1], kind)
    if kind:  # «План», «Факт или оценка», «год, предшествующий отчетному»: the year is the title's
        return "year", (None, kind, -1 if _PREVIOUS.search(n) else 0)
    return "other", None


def _header_plan(sheet: Sheet, ctx: Context) -> dict | None:
    """Find the header rows and classify each column."""
    n = min(len(sheet.rows), SCAN_ROWS)
    width = sheet.width
    for i in range(n):
        roles_top = [_classify(cell_text(sheet.merged_value(i, j)))[0] for j in range(width)]
        if "name" not in roles_top:
            continue
        # the header goes on while the rows below still hold years, план/факт or header words
        last = i
        for k in range(i + 1, min(i + 3, len(sheet.rows))):
            texts = [cell_text(sheet.cell(k, j)) for j in range(width)]
            name_j = roles_top.index("name")
            name_here = cell_text(sheet.cell(k, name_j))
            words = " ".join(H.norm(t) for t in texts)
            if name_here and sheet.merged_range(k, name_j) is None:
                break
            if _YEAR.search(words) or any(w in words for w in ("план", "факт", "целев", "базов", "отчетн", "оценк",
                                                                  "предшеств", "прогноз")):
                last = k
            else:
                break
        cols: dict[int, tuple[str, Any, str]] = {}
        for j in range(width):
            parts: list[str] = []
            for k in range(i, last + 1):
                t = cell_text(sheet.merged_value(k, j))
                if t and t not in parts:
                    parts.append(t)
            label = " ".join(parts)
            mapped = ctx.mapping.get(label) if ctx.mapping else None
            role, detail = _classify(label, parts)
            if mapped in ("skip", ""):
                role = "other"
            cols[j] = (role, detail, label)
        roles = [c[0] for c in cols.values()]
        if not any(r in ("year", "baseline", "target") for r in roles):
            continue
        return {"top": i, "last": last, "cols": cols}
    return None


class Forma1:
    name = "forma1"
    title = "Форма 1: целевые показатели программы"

    def detect(self, sheet: Sheet, ctx: Context) -> float:
        plan = _header_plan(sheet, ctx)
        if plan is None:
            return 0.0
        roles = [c[0] for c in plan["cols"].values()]
        years = sum(r == "year" for r in roles)
        score = 0.8 + 0.05 * ("baseline" in roles) + 0.05 * ("target" in roles) + 0.02 * min(years, 3)
        return min(score + 0.1, 0.995)  # a Форма 1 header outranks the generic table reader

    def parse(self, sheet: Sheet, ctx: Context) -> Parsed:
        out = Parsed()
        plan = _header_plan(sheet, ctx)
        if plan is None:
            out.problems.append(ctx.problem("error", "не найден заголовок «Формы 1»: нужны столбцы «Наименование "
                                                     "показателей» и значения по годам", sheet))
            return out
        cols = plan["cols"]
        titles = title_texts(sheet, plan["top"])
        said = vocabulary.kind_of(sheet.name) or next((k for k in map(vocabulary.kind_of, titles) if k), None)
        fact_sheet = said == "fact"  # a sheet «Факт», «Отчет», «Исполнение» or a title that says so
        default_kind = "fact" if fact_sheet else "plan"
        title_year = next((y for y in map(find_year, titles) if y), None) or find_year(sheet.name)
        for j, (r, d, lab) in list(cols.items()):
            if r == "year" and d[0] is None:  # Form 9: «План | Факт или оценка» under «отчетный год» of the title
                cols[j] = (r, (title_year + d[2] if title_year else None, d[1]), lab)
        year_cols = {j: d for j, (r, d, _) in cols.items() if r == "year"}
        years = sorted({d[0] for d in year_cols.values() if d[0] is not None})
        first_year = years[0] if years else None
        last_year = years[-1] if years else None
        role_col = {}
        for j, (r, _, _) in cols.items():
            role_col.setdefault(r, j)
        name_j = role_col["name"]
        out.info = {"header_row": sheet.row_number(plan["top"]), "table": "values",
                    "kind": default_kind, "years": years, "header_texts": [c[2] for c in cols.values() if c[2]]}
        out.unplaced_columns = [lab for (r, _, lab) in cols.values() if r == "other" and lab]

        value_cols: list[tuple[int, int | None, str]] = []  # (column, year, kind)
        for j, (r, d, lab) in cols.items():
            if r == "year":
                value_cols.append((j, d[0], d[1] or default_kind))
            elif r == "baseline":
                value_cols.append((j, d if d else (first_year - 1 if first_year else None), "baseline"))
            elif r == "target":
                value_cols.append((j, d if d else last_year, "target"))

        start = plan["last"] + 1
        ind_rows: list[dict] = []
        val_rows: list[dict] = []
        group = None
        width = sheet.width
        for i in range(start, len(sheet.rows)):
            row = sheet.rows[i]
            if all(is_blank(v) for v in row):
                continue
            if i == start and is_numbering_row(row):
                continue
            rownum = sheet.row_number(i)
            name = cell_text(sheet.cell(i, name_j))
            filled = [j for j in range(width) if not is_blank(sheet.cell(i, j))]
            merged = sheet.merged_range(i, filled[0]) if filled else None
            has_values = any(not is_blank(sheet.cell(i, j)) for j, _, _ in value_cols)
            spans = merged is not None and merged[3] - merged[1] + 1 >= max(2, width // 2)
            if spans or (not has_values and len(filled) <= 2) or repeated_text(row):
                texts = list(dict.fromkeys(cell_text(sheet.cell(i, j)) for j in filled))
                text = max(texts, key=len) if repeated_text(row) else " ".join(texts)
                group = clean_name(text) or text
                continue
            if not name:
                continue
            clean = clean_name(name)
            iid = indicator_id(clean)
            unit = cell_text(sheet.cell(i, role_col["unit"])) if "unit" in role_col else ""
            unit = unit or unit_from_name(clean)
            parsed_vals = []
            for j, year, kind in value_cols:
                raw = sheet.cell(i, j)
                if is_blank(raw):
                    continue
                value, low, high, ok = _num(raw)
                if unit is None and isinstance(raw, str) and raw.strip().endswith("%"):
                    unit = "%"
                parsed_vals.append((kind, year, value if ok else None))
                if year is None:
                    out.problems.append(ctx.problem("error", "не удалось определить год значения: в заголовке "
                                                             "нет лет программы", sheet, rownum, cols[j][2], raw))
                val_rows.append({"indicator_id": iid, "school_id": None, "year": year, "kind": kind,
                                 "value": value, "low": low, "high": high, "_row": rownum,
                                 "_col_value": cols[j][2], "_col_year": cols[j][2], "_col_kind": cols[j][2]})
            guessed_unit = not unit
            unit = unit or unit_from_wording(clean)  # the name's tail and the cells said nothing
            base = next((v for k, _, v in parsed_vals if k == "baseline" and isinstance(v, float)), None)
            if base is None:  # no baseline column: the earliest value is where the indicator started, when the
                # plan goes on from it (what was achieved says nothing of the direction wanted)
                early = sorted(((y, k, v) for k, y, v in parsed_vals if k in ("plan", "fact") and isinstance(v, float)
                                and y is not None), key=lambda x: x[0])
                if len(early) > 1 and early[-1][1] == "plan":
                    base = early[0][2]
            targ = next((v for k, _, v in parsed_vals if k == "target" and isinstance(v, float)), None)
            if targ is None:
                yearly = [v for k, _, v in sorted(parsed_vals, key=lambda x: x[1] or 0)
                          if k == "plan" and isinstance(v, float)]
                targ = yearly[-1] if yearly else None
            explicit = sheet.cell(i, role_col["direction"]) if "direction" in role_col else None
            direction, guessed = direction_of(explicit, base, targ, clean)
            # a fact sheet rarely states direction (its plan sheet does); a known indicator keeps its direction
            if guessed and not fact_sheet and not ctx.known_direction(iid):
                out.problems.append(ctx.problem(
                    "warning", "направление показателя не указано и не следует из значений и формулировки — "
                               "считаем, что больше — лучше; при необходимости добавьте столбец «Направление»",
                    sheet, rownum, cols[name_j][2], clean))
            ind_rows.append({"indicator_id": iid, "name": clean, "unit": unit, "direction": direction,
                             "group": group, "_guessed_direction": guessed,
                             "_guessed_unit": guessed_unit and unit is not None, "_row": rownum,
                             "_col_name": cols[name_j][2]})
        ind = pd.DataFrame(ind_rows, columns=["indicator_id", "name", "unit", "direction", "group",
                                              "_guessed_direction", "_guessed_unit", "_row", "_col_name"])
        if len(ind):
            dup = ind.duplicated("indicator_id", keep="first")
            for _, r in ind[dup].iterrows():
                out.problems.append(ctx.problem("warning", "показатель повторяется в таблице — взята первая строка",
                                                sheet, int(r["_row"]), cols[name_j][2], r["name"]))
            first_rows = set(ind.loc[~dup, "_row"])
            ind = ind[~dup]
            val_rows = [v for v in val_rows if v["_row"] in first_rows]
        out.tables["indicators"] = ind.reset_index(drop=True)
        out.tables["values"] = pd.DataFrame(val_rows, columns=["indicator_id", "school_id", "year", "kind", "value",
                                                               "low", "high", "_row", "_col_value", "_col_year",
                                                               "_col_kind"])
        return out


FORMA1 = register(Forma1())
