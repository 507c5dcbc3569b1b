"""The change detector's exposure test (impressions per post, the month against the three
months before): a least-squares model of each post's log impressions with the account and
the three months' trend (`stats.level_change`) instead of Mann–Whitney on the impressions.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps
from tests.insights.conftest import assert_states_catalogue_figures

from smi.insights.detectors.change import PREVIOUS_GATE, TREND_MONTHS
from smi.insights.engine import run_month
from smi.insights.stats import compare_values, level_change

# Benjamini–Hochberg's cutoff for the 10th smallest of 126 p-values at q = 0.05 (a month of the
# evaluation's worlds has ~126 tests and about ten findings): 0.05 * 10 / 126.
CUTOFF = 0.05 * 10 / 126


def test_level_change_is_least_squares_on_the_logs():
    # Independent code: the normal equations solved by numpy for log(value) on a constant, the
    # month indicator, the month index and an indicator of the second account; the t test and
    # interval of the month's coefficient written out.
    rng = np.random.default_rng(3)
    month = [("a" if i % 3 else "b", float(v)) for i, v in enumerate(rng.lognormal(5.5, 0.6, 17))]
    before = [("a" if i % 3 else "b", float(v), float(-1 - i % 3)) for i, v in enumerate(rng.lognormal(6, 0.6, 55))]
    c = level_change(month, before)
    rows = [(g, v, 0.0, 1.0) for g, v in month] + [(g, v, t, 0.0) for g, v, t in before]
    x = np.array([[1.0, m, t, 1.0 if g == "b" else 0.0] for g, _, t, m in rows])
    y = np.log([v for _, v, _, _ in rows])
    beta = np.linalg.solve(x.T @ x, x.T @ y)
    resid = y - x @ beta
    dof = len(y) - 4
    se = math.sqrt(float(resid @ resid) / dof * np.linalg.inv(x.T @ x)[1, 1])
    assert c is not None
    assert c.ratio == pytest.approx(math.exp(beta[1]), rel=1e-9)
    assert c.p_value == pytest.approx(2 * sps.t.sf(abs(beta[1]) / se, dof), rel=1e-6)
    h = sps.t.ppf(0.975, dof) * se
    assert c.ratio_ci == pytest.approx((math.exp(beta[1] - h), math.exp(beta[1] + h)), rel=1e-9)
    assert c.trend == pytest.approx(math.exp(beta[2]), rel=1e-9)
    assert (c.n_month, c.n_before) == (17, 55)


def test_one_period_before_has_no_trend_term():
    # The previous month alone: every post before at t = -1, so no trend can be fitted; the
    # ratio is then the ratio of the geometric means (one account), by hand.
    month = [("a", v) for v in (100.0, 200.0, 400.0)]
    before = [("a", v, -1.0) for v in (400.0, 800.0, 1600.0, 800.0)]
    c = level_change(month, before)
    assert c is not None and c.trend is None
    assert c.ratio == pytest.approx(200.0 / 800.0)


def _world_posts(seed: int) -> tuple[dict[str, list[tuple[str, float, float]]], str, float]:
    """The evaluation world `seed`-b's posts on the platform of its exposure drop, as (account,
    impressions, month index) by period: the last month (0), the previous one (-1), the three
    before the last (-3, -2, -1) and the four the detector fits its trend on (TREND_MONTHS).
    UTC months; the workspace uses Europe/London."""
    from smi.evaluation.run import UNTIL, _shift
    from smi.evaluation.world import generate

    w = generate(seed, "b", _shift(UNTIL, -(seed % 12)))
    (drop,) = [e for e in w.effects if e.type == "exposure_drop"]
    index = {_shift(w.last_month, -k): -float(k) for k in (0, *TREND_MONTHS)}
    out: dict[str, list[tuple[str, float, float]]] = {"month": [], "previous": [], "baseline": [], "trend": []}
    for p in w.posts:
        t = index.get(p["published_at"].strftime("%Y-%m"))
        if p["platform"] != drop.platform or not p["impressions"] or t is None:
            continue
        row = (p["account"], float(p["impressions"]), t)
        if t == 0:
            out["month"].append(row)
            continue
        out["trend"].append(row)
        if t >= -3:
            out["baseline"].append(row)
        if t == -1:
            out["previous"].append(row)
    return out, str(drop.platform), drop.size


def test_a_drop_the_rank_test_missed_on_a_held_out_seed():
    # Held-out world 2010-b (docs/accuracy.md, "Exposure drop on held-out seeds 2000-2019"):
    # Facebook's impressions x0.43 in April, 26 posts, the three months before rising with the
    # season. Before: Mann-Whitney against the previous month and the three months before, the
    # larger p the finding's: p = 0.044 in the engine, far above the month's cutoff; missed.
    posts, platform, planted = _world_posts(2010)
    assert platform == "facebook" and 20 <= len(posts["month"]) <= 30
    imp = {k: [v for _, v, _ in rows] for k, rows in posts.items()}
    old = max(compare_values(imp["month"], imp[k]).p_value for k in ("previous", "baseline"))
    assert old > CUTOFF
    month = [(g, v) for g, v, _ in posts["month"]]
    base = level_change(month, posts["trend"])
    prev = level_change(month, posts["previous"], trend=False)
    assert base is not None and prev is not None
    assert base.p_value < CUTOFF / 2  # the finding's test
    assert prev.ratio < 1 and prev.p_value < PREVIOUS_GATE  # the previous month agrees
    assert base.ratio_ci[0] < planted < base.ratio_ci[1]


def _month(rng: np.random.Generator, n: int, level: float, accounts: tuple[str, ...] = ("a", "b"),
           t: float | None = None) -> list[tuple]:
    """n posts with lognormal impressions (log spread 0.6) around `level`; account b's posts
    get 40% of account a's (two accounts of different sizes on one platform)."""
    out: list[tuple] = []
    for i in range(n):
        g = accounts[i % len(accounts)]
        v = float(level * (0.4 if g == "b" else 1.0) * rng.lognormal(0, 0.6))
        out.append((g, v) if t is None else (g, v, t))
    return out


def test_a_mild_drop_on_few_posts_is_found_more_often_than_by_the_rank_test():
    # 15 posts x0.45 against 15 a month before, exposure growing 5% a month, two accounts (the
    # evaluation's mildest planted drop on a LinkedIn-sized month). The model as the detector
    # fits it (level and trend from the four months before, TREND_MONTHS), gated by the
    # previous month; the rank test as before (the month against the three months before and
    # against the previous month, the larger p). By hand: with the log spread 0.6 the
    # forecast's sd is 0.6 * sqrt(1/60 + 2.5**2 / (60 * 1.25)) ~ 0.19 (level of 60 posts, slope
    # carried 2.5 months from their centre; var(t) = 1.25 for months -4..-1), the month's mean
    # 0.6 / sqrt(15) ~ 0.155, together 0.245; log(0.45) = -0.8 is 3.3 of them and the cutoff
    # needs |t| > ~2.9, so about 65% of months pass (normal approximation). Mann-Whitney also
    # meets the two accounts' mix as noise.
    rng = np.random.default_rng(7)
    new = old = 0
    runs = 200
    for _ in range(runs):
        before = [r for k in TREND_MONTHS[::-1] for r in _month(rng, 15, 1000 * 1.05 ** -k, t=-float(k))]
        month = _month(rng, 15, 1000 * 0.45)
        base = level_change(month, before)
        prev = level_change(month, [r for r in before if r[2] == -1.0], trend=False)
        assert base is not None and prev is not None
        new += base.p_value < CUTOFF and prev.p_value < PREVIOUS_GATE and base.ratio < 1
        a = [v for _, v in month]
        old += max(compare_values(a, [r[1] for r in before if r[2] >= -3]).p_value,
                   compare_values(a, [r[1] for r in before if r[2] == -1.0]).p_value) < CUTOFF
    assert new >= 0.5 * runs
    assert new >= old + 0.25 * runs


def test_no_change_with_a_trend_keeps_its_level():
    # Null: exposure grows 8% a month (followers and the season's rise), 20 posts a month on two
    # accounts. The trend model must reject about 5% of such months at 5% (binomial 95% range
    # for 300 at 5%: 8 to 24; 6 to 26 allowed); a comparison without the trend rejects far more
    # (the month sits 2 months of growth, ~17%, above the three months' average).
    rng = np.random.default_rng(2026)
    rejected = rejected_flat = 0
    runs = 300
    for _ in range(runs):
        before = [r for k in (3, 2, 1) for r in _month(rng, 20, 1000 * 1.08 ** -k, t=-float(k))]
        month = _month(rng, 20, 1000.0)
        c = level_change(month, before)
        flat = level_change(month, before, trend=False)
        assert c is not None and flat is not None
        rejected += c.p_value < 0.05
        rejected_flat += flat.p_value < 0.05
    assert 6 <= rejected <= 26
    assert rejected_flat > 2 * rejected


# -- through the detector, on the generated world of tests/insights/conftest.py -----------------

WORLD = "2025-06"


def test_the_finding_states_the_catalogue_figures_and_the_model_effect(make_world):
    # LinkedIn's impressions per post x0.35 in June (conftest's exposure_drop).
    ws = make_world(exposure_drop="linkedin")
    (li,) = [f for f in run_month(ws, WORLD, only=["change"]) if f.subject["value"] == "linkedin"]
    assert li.metric == "impressions_per_post" and li.direction == "lower"
    assert_states_catalogue_figures(ws, li, "linkedin", 1)
    assert li.effect.value == pytest.approx(0.35, abs=0.1)  # planted x0.35
