"""Does every table's canonical template load back to the same records?"""
import io

import openpyxl
import pytest

from loaders.model import TABLES, columns
from loaders.pipeline import load_bytes
from loaders.schema_io import to_records
from loaders.templates import EXPLANATIONS_SHEET, template_bytes

ROWS = {
    "schools": [
        {"school_id": "sos1", "name": "МБОУ «Сосновская СОШ № 1»", "short_name": "Сосновская СОШ № 1", "type": "СОШ",
         "locality": "город", "year": 2024, "students": 512, "low_income_pct": 12.5, "single_parent_pct": 18.0,
         "large_family_pct": 9.4, "risk_group_pct": 3.1, "disability_pct": 4.2, "non_native_pct": 1.5,
         "staffing_pct": 96.0, "qualified_teachers_pct": 71.0, "teacher_turnover_pct": 8.0},
        {"school_id": "ber", "name": "МКОУ «Берёзовская ООШ»", "short_name": None, "type": "ООШ", "locality": "село",
         "year": None, "students": 48, "low_income_pct": None, "single_parent_pct": None, "large_family_pct": None,
         "risk_group_pct": None, "disability_pct": None, "non_native_pct": None, "staffing_pct": 80.5,
         "qualified_teachers_pct": None, "teacher_turnover_pct": None},
    ],
    "indicators": [
        {"indicator_id": "I01", "name": "Доля выпускников, не получивших аттестат, %", "unit": "%", "direction": "lower",
         "group": "ГИА", "tolerance": 0.05},
        {"indicator_id": "I02", "name": "Средний балл ЕГЭ по русскому языку", "unit": "балл", "direction": "higher",
         "group": None, "tolerance": 2.0},  # in the indicator's own units: 2 points (above 1 is fine)
    ],
    "values": [
        {"indicator_id": "I01", "school_id": None, "year": 2024, "kind": "plan", "value": 1.5, "low": None, "high": None},
        {"indicator_id": "I02", "school_id": "sos1", "year": 2024, "kind": "plan", "value": 3.9, "low": 3.8, "high": 4.0},
        {"indicator_id": "I02", "school_id": "sos1", "year": 2024, "kind": "fact", "value": 4.38, "low": None,
         "high": None},
        {"indicator_id": "I01", "school_id": None, "year": 2020, "kind": "baseline", "value": 3.0, "low": None,
         "high": None},
        {"indicator_id": "I01", "school_id": None, "year": 2026, "kind": "target", "value": 0.0, "low": None,
         "high": None},
    ],
    "events": [
        {"number": "1.1", "section": "Работа с учащимися", "direction": "ШНОР", "title": "Собеседования",
         "deadline_text": "Март 2024", "control_dates": ["2024-03-31"], "schedule": "dated",
         "responsible": "Начальник отдела", "expected_result": "Планы", "status": "done",
         "completion_date": "2024-03-20", "school_id": None},
        {"number": "1.2", "section": None, "direction": None, "title": "Методическое сопровождение",
         "deadline_text": "В течение года", "control_dates": [], "schedule": "continuous", "responsible": None,
         "expected_result": None, "status": "in_progress", "completion_date": None, "school_id": "sos1"},
        {"number": "2.1", "section": None, "direction": None, "title": "Семинар",
         "deadline_text": "Июнь 2024, декабрь 2024", "control_dates": ["2024-06-30", "2024-12-31"],
         "schedule": "dated", "responsible": None, "expected_result": None, "status": "postponed",
         "completion_date": None, "school_id": None},
    ],
    "results": [
        {"year": 2024, "exam": "ЕГЭ", "subject": "Русский язык", "grade": 11, "school_id": "sos1", "participants": 42,
         "mean": 68.5, "below_min": 1, "high_scorers": 9, "mark2": None, "mark3": None, "mark4": None, "mark5": None,
         "lowered": None, "confirmed": None, "raised": None},
        {"year": 2024, "exam": "ВПР", "subject": "Математика", "grade": 5, "school_id": "sos1", "participants": 50,
         "mean": 3.9, "below_min": None, "high_scorers": None, "mark2": 3, "mark3": 12, "mark4": 20, "mark5": 15,
         "lowered": 5, "confirmed": 40, "raised": 5},
    ],
}


@pytest.mark.parametrize("table", list(TABLES))
def test_template_round_trip(table):
    data = template_bytes(table, ROWS[table])
    result = load_bytes(f"шаблон_{table}.xlsx", data)
    assert result.ok, [p.text() for p in result.problems]
    assert not result.warnings, [p.text() for p in result.warnings]
    assert to_records(result.tables[table], table) == ROWS[table]
    assert [d["table"] for d in result.detected] == [table]


@pytest.mark.parametrize("table", list(TABLES))
def test_template_with_example_row_loads(table):
    result = load_bytes("t.xlsx", template_bytes(table))
    assert result.ok, [p.text() for p in result.problems]
    assert len(result.tables[table]) == 1


def test_template_shape():
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes("results")))
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == [c.header for c in TABLES["results"]]
    assert ws.freeze_panes == "A2"
    assert "Обязательный" in ws["A1"].comment.text
    assert ws.column_dimensions["A"].width >= 12
    ex = wb[EXPLANATIONS_SHEET]
    assert [c.value for c in ex[1]] == ["Столбец", "Поле данных", "Тип значения", "Обязательный", "Пояснение"]
    fields = [ex.cell(row=i, column=2).value for i in range(2, 2 + len(columns("results")))]
    assert fields == columns("results")


def test_unknown_table():
    with pytest.raises(KeyError):
        template_bytes("pupils")
