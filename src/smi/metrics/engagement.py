"""Engagement: what people did with the posts (AMEC: out-takes)."""

from __future__ import annotations

from typing import Any

import ibis

from smi.metrics.period import Period
from smi.metrics.registry import metric
from smi.metrics.tables import aggregate, latest_metrics, posts_in, with_month

# Reposts carry the original post's numbers, not the organisation's: leave them out.
OWN_KINDS = ("original", "quote", "reply")


def post_engagements(con: Any, period: Period) -> ibis.Table:
    """Each post published in the period (reposts excluded) with its latest snapshot's
    `engagements` (reactions + comments + shares; NULL if all three are NULL; a missing
    one of the three counts as nothing) and `impressions`."""
    posts = posts_in(con, period, OWN_KINDS)
    m = latest_metrics(con)
    j = posts.left_join(m, posts.post_key == m.post_key)
    r, c, s = j.reactions, j.comments, j.shares
    none = r.isnull() & c.isnull() & s.isnull()
    total = r.fill_null(0) + c.fill_null(0) + s.fill_null(0)
    eng = ibis.ifelse(none, ibis.null().cast("int64"), total)
    return j.select(
        *[posts[name] for name in posts.columns],
        observed_at=j.observed_at,
        reactions=r,
        comments=c,
        shares=s,
        impressions=j.impressions,
        engagements=eng,
    )


@metric(
    name="engagements",
    description="Reactions, comments and shares on the posts published in the period.",
    formula=(
        "sum(reactions + comments + shares) over posts published in the period (reposts "
        "excluded), latest snapshot per post; a post with none of the three adds nothing; "
        "no value at all = not available"
    ),
    unit="engagements",
    inputs=("post_metrics.reactions", "post_metrics.comments", "post_metrics.shares"),
)
def engagements(con: Any, period: Period, by: tuple[str, ...] = ()) -> ibis.Table:
    p = with_month(post_engagements(con, period), "published_at", period, by)
    return aggregate(p, by, p.engagements.sum())


@metric(
    name="impressions",
    description="Times the posts published in the period were shown on screen.",
    formula=(
        "sum(impressions) over posts published in the period (reposts excluded), latest "
        "snapshot per post; no value at all = not available"
    ),
    unit="impressions",
    inputs=("post_metrics.impressions",),
)
def impressions(con: Any, period: Period, by: tuple[str, ...] = ()) -> ibis.Table:
    p = with_month(post_engagements(con, period), "published_at", period, by)
    return aggregate(p, by, p.impressions.sum())
