"""The canonical CSV interchange format: posts.csv, interactions.csv, audience.csv, effort.csv.

Any tool (a spreadsheet, a script, another product) can hand smi data in these four files.
They are read as a stream with Arrow, validated and converted column by column, so a file
of ten million rows imports in about a minute without its size in memory. Only when a
vectorised check fails is the batch scanned row by row, to name the line in the error.

The columns are documented in docs/formats.md.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from smi.canonical import (
    ACTIVITIES,
    AUDIENCE_NUMBERS,
    INTERACTION_KINDS,
    POST_FORMATS,
    POST_KINDS,
    SCHEMAS,
    TS,
    as_text,
    implausible_index,
    range_text,
)
from smi.errors import SourceError
from smi.messages import M, P
from smi.platforms import PLATFORMS, account_id, normalise_platform
from smi.sources._time_logs import effort_key
from smi.sources.base import ImportContext, Source, Unit, register
from smi.sources.files import InputFile

INT = pa.int64()
BLOCK_BYTES = 4 << 20  # Arrow reads the file in blocks of this size: memory stays flat

POST_METRICS = ("impressions", "reach", "views", "reactions", "comments", "shares", "saves",
                "clicks", "video_views")


@dataclass(frozen=True)
class Spec:
    """One of the four files: its required and known columns."""

    kind: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    keeps_extra: bool  # unknown columns go to the `extra` JSON column

    @property
    def known(self) -> tuple[str, ...]:
        return self.required + self.optional


SPECS: dict[str, Spec] = {
    "posts": Spec(
        "posts",
        ("platform", "post_id", "published_at"),
        ("account", "author", "kind", "format", "text", "language", "url", "in_reply_to",
         "labels", "hashtags", "mentions", "links", *POST_METRICS, "watch_time_seconds",
         "observed_at"),
        True,
    ),
    "interactions": Spec(
        "interactions",
        ("platform", "interaction_id", "created_at"),
        ("kind", "post_id", "in_reply_to", "author", "from_organisation", "text", "language"),
        True,
    ),
    "audience": Spec(
        "audience",
        ("platform", "account", "date"),
        AUDIENCE_NUMBERS,
        False,
    ),
    "effort": Spec(
        "effort",
        ("person", "date", "minutes"),
        ("platform", "activity", "note"),
        False,
    ),
}

_NAME = re.compile(r"^(?:.*[-_ .])?(posts|interactions|audience|effort)\.csv$", re.IGNORECASE)
_OFFSET = r"\d:\d\d(?:\.\d+)?\s?(?:[zZ]|[+-]\d\d(?::?\d\d)?)$"  # a time, then Z or +01:00
_TRUE = ("true", "yes", "1", "y", "t")
_FALSE = ("false", "no", "0", "n", "f")


def kind_of(file: InputFile) -> str | None:
    """posts | interactions | audience | effort, from the file name (a prefix is allowed)."""
    m = _NAME.match(file.basename)
    return m.group(1).lower() if m else None


def _norm(name: str) -> str:
    return name.replace("\ufeff", "").strip().lower().replace(" ", "_")


def _header(file: InputFile) -> list[str]:
    """The header row as written (Arrow needs the exact names to read every column as text)."""
    raw = file.head()
    ascii16 = len(raw) >= 8 and (not any(raw[1:64:2]) or not any(raw[0:64:2]))  # UTF-16 without a BOM
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or ascii16:
        raise SourceError(file.name, "is UTF-16 text", record="line 1", expected="UTF-8 text",
                          fix="save the file as CSV UTF-8 (in Excel: Save As → CSV UTF-8)")
    head = file.head_text()
    if not head.strip():
        raise SourceError(file.name, "is empty", record="line 1", expected="a header row",
                          fix="export the file again; it should start with a header row")
    try:
        row = next(csv.reader(io.StringIO(head, newline="")))
    except (csv.Error, StopIteration):
        raise SourceError(file.name, "the header row cannot be read", record="line 1",
                          expected="comma-separated column names",
                          fix="save the file as CSV (comma-separated, UTF-8)") from None
    if len(file.head()) == file.size or "\n" in head or "\r" in head:
        return row
    raise SourceError(file.name, "the header row is longer than 8 KB", record="line 1",
                      fix="check this is a CSV file with a header row")


@register
class CanonicalCsv(Source):
    name = "canonical_csv"
    own_export = True  # its accounts are the organisation's unless the profile says
    title = "Canonical CSV (smi's interchange format)"
    platform = None
    provides = ("posts", "post_metrics", "accounts", "interactions", "audience_daily", "effort")
    fills_any = True  # any column of the tables a file holds (metrics/availability.py)
    reads = "posts.csv, interactions.csv, audience.csv, effort.csv (any prefix, e.g. 2026-10-posts.csv)"
    priority = 50

    def detect(self, file: InputFile) -> bool:
        kind = kind_of(file)
        if kind is None:
            return False
        if file.size == 0:
            return True  # named like ours: say it is empty rather than "not recognised"
        raw = file.head()
        if len(raw) >= 8 and (not any(raw[1:64:2]) or not any(raw[0:64:2])):
            return True  # UTF-16 without a BOM, named like ours: read() says so
        lines = file.head_text().splitlines()
        try:
            names = {_norm(n) for n in next(csv.reader(lines[:1]), [])}
        except csv.Error:
            return True  # named like ours: read() says what is wrong with the header
        return bool(names & set(SPECS[kind].known))

    def read(self, unit: Unit, ctx: ImportContext) -> None:
        for file in unit.files:
            kind = kind_of(file)
            if kind is None:
                raise SourceError(file.name, "is not one of smi's canonical CSV files",
                                  expected="posts.csv, interactions.csv, audience.csv or effort.csv",
                                  fix="rename the file after what it holds, e.g. posts.csv")
            _Reader(file, ctx, SPECS[kind]).run()


# -- reading --------------------------------------------------------------------------------


class _Reader:
    """Reads one canonical file: header checks, streaming, and one converter per kind."""

    def __init__(self, file: InputFile, ctx: ImportContext, spec: Spec) -> None:
        self.file = file
        self.ctx = ctx
        self.spec = spec
        self.tz = ctx.options.timezone or "UTC"
        self.header = _header(file)
        self.columns: dict[str, str] = {}  # normalised name -> name as written
        for h in self.header:
            n = _norm(h)
            if n in self.columns:
                raise SourceError(file.name, M("the column '%(column)s' appears twice", column=h), record="line 1",
                                  field=h, fix=M("remove or rename one of the two columns"))
            self.columns[n] = h
        missing = [c for c in spec.required if c not in self.columns]
        if missing:
            raise SourceError(
                file.name, M("the header has no column %(names)s", names=", ".join(f"'{c}'" for c in missing)),
                record="line 1 (header)", field=missing[0],
                expected=M("%(kind)s.csv with at least the columns %(columns)s", kind=spec.kind,
                           columns=", ".join(spec.required)),
                fix=P("add the column to the header row (see docs/formats.md)",
                      "add the columns to the header row (see docs/formats.md)", len(missing)),
            )
        self.unknown = [self.columns[n] for n in self.columns if n not in spec.known and n]
        if self.unknown:
            names = ", ".join(self.unknown[:8]) + (" …" if len(self.unknown) > 8 else "")
            where = "in each row's extra field" if spec.keeps_extra else "nowhere (this file has no extra field)"
            verb = "kept" if spec.keeps_extra else "ignored"
            self.ctx.warn(f"{file.basename}: {len(self.unknown)} column{'s' if len(self.unknown) != 1 else ''} "
                          f"smi does not map {verb} {where}: {names}")
        self.line = 1  # the line (record) number of the last row read; the header is line 1
        self.bad_row: tuple[int | None, int, int] | None = None
        self.accounts: set[tuple[str, str]] = set()
        self.observed_max: datetime | None = None
        self.effort_seen: dict[str, int] = {}
        self.undated = 0  # posts with a blank published_at

    # -- streaming --------------------------------------------------------------------------
    def _on_invalid(self, row: Any) -> str:
        if self.bad_row is None:
            self.bad_row = (row.number, row.expected_columns, row.actual_columns)
        return "error"

    def batches(self) -> Iterator[dict[str, pa.Array]]:
        f = self.ctx.open(self.file)
        try:
            reader = pacsv.open_csv(
                f,
                read_options=pacsv.ReadOptions(block_size=BLOCK_BYTES, use_threads=True),
                parse_options=pacsv.ParseOptions(newlines_in_values=True,
                                                 invalid_row_handler=self._on_invalid),
                convert_options=pacsv.ConvertOptions(
                    column_types={h: pa.string() for h in self.header},
                    strings_can_be_null=True, null_values=[""], quoted_strings_can_be_null=True,
                ),
            )
            while True:
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    break
                cols = {}
                for name, arr in zip(batch.schema.names, batch.columns, strict=True):
                    n = _norm(name)
                    cols[n] = arr if arr.type == pa.string() else arr.cast(pa.string())
                yield cols
                self.line += batch.num_rows
        except (pa.ArrowInvalid, pa.ArrowException) as e:
            raise self._parse_error(e) from None
        finally:
            f.close()

    def _parse_error(self, e: Exception) -> SourceError:
        msg = str(e)
        name = self.file.name
        if "straddling object" in msg:  # one cell (or line) longer than a read block
            return SourceError(name, f"has a cell longer than {BLOCK_BYTES >> 20} MB, which no post or comment is "
                               "(a closing quote may be missing)", record=f"after line {self.line}",
                               fix="check the quoting near that line; save the file as CSV UTF-8")
        if self.bad_row is not None:
            number, expected, actual = self.bad_row
            number = number or _first_ragged_record(self.file, expected)
            where = f"line {number}" if number else f"after line {self.line}"
            return SourceError(name, f"the row has {actual} cell{'s' if actual != 1 else ''}", record=where,
                               expected=f"{expected} cells, one per header column",
                               fix="check for a missing or extra comma, or a cell with a comma "
                                   "or quote that is not in double quotes")
        if "UTF8" in msg or "UTF-8" in msg:
            line = _first_bad_utf8_line(self.file)
            return SourceError(name, "is not UTF-8 text", record=f"line {line}" if line else None,
                               expected="UTF-8 text",
                               fix="save the file as CSV UTF-8 (in Excel: Save As → CSV UTF-8)")
        m = re.search(r"Row #(\d+)", msg)
        where = f"line {m.group(1)}" if m else f"after line {self.line}"
        return SourceError(name, f"cannot be read as CSV ({msg.splitlines()[0][:200]})", record=where,
                           expected="comma-separated values with a header row",
                           fix="check the quoting on that line; save the file as CSV UTF-8")

    def run(self) -> None:
        convert = getattr(self, f"_{self.spec.kind}")
        for cols in self.batches():
            n = len(next(iter(cols.values()))) if cols else 0
            if n:
                convert(cols, n)
        self._finish()

    def _finish(self) -> None:
        if self.accounts:
            pairs = sorted(self.accounts)
            n = len(pairs)
            self.ctx.emit_batch("accounts", pa.table({
                "account_id": [f"{p}:{h}" for p, h in pairs], "platform": [p for p, _ in pairs],
                "handle": [h for _, h in pairs], "display_name": pa.nulls(n, pa.string()),
                "native_id": pa.nulls(n, pa.string()),
            }, schema=SCHEMAS["accounts"]))
        if self.undated:
            self.ctx.warn(f"{self.file.basename}: {self.undated:,} post{'s' if self.undated != 1 else ''} with a "
                          "blank published_at kept as undated: they count in lifetime totals but in no month")
        if self.spec.kind == "posts":
            fallback = self._fallback_observed()
            self.ctx.observed_at = self.observed_max or fallback

    # -- errors ------------------------------------------------------------------------------
    def fail(self, index: int, field: str, problem: Any, expected: Any, fix: Any) -> SourceError:
        return SourceError(self.file.name, problem, record=f"line {self.line + 1 + index}",
                           field=self.columns.get(field, field), expected=expected, fix=fix)

    # -- column helpers ------------------------------------------------------------------------
    def col(self, cols: dict[str, pa.Array], name: str, n: int, *, trim: bool = True) -> pa.Array:
        """The column as text, blanks as null; a missing optional column is all null."""
        arr = cols.get(name)
        if arr is None:
            return pa.nulls(n, pa.string())
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        if trim:
            arr = pc.utf8_trim_whitespace(arr)
            if pc.any(pc.equal(arr, "")).as_py():
                arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)
        return arr

    def required(self, cols: dict[str, pa.Array], name: str, n: int, what: str) -> pa.Array:
        arr = self.col(cols, name, n)
        if arr.null_count:
            i = pc.index(pc.is_null(arr), True).as_py()
            raise self.fail(i, name, M("the %(name)s is empty", name=name), what,
                            M("fill in the %(name)s, or delete the row", name=name))
        return arr

    def platforms(self, cols: dict[str, pa.Array], n: int, *, required: bool = True) -> pa.Array:
        raw = self.required(cols, "platform", n, "a platform id") if required else self.col(cols, "platform", n)
        enc = pc.dictionary_encode(raw)
        values = enc.dictionary.to_pylist()
        mapped = []
        for v in values:
            p = normalise_platform(v)
            if p is None:
                i = pc.index(raw, v).as_py()
                raise self.fail(i, "platform", M("'%(value)s' is not a platform smi knows", value=v),
                                M("one of %(values)s", values=", ".join(PLATFORMS)),
                                M("write the platform's id, e.g. instagram or x"))
            mapped.append(p)
        return pc.take(pa.array(mapped, pa.string()), enc.indices)

    def choice(self, arr: pa.Array, field: str, valid: tuple[str, ...], default: str | None) -> pa.Array:
        arr = pc.utf8_lower(arr)
        bad = pc.invert(pc.or_kleene(pc.is_null(arr), pc.is_in(arr, value_set=pa.array(valid))))
        if pc.any(bad).as_py():
            i = pc.index(bad, True).as_py()
            raise self.fail(i, field, f"'{arr[i].as_py()}' is not a {field} smi knows",
                            "one of " + ", ".join(valid) + " (or blank)",
                            f"use one of the listed values for {field}")
        if default is not None:
            arr = pc.fill_null(arr, default)
        return arr

    def times(self, arr: pa.Array, field: str) -> pa.Array:
        """ISO 8601 text -> UTC instants, in the plausible range (smi.canonical)."""
        return self.plausible(self._times(arr, field), arr, field)

    def plausible(self, out: pa.Array, text: pa.Array, field: str) -> pa.Array:
        i = implausible_index(out)
        if i is not None:
            raise self.fail(i, field, f"'{text[i].as_py()}' ({as_text(out, i)} UTC) is outside the plausible range"
                            if pa.types.is_timestamp(out.type) else
                            f"'{text[i].as_py()}' is outside the plausible range", range_text(),
                            "correct the date (a year of 0001 or 9999 usually means 'not set'), or leave it blank")
        return out

    def _times(self, arr: pa.Array, field: str) -> pa.Array:
        """ISO 8601 text -> UTC instants. With an offset or Z: as given; without: the workspace tz."""
        has_off = pc.fill_null(pc.match_substring_regex(arr, _OFFSET), False)
        null = pa.scalar(None, pa.string())
        try:
            aware = pc.if_else(has_off, arr, null).cast(TS)
            naive = pc.if_else(has_off, null, arr).cast(pa.timestamp("us"))
            local = pc.assume_timezone(naive, self.tz, ambiguous="earliest", nonexistent="earliest")
            return pc.if_else(has_off, aware, local.cast(TS))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
            pass
        for i, v in enumerate(arr.to_pylist()):
            if v is None:
                continue
            try:
                pa.array([v]).cast(TS if re.search(_OFFSET, v) else pa.timestamp("us"))
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                raise self.fail(i, field, M("'%(value)s' is not a date and time", value=v),
                                M("ISO 8601, e.g. %(examples)s", examples=M(
                                    "%(first)s or %(rest)s", first="2026-10-03T18:30:00+01:00, 2026-10-03 18:30",
                                    rest="2026-10-03")),
                                M("write the time as YYYY-MM-DD HH:MM[:SS], with an offset such as +01:00 "
                                  "or Z if it is not in the workspace time zone")) from None
        raise SourceError(self.file.name, "a time cannot be converted", field=field,
                          fix="check the times in this column")  # pragma: no cover

    def dates(self, arr: pa.Array, field: str) -> pa.Array:
        return self.plausible(self._dates(arr, field), arr, field)

    def _dates(self, arr: pa.Array, field: str) -> pa.Array:
        try:
            return arr.cast(pa.date32())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
        for i, v in enumerate(arr.to_pylist()):
            try:
                pa.array([v], pa.string()).cast(pa.date32())
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                raise self.fail(i, field, M("'%(value)s' is not a date", value=v),
                                M("an ISO date such as %(example)s", example="2026-10-03"),
                                M("write the date as YYYY-MM-DD")) from None
        raise SourceError(self.file.name, "a date cannot be converted", field=field,
                          fix="check the dates in this column")  # pragma: no cover

    def numbers(self, arr: pa.Array, field: str, typ: pa.DataType = INT) -> pa.Array:
        whole = pa.types.is_integer(typ)
        what = M("a whole number such as 1234 (no separators), or blank if not available") if whole \
            else M("a number such as 12.5, or blank if not available")
        out = None
        # Arrow reads "0x10" as 16: a spreadsheet or a person never means hex in a count
        hexa = pc.fill_null(pc.match_substring_regex(arr, r"^\s*[+-]?0[xX]"), False)
        if pc.any(hexa).as_py():
            i = pc.index(hexa, True).as_py()
            raise self.fail(i, field, M("'%(value)s' is not a number", value=str(arr[i].as_py())), what,
                            M("write the number in decimal digits"))
        try:
            out = arr.cast(typ)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            for i, v in enumerate(arr.to_pylist()):
                try:
                    pa.array([v], pa.string()).cast(typ)
                except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                    raise self.fail(i, field, M("'%(value)s' is not a number", value=str(v)), what,
                                    M("correct the cell, or leave it blank if the number is not available")) from None
        if out is None:  # pragma: no cover
            raise SourceError(self.file.name, "a number cannot be converted", field=field, fix="check the column")
        if not whole:
            bad = pc.invert(pc.fill_null(pc.is_finite(out), True))
            if pc.any(bad).as_py():
                i = pc.index(bad, True).as_py()
                raise self.fail(i, field, M("'%(value)s' is not a number", value=str(arr[i].as_py())), what,
                                M("correct the cell"))
        neg = pc.fill_null(pc.less(out, 0), False)
        if pc.any(neg).as_py():
            i = pc.index(neg, True).as_py()
            raise self.fail(i, field, M("%(value)s is negative", value=str(arr[i].as_py())), M("a number of 0 or more"),
                            M("write counts as positive numbers (e.g. followers lost as 5, not -5)"))
        return out

    def lists(self, arr: pa.Array) -> pa.Array:
        """`a; b ;c` -> ["a", "b", "c"]; blank -> null."""
        arr = pc.replace_substring_regex(arr, r"\s*;[\s;]*", ";")
        arr = pc.utf8_trim(arr, ";")
        arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)
        return pc.split_pattern(arr, ";")

    def account_ids(self, plat: pa.Array, handle: pa.Array) -> pa.Array:
        """platform:handle via smi.platforms.account_id, computed once per distinct pair."""
        both = pc.binary_join_element_wise(plat, handle, "\x1f")
        enc = pc.dictionary_encode(both)
        ids = []
        for v in enc.dictionary.to_pylist():
            p, h = v.split("\x1f", 1)
            if not h:  # a blank account (and author): the post is nobody's, as when the column is absent
                ids.append(None)
                continue
            aid = account_id(p, h)
            if aid.endswith(":"):
                i = pc.index(both, v).as_py()
                raise self.fail(i, "account", f"'{h}' is not an account handle",
                                "a handle such as @ourcharity", "write the account's handle")
            self.accounts.add((p, aid.split(":", 1)[1]))
            ids.append(aid)
        return pc.take(pa.array(ids, pa.string()), enc.indices)

    def extra(self, cols: dict[str, pa.Array], n: int, also: dict[str, pa.Array] | None = None) -> pa.Array:
        """Unknown columns (and `also`) as one JSON object per row; null when all are blank."""
        parts = dict(also or {})
        for name in self.unknown:
            parts[name] = self.col(cols, _norm(name), n, trim=False)
        if not parts:
            return pa.nulls(n, pa.string())
        pieces = []
        for name, arr in parts.items():
            key = _json_string(pa.array([name]))[0].as_py()
            piece = pc.binary_join_element_wise(pa.scalar(f',"{key}":"'), _json_string(arr),
                                                pa.scalar('"'), "")  # null where the cell is blank
            pieces.append(pc.fill_null(piece, ""))
        # Each present field starts with a comma; drop the first. (Arrow's null_handling="skip"
        # loses rows whose values are all null, so it is not used.)
        body = pieces[0] if len(pieces) == 1 else pc.binary_join_element_wise(*pieces, "")
        obj = pc.binary_join_element_wise(pa.scalar("{"), pc.utf8_slice_codeunits(body, 1),
                                          pa.scalar("}"), "")
        return pc.if_else(pc.equal(body, ""), pa.scalar(None, pa.string()), obj)

    # -- the four files -----------------------------------------------------------------------
    def _posts(self, cols: dict[str, pa.Array], n: int) -> None:
        plat = self.platforms(cols, n)
        native = self.required(cols, "post_id", n, "the post's id on the platform")
        # A blank published_at keeps the post undated (in lifetime totals, in no period).
        published_text = self.col(cols, "published_at", n)
        self.undated += published_text.null_count
        published = self.times(published_text, "published_at")
        keys = pc.binary_join_element_wise(plat, native, ":")
        account = self.col(cols, "account", n)
        author = self.col(cols, "author", n)
        who = pc.coalesce(account, author)
        if who.null_count == n:
            acc_ids = pa.nulls(n, pa.string())
        else:
            acc_ids = self.account_ids(plat, pc.fill_null(who, ""))
            acc_ids = pc.if_else(pc.is_null(who), pa.scalar(None, pa.string()), acc_ids)
        text = self.col(cols, "text", n, trim=False)
        tags, mentions, links = self.lists(self.col(cols, "hashtags", n)), \
            self.lists(self.col(cols, "mentions", n)), self.lists(self.col(cols, "links", n))
        if "hashtags" not in cols or "mentions" not in cols or "links" not in cols:
            found = _from_text(text)
            tags = tags if "hashtags" in cols else found[0]
            mentions = mentions if "mentions" in cols else found[1]
            links = links if "links" in cols else found[2]
        lang = self.col(cols, "language", n)
        posts = {
            "post_key": keys, "platform": plat, "native_id": native, "account_id": acc_ids,
            "published_at": published,
            "kind": self.choice(self.col(cols, "kind", n), "kind", POST_KINDS, "original"),
            "format": self.choice(self.col(cols, "format", n), "format", POST_FORMATS, None),
            "text": text, "language": pc.utf8_lower(lang), "url": self.col(cols, "url", n),
            "in_reply_to": self.col(cols, "in_reply_to", n),
            "hashtags": tags, "mentions": mentions, "links": links,
            "labels": self.lists(self.col(cols, "labels", n)),
            "extra": self.extra(cols, n, {"author": author} if "author" in cols else None),
        }
        self.ctx.emit_batch("posts", pa.table(posts, schema=SCHEMAS["posts"]))
        fallback = self._fallback_observed()
        observed = self.col(cols, "observed_at", n)
        if observed.null_count and self.ctx.options.observed_at is None:
            self.ctx.dated_by = "file modified time"  # for the rows with no observed_at
        if observed.null_count < n:
            obs = self.times(observed, "observed_at")
            top = pc.max(obs).as_py()
            if top is not None and (self.observed_max is None or top > self.observed_max):
                self.observed_max = top
            obs = pc.fill_null(obs, pa.scalar(fallback, TS))
        else:
            obs = pa.array([fallback] * n, TS)
        metrics: dict[str, Any] = {"post_key": keys, "observed_at": obs}
        for m in POST_METRICS:
            metrics[m] = self.numbers(self.col(cols, m, n), m)
        metrics["watch_time_seconds"] = self.numbers(self.col(cols, "watch_time_seconds", n),
                                                     "watch_time_seconds", pa.float64())
        self.ctx.emit_batch("post_metrics", pa.table(metrics, schema=SCHEMAS["post_metrics"]))

    def _fallback_observed(self) -> datetime:
        if self.ctx.options.observed_at is not None:
            obs = self.ctx.options.observed_at
            return obs if obs.tzinfo else obs.replace(tzinfo=UTC)
        try:
            return datetime.fromtimestamp(self.file.origin.stat().st_mtime, UTC)
        except OSError:
            return datetime.now(UTC)

    def _interactions(self, cols: dict[str, pa.Array], n: int) -> None:
        plat = self.platforms(cols, n)
        native = self.required(cols, "interaction_id", n, "the interaction's id on the platform")
        created = self.times(self.required(cols, "created_at", n, "when it was written"), "created_at")
        post = self.col(cols, "post_id", n)
        post_key = pc.binary_join_element_wise(plat, post, ":")  # null where post_id is blank
        org = pc.utf8_lower(self.col(cols, "from_organisation", n))
        ok = pc.or_kleene(pc.is_null(org), pc.is_in(org, value_set=pa.array(_TRUE + _FALSE)))
        if not pc.all(ok).as_py():
            i = pc.index(ok, False).as_py()
            raise self.fail(i, "from_organisation", f"'{org[i].as_py()}' is not true or false",
                            "true or false (or blank if not known)", "write true or false")
        from_org = pc.if_else(pc.is_null(org), pa.scalar(None, pa.bool_()),
                              pc.is_in(org, value_set=pa.array(_TRUE)))
        table = {
            "interaction_key": pc.binary_join_element_wise(plat, native, ":"),
            "platform": plat, "native_id": native,
            "kind": self.choice(self.col(cols, "kind", n), "kind", INTERACTION_KINDS, "comment"),
            "post_key": post_key, "in_reply_to": self.col(cols, "in_reply_to", n),
            "author": self.col(cols, "author", n), "from_organisation": from_org,
            "created_at": created, "text": self.col(cols, "text", n, trim=False),
            "language": pc.utf8_lower(self.col(cols, "language", n)),
            "extra": self.extra(cols, n),
        }
        self.ctx.emit_batch("interactions", pa.table(table, schema=SCHEMAS["interactions"]))

    def _audience(self, cols: dict[str, pa.Array], n: int) -> None:
        plat = self.platforms(cols, n)
        handle = self.required(cols, "account", n, "the account's handle")
        table = {
            "platform": plat, "account_id": self.account_ids(plat, handle),
            "date": self.dates(self.required(cols, "date", n, "a date"), "date"),
        }
        for m in AUDIENCE_NUMBERS:
            table[m] = self.numbers(self.col(cols, m, n), m)
        self.ctx.emit_batch("audience_daily", pa.table(table, schema=SCHEMAS["audience_daily"]))

    def _effort(self, cols: dict[str, pa.Array], n: int) -> None:
        person = self.required(cols, "person", n, "who did the work")
        day = self.dates(self.required(cols, "date", n, "a date"), "date")
        minutes = self.numbers(self.required(cols, "minutes", n, "a number of minutes"), "minutes",
                               pa.float64())
        plat = self.platforms(cols, n, required=False)
        activity = self.choice(self.col(cols, "activity", n), "activity", ACTIVITIES, "other")
        note = self.col(cols, "note", n)
        keys = []
        for row in zip(person.to_pylist(), day.to_pylist(), minutes.to_pylist(), plat.to_pylist(),
                       activity.to_pylist(), note.to_pylist(), strict=True):
            keys.append(effort_key("csv", self.effort_seen, (row[0], row[1].isoformat(), repr(row[2]),
                                                              row[3] or "", row[4], row[5] or "")))
        table = {
            "entry_key": pa.array(keys, pa.string()), "person": person, "date": day, "minutes": minutes,
            "platform": plat, "activity": activity, "note": note,
            "source": pa.array([CanonicalCsv.name] * n, pa.string()),
        }
        self.ctx.emit_batch("effort", pa.table(table, schema=SCHEMAS["effort"]))


def _json_string(arr: pa.Array) -> pa.Array:
    """Escape text for a JSON string literal (without the quotes), column-wise."""
    arr = pc.replace_substring(arr, "\\", "\\\\")
    arr = pc.replace_substring(arr, '"', '\\"')
    for ch, esc in (("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t")):
        arr = pc.replace_substring(arr, ch, esc)
    if pc.any(pc.fill_null(pc.match_substring_regex(arr, "[\\x00-\\x1f]"), False)).as_py():
        for code in range(0x20):
            arr = pc.replace_substring(arr, chr(code), f"\\u{code:04x}")
    return arr


_TAG = re.compile(r"(?<![\w&])#(\w+)")
_MENTION = re.compile(r"(?<![\w/])@([\w.]+(?:@[\w-]+(?:\.[\w-]+)+)?)")
_LINK = re.compile(r"https?://[^\s<>\"']+")


def _from_text(text: pa.Array) -> tuple[pa.Array, pa.Array, pa.Array]:
    """Hashtags, mentions and links found in each post's text (posts files are small)."""
    tags, mentions, links = [], [], []
    for t in text.to_pylist():
        if t is None:
            tags.append(None)
            mentions.append(None)
            links.append(None)
            continue
        tags.append(_TAG.findall(t))
        mentions.append([m.rstrip(".") for m in _MENTION.findall(t)])
        links.append([u.rstrip(".,;:!?)") for u in _LINK.findall(t)])
    typ = pa.list_(pa.string())
    return pa.array(tags, typ), pa.array(mentions, typ), pa.array(links, typ)


def _first_ragged_record(file: InputFile, width: int) -> int | None:
    """The first record (header = 1) without `width` cells (a slow scan, only after an error)."""
    with file.open() as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
        try:
            for i, row in enumerate(csv.reader(text), start=1):
                if len(row) != width:
                    return i
        except csv.Error:
            return None
    return None


def _first_bad_utf8_line(file: InputFile) -> int | None:
    """The first line that is not valid UTF-8 (a slow scan, only after the fast read failed)."""
    with file.open() as f:
        for i, line in enumerate(f, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return i
    return None
