"""Does a file uploaded in the sidebar go through review → accept, persist across a restart, and
leave the store untouched when it is bad?"""
from __future__ import annotations

from tests.pages.conftest import unescaped

import hashlib

import pandas as pd

from tests.upload.conftest import (SOS1_RUSSIAN, XLSX, button, ege_2026_changed, ege_2026_text, frame_with,
                                   no_exception, preview_with, restart, results_xlsx, started, texts, upload)


def _sos1_russian_2026(store) -> float:
    r = store.read("results")
    row = r[(r["year"] == 2026) & (r["exam"] == "ЕГЭ") & (r["subject"] == "Русский язык") & (r["school_id"] == "sos1")]
    assert len(row) == 1
    return float(row["mean"].iloc[0])


def _school_card_mean(at) -> str:
    view = frame_with(at, "subject_text", "mean_text", "exam")
    row = view[(view["exam"] == "ЕГЭ") & (view["subject_text"].astype(str).str.startswith("Русский язык"))]
    assert len(row) == 1, view
    return str(row["mean_text"].iloc[0])


def test_valid_file_preview_then_accept_then_restart(district_store):
    store = district_store
    before = store.table_checksums()
    assert _sos1_russian_2026(store) == 72.7
    data = ege_2026_changed("88,8")
    at = upload(started(), "ege_2026.csv", data)

    # the review: detected table, counts, no problems, preview, and the diff 72,7 → 88,8
    shown = texts(at)
    assert "«ege_2026.csv»" in shown and "Определено:** «Результаты оценочных процедур»" in shown
    assert "Ошибок и предупреждений нет." in shown
    preview = preview_with(at, "Средний балл", "Школа")
    assert preview.iloc[0][["Школа", "Средний балл"]].tolist() == ["СОШ № 1", "88,8"]
    summary = frame_with(at, "added", "changed", "replaced", "unchanged")
    assert summary[["rows", "added", "changed", "replaced", "unchanged"]].iloc[0].tolist() == [
        "132", "0", "1", "0", "131"]
    change = frame_with(at, "Поле", "Было", "Стало")
    assert change[["Школа", "Предмет", "Поле", "Было", "Стало"]].values.tolist() == [
        ["СОШ № 1", "Русский язык", "Средний балл", "72,7", "88,8"]]
    assert store.table_checksums() == before  # nothing written by the preview

    accept = button(at, "upl_accept")
    assert not accept.disabled
    accept.click().run()
    no_exception(at)
    msg = " ".join(unescaped(s.value) for s in at.sidebar.success)
    assert "Принято «ege_2026.csv»" in msg and "изменено 1" in msg and "добавлено строк 0" in msg
    assert not [b for b in at.button if b.key == "upl_accept"]  # the dialog is closed
    assert _sos1_russian_2026(store) == 88.8
    h = store.history()
    last = h.iloc[-1]
    assert (last["file_name"], last["user"], last["source"], last["changed"]) == ("ege_2026.csv", "локальный редактор", "upload", 1)
    assert last["sha256"] == hashlib.sha256(data).hexdigest()
    assert store.file_bytes(int(last["upload_id"])) == ("ege_2026.csv", data)

    # a restart: fresh caches, a new session on the same store file; the school card shows 88,8
    restart()
    at2 = started("pages/school.py", school="sos1", year=2026)
    assert _school_card_mean(at2) == "88,8"


def test_bad_file_shows_located_errors_and_leaves_the_store_unchanged(district_store):
    store = district_store
    before = store.table_checksums()
    versions = store.version()
    data = results_xlsx([["МБОУ Сосновская СОШ №1", "Химия", "двенадцать", 60],
                         ["МБОУ Юбилейная СОШ", "Химия", 12, 61]])
    at = upload(started(), "ЕГЭ_2026.xlsx", data, XLSX)
    err = " ".join(unescaped(e.value) for e in at.error)
    assert "Ошибок: 2" in err and "не может быть принят" in err
    assert "лист «ЕГЭ 2026», строка 3, столбец «Количество участников»" in err and "«двенадцать»" in err
    assert "строка 4, столбец «Наименование ОО»: «МБОУ Юбилейная СОШ» — школа не найдена" in err
    problems = frame_with(at, "severity", "sheet", "row", "column", "message")
    assert set(problems["severity"]) == {"ошибка"}
    assert sorted(problems["row"].tolist()) == [3, 4]
    accept = button(at, "upl_accept")
    assert accept.disabled and "ошибок: 2" in accept.help
    assert "Принять нельзя: в файле ошибок: 2" in texts(at)
    # «Не загружать» closes the review; nothing was written
    button(at, "upl_cancel").click().run()
    no_exception(at)
    assert not [b for b in at.button if b.key == "upl_accept"]
    assert store.table_checksums() == before and store.version() == versions
    assert len(store.history()) == 1


def test_a_file_the_loader_cannot_read_is_an_error_not_a_traceback(district_store):
    at = upload(started(), "ege.xlsx", b"PK\x03\x04" + b"\x00garbage" * 50, XLSX)
    assert any("повреждён" in unescaped(e.value) for e in at.error)
    assert button(at, "upl_accept").disabled


def test_unknown_school_is_chosen_saved_as_alias_and_the_file_read_again(district_store):
    store = district_store
    data = results_xlsx([["Ивановская школа-сад", "Химия", 12, 61.5], ["МБОУ Сосновская СОШ №1", "Химия", 10, 60]])
    at = upload(started(), "ЕГЭ_2026.xlsx", data, XLSX)
    assert "Школы, которых нет в реестре" in [s.value for s in at.subheader]
    pick = next(s for s in at.selectbox if unescaped(s.label).startswith("«Ивановская школа-сад»"))
    assert pick.options[1].startswith("МКОУ «Ивановская СОШ» (ivan) — сходство")  # best candidate first
    assert pick.options[0] == "— не сопоставлять —"
    assert button(at, "upl_accept").disabled
    pick.select("ivan").run()
    save = next(b for b in at.button if b.label == "Сохранить соответствия и перечитать файл")
    save.click().run()
    no_exception(at)
    assert store.aliases() == {"Ивановская школа-сад": "ivan"}
    assert not at.error
    preview = preview_with(at, "Школа", "Предмет", "Средний балл", "Участников")
    assert sorted(preview["Школа"].tolist()) == ["Ивановская СОШ", "СОШ № 1"]
    button(at, "upl_accept").click().run()
    r = store.read("results")
    ivan = r[(r["school_id"] == "ivan") & (r["subject"] == "Химия") & (r["year"] == 2026)]
    assert ivan[["participants", "mean"]].values.tolist() == [[12, 61.5]]


def test_fuzzy_match_is_shown_preselected_confirmed_as_alias_and_does_not_block_accept(district_store):
    store = district_store
    data = results_xlsx([["Сосоновская СОШ № 1", "Химия", 12, 61.5], ["МБОУ Сосновская СОШ №2", "Химия", 10, 60]])
    at = upload(started(), "ЕГЭ_2026.xlsx", data, XLSX)
    no_exception(at)
    heads = [s.value for s in at.subheader]
    assert "Школы, сопоставленные по сходству" in heads and "Школы, которых нет в реестре" not in heads
    problems = frame_with(at, "severity", "message")
    assert problems[["severity", "row"]].values.tolist() == [["предупреждение", 3]]
    assert problems["message"].iloc[0].startswith("название «Сосоновская СОШ № 1» сопоставлено со школой "
                                                  "«МБОУ «Сосновская СОШ № 1»» (сходство")
    pick = next(s for s in at.selectbox if unescaped(s.label).startswith("«Сосоновская СОШ № 1»"))
    assert "сопоставлено по сходству" in pick.label
    assert pick.value == "sos1"  # the matched school is preselected
    assert pick.options[0] == "— не подтверждать —"
    assert not button(at, "upl_accept").disabled  # a fuzzy match does not block accepting
    preview = preview_with(at, "Школа", "Предмет", "Средний балл", "Участников")
    assert sorted(preview["Школа"].tolist()) == ["СОШ № 1", "СОШ № 2"]
    next(b for b in at.button if b.label == "Сохранить соответствия и перечитать файл").click().run()
    no_exception(at)
    assert store.aliases() == {"Сосоновская СОШ № 1": "sos1"}
    assert "Школы, сопоставленные по сходству" not in [s.value for s in at.subheader]
    assert "Ошибок и предупреждений нет." in texts(at)
    button(at, "upl_accept").click().run()
    r = store.read("results")
    sos1 = r[(r["school_id"] == "sos1") & (r["subject"] == "Химия") & (r["year"] == 2026)]
    assert sos1[["participants", "mean"]].values.tolist() == [[12, 61.5]]


def test_a_wrong_fuzzy_match_is_corrected_to_another_school(district_store):
    store = district_store
    data = results_xlsx([["Сосоновская СОШ № 1", "Химия", 12, 61.5]])
    at = upload(started(), "ЕГЭ_2026.xlsx", data, XLSX)
    next(s for s in at.selectbox if unescaped(s.label).startswith("«Сосоновская СОШ № 1»")).select("lesn").run()
    next(b for b in at.button if b.label == "Сохранить соответствия и перечитать файл").click().run()
    no_exception(at)
    assert store.aliases() == {"Сосоновская СОШ № 1": "lesn"}
    preview = preview_with(at, "Школа", "Предмет", "Средний балл", "Участников")
    assert preview["Школа"].tolist() == ["Лесновская СОШ"]


def test_unplaced_column_is_mapped_saved_and_read_again(district_store):
    store = district_store
    text = ("Наименование ОО;Предмет;Количество участников;Средний балл;HS_CNT\r\n"
            "МБОУ Сосновская СОШ №1;Химия;12;60;4\r\n")
    at = upload(started(), "ЕГЭ_2026.csv", text.encode("utf-8"))
    problems = frame_with(at, "severity", "message")
    assert problems[["severity", "column"]].values.tolist() == [["предупреждение", "HS_CNT"]]
    pick = next(s for s in at.selectbox if unescaped(s.label).startswith("«HS_CNT»"))
    assert pick.options[0] == "— не загружать —" and "Высокобалльников (high_scorers)" in pick.options
    pick.select("high_scorers").run()
    next(b for b in at.button if b.label == "Сохранить сопоставление и перечитать файл").click().run()
    no_exception(at)
    saved = [store.mapping(d) for d in {u["signature"] for u in _unplaced(store, text)}]
    assert saved == [{"HS_CNT": "high_scorers"}]
    preview = preview_with(at, "Высокобалльников", "Школа")
    assert preview[["Школа", "Высокобалльников"]].values.tolist() == [["СОШ № 1", "4"]]
    assert not any(unescaped(s.label).startswith("«HS_CNT»") for s in at.selectbox)
    # the next file with the same headers is mapped without asking
    at2 = upload(started(), "ЕГЭ_2026.csv", text.replace(";4\r\n", ";5\r\n").encode("utf-8"))
    assert preview_with(at2, "Высокобалльников", "Школа")["Высокобалльников"].tolist() == ["5"]


def _unplaced(store, text):
    from loaders import load_bytes

    return load_bytes("ЕГЭ_2026.csv", text.encode("utf-8"), registry=store.read("schools"), mappings={}).unplaced_columns


def test_year_and_exam_set_by_the_user_when_the_file_does_not_say(district_store):
    store = district_store
    text = "Наименование ОО;Предмет;Количество участников;Средний балл\r\nМБОУ Сосновская СОШ №1;Химия;12;3,9\r\n"
    at = started()
    at.selectbox(key="upl_year").select(2024).run()
    at.selectbox(key="upl_exam").select("ОГЭ").run()
    at = upload(at, "results.csv", text.encode("utf-8"))
    added = frame_with(at, "Год", "Процедура", "Школа", "Класс")
    assert added[["Год", "Процедура", "Школа", "Класс"]].values.tolist() == [["2024", "ОГЭ", "СОШ № 1", "9"]]
    button(at, "upl_accept").click().run()
    r = store.read("results")
    assert r[(r["year"] == 2024) & (r["exam"] == "ОГЭ")][["school_id", "grade", "mean"]].values.tolist() == [
        ["sos1", 9, 3.9]]


def test_reads_are_cached_on_the_bytes_not_the_uploaded_file(district_store, monkeypatch):
    import loaders

    calls = []
    real = loaders.load_bytes
    monkeypatch.setattr(loaders, "load_bytes", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    data = ege_2026_changed("80,1")
    at = upload(started(), "ege_2026.csv", data)
    assert calls == ["ege_2026.csv"]
    at.sidebar.file_uploader[0].set_value(None).run()  # removed …
    upload(at, "ege_2026.csv", data)  # … and uploaded again: a new UploadedFile, the same bytes
    assert calls == ["ege_2026.csv"]
    at.selectbox(key="upl_year").select(2025).run()  # a different option is a different reading
    assert len(calls) == 2


def test_store_changed_since_the_preview_refuses_the_accept(district_store):
    store = district_store
    at = upload(started(), "ege_2026.csv", ege_2026_changed("88,8"))
    # another session accepts a different version of the same slice meanwhile
    from loaders import load_bytes

    other = ege_2026_text().replace(SOS1_RUSSIAN, SOS1_RUSSIAN.replace("72,7", "70,0")).encode("cp1251")
    store.accept(load_bytes("ege_2026.csv", other, registry=store.read("schools")), "other.csv", other)
    button(at, "upl_accept").click().run()
    no_exception(at)
    assert any("изменились" in unescaped(e.value) for e in at.error)
    assert _sos1_russian_2026(store) == 70.0
    assert pd.Series(store.history()["file_name"]).tolist()[-1] == "other.csv"


def test_a_loader_crash_is_a_russian_error_and_nothing_can_be_accepted(district_store, monkeypatch):
    import loaders

    def broken(*args, **kwargs):
        raise KeyError("exam")

    monkeypatch.setattr(loaders, "load_bytes", broken)
    before = district_store.table_checksums()
    at = upload(started(), "results.csv", b"a;b\r\n1;2\r\n")
    err = " ".join(unescaped(e.value) for e in at.error)
    assert "«results.csv» не удалось прочитать: внутренняя ошибка (KeyError)" in err and "Параметрах файла" in err
    assert button(at, "upl_accept").disabled
    assert district_store.table_checksums() == before


def test_table_type_and_layout_chosen_by_the_user_reach_the_loader(district_store, monkeypatch):
    import loaders

    seen = []
    real = loaders.load_bytes
    monkeypatch.setattr(loaders, "load_bytes", lambda *a, **k: seen.append(k) or real(*a, **k))
    text = "Код ОО;Наименование ОО;Тип ОО;Местность\r\nnew1;МБОУ «Новая СОШ»;СОШ;село\r\n"
    at = started()
    at.selectbox(key="upl_table").select("schools").run()
    at.selectbox(key="upl_layout").select("tabular").run()
    at = upload(at, "список.csv", text.encode("utf-8"))
    last = seen[-1]
    assert (last["table"], last["layout"], last["year"], last["exam"]) == ("schools", "tabular", None, None)
    assert "Определено:** «Реестр школ»" in texts(at)
    button(at, "upl_accept").click().run()
    s = district_store.read("schools")
    assert s[s["school_id"] == "new1"][["name", "type", "locality"]].values.tolist() == [
        ["МБОУ «Новая СОШ»", "СОШ", "село"]]


def test_a_fact_sheet_upload_keeps_the_stored_direction(district_store):
    """The store knows the indicator is «меньше — лучше»; a «Факт» Форма 1 uploaded alone would guess «больше»."""
    import io

    import openpyxl

    from loaders import load_bytes
    from loaders.layouts.forma1 import indicator_id

    store = district_store
    name = "Индекс оценки качества подготовки обучающихся"
    iid = indicator_id(name)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Код показателя", "Наименование показателя", "Единица измерения", "Направление"])
    ws.append([iid, name, "ед.", "меньше — лучше"])
    buf = io.BytesIO()
    wb.save(buf)
    plan = load_bytes("показатели.xlsx", buf.getvalue())
    store.accept(plan, "показатели.xlsx", buf.getvalue())

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Факт"
    ws.append(["Фактические значения целевых показателей программы"])
    ws.append(["№ п/п", "Наименование показателей", "Значения показателя по годам", None])
    ws.append([None, None, "2025 год", "2026 год"])
    ws.merge_cells("C2:D2")
    ws.append([1, name, "4,1", "4,1"])
    buf = io.BytesIO()
    wb.save(buf)
    at = upload(started(), "факт.xlsx", buf.getvalue(), XLSX)
    no_exception(at)
    assert "Ошибок и предупреждений нет." in texts(at)
    change = frame_with(at, "added", "changed", "replaced", "unchanged").set_index("table")
    assert change.loc["indicators", ["changed", "unchanged"]].tolist() == ["0", "1"]  # the known indicator stays
    button(at, "upl_accept").click().run()
    no_exception(at)
    stored = store.read("indicators").set_index("indicator_id")
    assert stored.loc[iid, ["direction", "unit"]].tolist() == ["lower", "ед."]
    v = store.read("values")
    assert v[(v.indicator_id == iid) & (v.kind == "fact")]["year"].tolist() == [2025, 2026]


def test_the_loader_reads_with_the_stores_saved_mappings(district_store, monkeypatch):
    import loaders

    store = district_store
    text = ("Наименование ОО;Предмет;Количество участников;Средний балл;HS_CNT\r\n"
            "МБОУ Сосновская СОШ №1;Химия;12;60;4\r\n")
    sig = _unplaced(store, text)[0]["signature"]
    store.save_mapping(sig, {"HS_CNT": "high_scorers"})  # saved earlier (another session, another file)
    seen = []
    real = loaders.load_bytes
    monkeypatch.setattr(loaders, "load_bytes", lambda *a, **k: seen.append(k) or real(*a, **k))
    at = upload(started(), "ЕГЭ_2026.csv", text.encode("utf-8"))
    no_exception(at)
    first = seen[0]
    assert first["mapping"] is None and first["mappings"](sig) == {"HS_CNT": "high_scorers"}
    assert first["known_indicators"] is not None
    assert not any(unescaped(s.label).startswith("«HS_CNT»") for s in at.selectbox)
    preview = preview_with(at, "Высокобалльников", "Школа")
    assert preview[["Школа", "Высокобалльников"]].values.tolist() == [["СОШ № 1", "4"]]
