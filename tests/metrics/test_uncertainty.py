"""95 % intervals, significance against the district and funnel limits."""
import math

import pandas as pd
import pytest

from metrics.uncertainty import Z95, Z998, funnel, intervals


def _ege():
    # district mean (25·60 + 100·70) / 125 = 68; no marks -> SD 15 from settings
    return pd.DataFrame([
        dict(year=2024, exam="ЕГЭ", subject="Математика профильная", grade=11, school_id="a", participants=25,
             mean=60.0, below_min=3),
        dict(year=2024, exam="ЕГЭ", subject="Математика профильная", grade=11, school_id="b", participants=100,
             mean=70.0, below_min=2),
        dict(year=2023, exam="ЕГЭ", subject="Математика профильная", grade=11, school_id="a", participants=8,
             mean=50.0, below_min=0),
    ])


def test_mean_interval_and_significance():
    iv = intervals(_ege(), 2024).set_index("school_id")
    assert list(iv["year"].unique()) == [2024]
    assert iv.loc["a", "district_mean"] == pytest.approx(68.0)
    assert iv.loc["a", "mean_low"] == pytest.approx(60 - Z95 * 15 / 5)
    assert iv.loc["a", "mean_high"] == pytest.approx(60 + Z95 * 15 / 5)  # 65.88 < 68
    assert bool(iv.loc["a", "significantly_below"]) is True
    assert bool(iv.loc["b", "significantly_below"]) is False
    assert bool(iv.loc["b", "significantly_above"]) is False  # 70 ± 2.94 contains 68
    assert iv.loc["a", "sd_source"] == "district"


def test_below_share_wilson_in_percent():
    df = _ege()
    df.loc[0, ["participants", "below_min"]] = [10, 3]
    iv = intervals(df, 2024).set_index("school_id")
    assert iv.loc["a", "below_share"] == pytest.approx(30.0)
    assert iv.loc["a", "below_low"] == pytest.approx(10.78, abs=0.01)
    assert iv.loc["a", "below_high"] == pytest.approx(60.32, abs=0.01)
    assert iv.loc["a", "district_below_share"] == pytest.approx(100 * 5 / 110)
    assert bool(iv.loc["a", "below_significantly_above"]) is True  # 10.78 > 4.55
    assert bool(iv.loc["a", "small_n"]) is False
    assert bool(intervals(df, 2023).set_index("school_id").loc["a", "small_n"]) is True


def test_sd_from_own_marks_only_with_enough_marks():
    rows = [dict(year=2024, exam="ОГЭ", subject="Математика", grade=9, school_id="big", participants=12,
                 mark2=2, mark3=4, mark4=4, mark5=2),
            dict(year=2024, exam="ОГЭ", subject="Математика", grade=9, school_id="small", participants=4,
                 mark2=0, mark3=0, mark4=4, mark5=0)]
    iv = intervals(pd.DataFrame(rows)).set_index("school_id")
    assert iv.loc["big", "sd_source"] == "marks"
    assert iv.loc["big", "sd"] == pytest.approx(pd.Series([2] * 2 + [3] * 4 + [4] * 4 + [5] * 2).std())
    # 4 identical marks would give SD 0 and a falsely certain interval: the district's pooled SD is used
    assert iv.loc["small", "sd_source"] == "district"
    pooled = pd.Series([2] * 2 + [3] * 4 + [4] * 8 + [5] * 2).std()
    assert iv.loc["small", "sd"] == pytest.approx(pooled)
    assert iv.loc["small", "mean_high"] - iv.loc["small", "mean"] == pytest.approx(Z95 * pooled / 2)


def test_settings_override_score_sd():
    iv = intervals(_ege(), 2024, settings={"uncertainty": {"ege_score_sd": 30.0}}).set_index("school_id")
    assert iv.loc["a", "mean_high"] == pytest.approx(60 + Z95 * 30 / 5)
    assert bool(iv.loc["a", "significantly_below"]) is False


def test_funnel_mean_limits_and_points():
    points, limits = funnel(_ege(), "ЕГЭ", "Математика профильная", 2024)
    assert limits["n"].tolist() == list(range(1, 101))
    row = limits.set_index("n").loc[25]
    assert row["lo95"] == pytest.approx(68 - Z95 * 3)
    assert row["hi998"] == pytest.approx(68 + Z998 * 3)
    p = points.set_index("school_id")
    assert p.loc["a", "district_value"] == pytest.approx(68.0)
    assert bool(p.loc["a", "outside95"]) is True and p.loc["a", "side"] == "below"
    assert bool(p.loc["a", "outside998"]) is False  # 8 < 3.09·3
    assert bool(p.loc["b", "outside95"]) is False and p.loc["b", "side"] == ""


def test_funnel_share_limits_match_wilson():
    points, limits = funnel(_ege(), "ЕГЭ", "Математика профильная", 2024, measure="below_share")
    p0 = 5 / 125
    row = limits.set_index("n").loc[25]
    assert row["hi95"] == pytest.approx(100 * (p0 + Z95 * math.sqrt(p0 * (1 - p0) / 25)))
    assert row["lo95"] == 0.0  # clipped
    p = points.set_index("school_id")
    assert p.loc["a", "value"] == pytest.approx(12.0)
    # 12 % > 4 % + 7.7 %: outside, on the bad side; consistent with a's Wilson interval excluding 4 %
    assert bool(p.loc["a", "outside95"]) is True and p.loc["a", "side"] == "above"
    iv = intervals(_ege(), 2024).set_index("school_id")
    assert iv.loc["a", "below_low"] > 100 * p0


def test_funnel_refuses_unknown_measure_and_handles_no_data():
    with pytest.raises(ValueError):
        funnel(_ege(), "ЕГЭ", "Математика профильная", 2024, measure="median")
    points, limits = funnel(_ege(), "ОГЭ", "Математика", 2024)
    assert points.empty and limits.empty
