"""The shared statistics: checked against hand calculations and known answers."""

from __future__ import annotations

import numpy as np
import pytest

from smi.insights.stats import benjamini_hochberg, compare_rates, compare_values


def test_benjamini_hochberg_by_hand():
    # m = 4, sorted p: .01 .02 .03 .5 -> p*m/rank: .04 .04 .04 .5 ; step-up minimum from the top
    assert benjamini_hochberg([0.03, 0.5, 0.01, 0.02]) == pytest.approx([0.04, 0.5, 0.04, 0.04])
    assert benjamini_hochberg([]) == []
    assert benjamini_hochberg([0.9, 0.95]) == pytest.approx([0.95, 0.95])


def test_compare_values_finds_a_shift_and_not_noise():
    rng = np.random.default_rng(1)
    a = rng.normal(2.0, 0.5, 40)
    b = rng.normal(1.0, 0.5, 40)
    c = compare_values(a, b)
    assert c.p_value < 1e-6
    assert c.ratio == pytest.approx(a.mean() / b.mean())
    assert c.ratio_ci[0] < c.ratio < c.ratio_ci[1]
    same = compare_values(rng.normal(1, 0.5, 40), rng.normal(1, 0.5, 40))
    assert same.p_value > 0.05
    with pytest.raises(ValueError):
        compare_values([1.0], [1.0, 2.0])


def test_compare_rates_by_hand():
    # 30 events in 10 h vs 10 events in 10 h: conditional on 40, X ~ Bin(40, 0.5); ratio 3
    r = compare_rates(30, 10, 10, 10)
    assert r.ratio == pytest.approx(3.0)
    from scipy.stats import binom

    assert r.p_value == pytest.approx(min(1.0, 2 * binom.sf(29, 40, 0.5)))
    assert r.ratio_ci[0] < 3.0 < r.ratio_ci[1]
    assert compare_rates(10, 10, 10, 10).p_value == pytest.approx(1.0)


def test_compare_proportions_by_hand():
    from scipy.stats import fisher_exact

    from smi.insights.stats import compare_proportions, wilson_interval

    # 40 of 50 against 20 of 50: difference 0.4
    c = compare_proportions(40, 50, 20, 50)
    assert c.difference == pytest.approx(0.4)
    assert c.p_value == pytest.approx(fisher_exact([[40, 10], [20, 30]]).pvalue)
    assert c.p_value < 0.001
    assert c.difference_ci[0] < 0.4 < c.difference_ci[1]
    # Newcombe (1998), table II example: 56/70 vs 48/80 -> difference 0.2, CI 0.0524 to 0.3339
    n = compare_proportions(56, 70, 48, 80)
    assert n.difference_ci == pytest.approx((0.0524, 0.3339), abs=1e-4)
    # Wilson interval for 81/263 (Newcombe 1998, table I): 0.2553 to 0.3662
    assert wilson_interval(81, 263) == pytest.approx((0.2553, 0.3662), abs=1e-4)
    assert compare_proportions(5, 10, 5, 10).p_value == pytest.approx(1.0)
    with pytest.raises(ValueError):
        compare_proportions(3, 2, 1, 2)


def test_large_samples_use_the_normal_approximation_and_agree_with_the_bootstrap():
    from smi.insights import stats

    rng = np.random.default_rng(3)
    a, b = rng.exponential(2.0, 6_000), rng.exponential(1.5, 6_000)
    big = compare_values(a, b)  # 12,000 values: normal approximation
    assert len(a) + len(b) > stats.LARGE
    boot = compare_values(a[:4_000], b[:4_000])  # bootstrap, same populations
    assert big.ratio == pytest.approx(a.mean() / b.mean())
    se = np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    assert big.difference_ci == pytest.approx((big.difference - 1.96 * se, big.difference + 1.96 * se))
    # the two intervals have about the same width once scaled by sqrt(n)
    w_big = big.ratio_ci[1] - big.ratio_ci[0]
    w_boot = boot.ratio_ci[1] - boot.ratio_ci[0]
    assert w_big * np.sqrt(12_000) == pytest.approx(w_boot * np.sqrt(8_000), rel=0.15)


# -- daily series: level_shift and count_forecast ----------------------------------------------

def _days(n: int, start: str = "2025-03-03"):
    import pandas as pd

    return list(pd.date_range(start, periods=n, freq="D"))


def test_level_shift_recovers_a_planted_shift_by_hand():
    from smi.insights.stats import level_shift

    # y = 5 + 0.1 t + weekday bump (Saturday +4, Sunday +2), with tiny noise; the last 28 days +3:
    # the model is exactly the generating one, so the shift is 3 and the forecast the line without it
    rng = np.random.default_rng(0)
    days = _days(120)
    t = np.arange(120)
    bump = np.array([{5: 4.0, 6: 2.0}.get(d.day_of_week, 0.0) for d in days])
    y = 5 + 0.1 * t + bump + rng.normal(0, 0.01, 120)
    y[92:] += 3
    s = level_shift(days[:92], y[:92], days[92:], y[92:])
    assert s.shift == pytest.approx(3.0, abs=0.02)
    assert s.expected == pytest.approx(float(np.mean(5 + 0.1 * t[92:] + bump[92:])), abs=0.02)
    assert s.p_value < 1e-6 and s.shift_ci[0] < 3.0 < s.shift_ci[1]


def test_level_shift_is_honest_on_autocorrelated_days_where_independent_tests_are_not():
    # 200 null series: trend, weekly cycle and AR(1) noise (phi = 0.6), no change in the month.
    # Mann-Whitney on days (what the platforms detector did) rejects far above 5%; the
    # trend + weekday regression with AR(1) errors (GLS) stays near 5%.
    from smi.insights.stats import level_shift

    rng = np.random.default_rng(42)
    days = _days(122)
    wd = np.array([d.day_of_week for d in days])
    rejected_model = rejected_mw = 0
    for _ in range(200):
        e = np.zeros(122)
        for i in range(1, 122):
            e[i] = 0.6 * e[i - 1] + rng.normal()
        y = 10 + 0.03 * np.arange(122) + 1.5 * (wd >= 5) + e
        s = level_shift(days[:92], y[:92], days[92:], y[92:])
        rejected_model += s.p_value < 0.05
        rejected_mw += compare_values(y[92:], y[:92]).p_value < 0.05
    assert rejected_model / 200 <= 0.10
    assert rejected_mw / 200 >= 0.30


def test_level_shift_on_an_exact_line_is_no_evidence():
    from smi.insights.stats import level_shift

    # a constant gain a day: y = 7 every day; no noise and no shift
    days = _days(122)
    s = level_shift(days[:92], [7.0] * 92, days[92:], [7.0] * 30)
    assert s.p_value == 1.0 and s.shift == pytest.approx(0.0, abs=1e-9)


def test_count_forecast_follows_the_weekly_cycle():
    from smi.insights.stats import count_forecast

    # Poisson counts, 10 a weekday and 2 at weekends, no trend: the forecast for the month's
    # days should be near those means (by the generating model), and alpha near 0 (no extra variance)
    rng = np.random.default_rng(3)
    days = _days(122)
    mu = np.array([2.0 if d.day_of_week >= 5 else 10.0 for d in days])
    y = rng.poisson(mu)
    fc = count_forecast(days[:92], y[:92], days[92:])
    # a weekend level of 2 from 26 baseline weekend days has a standard error of
    # sqrt(2 / 26) = 0.28 (14%), and the trend term is extrapolated: 30% is about two errors
    assert np.allclose(fc.expected, mu[92:], rtol=0.3)
    weekday, weekend = fc.expected[mu[92:] == 10].mean(), fc.expected[mu[92:] == 2].mean()
    assert 3.5 < weekday / weekend < 6.5  # the cycle itself: 10 / 2 = 5
    assert fc.alpha < 0.05
