"""LinkedIn Page analytics exports (Page admin view > Analytics > Export): content,
followers and visitors, as LinkedIn serves them (`.xls`, BIFF8), as `.xlsx`, or as CSV.

Each workbook sheet (or CSV file) is recognised by its header, which may sit below a
one-cell description row. Dates are US `MM/DD/YYYY` (ISO `YYYY-MM-DD` is read too);
LinkedIn says all its dates are UTC.

- Content export, sheet `All posts`: one row per post -> `posts` + one `post_metrics`
  snapshot (lifetime totals at export time): impressions = Impressions, reactions = Likes,
  comments = Comments, shares = Reposts, clicks = Clicks, video_views = Views. A column
  the export lacks is NULL. CTR, engagement rate, follows, post type, campaign, audience,
  "posted by" and any unknown column are kept in the post's `extra` JSON. The native id is
  the post's URN from `Post link` (`urn:li:activity:…`); the text is `Post title` (LinkedIn
  truncates it). published_at is the `Created date` (midnight UTC when it has no time).
- Content export, sheet `Metrics`: daily page-level totals (impressions, unique
  impressions, clicks, reactions, comments, reposts, engagement rate; organic/sponsored/
  total). `audience_daily.impressions` = `Impressions (total)` (organic + sponsored); each
  day is also kept whole as a raw item (kind `page_daily`; `smi remap` maps it again). The
  other columns have no canonical home yet.
- Followers export, sheet `New followers`: `audience_daily.gained` = `Total followers`,
  which LinkedIn uses for the day's NEW followers (sponsored + organic + auto-invited),
  not the running total: `followers` and `lost` stay NULL (LinkedIn gives neither).
- Visitors export, sheet `Visitor metrics`: `audience_daily.visits` = `Total page views
  (total)` (all page tabs, desktop + mobile); unique visitors are not stored.
- Demographic sheets (Location, Job function, Seniority, Industry, Company size) are
  recognised and not read.

Each export holds some of these sheets only (a followers export has no posts): an import
records the kinds it read (`kinds`), so a period it covers has only what they can say.

Negative daily values (LinkedIn's corrections) are kept as given. The files do not name
the page: see `smi.sources.own_account`. observed_at: `--as-of`, else the export
time in LinkedIn's file name (`…_content_1722345678901.xls`, epoch ms), else the last day
of the file's daily sheets (the end of the export's date range), else the file's
modification time (the import summary then says so).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import ClassVar
from urllib.parse import unquote

import orjson

from smi.canonical import post_key
from smi.errors import SourceError
from smi.platforms import account_id
from smi.sources import own_account, sheets
from smi.sources.base import ImportContext, Source, Unit, register
from smi.sources.columns import (
    Column,
    ColumnMap,
    Match,
    norm_header,
    parse_date,
    parse_datetime,
    parse_float,
    parse_int,
)
from smi.sources.files import InputFile
from smi.sources.sheets import Sheet

PLATFORM = "linkedin"
DATE_FORMATS = ("%m/%d/%Y", "%Y-%m-%d", "%m/%d/%y")
TIME_FORMATS = ("%m/%d/%Y", "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M:%S")
HEADER_SEARCH_ROWS = 5  # the header sits below at most a few description rows
FIX = "export it again from your LinkedIn Page (Analytics > Content, Followers or Visitors > Export)"

POSTS = ColumnMap("LinkedIn Page content ('All posts')", [
    Column("url", ("Post link", "Post URL", "Update link"), required=True),
    Column("created", ("Created date", "Date created", "Created"), required=True),
    Column("impressions", ("Impressions",), required=True),
    Column("text", ("Post title", "Update title", "Post text")),
    Column("post_type", ("Post type", "Update type")),
    Column("campaign", ("Campaign name",)),
    Column("posted_by", ("Posted by",)),
    Column("audience", ("Audience",)),
    Column("video_views", ("Views", "Video views")),
    Column("clicks", ("Clicks",)),
    Column("reactions", ("Likes", "Reactions")),
    Column("comments", ("Comments",)),
    Column("shares", ("Reposts", "Shares")),
    Column("content_type", ("Content Type",)),
])
PAGE_DAILY = ColumnMap("LinkedIn Page content ('Metrics')", [
    Column("date", ("Date",), required=True),
    Column("impressions", ("Impressions (total)",), required=True),
    Column("clicks", ("Clicks (total)",), required=True),
    Column("reactions", ("Reactions (total)",)),
])
FOLLOWERS = ColumnMap("LinkedIn Page followers ('New followers')", [
    Column("date", ("Date",), required=True),
    Column("gained", ("Total followers", "Total new followers"), required=True),
    Column("organic", ("Organic followers",)),
    Column("sponsored", ("Sponsored followers",)),
    Column("auto_invited", ("Auto-invited followers",)),
])
VISITORS = ColumnMap("LinkedIn Page visitors ('Visitor metrics')", [
    Column("date", ("Date",), required=True),
    Column("visits", ("Total page views (total)", "Total page views"), required=True),
    Column("unique_visitors", ("Total unique visitors (total)", "Total unique visitors")),
])
METRICS = ("impressions", "reactions", "comments", "shares", "clicks", "video_views")
# The sheets (keys of MAPS) as the kinds of file an import read (LinkedInPage.kinds).
KINDS = {"posts": "posts", "page_daily": "daily page totals", "followers": "new followers", "visitors": "visitors"}
IMPRESSIONS_HEADERS = {norm_header(h) for h in ("Impressions (total)",)}
MAPS: dict[str, ColumnMap] = {"posts": POSTS, "page_daily": PAGE_DAILY, "followers": FOLLOWERS, "visitors": VISITORS}
# A sheet each of the content, followers and visitors exports has.
SHEET_NAMES = ("All posts", "New followers", "Visitor metrics")
# LinkedIn's `Content Type` values -> canonical post format.
FORMATS = {"text": "text", "image": "image", "images": "image", "video": "video", "article": "link",
           "link": "link", "url": "link", "document": "other", "poll": "other", "carousel": "carousel",
           "event": "other", "live": "live", "live video": "live"}
_EPOCH_MS = re.compile(r"_(?:content|followers|visitors)_(\d{13})\b")
# LinkedIn's own daily columns smi does not store (so not worth a warning), as normalised headers.
_LINKEDIN_DAILY = re.compile(r"^[a-z ]+ (page views|unique visitors) (desktop|mobile|total)$")
_URN = re.compile(r"urn:li:[a-zA-Z]+:\d+")


@dataclass
class Found:
    kind: str  # a key of MAPS
    sheet: Sheet
    header_at: int  # index into sheet.rows
    match: Match


def _header(rows: Sequence[Sequence[str]]) -> tuple[str, int] | None:
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        for kind, cmap in MAPS.items():
            if cmap.matches(row):
                return kind, i
    return None


def _csv_head_rows(file: InputFile) -> list[list[str]]:
    import csv
    import io

    text = file.head_text()
    lines = text.splitlines()[:HEADER_SEARCH_ROWS]
    try:
        return list(csv.reader(io.StringIO("\n".join(lines))))
    except csv.Error:
        return []


def _is_blank(row: Sequence[str]) -> bool:
    return all(not c.strip() for c in row)


@register
class LinkedInPage(Source):
    """LinkedIn Page analytics: content (posts and daily page totals), followers, visitors."""

    name = "linkedin_page"
    own_export = True  # its accounts are the organisation's unless the profile says
    title = "LinkedIn Page analytics export"
    platform = PLATFORM
    provides = ("posts", "post_metrics", "audience_daily", "accounts")
    # canonical columns each kind of sheet fills (metrics/availability.py); no follower total,
    # no unfollows, no messages from others
    kinds: ClassVar[dict[str, tuple[str, ...]]] = {
        "posts": ("posts.account_id", "posts.published_at", "posts.kind", "posts.format", "posts.text",
                  "posts.url", "post_metrics.impressions", "post_metrics.reactions", "post_metrics.comments",
                  "post_metrics.shares", "post_metrics.clicks", "post_metrics.video_views"),
        "daily page totals": ("audience_daily.impressions",),
        "new followers": ("audience_daily.gained",),
        "visitors": ("audience_daily.visits",),
    }
    fills = tuple(c for cols in kinds.values() for c in cols)
    reads = "the content, followers or visitors export of a LinkedIn Page (.xls, .xlsx or CSV)"
    priority = 60

    def detect(self, file: InputFile) -> bool:
        kind = sheets.kind(file)
        if kind in ("xls", "xlsx"):
            names = sheets.sheet_names(file)
            if names is None:  # damaged: recognise it by the sheet names near its start
                return kind == "xls" and sheets.head_mentions(file, SHEET_NAMES)
            return bool({n.strip().lower() for n in names} & {n.lower() for n in SHEET_NAMES})
        if kind == "csv":
            return _header(_csv_head_rows(file)) is not None
        return False

    # -- reading --------------------------------------------------------------------------------
    def read(self, unit: Unit, ctx: ImportContext) -> None:
        for file in unit.files:
            self._read_file(file, ctx)

    def _read_file(self, file: InputFile, ctx: ImportContext) -> None:
        with ctx.open(file) as f:
            data = f.read()
        found: list[Found] = []
        for sheet in sheets.read_sheets(file, data):
            hit = _header(sheet.rows)
            if hit is None:
                continue
            kind, at = hit
            found.append(Found(kind, sheet, at, MAPS[kind].match(sheet.rows[at], file.name)))
        if not found:
            raise SourceError(file.name, "has no sheet smi reads",
                              expected="a LinkedIn Page export with a sheet 'All posts', 'Metrics', "
                                       "'New followers' or 'Visitor metrics' and its header row",
                              fix=FIX)
        stamp = _EPOCH_MS.search(file.basename)  # LinkedIn's own export time, in the file name
        last_day = self._last_day(file, found)
        if stamp:
            ctx.observed_at = datetime.fromtimestamp(int(stamp.group(1)) / 1000, UTC)
        elif last_day is not None:  # the export's date range ends on its daily sheets' last day
            ctx.observed_on(last_day)
        else:
            ctx.observed_from_file_time(file)
        handle = own_account.resolve(PLATFORM, ctx)
        acct = account_id(PLATFORM, handle)
        ctx.emit("accounts", {"account_id": acct, "platform": PLATFORM, "handle": handle,
                              "display_name": None, "native_id": None})
        days: dict[date, dict[str, object]] = {}  # one audience row a day, over the file's daily sheets
        for fd in found:
            ctx.reads_kind(KINDS[fd.kind])
            if fd.kind == "posts":
                self._posts(file, fd, acct, ctx)
            elif fd.kind == "page_daily":
                self._page_daily(file, fd, acct, ctx, days)
            else:
                self._audience(file, fd, acct, ctx, days)
        for row in days.values():
            ctx.emit("audience_daily", row)

    def _last_day(self, file: InputFile, found: list[Found]) -> date | None:
        """The last date of the file's daily sheets (Metrics, New followers, Visitor metrics)."""
        days = [_date(file, fd, row, fd.sheet.where(i)) for fd in found if fd.kind != "posts"
                for i, row in self._rows(file, fd)]
        return max(days, default=None)

    def _rows(self, file: InputFile, fd: Found) -> Iterator[tuple[int, list[str]]]:
        width = len(fd.sheet.rows[fd.header_at])
        for i in range(fd.header_at + 1, len(fd.sheet.rows)):
            row = fd.sheet.rows[i]
            if _is_blank(row):
                continue
            if not fd.sheet.name and len(row) < width:
                raise SourceError(file.name, f"has {len(row)} of the header's {width} columns",
                                  record=fd.sheet.where(i), expected="a complete row",
                                  fix="the file may be cut short; " + FIX)
            yield i, row

    def _posts(self, file: InputFile, fd: Found, acct: str, ctx: ImportContext) -> None:
        m = fd.match
        used = set(m.index)
        header = fd.sheet.rows[fd.header_at]
        skipped = 0
        canonical = {m.index[k] for k in (*METRICS, "url", "created", "text") if k in m.index}
        for i, row in self._rows(file, fd):
            where = fd.sheet.where(i)
            url = m.get(row, "url")
            urn = _URN.search(unquote(url)) if url else None
            if urn is None:
                if url is None:
                    skipped += 1
                    continue
                raise SourceError(file.name, f"'{url}' is not a LinkedIn post link", record=where,
                                  field=header[m.index["url"]].strip(),
                                  expected="a link such as https://www.linkedin.com/feed/update/urn:li:activity:123",
                                  fix=FIX)
            native = urn.group(0)
            rec = f"{where} (post {native})"

            def num(name: str, *, _row: list[str] = row, _rec: str = rec) -> int | None:
                if name not in m.index:
                    return None
                return parse_int(m.get(_row, name), file=file.name, record=_rec, field=header[m.index[name]].strip())

            published = parse_datetime(m.get(row, "created"), file=file.name, record=rec,
                                       field=header[m.index["created"]].strip(), formats=TIME_FORMATS)
            ctype = (m.get(row, "content_type") or "").lower()
            extra = {h.strip(): row[j] for j, h in enumerate(header)
                     if h.strip() and j < len(row) and row[j].strip()
                     and j not in canonical}
            campaign = m.get(row, "campaign")
            key = post_key(PLATFORM, native)
            ctx.emit("posts", {
                "post_key": key, "platform": PLATFORM, "native_id": native, "account_id": acct,
                "published_at": published, "kind": "original",
                "format": FORMATS.get(ctype, "other" if ctype else None),
                "text": m.get(row, "text"), "language": None, "url": url,
                "in_reply_to": None, "hashtags": None, "mentions": None, "links": None,
                "labels": [campaign] if campaign else None,
                "extra": orjson.dumps(extra).decode() if extra else None,
            })
            metrics = {c: num(c) for c in METRICS if c in used}
            ctx.emit("post_metrics", {"post_key": key, "observed_at": ctx.observed_at, **metrics})
        if skipped:
            ctx.warn(f"{skipped:,} row{'s' if skipped != 1 else ''} of sheet '{fd.sheet.name or file.basename}' "
                     "had no post link and were skipped")

    def _page_daily(self, file: InputFile, fd: Found, acct: str, ctx: ImportContext,
                    days: dict[date, dict[str, object]]) -> None:
        header = fd.sheet.rows[fd.header_at]
        col = header[fd.match.index["impressions"]].strip()
        n = 0
        for i, row in self._rows(file, fd):
            where = fd.sheet.where(i)
            day = _date(file, fd, row, where)
            item: dict[str, object] = {"date": day.isoformat()}
            for j, h in enumerate(header):
                if j == fd.match.index["date"] or not h.strip():
                    continue
                item[h.strip()] = parse_float(row[j] if j < len(row) else None, file=file.name,
                                              record=f"{where} ({day.isoformat()})", field=h.strip())
            ctx.raw("page_daily", day.isoformat(), {**item, "account_id": acct})
            _day(days, acct, day)["impressions"] = _whole(item.get(col), file.name, f"{where} ({day.isoformat()})", col)
            n += 1
        ctx.warn(f"{n:,} days of page-level totals (sheet '{fd.sheet.name or file.basename}'): impressions "
                 "stored; clicks, reactions, comments and reposts a day kept as raw items only")

    def _audience(self, file: InputFile, fd: Found, acct: str, ctx: ImportContext,
                  days: dict[date, dict[str, object]]) -> None:
        m = fd.match
        header = fd.sheet.rows[fd.header_at]
        field = "gained" if fd.kind == "followers" else "visits"
        for i, row in self._rows(file, fd):
            where = fd.sheet.where(i)
            day = _date(file, fd, row, where)
            value = parse_int(m.get(row, field), file=file.name, record=f"{where} ({day.isoformat()})",
                              field=header[m.index[field]].strip())
            _day(days, acct, day)[field] = value
        unknown = [u.strip() for u in m.unknown if u.strip() and not _LINKEDIN_DAILY.match(norm_header(u))]
        if unknown:
            ctx.warn(f"{len(unknown)} column{'s' if len(unknown) != 1 else ''} LinkedIn does not export "
                     f"{'were' if len(unknown) != 1 else 'was'} ignored: " + ", ".join(unknown))

    def map_item(self, kind: str, item: dict[str, object], ctx: ImportContext) -> None:
        """A `page_daily` raw item (one day of the Metrics sheet) -> its day's page impressions.
        Items kept before smi stored them name no account: the profile's LinkedIn page (or the
        placeholder) is used, as an import without `--account` would."""
        if kind != "page_daily":
            raise SourceError("raw items", f"kind '{kind}' is not one the LinkedIn Page importer keeps")
        ctx.reads_kind(KINDS[kind])
        acct = item.get("account_id")
        if not isinstance(acct, str):
            if getattr(self, "_remap_ctx", None) is not ctx:
                self._remap_ctx, self._remap_acct = ctx, account_id(PLATFORM, own_account.resolve(PLATFORM, ctx))
            acct = self._remap_acct
        day = date.fromisoformat(str(item["date"]))
        col = next((k for k in item if norm_header(k) in IMPRESSIONS_HEADERS), None)
        value = _whole(item.get(col) if col else None, "raw items", f"page_daily {day.isoformat()}", col or "")
        row = _day({}, acct, day)
        row["impressions"] = value
        ctx.emit("audience_daily", row)


def _day(days: dict[date, dict[str, object]], acct: str, day: date) -> dict[str, object]:
    """The day's audience row (every number NULL until a sheet gives it)."""
    if day not in days:
        days[day] = {"platform": PLATFORM, "account_id": acct, "date": day, "followers": None,
                     "gained": None, "lost": None, "visits": None, "impressions": None}
    return days[day]


def _whole(value: object, file: str, record: str, field: str) -> int | None:
    """A count read as a float (xls cells are floats) -> int; blank -> None."""
    if value is None:
        return None
    f = float(value)  # type: ignore[arg-type]
    if f != int(f):
        raise SourceError(file, f"'{value}' is not a whole number", record=record, field=field,
                          expected="a whole number of impressions", fix="correct the cell")
    return int(f)


def _date(file: InputFile, fd: Found, row: list[str], where: str) -> date:
    header = fd.sheet.rows[fd.header_at]
    col = fd.match.index["date"]
    text = fd.match.get(row, "date")
    if text is None:
        raise SourceError(file.name, "has no date", record=where, field=header[col].strip(),
                          expected="a date such as 07/30/2024", fix=FIX)
    d = parse_date(text, file=file.name, record=where, field=header[col].strip(), formats=DATE_FORMATS)
    assert d is not None
    return d
