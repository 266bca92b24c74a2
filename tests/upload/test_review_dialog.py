"""Does the review dialog put what a person decides on first — the diff, then «Принять», then the preview —
name schools rather than code them, write every number column one way, refuse to accept a file that would
change nothing, and say the result where the user is looking?"""
from __future__ import annotations

import pandas as pd

from tests.upload.conftest import (SAMPLE, button, ege_2026_changed, frame_with, frames, no_exception, position,
                                   preview_with, sequence, started, texts, upload)
from tests.pages.conftest import unescaped
from ui import upload_rows as rows

NBSP = "\u00a0"
# the sample registry's codes and short names (sample_data/registry.xlsx, «Код ОО» / «Краткое наименование»)
REGISTRY = {"sos1": "СОШ № 1", "sos2": "СОШ № 2", "sos3": "СОШ № 3", "sos4": "СОШ № 4", "gim": "Гимназия № 1",
            "lic": "Лицей", "nosh5": "НОШ № 5", "zarech": "Заречная СОШ", "pervom": "Первомайская СОШ",
            "rodn": "Родниковская СОШ", "lesn": "Лесновская СОШ", "berez": "Берёзовская СОШ",
            "pokr": "Покровская СОШ", "ivan": "Ивановская СОШ", "kedr": "Кедровская ООШ",
            "ozer": "Озёрновская ООШ", "mikh": "Михайловская ООШ", "klyuch": "Ключевская НОШ"}


def test_the_diff_comes_first_then_accept_then_the_preview(district_store):
    at = upload(started(), "ege_2026.csv", ege_2026_changed("88,8"))
    seq = sequence(at._tree)
    diff = position(seq, "subheader", "Что изменится в хранилище")
    changed = position(seq, "dataframe", "Поле,Было,Стало")
    accept = position(seq, "button", "upl_accept")
    read = position(seq, "subheader", "Что прочитано из файла")
    preview = max(i for i, (k, t) in enumerate(seq) if k == "dataframe" and "Участников" in t)
    assert diff < changed < accept < read < preview


def test_the_preview_and_the_diff_name_schools_from_the_registry(district_store):
    at = upload(started(), "ege_2026.csv", ege_2026_changed("88,8"))
    preview = preview_with(at, "Школа", "Средний балл")
    assert "Код ОО" not in preview.columns
    assert set(preview["Школа"]) <= set(REGISTRY.values())
    assert preview["Школа"].iloc[:4].tolist() == ["СОШ № 1", "СОШ № 2", "СОШ № 3", "СОШ № 4"]
    cells = {str(v) for df in frames(at) for v in df.to_numpy().ravel()}
    assert not cells & set(REGISTRY)  # no code such as «sos1» in any table of the dialog
    assert frame_with(at, "Поле", "Было", "Стало")["Школа"].tolist() == ["СОШ № 1"]


def test_every_number_column_is_written_one_way(district_store):
    at = upload(started(), "ege_2026.csv", ege_2026_changed("88,8"))
    preview = preview_with(at, "Школа", "Предмет", "Средний балл", "Участников")
    mean = preview.set_index(["Предмет", "Школа"])["Средний балл"]
    # the export writes «70,0» and «4,10»; the mean of ЕГЭ scores has one decimal, of basic maths marks two
    assert mean[("Русский язык", "Заречная СОШ")] == "70,0"
    assert mean[("Русский язык", "СОШ № 1")] == "88,8"
    assert mean[("Математика (базовая)", "СОШ № 2")] == "4,10"
    assert mean[("Математика (базовая)", "Лицей")] == "4,00"
    russian = mean.xs("Русский язык", level="Предмет")
    assert all(v.split(",")[1:] and len(v.split(",")[1]) == 1 for v in russian)
    assert preview["Участников"].iloc[0] == "72" and preview["Год"].iloc[0] == "2026"


def test_rows_are_written_for_people():
    df = pd.DataFrame({"year": [2026, 2026, 2026], "exam": ["ЕГЭ"] * 3,
                       "subject": ["Русский язык", "Русский язык", "Математика (базовая)"], "grade": [11, 11, 11],
                       "school_id": ["sos1", "new7", "sos1"], "participants": [1234, 5, 6], "mean": [74.1, 70.0, 4.1]})
    frame = rows.rows_frame("results", df, REGISTRY, rows.table_digits("results", df))
    assert frame.columns[0] == "Школа"  # whose row it is comes first
    assert frame.values.tolist() == [
        ["СОШ № 1", "2026", "ЕГЭ", "Русский язык", "11", f"1{NBSP}234", "74,1"],
        ["new7", "2026", "ЕГЭ", "Русский язык", "11", "5", "70,0"],  # a school not in the registry keeps its code
        ["СОШ № 1", "2026", "ЕГЭ", "Математика (базовая)", "11", "6", "4,1"]]
    values = pd.DataFrame({"indicator_id": ["I1", "I1", "I2"], "school_id": [None, "sos2", ""], "year": [2026] * 3,
                           "kind": ["fact", "plan", "target"], "value": [45.0, 45.5, 3.0]})
    assert rows.rows_frame("values", values, REGISTRY).values.tolist() == [
        ["весь район", "I1", "2026", "факт", "45,0"], ["СОШ № 2", "I1", "2026", "план", "45,5"],
        ["весь район", "I2", "2026", "целевое", "3"]]
    changed = pd.DataFrame({"year": [2026], "exam": ["ЕГЭ"], "subject": ["Русский язык"], "grade": [11],
                            "school_id": ["sos1"], "column": ["mean"], "old": [72.7], "new": [88.0]})
    assert rows.changed_frame("results", changed, REGISTRY).values.tolist() == [
        ["СОШ № 1", "2026", "ЕГЭ", "Русский язык", "11", "Средний балл", "72,7", "88,0"]]
    assert rows.column_digits([70, 74.1, None, float("nan")]) == 1
    assert rows.column_digits([46.666666]) == 2 and rows.column_digits([]) == 0


def test_the_same_file_again_cannot_be_accepted_nothing_would_change(district_store):
    store = district_store
    before, versions = store.table_checksums(), store.version()
    data = (SAMPLE / "ege_2026.csv").read_bytes()  # the very file the store was seeded with
    at = upload(started(), "ege_2026.csv", data)
    summary = frame_with(at, "added", "changed", "replaced", "unchanged")
    assert summary[["rows", "added", "changed", "replaced", "unchanged"]].iloc[0].tolist() == [
        "132", "0", "0", "0", "132"]
    accept = button(at, "upl_accept")
    assert accept.disabled and accept.help == "Нельзя принять: ничего не изменится."
    seq = sequence(at._tree)
    caption = position(seq, "caption", "ничего не изменится")
    assert position(seq, "button", "upl_cancel") < caption < position(seq, "subheader", "Что прочитано из файла")
    assert "Ничего не изменится: всё из файла уже есть в хранилище в точности." in texts(at)
    assert not [df for df in frames(at) if "Было" in df.columns]
    assert store.table_checksums() == before and store.version() == versions


def test_the_result_is_said_at_the_top_of_the_page_and_in_a_toast(district_store):
    at = upload(started(), "ege_2026.csv", ege_2026_changed("88,8"))
    button(at, "upl_accept").click().run()
    no_exception(at)
    main = sequence(at.main)
    said = "Принято «ege_2026.csv» (загрузка № 2): добавлено строк 0, изменено 1, заменено 0."
    top = position(main, "success", said)
    assert top < position(main, "title", "Обзор") and not any(k in ("markdown", "caption") for k, _ in main[:top])
    assert [unescaped(t.value) for t in at.toast] == ["Данные приняты (загрузка № 2)."]
    assert any(said in unescaped(s.value) for s in at.sidebar.success)  # kept in the upload slot until the next upload
    at.run()  # the next run: the page's line has been said, the sidebar keeps it
    assert not any(said in unescaped(s.value) for s in at.main.success) and not at.toast
    assert any(said in unescaped(s.value) for s in at.sidebar.success)


def test_a_refusal_is_said_beside_the_button(district_store):
    store = district_store
    at = upload(started(), "ege_2026.csv", ege_2026_changed("88,8"))
    from loaders import load_bytes

    other = ege_2026_changed("70,0")
    store.accept(load_bytes("ege_2026.csv", other, registry=store.read("schools")), "other.csv", other)
    button(at, "upl_accept").click().run()
    no_exception(at)
    seq = sequence(at._tree)
    err = position(seq, "error", "данные в хранилище изменились")
    assert err == position(seq, "button", "upl_cancel") + 1  # right under «Принять» / «Не загружать»
    assert [unescaped(t.value) for t in at.toast] == ["Ничего не записано."]
    assert store.history()["file_name"].tolist()[-1] == "other.csv"
