"""Outputs: what the organisation published (AMEC: outputs)."""

from __future__ import annotations

from typing import Any

import ibis

from smi.metrics.period import Period
from smi.metrics.registry import metric
from smi.metrics.tables import aggregate, posts_in, with_month


def _count(con: Any, period: Period, by: tuple[str, ...], kinds: tuple[str, ...]) -> ibis.Table:
    posts = with_month(posts_in(con, period, kinds), "published_at", period, by)
    return aggregate(posts, by, posts.count())


@metric(
    name="posts",
    description="Posts published: originals and quotes (not replies, not reposts).",
    formula="count(posts of kind original or quote published in the period)",
    unit="posts",
    inputs=("posts.kind",),
    count=True,
)
def posts(con: Any, period: Period, by: tuple[str, ...] = ()) -> ibis.Table:
    return _count(con, period, by, ("original", "quote"))


@metric(
    name="replies",
    description="Replies published by the organisation's accounts.",
    formula="count(posts of kind reply published in the period)",
    unit="replies",
    inputs=("posts.kind",),
    count=True,
)
def replies(con: Any, period: Period, by: tuple[str, ...] = ()) -> ibis.Table:
    return _count(con, period, by, ("reply",))


@metric(
    name="reposts",
    description="Other accounts' posts shared as they are (retweets, boosts, reposts).",
    formula="count(posts of kind repost published in the period)",
    unit="reposts",
    inputs=("posts.kind",),
    count=True,
)
def reposts(con: Any, period: Period, by: tuple[str, ...] = ()) -> ibis.Table:
    return _count(con, period, by, ("repost",))
