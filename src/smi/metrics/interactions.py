"""Interactions: what people said to the organisation (comments, mentions, messages)."""

from __future__ import annotations

from typing import Any

import ibis

from smi.metrics.period import Period
from smi.metrics.registry import metric
from smi.metrics.tables import aggregate, in_period, with_month


@metric(
    name="inbound_interactions",
    description="Comments, replies, mentions, messages and reviews from others.",
    formula="count(interactions with from_organisation = false created in the period)",
    unit="interactions",
    inputs=("interactions.from_organisation",),
    count=True,
    by=("platform", "month"),
)
def inbound_interactions(con: Any, period: Period, by: tuple[str, ...] = ()) -> ibis.Table:
    t = with_month(in_period(con.table("interactions"), "created_at", period), "created_at", period, by)
    t = t.filter(t.from_organisation == ibis.literal(False))
    return aggregate(t, by, t.count())
