"""Are user mappings of foreign headers parsed, saved by header signature and found again?"""
import json

import pytest

from loaders.mappings import MappingError, load_mapping, parse_map_arg, read_mapping_file, save_mapping


def test_parse_map_arg():
    assert parse_map_arg("EDU_NAME=school,PASSED_NUMBER_FULL=participants") == {
        "EDU_NAME": "school_name", "PASSED_NUMBER_FULL": "participants"}


def test_comma_inside_a_target_and_semicolons():
    got = parse_map_arg("PASSES_OVER_220=Набравших 220 баллов и более, чел.; YEAR=Год")
    assert got == {"PASSES_OVER_220": "Набравших 220 баллов и более, чел.", "YEAR": "year"}


def test_bad_map_text():
    with pytest.raises(MappingError, match="нет знака"):
        parse_map_arg("EDU_NAME school")
    with pytest.raises(MappingError, match="не указан заголовок"):
        parse_map_arg("=school")


def test_save_and_load_by_signature(tmp_path):
    p = tmp_path / "m" / "mappings.json"
    assert load_mapping("abc", p) is None
    save_mapping("abc", {"EDU_NAME": "school"}, p)
    save_mapping("def", {"X": "skip"}, p)
    assert load_mapping("abc", p) == {"EDU_NAME": "school_name"}
    assert load_mapping("def", p) == {"X": "skip"}
    save_mapping("abc", {"EDU_NAME": "participants"}, p)
    assert json.loads(p.read_text(encoding="utf-8"))["abc"] == {"EDU_NAME": "participants"}


def test_mapping_files(tmp_path):
    j = tmp_path / "m.json"
    j.write_text('{"EDU_NAME": "school", "YEAR": "year"}', encoding="utf-8")
    assert read_mapping_file(j) == {"EDU_NAME": "school_name", "YEAR": "year"}
    t = tmp_path / "m.txt"
    t.write_text("# comment\nEDU_NAME=school\nPASSED_NUMBER_FULL=participants\n", encoding="utf-8")
    assert read_mapping_file(t) == {"EDU_NAME": "school_name", "PASSED_NUMBER_FULL": "participants"}
    c = tmp_path / "m.csv"
    c.write_text("EDU_NAME;school\nYEAR;year\n", encoding="utf-8")
    assert read_mapping_file(c) == {"EDU_NAME": "school_name", "YEAR": "year"}
    bad = tmp_path / "bad.json"
    bad.write_text("{oops", encoding="utf-8")
    with pytest.raises(MappingError, match="JSON"):
        read_mapping_file(bad)


def test_quoted_headers_may_hold_commas():
    got = parse_map_arg('"Доля детей, %"=low_income_pct,"Всего, чел."=participants; «Ф, И»=skip')
    assert got == {"Доля детей, %": "low_income_pct", "Всего, чел.": "participants", "Ф, И": "skip"}
