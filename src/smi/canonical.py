"""The canonical tables as Arrow schemas: the contract between sources and the store.

Sources emit rows in these shapes; the store merges them into DuckDB tables of the same
names (see store/migrations). A metric a platform does not give is NULL, never 0.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pyarrow as pa
import pyarrow.compute as pc

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


# -- plausible dates ----------------------------------------------------------------------------
# Every time and date a source emits must fall in this range: older than the earliest social
# media or later than a year from now is a broken or hostile export (year 0001, 9999-12-31,
# an `observed_at` of 2999 that would hide every later snapshot). Checked in one place, as
# rows are staged (store.db.ImportWriter.add), so every source and `smi remap` get it.
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=366)  # scheduled posts and clock or time-zone skew


def plausible_range(now: datetime | None = None) -> tuple[datetime, datetime]:
    """(earliest, latest) a stored time may be: 1990-01-01 to a year from now (UTC)."""
    now = now or datetime.now(UTC)
    return EARLIEST, now + FUTURE_SLACK


def range_text(now: datetime | None = None) -> str:
    lo, hi = plausible_range(now)
    return f"a date between {lo.date().isoformat()} and {hi.date().isoformat()}"


def implausible(when: datetime | date | None, now: datetime | None = None) -> bool:
    """True if a single time (e.g. `--as-of`) is outside the plausible range."""
    if when is None:
        return False
    lo, hi = plausible_range(now)
    if not isinstance(when, datetime):
        return not (lo.date() <= when <= hi.date())
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return not (lo <= when <= hi)


def implausible_index(col: pa.Array | pa.ChunkedArray, now: datetime | None = None) -> int | None:
    """The index of the first time or date in `col` outside the plausible range, or None."""
    lo, hi = plausible_range(now)
    typ = col.type
    if pa.types.is_timestamp(typ):
        lo_s, hi_s = pa.scalar(lo, TS).cast(typ), pa.scalar(hi, TS).cast(typ)
    elif pa.types.is_date(typ):
        lo_s, hi_s = pa.scalar(lo.date(), typ), pa.scalar(hi.date(), typ)
    else:
        return None
    if col.null_count == len(col):
        return None
    bad = pc.fill_null(pc.or_(pc.less(col, lo_s), pc.greater(col, hi_s)), False)
    return pc.index(bad, True).as_py() if pc.any(bad).as_py() else None


def as_text(col: pa.Array | pa.ChunkedArray, i: int) -> str:
    """One value as text through Arrow (Python's datetime cannot hold year 0 or 10000)."""
    return pc.cast(col.slice(i, 1), pa.string())[0].as_py().replace(".000000", "")


# Plausible numbers: (low, high) per table and column; None = every number column of the table.
# A count above a trillion or a time entry longer than a month is a broken file (10**15 minutes).
MAX_COUNT = 10**12
NUMBER_RANGES: dict[str, dict[str | None, tuple[float, float]]] = {
    "post_metrics": {None: (0, MAX_COUNT)},  # counts of a post: never below 0
    "audience_daily": {None: (-MAX_COUNT, MAX_COUNT)},
    "effort": {"minutes": (0, 31 * 24 * 60)},
}


def number_range_text(low: float, high: float) -> str:
    return f"a number from {low:,.0f} to {high:,.0f}"


def first_implausible(table: str, batch: pa.Table, now: datetime | None = None) -> tuple[int, str, str, str] | None:
    """The first row of `batch` (in the canonical schema of `table`) with a time, date or
    number outside its plausible range: (row index, column, the value as text, the range
    as text), or None."""
    ranges = NUMBER_RANGES.get(table, {})
    for name in batch.schema.names:
        col = batch.column(name)
        i = implausible_index(col, now)
        if i is not None:
            return i, name, as_text(col, i), range_text(now)
        bounds = ranges.get(name) or (ranges.get(None) if pa.types.is_integer(col.type)
                                      or pa.types.is_floating(col.type) else None)
        if bounds is None or col.null_count == len(col):
            continue
        bad = pc.or_(pc.less(col, bounds[0]), pc.greater(col, bounds[1]))
        if pa.types.is_floating(col.type):  # NaN compares false with every bound
            bad = pc.or_(bad, pc.is_nan(col))
        bad = pc.fill_null(bad, False)
        if pc.any(bad).as_py():
            i = pc.index(bad, True).as_py()
            return i, name, as_text(col, i), number_range_text(*bounds)
    return None
