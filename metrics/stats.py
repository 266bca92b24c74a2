"""Which statistical tests and corrections do the judgements use?

The few primitives behind every «значимо выше / ниже района», vectorised over
numpy arrays (distribution functions from `scipy.special`):

* `t_quantile`, `normal_quantile`, `two_sided_p`, `one_sided_p` — quantiles and
  p-values of the normal and t distributions;
* `wilson` — the Wilson score interval of a share (exactly 0 below at 0 of n,
  exactly 1 above at n of n);
* `share_test_p` — the one-sided score-test p-value of k of n against a fixed
  share (the test whose 95 % acceptance region is the Wilson interval);
* `bh_significant` — Benjamini–Hochberg: which of a family's comparisons stay
  significant when the expected share of false discoveries among them is held
  at q (one family per group id: a school card, a chart);
* `overdispersion` — Spiegelhalter's winsorised φ and the additive
  between-unit variance τ² of a funnel plot.

See docs/methodology.md for why these and not others.
"""
from __future__ import annotations

import numpy as np
from scipy import special

Z95 = 1.959963984540054
Z998 = 3.090232306167813


def normal_quantile(p) -> np.ndarray:
    return special.ndtri(np.asarray(p, dtype=float))


def t_quantile(p, df) -> np.ndarray:
    """Quantile of Student's t with `df` degrees of freedom (df = inf gives the normal quantile)."""
    df = np.asarray(df, dtype=float)
    p = np.asarray(p, dtype=float)
    with np.errstate(invalid="ignore"):
        out = special.stdtrit(np.where(np.isfinite(df) & (df > 0), df, 1.0), p)
    return np.where(np.isinf(df), special.ndtri(p), np.where(df > 0, out, np.nan))


def _cdf(x, df) -> np.ndarray:
    """P(T ≤ x): Student's t with df degrees of freedom, the normal distribution where df is inf or NaN."""
    x = np.asarray(x, dtype=float)
    df = np.broadcast_to(np.asarray(df, dtype=float), x.shape)
    normal = ~np.isfinite(df) | ~(df > 0)
    with np.errstate(invalid="ignore"):
        t = special.stdtr(np.where(normal, 1.0, df), x)
    return np.where(normal, special.ndtr(x), t)


def one_sided_p(stat, df=np.inf, side: str = "greater") -> np.ndarray:
    """p-value of a statistic against 0: side "greater" tests a positive difference, "less" a negative one."""
    stat = np.asarray(stat, dtype=float)
    p = 1.0 - _cdf(stat, df) if side == "greater" else _cdf(stat, df)
    return np.where(np.isnan(stat), np.nan, p)


def two_sided_p(stat, df=np.inf) -> np.ndarray:
    stat = np.asarray(stat, dtype=float)
    p = 2.0 * _cdf(-np.abs(stat), df)
    return np.where(np.isnan(stat), np.nan, np.minimum(p, 1.0))


def wilson(k, n, z: float = Z95):
    """Wilson score interval for k successes out of n, as fractions 0–1 (arrays welcome).

    Returns (low, high); NaN where n is 0 or missing; exactly 0 below when k = 0 and exactly 1 above when
    k = n (so 0 of n is never "significantly above" a share of 0). 3 of 10 → (0.1078, 0.6032).
    """
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        denom = 1.0 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
        low, high = centre - half, centre + half
    bad = ~(n > 0)
    low = np.where(bad, np.nan, np.where(k <= 0, 0.0, np.clip(low, 0.0, 1.0)))
    high = np.where(bad, np.nan, np.where(k >= n, 1.0, np.clip(high, 0.0, 1.0)))
    return low, high


def share_test_p(k, n, p0, side: str = "greater") -> np.ndarray:
    """One-sided score-test p-value of k of n against the share p0 (0–1).

    side "greater": is the share above p0? "less": below? z = (k/n − p0) / √(p0(1−p0)/n). A reference of 0 or 1
    cannot be exceeded (resp. undercut) by chance alone only when the school's own share is on the other side:
    the p-value is then 1; NaN where n is 0 or p0 is missing."""
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    p0 = np.broadcast_to(np.asarray(p0, dtype=float), np.broadcast(k, n).shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        phat = k / n
        se = np.sqrt(p0 * (1 - p0) / n)
        z = (phat - p0) / se
    p = 1.0 - special.ndtr(z) if side == "greater" else special.ndtr(z)
    diff = phat - p0 if side == "greater" else p0 - phat
    p = np.where(se > 0, p, np.where(diff > 1e-12, 0.0, 1.0))  # p0 of 0 or 1: only a share on the other side
    return np.where((n > 0) & np.isfinite(p0) & np.isfinite(k), p, np.nan)


def bh_significant(p, group, q: float = 0.05) -> np.ndarray:
    """Benjamini–Hochberg step-up within each group: True where the comparison stays significant.

    `p`: p-values (NaN = not tested, never significant); `group`: one non-negative integer id per comparison (the family:
    a school card of one year, one chart). In a family of m tested p-values sorted p(1) ≤ … ≤ p(m), the k
    smallest are significant for the largest k with p(k) ≤ k·q/m. With one comparison it is p ≤ q."""
    p = np.asarray(p, dtype=float)
    group = np.asarray(group, dtype=np.int64)
    out = np.zeros(len(p), dtype=bool)
    tested = ~np.isnan(p)
    if not tested.any():
        return out
    # m counts every test of the family; only p ≤ q can ever pass (the largest threshold is q), so only those
    # are sorted — they are also the smallest of their family, so their rank among them is their rank in it
    m_all = np.bincount(group[tested], minlength=int(group.max()) + 1)  # group ids: small non-negative integers
    m_of = m_all[group]
    cand = np.flatnonzero(tested & (p <= q))
    if len(cand) == 0:
        return out
    g, pv = group[cand], p[cand]
    order = np.lexsort((pv, g))
    gs, ps, ms = g[order], pv[order], m_of[cand][order]
    gcode = np.cumsum(np.concatenate(([0], (gs[1:] != gs[:-1]).astype(np.int64))))  # sorted: runs are groups
    start = np.flatnonzero(np.concatenate(([True], gs[1:] != gs[:-1])))
    rank = np.arange(len(order)) - start[gcode] + 1
    passing = ps <= rank * q / ms
    kmax = np.zeros(len(start), dtype=np.int64)
    np.maximum.at(kmax, gcode, np.where(passing, rank, 0))
    out[cand[order]] = rank <= kmax[gcode]
    return out


def overdispersion(z, se, winsor: float = 0.1) -> tuple[float, float]:
    """Spiegelhalter's overdispersion of a funnel: (φ, τ²).

    z: the units' z-scores against the centre under the plain (sampling-only) limits; se: their sampling
    standard errors. φ = mean of the z² after winsorising z at the `winsor` and 1 − `winsor` quantiles;
    τ² = (I·φ − (I − 1)) / (Σw − Σw²/Σw), w = 1/se² (0 when I·φ ≤ I − 1): the between-unit variance that
    makes the winsorised spread what chance alone would give (Spiegelhalter 2005, additive random effects).
    Fewer than 3 units: (NaN, 0)."""
    z = np.asarray(z, dtype=float)
    se = np.asarray(se, dtype=float)
    ok = np.isfinite(z) & np.isfinite(se) & (se > 0)
    z, se = z[ok], se[ok]
    n = len(z)
    if n < 3:
        return float("nan"), 0.0
    lo, hi = np.quantile(z, [winsor, 1 - winsor])
    zw = np.clip(z, lo, hi)
    phi = float(np.mean(zw * zw))
    w = 1.0 / se ** 2
    denom = float(w.sum() - (w * w).sum() / w.sum())
    tau2 = max(0.0, (n * phi - (n - 1)) / denom) if denom > 0 else 0.0
    return phi, tau2
