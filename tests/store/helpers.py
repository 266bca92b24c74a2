"""What do real-shaped tidy tables look like, for the store tests?

Hand-made LoadResult frames with the loaders' dtypes (Int64 counts and years,
float64, object strings with None, lists of ISO dates), so the store is tested
without depending on the loaders.
"""
from __future__ import annotations

import pandas as pd

from loaders.model import TABLES, columns
from loaders.report import LoadResult, Problem

INT_KINDS = ("int", "year")


def frame(table: str, records: list[dict]) -> pd.DataFrame:
    """A typed tidy frame; omitted columns are empty."""
    data = {}
    for col in TABLES[table]:
        vals = [r.get(col.name) for r in records]
        kind = col.kind.split(":")[0]
        if kind in INT_KINDS:
            data[col.name] = pd.array(vals, dtype="Int64")
        elif kind == "float":
            data[col.name] = pd.array(vals, dtype="Float64").to_numpy(dtype="float64", na_value=float("nan"))
        else:
            data[col.name] = pd.Series(vals, dtype=object)
    return pd.DataFrame(data, columns=columns(table))


def result(detected: list[dict] | None = None, problems: list[Problem] | None = None, **tables: list[dict]) -> LoadResult:
    lr = LoadResult()
    for t, records in tables.items():
        lr.tables[t] = frame(t, records)
    lr.detected = detected or []
    lr.problems = problems or []
    return lr


def res(year, exam, subject, school, participants, mean=None, grade=None, **more) -> dict:
    return {"year": year, "exam": exam, "subject": subject, "school_id": school, "grade": grade,
            "participants": participants, "mean": mean, **more}


SCHOOLS = [
    {"school_id": "sos1", "name": "МБОУ «Сосновская СОШ № 1»", "short_name": "Сосновская СОШ № 1", "type": "СОШ",
     "locality": "город", "year": 2024, "students": 812, "low_income_pct": 12.5, "staffing_pct": 96.0},
    {"school_id": "sos1", "name": "МБОУ «Сосновская СОШ № 1»", "short_name": "Сосновская СОШ № 1", "type": "СОШ",
     "locality": "город", "year": None},
    {"school_id": "kedr", "name": "МКОУ «Кедровская ООШ»", "short_name": "Кедровская ООШ", "type": "ООШ",
     "locality": "село", "year": 2024, "students": 64, "low_income_pct": 41.0, "non_native_pct": 8.3},
]
INDICATORS = [
    {"indicator_id": "1.1", "name": "Доля выпускников, не получивших аттестат, %", "unit": "%", "direction": "lower",
     "group": "Результаты ГИА", "tolerance": None},
    {"indicator_id": "1.2", "name": "Средний балл ЕГЭ по русскому языку", "unit": "балл", "direction": "higher",
     "group": "Результаты ГИА", "tolerance": 0.05},
]
VALUES = [
    {"indicator_id": "1.1", "school_id": None, "year": 2024, "kind": "plan", "value": 1.5},
    {"indicator_id": "1.1", "school_id": None, "year": 2024, "kind": "fact", "value": 2.1},
    {"indicator_id": "1.2", "school_id": None, "year": 2024, "kind": "plan", "value": None, "low": 3.8, "high": 4.0},
    {"indicator_id": "1.2", "school_id": "sos1", "year": 2024, "kind": "fact", "value": 4.38},
]
EVENTS = [
    {"number": "1.1.1", "section": "1. Работа с учащимися", "title": "Пробный ЕГЭ по математике",
     "deadline_text": "Февраль-апрель 2013, 2014г.", "control_dates": ["2013-04-30", "2014-04-30"], "schedule": "dated",
     "responsible": "ИМЦ", "status": "done", "completion_date": "2014-04-20"},
    {"number": "1.1.2", "title": "Методические семинары", "deadline_text": "В течение учебного года",
     "control_dates": [], "schedule": "continuous", "status": "in_progress", "school_id": "kedr"},
    {"number": "2.6", "title": "Анализ результатов ВПР", "deadline_text": None, "control_dates": None,
     "schedule": "unscheduled"},
]
RESULTS = [
    res(2024, "ЕГЭ", "Русский язык", "sos1", 48, 71.25, 11, below_min=1, high_scorers=9),
    res(2024, "ЕГЭ", "Математика (профильная)", "sos1", 20, 55.5, 11, below_min=2, high_scorers=1),
    res(2024, "ЕГЭ", "Русский язык", "kedr", 4, 52.0, 11, below_min=0, high_scorers=0),
    res(2024, "ВПР", "Математика", "sos1", 60, 3.6, 5, mark2=5, mark3=20, mark4=25, mark5=10, lowered=6, confirmed=50, raised=4),
    res(2024, "ВПР", "Математика", "sos1", 58, 3.4, 6, mark2=8, mark3=22, mark4=20, mark5=8, lowered=9, confirmed=45, raised=4),
    res(2024, "ВПР", "Математика", "sos1", 55, 3.3, 7, mark2=9, mark3=24, mark4=16, mark5=6, lowered=10, confirmed=41, raised=4),
    res(2024, "ВПР", "Русский язык", "sos1", 61, 3.5, 5, mark2=6, mark3=24, mark4=21, mark5=10),
    res(2024, "ВПР", "Математика", "kedr", 7, 3.0, 5, mark2=2, mark3=3, mark4=2, mark5=0),
]


def full_result() -> LoadResult:
    return result(schools=SCHOOLS, indicators=INDICATORS, values=VALUES, events=EVENTS, results=RESULTS)
