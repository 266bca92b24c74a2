"""At-risk flags: ШНОР (lowest quarter AND below the district beyond chance, share ≥ 30 % beyond chance, schools with
one procedure), min-fail counts and its district form, ШНСУ as information, context flags, stable low, exit."""
import numpy as np
import pandas as pd
import pytest

from metrics.risk import FLAG_LABELS, min_fail_summary, risk_flags, risk_summary
from metrics.stats import wilson

SCHOOLS8 = list("ABCDEFGH")
EGE_LEVELS = [50.0, 55.0, 60.0, 62.0, 64.0, 66.0, 68.0, 70.0]
OGE_LEVELS = [3.0, 3.2, 3.6, 3.7, 3.8, 3.9, 4.0, 4.1]
NB = "\u00a0"


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
    # district spreads from settings (15 points, 0,8 of a mark): with 30 pupils a score is significant below −0,358;
    # the two lowest schools are far below that (ЕГЭ 50 → −0,79, 55 → −0,46; ОГЭ 3,0 → −0,83, 3,2 → −0,58)
    rows = (_year(2022, list("ABCDEFGH")) + _year(2023, list("ACBDEFGH")) + _year(2024, list("BCDAEFGH")))
    flags, f = _flags(_frame(rows), 2024)
    low = {s for (s, k) in flags if k == "low_results"}
    assert low == {"A", "B", "C"}
    assert flags[("A", "low_results")].years == [2022, 2023]
    assert flags[("B", "low_results")].years == [2022, 2024]
    assert sorted(flags[("A", "low_results")].procedures) == ["ЕГЭ", "ОГЭ"]
    e = flags[("A", "low_results")].explanation
    assert flags[("A", "low_results")].reason.startswith(f"Низкие результаты 2{NB}года из 3 последних лет (2022, 2023).")
    assert "«Среди худших» — среди четверти школ района с самыми низкими результатами и ниже района с учётом " \
           "погрешности" in \
        flags[("A", "low_results")].reason
    assert "квартил" not in flags[("A", "low_results")].reason
    assert list(e.details["Год"]) == [2024, 2024, 2023, 2023, 2022, 2022]
    stable = {s for (s, k) in flags if k == "stable_low"}
    assert stable == {"A"}
    assert flags[("A", "stable_low")].severity == "flag"
    det = flags[("A", "low_results")].details
    assert det["window"] == [2022, 2024]
    one = [p for p in det["procedures"] if p["year"] == 2022 and p["exam"] == "ЕГЭ"][0]
    assert one["in_bottom"] and one["significant_low"] and one["counts_bottom"]


def test_lowest_quarter_within_chance_is_not_low():
    # tightly packed schools: someone is always in the lowest quarter, but nobody is below the district beyond chance
    ege = [61.0, 61.5, 62.0, 62.0, 62.5, 62.5, 63.0, 63.0]
    oge = [3.60, 3.62, 3.64, 3.66, 3.68, 3.70, 3.72, 3.74]
    rows = sum((_year(y, list("ABCDEFGH"), ege_means=ege, oge_means=oge) for y in (2022, 2023, 2024)), [])
    flags, _ = _flags(_frame(rows), 2024)
    assert not any(k == "low_results" for (_, k) in flags)


def test_bottom_quarter_on_one_procedure_only_is_not_enough():
    rows = sum((_year(y, list("ABCDEFGH"), list("BCDAEFGH")) for y in (2022, 2023, 2024)), [])
    flags, _ = _flags(_frame(rows), 2024)
    assert ("A", "low_results") not in flags
    assert ("B", "low_results") in flags  # B is second lowest on ЕГЭ and lowest on ОГЭ


def test_a_small_school_slightly_lowest_is_not_flagged_but_far_below_is():
    rows = sum((_year(y, list("ABCDEFGH"), n={"A": 5}, ege_means=[58.0, *EGE_LEVELS[1:]],
                      oge_means=[3.15, *OGE_LEVELS[1:]]) for y in (2022, 2023, 2024)), [])
    flags, _ = _flags(_frame(rows), 2024)
    assert ("A", "low_results") not in flags
    rows = sum((_year(y, list("ABCDEFGH"), n={"A": 5}, ege_means=[20.0, *EGE_LEVELS[1:]],
                      oge_means=[2.2, *OGE_LEVELS[1:]]) for y in (2022, 2023, 2024)), [])
    flags, _ = _flags(_frame(rows), 2024)
    assert ("A", "low_results") in flags
    det = [p for p in flags[("A", "low_results")].details["procedures"] if p["year"] == 2024]
    assert all(p["small_n"] and p["significant_low"] for p in det)


@pytest.mark.parametrize("k,expected", [(18, True), (14, True), (13, False)])
def test_share_below_minimum_is_judged_with_its_interval(k, expected):
    # E is mid-table on means; k of 30 below the minimum on both procedures in 2023 and 2024. The Wilson lower
    # bound must reach 30 %: 14 of 30 → 30,2 %, 13 of 30 → 27,3 % (a point share of 43 % is not enough)
    lo14, lo13 = (float(wilson(k_, 30)[0]) for k_ in (14, 13))
    assert lo14 >= 0.30 > lo13
    b = {("E", "ЕГЭ"): k, ("E", "ОГЭ"): k}
    rows = _year(2022, list("ABCDEFGH")) + _year(2023, list("ABCDEFGH"), below=b) + _year(2024, list("ABCDEFGH"),
                                                                                        below=b)
    flags, _ = _flags(_frame(rows), 2024)
    assert (("E", "low_results") in flags) is expected
    if expected and k == 18:
        assert flags[("E", "low_results")].years == [2023, 2024]
        assert f"ниже минимума 60,0{NB}% участников (с учётом погрешности не меньше " in flags[("E", "low_results")].reason


def test_a_school_with_only_vpr_can_be_low_on_vpr():
    rows = []
    for y in (2023, 2024):
        for i, s in enumerate(list("ABCDEFGH") + ["N"]):
            rows.append(dict(year=y, exam="ВПР", subject="Математика", grade=4, school_id=s, participants=40,
                             mean=2.9 if s == "N" else 3.6 + 0.05 * i, below_min=0))
    flags, _ = _flags(_frame(rows), 2024)
    assert {s for (s, k) in flags if k == "low_results"} == {"N"}
    assert flags[("N", "low_results")].procedures == ["ВПР"]


def test_min_fail_counts_results_and_pupils():
    rows = _year(2024, list("ABCDEFGH"))
    rows.append(dict(year=2024, exam="ОГЭ", subject="Математика", grade=9, school_id="D", participants=10, mean=2.9,
                     below_min=7))
    for r in rows:
        if r["school_id"] == "D" and r["exam"] == "ОГЭ" and r["subject"] == "Русский язык":
            r.update(participants=10, below_min=5)
        if r["school_id"] == "F" and r["exam"] == "ЕГЭ":
            r.update(below_min=1)
    rows.append(dict(year=2024, exam="ЕГЭ", subject="Физика", grade=11, school_id="E", participants=12, mean=40.0,
                     below_min=2))
    flags, _ = _flags(_frame(rows), 2024)
    d = flags[("D", "min_fail_warning")]
    assert d.severity == "warning"
    # 12 results below the minimum, by at least 7 and at most 10 pupils (one may fail both) — never «всего 12»
    assert d.reason.startswith(f"Ниже минимального порога по обязательным предметам ГИА — 12{NB}результатов: "
                               f"это от 7 до 10{NB}чел.")
    assert f"ОГЭ по математике: 7 из 10{NB}участников не преодолели минимальный порог" in d.reason
    assert f"ЕГЭ по русскому языку: 1 из 30{NB}участников не преодолел минимальный порог" in flags[
        ("F", "min_fail_warning")].reason
    assert ("E", "min_fail_warning") not in flags  # physics is not compulsory
    s = min_fail_summary(_frame(rows), 2024)
    assert (s["n_schools"], s["n_fail_schools"], s["as_district"]) == (8, 2, False)


def test_min_fail_for_most_schools_is_a_district_figure():
    b = {(s, "ОГЭ"): 1 for s in "ABCDE"}
    df = _frame(_year(2024, list("ABCDEFGH"), below=b))
    flags, _ = _flags(df, 2024)
    assert not any(k == "min_fail_warning" for (_, k) in flags)
    s = min_fail_summary(df, 2024)
    assert (s["n_fail_schools"], s["n_schools"], s["as_district"], s["results_below"]) == (5, 8, True, 5.0)


def test_social_conditions_are_information():
    schools = pd.DataFrame({"school_id": SCHOOLS8, "name": SCHOOLS8,
                            "low_income_pct": [5.0, 8.0, 10.0, 12.0, 14.0, 16.0, 40.0, 45.0]})
    flags, _ = _flags(_frame(_year(2024, list("ABCDEFGH"))), 2024, schools)
    assert {s for (s, k) in flags if k == "social"} == {"G", "H"}
    h = flags[("H", "social")]
    assert h.severity == "info"
    assert f"малоимущие семьи: 45,0{NB}% (в среднем по району 18,8{NB}%)" in h.reason
    assert "не оценка работы школы" in h.reason


def test_exit_requires_closing_the_gap():
    ege_worse = [40.0, *EGE_LEVELS[1:]]
    rows = (_year(2021, list("ABCDEFGH")) + _year(2022, list("ABCDEFGH"))
            + _year(2023, list("BCDAEFGH"), list("CDEAFGHB"), ege_means=ege_worse)
            + _year(2024, list("BCDAEFGH"), list("CDEAFGHB"), ege_means=ege_worse))
    flags, _ = _flags(_frame(rows), 2024)
    assert ("A", "low_results") not in flags and ("B", "low_results") not in flags
    e = flags[("A", "exit")]
    assert e.severity == "good" and e.details["baseline_year"] == 2022 and e.details["gap_closed"] == pytest.approx(1.0)
    assert e.reason.startswith("Вышла из числа ШНОР в 2024 году.")
    assert ("B", "exit") not in flags  # ЕГЭ gap widened: the mean part closed stays under one half
    assert ("E", "exit") not in flags


def test_context_flags_need_ten_schools_and_report_the_model():
    ids = [f"S{i}" for i in range(10)]
    li = [10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 55.0, 60.0, 65.0, 70.0]
    schools = pd.DataFrame({"school_id": ids, "name": ids, "low_income_pct": li})
    z = (np.array(li) - np.mean(li)) / np.std(li, ddof=1)
    ege = 60 - 4 * z
    ege[2] = 35.0   # S2 far below its prediction
    ege[9] += 12    # S9: most disadvantaged and among the best
    rows = [dict(year=2024, exam="ЕГЭ", subject="Русский язык", grade=11, school_id=s, participants=100, mean=m,
                 below_min=0) for s, m in zip(ids, ege)]
    flags, f = _flags(_frame(rows), 2024, schools)
    be = flags[("S2", "below_expectation")]
    assert be.severity == "flag" and "ниже, чем можно ожидать" in be.reason
    assert "Школ в расчёте зависимости результатов от условий: 10" in be.reason
    assert flags[("S9", "resilient")].severity == "good"
    s = risk_summary(f).set_index("flag")
    assert list(s.index) == list(FLAG_LABELS)
    assert s.loc["below_expectation", "count"] == 1 and s.loc["social", "severity"] == "info"
    assert set(f.columns) >= {"school_id", "year", "flag", "severity", "explanation", "reason", "details"}
    # nine schools: no model, no context flags
    few = _frame([r for r in rows if r["school_id"] != "S0"])
    flags, _ = _flags(few, 2024, schools)
    assert not any(k in ("below_expectation", "resilient") for (_, k) in flags)


def test_no_flags_without_results_that_year():
    df = _frame(_year(2023, list("ABCDEFGH")) + _year(2024, list("ABCDEFGH")))
    assert risk_flags(df, pd.DataFrame(columns=["school_id"]), 2020).empty
    assert risk_summary(risk_flags(df, pd.DataFrame(columns=["school_id"]), 2020))["count"].sum() == 0
    # A has results in 2022 and 2023 only: a low school then, no flag for 2024 when it has none
    rows = (_year(2022, list("ABCDEFGH")) + _year(2023, list("ABCDEFGH")) + _year(2024, list("ABCDEFGH")))
    rows = [r for r in rows if not (r["school_id"] == "A" and r["year"] == 2024)]
    flags, _ = _flags(_frame(rows), 2024)
    assert not any(s == "A" for (s, _) in flags)
