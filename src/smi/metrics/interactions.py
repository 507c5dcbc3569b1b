"""Interactions: what people said to the organisation (comments, mentions, messages)."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from smi.metrics.registry import Query, metric


@metric(
    name="inbound_interactions",
    description="Comments, replies, mentions, messages and reviews from others.",
    formula="count(interactions with from_organisation = false created in the period)",
    unit="interactions",
    inputs=("interactions.from_organisation",),
    grain="interactions",
    where=lambda t: t.from_organisation == ibis.literal(False),
    count=True,
)
def inbound_interactions(q: Query) -> ir.Value:
    return q.rows.count()
