"""TikTok Studio analytics export (Analytics > Download data): one small CSV per view,
UTF-8 with a BOM, dates without a year (`August 18`; `18 August` in some locales).
The files of one folder (or zip) are one import:

- `FollowerHistory.csv` (Date, Followers, Difference in followers from previous day):
  audience_daily.followers per day. The "difference" column is the change to the *next*
  day (on the real export it equals followers[D+1] − followers[D] on 59 of 59 days and the
  change from the previous day on 3), so it is not read: growth comes from the totals.
- `Viewers.csv` (Date, Total Viewers, New Viewers, Returning Viewers): audience_daily
  viewers, new_viewers, returning_viewers. `undefined` is not available (NULL); a day whose
  total is `undefined` is a day TikTok had not counted yet, and its `0` new/returning are
  not read as 0 either.
- `Overview.csv` (Date, Video Views, Profile Views, Likes, Comments, Shares): audience_daily
  views (video views across the account) and visits (profile views). The daily likes,
  comments and shares stay in the kept raw rows: engagements are counted per video.
- `Content.csv` (Time, Video title, Video link, Post time, Total likes, Total comments,
  Total shares, Total views): one post per video (format video; native id from the link's
  `/video/<id>`; published at local midnight of `Post time`) with a metric snapshot
  (reactions = likes, comments, shares, views and video_views = views) taken at `Time`.
  Studio lists only some recent videos (about 15): it is not a count of videos posted.
- `FollowerActivity.csv`, `FollowerGender.csv`, `FollowerTopTerritories.csv`: recognised
  and kept as raw rows; smi has no place for them yet (a warning says so).

The year: the export's date (`--as-of`, else the newest `Time` of Content.csv when
it has a year, else the file's modification time, said in a warning) is the latest date a
file can hold; rows run in date order, so the year steps back each time the month does.
The files do not name the account: see `smi.sources.own_account` (`--account`, the
profile's one TikTok account, else `tiktok:unnamed` with a warning).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from smi.canonical import post_key
from smi.errors import SourceError
from smi.platforms import account_id
from smi.sources import _meta, own_account
from smi.sources.base import ImportContext, ImportOptions, Source, Unit, register
from smi.sources.columns import Column, ColumnMap, Match, parse_int
from smi.sources.files import InputFile

PLATFORM = "tiktok"
FIX = "download the data again from TikTok Studio (Analytics > Download data) and import the CSV files as they are"


def _cols(name: str, *headers: str) -> ColumnMap:
    return ColumnMap(name, [Column(h.lower().replace(" ", "_"), (h,), required=True) for h in headers])


VIEWS: dict[str, ColumnMap] = {
    "followers": _cols("TikTok follower history", "Date", "Followers", "Difference in followers from previous day"),
    "viewers": _cols("TikTok viewers", "Date", "Total Viewers", "New Viewers", "Returning Viewers"),
    "overview": _cols("TikTok overview", "Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares"),
    "content": _cols("TikTok content", "Time", "Video title", "Video link", "Post time", "Total likes",
                     "Total comments", "Total shares", "Total views"),
    "activity": _cols("TikTok follower activity", "Date", "Hour", "Active followers"),
    "gender": _cols("TikTok follower gender", "Gender", "Distribution"),
    "territories": _cols("TikTok follower territories", "Top territories", "Distribution"),
}
# Files that say they are TikTok's on their own; the demographics only beside one of them.
OWN = ("followers", "viewers", "overview", "content", "activity")
# The views smi stores, as the kinds of file an import read (TikTokStudio.kinds).
KINDS = {"content": "Content.csv", "followers": "FollowerHistory.csv", "viewers": "Viewers.csv",
         "overview": "Overview.csv"}
NOT_STORED = {"activity": "active followers by hour", "gender": "follower gender",
              "territories": "follower territories"}

_MONTHS = {m.lower(): i for i, m in enumerate(
    ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
     "November", "December"), 1)}
_MONTHS.update({k[:3]: v for k, v in list(_MONTHS.items())})
_DAY_MONTH = re.compile(r"^\s*(?:(?P<d1>\d{1,2})\s+(?P<m1>[A-Za-z]+)|(?P<m2>[A-Za-z]+)\.?\s+(?P<d2>\d{1,2}))"
                        r"(?:,?\s+(?P<y>\d{4}))?\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
_VIDEO_ID = re.compile(r"/video/(\d+)")


def view_of(file: InputFile) -> str | None:
    """Which TikTok Studio view a file holds ('followers', 'content', …), or None."""
    rows = _meta.head_rows(file, 1)
    if not rows:
        return None
    for view, columns in VIEWS.items():
        if columns.matches(rows[0]) and len(rows[0]) == len(columns.columns):
            return view
    return None


@dataclass(frozen=True)
class MonthDay:
    month: int
    day: int
    year: int | None  # when the cell gives one


def parse_month_day(text: str | None, *, file: str, record: str, field: str) -> MonthDay | None:
    """`August 18`, `18 August`, `Aug 18, 2025` or `2025-08-18`; blank/undefined -> None."""
    if text is None or text.strip().lower() in ("", "undefined"):
        return None
    m = _ISO.match(text)
    if m:
        return MonthDay(int(m.group(2)), int(m.group(3)), int(m.group(1)))
    m = _DAY_MONTH.match(text)
    month = _MONTHS.get(((m.group("m1") or m.group("m2")) if m else "").lower())
    if m is None or month is None:
        raise SourceError(file, f"'{text}' is not a date", record=record, field=field,
                          expected="a day such as 'August 18' or '18 August'", fix=FIX)
    day = int(m.group("d1") or m.group("d2"))
    year = int(m.group("y")) if m.group("y") else None
    try:
        date(year or 2000, month, day)  # 2000: a leap year, so 29 February passes
    except ValueError:
        raise SourceError(file, f"'{text}' is not a date", record=record, field=field,
                          expected="a real day of the year", fix=FIX) from None
    return MonthDay(month, day, year)


def place_in_years(days: list[MonthDay | None], latest: date) -> list[date | None]:
    """Dates for rows in date order whose cells may lack a year: the last is on or before
    `latest`; going back, the year steps back each time the month goes up."""
    out: list[date | None] = [None] * len(days)
    year: int | None = None
    after: MonthDay | None = None
    for i in range(len(days) - 1, -1, -1):
        md = days[i]
        if md is None:
            continue
        if md.year is not None:
            year = md.year
        elif year is None:
            year = latest.year if (md.month, md.day) <= (latest.month, latest.day) else latest.year - 1
        elif after is not None and (md.month, md.day) > (after.month, after.day):
            year -= 1
        out[i] = date(year, md.month, md.day)
        after = md
    return out


def _one_date(md: MonthDay, latest: date) -> date:
    """A lone date without a year: the latest such day on or before `latest`."""
    return place_in_years([md], latest)[0]  # type: ignore[return-value]


@register
class TikTokStudio(Source):
    """A TikTok account's followers, viewers, daily overview and recent videos."""

    name = "tiktok_studio"
    title = "TikTok Studio analytics export"
    platform = PLATFORM
    provides = ("audience_daily", "posts", "post_metrics", "accounts")
    reads = ("the CSVs of TikTok Studio's Analytics > Download data (FollowerHistory.csv, Viewers.csv, "
             "Overview.csv, Content.csv, …; dates without a year)")
    own_export = True  # the organisation's own account's analytics
    # canonical columns each file fills (metrics/availability.py): followers day by day, viewers,
    # account views and profile views; recent videos with their numbers; no reach or impressions.
    # An import of some of the files (FollowerHistory.csv alone) holds only what they hold.
    kinds: ClassVar[dict[str, tuple[str, ...]]] = {
        "Content.csv": ("posts.published_at", "posts.kind", "posts.format", "posts.account_id", "posts.text",
                        "posts.hashtags", "post_metrics.reactions", "post_metrics.comments",
                        "post_metrics.shares", "post_metrics.views", "post_metrics.video_views"),
        "FollowerHistory.csv": ("audience_daily.followers",),
        "Viewers.csv": ("audience_daily.viewers", "audience_daily.new_viewers", "audience_daily.returning_viewers"),
        "Overview.csv": ("audience_daily.visits", "audience_daily.views"),
    }
    fills = tuple(c for cols in kinds.values() for c in cols)
    priority = 30  # before the Meta page-level files, which sit beside them in some folders

    def detect(self, file: InputFile) -> bool:
        return view_of(file) in OWN

    def claim(self, files: list[InputFile], options: ImportOptions) -> list[Unit]:
        by_folder: dict[str, list[InputFile]] = defaultdict(list)
        views = {id(f): view_of(f) for f in files}
        for f in files:
            if views[id(f)] in OWN:
                by_folder[f.parent].append(f)
        for f in files:  # demographics go with the TikTok files of their folder
            if views[id(f)] in ("gender", "territories") and f.parent in by_folder:
                by_folder[f.parent].append(f)
        units: list[Unit] = []
        for folder, group in sorted(by_folder.items()):
            group.sort(key=lambda f: f.relpath)
            units.append(Unit(self, group, folder if folder != "." else group[0].name))
        return units

    def read(self, unit: Unit, ctx: ImportContext) -> None:
        tables = {}
        for file in unit.files:
            text = _meta.read_text(file, ctx, FIX, "a TikTok Studio export")
            view = view_of(file) or ""
            match = _meta.header(text, VIEWS[view], file.name, FIX)
            tables[file.name] = (file, view, match, list(_meta.rows(text, file.name, 1, FIX)))
        latest, said = self._export_day(tables, ctx)
        ctx.observed_at = datetime.combine(latest, time(23, 59), ZoneInfo(ctx.options.timezone))
        handle = own_account.resolve(PLATFORM, ctx, what="account")
        acct = account_id(PLATFORM, handle)
        ctx.emit("accounts", {"account_id": acct, "platform": PLATFORM, "handle": handle,
                              "display_name": None, "native_id": None})
        days: dict[date, dict[str, Any]] = defaultdict(dict)
        not_stored: list[str] = []
        first_last: list[date] = []
        for file, view, match, rows in tables.values():
            if view in KINDS:
                ctx.reads_kind(KINDS[view])
            for line, row in rows:
                ctx.raw(f"tiktok_{view}", f"{file.basename}:{line}", {"file": file.basename, "row": row})
            if view == "content":
                first_last += self._videos(file, match, rows, acct, latest, ctx)
            elif view in ("followers", "viewers", "overview"):
                first_last += self._daily(file, view, match, rows, latest, days)
            else:
                not_stored.append(f"{file.basename} ({NOT_STORED[view]})")
        for day in sorted(days):
            ctx.emit("audience_daily", {"platform": PLATFORM, "account_id": acct, "date": day, **days[day]})
        if said and first_last:
            ctx.warn(f"TikTok dates have no year: read as {min(first_last):%d %b %Y} to {max(first_last):%d %b %Y}, "
                     f"taking {latest:%d %b %Y} ({said}) as the export's date; if that is wrong, import again "
                     "with --as-of YYYY-MM-DD (the day you downloaded it)")
        if not_stored:
            ctx.warn(f"kept, not analysed (smi has no place for these yet): {', '.join(not_stored)}")

    @staticmethod
    def _export_day(tables: dict[str, tuple[InputFile, str, Match, list]], ctx: ImportContext) -> tuple[date, str]:
        """The export's date, and (when it had to be assumed) what it was taken from."""
        if ctx.options.observed_at is not None:
            return ctx.options.observed_at.astimezone(ZoneInfo(ctx.options.timezone)).date(), ""
        for file, view, match, rows in tables.values():
            if view == "content":
                for line, row in rows:
                    md = parse_month_day(match.get(row, "time"), file=file.name, record=f"line {line}", field="Time")
                    if md is not None and md.year is not None:
                        return date(md.year, md.month, md.day), ""
        newest = ctx.observed_from_file_time(*[f for f, *_ in tables.values()])
        return newest.astimezone(ZoneInfo(ctx.options.timezone)).date(), "the files' modification time"

    @staticmethod
    def _daily(file: InputFile, view: str, match: Match, rows: list, latest: date,
               days: dict[date, dict[str, Any]]) -> list[date]:
        def num(row: list[str], name: str, header: str, line: int) -> int | None:
            return parse_int(match.get(row, name), file=file.name, record=f"line {line}", field=header)

        parsed = [parse_month_day(match.get(row, "date"), file=file.name, record=f"line {line}", field="Date")
                  for line, row in rows]
        dated = place_in_years(parsed, latest)
        seen = []
        for (line, row), day in zip(rows, dated, strict=True):
            if day is None:
                raise SourceError(file.name, "has no date", record=f"line {line}", field="Date",
                                  expected="a day such as 'August 18'", fix=FIX)
            seen.append(day)
            d = days[day]
            if view == "followers":
                d["followers"] = num(row, "followers", "Followers", line)
            elif view == "viewers":
                total = num(row, "total_viewers", "Total Viewers", line)
                d["viewers"] = total
                d["new_viewers"] = num(row, "new_viewers", "New Viewers", line) if total is not None else None
                d["returning_viewers"] = (num(row, "returning_viewers", "Returning Viewers", line)
                                          if total is not None else None)
            else:
                d["views"] = num(row, "video_views", "Video Views", line)
                d["visits"] = num(row, "profile_views", "Profile Views", line)
        return [min(seen), max(seen)] if seen else []

    @staticmethod
    def _videos(file: InputFile, match: Match, rows: list, acct: str, latest: date, ctx: ImportContext) -> list[date]:
        tz = ZoneInfo(ctx.options.timezone)
        seen = []
        for line, row in rows:
            record = f"line {line}"
            link = match.get(row, "video_link")
            if not link:
                raise SourceError(file.name, "has no video link", record=record, field="Video link",
                                  expected="the video's URL", fix=FIX)
            m = _VIDEO_ID.search(link)
            native = m.group(1) if m else link
            md = parse_month_day(match.get(row, "post_time"), file=file.name, record=record, field="Post time")
            if md is None:
                raise SourceError(file.name, "has no post time", record=f"{record} (video {native})",
                                  field="Post time", expected="a day such as 'August 14'", fix=FIX)
            day = _one_date(md, latest)
            seen.append(day)
            title = match.get(row, "video_title")
            key = post_key(PLATFORM, native)
            ctx.emit("posts", {
                "post_key": key, "platform": PLATFORM, "native_id": native, "account_id": acct,
                "published_at": datetime.combine(day, time(0, 0), tz), "kind": "original", "format": "video",
                "text": title, "language": None, "url": link, "in_reply_to": None,
                "hashtags": _meta.hashtags(title) or None, "mentions": None, "links": None, "labels": None,
                "extra": None,
            })
            views = parse_int(match.get(row, "total_views"), file=file.name, record=record, field="Total views")
            ctx.emit("post_metrics", {
                "post_key": key, "observed_at": ctx.observed_at,
                "reactions": parse_int(match.get(row, "total_likes"), file=file.name, record=record, field="Total likes"),
                "comments": parse_int(match.get(row, "total_comments"), file=file.name, record=record,
                                      field="Total comments"),
                "shares": parse_int(match.get(row, "total_shares"), file=file.name, record=record, field="Total shares"),
                "views": views, "video_views": views,
            })
        return seen

