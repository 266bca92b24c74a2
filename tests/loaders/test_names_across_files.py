"""Are school names matched across files and years: a verbatim registry name is never ambiguous, spellings of one
school are one school with a warning, and a registry proposed from a file uses all of its sheets?"""
from __future__ import annotations

import pandas as pd

from loaders import load_bytes
from loaders.school_names import match_many
from tests.loaders.conftest import xlsx_bytes

REG = pd.DataFrame({"school_id": ["a1", "b1", "c1"],
                    "name": ["МБОУ «Средняя общеобразовательная школа № 1»",
                             "МКОУ «Средняя общеобразовательная школа № 1»",
                             "Средняя общеобразовательная школа №1"]})


def test_a_name_copied_verbatim_from_the_registry_is_never_ambiguous():
    got = match_many(["МКОУ «Средняя общеобразовательная школа № 1»", "  мбоу «средняя общеобразовательная школа № 1»",
                      "СОШ № 1"], REG)
    assert got["МКОУ «Средняя общеобразовательная школа № 1»"].school_id == "b1"
    assert got["МКОУ «Средняя общеобразовательная школа № 1»"].status == "exact"
    assert got["  мбоу «средняя общеобразовательная школа № 1»"].school_id == "a1"
    assert got["СОШ № 1"].status == "ambiguous"  # not written as any of them: which one is not said


def test_short_and_full_forms_and_a_missing_space_match_with_a_warning():
    reg = pd.DataFrame({"school_id": ["s892", "sos1"],
                        "name": ["ГБОУ «Средняя общеобразовательная школа № 892»", "МБОУ «Сосновская СОШ № 1»"]})
    got = match_many(["Школа № 892", "Сосновскаясош № 1"], reg)
    assert (got["Школа № 892"].school_id, got["Школа № 892"].status) == ("s892", "fuzzy")
    assert (got["Сосновскаясош № 1"].school_id, got["Сосновскаясош № 1"].status) == ("sos1", "fuzzy")


def _year(name_892, year):
    return [[f"Результаты ЕГЭ {year} года"], ["Наименование ОО", "Предмет", "Участников", "Средний балл"],
            [name_892, "Русский язык", 40, 70.5], ["Гимназия № 5", "Русский язык", 30, 75.0],
            ["Лицей № 7", "Русский язык", 25, 80.0]]


def test_a_registry_proposed_from_a_file_uses_all_sheets_and_merges_spellings():
    book = xlsx_bytes({"2023": _year("средняя общеобразовательная школа № 892", 2023),
                       "2024": _year("Школа № 892", 2024) + [["Школа № 900", "Русский язык", 10, 60.0]]})
    res = load_bytes("ege.xlsx", book)
    assert res.ok, [p.text() for p in res.errors]
    s = res.tables["schools"]
    assert len(s) == 4  # 892 once, the gymnasium, the lyceum, and № 900 that only the second sheet names
    r = res.tables["results"]
    sid = r.groupby("school_id")["year"].apply(set)
    assert sum(v == {2023, 2024} for v in sid) == 3
    merged = [w.message for w in res.warnings if "приняты за одну школу" in w.message]
    assert len(merged) == 1 and "Школа № 892" in merged[0] and "средняя общеобразовательная школа № 892" in merged[0]


def test_schools_of_other_kinds_with_one_number_stay_apart():
    book = xlsx_bytes({"2024": [["Результаты ЕГЭ 2024 года"], ["Наименование ОО", "Предмет", "Участников"],
                                ["Гимназия № 5", "Русский язык", 30], ["Школа № 5", "Русский язык", 20],
                                ["СОШ № 6", "Русский язык", 20], ["ООШ № 6", "Русский язык", 5]]})
    res = load_bytes("ege.xlsx", book)
    assert res.ok, [p.text() for p in res.errors]
    assert len(res.tables["schools"]) == 4 and not any("одну школу" in w.message for w in res.warnings)
