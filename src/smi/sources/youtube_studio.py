"""YouTube Studio analytics export (Analytics > Advanced mode > Export current view >
Comma-separated values): a zip, or its unzipped folder, of `Table data.csv`,
`Chart data.csv` and `Totals.csv`. The three files of one folder are one import.

The first column of `Table data.csv` names the dimension the export was made for. Only the
**Content** dimension (one row per video) is mapped; any other (Traffic source, Geography,
Date, Device type…) is recognised, reported with a warning and stored nowhere — its rows
are channel-wide breakdowns that have no place in the canonical tables.

Content mapping, per video row (the leading `Total` row is skipped):
- posts: native id = the `Content` cell without spaces (Studio puts a space before ids
  that start with `-`), format video, text = `Video title`, url = the watch URL,
  published_at = `Video publish time` (a date: midnight in the workspace time zone).
  Studio leaves the time blank for some videos: those are kept with no publish time
  (published_at NULL), so lifetime totals include them while no period can; a warning
  counts them and their views, and `smi status` and the report say how many are undated.
- post_metrics (lifetime totals for the export's date range): views = Views,
  video_views = Views (the post is a video), impressions = Impressions,
  reactions = Likes, comments = Comments added, shares = Shares,
  watch_time_seconds = Watch time (hours) × 3600 (or minutes × 60). A metric column the
  user did not choose in Studio is NULL. Other columns (Duration, Average view duration,
  Subscribers, Engaged views, CTR…) go to the post's `extra` JSON.
- audience_daily, from `Totals.csv` only when it has `Subscribers gained` / `Subscribers
  lost` (gained, lost). A net `Subscribers` column alone is not stored (a warning says so).
- `Chart data.csv` (per video per day) is not read.
- When the `Total` row's views differ from the sum of the video rows (views on videos the
  export does not list), a warning gives both.

The export does not name the channel: see `smi.sources.own_account`; a Studio zip's name
(`Content 2021-07-16_2025-08-06 Channel name.zip`) gives the display name. observed_at
(the numbers are totals for the export's date range): `--as-of`, else the range's last day
from the zip's name, else the last `Date` in `Totals.csv`, else the modification time of
the zip or of `Table data.csv` (the import summary then says so).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

import orjson

from smi.canonical import post_key
from smi.errors import SourceError
from smi.platforms import account_id
from smi.sources import own_account, sheets
from smi.sources.base import ImportContext, ImportOptions, Source, Unit, register
from smi.sources.columns import (
    Column,
    ColumnMap,
    Match,
    bounded_lines,
    csv_problem,
    norm_header,
    parse_date,
    parse_datetime,
    parse_float,
    parse_int,
)
from smi.sources.files import InputFile

PLATFORM = "youtube"
FIX = "export the view again from YouTube Studio (Analytics > Advanced mode > Export current view > CSV)"
PUBLISH_FORMATS = ("%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%m/%d/%Y")

CONTENT = ColumnMap("YouTube Studio Content", [
    Column("video_id", ("Content",), required=True),
    Column("title", ("Video title",), required=True),
    Column("published", ("Video publish time", "Publish time")),
    Column("views", ("Views",)),
    Column("watch_hours", ("Watch time (hours)",)),
    Column("watch_minutes", ("Watch time (minutes)",)),
    Column("impressions", ("Impressions",)),
    Column("reactions", ("Likes",)),
    Column("comments", ("Comments added", "Comments")),
    Column("shares", ("Shares",)),
])
TOTALS = ColumnMap("YouTube Studio Totals", [
    Column("date", ("Date",), required=True),
    Column("gained", ("Subscribers gained",)),
    Column("lost", ("Subscribers lost",)),
    Column("net", ("Subscribers",)),
])
COUNTS = ("views", "impressions", "reactions", "comments", "shares")
# Metric headers only Studio writes; one of them (or the file's name) marks a Table data file.
STUDIO_METRICS = {norm_header(h) for h in (
    "Watch time (hours)", "Watch time (minutes)", "Average view duration", "Average percentage viewed (%)",
    "Impressions click-through rate (%)", "Subscribers gained", "Subscribers lost", "Engaged views",
    "Comments added", "Unique viewers", "Regular viewers", "Returning viewers", "New viewers",
)}
ANY_METRIC = STUDIO_METRICS | {norm_header(h) for h in ("Views", "Impressions", "Subscribers", "Likes", "Shares")}
SIBLINGS = ("chart data", "totals")
_ZIP_NAME = re.compile(r"^(?P<dim>.+?) (?P<start>\d{4}-\d{2}-\d{2})_(?P<end>\d{4}-\d{2}-\d{2}) (?P<channel>.+)$")


class _Raw(io.RawIOBase):
    """A raw stream over a file-like object that reads (and counts progress) as it is asked."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        data = self._inner.read(len(b))
        b[: len(data)] = data
        return len(data)


def csv_stream(file: InputFile, stream: Any) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for each CSV record of a byte stream, read 1 MB at a time: UTF-8
    (with or without its BOM) or UTF-16 with its BOM, as `sheets.decode`. Memory stays flat
    whatever the file's size: a line over `columns.MAX_LINE` characters is refused, and so is a cell over
    the csv module's limit (`columns.csv_cell_limit`)."""
    buf = io.BufferedReader(_Raw(stream), 1 << 20)
    bom = buf.peek(4)[:2]
    enc = "utf-16" if bom in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"
    text = io.TextIOWrapper(buf, encoding=enc, newline="")
    dialect = "excel-tab" if file.basename.lower().endswith(".tsv") else "excel"
    reader = csv.reader(bounded_lines(text, file.name, FIX, "YouTube Studio row"), dialect=dialect)
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as e:
        raise SourceError(file.name, csv_problem(e), record=f"line {reader.line_num}", fix=FIX) from None
    except UnicodeDecodeError:
        raise SourceError(file.name, "is not UTF-8 text", record=f"near line {reader.line_num + 1}",
                          expected="a CSV file as YouTube Studio exported it",
                          fix="export the file again, or save it as CSV UTF-8") from None


def _first_rows(file: InputFile, n: int = 2) -> list[list[str]]:
    if sheets.kind(file) != "csv":
        return []
    lines = file.head_text().splitlines()[:n]
    try:
        return [row for _, row in sheets.csv_rows(file, "\n".join(lines))]
    except SourceError:
        return []


def _stem(file: InputFile) -> str:
    return norm_header(PurePosixPath(file.basename).stem)


def _folder(file: InputFile) -> str:
    """The folder (or zip and folder inside it) a file sits in: one Studio export each."""
    if file.name.startswith(f"{file.origin}!"):
        return f"{file.origin}!{file.parent}"
    return str(Path(file.origin).parent)


def _folder_name(file: InputFile) -> str:
    if file.name.startswith(f"{file.origin}!"):
        inner = PurePosixPath(file.parent).name
        return inner or Path(file.origin).stem
    return Path(file.origin).parent.name


@register
class YouTubeStudio(Source):
    """YouTube Studio Content export: videos and their lifetime metrics."""

    name = "youtube_studio"
    own_export = True  # its accounts are the organisation's unless the profile says
    title = "YouTube Studio analytics export"
    platform = PLATFORM
    provides = ("posts", "post_metrics", "audience_daily", "accounts")
    # canonical columns it fills (metrics/availability.py); no follower total, no comments' text
    fills = (
        "posts.account_id", "posts.published_at", "posts.kind", "posts.format", "posts.text",
        "posts.url", "post_metrics.views", "post_metrics.video_views", "post_metrics.impressions",
        "post_metrics.reactions", "post_metrics.comments", "post_metrics.shares",
        "post_metrics.watch_time_seconds", "audience_daily.gained", "audience_daily.lost",
    )
    reads = "a YouTube Studio export zip or folder (Table data.csv, Chart data.csv, Totals.csv); Content dimension"
    priority = 60

    def detect(self, file: InputFile) -> bool:
        """A `Table data.csv` of any dimension: a `Total` row under a header of Studio metrics."""
        rows = _first_rows(file)
        if len(rows) < 2 or not rows[0] or not rows[1] or rows[1][0].strip() != "Total":
            return False
        cols = {norm_header(h) for h in rows[0][1:]}
        return bool(cols & STUDIO_METRICS) or (_stem(file) == "table data" and bool(cols & ANY_METRIC))

    def claim(self, files: list[InputFile], options: ImportOptions) -> list[Unit]:
        units = []
        for f in files:
            if not self.detect(f):
                continue
            folder = _folder(f)
            siblings = [s for s in files if s is not f and _folder(s) == folder and _stem(s) in SIBLINGS
                        and (rows := _first_rows(s, 1)) and rows[0] and rows[0][0].strip() == "Date"]
            units.append(Unit(self, [f, *siblings], folder))
        return units

    # -- reading --------------------------------------------------------------------------------
    def read(self, unit: Unit, ctx: ImportContext) -> None:
        table = unit.primary
        header = _first_rows(table, 1)[0]
        dimension = header[0].replace("\ufeff", "").strip()
        if norm_header(dimension) != "content":
            ctx.warn(f"{table.basename} is a YouTube Studio {dimension} export; smi uses only the Content "
                     f"export, so nothing was stored (in Studio, choose the Content tab before exporting)")
            for f in unit.files:
                ctx.progress(f.size)
            return
        m = _ZIP_NAME.match(_folder_name(table))
        last_day = self._last_day(unit, ctx)
        if m is not None:
            ctx.observed_on(date.fromisoformat(m.group("end")))
        elif last_day is not None:
            ctx.observed_on(last_day)
        else:
            ctx.observed_from_file_time(table)
        channel = m.group("channel") if m else None
        handle = own_account.resolve(PLATFORM, ctx, what="channel")
        acct = account_id(PLATFORM, handle)
        ctx.emit("accounts", {"account_id": acct, "platform": PLATFORM, "handle": handle,
                              "display_name": channel, "native_id": None})
        self._videos(table, acct, ctx)
        for f in unit.files[1:]:
            if _stem(f) == "totals":
                self._totals(f, acct, ctx)
            else:
                ctx.progress(f.size)

    def _last_day(self, unit: Unit, ctx: ImportContext) -> date | None:
        """The last `Date` in the export's Totals.csv (the end of its date range), if any."""
        for f in unit.files[1:]:
            if _stem(f) != "totals":
                continue
            days = []
            with f.open() as fh:
                rows = csv_stream(f, fh)
                next(rows, None)  # the header
                for line, row in rows:
                    if not (row and row[0].strip()):
                        continue
                    day = parse_date(row[0], file=f.name, record=f"line {line}", field="Date")
                    if day is not None:
                        days.append(day)
            return max(days, default=None)
        return None

    def _rows(self, file: InputFile, ctx: ImportContext, cmap: ColumnMap) -> Iterator[tuple[str, Match, list[str]]]:
        with ctx.open(file) as fh:
            rows = csv_stream(file, fh)  # streamed: memory stays flat whatever the file's size
            first = next(rows, None)
            if first is None:
                raise SourceError(file.name, "is empty", expected="a header row and one row per item", fix=FIX)
            header = first[1]
            match = cmap.match(header, file.name)
            for line, row in rows:
                if all(not c.strip() for c in row):
                    continue
                if len(row) < len(header):
                    raise SourceError(file.name, f"has {len(row)} of the header's {len(header)} columns",
                                      record=f"line {line}", expected="a complete row",
                                      fix="the file may be cut short; " + FIX)
                yield f"line {line}", match, row

    def _videos(self, file: InputFile, acct: str, ctx: ImportContext) -> None:
        undated = undated_views = 0
        total: int | None = None  # the `Total` row's views
        views = 0
        for where, m, row in self._rows(file, ctx, CONTENT):
            vid = (m.get(row, "video_id") or "").replace(" ", "")
            if vid == "Total" and not m.get(row, "title"):
                if "views" in m.index:
                    total = parse_int(m.get(row, "views"), file=file.name, record=where, field="Views")
                continue
            rec = f"{where} (video {vid})"

            def col(name: str, _m: Match = m) -> str:
                return _m.header[_m.index[name]].strip()

            if not vid:
                raise SourceError(file.name, "has a row without a video id", record=where, field=col("video_id"),
                                  expected="the video's id, such as WcGwa_XZQxI", fix=FIX)
            published = parse_datetime(m.get(row, "published"), file=file.name, record=rec,
                                       field=col("published") if "published" in m.index else "Video publish time",
                                       tz=ctx.options.timezone, formats=PUBLISH_FORMATS)
            metrics: dict[str, object] = {
                c: parse_int(m.get(row, c), file=file.name, record=rec, field=col(c))
                for c in COUNTS if c in m.index
            }
            views += metrics.get("views") or 0  # type: ignore[operator]
            if published is None:
                undated += 1
                undated_views += metrics.get("views") or 0  # type: ignore[operator]
            metrics["video_views"] = metrics.get("views")
            watch = None
            for name, seconds in (("watch_hours", 3600), ("watch_minutes", 60)):
                if name in m.index:
                    value = parse_float(m.get(row, name), file=file.name, record=rec, field=col(name))
                    watch = None if value is None else round(value * seconds, 3)
                    break
            metrics["watch_time_seconds"] = watch
            mapped = {m.index[k] for k in ("video_id", "title", "published", "watch_hours", "watch_minutes", *COUNTS)
                      if k in m.index}
            extra = {h.strip(): row[j] for j, h in enumerate(m.header)
                     if j not in mapped and h.strip() and row[j].strip()}
            key = post_key(PLATFORM, vid)
            ctx.emit("posts", {
                "post_key": key, "platform": PLATFORM, "native_id": vid, "account_id": acct,
                "published_at": published, "kind": "original", "format": "video",
                "text": m.get(row, "title"), "language": None,
                "url": f"https://www.youtube.com/watch?v={vid}", "in_reply_to": None,
                "hashtags": None, "mentions": None, "links": None, "labels": None,
                "extra": orjson.dumps(extra).decode() if extra else None,
            })
            ctx.emit("post_metrics", {"post_key": key, "observed_at": ctx.observed_at, **metrics})
        if undated:
            ctx.warn(f"{undated:,} video{'s' if undated != 1 else ''} in {file.basename} with no publish time "
                     f"({undated_views:,} views between them) kept as undated: they count in lifetime "
                     "totals but in no month (Studio leaves the time blank for some videos)")
        if total is not None and total != views:
            ctx.warn(f"{file.basename}: its Total row gives {total:,} views and its video rows {views:,}: "
                     f"the difference ({total - views:+,}) is on no video the export lists, so it is not stored")

    def _totals(self, file: InputFile, acct: str, ctx: ImportContext) -> None:
        for where, m, row in self._rows(file, ctx, TOTALS):
            if "gained" not in m.index and "lost" not in m.index:
                if "net" in m.index:
                    ctx.warn(f"{file.basename} gives net subscribers per day; smi stores followers gained and "
                             "lost: choose the metrics 'Subscribers gained' and 'Subscribers lost' in Studio")
                return
            hdr = m.header
            day = parse_date(m.get(row, "date"), file=file.name, record=where, field=hdr[m.index["date"]].strip())
            if day is None:
                raise SourceError(file.name, "has no date", record=where, field=hdr[m.index["date"]].strip(),
                                  expected="a date such as 2024-08-12", fix=FIX)
            values = {c: parse_int(m.get(row, c), file=file.name, record=f"{where} ({day})",
                                   field=hdr[m.index[c]].strip()) if c in m.index else None
                      for c in ("gained", "lost")}
            ctx.emit("audience_daily", {"platform": PLATFORM, "account_id": acct, "date": day,
                                        "followers": None, "visits": None, **values})
