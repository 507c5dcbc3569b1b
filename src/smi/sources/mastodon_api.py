"""Mastodon API (`smi pull mastodon`): an account's statuses with their counts, its
follower count, and, with a token, the mentions of it.

Requests (https://docs.joinmastodon.org/methods/):
- GET /api/v1/accounts/lookup?acct=NAME: the account (no token needed);
- GET /api/v1/accounts/:id/statuses?limit=40: its statuses, newest first, paged with the
  Link header's `max_id`; later pulls send `since_id` = the newest status already pulled;
- GET /api/v1/notifications?types[]=mention (token with read scope): mentions of it,
  paged the same way, later pulls from the newest notification already pulled.

Mapping, chosen so a pull and an archive import of the same account merge (see
mastodon_archive.py):
- native id: the status `uri` (a boost's is `…/statuses/ID/activity`, the archive's Announce
  id); the account is `user@host` with the host of the account's `uri`.
- text from the HTML content; language NULL (detected later), the API's in extra as
  `platform_lang`; kind reply when `in_reply_to_id` is set, repost for a boost.
- `in_reply_to`: the replied-to status's URI when it is the account's own (its URI is the
  account URI + `/statuses/ID`); else NULL, with `in_reply_to_id` in extra.
- post_metrics at the time of the pull: favourites -> reactions, boosts -> shares,
  replies -> comments. A boost carries no numbers of its own: no snapshot.
- audience_daily: the account's followers_count on the pull's date (workspace time zone).
- interactions: each mention, kind reply when it replies to one of the account's statuses
  (post_key = that status), else mention; from_organisation false.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import orjson

from smi.canonical import post_key
from smi.errors import SmiError, SourceError
from smi.platforms import account_id, normalise_handle
from smi.pull import PullOptions, PullOutcome, StateOf
from smi.sources._api import ApiSource
from smi.sources.base import ImportContext, register
from smi.sources.mastodon_archive import html_to_text

if TYPE_CHECKING:
    from smi.pull.client import ApiClient, Page

PLATFORM = "mastodon"
PAGE = 40  # the most statuses Mastodon gives per page
MEDIA_FORMATS = {"image": "image", "video": "video", "gifv": "video"}


def _newer(a: str | None, b: str | None) -> str | None:
    """The larger of two Mastodon ids (numeric strings; compare as numbers)."""
    if a is None or b is None:
        return a or b
    ka = (len(a), a) if a.isdigit() else (0, a)
    kb = (len(b), b) if b.isdigit() else (0, b)
    return a if ka >= kb else b


def instance_url(text: str) -> str:
    """`example.social` or `https://example.social/` -> `https://example.social`."""
    text = text.strip().rstrip("/")
    if "://" not in text:
        text = "https://" + text
    if not urlsplit(text).hostname:
        raise SmiError(f"'{text}' is not an instance URL", fix="write e.g. --instance https://mastodon.social")
    return text


@register
class MastodonApi(ApiSource):
    name = "mastodon_api"
    own_export = True  # its accounts are the organisation's unless the profile says
    title = "Mastodon API"
    platform = PLATFORM
    provides = ("posts", "post_metrics", "interactions", "audience_daily", "accounts")
    # canonical columns it fills (metrics/availability.py); followers_count on the pull's date; mentions only with a token
    fills = (
        "posts.account_id", "posts.published_at", "posts.kind", "posts.replies", "posts.reposts", "posts.format", "posts.text",
        "posts.url", "posts.in_reply_to", "posts.hashtags", "posts.mentions", "posts.links",
        "post_metrics.reactions", "post_metrics.comments", "post_metrics.shares",
        "interactions.kind", "interactions.post_key", "interactions.in_reply_to",
        "interactions.author", "interactions.from_organisation", "interactions.created_at",
        "interactions.text",
    )
    fills_once = ("audience_daily.followers",)  # one value, on the export's date
    reads = "no files: `smi pull mastodon` fetches statuses and mentions"
    service: ClassVar[str] = "Mastodon"
    auth_fix: ClassVar[str] = ("check the token: create one under Preferences > Development on "
                               "your instance, with the read scope, and pass it with --token")
    not_found_fix: ClassVar[str] = "check the instance URL and account (--instance, --account)"

    def __init__(self) -> None:
        self._label = "Mastodon API"  # where map_item's errors point
        self._own: dict[str, Any] | None = None  # id, uri, account_id of the pulled account
        self._uris: dict[str, str] = {}  # status id -> uri, for the account's own statuses
        self._skipped: Counter[str] = Counter()

    # -- pulling ----------------------------------------------------------------------------
    def pull(self, client: ApiClient, ctx: ImportContext, opts: PullOptions,
             state_of: StateOf) -> PullOutcome:
        host = urlsplit(client.base_url).hostname or ""
        acct = opts.account.strip().lstrip("@")
        user, _, domain = acct.partition("@")
        if not user:
            raise SmiError(f"'{opts.account}' is not a Mastodon account",
                           fix="write e.g. --account @ourcharity or @ourcharity@example.social")
        lookup = user if domain.lower() in ("", host.lower()) else acct
        account = client.get("/api/v1/accounts/lookup", {"acct": lookup}).data
        if not isinstance(account, dict) or not account.get("id"):
            raise SourceError(f"{self.service} API", "the account lookup gave no account", field="id",
                              fix=self.not_found_fix)
        ctx.raw("account", str(account.get("uri") or account.get("url") or ""), account)
        self.map_item("account", account, ctx)
        assert self._own is not None
        handle = self._own["account_id"].split(":", 1)[1]
        name = f"mastodon API @{handle}"
        self._label = name
        state = state_of(handle) or {}
        account_id_ = str(account["id"])
        if state.get("account_native_id") not in (None, account_id_):
            state = {}  # another account of the same name (moved, re-created): start again
        fetched: Counter[str] = Counter()

        newest_status = state.get("newest_status_id")
        params: dict[str, Any] = {"limit": PAGE}
        if newest_status:
            params["since_id"] = newest_status
        for page in client.pages(f"/api/v1/accounts/{account_id_}/statuses", params, _next_page):
            for status in self._list(page, "statuses"):
                sid = str(status.get("id") or "")
                ctx.raw("status", status.get("uri") if isinstance(status.get("uri"), str) else None,
                        status)
                self.map_item("status", status, ctx)
                newest_status = _newer(newest_status, sid or None)
                fetched["statuses"] += 1

        newest_note = state.get("newest_notification_id")
        if opts.token:
            params = {"types[]": ["mention"], "limit": PAGE}
            if newest_note:
                params["since_id"] = newest_note
            for page in client.pages("/api/v1/notifications", params, _next_page):
                for note in self._list(page, "notifications"):
                    ctx.raw("notification", str(note.get("id") or "") or None, note)
                    self.map_item("notification", note, ctx)
                    newest_note = _newer(newest_note, str(note.get("id") or "") or None)
                    fetched["mentions"] += 1
        for kind, n in sorted(self._skipped.items()):
            ctx.warn(f"skipped {n:,} notification{'s' if n != 1 else ''} of type {kind} (not mentions)")

        followers = self._followers(account)
        observed = ctx.observed_at
        audience = ([self._day(observed, ctx).isoformat(), followers]
                    if followers is not None and observed is not None else None)
        new = fetched["statuses"] + fetched["mentions"]
        if audience is not None and audience != state.get("followers"):
            new += 1  # a new follower count is news too
        new_state = {"account_native_id": account_id_, "newest_status_id": newest_status,
                     "newest_notification_id": newest_note, "followers": audience}
        return PullOutcome(handle, name, new_state, new, dict(fetched))

    def _list(self, page: Page, what: str) -> list[dict[str, Any]]:
        if not isinstance(page.data, list) or not all(isinstance(x, dict) for x in page.data):
            raise SourceError(f"{self.service} API", f"the {what} answer is not a list of {what}",
                              record=page.url, expected="a JSON array of objects",
                              fix="check the instance runs Mastodon (or a compatible server)")
        return page.data

    @staticmethod
    def _followers(account: dict[str, Any]) -> int | None:
        n = account.get("followers_count")
        return n if isinstance(n, int) and not isinstance(n, bool) and n >= 0 else None

    # -- mapping ----------------------------------------------------------------------------
    def map_item(self, kind: str, item: dict[str, Any], ctx: ImportContext) -> None:
        """Map one raw item: the looked-up "account", a "status", or a "notification"."""
        if kind == "account":
            self._map_account(item, ctx)
        elif kind == "status":
            self._map_status(item, ctx)
        elif kind == "notification":
            self._map_notification(item, ctx)

    def _error(self, record: str, field: str, problem: str, expected: str) -> SourceError:
        return SourceError(self._label, problem, record=record, field=field, expected=expected,
                           fix="report this with the instance's software and version")

    def _handle(self, account: dict[str, Any]) -> str | None:
        """`user@host`, host from the account's URI (as the archive importer names it)."""
        acct, user = account.get("acct"), account.get("username")
        url = account.get("uri") or account.get("url")
        host = urlsplit(url).hostname if isinstance(url, str) else None
        if isinstance(user, str) and user and host:
            return normalise_handle(PLATFORM, f"{user}@{host}")
        if isinstance(acct, str) and acct.count("@") == 1:
            return normalise_handle(PLATFORM, acct)
        return None

    def _map_account(self, account: dict[str, Any], ctx: ImportContext) -> None:
        handle = self._handle(account)
        if handle is None:
            raise self._error(f"account {account.get('id')}", "username", "does not name the account",
                              "a username and the account's URL")
        acct = account_id(PLATFORM, handle)
        uri = account.get("uri") or account.get("url")
        self._own = {"id": str(account.get("id")), "uri": str(uri).rstrip("/"), "account_id": acct}
        name = account.get("display_name")
        ctx.emit("accounts", {"account_id": acct, "platform": PLATFORM, "handle": handle,
                              "display_name": name if isinstance(name, str) and name else None,
                              "native_id": uri})
        followers = self._followers(account)
        observed = ctx.observed_at
        if followers is not None and observed is not None:
            ctx.emit("audience_daily", {"platform": PLATFORM, "account_id": acct,
                                        "date": self._day(observed, ctx),
                                        "followers": followers, "gained": None, "lost": None,
                                        "visits": None})

    @staticmethod
    def _day(observed: datetime, ctx: ImportContext) -> date:
        """The pull's date in the workspace's time zone."""
        return observed.astimezone(ZoneInfo(ctx.options.timezone)).date()

    def _time(self, value: Any, record: str, field: str) -> datetime:
        try:
            dt = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            dt = None
        if dt is None:
            raise self._error(record, field, f"time {value!r} cannot be read",
                              "an ISO 8601 time such as 2024-07-23T18:39:06.000Z")
        return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).astimezone(UTC)

    def _reply_target(self, status: dict[str, Any]) -> str | None:
        """The URI of the status this replies to, when it is one of the account's own."""
        rid, racct = status.get("in_reply_to_id"), status.get("in_reply_to_account_id")
        if not rid:
            return None
        rid = str(rid)
        if rid in self._uris:
            return self._uris[rid]
        if self._own is not None and str(racct) == self._own["id"]:
            return f"{self._own['uri']}/statuses/{rid}"
        return None

    def _map_status(self, status: dict[str, Any], ctx: ImportContext) -> None:
        sid = status.get("id")
        record = f"status {sid}"
        uri = status.get("uri")
        if not isinstance(uri, str) or not uri:
            raise self._error(record, "uri", "has no uri", "the status's URI")
        published = self._time(status.get("created_at"), record, "created_at")
        account = status.get("account") if isinstance(status.get("account"), dict) else {}
        handle = self._handle(account)
        acct = account_id(PLATFORM, handle) if handle else (self._own or {}).get("account_id")
        pkey = post_key(PLATFORM, uri)
        self._uris[str(sid)] = uri
        reblog = status.get("reblog")
        if isinstance(reblog, dict):
            target = reblog.get("uri") if isinstance(reblog.get("uri"), str) else None
            ctx.emit("posts", {
                "post_key": pkey, "platform": PLATFORM, "native_id": uri, "account_id": acct,
                "published_at": published, "kind": "repost", "format": None, "text": None,
                "language": None, "url": target, "in_reply_to": None, "hashtags": [],
                "mentions": [], "links": [], "labels": [],
                "extra": _extra({"reposted": target, "visibility": status.get("visibility"),
                                 "status_id": str(sid)}),
            })
            return
        content = status.get("content")
        text, links = html_to_text(content) if isinstance(content, str) else (None, [])
        hashtags: list[str] = []
        for tag in status.get("tags") or []:
            h = str(tag.get("name") or "").lstrip("#").lower() if isinstance(tag, dict) else ""
            if h and h not in hashtags:
                hashtags.append(h)
        mentions: list[str] = []
        for m in status.get("mentions") or []:
            if not isinstance(m, dict):
                continue
            h = self._mention(m)
            if h and h not in mentions:
                mentions.append(h)
        media = [str(a.get("type") or "unknown") for a in status.get("media_attachments") or []
                 if isinstance(a, dict)]
        reply_to = self._reply_target(status)
        ctx.emit("posts", {
            "post_key": pkey, "platform": PLATFORM, "native_id": uri, "account_id": acct,
            "published_at": published,
            "kind": "reply" if status.get("in_reply_to_id") else "original",
            "format": _format(media, links), "text": text, "language": None,
            "url": status.get("url") if isinstance(status.get("url"), str) else uri,
            "in_reply_to": reply_to, "hashtags": hashtags, "mentions": mentions,
            "links": list(dict.fromkeys(links)), "labels": [],
            "extra": _extra({
                "platform_lang": status.get("language"),
                "visibility": status.get("visibility"),
                "content_warning": status.get("spoiler_text") or None,
                "sensitive": status.get("sensitive") or None,
                "media_kinds": media or None,
                "updated": status.get("edited_at"),
                "status_id": str(sid),
                "in_reply_to_id": str(status["in_reply_to_id"]) if status.get("in_reply_to_id") and not reply_to else None,
            }),
        })
        observed = ctx.observed_at
        counts = {c: _count(status, f) for c, f in
                  (("reactions", "favourites_count"), ("shares", "reblogs_count"), ("comments", "replies_count"))}
        if observed is not None and any(v is not None for v in counts.values()):
            ctx.emit("post_metrics", {"post_key": pkey, "observed_at": observed, **counts})

    def _mention(self, m: dict[str, Any]) -> str | None:
        acct = m.get("acct")
        if isinstance(acct, str) and acct.count("@") == 1:
            return normalise_handle(PLATFORM, acct)
        url = m.get("url")
        host = urlsplit(url).hostname if isinstance(url, str) else None
        user = m.get("username") or acct
        return normalise_handle(PLATFORM, f"{user}@{host}") if isinstance(user, str) and user and host else None

    def _map_notification(self, note: dict[str, Any], ctx: ImportContext) -> None:
        nid = note.get("id")
        record = f"notification {nid}"
        if note.get("type") != "mention":
            self._skipped[str(note.get("type"))] += 1
            return
        status = note.get("status")
        if not isinstance(status, dict):
            raise self._error(record, "status", "has no status", "the mentioning status")
        uri = status.get("uri")
        if not isinstance(uri, str) or not uri:
            raise self._error(record, "status.uri", "has no uri", "the status's URI")
        created = self._time(status.get("created_at") or note.get("created_at"), record, "created_at")
        author_acct = status.get("account") if isinstance(status.get("account"), dict) else note.get("account")
        author = self._handle(author_acct) if isinstance(author_acct, dict) else None
        target = self._reply_target(status)
        content = status.get("content")
        text = html_to_text(content)[0] if isinstance(content, str) else None
        ctx.emit("interactions", {
            "interaction_key": post_key(PLATFORM, uri), "platform": PLATFORM, "native_id": uri,
            "kind": "reply" if target else "mention",
            "post_key": post_key(PLATFORM, target) if target else None,
            "in_reply_to": target, "author": author, "from_organisation": False,
            "created_at": created, "text": text, "language": None,
            "extra": _extra({
                "platform_lang": status.get("language"), "visibility": status.get("visibility"),
                "notification_id": str(nid), "url": status.get("url"),
                "in_reply_to_id": str(status["in_reply_to_id"]) if status.get("in_reply_to_id") and not target else None,
            }),
        })


def _next_page(page: Page) -> dict[str, Any] | None:
    """Older statuses: the Link header's rel="next" max_id (none, or an empty page: done)."""
    if not page.data:
        return None
    max_id = page.link_param("next", "max_id")
    return {"max_id": max_id} if max_id else None


def _count(status: dict[str, Any], name: str) -> int | None:
    n = status.get(name)
    return int(n) if isinstance(n, int) and not isinstance(n, bool) and n >= 0 else None


def _format(media: list[str], links: list[str]) -> str:
    kinds = {MEDIA_FORMATS.get(m, "other") for m in media}
    for f in ("video", "image", "other"):
        if f in kinds:
            return f
    return "link" if links else "text"


def _extra(values: dict[str, Any]) -> str:
    return orjson.dumps({k: v for k, v in values.items() if v is not None}).decode()
