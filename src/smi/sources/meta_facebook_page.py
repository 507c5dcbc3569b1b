"""Facebook Page daily metrics from Meta Business Suite (Insights > Export data, one CSV per metric).

Each file is UTF-16 with a BOM and three lines before the numbers: `sep=,` (a hint for
Excel), the metric's name (`"Facebook follows"`), and the header `"Date","Primary"`; then one
row per day (`"2025-09-20T00:00:00","20"`). The metric is known by that name line, not by
the file name. All such files in one folder are imported together, as one unit. The
numbers are dated the last day the files give (`--as-of` wins).

What goes where in audience_daily (one row per day, for the days a used file covers):
- `Facebook follows` -> gained (new follows that day);
- `Facebook visits`  -> visits.
Nothing here gives the follower total or unfollows: followers and lost stay empty (NULL).
Every other metric (`Views`, `Content interactions`, `Facebook link clicks`, ...) has no
place in smi yet; such files are recognised, not imported, and named in one warning.

The files do not say which Page they are for. The account is, in order: `--account`; the
one Facebook account the workspace profile declares; the Page of the Facebook post export
in the same import (`facebook:<Page ID>`, as meta_facebook_posts names it); else the
import fails and says how to name it (nothing is stored under a made-up account).

Look-alikes recognised and left alone, named in a warning when they sit in the same import:
demographics files (`Gender, Distribution`, `Top territories, Distribution`, …) that no
other source claimed. TikTok Studio's files, which sit beside Meta's in some folders
(`FollowerHistory.csv`, `Viewers.csv` and their demographics), are read by
`tiktok_studio`, never as Facebook data. Page-level files whose metric name starts with
`Instagram` are not claimed either.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePosixPath

from smi.errors import SourceError
from smi.platforms import account_id
from smi.sources import _meta, own_account
from smi.sources.base import ImportContext, ImportOptions, Source, Unit, register
from smi.sources.columns import Column, ColumnMap, norm_header, parse_date, parse_int
from smi.sources.files import InputFile
from smi.sources.meta_facebook_posts import COLUMNS as POST_COLUMNS
from smi.sources.meta_facebook_posts import page_of

PLATFORM = "facebook"
FIX = "export the page metrics again from Meta Business Suite (Insights > Export data, CSV)"

DAILY = ColumnMap("Meta Business Suite daily metric", [
    Column("date", ("Date",), required=True),
    Column("value", ("Primary",), required=True),
])
# The metric-name line -> the audience_daily column it fills. Other names are not used.
USED = {"facebook follows": "gained", "facebook visits": "visits"}
DATE_FORMATS = ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d")

# Files that sit beside Meta's in real export folders but are not Meta page metrics.
LOOKALIKES: list[tuple[ColumnMap, str]] = [
    (ColumnMap("demographics", [
        Column("group", ("Gender", "Age", "Top territories", "Top countries", "Top cities"), required=True),
        Column("share", ("Distribution",), required=True)]),
     "a follower demographics export"),
]


@dataclass
class PageUnit(Unit):
    """The daily files of one folder, with what claim() saw beside them."""

    pages: dict[str, str | None] = field(default_factory=dict)  # Page ID -> name, from post exports
    lookalikes: list[tuple[str, str]] = field(default_factory=list)  # (file name, what it is)


def metric_name(file: InputFile) -> str | None:
    """The metric a Meta daily file holds (`Facebook follows`), or None if it is not one."""
    rows = _meta.head_rows(file, 4)
    if rows and rows[0] and rows[0][0].strip().lower().startswith("sep="):
        rows = rows[1:]
    if len(rows) < 2 or len(rows[0]) != 1 or not rows[0][0].strip():
        return None
    return rows[0][0].strip() if DAILY.matches(rows[1]) else None


def lookalike(file: InputFile) -> str | None:
    """What a file is, if it is one of the look-alikes smi recognises but does not read."""
    rows = _meta.head_rows(file, 1)
    if not rows:
        return None
    for columns, what in LOOKALIKES:
        if columns.matches(rows[0]) and len(rows[0]) <= len(columns.columns) + 1:
            return what
    return None


@register
class MetaFacebookPage(Source):
    """Facebook Page follows and visits per day (Meta Business Suite page-level export)."""

    name = "meta_facebook_page"
    own_export = True  # its accounts are the organisation's unless the profile says
    title = "Facebook Page daily metrics (Meta Business Suite)"
    platform = PLATFORM
    provides = ("audience_daily", "accounts")
    # canonical columns it fills (metrics/availability.py); no follower total and no unfollows
    fills = (
        "audience_daily.gained", "audience_daily.visits",
    )
    reads = "the page-level CSVs from Insights > Export data (UTF-16, `sep=,`; Follows.csv, Visits.csv, ...)"
    priority = 40  # before the post exports are claimed: they name the Page

    def detect(self, file: InputFile) -> bool:
        name = metric_name(file)
        return name is not None and not norm_header(name).startswith("instagram")

    def claim(self, files: list[InputFile], options: ImportOptions) -> list[Unit]:
        by_folder: dict[str, list[InputFile]] = defaultdict(list)
        for f in files:
            if self.detect(f):
                by_folder[f.parent].append(f)
        if not by_folder:
            return []
        pages: dict[str, str | None] = {}
        others: list[tuple[str, str]] = []
        for f in files:
            rows = _meta.head_rows(f, 1)
            if rows and POST_COLUMNS.matches(rows[0]):
                page = page_of(f)
                if page is not None:
                    pages.setdefault(*page)
                continue
            what = lookalike(f)
            if what is None:
                name = metric_name(f)
                if name is not None and norm_header(name).startswith("instagram"):
                    what = f"an Instagram page-level export ({name}); smi does not read it yet"
            if what is not None:
                others.append((f.basename, what))
        units: list[Unit] = []
        for i, (_, group) in enumerate(sorted(by_folder.items())):
            group.sort(key=lambda f: f.relpath)
            first = group[0]
            name = first.name[: -len(first.basename)].rstrip("/\\") or first.name
            units.append(PageUnit(self, group, name,
                                  pages=dict(pages), lookalikes=others if i == 0 else []))
        return units

    def read(self, unit: Unit, ctx: ImportContext) -> None:
        pages = unit.pages if isinstance(unit, PageUnit) else {}
        acct, handle, page_name, page_id = self._account(unit, pages, ctx)
        days: dict[date, dict[str, int | None]] = defaultdict(dict)
        unused: list[str] = []
        for file in unit.files:
            text = _meta.read_text(file, ctx, FIX)
            lines = text.splitlines()
            offset = 1 if lines and lines[0].strip().lower().startswith("sep=") else 0
            metric = lines[offset].strip().strip('"') if len(lines) > offset else ""
            target = USED.get(norm_header(metric))
            if target is None:
                unused.append(f"{file.basename} ({metric})")
                continue
            header_line = offset + 2
            match = _meta.header(text, DAILY, file.name, FIX, header_line)
            for line, row in _meta.rows(text, file.name, header_line, FIX):
                record = f"line {line}"
                day = parse_date(match.get(row, "date"), file=file.name, record=record, field="Date",
                                 formats=DATE_FORMATS)
                if day is None:
                    raise SourceError(file.name, "has no date", record=record, field="Date",
                                      expected="a date such as 2025-09-20T00:00:00", fix=FIX)
                value = parse_int(match.get(row, "value"), file=file.name, record=record, field="Primary")
                if target in days[day] and days[day][target] != value:
                    ctx.warn(f"{file.basename}: {day} has {target} {value} here and "
                             f"{days[day][target]} in another file; kept {value}")
                days[day][target] = value
        # The numbers are for the days the files give: they end on the last of them.
        if days:
            ctx.observed_on(max(days))
        else:
            ctx.observed_from_file_time(*unit.files)
        for day in sorted(days):
            v = days[day]
            ctx.emit("audience_daily", {"platform": PLATFORM, "account_id": acct, "date": day,
                                        "followers": None, "gained": v.get("gained"), "lost": None,
                                        "visits": v.get("visits")})
        ctx.emit("accounts", {"account_id": acct, "platform": PLATFORM, "handle": handle,
                              "display_name": page_name, "native_id": page_id})
        if unused:
            ctx.warn(f"not imported (smi has no place for these page metrics yet): {', '.join(unused)}")
        if isinstance(unit, PageUnit):
            for name, what in unit.lookalikes:
                ctx.warn(f"{name}: {what}; not imported as Facebook data")

    def _account(
        self, unit: Unit, pages: dict[str, str | None], ctx: ImportContext
    ) -> tuple[str, str, str | None, str | None]:
        """(account_id, handle, display name, Page ID) for the unit's files."""
        declared = (own_account.from_option(PLATFORM, ctx.options, unit.name)
                    or own_account.from_profile(PLATFORM, ctx.options))
        if declared is not None:
            page_id, name = next(iter(pages.items())) if len(pages) == 1 else (None, None)
            return account_id(PLATFORM, declared), declared, name, page_id
        if len(pages) == 1:
            page_id, name = next(iter(pages.items()))
            return account_id(PLATFORM, page_id), page_id, name, page_id
        files = ", ".join(PurePosixPath(f.relpath).name for f in unit.files)
        if pages:
            raise SourceError(unit.name, f"the page-level files ({files}) do not say which Page they "
                              f"are for, and this import has posts of {len(pages)} Pages "
                              f"({', '.join(pages)})",
                              fix="import them with --account <Page ID>, e.g. --account " + next(iter(pages)))
        raise SourceError(unit.name, f"the page-level files ({files}) do not say which Page they are for",
                          fix="import them together with the Page's post export (Insights > Content > "
                              "Export data), or give --account <Page ID> (the 'Page ID' column of that export)")
