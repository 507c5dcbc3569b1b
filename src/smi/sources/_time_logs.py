"""What the staff time-log importers (Toggl Track, Clockify) share.

Reading a detailed-report CSV, the dates and durations these tools write, the stable key
of a time entry, and mapping projects, tags and descriptions to platform and activity via
the profile's `[effort]` tables (see docs/formats.md).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

import pyarrow as pa

from smi.canonical import ACTIVITIES, SCHEMAS
from smi.errors import ProfileError, SourceError
from smi.platforms import PLATFORMS, normalise_platform
from smi.sources.base import ImportContext, Source, Unit
from smi.sources.columns import ColumnMap, Match, bounded_lines, csv_problem
from smi.sources.files import InputFile

# Words in a project, task or tag name that say what kind of work it was.
ACTIVITY_WORDS: dict[str, str] = {
    **{w: "create" for w in ("create", "creating", "design", "designing", "write", "writing",
                             "content", "copywriting", "copy", "video", "videos", "editing",
                             "edit", "photo", "photos", "photography", "graphics", "post",
                             "posts", "posting", "drafting", "filming")},
    **{w: "engage" for w in ("engage", "engaging", "engagement", "community", "reply", "replies",
                             "replying", "comments", "commenting", "messages", "dm", "dms",
                             "inbox", "moderation", "moderating")},
    **{w: "monitor" for w in ("monitor", "monitoring", "listening", "mentions", "tracking")},
    **{w: "plan" for w in ("plan", "planning", "strategy", "calendar", "scheduling", "schedule",
                           "meeting", "meetings", "brief")},
    **{w: "report" for w in ("report", "reports", "reporting", "analytics", "analysis",
                             "insights", "metrics", "stats")},
    **{w: "learn" for w in ("learn", "learning", "training", "course", "webinar")},
    **{w: "other" for w in ("other", "admin")},
}
NO_PLATFORM = ("", "none", "-")  # a mapping value meaning "this is not platform work"

_WORD = re.compile(r"[\w']+")
_DMY = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})$")
_YMD = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")


def effort_key(prefix: str, seen: dict[str, int], fields: Sequence[str]) -> str:
    """A stable key for a time entry: a hash of its fields plus which identical row it is
    (first, second, …) in the file, so importing the same or an overlapping export again
    adds nothing twice, while two identical entries in one file both count."""
    digest = hashlib.blake2b("\x1f".join(fields).encode(), digest_size=12).hexdigest()
    n = seen.get(digest, 0) + 1
    seen[digest] = n
    return f"{prefix}:{digest}:{n}"


# -- dates and durations --------------------------------------------------------------------


def date_order(values: Sequence[tuple[str, str]], file: str) -> str:
    """"dmy" or "mdy" for the file's day/month dates (ISO dates need neither).

    `values` are (record, text). A first number above 12 proves day-first, a second above
    12 proves month-first; dotted dates are day-first. If nothing decides it, refuse."""
    dmy_ok = mdy_ok = True
    first_dmy = first_mdy = None
    sample = None
    for record, text in values:
        m = _DMY.match(text.strip())
        if not m:
            continue
        a, sep, b = int(m.group(1)), m.group(2), int(m.group(3))
        if sample is None and a != b:
            sample = (record, text)
        if sep == "." or a > 12:
            mdy_ok = False
            first_dmy = first_dmy or (record, text)
        if b > 12:
            dmy_ok = False
            first_mdy = first_mdy or (record, text)
    if dmy_ok and not mdy_ok:
        return "dmy"
    if mdy_ok and not dmy_ok:
        return "mdy"
    if not dmy_ok and not mdy_ok:
        record, text = first_mdy or ("", "")
        raise SourceError(file, f"the dates mix day-first and month-first ('{first_dmy[1] if first_dmy else ''}' and '{text}')",
                          record=record, field="Start date", expected="one date format throughout",
                          fix="export the report again with one date format (YYYY-MM-DD is safest)")
    if sample is None:
        return "dmy"  # every date has day == month (or there are none): the order does not matter
    record, text = sample
    raise SourceError(
        file, f"cannot tell whether '{text}' is day/month or month/day: no date in the file has a day above 12",
        record=record, field="Start date", expected="dates in YYYY-MM-DD, or a file with a day after the 12th",
        fix="set the date format to YYYY-MM-DD in the tool's profile settings and export again",
    )


def parse_date(text: str, order: str, *, file: str, record: str, field: str) -> date:
    t = text.strip()
    try:
        m = _YMD.match(t)
        if m:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = _DMY.match(t)
        if m:
            a, b, y = int(m.group(1)), int(m.group(3)), int(m.group(4))
            y = y + 2000 if len(m.group(4)) <= 2 else y  # '26' is 2026; '0001' is year 1 (refused later)
            return date(y, b, a) if order == "dmy" else date(y, a, b)
    except ValueError:
        pass
    raise SourceError(file, f"'{text}' is not a date", record=record, field=field,
                      expected="YYYY-MM-DD, DD/MM/YYYY, MM/DD/YYYY, DD-MM-YYYY, MM-DD-YYYY or DD.MM.YYYY",
                      fix="correct the cell, or export the report again")


def parse_duration(text: str, *, file: str, record: str, field: str) -> float:
    """Minutes from `01:30:00`, `1:30`, `125:00:00` or decimal hours `1.5` / `1,5`."""
    t = text.strip()
    try:
        if ":" in t:
            parts = [int(p) for p in t.split(":")]
            if len(parts) in (2, 3) and all(p >= 0 for p in parts) and all(p < 60 for p in parts[1:]):
                h, m, s = (*parts, 0) if len(parts) == 2 else parts
                return h * 60 + m + s / 60
        else:
            hours = float(t.replace(",", "."))
            if hours >= 0 and hours == hours and hours != float("inf"):
                return hours * 60
    except ValueError:
        pass
    raise SourceError(file, f"'{text}' is not a duration", record=record, field=field,
                      expected="hh:mm:ss such as 01:30:00, or decimal hours such as 1.5",
                      fix="correct the cell, or export the report again")


# -- mapping ----------------------------------------------------------------------------------


@dataclass
class Mapper:
    """Project/tag/description -> platform and activity; user -> person. From `[effort]`."""

    platforms: dict[str, str | None] = field(default_factory=dict)
    activities: dict[str, str] = field(default_factory=dict)
    people: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_profile(cls, profile: Any) -> Mapper:
        m = cls()
        effort = getattr(profile, "effort", None)
        if effort is None:
            return m
        for name, value in effort.platforms.items():
            v = value.strip().lower()
            if v in NO_PLATFORM:
                m.platforms[name.strip().casefold()] = None
                continue
            p = normalise_platform(v)
            if p is None:
                raise ProfileError("workspace.toml", f"effort.platforms.\"{name}\"",
                                   f"'{value}' is not a platform smi knows",
                                   fix="use one of " + ", ".join(PLATFORMS) + ", or \"none\"")
            m.platforms[name.strip().casefold()] = p
        for name, value in effort.activities.items():
            v = value.strip().lower()
            if v not in ACTIVITIES:
                raise ProfileError("workspace.toml", f"effort.activities.\"{name}\"",
                                   f"'{value}' is not an activity smi knows",
                                   fix="use one of " + ", ".join(ACTIVITIES))
            m.activities[name.strip().casefold()] = v
        m.people = {k.strip().casefold(): v for k, v in effort.people.items()}
        return m

    def person(self, user: str, email: str | None) -> str:
        for key in (user, email):
            if key and key.strip().casefold() in self.people:
                return self.people[key.strip().casefold()]
        return user.strip()

    def platform(self, names: Sequence[str], described: str | None) -> tuple[str | None, bool]:
        """(platform, decided). `decided` is False when nothing named a platform."""
        for n in (*names, described or ""):
            key = n.strip().casefold()
            if key and key in self.platforms:
                return self.platforms[key], True
        for n in names:
            p = normalise_platform(n) if n.strip() else None
            if p:
                return p, True
        for n in names:
            for w in _WORD.findall(n):
                p = normalise_platform(w)
                if p:
                    return p, True
        return None, False

    def activity(self, names: Sequence[str], described: str | None) -> tuple[str, bool]:
        for n in (*names, described or ""):
            key = n.strip().casefold()
            if key and key in self.activities:
                return self.activities[key], True
        for n in names:
            key = n.strip().casefold()
            if key in ACTIVITY_WORDS:
                return ACTIVITY_WORDS[key], True
        for n in names:
            for w in _WORD.findall(n.casefold()):
                if w in ACTIVITY_WORDS:
                    return ACTIVITY_WORDS[w], True
        return "other", False


# -- the source ------------------------------------------------------------------------------


class _Raw(io.RawIOBase):
    """Lets a text reader read through the context's progress-counting stream."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        return self._inner.readinto(b)


def _rows(file: InputFile, ctx: ImportContext) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) for each row after the header, as UTF-8 text."""
    with ctx.open(file) as raw:
        text = io.TextIOWrapper(io.BufferedReader(_Raw(raw), 1 << 20), encoding="utf-8-sig", newline="")
        # each line read with a bound: a bomb's one huge cell is refused, not held (issue 14)
        reader = csv.reader(bounded_lines(text, file.name, "export the report again", "time entry"))
        try:
            next(reader, None)
            for cells in reader:
                yield reader.line_num, cells
        except UnicodeDecodeError:
            line = reader.line_num + 1
            raise SourceError(file.name, "is not UTF-8 text", record=f"near line {line}",
                              expected="UTF-8 text",
                              fix="export the report again, or save it as CSV UTF-8") from None
        except csv.Error as e:
            raise SourceError(file.name, csv_problem(e), record=f"line {reader.line_num}",
                              fix="export the report again; check the quoting on that line") from None


def _header(file: InputFile) -> list[str]:
    lines = file.head_text().splitlines()
    if not lines:
        return []
    try:
        return next(csv.reader(lines[:1]), [])
    except csv.Error:
        return []


class TimeLogSource(Source):
    """A time tracker's detailed report: one row per time entry."""

    columns: ClassVar[ColumnMap]
    provides = ("effort",)
    fills = ("effort.person", "effort.date", "effort.minutes", "effort.platform", "effort.activity")
    platform = None
    priority = 60

    def detect(self, file: InputFile) -> bool:
        return file.basename.lower().endswith(".csv") and self.columns.matches(_header(file))

    def minutes(self, match: Match, row: list[str], *, file: str, record: str) -> float:
        raise NotImplementedError

    def read(self, unit: Unit, ctx: ImportContext) -> None:
        mapper = Mapper.from_profile(ctx.options.profile)
        for file in unit.files:
            self._read_file(file, mapper, ctx)

    def _read_file(self, file: InputFile, mapper: Mapper, ctx: ImportContext) -> None:
        header = _header(file)
        match = self.columns.match(header, file.name)
        width = len(header)
        rows: list[tuple[str, list[str]]] = []
        for line, cells in _rows(file, ctx):
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != width:
                raise SourceError(file.name, f"the row has {len(cells)} cells", record=f"line {line}",
                                  expected=f"{width} cells, one per header column",
                                  fix="export the report again; check for a stray comma or quote")
            rows.append((f"line {line}", cells))
        order = date_order([(r, match.get(c, "start_date") or "") for r, c in rows], file.name)
        seen: dict[str, int] = {}
        out: dict[str, list[Any]] = {n: [] for n in SCHEMAS["effort"].names}
        unmapped_rows = 0
        unmapped_names: dict[str, int] = {}
        for record, cells in rows:
            user = match.get(cells, "user")
            if user is None:
                raise SourceError(file.name, "the user is empty", record=record,
                                  field=header[match.index["user"]], expected="who did the work",
                                  fix="fill in the user, or delete the row")
            start = match.get(cells, "start_date")
            if start is None:
                raise SourceError(file.name, "the start date is empty", record=record,
                                  field=header[match.index["start_date"]], expected="a date",
                                  fix="fill in the date, or delete the row")
            day = parse_date(start, order, file=file.name, record=record,
                             field=header[match.index["start_date"]])
            minutes = self.minutes(match, cells, file=file.name, record=record)
            project, task, client = (match.get(cells, k) or "" for k in ("project", "task", "client"))
            tags = [t.strip() for t in (match.get(cells, "tags") or "").split(",") if t.strip()]
            description = match.get(cells, "description")
            names = [n for n in (project, *tags, task, client) if n]
            platform, p_ok = mapper.platform(names, description)
            activity, a_ok = mapper.activity(names, description)
            if not (p_ok and a_ok):
                unmapped_rows += 1
                label = project or (tags[0] if tags else "") or (description or "(no project)")
                unmapped_names[label] = unmapped_names.get(label, 0) + 1
            raw = [cells[i] for i in sorted(match.index.values())]
            out["entry_key"].append(effort_key(self.name, seen, raw))
            out["person"].append(mapper.person(user, match.get(cells, "email")))
            out["date"].append(day)
            out["minutes"].append(minutes)
            out["platform"].append(platform)
            out["activity"].append(activity)
            out["note"].append(description)
            out["source"].append(self.name)
        if unmapped_rows:
            names = sorted(unmapped_names, key=lambda k: (-unmapped_names[k], k))
            shown = ", ".join(f"'{n}'" for n in names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
            ctx.warn(
                f"{file.basename}: {unmapped_rows:,} of {len(rows):,} time entries have no platform or "
                f"activity smi could recognise ({shown}); they count as platform unknown and activity "
                f"'other'. Map them in workspace.toml: under effort.platforms write \"{names[0]}\" = "
                f"\"facebook\" (or \"none\"), under effort.activities \"{names[0]}\" = \"create\""
            )
        if rows:
            ctx.emit_batch("effort", pa.table(out, schema=SCHEMAS["effort"]))
