"""What the Meta Business Suite importers share: reading its CSVs, its post types, its times.

Not a source (the leading underscore keeps it out of the registry). The Facebook and
Instagram post exports have the same shape: one row per post, lifetime totals at export
time, `Publish time` in US order (`09/01/2025 21:13`), a `Date` column that says
`Lifetime`, and `undefined` where Meta has no number.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date, datetime

import orjson

from smi.errors import SourceError
from smi.platforms import normalise_handle
from smi.sources.base import ImportContext
from smi.sources.columns import ColumnMap, Match, csv_problem, norm_header, parse_datetime
from smi.sources.files import InputFile, read_whole

# Meta's post types, lower-cased without an `IG ` prefix, to our format (smi.canonical.POST_FORMATS).
POST_FORMATS: dict[str, str] = {
    "photos": "image", "photo": "image", "image": "image", "images": "image",
    "videos": "video", "video": "video",
    "reels": "reel", "reel": "reel",
    "links": "link", "link": "link",
    "text": "text", "status": "text", "statuses": "text",
    "carousel": "carousel", "carousel album": "carousel", "albums": "carousel", "album": "carousel",
    "live": "live", "live video": "live", "live videos": "live",
    "stories": "story", "story": "story",
}

# Publish time: `MM/DD/YYYY HH:MM` in the real exports; ISO 8601 is also accepted.
TIME_FORMATS = ("%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M %p")

_HASHTAG = re.compile(r"(?<![\w&])#(\w+)")
_MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_.]{1,30})")
_URL = re.compile(r"\bhttps?://[^\s<>\"')\]]+", re.IGNORECASE)


def post_format(value: str | None) -> str | None:
    """`Photos` -> image, `IG reel` -> reel; None when not given, `other` when unknown."""
    if value is None:
        return None
    key = norm_header(value)
    key = key.removeprefix("ig ")
    return POST_FORMATS.get(key, "other")


def hashtags(text: str | None) -> list[str]:
    return list(dict.fromkeys(h.lower() for h in _HASHTAG.findall(text or "")))


def mentions(platform: str, text: str | None) -> list[str]:
    return list(dict.fromkeys(normalise_handle(platform, m.rstrip(".")) for m in _MENTION.findall(text or "")))


def links(text: str | None) -> list[str]:
    return list(dict.fromkeys(u.rstrip(".,;:!?") for u in _URL.findall(text or "")))


def extra_json(values: dict[str, object]) -> str | None:
    kept = {k: v for k, v in values.items() if v is not None and v != ""}
    return orjson.dumps(kept, option=orjson.OPT_SORT_KEYS).decode() if kept else None


# Meta names a post export for its date range: `Sep-01-2025_Sep-30-2025_<export id>.csv`.
_RANGE_NAME = re.compile(r"^[A-Za-z]{3}-\d{2}-\d{4}_([A-Za-z]{3}-\d{2}-\d{4})_")


def range_end(file: InputFile) -> date | None:
    """The last day of the date range in a Meta export's file name, if it has one."""
    m = _RANGE_NAME.match(file.basename)
    if m is None:
        return None
    try:
        return datetime.strptime(m.group(1), "%b-%d-%Y").date()
    except ValueError:
        return None


def set_observed_at(files: list[InputFile], ctx: ImportContext) -> None:
    """When the numbers were true: `--as-of` if given, else the end of the date range the
    file names give, else the files' modification time (the import summary then says so)."""
    ends = [d for f in files if (d := range_end(f)) is not None]
    if ends:
        ctx.observed_on(max(ends))
    else:
        ctx.observed_from_file_time(*files)




def decode(data: bytes, file: str, fix: str) -> str:
    """The text of a Meta CSV: UTF-8 (with or without BOM) or UTF-16 with BOM."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        enc, body = "utf-16", data
    else:
        enc, body = "utf-8", data.removeprefix(b"\xef\xbb\xbf")
    try:
        return body.decode(enc)
    except UnicodeDecodeError as e:
        line = body[: e.start].count(b"\n" if enc == "utf-8" else "\n".encode("utf-16-le")) + 1
        raise SourceError(file, f"is not {enc.upper()} text (bad bytes at offset {e.start:,})",
                          record=f"line {line}", expected=f"a CSV file in {enc.upper()}",
                          fix=fix) from None


def read_text(file: InputFile, ctx: ImportContext, fix: str, what: str = "a Meta export") -> str:
    """Whole-file read: Meta's exports are a few MB at most (one row per post or day). `what`
    names the export in the message for a file over the cap (TikTok's reader uses this too)."""
    with ctx.open(file) as stream:
        data = read_whole(stream, file.name, what)
    return decode(data, file.name, fix)


# smi's own `smi export csv` posts.csv: the canonical columns first, then the columns a Meta
# export gave that smi kept in `extra` (so the Meta column map matches it too). Meta's
# headers never name these snake_case columns.
SMI_EXPORT_COLUMNS = {"platform", "post_id", "published_at"}


def is_smi_export(header: list[str]) -> bool:
    """The header of smi's own export (read by canonical_csv), not of a Meta export."""
    return {c.strip().lstrip("\ufeff") for c in header} >= SMI_EXPORT_COLUMNS


def head_rows(file: InputFile, n: int = 4) -> list[list[str]]:
    """The first `n` CSV rows of the file's head (for detection); [] if it is not text."""
    raw = file.head()
    if not raw or (b"\x00" in raw and not raw.startswith((b"\xff\xfe", b"\xfe\xff"))):
        return []
    text = file.head_text()
    try:
        rows = []
        for row in csv.reader(io.StringIO(text, newline="")):
            rows.append(row)
            if len(rows) >= n:
                break
        return rows
    except csv.Error:
        return []


def rows(text: str, file: str, header_line: int, fix: str) -> Iterator[tuple[int, list[str]]]:
    """CSV rows after the header, each with the line it starts on. Blank lines are skipped;
    a row with fewer cells than the header (a file cut short) is an error naming the line."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    names: list[str] = []
    start = 1
    try:
        for row in reader:
            line, start = start, reader.line_num + 1
            if line < header_line:
                continue
            if line == header_line:
                names = [n.replace("\ufeff", "").strip() for n in row]
                continue
            if not any(c.strip() for c in row):
                continue
            if len(row) < len(names):
                raise SourceError(file, f"has {len(row)} of the header's {len(names)} columns",
                                  record=f"line {line}", field=names[len(row)],
                                  expected="a complete row",
                                  fix="the file may be cut short or edited; " + fix)
            yield line, row
    except csv.Error as e:
        raise SourceError(file, csv_problem(e), record=f"line {start}",
                          fix="the file may be cut short or edited; " + fix) from None


def header(text: str, columns: ColumnMap, file: str, fix: str, line: int = 1) -> Match:
    """Match the header row, which starts on `line` (after any preamble lines)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    row: list[str] | None = None
    try:
        for r in reader:
            if reader.line_num >= line:
                row = r
                break
    except csv.Error as e:
        raise SourceError(file, csv_problem(e), record=f"line {line}", fix=fix) from None
    if row is None:
        raise SourceError(file, "is empty" if line == 1 else "ends before its header",
                          record=f"line {line}", expected=f"a {columns.name} export", fix=fix)
    return columns.match(row, file)


def post_id_and_time(match: Match, row: list[str], line: int, file: str, tz: str,
                     headers: dict[str, str], fix: str, example: str) -> tuple[str, str, datetime]:
    """The post id, the record's name for errors, and the publish time (UTC) of one row of a
    post-level export; each missing or unreadable one is an error naming line and column."""
    pid = match.get(row, "post_id")
    record = f"line {line}" + (f" (post {pid})" if pid else "")
    if not pid:
        raise SourceError(file, "has no post id", record=record, field=headers["post_id"],
                          expected="the post's id", fix=fix)
    published = parse_datetime(match.get(row, "published_at"), file=file, record=record,
                               field=headers["published_at"], tz=tz, formats=TIME_FORMATS)
    if published is None:
        raise SourceError(file, "has no publish time", record=record, field=headers["published_at"],
                          expected=f"a time such as {example}", fix=fix)
    return pid, record, published


def warn_repeats_and_gaps(ctx: ImportContext, file: InputFile, repeated: int, match: Match,
                          headers: dict[str, str], expected: list[str]) -> None:
    """The two warnings of a post-level export: rows repeating a post, metric columns absent.
    Impressions gave way to Views in 2025: a file with neither lacks views."""
    if repeated:
        ctx.warn(f"{file.basename}: {repeated:,} rows repeat a post already in the file "
                 "(a Date other than Lifetime?); the last row of each post was kept")
    if "views" not in match.index and "impressions" not in match.index:
        expected = ["views", *expected]
    missing = [headers[m] for m in expected if m in match.missing_optional]
    if missing:
        ctx.warn(f"{file.basename}: no column {', '.join(repr(m) for m in missing)}; "
                 "those metrics are left empty (not 0)")
