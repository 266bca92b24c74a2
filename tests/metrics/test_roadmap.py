"""Does the roadmap give each event the right state on a fixed date, and summarise it correctly?"""
from __future__ import annotations

import math

import pandas as pd
import pytest

from metrics.roadmap import (events_due, roadmap_occurrences, roadmap_progress, roadmap_summary, select_events,
                             split_responsible)

ON = "2024-05-15"


def event(number, section, dates, schedule="dated", responsible="ИМЦ", status=None, completed=None, text="март 2024"):
    return dict(number=number, section=section, direction=None, title=f"Мероприятие {number}", deadline_text=text,
                control_dates=dates, schedule=schedule, responsible=responsible, expected_result=None, status=status,
                completion_date=completed, school_id=None)


EVENTS = pd.DataFrame([
    event("1.1", "Работа с учащимися", ["2024-03-31"], responsible="ИМЦ, руководители ОО", status="done",
          completed="2024-03-15"),
    event("1.2", "Работа с учащимися", ["2024-03-31"], responsible="ИМЦ", status="done", completed="2024-04-20"),
    event("1.3", "Работа с учащимися", ["2024-03-31"],
          responsible="Отдел образования (специалисты, методисты)\nИМЦ", status="not_done"),
    event("2.1", "Работа с педагогами", ["2024-03-31", "2025-03-31"], responsible=None, status="in_progress"),
    event("2.2", "Работа с педагогами", '["2024-06-30"]', responsible="ИМЦ; ОО"),
    event("2.3", "Работа с педагогами", [], schedule="continuous", responsible="ОО", text="В течение учебного года"),
    event("2.4", None, None, schedule="unscheduled", responsible="ОО", text="По графику Рособнадзора"),
    event("2.5", "Работа с педагогами", ["2024-05-15"], status="done"),                    # done, no completion date
    event("2.6", "Работа с педагогами", ["2024-05-15"], status="in_progress"),             # due today: not overdue
    event("2.7", "Работа с педагогами", ["2024-04-30"], status="done", completed="2024-06-01"),  # done after ON
])


@pytest.fixture(scope="module")
def progress():
    return roadmap_progress(EVENTS, ON).set_index("number")


def test_each_state(progress):
    # 2.1 is «в работе» but its 31.03.2024 occurrence passed unrecorded: overdue, not «в работе»
    assert progress["state"].to_dict() == {
        "1.1": "done", "1.2": "done", "1.3": "overdue", "2.1": "overdue", "2.2": "not_yet_due",
        "2.3": "continuous", "2.4": "unscheduled", "2.5": "done", "2.6": "in_progress", "2.7": "overdue"}


def test_dates_and_days_overdue(progress):
    assert progress.loc["1.3", "days_overdue"] == 45          # 31.03 → 15.05
    assert progress.loc["2.7", "days_overdue"] == 15          # 30.04 → 15.05
    assert pd.isna(progress.loc["2.2", "days_overdue"])
    assert progress.loc["2.1", "next_date"] == pd.Timestamp("2025-03-31")
    assert progress.loc["2.1", "last_passed_date"] == pd.Timestamp("2024-03-31")
    assert progress.loc["2.6", "next_date"] == pd.Timestamp("2024-05-15")
    assert pd.isna(progress.loc["2.6", "last_passed_date"])
    assert pd.isna(progress.loc["2.3", "final_date"])


def test_done_on_time_and_late(progress):
    assert progress.loc["1.1", "done_on_time"] is True
    assert progress.loc["1.2", "done_on_time"] is False
    assert progress.loc["2.5", "done_on_time"] is None
    assert progress.loc["1.2", "reason"] == "Выполнено 20.04.2024 — с опозданием на 20 дн. (контрольная дата 31.03.2024)."
    assert progress.loc["1.1", "reason"] == "Выполнено 15.03.2024 — в срок (контрольная дата 31.03.2024)."


def test_reasons_name_dates_and_text(progress):
    assert progress.loc["1.3", "reason"] == ("Контрольная дата 31.03.2024 прошла 45 дн. назад, отметки о выполнении нет. "
                                             "отметка в плане: «не выполнено».")
    assert progress.loc["2.3", "reason"] == "Выполняется постоянно: «В течение учебного года»."
    assert progress.loc["2.4", "reason"] == "Срок не задан датой: «По графику Рособнадзора»."
    assert progress.loc["2.2", "reason"] == "Срок не наступил: ближайшая контрольная дата 30.06.2024."


def test_the_same_event_earlier_is_not_yet_due():
    p = roadmap_progress(EVENTS, "2024-03-01").set_index("number")
    assert p.loc["1.3", "state"] == "not_yet_due"
    assert p.loc["2.1", "state"] == "in_progress"  # before its first date nothing is missed yet


def test_completion_after_the_date_is_not_done_yet():
    p = roadmap_progress(EVENTS, "2024-03-01").set_index("number")
    assert p.loc["1.1", "state"] == "not_yet_due"
    assert p.loc["2.5", "state"] == "done"   # a mark without a date counts whatever the date


def test_summary_by_section(progress):
    s = roadmap_summary(progress.reset_index(), "section").set_index("section")
    a = s.loc["Работа с учащимися"]
    assert (a.total, a.done, a.overdue, a.n_due, a.n_on_time) == (3, 2, 1, 3, 1)
    assert a.share_done == pytest.approx(200 / 3) and a.share_done_on_time == pytest.approx(100 / 3)
    b = s.loc["Работа с педагогами"]
    # 2.1 overdue (a missed occurrence), 2.2 not_yet_due, 2.3 continuous, 2.5 done (no date), 2.6 in_progress,
    # 2.7 overdue
    assert (b.total, b.done, b.in_progress, b.overdue, b.not_yet_due, b.continuous) == (6, 1, 1, 2, 1, 1)
    assert (b.n_due, b.n_on_time, b.share_done_on_time) == (2, 0, 0.0)
    assert s.loc["Не указано", "unscheduled"] == 1
    assert list(s.index) == ["Работа с учащимися", "Работа с педагогами", "Не указано"]


def test_summary_by_responsible_splits_parties(progress):
    s = roadmap_summary(progress.reset_index(), "responsible").set_index("responsible")
    assert s.loc["ИМЦ", "total"] == 7       # 1.1, 1.2, 1.3, 2.2, 2.5, 2.6, 2.7
    assert s.loc["руководители ОО", "total"] == 1
    assert s.loc["Отдел образования (специалисты, методисты)", "overdue"] == 1   # commas inside () kept
    assert s.loc["ОО", "total"] == 3
    assert s.loc["Не указано", "overdue"] == 1
    assert math.isnan(s.loc["ОО", "share_done_on_time"])
    whole = roadmap_summary(progress.reset_index(), None)
    assert whole.loc[0, "group"] == "Всего" and whole.loc[0, "total"] == 10


def test_select_events_by_whole_party_section_and_state_in_plan_order(progress):
    p = progress.reset_index().iloc[::-1]  # any input order
    assert select_events(p)["number"].tolist()[:4] == ["1.1", "1.2", "1.3", "2.1"]
    # «ОО» is a party of its own: «руководители ОО» (1.1) is not picked by a substring match
    assert select_events(p, parties=["ОО"])["number"].tolist() == ["2.2", "2.3", "2.4"]
    assert select_events(p, parties=["ОО", "руководители ОО"])["number"].tolist() == ["1.1", "2.2", "2.3", "2.4"]
    assert select_events(p, sections=["Работа с учащимися"], states=["overdue"])["number"].tolist() == ["1.3"]
    ten = pd.DataFrame({"number": ["1.10", "2.1", "1.2"], "section": None, "responsible": None, "state": "done"})
    assert select_events(ten)["number"].tolist() == ["1.2", "1.10", "2.1"]


def test_split_responsible_keeps_events_without_party():
    df = pd.DataFrame({"responsible": ["А, Б;\nВ", None, " , "], "state": ["done"] * 3})
    out = split_responsible(df)
    assert out["responsible"].tolist() == ["А", "Б", "В", "Не указано", "Не указано"]


def test_events_due_window(progress):
    due = events_due(progress.reset_index(), ON, days=46)
    assert due["number"].tolist() == ["2.6", "2.2"]    # 2.5 due today is done
    assert due["days_left"].tolist() == [0, 46]
    assert events_due(progress.reset_index(), ON, days=45)["number"].tolist() == ["2.6"]


def test_empty_events():
    p = roadmap_progress(EVENTS.iloc[0:0], ON)
    assert p.empty and "state" in p.columns
    assert roadmap_summary(p, "responsible").empty
    assert roadmap_summary(p, "section")["total"].sum() == 0
    assert events_due(p, ON).empty


def test_recurring_event_has_a_state_per_occurrence():
    yearly = ["2023-11-30", "2024-11-30", "2025-11-30", "2026-11-30"]
    ev = pd.DataFrame([
        event("r1", "С", yearly, status="in_progress", text="Ежегодно ноябрь"),                   # nothing recorded
        event("r2", "С", yearly, status="in_progress", completed="2025-11-20", text="Ежегодно ноябрь"),  # up to date
        event("r3", "С", yearly, status="done", completed="2024-11-25", text="Ежегодно ноябрь"),  # stopped in 2024
    ])
    occ = roadmap_occurrences(ev, "2026-11-22")
    assert occ[occ["number"] == "r1"]["state"].tolist() == ["missed", "missed", "missed", "not_yet_due"]
    assert occ[occ["number"] == "r2"]["state"].tolist() == ["done", "done", "done", "not_yet_due"]
    assert occ[occ["number"] == "r3"]["state"].tolist() == ["done", "done", "missed", "not_yet_due"]
    p = roadmap_progress(ev, "2026-11-22").set_index("number")
    assert p["state"].to_dict() == {"r1": "overdue", "r2": "in_progress", "r3": "overdue"}
    assert p.loc["r1", "n_missed"] == 3 and p.loc["r1", "days_overdue"] == 1088   # since 30.11.2023
    assert p.loc["r1", "reason"] == ("Пропущено контрольных дат без отметки о выполнении: 3 из 4. пропущены: "
                                     "30.11.2023, 30.11.2024, 30.11.2025. отметка в плане: «в работе».")
    assert p.loc["r3", "missed_dates"] == [pd.Timestamp("2025-11-30")]
