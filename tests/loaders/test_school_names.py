"""Are school names matched to the registry despite their spelling variants, and never merged wrongly?"""
import pandas as pd
import pytest

from loaders.school_names import match_many, match_registries, match_school, normalise, registry_match_summary

REG = pd.DataFrame({
    "school_id": ["sos1", "sos11", "ber", "lip", "g1", "g2"],
    "name": ["МБОУ «Сосновская СОШ № 1»", "МБОУ «Сосновская СОШ № 11»", "МКОУ «Берёзовская ООШ»",
             "МБОУ «Липовская СОШ имени А.С. Пушкина»", "Гимназия имени А. Иванова", "Гимназия имени Б. Петрова"],
    "short_name": [None, None, "Берёзовская ООШ", None, None, None],
})


@pytest.mark.parametrize("name", [
    "МБОУ «Сосновская СОШ № 1»", "МБОУ Сосновская СОШ №1", "Сосновская сош № 1", "сосновская СОШ N 1",
    "Муниципальное бюджетное общеобразовательное учреждение «Сосновская средняя общеобразовательная школа № 1»",
    "МБОУ \"Сосновская СОШ №1\"",
])
def test_variants_of_one_school(name):
    m = match_school(name, REG)
    assert (m.school_id, m.status) == ("sos1", "exact")


def test_named_after_with_initials_spacing():
    m = match_school("МБОУ Липовская СОШ им. А.С.Пушкина", REG)
    assert (m.school_id, m.status) == ("lip", "exact")
    assert normalise("Липовская СОШ им. А.С.Пушкина") == normalise("Липовская СОШ имени А.С. Пушкина")


def test_number_1_and_11_never_confused():
    assert match_school("Сосновская СОШ № 11", REG).school_id == "sos11"
    only1 = REG[REG.school_id == "sos1"]
    m = match_school("Сосновская СОШ № 11", only1)
    assert m.school_id is None and m.status == "unknown"
    assert m.candidates and m.candidates[0][2] < 85  # shown, but far from a match


def test_full_legal_forms_and_type_words():
    assert normalise("Государственное бюджетное общеобразовательное учреждение города Москвы «Школа № 494»") == "школа №494"
    assert normalise("МКОУ «Берёзовская основная общеобразовательная школа»") == "березовская оош"
    assert match_school("Берёзовская основная общеобразовательная школа", REG).school_id == "ber"


def test_fuzzy_match_of_a_name_without_its_honorific():
    m = match_school("Липовская СОШ", REG)
    assert (m.school_id, m.status) == ("lip", "fuzzy")


def test_ambiguous_is_never_merged():
    m = match_school("Гимназия", REG)
    assert m.status == "ambiguous" and m.school_id is None
    assert {c[0] for c in m.candidates[:2]} == {"g1", "g2"}


def test_unknown_reports_candidates():
    m = match_school("Осиновская СОШ", REG)
    assert m.status == "unknown" and m.school_id is None


def test_alias_and_empty_registry():
    m = match_school("Школа у озера", REG, {"школа у озера": "ber"})
    assert (m.school_id, m.status) == ("ber", "alias")
    assert match_school("Сосновская СОШ № 1", None).status == "unknown"


def test_match_many_over_unique_names():
    names = ["Сосновская сош № 1", "Сосновская сош № 1", "Гимназия", None]
    got = match_many(names, REG)
    assert set(got) == {"Сосновская сош № 1", "Гимназия", None}
    assert got["Сосновская сош № 1"].school_id == "sos1"
    assert got[None].status == "unknown"


def test_match_registries_year_to_year():
    old = pd.DataFrame({"school_id": ["a1", "a2", "a3"],
                        "name": ["ГБОУ города Москвы средняя общеобразовательная школа № 10",
                                 "ГБОУ «Гимназия № 5»", "ГБОУ «Школа № 7»"],
                        "short_name": ["ГБОУ СОШ № 10", "ГБОУ гимназия № 5", "ГБОУ школа № 7"]})
    new = pd.DataFrame({"school_id": ["b1", "b2", "b3"],
                        "name": ["Государственное бюджетное общеобразовательное учреждение города Москвы «Школа № 10»",
                                 "ГБОУ «Гимназия № 5 имени Героя А.Б. Иванова»", "ГБОУ «Школа № 99»"]})
    links = match_registries(old, new)
    by_new = links.set_index("new_id")
    assert by_new.loc["b1", "old_id"] == "a1"
    assert by_new.loc["b2", "old_id"] == "a2"
    assert by_new.loc["b3", "status"] == "new"
    assert links.loc[links.status == "closed", "old_id"].tolist() == ["a3"]
    assert registry_match_summary(links) == {"matched": 2, "ambiguous": 0, "new": 1, "closed": 1}
