"""Shared result measures: mean from marks, SD from marks, below share, district weighting, Wilson."""
import math

import numpy as np
import pandas as pd
import pytest

from metrics.measures import (district_measure, prepare, procedure_scores, results_measure, subject_phrase,
                              wilson)


def _results(rows):
    df = pd.DataFrame(rows)
    for c in ("grade", "participants", "below_min", "mark2", "mark3", "mark4", "mark5"):
        if c in df:
            df[c] = df[c].astype("Int64")
    return df


OGE = _results([
    # a: marks 2:1, 3:3, 4:4, 5:2 -> mean 3.7, sample SD sqrt(8.1/9)
    dict(year=2024, exam="ОГЭ", subject="Математика", grade=9, school_id="a", participants=10, mean=None,
         below_min=None, mark2=1, mark3=3, mark4=4, mark5=2),
    dict(year=2024, exam="ОГЭ", subject="Математика", grade=9, school_id="b", participants=20, mean=3.5,
         below_min=None, mark2=2, mark3=8, mark4=6, mark5=4),
    dict(year=2024, exam="ЕГЭ", subject="Русский язык", grade=11, school_id="a", participants=5, mean=60.0,
         below_min=1, mark2=None, mark3=None, mark4=None, mark5=None),
])


def test_mean_and_sd_from_marks():
    p = prepare(OGE).set_index(["school_id", "exam"])
    assert p.loc[("a", "ОГЭ"), "mean"] == pytest.approx(3.7)
    assert p.loc[("a", "ОГЭ"), "sd_marks"] == pytest.approx(math.sqrt(8.1 / 9))
    # a given mean is kept even when marks are present
    assert p.loc[("b", "ОГЭ"), "mean"] == pytest.approx(3.5)


def test_below_uses_mark2_when_below_min_missing():
    p = prepare(OGE).set_index(["school_id", "exam"])
    assert p.loc[("a", "ОГЭ"), "below"] == 1
    assert p.loc[("a", "ОГЭ"), "below_share"] == pytest.approx(10.0)
    assert p.loc[("a", "ЕГЭ"), "below_share"] == pytest.approx(20.0)


def test_district_values_are_participant_weighted():
    p = prepare(OGE).set_index(["school_id", "exam"])
    # (10·3.7 + 20·3.5) / 30
    assert p.loc[("a", "ОГЭ"), "district_mean"] == pytest.approx(107 / 30)
    assert p.loc[("a", "ОГЭ"), "district_below_share"] == pytest.approx(100 * 3 / 30)
    # pooled marks 2:3, 3:11, 4:10, 5:6 (n = 30)
    pooled = np.repeat([2, 3, 4, 5], [3, 11, 10, 6])
    assert p.loc[("a", "ОГЭ"), "district_sd"] == pytest.approx(pooled.std(ddof=1))
    # no marks in the district for ЕГЭ -> the settings' typical score SD
    assert p.loc[("a", "ЕГЭ"), "district_sd"] == pytest.approx(15.0)
    assert p.loc[("a", "ЕГЭ"), "sd_source"] == "district"
    assert p.loc[("b", "ОГЭ"), "sd_source"] == "marks"


def test_rows_without_school_or_participants_are_dropped():
    df = pd.concat([OGE, _results([dict(year=2024, exam="ОГЭ", subject="Математика", grade=9, school_id=None,
                                        participants=30, mean=3.6)]),
                    _results([dict(year=2024, exam="ОГЭ", subject="Математика", grade=9, school_id="c",
                                   participants=0, mean=3.6)])], ignore_index=True)
    p = prepare(df)
    assert sorted(p["school_id"].unique()) == ["a", "b"]
    assert p.loc[p["exam"] == "ОГЭ", "district_mean"].iloc[0] == pytest.approx(107 / 30)


def test_results_measure_combines_grades():
    df = _results([
        dict(year=2024, exam="ВПР", subject="Математика", grade=4, school_id="a", participants=10, mean=4.0),
        dict(year=2024, exam="ВПР", subject="Математика", grade=5, school_id="a", participants=30, mean=3.0),
        dict(year=2024, exam="ВПР", subject="Математика", grade=5, school_id="b", participants=10, mean=3.5,
             below_min=2),
    ])
    m = results_measure(df, "ВПР", "Математика").set_index("school_id")
    assert m.loc["a", "value"] == pytest.approx(3.25)
    assert m.loc["a", "participants"] == 40
    s = results_measure(df, "ВПР", "Математика", "below_share").set_index("school_id")
    assert s.loc["b", "value"] == pytest.approx(20.0)
    assert pd.isna(s.loc["a", "value"])
    d = district_measure(df, "ВПР", "Математика")
    assert d["value"].iloc[0] == pytest.approx((40 + 90 + 35) / 50)


def test_wilson_known_values():
    lo, hi = wilson(3, 10)
    assert float(lo) == pytest.approx(0.1078, abs=1e-4)
    assert float(hi) == pytest.approx(0.6032, abs=1e-4)
    lo, hi = wilson(0, 10)
    assert float(lo) == 0.0
    assert float(hi) == pytest.approx(1.96 ** 2 / (10 + 1.96 ** 2), abs=1e-4)
    lo, hi = wilson([1], [0])
    assert np.isnan(lo[0]) and np.isnan(hi[0])


def test_procedure_score_weights_subjects_and_counts_cohort():
    df = _results([
        dict(year=2024, exam="ЕГЭ", subject="Русский язык", grade=11, school_id="a", participants=20, mean=60.0),
        dict(year=2024, exam="ЕГЭ", subject="Физика", grade=11, school_id="a", participants=5, mean=45.0),
        dict(year=2024, exam="ЕГЭ", subject="Русский язык", grade=11, school_id="b", participants=20, mean=70.0),
        dict(year=2024, exam="ЕГЭ", subject="Физика", grade=11, school_id="b", participants=5, mean=55.0),
    ])
    ps = procedure_scores(prepare(df)).set_index("school_id")
    # district means 65 and 50; z (SD 15): a = -1/3 in both subjects
    assert ps.loc["a", "score"] == pytest.approx(-1 / 3)
    assert ps.loc["b", "score"] == pytest.approx(1 / 3)
    assert ps.loc["a", "participants"] == 20  # the cohort: largest subject entry
    # conservative se: (20·(1/√20) + 5·(1/√5)) / 25
    assert ps.loc["a", "se"] == pytest.approx((20 / math.sqrt(20) + 5 / math.sqrt(5)) / 25)


def test_subject_phrase():
    assert subject_phrase("ЕГЭ", "Математика профильная") == "ЕГЭ по профильной математике"
    assert subject_phrase("ВПР", "Русский язык", 5) == "ВПР по русскому языку, 5 класс"
    assert subject_phrase("ОГЭ", "Астрономия") == "ОГЭ, предмет «Астрономия»"
