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
from loaders.cells import find_year, map_unique, to_numbers
from loaders.deadlines import needing_years, parse_deadlines, programme_years
from loaders.grid import Sheet, is_blank
from loaders.layouts import register
from loaders.layouts.base import Context, Parsed
from loaders.layouts.rows import RowKinds, classify, fill_merged
from loaders.mappings import canonical_target
from loaders.model import EXAMS, TABLES
from loaders.proposals import GENERATED, PROPOSED, propose
from loaders.report import thousands
from loaders.thresholds import normalise_subject
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


_GRADE_IN_TEXT = re.compile(r"grade[\s_-]*(\d{1,2})(?!\d)|(?<![\d.])(\d{1,2})\s*[-_ ]?(?:[ -]?(?:х|ых|й|го))?\s*(?:класс|клас|кл\b)"
                            r"|(?<![a-zа-я])(xi|x|ix|viii|vii|vi|v|iv)\s+(?:класс|клас)", re.I)
_ROMAN = {"iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10, "xi": 11}


def find_grade(text: Any) -> int | None:
    """The grade named in a title or a file name: «ВПР 5 класс», «за VII клас», «nvo_grade7» → 5, 7, 7."""
    m = _GRADE_IN_TEXT.search(str(text or ""))
    if not m:
        return None
    g = int(m.group(1) or m.group(2)) if (m.group(1) or m.group(2)) else _ROMAN[m.group(3).lower()]
    return g if 1 <= g <= 11 else None


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
    hundreds: list[str] = field(default_factory=list)  # «получили 100 баллов» columns (not a model field)
    directives: dict[str, str] = field(default_factory=dict)  # what the user said about the sheet (DIRECTIVES)


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


def _plan_for(sheet: Sheet, i: int, two: bool, table: str, mapping: dict[str, str], width: int,
              forced: bool = False) -> Plan | None:
    """How the header at row i (one or two rows) reads as `table`: every column is scored, and each field goes to
    the column that signals it best (a field may repeat once per group label). `forced`: the user said this is
    the header and the table — the plan is made whatever it covers (validation names what is missing)."""
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
    hundreds = [j for j, f in fields.items() if f == "hundred_scorers"]
    for j in hundreds:  # «получили 100 баллов»: known, but the model has no such field
        del fields[j]
    groups = {j: g for j, g in groups.items() if j in fields}
    if two and not groups and not forced:
        return None  # a second header row only makes sense with groups over it
    used = set(fields.values())
    if not _coverage(table, used) and not forced:
        return None
    explained = len(fields) + len(totals) + len(hundreds)
    share = explained / max(explained + len(unplaced), 1)
    score = share + 0.01 * len(used) + (0.05 if two else 0)
    plan = Plan(table, i, 2 if two else 1, fields, {j: labels[j] for j in fields}, groups, unplaced, score)
    plan.totals = [labels[j] for j in totals]
    plan.hundreds = [labels[j] for j in hundreds]
    plan.directives = {k: v for k, v in mapping.items() if k in DIRECTIVES}
    return plan


def header_signature_at(sheet: Sheet, top: int, rows: int) -> str:
    """The signature of the header in rows top…top+rows-1 (what a mapping is saved under)."""
    width = max((len(r) for r in sheet.rows[top:top + 2]), default=0)
    return H.header_signature([_text(sheet.merged_value(r, j)) for r in range(top, top + rows) for j in range(width)])


def header_candidates(sheet: Sheet, limit: int = 15) -> list[dict[str, Any]]:
    """Where a header may start, for a user who says it herself: for each of the first rows with text, read as a
    one- or two-row header — the spreadsheet row, the column labels as the loaders key a mapping on them, their
    column letters, and the signature a mapping for that header is saved under."""
    width = max((len(r) for r in sheet.rows[:limit + 2]), default=0)
    out = []
    for i in range(min(len(sheet.rows), limit)):
        if not any(not is_blank(v) for v in sheet.rows[i]):
            continue
        for rows in (1, 2):
            if i + rows > len(sheet.rows):
                continue
            labels = []
            for top, sub in _header_cells(sheet, i, rows == 2, width):
                labels.append(f"{top} / {sub}" if top and sub else (sub or top))
            out.append({"row": sheet.row_number(i), "rows": rows, "labels": labels,
                        "letters": [sheet.column_letter(j) for j in range(len(labels))],
                        "signature": header_signature_at(sheet, i, rows)})
    return out


def _saved_lookup(ctx: Context, sheet: Sheet) -> Any:
    """mapping(top, rows): the mapping saved for the header signature at that place (normalised header →
    target) with the user's own on top; just the user's when nothing is saved. A saved mapping may also hold
    what the user said about the sheet itself (`DIRECTIVES`: its table type, first data row, procedure)."""
    explicit = {k: v for k, v in _mapping_lookup(ctx).items() if not k.startswith("@")}
    if ctx.mappings is not None and not callable(ctx.mappings) and not ctx.mappings:
        return lambda top, rows: explicit  # nothing saved at all
    cache: dict[tuple[int, int], dict[str, str]] = {}

    def mapping(top: int, rows: int) -> dict[str, str]:
        if (top, rows) not in cache:
            saved = ctx.saved_mapping(header_signature_at(sheet, top, rows)) or {}
            # only targets that are model fields: free text is an open-data indicator name, not ours to read
            fields = {H.norm(k): t for k, t in ((k, canonical_target(v)) for k, v in saved.items())
                      if t in _ALL_FIELDS or t == "skip"}
            fields.update({k: str(v) for k, v in saved.items() if k in DIRECTIVES})
            cache[(top, rows)] = {**fields, **explicit} if fields else explicit
        return cache[(top, rows)]
    return mapping


# What a saved mapping may say about a sheet besides its columns (the upload dialog saves them when the user
# tells what a skipped sheet is): the table type, the first data row (a spreadsheet row number), the procedure.
DIRECTIVES = ("@table", "@data_row", "@exam")


def plan_sheet(sheet: Sheet, ctx: Context) -> Plan | None:
    """The best header interpretation of a sheet, or None when no table header is found.

    A mapping saved for the header's signature (the store's or the mappings file, `ctx.saved_mapping`) is
    applied as if the user had given it; the user's own mapping wins over it. A saved mapping that names the
    table type fixes the header at the place it was saved for: the user has said what the sheet is."""
    mapping_at = _saved_lookup(ctx, sheet)
    tables = [ctx.table] if ctx.table else list(NEEDS)
    best: Plan | None = None
    n = min(len(sheet.rows), SCAN_ROWS)
    width = max((len(r) for r in sheet.rows[: n + 2]), default=0)  # header rows only: never scan 100k rows
    for i in range(n):
        for rows in (1, 2):
            m = mapping_at(i, rows)
            if m.get("@table") in TABLES and i + rows <= len(sheet.rows):
                return _plan_for(sheet, i, rows == 2, m["@table"], m, width, forced=True)
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
    return "subject", normalise_subject(label)


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

    def plan(self, sheet: Sheet, ctx: Context) -> Plan | None:
        """The header plan of a sheet (shared by detect and parse, and asked by other layouts)."""
        key = self._key(sheet, ctx)
        hit = self._cache.get(key)
        if hit is None or hit[0] is not sheet:
            if len(self._cache) > 64:
                self._cache.clear()
            hit = (sheet, plan_sheet(sheet, ctx))
            self._cache[key] = hit
        return hit[1]

    def detect(self, sheet: Sheet, ctx: Context) -> float:
        plan = self.plan(sheet, ctx)
        if plan is None:
            return 0.0
        # A recognised header gives 0.6; the larger the share of its header cells we can place, the surer:
        # a header made only of known columns (our templates) is certainly ours (0.99).
        if plan.directives.get("@table"):
            return 1.0  # the user said what the sheet is
        if plan.header_rows == 1 and not plan.unplaced and all(
                H.norm(label) in _CANONICAL[plan.table] for label in plan.labels.values()):
            return 1.0  # exactly our canonical template headers: nobody reads them better
        placed = len(plan.fields)
        share = placed / max(placed + len(plan.unplaced), 1)
        return round(0.6 + 0.39 * share, 3)

    def parse(self, sheet: Sheet, ctx: Context) -> Parsed:
        plan = self.plan(sheet, ctx)
        self._cache.pop(self._key(sheet, ctx), None)
        out = Parsed()
        if plan is None:
            out.problems.append(ctx.problem(
                "error", "не найдена строка заголовков таблицы: ни один известный набор столбцов "
                         "(например «Наименование ОО», «Участников», «Средний балл») не распознан", sheet))
            return out
        titles = _title_texts(sheet, plan)
        info: dict[str, Any] = {"header_row": sheet.row_number(plan.header_top), "table": plan.table,
                                "titles": titles}
        for t in titles:
            info.setdefault("year", find_year(t)) if find_year(t) else None
            info.setdefault("exam", find_exam(t)) if find_exam(t) else None
        if plan.directives.get("@exam"):
            info.setdefault("exam", canonical_exam(plan.directives["@exam"]))
        header_texts = [_text(sheet.merged_value(r, j)) for r in range(plan.header_top, plan.header_top + plan.header_rows)
                        for j in range(max((len(r) for r in sheet.rows[plan.header_top:plan.header_top + 2]), default=0))]
        info["header_texts"] = [h for h in header_texts if h]
        info["signature"] = header_signature_at(sheet, plan.header_top, plan.header_rows)
        out.info = info
        out.unplaced_columns = list(plan.unplaced)

        start = plan.header_top + plan.header_rows
        if str(plan.directives.get("@data_row", "")).isdigit():
            start = max(start, int(plan.directives["@data_row"]) - sheet.first_row)
        body = sheet.rows[start:]
        if not body:
            out.tables[plan.table] = pd.DataFrame(columns=["_row"])
            return out
        width = max(max(plan.fields) + 1 if plan.fields else 0, max(map(len, body)))  # the last column may say «Итого»
        columns, blanks = _columns(body, width)
        fill_merged(sheet, start, columns, blanks)
        n = len(body)
        rows = np.arange(n) + sheet.row_number(start)
        keep = np.zeros(n, dtype=bool)
        for j in plan.fields:
            keep |= ~blanks[j]
        kinds = _row_kinds(plan, body, columns)
        keep &= ~kinds.numbering
        skipped_totals = int((keep & kinds.total).sum())
        if skipped_totals:
            info["total_rows_skipped"] = skipped_totals
        total_rows = keep & kinds.total
        keep &= ~kinds.total
        if (keep & kinds.number_as_name).any():
            bad = rows[keep & kinds.number_as_name]
            out.problems.append(ctx.problem(
                "warning", f"строк(и) пропущены: в столбце школы число, а не название ({_row_list(bad)}) — это "
                           "не школы (номера столбцов или итоги без подписи)", sheet, int(bad[0]),
                plan.labels.get(_field_col(plan, H.SCHOOL_NAME))))
            keep &= ~kinds.number_as_name

        shared = {j: f for j, f in plan.fields.items() if j not in plan.groups}
        headers_map = {f: plan.labels[j] for j, f in shared.items()}
        if not plan.groups:
            t = pd.DataFrame({f: columns[j][keep] for j, f in shared.items()})
            t["_row"] = rows[keep]
            if plan.table == "events":
                _parse_event_deadlines(t, sheet, ctx, titles, out)
            if plan.table == "results" and total_rows.any():
                totals = pd.DataFrame({f: columns[j][total_rows] for j, f in shared.items()})
                _check_totals(plan, totals.assign(_row=rows[total_rows]), t, sheet, ctx, out)
            out.tables[plan.table] = t
            out.headers[plan.table] = headers_map
            _propose_schools(out, plan, t, ctx, sheet)
            return out

        t = _unfold(plan, columns, keep, rows)
        info["groups"] = list(dict.fromkeys(plan.groups.values()))
        if plan.hundreds:
            out.problems.append(ctx.problem(
                "warning", f"столбцы «{plan.hundreds[0].split(' / ')[-1]}» не загружены (в модели нет такого поля): "
                           "«высокобалльники» здесь — только те, кого так называет файл, без получивших 100 баллов",
                sheet))
        if plan.table == "results" and total_rows.any():
            _check_totals(plan, _unfold(plan, columns, total_rows, rows), t, sheet, ctx, out)
        out.tables[plan.table] = t
        out.headers[plan.table] = headers_map
        _propose_schools(out, plan, t, ctx, sheet)
        return out


COUNT_FIELDS = ("participants", "below_min", "high_scorers", "mark2", "mark3", "mark4", "mark5", "lowered",
                "confirmed", "raised")


def _field_col(plan: Plan, field: str) -> int | None:
    return next((j for j, f in plan.fields.items() if f == field and j not in plan.groups), None)


def _row_kinds(plan: Plan, body: list[list[Any]], columns: list[np.ndarray]) -> RowKinds:
    """Numbering, total, subtotal rows: the labels are looked for in the school, name and municipality columns,
    and in the first and last columns that hold no measure."""
    shared = {j: f for j, f in plan.fields.items() if j not in plan.groups}
    name_col = next((j for j, f in shared.items() if f in (H.SCHOOL_NAME, "name", "title", H.INDICATOR_NAME)), None)
    muni = _field_col(plan, "municipality")
    if plan.table in ("indicators", "events"):
        return classify(body, columns, [], name_col, None, totals_allowed=False)  # «Средний балл…» is no total
    labels = [j for j, f in shared.items() if f in _ROW_FIELDS or f in ("name", "short_name")]
    free = [j for j in range(len(columns)) if j not in plan.fields]
    edge = ([free[0]] if free and free[0] < min(plan.fields, default=0) else []) + \
        ([free[-1]] if free and free[-1] > max(plan.fields, default=0) else [])
    label_cols = list(dict.fromkeys(labels + edge)) or list(range(min(3, len(columns))))
    return classify(body, columns, label_cols, name_col, muni, totals_allowed=True)


def _row_list(rows: np.ndarray, limit: int = 10) -> str:
    shown = ", ".join(str(int(r)) for r in rows[:limit])
    return "строки " + shown + (f" и ещё {len(rows) - limit}" if len(rows) > limit else "")


def _numbers(a: np.ndarray) -> np.ndarray:
    vals, bad = to_numbers(pd.Series(a, dtype=object))
    out = vals.to_numpy(dtype="float64", copy=True)
    out[bad.to_numpy()] = np.inf  # text that is not a number: something was written, validation names it
    return out


def _unfold(plan: Plan, columns: list[np.ndarray], keep: np.ndarray, rows: np.ndarray) -> pd.DataFrame:
    """One block of rows per group label (subject, year…): a row for each kept body row whose group holds a
    result. A blank group — or one of zeros only — means the subject was not sat: no row, no error."""
    shared = {j: f for j, f in plan.fields.items() if j not in plan.groups}
    base = {f: columns[j][keep] for j, f in shared.items()}
    by_group: dict[str, dict[int, str]] = {}
    for j, label in plan.groups.items():
        by_group.setdefault(label, {})[j] = plan.fields[j]
    parts = []
    for label, cols in by_group.items():
        gfield, gvalue = _group_field(label)
        values = {j: columns[j][keep] for j in cols}
        measure = np.zeros(int(keep.sum()), dtype=bool)
        for j in cols:
            nums = _numbers(values[j])
            measure |= ~np.isnan(nums) & (nums != 0)
        part = pd.DataFrame({f: a[measure] for f, a in base.items()})
        for j, f in cols.items():
            part[f] = values[j][measure]
            part[f"_col_{f}"] = plan.labels[j]
        part[gfield] = gvalue
        part["_row"] = rows[keep][measure]
        parts.append(part)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["_row"])


def _check_totals(plan: Plan, totals: pd.DataFrame, loaded: pd.DataFrame, sheet: Sheet, ctx: Context,
                  out: Parsed) -> None:
    """Compare the counts of the school rows with the file's own total row, per group: a mismatch is a warning
    with both numbers. Means are not compared — a total row's mean is often not weighted by participants."""
    if not len(totals):
        return
    gfield = _group_field(next(iter(plan.groups.values())))[0] if plan.groups else "subject"
    counts = [f for f in COUNT_FIELDS if f in totals.columns]
    if not counts or gfield not in totals.columns or gfield not in loaded.columns:
        return
    tot = totals.copy()
    for f in counts:
        tot[f] = to_numbers(tot[f].astype(object))[0]
    if plan.groups:
        # the grand total: of several total rows (subtotals per municipality and the total), the one with the most
        # participants — compared only when it totals the others too (subtotals alone give no grand total)
        size = tot.groupby("_row")[counts[0]].sum()
        grand_row = int(size.idxmax())
        if len(size) > 1 and abs(size.sum() - 2 * size.max()) > 1e-9:
            return
        grand = tot[tot["_row"] == grand_row].set_index(gfield)
    else:  # a long table: a total row per subject, «Итого по району | Русский язык | 42»
        if tot[gfield].duplicated().any():
            return  # subtotals too: which row totals what is not said
        grand, grand_row = tot.set_index(gfield), int(tot["_row"].min())
    sums = loaded.assign(**{f: to_numbers(loaded[f].astype(object))[0] for f in counts if f in loaded.columns})
    sums = sums.groupby(gfield)[[f for f in counts if f in sums.columns]].sum(min_count=1)
    names = {c.name: c.header for c in TABLES["results"]}
    wrong = []
    for group, row in grand.iterrows():
        for f in counts:
            want = row.get(f)
            if want is None or pd.isna(want):
                continue
            got = sums.at[group, f] if group in sums.index and f in sums.columns else 0.0
            got = 0.0 if pd.isna(got) else got
            if abs(got - want) > 1e-9:
                wrong.append(f"{group}, {names.get(f, f).lower()}: в итоговой строке {_n(want)}, "
                             f"сумма по школам {_n(got)}")
    if wrong:
        more = f" и ещё {len(wrong) - 5}" if len(wrong) > 5 else ""
        out.problems.append(ctx.problem(
            "warning", "количества по школам не сходятся с итоговой строкой файла: " + "; ".join(wrong[:5]) + more
                       + " — проверьте, все ли школы прочитаны", sheet, grand_row))
    else:
        out.info["totals_checked"] = grand_row


def _n(v: float) -> str:
    return thousands(int(v)) if float(v).is_integer() else str(v).replace(".", ",")


def _label_text(v: Any) -> str | None:
    return None if is_blank(v) else " ".join(str(v).split())


def _propose_schools(out: Parsed, plan: Plan, t: pd.DataFrame, ctx: Context, sheet: Sheet) -> None:
    """Without a registry, the schools a results file names are proposed as the registry (`loaders.proposals`):
    with the file's codes when it has them, else with codes made from the municipality and the name; the
    pipeline merges the proposals of all sheets."""
    if plan.table != "results" or H.SCHOOL_NAME not in t.columns or not len(t):
        return
    if ctx.registry is not None and len(ctx.registry):
        return
    names = map_unique(t[H.SCHOOL_NAME], _label_text)
    munis = map_unique(t["municipality"], _label_text) if "municipality" in t.columns else None
    label = plan.labels.get(_field_col(plan, H.SCHOOL_NAME), "")
    if "school_id" in t.columns:
        codes = map_unique(t["school_id"], lambda v: None if is_blank(v) else _text(v))
        schools = pd.DataFrame({"school_id": codes.to_numpy(), "name": names.to_numpy(), "_row": t["_row"].to_numpy()})
        schools = schools[schools["school_id"].notna()].drop_duplicates("school_id").reset_index(drop=True)
        schools[PROPOSED], schools[GENERATED] = True, False
        out.headers["schools"] = {"name": label, "school_id": plan.labels.get(_field_col(plan, "school_id"), "")}
    else:
        ids, schools = propose(names, munis, t["_row"])
        t["school_id"] = ids.to_numpy()
        t["_col_school_id"] = label
        out.headers["schools"] = {"name": label, "school_id": label}
    t.drop(columns=[H.SCHOOL_NAME], inplace=True)
    out.tables["schools"] = schools
    out.info["proposed_schools"] = len(schools)


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
