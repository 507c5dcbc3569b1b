"""The canonical tables as Arrow schemas: the contract between sources and the store.

Sources emit rows in these shapes; the store merges them into DuckDB tables of the same
names (see store/migrations). A metric a platform does not give is NULL, never 0.
"""

from __future__ import annotations

import pyarrow as pa

TS = pa.timestamp("us", tz="UTC")
STR_LIST = pa.list_(pa.string())

# Handles a source files rows under when the export does not say whose it is
# (sources/own_account.py, sources/x_archive.py). Once re-imported under the right account,
# nothing refers to the placeholder any more and the store drops it.
PLACEHOLDER_HANDLE = "unnamed"
X_PLACEHOLDER_HANDLE = "unknown-x-account"
PLACEHOLDER_HANDLES = (PLACEHOLDER_HANDLE, X_PLACEHOLDER_HANDLE)

POST_KINDS = ("original", "reply", "repost", "quote")
POST_FORMATS = ("text", "image", "video", "link", "carousel", "reel", "story", "live", "other")
INTERACTION_KINDS = ("comment", "reply", "mention", "message", "review")
ACTIVITIES = ("create", "engage", "monitor", "plan", "report", "learn", "other")
# audience_daily's numbers per account per day (NULL where a platform does not give one).
AUDIENCE_NUMBERS = ("followers", "gained", "lost", "visits", "viewers", "new_viewers", "returning_viewers", "views",
                    "impressions")
METRIC_COLUMNS = (
    "impressions",
    "reach",
    "views",
    "reactions",
    "comments",
    "shares",
    "saves",
    "clicks",
    "video_views",
)

SCHEMAS: dict[str, pa.Schema] = {
    "accounts": pa.schema(
        [
            ("account_id", pa.string()),
            ("platform", pa.string()),
            ("handle", pa.string()),
            ("display_name", pa.string()),
            ("native_id", pa.string()),
        ]
    ),
    "posts": pa.schema(
        [
            ("post_key", pa.string()),
            ("platform", pa.string()),
            ("native_id", pa.string()),
            ("account_id", pa.string()),
            ("published_at", TS),
            ("kind", pa.string()),
            ("format", pa.string()),
            ("text", pa.string()),
            ("language", pa.string()),
            ("url", pa.string()),
            ("in_reply_to", pa.string()),
            ("hashtags", STR_LIST),
            ("mentions", STR_LIST),
            ("links", STR_LIST),
            ("labels", STR_LIST),
            ("extra", pa.string()),
        ]
    ),
    "post_metrics": pa.schema(
        [("post_key", pa.string()), ("observed_at", TS)]
        + [(c, pa.int64()) for c in METRIC_COLUMNS]
        + [("watch_time_seconds", pa.float64())]
    ),
    "interactions": pa.schema(
        [
            ("interaction_key", pa.string()),
            ("platform", pa.string()),
            ("native_id", pa.string()),
            ("kind", pa.string()),
            ("post_key", pa.string()),
            ("in_reply_to", pa.string()),
            ("author", pa.string()),
            ("from_organisation", pa.bool_()),
            ("created_at", TS),
            ("text", pa.string()),
            ("language", pa.string()),
            ("extra", pa.string()),
        ]
    ),
    "audience_daily": pa.schema(
        [
            ("platform", pa.string()),
            ("account_id", pa.string()),
            ("date", pa.date32()),
            ("followers", pa.int64()),
            ("gained", pa.int64()),
            ("lost", pa.int64()),
            ("visits", pa.int64()),
            # TikTok Studio (migration 0006): daily viewers, new and returning, and video views
            ("viewers", pa.int64()),
            ("new_viewers", pa.int64()),
            ("returning_viewers", pa.int64()),
            ("views", pa.int64()),
            # page-level impressions of the day (LinkedIn's content export, migration 0008)
            ("impressions", pa.int64()),
        ]
    ),
    "effort": pa.schema(
        [
            ("entry_key", pa.string()),
            ("person", pa.string()),
            ("date", pa.date32()),
            ("minutes", pa.float64()),
            ("platform", pa.string()),
            ("activity", pa.string()),
            ("note", pa.string()),
            ("source", pa.string()),
        ]
    ),
    "raw_items": pa.schema(
        [
            ("item_no", pa.int64()),
            ("kind", pa.string()),
            ("item_key", pa.string()),
            ("payload", pa.string()),
        ]
    ),
}

# Columns that identify a row: re-importing a row with the same key merges, never duplicates.
KEYS: dict[str, tuple[str, ...]] = {
    "accounts": ("account_id",),
    "posts": ("post_key",),
    "interactions": ("interaction_key",),
    "audience_daily": ("platform", "account_id", "date"),
    "effort": ("entry_key",),
}


def post_key(platform: str, native_id: str) -> str:
    return f"{platform}:{native_id}"
