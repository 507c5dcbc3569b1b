"""Which platforms can give each metric: the canonical columns each platform's exports fill.

Sources declare the tables they fill (`Source.provides`); which *columns* they fill is
kept here, in one place, from each source's mapping (its module docstring). A metric is
available on a platform when the platform fills one input of each group the metric
`requires`. The canonical CSV can carry any column for any platform: it is not counted.

tests/metrics/test_availability.py checks this against the sources' declared tables.
"""

from __future__ import annotations

from smi.metrics.registry import Metric
from smi.platforms import PLATFORMS

# Posts columns every post source fills (language is detected after import).
_POSTS = ("posts.kind", "posts.format", "posts.account_id", "posts.language", "posts.text")
_INTERACTIONS = (
    "interactions.kind", "interactions.from_organisation", "interactions.in_reply_to",
    "interactions.text", "interactions.created_at", "interactions.language",
)

# platform -> (the columns its exports and APIs fill, the sources that fill them)
PLATFORM_COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "x": (
        (*_POSTS, "post_metrics.reactions", "post_metrics.shares", "audience_daily.followers",
         *_INTERACTIONS),
        ("x_archive", "twcs_csv", "twitter_care_json"),
    ),
    "facebook": (
        (*_POSTS, "posts.labels", "post_metrics.views", "post_metrics.reach", "post_metrics.impressions",
         "post_metrics.reactions", "post_metrics.comments", "post_metrics.shares", "post_metrics.clicks",
         "post_metrics.video_views", "post_metrics.watch_time_seconds",
         "audience_daily.gained", "audience_daily.visits"),
        ("meta_facebook_posts", "meta_facebook_page"),
    ),
    "instagram": (
        (*_POSTS, "post_metrics.views", "post_metrics.reach", "post_metrics.impressions",
         "post_metrics.reactions", "post_metrics.comments", "post_metrics.shares", "post_metrics.saves"),
        ("meta_instagram_posts",),
    ),
    "linkedin": (
        (*_POSTS, "post_metrics.impressions", "post_metrics.reactions", "post_metrics.comments",
         "post_metrics.shares", "post_metrics.clicks", "post_metrics.video_views",
         "audience_daily.gained", "audience_daily.visits"),
        ("linkedin_page",),
    ),
    "youtube": (
        (*_POSTS, "post_metrics.views", "post_metrics.video_views", "post_metrics.impressions",
         "post_metrics.reactions", "post_metrics.comments", "post_metrics.shares",
         "post_metrics.watch_time_seconds", "audience_daily.gained", "audience_daily.lost"),
        ("youtube_studio",),
    ),
    "tiktok": (
        (*_POSTS, "post_metrics.views", "post_metrics.video_views", "post_metrics.reactions",
         "post_metrics.comments", "post_metrics.shares", "audience_daily.followers", "audience_daily.visits",
         "audience_daily.viewers", "audience_daily.new_viewers", "audience_daily.returning_viewers",
         "audience_daily.views"),
        ("tiktok_studio",),
    ),
    "mastodon": (
        (*_POSTS, "post_metrics.reactions", "post_metrics.comments", "post_metrics.shares",
         "audience_daily.followers", *_INTERACTIONS),
        ("mastodon_archive", "mastodon_api"),
    ),
    "bluesky": (
        (*_POSTS, "post_metrics.reactions", "post_metrics.comments", "post_metrics.shares",
         *_INTERACTIONS),
        ("bluesky_car", "bluesky_posts_json", "bluesky_api"),
    ),
}

# Filled for every platform from outside the platform: time logs and the profile.
EVERYWHERE = (
    "effort.minutes", "effort.person", "effort.date", "effort.platform", "effort.activity",
    "people.cost_per_hour", "accounts.person", "accounts.is_official",
)


def held(platform: str) -> set[str]:
    """The canonical columns smi's importers fill for `platform`."""
    cols = PLATFORM_COLUMNS.get(platform, ((), ()))[0]
    return {*cols, *EVERYWHERE}


def platforms_for(m: Metric) -> list[str]:
    """The platforms whose exports give this metric's inputs, in PLATFORMS order."""
    return [p for p in PLATFORMS if p in PLATFORM_COLUMNS and m.available(held(p))]
