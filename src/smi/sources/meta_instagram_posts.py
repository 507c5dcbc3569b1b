"""Instagram posts from Meta Business Suite (Insights > Content > Export data, Instagram, CSV).

One row per post with lifetime totals at the moment of export, in the same shape as the
Facebook post export: `Publish time` is `MM/DD/YYYY HH:MM` without a time zone (read in the
workspace's time zone), `Date` says `Lifetime`, numbers may carry thousands separators, and
`undefined` or a blank cell means Meta has no number (stored as NULL, not 0).

Mapping notes:
- account: `instagram:<Account username>` with `Account name` as display name and
  `Account ID` as native id (`--account` names it instead; the id when there is no username).
- text: `Description`; hashtags, @mentions and links are taken from it.
- format from `Post type` (`IG reel` -> reel, `IG carousel` -> carousel, `IG image` -> image).
- post_metrics: Views, Reach, Impressions (older exports), Likes (as reactions), Comments,
  Shares, Saves. observed_at: `--as-of`, else the end of the date range
  in the file name, else the file's modification time (the import summary says so). `Follows`,
  `Profile visits`, `Data comment`, `Duration (sec)` and any other column are kept in
  posts.extra.
"""

from __future__ import annotations

from smi.canonical import post_key
from smi.errors import SourceError
from smi.platforms import account_id, normalise_handle
from smi.sources import _meta, own_account
from smi.sources.base import ImportContext, Source, Unit, register
from smi.sources.columns import Column, ColumnMap, parse_float, parse_int
from smi.sources.files import InputFile

PLATFORM = "instagram"
FIX = "export the posts again from Meta Business Suite (Insights > Content > Export data, Instagram, CSV)"

COLUMNS = ColumnMap("Meta Business Suite Instagram posts", [
    Column("post_id", ("Post ID",), required=True),
    Column("account_id", ("Account ID",), required=True),
    Column("published_at", ("Publish time",), required=True),
    Column("username", ("Account username",)),
    Column("account_name", ("Account name",)),
    Column("description", ("Description", "Caption")),
    Column("duration", ("Duration (sec)",)),
    Column("permalink", ("Permalink",)),
    Column("post_type", ("Post type",)),
    Column("views", ("Views",)),
    Column("reach", ("Reach",)),
    Column("impressions", ("Impressions",)),
    Column("reactions", ("Likes",)),
    Column("comments", ("Comments",)),
    Column("shares", ("Shares",)),
    Column("saves", ("Saves",)),
])
METRICS = ("views", "reach", "impressions", "reactions", "comments", "shares", "saves")
HEADERS = {c.field: c.aliases[0] for c in COLUMNS.columns}


@register
class MetaInstagramPosts(Source):
    """Instagram posts with lifetime metrics (Meta Business Suite content export)."""

    name = "meta_instagram_posts"
    own_export = True  # its accounts are the organisation's unless the profile says
    title = "Instagram posts (Meta Business Suite)"
    platform = PLATFORM
    provides = ("posts", "post_metrics", "accounts")
    # canonical columns it fills (metrics/availability.py); no messages from others
    fills = (
        "posts.account_id", "posts.published_at", "posts.kind", "posts.format", "posts.text",
        "posts.url", "posts.hashtags", "posts.mentions", "posts.links", "post_metrics.views",
        "post_metrics.reach", "post_metrics.impressions", "post_metrics.reactions",
        "post_metrics.comments", "post_metrics.shares", "post_metrics.saves",
    )
    reads = "the Instagram posts CSV from Insights > Content > Export data (Post ID, Account ID, Publish time, ...)"
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
        observed = ctx.observed_at
        accounts: dict[str, tuple[str, str | None, str]] = {}  # account_id -> (handle, name, native)
        seen: set[str] = set()
        repeated = 0
        for line, row in _meta.rows(text, name, 1, FIX):
            pid, record, published = _meta.post_id_and_time(
                match, row, line, name, ctx.options.timezone, HEADERS, FIX, "09/15/2026 18:00")
            native_account = match.get(row, "account_id")
            if not native_account:
                raise SourceError(name, "has no account id", record=record, field=HEADERS["account_id"],
                                  expected="the account's id", fix=FIX)
            username = match.get(row, "username")
            handle = forced or (normalise_handle(PLATFORM, username) if username else native_account)
            acct = account_id(PLATFORM, handle)
            if forced is not None and any(a[2] != native_account for a in accounts.values()):
                raise SourceError(name, "holds posts of more than one account", record=record,
                                  field=HEADERS["account_id"],
                                  fix="leave out --account: each account is then named by its username")
            accounts.setdefault(acct, (handle, match.get(row, "account_name"), native_account))
            if pid in seen:
                repeated += 1
            seen.add(pid)
            body = match.get(row, "description")
            raw_type = match.get(row, "post_type")
            extra = dict(match.extra(row))
            extra.update({
                "post_type": raw_type,
                "duration_seconds": parse_float(match.get(row, "duration"), file=name, record=record,
                                                field=HEADERS["duration"]),
            })
            pkey = post_key(PLATFORM, pid)
            ctx.emit("posts", {
                "post_key": pkey, "platform": PLATFORM, "native_id": pid, "account_id": acct,
                "published_at": published, "kind": "original", "format": _meta.post_format(raw_type),
                "text": body, "language": None, "url": match.get(row, "permalink"), "in_reply_to": None,
                "hashtags": _meta.hashtags(body), "mentions": _meta.mentions(PLATFORM, body),
                "links": _meta.links(body), "labels": [], "extra": _meta.extra_json(extra),
            })
            metrics = {m: parse_int(match.get(row, m), file=name, record=record, field=HEADERS[m])
                       for m in METRICS}
            ctx.emit("post_metrics", {"post_key": pkey, "observed_at": observed, **metrics,
                                      "clicks": None, "video_views": None, "watch_time_seconds": None})
        for acct, (handle, display, native) in accounts.items():
            ctx.emit("accounts", {"account_id": acct, "platform": PLATFORM, "handle": handle,
                                  "display_name": display, "native_id": native})
        _meta.warn_repeats_and_gaps(ctx, file, repeated, match, HEADERS,
                                    ["reach", "reactions", "comments", "shares", "saves"])
