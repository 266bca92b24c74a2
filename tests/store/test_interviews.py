"""Are interview records kept with their author, corrected and withdrawn only through the audit log?"""
from __future__ import annotations

import json
import sqlite3
from datetime import date

import pytest

from reports.content import with_states
from store import Store, StoreError

ITEMS = [{"what": "Провести пробный ОГЭ по математике", "who": "Заместитель директора по УВР", "due": "2026-04-30"},
         {"what": "Составить план работы с обучающимися группы риска", "who": "Директор", "due": date(2026, 12, 20)},
         {"what": "", "who": "", "due": "2026-12-31"}]  # an empty row of the form is not a commitment


def test_a_record_survives_a_restart_with_author_and_time(tmp_path):
    path = tmp_path / "s.sqlite"
    iid = Store(path).record_interview("kedr", "2026-03-12", ITEMS, user="Петрова Е. А.")
    again = Store(path)  # a new process opening the same file
    got = again.commitments("kedr")
    assert got["what"].tolist() == [ITEMS[0]["what"], ITEMS[1]["what"]]
    assert got["due"].tolist() == ["2026-04-30", "2026-12-20"]
    assert set(got["interview_id"]) == {iid} and set(got["created_by"]) == {"Петрова Е. А."}
    assert got["held_on"].iloc[0] == "2026-03-12" and got["created_at"].iloc[0][:4] == str(date.today().year)
    assert again.commitments("sos1").empty
    log = again.interview_log(iid)
    assert log["action"].tolist() == ["record", "record", "record"] and set(log["user"]) == {"Петрова Е. А."}


def test_states_done_open_overdue_on_a_date(tmp_path):
    s = Store(tmp_path / "s.sqlite")
    s.record_interview("kedr", "2026-03-12", ITEMS, user="Петрова")
    first, second = s.commitments("kedr")["item_id"].tolist()
    on = date(2026, 11, 22)
    assert with_states(s.commitments(), on)["state"].tolist() == ["overdue", "open"]
    s.set_commitment_done(first, "2026-05-05", user="Петрова")
    assert with_states(s.commitments(), on)["state"].tolist() == ["done", "open"]
    assert with_states(s.commitments(), date(2026, 12, 21))["state"].tolist() == ["done", "overdue"]
    s.set_commitment_done(first, None, user="Петрова")  # not done after all
    assert s.interview_log()["action"].tolist()[-2:] == ["done", "reopen"]


def test_a_correction_keeps_the_old_values_in_the_log(tmp_path):
    s = Store(tmp_path / "s.sqlite")
    s.record_interview("kedr", "2026-03-12", ITEMS, user="Петрова")
    item = int(s.commitments("kedr")["item_id"].iloc[1])
    s.correct_commitment(item, user="Иванов", reason="перенос по просьбе школы", due="2027-01-20")
    row = s.commitments("kedr").set_index("item_id").loc[item]
    assert row["due"] == "2027-01-20" and row["changed_by"] == "Иванов"
    last = s.interview_log().iloc[-1]
    assert last["action"] == "correct" and last["user"] == "Иванов" and last["reason"] == "перенос по просьбе школы"
    assert json.loads(last["before"])["due"] == "2026-12-20" and json.loads(last["after"])["due"] == "2027-01-20"


def test_withdrawal_is_audited_and_hides_the_item(tmp_path):
    path = tmp_path / "s.sqlite"
    s = Store(path)
    iid = s.record_interview("kedr", "2026-03-12", ITEMS, user="Петрова")
    first, second = s.commitments("kedr")["item_id"].tolist()
    with pytest.raises(StoreError, match="Причина отзыва"):
        s.withdraw_commitment(first, user="Иванов", reason="  ")
    s.withdraw_commitment(first, user="Иванов", reason="записано по ошибке")
    assert s.commitments("kedr")["item_id"].tolist() == [second]
    kept = s.commitments("kedr", with_withdrawn=True).set_index("item_id")
    assert kept.loc[first, "withdrawn_by"] == "Иванов"  # kept, never deleted
    last = Store(path).interview_log().iloc[-1]
    assert (last["action"], last["user"], last["reason"], int(last["item_id"])) == \
        ("withdraw", "Иванов", "записано по ошибке", first)
    with pytest.raises(StoreError, match="отозван"):
        s.correct_commitment(first, user="Иванов", what="другое")
    s.withdraw_interview(iid, user="Сидорова", reason="собеседование перенесено")
    assert s.commitments("kedr").empty
    assert s.interview_log().iloc[-1][["action", "user"]].tolist() == ["withdraw", "Сидорова"]
    with pytest.raises(StoreError, match="уже отозван"):
        s.withdraw_interview(iid, user="Сидорова", reason="ещё раз")


@pytest.mark.parametrize("items, message", [
    ([], "нет ни одного пункта"),
    ([{"what": "Что-то", "who": "", "due": "2026-12-01"}], "«Кто»"),
    ([{"what": "Что-то", "who": "Директор", "due": "к концу года"}], "не дата"),
    ([{"what": "x" * 700, "who": "Директор", "due": "2026-12-01"}], "длиннее"),
])
def test_a_bad_record_is_refused_whole(tmp_path, items, message):
    s = Store(tmp_path / "s.sqlite")
    with pytest.raises(StoreError, match=message):
        s.record_interview("kedr", "2026-03-12", items, user="Петрова")
    assert s.commitments().empty and s.interview_log().empty


def test_texts_are_kept_as_typed_without_control_characters(tmp_path):
    s = Store(tmp_path / "s.sqlite")
    s.record_interview("kedr", "2026-03-12", [{"what": "=HYPERLINK(\"x\")\x07 <b>план</b>", "who": "Директор",
                                              "due": "2026-12-01"}], user="")
    row = s.commitments().iloc[0]
    assert row["what"] == "=HYPERLINK(\"x\")  <b>план</b>"
    assert "\x07" not in row["what"] and row["what"].startswith("=HYPERLINK") and row["created_by"] == "аноним"


def test_records_do_not_change_the_data_version(tmp_path):
    s = Store(tmp_path / "s.sqlite")
    v = s.version()
    s.record_interview("kedr", "2026-03-12", ITEMS, user="Петрова")
    assert s.version() == v  # metric caches stay valid: records are read directly


def test_migration_5_runs_on_a_version_3_store_and_a_later_step_4_still_runs(tmp_path, monkeypatch):
    """Branches land in any order: a store that got step 5 before step 4 existed still gets step 4 later."""
    import store.migrations as migrations
    from store.db import connect
    from store.migrations import MIGRATIONS

    path = tmp_path / "old.sqlite"
    con = connect(path, create=True)
    for step in MIGRATIONS[:3]:
        migrations._run(con, step)
    con.execute("PRAGMA user_version = 3")  # a store made before the applied list was kept
    con.close()
    assert [m.version for m in MIGRATIONS] == [1, 2, 3, 4, 5]
    monkeypatch.setattr(migrations, "MIGRATIONS", [*MIGRATIONS[:3], MIGRATIONS[4]])  # a program without step 4
    Store(path).record_interview("kedr", "2026-03-12", ITEMS[:1], user="Петрова")
    raw = sqlite3.connect(path)
    assert raw.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'users'").fetchone()[0] == 0
    raw.close()
    monkeypatch.setattr(migrations, "MIGRATIONS", MIGRATIONS)  # the program with both
    s = Store(path)
    raw = sqlite3.connect(path)
    assert raw.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'users'").fetchone()[0] == 1
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 5
    assert json.loads(raw.execute("SELECT value FROM meta WHERE key = 'migrations'").fetchone()[0]) == [1, 2, 3, 4, 5]
    raw.close()
    assert len(s.commitments("kedr")) == 1
