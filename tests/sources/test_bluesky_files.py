"""Bluesky files: the repository export (.car) and flat posts JSON / JSON Lines.

The .car files here are SYNTHETIC: no real repository export could be found to test with
(../shared/data/real/README.md, "Native Bluesky data"). `build_car` below writes one with
libipld, the library smi reads them with: a commit block (signature zeroed), a two-level
Merkle Search Tree and the records, as CAR v1. Every expected value follows from the
records written in this file.

The flat posts JSON is real (bluesky-posts-nyc-health-search), counted with Python's json
module, independently of smi:
  bluesky_posts.json: 182 objects but 91 distinct post_id (each post scraped twice, at two
  `scraped_at`); bluesky_posts.jsonl: 26 objects (25 newlines: the last line has none),
  26 distinct, 10 of them also in the .json: 91 + 26 - 10 = 107 posts.
  .json: 82 distinct authors; sum of like_count over all 182 objects 4,426;
  created_at 2025-11-06T15:22:23.650Z to 2025-12-03T23:40:31.258Z;
  .jsonl: created_at 2025-11-04T15:42:19.263Z to 2025-11-24T00:19:44.397Z.
  `language` en 173, en-US 17, null 18 over the 208 objects.
  nypost.com wrote 2 distinct posts in the .json (4 objects), so 89 are others'.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import libipld

from smi.workspace import Workspace

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REAL = "bluesky-posts-nyc-health-search"
DID = "did:plc:abcdefghijklmnopqrstuvwx"
OTHER = "did:plc:zyxwvutsrqponmlkjihgfedc"


# -- a tiny .car writer (synthetic test data) ------------------------------------------------
def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b, n = n & 0x7F, n >> 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _block(obj: Any) -> tuple[bytes, bytes]:
    data = libipld.encode_dag_cbor(obj)  # raw CID bytes are written as links (tag 42)
    return b"\x01\x71\x12\x20" + hashlib.sha256(data).digest(), data


def _node(entries: list[tuple[str, bytes]], left: bytes | None = None) -> dict[str, Any]:
    out, prev = [], b""
    for key, cid in entries:
        k = key.encode()
        p = 0
        while p < min(len(k), len(prev)) and k[p] == prev[p]:
            p += 1
        out.append({"k": k[p:], "p": p, "t": None, "v": cid})
        prev = k
    return {"e": out, "l": left}


def build_car(records: dict[str, dict[str, Any]], did: str = DID) -> bytes:
    blocks, entries = [], []
    for key in sorted(records):
        cid, data = _block(records[key])
        blocks.append((cid, data))
        entries.append((key, cid))
    half = max(1, len(entries) // 2)
    left_cid, left_data = _block(_node(entries[:half]))  # the first keys in a subtree…
    root_cid, root_data = _block(_node(entries[half:], left_cid))  # …the rest in the root
    commit_cid, commit_data = _block({"did": did, "version": 3, "data": root_cid, "rev": "3lbtest2222a",
                                      "prev": None, "sig": bytes(64)})
    blocks = [(commit_cid, commit_data), (root_cid, root_data), (left_cid, left_data), *blocks]
    header = libipld.encode_dag_cbor({"version": 1, "roots": [commit_cid]})
    out = _varint(len(header)) + header
    for cid, data in blocks:
        out += _varint(len(cid) + len(data)) + cid + data
    return out


def _post(text: str, at: str, **more: Any) -> dict[str, Any]:
    return {"$type": "app.bsky.feed.post", "text": text, "createdAt": at, **more}


PARENT = f"at://{OTHER}/app.bsky.feed.post/3kparent22"
QUOTED = f"at://{OTHER}/app.bsky.feed.post/3kquoted22"
RECORDS = {
    "app.bsky.actor.profile/self": {"$type": "app.bsky.actor.profile", "displayName": "Theatr Bach"},
    "app.bsky.feed.post/3kaaaaaaaa2": _post(
        "Noson agored! @ceri.bsky.social #theatr https://example.org", "2024-11-20T18:00:00.000Z",
        langs=["cy"],
        facets=[
            {"index": {"byteStart": 14, "byteEnd": 31},
             "features": [{"$type": "app.bsky.richtext.facet#mention", "did": OTHER}]},
            {"index": {"byteStart": 32, "byteEnd": 39},
             "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "theatr"}]},
            {"index": {"byteStart": 40, "byteEnd": 59},
             "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://example.org"}]},
        ]),
    "app.bsky.feed.post/3kbbbbbbbb2": _post(
        "Thanks, see you there", "2024-11-21T09:30:00+00:00", langs=["en"],
        reply={"root": {"uri": PARENT, "cid": "bafyfake"}, "parent": {"uri": PARENT, "cid": "bafyfake"}}),
    "app.bsky.feed.post/3kcccccccc2": _post(
        "Look at this", "2024-11-22T12:00:00Z",
        embed={"$type": "app.bsky.embed.record", "record": {"uri": QUOTED, "cid": "bafyfake"}}),
    "app.bsky.feed.post/3kdddddddd2": _post(
        "Rehearsal photos", "2024-11-23T12:00:00Z",
        embed={"$type": "app.bsky.embed.images", "images": [{"alt": "stage", "aspectRatio": {"width": 4, "height": 3}}]}),
    "app.bsky.feed.repost/3keeeeeeee2": {"$type": "app.bsky.feed.repost", "createdAt": "2024-11-24T08:00:00Z",
                                         "subject": {"uri": QUOTED, "cid": "bafyfake"}},
    "app.bsky.feed.like/3kffffffff2": {"$type": "app.bsky.feed.like", "createdAt": "2024-11-24T09:00:00Z",
                                       "subject": {"uri": QUOTED, "cid": "bafyfake"}},
    "app.bsky.graph.follow/3kgggggggg2": {"$type": "app.bsky.graph.follow", "createdAt": "2024-11-24T09:00:00Z",
                                          "subject": OTHER},
}


def _rows(ws: Path, sql: str) -> list[dict]:
    with Workspace.open(ws) as w:
        return w.store.rows(sql)


def _snapshot(ws: Path) -> dict:
    with Workspace.open(ws) as w:
        return w.store.snapshot()


def _write_car(tmp_path: Path, name: str = "repo.car", records: dict | None = None) -> Path:
    p = tmp_path / name
    p.write_bytes(build_car(records or RECORDS))
    return p


# -- .car --------------------------------------------------------------------------------------
def test_car_posts_replies_quotes_reposts(make_ws, cli, status, tmp_path):
    car = _write_car(tmp_path)
    ws = make_ws()
    cli("import", "--no-enrich", car, "-w", ws)  # what the importer writes
    assert status(ws)["platforms"] == {"bluesky": {
        "posts": 5, "replies": 1, "reposts": 1, "interactions": 0, "audience_days": 0,
        "first": "2024-11-20", "last": "2024-11-24"}}
    [acc] = _rows(ws, "SELECT * FROM accounts")
    assert acc["account_id"] == f"bluesky:{DID}" and acc["native_id"] == DID
    assert acc["display_name"] == "Theatr Bach"
    assert _rows(ws, "SELECT count(*) AS n FROM post_metrics") == [{"n": 0}]  # a repo has no counts
    posts = {p["native_id"].rsplit("/", 1)[1]: p for p in _rows(ws, "SELECT * FROM posts")}
    a = posts["3kaaaaaaaa2"]
    assert a["post_key"] == f"bluesky:at://{DID}/app.bsky.feed.post/3kaaaaaaaa2"
    assert (a["kind"], a["format"], a["language"]) == ("original", "link", None)
    assert json.loads(a["extra"]) == {"platform_lang": "cy"}
    assert (a["mentions"], a["hashtags"], a["links"]) == (["ceri.bsky.social"], ["theatr"], ["https://example.org"])
    assert a["account_id"] == f"bluesky:{DID}"
    b = posts["3kbbbbbbbb2"]
    assert (b["kind"], b["in_reply_to"], b["format"]) == ("reply", PARENT, "text")
    c = posts["3kcccccccc2"]
    assert c["kind"] == "quote" and json.loads(c["extra"])["quoted"] == QUOTED
    assert posts["3kdddddddd2"]["format"] == "image"
    r = posts["3keeeeeeee2"]
    assert r["kind"] == "repost" and json.loads(r["extra"]) == {"reposted": QUOTED}
    assert r["post_key"] == f"bluesky:at://{DID}/app.bsky.feed.repost/3keeeeeeee2"


def test_car_account_from_the_profile_twice_and_remap(make_ws, cli, status, tmp_path):
    car = _write_car(tmp_path)
    ws = make_ws()
    cli("accounts", "add", "bluesky:@theatrbach.bsky.social", "-w", ws)
    cli("import", car, "-w", ws)
    assert {r["account_id"] for r in _rows(ws, "SELECT account_id FROM posts")} == {"bluesky:theatrbach.bsky.social"}
    before, snap = status(ws), _snapshot(ws)["posts"]
    cli("import", car, "-w", ws)
    assert status(ws) == before
    cli("remap", "-w", ws)
    assert _snapshot(ws)["posts"] == snap


def test_car_cut_short_or_bad_record_fails_cleanly(make_ws, cli, tmp_path):
    ws = make_ws()
    cli("import", _write_car(tmp_path, "good.car"), "-w", ws)
    before = _snapshot(ws)
    data = build_car(RECORDS)
    cut = tmp_path / "cut.car"
    cut.write_bytes(data[:-10])
    r = cli("import", cut, "-w", ws, ok=False)
    out = r.stdout + r.stderr
    assert "cut.car" in out and "block 11 at byte" in out and "cut short" in out
    bad = dict(RECORDS)
    bad["app.bsky.feed.post/3kbbbbbbbb2"] = _post("when?", "next Tuesday")
    r = cli("import", _write_car(tmp_path, "bad.car", bad), "-w", ws, ok=False)
    out = r.stdout + r.stderr
    assert "bad.car" in out and "3kbbbbbbbb2" in out and "'createdAt'" in out and "next Tuesday" in out
    assert _snapshot(ws) == before


# -- flat posts JSON ---------------------------------------------------------------------------
def test_posts_json_real_sample(make_ws, cli, status, real):
    ws = make_ws()
    cli("import", "--no-enrich", real(REAL, "bluesky_posts.json"), "-w", ws)
    assert status(ws)["platforms"] == {"bluesky": {
        "posts": 91, "replies": 0, "reposts": 0, "interactions": 0, "audience_days": 0,
        "first": "2025-11-06", "last": "2025-12-03"}}
    assert _rows(ws, "SELECT count(*) AS n FROM accounts") == [{"n": 82}]
    [m] = _rows(ws, "SELECT count(*) AS n, sum(reactions) AS likes, count(views) AS views FROM post_metrics")
    assert m == {"n": 182, "likes": 4426, "views": 0}  # a snapshot per scrape; views not given
    cli("import", "--no-enrich", real(REAL, "bluesky_posts.jsonl"), "-w", ws)
    s = status(ws)["platforms"]["bluesky"]
    assert (s["posts"], s["first"], s["last"]) == (107, "2025-11-04", "2025-12-03")
    langs = [json.loads(p["extra"]).get("platform_lang") for p in _rows(ws, "SELECT extra FROM posts")]
    assert _rows(ws, "SELECT count(*) AS n FROM posts WHERE language IS NOT NULL") == [{"n": 0}]
    assert set(langs) == {"en", "en-US", None}


def test_posts_json_with_a_declared_account_keeps_only_its_posts(make_ws, cli, status, real):
    ws = make_ws()
    cli("accounts", "add", "bluesky:@nypost.com", "-w", ws)
    cli("import", real(REAL, "bluesky_posts.json"), "-w", ws)
    assert status(ws)["platforms"]["bluesky"]["posts"] == 2
    assert status(ws)["platforms"]["bluesky"]["interactions"] == 89
    [m] = _rows(ws, "SELECT count(*) AS n FROM interactions WHERE kind = 'mention' AND NOT from_organisation")
    assert m["n"] == 89
    assert _rows(ws, "SELECT DISTINCT account_id FROM posts") == [{"account_id": "bluesky:nypost.com"}]


def test_posts_jsonl_fixture_hand_checked(make_ws, cli, status):
    ws = make_ws()
    cli("import", FIXTURES / "bluesky-posts" / "bluesky_posts.jsonl", "-w", ws)
    assert status(ws)["platforms"]["bluesky"] == {
        "posts": 5, "replies": 0, "reposts": 0, "interactions": 0, "audience_days": 0,
        "first": "2025-11-22", "last": "2025-11-24"}
    [m] = _rows(ws, "SELECT sum(reactions) AS l, sum(shares) AS r, sum(comments) AS c FROM post_metrics")
    assert m == {"l": 5, "r": 1, "c": 2}
    before = status(ws)
    cli("import", FIXTURES / "bluesky-posts" / "bluesky_posts.jsonl", "-w", ws)
    assert status(ws) == before


def test_posts_json_bad_record_fails_cleanly(make_ws, cli, tmp_path):
    lines = (FIXTURES / "bluesky-posts" / "bluesky_posts.jsonl").read_text(encoding="utf-8").splitlines()
    obj = json.loads(lines[2])
    obj["like_count"] = "lots"
    bad = tmp_path / "posts.jsonl"
    bad.write_text("\n".join([*lines[:2], json.dumps(obj), *lines[3:]]) + "\n", encoding="utf-8")
    cut = tmp_path / "cut.jsonl"
    cut.write_text("\n".join(lines)[:-40], encoding="utf-8")
    ws = make_ws()
    before = _snapshot(ws)
    out = "".join(cli("import", bad, "-w", ws, ok=False).stderr)
    assert "posts.jsonl" in out and "line 3" in out and "'like_count'" in out
    out = cli("import", cut, "-w", ws, ok=False).stderr
    assert "cut.jsonl" in out and "line 5" in out and "not valid JSON" in out
    assert _snapshot(ws) == before
