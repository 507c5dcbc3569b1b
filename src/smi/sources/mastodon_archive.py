"""Mastodon account archive ("Request your archive"): outbox.json and actor.json.

The archive is ActivityStreams JSON. `outbox.json` is an OrderedCollection whose
`orderedItems` are the account's activities: `Create` (a post or reply; the object is a
Note) and `Announce` (a boost; the object is the boosted post's URL). `actor.json` names
the account. likes.json, bookmarks.json and the media folders are recognised but not read.

The outbox is streamed with ijson (a big account's is hundreds of MB, on one line). Real
archives repeat the key `orderedItems` (an empty array first, the items in the second):
every item under every `orderedItems` key is read.

Mapping notes:
- native id: a post's object id (its status URI, so replies' `inReplyTo` joins to it);
  a boost's activity id.
- text: the HTML content as plain text; paragraphs are separated by a blank line, `<br>`
  by a line break, link text kept, tags dropped.
- language stays NULL (detected later); the archive's `contentMap` key is kept in
  extra as `platform_lang`.
- metrics: an archive does not carry favourite/boost/reply counts, so no snapshot is
  written unless an object carries `likes`/`shares`/`replies` with `totalItems`. The first
  page of `replies` lists only some replies and is never counted.
- observed_at: `--as-of`, else the modification time of outbox.json (of the zip, for an
  archive zip), i.e. about when the archive was downloaded; the import summary says so.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import ijson
import orjson

from smi.canonical import post_key
from smi.errors import SourceError
from smi.platforms import account_id, normalise_handle
from smi.sources.base import ImportContext, ImportOptions, Source, Unit, register
from smi.sources.files import IJSON_BUF, InputFile, StringGuard

PLATFORM = "mastodon"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
POST_TYPES = ("Note", "Question", "Article", "Page")
# Files of an archive that smi recognises but has nothing to read from.
EXTRA_NAMES = ("likes.json", "bookmarks.json")
EXTRA_STEMS = ("avatar", "header")
MEDIA_DIR = "media_attachments"

_OUTBOX_ID = re.compile(r'"id"\s*:\s*"[^"]*outbox[^"]*"')
_FIX_EXPORT = "export the archive again from Mastodon (Preferences > Import and export > Request your archive)"


# -- HTML content ------------------------------------------------------------------------------
_BLOCKS = {"p", "div", "blockquote", "pre", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6"}


class _ContentParser(HTMLParser):
    """Mastodon post HTML to plain text, collecting the hrefs of plain links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self.started = False  # any text yet

    def _break(self, newlines: int) -> None:
        """End the line (1) or the paragraph (2): never more, none at the very start."""
        if not self.started:
            return
        text = "".join(self.parts[-3:])
        have = len(text) - len(text.rstrip("\n"))
        if have < newlines:
            self.parts.append("\n" * (newlines - have))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self._break(2)
        elif tag == "li":
            self._break(1)
        elif tag == "a":
            a = dict(attrs)
            classes = (a.get("class") or "").split()
            rels = (a.get("rel") or "").split()
            href = a.get("href")
            if href and "mention" not in classes and "hashtag" not in classes and "tag" not in rels:
                self.links.append(href)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self._break(2)

    def handle_data(self, data: str) -> None:
        if not data.strip() and "\n" in data:
            return  # layout between tags, not text
        self.started = self.started or bool(data.strip())
        self.parts.append(data)

    def text(self) -> str:
        return "".join(self.parts).strip()


def html_to_text(html: str) -> tuple[str, list[str]]:
    """Plain text of a post's HTML and the hrefs of its links (not mentions or hashtags)."""
    p = _ContentParser()
    p.feed(html)
    p.close()
    return p.text(), p.links


# -- handles -----------------------------------------------------------------------------------
def handle_from_actor_url(url: str) -> str | None:
    """`https://indieweb.social/users/dealingwith` -> `dealingwith@indieweb.social`."""
    parts = urlsplit(url)
    host = parts.hostname
    segs = [s for s in parts.path.split("/") if s]
    if not host or not segs:
        return None
    user = segs[-1].lstrip("@")  # /users/<name>, /@<name>, /u/<name>
    return normalise_handle(PLATFORM, f"{user}@{host}") if user else None


def _mention_handle(tag: dict[str, Any]) -> str | None:
    """A Mention tag as `user@instance` (local mentions are named `@user`: host from href)."""
    name = str(tag.get("name") or "").lstrip("@")
    href = tag.get("href")
    if name.count("@") == 1 and name.split("@")[0]:
        return normalise_handle(PLATFORM, name)
    host = urlsplit(href).hostname if isinstance(href, str) else None
    if name and host:
        return normalise_handle(PLATFORM, f"{name}@{host}")
    return handle_from_actor_url(href) if isinstance(href, str) else None


def _visibility(activity: dict[str, Any]) -> str:
    to = activity.get("to") or []
    cc = activity.get("cc") or []
    to = [to] if isinstance(to, str) else to
    cc = [cc] if isinstance(cc, str) else cc
    if PUBLIC in to:
        return "public"
    if PUBLIC in cc:
        return "unlisted"
    if any(isinstance(x, str) and x.endswith("/followers") for x in to):
        return "private"
    return "direct"


def _count(obj: dict[str, Any], name: str) -> int | None:
    """`object.<name>.totalItems` if the archive gives it, else None (not available)."""
    coll = obj.get(name)
    if isinstance(coll, dict):
        n = coll.get("totalItems")
        if isinstance(n, int | float) and not isinstance(n, bool) and n >= 0:
            return int(n)
    return None


# -- streaming the outbox ----------------------------------------------------------------------
class _Outbox:
    """Streams an outbox's items; records the collection's type and totalItems on the way."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.type: Any = None
        self.total: int | None = None
        self.seen_items_key = False

    def items(self) -> Iterator[Any]:
        builder: ijson.ObjectBuilder | None = None
        depth = 0
        for prefix, event, value in ijson.parse(self.stream, use_float=True, buf_size=IJSON_BUF):
            if builder is not None:
                builder.event(event, value)
                if event in ("start_map", "start_array"):
                    depth += 1
                elif event in ("end_map", "end_array"):
                    depth -= 1
                    if depth == 0:
                        yield builder.value
                        builder = None
                continue
            if prefix == "orderedItems.item":
                if event in ("start_map", "start_array"):
                    builder = ijson.ObjectBuilder()
                    builder.event(event, value)
                    depth = 1
                else:
                    yield value  # a scalar item: rejected by the caller
            elif prefix == "" and event == "map_key" and value == "orderedItems":
                self.seen_items_key = True
            elif prefix == "orderedItems" and event != "start_array" and event != "end_array":
                self.items_not_list = True  # an object or a scalar where the list should be
            elif prefix == "type" and event == "string":
                self.type = value
            elif prefix == "totalItems" and event == "number":
                self.total = int(value)


def _parse_time(value: Any, tz: ZoneInfo) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        dt = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=tz)
    return dt.astimezone(UTC)


@register
class MastodonArchive(Source):
    name = "mastodon_archive"
    own_export = True  # its accounts are the organisation's unless the profile says
    title = "Mastodon account archive"
    platform = PLATFORM
    provides = ("posts", "post_metrics", "accounts")
    # canonical columns it fills (metrics/availability.py); the account's own posts only: no counts, no followers, no messages from others
    fills = (
        "posts.account_id", "posts.published_at", "posts.kind", "posts.replies", "posts.reposts", "posts.format", "posts.text",
        "posts.url", "posts.in_reply_to", "posts.hashtags", "posts.mentions", "posts.links",
        "posts.labels",
    )
    reads = "archive zip, or outbox.json (+ actor.json)"
    priority = 50

    def __init__(self) -> None:
        self._file = "raw item"  # where map_item's errors point (set by read)
        self._item_no: int | None = None
        self._accounts: dict[str, str] = {}  # actor URL -> account id (from actor.json)
        self._skipped: Counter[str] = Counter()
        self._derived: set[str] = set()  # accounts seen only as activities' actor URLs

    # -- recognising ---------------------------------------------------------------------------
    def detect(self, file: InputFile) -> bool:
        name = file.basename.lower()
        if not name.endswith(".json"):
            return False
        head = file.head_text()
        if AS_CONTEXT not in head:
            return False
        if name.startswith("outbox"):
            return True
        return "OrderedCollection" in head and bool(_OUTBOX_ID.search(head))

    def claim(self, files: list[InputFile], options: ImportOptions) -> list[Unit]:
        units = []
        taken: set[int] = set()
        for f in files:
            if id(f) in taken or not self.detect(f):
                continue
            siblings = [g for g in files if g is not f and id(g) not in taken]
            actor = next(
                (g for g in siblings if g.parent == f.parent and g.basename.lower() == "actor.json"),
                None,
            )
            extra = [g for g in siblings if g is not actor and _is_archive_extra(g, f.parent)]
            unit = Unit(self, [f] + ([actor] if actor else []), f.name, extra_files=extra)
            taken.update(id(g) for g in (*unit.files, *extra))
            units.append(unit)
        return units

    # -- reading -------------------------------------------------------------------------------
    def read(self, unit: Unit, ctx: ImportContext) -> None:
        outbox = unit.primary
        actor_file = unit.files[1] if len(unit.files) > 1 else None
        self._accounts = {}
        self._skipped = Counter()
        self._derived = set()
        if actor_file is not None:
            self._read_actor(actor_file, ctx)
        ctx.observed_from_file_time(outbox)
        self._file = outbox.name
        n = 0
        with ctx.open(outbox) as stream:
            box = _Outbox(StringGuard(stream, outbox.name))
            try:
                for n, item in enumerate(box.items(), start=1):
                    if box.type is not None and box.type != "OrderedCollection":
                        raise self._not_collection(outbox, box.type)
                    self._item_no = n
                    if not isinstance(item, dict):
                        raise SourceError(outbox.name, "is not an activity", record=f"item {n}",
                                          expected="a JSON object", fix=_FIX_EXPORT)
                    key = item.get("id")
                    ctx.raw("activity", key if isinstance(key, str) else None, item)
                    self.map_item("activity", item, ctx)
            except ijson.JSONError as e:
                raise SourceError(outbox.name, f"is not valid JSON after item {n} ({e})",
                                  fix="the file may be cut short; " + _FIX_EXPORT) from None
        self._item_no = None
        if box.type != "OrderedCollection":
            raise self._not_collection(outbox, box.type)
        if not box.seen_items_key:
            raise SourceError(outbox.name, "has no list of activities", field="orderedItems",
                              fix=_FIX_EXPORT)
        if getattr(box, "items_not_list", False):
            raise SourceError(outbox.name, "has orderedItems that is not a list of activities",
                              field="orderedItems", expected="a JSON array", fix=_FIX_EXPORT)
        # Accounts seen only through activities' actor URLs (no actor.json beside the outbox).
        for acct in sorted(self._derived - set(self._accounts.values())):
            ctx.emit("accounts", {"account_id": acct, "platform": PLATFORM,
                                  "handle": acct.split(":", 1)[1], "display_name": None,
                                  "native_id": None})
        if box.total is not None and box.total != n:
            ctx.warn(f"{outbox.basename} says it holds {box.total:,} activities "
                     f"(totalItems) but lists {n:,}; imported all {n:,}")
        for kind, count in sorted(self._skipped.items()):
            ctx.warn(f"{outbox.basename}: skipped {count:,} {kind} activit{'y' if count == 1 else 'ies'} "
                     "(not posts or boosts; kept as raw items)")

    def _not_collection(self, f: InputFile, found: Any) -> SourceError:
        return SourceError(f.name, f"is not a Mastodon outbox (type is {found!r})", field="type",
                           expected="OrderedCollection",
                           fix="give the outbox.json of a Mastodon archive, or the archive zip")

    def _read_actor(self, f: InputFile, ctx: ImportContext) -> None:
        with ctx.open(f) as stream:
            try:
                actor = orjson.loads(stream.read())
            except orjson.JSONDecodeError as e:
                raise SourceError(f.name, f"is not valid JSON ({e})", fix=_FIX_EXPORT) from None
        if not isinstance(actor, dict):
            raise SourceError(f.name, "is not an actor", expected="a JSON object", fix=_FIX_EXPORT)
        self._file = f.name
        url = actor.get("id")
        ctx.raw("actor", url if isinstance(url, str) else None, actor)
        self.map_item("actor", actor, ctx)

    # -- mapping -------------------------------------------------------------------------------
    def _error(self, item: dict[str, Any], field: str, problem: str, expected: str) -> SourceError:
        key = item.get("id")
        record = f"item {self._item_no}" if self._item_no is not None else "item"
        if isinstance(key, str):
            record += f" (id {key})"
        return SourceError(self._file, problem, record=record, field=field, expected=expected,
                           fix="correct or remove that item, or " + _FIX_EXPORT)

    def map_item(self, kind: str, item: dict[str, Any], ctx: ImportContext) -> None:
        """Map one raw item: an "actor" (actor.json) to an account, an "activity" to a post."""
        if kind == "actor":
            self._map_actor(item, ctx)
        else:
            self._map_activity(item, ctx)

    def _map_actor(self, actor: dict[str, Any], ctx: ImportContext) -> None:
        url, user = actor.get("id"), actor.get("preferredUsername")
        host = urlsplit(url).hostname if isinstance(url, str) else None
        if not isinstance(user, str) or not user or not host:
            field = "preferredUsername" if not isinstance(user, str) or not user else "id"
            raise SourceError(self._file, "does not name the account", field=field,
                              expected="the username and the account's URL", fix=_FIX_EXPORT)
        handle = normalise_handle(PLATFORM, f"{user}@{host}")
        acct = account_id(PLATFORM, handle)
        self._accounts[str(url)] = acct
        name = actor.get("name")
        ctx.emit("accounts", {"account_id": acct, "platform": PLATFORM, "handle": handle,
                              "display_name": name if isinstance(name, str) and name else None,
                              "native_id": url})

    def _map_activity(self, item: dict[str, Any], ctx: ImportContext) -> None:
        key = item.get("id")
        if not isinstance(key, str) or not key:
            raise self._error(item, "id", "has no id", "the activity's URL")
        tz = ZoneInfo(ctx.options.timezone)
        if "published" not in item or item["published"] in (None, ""):
            raise self._error(item, "published", "has no publication time", "an ISO 8601 time")
        published = _parse_time(item["published"], tz)
        if published is None:
            raise self._error(item, "published", f"time {item['published']!r} cannot be read",
                              "an ISO 8601 time such as 2024-07-23T18:39:06Z")
        actor = item.get("actor")
        acct: str | None = None
        if isinstance(actor, str):
            acct = self._accounts.get(actor)
            if acct is None:
                handle = handle_from_actor_url(actor)
                acct = account_id(PLATFORM, handle) if handle else None
                if acct is not None:
                    self._derived.add(acct)
        typ = item.get("type")
        obj = item.get("object")
        if typ == "Announce":
            target = obj if isinstance(obj, str) else obj.get("id") if isinstance(obj, dict) else None
            ctx.emit("posts", {
                "post_key": post_key(PLATFORM, key), "platform": PLATFORM, "native_id": key,
                "account_id": acct, "published_at": published, "kind": "repost", "format": None,
                "text": None, "language": None, "url": target, "in_reply_to": None,
                "hashtags": [], "mentions": [], "links": [], "labels": [],
                "extra": _extra({"reposted": target, "visibility": _visibility(item)}),
            })
            return
        if typ != "Create":
            self._skipped[str(typ)] += 1
            return
        if not isinstance(obj, dict):
            raise self._error(item, "object", "does not hold the post", "an object of type Note")
        if obj.get("type") not in POST_TYPES:
            self._skipped[f"Create {obj.get('type')}"] += 1
            return
        native = obj.get("id") if isinstance(obj.get("id"), str) and obj.get("id") else key
        if obj.get("published") not in (None, ""):
            own = _parse_time(obj["published"], tz)
            if own is None:
                raise self._error(item, "object.published",
                                  f"time {obj['published']!r} cannot be read",
                                  "an ISO 8601 time such as 2024-07-23T18:39:06Z")
            published = own
        content = obj.get("content")
        text, links = html_to_text(content) if isinstance(content, str) else (None, [])
        hashtags: list[str] = []
        mentions: list[str] = []
        tags = obj.get("tag") or []
        for tag in tags if isinstance(tags, list) else [tags]:
            if not isinstance(tag, dict):
                continue
            if tag.get("type") == "Hashtag" and isinstance(tag.get("name"), str):
                h = tag["name"].lstrip("#").lower()
                if h and h not in hashtags:
                    hashtags.append(h)
            elif tag.get("type") == "Mention":
                m = _mention_handle(tag)
                if m and m not in mentions:
                    mentions.append(m)
        links = list(dict.fromkeys(links))
        attachments = obj.get("attachment") or []
        attachments = attachments if isinstance(attachments, list) else [attachments]
        media = [str(a.get("mediaType") or "") for a in attachments if isinstance(a, dict)]
        reply_to = obj.get("inReplyTo")
        reply_to = reply_to if isinstance(reply_to, str) and reply_to else None
        langs = obj.get("contentMap")
        lang = next(iter(langs), None) if isinstance(langs, dict) and langs else None
        url = obj.get("url") if isinstance(obj.get("url"), str) else native
        extra = {
            "platform_lang": lang,
            "visibility": _visibility(item),
            "content_warning": obj.get("summary") or None,
            "sensitive": obj.get("sensitive") or None,
            "media_types": media or None,
            "updated": obj.get("updated"),
            "activity_id": key,
            "type": obj.get("type") if obj.get("type") != "Note" else None,
        }
        pkey = post_key(PLATFORM, native)
        ctx.emit("posts", {
            "post_key": pkey, "platform": PLATFORM, "native_id": native, "account_id": acct,
            "published_at": published, "kind": "reply" if reply_to else "original",
            "format": _format(media, links), "text": text, "language": None, "url": url,
            "in_reply_to": reply_to, "hashtags": hashtags, "mentions": mentions, "links": links,
            "labels": [], "extra": _extra(extra),
        })
        likes, shares, replies = _count(obj, "likes"), _count(obj, "shares"), _count(obj, "replies")
        if likes is not None or shares is not None or replies is not None:
            observed = ctx.observed_at or ctx.options.observed_at
            if observed is not None:
                ctx.emit("post_metrics", {"post_key": pkey, "observed_at": observed,
                                          "reactions": likes, "shares": shares,
                                          "comments": replies})


def _format(media: list[str], links: list[str]) -> str:
    kinds = {m.split("/", 1)[0] for m in media}
    if "video" in kinds:
        return "video"
    if "image" in kinds:
        return "image"
    if media:
        return "other"
    return "link" if links else "text"


def _extra(values: dict[str, Any]) -> str:
    return orjson.dumps({k: v for k, v in values.items() if v is not None}).decode()


def _is_archive_extra(f: InputFile, parent: str) -> bool:
    """likes.json, bookmarks.json, avatar/header images and media files beside the outbox."""
    if f.parent == parent:
        name = f.basename.lower()
        return name in EXTRA_NAMES or PurePosixPath(name).stem in EXTRA_STEMS
    root = PurePosixPath(parent) if parent != "." else PurePosixPath()
    try:
        rel = PurePosixPath(f.relpath).relative_to(root)
    except ValueError:
        return False
    return rel.parts[:1] == (MEDIA_DIR,)
