"""The relationship network on real reply networks, against independent counts from the files.

Each expected network here is computed from the raw file with json or csv alone (not smi's
importers or SQL), by the definition in smi.relationships.network: an edge joins one of the
organisation's accounts and another handle; its weight is the number of distinct messages
between them (a message replying to and mentioning the same person counts once), its kinds
the kinds of those messages.

- Mastodon archive (@dealingwith@indieweb.social, the official account: its own export):
  Create activities give `reply` (the author of `object.inReplyTo`, `https://HOST/users/NAME/…`
  is NAME@HOST) and `mention` (Mention tags' `name`; a bare `@name` is on the host of `href`); Announce activities give `repost` (the
  author of the boosted status's address). Replies to its own posts are no contact.
- twcs sample (76 brands, official: their own export): a brand tweet answering a customer's
  tweet is a `reply` to that customer; a customer tweet answering a brand tweet is a `reply`
  to that brand; a customer tweet answering nothing in the file names the brands it talks to
  by `@handle` (`mention` when it answers nothing, `reply` when it answers a tweet that is not
  a brand's or is missing).
- Bluesky sample: nobody's own export; one author is declared a member of staff, so the
  handles their posts mention (the `@handle.domain` words of the text) are their contacts.
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from urllib.parse import urlparse

import pytest

from smi.relationships import build_network
from smi.workspace import Workspace

MASTODON = "mastodon-archive-dealingwith"
ME = "dealingwith@indieweb.social"


def _edges(net) -> dict[tuple[str, str], tuple[int, list[str]]]:
    j = net.as_json()
    return {(e["source"], e["target"]): (e["weight"], e["kinds"]) for e in j["edges"]}


def _author_of(url: str) -> str | None:
    u = urlparse(url)
    parts = u.path.strip("/").split("/")
    if len(parts) >= 2 and parts[0] == "users":
        return f"{parts[1]}@{u.hostname}".lower()
    if parts and parts[0].startswith("@"):
        return f"{parts[0][1:]}@{u.hostname}".lower()
    return None


def _mastodon_expected(folder) -> dict[tuple[str, str], tuple[int, list[str]]]:
    pairs = json.loads((folder / "outbox.json").read_text(encoding="utf-8"), object_pairs_hook=lambda p: p)
    items = [dict(i) for k, v in pairs if k == "orderedItems" for i in v]  # the duplicate key: both lists
    weight: dict[str, int] = defaultdict(int)
    kinds: dict[str, set[str]] = defaultdict(set)
    for it in items:
        linked: dict[str, set[str]] = defaultdict(set)
        obj = it["object"]
        if it["type"] == "Announce":
            who = _author_of(obj if isinstance(obj, str) else dict(obj)["id"])
            if who:
                linked[who].add("repost")
        elif it["type"] == "Create":
            o = dict(obj)
            if o.get("inReplyTo"):
                who = _author_of(o["inReplyTo"])
                if who:
                    linked[who].add("reply")
            for t in o.get("tag") or []:
                t = dict(t)
                if t.get("type") == "Mention":
                    # "@name@host", or "@name" alone for the same instance's users (host: href)
                    name = t["name"].lstrip("@").lower()
                    if "@" not in name:
                        name = f"{name}@{urlparse(t['href']).hostname}"
                    linked[name].add("mention")
        linked.pop(ME, None)
        for who, ks in linked.items():
            weight[who] += 1
            kinds[who] |= ks
    return {("@" + ME, "@" + w): (n, sorted(kinds[w])) for w, n in weight.items()}


@pytest.fixture(scope="module")
def mastodon_ws(tmp_path_factory):
    from tests.conftest import shared_path

    folder = shared_path(MASTODON)
    path = tmp_path_factory.mktemp("mast") / "ws"
    ws = Workspace.create(path, name="M", timezone="UTC")
    ws.close()
    from typer.testing import CliRunner

    from smi.cli import app

    r = CliRunner().invoke(app, ["import", "--no-enrich", "-w", str(path), str(folder)])
    assert r.exit_code == 0, r.output
    return path, folder


def test_mastodon_archive_network_matches_the_outbox(mastodon_ws):
    path, folder = mastodon_ws
    expected = _mastodon_expected(folder)
    with Workspace.open(path) as ws:
        net = build_network(ws.store, ws.profile)
    got = _edges(net)
    # a few edges counted by hand with grep over outbox.json as well:
    #   grep -o 'https://social.lol/users/mcg[^"]*"' …, Mention names "@mcg@social.lol"
    assert expected[("@" + ME, "@mcg@social.lol")] == got[("@" + ME, "@mcg@social.lol")]
    assert got == expected
    nodes = {n["id"]: n for n in net.as_json()["nodes"]}
    assert nodes["@" + ME]["group"] == "official"
    assert nodes["@mcg@social.lol"]["holders"] == ["@" + ME]
    assert len(nodes) == len(expected) + 1
    assert net.single_holder() == []  # held by the official account, not by one person


def test_mastodon_month_keeps_the_months_messages(mastodon_ws):
    path, folder = mastodon_ws
    pairs = json.loads((folder / "outbox.json").read_text(encoding="utf-8"), object_pairs_hook=lambda p: p)
    items = [dict(i) for k, v in pairs if k == "orderedItems" for i in v]
    n_dec = sum(1 for it in items if it["published"].startswith("2022-12"))
    with Workspace.open(path) as ws:
        dec = build_network(ws.store, ws.profile, "2022-12")
        everything = build_network(ws.store, ws.profile)
    assert 0 < sum(e.weight for e in dec.edges) <= n_dec
    for (s, t), (w, _) in _edges(dec).items():
        assert w <= _edges(everything)[(s, t)][0]


def test_a_staff_members_account_is_held_by_them(mastodon_ws, tmp_path):
    import shutil

    path, _ = mastodon_ws
    copy = tmp_path / "ws"
    shutil.copytree(path, copy)
    with Workspace.open(copy) as ws:
        ws.profile_file.add_person("Scott", [f"mastodon:@{ME}"], None, None, None)
    with Workspace.open(copy) as ws:
        net = build_network(ws.store, ws.profile)
    nodes = {n["id"]: n for n in net.as_json()["nodes"]}
    assert nodes["@" + ME]["group"] == "staff" and nodes["@" + ME]["label"] == "Scott"
    assert nodes["@mcg@social.lol"]["holders"] == ["Scott"]
    # every counterpart is held by Scott alone
    assert {n.id for n in net.single_holder()} == {t for (_, t) in _edges(net)}


def test_groups_from_the_profile(mastodon_ws, tmp_path):
    import shutil

    path, _ = mastodon_ws
    copy = tmp_path / "ws"
    shutil.copytree(path, copy)
    with Workspace.open(copy) as ws:
        ws.profile_file.add_group("friends", ["mastodon:@mcg@social.lol", "mastodon:@Kerouac666@mstdn.social"], "grow")
    with Workspace.open(copy) as ws:
        net = build_network(ws.store, ws.profile)
    nodes = {n["id"]: n for n in net.as_json()["nodes"]}
    assert nodes["@mcg@social.lol"]["group"] == "friends"
    assert nodes["@kerouac666@mstdn.social"]["group"] == "friends"
    assert sum(1 for n in nodes.values() if n["group"] == "friends") == 2


# -- twcs ---------------------------------------------------------------------------------------
TWCS = ("twcs-sample-first5000", "twcs_first5000.csv")


def _twcs_expected(path) -> dict[tuple[str, str], tuple[int, list[str]]]:
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    by_id = {r["tweet_id"]: r for r in rows}
    brands = {r["author_id"].lower() for r in rows if r["inbound"] == "False"}
    weight: dict[tuple[str, str], int] = defaultdict(int)
    kinds: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in rows:
        me = r["author_id"].lower()
        target = by_id.get(r["in_response_to_tweet_id"]) if r["in_response_to_tweet_id"] else None
        links: set[tuple[str, str]] = set()
        if r["inbound"] == "False":
            if target and target["author_id"].lower() not in brands:
                links.add((me, target["author_id"].lower()))
            kind = "reply"
        else:
            kind = "reply" if r["in_response_to_tweet_id"] else "mention"
            if target and target["inbound"] == "False":
                links.add((target["author_id"].lower(), me))
            else:
                named = {h.lower() for h in re.findall(r"@(\w+)", r["text"])}
                links |= {(b, me) for b in brands & named}
        for pair in links:
            weight[pair] += 1
            kinds[pair].add(kind)
    return {("@" + b, "@" + c): (n, sorted(kinds[(b, c)])) for (b, c), n in weight.items()}


def test_twcs_network_matches_the_csv(tmp_path, real, cli):
    path = real(*TWCS)
    ws_path = tmp_path / "ws"
    cli("init", ws_path, "--name", "twcs", "--timezone", "UTC")
    cli("import", "--no-enrich", "-w", ws_path, path)
    expected = _twcs_expected(path)
    with Workspace.open(ws_path) as ws:
        net = build_network(ws.store, ws.profile)
    got = _edges(net)
    # by hand (csv module, rows by author): @115712 wrote 10 tweets; 9 are to @sprintcare (2, 3,
    # 5, 1292, 1295, 3186 answer its tweets; 3185 answers 3186 and names @sprintcare; 8 and 1293
    # answer nothing and name @sprintcare: mentions); 3188 names only @116447: nobody's. And
    # @sprintcare answered 8 of them (1, 4, 6, 1291, 1294, 1296, 3184, 3187): 17 messages.
    assert got[("@sprintcare", "@115712")] == (17, ["mention", "reply"])
    assert got == expected
    assert list(got) == sorted(expected)  # edges in order of holder id, then counterpart id
    nodes = {n["id"]: n for n in net.as_json()["nodes"]}
    # a customer who talked with five supermarkets (tweet 7408's thread): five holders
    multi = [n for n in nodes.values() if len(n["holders"]) > 1]
    holders_expected = defaultdict(set)
    for (b, c) in expected:
        holders_expected[c].add(b)
    assert {n["id"]: sorted(n["holders"]) for n in multi} == {
        c: sorted(hs) for c, hs in holders_expected.items() if len(hs) > 1}


def test_twcs_json_and_gexf(tmp_path, real, cli):
    import networkx as nx

    ws_path = tmp_path / "ws"
    cli("init", ws_path, "--name", "twcs", "--timezone", "UTC")
    cli("import", "--no-enrich", "-w", ws_path, real(*TWCS))
    doc = json.loads(cli("network", "-w", ws_path, "--format", "json").stdout)
    assert set(doc) == {"nodes", "edges"}
    ids = {n["id"] for n in doc["nodes"]}
    assert all(e["source"] in ids and e["target"] in ids for e in doc["edges"])
    assert all(set(n) >= {"id", "label", "group", "holders"} for n in doc["nodes"])
    assert all(set(e) == {"source", "target", "weight", "kinds"} for e in doc["edges"])
    cli("export", "gexf", "--out", tmp_path / "out", "-w", ws_path)
    g = nx.read_gexf(tmp_path / "out" / "network.gexf")
    assert g.number_of_nodes() == len(doc["nodes"]) and g.number_of_edges() == len(doc["edges"])
    e = doc["edges"][0]
    assert int(g.edges[e["source"], e["target"]]["weight"]) == e["weight"]
    assert cli("network", "-w", ws_path, "--format", "yaml", ok=False).exit_code == 1


# -- Bluesky ------------------------------------------------------------------------------------
BLUESKY = ("bluesky-posts-nyc-health-search", "bluesky_posts.json")
STAFF = "miketowndrow.com"


def test_bluesky_staff_member_mentions(tmp_path, real, cli):
    path = real(*BLUESKY)
    posts = json.loads(path.read_text(encoding="utf-8"))
    # the staff member's distinct posts (the file lists some twice) and the handles they name
    theirs = {p["post_id"]: p["text"] for p in posts if p["author"] == STAFF}
    expected: dict[str, int] = defaultdict(int)
    for text in theirs.values():
        for h in {m.lower() for m in re.findall(r"@([\w-]+(?:\.[\w-]+)+)", text)}:
            expected[h] += 1
    # by hand: one post of theirs, naming three handles once each
    assert len(theirs) == 1
    assert expected == {"zohrankmamdani.bsky.social": 1, "sixoneindie.com": 1, "indiegameawards.gg": 1}
    ws_path = tmp_path / "ws"
    cli("init", ws_path, "--name", "b", "--timezone", "UTC")
    cli("import", "--no-enrich", "-w", ws_path, path)
    cli("people", "add", "Mike", "--handle", f"bluesky:@{STAFF}", "-w", ws_path)
    with Workspace.open(ws_path) as ws:
        net = build_network(ws.store, ws.profile)
    got = _edges(net)
    assert got == {("@" + STAFF, "@" + h): (n, ["mention"]) for h, n in expected.items()}
    assert {n.id for n in net.single_holder()} == {"@" + h for h in expected}
    assert all(n.holders == ["Mike"] for n in net.counterparts)


# -- IBM Twitter-care (customer-service conversations) ----------------------------------------
IBM = ("customer-service-ibm-twitter-care", "dev.json")
OURS = ("TeamYouTube", "AppleSupport")  # the two support accounts declared the organisation's


def _ibm_expected(path) -> dict[tuple[str, str], tuple[int, list[str]]]:
    """From the JSON alone: each tweet at its first place (file order); a message answers the
    one before it in its conversation. Our agent's tweet (its `agent` name; `agentURL`: the
    company) is a `reply` to the author of the message before it; a customer's tweet answering
    our agent's tweet is held by that agent; any other customer tweet is held by the accounts
    of ours its text names by @handle (kind: `mention` when it opens the conversation, else
    `reply`)."""
    ours = {o.lower() for o in OURS}
    seen: dict[str, tuple[str, bool, str | None, str, str]] = {}  # id -> (author, agent, previous, kind, text)
    for conv in json.loads(path.read_text(encoding="utf-8")):
        turns = []
        for k, msg in enumerate(conv["dialogContent"]):
            role = "agent" if "agent" in msg else next(r for r in msg if r.startswith("client"))
            turns.append((str(msg["tweet_ID"]), msg[role], role == "agent", msg["message"], k == 0))
        url = conv.get("agentURL")
        if url and url.get("tweet_ID") is not None:
            turns.append((str(url["tweet_ID"]), conv["dialogHeader"]["company"], True, url["url_utterance"], not turns))
        previous = None
        for tid, author, agent, text, first in turns:
            seen.setdefault(tid, (author.lower(), agent, previous, "mention" if first else "reply", text or ""))
            previous = tid
    weight: dict[tuple[str, str], int] = defaultdict(int)
    kinds: dict[tuple[str, str], set[str]] = defaultdict(set)
    for author, agent, previous, kind, text in seen.values():
        before = seen.get(previous) if previous else None
        links: set[tuple[str, str]] = set()
        if agent:
            if author in ours and before and before[0] not in ours:
                links.add((author, before[0]))
        elif before and before[1]:  # answers an agent's tweet: that agent's, or nobody's
            if before[0] in ours:
                links.add((before[0], author))
        else:
            links |= {(h, author) for h in ours & {m.lower() for m in re.findall(r"@(\w+)", text)}}
        for pair in links:
            if pair[1] not in ours:
                weight[pair] += 1
                kinds[pair].add(kind)
    return {("@" + h, "@" + c): (n, sorted(kinds[(h, c)])) for (h, c), n in weight.items()}


def test_ibm_customer_care_network_matches_the_json(tmp_path, real, cli):
    path = real(*IBM)
    ws_path = tmp_path / "ws"
    cli("init", ws_path, "--name", "care", "--timezone", "UTC")
    for handle in OURS:
        cli("accounts", "add", f"x:@{handle}", "-w", ws_path)
    cli("import", "--no-enrich", "-w", ws_path, path)
    expected = _ibm_expected(path)
    with Workspace.open(ws_path) as ws:
        net = build_network(ws.store, ws.profile)
    got = _edges(net)
    assert got == expected
    # 51 TeamYouTube and 30 AppleSupport conversations in dev.json (dialogHeader.company):
    # 50 and 32 customers, 173 messages
    assert len(got) == 82 and sum(w for w, _ in got.values()) == 173
    # by hand, the first conversation of dev.json: CinVakas writes to @TeamYouTube (a mention,
    # opening it) and TeamYouTube answers with the help link: 2 messages, both kinds
    assert got[("@teamyoutube", "@cinvakas")] == (2, ["mention", "reply"])
    nodes = {n["id"]: n for n in net.as_json()["nodes"]}
    assert nodes["@teamyoutube"]["group"] == "official" and nodes["@cinvakas"]["holders"] == ["@teamyoutube"]
    assert {len(n.holders) for n in net.counterparts} <= {1, 2}
    assert net.single_holder() == []  # official accounts, no member of staff
