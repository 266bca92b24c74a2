"""Measures the programmes use (успеваемость, качество знаний, СОУ; high scorers by band; the trial-exam list)
and the reconciliation of reported programme facts with the loaded results — against hand values."""
import numpy as np
import pandas as pd
import pytest

from metrics.programme import high_scorers, mark_measures, trial_below_district
from metrics.reconcile import reconcile
from metrics.stats import wilson


def test_success_quality_and_sou_from_mark_counts():
    # 12 pupils: «5» 2, «4» 3, «3» 4, «2» 1 and 2 without a mark (they stay in the denominator)
    df = pd.DataFrame([dict(year=2024, exam="ВПР", subject="Математика", grade=5, school_id="a", participants=12,
                            mark2=1, mark3=4, mark4=3, mark5=2),
                       dict(year=2024, exam="ВПР", subject="Математика", grade=5, school_id="b", participants=8,
                            mark2=0, mark3=2, mark4=4, mark5=2)])
    m = mark_measures(df, 2024)
    a = m[m["school_id"] == "a"].iloc[0]
    assert a["no_mark"] == 2
    assert a["success"] == pytest.approx(75.0) and a["quality"] == pytest.approx(500 / 12)
    assert a["sou"] == pytest.approx((2 * 100 + 3 * 64 + 4 * 36 + 1 * 16 + 2 * 7) / 12)
    lo, hi = wilson(9, 12)
    assert (a["success_low"], a["success_high"]) == (pytest.approx(100 * lo), pytest.approx(100 * hi))
    district = m[m["school_id"].isna()].iloc[0]
    assert district["participants"] == 20 and district["success"] == pytest.approx(100 * 17 / 20)


def test_high_scorers_by_band_never_estimated():
    res = pd.DataFrame([dict(year=2024, exam="ЕГЭ", subject=s, grade=11, school_id="a", participants=n, mean=70.0,
                             high_scorers=h) for s, n, h in (("Русский язык", 20, 6), ("Физика", 5, 1))])
    indicators = pd.DataFrame([dict(indicator_id="g", name="Число выпускников 11 классов", unit="чел."),
                               dict(indicator_id="h", name="Набрали 220 баллов и более по трём предметам", unit="чел.")])
    values = pd.DataFrame([dict(indicator_id="g", school_id="a", year=2024, kind="fact", value=20),
                           dict(indicator_id="h", school_id="a", year=2024, kind="fact", value=4)])
    h = high_scorers(res, 2024, values, indicators).set_index("band")
    assert h.loc["80+", "count"] == 7 and h.loc["80+", "base"] == 25 and h.loc["80+", "source"] == "results"
    assert h.loc["220+", "count"] == 4 and h.loc["220+", "share"] == pytest.approx(20.0)
    assert not h.loc["70+", "available"] and np.isnan(h.loc["90+", "count"])   # pupils' scores would be needed


def test_trial_exam_list_with_its_uncertainty():
    df = pd.DataFrame([dict(year=2026, exam="Пробный ЕГЭ", subject="Математика (профильная)", grade=11, school_id=s,
                            participants=n, mean=m, below_min=0) for s, n, m in (("a", 40, 45.0), ("b", 40, 60.0),
                                                                                 ("c", 3, 48.0))])
    t = trial_below_district(df, 2026, settings={"uncertainty": {"min_tail": 10_000}}).set_index("school_id")
    district = (40 * 45 + 40 * 60 + 3 * 48) / 83
    assert set(t.index) == {"a", "c"} and t.loc["a", "district_mean"] == pytest.approx(district)
    # a: 45 ± 1,96·15/√40 = ±4,6 lies below 52,3; c: 48 with 3 pupils — below the average, within chance
    assert bool(t.loc["a", "significant"]) and not t.loc["c", "significant"]
    assert t.loc["c", "mean_low"] >= 0  # clipped to the scale


def _reconcile_data():
    rows = []
    for s, fail_ru, fail_m in (("a", 2, 3), ("b", 0, 1), ("c", 0, 0)):
        rows.append(dict(year=2026, exam="ЕГЭ", subject="Русский язык", grade=11, school_id=s, participants=50,
                         mean=70.0, below_min=fail_ru))
        rows.append(dict(year=2026, exam="ЕГЭ", subject="Математика (базовая)", grade=11, school_id=s, participants=50,
                         mean=4.0, below_min=fail_m))
    indicators = pd.DataFrame([dict(indicator_id="x", name="Доля выпускников 11-х классов, не получивших аттестат, %",
                                    unit="%", direction="lower")])
    return pd.DataFrame(rows), indicators


@pytest.mark.parametrize("reported,differs", [(3.0, False), (2.3, False), (2.0, True), (4.4, False), (4.6, True)])
def test_reconciliation_of_graduates_below_the_minimum(reported, differs):
    results, indicators = _reconcile_data()
    values = pd.DataFrame([dict(indicator_id="x", school_id=None, year=2026, kind="fact", value=reported)])
    r = reconcile(results, pd.DataFrame(columns=["school_id"]), indicators, values, 2026).iloc[0]
    # per school at least the larger subject's failures (3 + 1 + 0 = 4), at most the sum (5 + 1 = 6), of 150:
    # 2,67–4,00 %, and 0,5 п. п. either side agrees
    assert r["computed_low"] == pytest.approx(100 * 4 / 150) and r["computed_high"] == pytest.approx(100 * 6 / 150)
    assert bool(r["differs"]) is differs
