"""`smi pull mastodon` against a real HTTP server on 127.0.0.1 replaying hand-written answers
in the documented shape (tests/fixtures/api/mastodon, see the README there).

Expected numbers, counted by hand in the fixture files:
    statuses_page1.json: 3 statuses (…005 a reply to our …003, …004 a boost, …003 with an
    image, #theatre, @friend@other.example and one plain link); statuses_page2.json: 2
    (…002 a video, …001 text, all counts 0) -> 5 posts: 3 original, 1 reply, 1 repost;
    4 metric snapshots (a boost has none). notifications.json: 2 mentions, 900002 a reply to
    …003 by friend@other.example, 900001 a plain mention by the local @neighbour.
    account.json: followers_count 321. statuses_new.json: 1 status (…006).
"""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from smi.importer import run_pull
from smi.pull import PullOptions
from smi.pull.client import ApiAuthError, ApiError, ApiNetworkError, ApiNotFoundError
from smi.workspace import Workspace

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "api" / "mastodon"
NOW = datetime(2024, 11, 26, 12, 0, tzinfo=UTC)
ACCOUNT_ID = "109000000000000001"
STATUSES = f"/api/v1/accounts/{ACCOUNT_ID}/statuses"
NOTES = "/api/v1/notifications"
OURS = "https://example.social/users/ourtheatre/statuses/"
ACCOUNT = "mastodon:ourtheatre@example.social"


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


def link(server: HTTPServer, path: str, **params: str) -> dict[str, str]:
    query = "&".join(f"{k}={v}" for k, v in {"limit": "40", **params}.items())
    return {"Link": f'<{server.url_for(path)}?{query}>; rel="next"'}


def serve_first_pull(server: HTTPServer, notes: bool = True) -> None:
    server.expect_request("/api/v1/accounts/lookup", query_string={"acct": "ourtheatre"}) \
        .respond_with_json(load("account.json"))
    server.expect_request(STATUSES, query_string={"limit": "40"}).respond_with_json(
        load("statuses_page1.json"), headers=link(server, STATUSES, max_id="111000000000000003"))
    server.expect_request(STATUSES, query_string={"limit": "40", "max_id": "111000000000000003"}) \
        .respond_with_json(load("statuses_page2.json"),
                           headers=link(server, STATUSES, max_id="111000000000000001"))
    server.expect_request(STATUSES, query_string={"limit": "40", "max_id": "111000000000000001"}) \
        .respond_with_json([])
    if notes:
        server.expect_request(NOTES, query_string={"types[]": "mention", "limit": "40"}) \
            .respond_with_json(load("notifications.json"),
                               headers=link(server, NOTES, max_id="900001"))
        server.expect_request(NOTES, query_string={"types[]": "mention", "limit": "40", "max_id": "900001"}) \
            .respond_with_json([])


def serve_second_pull(server: HTTPServer) -> None:
    server.clear()
    server.expect_request("/api/v1/accounts/lookup", query_string={"acct": "ourtheatre"}) \
        .respond_with_json(load("account.json"))
    server.expect_request(STATUSES, query_string={"limit": "40", "since_id": "111000000000000005"}) \
        .respond_with_json(load("statuses_new.json"),
                           headers=link(server, STATUSES, max_id="111000000000000006"))
    server.expect_request(STATUSES, query_string={"limit": "40", "since_id": "111000000000000005",
                                                  "max_id": "111000000000000006"}).respond_with_json([])
    server.expect_request(NOTES, query_string={"types[]": "mention", "limit": "40", "since_id": "900002"}) \
        .respond_with_json([])


def no_sleep(seconds: float) -> None:
    raise AssertionError(f"slept {seconds} s")


def pull(ws: Path, server: HTTPServer | str, *, token: str | None = "t0ken", sleep=no_sleep,
         full: bool = False, instance: str | None = None):
    url = instance or server.url_for("/")
    with Workspace.open(ws) as w:
        return run_pull(w, "mastodon_api", PullOptions("@ourtheatre", url, token, full),
                        sleep=sleep, clock=NOW.timestamp)


def rows(ws: Path, sql: str):
    with Workspace.open(ws) as w:
        return w.store.rows(sql)


def snapshot(ws: Path):
    with Workspace.open(ws) as w:
        return w.store.snapshot()


def test_first_pull_pages_statuses_and_mentions(server, make_ws, status):
    ws = make_ws()
    serve_first_pull(server)
    res = pull(ws, server)
    assert res.status == "pulled"
    assert res.fetched == {"statuses": 5, "mentions": 2}
    assert res.counts["posts"] == {"new": 5, "updated": 0, "unchanged": 0}
    assert res.counts["post_metrics"] == {"new": 4}
    assert "fetched 5 statuses, 2 mentions" in res.summary()
    # 1 lookup + 3 status pages (the third empty) + 2 notification pages
    assert len(server.log) == 6
    assert all(r.headers["Authorization"] == "Bearer t0ken" for r, _ in server.log)

    st = status(ws)["platforms"]["mastodon"]
    assert (st["posts"], st["replies"], st["reposts"], st["interactions"]) == (5, 1, 1, 2)
    posts = {r["native_id"].rsplit("/", 2)[-1] if r["kind"] == "repost" else r["native_id"].rsplit("/", 1)[-1]: r
             for r in rows(ws, "SELECT * FROM posts")}
    s3 = posts["111000000000000003"]
    assert s3["post_key"] == f"mastodon:{OURS}111000000000000003"
    assert s3["account_id"] == ACCOUNT
    assert (s3["kind"], s3["format"], s3["language"]) == ("original", "image", None)
    assert s3["hashtags"] == ["theatre"] and s3["mentions"] == ["friend@other.example"]
    assert s3["links"] == ["https://ourtheatre.example/tickets"]
    assert s3["text"] == "Opening night! Thanks @friend #Theatre\n\nTickets: https://ourtheatre.example/tickets"
    assert json.loads(s3["extra"])["platform_lang"] == "en"
    s5 = posts["111000000000000005"]
    assert (s5["kind"], s5["in_reply_to"]) == ("reply", f"{OURS}111000000000000003")
    boost = rows(ws, "SELECT * FROM posts WHERE kind = 'repost'")[0]
    assert boost["native_id"] == f"{OURS}111000000000000004/activity"
    assert boost["url"] == "https://other.example/users/friend/statuses/999"
    assert posts["111000000000000002"]["format"] == "video"
    assert posts["111000000000000001"]["format"] == "text"

    metrics = {r["post_key"].rsplit("/", 1)[-1]: r for r in rows(ws, "SELECT * FROM post_metrics")}
    assert len(metrics) == 4 and "activity" not in metrics
    assert {k: (m["reactions"], m["shares"], m["comments"]) for k, m in metrics.items()} == {
        "111000000000000005": (1, 0, 0), "111000000000000003": (12, 4, 2),
        "111000000000000002": (7, 1, 0), "111000000000000001": (0, 0, 0)}
    assert all(m["observed_at"] == NOW and m["impressions"] is None for m in metrics.values())

    inter = {r["native_id"]: r for r in rows(ws, "SELECT * FROM interactions")}
    reply = inter["https://other.example/users/friend/statuses/777"]
    assert (reply["kind"], reply["post_key"], reply["author"], reply["from_organisation"]) == (
        "reply", f"mastodon:{OURS}111000000000000003", "friend@other.example", False)
    assert reply["text"] == "@ourtheatre Is there step-free access?"
    mention = inter["https://example.social/users/neighbour/statuses/111000000000000555"]
    assert (mention["kind"], mention["post_key"], mention["author"]) == (
        "mention", None, "neighbour@example.social")

    assert rows(ws, "SELECT account_id, display_name, native_id FROM accounts") == [
        {"account_id": ACCOUNT, "display_name": "Our Theatre / Ein Theatr",
         "native_id": "https://example.social/users/ourtheatre"}]
    aud = rows(ws, "SELECT date::VARCHAR AS d, followers, gained FROM audience_daily")
    assert aud == [{"d": "2024-11-26", "followers": 321, "gained": None}]
    log = rows(ws, "SELECT source, name, observed_at FROM imports")
    assert log == [{"source": "mastodon_api", "name": "mastodon API @ourtheatre@example.social",
                    "observed_at": NOW}]


def test_incremental_pull_asks_only_for_what_is_new(server, make_ws):
    ws = make_ws()
    serve_first_pull(server)
    pull(ws, server)
    state = rows(ws, "SELECT account, state FROM pull_state")
    assert state[0]["account"] == "ourtheatre@example.social"
    assert json.loads(state[0]["state"])["newest_status_id"] == "111000000000000005"

    serve_second_pull(server)
    res = pull(ws, server)
    assert res.fetched == {"statuses": 1}
    assert res.counts["posts"]["new"] == 1
    sent = [(r.path, r.args.to_dict()) for r, _ in server.log]
    assert (STATUSES, {"limit": "40", "since_id": "111000000000000005"}) in sent
    # paging on keeps since_id, so only statuses newer than the last pull are fetched
    assert (STATUSES, {"limit": "40", "since_id": "111000000000000005", "max_id": "111000000000000006"}) in sent
    assert (NOTES, {"types[]": "mention", "limit": "40", "since_id": "900002"}) in sent
    assert len(rows(ws, "SELECT * FROM posts")) == 6
    assert json.loads(rows(ws, "SELECT state FROM pull_state")[0]["state"])["newest_status_id"] == "111000000000000006"

    # a third pull: nothing new, nothing written, and it says so
    server.clear()
    server.expect_request("/api/v1/accounts/lookup").respond_with_json(load("account.json"))
    server.expect_request(STATUSES, query_string={"limit": "40", "since_id": "111000000000000006"}) \
        .respond_with_json([])
    server.expect_request(NOTES, query_string={"types[]": "mention", "limit": "40", "since_id": "900002"}) \
        .respond_with_json([])
    before = snapshot(ws)
    res = pull(ws, server)
    assert res.status == "nothing_new" and res.summary() == "nothing new since the last pull"
    assert snapshot(ws) == before
    assert len(server.log) == 3


def test_full_pull_ignores_the_cursor_and_adds_a_snapshot_per_changed_post(server, make_ws):
    ws = make_ws()
    serve_first_pull(server)
    pull(ws, server)
    server.clear()
    page = load("statuses_page1.json")
    page[2]["favourites_count"] = 13  # …003 got one more favourite by the next day
    server.expect_oneshot_request(STATUSES, query_string={"limit": "40"}).respond_with_json(
        page, headers=link(server, STATUSES, max_id="111000000000000003"))
    serve_first_pull(server)  # one-shot handlers answer before these
    with Workspace.open(ws) as w:
        res = run_pull(w, "mastodon_api", PullOptions("@ourtheatre", server.url_for("/"), "t0ken", full=True),
                       sleep=no_sleep, clock=lambda: NOW.timestamp() + 86400)
    assert res.status == "pulled"
    assert res.counts["posts"] == {"new": 0, "updated": 1, "unchanged": 4}
    assert res.counts["post_metrics"] == {"new": 1}
    assert [r["reactions"] for r in rows(ws, f"SELECT reactions FROM post_metrics WHERE post_key = 'mastodon:{OURS}111000000000000003' ORDER BY observed_at")] == [12, 13]


def test_without_a_token_mentions_are_not_asked_for(server, make_ws):
    ws = make_ws()
    serve_first_pull(server, notes=False)
    res = pull(ws, server, token=None)
    assert res.fetched == {"statuses": 5}
    assert all(r.path != NOTES and "Authorization" not in r.headers for r, _ in server.log)


def test_429_waits_as_told_then_succeeds(server, make_ws):
    ws = make_ws()
    server.expect_oneshot_request("/api/v1/accounts/lookup").respond_with_json(
        {"error": "Too many requests"}, status=429, headers={"Retry-After": "7"})
    serve_first_pull(server)
    waits: list[float] = []
    res = pull(ws, server, sleep=waits.append)
    assert waits == [7.0]
    assert res.fetched == {"statuses": 5, "mentions": 2}


def test_5xx_is_retried_with_back_off_then_succeeds(server, make_ws):
    ws = make_ws()
    for code in (503, 502):
        server.expect_oneshot_request(STATUSES, query_string={"limit": "40"}).respond_with_data(
            "upstream down", status=code)
    serve_first_pull(server)
    waits: list[float] = []
    res = pull(ws, server, sleep=waits.append)
    assert waits == [1.0, 2.0]  # exponential back-off: 1 s, then 2 s
    assert res.counts["posts"]["new"] == 5


def test_5xx_gives_up_after_bounded_attempts(server, make_ws):
    ws = make_ws()
    server.expect_request("/api/v1/accounts/lookup").respond_with_data("oops", status=500)
    waits: list[float] = []
    before = snapshot(ws)
    with pytest.raises(ApiError, match="failed 5 times") as e:
        pull(ws, server, sleep=waits.append)
    assert waits == [1.0, 2.0, 4.0, 8.0]
    assert len(server.log) == 5
    assert "try again later" in (e.value.fix or "")
    assert snapshot(ws) == before


def test_rate_limit_remaining_zero_waits_until_reset(server, make_ws):
    ws = make_ws()
    reset = datetime.fromtimestamp(NOW.timestamp() + 42, UTC).isoformat().replace("+00:00", ".000Z")
    server.expect_request("/api/v1/accounts/lookup").respond_with_json(
        load("account.json"),
        headers={"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset})
    serve_first_pull(server, notes=False)
    waits: list[float] = []
    res = pull(ws, server, token=None, sleep=waits.append)
    assert waits == [42.0]  # once, before the request after the lookup
    assert res.fetched == {"statuses": 5}


def test_401_is_a_clear_error_and_the_store_is_unchanged(server, make_ws):
    ws = make_ws()
    serve_first_pull(server)
    pull(ws, server)
    serve_second_pull(server)
    server.clear()  # the same, but the token is refused when mentions are asked for
    server.expect_request("/api/v1/accounts/lookup").respond_with_json(load("account.json"))
    server.expect_request(STATUSES).respond_with_json(load("statuses_new.json"))
    server.expect_request(NOTES).respond_with_json({"error": "The access token is invalid"}, status=401)
    before = snapshot(ws)
    with pytest.raises(ApiAuthError) as e:
        pull(ws, server, token="expired")
    assert "HTTP 401" in e.value.message and "The access token is invalid" in e.value.message
    assert "check the token" in (e.value.fix or "")
    assert "expired" not in str(e.value)  # never print the token
    assert snapshot(ws) == before  # the new status fetched before the 401 was not kept


def test_unknown_account_says_check_the_instance_and_account(server, make_ws):
    ws = make_ws()
    server.expect_request("/api/v1/accounts/lookup").respond_with_json({"error": "Record not found"}, status=404)
    with pytest.raises(ApiNotFoundError) as e:
        pull(ws, server)
    assert "Record not found" in e.value.message
    assert "check the instance URL and account" in (e.value.fix or "")


def test_unreachable_instance_is_a_network_error(make_ws):
    ws = make_ws()
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    waits: list[float] = []
    with pytest.raises(ApiNetworkError) as e:
        pull(ws, "", instance=f"http://127.0.0.1:{port}", sleep=waits.append)
    assert waits == [1.0, 2.0, 4.0, 8.0]
    assert "internet connection" in (e.value.fix or "")


@pytest.mark.parametrize("archive_first", [True, False])
def test_archive_and_api_merge_without_duplicates(server, make_ws, cli, status, archive_first):
    """The archive holds …003 (a Create) and …004 (an Announce): the same posts as the API's."""
    ws = make_ws()
    serve_first_pull(server)
    if archive_first:
        cli("import", "-w", ws, FIXTURES / "archive")
        assert status(ws)["platforms"]["mastodon"]["posts"] == 2
        pull(ws, server)
    else:
        pull(ws, server)
        cli("import", "-w", ws, FIXTURES / "archive")
    st = status(ws)["platforms"]["mastodon"]
    assert (st["posts"], st["reposts"]) == (5, 1)
    assert len(rows(ws, "SELECT * FROM accounts")) == 1
    assert rows(ws, f"SELECT count(*) AS n FROM post_metrics WHERE post_key = 'mastodon:{OURS}111000000000000003'") == [{"n": 1}]


def test_remap_maps_the_pulled_items_again(server, make_ws, cli):
    ws = make_ws()
    serve_first_pull(server)
    pull(ws, server)
    before = rows(ws, "SELECT * EXCLUDE (import_id) FROM posts ORDER BY post_key")
    res = cli("remap", "-w", ws)
    assert "re-mapped 1 import" in res.output
    assert rows(ws, "SELECT * EXCLUDE (import_id) FROM posts ORDER BY post_key") == before
    assert len(rows(ws, "SELECT * FROM interactions")) == 2


def test_cli_pull_and_nothing_new(server, make_ws, cli):
    ws = make_ws()
    serve_first_pull(server, notes=False)
    res = cli("pull", "mastodon", "--instance", server.url_for("/"), "--account", "@ourtheatre", "-w", ws)
    assert "fetched 5 statuses" in res.output and "posts 5 new" in res.output
    server.clear()
    server.expect_request("/api/v1/accounts/lookup").respond_with_json(load("account.json"))
    server.expect_request(STATUSES).respond_with_json([])
    res = cli("pull", "mastodon", "--instance", server.url_for("/"), "--account", "@ourtheatre", "-w", ws)
    assert "nothing new since the last pull" in res.output


def test_cli_error_names_the_fix(server, make_ws, cli):
    ws = make_ws()
    server.expect_request("/api/v1/accounts/lookup").respond_with_json({"error": "Record not found"}, status=404)
    res = cli("pull", "mastodon", "--instance", server.url_for("/"), "--account", "@nobody", "-w", ws, ok=False)
    assert res.exit_code == 1
    assert "HTTP 404" in res.output and "check the instance URL and account" in res.output
