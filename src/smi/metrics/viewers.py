"""Viewers: who watched an account's videos, day by day (TikTok Studio gives it).

Daily viewers are people counted once a day: summed over days they are viewer-days, not
people, so the metrics here are shares and sums of views, never "people reached".
"""

from __future__ import annotations

import ibis.expr.types as ir

from smi.metrics.registry import Query, metric
from smi.metrics.tables import ratio

DAY_DIMS = ("platform", "account_id", "person", "weekday", "day", "week", "month")


@metric(
    name="returning_viewer_share",
    description="Share of the daily viewers who had watched the account before.",
    formula=(
        "sum(returning viewers) / sum(total viewers) over the days with both (audience_daily, "
        "TikTok Studio's Viewers); no such day = not available"
    ),
    unit="ratio",
    inputs=("audience_daily.returning_viewers",),
    grain="audience_daily",
    by=DAY_DIMS,
    higher_is_better=None,
)
def returning_viewer_share(q: Query) -> ir.Value:
    t = q.rows
    both = t.returning_viewers.notnull() & t.viewers.notnull()
    return ratio(t.returning_viewers.sum(where=both), t.viewers.sum(where=both))


@metric(
    name="account_video_views",
    description="Video views across the account, as the platform counts them per day.",
    formula="sum(views) over the days of the period (audience_daily, TikTok Studio's Overview); none = not available",
    unit="views",
    inputs=("audience_daily.views",),
    grain="audience_daily",
    by=DAY_DIMS,
)
def account_video_views(q: Query) -> ir.Value:
    return q.rows.views.sum()
