"""Purposes from the profile's rules: the order of the rules, and counts on real exports
against independent code over the raw files (csv and json alone, not smi's importers)."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter

import pytest

from smi.profile import Profile
from smi.purposes import classify, rules
from smi.workspace import Workspace


def _profile(purposes: dict) -> Profile:
    return Profile.model_validate({"organisation": {"name": "T"}, "purposes": purposes})


RULES = _profile({
    "promote": {"domains": ["ticketsource.co.uk"], "hashtags": ["WhatsOn"], "words": ["book now"]},
    "serve": {"words": ["refund", "help"], "labels": ["care"]},
    "develop products": {"hashtags": ["survey"]},
    "collaborate": {"handles": ["x:@TheatreWales"]},
})


@pytest.mark.parametrize(("item", "purpose"), [
    ({"text": "Book now for Friday"}, "promote"),
    ({"text": "We can help with that"}, "serve customers"),
    ({"text": "This was helpful"}, "other"),  # whole words only
    ({"text": "Tickets", "links": ["https://www.ticketsource.co.uk/theatr"]}, "promote"),
    ({"text": "Tickets", "links": ["https://shop.ticketsource.co.uk/x"]}, "promote"),  # a subdomain
    ({"text": "Tickets", "links": ["https://notticketsource.co.uk/x"]}, "other"),
    ({"text": "Tell us #survey", "hashtags": []}, "develop products"),  # #tag in the text
    # a step beats the ones after it: handles before words, labels before handles
    ({"text": "help", "mentions": ["theatrewales"], "platform": "x"}, "collaborate"),
    ({"text": "help", "mentions": ["theatrewales"], "platform": "x", "labels": ["promote"]}, "promote"),
    ({"text": "x", "labels": ["Care"]}, "serve customers"),
    ({"text": "hi", "author": "TheatreWales", "platform": "x"}, "collaborate"),  # an interaction's author
    ({"text": "hi", "author": "TheatreWales", "platform": "mastodon"}, "other"),  # another platform
    # within one step, the order of smi.profile.PURPOSES: promote before serve customers
    ({"text": "help: book now"}, "promote"),
    ({"text": None}, "other"),
])
def test_rule_order(item, purpose):
    assert classify(item, rules(RULES)) == purpose


def test_a_purpose_the_rules_cannot_give_is_refused():
    with pytest.raises(ValueError, match="not a purpose"):
        _profile({"sell": {"words": ["x"]}})
    with pytest.raises(ValueError, match="given twice"):
        _profile({"serve": {"words": ["x"]}, "serve customers": {"words": ["y"]}})


def test_twcs_words_against_the_csv(tmp_path, real, cli):
    path = real("twcs-sample-first5000", "twcs_first5000.csv")
    ws = tmp_path / "ws"
    cli("init", ws, "--name", "t", "--timezone", "UTC")
    cli("import", "--no-enrich", "-w", ws, path)
    with open(ws / "workspace.toml", "a", encoding="utf-8") as f:
        f.write('\n[purposes.promote]\nwords = ["deal", "offer"]\n[purposes.serve]\nwords = ["DM", "sorry", "help"]\n')
    cli("purposes", "apply", "-w", ws)
    # independent: whole words, any case; promote's words first (the order of the purposes)
    promote = re.compile(r"(?<!\w)(deal|offer)(?!\w)", re.I)
    serve = re.compile(r"(?<!\w)(dm|sorry|help)(?!\w)", re.I)
    want: dict[str, Counter] = {"posts": Counter(), "interactions": Counter()}
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            table = "interactions" if r["inbound"] == "True" else "posts"
            text = r["text"]
            want[table]["promote" if promote.search(text) else "serve customers" if serve.search(text) else "other"] += 1
    with Workspace.open(ws) as w:
        got = {t: Counter({r["purpose"]: r["n"] for r in w.store.rows(
            f"SELECT purpose, count(*) AS n FROM {t} GROUP BY 1")}) for t in ("posts", "interactions")}
    assert got == want
    assert want["posts"]["serve customers"] > 500  # brands answer with "DM us", "sorry", "help"
    # a second run changes nothing
    assert "0 changed" in cli("purposes", "apply", "-w", ws).stdout


def test_mastodon_hashtags_and_partners_against_the_outbox(tmp_path, real, cli):
    folder = real("mastodon-archive-dealingwith")
    ws = tmp_path / "ws"
    cli("init", ws, "--name", "m", "--timezone", "UTC")
    cli("import", "--no-enrich", "-w", ws, folder)
    with open(ws / "workspace.toml", "a", encoding="utf-8") as f:
        f.write('\n[purposes.promote]\nhashtags = ["caturday", "cats"]\n'
                '[purposes.collaborate]\nhandles = ["mastodon:@mcg@social.lol"]\n')
    cli("purposes", "apply", "-w", ws)
    # independent: Create objects; a Mention of mcg (href) first, then the Hashtag tags
    pairs = json.loads((folder / "outbox.json").read_text(encoding="utf-8"), object_pairs_hook=lambda p: p)
    items = [dict(i) for k, v in pairs if k == "orderedItems" for i in v]
    want: Counter = Counter()
    for it in items:
        if it["type"] != "Create":
            want["other"] += 1  # a boost: no text, no tags
            continue
        tags = [dict(t) for t in dict(it["object"]).get("tag") or []]
        if any(t.get("type") == "Mention" and t.get("href") == "https://social.lol/users/mcg" for t in tags):
            want["collaborate"] += 1
        elif any(t.get("type") == "Hashtag" and t["name"].lower() in ("#caturday", "#cats") for t in tags):
            want["promote"] += 1
        else:
            want["other"] += 1
    with Workspace.open(ws) as w:
        got = Counter({r["purpose"]: r["n"] for r in w.store.rows("SELECT purpose, count(*) AS n FROM posts GROUP BY 1")})
    assert got == want
    assert want["promote"] >= 14  # #caturday alone tags 14 posts (grep -o '"#caturday"' counts them)
    doc = json.loads(cli("purposes", "show", "--month", "2024-06", "--format", "json", "-w", ws).stdout)
    assert [r["purpose"] for r in doc["purposes"]] == ["promote", "serve customers", "develop products",
                                                       "collaborate", "other"]
    assert all(r["engagements"] is None for r in doc["purposes"])  # an archive has no numbers: not 0
