"""Statistical primitives with hand-computed values: t quantiles, Wilson, the share test, Benjamini–Hochberg,
Spiegelhalter's overdispersion."""
import math

import numpy as np
import pytest

from metrics.stats import bh_significant, one_sided_p, overdispersion, share_test_p, t_quantile, two_sided_p, wilson


def test_t_quantiles_and_p_values():
    assert float(t_quantile(0.975, 11)) == pytest.approx(2.200985, abs=1e-6)   # table value
    assert float(t_quantile(0.9, 1)) == pytest.approx(3.077684, abs=1e-6)
    assert float(t_quantile(0.975, np.inf)) == pytest.approx(1.959964, abs=1e-6)
    assert float(two_sided_p(1.959964)) == pytest.approx(0.05, abs=1e-6)
    assert float(one_sided_p(-1.644854, side="less")) == pytest.approx(0.05, abs=1e-6)
    assert float(two_sided_p(2.200985, 11)) == pytest.approx(0.05, abs=1e-6)


def test_wilson_is_exact_at_the_ends():
    lo, hi = wilson(3, 10)
    assert (float(lo), float(hi)) == (pytest.approx(0.1078, abs=1e-4), pytest.approx(0.6032, abs=1e-4))
    lo, hi = wilson(0, 10)
    assert float(lo) == 0.0 and float(hi) == pytest.approx(0.2775, abs=1e-4)  # 0 of n is never above 0
    lo, hi = wilson(10, 10)
    assert float(hi) == 1.0
    assert np.isnan(wilson(0, 0)[0])


def test_share_test():
    # 3 of 10 confirmed against 70 %: z = (0,3 − 0,7) / √(0,21 / 10) = −2,7603
    assert float(share_test_p(3, 10, 0.7, "less")) == pytest.approx(0.5 * math.erfc(2.7603 / math.sqrt(2)), abs=1e-5)
    assert float(share_test_p(0, 25, 0.0, "greater")) == 1.0   # nothing below, district 0: no signal at all
    assert float(share_test_p(2, 25, 0.0, "greater")) == 0.0   # a school above a district share of 0
    assert np.isnan(share_test_p(1, 0, 0.5))


def test_benjamini_hochberg_step_up_within_families():
    # family 0: 0,01 ≤ 1·0,05/4 but 0,03 > 2·0,05/4 and 0,04 > 3·0,05/4 → only the first
    # family 1: 0,01 ≤ 0,0167, 0,02 ≤ 0,0333, 0,03 ≤ 0,05 → all three (step-up)
    p = np.array([0.01, 0.04, 0.03, 0.2, 0.03, 0.01, 0.02, np.nan])
    g = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    assert bh_significant(p, g, 0.05).tolist() == [True, False, False, False, True, True, True, False]
    # a single comparison is the plain test
    assert bh_significant(np.array([0.049, 0.051]), np.array([0, 1]), 0.05).tolist() == [True, False]


def test_overdispersion_winsorised_phi_and_tau2():
    # z = −1, 0, 1, 2, 10 winsorised at the 10 % / 90 % quantiles −0,6 and 6,8:
    # φ = (0,36 + 0 + 1 + 4 + 46,24) / 5 = 10,32; w = 1: τ² = (5·10,32 − 4) / (5 − 1) = 11,9
    phi, tau2 = overdispersion([-1, 0, 1, 2, 10], [1, 1, 1, 1, 1])
    assert phi == pytest.approx(10.32) and tau2 == pytest.approx(11.9)
    phi, tau2 = overdispersion([0.1, -0.2, 0.3, 0.0], [1, 1, 1, 1])
    assert tau2 == 0.0                      # less spread than chance: no correction
    assert overdispersion([1, 2], [1, 1])[1] == 0.0
