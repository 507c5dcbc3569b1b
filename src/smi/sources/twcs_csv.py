"""Customer Support on Twitter (`twcs.csv`, the Kaggle dataset by Thought Vector), or any CSV
in its layout: one tweet per row, brands answering customers.

Columns: `tweet_id, author_id, inbound, created_at, text, response_tweet_id,
in_response_to_tweet_id`. `inbound` is `True` for a customer's tweet and `False` for the
brand's; `created_at` is Twitter's `Tue Oct 31 22:10:47 +0000 2017`; customers' handles are
replaced by numbers. Copies re-saved by pandas (an unnamed index column first, ids as
`3.0`) are read as well.

Mapping: every brand tweet (inbound `False`) is a post of the brand's account `x:<brand>`:
one answering a tweet is a post of kind `reply` with `in_reply_to` = the id it answers (so
the `replies` metric counts it, and the service metrics read it as the brand's answer); one
answering nothing is the brand's own post (a promotion or announcement), kind `original`.
Every customer tweet becomes an interaction `x:<tweet_id>` with `in_reply_to` = the id it
answers, `author` = `author_id` and `from_organisation` false: a `mention` when it answers
nothing, else a `reply`; one answering a brand tweet gets that tweet's `post_key`. Each brand
is an account. Text is HTML-unescaped (`&gt;` -> `>`). The file has no counts: no metrics.

Every brand in the file counts as "the organisation" (the dataset mixes many brands).

Bare carriage returns inside unquoted fields (found in the real file: `@AskPayPal \\r\\rI
just love…`) are kept as part of the field: only `\\n` ends a line.
"""

from __future__ import annotations

import csv
import html
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from smi.canonical import post_key
from smi.errors import SourceError
from smi.platforms import account_id
from smi.sources.base import ImportContext, Source, Unit, register
from smi.sources.columns import Column, ColumnMap, Match, csv_problem
from smi.sources.files import InputFile

PLATFORM = "x"
FIX = "give the twcs.csv file as downloaded (comma-separated, with its header row)"
_CR = "\ue000"  # stands for a bare carriage return while the csv module reads a line

COLUMNS = ColumnMap("Customer Support on Twitter (twcs.csv)", [
    Column("tweet_id", ("tweet_id",), required=True),
    Column("author_id", ("author_id",), required=True),
    Column("inbound", ("inbound",), required=True),
    Column("created_at", ("created_at",), required=True),
    Column("in_response_to", ("in_response_to_tweet_id",), required=True),
    Column("text", ("text",)),
    Column("responses", ("response_tweet_id",)),
])
_TRUE = {"true": True, "false": False, "1": True, "0": False}


MAX_LINE = 16 << 20  # no tweet row is near this: a longer one is a damaged file or a bomb


def _raw_lines(stream: Any, name: str) -> Iterator[bytes]:
    """The stream's lines (ended by \\n), read in 1 MB pieces (iterating a raw zip member
    reads one byte at a time); a line over MAX_LINE bytes is refused."""
    buf = b""
    while chunk := stream.read(1 << 20):
        buf += chunk
        if b"\n" not in chunk:
            if len(buf) > MAX_LINE:
                raise SourceError(name, f"has a line longer than {MAX_LINE >> 20} MB, "
                                  "which no tweet is (a damaged file or a zip bomb)", fix=FIX)
            continue
        *lines, buf = buf.split(b"\n")
        for line in lines:
            yield line + b"\n"
    if buf:
        yield buf


def _lines(stream: Any, name: str = "twcs.csv") -> Iterator[str]:
    """Lines ended by \\n only (\\r\\n too); other CRs hidden from the csv module."""
    first = True
    for raw in _raw_lines(stream, name):  # binary lines end at \n only
        line = raw.decode("utf-8-sig" if first else "utf-8")
        first = False
        end = "\n" if line.endswith("\n") else ""
        body = line[: len(line) - len(end)]
        if end and body.endswith("\r"):
            body = body[:-1]
        yield body.replace("\r", _CR) + end


def _header(file: InputFile) -> list[str] | None:
    head = file.head_text()
    if not head.strip():
        return None
    first = head.split("\n", 1)[0].rstrip("\r")
    try:
        return next(csv.reader([first]))
    except (csv.Error, StopIteration):
        return None


@register
class TwcsCsv(Source):
    name = "twcs_csv"
    own_export = True  # its accounts are the organisation's unless the profile says
    title = "Customer Support on Twitter CSV (twcs.csv)"
    platform = PLATFORM
    provides = ("interactions", "posts", "accounts")
    # canonical columns it fills (metrics/availability.py); the brand's replies are interactions, not posts: post kinds are not told
    fills = (
        "posts.account_id", "posts.published_at", "posts.text", "posts.kind", "posts.replies", "posts.in_reply_to",
        "interactions.kind",
        "interactions.post_key", "interactions.in_reply_to", "interactions.author",
        "interactions.from_organisation", "interactions.created_at", "interactions.text",
    )
    reads = "twcs.csv (tweet_id, author_id, inbound, created_at, text, response_tweet_id, in_response_to_tweet_id)"
    priority = 40

    def detect(self, file: InputFile) -> bool:
        if not file.basename.lower().endswith(".csv"):
            return False
        header = _header(file)
        return header is not None and COLUMNS.matches(header)

    def read(self, unit: Unit, ctx: ImportContext) -> None:
        for file in unit.files:
            self._read(file, ctx)

    def _read(self, file: InputFile, ctx: ImportContext) -> None:
        # Pass 1: the brand tweets (each is a post a customer tweet may answer).
        brand_tweets: set[str] = set()
        for _, _, row in _rows(file, file.open()):
            if row["inbound"] is False:
                brand_tweets.add(row["id"])
        # Pass 2: map.
        brands: dict[str, str] = {}
        with ctx.open(file) as stream:
            for _, _, row in _rows(file, stream):
                self._map(row, brand_tweets, brands, ctx)
        for handle in sorted(brands):
            ctx.emit("accounts", {"account_id": account_id(PLATFORM, handle), "platform": PLATFORM,
                                  "handle": brands[handle], "display_name": handle, "native_id": None})

    def _map(self, row: dict[str, Any], brand_tweets: set[str], brands: dict[str, str],
             ctx: ImportContext) -> None:
        tid, parent = row["id"], row["in_response_to"]
        if row["inbound"] is False:
            brands.setdefault(row["author"], account_id(PLATFORM, row["author"]).split(":", 1)[1])
            ctx.emit("posts", {
                "post_key": post_key(PLATFORM, tid), "platform": PLATFORM, "native_id": tid,
                "account_id": account_id(PLATFORM, row["author"]), "published_at": row["created_at"],
                "kind": "original" if parent is None else "reply", "format": None,
                "text": row["text"], "language": None, "url": None, "in_reply_to": parent,
                "hashtags": None, "mentions": None, "links": None, "labels": None,
                "extra": None,
            })
            return
        ctx.emit("interactions", {
            "interaction_key": post_key(PLATFORM, tid), "platform": PLATFORM, "native_id": tid,
            "kind": "mention" if parent is None else "reply",
            "post_key": post_key(PLATFORM, parent) if parent in brand_tweets else None,
            "in_reply_to": parent, "author": row["author"], "from_organisation": False,
            "created_at": row["created_at"], "text": row["text"], "language": None, "extra": None,
        })


def _rows(file: InputFile, stream: Any) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """(line, tweet id, mapped values) for each data row; a bad row is a SourceError."""
    with stream:
        try:
            reader = csv.reader(_lines(stream, file.name))
            header = next(reader, None)
            if header is None:
                raise SourceError(file.name, "is empty", record="line 1", expected="a header row", fix=FIX)
            match = COLUMNS.match(header, file.name)
            width = len(header)
            for row in reader:
                line = reader.line_num
                if not row:
                    continue
                tid = match.get(row, "tweet_id")
                where = f"line {line:,}" + (f" (tweet id {tid})" if tid else "")
                if len(row) != width:
                    raise SourceError(file.name, f"has {len(row)} of the header's {width} fields",
                                      record=where, expected="one tweet per row",
                                      fix="the file may be cut short or damaged: " + FIX)
                values = _values(file, match, row, tid, where)
                yield line, values["id"], values
        except csv.Error as e:
            raise SourceError(file.name, csv_problem(e), fix=FIX) from None
        except UnicodeDecodeError:
            raise SourceError(file.name, "is not UTF-8 text", fix=FIX) from None


def _id(value: str | None) -> str | None:
    """`3.0` (a pandas re-save) -> `3`."""
    if value is None:
        return None
    return value[:-2] if value.endswith(".0") else value


def _values(file: InputFile, m: Match, row: list[str], tid: str | None, where: str) -> dict[str, Any]:
    def bad(field: str, problem: str, expected: str) -> SourceError:
        return SourceError(file.name, problem, record=where, field=field, expected=expected, fix=FIX)

    tid = _id(tid)
    if not tid or not tid.isdigit():
        raise bad("tweet_id", "is missing" if not tid else f"'{tid}' is not a tweet id", "a number")
    author = m.get(row, "author_id")
    if not author:
        raise bad("author_id", "is missing", "the author's handle or number")
    inbound_text = (m.get(row, "inbound") or "").lower()
    if inbound_text not in _TRUE:
        raise bad("inbound", f"'{m.get(row, 'inbound') or ''}' is not True or False", "True or False")
    created_text = m.get(row, "created_at")
    try:
        created = datetime.strptime(created_text or "", "%a %b %d %H:%M:%S %z %Y")
    except ValueError:
        raise bad("created_at", "is missing" if not created_text else f"'{created_text}' is not a time",
                  'a time like "Tue Oct 31 22:10:47 +0000 2017"') from None
    parent = _id(m.get(row, "in_response_to"))
    if parent is not None and not parent.isdigit():
        raise bad("in_response_to_tweet_id", f"'{parent}' is not a tweet id", "a number or blank")
    i = m.index.get("text")
    text = row[i].replace(_CR, "\r") if i is not None else None
    return {"id": tid, "author": author, "inbound": _TRUE[inbound_text], "created_at": created,
            "in_response_to": parent, "text": html.unescape(text) if text else None}
