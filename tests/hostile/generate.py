"""Hostile inputs for `smi import`, generated small at test time (issue 14).

Each case writes its files into a folder and says what `smi import` must do with them:

- "rejected": exit code 1, a clean message (no traceback) that contains `expect`, and the
  store (every table's rows, the sequences) and `archive/` exactly as they were;
- "warned": imported, with a warning that contains `expect` (a duplicate key, say).

Run it as a script to write the corpus to a folder and look at it by hand:

    python tests/hostile/generate.py OUT_DIR
"""

from __future__ import annotations

import csv
import io
import json
import sys
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


CASES: list[Case] = []


def case(name: str, outcome: str, expect: str, *tags: str):  # type: ignore[no-untyped-def]
    def add(build: Callable[[Path], list[str]]) -> Callable[[Path], list[str]]:
        CASES.append(Case(name, build, outcome, expect, tags))
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
