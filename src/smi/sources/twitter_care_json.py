"""Twitter customer-care conversations in IBM's JSON layout (`train.json`, `dev.json`,
`test.json` of "Twitter Conversations for Conversational Document Prediction", Ganhotra et
al., EMNLP 2020), or any file in that layout.

The file is a JSON array of conversations:

    {"dialogHeader": {"company", "conversationDateTime", "duration", "messageCount", "sessionID"},
     "dialogContent": [{"client"|"agent": <screen name>, "datetime", "message", "tweet_ID"}, …],
     "agentURL": {"tweet_ID", "url", "url_utterance", "turn", "doc_id"}}

The speaker's role is the key that holds the screen name: `agent` is the company's support
account, `client` (also `client1`, `client2`, … when another customer joins) a customer.
`agentURL` is the agent's last turn (it sends a help document) and has no time: its time is
read from its tweet id (a Twitter "snowflake" id carries its creation time to the
millisecond; for every other message it agrees with `datetime`). `duration` is not used:
in the real files it is sometimes negative or malformed.

Mapping: `in_reply_to` is the message before it in the conversation (the file gives the
order, not the reply targets). A customer's message is an interaction `x:<tweet_ID>` with
`from_organisation` false: the first of a conversation a `mention`, the rest `reply`. The
agent's messages are the company's own tweets: posts of the agent's account `x:<agent>`, of
kind `reply` (`original` if one opened a conversation), so the `replies` metric counts them
and the service metrics read them as the answers. A tweet found in several conversations is
imported once (its first place). The company, session id and document URL are kept in
`extra`. No metrics.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson

from smi.canonical import post_key
from smi.errors import SourceError
from smi.platforms import account_id
from smi.sources.base import ImportContext, Source, Unit, register
from smi.sources.files import InputFile, read_whole

PLATFORM = "x"
FIX = "give the conversations file (e.g. dev.json) as published, a JSON array of conversations"
_TWITTER_EPOCH_MS = 1288834974657


class _Bad(Exception):
    def __init__(self, where: str, field: str, problem: str, expected: str) -> None:
        super().__init__(problem)
        self.where, self.field, self.problem, self.expected = where, field, problem, expected


@register
class TwitterCareJson(Source):
    name = "twitter_care_json"
    title = "Twitter customer-care conversations (IBM JSON)"
    platform = PLATFORM
    provides = ("interactions", "posts", "accounts")
    # canonical columns it fills (metrics/availability.py): the conversations, the agents'
    # answers as reply posts of the brand's account; no counts
    fills = (
        "interactions.kind", "interactions.in_reply_to", "interactions.author",
        "interactions.from_organisation", "interactions.created_at", "interactions.text",
        "posts.account_id", "posts.published_at", "posts.kind", "posts.replies", "posts.text", "posts.in_reply_to",
    )
    reads = "a JSON array of conversations with dialogHeader, dialogContent and agentURL (e.g. dev.json)"
    priority = 40

    def __init__(self) -> None:
        self._seen: set[str] = set()
        self._agents: set[str] = set()

    def detect(self, file: InputFile) -> bool:
        if not file.basename.lower().endswith(".json"):
            return False
        head = file.head_text().lstrip()
        return head.startswith("[") and '"dialogContent"' in head[:8192] and (
            '"dialogHeader"' in head or '"agentURL"' in head)

    def read(self, unit: Unit, ctx: ImportContext) -> None:
        self._seen = set()
        self._agents = set()
        for file in unit.files:
            with ctx.open(file) as stream:
                data = read_whole(stream, file.name, "a conversations file")
            try:
                value = orjson.loads(data)
            except orjson.JSONDecodeError as e:
                raise SourceError(file.name, f"is not valid JSON ({e.msg})",
                                  record=f"line {e.lineno:,}, column {e.colno}", fix=FIX) from None
            if not isinstance(value, list):
                raise SourceError(file.name, "does not hold a list of conversations",
                                  expected="a JSON array", fix=FIX)
            for n, conv in enumerate(value, start=1):
                session = _session(conv)
                where = f"conversation {n:,}" + (f" (sessionID {session})" if session else "")
                try:
                    rows = _map(conv, where)
                except _Bad as e:
                    raise SourceError(file.name, e.problem, record=e.where, field=e.field,
                                      expected=e.expected, fix=FIX) from None
                ctx.raw("conversation", session, conv)
                self._emit(rows, ctx)

    def map_item(self, kind: str, item: dict[str, Any], ctx: ImportContext) -> None:
        if kind != "conversation":
            raise SourceError("kept item", f"is of kind '{kind}', which {self.name} does not map")
        session = _session(item)
        try:
            rows = _map(item, f"conversation {session}")
        except _Bad as e:
            raise SourceError("kept conversation", e.problem, record=e.where, field=e.field,
                              expected=e.expected) from None
        self._emit(rows, ctx)

    def _emit(self, rows: list[dict[str, Any]], ctx: ImportContext) -> None:
        for row in rows:
            if row["native_id"] in self._seen:
                continue
            self._seen.add(row["native_id"])
            if not row["from_organisation"]:
                ctx.emit("interactions", row)
                continue
            author = row["author"]
            acct = account_id(PLATFORM, author) if author else None
            if acct is not None and acct not in self._agents:
                self._agents.add(acct)
                ctx.emit("accounts", {"account_id": acct, "platform": PLATFORM, "handle": acct.split(":", 1)[1],
                                      "display_name": author, "native_id": None})
            ctx.emit("posts", {
                "post_key": row["interaction_key"], "platform": PLATFORM, "native_id": row["native_id"],
                "account_id": acct, "published_at": row["created_at"],
                "kind": "reply" if row["in_reply_to"] else "original", "format": None,
                "text": row["text"], "language": None, "url": None, "in_reply_to": row["in_reply_to"],
                "hashtags": None, "mentions": None, "links": None, "labels": None, "extra": row["extra"],
            })


def _session(conv: Any) -> str | None:
    head = conv.get("dialogHeader") if isinstance(conv, dict) else None
    sid = head.get("sessionID") if isinstance(head, dict) else None
    return str(sid) if sid is not None else None


def _tweet_id(value: Any, where: str, field: str) -> str:
    tid = str(value) if isinstance(value, (str, int)) else ""
    if not tid.isdigit():
        raise _Bad(where, field, "is missing" if value is None else f"{value!r} is not a tweet id",
                   "a tweet id such as \"1245403438755852288\"")
    return tid


def _map(conv: Any, where: str) -> list[dict[str, Any]]:
    if not isinstance(conv, dict):
        raise _Bad(where, "dialogContent", "is not a conversation object", "{\"dialogContent\": [...], ...}")
    header = conv.get("dialogHeader") if isinstance(conv.get("dialogHeader"), dict) else {}
    company = header.get("company")
    content = conv.get("dialogContent")
    if not isinstance(content, list):
        raise _Bad(where, "dialogContent", "is missing" if content is None else "is not a list",
                   "a list of messages")
    rows: list[dict[str, Any]] = []
    previous: str | None = None
    extra_base: dict[str, Any] = {"conversation": _session(conv), "company": company}
    for k, msg in enumerate(content, start=1):
        at = f"{where}, message {k}"
        if not isinstance(msg, dict):
            raise _Bad(at, "dialogContent", "is not a message object", "{\"client\": ..., \"datetime\": ...}")
        roles = [key for key in msg if key == "agent" or key.startswith("client")]
        if len(roles) != 1:
            raise _Bad(at, "client/agent", "names no speaker" if not roles else "names two speakers",
                       "one key 'client' or 'agent' holding the screen name")
        role = roles[0]
        tid = _tweet_id(msg.get("tweet_ID"), at, "tweet_ID")
        when = msg.get("datetime")
        try:
            created = datetime.fromisoformat(when.replace("Z", "+00:00")) if isinstance(when, str) else None
        except ValueError:
            created = None
        if created is None or created.tzinfo is None:
            raise _Bad(at, "datetime", "is missing" if when is None else f"{when!r} is not a time",
                       "ISO 8601 with a zone, e.g. \"2020-02-25T17:40:50.000Z\"")
        rows.append(_row(tid, role == "agent", msg.get(role), created.astimezone(UTC), msg.get("message"),
                         previous, k == 1, {**extra_base, "role": role}))
        previous = tid
    url = conv.get("agentURL")
    if isinstance(url, dict) and url.get("tweet_ID") is not None:
        at = f"{where}, agentURL"
        tid = _tweet_id(url.get("tweet_ID"), at, "tweet_ID")
        created = datetime.fromtimestamp(((int(tid) >> 22) + _TWITTER_EPOCH_MS) / 1000, UTC)
        extra = {**extra_base, "role": "agent", "url": url.get("url"), "doc_id": url.get("doc_id"),
                 "time_from": "tweet id"}
        rows.append(_row(tid, True, company, created, url.get("url_utterance"), previous, not rows, extra))
    return rows


def _row(tid: str, agent: bool, author: Any, created: datetime, text: Any, previous: str | None,
         first: bool, extra: dict[str, Any]) -> dict[str, Any]:
    return {
        "interaction_key": post_key(PLATFORM, tid), "platform": PLATFORM, "native_id": tid,
        "kind": "mention" if first else "reply", "post_key": None, "in_reply_to": previous,
        "author": str(author) if author is not None else None, "from_organisation": agent,
        "created_at": created, "text": text if isinstance(text, str) else None, "language": None,
        "extra": orjson.dumps({k: v for k, v in extra.items() if v is not None}).decode(),
    }
