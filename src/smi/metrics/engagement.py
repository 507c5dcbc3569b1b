"""Engagement: what people did with the posts (AMEC: out-takes).

Engagements are the same four numbers on every platform, so rates compare across them:
reactions + comments + shares + saves (a part the platform does not give counts as
nothing; none of the four = not available). What each platform calls them is in
PLATFORM_TERMS. Clicks are not engagements here: they have their own rate. Where a
platform defines its own figure differently, it joins the catalogue under the platform's
name beside the cross-platform one (`linkedin_engagement_rate`: LinkedIn counts clicks).

Rates come in two forms, because vendors disagree: the ratio of sums (total engagements /
total impressions, over the posts that have both) and the mean of per-post ratios
(`…_mean`). Both count only posts that carry both numbers; a zero denominator is NULL.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from smi.metrics.exposure import OWN_KINDS
from smi.metrics.period import Period
from smi.metrics.registry import Query, metric
from smi.metrics.tables import grain_rows, ratio

PARTS = ("reactions", "comments", "shares", "saves")
PLATFORM_TERMS = {
    "x": "likes + retweets (the archive gives no reply, quote or bookmark counts)",
    "facebook": "reactions + comments + shares",
    "instagram": "likes + comments + shares + saves",
    "linkedin": "reactions (likes) + comments + reposts",
    "youtube": "likes + comments + shares",
    "mastodon": "favourites + replies + boosts",
    "bluesky": "likes + replies + reposts",
}
ENGAGEMENT_TEXT = "engagements = reactions + comments + shares + saves (" + "; ".join(
    f"{p}: {t}" for p, t in PLATFORM_TERMS.items()
) + ")"
FOLLOWER_WINDOW_DAYS = 7


def engagement_value(t: ir.Table) -> ir.Value:
    """Per row: reactions + comments + shares + saves; NULL when all four are NULL."""
    none = t.reactions.isnull() & t.comments.isnull() & t.shares.isnull() & t.saves.isnull()
    total = sum((t[p].fill_null(0) for p in PARTS[1:]), t.reactions.fill_null(0))
    return ibis.ifelse(none, ibis.null().cast("int64"), total)


def post_engagements(con: Any, period: Period) -> ir.Table:
    """Each post published in the period (reposts excluded) with its latest snapshot's
    numbers and `engagements` (see engagement_value)."""
    t = grain_rows(con, "posts", period, where=lambda t: t.kind.isin(list(OWN_KINDS)))
    return t.mutate(engagements=engagement_value(t))


POST_ROW_COLUMNS = ("post_key", "platform", "account_id", "person", "kind", "format", "language", "labels",
                    "weekday", "hour", "impressions", "reach", "views", "reactions", "comments", "shares",
                    "saves", "clicks", "video_views", "engagements")


def post_rows(con: Any, period: Period, platform: str | None = None) -> list[dict[str, Any]]:
    """The posts grain as plain rows, for code that judges posts one by one (the change and
    success detectors, experiments): each post the per-post metrics count (`post_engagements`:
    reposts excluded, latest snapshot) published in the period, with its person ('official'
    for the organisation's accounts), local weekday (1 = Monday) and hour, its numbers and
    `engagements` as the catalogue sums them; NULL numbers are None. Ordered by post_key."""
    t = grain_rows(con, "posts", period, ("weekday", "hour"), (platform,) if platform else None,
                   where=lambda t: t.kind.isin(list(OWN_KINDS)))
    t = t.mutate(engagements=engagement_value(t))
    df = t.select(*POST_ROW_COLUMNS).order_by("post_key").to_pandas()
    rows = df.astype(object).where(df.notna(), None).to_dict("records")
    for r in rows:
        r["labels"] = None if r["labels"] is None else [str(x) for x in r["labels"]]
    return rows


def with_followers(q: Query, t: ir.Table) -> ir.Table:
    """Add `followers`: the account's followers on the post's local day, or the latest
    value in the days before it (FOLLOWER_WINDOW_DAYS, from audience_daily); else NULL."""
    a = q.con.table("audience_daily")
    a = a.filter(a.followers.notnull()).select(_acc=a.account_id, _date=a.date, _followers=a.followers)
    p = t.select(_key=t.post_key, _pacc=t.account_id, _day=t.published_at.date()).distinct()
    j = p.join(
        a,
        (p._pacc == a._acc)
        & (a._date <= p._day)
        & (a._date > p._day - ibis.interval(days=FOLLOWER_WINDOW_DAYS)),
    )
    rn = ibis.row_number().over(group_by=j._key, order_by=ibis.desc(j._date))
    best = j.mutate(_rn=rn).filter(lambda x: x._rn == 0).select(_k=j._key, followers=j._followers)
    out = t.left_join(best, t.post_key == best._k)
    return out.select(*[out[c] for c in t.columns], followers=out.followers)


def _rows(q: Query, denominator: str) -> ir.Table:
    """The posts with `engagements` and, when it is the denominator, `followers`."""
    t = q.rows.mutate(engagements=engagement_value(q.rows))
    if denominator == "followers":
        t = with_followers(q, t)
    return t


def _ratio_of_sums(q: Query, num: str, den: str) -> ir.Table:
    t = _rows(q, den)
    both = t[num].notnull() & t[den].notnull()
    value = ratio(t[num].cast("float64").sum(where=both), t[den].cast("float64").sum(where=both))
    return q.aggregate(value, t)


def _mean_ratio(q: Query, num: str, den: str) -> ir.Table:
    t = _rows(q, den)
    return q.aggregate(ratio(t[num], t[den]).mean(), t)


DENOMINATORS = {
    "impressions": ("post_metrics.impressions", "Engagements per impression", "Buffer and Later"),
    "reach": ("post_metrics.reach", "Engagements per person reached", "Metricool, Meta"),
    "followers": ("audience_daily.followers", "Engagements per follower on the posting day", "Emplifi"),
}
ENGAGEMENT_INPUTS = tuple(f"post_metrics.{p}" for p in PARTS)
FOLLOWERS_TEXT = (
    f"followers = the account's followers on the post's local day, or the latest in the "
    f"{FOLLOWER_WINDOW_DAYS - 1} days before (audience_daily)"
)


def _define_rates() -> None:
    for den, (inp, what, who) in DENOMINATORS.items():
        day = f"; {FOLLOWERS_TEXT}" if den == "followers" else ""
        requires = (ENGAGEMENT_INPUTS, (inp,))
        series = (inp,) if den == "followers" else ()  # followers on each posting day
        metric(
            name=f"engagement_rate_{den}",
            description=f"{what}: total over total, as {who} compute it.",
            formula=(
                f"sum(engagements) / sum({den}) over posts published in the period (reposts "
                f"excluded) that have both; {ENGAGEMENT_TEXT}{day}"
            ),
            unit="ratio",
            inputs=(*ENGAGEMENT_INPUTS, inp),
            requires=requires,
            series=series,
            kinds=OWN_KINDS,
        )(lambda q, den=den: _ratio_of_sums(q, "engagements", den))
        metric(
            name=f"engagement_rate_{den}_mean",
            description=f"{what}: the mean of each post's own rate.",
            formula=(
                f"mean over posts published in the period (reposts excluded) with both numbers "
                f"and {den} > 0 of engagements / {den}; {ENGAGEMENT_TEXT}{day}"
            ),
            unit="ratio",
            inputs=(*ENGAGEMENT_INPUTS, inp),
            requires=requires,
            series=series,
            kinds=OWN_KINDS,
        )(lambda q, den=den: _mean_ratio(q, "engagements", den))


@metric(
    name="engagements",
    description="Reactions, comments, shares and saves on the posts published in the period.",
    formula=(
        f"sum(engagements) over posts published in the period (reposts excluded), latest "
        f"snapshot per post; {ENGAGEMENT_TEXT}; a missing part counts as nothing; no value "
        f"at all = not available"
    ),
    unit="engagements",
    inputs=ENGAGEMENT_INPUTS,
    kinds=OWN_KINDS,
)
def engagements(q: Query) -> ir.Value:
    return engagement_value(q.rows).sum()


@metric(
    name="engagements_per_post",
    description="Average engagements of a post that has engagement numbers.",
    formula=f"mean(engagements) over posts published in the period (reposts excluded) that have any; {ENGAGEMENT_TEXT}",
    unit="engagements a post",
    inputs=ENGAGEMENT_INPUTS,
    kinds=OWN_KINDS,
)
def engagements_per_post(q: Query) -> ir.Value:
    return engagement_value(q.rows).mean()


_define_rates()

# Kaushik (2011): conversation, amplification and applause rates, per post and per follower.
KAUSHIK = {
    "conversation": ("comments", "Comments (replies) from the audience"),
    "amplification": ("shares", "Shares (retweets, reposts, boosts)"),
    "applause": ("reactions", "Reactions (likes, favourites)"),
}


def _define_kaushik() -> None:
    for name, (col, what) in KAUSHIK.items():
        metric(
            name=f"{name}_rate",
            description=f"{what} per post (Kaushik's {name} rate).",
            formula=(
                f"sum({col}) / count(posts with a {col} number), over posts published in the "
                f"period (reposts excluded)"
            ),
            unit=f"{col} a post",
            inputs=(f"post_metrics.{col}",),
            kinds=OWN_KINDS,
        )(lambda q, col=col: ratio(q.rows[col].sum(), q.rows[col].count()))
        metric(
            name=f"{name}_rate_followers",
            description=f"{what} per follower (Kaushik's {name} rate, per follower).",
            formula=(
                f"sum({col}) / sum(followers on the posting day) over posts published in the "
                f"period (reposts excluded) that have both; {FOLLOWERS_TEXT}"
            ),
            unit="ratio",
            inputs=(f"post_metrics.{col}", "audience_daily.followers"),
            requires=((f"post_metrics.{col}",), ("audience_daily.followers",)),
            series=("audience_daily.followers",),
            kinds=OWN_KINDS,
        )(lambda q, col=col: _ratio_of_sums(q, col, "followers"))


_define_kaushik()

# Other per-post rates: ratio of sums over posts that have both numbers.
RATES = {
    "click_through_rate": ("clicks", "impressions", "Clicks per impression (link, media and profile clicks as the platform counts them)."),
    "video_view_rate": ("video_views", "impressions", "Video views per impression, over posts with video view numbers."),
    "saves_rate": ("saves", "reach", "Saves (bookmarks) per person reached."),
}


def _define_rates_other() -> None:
    for name, (num, den, description) in RATES.items():
        metric(
            name=name,
            description=description,
            formula=(
                f"sum({num}) / sum({den}) over posts published in the period (reposts excluded) "
                f"that have both"
            ),
            unit="ratio",
            inputs=(f"post_metrics.{num}", f"post_metrics.{den}"),
            requires=((f"post_metrics.{num}",), (f"post_metrics.{den}",)),
            kinds=OWN_KINDS,
        )(lambda q, num=num, den=den: _ratio_of_sums(q, num, den))


_define_rates_other()


# Platforms' own definitions, beside the cross-platform ones, for comparing with their dashboards.
LINKEDIN_PARTS = ("clicks", "reactions", "comments", "shares")
LINKEDIN_TEXT = (
    "LinkedIn's engagement = clicks + reactions + comments + reposts (+ follows, which smi does "
    "not store: an export with a Follows column counts them in its own rate)"
)


def _linkedin_rows(q: Query) -> ir.Table:
    t = q.rows
    none = t.clicks.isnull() & t.reactions.isnull() & t.comments.isnull() & t.shares.isnull()
    total = sum((t[p].fill_null(0) for p in LINKEDIN_PARTS[1:]), t.clicks.fill_null(0))
    return t.mutate(li_engagements=ibis.ifelse(none, ibis.null().cast("int64"), total))


def _linkedin_rate(q: Query) -> ir.Table:
    t = _linkedin_rows(q)
    both = t.li_engagements.notnull() & t.impressions.notnull()
    value = ratio(t.li_engagements.cast("float64").sum(where=both), t.impressions.cast("float64").sum(where=both))
    return q.aggregate(value, t)


def _linkedin_rate_mean(q: Query) -> ir.Table:
    t = _linkedin_rows(q)
    return q.aggregate(ratio(t.li_engagements, t.impressions).mean(), t)


LINKEDIN_INPUTS = (*(f"post_metrics.{p}" for p in LINKEDIN_PARTS), "post_metrics.impressions")
LINKEDIN_REQUIRES = (tuple(f"post_metrics.{p}" for p in LINKEDIN_PARTS), ("post_metrics.impressions",))
metric(
    name="linkedin_engagement_rate",
    description="LinkedIn's own engagement rate (clicks count as engagement): total over total.",
    formula=(
        f"sum(LinkedIn engagements) / sum(impressions) over LinkedIn posts published in the "
        f"period (reposts excluded) that have both; {LINKEDIN_TEXT}"
    ),
    unit="ratio", inputs=LINKEDIN_INPUTS, requires=LINKEDIN_REQUIRES, kinds=OWN_KINDS, only=("linkedin",),
)(_linkedin_rate)
metric(
    name="linkedin_engagement_rate_mean",
    description=(
        "LinkedIn's own engagement rate (clicks count as engagement): the mean of each post's "
        "rate, the export's `Engagement rate` column."
    ),
    formula=(
        f"mean over LinkedIn posts published in the period (reposts excluded) with both numbers "
        f"and impressions > 0 of LinkedIn engagements / impressions; {LINKEDIN_TEXT}"
    ),
    unit="ratio", inputs=LINKEDIN_INPUTS, requires=LINKEDIN_REQUIRES, kinds=OWN_KINDS, only=("linkedin",),
)(_linkedin_rate_mean)
