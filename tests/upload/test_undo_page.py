"""Does «Отменить» on the «Данные» page bring the store back byte for byte, after asking first?"""
from __future__ import annotations

from tests.pages.conftest import unescaped

from loaders import load_bytes
from tests.upload.conftest import button, ege_2026_changed, no_exception, started, texts, upload


def _accept(store, mean: str, name: str) -> int:
    data = ege_2026_changed(mean)
    return store.accept(load_bytes(name, data, registry=store.read("schools")), name, data)


def _undo_buttons(at):
    return {b.key: b for b in at.button if b.key and "_undo_" in b.key}


def test_undo_asks_first_then_restores_the_previous_state(district_store):
    store = district_store
    before = store.table_checksums()
    at = upload(started(), "ege_2026.csv", ege_2026_changed("88,8"))
    button(at, "upl_accept").click().run()
    uid = int(store.history()["upload_id"].max())
    assert store.table_checksums() != before

    at.switch_page("pages/data.py")
    at.run()
    no_exception(at)
    assert f"history_undo_{uid}" in _undo_buttons(at)
    assert any(b.label == "Исходный файл" and b.key == f"history_file_{uid}" for b in at.get("download_button"))
    _undo_buttons(at)[f"history_undo_{uid}"].click().run()
    no_exception(at)
    assert any(f"Отменить загрузку № {uid} («ege_2026.csv»)?" in unescaped(w.value) for w in at.warning)
    assert store.table_checksums() != before  # asking changed nothing
    button(at, f"history_confirm_{uid}_no").click().run()
    assert not any("Отменить загрузку" in unescaped(w.value) for w in at.warning)

    _undo_buttons(at)[f"history_undo_{uid}"].click().run()
    button(at, f"history_confirm_{uid}_yes").click().run()
    no_exception(at)
    assert store.table_checksums() == before
    assert f"Загрузка № {uid} отменена" in texts(at)
    h = store.history().set_index("upload_id")
    assert h.loc[uid, "undone_at"] and h.loc[uid, "undone_by"] == "локальный редактор"
    assert f"history_undo_{uid}" not in _undo_buttons(at)  # an undone upload has no «Отменить»


def test_undo_of_an_upload_changed_later_undoes_the_later_ones_too(district_store, monkeypatch):
    from store import Store

    asked = []
    real = Store.dependents
    monkeypatch.setattr(Store, "dependents", lambda self, uid: asked.append(uid) or real(self, uid))
    store = district_store
    before = store.table_checksums()
    first = _accept(store, "80,0", "first.csv")
    after_first = store.table_checksums()
    second = _accept(store, "81,0", "second.csv")
    assert store.table_checksums() not in (before, after_first)

    at = started("pages/data.py")
    _undo_buttons(at)[f"history_undo_{first}"].click().run()
    no_exception(at)
    assert any(f"более поздние загрузки № {second}" in unescaped(w.value) for w in at.warning)
    assert asked and set(asked) == {first}  # the page asks the store's public method
    yes = button(at, f"history_confirm_{first}_yes")
    assert yes.label == f"Да, отменить № {first} и № {second}"
    yes.click().run()
    no_exception(at)
    assert store.table_checksums() == before
    assert store.history().set_index("upload_id").loc[[first, second], "undone_at"].notna().all()


def test_undo_of_the_latest_upload_alone_keeps_the_earlier_one(district_store):
    store = district_store
    _accept(store, "80,0", "first.csv")
    after_first = store.table_checksums()
    second = _accept(store, "81,0", "second.csv")
    at = started("pages/data.py")
    _undo_buttons(at)[f"history_undo_{second}"].click().run()
    button(at, f"history_confirm_{second}_yes").click().run()
    no_exception(at)
    assert store.table_checksums() == after_first
