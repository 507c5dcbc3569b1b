"""Bluesky public API (`smi pull bluesky`): an account's posts, replies, quotes and reposts
with their counts, from the public AppView (no login).

Request: GET /xrpc/app.bsky.feed.getAuthorFeed?actor=HANDLE&limit=100
&filter=posts_with_replies, newest first, paged with `cursor`. Base URL
https://public.api.bsky.app unless told (`--api`). The API has no "newer than" parameter:
a later pull starts from the newest item again and stops paging at the newest item the last
pull saw.

Mapping (the same as the `.car` and flat-JSON importers, so they merge):
- native id: the post's AT-URI `at://<did>/app.bsky.feed.post/<rkey>`, post_key
  `bluesky:<AT-URI>`; a repost in the feed (reason `reasonRepost`) is a post of kind repost
  whose native id is the repost record's AT-URI (`reason.uri`; older AppViews do not give
  it: then `<post AT-URI>#repost:<reposter's DID>`), the reposted post's URI in extra.
- kind: reply when the record has `reply` (in_reply_to = the parent's AT-URI), quote when it
  embeds a post (`app.bsky.embed.record`, or `recordWithMedia`), else original.
- format from the embed (images, video, external link); text, facets (mentions, links,
  hashtags) and `tags` from the record; `langs` in extra as `platform_lang`.
- account `bluesky:<handle>` (the DID as the account's native id).
- post_metrics at the time of the pull: likeCount -> reactions, repostCount -> shares,
  replyCount -> comments. quoteCount has no metric column: it is kept in the post's extra
  (`quote_count`, as of the latest pull) and in the raw item. Reposts carry no numbers.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

import orjson

from smi.canonical import post_key
from smi.errors import SmiError, SourceError
from smi.platforms import account_id, normalise_handle
from smi.pull import PullOptions, PullOutcome, StateOf
from smi.pull.client import ApiError, ApiNotFoundError
from smi.sources import _bluesky
from smi.sources._api import ApiSource
from smi.sources.base import ImportContext, register

if TYPE_CHECKING:
    from smi.pull.client import ApiClient, Page

PLATFORM = "bluesky"
FEED = "/xrpc/app.bsky.feed.getAuthorFeed"
PAGE = 100  # the most getAuthorFeed gives per page
REPOST_REASON = "app.bsky.feed.defs#reasonRepost"


def _time(value: Any) -> datetime | None:
    try:
        dt = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    if dt is None:
        return None
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).astimezone(UTC)


def _is_repost(item: dict[str, Any]) -> bool:
    reason = item.get("reason")
    return isinstance(reason, dict) and reason.get("$type") == REPOST_REASON


@register
class BlueskyApi(ApiSource):
    name = "bluesky_api"
    own_export = True  # its accounts are the organisation's unless the profile says
    title = "Bluesky public API"
    platform = PLATFORM
    provides = ("posts", "post_metrics", "accounts")
    # canonical columns it fills (metrics/availability.py); no messages from others
    fills = (
        "posts.account_id", "posts.published_at", "posts.kind", "posts.replies", "posts.reposts", "posts.format", "posts.text",
        "posts.url", "posts.in_reply_to", "posts.hashtags", "posts.mentions", "posts.links",
        "post_metrics.reactions", "post_metrics.comments", "post_metrics.shares",
    )
    reads = "no files: `smi pull bluesky` fetches an account's feed"
    service: ClassVar[str] = "Bluesky"
    default_base_url: ClassVar[str | None] = "https://public.api.bsky.app"
    auth_fix: ClassVar[str] = "the public API needs no login: check --api points at a public AppView"
    not_found_fix: ClassVar[str] = "check the --api URL and the handle (e.g. ourcharity.bsky.social)"

    def __init__(self) -> None:
        self._label = "Bluesky API"
        self._accounts: set[str] = set()

    # -- pulling ----------------------------------------------------------------------------
    def pull(self, client: ApiClient, ctx: ImportContext, opts: PullOptions,
             state_of: StateOf) -> PullOutcome:
        actor = opts.account.strip().lstrip("@").removeprefix("at://").rstrip("/")
        if not actor:
            raise SmiError("no Bluesky account given", fix="write e.g. --actor ourcharity.bsky.social")
        key = normalise_handle(PLATFORM, actor)
        name = f"bluesky API @{key}"
        self._label = name
        state = state_of(key) or {}
        seen_key, seen_at = state.get("newest_key"), _time(state.get("newest_at"))
        newest: tuple[datetime, str] | None = (seen_at, seen_key) if seen_at and seen_key else None
        fetched: Counter[str] = Counter()
        done = False

        def next_page(page: Page) -> dict[str, Any] | None:
            cursor = page.data.get("cursor")
            return None if done or not page.data.get("feed") or not cursor else {"cursor": cursor}

        params = {"actor": actor, "limit": PAGE, "filter": "posts_with_replies"}
        try:
            for page in client.pages(FEED, params, next_page):
                for item in self._feed(page):
                    item_key, at = self._sort_key(item)
                    if seen_key and seen_at and (item_key == seen_key or at < seen_at):
                        done = True  # reached what the last pull saw
                        break
                    ctx.raw("feed_item", item_key, item)
                    self.map_item("feed_item", item, ctx)
                    fetched["reposts" if _is_repost(item) else "posts"] += 1
                    if newest is None or (at, item_key) > newest:
                        newest = (at, item_key)
        except ApiError as e:
            if e.status == 400 and "not found" in (e.detail or "").lower():
                raise ApiNotFoundError(f"Bluesky has no account '{actor}' ({e.detail})",
                                       fix=self.not_found_fix, status=400, detail=e.detail) from None
            raise
        new_state = {"newest_key": newest[1], "newest_at": newest[0].isoformat()} if newest else {}
        return PullOutcome(key, name, new_state, sum(fetched.values()), dict(fetched))

    def _feed(self, page: Page) -> list[dict[str, Any]]:
        feed = page.data.get("feed") if isinstance(page.data, dict) else None
        if not isinstance(feed, list) or not all(isinstance(x, dict) and isinstance(x.get("post"), dict)
                                                 for x in feed):
            raise SourceError(self._label, "the answer has no feed of posts", record=page.url,
                              field="feed", expected="{\"feed\": [{\"post\": …}, …], \"cursor\": …}",
                              fix="check --api points at a Bluesky AppView")
        return feed

    def _sort_key(self, item: dict[str, Any]) -> tuple[str, datetime]:
        """The item's own id and the time the feed sorts it by (a repost: when reposted)."""
        post = item["post"]
        if _is_repost(item):
            reason = item["reason"]
            at = _time(reason.get("indexedAt"))
            item_key = self._repost_uri(item)
        else:
            at = _time(post.get("indexedAt")) or _time((post.get("record") or {}).get("createdAt"))
            item_key = str(post.get("uri"))
        if at is None:
            raise self._error(item_key, "indexedAt", "has no time the feed is sorted by",
                              "an ISO 8601 time")
        return item_key, at

    # -- mapping ----------------------------------------------------------------------------
    def _error(self, record: str, field: str, problem: str, expected: str) -> SourceError:
        return SourceError(self._label, problem, record=record, field=field, expected=expected,
                           fix="report this with the --api URL used")

    @staticmethod
    def _repost_uri(item: dict[str, Any]) -> str:
        reason, post = item["reason"], item["post"]
        uri = reason.get("uri")
        if isinstance(uri, str) and uri.startswith("at://"):
            return uri
        by = reason.get("by") if isinstance(reason.get("by"), dict) else {}
        return f"{post.get('uri')}#repost:{by.get('did')}"

    def _account(self, profile: Any, ctx: ImportContext) -> str | None:
        """`bluesky:<handle>` of a profile view, emitted once to the accounts table."""
        if not isinstance(profile, dict):
            return None
        did, handle = profile.get("did"), profile.get("handle")
        if not isinstance(handle, str) or not handle or handle == "handle.invalid":
            handle = did if isinstance(did, str) and did else None
        if handle is None:
            return None
        acct = account_id(PLATFORM, handle)
        if acct not in self._accounts:
            self._accounts.add(acct)
            name = profile.get("displayName")
            ctx.emit("accounts", {"account_id": acct, "platform": PLATFORM,
                                  "handle": acct.split(":", 1)[1],
                                  "display_name": name if isinstance(name, str) and name else None,
                                  "native_id": did if isinstance(did, str) else None})
        return acct

    def map_item(self, kind: str, item: dict[str, Any], ctx: ImportContext) -> None:
        """Map one raw item: a "feed_item" (app.bsky.feed.defs#feedViewPost)."""
        if kind != "feed_item":
            raise SourceError("kept item", f"is of kind '{kind}', which {self.name} does not map")
        post = item.get("post")
        uri = post.get("uri") if isinstance(post, dict) else None
        if not isinstance(uri, str) or not uri.startswith("at://") or uri.count("/") < 4:
            raise self._error("feed item", "post.uri", "has no post AT-URI",
                              "at://<did>/app.bsky.feed.post/<rkey>")
        assert isinstance(post, dict)
        if _is_repost(item):
            self._map_repost(item, uri, ctx)
        else:
            self._map_post(post, uri, ctx)

    def _map_repost(self, item: dict[str, Any], subject: str, ctx: ImportContext) -> None:
        reason = item["reason"]
        native = self._repost_uri(item)
        at = _time(reason.get("indexedAt"))
        if at is None:
            raise self._error(native, "reason.indexedAt", "has no time", "an ISO 8601 time")
        ctx.emit("posts", {
            "post_key": post_key(PLATFORM, native), "platform": PLATFORM, "native_id": native,
            "account_id": self._account(reason.get("by"), ctx), "published_at": at,
            "kind": "repost", "format": None, "text": None, "language": None, "url": None,
            "in_reply_to": None, "hashtags": [], "mentions": [], "links": [], "labels": [],
            "extra": orjson.dumps({"reposted": subject}).decode(),
        })

    def _map_post(self, post: dict[str, Any], uri: str, ctx: ImportContext) -> None:
        rec = post.get("record")
        if not isinstance(rec, dict):
            raise self._error(uri, "record", "has no record", "the app.bsky.feed.post record")
        published = _time(rec.get("createdAt")) or _time(post.get("indexedAt"))
        if published is None:
            raise self._error(uri, "record.createdAt", f"time {rec.get('createdAt')!r} cannot be read",
                              "an ISO 8601 time such as 2024-11-20T16:22:24.361Z")
        text = rec.get("text") if isinstance(rec.get("text"), str) else None
        did, _, rkey = uri.removeprefix("at://").partition("/app.bsky.feed.post/")
        extra: dict[str, Any] = {}
        kind, reply_to = "original", None
        reply = rec.get("reply")
        if isinstance(reply, dict):
            kind = "reply"
            reply_to = _bluesky.ref(reply.get("parent"))
            if _bluesky.ref(reply.get("root")):
                extra["reply_root"] = _bluesky.ref(reply.get("root"))
        mentions, links, tags = _bluesky.facets(rec.get("facets"), text or "")
        tags += [t for t in rec.get("tags") or [] if isinstance(t, str) and t not in tags]
        fmt, quoted = _bluesky.embed(rec.get("embed"))
        if quoted:
            extra["quoted"] = quoted
            if kind == "original":
                kind = "quote"
        langs = rec.get("langs")
        if isinstance(langs, list) and langs:
            extra["platform_lang"] = langs[0] if len(langs) == 1 else langs
        quotes = _count(post, "quoteCount")
        if quotes is not None:
            extra["quote_count"] = quotes
        pkey = post_key(PLATFORM, uri)
        ctx.emit("posts", {
            "post_key": pkey, "platform": PLATFORM, "native_id": uri,
            "account_id": self._account(post.get("author"), ctx), "published_at": published,
            "kind": kind, "format": fmt or ("link" if links else "text"), "text": text,
            "language": None, "url": f"https://bsky.app/profile/{did}/post/{rkey}" if rkey else None,
            "in_reply_to": reply_to, "hashtags": tags, "mentions": mentions, "links": links,
            "labels": [], "extra": orjson.dumps(extra).decode() if extra else None,
        })
        counts = {"reactions": _count(post, "likeCount"), "shares": _count(post, "repostCount"),
                  "comments": _count(post, "replyCount")}
        observed = ctx.observed_at
        if observed is not None and any(v is not None for v in counts.values()):
            ctx.emit("post_metrics", {"post_key": pkey, "observed_at": observed, **counts})


def _count(post: dict[str, Any], name: str) -> int | None:
    n = post.get(name)
    return int(n) if isinstance(n, int) and not isinstance(n, bool) and n >= 0 else None


def _ref(value: Any) -> str | None:
    uri = value.get("uri") if isinstance(value, dict) else None
    return uri if isinstance(uri, str) and uri.startswith("at://") else None
