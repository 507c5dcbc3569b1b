"""Facebook Page posts from Meta Business Suite (Insights > Content > Export data, CSV).

One row per post with lifetime totals at the moment of export. UTF-8 with a BOM; captions
span lines inside quotes; `Publish time` is `MM/DD/YYYY HH:MM` without a time zone (read in
the workspace's time zone); the `Date` column says `Lifetime`; numbers may carry thousands
separators; `undefined` or a blank cell means Meta has no number (stored as NULL, not 0).

Mapping notes:
- account: `--account` if given (every row must then be of one Page); else the one Facebook
  account the workspace profile declares, if the file holds one Page; else the Page's id,
  `facebook:<Page ID>`. `Page name` is the display name, `Page ID` the native id (and kept
  in extra). The id rather than the name: a Page can be renamed, and meta_facebook_page
  must find the same account for the page-level files, which name no Page.
- text: `Description` if given, else `Title` (Meta puts a photo's caption in Title and a
  video's in both); a Title that differs from the Description is kept in extra.
- format from `Post type` (Photos -> image, Reels -> reel, ...); kind `repost` when
  `Is share` is 1, else original. `Custom labels` -> labels (comma-separated).
- post_metrics: Views, Reach, Impressions (older exports), Reactions, Comments, Shares,
  Total clicks, 3-second video views, Seconds viewed. observed_at: `--as-of`, else the end of
  the date range in Meta's file name (`Sep-01-2025_Sep-30-2025_<id>.csv`), else the
  file's modification time (the import summary says so). Every other column (the
  organic/boosted splits, `Reactions, Comments and Shares`, 1-minute views, ...) is kept
  in posts.extra.
"""

from __future__ import annotations

from typing import Any

from smi.canonical import post_key
from smi.errors import SourceError
from smi.platforms import account_id
from smi.sources import _meta, own_account
from smi.sources.base import ImportContext, Source, Unit, register
from smi.sources.columns import Column, ColumnMap, parse_float, parse_int
from smi.sources.files import InputFile

PLATFORM = "facebook"
FIX = "export the posts again from Meta Business Suite (Insights > Content > Export data, CSV)"

COLUMNS = ColumnMap("Meta Business Suite Facebook posts", [
    Column("post_id", ("Post ID",), required=True),
    Column("page_id", ("Page ID",), required=True),
    Column("published_at", ("Publish time",), required=True),
    Column("page_name", ("Page name",)),
    Column("title", ("Title",)),
    Column("description", ("Description", "Message")),
    Column("duration", ("Duration (sec)",)),
    Column("permalink", ("Permalink",)),
    Column("post_type", ("Post type",)),
    Column("is_share", ("Is share",)),
    Column("is_crosspost", ("Is crosspost",)),
    Column("labels", ("Custom labels",)),
    Column("views", ("Views",)),
    Column("reach", ("Reach",)),
    Column("impressions", ("Impressions",)),
    Column("reactions", ("Reactions",)),
    Column("comments", ("Comments",)),
    Column("shares", ("Shares",)),
    Column("clicks", ("Total clicks",)),
    Column("video_views", ("3-second video views",)),
    Column("watch_time_seconds", ("Seconds viewed",)),
])
METRICS = ("views", "reach", "impressions", "reactions", "comments", "shares", "clicks", "video_views")
HEADERS = {c.field: c.aliases[0] for c in COLUMNS.columns}


def page_of(file: InputFile) -> tuple[str, str | None] | None:
    """(Page ID, Page name) from the first post of a post export, or None if it is not one."""
    rows = _meta.head_rows(file, 2)
    if not rows or not COLUMNS.matches(rows[0]) or len(rows) < 2:
        return None
    m = COLUMNS.match(rows[0], file.name)
    page = m.get(rows[1], "page_id")
    return (page, m.get(rows[1], "page_name")) if page else None


@register
class MetaFacebookPosts(Source):
    """Facebook Page posts with lifetime metrics (Meta Business Suite content export)."""

    name = "meta_facebook_posts"
    own_export = True  # its accounts are the organisation's unless the profile says
    title = "Facebook Page posts (Meta Business Suite)"
    platform = PLATFORM
    provides = ("posts", "post_metrics", "accounts")
    # canonical columns it fills (metrics/availability.py); no messages from others
    fills = (
        "posts.account_id", "posts.published_at", "posts.kind", "posts.reposts", "posts.format", "posts.text",
        "posts.url", "posts.hashtags", "posts.mentions", "posts.links", "posts.labels",
        "post_metrics.views", "post_metrics.reach", "post_metrics.impressions",
        "post_metrics.reactions", "post_metrics.comments", "post_metrics.shares",
        "post_metrics.clicks", "post_metrics.video_views", "post_metrics.watch_time_seconds",
    )
    reads = "the posts CSV from Insights > Content > Export data (columns Post ID, Page ID, Publish time, ...)"
    priority = 45  # before canonical_csv (50), which takes any *posts.csv with a Reach column

    def detect(self, file: InputFile) -> bool:
        rows = _meta.head_rows(file, 1)  # (smi's own export holds these columns too: issue 14)
        return bool(rows) and COLUMNS.matches(rows[0]) and not _meta.is_smi_export(rows[0])

    def read(self, unit: Unit, ctx: ImportContext) -> None:
        _meta.set_observed_at(unit.files, ctx)
        for file in unit.files:
            self._read_file(file, ctx)

    def _read_file(self, file: InputFile, ctx: ImportContext) -> None:
        name = file.name
        text = _meta.read_text(file, ctx, FIX)
        match = _meta.header(text, COLUMNS, name, FIX)
        forced = own_account.from_option(PLATFORM, ctx.options, name)
        tz = ctx.options.timezone
        observed = ctx.observed_at
        pages: dict[str, str | None] = {}
        posts: list[tuple[str, dict[str, Any], dict[str, Any]]] = []  # (Page ID, post, metrics)
        seen: set[str] = set()
        repeated = 0
        for line, row in _meta.rows(text, name, 1, FIX):
            pid, record, published = _meta.post_id_and_time(
                match, row, line, name, tz, HEADERS, FIX, "09/01/2025 21:13")
            page = match.get(row, "page_id")
            if not page:
                raise SourceError(name, "has no Page id", record=record, field=HEADERS["page_id"],
                                  expected="the Page's id", fix=FIX)
            if forced is not None and pages and page not in pages:
                raise SourceError(name, f"holds posts of more than one Page ({', '.join(pages)}, {page})",
                                  record=record, field=HEADERS["page_id"],
                                  fix="leave out --account: each Page is then named by its id")
            pages.setdefault(page, match.get(row, "page_name"))
            if pid in seen:
                repeated += 1
            seen.add(pid)
            title, description = match.get(row, "title"), match.get(row, "description")
            body = description or title
            raw_type = match.get(row, "post_type")
            labels = [x.strip() for x in (match.get(row, "labels") or "").split(",") if x.strip()]
            extra = dict(match.extra(row))
            extra.update({
                "post_type": raw_type,
                "title": title if title and title != body else None,
                "duration_seconds": parse_float(match.get(row, "duration"), file=name, record=record,
                                                field=HEADERS["duration"]),
                "is_crosspost": match.get(row, "is_crosspost"),
                "page_id": page,
            })
            pkey = post_key(PLATFORM, pid)
            post = {
                "post_key": pkey, "platform": PLATFORM, "native_id": pid, "published_at": published,
                "kind": "repost" if match.get(row, "is_share") == "1" else "original",
                "format": _meta.post_format(raw_type), "text": body, "language": None,
                "url": match.get(row, "permalink"), "in_reply_to": None,
                "hashtags": _meta.hashtags(body), "mentions": [], "links": _meta.links(body),
                "labels": labels, "extra": _meta.extra_json(extra),
            }
            metrics = {m: parse_int(match.get(row, m), file=name, record=record, field=HEADERS[m])
                       for m in METRICS}
            metrics["watch_time_seconds"] = parse_float(
                match.get(row, "watch_time_seconds"), file=name, record=record,
                field=HEADERS["watch_time_seconds"])
            posts.append((page, post, {"post_key": pkey, "observed_at": observed, "saves": None, **metrics}))
        # Whose posts: --account; else the profile's one Facebook account if the file holds one
        # Page; else each Page by its id.
        declared = forced or (own_account.from_profile(PLATFORM, ctx.options) if len(pages) == 1 else None)
        handles = {page: declared or page for page in pages}
        for page, post, metrics in posts:
            ctx.emit("posts", {**post, "account_id": account_id(PLATFORM, handles[page])})
            ctx.emit("post_metrics", metrics)
        for page, page_name in pages.items():
            handle = handles[page]
            ctx.emit("accounts", {"account_id": account_id(PLATFORM, handle), "platform": PLATFORM,
                                  "handle": handle, "display_name": page_name, "native_id": page})
        _meta.warn_repeats_and_gaps(ctx, file, repeated, match, HEADERS,
                                    ["reach", "reactions", "comments", "shares", "clicks"])
