"""Do confirmations do exactly what they showed — or nothing?

- An undo confirmation carries the uploads it listed and the store's state: if another session accepted or
  undid something meanwhile, or the store was reseeded, nothing is undone and the new list is shown.
- Upload numbers are never reused, across reseeds too.
- A Google Sheet's preview is per session and per content: a second session sees its own diff, and «Принять»
  writes what was previewed or refuses.
"""
from __future__ import annotations

import pytest

from loaders import load_bytes
from tests.pages.conftest import make_app, no_exception, unescaped
from tests.upload.conftest import SAMPLE, button, ege_2026_changed, frame_with, started

SOS1 = ("sos1", "Русский язык")


def _accept(store, mean: str, name: str) -> int:
    data = ege_2026_changed(mean)
    return store.accept(load_bytes(name, data, registry=store.read("schools")), name, data, user="другая сессия")


def _mean(store) -> float:
    r = store.read("results")
    row = r[(r["year"] == 2026) & (r["school_id"] == SOS1[0]) & (r["subject"] == SOS1[1])]
    return float(row["mean"].iloc[0])


def _errors(at) -> str:
    return " ".join(unescaped(e.value) for e in at.error)


def test_undo_confirmation_is_bound_to_the_uploads_it_listed(district_store):
    store = district_store
    seed_sums = store.table_checksums()
    two = _accept(store, "80,0", "два.csv")
    three = _accept(store, "81,0", "три.csv")
    at = started("pages/data.py")
    button(at, f"history_undo_{two}").click().run()
    yes = button(at, f"history_confirm_{two}_yes")
    assert yes.label == f"Да, отменить № {two} и № {three}"
    four = _accept(store, "82,0", "четыре.csv")  # another session, while the confirmation is on screen
    sums = store.table_checksums()
    yes.click().run()
    no_exception(at)
    assert store.table_checksums() == sums and _mean(store) == 82.0  # nothing undone
    err = _errors(at)
    assert "Подтверждение устарело" in err and f"№ {four}" in err
    yes = button(at, f"history_confirm_{two}_yes")  # the box is drawn again with the new list
    assert yes.label == f"Да, отменить № {two} и № {four}, {three}"
    yes.click().run()
    assert store.table_checksums() == seed_sums
    undone = store.history().set_index("upload_id").loc[[two, three, four], "undone_by"]
    assert set(undone) == {"локальный редактор"}


def test_undo_confirmation_is_bound_to_the_store_state(district_store):
    """Same list, but something else happened in between (an undo of an unrelated upload): refused."""
    store = district_store
    two = _accept(store, "80,0", "два.csv")
    at = started("pages/data.py")
    button(at, f"history_undo_{two}").click().run()
    yes = button(at, f"history_confirm_{two}_yes")
    store.save_alias("Сосн. 1", "sos1")  # not a data change: the confirmation stays valid
    other = store.accept(load_bytes("reg.xlsx", (SAMPLE / "registry.xlsx").read_bytes()), "reg.xlsx", b"r")
    store.undo(other, user="другая сессия")
    yes.click().run()
    assert "Подтверждение устарело" in _errors(at) and _mean(store) == 80.0
    button(at, f"history_confirm_{two}_yes").click().run()
    assert _mean(store) == 72.7


def test_numbers_are_never_reused_and_a_reseed_makes_old_confirmations_stale(district_store, tmp_path):
    import shutil

    store = district_store
    two = _accept(store, "80,0", "два.csv")
    at = started("pages/data.py")
    button(at, f"history_undo_{two}").click().run()
    yes = button(at, f"history_confirm_{two}_yes")
    folder = tmp_path / "district"
    folder.mkdir()
    for name in ("registry.xlsx", "ege_2026.csv"):
        shutil.copyfile(SAMPLE / name, folder / name)
    store.reseed(folder, user="администратор")  # while the page is open
    h = store.history()
    new = int(h["upload_id"].max())
    assert new == two + 1 and h["upload_id"].is_unique
    assert h.set_index("upload_id").loc[two, "undone_by"] == "администратор (повторное заполнение)"
    at.run()
    no_exception(at)
    assert not any(b.key == f"history_undo_{two}" for b in at.button)  # undone by the reseed
    yes.click().run()  # the old confirmation, kept from before
    no_exception(at)
    assert store.history()["upload_id"].max() == new and _mean(store) == 72.7
    nxt = _accept(store, "90,0", "после.csv")
    assert nxt == new + 1


def test_a_store_created_anew_at_the_same_path_is_another_store(tmp_path):
    from store import Store, StoreError

    path = tmp_path / "s.sqlite"
    first = Store(path).state()
    path.unlink()
    second = Store(path)
    assert second.state()[0] != first[0] and second.state()[1] == first[1] == 0
    with pytest.raises(StoreError):
        second.undo(1, expect=(1,), expect_state=first)


# ---------------------------------------------------------------- Google Sheets

class Sheet:
    """A Google Sheet whose content changes between reads (no network: loaders.load_gsheet is replaced)."""

    def __init__(self, mean: str):
        self.mean = mean

    def load(self, url, **kwargs):
        return load_bytes("Google Таблица «ЕГЭ 2026».csv", ege_2026_changed(self.mean), **kwargs)


@pytest.fixture
def sheet(monkeypatch):
    import loaders

    s = Sheet("61,5")
    monkeypatch.setattr(loaders, "load_gsheet", s.load)
    return s


def _read(at):
    at.text_input(key="gs_url").input("https://docs.google.com/spreadsheets/d/abc/edit").run()
    button(at, "gs_read").click().run()
    no_exception(at)
    return at


def _previewed(at) -> str:
    change = frame_with(at, "Поле", "Было", "Стало")
    return change[["Было", "Стало"]].values.tolist()


def test_each_session_previews_and_stores_its_own_reading(district_store, sheet):
    store = district_store
    a = _read(make_app().run())
    assert _previewed(a) == [["72,7", "61,5"]]
    sheet.mean = "99,9"  # the sheet is edited; a second session reads it
    b = _read(make_app().run())
    assert _previewed(b) == [["72,7", "99,9"]]  # its own diff, not the first session's
    button(b, "upl_accept").click().run()
    assert _mean(store) == 99.9
    button(a, "upl_accept").click().run()  # the first session's preview is now stale
    assert _mean(store) == 99.9 and "изменились" in _errors(a)


def test_accept_refuses_when_the_tables_changed_after_the_preview(district_store, sheet):
    from ui import upload

    store = district_store
    before = store.table_checksums()
    a = _read(make_app().run())
    assert _previewed(a) == [["72,7", "61,5"]]
    [result] = a.session_state["upl_gs_cache"].values()
    res = result.tables["results"]
    res.loc[(res["school_id"] == "sos1") & (res["subject"] == "Русский язык"), "mean"] = 11.1  # not what was shown
    button(a, "upl_accept").click().run()
    assert store.table_checksums() == before
    assert "изменились после предпросмотра" in _errors(a)
    assert upload.PENDING in a.session_state
