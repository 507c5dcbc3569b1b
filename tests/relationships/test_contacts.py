"""How a message finds its counterpart when the target is not held: written straight into the
store (the real exports here have no Bluesky replies, no `/@name/` addresses and no X
archive reply to a tweet outside it)."""

from __future__ import annotations

from datetime import UTC, datetime

from smi.relationships import build_network
from smi.workspace import Workspace

WHEN = datetime(2025, 6, 1, 12, tzinfo=UTC)


def test_targets_outside_the_store(tmp_path):
    ws = Workspace.create(tmp_path / "ws", name="T", timezone="UTC")
    for plat, handle in (("bluesky", "us.bsky.social"), ("mastodon", "us@example.social"), ("x", "us")):
        ws.profile_file.add_account(plat, handle, True)
    ws.close()
    with Workspace.open(tmp_path / "ws") as ws:
        con = ws.store.con
        # someone known by DID (an account row from another import), someone not known at all
        con.execute("INSERT INTO accounts (account_id, platform, handle, native_id) VALUES "
                    "('bluesky:ann.example.org', 'bluesky', 'ann.example.org', 'did:plc:ann')")
        rows = [
            ("bluesky:1", "bluesky", "1", "bluesky:us.bsky.social", "reply", "at://did:plc:ann/app.bsky.feed.post/9", None),
            ("bluesky:2", "bluesky", "2", "bluesky:us.bsky.social", "reply", "at://did:plc:bob/app.bsky.feed.post/8", None),
            ("mastodon:3", "mastodon", "3", "mastodon:us@example.social", "reply", "https://other.social/@Cat/123", None),
            ("x:4", "x", "4", "x:us", "reply", "555", '{"reply_to_handle": "Dewi"}'),
            ("x:5", "x", "5", "x:us", "quote", None, '{"quoted_status_id": "777"}'),  # unknown author: nobody
        ]
        con.executemany("INSERT INTO posts (post_key, platform, native_id, account_id, published_at, kind, "
                        "in_reply_to, extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [(k, p, n, a, WHEN, kind, t, e) for k, p, n, a, kind, t, e in rows])
        net = build_network(ws.store, ws.profile)
    edges = {(e["source"], e["target"]): (e["weight"], e["kinds"]) for e in net.as_json()["edges"]}
    assert edges == {
        ("@us.bsky.social", "@ann.example.org"): (1, ["reply"]),  # the DID's account
        ("@us.bsky.social", "did:plc:bob"): (1, ["reply"]),  # only a DID: kept as it is
        ("@us@example.social", "@cat@other.social"): (1, ["reply"]),
        ("@us", "@dewi"): (1, ["reply"]),
    }


def test_the_same_handle_on_two_platforms_keeps_ids_and_holders_apart(tmp_path):
    ws = Workspace.create(tmp_path / "ws", name="T", timezone="UTC")
    ws.profile_file.add_account("x", "theatr", True)
    ws.profile_file.add_account("bluesky", "theatr", True)
    ws.close()
    with Workspace.open(tmp_path / "ws") as ws:
        ws.store.con.executemany(
            "INSERT INTO posts (post_key, platform, native_id, account_id, published_at, kind, mentions) "
            "VALUES (?, ?, ?, ?, ?, 'original', ?)",
            [("x:1", "x", "1", "x:theatr", WHEN, ["ann"]), ("bluesky:2", "bluesky", "2", "bluesky:theatr", WHEN, ["ann"]),
             ("x:3", "x", "3", "x:theatr", WHEN, ["bob"])])
        net = build_network(ws.store, ws.profile)
    nodes = {n["id"]: n for n in net.as_json()["nodes"]}
    # @theatr and @ann exist on both platforms: both take the platform prefix; @bob only on X
    assert set(nodes) == {"x:@theatr", "bluesky:@theatr", "x:@ann", "bluesky:@ann", "@bob"}
    assert nodes["x:@ann"]["holders"] == ["x:@theatr"] and nodes["bluesky:@ann"]["holders"] == ["bluesky:@theatr"]
    assert nodes["@bob"]["holders"] == ["x:@theatr"]
    # edges in order of the (prefixed) ids
    assert [(e["source"], e["target"]) for e in net.as_json()["edges"]] == [
        ("bluesky:@theatr", "bluesky:@ann"), ("x:@theatr", "@bob"), ("x:@theatr", "x:@ann")]


def test_messages_tied_to_no_holder_are_counted(tmp_path):
    """Five messages from others on X, counted by hand: a reply on the official post (held by
    it), a mention naming @theatr (held), one with no handle (the platform's one official
    account holds it), one naming only @elsewhere (nobody's), one answering an unknown post
    and naming nobody held but @elsewhere too (nobody's): 2 unattributed, 3 edges."""
    ws = Workspace.create(tmp_path / "ws", name="T", timezone="UTC")
    ws.profile_file.add_account("x", "theatr", True)
    ws.close()
    with Workspace.open(tmp_path / "ws") as ws:
        con = ws.store.con
        con.execute("INSERT INTO posts (post_key, platform, native_id, account_id, published_at, kind) "
                    "VALUES ('x:1', 'x', '1', 'x:theatr', ?, 'original')", [WHEN])
        rows = [("10", "reply", "x:1", None, "ann", "lovely"), ("11", "mention", None, None, "bob", "hi @theatr"),
                ("12", "message", None, None, "cat", "tickets please"),
                ("13", "mention", None, None, "dai", "@elsewhere look"),
                ("14", "reply", None, "999", "eve", "@elsewhere agreed")]
        con.executemany("INSERT INTO interactions (interaction_key, platform, native_id, kind, post_key, in_reply_to, "
                        "author, from_organisation, created_at, text) VALUES (?, 'x', ?, ?, ?, ?, ?, FALSE, ?, ?)",
                        [(f"x:{n}", n, k, p, r, a, WHEN, t) for n, k, p, r, a, t in rows])
        net = build_network(ws.store, ws.profile)
    assert net.unattributed == 2
    assert sorted(e["target"] for e in net.as_json()["edges"]) == ["@ann", "@bob", "@cat"]


def test_an_empty_handle_is_no_counterpart(tmp_path):
    """A message whose author is written "@" alone (or blank) has no counterpart: dropped,
    neither an edge nor unattributed (it answers a held post). Written by hand: two replies
    on the official post, from "@" and from "@Ann"; one message from " @ " naming @theatr."""
    ws = Workspace.create(tmp_path / "ws", name="T", timezone="UTC")
    ws.profile_file.add_account("x", "theatr", True)
    ws.close()
    with Workspace.open(tmp_path / "ws") as ws:
        con = ws.store.con
        con.execute("INSERT INTO posts (post_key, platform, native_id, account_id, published_at, kind) "
                    "VALUES ('x:1', 'x', '1', 'x:theatr', ?, 'original')", [WHEN])
        rows = [("10", "reply", "x:1", "@", "hi"), ("11", "reply", "x:1", "@Ann", "hello"),
                ("12", "mention", None, " @ ", "@theatr hi")]
        con.executemany("INSERT INTO interactions (interaction_key, platform, native_id, kind, post_key, "
                        "author, from_organisation, created_at, text) VALUES (?, 'x', ?, ?, ?, ?, FALSE, ?, ?)",
                        [(f"x:{n}", n, k, p, a, WHEN, t) for n, k, p, a, t in rows])
        net = build_network(ws.store, ws.profile)
    assert net.as_json()["edges"] == [{"source": "@theatr", "target": "@ann", "weight": 1, "kinds": ["reply"]}]
    assert net.unattributed == 0
