"""Does a per-participant protocol uploaded in the sidebar show and store only per-school aggregates —
no participant name or code on the screen, in the store file, or among the kept original files?"""
from __future__ import annotations

from tests.pages.conftest import unescaped

from tests.store.test_personal_data import SECRETS, db_bytes, found, protocol_csv
from tests.upload.conftest import all_text, button, no_exception, preview_with, started, upload


def test_protocol_is_aggregated_and_no_name_reaches_screen_or_store(district_store):
    store = district_store
    at = started()
    at.selectbox(key="upl_year").select(2026).run()
    at.selectbox(key="upl_exam").select("Пробный ЕГЭ").run()
    upload(at, "protocol.csv", protocol_csv())
    assert not at.error
    preview = preview_with(at, "Школа", "Участников", "Средний балл", "Не преодолели минимальный порог")
    got = preview.set_index("Школа")
    # hand-aggregated: sos1 (72 + 45 + 23) / 3 = 46,67 with one below the minimum; kedr one participant with 81
    assert got.loc["СОШ № 1", "Участников"] == "3" and got.loc["СОШ № 1", "Средний балл"] == "46,67"
    assert got.loc["Кедровская ООШ", "Участников"] == "1" and got.loc["Кедровская ООШ", "Высокобалльников"] == "1"
    assert got.loc["Кедровская ООШ", "Средний балл"] == "81,00"  # one number of decimals for the column
    shown = all_text(at)
    assert "СОШ № 1" in shown and "Кедровская ООШ" in shown  # the search sees Cyrillic cells…
    assert "Ничего не записано" in shown  # … and Cyrillic element text
    assert found(shown.encode("utf-8")) == []

    button(at, "upl_accept").click().run()
    no_exception(at)
    assert found(db_bytes(store.path)) == []
    last = store.history().iloc[-1]
    assert not bool(last["file_kept"]) and "персональные данные" in str(last["note"])

    at.switch_page("pages/data.py")
    at.run()
    no_exception(at)
    uid = int(last["upload_id"])
    assert not any(b.key == f"history_file_{uid}" for b in at.get("download_button"))
    assert any("исходный файл не хранится: персональные данные" in unescaped(c.value) for c in at.caption)
    assert found(all_text(at).encode("utf-8")) == []
    assert set(SECRETS)  # the search list is not empty
