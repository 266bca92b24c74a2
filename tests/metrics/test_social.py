"""Social disadvantage index, quartiles, and the participant-weighted regression on it."""
import math

import numpy as np
import pandas as pd
import pytest

from metrics.social import context_adjusted, quartile_of, social_index, wls_line

SCHOOLS = pd.DataFrame({
    "school_id": ["a", "b", "c", "d"], "name": list("ABCD"),
    "low_income_pct": [10.0, 20.0, 30.0, 40.0],
    "single_parent_pct": [5.0, 5.0, 5.0, 25.0],
})
ZL = 15 / math.sqrt(500 / 3)  # z of 40 in low_income (mean 25, sample SD √(500/3))


def test_social_index_on_four_schools():
    s = social_index(SCHOOLS, 2024).set_index("school_id")
    # single_parent: mean 10, SD 10 -> z = -0.5, -0.5, -0.5, 1.5
    assert s.loc["a", "index"] == pytest.approx((-ZL - 0.5) / 2)
    assert s.loc["b", "index"] == pytest.approx((-ZL / 3 - 0.5) / 2)
    assert s.loc["d", "index"] == pytest.approx((ZL + 1.5) / 2)
    assert s["quartile"].tolist() == [1, 2, 3, 4]
    assert s["top_quartile"].tolist() == [False, False, False, True]
    assert s.loc["d", "components"]["single_parent_pct"] == pytest.approx(1.5)
    assert s.loc["d", "district_low_income_pct"] == pytest.approx(25.0)


def test_weights_from_settings_and_missing_shares():
    s = social_index(SCHOOLS, 2024, settings={"risk": {"social": {"weights": {"single_parent_pct": 0.0}}}})
    assert s.set_index("school_id").loc["d", "index"] == pytest.approx(ZL)
    df = SCHOOLS.copy()
    df.loc[0, "single_parent_pct"] = np.nan  # a: only low_income is known
    s = social_index(df, 2024).set_index("school_id")
    assert s.loc["a", "index"] == pytest.approx(-ZL)
    assert "single_parent_pct" not in s.loc["a", "components"]


def test_context_row_of_the_year_and_too_few_schools():
    df = pd.concat([SCHOOLS.assign(year=2023), SCHOOLS.assign(year=2024, low_income_pct=[40.0, 30.0, 20.0, 10.0])])
    s24 = social_index(df, 2024).set_index("school_id")
    s23 = social_index(df, 2023).set_index("school_id")
    assert s24.loc["a", "context_year"] == 2024 and s23.loc["a", "context_year"] == 2023
    assert s24.loc["a", "index"] > s23.loc["a", "index"]
    # 2025 falls back to the latest earlier year
    assert social_index(df, 2025).set_index("school_id").loc["a", "context_year"] == 2024
    few = social_index(SCHOOLS.iloc[:3], 2024)
    assert few["quartile"].isna().all() and not few["top_quartile"].any()


def test_quartile_bounds_are_inclusive():
    q, q1, _, q3 = quartile_of(pd.Series([1.0, 2.0, 3.0, 4.0, 5.0]))
    assert (q1, q3) == (2.0, 4.0)
    assert q.tolist() == [1, 1, 2, 4, 4]  # 3 equals the median: quartile 2


def test_wls_line_known_answer():
    a, b, cov = wls_line(np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 2.0]), np.array([1.0, 1.0, 2.0]))
    assert b == pytest.approx(4 / 11)
    assert a == pytest.approx(17 / 11)
    a, b, cov = wls_line(np.array([0.0, 1.0, 2.0, 3.0]), np.array([2.0, 5.0, 8.0, 11.0]), np.array([5.0, 1, 1, 9]))
    assert (a, b) == (pytest.approx(2.0), pytest.approx(3.0))
    assert np.allclose(cov, 0.0)


IDS = list("abcdefghij")


def _ctx_data(low_school_mean=40.0):
    # one context share -> index = z of low_income; results fall 5 points per unit of index; ten schools
    li = [10.0 * (i + 1) for i in range(10)]
    schools = pd.DataFrame({"school_id": IDS, "name": IDS, "low_income_pct": li})
    z = (np.array(li) - 55) / np.std(li, ddof=1)
    means = 60 - 5 * z
    if low_school_mean is not None:
        means[2] = low_school_mean  # c: far below what its context predicts
    means[9] += 12  # j: most disadvantaged, among the best quarter of results
    results = pd.DataFrame({"year": 2024, "exam": "ЕГЭ", "subject": "Русский язык", "grade": 11,
                            "school_id": IDS, "participants": 100, "mean": means})
    return results, schools, z, means


def test_context_adjusted_fit_and_flags():
    results, schools, z, means = _ctx_data()
    ca = context_adjusted(results, schools, 2024, exam="ЕГЭ", subject="Русский язык").set_index("school_id")
    w = np.full(10, 100.0)
    a, b, cov = wls_line(z, means, w)
    assert ca["slope"].iloc[0] == pytest.approx(b) and ca["intercept"].iloc[0] == pytest.approx(a)
    assert ca.loc["c", "predicted"] == pytest.approx(a + b * z[2])
    assert ca.loc["c", "residual"] == pytest.approx(40.0 - (a + b * z[2]))
    se_pred = math.sqrt(cov[0, 0] + 2 * z[2] * cov[0, 1] + z[2] ** 2 * cov[1, 1])
    assert ca.loc["c", "se"] == pytest.approx(math.sqrt((15 / 10) ** 2 + se_pred ** 2))
    resid = means - (a + b * z)
    assert ca["r2"].iloc[0] == pytest.approx(1 - (resid ** 2).sum() / ((means - means.mean()) ** 2).sum())
    assert ca["n_schools"].iloc[0] == 10
    assert ca.loc["c", "z"] < -1.96 and bool(ca.loc["c", "below_expectation"]) is True
    assert ca["below_expectation"].sum() == 1
    assert "ниже, чем можно ожидать" in str(ca.loc["c", "explanation"].headline.template)
    # PISA rule (default): j is in the most disadvantaged quarter and its result in the best quarter
    assert ca.loc["j", "quartile"] == 4 and bool(ca.loc["j", "resilient"]) is True
    assert ca["resilient"].sum() == 1
    # the interval rule is stricter: with c's outlier the line is too uncertain at j's end to call it resilient
    rule = {"risk": {"context": {"resilient_rule": "interval"}}}
    iv = context_adjusted(results, schools, 2024, exam="ЕГЭ", subject="Русский язык", settings=rule)
    assert not iv["resilient"].any()
    clean, schools, _, _ = _ctx_data(low_school_mean=None)
    iv = context_adjusted(clean, schools, 2024, exam="ЕГЭ", subject="Русский язык", settings=rule).set_index("school_id")
    assert iv.loc["j", "residual"] - 1.96 * iv.loc["j", "se"] > 0 and iv["resilient"].tolist().count(True) == 1


def test_below_expectation_needs_the_minimum_n():
    results, schools, z, means = _ctx_data()
    results.loc[2, "participants"] = 8
    ca = context_adjusted(results, schools, 2024, exam="ЕГЭ", subject="Русский язык").set_index("school_id")
    assert ca.loc["c", "z"] < -1.96 and not ca.loc["c", "below_expectation"]


def test_context_adjusted_not_significant_for_a_small_gap():
    results, schools, z, means = _ctx_data(low_school_mean=None)
    results.loc[2, "mean"] = 60 - 5 * z[2] - 1.0  # 1 point below the line is within noise
    ca = context_adjusted(results, schools, 2024, exam="ЕГЭ", subject="Русский язык")
    assert not ca["below_expectation"].any()


def test_context_adjusted_default_standardised_and_too_few():
    results, schools, z, means = _ctx_data()
    ca = context_adjusted(results, schools, 2024).set_index("school_id")
    # standardised: (mean − district mean) / 15 with equal n
    assert ca.loc["c", "value"] == pytest.approx((40.0 - means.mean()) / 15)
    assert bool(ca.loc["c", "below_expectation"]) is True
    assert context_adjusted(results.iloc[:9], schools, 2024).empty   # nine schools: no model


def test_social_index_memo_follows_changed_numbers_and_hands_out_copies():
    schools = SCHOOLS.copy()
    first = social_index(schools, 2024)
    first.loc[0, "index"] = 99.0  # a caller writing into its result does not reach the memo
    again = social_index(schools, 2024).set_index("school_id")
    assert again.loc["a", "index"] == pytest.approx((-ZL - 0.5) / 2)
    schools.loc[schools["school_id"] == "a", "single_parent_pct"] = 25.0  # single_parent now 25, 5, 5, 25
    changed = social_index(schools, 2024).set_index("school_id")
    # single_parent: mean 15, SD √(400/3) → z of 25 = 10 / √(400/3)
    assert changed.loc["a", "components"]["single_parent_pct"] == pytest.approx(10 / math.sqrt(400 / 3), abs=1e-3)
