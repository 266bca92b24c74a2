"""How is a plain table with a header row read — our five templates and regional results exports?

The header row is looked for in the first 30 rows (title rows above it may
carry the year and the exam: «Результаты ЕГЭ 2024 года»). Columns are matched
by their Russian names through `loaders.headers`, never by position. A header
may take two rows: merged group cells (`Русский язык` over `Участников |
Средний балл | Не преодолели порог`) give each group's subject (or year, exam,
grade), and the table is unfolded to one row per school × group. A row that
numbers the columns (`1 2 3 …`) is skipped, as are blank rows and total rows
(`Итого по району`, `Всего`, `Среднее по району`).

Values are left as found (validation coerces them). School names stay in the
helper column `school_name`; the pipeline matches them to the registry.
A mapping once saved for a header's signature is applied automatically. Events
with a «Сроки» column but no «Контрольные даты» get their control dates and
schedule parsed from the text (`loaders.deadlines`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from loaders import headers as H
from loaders.cells import find_year
from loaders.deadlines import needing_years, parse_deadlines, programme_years
from loaders.grid import Sheet, is_blank, is_numbering_row
from loaders.layouts import register
from loaders.layouts.base import Context, Parsed
from loaders.mappings import canonical_target
from loaders.model import EXAMS, TABLES
from loaders.vocabulary import vocabulary

SCAN_ROWS = 30

# Columns (or helper fields) a table needs to be recognised; tuples are alternatives.
NEEDS: dict[str, list[tuple[str, ...]]] = {
    "schools": [("school_id",), ("name", "short_name")],
    "indicators": [("indicator_id",), ("name",)],
    "values": [("indicator_id", H.INDICATOR_NAME), ("value", "low", "high"), ("kind",)],
    "events": [("title",), ("number", "deadline_text", "responsible")],
    "results": [("school_id", H.SCHOOL_NAME), ("participants", "mean")],
}
IGNORED_HEADERS = {"№", "№ п п", "п п", "n", "n п п", "номер", "№ пп", "нпп"}
_EXAM_WORDS = [(e, H.norm(e)) for e in sorted(EXAMS, key=len, reverse=True)] + [
    ("ОГЭ", "гиа 9"), ("ЕГЭ", "гиа 11"), ("Пробный ЕГЭ", "пробного егэ"), ("Пробный ОГЭ", "пробного огэ"),
    # file names are often Latin: ege_2024.csv, oge-2025.xlsx, vpr.xlsx
    ("ЕГЭ", "ege"), ("ОГЭ", "oge"), ("ВПР", "vpr"), ("ГВЭ", "gve")]
_GRADE_RE = re.compile(r"^(\d{1,2})\s*(?:класс|кл)\b|^(?:класс|кл)\s*(\d{1,2})$")


def find_exam(text: Any) -> str | None:
    """The procedure named in a text (title, sheet or file name): «Результаты ЕГЭ 2024» → ЕГЭ."""
    n = " " + H.norm(text) + " "
    for exam, word in _EXAM_WORDS:
        if f" {word} " in n:
            return exam
    return None


def canonical_exam(text: Any) -> Any:
    """Known procedure names in their canonical spelling («егэ» → «ЕГЭ»); unknown texts unchanged."""
    if not isinstance(text, str):
        return text
    n = H.norm(text)
    for exam, word in _EXAM_WORDS:
        if n == word:
            return exam
    return text


@dataclass
class Plan:
    """How a sheet's header was understood."""

    table: str
    header_top: int  # index into sheet.rows of the first header row
    header_rows: int  # 1 or 2
    fields: dict[int, str]  # column index → model field
    labels: dict[int, str]  # column index → header text as shown in messages
    groups: dict[int, str] = field(default_factory=dict)  # column index → group label (upper header row)
    unplaced: list[str] = field(default_factory=list)
    score: float = 0.0
    totals: list[str] = field(default_factory=list)  # headers of columns that total the groups (not loaded)


def _text(v: Any) -> str:
    if is_blank(v):
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).replace("\n", " ").strip()


def _mapping_lookup(ctx: Context) -> dict[str, str]:
    return {H.norm(k): canonical_target(v) for k, v in (ctx.mapping or {}).items()}


def _skipped(mapping: dict[str, str], *labels: str) -> bool:
    """Did the user map this header to «не загружать»? Then it is decided, not unplaced."""
    if not mapping or not any(v in ("", "-", "skip") for v in mapping.values()):
        return False
    return any(mapping.get(H.norm(lab)) in ("", "-", "skip") for lab in labels if lab)


MAPPED = 100.0  # the score of a header the user mapped


def _match(text: str, table: str, mapping: dict[str, str]) -> tuple[str, float] | None:
    """(field, score) a header means in `table`: the user's mapping first, then the known phrasings and the
    vocabulary (`loaders.headers.match_scored`)."""
    if not text:
        return None
    n = H.norm(text)
    if n in mapping:
        target = mapping[n]
        if target in ("", "-", "skip"):
            return None
        if target in _FIELDS[table]:
            return target, MAPPED
        found = H.match_scored(target, table)  # a mapping to a Russian header text
        return (found[0], MAPPED) if found else None
    return H.match_scored(text, table)


_CANONICAL = {t: {H.norm(c.header) for c in cols} for t, cols in TABLES.items()}
_FIELDS = {t: {c.name for c in cols} | {H.SCHOOL_NAME, H.INDICATOR_NAME} | {f.name for f in vocabulary().fields.get(t, ())}
           for t, cols in TABLES.items()}
_ALL_FIELDS = set().union(*_FIELDS.values())
# Fields that say what a row is about, not what was measured: never read from under a group label.
_ROW_FIELDS = {H.SCHOOL_NAME, "school_id", "municipality", "name", "short_name", H.INDICATOR_NAME, "indicator_id",
               "number", "title"}


def _coverage(table: str, found: set[str]) -> bool:
    return all(any(f in found for f in alt) for alt in NEEDS[table])


def _is_label_text(sub: str) -> bool:
    """Could a cell of the second header row be a header (not a data cell such as a school's name or a number)?"""
    return bool(sub) and not any(ch.isdigit() for ch in sub) and len(sub.split()) <= 3


def _header_cells(sheet: Sheet, i: int, two: bool, width: int) -> list[tuple[str, str]]:
    """(upper, lower) header texts of each column. In a two-row header a group label written only over the
    first column of its group (a csv, or cells left unmerged) stands over the following columns too, as long as
    their upper cell is blank and their lower cell is filled."""
    cells = []
    group = ""
    for j in range(width):
        top = _text(sheet.merged_value(i, j))
        sub = _text(sheet.merged_value(i + 1, j)) if two else ""
        if two and sub == top:
            sub = ""  # a header cell merged down over both rows
        if top:
            group = top if sub else ""
        elif sub and group:
            top = group
        else:
            group = ""
        cells.append((top, sub))
    return cells


def _plan_for(sheet: Sheet, i: int, two: bool, table: str, mapping: dict[str, str], width: int) -> Plan | None:
    """How the header at row i (one or two rows) reads as `table`: every column is scored, and each field goes to
    the column that signals it best (a field may repeat once per group label)."""
    labels: dict[int, str] = {}
    groups: dict[int, str] = {}
    unplaced: list[str] = []
    candidates: list[tuple[float, int, str]] = []
    for j, (top, sub) in enumerate(_header_cells(sheet, i, two, width)):
        found = None
        label = sub or top
        if sub:
            combined = f"{top} {sub}" if top else ""
            if combined and H.norm(combined) in mapping:
                found, label = _match(combined, table, mapping), combined
            else:
                found = _match(sub, table, mapping)
                if found is None and top and _is_label_text(sub):
                    found, label = _match(combined, table, mapping), combined  # «Не преодолели порог» over «чел.»
            if found is not None and top and label == sub and found[0] not in _ROW_FIELDS \
                    and _match(top, table, mapping) is None:
                groups[j] = top
                label = f"{top} / {sub}"
        elif top:
            found = _match(top, table, mapping)
        if found is None:
            if label and H.norm(label) not in IGNORED_HEADERS and not _skipped(mapping, top, sub, label):
                unplaced.append(label)
            continue
        labels[j] = label
        candidates.append((found[1], j, found[0]))
    fields: dict[int, str] = {}
    taken: set[tuple[str, str]] = set()  # (group label or "", field)
    for _, j, f in sorted(candidates, key=lambda c: (-c[0], c[1])):
        key = (groups.get(j, ""), f)
        if key in taken:
            unplaced.append(labels.pop(j))  # a second column for the same field: the better-signalled one keeps it
            continue
        taken.add(key)
        fields[j] = f
    grouped = {f for g, f in taken if g}
    totals = [j for j, f in fields.items() if j not in groups and f in grouped]
    for j in totals:  # «Всего участников» beside per-subject «участников»: a total over the groups, not a field
        del fields[j]
    groups = {j: g for j, g in groups.items() if j in fields}
    if two and not groups:
        return None  # a second header row only makes sense with groups over it
    used = set(fields.values())
    if not _coverage(table, used):
        return None
    explained = len(fields) + len(totals)
    share = explained / max(explained + len(unplaced), 1)
    score = share + 0.01 * len(used) + (0.05 if two else 0)
    plan = Plan(table, i, 2 if two else 1, fields, {j: labels[j] for j in fields}, groups, unplaced, score)
    plan.totals = [labels[j] for j in totals]
    return plan


def header_signature_at(sheet: Sheet, top: int, rows: int) -> str:
    """The signature of the header in rows top…top+rows-1 (what a mapping is saved under)."""
    width = max((len(r) for r in sheet.rows[top:top + 2]), default=0)
    return H.header_signature([_text(sheet.merged_value(r, j)) for r in range(top, top + rows) for j in range(width)])


def _saved_lookup(ctx: Context, sheet: Sheet) -> Any:
    """mapping(top, rows): the mapping saved for the header signature at that place (normalised header →
    target) with the user's own on top; just the user's when nothing is saved."""
    explicit = _mapping_lookup(ctx)
    if ctx.mappings is not None and not callable(ctx.mappings) and not ctx.mappings:
        return lambda top, rows: explicit  # nothing saved at all
    cache: dict[tuple[int, int], dict[str, str]] = {}

    def mapping(top: int, rows: int) -> dict[str, str]:
        if (top, rows) not in cache:
            saved = ctx.saved_mapping(header_signature_at(sheet, top, rows)) or {}
            # only targets that are model fields: free text is an open-data indicator name, not ours to read
            fields = {H.norm(k): t for k, t in ((k, canonical_target(v)) for k, v in saved.items())
                      if t in _ALL_FIELDS or t == "skip"}
            cache[(top, rows)] = {**fields, **explicit} if fields else explicit
        return cache[(top, rows)]
    return mapping


def plan_sheet(sheet: Sheet, ctx: Context) -> Plan | None:
    """The best header interpretation of a sheet, or None when no table header is found.

    A mapping saved for the header's signature (the store's or the mappings file, `ctx.saved_mapping`) is
    applied as if the user had given it; the user's own mapping wins over it."""
    mapping_at = _saved_lookup(ctx, sheet)
    tables = [ctx.table] if ctx.table else list(NEEDS)
    best: Plan | None = None
    n = min(len(sheet.rows), SCAN_ROWS)
    width = max((len(r) for r in sheet.rows[: n + 2]), default=0)  # header rows only: never scan 100k rows
    for i in range(n):
        row = sheet.rows[i]
        if sum(1 for v in row if not is_blank(v)) < 2 and not any(r[0] <= i <= r[2] for r in sheet.merged):
            continue
        for table in tables:
            for two in (False, True):
                if two and i + 1 >= len(sheet.rows):
                    continue
                plan = _plan_for(sheet, i, two, table, mapping_at(i, 2 if two else 1), width)
                if plan and (best is None or plan.score > best.score + 1e-9):
                    best = plan
        if best is not None and i > best.header_top + 1:
            break  # the first header found wins over later look-alikes
    return best


def _title_texts(sheet: Sheet, plan: Plan | None) -> list[str]:
    stop = plan.header_top if plan else min(len(sheet.rows), 5)
    out = []
    for r in sheet.rows[:stop]:
        out.extend(_text(v) for v in r if not is_blank(v))
    return out


def _group_field(label: str) -> tuple[str, Any]:
    """What a group label over result columns means: (field, value)."""
    exam = find_exam(label)
    n = H.norm(label)
    if exam and H.norm(exam) == n:
        return "exam", exam
    m = _GRADE_RE.match(n)
    if m:
        return "grade", int(m.group(1) or m.group(2))
    if re.fullmatch(r"(?:19|20)\d\d.*", n) and find_year(label):
        return "year", find_year(label)
    return "subject", label


class Tabular:
    name = "tabular"
    title = "Таблица с заголовками (шаблон или выгрузка)"

    def __init__(self) -> None:
        # detect() and parse() of one sheet share the header analysis; the entry keeps the sheet itself so a
        # recycled id() can never return another sheet's plan.
        self._cache: dict[tuple[int, int], tuple[Sheet, Plan | None]] = {}

    @staticmethod
    def _key(sheet: Sheet, ctx: Context) -> tuple[int, int]:
        return id(sheet), hash((ctx.table, tuple(sorted((ctx.mapping or {}).items())), id(ctx.mappings)))

    def _plan(self, sheet: Sheet, ctx: Context) -> Plan | None:
        key = self._key(sheet, ctx)
        hit = self._cache.get(key)
        if hit is None or hit[0] is not sheet:
            if len(self._cache) > 64:
                self._cache.clear()
            hit = (sheet, plan_sheet(sheet, ctx))
            self._cache[key] = hit
        return hit[1]

    def detect(self, sheet: Sheet, ctx: Context) -> float:
        plan = self._plan(sheet, ctx)
        if plan is None:
            return 0.0
        # A recognised header gives 0.6; the larger the share of its header cells we can place, the surer:
        # a header made only of known columns (our templates) is certainly ours (0.99).
        if plan.header_rows == 1 and not plan.unplaced and all(
                H.norm(label) in _CANONICAL[plan.table] for label in plan.labels.values()):
            return 1.0  # exactly our canonical template headers: nobody reads them better
        placed = len(plan.fields)
        share = placed / max(placed + len(plan.unplaced), 1)
        return round(0.6 + 0.39 * share, 3)

    def parse(self, sheet: Sheet, ctx: Context) -> Parsed:
        plan = self._plan(sheet, ctx)
        self._cache.pop(self._key(sheet, ctx), None)
        out = Parsed()
        if plan is None:
            out.problems.append(ctx.problem(
                "error", "не найдена строка заголовков таблицы: ни один известный набор столбцов "
                         "(например «Наименование ОО», «Участников», «Средний балл») не распознан", sheet))
            return out
        titles = _title_texts(sheet, plan)
        info: dict[str, Any] = {"header_row": sheet.row_number(plan.header_top), "table": plan.table}
        for t in titles:
            info.setdefault("year", find_year(t)) if find_year(t) else None
            info.setdefault("exam", find_exam(t)) if find_exam(t) else None
        header_texts = [_text(sheet.merged_value(r, j)) for r in range(plan.header_top, plan.header_top + plan.header_rows)
                        for j in range(max((len(r) for r in sheet.rows[plan.header_top:plan.header_top + 2]), default=0))]
        info["header_texts"] = [h for h in header_texts if h]
        info["signature"] = header_signature_at(sheet, plan.header_top, plan.header_rows)
        out.info = info
        out.unplaced_columns = list(plan.unplaced)

        start = plan.header_top + plan.header_rows
        body = sheet.rows[start:]
        if body and is_numbering_row(body[0]):
            body = body[1:]
            start += 1
        if not body:
            out.tables[plan.table] = pd.DataFrame(columns=["_row"])
            return out
        width = max(max(plan.fields) + 1 if plan.fields else 0, min(3, max(map(len, body))))
        columns, blanks = _columns(body, width)
        n = len(body)
        rows = np.arange(n) + sheet.row_number(start)
        filled = {j: ~blanks[j] for j in plan.fields}
        keep = np.zeros(n, dtype=bool)
        for j in plan.fields:
            keep |= filled[j]
        # total rows: the school label (or, without one, the first text cells) says «Итого», «Всего»…
        school_labels = (H.SCHOOL_NAME, "school_id") + (("name", "short_name") if plan.table == "schools" else ())
        label_cols = [j for j, f in plan.fields.items() if f in school_labels]
        if plan.table in ("indicators", "events"):
            first_cols = []  # an indicator or event named «Средний балл…» is never a total row
        else:
            first_cols = label_cols or list(range(min(3, len(columns))))
        total = np.zeros(n, dtype=bool)
        for j in first_cols[:3]:
            col = columns[j]
            codes, uniques = pd.factorize(col, use_na_sentinel=True)
            flags = np.array([isinstance(u, str) and H.is_total_label(u) for u in uniques] + [False], dtype=bool)
            total |= flags[codes]
        skipped_totals = int((keep & total).sum())
        if skipped_totals:
            info["total_rows_skipped"] = skipped_totals
        keep &= ~total
        rows = rows[keep]

        shared = {j: f for j, f in plan.fields.items() if j not in plan.groups}
        headers_map = {f: plan.labels[j] for j, f in shared.items()}
        base = {f: columns[j][keep] for j, f in shared.items()}
        if not plan.groups:
            t = pd.DataFrame(base)
            t["_row"] = rows
            if plan.table == "events":
                _parse_event_deadlines(t, sheet, ctx, titles, out)
            out.tables[plan.table] = t
            out.headers[plan.table] = headers_map
            return out

        # Unfold merged column groups: one block of rows per group label.
        by_group: dict[str, dict[int, str]] = {}
        for j, label in plan.groups.items():
            by_group.setdefault(label, {})[j] = plan.fields[j]
        parts = []
        for label, cols in by_group.items():
            gfield, gvalue = _group_field(label)
            measure = np.zeros(int(keep.sum()), dtype=bool)
            for j in cols:
                measure |= filled[j][keep]
            part = pd.DataFrame({f: a[measure] for f, a in base.items()})
            for j, f in cols.items():
                part[f] = columns[j][keep][measure]
                part[f"_col_{f}"] = plan.labels[j]
            part[gfield] = gvalue
            part["_row"] = rows[measure]
            parts.append(part)
        t = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["_row"])
        out.tables[plan.table] = t
        out.headers[plan.table] = headers_map
        info["groups"] = list(by_group)
        return out


def _parse_event_deadlines(t: pd.DataFrame, sheet: Sheet, ctx: Context, titles: list[str], out: Parsed) -> None:
    """Events with a «Сроки» column but no «Контрольные даты»: control dates and schedule parsed from the
    text (`loaders.deadlines`) within the programme years of the title, the user's year or the dates' own."""
    if "deadline_text" not in t.columns or "control_dates" in t.columns or not len(t):
        return
    texts = t["deadline_text"].map(lambda v: "" if is_blank(v) else " ".join(str(v).split()))
    years = programme_years([*titles, sheet.name, sheet.file.rsplit("/", 1)[-1]], ctx.year, texts)
    dl = parse_deadlines(texts, years)
    t["control_dates"] = dl["control_dates"].to_numpy()
    if "schedule" not in t.columns:
        t["schedule"] = dl["schedule"].to_numpy()
    undated = needing_years(texts) if years is None else 0
    if undated:
        out.problems.append(ctx.problem(
            "warning", f"годы программы не найдены ни в заголовке, ни в сроках: {undated} срок(ов) без "
                       "года оставлены без контрольных дат; укажите год при загрузке (--year) или годы в заголовке "
                       "(«на 2023-2025 годы»)", sheet))


def _columns(body: list[list[Any]], width: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The first `width` columns of the body as object arrays with blanks as None, and each column's blank mask.

    Grids hold "" for an empty cell (calamine, csv and Google Sheets never give None), so one comparison per
    column finds the blanks; short rows are padded with "".
    """
    lengths = set(map(len, body))
    if len(lengths) == 1 and next(iter(lengths)) >= width:
        grid = np.empty((len(body), next(iter(lengths))), dtype=object)
        grid[:] = body
    else:
        grid = np.empty((len(body), width), dtype=object)
        grid[:] = [list(r[:width]) + [""] * (width - len(r[:width])) for r in body]
    cols, blanks = [], []
    for j in range(width):
        a = grid[:, j]  # a view: the grid is ours
        blank = np.asarray(a == "", dtype=bool)
        a[blank] = None
        cols.append(a)
        blanks.append(blank)
    return cols, blanks


TABULAR = register(Tabular())
