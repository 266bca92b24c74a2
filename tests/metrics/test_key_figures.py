"""Do the overview's key figures give the hand-computed district values and changes?"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from metrics.key_figures import key_figures

RCOLS = ["year", "exam", "subject", "grade", "school_id", "participants", "mean", "below_min", "high_scorers",
         "mark2", "mark3", "mark4", "mark5", "lowered", "confirmed", "raised"]


def res(year, exam, subject, school, n, mean=None, below=None, marks=(None,) * 4):
    grade = 11 if exam == "ЕГЭ" else 9
    return (year, exam, subject, grade, school, n, mean, below, None, *marks, None, None, None)


RESULTS = pd.DataFrame([
    res(2024, "ЕГЭ", "Русский язык", "s1", 30, 70, 0),
    res(2024, "ЕГЭ", "Русский язык", "s2", 10, 50, 2),
    res(2023, "ЕГЭ", "Русский язык", "s1", 20, 60, 1),
    res(2024, "ЕГЭ", "Математика (профильная)", "s1", 10, 40, 3),
    res(2024, "ЕГЭ", "Математика (базовая)", "s1", 20, None, 1),
    res(2024, "Пробный ЕГЭ", "Русский язык", "s1", 50, 10, 40),            # not the real exam: ignored
    res(2024, "ОГЭ", "Русский язык", "s1", 10, None, None, (1, 4, 3, 2)),   # mean from marks = 3,6
    res(2024, "ОГЭ", "Русский язык", "s2", 10, 4.0, 0),
    res(2024, "ОГЭ", "Математика", "s1", 20, 3.5, None, (4, None, None, None)),
    res(2023, "ОГЭ", "Математика", "s1", 10, 3.0, 5),
], columns=RCOLS)

INDICATORS = pd.DataFrame([("a", "A", "%", "higher", None, np.nan), ("b", "B", "%", "lower", None, np.nan),
                           ("c", "C", "%", "higher", None, np.nan)],
                          columns=["indicator_id", "name", "unit", "direction", "group", "tolerance"])
VALUES = pd.DataFrame([
    ("a", None, 2024, "plan", 50), ("a", None, 2024, "fact", 51),
    ("b", None, 2024, "plan", 10), ("b", None, 2024, "fact", 15),
    ("c", None, 2024, "plan", 80),
    ("a", None, 2023, "plan", 50), ("a", None, 2023, "fact", 49),
    ("c", "s1", 2024, "plan", 80), ("c", "s1", 2024, "fact", 10),        # school level: not counted
], columns=["indicator_id", "school_id", "year", "kind", "value"])
EVENTS = pd.DataFrame([
    dict(number="1", title="a", control_dates=["2024-03-31"], schedule="dated", status=None),
    dict(number="2", title="b", control_dates=["2024-04-30"], schedule="dated", status="done",
         completion_date="2024-04-01"),
    dict(number="3", title="c", control_dates=["2023-03-31"], schedule="dated", status=None),
])


@pytest.fixture(scope="module")
def kf():
    return key_figures(RESULTS, VALUES, INDICATORS, EVENTS, 2024, "2024-05-15").set_index("metric_id")


def test_exam_figures(kf):
    assert kf.loc["ege_russian_mean", "value"] == pytest.approx((30 * 70 + 10 * 50) / 40)   # 65
    assert kf.loc["ege_russian_mean", "prev_value"] == pytest.approx(60)
    assert kf.loc["ege_russian_mean", "change"] == pytest.approx(5)
    assert kf.loc["ege_russian_mean", "participants"] == 40
    assert kf.loc["ege_math_profile_mean", "value"] == pytest.approx(40)
    assert math.isnan(kf.loc["ege_math_profile_mean", "prev_value"])
    assert kf.loc["ege_below_min_share", "value"] == pytest.approx((0 + 2 + 3 + 1) / 70 * 100)
    assert kf.loc["ege_below_min_share", "good_direction"] == "lower"
    assert kf.loc["oge_russian_mean", "value"] == pytest.approx((10 * 3.6 + 10 * 4.0) / 20)  # 3,8
    assert kf.loc["oge_math_mean", "value"] == pytest.approx(3.5)
    assert kf.loc["oge_math_mean", "change"] == pytest.approx(0.5)
    # «2»: s1 Russian 1 of 10 (mark2), s2 Russian 0 of 10, s1 maths 4 of 20 (mark2 when below_min missing)
    assert kf.loc["oge_mark2_share", "value"] == pytest.approx(5 / 40 * 100)
    assert kf.loc["oge_mark2_share", "prev_value"] == pytest.approx(50)


def test_indicator_and_event_figures(kf):
    assert kf.loc["indicators_achieved", ["value", "prev_value"]].tolist() == [1, 0]
    assert kf.loc["indicators_missed", ["value", "prev_value"]].tolist() == [1, 0]
    assert kf.loc["indicators_near", ["value", "prev_value"]].tolist() == [0, 1]     # 49 vs 50 in 2023
    assert kf.loc["indicators_no_data", "value"] == 1
    assert kf.loc["events_overdue", "value"] == 2            # events 1 and 3
    assert kf.loc["events_overdue", "prev_value"] == 1       # on 15.05.2023 only event 3 (31.03.2023) was overdue
    assert kf.loc["events_done_on_time_share", "value"] == pytest.approx(100 / 3)   # 1 on time of 3 due
    assert kf.loc["events_done_on_time_share", "prev_value"] == 0


def test_missing_tables_give_nan_rows():
    out = key_figures(RESULTS.iloc[0:0], None, None, None, 2024, None)
    assert len(out) == 12 and out["value"].isna().all()
    assert list(out.columns) == ["metric_id", "label", "value", "prev_value", "change", "unit", "good_direction",
                                 "participants"]


def test_school_key_figures_count_what_was_judged():
    """Hand-made rows: 5 results; a small group, one with inflated marks and one without a mean are not judged;
    of the two judged one is significantly below → 1 of 2. 2 of 5 ВПР works flagged. Indicators: missed, met,
    no data → 1 of 2."""
    from metrics.key_figures import school_key_figures

    iv = pd.DataFrame({"mean": [3.1, 3.5, 4.0, None, 3.9], "small_n": [False, True, False, False, False],
                       "nonobjective": [False, False, True, False, None],
                       "significantly_below": [True, True, True, True, False]})
    obj = pd.DataFrame({"n_flagged_rows": [2], "n_rows": [5]})
    pvf = pd.DataFrame({"status": ["missed", "achieved", "no data"]})
    out = school_key_figures(iv, obj, pvf)
    assert out == {"below": (1, 2), "objectivity": (2, 5), "missed": (1, 2)}
    assert school_key_figures(None, pd.DataFrame(), None) == {"below": None, "objectivity": None, "missed": None}
