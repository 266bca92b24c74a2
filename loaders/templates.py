"""What does the canonical, downloadable template of each table look like?

`template_bytes(table, rows=None)` writes an xlsx with openpyxl: the first
sheet carries the Russian headers of `loaders.model` (with a note on each
header cell), a frozen header row, sensible widths and one example row (or the
given rows); a second sheet «Пояснения» explains every column — field, type,
whether it is required and what it means. Enum values are written as their
Russian labels, control dates as «2024-03-31; 2024-06-30». The loader reads
the file back to the same records.
"""
from __future__ import annotations

import io
import math
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from loaders.model import ENUM_LABELS, KEYS, TABLE_TITLES, TABLES

EXAMPLES: dict[str, dict[str, Any]] = {
    "schools": {"school_id": "sos1", "name": "МБОУ «Сосновская СОШ № 1»", "short_name": "Сосновская СОШ № 1",
                "type": "СОШ", "locality": "город", "year": 2024, "students": 512, "low_income_pct": 12.5,
                "single_parent_pct": 18.0, "large_family_pct": 9.4, "risk_group_pct": 3.1, "disability_pct": 4.2,
                "non_native_pct": 1.5, "staffing_pct": 96.0, "qualified_teachers_pct": 71.0,
                "teacher_turnover_pct": 8.0},
    "indicators": {"indicator_id": "I01", "name": "Доля выпускников 11 классов, не получивших аттестат, %",
                   "unit": "%", "direction": "lower", "group": "Результаты ГИА", "tolerance": 0.05},
    "values": {"indicator_id": "I01", "school_id": None, "year": 2024, "kind": "plan", "value": 1.5,
               "low": None, "high": None},
    "events": {"number": "1.1", "section": "Работа с учащимися", "direction": "Поддержка ШНОР",
               "title": "Собеседования с руководителями школ с низкими результатами", "deadline_text": "Март 2024",
               "control_dates": ["2024-03-31"], "schedule": "dated", "responsible": "Начальник отдела образования",
               "expected_result": "Планы перехода школ в эффективный режим", "status": "in_progress",
               "completion_date": None, "school_id": None},
    "results": {"year": 2024, "exam": "ЕГЭ", "subject": "Русский язык", "grade": 11, "school_id": "sos1",
                "participants": 42, "mean": 68.5, "below_min": 1, "high_scorers": 9, "mark2": None, "mark3": None,
                "mark4": None, "mark5": None, "lowered": None, "confirmed": None, "raised": None},
}

KIND_TITLES = {"str": "текст", "int": "целое число", "float": "число", "year": "год (2023/24 = 2024)",
               "date": "дата (ДД.ММ.ГГГГ)", "dates": "даты через «;»"}
EXPLANATIONS_SHEET = "Пояснения"


def _kind_title(kind: str, name: str) -> str:
    if kind.startswith("enum:"):
        labels = ENUM_LABELS.get(name, {})
        return "одно из: " + ", ".join(f"«{labels.get(v, v)}»" for v in kind[5:].split("|"))
    return KIND_TITLES.get(kind, kind)


def cell_value(table: str, name: str, value: Any) -> Any:
    """A model value as the template writes it (enum labels, joined dates, blanks as None)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    try:
        import pandas as pd
        if value is pd.NA:
            return None
    except ImportError:  # pragma: no cover
        pass
    if name in ENUM_LABELS and any(c.name == name and c.kind.startswith("enum:") for c in TABLES[table]):
        return ENUM_LABELS[name].get(value, value)
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value) or None
    if hasattr(value, "item"):
        return value.item()
    return value


def template_bytes(table: str, rows: list[dict[str, Any]] | None = None) -> bytes:
    """The xlsx template of a table, with one example row or the given records (model field names)."""
    if table not in TABLES:
        raise KeyError(f"нет такой таблицы: {table}; есть: {', '.join(TABLES)}")
    cols = TABLES[table]
    wb = Workbook()
    ws = wb.active
    ws.title = TABLE_TITLES[table][:31]
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for j, col in enumerate(cols, start=1):
        c = ws.cell(row=1, column=j, value=col.header)
        c.font = bold
        c.fill = fill
        c.alignment = Alignment(wrap_text=True, vertical="top")
        note = f"{'Обязательный' if col.required else 'Необязательный'} столбец. {_kind_title(col.kind, col.name)}."
        if col.help:
            note += f" {col.help}."
        c.comment = Comment(note, "Шаблон")
        width = max(len(col.header) + 2, 12)
        ws.column_dimensions[get_column_letter(j)].width = min(width, 45)
    ws.freeze_panes = "A2"
    records = rows if rows is not None else [EXAMPLES[table]]
    for i, rec in enumerate(records, start=2):
        for j, col in enumerate(cols, start=1):
            ws.cell(row=i, column=j, value=cell_value(table, col.name, rec.get(col.name)))

    ex = wb.create_sheet(EXPLANATIONS_SHEET)
    ex.append(["Столбец", "Поле данных", "Тип значения", "Обязательный", "Пояснение"])
    for c in ex[1]:
        c.font = bold
        c.fill = fill
    for col in cols:
        ex.append([col.header, col.name, _kind_title(col.kind, col.name), "да" if col.required else "нет",
                   col.help or ""])
    ex.append([])
    key_headers = ", ".join(f"«{c.header}»" for c in cols if c.name in KEYS[table])
    ex.append([f"Одна строка на сочетание {key_headers}; повторы — ошибка."])
    if rows is None:
        ex.append(["Вторая строка первого листа — пример; замените её своими данными."])
    ex.append(["Учебный год 2023/24 записывается как 2024 (год окончания учебного года)."])
    for letter, width in zip("ABCDE", (40, 22, 40, 14, 60)):
        ex.column_dimensions[letter].width = width
    ex.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def default_filename(table: str) -> str:
    return f"шаблон_{table}.xlsx"
