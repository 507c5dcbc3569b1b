"""Hostile inputs for `smi import`, generated small at test time (issue 14).

Each case writes its files into a folder and says what `smi import` must do with them:

- "rejected": exit code 1, a clean message (no traceback) that contains `expect`, and the
  store (every table's rows, the sequences) and `archive/` exactly as they were;
- "warned": imported, with a warning that contains `expect` (a duplicate key, say);
- "accepted": imported (exit 0), its output containing `expect`.

A case may also `prepare` the workspace first (e.g. make its archive/ a file).

Run it as a script to write the corpus to a folder and look at it by hand:

    python tests/hostile/generate.py OUT_DIR
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sys
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

POSTS_HEADER = ["platform", "post_id", "account", "published_at", "text", "observed_at", "impressions"]


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[Path], list[str]]  # writes files under the folder; returns `smi import` args
    outcome: str  # rejected | warned
    expect: str  # text the message (rejected) or a warning (warned) must hold
    tags: tuple[str, ...] = field(default=())
    prepare: Callable[[Path], None] | None = None  # changes the workspace before the import


CASES: list[Case] = []


def case(name: str, outcome: str, expect: str, *tags: str,
         prepare: Callable[[Path], None] | None = None):  # type: ignore[no-untyped-def]
    def add(build: Callable[[Path], list[str]]) -> Callable[[Path], list[str]]:
        CASES.append(Case(name, build, outcome, expect, tags, prepare))
        return build
    return add


def _csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def _posts(folder: Path, published: str, observed: str = "2026-08-01T00:00:00Z", name: str = "posts.csv") -> Path:
    return _csv(folder / name, POSTS_HEADER, [
        ["instagram", "h-1", "@ourtheatre", "2026-07-01T10:00:00Z", "fine", "2026-08-01T00:00:00Z", "10"],
        ["instagram", "h-2", "@ourtheatre", published, "hostile", observed, "20"],
    ])


def _tweet_js(folder: Path, created_at: str) -> Path:
    tweets = [{"tweet": {"id_str": str(1790000000000000100 + i), "id": str(1790000000000000100 + i),
                         "created_at": when, "full_text": f"tweet {i}", "favorite_count": "1",
                         "retweet_count": "0", "lang": "en", "source": "web",
                         "entities": {"hashtags": [], "user_mentions": [], "urls": []}}}
              for i, when in enumerate(["Wed Feb 10 18:00:00 +0000 2021", created_at])]
    path = folder / "tweet.js"
    path.write_text("window.YTD.tweet.part0 = " + json.dumps(tweets, indent=1), encoding="utf-8")
    return path


def _outbox(folder: Path, published: str) -> Path:
    def note(n: str, when: str) -> dict:
        return {"id": f"https://example.social/users/us/statuses/{n}/activity", "type": "Create",
                "actor": "https://example.social/users/us", "published": when,
                "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": [],
                "object": {"id": f"https://example.social/users/us/statuses/{n}", "type": "Note",
                           "published": when, "content": f"<p>post {n}</p>"}}
    box = {"@context": "https://www.w3.org/ns/activitystreams", "id": "outbox.json",
           "type": "OrderedCollection", "totalItems": 2,
           "orderedItems": [note("1", "2024-01-02T10:00:00Z"), note("2", published)]}
    path = folder / "outbox.json"
    path.write_text(json.dumps(box), encoding="utf-8")
    return path


# -- 1. dates out of range -----------------------------------------------------------------------
EDGE_TIMES = {
    "year1-utc": "0001-01-01T00:00:00Z",
    "year1-local": "0001-01-01 00:00:00",  # no offset: the workspace's zone (year 0 in UTC, east of it)
    "year1-offset": "0001-01-01T00:00:00+01:00",  # year 0 in UTC
    "epoch": "1970-01-01T00:00:00Z",  # a zero timestamp: "not set"
    "1989": "1989-12-31T23:59:59Z",
    "2999": "2999-01-01T00:00:00Z",
    "9999-end": "9999-12-31T23:59:59Z",
    "9999-west": "9999-12-31T23:00:00-05:00",  # year 10000 in UTC
}
PLAUSIBLE = "plausible range"

for _label, _when in EDGE_TIMES.items():
    case(f"posts-published-{_label}", "rejected", PLAUSIBLE, "dates")(
        lambda d, w=_when: [str(_posts(d, w))])
    case(f"posts-observed-{_label}", "rejected", PLAUSIBLE, "dates")(
        lambda d, w=_when: [str(_posts(d, "2026-07-02T10:00:00Z", observed=w))])
    case(f"interactions-created-{_label}", "rejected", PLAUSIBLE, "dates")(
        lambda d, w=_when: [str(_csv(d / "interactions.csv",
                                     ["platform", "interaction_id", "created_at", "text"],
                                     [["x", "i-1", "2026-07-01T10:00:00Z", "ok"], ["x", "i-2", w, "bad"]]))])

EDGE_DAYS = {"year1": "0001-01-01", "1989": "1989-12-31", "2999": "2999-01-01", "9999": "9999-12-31"}
for _label, _day in EDGE_DAYS.items():
    case(f"audience-date-{_label}", "rejected", PLAUSIBLE, "dates")(
        lambda d, day=_day: [str(_csv(d / "audience.csv", ["platform", "account", "date", "followers"],
                                      [["x", "@ourtheatre", "2026-07-01", "10"],
                                       ["x", "@ourtheatre", day, "11"]]))])
    case(f"effort-date-{_label}", "rejected", PLAUSIBLE, "dates")(
        lambda d, day=_day: [str(_csv(d / "effort.csv", ["person", "date", "minutes"],
                                      [["Ceri", "2026-07-01", "30"], ["Ceri", day, "30"]]))])
    case(f"as-of-{_label}", "rejected", PLAUSIBLE, "dates")(
        lambda d, day=_day: [str(_posts(d, "2026-07-02T10:00:00Z")), "--as-of", day])

X_TIMES = {"year1": "Mon Jan 01 00:00:00 +0000 0001", "year1-east": "Mon Jan 01 00:30:00 +0100 0001",
           "2999": "Tue Jan 01 00:00:00 +0000 2999", "9999": "Fri Dec 31 23:59:59 +0000 9999"}
for _label, _when in X_TIMES.items():
    case(f"x-tweet-created-{_label}", "rejected", PLAUSIBLE, "dates")(
        lambda d, w=_when: [str(_tweet_js(d, w)), "--account", "@ourtheatre"])
for _label in ("year1-utc", "2999", "9999-end"):
    case(f"mastodon-published-{_label}", "rejected", PLAUSIBLE, "dates")(
        lambda d, w=EDGE_TIMES[_label]: [str(_outbox(d, w))])


# numbers out of range (the same check as dates)
case("effort-minutes-10e15", "rejected", PLAUSIBLE, "numbers")(
    lambda d: [str(_csv(d / "effort.csv", ["person", "date", "minutes"],
                        [["Ceri", "2026-07-01", "30"], ["Ceri", "2026-07-02", str(10**15)]]))])
case("effort-minutes-over-a-month", "rejected", PLAUSIBLE, "numbers")(
    lambda d: [str(_csv(d / "effort.csv", ["person", "date", "minutes"], [["Ceri", "2026-07-01", "44641"]]))])
case("posts-impressions-10e15", "rejected", PLAUSIBLE, "numbers")(
    lambda d: [str(_csv(d / "posts.csv", POSTS_HEADER, [
        ["x", "n-1", "ourtheatre", "2026-07-01T10:00:00Z", "big", "2026-08-01T00:00:00Z", str(10**15)]]))])
case("audience-followers-10e13", "rejected", PLAUSIBLE, "numbers")(
    lambda d: [str(_csv(d / "audience.csv", ["platform", "account", "date", "followers"],
                        [["x", "@ourtheatre", "2026-07-01", str(10**13)]]))])

NOT_NUMBERS = {"hex": "0x10", "negative": "-5", "exponent": "1e3", "thousands": "1,234", "decimal": "12.5",
               "word": "many", "nan": "nan", "infinity": "inf"}
for _label, _v in NOT_NUMBERS.items():
    case(f"posts-impressions-{_label}", "rejected", "impressions", "numbers")(
        lambda d, v=_v: [str(_csv(d / "posts.csv", POSTS_HEADER, [
            ["x", "n-1", "ourtheatre", "2026-07-01T10:00:00Z", "n", "2026-08-01T00:00:00Z", v]]))])
for _label, _v in {"hex": "0x10", "negative": "-30", "nan": "nan", "infinity": "inf", "word": "half"}.items():
    case(f"effort-minutes-{_label}", "rejected", "minutes", "numbers")(
        lambda d, v=_v: [str(_csv(d / "effort.csv", ["person", "date", "minutes"], [["Ceri", "2026-07-01", v]]))])


# -- text that is not what it claims ---------------------------------------------------------------
@case("posts-utf16", "rejected", "is UTF-16 text", "text")
def _utf16(d: Path) -> list[str]:
    path = d / "posts.csv"
    path.write_bytes("platform,post_id,published_at,text\nx,1,2026-07-01T10:00:00Z,hi\n".encode("utf-16"))
    return [str(path)]


@case("posts-utf16-no-bom", "rejected", "is UTF-16 text", "text")
def _utf16le(d: Path) -> list[str]:
    path = d / "posts.csv"
    path.write_bytes("platform,post_id,published_at,text\nx,1,2026-07-01T10:00:00Z,hi\n".encode("utf-16-le"))
    return [str(path)]


@case("posts-latin1", "rejected", "is not UTF-8 text", "text")
def _latin1(d: Path) -> list[str]:
    path = d / "posts.csv"
    path.write_bytes("platform,post_id,published_at,text\nx,1,2026-07-01T10:00:00Z,caf\xe9\n".encode("latin-1"))
    return [str(path)]


@case("posts-empty", "rejected", "is empty", "text")
def _empty(d: Path) -> list[str]:
    (d / "posts.csv").write_bytes(b"")
    return [str(d / "posts.csv")]


@case("posts-binary", "rejected", "no importer recognises", "text")
def _binary(d: Path) -> list[str]:
    (d / "posts.csv").write_bytes(bytes(range(256)) * 12)
    return [str(d / "posts.csv")]


@case("posts-ragged-row", "rejected", "the row has 2 cells", "text")
def _ragged(d: Path) -> list[str]:
    (d / "posts.csv").write_text("platform,post_id,published_at,text\nx,1\n", encoding="utf-8")
    return [str(d / "posts.csv")]


@case("posts-unknown-platform", "rejected", "is not a platform smi knows", "text")
def _platform(d: Path) -> list[str]:
    return [str(_csv(d / "posts.csv", POSTS_HEADER, [["myspace", "1", "", "2026-07-01T10:00:00Z", "", "", ""]]))]


@case("mastodon-items-an-object", "rejected", "not a list of activities", "text")
def _outbox_object(d: Path) -> list[str]:
    (d / "outbox.json").write_text(json.dumps({"@context": "https://www.w3.org/ns/activitystreams",
                                               "type": "OrderedCollection", "orderedItems": {"a": 1}}))
    return [str(d / "outbox.json")]


@case("x-tweet-js-truncated", "rejected", "tweet.js", "text")
def _tweet_truncated(d: Path) -> list[str]:
    path = _tweet_js(d, "Wed Feb 10 18:00:00 +0000 2021")
    path.write_bytes(path.read_bytes()[:-40])
    return [str(path), "--account", "@ourtheatre"]


# -- 3. duplicate keys inside one import -----------------------------------------------------------
@case("posts-id-twice", "warned", "posts.csv: 1 post appears more than once in this import (1 repeated row; "
      "first: instagram:h-1)", "duplicates")
def _posts_twice(d: Path) -> list[str]:
    return [str(_csv(d / "posts.csv", POSTS_HEADER, [
        ["instagram", "h-1", "@ourtheatre", "2026-07-01T10:00:00Z", "first", "2026-08-01T00:00:00Z", "10"],
        ["instagram", "h-2", "@ourtheatre", "2026-07-01T11:00:00Z", "other", "2026-08-01T00:00:00Z", "10"],
        ["instagram", "h-1", "@ourtheatre", "2026-07-01T10:00:00Z", "second", "2026-08-01T00:00:00Z", "12"]]))]


@case("posts-x-and-twitter-one-id", "warned", "posts.csv: 1 post appears more than once", "duplicates")
def _x_twitter(d: Path) -> list[str]:
    return [str(_csv(d / "posts.csv", POSTS_HEADER, [
        ["x", "1790000000000000001", "ourtheatre", "2026-07-04T08:15:00Z", "as x", "", ""],
        ["twitter", "1790000000000000001", "ourtheatre", "2026-07-04T08:15:00Z", "as twitter", "", ""]]))]


@case("interactions-id-three-times", "warned", "interactions.csv: 1 interaction appears more than once in "
      "this import (2 repeated rows", "duplicates")
def _interactions_thrice(d: Path) -> list[str]:
    return [str(_csv(d / "interactions.csv", ["platform", "interaction_id", "created_at", "text"],
                     [["x", "i-9", "2026-07-01T10:00:00Z", n] for n in ("a", "b", "c")]))]


@case("audience-day-twice", "warned", "audience.csv: 1 audience day appears more than once", "duplicates")
def _audience_twice(d: Path) -> list[str]:
    return [str(_csv(d / "audience.csv", ["platform", "account", "date", "followers"],
                     [["x", "@ourtheatre", "2026-07-09", "10"], ["x", "@ourtheatre", "2026-07-09", "12"]]))]


@case("zip-two-members-one-name", "warned", "export.zip holds 2 members named posts.csv: read the last", "duplicates")
def _zip_same_name(d: Path) -> list[str]:
    first = _posts(d / "a", "2026-07-02T10:00:00Z").read_bytes()
    second = _posts(d / "b", "2026-07-03T10:00:00Z").read_bytes()
    path = d / "export.zip"
    with warnings.catch_warnings(), zipfile.ZipFile(path, "w") as z:
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name: that is the case
        z.writestr("posts.csv", first)
        z.writestr("posts.csv", second)
    return [str(path)]


# -- 4. the archive copy -------------------------------------------------------------------------
def _archive_is_a_file(ws: Path) -> None:
    shutil.rmtree(ws / "archive")
    (ws / "archive").write_text("not a folder", encoding="utf-8")


def _archive_subfolder_is_a_file(ws: Path) -> None:
    # every subfolder name a copy could need (the first two hex digits of its hash)
    for i in range(256):
        p = ws / "archive" / f"{i:02x}"
        if not p.exists():
            p.write_text("not a folder", encoding="utf-8")


ARCHIVE_FAIL = "cannot be copied into the archive"
case("archive-is-a-file", "rejected", ARCHIVE_FAIL, "archive", prepare=_archive_is_a_file)(
    lambda d: [str(_posts(d, "2026-07-02T10:00:00Z"))])
case("archive-subfolder-is-a-file", "rejected", ARCHIVE_FAIL, "archive", prepare=_archive_subfolder_is_a_file)(
    lambda d: [str(_posts(d, "2026-07-02T10:00:00Z"))])
# ~230 bytes of name: with the hash in front, over the 255-byte limit of a file name
case("long-file-name", "accepted", "imported 1 file", "archive")(
    lambda d: [str(_posts(d, "2026-07-02T10:00:00Z", name="a" * 200 + "-ŵŷ-posts.csv"))])


# -- 5. zip bounds, damaged members, files that are not files ---------------------------------------
def _bomb(d: Path, megabytes: int, name: str = "posts.csv") -> bytes:
    """A posts.csv of `megabytes` MB that deflates about 1,000 times (one long blank text)."""
    head = ",".join(POSTS_HEADER).encode() + b"\ninstagram,b-1,@ourtheatre,2026-07-01T10:00:00Z,\""
    body = head + b" " * (megabytes << 20) + b"\",2026-08-01T00:00:00Z,1\n"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr(name, body)
    return buf.getvalue()


@case("zip-bomb-ratio", "rejected", "a zip bomb or a damaged zip", "zip")
def _zip_bomb(d: Path) -> list[str]:
    path = d / "export.zip"
    path.write_bytes(_bomb(d, 40))  # 40 MB in ~40 KB
    return [str(path)]


@case("zip-bomb-nested", "rejected", "no importer recognises", "zip")
def _zip_nested(d: Path) -> list[str]:
    """A bomb inside a zip inside a zip: smi never opens a zip member as a zip."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("inner.zip", _bomb(d, 40))
    path = d / "outer.zip"
    path.write_bytes(buf.getvalue())
    return [str(path)]


def _damaged_zip(d: Path, where: float) -> Path:
    rows = [["instagram", f"z-{i}", "@ourtheatre", "2026-07-01T10:00:00Z", f"post {i} " * (i % 7), "", str(i)]
            for i in range(3000)]
    csv_path = _csv(d / "src" / "posts.csv", POSTS_HEADER, rows)
    path = d / "export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(csv_path, "posts.csv")
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("posts.csv")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    at = start + int(info.compress_size * where)
    data[at:at + 64] = bytes(64)  # 64 zero bytes over the compressed stream
    path.write_bytes(bytes(data))
    return path


case("zip-damaged-member-start", "rejected", "damaged", "zip")(lambda d: [str(_damaged_zip(d, 0.05))])
case("zip-damaged-member-middle", "rejected", "damaged", "zip")(lambda d: [str(_damaged_zip(d, 0.5))])


@case("zip-truncated", "rejected", "is not a readable zip file", "zip")
def _zip_truncated(d: Path) -> list[str]:
    path = _damaged_zip(d, 0.5)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return [str(path)]


@case("named-pipe", "rejected", "not a regular file", "files")
def _fifo(d: Path) -> list[str]:
    path = d / "posts.csv"
    os.mkfifo(path)
    return [str(path)]


def write_all(out: Path) -> list[tuple[Case, list[str]]]:
    """Write every case under `out/NAME/`; returns each case with its import arguments."""
    made = []
    for c in CASES:
        folder = out / c.name
        folder.mkdir(parents=True, exist_ok=True)
        made.append((c, c.build(folder)))
    return made


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-corpus")
    for c, args in write_all(target):
        print(f"{c.outcome:9} {c.name}: smi import {' '.join(args)}")
    print(f"{len(CASES)} cases in {target}")
