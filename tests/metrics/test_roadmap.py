"""Does the roadmap give each event the right state on a fixed date, and summarise it correctly?"""
from __future__ import annotations

import math

import pandas as pd
import pytest

from metrics.roadmap import (events_due, plan_order, roadmap_occurrences, roadmap_progress, roadmap_summary,
                             select_events, split_responsible)

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


# --- plan order ------------------------------------------------------------------------------------------------

def test_plan_number_key_is_natural_with_missing_last():
    from metrics.roadmap import _plan_number_key

    numbers = ["10.", "5.10", "5.1.", None, "5.", "1.1.1.", "2.", "5.2", "1.", "", "1.1.", "5.1.1", "9", "Без номера",
               float("nan"), "5а"]
    got = sorted(numbers, key=_plan_number_key)
    assert got[:12] == ["1.", "1.1.", "1.1.1.", "2.", "5.", "5а", "5.1.", "5.1.1", "5.2", "5.10", "9", "10."]
    assert got[12] == "Без номера"            # text without a number after every numbered one
    assert got[13] is None and got[14] == "" and got[15] != got[15]  # missing last, in their given order
    assert _plan_number_key("5.1") == _plan_number_key("5.1.") == _plan_number_key(" 5 . 1 ")


def test_sections_in_plan_order():
    from metrics.roadmap import section_order

    sections = ["1. Организационные", "5.1. Анализ результатов ГИА", "3.1. Адресная работа", "5. Подготовка к ГИА",
                "10. Итоги", "3.1. Адресная работа", "Не указано"]
    assert section_order(sections) == ["1. Организационные", "3.1. Адресная работа", "5. Подготовка к ГИА",
                                       "5.1. Анализ результатов ГИА", "10. Итоги", "Не указано"]
    p = pd.DataFrame({"number": ["5.1.1", "5.2", "10.1", "1.1"], "section": sections[1:2] + sections[3:5] + sections[:1],
                      "responsible": "ИМЦ", "state": "done", "done_on_time": None})
    assert roadmap_summary(p, "section")["section"].tolist() == ["1. Организационные", "5. Подготовка к ГИА",
                                                                 "5.1. Анализ результатов ГИА", "10. Итоги"]
    assert select_events(p)["number"].tolist() == ["1.1", "5.1.1", "5.2", "10.1"]


# --- responsible parties: one splitter -----------------------------------------------------------------------

@pytest.mark.parametrize("text, parties", [
    ("ИМЦ\nМКОУ «Родниковская СОШ»", ["ИМЦ", "МКОУ «Родниковская СОШ»"]),
    ("Руководители МКОУ «Кедровская ООШ», МКОУ «Лесновская СОШ», МБОУ «Заречная СОШ»",
     ["Руководители МКОУ «Кедровская ООШ»", "МКОУ «Лесновская СОШ»", "МБОУ «Заречная СОШ»"]),
    ("МКОУ «СОШ № 1»", ["МКОУ «СОШ № 1»"]),
    ("Отдел образования; ИМЦ;\r\nРуководители ОО.", ["Отдел образования", "ИМЦ", "Руководители ОО"]),
    ("Заместители директоров (по УВР, по ВР), ИМЦ", ["Заместители директоров (по УВР, по ВР)", "ИМЦ"]),
    ("МБОУ «Школа «Радуга», филиал», ИМЦ", ["МБОУ «Школа «Радуга», филиал»", "ИМЦ"]),
    ('МКОУ "СОШ № 2", ИМЦ', ['МКОУ "СОШ № 2"', "ИМЦ"]),
    ("Отдел опеки и попечительства", ["Отдел опеки и попечительства"]),   # «и» inside a name: never split
    ("ИМЦ и руководители ОО", ["ИМЦ и руководители ОО"]),
    ("- ИМЦ\n- ППМС-центр", ["ИМЦ", "ППМС-центр"]),
    ("ИМЦ + РМО учителей", ["ИМЦ", "РМО учителей"]),
    ("ИМЦ (методисты, ОО", ["ИМЦ (методисты", "ОО"]),                    # an unclosed bracket protects nothing
    (" , ;\n", []),
    (None, []),
    # shapes of a regional plan (voronezh_strategy_plan.xlsx): a comma and line breaks inside one body's name
    ("Департамент образования, науки и молодежной политики Воронежской области",
     ["Департамент образования, науки и молодежной политики Воронежской области"]),
    ("Департамент аграрной политики Воронежской\nобласти", ["Департамент аграрной политики Воронежской области"]),
    ("Департамент строительной политики\nВоронежской области", ["Департамент строительной политики Воронежской области"]),
    ("Департамент\nкультуры Воронежской области; департамент строительной политики Воронежской области",
     ["Департамент культуры Воронежской области", "департамент строительной политики Воронежской области"]),
    ("директор МБОУ «СОШ № 5», зам. директора по УВР", ["директор МБОУ «СОШ № 5»", "зам. директора по УВР"]),
    ("методисты ИМЦ, руководители ОО", ["методисты ИМЦ", "руководители ОО"]),
    ("Руководители ОО\n(по согласованию)", ["Руководители ОО (по согласованию)"]),
    ("ИМЦ; Отдел образования\nИМЦ; Отдел образования", ["ИМЦ", "Отдел образования"]),   # the list written twice
])
def test_responsible_parties(text, parties):
    from loaders.cells import list_text, split_list
    from metrics.roadmap import responsible_parties, responsible_text

    assert responsible_parties(text) == parties == split_list(text)
    assert split_list(list_text(text)) == parties          # the loader's tidy text splits the same way
    if not any(p[:1].islower() for p in parties[1:]):
        assert responsible_text(text) == ", ".join(parties)
    assert split_list(responsible_text(text)) == parties    # the one-line form splits back to the same parties


def test_progress_shows_parties_on_one_line():
    ev = pd.DataFrame([event("1", "А", ["2024-03-31"], responsible="ИМЦ\nМКОУ «Родниковская СОШ»"),
                       event("2", "А", ["2024-03-31"], responsible=" ; "), event("3", "А", [], responsible=None)])
    assert roadmap_progress(ev, ON)["responsible"].tolist() == ["ИМЦ, МКОУ «Родниковская СОШ»", None, None]


def test_summary_and_filter_use_the_same_parties():
    p = pd.DataFrame({"number": ["1", "2", "3"], "section": "А", "state": "done", "done_on_time": None,
                      "responsible": ["ИМЦ\nМКОУ «СОШ № 1»", "ИМЦ, МКОУ «СОШ № 1»", "МКОУ «СОШ № 12»; ИМЦ"]})
    s = roadmap_summary(p, "responsible").set_index("responsible")["total"].to_dict()
    assert s == {"ИМЦ": 3, "МКОУ «СОШ № 1»": 2, "МКОУ «СОШ № 12»": 1}
    assert select_events(p, parties=["МКОУ «СОШ № 1»"])["number"].tolist() == ["1", "2"]


def test_school_events_match_whole_names_in_parties_and_titles():
    from metrics.roadmap import school_events

    p = pd.DataFrame({"number": ["1", "2", "3", "4", "5"], "school_id": None,
                      "title": ["Аудит в МБОУ «Сосновская СОШ № 1»", "Семинар", "Семинар", "Лицейский вечер", "X"],
                      "responsible": ["ИМЦ", "МБОУ «Сосновская СОШ № 12»", "ИМЦ\nСОШ № 1", "ИМЦ", "Руководители ОО"]})
    got = school_events(p, "sos1", ["СОШ № 1", "МБОУ «Сосновская СОШ № 1»"])
    assert got["number"].tolist() == ["1", "3"]
    assert school_events(p, "lic", ["Лицей"]).empty


# --- the school year ---------------------------------------------------------------------------------------------

YEAR_EVENTS = pd.DataFrame([
    # done on time in 2023/24: completed 20.03.2024, due 31.03.2024
    event("1.1", "А", ["2024-03-31"], status="done", completed="2024-03-20"),
    # done late: due 31.10.2023, completed 14.11.2023
    event("1.2", "А", ["2023-10-31"], status="done", completed="2023-11-14"),
    # yearly in November, never recorded: missed in 2023/24 (30.11.2023) and 2024/25 (30.11.2024)
    event("1.3", "А", ["2023-11-30", "2024-11-30", "2025-11-30"], status="in_progress"),
    # twice, completed once on 21.04.2025: covers 30.04.2024 (timing unknown) and is on time for 30.04.2025
    event("1.4", "А", ["2024-04-30", "2025-04-30"], status="done", completed="2025-04-21"),
    # continuous: in every year the plan covers
    event("1.5", "А", [], schedule="continuous", text="Весь период"),
    # due 30.09.2025 (2025/26), done early on 10.05.2025
    event("1.6", "А", ["2025-09-30"], status="done", completed="2025-05-10"),
])


def test_school_year_window_and_phase():
    from metrics.roadmap import school_year_of, school_year_window, year_phase

    assert school_year_window(2026) == (pd.Timestamp("2025-09-01"), pd.Timestamp("2026-08-31"))
    assert school_year_of("2026-08-31") == 2026 and school_year_of("2026-09-01") == 2027
    assert [year_phase(y, "2025-05-15") for y in (2024, 2025, 2026)] == ["past", "current", "future"]


def test_roadmap_year_judges_the_years_dates():
    from metrics.roadmap import roadmap_year

    on = "2025-05-15"
    y24 = roadmap_year(YEAR_EVENTS, 2024, on).set_index("number")
    assert y24["state"].to_dict() == {"1.1": "done", "1.2": "done", "1.3": "overdue", "1.4": "done",
                                      "1.5": "continuous"}
    assert y24["done_on_time"].to_dict() == {"1.1": True, "1.2": False, "1.3": False, "1.4": None, "1.5": None}
    assert y24.loc["1.3", "first_missed_date"] == pd.Timestamp("2023-11-30")
    assert y24.loc["1.3", "days_overdue"] == 532                 # 30.11.2023 → 15.05.2025
    s = roadmap_summary(y24.reset_index(), None).iloc[0]
    assert (s.total, s.done, s.overdue, s.n_due, s.n_on_time) == (5, 3, 1, 3, 1)   # 1 of 3 on time
    y25 = roadmap_year(YEAR_EVENTS, 2025, on).set_index("number")
    assert y25["state"].to_dict() == {"1.3": "overdue", "1.4": "done", "1.5": "continuous"}
    assert y25.loc["1.4", "done_on_time"] is True and y25.loc["1.3", "days_overdue"] == 166   # 30.11.2024 →
    assert y25.loc["1.4", "year_dates"] == [pd.Timestamp("2025-04-30")]
    # 2025/26 has not begun on 15.05.2025: 1.6 is done early, but nothing is judged yet
    y26 = roadmap_year(YEAR_EVENTS, 2026, on).set_index("number")
    assert y26.loc["1.6", "state"] == "done" and y26.loc["1.6", "done_on_time"] is None
    assert y26.loc["1.3", "state"] == "in_progress"          # marked «в работе», its 30.11.2025 ahead
    assert math.isnan(roadmap_summary(y26.reset_index(), None).iloc[0]["share_done_on_time"])
    assert roadmap_year(YEAR_EVENTS, 2022, on).empty          # before the plan: not even the continuous one


def test_roadmap_year_of_a_school():
    from metrics.roadmap import roadmap_year

    ev = YEAR_EVENTS.assign(responsible=["ИМЦ", "МКОУ «Кедровская ООШ»", "ИМЦ", "ИМЦ", "ИМЦ", "ИМЦ"])
    got = roadmap_year(ev, 2024, "2025-05-15", "kedr", ("Кедровская ООШ",))
    assert got["number"].tolist() == ["1.2"]


def test_plan_order_never_interleaves_sections_whose_numbering_restarts():
    """A regional plan (voronezh_strategy_plan.xlsx) numbers «1, 1.1, 2» in its first section and «1.1.1.1, 1.1.1.2»
    in the next: by number alone «1.1.1.1» would sit between «1.1» and «2». Section by section instead, sections by
    their smallest number; any input order gives the same result."""
    ev = pd.DataFrame({"section": ["СЦ0.0 Цель"] * 3 + ["СЦ1.1 Задача"] * 2 + ["СЦ1.2 Задача"] * 2,
                       "number": ["1", "1.1", "2", "1.1.1.1", "1.1.1.2", "1.2.1.1", "1.2.1.10"]})
    want = [("СЦ0.0 Цель", "1"), ("СЦ0.0 Цель", "1.1"), ("СЦ0.0 Цель", "2"), ("СЦ1.1 Задача", "1.1.1.1"),
            ("СЦ1.1 Задача", "1.1.1.2"), ("СЦ1.2 Задача", "1.2.1.1"), ("СЦ1.2 Задача", "1.2.1.10")]
    for frame in (ev, ev.iloc[::-1], ev.sample(frac=1, random_state=3)):
        assert list(plan_order(frame)[["section", "number"]].itertuples(index=False, name=None)) == want
