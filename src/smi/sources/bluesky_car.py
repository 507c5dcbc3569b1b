"""Bluesky account repository export (`.car`: Settings > Account > Export my data, or
`com.atproto.sync.getRepo`).

A CAR v1 file of DAG-CBOR blocks (decoded with libipld): the root is the signed commit
(`did`, `data` = the root of the repository's Merkle Search Tree); the tree's keys are
`<collection>/<rkey>` and its values the records. smi walks the tree and maps:

- `app.bsky.feed.post` records -> posts, native id the AT-URI
  `at://<did>/app.bsky.feed.post/<rkey>`, post_key `bluesky:<AT-URI>` (as the Bluesky API
  client and the flat posts JSON importer write it);
- `app.bsky.feed.repost` records -> posts of kind `repost` (the reposted post's URI in extra);
- `app.bsky.actor.profile/self` -> the account's display name.

Mapping: `reply` -> kind reply, in_reply_to = the parent's AT-URI; an embedded record
(`app.bsky.embed.record`, or `recordWithMedia`) -> kind quote; format from the embed
(images -> image, video -> video, external -> link; else link if a facet links, else text).
Facets give mentions (the `@handle` as written in the text, else the DID), links and
hashtags (plus the record's own `tags`). `langs` is kept in extra as `platform_lang`
(language is left for detection). A repository holds no counts: no metrics are written.

The account: `--account`, else the one Bluesky account the workspace profile declares,
else the DID (a repository does not name its handle). Likes, follows, blocks and other
records are not read. Records are kept as JSON raw items (CID links as `{"$link": …}`).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import libipld
import orjson

from smi.canonical import post_key
from smi.errors import SourceError
from smi.platforms import account_id
from smi.sources import _bluesky, own_account
from smi.sources.base import ImportContext, Source, Unit, register
from smi.sources.files import InputFile

PLATFORM = "bluesky"
POST = "app.bsky.feed.post"
REPOST = "app.bsky.feed.repost"
PROFILE = "app.bsky.actor.profile"
_CBOR_SHA256 = b"\x01\x71\x12\x20"  # CIDv1, dag-cbor, sha2-256, 32 bytes
FIX = "export the repository again (Bluesky: Settings > Account > Export my data)"


class _Bad(Exception):
    def __init__(self, field: str, problem: str, expected: str | None = None) -> None:
        super().__init__(problem)
        self.field, self.problem, self.expected = field, problem, expected


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    """An unsigned LEB128 integer at `pos`: (value, next position). ValueError if cut."""
    value = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise ValueError("varint cut short")
        b = data[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, pos
        shift += 7


def _header(data: bytes) -> dict[str, Any] | None:
    try:
        n, pos = _varint(data, 0)
        if not 0 < n <= len(data) - pos:
            return None
        head = libipld.decode_dag_cbor(data[pos:pos + n])
    except (ValueError, RecursionError):
        return None
    return head if isinstance(head, dict) and head.get("version") == 1 and "roots" in head else None


@register
class BlueskyCar(Source):
    name = "bluesky_car"
    own_export = True  # its accounts are the organisation's unless the profile says
    title = "Bluesky repository export (.car)"
    platform = PLATFORM
    provides = ("accounts", "posts")
    # canonical columns it fills (metrics/availability.py); a repository holds no counts and no messages from others
    fills = (
        "posts.account_id", "posts.published_at", "posts.kind", "posts.replies", "posts.reposts", "posts.format", "posts.text",
        "posts.url", "posts.in_reply_to", "posts.hashtags", "posts.mentions", "posts.links",
    )
    reads = "repo.car (a Bluesky account's repository, CAR v1)"
    priority = 30

    def __init__(self) -> None:
        self._account = ""

    def detect(self, file: InputFile) -> bool:
        return _header(file.head()) is not None or (
            file.basename.lower().endswith(".car") and file.size > 0 and not file.head()[:1].isascii())

    def read(self, unit: Unit, ctx: ImportContext) -> None:
        file = unit.primary
        with ctx.open(file) as stream:
            data = stream.read()
        try:
            header, blocks = libipld.decode_car(data)
        except (ValueError, RecursionError) as e:
            raise _locate(file, data, str(e)) from None
        roots = header.get("roots") if isinstance(header, dict) else None
        if not roots or not isinstance(roots[0], bytes) or roots[0] not in blocks:
            raise SourceError(file.name, "has no commit block (the root is missing)", record="header",
                              field="roots", fix=FIX)
        commit = blocks[roots[0]]
        did = commit.get("did") if isinstance(commit, dict) else None
        if not isinstance(did, str) or not did.startswith("did:"):
            raise SourceError(file.name, "the commit does not name the account", record="commit block",
                              field="did", expected="did:plc:…", fix=FIX)
        if not isinstance(commit.get("data"), bytes):
            raise SourceError(file.name, "the commit has no record tree", record="commit block",
                              field="data", expected="a CID link", fix=FIX)
        display = None
        records: list[tuple[str, str, bytes]] = []
        try:
            for key, cid in _walk(blocks, commit["data"]):
                collection, _, rkey = key.partition("/")
                if collection in (POST, REPOST):
                    records.append((collection, rkey, cid))
                elif collection == PROFILE and rkey == "self":
                    prof = blocks.get(cid)
                    if isinstance(prof, dict) and isinstance(prof.get("displayName"), str):
                        display = prof["displayName"]
        except _Bad as e:
            raise SourceError(file.name, e.problem, record="record tree", field=e.field, fix=FIX) from None
        repo = {"did": did, "handle": own_account.resolve(PLATFORM, ctx, named=did, what="account"),
                "display_name": display}
        ctx.observed_from_file_time(file)
        ctx.raw("repo", did, repo)
        self.map_item("repo", repo, ctx)
        for n, (collection, rkey, cid) in enumerate(records, start=1):
            uri = f"at://{did}/{collection}/{rkey}"
            where = f"record {n:,} ({uri})"
            if cid not in blocks:
                raise SourceError(file.name, "its block is missing (the file is incomplete)", record=where,
                                  fix=FIX)
            item = {"uri": uri, "record": _json(blocks[cid])}
            try:
                self._post(item, ctx)
            except _Bad as e:
                raise SourceError(file.name, e.problem, record=where, field=e.field, expected=e.expected,
                                  fix=FIX) from None
            ctx.raw("record", uri, item)

    def map_item(self, kind: str, item: dict[str, Any], ctx: ImportContext) -> None:
        if kind == "repo":
            self._account = account_id(PLATFORM, item["handle"])
            ctx.emit("accounts", {"account_id": self._account, "platform": PLATFORM,
                                  "handle": self._account.split(":", 1)[1],
                                  "display_name": item.get("display_name"), "native_id": item["did"]})
        elif kind == "record":
            try:
                self._post(item, ctx)
            except _Bad as e:
                raise SourceError("kept record", e.problem, record=str(item.get("uri")), field=e.field,
                                  expected=e.expected) from None
        else:
            raise SourceError("kept item", f"is of kind '{kind}', which {self.name} does not map")

    def _post(self, item: dict[str, Any], ctx: ImportContext) -> None:
        uri, rec = item["uri"], item["record"]
        if not isinstance(rec, dict):
            raise _Bad("record", "is not a record object")
        created = _time(rec.get("createdAt"))
        did, collection, rkey = uri.removeprefix("at://").split("/", 2)
        account = self._account or account_id(PLATFORM, did)
        extra: dict[str, Any] = {}
        row: dict[str, Any] = {
            "post_key": post_key(PLATFORM, uri), "platform": PLATFORM, "native_id": uri,
            "account_id": account, "published_at": created, "language": None,
            "url": f"https://bsky.app/profile/{did}/post/{rkey}", "in_reply_to": None, "labels": None,
        }
        if collection == REPOST:
            subject = _ref(rec.get("subject"), "subject")
            extra["reposted"] = subject
            row.update(kind="repost", format=None, text=None, hashtags=[], mentions=[], links=[], url=None,
                       extra=orjson.dumps(extra).decode())
            ctx.emit("posts", row)
            return
        text = rec.get("text")
        if not isinstance(text, str):
            raise _Bad("text", "is missing" if text is None else "is not text", "the post's text")
        kind = "original"
        reply = rec.get("reply")
        if reply is not None:
            if not isinstance(reply, dict):
                raise _Bad("reply", "is not an object", "{\"root\": …, \"parent\": …}")
            kind = "reply"
            row["in_reply_to"] = _ref(reply.get("parent"), "reply.parent")
            extra["reply_root"] = _ref(reply.get("root"), "reply.root")
        mentions, links, tags = _bluesky.facets(rec.get("facets"), text)
        tags += [t for t in rec.get("tags") or [] if isinstance(t, str) and t not in tags]
        fmt, quoted = _bluesky.embed(rec.get("embed"))
        if quoted:
            extra["quoted"] = quoted
            if kind == "original":
                kind = "quote"
        if fmt is None:
            fmt = "link" if links else "text"
        langs = rec.get("langs")
        if isinstance(langs, list) and langs:
            extra["platform_lang"] = langs[0] if len(langs) == 1 else langs
        row.update(kind=kind, format=fmt, text=text, hashtags=tags, mentions=mentions, links=links,
                   extra=orjson.dumps(extra).decode() if extra else None)
        ctx.emit("posts", row)


def _walk(blocks: dict[bytes, Any], root: bytes) -> Iterator[tuple[str, bytes]]:
    """(key, record CID) for every entry of the Merkle Search Tree under `root`."""
    stack: list[Any] = [root]
    while stack:
        top = stack.pop()
        if isinstance(top, tuple):
            yield top
            continue
        node = blocks.get(top)
        if node is None:
            raise _Bad("data", "a tree node is missing (the file is incomplete)")
        if not isinstance(node, dict) or not isinstance(node.get("e"), list):
            raise _Bad("e", "a tree node is not a node", "{\"l\": …, \"e\": [...]}")
        out: list[Any] = []
        if isinstance(node.get("l"), bytes):
            out.append(node["l"])
        prev = b""
        for e in node["e"]:
            try:
                key = prev[: e["p"]] + e["k"]
                value = e["v"]
            except (KeyError, TypeError):
                raise _Bad("e", "a tree entry has no key or value", "{\"p\", \"k\", \"v\", \"t\"}") from None
            prev = key
            out.append((key.decode("utf-8", errors="replace"), value))
            if isinstance(e.get("t"), bytes):
                out.append(e["t"])
        stack.extend(reversed(out))


def _ref(value: Any, field: str) -> str:
    uri = value.get("uri") if isinstance(value, dict) else None
    if not isinstance(uri, str) or not uri.startswith("at://"):
        raise _Bad(field, "has no AT-URI", "{\"uri\": \"at://…\", \"cid\": …}")
    return uri


def _time(value: Any) -> datetime:
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else None
    except ValueError:
        dt = None
    if dt is None or dt.tzinfo is None:
        raise _Bad("createdAt", "is missing" if value is None else f"{value!r} is not a time with a zone",
                   "ISO 8601, e.g. \"2024-11-20T16:22:24.361Z\"")
    return dt.astimezone(UTC)


def _json(value: Any) -> Any:
    """A decoded record as JSON: CID links as {"$link": "bafy…"}, other bytes as {"$bytes": …}."""
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v) for v in value]
    if isinstance(value, bytes):
        try:
            return {"$link": libipld.encode_cid(value)}
        except ValueError:
            return {"$bytes": base64.b64encode(value).decode()}
    return value


def _locate(file: InputFile, data: bytes, problem: str) -> SourceError:
    """Name the block of a CAR file that cannot be read (libipld only says what is wrong)."""
    try:
        n, pos = _varint(data, 0)
    except ValueError:
        return SourceError(file.name, "is not a CAR file (it has no header)", record="header", fix=FIX)
    if pos + n > len(data) or _header(data) is None:
        return SourceError(file.name, "its header cannot be read", record="header", fix=FIX)
    pos += n
    k = 0
    while pos < len(data):
        k += 1
        start = pos
        try:
            size, pos = _varint(data, pos)
        except ValueError:
            return SourceError(file.name, "ends in the middle of a block (the file is cut short)",
                               record=f"block {k:,} at byte {start:,}", field="length", fix=FIX)
        if pos + size > len(data):
            return SourceError(file.name, "ends in the middle of a block (the file is cut short)",
                               record=f"block {k:,} at byte {start:,}",
                               expected=f"{size:,} bytes, found {len(data) - pos:,}", fix=FIX)
        block = data[pos:pos + size]
        pos += size
        if block[:4] != _CBOR_SHA256:  # only DAG-CBOR blocks with a sha-256 CID are expected
            continue
        try:
            libipld.decode_dag_cbor(block[36:])
        except (ValueError, RecursionError) as e:
            return SourceError(file.name, f"a block is not valid DAG-CBOR ({e})",
                               record=f"block {k:,} at byte {start:,}", field="data", fix=FIX)
    return SourceError(file.name, f"cannot be read as a CAR file ({problem})", fix=FIX)
