"""Are school names matched to the registry despite their spelling variants, and never merged wrongly?"""
import pandas as pd
import pytest

from loaders.school_names import (fuzzy_notice, match_many, match_registries, match_school, normalise,
                                  registry_match_summary, settlement)

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


# ---------------------------------------------------------------- stricter matching, visible fuzzy matches

DISTRICT = pd.DataFrame({
    "school_id": ["sos1", "sos2", "lesn", "ivan", "gim"],
    "name": ["МБОУ «Сосновская СОШ № 1»", "МБОУ «Сосновская СОШ № 2»", "МКОУ «Лесновская СОШ»",
             "МКОУ «Ивановская СОШ»", "МБОУ «Гимназия № 1 имени А.С. Пушкина»"],
    "short_name": ["СОШ № 1", "СОШ № 2", "Лесновская СОШ", "Ивановская СОШ", "Гимназия № 1"],
})


def test_a_name_without_its_number_never_becomes_another_settlements_school():
    # «Сосновская СОШ» scored 85.7 against «Лесновская СОШ» and went there silently
    m = match_school("Сосновская СОШ", DISTRICT)
    assert m.school_id is None and m.status == "ambiguous"
    assert [c[0] for c in m.candidates[:2]] == ["sos1", "sos2"]
    assert "lesn" not in [c[0] for c in m.candidates[:2]]
    alone = match_school("Сосновская СОШ", DISTRICT[DISTRICT.school_id.isin(["lesn", "ivan"])])
    assert alone.school_id is None and alone.status == "unknown"


def test_another_settlement_with_the_same_number_is_not_a_match():
    m = match_school("Лесновская СОШ № 1", DISTRICT)
    assert m.school_id is None and m.status == "unknown"
    assert all(c[2] < 85 for c in m.candidates)


def test_settlement_words_are_compared_by_root():
    assert settlement(normalise("МБОУ «Сосновская СОШ № 1»")) == settlement(normalise("СОШ №2 г. Сосновка")) == "соснов"
    assert settlement(normalise("Гимназия № 1 имени А.С. Пушкина")) == "пушкина"  # the honorific, for want of a place
    assert settlement(normalise("Школа № 494")) == ""


@pytest.mark.parametrize("name,sid", [
    ("СОШ №2 г. Сосновка", "sos2"),  # the protocol's spelling in the sample district
    ("МБОУ Сосновская СОШ №1", "sos1"),  # the ЕГЭ export's spelling
    ("Ивановской СОШ", "ivan"),
    ("Гимназия №1 им. А.С.Пушкина", "gim"),
])
def test_word_order_and_the_settlements_form_are_exact_after_normalisation(name, sid):
    m = match_school(name, DISTRICT)
    assert (m.school_id, m.status) == (sid, "exact")


def test_a_key_two_schools_share_is_not_exact():
    # two schools with one key (a town and a village both called Сосновка): the key decides nothing,
    # the closer spelling is only a fuzzy match the user is asked to confirm
    two = pd.DataFrame({"school_id": ["a", "b"], "name": ["Сосновская СОШ № 2", "СОШ № 2 с. Сосновка"]})
    m = match_school("СОШ №2 г. Сосновка", two)
    assert (m.school_id, m.status) == ("b", "fuzzy")
    assert match_school("СОШ №2 г. Сосновка", two[two.school_id == "a"]).status == "exact"


def test_a_typo_in_the_settlement_is_still_a_fuzzy_candidate():
    m = match_school("Сосоновская СОШ № 1", DISTRICT)
    assert (m.school_id, m.status) == ("sos1", "fuzzy")


def test_fuzzy_notice_says_which_school_and_how_alike():
    warning, entry = fuzzy_notice("Липовская СОШ", "lip", [("lip", "МБОУ «Липовская СОШ имени А.С. Пушкина»", 85.7)],
                                  file="ege.csv", sheet="ege", row=4, column="ОО")
    assert warning.severity == "warning"
    assert warning.text() == ("Файл «ege.csv», лист «ege», строка 4, столбец «ОО»: название «Липовская СОШ» "
                              "сопоставлено со школой «МБОУ «Липовская СОШ имени А.С. Пушкина»» (сходство 86 %) — "
                              "проверьте")
    assert entry == {"row": 4, "name": "Липовская СОШ", "status": "fuzzy", "school_id": "lip",
                     "candidates": [("lip", "МБОУ «Липовская СОШ имени А.С. Пушкина»", 85.7)]}
