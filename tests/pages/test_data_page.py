"""Does «Данные» say what is loaded, and are tables exported safely with telling file names?"""
from __future__ import annotations

import io
from datetime import date

import openpyxl
import pandas as pd

from loaders.model import TABLE_TITLES, TABLES
from tests.pages.conftest import download_labels, metric_bodies, no_exception, table_with, texts
from tests.upload.conftest import all_text
from ui import format as fmt
from ui.tables import excel_bytes, file_name, neutralise


def test_counts_say_what_is_counted_and_latest_years(shared_store, run_page, sample_tables):
    at = run_page("data")
    no_exception(at)
    shown = metric_bodies(at)
    # hand-checked in sample_data/registry.xlsx: 90 rows, one per school and year (2022–2026), 18 codes
    assert len(sample_tables["schools"]) == 90
    assert shown[TABLE_TITLES["schools"]] == "18"
    assert "школ (90 строк: школа × учебный год)" in texts(at)
    res = sample_tables["results"]
    assert len(res) > 1000 and res["school_id"].nunique() == 18
    assert shown[TABLE_TITLES["results"]] == fmt.num(len(res)) and "\u00a0" in fmt.num(len(res))  # 2 711
    assert "строк (по 18 школам: школа × процедура × предмет × год)" in texts(at)
    assert shown[TABLE_TITLES["indicators"]] == fmt.num(len(sample_tables["indicators"]))
    assert shown[TABLE_TITLES["events"]] == fmt.num(len(sample_tables["events"]))
    table = table_with(at, "title", "rows_text", "schools_text", "first_year", "last_year")
    res_row = table[table["title"] == TABLE_TITLES["results"]].iloc[0]
    years = pd.to_numeric(res["year"])
    assert res_row["last_year"] == str(int(years.max())) and res_row["first_year"] == str(int(years.min()))
    assert res_row["rows_text"] == fmt.num(len(res)) and res_row["schools_text"] == "18"
    reg = table[table["title"] == TABLE_TITLES["schools"]].iloc[0]
    assert (reg["what"], reg["rows_text"], reg["schools_text"]) == ("18 школ", "90", "18")
    assert f"Последние результаты: {int(years.max())} год" in texts(at).replace("**", "")


def test_the_store_is_named_never_its_folder(shared_store, run_page):
    at = run_page("data")
    shown = all_text(at)
    assert f"Хранилище «{shared_store.name}»" in texts(at)
    assert str(shared_store) not in shown and str(shared_store.parent) not in shown
    for folder in shared_store.parent.parts[1:]:  # no «/tmp», «/pytest-of-…» … fragment of the path
        assert f"/{folder}" not in shown, folder


def test_a_message_quoting_a_path_keeps_the_file_name_only():
    from ui.loaded import store_name, without_folders

    assert store_name("/srv/dashboard/data/dashboard.sqlite") == "dashboard.sqlite"
    assert without_folders("Файл хранилища «/srv/x/dashboard.sqlite» удалён; «ЕГЭ» — не путь") == \
        "Файл хранилища «dashboard.sqlite» удалён; «ЕГЭ» — не путь"


def test_templates_for_every_table(shared_store, run_page):
    at = run_page("data")
    labels = download_labels(at)
    for name in TABLES:
        assert f"Шаблон: {TABLE_TITLES[name]}" in labels


def test_history_and_sources_are_listed(shared_store, run_page):
    from store import open_store

    store = open_store(path=shared_store)
    at = run_page("data")
    history = table_with(at, "upload_id", "at", "user", "file_name")
    assert len(history) == len(store.history())
    assert set(history["upload_id"]) == set(store.history()["upload_id"])
    sources = table_with(at, "upload_id", "table", "rows_text")
    assert len(sources) == len(store.sources())


def test_seed_problems_are_shown_with_their_place(sample_store, run_page, monkeypatch):
    from loaders.report import Problem

    problem = Problem("warning", "не число", file="x.xlsx", sheet="Факт", row=12, column="2024 год", value="4.5.1")
    import store as store_pkg

    real_open = store_pkg.open_store

    def open_with_problem(*a, **k):
        s = real_open(*a, **k)
        s.seed_problems = [problem]
        return s

    monkeypatch.setattr(store_pkg, "open_store", open_with_problem)
    at = run_page("data")
    no_exception(at)
    table = table_with(at, "severity", "file", "sheet", "row", "column", "message")
    assert table.iloc[0]["sheet"] == "Факт" and int(table.iloc[0]["row"]) == 12
    assert "предупреждений 1" in texts(at)


def test_excel_export_neutralises_formulas_and_keeps_numbers():
    df = pd.DataFrame({"Школа": ["=HYPERLINK(\"http://x\")", "+7", "-1+2", "@SUM(A1)", "обычная"],
                       "Балл": [1.5, 2.0, 3.25, None, 5.0],
                       "Предметы": [["ЕГЭ", "ОГЭ"], [], ["ВПР"], [], []]})
    book = openpyxl.load_workbook(io.BytesIO(excel_bytes(df, "Рейтинг")))
    ws = book["Рейтинг"]
    assert [c.value for c in ws[1]] == ["Школа", "Балл", "Предметы"]
    col = [ws.cell(row=r, column=1).value for r in range(2, 7)]
    assert col == ["'=HYPERLINK(\"http://x\")", "'+7", "'-1+2", "'@SUM(A1)", "обычная"]
    assert all(ws.cell(row=r, column=1).data_type == "s" for r in range(2, 7))
    assert ws.cell(row=4, column=2).value == 3.25
    assert ws.cell(row=2, column=3).value == "ЕГЭ; ОГЭ"
    assert neutralise(-1) == -1 and neutralise("a=b") == "a=b"


def test_file_names_say_what_and_when():
    assert file_name("рейтинг", "ЕГЭ", "Математика (профильная)", 2026, on=date(2026, 11, 22)) == \
        "рейтинг_ЕГЭ_Математика_профильная_2026_на_2026-11-22.xlsx"
    assert file_name(None, "", on=date(2026, 1, 2)) == "таблица_на_2026-01-02.xlsx"


def test_russian_formats():
    assert fmt.value(4.38, "балл") == "4,38" and fmt.value(4.38, "отметка") == "4,38"
    assert fmt.value(45, "%") == "45,0\u00a0%"
    assert fmt.value(7, "чел.") == "7\u00a0чел."
    assert fmt.value(None, "%") == "—"
    assert fmt.change(-0.5, "балл") == "−0,50"
    assert fmt.change(3, "%") == "+3,0\u00a0п.\u00a0п."
    assert fmt.metric_delta(-2.71, "балл") == "-2,71" and fmt.metric_delta(0, "%") == "0"
    assert fmt.delta_color("lower") == "inverse" and fmt.delta_color("higher") == "normal" and fmt.delta_color(None) == "off"
    assert fmt.plan_text(3.9, 3.8, 4.0, "балл") == "3,80 – 4,00"
    assert fmt.status_label("missed") == "не достигнут" and fmt.status_label(None) == "нет данных"
    assert fmt.year_label(2026) == "2025/26 учебный год"
    assert fmt.first_sentence("Низкие результаты в 3 из 3 лет (2024, 2025). 2026: ВПР — ниже.") == \
        "Низкие результаты в 3 из 3 лет (2024, 2025)."
