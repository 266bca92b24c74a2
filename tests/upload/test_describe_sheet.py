"""Can the user always say what a sheet is — table type, header row, first data row, a field for every column —
when the loader skipped it or left columns unplaced, with the choice saved under the header's signature?"""
from __future__ import annotations

from tests.upload.conftest import all_text, no_exception, preview_with, started, upload

FOREIGN = ("Выгрузка из системы 2026\r\n"
           "\r\n"
           "EDU;SUBJ;N;AVG\r\n"
           "1;2;3;4\r\n"
           "МБОУ Сосновская СОШ №1;Химия;12;60,5\r\n")


def _describe(at, key_part):
    return [w for w in at.selectbox if w.key and key_part in w.key]


def test_a_skipped_sheet_is_described_saved_and_read_again(district_store):
    store = district_store
    at = upload(started(), "ЕГЭ_2026.csv", FOREIGN.encode("utf-8"))
    assert "лист пропущен" in all_text(at)
    table = next(w for w in at.selectbox if w.key and w.key.startswith("upl_desc_") and w.key.endswith("_table"))
    assert table.value is None  # nothing was claimed: the user chooses
    table.select("results").run()
    row = next(w for w in at.selectbox if w.key and w.key.startswith("upl_desc_") and w.key.endswith("_row"))
    row.select(3).run()  # the header is in spreadsheet row 3, under a title and a blank line
    data = next(w for w in at.number_input if w.key and w.key.startswith("upl_desc_") and w.key.endswith("_data"))
    assert data.value == 4
    data.set_value(5).run()  # row 4 numbers the columns: the data start in row 5
    cols = [w for w in at.selectbox if w.key and "_col_" in w.key]
    assert len(cols) == 4 and all(c.value == "skip" for c in cols)  # nothing recognised: «не загружать»
    for c, field in zip(cols, ["school_name", "subject", "participants", "mean"]):
        c.select(field).run()
    next(b for b in at.button if b.key and b.key.endswith("_save")).click().run()
    no_exception(at)
    preview = preview_with(at, "Школа", "Средний балл")
    assert preview[["Школа", "Предмет", "Участников", "Средний балл"]].values.tolist() == [
        ["СОШ № 1", "Химия", "12", "60,5"]]
    saved = [m for m in (store.mapping(s) for s in _signatures(store)) if m]
    assert saved == [{"EDU": "school_name", "SUBJ": "subject", "N": "participants", "AVG": "mean",
                      "@table": "results", "@data_row": "5"}]
    # the next file of the same shape is read without asking
    at2 = upload(started(), "ЕГЭ_2026.csv", FOREIGN.replace("60,5", "61").encode("utf-8"))
    assert preview_with(at2, "Школа", "Средний балл")["Средний балл"].tolist() == ["61"]
    assert not any(w.key and w.key.startswith("upl_desc_") and w.key.endswith("_table") for w in at2.selectbox)


def _signatures(store):
    from loaders import load_bytes

    res = load_bytes("ЕГЭ_2026.csv", FOREIGN.encode("utf-8"), registry=store.read("schools"), mappings={})
    return [c["signature"] for sh in res.sheet_headers for c in sh["candidates"]]


def test_a_read_sheet_with_an_unplaced_column_offers_the_description_too(district_store):
    text = ("Наименование ОО;Предмет;Количество участников;Средний балл;HS_CNT\r\n"
            "МБОУ Сосновская СОШ №1;Химия;12;60;4\r\n")
    at = upload(started(), "ЕГЭ_2026.csv", text.encode("utf-8"))
    table = next(w for w in at.selectbox if w.key and w.key.startswith("upl_desc_") and w.key.endswith("_table"))
    assert table.value == "results"  # what was detected, to correct
    cols = [w for w in at.selectbox if w.key and "_col_" in w.key]
    assert [c.value for c in cols] == ["school_name", "subject", "participants", "mean", "skip"]
