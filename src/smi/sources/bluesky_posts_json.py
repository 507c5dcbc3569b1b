"""Bluesky posts as flat JSON objects (a JSON array, or JSON Lines), as written by scrapers
and search tools built on `app.bsky.feed.searchPosts`:

    {"platform": "bluesky", "post_id": "at://did:plc:…/app.bsky.feed.post/<rkey>",
     "author": "<handle>", "author_did": "did:plc:…", "text": "…",
     "created_at": "2025-11-24T00:19:44.397Z", "scraped_at": "2025-11-24T03:49:37.237938",
     "reply_count": 0, "repost_count": 0, "like_count": 2, "language": "en", "hashtags": [...]}

Such files are usually search results: posts by many accounts. Whose post is whose:

- when the workspace profile declares Bluesky handles (`smi accounts add bluesky:@…`, or a
  person's `bluesky:@…` handle), posts by those handles are posts, and every other post is
  a `mention` interaction (someone else talking about the subject), author = their handle;
- when it declares none, every post is a post of its author's account (`bluesky:<handle>`):
  the import then holds no one else's messages, so inbound interactions over the days it
  covers are not available (NULL), not 0 (`kinds`: "own posts" only).

post_key is `bluesky:<AT-URI>`, the same as the Bluesky API client and the `.car` importer.
Metrics: `like_count` -> reactions, `repost_count` -> shares, `reply_count` -> comments,
observed when the row was scraped (`scraped_at`; without a zone it is read in the
workspace's time zone; `--observed-at` wins). Quotes, views and the rest are not in the
file (NULL). A post found twice with two `scraped_at` is two snapshots. `language` (the
first of the post's `langs`) is kept in extra as `platform_lang`; hashtags come from the
`hashtags` key when present, else from the text, as do mentions and links. Mentions'
counts are kept in their extra. Raw objects are kept (`smi remap`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import orjson

from smi.canonical import post_key
from smi.errors import SourceError
from smi.platforms import account_id, normalise_handle, parse_account
from smi.sources.base import ImportContext, Source, Unit, register
from smi.sources.files import InputFile, read_whole

PLATFORM = "bluesky"
FIX = "give the posts file as the tool wrote it: a JSON array or one JSON object per line"
_REQUIRED = ("post_id", "author", "created_at")
_AT_POST = re.compile(r"^at://([^/]+)/app\.bsky\.feed\.post/([^/]+)$")
_TAG = re.compile(r"(?<![\w&])#(\w+)")
_MENTION = re.compile(r"(?<![\w/])@([a-z0-9][a-z0-9.-]*\.[a-z]{2,})", re.IGNORECASE)
_LINK = re.compile(r"https?://[^\s<>\"']+")
_COUNTS = (("like_count", "reactions"), ("repost_count", "shares"), ("reply_count", "comments"))


class _Bad(Exception):
    def __init__(self, field: str, problem: str, expected: str) -> None:
        super().__init__(problem)
        self.field, self.problem, self.expected = field, problem, expected


@register
class BlueskyPostsJson(Source):
    name = "bluesky_posts_json"
    title = "Bluesky posts (flat JSON or JSON Lines)"
    platform = PLATFORM
    provides = ("posts", "post_metrics", "accounts", "interactions")
    # canonical columns it fills (metrics/availability.py); no kind: a flat post does not say
    # whether it is a reply, repost or quote. Others' posts are mentions only when the profile
    # names the organisation's handles: without, every post is its author's own.
    kinds: ClassVar[dict[str, tuple[str, ...]]] = {
        "own posts": ("posts.account_id", "posts.published_at", "posts.text", "posts.url", "posts.hashtags",
                      "posts.mentions", "posts.links", "post_metrics.reactions", "post_metrics.comments",
                      "post_metrics.shares"),
        "others' posts, once the profile names the organisation's Bluesky handles": (
            "interactions.kind", "interactions.author", "interactions.from_organisation",
            "interactions.created_at", "interactions.text"),
    }
    fills = tuple(c for cols in kinds.values() for c in cols)
    reads = "*.json / *.jsonl of flat post objects with post_id (at://…), author, created_at"
    priority = 45

    def __init__(self) -> None:
        self._accounts: set[str] = set()

    def detect(self, file: InputFile) -> bool:
        if not file.basename.lower().endswith((".json", ".jsonl", ".ndjson")):
            return False
        head = file.head_text()
        return bool(re.search(r'"post_id"\s*:\s*"at://[^"]*/app\.bsky\.feed\.post/', head)) and (
            '"author"' in head and '"created_at"' in head)

    def _kinds(self, ctx: ImportContext) -> None:
        ctx.reads_kind("own posts")
        if _declared(ctx):  # others' posts are told apart from the organisation's
            ctx.reads_kind(next(k for k in self.kinds if k.startswith("others")))

    def read(self, unit: Unit, ctx: ImportContext) -> None:
        self._accounts = set()
        self._kinds(ctx)
        for file in unit.files:
            for where, obj in _objects(file, ctx):
                try:
                    self._map(obj, ctx)
                except _Bad as e:
                    pid = obj.get("post_id") if isinstance(obj, dict) else None
                    raise SourceError(file.name, e.problem, record=where + (f" ({pid})" if isinstance(pid, str) else ""),
                                      field=e.field, expected=e.expected, fix=FIX) from None
                ctx.raw("post", obj.get("post_id"), obj)

    def map_item(self, kind: str, item: dict[str, Any], ctx: ImportContext) -> None:
        if kind != "post":
            raise SourceError("kept item", f"is of kind '{kind}', which {self.name} does not map")
        self._kinds(ctx)
        try:
            self._map(item, ctx)
        except _Bad as e:
            raise SourceError("kept post", e.problem, record=str(item.get("post_id")), field=e.field,
                              expected=e.expected) from None

    def _map(self, obj: Any, ctx: ImportContext) -> None:
        if not isinstance(obj, dict):
            raise _Bad("post", "is not an object", "{\"post_id\": \"at://…\", …}")
        uri = obj.get("post_id")
        if not isinstance(uri, str) or not _AT_POST.match(uri):
            raise _Bad("post_id", "is missing" if uri is None else f"{uri!r} is not a post's AT-URI",
                       "at://did:plc:…/app.bsky.feed.post/<rkey>")
        author = obj.get("author")
        if not isinstance(author, str) or not normalise_handle(PLATFORM, author):
            raise _Bad("author", "is missing" if author is None else f"{author!r} is not a handle",
                       "a handle such as example.bsky.social")
        handle = normalise_handle(PLATFORM, author)
        created = _time(obj.get("created_at"), "created_at", "UTC")
        text = obj.get("text") if isinstance(obj.get("text"), str) else None
        extra: dict[str, Any] = {}
        lang = obj.get("language")
        if isinstance(lang, str) and lang:
            extra["platform_lang"] = lang
        if isinstance(obj.get("author_did"), str):
            extra["author_did"] = obj["author_did"]
        counts = {metric: _count(obj.get(key), key) for key, metric in _COUNTS}
        own = _declared(ctx)
        if own and handle not in own:
            extra.update({k: v for k, v in ((key, obj.get(key)) for key, _ in _COUNTS) if v is not None})
            ctx.emit("interactions", {
                "interaction_key": post_key(PLATFORM, uri), "platform": PLATFORM, "native_id": uri,
                "kind": "mention", "post_key": None, "in_reply_to": None, "author": handle,
                "from_organisation": False, "created_at": created, "text": text, "language": None,
                "extra": orjson.dumps(extra).decode() if extra else None,
            })
            return
        aid = account_id(PLATFORM, handle)
        if aid not in self._accounts:
            self._accounts.add(aid)
            ctx.emit("accounts", {"account_id": aid, "platform": PLATFORM, "handle": handle,
                                  "display_name": None, "native_id": obj.get("author_did")})
        tags = obj.get("hashtags")
        if not isinstance(tags, list) or not tags:
            tags = _TAG.findall(text or "")
        links = [u.rstrip(".,;:!?)…") for u in _LINK.findall(text or "")]
        rkey = uri.rsplit("/", 1)[1]
        key = post_key(PLATFORM, uri)
        ctx.emit("posts", {
            "post_key": key, "platform": PLATFORM, "native_id": uri, "account_id": aid,
            "published_at": created, "kind": "original", "format": None, "text": text, "language": None,
            "url": f"https://bsky.app/profile/{handle}/post/{rkey}", "in_reply_to": None,
            "hashtags": [str(t) for t in tags], "mentions": _MENTION.findall(text or ""), "links": links,
            "labels": None, "extra": orjson.dumps(extra).decode() if extra else None,
        })
        observed = ctx.options.observed_at
        if observed is None and obj.get("scraped_at") is not None:
            observed = _time(obj.get("scraped_at"), "scraped_at", ctx.options.timezone or "UTC")
        observed = observed or ctx.observed_at
        if observed is not None and any(v is not None for v in counts.values()):
            ctx.emit("post_metrics", {"post_key": key, "observed_at": observed, **counts})


def _declared(ctx: ImportContext) -> set[str]:
    """Bluesky handles the profile declares (accounts and people's handles)."""
    profile = ctx.options.profile
    if profile is None:
        return set()
    own = {h for p, h in profile.official_accounts() if p == PLATFORM}
    for person in getattr(profile, "people", []):
        for text in person.handles:
            plat, h = parse_account(text)
            if plat == PLATFORM:
                own.add(h)
    return own


def _time(value: Any, field: str, tz: str) -> datetime:
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else None
    except ValueError:
        dt = None
    if dt is None:
        raise _Bad(field, "is missing" if value is None else f"{value!r} is not a time",
                   "ISO 8601, e.g. \"2025-11-24T00:19:44.397Z\"")
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=ZoneInfo(tz))
    return dt.astimezone(UTC)


def _count(value: Any, field: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _Bad(field, f"{value!r} is not a count", "a whole number of 0 or more")
    return value


def _objects(file: InputFile, ctx: ImportContext) -> Iterator[tuple[str, Any]]:
    """(where, object) for each post: a JSON array, or JSON Lines."""
    with ctx.open(file) as stream:
        data = read_whole(stream, file.name, "a file of Bluesky posts")
    body = data.removeprefix(b"\xef\xbb\xbf")
    if body.lstrip().startswith(b"["):
        try:
            value = orjson.loads(body)
        except orjson.JSONDecodeError as e:
            raise SourceError(file.name, f"is not valid JSON ({e.msg})",
                              record=f"line {e.lineno:,}, column {e.colno}", fix=FIX) from None
        if not isinstance(value, list):
            raise SourceError(file.name, "does not hold a list of posts", expected="a JSON array", fix=FIX)
        for n, obj in enumerate(value, start=1):
            yield f"record {n:,}", obj
        return
    for n, line in enumerate(body.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError as e:
            raise SourceError(file.name, f"is not valid JSON ({e.msg})", record=f"line {n:,}",
                              fix=FIX) from None
        yield f"line {n:,}", obj
