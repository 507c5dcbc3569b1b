"""Voice: how the staff who post as themselves do, next to the official accounts.

Break these down by `person` (a member of staff's own accounts; `official` for the
organisation's) or `account_id`. Posts are originals, quotes and replies (reposts carry
someone else's numbers). `posts` and `engagements_per_post` (outputs, engagement) give the
volume and the plain average; this family adds reach per post and the comparisons.

"Relative to the official accounts" compares each post with the official accounts' average
on the same platform (and in the same day, week or month when broken down by one):

    ratio = sum(the group's numbers) / sum over the same posts of the official average
            on the post's platform

For a group on one platform that is simply (its average) / (the official average); for a
person on two platforms each post is weighed against its own platform. A post counts only
when it has the number and its platform has an official average; otherwise NULL. A ratio of
1.5 means the group's posts do 1.5 times as well as the official accounts' posts.
"""

from __future__ import annotations

import ibis.expr.types as ir

from smi.metrics.engagement import ENGAGEMENT_INPUTS, engagement_value
from smi.metrics.exposure import OWN_KINDS
from smi.metrics.registry import Query, metric
from smi.metrics.tables import OFFICIAL, ratio

BUCKETS = ("day", "week", "month")


@metric(
    name="reach_per_post",
    description="Average reach of a post that has a reach number.",
    formula="sum(reach) / count(posts with a reach number), posts published in the period "
    "(reposts excluded), latest snapshot per post",
    unit="people a post",
    inputs=("post_metrics.reach",),
    kinds=OWN_KINDS,
)
def reach_per_post(q: Query) -> ir.Value:
    return ratio(q.rows.reach.sum(), q.rows.reach.count())


def _vs_official(q: Query, number: str) -> ir.Table:
    t = q.rows
    t = t.mutate(_n=engagement_value(t) if number == "engagements" else t[number])
    keys = ("platform", *[d for d in q.by if d in BUCKETS])
    off = q.grain(
        "posts", lambda x: x.kind.isin(list(OWN_KINDS)) & (x.person == OFFICIAL), by=keys[1:]
    )
    off = off.mutate(_n=engagement_value(off) if number == "engagements" else off[number])
    base = off.group_by(list(keys)).aggregate(_base=ratio(off._n.sum(), off._n.count()))
    base = base.rename({f"_b_{k}": k for k in keys})
    j = t.left_join(base, [t[k] == base[f"_b_{k}"] for k in keys])
    both = j._n.notnull() & j._base.notnull()
    return q.aggregate(ratio(j._n.cast("float64").sum(where=both), j._base.sum(where=both)), j)


for _number, _inputs, _what in (
    ("engagements", ENGAGEMENT_INPUTS, "engagements"),
    ("reach", ("post_metrics.reach",), "reach"),
):
    metric(
        name=f"{_number}_per_post_vs_official",
        description=f"Average {_what} of a post relative to the official accounts' posts on "
        "the same platform (1 = as well as them).",
        formula=f"sum({_number}) / sum(official accounts' mean {_number} a post on the post's "
        "platform), over posts published in the period (reposts excluded) that have the number "
        "and whose platform has official posts with it; per day/week/month when broken down so",
        unit="ratio",
        inputs=(*_inputs, "posts.account_id"),
        requires=(_inputs,),
        kinds=OWN_KINDS,
        exclude=("label",),
    )(lambda q, number=_number: _vs_official(q, number))
