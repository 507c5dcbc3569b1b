"""Questions counted by conversation, beside the per-item counts, on the real IBM
Twitter-care file (every conversation ends with the agent's answer) and the twcs sample.

Per item, an inbound question is answered only by an organisation reply to that very item;
by conversation, the organisation answered if it wrote in the conversation at or after the
question. The expected numbers are computed here again from the raw files with json/csv
and plain dicts (no smi code but the question rule itself)."""

from __future__ import annotations

import csv
import html
import json
from datetime import UTC, datetime

import pytest

from smi.enrich.questions import is_question
from smi.importer import run_import
from smi.metrics import Period, get
from smi.workspace import Workspace

NAMES = ("inbound_questions", "unanswered_questions", "question_conversations", "answered_question_conversations")


def metric_values(ws: Workspace, period: Period) -> dict[str, int]:
    return {n: get(n).build(ws.store.ibis(), period, ()).to_pyarrow().to_pylist()[0]["value"] for n in NAMES}


def by_hand(parent: dict[str, str | None], when: dict[str, datetime], org: dict[str, bool],
            text: dict[str, str]) -> dict[str, int]:
    """parent: each interaction's in_reply_to (None, or an id that may not be an interaction)."""
    def root(i: str) -> str:
        while parent[i] is not None and parent[i] in parent:
            i = parent[i]  # type: ignore[assignment]
        return i

    questions = [i for i in parent if not org[i] and is_question(text[i])]
    org_times: dict[str, list[datetime]] = {}
    for i in parent:
        if org[i]:
            org_times.setdefault(root(i), []).append(when[i])
    replied = {parent[i] for i in parent if org[i] and parent[i] in when and when[i] >= when[parent[i]]}
    return {
        "inbound_questions": len(questions),
        "unanswered_questions": sum(1 for i in questions if i not in replied),
        "question_conversations": len({root(i) for i in questions}),
        "answered_question_conversations": len({root(i) for i in questions
                                                if any(w >= when[i] for w in org_times.get(root(i), []))}),
    }


def test_twitter_care_answered_by_conversation(tmp_path, real):
    files = [real("customer-service-ibm-twitter-care", f"{n}.json") for n in ("dev", "test")]
    parent: dict[str, str | None] = {}
    when: dict[str, datetime] = {}
    org: dict[str, bool] = {}
    text: dict[str, str] = {}
    for f in files:
        for conv in json.loads(f.read_text(encoding="utf-8")):
            msgs = [(m["tweet_ID"], "agent" in m, datetime.fromisoformat(m["datetime"].replace("Z", "+00:00")),
                     m["message"]) for m in conv["dialogContent"]]
            u = conv["agentURL"]  # the agent's closing turn: its time is in its tweet id
            msgs.append((u["tweet_ID"], True,
                         datetime.fromtimestamp(((int(u["tweet_ID"]) >> 22) + 1288834974657) / 1000, UTC),
                         u["url_utterance"]))
            prev = None
            for tid, agent, at, tx in msgs:
                if tid not in parent:  # a tweet in two conversations counts once, at its first place
                    parent[tid], when[tid], org[tid], text[tid] = prev, at, agent, tx
                prev = tid
    want = by_hand(parent, when, org, text)
    # Every conversation ends with the agent: each conversation with a question is answered,
    # while per item some questions (a client's earlier message, before the agent's turn)
    # have no reply of their own.
    assert want["question_conversations"] == want["answered_question_conversations"] > 400
    assert want["unanswered_questions"] > 0

    ws = Workspace.create(tmp_path / "ws", name="care", timezone="UTC")
    assert not run_import(ws, files).failed
    assert metric_values(ws, Period.between("2018-01-01", "2020-12-31", "UTC")) == want
    ws.close()


def test_twcs_answered_by_conversation(tmp_path, real):
    path = real("twcs-sample-first5000", "twcs_first5000.csv")
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))

    def t(s: str) -> datetime:
        return datetime.strptime(s, "%a %b %d %H:%M:%S %z %Y")

    # Interactions: customer tweets and brand tweets answering something (a brand tweet
    # answering nothing is the brand's post, docs/formats.md).
    inter = [r for r in rows if r["inbound"] == "True" or r["in_response_to_tweet_id"]]
    parent = {r["tweet_id"]: (r["in_response_to_tweet_id"] or None) for r in inter}
    when = {r["tweet_id"]: t(r["created_at"]) for r in inter}
    org = {r["tweet_id"]: r["inbound"] == "False" for r in inter}
    text = {r["tweet_id"]: html.unescape(r["text"]) for r in inter}
    want = by_hand(parent, when, org, text)
    assert want["answered_question_conversations"] < want["question_conversations"] < want["inbound_questions"]

    ws = Workspace.create(tmp_path / "ws", name="twcs", timezone="America/New_York")
    assert not run_import(ws, [path]).failed
    assert metric_values(ws, Period.between("2011-01-01", "2017-12-31", "America/New_York")) == want
    ws.close()


@pytest.mark.parametrize("rounds", [1, 3])
def test_roots_of_chains_deeper_than_the_rounds_reach_are_cut(rounds, monkeypatch, tmp_path):
    """A chain of 10 messages: with 2**rounds < 9 jumps the first messages' root is not found,
    so the cut is a documented limit (ROOT_ROUNDS), not a silent error at the default."""
    import ibis

    from smi.metrics import service

    monkeypatch.setattr(service, "ROOT_ROUNDS", rounds)
    ids = [str(n) for n in range(10)]
    t = ibis.memtable({"platform": ["x"] * 10, "native_id": ids, "in_reply_to": [None, *ids[:-1]]})
    no_posts = ibis.memtable({"platform": ["x"], "native_id": ["p"], "in_reply_to": ["q"], "kind": ["original"]})

    class Con:
        def table(self, name):
            return t if name == "interactions" else no_posts

    roots = ibis.duckdb.connect().to_pyarrow(service.conversation_roots(Con())).to_pylist()
    got = {r["_id"]: r["_conv"] for r in roots}
    reach = 2 ** rounds  # each round doubles how far up the chain a message sees
    assert got == {i: str(max(0, int(i) - reach)) for i in ids}
