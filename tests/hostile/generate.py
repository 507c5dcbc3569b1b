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
    outcome: str  # rejected | warned | accepted | either (a clean rejection or an import)
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


# -- 6. every parser: a valid seed file, then the same mutations of it ------------------------------
# Each seed writes a small valid export of one format from three values (a date in the format's
# own layout, a count, a text), so a mutation can put a hostile value where the format keeps
# it. The expected outcome of each mutation is reasoned from what the file then says (a date in
# year 1 is never true; a cut JSON file cannot be read), not taken from smi's output.
@dataclass(frozen=True)
class Seed:
    name: str
    write: Callable[[Path, dict[str, str]], tuple[Path, list[str]]]  # (main file, import args)
    dates: dict[str, str]  # "ok", "year1", "9999", "garbled" in the format's layout ("" if it has none)
    count: str = ""  # a valid count as the format writes it ("" if the format has none)
    text: bool = True  # the format holds a free text the mutations can fill
    binary: bool = False  # the main file is not text (xlsx, CAR)
    utf8: bool = True  # the format is UTF-8 text (Meta's page files are UTF-16)


SEEDS: list[Seed] = []
OK_TEXT = "caf\u00e9 and a tweet with \u0175 in it"


def _json_str(v: str) -> str:
    return json.dumps(v)[1:-1]


def _seed_x(d: Path, v: dict[str, str]) -> tuple[Path, list[str]]:
    data = d / "data"
    data.mkdir(parents=True, exist_ok=True)
    (data / "account.js").write_text('window.YTD.account.part0 = [ { "account" : { "username" : "OurTheatre", '
                                     '"accountId" : "1321902678188974081", "accountDisplayName" : "Our Theatre" } } ]',
                                     encoding="utf-8")
    tweets = [{"tweet": {"id_str": "1790000000000000201", "id": "1790000000000000201",
                         "created_at": "Wed Jul 01 18:00:00 +0000 2026", "full_text": "first", "favorite_count": "1",
                         "retweet_count": "0", "lang": "en", "source": "web",
                         "entities": {"hashtags": [], "user_mentions": [], "urls": []}}},
              {"tweet": {"id_str": "1790000000000000202", "id": "1790000000000000202",
                         "created_at": "@DATE@", "full_text": "@TEXT@", "favorite_count": "@COUNT@",
                         "retweet_count": "0", "lang": "en", "source": "web",
                         "entities": {"hashtags": [], "user_mentions": [], "urls": []}}}]
    text = "window.YTD.tweets.part0 = " + json.dumps(tweets, indent=1)
    text = text.replace("@DATE@", v["date"]).replace("@TEXT@", _json_str(v["text"])).replace("@COUNT@", v["count"])
    path = data / "tweets.js"
    path.write_text(text, encoding="utf-8")
    return path, [str(d)]


SEEDS.append(Seed("x-archive", _seed_x, {"ok": "Thu Jul 02 10:00:00 +0000 2026",
                                         "year1": "Mon Jan 01 00:00:00 +0000 0001",
                                         "9999": "Fri Dec 31 23:59:59 +0000 9999",
                                         "garbled": "Thu Jly 02 10:00:00 +0000 2026"}, count="3"))


def _seed_mastodon(d: Path, v: dict[str, str]) -> tuple[Path, list[str]]:
    path = _outbox(d, "2026-07-02T10:00:00Z")
    box = json.loads(path.read_text())
    item = box["orderedItems"][1]
    item["published"] = item["object"]["published"] = "@DATE@"
    item["object"]["content"] = "<p>@TEXT@</p>"
    text = json.dumps(box).replace("@DATE@", v["date"]).replace("@TEXT@", _json_str(v["text"]))
    path.write_text(text, encoding="utf-8")
    (d / "actor.json").write_text(json.dumps({"id": "https://example.social/users/us", "type": "Person",
                                              "preferredUsername": "us", "name": "Us"}), encoding="utf-8")
    return path, [str(d)]


SEEDS.append(Seed("mastodon-outbox", _seed_mastodon, {"ok": "2026-07-02T10:00:00Z", "year1": "0001-01-01T00:00:00Z",
                                                      "9999": "9999-12-31T23:59:59Z", "garbled": "2026-13-45T99:00:00Z"}))

BSKY = "did:plc:abcdefghijklmnopqrstuvwx"


def _seed_bluesky_jsonl(d: Path, v: dict[str, str]) -> tuple[Path, list[str]]:
    def post(n: str, when: str, text: str, likes: str) -> str:
        return (f'{{"platform": "bluesky", "post_id": "at://{BSKY}/app.bsky.feed.post/3m6dkjg2xqc2{n}", '
                f'"author": "us.bsky.social", "author_did": "{BSKY}", "text": "{text}", "created_at": "{when}", '
                f'"reply_count": 0, "repost_count": 0, "like_count": {likes}, "language": "en"}}')
    path = d / "bluesky_posts.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(post("a", "2026-07-01T10:00:00.000Z", "first", "1") + "\n"
                    + post("b", v["date"], _json_str(v["text"]), v["count"]) + "\n", encoding="utf-8")
    return path, [str(path)]


SEEDS.append(Seed("bluesky-jsonl", _seed_bluesky_jsonl, {"ok": "2026-07-02T10:00:00.000Z",
                                                         "year1": "0001-01-01T00:00:00.000Z",
                                                         "9999": "9999-12-31T23:59:59.000Z",
                                                         "garbled": "yesterday at noon"}, count="4"))


def _seed_bluesky_car(d: Path, v: dict[str, str]) -> tuple[Path, list[str]]:
    import libipld

    def block(obj: dict) -> tuple[bytes, bytes]:
        data = libipld.encode_dag_cbor(obj)
        return _cid(data), data

    records = {f"app.bsky.feed.post/3kpost{i}22": {"$type": "app.bsky.feed.post", "text": t, "createdAt": w,
                                                   "langs": ["en"]}
               for i, (t, w) in enumerate([("first", "2026-07-01T10:00:00.000Z"), (v["text"], v["date"])])}
    blocks, entries = [], []
    for key in sorted(records):
        cid, data = block(records[key])
        blocks.append((cid, data))
        entries.append((key, cid))
    node = {"e": [], "l": None}
    prev = b""
    for k, cid in entries:
        kb = k.encode()
        p = 0
        while p < min(len(kb), len(prev)) and kb[p] == prev[p]:
            p += 1
        node["e"].append({"k": kb[p:], "p": p, "t": None, "v": cid})
        prev = kb
    root_cid, root_data = block(node)
    commit_cid, commit_data = block({"did": BSKY, "version": 3, "data": root_cid, "rev": "3lbtest2222a",
                                     "prev": None, "sig": bytes(64)})
    header = libipld.encode_dag_cbor({"version": 1, "roots": [commit_cid]})
    out = _varint(len(header)) + header
    for cid, data in [(commit_cid, commit_data), (root_cid, root_data), *blocks]:
        out += _varint(len(cid) + len(data)) + cid + data
    path = d / "repo.car"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out)
    return path, [str(path)]


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _cid(data: bytes) -> bytes:
    """A CIDv1 (dag-cbor, sha2-256) in its binary form."""
    import hashlib

    return b"\x01\x71\x12\x20" + hashlib.sha256(data).digest()


SEEDS.append(Seed("bluesky-car", _seed_bluesky_car, {"ok": "2026-07-02T10:00:00.000Z",
                                                     "year1": "0001-01-01T00:00:00.000Z",
                                                     "9999": "9999-12-31T23:59:59.000Z",
                                                     "garbled": "not a time"}, binary=True))

FB_HEADER = ["Post ID", "Page ID", "Page name", "Title", "Description", "Publish time", "Permalink", "Post type",
             "Data comment", "Date", "Views", "Reach", "Reactions", "Comments", "Shares"]


def _seed_fb_posts(d: Path, v: dict[str, str]) -> tuple[Path, list[str]]:
    rows = [["1168834171933140", "100064197037125", "Our Page", "", "first", "07/01/2026 10:00",
             "https://www.facebook.com/1", "Photos", "", "Lifetime", "100", "80", "5", "1", "0"],
            ["1168834171933141", "100064197037125", "Our Page", "", v["text"], v["date"],
             "https://www.facebook.com/2", "Photos", "", "Lifetime", "200", "150", v["count"], "2", "1"]]
    path = _csv(d / "Jul-01-2026_Jul-31-2026_2855862537940540.csv", FB_HEADER, rows)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    return path, [str(path)]


US_TIMES = {"ok": "07/02/2026 10:00", "year1": "01/01/0001 00:00", "9999": "12/31/9999 23:59",
            "garbled": "31/31/2026 10:00"}
SEEDS.append(Seed("meta-facebook-posts", _seed_fb_posts, US_TIMES, count="7"))

IG_HEADER = ["Post ID", "Account ID", "Account username", "Account name", "Description", "Duration (sec)",
             "Publish time", "Permalink", "Post type", "Data comment", "Date", "Views", "Reach", "Likes", "Shares",
             "Follows", "Comments", "Saves"]


def _seed_ig_posts(d: Path, v: dict[str, str]) -> tuple[Path, list[str]]:
    rows = [["18011111111111111", "17841400000000000", "ourtheatre", "Our Theatre", "first", "31",
             "07/01/2026 10:00", "https://www.instagram.com/p/A1/", "IG image", "", "Lifetime", "100", "90", "10",
             "1", "0", "2", "3"],
            ["18011111111111112", "17841400000000000", "ourtheatre", "Our Theatre", v["text"], "",
             v["date"], "https://www.instagram.com/p/A2/", "IG image", "", "Lifetime", "100", "90", v["count"],
             "1", "0", "2", "3"]]
    path = _csv(d / "Jul-01-2026_Jul-31-2026_17841400000000000.csv", IG_HEADER, rows)
    return path, [str(path)]


SEEDS.append(Seed("meta-instagram-posts", _seed_ig_posts, US_TIMES, count="12"))


def _seed_fb_page(d: Path, v: dict[str, str]) -> tuple[Path, list[str]]:
    folder = d / "page-level-metrics"
    folder.mkdir(parents=True, exist_ok=True)
    text = ('sep=,\n"Facebook follows"\n"Date","Primary"\n"2026-07-01T00:00:00","20"\n'
            f'"{v["date"]}","{v["count"]}"\n')
    path = folder / "Follows.csv"
    path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    return path, [str(folder), "--account", "100064197037125"]


SEEDS.append(Seed("meta-facebook-page", _seed_fb_page, {"ok": "2026-07-02T00:00:00", "year1": "0001-01-01T00:00:00",
                                                        "9999": "9999-12-31T00:00:00", "garbled": "2026-07-32T00:00:00"},
                  count="28", text=False, utf8=False))


def _seed_linkedin_csv(d: Path, v: dict[str, str]) -> tuple[Path, list[str]]:
    path = d / "ourpage_followers_1791000000000.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("Date,Sponsored followers,Organic followers,Auto-invited followers,Total followers\n"
                    f"07/01/2026,0,2,0,2\n{v['date']},0,{v['count']},0,{v['count']}\n", encoding="utf-8")
    return path, [str(path), "--account", "@ourpage"]


US_DAYS = {"ok": "07/02/2026", "year1": "01/01/0001", "9999": "12/31/9999", "garbled": "31.07.2026"}
SEEDS.append(Seed("linkedin-followers-csv", _seed_linkedin_csv, US_DAYS, count="3", text=False))


def _seed_linkedin_xlsx(d: Path, v: dict[str, str]) -> tuple[Path, list[str]]:
    import openpyxl

    book = openpyxl.Workbook()
    sh = book.active
    sh.title = "Visitor metrics"
    sh.append(["Page views and unique visitors over time."])
    sh.append(["Date", "Overview page views (total)", "Total page views (total)", "Total unique visitors (total)"])
    sh.append(["07/01/2026", 3, 6, 5])
    sh.append([v["date"], 0, v["count"], 1])
    sh2 = book.create_sheet("Location")
    sh2.append(["Location", "Total views"])
    sh2.append([v["text"], 1])
    path = d / "ourpage_visitors_1791000000000.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path, [str(path), "--account", "@ourpage"]


SEEDS.append(Seed("linkedin-visitors-xlsx", _seed_linkedin_xlsx, US_DAYS, count="4", binary=True))


def _seed_tiktok_followers(d: Path, v: dict[str, str]) -> tuple[Path, list[str]]:
    path = d / "FollowerHistory.csv"
    path.write_text('\ufeff"Date","Followers","Difference in followers from previous day"\n"July 1","10","1"\n'
                    f'"{v["date"]}","{v["count"]}","1"\n', encoding="utf-8")
    return path, [str(path), "--account", "@us", "--as-of", "2026-07-12"]


def _seed_tiktok_content(d: Path, v: dict[str, str]) -> tuple[Path, list[str]]:
    path = d / "Content.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, quoting=csv.QUOTE_ALL)
        w.writerow(["Time", "Video title", "Video link", "Post time", "Total likes", "Total comments",
                    "Total shares", "Total views"])
        w.writerow(["July 12", "first", "https://www.tiktok.com/@us/video/7420000000000000001", "July 1", "120", "8",
                    "4", "2300"])
        w.writerow(["July 12", v["text"], "https://www.tiktok.com/@us/video/7420000000000000002", v["date"],
                    v["count"], "8", "4", "2300"])
    return path, [str(path), "--account", "@us", "--as-of", "2026-07-12"]


# TikTok's dates carry no year (the year is assumed from --as-of): no year 1 to write
TIKTOK_DAYS = {"ok": "July 2", "year1": "", "9999": "", "garbled": "Jly 2"}
SEEDS.append(Seed("tiktok-followers", _seed_tiktok_followers, TIKTOK_DAYS, count="11", text=False))
SEEDS.append(Seed("tiktok-content", _seed_tiktok_content, TIKTOK_DAYS, count="11"))


def _seed_toggl(d: Path, v: dict[str, str]) -> tuple[Path, list[str]]:
    path = d / "Toggl_time_entries.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,End time,Duration,Tags\n"
        "Ceri Jones,ceri@example.org,,Instagram posts,,first,No,2026-07-01,09:00:00,2026-07-01,10:30:00,01:30:00,\n"
        f"Ceri Jones,ceri@example.org,,Instagram posts,,\"{v['text']}\",No,{v['date']},11:00:00,{v['date']},"
        f"11:{v['count']}:00,00:{v['count']}:00,\n", encoding="utf-8")
    return path, [str(path)]


SEEDS.append(Seed("toggl", _seed_toggl, {"ok": "2026-07-02", "year1": "0001-01-01", "9999": "9999-12-31",
                                         "garbled": "2026-02-30"}, count="15"))


def _seed_clockify(d: Path, v: dict[str, str]) -> tuple[Path, list[str]]:
    path = d / "Clockify_Time_Report_Detailed.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "Project,Client,Description,Task,User,Group,Email,Tags,Billable,Start Date,Start Time,End Date,End Time,"
        "Duration (h),Duration (decimal)\n"
        "Facebook,,first,,Ceri Jones,Comms,ceri@example.org,,No,07/21/2026,09:00 AM,07/21/2026,10:15 AM,01:15:00,1.25\n"
        f"Facebook,,\"{v['text']}\",,Ceri Jones,Comms,ceri@example.org,,No,{v['date']},02:00 PM,{v['date']},"
        f"02:{v['count']} PM,00:{v['count']}:00,0.50\n", encoding="utf-8")
    return path, [str(path)]


SEEDS.append(Seed("clockify", _seed_clockify, {"ok": "07/22/2026", "year1": "01/01/0001", "9999": "12/31/9999",
                                               "garbled": "07/32/2026"}, count="30"))


def _seed_twcs(d: Path, v: dict[str, str]) -> tuple[Path, list[str]]:
    path = d / "twcs.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"
        "1,ourtheatre,False,Thu Jul 02 10:05:00 +0000 2026,@115712 happy to help,,2\n"
        f"2,115712,True,{v['date']},\"@ourtheatre {v['text']}\",1,\n", encoding="utf-8")
    return path, [str(path)]


X_DATES = {"ok": "Thu Jul 02 10:00:00 +0000 2026", "year1": "Mon Jan 01 00:00:00 +0000 0001",
           "9999": "Fri Dec 31 23:59:59 +0000 9999", "garbled": "Thu Jly 02 10:00:00 +0000 2026"}
SEEDS.append(Seed("twcs", _seed_twcs, X_DATES))


def _seed_care(d: Path, v: dict[str, str]) -> tuple[Path, list[str]]:
    conv = {"agentURL": {"doc_id": "1", "turn": "2", "tweet_ID": "1245425308704149506", "url": "https://example.org/a",
                         "url_utterance": "@sam see https://example.org/a"},
            "dialogContent": [{"client": "sam", "datetime": "@DATE@", "message": "@TeamUs @TEXT@",
                               "tweet_ID": "1245403438755852288"},
                              {"agent": "TeamUs", "datetime": "2026-07-02T11:00:00.000Z",
                               "message": "@sam see https://example.org/a", "tweet_ID": "1245425308704149506"}],
            "dialogHeader": {"company": "TeamUs", "conversationDateTime": "@DATE@", "duration": "00:30:00.0",
                             "messageCount": "2", "sessionID": "abc"}}
    path = d / "dev.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([conv], indent=1).replace("@DATE@", v["date"]).replace("@TEXT@", _json_str(v["text"])),
                    encoding="utf-8")
    return path, [str(path)]


SEEDS.append(Seed("twitter-care-json", _seed_care, {"ok": "2026-07-02T10:00:00.000Z", "year1": "0001-01-01T00:00:00.000Z",
                                                    "9999": "9999-12-31T23:59:59.000Z", "garbled": "soon"}))


def _seed_youtube(d: Path, v: dict[str, str]) -> tuple[Path, list[str]]:
    folder = d / "youtube"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Table data.csv").write_text(
        "Content,Video title,Video publish time,Views,Likes,Comments added,Shares\n"
        "Total,,,120,7,2,1\n"
        f'abc123DEF45,"{v["text"].replace(chr(34), chr(34) * 2)}","{v["date"]}",{v["count"]},7,2,1\n', encoding="utf-8")
    (folder / "Totals.csv").write_text("Date,Views\n2026-07-01,3\n2026-07-02,2\n", encoding="utf-8")
    (folder / "Chart data.csv").write_text("Date,Content,Video title,Video publish time,Views\n", encoding="utf-8")
    return folder / "Table data.csv", [str(folder), "--account", "youtube:@us"]


SEEDS.append(Seed("youtube-studio", _seed_youtube, {"ok": "Jul 2, 2026", "year1": "Jan 1, 0001",
                                                    "9999": "Dec 31, 9999", "garbled": "Jly 2, 2026"}, count="120"))


def _seed_effort(d: Path, v: dict[str, str]) -> tuple[Path, list[str]]:
    path = _csv(d / "effort.csv", ["person", "date", "minutes", "platform", "activity", "note"],
                [["Ceri Jones", "2026-07-01", "30", "instagram", "create", "first"],
                 ["Ceri Jones", v["date"], v["count"], "instagram", "engage", v["text"]]])
    return path, [str(path)]


SEEDS.append(Seed("canonical-effort", _seed_effort, {"ok": "2026-07-02", "year1": "0001-01-01", "9999": "9999-12-31",
                                                     "garbled": "2026-07-32"}, count="45"))


def _seed_interactions(d: Path, v: dict[str, str]) -> tuple[Path, list[str]]:
    path = _csv(d / "interactions.csv", ["platform", "interaction_id", "kind", "author", "created_at", "text"],
                [["instagram", "h-c-1", "comment", "@sam", "2026-07-01T10:00:00Z", "first"],
                 ["instagram", "h-c-2", "comment", "@sam", v["date"], v["text"]]])
    return path, [str(path)]


SEEDS.append(Seed("canonical-interactions", _seed_interactions,
                  {"ok": "2026-07-02T10:00:00Z", "year1": "0001-01-01T00:00:00Z", "9999": "9999-12-31T23:59:59Z",
                   "garbled": "2026-07-02T25:00:00Z"}))


def _write(seed: Seed, d: Path, **change: str) -> tuple[Path, list[str]]:
    d.mkdir(parents=True, exist_ok=True)
    return seed.write(d, _seed_values(seed, **change))


def _seed_values(seed: Seed, **change: str) -> dict[str, str]:
    v = {"date": seed.dates["ok"], "count": seed.count or "1", "text": OK_TEXT}
    v.update(change)
    return v


def _mutate_bytes(seed: Seed, how: Callable[[bytes], bytes]) -> Callable[[Path], list[str]]:
    def build(d: Path) -> list[str]:
        path, args = _write(seed, d)
        path.write_bytes(how(path.read_bytes()))
        return args
    return build


def _with(seed: Seed, **change: str) -> Callable[[Path], list[str]]:
    return lambda d: _write(seed, d, **change)[1]


def _cut_last_record(data: bytes) -> bytes:
    """Cut the file inside its last record: a third into its last line when that line is a
    record (CSV, JSON lines), else at 85% of the file (inside the last element of a JSON
    array laid out over lines); never just after a line end. UTF-16 is cut by characters; a
    binary file at 85% of its bytes."""
    utf16 = data.startswith(b"\xff\xfe")
    text = data[2:].decode("utf-16-le") if utf16 else data.decode("latin-1")
    body = text.rstrip("\r\n")
    start = body.rfind("\n") + 1
    at = start + (len(body) - start) // 3 if start and len(body) - start > 20 else len(text) * 85 // 100
    while at > 0 and text[at - 1] in "\r\n":
        at -= 1
    return b"\xff\xfe" + text[:at].encode("utf-16-le") if utf16 else text[:at].encode("latin-1")


def _latin1(data: bytes) -> bytes:
    """The file as Latin-1 (its BOM dropped, an escaped é in JSON written as the character),
    so its é is one byte that is not UTF-8."""
    text = data.decode("utf-8").lstrip("\ufeff").replace("\\u00e9", "\u00e9")
    return text.encode("latin-1", errors="replace")


def _zipped(seed: Seed, damage: bool = False) -> Callable[[Path], list[str]]:
    def build(d: Path) -> list[str]:
        src = d / "src"
        path, args = _write(seed, src)
        root = Path(args[0])
        members = [p for p in sorted(root.rglob("*")) if p.is_file()] if root.is_dir() else [root]
        out = d / "export.zip"
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for m in members:
                z.write(m, m.relative_to(root if root.is_dir() else root.parent).as_posix())
        if damage:  # zero bytes in the middle of the main member's compressed data
            data = bytearray(out.read_bytes())
            with zipfile.ZipFile(out) as z:
                info = next(i for i in z.infolist() if i.filename.endswith(path.name))
            start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
            at = start + info.compress_size // 3
            data[at:at + max(8, info.compress_size // 3)] = bytes(max(8, info.compress_size // 3))
            out.write_bytes(bytes(data))
        return [str(out), *args[1:]]
    return build


def _flip(seed_no: int) -> Callable[[bytes], bytes]:
    def how(data: bytes) -> bytes:
        import random

        rnd = random.Random(seed_no)
        b = bytearray(data)
        for _ in range(max(1, len(b) // 50)):
            b[rnd.randrange(len(b))] = rnd.randrange(256)
        return bytes(b)
    return how


JSON_SEEDS = ("x-archive", "mastodon-outbox", "twitter-care-json", "bluesky-jsonl")
# Seeds read with Python's csv module, which refuses a cell over 131,072 characters: a 2 MB
# text there is refused (no post or comment is that long); the canonical CSV reader and the
# JSON and binary formats take it.
CSV_MODULE_SEEDS = ("meta-facebook-posts", "meta-instagram-posts", "tiktok-content", "toggl", "clockify", "twcs",
                    "youtube-studio")
# Seeds given as a folder: an empty main file there is skipped (and said), the rest imported.
FOLDER_SEEDS = ("x-archive",)
HUGE_TEXT = "long " * 400_000  # a 2 MB cell or string: more than csv's default field limit
for _s in SEEDS:
    case(f"{_s.name}-seed", "accepted", "imported", "parsers", _s.name)(_with(_s))
    case(f"{_s.name}-zipped", "accepted", "imported", "parsers", _s.name)(_zipped(_s))
    case(f"{_s.name}-zip-damaged", "rejected", "damaged", "parsers", _s.name)(_zipped(_s, damage=True))
    if _s.name in FOLDER_SEEDS:
        case(f"{_s.name}-empty", "accepted", "skipped 1 file", "parsers", _s.name)(_mutate_bytes(_s, lambda b: b""))
    else:
        case(f"{_s.name}-empty", "rejected", "", "parsers", _s.name)(_mutate_bytes(_s, lambda b: b""))
    case(f"{_s.name}-cut", "rejected", "", "parsers", _s.name)(_mutate_bytes(_s, _cut_last_record))
    for _i in range(2):
        case(f"{_s.name}-bytes-changed-{_i}", "either", "", "parsers", _s.name)(_mutate_bytes(_s, _flip(_i)))
    if _s.dates["year1"]:
        case(f"{_s.name}-date-year1", "rejected", PLAUSIBLE, "parsers", _s.name)(_with(_s, date=_s.dates["year1"]))
        case(f"{_s.name}-date-9999", "rejected", PLAUSIBLE, "parsers", _s.name)(_with(_s, date=_s.dates["9999"]))
    case(f"{_s.name}-date-garbled", "rejected", "", "parsers", _s.name)(_with(_s, date=_s.dates["garbled"]))
    if _s.count:
        case(f"{_s.name}-count-word", "rejected", "", "parsers", _s.name)(_with(_s, count="lots"))
        case(f"{_s.name}-count-nan", "rejected", "", "parsers", _s.name)(_with(_s, count="nan"))
    if _s.text:
        if _s.name in CSV_MODULE_SEEDS:
            case(f"{_s.name}-text-2mb", "rejected", "longer than 131,072 characters", "parsers", _s.name)(
                _with(_s, text=HUGE_TEXT))
        else:
            case(f"{_s.name}-text-2mb", "accepted", "imported", "parsers", _s.name)(_with(_s, text=HUGE_TEXT))
    if _s.text and _s.name != "linkedin-visitors-xlsx":  # a worksheet cannot hold control characters
        case(f"{_s.name}-text-controls", "accepted", "imported", "parsers", _s.name)(
            _with(_s, text="bell\x07 esc\x1b[31m red \u202e rtl \ufeff bom"))
    if _s.name in JSON_SEEDS:
        case(f"{_s.name}-unclosed", "rejected", "", "parsers", _s.name)(
            _mutate_bytes(_s, lambda b: b.rstrip().removesuffix(b"]").removesuffix(b"}")))
    if not _s.binary:
        case(f"{_s.name}-nul-bytes", "rejected", "", "parsers", _s.name)(
            _mutate_bytes(_s, lambda b: b[: len(b) * 2 // 3] + b"\x00" * 8 + b[len(b) * 2 // 3:]))
        if _s.utf8 and _s.text:
            case(f"{_s.name}-latin1", "rejected", "is not UTF-8 text", "parsers", _s.name)(
                _mutate_bytes(_s, _latin1))
            case(f"{_s.name}-crlf", "accepted", "imported", "parsers", _s.name)(
                _mutate_bytes(_s, lambda b: b.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")))


# -- 7. a hostile workspace.toml: every command refuses it, naming the file and the line or field --
def _profile(text: str | bytes | tuple[str, str]) -> Callable[[Path], None]:
    """Bytes: the whole file; text: added at its end; (old, new): a value changed."""
    def prepare(ws: Path) -> None:
        path = ws / "workspace.toml"
        if isinstance(text, bytes):
            path.write_bytes(text)
        elif isinstance(text, tuple):
            old = path.read_text(encoding="utf-8")
            assert text[0] in old, text[0]
            path.write_text(old.replace(text[0], text[1], 1), encoding="utf-8")
        else:
            path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    return prepare


PROFILES: dict[str, str | bytes | tuple[str, str]] = {
    "toml-syntax": "\n[organisation\nname = 'x'\n",
    "toml-duplicate-table": "\n[organisation]\nname = 'again'\n",
    "toml-nested-deep": "\ndeep = " + "[" * 5000 + "]" * 5000 + "\n",
    "toml-latin1": "# caf\xe9\n".encode("latin-1"),
    "toml-utf16": "[organisation]\nname = 'x'\n".encode("utf-16"),
    "toml-binary": bytes(range(256)),
    "toml-empty": b"",
    "toml-languages-a-number": ('languages = ["en"]', "languages = 5"),
    "toml-timezone": ('timezone = "Europe/London"', 'timezone = "Mars/Olympus_Mons"'),
    "toml-name-huge": ('name = "Hostile Org"', 'name = "' + "x" * 2_000_000 + '"'),
    "toml-person-bad-handle": "\n[[people]]\nname = 'Ann'\nhandles = ['not a handle']\n",
    "toml-goal-purpose": "\n[[goals]]\nname = 'G'\npurpose = 'world domination'\n",
    "toml-kpi-period": "\n[[goals]]\nname = 'G'\n[[goals.kpis]]\nmetric = 'posts'\ntarget = 1\nperiod = 'decade'\n",
    "toml-engine": "\n[engine]\nname = 'oracle'\n",
}
for _label, _text in PROFILES.items():
    case(f"profile-{_label}", "rejected", "workspace.toml", "profile", prepare=_profile(_text))(
        lambda d: [str(_posts(d, "2026-07-02T10:00:00Z"))])


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
