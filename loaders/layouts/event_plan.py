"""How is a programme's event plan (план мероприятий, дорожная карта) read?

Columns `№ | Мероприятие | Сроки | Ответственные | Ожидаемые результаты`,
optionally `Наименование направления`, `Отметка о выполнении` and `Дата
выполнения`, matched by their Russian names. Numbers are hierarchical
(`1.1.1.2.`, `2.6. `) and are normalised (`1.1.1.2`, `2.6`). Section rows —
spanning the table, or with a number and title but no deadline, responsible or
result — set `section` and are not events. A direction cell merged down over
its events, or left blank on continuation rows, gives each event its
`direction`. An event's section is the nearest section row whose number is a
prefix of the event's number (`5.2` → `5.`), else the last section row.
Multi-line cells become one line. Deadlines are parsed by
`loaders.deadlines` within the programme years from the title (`на 2012-2014
годы`, `на 2019/20 учебный год`) or the user's year; the text is kept beside
the control dates and the schedule.
"""
from __future__ import annotations

import re
from typing import Any

import pandas as pd

from loaders import headers as H
from loaders.cells import BLANK_WORDS, list_text
from loaders.deadlines import ProgrammeYears, needing_years, parse_deadlines, programme_years
from loaders.grid import Sheet, is_blank, is_numbering_row
from loaders.layouts import register
from loaders.layouts.base import Context, Parsed
from loaders.layouts.forma1 import cell_text, repeated_text, title_texts

SCAN_ROWS = 30
_NUMBER = re.compile(r"^\s*(\d+(?:\s*\.\s*\d+)*)\s*\.?\s*$")
_LEADING_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)*)\.?\s*(?=[^\d\s.])")


def norm_number(v: Any) -> str:
    """`1.1.1.2.` → `1.1.1.2`, `2.6. ` → `2.6`, 3.0 → `3`; other text is trimmed."""
    t = cell_text(v)
    m = _NUMBER.match(t)
    if m:
        return re.sub(r"\s+", "", m.group(1))
    return t.rstrip(". ").strip()


def _header(sheet: Sheet, ctx: Context) -> tuple[int, dict[int, str], dict[int, str]] | None:
    mapping = {H.norm(k): v for k, v in (ctx.mapping or {}).items()}
    width = sheet.width
    for i in range(min(len(sheet.rows), SCAN_ROWS)):
        fields: dict[int, str] = {}
        labels: dict[int, str] = {}
        for j in range(width):
            label = cell_text(sheet.cell(i, j))
            if not label:
                continue
            f = mapping.get(H.norm(label)) or H.match_column(label, "events")
            if f and f != "skip" and f not in fields.values():
                fields[j] = f
                labels[j] = label
        found = set(fields.values())
        if "title" in found and ({"deadline_text", "responsible"} & found):
            return i, fields, labels
    return None


def _programme_years(sheet: Sheet, ctx: Context, titles: list[str]) -> ProgrammeYears | None:
    return programme_years(titles + [sheet.name, sheet.file.rsplit("/", 1)[-1]], ctx.year)


class EventPlan:
    name = "event_plan"
    title = "План мероприятий (дорожная карта)"

    def detect(self, sheet: Sheet, ctx: Context) -> float:
        h = _header(sheet, ctx)
        if h is None:
            return 0.0
        found = set(h[1].values())
        # An event-plan header is unmistakable: it outranks the generic table reader (at most 0.99).
        return min(0.95 + 0.015 * len(found & {"deadline_text", "responsible", "expected_result", "number"}), 0.995)

    def parse(self, sheet: Sheet, ctx: Context) -> Parsed:
        out = Parsed()
        h = _header(sheet, ctx)
        if h is None:
            out.problems.append(ctx.problem("error", "не найден заголовок плана мероприятий: нужны столбцы "
                                                     "«Мероприятие» и «Сроки» или «Ответственные»", sheet))
            return out
        top, fields, labels = h
        col = {f: j for j, f in fields.items()}
        titles = title_texts(sheet, top)
        years = _programme_years(sheet, ctx, titles)
        out.info = {"header_row": sheet.row_number(top), "table": "events",
                    "header_texts": [cell_text(v) for v in sheet.rows[top] if cell_text(v)]}
        if years:
            out.info["programme_years"] = list(years)
        out.unplaced_columns = [cell_text(sheet.cell(top, j)) for j in range(sheet.width)
                                if j not in fields and cell_text(sheet.cell(top, j))]
        width = sheet.width
        content_fields = ("deadline_text", "responsible", "expected_result")
        records: list[dict] = []
        section = None  # the last section row
        numbered: dict[str, str] = {}  # section number → its row's text, the nearest row of each number
        direction = None
        for i in range(top + 1, len(sheet.rows)):
            row = sheet.rows[i]
            if all(is_blank(v) for v in row):
                continue
            if is_numbering_row(row):
                continue
            get = _row_fields(sheet, i, col)
            filled = [j for j in range(width) if not is_blank(sheet.cell(i, j))]
            rng = sheet.merged_range(i, filled[0]) if filled else None
            spans = rng is not None and rng[3] - rng[1] + 1 >= max(2, (width + 1) // 2) and rng[0] == i
            has_content = any(get.get(f) for f in content_fields)
            title = get.get("title", "")
            number = norm_number(get.get("number", ""))
            repeated = repeated_text(row)
            if not (spans or has_content or repeated) and _leaf(sheet, i, col, number or _leading(title)):
                has_content = True  # «2.4.2.3.1. …» with nothing else filled: an event, not a section
            if spans or not has_content or repeated:
                texts = list(dict.fromkeys(cell_text(sheet.cell(i, j)) for j in filled if fields.get(j) != "direction"))
                text = max(texts, key=len, default="") if repeated else " ".join(texts)
                if not text:
                    continue
                m = _LEADING_NUMBER.match(text)
                section = f"{m.group(1)}. {text[m.end():].strip()}" if m else text
                if number and title and not m:
                    section = f"{number}. {title}"
                sec_number = m.group(1) if m else (number if number and title and _NUMBER.match(number) else None)
                if sec_number:
                    numbered[sec_number] = section
                direction = None if "direction" not in col else direction
                continue
            if "direction" in col and get.get("direction"):
                direction = get["direction"]
            if not title:
                out.problems.append(ctx.problem("error", "у мероприятия не указано название", sheet,
                                                sheet.row_number(i), labels.get(col.get("title"))))
            if number in BLANK_WORDS:
                number = ""  # «-»: a row without a number of its own, kept as one
            if not number:
                m = _LEADING_NUMBER.match(title)
                if m:
                    number, title = m.group(1), title[m.end():].strip()
                else:
                    number = f"б/н-{sheet.row_number(i)}"
            records.append({
                "number": number, "section": section_of(number, numbered, section), "direction": direction,
                "title": title,
                "deadline_text": get.get("deadline_text") or None,
                "responsible": get.get("responsible") or None,
                "expected_result": get.get("expected_result") or None,
                "status": get.get("status") or None,
                "completion_date": sheet.cell(i, col["completion_date"]) if "completion_date" in col else None,
                "school_id": get.get("school_id") or None,
                "_row": sheet.row_number(i),
            })
        _unique_numbers(records, out, ctx, sheet)
        frame = pd.DataFrame(records, columns=["number", "section", "direction", "title", "deadline_text",
                                               "responsible", "expected_result", "status", "completion_date",
                                               "school_id", "_row"])
        if "school_id" not in col:
            frame = frame.drop(columns=["school_id"])
        if "completion_date" not in col:
            frame = frame.drop(columns=["completion_date"])
        if len(frame):
            dl = parse_deadlines(frame["deadline_text"], years)
            frame["deadline_text"] = dl["deadline_text"].where(dl["deadline_text"] != "", None).to_numpy()
            frame["control_dates"] = dl["control_dates"].to_numpy()
            frame["schedule"] = dl["schedule"].to_numpy()
            no_years = needing_years(frame["deadline_text"]) if years is None else 0
            if no_years:
                out.problems.append(ctx.problem(
                    "warning", f"годы программы не найдены в заголовке: {no_years} срок(ов) без года "
                               "оставлены без контрольных дат; укажите год (--year) или годы в заголовке "
                               "(«на 2023-2025 годы»)", sheet))
        else:
            frame["control_dates"] = pd.Series(dtype=object)
            frame["schedule"] = pd.Series(dtype=object)
        out.headers["events"] = {f: labels[j] for j, f in fields.items()}
        out.tables["events"] = frame
        return out


def _row_fields(sheet: Sheet, i: int, col: dict[str, int]) -> dict[str, str]:
    """The row's cells by field, as Excel shows them: a cell merged down over several rows (a title over twelve
    monthly rows, a responsible over a block) gives its text to every row it spans."""
    get = {}
    for f, j in col.items():
        text = cell_text(sheet.merged_value(i, j))
        if f == "responsible" and text:
            raw = sheet.merged_value(i, j)
            text = list_text(str(raw)) or ""
        get[f] = text
    return get


def _leading(title: str) -> str:
    m = _LEADING_NUMBER.match(title or "")
    return m.group(1) if m else ""


def _leaf(sheet: Sheet, i: int, col: dict[str, int], number: str) -> bool:
    """Is a numbered row with nothing but its title an event (no later row's number continues it, «2.4.2.3.1»
    before «2.4.2.3.2») rather than a section heading («2.4» before «2.4.1»)?"""
    if not number or not _NUMBER.match(number):
        return False
    for k in range(i + 1, min(i + 50, len(sheet.rows))):
        if all(is_blank(v) for v in sheet.rows[k]):
            continue
        get = _row_fields(sheet, k, col)
        nxt = norm_number(get.get("number", "")) or _leading(get.get("title", ""))
        return not nxt.startswith(number + ".")
    return True


def _unique_numbers(records: list[dict], out: Parsed, ctx: Context, sheet: Sheet) -> None:
    """Every row is an event even when its number repeats (numbering restarted in a new section, or a typo): a
    repeat becomes «1.1 (2)», and one warning lists the repeated numbers."""
    seen: dict[str, int] = {}
    repeated: list[tuple[str, int]] = []
    for rec in records:
        n = rec["number"]
        seen[n] = seen.get(n, 0) + 1
        if seen[n] > 1:
            repeated.append((n, rec["_row"]))
            rec["number"] = f"{n} ({seen[n]})"
    if repeated:
        shown = ", ".join(f"«{n}» (строка {r})" for n, r in repeated[:10]) + (
            f" и ещё {len(repeated) - 10}" if len(repeated) > 10 else "")
        out.problems.append(ctx.problem(
            "warning", f"номера мероприятий повторяются: {shown} — все строки сохранены, повтор номера записан с "
                       f"его порядковым номером: «{repeated[0][0]} (2)»", sheet))


def section_of(number: str, numbered: dict[str, str], last: str | None) -> str | None:
    """The section of an event: the nearest section row whose number is a prefix of the event's number
    (`5.2` → `5.`, `1.1.2.3` → `1.1.2.` if that is a section, else `1.1.`, else `1.`); the last section row
    when the numbers give no answer."""
    parts = number.split(".") if _NUMBER.match(number or "") else []
    for k in range(len(parts) - 1, 0, -1):
        hit = numbered.get(".".join(parts[:k]))
        if hit is not None:
            return hit
    return last


EVENT_PLAN = register(EventPlan())
