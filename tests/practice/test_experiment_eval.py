"""Experiments judged on the demo data: a planted effect is "worked", none is not.

The demo plants "videos on Instagram get 1.8x the engagement per impression" and
"bilingual (cy+en) posts on Facebook get 1.6x" (src/smi/demo/effects.py, data/manifest.json).
The window is the last quarter of the demo (April to June 2025), chosen before looking.
"""

from __future__ import annotations

import pytest

from smi.demo import build_demo
from smi.practice.evaluate import evaluate_experiments, judge
from smi.practice.experiments import start_experiment

WINDOW = ("2025-04-01", "2025-06-30")
CASES = {  # title: (subject, platform)
    "Instagram video": ("format=video", "instagram"),
    "Facebook bilingual": ("language=cy+en", "facebook"),
    "Facebook video": ("format=video", "facebook"),  # nothing planted
}


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory):
    out = {}
    for effects in (True, False):
        res = build_demo(tmp_path_factory.mktemp(f"demo{effects}"), seed=7, until="2025-06", effects=effects)
        ws = res.workspace
        for title, (subject, platform) in CASES.items():
            start_experiment(ws, title, hypothesis=None, metric="engagement_rate_impressions",
                             subject=subject, from_=WINDOW[0], to=WINDOW[1], platform=platform)
        start_experiment(ws, "Still running", hypothesis=None, metric="engagement_rate_impressions",
                         subject="format=video", from_="2025-06-01", to="2025-07-31", platform="instagram")
        rows = evaluate_experiments(ws, "2025-06")
        # The organisation's experiment counts its official account's posts: instagram:theatrglanymor
        # (src/smi/demo/organisation.toml); Elin Prys's own account (instagram:elin.prys) is hers.
        check = ws.store.rows(
            "SELECT count(*) FILTER (p.account_id = 'instagram:theatrglanymor') AS n, "
            "count(*) FILTER (p.account_id = 'instagram:elin.prys') AS n_staff, "
            "avg((coalesce(m.reactions, 0) + coalesce(m.comments, 0) + coalesce(m.shares, 0) "
            "+ coalesce(m.saves, 0)) / m.impressions) FILTER (p.account_id = 'instagram:theatrglanymor') AS mean "
            "FROM posts p JOIN (SELECT * FROM post_metrics "
            "QUALIFY row_number() OVER (PARTITION BY post_key ORDER BY observed_at DESC) = 1) m USING (post_key) "
            "WHERE p.platform = 'instagram' AND p.format = 'video' AND p.kind <> 'repost' AND m.impressions > 0 "
            "AND timezone('Europe/London', p.published_at)::DATE BETWEEN ? AND ?", list(WINDOW))[0]
        out[effects] = ({r["title"]: r for r in rows}, check)
        ws.close()
    return out


@pytest.mark.slow
def test_planted_effects_worked(verdicts):
    rows, check = verdicts[True]
    for title in ("Instagram video", "Facebook bilingual"):
        r = rows[title]["result"]
        assert rows[title]["verdict"] == "worked", (title, r)
        assert rows[title]["status"] == "ended"
        assert r["ratio"] > 1.3 and r["ratio_ci95"][0] > 1 and r["p_value"] < 0.05
    assert rows["Facebook video"]["verdict"] != "worked"
    # The subject's sample and mean agree with a query written independently of evaluate.py.
    ig = rows["Instagram video"]["result"]
    assert ig["n_subject"] == check["n"] == 22  # before: 26, the 4 of Elin Prys's own account summed in
    assert check["n_staff"] == 4
    assert ig["mean_subject"] == pytest.approx(check["mean"])


@pytest.mark.slow
def test_without_effects_nothing_worked(verdicts):
    rows, _ = verdicts[False]
    for title in CASES:
        assert rows[title]["verdict"] != "worked", (title, rows[title]["result"])


@pytest.mark.slow
def test_running_experiment_is_not_judged(verdicts):
    r = verdicts[True][0]["Still running"]
    assert r["status"] == "running" and r["verdict"] is None and r["result"] is None


def test_judge_rules():
    same = [0.04, 0.05, 0.06] * 4
    assert judge(same[:9], same)["verdict"] == "too little data"
    assert judge(same, same)["verdict"] == "no detectable effect"
    high = [v * 2 for v in same]
    assert judge(high, same)["verdict"] == "worked"
    assert judge(same, high)["verdict"] == "worse"
    assert judge(same, high, higher_is_better=False)["verdict"] == "worked"
    r = judge(high, same)
    assert r["ratio"] == pytest.approx(2.0) and r["n_subject"] == 12
    assert judge(high, same) == r  # the bootstrap is seeded: same data, same result
