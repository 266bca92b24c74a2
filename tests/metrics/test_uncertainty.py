"""95 % intervals (t with the school's own SD, clipped to the scale; Wilson), the ЕГЭ spread from the district's
tails, the card's Benjamini–Hochberg rule and funnel limits with overdispersion — all against hand values."""
import math

import numpy as np
import pandas as pd
import pytest
from scipy.special import ndtri

from metrics.stats import Z95, bh_significant, overdispersion, two_sided_p
from metrics.uncertainty import funnel, intervals

NO_TAILS = {"uncertainty": {"min_tail": 10_000}}  # the district spread from settings (15 points)


def _row(school, n, mean, subject="Математика (профильная)", year=2024, below=0, **kw):
    return dict(year=year, exam="ЕГЭ", subject=subject, grade=11, school_id=school, participants=n, mean=mean,
                below_min=below, **kw)


def test_t_interval_with_own_sd_district_sd_and_clipping():
    rows = [dict(year=2024, exam="ОГЭ", subject="Математика", grade=9, school_id="big", participants=12,
                 mark2=2, mark3=4, mark4=4, mark5=2),
            dict(year=2024, exam="ОГЭ", subject="Математика", grade=9, school_id="small", participants=4,
                 mark2=0, mark3=0, mark4=4, mark5=0),
            dict(year=2024, exam="ОГЭ", subject="Математика", grade=9, school_id="low", participants=3,
                 mark2=3, mark3=0, mark4=0, mark5=0)]
    iv = intervals(pd.DataFrame(rows)).set_index("school_id")
    own = pd.Series([2] * 2 + [3] * 4 + [4] * 4 + [5] * 2).std()
    assert iv.loc["big", "sd_source"] == "marks" and iv.loc["big", "sd"] == pytest.approx(own)
    # t with 11 degrees of freedom (2,201), not z (1,960): 12 % wider
    assert iv.loc["big", "mean_high"] - 3.5 == pytest.approx(2.200985 * own / math.sqrt(12), rel=1e-6)
    pooled = pd.Series([2] * 5 + [3] * 4 + [4] * 8 + [5] * 2).std()
    assert iv.loc["small", "sd_source"] == "district" and iv.loc["small", "sd"] == pytest.approx(pooled)
    assert iv.loc["small", "mean_high"] - 4.0 == pytest.approx(Z95 * pooled / 2)
    # a mean of 2,00 cannot have an interval below the lowest mark
    assert iv.loc["low", "mean"] == 2.0 and iv.loc["low", "mean_low"] == 2.0
    assert bool(iv.loc["low", "small_n"]) and not iv.loc["low", "significantly_below"]


def test_ege_spread_from_the_district_tails():
    # district mean (100·60 + 100·70) / 200 = 65; 6 of 200 below the minimum of 24 (continuity: 23,5);
    # 20 of 200 at or above 80 (79,5): σ = ((65 − 23,5) / z(0,97) + (79,5 − 65) / z(0,9)) / 2
    df = pd.DataFrame([_row("a", 100, 60.0, "Русский язык", below=5, high_scorers=6),
                       _row("b", 100, 70.0, "Русский язык", below=1, high_scorers=14)])
    iv = intervals(df, 2024).set_index("school_id")
    sd = ((65 - 23.5) / ndtri(0.97) + (79.5 - 65) / ndtri(0.9)) / 2
    assert iv.loc["a", "district_sd_source"] == "tails"
    assert iv.loc["a", "sd"] == pytest.approx(sd)
    assert iv.loc["a", "mean_low"] == pytest.approx(60 - Z95 * sd / 10)


def test_settings_spread_when_the_tails_cannot_tell():
    df = pd.DataFrame([_row("a", 25, 60.0), _row("b", 100, 70.0)])
    iv = intervals(df, 2024).set_index("school_id")
    assert iv.loc["a", "district_sd_source"] == "settings"
    assert iv.loc["a", "mean_high"] == pytest.approx(60 + Z95 * 15 / 5)
    iv = intervals(df, 2024, settings={"uncertainty": {"ege_score_sd": 30.0}}).set_index("school_id")
    assert iv.loc["a", "mean_high"] == pytest.approx(60 + Z95 * 30 / 5)


def test_zero_of_n_is_never_significantly_above_zero():
    df = pd.DataFrame([_row(s, 30, 60.0 + i) for i, s in enumerate("abcdef")])  # nobody below the minimum
    iv = intervals(df, 2024)
    assert (iv["below_low"] == 0).all() and (iv["district_below_share"] == 0).all()
    assert not iv["below_significantly_above"].any() and not iv["below_significantly_below"].any()
    assert (iv["p_below"] == 1).all()


def test_wilson_share_against_the_district():
    df = pd.DataFrame([_row("a", 10, 60.0, below=3), _row("b", 100, 70.0, below=2)])
    iv = intervals(df, 2024, settings=NO_TAILS).set_index("school_id")
    assert iv.loc["a", "below_low"] == pytest.approx(10.78, abs=0.01)
    assert iv.loc["a", "below_high"] == pytest.approx(60.32, abs=0.01)
    assert iv.loc["a", "district_below_share"] == pytest.approx(100 * 5 / 110)


def test_the_card_corrects_for_its_many_comparisons():
    # school a (25 pupils) and b (100) in four subjects; district SD 15 from settings, so se(a) = 3, se(b) = 1,5
    means = {"s1": (50.0, 70.0), "s2": (62.0, 68.0), "s3": (61.9, 70.0), "s4": (66.0, 66.0)}
    df = pd.DataFrame([_row(s, n, m, subj) for subj, (ma, mb) in means.items() for s, n, m in (("a", 25, ma),
                                                                                              ("b", 100, mb))])
    iv = intervals(df, 2024, settings=NO_TAILS)
    a = iv[iv["school_id"] == "a"].set_index("subject")
    # hand p-values of a: district (25·x + 100·y) / 125, z = (x − district) / 3
    p = {s: float(two_sided_p((ma - (25 * ma + 100 * mb) / 125) / 3)) for s, (ma, mb) in means.items()}
    assert p["s1"] < 1e-6 and 0.03 < p["s3"] < 0.035 and p["s2"] > 0.05
    assert a["p_mean"].to_dict() == pytest.approx(p)
    # alone, s3 (p = 0,031) would be «значимо ниже»; on a card of 8 tests (4 means, 4 shares with p = 1) only s1 is
    assert bool(a.loc["s1", "significantly_below"]) and not a.loc["s3", "significantly_below"]
    family = np.array(list(p.values()) + [1.0] * 4)
    assert bh_significant(family, np.zeros(8, dtype=int), 0.05).tolist() == [True] + [False] * 7
    assert not iv.loc[iv["school_id"] == "b", "significantly_above"].any()
    assert a.loc["s1", "explanation"] is not None and a.loc["s3", "explanation"] is None


def test_funnel_without_overdispersion_is_the_plain_funnel():
    df = pd.DataFrame([_row("a", 25, 60.0, below=3), _row("b", 100, 70.0, below=2)])
    points, limits = funnel(df, "ЕГЭ", "Математика (профильная)", 2024, settings=NO_TAILS)
    assert limits["n"].tolist() == list(range(1, 101))
    row = limits.set_index("n").loc[25]
    assert row["lo95"] == pytest.approx(68 - Z95 * 3) and row["hi95"] == pytest.approx(68 + Z95 * 3)
    p = points.set_index("school_id")
    assert p.loc["a", "tau2"] == 0.0  # two schools: no overdispersion estimate
    # a: z = −8 / 3, p = 0,0077 ≤ 0,05 / 2; b: z = 2 / 1,5, p = 0,18
    assert p.loc["a", "p"] == pytest.approx(float(two_sided_p(-8 / 3)))
    assert bool(p.loc["a", "significant"]) and p.loc["a", "side"] == "below"
    assert not p.loc["b", "significant"] and p.loc["b", "side"] == ""


def test_funnel_limits_widen_by_the_spread_between_schools():
    means = [55.0, 58.0, 62.0, 66.0, 70.0, 74.0, 78.0, 81.0]
    df = pd.DataFrame([_row(f"s{i}", 40, m) for i, m in enumerate(means)] + [_row("tiny", 5, 30.0)])
    points, limits = funnel(df, "ЕГЭ", "Математика (профильная)", 2024, settings=NO_TAILS)
    p = points.set_index("school_id")
    district = (40 * sum(means) + 5 * 30) / 325
    se = 15 / np.sqrt([40] * 8 + [5])
    z0 = (np.array(means + [30.0]) - district) / se
    phi, tau2 = overdispersion(z0, se)
    assert phi > 5 and p["tau2"].iloc[0] == pytest.approx(tau2) and p["phi"].iloc[0] == pytest.approx(phi)
    row = limits.set_index("n").loc[40]
    assert row["hi95"] == pytest.approx(district + Z95 * math.sqrt(15 ** 2 / 40 + tau2))
    # plain limits would put s0 (55) far outside; with the schools' own spread it is within
    assert abs(55 - district) > Z95 * 15 / math.sqrt(40) and not p.loc["s0", "significant"]
    # a group under the minimum n is drawn but never coloured
    assert bool(p.loc["tiny", "small_n"]) and not p.loc["tiny", "significant"] and np.isnan(p.loc["tiny", "p"])


def test_funnel_share_limits_are_clipped_and_refuses_unknown_measures():
    df = pd.DataFrame([_row("a", 25, 60.0, below=3), _row("b", 100, 70.0, below=2)])
    points, limits = funnel(df, "ЕГЭ", "Математика (профильная)", 2024, measure="below_share", settings=NO_TAILS)
    p0 = 5 / 125
    row = limits.set_index("n").loc[25]
    assert row["hi95"] == pytest.approx(100 * (p0 + Z95 * math.sqrt(p0 * (1 - p0) / 25)))
    assert row["lo95"] == 0.0
    assert points.set_index("school_id").loc["a", "value"] == pytest.approx(12.0)
    with pytest.raises(ValueError):
        funnel(df, "ЕГЭ", "Математика (профильная)", 2024, measure="median")
    pts, lims = funnel(df, "ОГЭ", "Математика", 2024)
    assert pts.empty and lims.empty


def test_one_school_gets_exactly_its_rows_of_the_whole_district():
    # the card asks for one school: the district means and the school's own family of tests are those of the
    # whole district's call, so a's rows (s1 significantly below, p as in the test above) are the same
    means = {"s1": (50.0, 70.0), "s2": (62.0, 68.0), "s3": (61.9, 70.0), "s4": (66.0, 66.0)}
    df = pd.DataFrame([_row(s, n, m, subj, year=y) for y in (2023, 2024) for subj, (ma, mb) in means.items()
                       for s, n, m in (("a", 25, ma), ("b", 100, mb))])
    whole = intervals(df, settings=NO_TAILS)
    one = intervals(df, settings=NO_TAILS, school_id="a")
    assert len(one) == 8 and set(one["school_id"]) == {"a"} and set(one["year"]) == {2023, 2024}
    expected = whole[whole["school_id"] == "a"].reset_index(drop=True)
    pd.testing.assert_frame_equal(one.drop(columns="explanation").reset_index(drop=True),
                                  expected.drop(columns="explanation"))
    assert one["significantly_below"].tolist() == [True, False, False, False] * 2
    assert [e is not None for e in one["explanation"]] == [True, False, False, False] * 2
    assert len(intervals(df, 2024, settings=NO_TAILS, school_id="nobody")) == 0
