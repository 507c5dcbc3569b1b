"""`smi pull bluesky` against a real HTTP server on 127.0.0.1 replaying hand-written
getAuthorFeed answers in the documented shape (tests/fixtures/api/bluesky, see the README).

Expected numbers, counted by hand in the fixture files:
    feed_page1.json (cursor given): 3 items: 3lbreply00001 our reply to a friend's post
    (likes 2), a repost of the friend's 3lbfriend0001 (reason.uri …repost/3lbrepost0001),
    3lbquote00001 our quote of 3lbfriend0002 (likes 5, reposts 1, replies 1, quotes 2).
    feed_page2.json (no cursor): 2 items: 3lbimage00001 images, #theatre,
    @friend.bsky.social and a link after a 4-byte emoji (likes 10, reposts 3, replies 2),
    3lbtext000001 text in Welsh (all 0). -> 5 posts: 2 original, 1 reply, 1 quote, 1 repost;
    4 metric snapshots. feed_new.json: 3lbnew000001 (new) then 3lbreply00001 (seen).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from smi.importer import run_pull
from smi.pull import PullOptions
from smi.pull.client import ApiNotFoundError
from smi.workspace import Workspace

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "api" / "bluesky"
NOW = datetime(2024, 11, 26, 12, 0, tzinfo=UTC)
FEED = "/xrpc/app.bsky.feed.getAuthorFeed"
ACTOR = "ourtheatre.bsky.social"
DID = "did:plc:ourtheatre2fzoq7ymfhkb4c"
OURS = f"at://{DID}/app.bsky.feed.post/"
FIRST = {"actor": ACTOR, "limit": "100", "filter": "posts_with_replies"}


def load(name: str):
    return json.loads((FIXTURES / name).read_text())


@pytest.fixture(scope="module")
def _running():
    s = HTTPServer(host="127.0.0.1", port=0)
    s.start()
    yield s
    s.stop()


@pytest.fixture
def server(_running):
    _running.clear()
    yield _running
    _running.clear()


def serve_feed(server: HTTPServer, headers: dict[str, str] | None = None) -> None:
    server.expect_request(FEED, query_string=FIRST).respond_with_json(load("feed_page1.json"), headers=headers)
    server.expect_request(FEED, query_string={**FIRST, "cursor": "2024-11-18T09:00:00.3Z"}) \
        .respond_with_json(load("feed_page2.json"))


def no_sleep(seconds: float) -> None:
    raise AssertionError(f"slept {seconds} s")


def pull(ws: Path, server: HTTPServer, *, sleep=no_sleep, actor: str = "@" + ACTOR, full: bool = False):
    with Workspace.open(ws) as w:
        return run_pull(w, "bluesky_api", PullOptions(actor, server.url_for("/").rstrip("/"), None, full),
                        sleep=sleep, clock=NOW.timestamp)


def rows(ws: Path, sql: str):
    with Workspace.open(ws) as w:
        return w.store.rows(sql)


def snapshot(ws: Path):
    with Workspace.open(ws) as w:
        return w.store.snapshot()


def test_first_pull_pages_the_author_feed(server, make_ws, status):
    ws = make_ws()
    serve_feed(server)
    res = pull(ws, server)
    assert res.status == "pulled"
    assert res.fetched == {"posts": 4, "reposts": 1}
    assert res.counts["posts"] == {"new": 5, "updated": 0, "unchanged": 0}
    assert res.counts["post_metrics"] == {"new": 4}
    assert [r.args.get("cursor") for r, _ in server.log] == [None, "2024-11-18T09:00:00.3Z"]

    st = status(ws)["platforms"]["bluesky"]
    assert (st["posts"], st["replies"], st["reposts"]) == (5, 1, 1)
    posts = {r["native_id"].rsplit("/", 1)[-1]: r for r in rows(ws, "SELECT * FROM posts")}
    assert {k: v["kind"] for k, v in posts.items()} == {
        "3lbreply00001": "reply", "3lbrepost0001": "repost", "3lbquote00001": "quote",
        "3lbimage00001": "original", "3lbtext000001": "original"}
    reply = posts["3lbreply00001"]
    assert reply["post_key"] == f"bluesky:{OURS}3lbreply00001"
    assert reply["in_reply_to"] == "at://did:plc:friend7h3kx2mq5tvw6nplrd/app.bsky.feed.post/3lbfriend0001"
    assert reply["account_id"] == "bluesky:ourtheatre.bsky.social"
    assert reply["published_at"] == datetime(2024, 11, 20, 10, 0, tzinfo=UTC)
    assert reply["url"] == f"https://bsky.app/profile/{DID}/post/3lbreply00001"
    repost = posts["3lbrepost0001"]
    assert repost["native_id"] == f"at://{DID}/app.bsky.feed.repost/3lbrepost0001"
    assert repost["published_at"] == datetime(2024, 11, 19, 9, 0, tzinfo=UTC)
    assert json.loads(repost["extra"]) == {
        "reposted": "at://did:plc:friend7h3kx2mq5tvw6nplrd/app.bsky.feed.post/3lbfriend0001"}
    quote = posts["3lbquote00001"]
    assert json.loads(quote["extra"])["quoted"].endswith("/3lbfriend0002")
    assert json.loads(quote["extra"])["quote_count"] == 2
    image = posts["3lbimage00001"]
    assert (image["format"], image["hashtags"], image["mentions"], image["links"]) == (
        "image", ["theatre"], ["friend.bsky.social"], ["https://ourtheatre.example/tickets"])
    assert json.loads(image["extra"])["platform_lang"] == ["cy", "en"]
    assert posts["3lbtext000001"]["format"] == "text"
    assert json.loads(posts["3lbtext000001"]["extra"])["platform_lang"] == "cy"
    assert all(p["language"] is None for p in posts.values())

    metrics = {r["post_key"].rsplit("/", 1)[-1]: (r["reactions"], r["shares"], r["comments"])
               for r in rows(ws, "SELECT * FROM post_metrics")}
    assert metrics == {"3lbreply00001": (2, 0, 0), "3lbquote00001": (5, 1, 1),
                       "3lbimage00001": (10, 3, 2), "3lbtext000001": (0, 0, 0)}
    assert rows(ws, "SELECT DISTINCT observed_at FROM post_metrics") == [{"observed_at": NOW}]
    assert rows(ws, "SELECT account_id, display_name, native_id FROM accounts") == [
        {"account_id": "bluesky:ourtheatre.bsky.social", "display_name": "Our Theatre / Ein Theatr",
         "native_id": DID}]
    assert rows(ws, "SELECT source, name FROM imports") == [
        {"source": "bluesky_api", "name": "bluesky API @ourtheatre.bsky.social"}]


def test_incremental_pull_stops_at_the_newest_item_seen(server, make_ws):
    ws = make_ws()
    serve_feed(server)
    pull(ws, server)
    state = json.loads(rows(ws, "SELECT state FROM pull_state")[0]["state"])
    assert state["newest_key"] == f"{OURS}3lbreply00001"

    server.clear()
    server.expect_request(FEED, query_string=FIRST).respond_with_json(load("feed_new.json"))
    res = pull(ws, server)
    assert res.fetched == {"posts": 1}
    # one request, from the top, and no next page although the answer gave a cursor
    assert [r.args.to_dict() for r, _ in server.log] == [FIRST]
    assert len(rows(ws, "SELECT * FROM posts")) == 6
    # 3lbreply00001 was seen before: no new snapshot of it (its likes went 2 -> 4)
    assert [r["reactions"] for r in rows(ws, f"SELECT reactions FROM post_metrics WHERE post_key = 'bluesky:{OURS}3lbreply00001'")] == [2]
    new = rows(ws, f"SELECT format, links FROM posts WHERE native_id = '{OURS}3lbnew000001'")
    assert new == [{"format": "link", "links": []}]

    server.clear()
    server.expect_request(FEED, query_string=FIRST).respond_with_json(load("feed_new.json"))
    before = snapshot(ws)
    res = pull(ws, server)
    assert res.status == "nothing_new" and "nothing new" in res.summary()
    assert snapshot(ws) == before


def test_full_pull_refreshes_numbers(server, make_ws):
    ws = make_ws()
    serve_feed(server)
    pull(ws, server)
    server.clear()
    server.expect_request(FEED, query_string=FIRST).respond_with_json(load("feed_new.json"))
    server.expect_request(FEED, query_string={**FIRST, "cursor": "2024-11-20T10:00:00.412Z"}) \
        .respond_with_json({"feed": []})  # a full pull pages on past what it saw before
    with Workspace.open(ws) as w:
        res = run_pull(w, "bluesky_api", PullOptions(ACTOR, server.url_for("/"), None, full=True),
                       sleep=no_sleep, clock=lambda: NOW.timestamp() + 3600)
    assert res.counts["post_metrics"] == {"new": 2}  # 3lbnew000001, and 3lbreply00001's 4 likes
    assert [r["reactions"] for r in rows(ws, f"SELECT reactions FROM post_metrics WHERE post_key = 'bluesky:{OURS}3lbreply00001' ORDER BY observed_at")] == [2, 4]


def test_rate_limit_remaining_zero_waits_until_reset(server, make_ws):
    ws = make_ws()
    reset = int(NOW.timestamp()) + 30  # Bluesky gives the reset as epoch seconds
    serve_feed(server, headers={"RateLimit-Limit": "3000", "RateLimit-Remaining": "0",
                                "RateLimit-Reset": str(reset), "RateLimit-Policy": "3000;w=300"})
    waits: list[float] = []
    res = pull(ws, server, sleep=waits.append)
    assert waits == [30.0]
    assert res.counts["posts"]["new"] == 5


def test_429_with_an_http_date_retry_after(server, make_ws):
    ws = make_ws()
    later = format_datetime(datetime.fromtimestamp(NOW.timestamp() + 5, UTC), usegmt=True)
    server.expect_oneshot_request(FEED).respond_with_json(
        {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}, status=429,
        headers={"Retry-After": later})
    serve_feed(server)
    waits: list[float] = []
    res = pull(ws, server, sleep=waits.append)
    assert waits == [5.0]
    assert res.counts["posts"]["new"] == 5


def test_unknown_actor_is_not_found(server, make_ws):
    ws = make_ws()
    server.expect_request(FEED).respond_with_json(
        {"error": "InvalidRequest", "message": "Profile not found"}, status=400)
    before = snapshot(ws)
    with pytest.raises(ApiNotFoundError) as e:
        pull(ws, server, actor="nobody.bsky.social")
    assert "nobody.bsky.social" in e.value.message and "check" in (e.value.fix or "")
    assert snapshot(ws) == before


def test_flat_json_and_api_merge_without_duplicates(server, make_ws, cli, status, tmp_path):
    """A scraper's flat JSON line for 3lbimage00001 is the same post as the API's."""
    ws = make_ws()
    line = {"platform": "bluesky", "post_id": f"{OURS}3lbimage00001", "author": ACTOR, "author_did": DID,
            "text": "Noson agoriadol 🎭 #theatre with @friend.bsky.social ourtheatre.example/tickets",
            "created_at": "2024-11-10T20:00:00.000Z", "scraped_at": "2024-11-12T09:00:00+00:00",
            "reply_count": 1, "repost_count": 3, "like_count": 8, "language": "en"}
    (tmp_path / "posts.jsonl").write_text(json.dumps(line) + "\n")
    cli("import", "-w", ws, tmp_path / "posts.jsonl")
    serve_feed(server)
    pull(ws, server)
    assert status(ws)["platforms"]["bluesky"]["posts"] == 5
    snaps = rows(ws, f"SELECT reactions FROM post_metrics WHERE post_key = 'bluesky:{OURS}3lbimage00001' ORDER BY observed_at")
    assert [s["reactions"] for s in snaps] == [8, 10]


def test_remap_maps_the_pulled_items_again(server, make_ws, cli):
    ws = make_ws()
    serve_feed(server)
    pull(ws, server)
    before = rows(ws, "SELECT * EXCLUDE (import_id) FROM posts ORDER BY post_key")
    assert "re-mapped 1 import" in cli("remap", "-w", ws).output
    assert rows(ws, "SELECT * EXCLUDE (import_id) FROM posts ORDER BY post_key") == before


def test_cli_pull(server, make_ws, cli):
    ws = make_ws()
    serve_feed(server)
    res = cli("pull", "bluesky", "--actor", ACTOR, "--api", server.url_for("/"), "-w", ws)
    assert "fetched 4 posts, 1 repost;" in res.output
    assert "posts 5 new" in res.output
