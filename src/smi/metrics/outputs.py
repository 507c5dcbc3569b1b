"""Outputs: what the organisation published (AMEC: outputs).

The counts, one name each, everywhere (`smi status`, `smi metric`, the report):
`published` = everything the accounts published (posts + replies + reposts);
`posts` = originals and quotes; `replies`; `reposts`. A source that does not say which
items are replies or reposts (Bluesky flat JSON) gives `published` only: the others are
not available there, not 0.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from smi.metrics.registry import Query, metric
from smi.metrics.tables import ratio

ALL_KINDS = ("original", "reply", "repost", "quote")


@metric(
    name="published",
    description="Everything the accounts published: posts (originals and quotes), replies and reposts.",
    formula="count(posts of every kind published in the period) = posts + replies + reposts",
    unit="items",
    inputs=("posts.published_at",),
    count=True,
)
def published(q: Query) -> ir.Value:
    return q.rows.count()


@metric(
    name="posts",
    description="Posts published: originals and quotes (not replies, not reposts).",
    formula="count(posts of kind original or quote published in the period)",
    unit="posts",
    inputs=("posts.kind",),
    kinds=("original", "quote"),
    count=True,
)
def posts(q: Query) -> ir.Value:
    return q.rows.count()


@metric(
    name="posts_per_week",
    description="Posts (originals and quotes) per week of the period.",
    formula="count(posts of kind original or quote) / (days in the period / 7)",
    unit="posts a week",
    inputs=("posts.kind",),
    kinds=("original", "quote"),
    count=True,
    exclude=("day", "week", "weekday", "hour"),
)
def posts_per_week(q: Query) -> ir.Value:
    n = q.rows.count().cast("float64")
    if "month" not in q.by:
        return n / ((q.period.end - q.period.start).days / 7)
    # Broken down by month: each month's own days inside the period.
    t = q.rows
    weeks = ibis.cases(*[(t.month == k, days / 7) for k, days in q.period.month_days().items()])
    return n / weeks.max()


@metric(
    name="replies",
    description="Replies published by the organisation's accounts.",
    formula="count(posts of kind reply published in the period); not available from exports that "
    "hold no replies of the organisation's (page and channel analytics)",
    unit="replies",
    inputs=("posts.replies",),
    kinds=("reply",),
    count=True,
)
def replies(q: Query) -> ir.Value:
    return q.rows.count()


@metric(
    name="reposts",
    description="Other accounts' posts shared as they are (retweets, boosts, reposts).",
    formula="count(posts of kind repost published in the period); not available from exports that "
    "hold no reposts",
    unit="reposts",
    inputs=("posts.reposts",),
    kinds=("repost",),
    count=True,
)
def reposts(q: Query) -> ir.Value:
    return q.rows.count()


def _share(kinds: tuple[str, ...]):  # -> MetricFn
    def fn(q: Query) -> ir.Value:
        t = q.rows
        hits = t.kind.isin(list(kinds)).cast("int64").sum()
        return ratio(hits, t.count())

    return fn


for _kinds, _label in ((("original", "quote"), "original"), (("reply",), "reply"), (("repost",), "repost")):
    metric(
        name=f"share_{_label}",
        description=f"Share of everything published that is {'an original post (or quote)' if _label == 'original' else 'a ' + _label}.",
        formula=f"count(posts of kind {' or '.join(_kinds)}) / count(all posts, replies and reposts)",
        unit="share (0–1)",
        inputs=("posts.kind",),
        higher_is_better=None,
    )(_share(_kinds))
