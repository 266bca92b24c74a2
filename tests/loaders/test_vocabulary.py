"""Does the header vocabulary read real wordings it was not built from, and leave alone what is not a field?

The wordings are in fixtures/header_wordings.csv; its head says how they are split into the part the vocabulary
(loaders/vocabulary.toml) was built from and the held-out part it is only measured on."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from loaders import vocabulary
from loaders.headers import match_column

WORDINGS = Path(__file__).parent / "fixtures" / "header_wordings.csv"


def _rows() -> list[tuple[str, str, str]]:
    out = []
    for line in WORDINGS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            table, field, wording = line.split(";", 2)
            out.append((table, field, wording))
    return out


def held_out(wording: str) -> bool:
    return int(hashlib.sha1(wording.encode("utf-8")).hexdigest(), 16) % 3 == 0


def recognised(part: list[tuple[str, str, str]]) -> float:
    fields = [r for r in part if r[1] != "-"]
    return sum(match_column(w, t) == f for t, f, w in fields) / len(fields)


def test_the_list_is_large_and_split_before_tuning():
    rows = _rows()
    fields = [r for r in rows if r[1] != "-"]
    assert len(fields) >= 80 and len(set(rows)) == len(rows)
    assert sum(held_out(r[2]) for r in fields) >= 40  # enough held-out wordings for a figure


def test_held_out_wordings_are_read():
    part = [r for r in _rows() if held_out(r[2])]
    rate = recognised(part)
    print(f"held-out: {rate:.1%} of {sum(r[1] != '-' for r in part)} wordings")
    assert rate >= 0.95


def test_build_wordings_are_read():
    part = [r for r in _rows() if not held_out(r[2])]
    assert recognised(part) >= 0.95


@pytest.mark.parametrize("table,wording", [(t, w) for t, f, w in _rows() if f == "-"])
def test_negative_wordings_are_not_read_as_a_field(table, wording):
    assert match_column(wording, table) is None


@pytest.mark.parametrize("text,table,field", [
    # the wordings quoted in issue 9
    ("Планируемые мероприятия", "events", "title"),
    ("Наименование мероприятий", "events", "title"),
    ("Основные мероприятия", "events", "title"),
    ("Наименование общеобразовательной организации", "results", "school_name"),
    ("Доля детей из малообеспеченных семей, %", "schools", "low_income_pct"),
    ("не преодолен min порог", "results", "below_min"),
    ("приняло участие", "results", "participants"),
])
def test_issue_wordings(text, table, field):
    assert match_column(text, table) == field


def test_a_share_is_never_a_count_and_two_marks_are_not_one():
    assert match_column("Не преодолели порог, % от участников", "results") is None
    assert match_column("Доля высокобалльников", "results") is None
    assert match_column("Получили «4» и «5»", "results") is None  # two fields at once: the user says which


def test_close_scores_are_not_guessed(monkeypatch):
    """Two fields signalled equally (within the margin): the header is left for the user to map."""
    assert vocabulary.best("Средний балл участников", "results") == "mean"  # mean outweighs participants
    assert vocabulary.best("Число участников, не преодолевших порог", "results") == "below_min"
    assert vocabulary.scores("Предмет, класс", "results") == (("subject", 1.2), ("grade", 1.2))
    assert vocabulary.best("Предмет, класс", "results") is None  # two fields equally: not guessed


def test_a_sentence_is_not_a_header():
    sentence = ("Проведение мероприятий по подготовке к государственной итоговой аттестации в форме ЕГЭ для "
                "обучающихся 11 классов общеобразовательных организаций района в течение учебного года")
    assert vocabulary.scores(sentence, "events") == ()


@pytest.mark.parametrize("label,kind", [("2016, отчет", "fact"), ("2021, оценка", "fact"), ("Факт", "fact"),
                                        ("Исполнено", "fact"), ("2022 план", "plan"), ("Прогноз 2030", "plan"),
                                        ("План/факт", None), ("2024", None)])
def test_fact_and_plan_words(label, kind):
    assert vocabulary.kind_of(label) == kind


def test_tolerance_is_read_in_the_indicators_units_and_a_share_of_the_plan_is_not():
    assert vocabulary.best("Допуск", "indicators") == "tolerance"
    assert vocabulary.best("Допустимое отклонение", "indicators") == "tolerance"
    # a share of the plan is another quantity: read as units it would be silently wrong, so it is left unplaced
    assert vocabulary.best("Допуск, доля от плана", "indicators") is None
    assert vocabulary.best("Допустимое отклонение, % от плана", "indicators") is None
