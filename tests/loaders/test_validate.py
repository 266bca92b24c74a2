"""Does validation type every column, report every bad cell in Russian with its place, and refuse partial data?"""
import pandas as pd
import pytest

from loaders.pipeline import load_files
from loaders.validate import validate
from tests.loaders.conftest import xlsx_bytes

RES_HEAD = ["Год", "Процедура", "Предмет", "Класс", "Код ОО", "Участников", "Средний балл",
            "Не преодолели минимальный порог", "Высокобалльников", "Отметка «2»", "Отметка «3»", "Отметка «4»",
            "Отметка «5»", "Понизили отметку", "Подтвердили отметку", "Повысили отметку"]


def _res_row(**kw):
    base = {"Год": 2024, "Процедура": "ЕГЭ", "Предмет": "Русский язык", "Класс": 11, "Код ОО": "sos1",
            "Участников": 20, "Средний балл": 65}
    base.update(kw)
    return [base.get(h) for h in RES_HEAD]


def _load_results(write, *rows, name="r.xlsx", sheet="Результаты"):
    path = write(name, xlsx_bytes({sheet: [RES_HEAD, *rows]}))
    return load_files([path])


def _texts(result):
    return [p.text() for p in result.errors]


def _one(result, message, row, column, value):
    errs = result.errors
    assert len(errs) == 1, _texts(result)
    e = errs[0]
    assert (e.row, e.column, e.message) == (row, column, message), e.text()
    assert str(e.value) == str(value)
    assert all(len(t) == 0 for t in result.tables.values())  # no partial data
    return e.text()


def test_valid_results_are_typed(write):
    result = _load_results(write, _res_row(), _res_row(**{"Предмет": "Математика", "Средний балл": "4,5",
                                                          "Процедура": "ОГЭ", "Класс": 9, "Отметка «5»": 3}))
    assert result.ok, _texts(result)
    r = result.tables["results"]
    assert list(r.columns) == [c for c in RES_HEAD and
                               ["year", "exam", "subject", "grade", "school_id", "participants", "mean", "below_min",
                                "high_scorers", "mark2", "mark3", "mark4", "mark5", "lowered", "confirmed", "raised"]]
    assert str(r["year"].dtype) == "Int64" and str(r["participants"].dtype) == "Int64"
    assert str(r["mean"].dtype) == "float64" and r["school_id"].dtype == object
    assert r["mean"].tolist() == [65.0, 4.5] and r["mark5"].tolist()[1] == 3 and pd.isna(r["mark5"][0])


def test_not_a_number_names_file_sheet_row_column(write):
    result = _load_results(write, _res_row(), _res_row(**{"Предмет": "Химия", "Средний балл": "4.5.1"}))
    text = _one(result, "не число", 3, "Средний балл", "4.5.1")
    assert text == f"Файл «{result.errors[0].file}», лист «Результаты», строка 3, столбец «Средний балл»: «4.5.1» — не число"


def test_every_bad_cell_is_reported(write):
    result = _load_results(write, _res_row(**{"Участников": "много"}), _res_row(**{"Предмет": "Химия", "Участников": "12,5"}),
                           _res_row(**{"Предмет": "Физика", "Средний балл": "abc"}))
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, "Участников", "не число"), (3, "Участников", "не целое число (ожидается количество)"),
        (4, "Средний балл", "не число")]


def test_negative_count(write):
    _one(_load_results(write, _res_row(**{"Высокобалльников": -1})), "отрицательное количество", 2, "Высокобалльников", -1)


def test_below_min_above_participants(write):
    _one(_load_results(write, _res_row(**{"Не преодолели минимальный порог": 21})),
         "число не преодолевших порог больше числа участников (20)", 2, "Не преодолели минимальный порог", 21)


def test_marks_sum_above_participants(write):
    r = _load_results(write, _res_row(**{"Процедура": "ОГЭ", "Класс": 9, "Средний балл": 4, "Отметка «2»": 1,
                                         "Отметка «3»": 5, "Отметка «4»": 10, "Отметка «5»": 5}))
    _one(r, "сумма отметок «2»–«5» больше числа участников (21 > 20)", 2, "Отметка «2»", 21)


def test_vpr_comparison_sum_above_participants(write):
    r = _load_results(write, _res_row(**{"Процедура": "ВПР", "Класс": 5, "Средний балл": 3.9, "Понизили отметку": 2,
                                         "Подтвердили отметку": 15, "Повысили отметку": 4}))
    _one(r, "понизили + подтвердили + повысили больше числа участников (21 > 20)", 2, "Понизили отметку", 21)


@pytest.mark.parametrize("exam,mean,msg", [
    ("ЕГЭ", 101, "средний балл ЕГЭ вне шкалы 0–100"),
    ("ЕГЭ", -3, "средний балл ЕГЭ вне шкалы 0–100"),
    ("ОГЭ", 5.5, "средняя отметка вне шкалы 2–5 (ОГЭ, ВПР и ГВЭ оцениваются отметками)"),
    ("ВПР", 1.5, "средняя отметка вне шкалы 2–5 (ОГЭ, ВПР и ГВЭ оцениваются отметками)"),
    ("ГВЭ", 65, "средняя отметка вне шкалы 2–5 (ОГЭ, ВПР и ГВЭ оцениваются отметками)"),
])
def test_mean_outside_scale(write, exam, mean, msg):
    r = _load_results(write, _res_row(**{"Процедура": exam, "Средний балл": mean, "Класс": 9}))
    _one(r, msg, 2, "Средний балл", str(mean).replace(".", ","))


def test_base_maths_marks_inside_ege_scale(write):
    r = _load_results(write, _res_row(**{"Предмет": "Математика (базовая)", "Средний балл": 4.2}))
    assert r.ok


@pytest.mark.parametrize("year", [1999, 2101])
def test_year_out_of_range(write, year):
    _one(_load_results(write, _res_row(**{"Год": year})), "год вне допустимого диапазона 2000–2100", 2, "Год", year)


def test_duplicate_key(write):
    r = _load_results(write, _res_row(), _res_row(**{"Участников": 25}))
    e = r.errors
    assert len(e) == 1 and e[0].row == 3
    assert "повтор строки с тем же ключом" in e[0].message and "строка 2" in e[0].message
    assert e[0].value == "2024 / ЕГЭ / Русский язык / 11 / sos1"


def test_duplicate_across_two_files_of_one_load(write):
    p1 = write("a.xlsx", xlsx_bytes({"Р": [RES_HEAD, _res_row()]}))
    p2 = write("b.xlsx", xlsx_bytes({"Р": [RES_HEAD, _res_row()]}))
    r = load_files([p1, p2])
    assert len(r.errors) == 1 and "a.xlsx" in r.errors[0].message and r.errors[0].file.endswith("b.xlsx")


def test_required_column_missing(write):
    head = [h for h in RES_HEAD if h != "Предмет"]
    row = [v for h, v in zip(RES_HEAD, _res_row()) if h != "Предмет"]
    r = load_files([write("r.xlsx", xlsx_bytes({"Результаты": [head, row]}))])
    assert _texts(r) == [f"Файл «{r.errors[0].file}», лист «Результаты»: не указан предмет: добавьте столбец "
                         "«Предмет» или подпишите группы столбцов названиями предметов («Русский язык» над "
                         "«Участников | Средний балл»)"]


def test_required_cell_blank(write):
    r = _load_results(write, _res_row(**{"Участников": None}))
    _one(r, "пустая ячейка в обязательном столбце", 2, "Участников", "None")


def test_percent_outside_range_and_unknown_enum(write):
    schools = [["Код ОО", "Наименование ОО", "Доля детей с ОВЗ, %"], ["sos1", "Сосновская СОШ", 120]]
    r = load_files([write("реестр.xlsx", xlsx_bytes({"Реестр": schools}))])
    _one(r, "доля вне диапазона 0–100 %", 2, "Доля детей с ОВЗ, %", 120)
    values = [["Код показателя", "Код ОО", "Год", "Вид значения", "Значение"], ["I01", None, 2024, "прогнозище", 3]]
    r = load_files([write("знач.xlsx", xlsx_bytes({"Значения": values}))])
    _one(r, "неизвестное значение; допустимо: «базовое», «план», «факт», «целевое»", 2, "Вид значения", "прогнозище")


def test_enum_synonyms_and_ranges_accepted(write):
    values = [["Код показателя", "Год", "Вид значения", "Значение", "Нижняя граница", "Верхняя граница"],
              ["I01", "2023/24", "Фактическое", "4,38", None, None],
              ["I01", 2024, "план", None, "3,8", "4,0"],
              ["I01", 2020, "базовое значение", "45%", None, None]]
    r = load_files([write("знач.xlsx", xlsx_bytes({"Значения": values}))])
    assert r.ok, _texts(r)
    v = r.tables["values"]
    assert v["kind"].tolist() == ["fact", "plan", "baseline"]
    assert v["value"].tolist()[0] == 4.38 and v["low"].tolist()[1] == 3.8 and v["value"].tolist()[2] == 45.0


def test_low_above_high(write):
    values = [["Код показателя", "Год", "Вид значения", "Нижняя граница", "Верхняя граница"], ["I01", 2024, "план", 5, 4]]
    _one(load_files([write("з.xlsx", xlsx_bytes({"З": values}))]), "нижняя граница больше верхней", 2, "Нижняя граница", 5)


def test_validate_directly_on_raw_frames():
    raw = pd.DataFrame({"indicator_id": ["I1", "I2"], "name": ["Доля", None], "direction": ["выше", "↓"],
                        "_file": "f.xlsx", "_sheet": "S", "_row": [5, 6]})
    tables, problems = validate({"indicators": raw})
    assert [p.text() for p in problems] == [
        "Файл «f.xlsx», лист «S», строка 6, столбец «Наименование показателя»: пустая ячейка в обязательном столбце"]
    assert tables["indicators"]["direction"].tolist() == ["higher", "lower"]
    assert list(tables["schools"].columns)[:2] == ["school_id", "name"] and len(tables["schools"]) == 0


def test_repeated_indicator_records_merge_and_conflicts_are_errors():
    raw = pd.DataFrame({"indicator_id": ["I1", "I2", "I1", "I2"], "name": ["Доля", "Балл", "Доля", "Другое"],
                        "unit": ["%", None, None, None], "_file": "f.xlsx", "_sheet": ["План", "План", "Факт", "Факт"],
                        "_row": [5, 6, 5, 6]})
    tables, problems = validate({"indicators": raw})
    assert [(p.sheet, p.row) for p in problems] == [("Факт", 6)]
    assert "повтор строки с тем же ключом" in problems[0].message
    raw = raw.iloc[:3]
    tables, problems = validate({"indicators": raw})
    assert problems == []
    assert tables["indicators"][["indicator_id", "name", "unit"]].values.tolist() == [["I1", "Доля", "%"],
                                                                                     ["I2", "Балл", None]]


def test_guessed_value_gives_way_to_a_stated_one():
    raw = pd.DataFrame({"indicator_id": ["I1", "I1", "I2"], "name": ["Доля", "Доля", "Балл"],
                        "direction": ["lower", "higher", "higher"], "_guessed_direction": [False, True, True],
                        "_file": "f.xlsx", "_sheet": ["План", "Факт", "Факт"], "_row": [5, 5, 6]})
    tables, problems = validate({"indicators": raw})
    assert problems == []
    assert tables["indicators"][["indicator_id", "direction"]].values.tolist() == [["I1", "lower"], ["I2", "higher"]]
