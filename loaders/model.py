"""What is the tidy data model?

Five tables. Every source (files, Google Sheets, uploads) ends up as these
DataFrames, the store keeps them, and `metrics/` reads them. The same fields
are printed by `python -m loaders --json`. Documented for people in
docs/data-model.md — keep the two in step.

Each column has a dtype kind, whether it is required in a source table, and its
canonical Russian header (the one the downloadable template uses). Header
synonyms used to recognise real-world tables live in `loaders/headers.py`.
"""
from __future__ import annotations

from dataclasses import dataclass

# dtype kinds: "str", "int" (nullable integer count), "float", "year", "date" (ISO yyyy-mm-dd
# text), "dates" (list of ISO dates), "enum:<a>|<b>" (one of the listed values).


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    required: bool
    header: str  # canonical Russian header in the template
    help: str = ""


EXAMS = ("ЕГЭ", "ОГЭ", "ВПР", "ГВЭ", "Пробный ЕГЭ", "Пробный ОГЭ", "Муниципальная диагностика")
KINDS = ("baseline", "plan", "fact", "target")
DIRECTIONS = ("higher", "lower")
SCHOOL_TYPES = ("СОШ", "ООШ", "НОШ", "гимназия", "лицей", "ЦО", "другое")
LOCALITIES = ("город", "село")
EVENT_STATUSES = ("done", "in_progress", "not_done", "postponed")
SCHEDULES = ("dated", "continuous", "unscheduled")

# Social-context shares used by the social disadvantage index (all in % of students).
CONTEXT_SHARES = (
    "low_income_pct",
    "single_parent_pct",
    "large_family_pct",
    "risk_group_pct",
    "disability_pct",
    "non_native_pct",
)

TABLES: dict[str, tuple[Column, ...]] = {
    "schools": (
        Column("school_id", "str", True, "Код ОО", "короткий латинский код школы, например sos1"),
        Column("name", "str", True, "Наименование ОО", "полное наименование"),
        Column("short_name", "str", False, "Краткое наименование"),
        Column("type", "str", False, "Тип ОО", "СОШ / ООШ / НОШ / гимназия / лицей"),
        Column("locality", "str", False, "Местность", "город / село"),
        Column("year", "year", False, "Год", "учебный год 2023/24 = 2024; пусто — без контекста"),
        Column("students", "int", False, "Число обучающихся"),
        Column("low_income_pct", "float", False, "Доля из малоимущих семей, %"),
        Column("single_parent_pct", "float", False, "Доля из неполных семей, %"),
        Column("large_family_pct", "float", False, "Доля из многодетных семей, %"),
        Column("risk_group_pct", "float", False, "Доля детей группы риска, %"),
        Column("disability_pct", "float", False, "Доля детей с ОВЗ, %"),
        Column("non_native_pct", "float", False, "Доля детей, для которых русский язык не родной, %"),
        Column("staffing_pct", "float", False, "Укомплектованность кадрами, %"),
        Column("qualified_teachers_pct", "float", False, "Доля учителей с первой и высшей категорией, %"),
        Column("teacher_turnover_pct", "float", False, "Текучесть кадров, %"),
    ),
    "indicators": (
        Column("indicator_id", "str", True, "Код показателя"),
        Column("name", "str", True, "Наименование показателя"),
        Column("unit", "str", False, "Единица измерения", "%, балл, чел., шт."),
        Column("direction", "enum:higher|lower", False, "Направление", "больше — лучше / меньше — лучше"),
        Column("group", "str", False, "Группа показателей"),
        Column("tolerance", "float", False, "Допуск, в единицах показателя", "по умолчанию из настроек по виду единицы"),
    ),
    "values": (
        Column("indicator_id", "str", True, "Код показателя"),
        Column("school_id", "str", False, "Код ОО", "пусто — значение по району"),
        Column("year", "year", True, "Год"),
        Column("kind", "enum:baseline|plan|fact|target", True, "Вид значения", "базовое / план / факт / целевое"),
        Column("value", "float", False, "Значение"),
        Column("low", "float", False, "Нижняя граница", "для плановых диапазонов вида 3,8 – 4,0"),
        Column("high", "float", False, "Верхняя граница"),
    ),
    "events": (
        Column("number", "str", True, "№"),
        Column("section", "str", False, "Раздел"),
        Column("direction", "str", False, "Направление"),
        Column("title", "str", True, "Мероприятие"),
        Column("deadline_text", "str", False, "Сроки", "как в документе"),
        Column("control_dates", "dates", False, "Контрольные даты", "разобраны из срока"),
        Column("schedule", "enum:dated|continuous|unscheduled", False, "Вид срока"),
        Column("responsible", "str", False, "Ответственные"),
        Column("expected_result", "str", False, "Ожидаемые результаты"),
        Column("status", "enum:done|in_progress|not_done|postponed", False, "Отметка о выполнении"),
        Column("completion_date", "date", False, "Дата выполнения"),
        Column("school_id", "str", False, "Код ОО"),
    ),
    "results": (
        Column("year", "year", True, "Год"),
        Column("exam", "str", True, "Процедура", "ЕГЭ / ОГЭ / ВПР / ГВЭ / пробные"),
        Column("subject", "str", True, "Предмет"),
        Column("grade", "int", False, "Класс"),
        Column("school_id", "str", True, "Код ОО"),
        Column("participants", "int", True, "Участников"),
        Column("mean", "float", False, "Средний балл"),
        Column("below_min", "int", False, "Не преодолели минимальный порог"),
        Column("high_scorers", "int", False, "Высокобалльников"),
        Column("mark2", "int", False, "Отметка «2»"),
        Column("mark3", "int", False, "Отметка «3»"),
        Column("mark4", "int", False, "Отметка «4»"),
        Column("mark5", "int", False, "Отметка «5»"),
        Column("lowered", "int", False, "Понизили отметку"),
        Column("confirmed", "int", False, "Подтвердили отметку"),
        Column("raised", "int", False, "Повысили отметку"),
    ),
}

# Natural keys: one row per key in a valid table and in the store.
KEYS: dict[str, tuple[str, ...]] = {
    "schools": ("school_id", "year"),
    "indicators": ("indicator_id",),
    "values": ("indicator_id", "school_id", "year", "kind"),
    "events": ("number",),
    "results": ("year", "exam", "subject", "grade", "school_id"),
}

# Russian table names for messages and the interface.
TABLE_TITLES = {
    "schools": "Реестр школ",
    "indicators": "Показатели программы",
    "values": "Значения показателей",
    "events": "План мероприятий",
    "results": "Результаты оценочных процедур",
}


def columns(table: str) -> list[str]:
    """Column names of a tidy table, in canonical order."""
    return [c.name for c in TABLES[table]]

# Russian labels of enum values, as the templates write them and the interface shows them.
# Loading accepts these, the codes themselves and the usual synonyms (see loaders/validate.py).
ENUM_LABELS: dict[str, dict[str, str]] = {
    "kind": {"baseline": "базовое", "plan": "план", "fact": "факт", "target": "целевое"},
    "direction": {"higher": "больше — лучше", "lower": "меньше — лучше"},
    "status": {"done": "выполнено", "in_progress": "в работе", "not_done": "не выполнено", "postponed": "перенесено"},
    "schedule": {"dated": "к сроку", "continuous": "постоянно", "unscheduled": "без срока"},
}
