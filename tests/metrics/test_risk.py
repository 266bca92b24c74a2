"""At-risk flags: ШНОР (quartile and share rules, small groups), min-fail warning, ШНСУ, stable low, exit."""
import numpy as np
import pandas as pd
import pytest

from metrics.risk import FLAG_LABELS, risk_flags, risk_summary

SCHOOLS8 = list("ABCDEFGH")
EGE_LEVELS = [50.0, 55.0, 60.0, 62.0, 64.0, 66.0, 68.0, 70.0]
OGE_LEVELS = [3.3, 3.5, 3.6, 3.7, 3.8, 3.9, 4.0, 4.1]


def _year(year, order_ege, order_oge=None, n=None, ege_means=None, oge_means=None, below=None):
    """Rows of one year: schools listed in `order_*` get the levels from the lowest up."""
    order_oge = order_oge or order_ege
    n = n or {}
    below = below or {}
    ege = dict(zip(order_ege, ege_means or EGE_LEVELS))
    oge = dict(zip(order_oge, oge_means or OGE_LEVELS))
    rows = []
    for s in SCHOOLS8:
        rows.append(dict(year=year, exam="ЕГЭ", subject="Русский язык", grade=11, school_id=s,
                         participants=n.get(s, 30), mean=ege[s], below_min=below.get((s, "ЕГЭ"), 0)))
        rows.append(dict(year=year, exam="ОГЭ", subject="Русский язык", grade=9, school_id=s,
                         participants=n.get(s, 30), mean=oge[s], below_min=below.get((s, "ОГЭ"), 0)))
    return rows


def _frame(rows):
    df = pd.DataFrame(rows)
    for c in ("participants", "below_min", "grade"):
        df[c] = df[c].astype("Int64")
    return df


def _flags(df, year, schools=None, settings=None):
    f = risk_flags(df, schools if schools is not None else pd.DataFrame(columns=["school_id"]), year, settings)
    return {(r.school_id, r.flag): r for r in f.itertuples()}, f


def test_low_results_two_of_three_years_and_stable_low():
    rows = (_year(2022, list("ABCDEFGH")) + _year(2023, list("ACBDEFGH")) + _year(2024, list("BCDAEFGH")))
    flags, f = _flags(_frame(rows), 2024)
    low = {s for (s, k) in flags if k == "low_results"}
    assert low == {"A", "B", "C"}
    assert flags[("A", "low_results")].years == [2022, 2023]
    assert flags[("B", "low_results")].years == [2022, 2024]
    assert sorted(flags[("A", "low_results")].procedures) == ["ЕГЭ", "ОГЭ"]
    reason = flags[("A", "low_results")].reason
    assert reason.startswith("Низкие результаты в 2 из 3 последних лет (2022, 2023).")
    assert "нижний квартиль района" in reason and "2023: ЕГЭ" in reason
    # stable low: A met the rule in 2023 (2022, 2023) and in 2024; B and C did not meet it in 2023
    stable = {s for (s, k) in flags if k == "stable_low"}
    assert stable == {"A"}
    assert flags[("A", "stable_low")].severity == "flag"
    det = flags[("A", "low_results")].details
    assert det["window"] == [2022, 2024]
    one = [p for p in det["procedures"] if p["year"] == 2022 and p["exam"] == "ЕГЭ"][0]
    assert one["in_bottom"] and one["counts_bottom"]


def test_compulsory_subject_sentence_three_years_in_a_row():
    rows = (_year(2022, list("ABCDEFGH")) + _year(2023, list("ABCDEFGH")) + _year(2024, list("ABCDEFGH")))
    flags, _ = _flags(_frame(rows), 2024)
    reason = flags[("A", "low_results")].reason
    district = np.mean(EGE_LEVELS)
    assert f"ЕГЭ по русскому языку: средний балл 50,0 — ниже районного ({district:.1f}".replace(".", ",") in reason
    assert "три года подряд" in reason


def test_bottom_quartile_on_one_procedure_only_is_not_enough():
    # A is lowest on ЕГЭ every year but mid-table on ОГЭ
    rows = sum((_year(y, list("ABCDEFGH"), list("BCDAEFGH")) for y in (2022, 2023, 2024)), [])
    flags, _ = _flags(_frame(rows), 2024)
    assert ("A", "low_results") not in flags
    assert ("B", "low_results") in flags  # B is second lowest on ЕГЭ and lowest on ОГЭ


def test_small_school_needs_significance():
    # S (= A) has 5 pupils and is slightly lowest: not significant -> not flagged
    rows = sum((_year(y, list("ABCDEFGH"), n={"A": 5}, ege_means=[58.0, *EGE_LEVELS[1:]],
                      oge_means=[3.45, *OGE_LEVELS[1:]]) for y in (2022, 2023, 2024)), [])
    flags, _ = _flags(_frame(rows), 2024)
    assert ("A", "low_results") not in flags
    # far below: significant even with 5 pupils -> flagged
    rows = sum((_year(y, list("ABCDEFGH"), n={"A": 5}, ege_means=[20.0, *EGE_LEVELS[1:]],
                      oge_means=[2.2, *OGE_LEVELS[1:]]) for y in (2022, 2023, 2024)), [])
    flags, _ = _flags(_frame(rows), 2024)
    assert ("A", "low_results") in flags
    det = [p for p in flags[("A", "low_results")].details["procedures"] if p["year"] == 2024]
    assert all(p["small_n"] and p["significant_low"] for p in det)


def test_share_below_minimum_rule():
    # E is mid-table on means but 12 of 30 (40 %) are below the minimum on both procedures in 2023 and 2024
    below = {("E", "ЕГЭ"): 12, ("E", "ОГЭ"): 12}
    rows = (_year(2022, list("ABCDEFGH")) + _year(2023, list("ABCDEFGH"), below=below)
            + _year(2024, list("ABCDEFGH"), below=below))
    flags, _ = _flags(_frame(rows), 2024)
    r = flags[("E", "low_results")]
    assert r.years == [2023, 2024]
    assert "ниже минимума 40,0\u00a0% участников (порог 30\u00a0%)" in r.reason
    # 9 of 30 = 30 % is enough (≥), 8 of 30 is not
    for k, expected in ((9, True), (8, False)):
        b = {("E", "ЕГЭ"): k, ("E", "ОГЭ"): k}
        rows = _year(2023, list("ABCDEFGH"), below=b) + _year(2024, list("ABCDEFGH"), below=b)
        flags, _ = _flags(_frame(rows), 2024)
        assert (("E", "low_results") in flags) is expected


def test_min_fail_warning_only_for_compulsory_subjects():
    rows = _year(2024, list("ABCDEFGH"), below={("D", "ЕГЭ"): 1})
    rows.append(dict(year=2024, exam="ЕГЭ", subject="Физика", grade=11, school_id="E", participants=12, mean=40.0,
                     below_min=2))
    flags, _ = _flags(_frame(rows), 2024)
    w = flags[("D", "min_fail_warning")]
    assert w.severity == "warning"
    assert "ЕГЭ по русскому языку: 1 из 30 не преодолели минимальный порог" in w.reason
    assert ("E", "min_fail_warning") not in flags
    # last year's failures do not warn this year
    rows = _year(2023, list("ABCDEFGH"), below={("D", "ЕГЭ"): 1}) + _year(2024, list("ABCDEFGH"))
    flags, _ = _flags(_frame(rows), 2024)
    assert ("D", "min_fail_warning") not in flags


def test_social_flag_top_quartile():
    schools = pd.DataFrame({"school_id": SCHOOLS8, "name": SCHOOLS8,
                            "low_income_pct": [5.0, 8.0, 10.0, 12.0, 14.0, 16.0, 40.0, 45.0]})
    flags, _ = _flags(_frame(_year(2024, list("ABCDEFGH"))), 2024, schools)
    social = {s for (s, k) in flags if k == "social"}
    assert social == {"G", "H"}  # 75th percentile of 8 values: between the 6th and 7th
    assert "малоимущие семьи 45,0\u00a0% (в среднем по району 18,8\u00a0%)" in flags[("H", "social")].reason


def test_exit_requires_closing_the_gap():
    # X (= A) lowest on both in 2021 and 2022, mid-table since; Y (= B) stays lowest on ЕГЭ and gets worse
    ege_worse = [40.0, *EGE_LEVELS[1:]]
    rows = (_year(2021, list("ABCDEFGH")) + _year(2022, list("ABCDEFGH"))
            + _year(2023, list("BCDAEFGH"), list("CDEAFGHB"), ege_means=ege_worse)
            + _year(2024, list("BCDAEFGH"), list("CDEAFGHB"), ege_means=ege_worse))
    flags, _ = _flags(_frame(rows), 2024)
    assert ("A", "low_results") not in flags and ("B", "low_results") not in flags
    e = flags[("A", "exit")]
    assert e.severity == "good"
    assert e.details["baseline_year"] == 2022 and e.details["gap_closed"] == pytest.approx(1.0)
    assert "Вышла из числа ШНОР" in e.reason
    assert ("B", "exit") not in flags  # ЕГЭ gap widened: (−1 … ) + ОГЭ capped at 1, mean < 0.5
    # not flagged last year -> no exit
    assert ("E", "exit") not in flags


def test_context_flags_and_summary():
    li = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 65.0, 70.0]
    schools = pd.DataFrame({"school_id": SCHOOLS8, "name": SCHOOLS8, "low_income_pct": li})
    z = (np.array(li) - np.mean(li)) / np.std(li, ddof=1)
    ege = 60 - 4 * z
    ege[2] = 35.0  # C far below its prediction
    ege[7] += 4  # H: most disadvantaged and better than predicted
    rows = [dict(year=2024, exam="ЕГЭ", subject="Русский язык", grade=11, school_id=s, participants=100, mean=m,
                 below_min=0) for s, m in zip(SCHOOLS8, ege)]
    flags, f = _flags(_frame(rows), 2024, schools)
    assert flags[("C", "below_expectation")].severity == "flag"
    assert "ниже ожидаемых" in flags[("C", "below_expectation")].reason
    assert flags[("H", "resilient")].severity == "good"
    assert ("A", "resilient") not in flags
    s = risk_summary(f).set_index("flag")
    assert list(s.index) == list(FLAG_LABELS)
    assert s.loc["below_expectation", "count"] == 1
    assert s.loc["exit", "count"] == 0
    assert s.loc["social", "label"] == "Неблагоприятные социальные условия (ШНСУ)"
    assert set(f.columns) >= {"school_id", "year", "flag", "severity", "reason", "years", "procedures", "details"}


def test_empty_inputs():
    f = risk_flags(_frame(_year(2024, list("ABCDEFGH"))), pd.DataFrame(columns=["school_id"]), 2020)
    assert f.empty
    assert risk_summary(f)["count"].sum() == 0
