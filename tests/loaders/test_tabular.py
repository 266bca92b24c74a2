"""Are results exports and template-shaped tables read wherever their header is, however it is laid out?"""
import pandas as pd

from loaders.pipeline import load_files
from tests.loaders.conftest import REGISTRY_ROWS, csv_bytes, xlsx_bytes

EXPORT = [
    ["Управление образования Сосновского района"],
    ["Результаты ЕГЭ 2024 года"],
    [],
    ["№", "Наименование ОО", "Предмет", "Количество участников", "Средний балл", "Не преодолели минимальный порог"],
    [1, "МБОУ Сосновская СОШ №1", "Русский язык", 42, "68,5", 1],
    [2, "Сосновская сош № 2", "Русский язык", 30, 61.2, 0],
    [3, "МКОУ «Березовская ООШ»", "Русский язык", 4, 55, 1],
    [None, "Итого по району", "Русский язык", 76, 64.9, 2],
    [],
]


def _load(write, files, **kw):
    return load_files([write(n, d) for n, d in files], **kw)


def test_results_export_with_titles_year_in_title_and_total_row(write):
    result = _load(write, [("ege.xlsx", xlsx_bytes({"Лист1": EXPORT})),
                           ("реестр.xlsx", xlsx_bytes({"Реестр": REGISTRY_ROWS}))])
    assert result.ok, [p.text() for p in result.problems]
    res = result.tables["results"]
    assert res["school_id"].tolist() == ["sos1", "sos2", "ber"]  # no «Итого по району» school
    assert res["year"].tolist() == [2024] * 3
    assert res["exam"].tolist() == ["ЕГЭ"] * 3
    assert res["grade"].tolist() == [11] * 3
    assert res["participants"].tolist() == [42, 30, 4]
    assert res["mean"].tolist() == [68.5, 61.2, 55.0]
    assert res["below_min"].tolist() == [1, 0, 1]
    det = next(d for d in result.detected if d["table"] == "results")
    assert det["header_row"] == 4 and det["year"] == 2024 and det["total_rows_skipped"] == 1
    assert len(result.tables["schools"]) == 3


def test_results_export_cp1251_semicolons(write):
    data = csv_bytes(EXPORT, sep=";", encoding="cp1251")
    result = _load(write, [("результаты.csv", data), ("реестр.xlsx", xlsx_bytes({"Реестр": REGISTRY_ROWS}))])
    assert result.ok, [p.text() for p in result.problems]
    assert result.tables["results"]["mean"].tolist() == [68.5, 61.2, 55.0]


def test_merged_subject_groups_are_unfolded(write):
    rows = [
        ["Результаты ОГЭ, 2022/23 учебный год"],
        ["ОО", "Русский язык", None, None, "Математика", None, None],
        [None, "Участников", "Средний балл", "Не преодолели порог", "Участников", "Средний балл", "Не преодолели порог"],
        ["Сосновская СОШ № 1", 50, "4,1", 0, 50, "3,6", 3],
        ["Березовская ООШ", 6, 3.5, 1, None, None, None],
        ["Среднее по району", 56, 4.0, 1, 50, 3.6, 3],
    ]
    merges = {"Лист1": ["B2:D2", "E2:G2", "A2:A3"]}
    result = _load(write, [("oge.xlsx", xlsx_bytes({"Лист1": rows}, merges)),
                           ("реестр.xlsx", xlsx_bytes({"Реестр": REGISTRY_ROWS}))])
    assert result.ok, [p.text() for p in result.problems]
    res = result.tables["results"].sort_values(["subject", "school_id"]).reset_index(drop=True)
    assert res[["subject", "school_id", "participants", "mean", "below_min"]].values.tolist() == [
        ["Математика", "sos1", 50, 3.6, 3],
        ["Русский язык", "ber", 6, 3.5, 1],
        ["Русский язык", "sos1", 50, 4.1, 0],
    ]
    assert set(res["year"]) == {2023} and set(res["exam"]) == {"ОГЭ"} and set(res["grade"]) == {9}


def test_group_error_names_the_grouped_column(write):
    rows = [
        ["ОО", "Русский язык", None, "Математика", None],
        [None, "Участников", "Средний балл", "Участников", "Средний балл"],
        ["Сосновская СОШ № 1", 50, "4,1", 50, "6,5"],
    ]
    result = _load(write, [("oge_2024.xlsx", xlsx_bytes({"ОГЭ": rows}, {"ОГЭ": ["B1:C1", "D1:E1"]})),
                           ("реестр.xlsx", xlsx_bytes({"Реестр": REGISTRY_ROWS}))])
    assert [p.text() for p in result.errors] == [
        "Файл «%s», лист «ОГЭ», строка 3, столбец «Математика / Средний балл»: «6,5» — средняя отметка вне "
        "шкалы 2–5 (ОГЭ, ВПР и ГВЭ оцениваются отметками)" % result.errors[0].file]


def test_year_and_exam_from_file_name_and_override(write):
    rows = [["ОО", "Предмет", "Участников", "Средний балл"], ["Сосновская СОШ № 1", "Математика", 20, 3.9]]
    reg = ("реестр.xlsx", xlsx_bytes({"Реестр": REGISTRY_ROWS}))
    result = _load(write, [("ОГЭ_2023-2024.xlsx", xlsx_bytes({"Лист1": rows})), reg])
    assert result.ok
    assert result.tables["results"][["year", "exam", "grade"]].values.tolist() == [[2024, "ОГЭ", 9]]
    result = _load(write, [("данные.xlsx", xlsx_bytes({"Лист1": rows})), reg], year=2021, exam="ВПР")
    assert result.ok
    r = result.tables["results"]
    assert r["year"].tolist() == [2021] and r["exam"].tolist() == ["ВПР"] and pd.isna(r["grade"][0])


def test_missing_year_is_a_required_error(write):
    rows = [["ОО", "Предмет", "Участников", "Средний балл"], ["Сосновская СОШ № 1", "Математика", 20, 3.9]]
    result = _load(write, [("огэ.xlsx", xlsx_bytes({"Лист1": rows})), ("реестр.xlsx", xlsx_bytes({"Реестр": REGISTRY_ROWS}))])
    assert any("не указан год: добавьте столбец «Год»" in p.text() and p.sheet == "Лист1" for p in result.errors)


def test_unknown_and_ambiguous_schools_are_reported_not_added(write):
    rows = [["Результаты ЕГЭ 2024"], ["ОО", "Предмет", "Участников", "Средний балл"],
            ["Лесная СОШ", "Математика", 20, 60], ["Сосновская СОШ", "Математика", 10, 50],
            ["Сосновская СОШ № 1", "Математика", 15, 55]]
    result = _load(write, [("ege.xlsx", xlsx_bytes({"Лист1": rows})), ("реестр.xlsx", xlsx_bytes({"Реестр": REGISTRY_ROWS}))])
    assert not result.ok
    names = {u["name"]: u for u in result.unmatched_schools}
    assert set(names) == {"Лесная СОШ", "Сосновская СОШ"}
    assert names["Лесная СОШ"]["row"] == 3
    assert {c[0] for c in names["Сосновская СОШ"]["candidates"]} >= {"sos1", "sos2"}
    assert all(len(t) == 0 for t in result.tables.values())
    texts = [p.text() for p in result.errors]
    assert any("строка 3" in t and "«Лесная СОШ»" in t for t in texts)


def test_registry_in_same_batch_is_read_first_whatever_the_order(write):
    rows = [["ОО", "Предмет", "Участников", "Средний балл", "Год", "Процедура"],
            ["Берёзовская ООШ", "Русский язык", 5, 3.8, "2023/24", "ОГЭ"]]
    result = _load(write, [("a_results.xlsx", xlsx_bytes({"Лист1": rows})),
                           ("z_реестр.xlsx", xlsx_bytes({"Школы": REGISTRY_ROWS}))])
    assert result.ok, [p.text() for p in result.problems]
    assert result.tables["results"]["school_id"].tolist() == ["ber"]


def test_registry_passed_by_caller_and_unknown_code(write):
    reg = pd.DataFrame({"school_id": ["sos1"], "name": ["Сосновская СОШ № 1"], "short_name": [None]})
    rows = [["Год", "Процедура", "Предмет", "Код ОО", "Участников"],
            [2024, "ЕГЭ", "Физика", "sos1", 3], [2024, "ЕГЭ", "Физика", "xxx", 3]]
    result = _load(write, [("r.xlsx", xlsx_bytes({"Лист1": rows}))], registry=reg)
    assert [p.text() for p in result.errors] == [
        f"Файл «{result.errors[0].file}», лист «Лист1», строка 3, столбец «Код ОО»: «xxx» — код ОО не найден в "
        "реестре школ (1 строк(и)); добавьте школу в реестр или исправьте код"]


def test_numbering_row_and_blank_rows_skipped(write):
    rows = [["Код ОО", "Наименование ОО", "Тип ОО", "Местность", "Число обучающихся"],
            [1, 2, 3, 4, 5],
            ["sos1", "Сосновская СОШ № 1", "сош", "городская", "512"],
            [None, None, None, None, None],
            ["ber", "Берёзовская ООШ", "ООШ", "село", 48]]
    result = _load(write, [("реестр.xlsx", xlsx_bytes({"Реестр": rows}))])
    assert result.ok, [p.text() for p in result.problems]
    s = result.tables["schools"]
    assert s["school_id"].tolist() == ["sos1", "ber"]
    assert s["type"].tolist() == ["СОШ", "ООШ"] and s["locality"].tolist() == ["город", "село"]
    assert s["students"].tolist() == [512, 48]


def test_unplaced_columns_are_listed_with_signature(write):
    rows = [["Код ОО", "Наименование ОО", "Директор", "Телефон"], ["sos1", "Сосновская СОШ № 1", "Иванов", "123"]]
    result = _load(write, [("реестр.xlsx", xlsx_bytes({"Реестр": rows}))])
    assert result.ok
    assert [u["column"] for u in result.unplaced_columns] == ["Директор", "Телефон"]
    assert len({u["signature"] for u in result.unplaced_columns}) == 1
    assert sum("не распознан" in p.text() for p in result.warnings) == 2


def test_mapping_places_foreign_headers(write):
    rows = [["EDU_NAME", "SUBJ", "PASSED", "AVG"], ["Сосновская СОШ № 1", "Химия", 7, "71,4"]]
    result = _load(write, [("x.xlsx", xlsx_bytes({"Data": rows})), ("реестр.xlsx", xlsx_bytes({"Реестр": REGISTRY_ROWS}))],
                   mapping={"EDU_NAME": "school_name", "SUBJ": "subject", "PASSED": "Количество участников",
                            "AVG": "mean"}, year=2024, exam="ЕГЭ")
    assert result.ok, [p.text() for p in result.problems]
    assert result.tables["results"][["school_id", "subject", "participants", "mean"]].values.tolist() == [
        ["sos1", "Химия", 7, 71.4]]


def test_unrecognised_sheet_is_a_warning(write):
    notes = ("заметки.xlsx", xlsx_bytes({"Заметки": [["Просто", "текст"], ["ещё", "строка"]]}))
    reg = ("реестр.xlsx", xlsx_bytes({"Реестр": [["Код ОО", "Наименование ОО"], ["sos1", "Сосновская СОШ"]]}))
    result = _load(write, [notes, reg])
    assert result.ok and len(result.warnings) == 1 and "лист пропущен" in result.warnings[0].text()
    alone = _load(write, [notes])  # a file in which nothing was understood is refused, not accepted empty
    assert not alone.ok and "не понято ничего" in alone.errors[0].text()


def test_layout_exception_becomes_one_error(write, monkeypatch):
    from loaders.layouts.tabular import TABULAR

    def boom(sheet, ctx):
        raise RuntimeError("boom")

    monkeypatch.setattr(TABULAR, "parse", boom)
    result = _load(write, [("реестр.xlsx", xlsx_bytes({"Реестр": REGISTRY_ROWS}))], layout="tabular")
    assert len(result.errors) == 1 and "внутренняя ошибка" in result.errors[0].text()
