"""Are exam thresholds read from the versioned data file, per subject and year?"""
import pytest

from loaders.thresholds import (high_score_band, high_score_bands, high_sum_band, load_thresholds, min_score,
                                normalise_subject)


@pytest.mark.parametrize("subject, score", [
    ("Русский язык", 24), ("Математика (профильная)", 27), ("Обществознание", 42), ("Информатика", 40),
    ("Физика", 36), ("Химия", 36), ("Биология", 36), ("История", 32), ("Литература", 32),
    ("Английский язык", 22), ("Немецкий язык", 22),
])
def test_ege_minimums_2024(subject, score):
    assert min_score("ЕГЭ", subject, 2024) == score


def test_russian_university_minimum_and_mark_scales():
    assert min_score("ЕГЭ", "Русский язык", 2025, purpose="university") == 36
    assert min_score("ОГЭ", "Математика", 2024) == 3
    assert min_score("ВПР", "Русский язык", 2023) == 3
    assert min_score("ЕГЭ", "Математика (базовая)", 2024) == 3


def test_year_outside_table_takes_nearest_unless_told_not_to():
    assert min_score("ЕГЭ", "Обществознание", 2019) == 42
    assert min_score("ЕГЭ", "Обществознание", 2019, nearest=False) is None
    assert min_score("ЕГЭ", "Астрономия", 2024) is None


def test_thresholds_are_data(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("kind,exam,subject,year_from,year_to,score,purpose,note\n"
                 "min,ЕГЭ,Математика профильного уровня,2020,2021,27,certificate,\n"
                 "min,ЕГЭ,Математика П,2022,2022,30,certificate,\n", encoding="utf-8")
    assert min_score("ЕГЭ", "Математика (профильная)", 2021, path=p) == 27
    assert min_score("ЕГЭ", "Математика профильная", 2022, path=p) == 30
    assert set(load_thresholds(p)["subject"]) == {"Математика (профильная)"}


@pytest.mark.parametrize("raw, canon", [
    ("Математика (профильная)", "Математика (профильная)"), ("Математика профильного уровня", "Математика (профильная)"),
    ("Математика П", "Математика (профильная)"), ("математика (базовый уровень)", "Математика (базовая)"),
    ("Математика Б", "Математика (базовая)"), ("Русский", "Русский язык"), ("рус. яз.", "Русский язык"),
    ("Информатика и ИКТ", "Информатика"), ("Английский", "Английский язык"), ("Математика", "Математика"),
    ("Астрономия", "Астрономия"),
])
def test_subject_names(raw, canon):
    assert normalise_subject(raw) == canon


def test_high_score_bands():
    assert high_score_band({}) == 80
    assert high_score_band({"exams": {"high_score_band": 70}}) == 70
    assert high_sum_band(None) == 220
    assert high_score_bands("ЕГЭ") == [70, 80, 90, 100]
