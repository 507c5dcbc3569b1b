"""Q4 People: staff whose own posts resonate more (or less) than the official account's.

For each member of staff with their own account on a platform, over the month and its
three-month baseline: engagements per post of their posts (originals and quotes) against
the organisation's official account(s) on the same platform. Accounts come from the store
(`accounts.person`, `accounts.is_official`). Two-sided Mann–Whitney (stats.compare_values);
one finding per person and platform tested.

The measure: engagements per post per 1,000 followers (the account's followers on the day
of the post, from audience_daily), so a small personal account is not "worse" for being
small; when either side lacks follower counts for most posts, plain engagements per post
(the finding's `metric` says which). Not per impression: staff accounts rarely export
impressions.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from smi.insights.detectors._posts import (
    bar_chart,
    post_frame,
    times,
    window,
    window_words,
    with_followers,
)
from smi.insights.detectors.practice import platform_name
from smi.insights.engine import Context
from smi.insights.finding import Effect, Finding
from smi.insights.registry import detector
from smi.insights.stats import compare_values
from smi.metrics.tables import OFFICIAL

NAME = "people"
MIN_N = 10
KINDS = ("original", "quote")
PER_FOLLOWER = "engagements_per_post_per_1000_followers"
PER_POST = "engagements_per_post"


def _measure(mine: pd.DataFrame, official: pd.DataFrame) -> tuple[pd.Series, pd.Series, str]:
    """Per-post values of each side and the measure's name (see the module's docstring)."""
    def known(d: pd.DataFrame) -> pd.Series:
        return d.followers.notna() & (d.followers > 0)

    if known(mine).mean() >= 0.5 and known(official).mean() >= 0.5:
        m, o = mine[known(mine)], official[known(official)]
        return 1000 * m.engagements / m.followers, 1000 * o.engagements / o.followers, PER_FOLLOWER
    return mine.engagements.astype(float), official.engagements.astype(float), PER_POST


def _finding(ctx: Context, platform: str, person: str, mine: pd.DataFrame, official: pd.DataFrame,
             words: str) -> Finding | None:
    a, b, metric = _measure(mine, official)
    if len(a) < MIN_N or len(b) < MIN_N:
        return None
    c = compare_values(a.tolist(), b.tolist(), seed=ctx.seed)
    unit = "engagements per post per 1,000 followers" if metric == PER_FOLLOWER else "engagements per post"
    if c.ratio is None or c.ratio_ci is None:
        return None
    where = platform_name(platform)
    lo, hi = c.ratio_ci
    direction = "higher" if c.ratio >= 1 else "lower"
    own = ", ".join(sorted(mine.account_id.unique()))
    offi = ", ".join(sorted(official.account_id.unique()))
    summary = (f"{person}'s own {where} posts ({own}) got {times(c.ratio)} the {unit} of the "
               f"official account ({offi}): {c.mean_a:.1f} vs {c.mean_b:.1f} (95% CI {lo:.1f}–{hi:.1f}×; "
               f"{c.n_a} vs {c.n_b} posts, {words}).")
    if direction == "higher":
        rec = (f"{person}'s voice lands on {where}: share more of the organisation's news through them, "
               "or have the official account take up what works in their posts.")
    else:
        rec = (f"{person}'s {where} posts get less response than the official account's: "
               "keep their account for what only they can say, and post news on the official one.")
    evidence = [
        {"group": person, "posts": c.n_a, "mean": round(c.mean_a, 2)},
        {"group": "official account", "posts": c.n_b, "mean": round(c.mean_b, 2)},
    ]
    return Finding(
        detector=NAME, question="Q4",
        title=f"{where}: {person}'s posts {'resonate more' if direction == 'higher' else 'resonate less'}",
        summary=summary, metric=metric,
        subject={"dimension": "person", "value": person, "platform": platform},
        comparison=f"the official {where} account's posts ({offi}), {words}",
        direction=direction, effect=Effect("ratio", float(c.ratio)), ci=(float(lo), float(hi)),
        p_value=float(c.p_value), n=c.n_a, recommendation=rec, evidence=evidence,
        chart=bar_chart(f"{where}: {unit}", evidence, "group", "mean", f"mean {unit}"),
    )


@detector(name=NAME, question="Q4", min_n=MIN_N,
          description="Staff whose own posts get more or fewer engagements per post than the official "
                      "account on the same platform (month and three-month baseline).")
def people(ctx: Context) -> list[Finding]:
    period = window(ctx)
    posts = post_frame(ctx, period, KINDS)
    if posts.empty:
        return []
    posts = with_followers(ctx, posts[posts.engagements.notna() & posts.person.notna()])
    words = window_words(period)
    out: list[Finding] = []
    for platform, g in posts.groupby("platform", sort=True):
        official = g[g.person == OFFICIAL]
        if len(official) < MIN_N:
            continue
        staff: Any
        for person, staff in g[g.person != OFFICIAL].groupby("person", sort=True):
            if len(staff) < MIN_N:
                continue
            f = _finding(ctx, str(platform), str(person), staff, official, words)
            if f is not None:
                out.append(f)
    return out
