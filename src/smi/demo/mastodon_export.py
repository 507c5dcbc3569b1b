"""Write an account's posts as a Mastodon "Request your archive" zip.

As real archives: `outbox.json`, an ActivityStreams OrderedCollection on one line, oldest
activity first: `Create` activities whose object is a Note (HTML content, `contentMap` with
the language, attachments, hashtag and mention tags) and `Announce` activities (boosts,
whose object is the boosted post's URL); `actor.json`, the Person; empty `likes.json` and
`bookmarks.json`. An archive carries no favourite or boost counts.
"""

from __future__ import annotations

import hashlib
import json
from html import escape
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from smi.demo.generate import Post, World
from smi.demo.organisation import AccountSpec
from smi.demo.zipped import write_zip

AS = "https://www.w3.org/ns/activitystreams"
PUBLIC = f"{AS}#Public"
CONTEXT = [AS, "https://w3id.org/security/v1", {
    "manuallyApprovesFollowers": "as:manuallyApprovesFollowers", "sensitive": "as:sensitive",
    "Hashtag": "as:Hashtag", "toot": "http://joinmastodon.org/ns#",
    "atomUri": "ostatus:atomUri", "inReplyToAtomUri": "ostatus:inReplyToAtomUri",
    "conversation": "ostatus:conversation", "ostatus": "http://ostatus.org#",
    "blurhash": "toot:blurhash", "focalPoint": {"@container": "@list", "@id": "toot:focalPoint"},
}]


def _html_text(text: str) -> str:
    return escape(text, quote=False).replace("'", "&#39;").replace('"', "&quot;")


def _hex(seed: str, n: int = 16) -> str:
    return hashlib.blake2b(seed.encode(), digest_size=16).hexdigest()[:n]


def _time(p: Post) -> str:
    return p.published.strftime("%Y-%m-%dT%H:%M:%SZ")


def note(p: Post, acct: AccountSpec) -> dict[str, Any]:
    user, host = acct.handle.split("@")
    actor = f"https://{host}/users/{user}"
    paragraphs = p.text.split("\n\n")
    tags: list[dict[str, Any]] = []
    cc = [f"{actor}/followers"]
    html = []
    for i, para in enumerate(paragraphs):
        body = _html_text(para)
        if i == 0 and p.kind == "reply" and p.in_reply_to_author and body.startswith("@"):
            ruser, rhost = p.in_reply_to_author.split("@")
            href = f"https://{rhost}/@{ruser}"
            body = (f'<span class="h-card" translate="no"><a href="{href}" class="u-url mention">'
                    f"@<span>{ruser}</span></a></span>" + body[len(ruser) + 1:])
            tags.append({"type": "Mention", "href": f"https://{rhost}/users/{ruser}",
                         "name": f"@{ruser}@{rhost}"})
            cc.append(f"https://{rhost}/users/{ruser}")
        html.append(body)
    extra = []
    for tag in p.hashtags:
        extra.append(f'<a href="https://{host}/tags/{tag.lower()}" class="mention hashtag" '
                     f'rel="tag">#<span>{tag}</span></a>')
        tags.append({"type": "Hashtag", "href": f"https://{host}/tags/{tag.lower()}", "name": f"#{tag.lower()}"})
    for link in p.links:
        scheme, rest = link.split("://", 1)
        extra.append(f'<a href="{link}" target="_blank" rel="nofollow noopener noreferrer" '
                     f'translate="no"><span class="invisible">{scheme}://</span>'
                     f'<span class="">{rest}</span><span class="invisible"></span></a>')
    if extra:
        html.append(" ".join(extra))
    content = "".join(f"<p>{h}</p>" for h in html)
    lang = {"en": "en"}.get(p.language, "cy")
    attachments = []
    if p.format in ("image", "video"):
        code = _hex(p.native_id)
        digits = "/".join(code[i:i + 3] for i in range(0, 15, 3))
        is_video = p.format == "video"
        attachments.append({
            "type": "Document", "mediaType": "video/mp4" if is_video else "image/jpeg",
            "url": f"/{user}/media_attachments/files/{digits}/original/{code}.{'mp4' if is_video else 'jpeg'}",
            "name": ("Fideo o'r ymarfer / Rehearsal video" if is_video
                     else "Llun o'r theatr / A photo from the theatre"),
            "blurhash": "U" + _hex(p.native_id + "b", 27), "width": 1440, "height": 1080,
        })
    status = p.native_id
    obj: dict[str, Any] = {
        "id": status, "type": "Note", "summary": None,
        "inReplyTo": p.in_reply_to if p.kind == "reply" else None,
        "published": _time(p), "url": p.url, "attributedTo": actor,
        "to": [PUBLIC], "cc": cc, "sensitive": False, "atomUri": status,
        "inReplyToAtomUri": p.in_reply_to if p.kind == "reply" else None,
        "conversation": f"tag:{host},{p.published:%Y-%m-%d}:objectId={int(_hex(status, 7), 16)}:objectType=Conversation",
        "content": content, "contentMap": {lang: content},
        "attachment": attachments, "tag": tags,
        "replies": {"id": f"{status}/replies", "type": "Collection",
                    "first": {"type": "CollectionPage", "next": f"{status}/replies?only_other_accounts=true&page=true",
                              "partOf": f"{status}/replies", "items": []}},
    }
    return {"id": f"{status}/activity", "type": "Create", "actor": actor, "published": _time(p),
            "to": [PUBLIC], "cc": cc, "object": obj}


def announce(p: Post, acct: AccountSpec, world: World) -> dict[str, Any]:
    user, host = acct.handle.split("@")
    src = next(a for a in world.org.accounts if a.platform == "mastodon" and a.user == p.repost_of)
    suser, shost = src.handle.split("@")
    target = p.repost_of_id
    return {"id": f"{p.native_id}/activity", "type": "Announce", "actor": f"https://{host}/users/{user}",
            "published": _time(p), "to": [PUBLIC],
            "cc": [f"https://{shost}/users/{suser}", f"https://{host}/users/{user}/followers"],
            "object": target}


def _collection(name: str, items: list[Any]) -> bytes:
    return json.dumps({"@context": AS, "id": name, "type": "OrderedCollection",
                       "totalItems": len(items), "orderedItems": items},
                      ensure_ascii=False, separators=(",", ":")).encode()


def write_mastodon_archive(world: World, acct: AccountSpec, directory: Path) -> Path:
    user, host = acct.handle.split("@")
    posts = sorted((p for p in world.posts if p.account.key == acct.key),
                   key=lambda p: (p.published, p.native_id))
    items = [announce(p, acct, world) if p.kind == "repost" else note(p, acct) for p in posts]
    outbox = json.dumps({"@context": CONTEXT, "id": "outbox.json", "type": "OrderedCollection",
                         "totalItems": len(items), "orderedItems": items},
                        ensure_ascii=False, separators=(",", ":")).encode()
    actor_url = f"https://{host}/users/{user}"
    actor = json.dumps({
        "@context": [AS, "https://w3id.org/security/v1"],
        "id": actor_url, "type": "Person",
        "following": f"{actor_url}/following", "followers": f"{actor_url}/followers",
        "inbox": f"{actor_url}/inbox", "outbox": "outbox.json",
        "preferredUsername": user, "name": acct.display_name,
        "summary": "<p>Theatr gymunedol ddwyieithog ar yr arfordir. A bilingual community theatre on the coast.</p>"
        if acct.official else "<p>Swyddog Ymgysylltu Cymunedol / Community Engagement Officer</p>",
        "url": f"https://{host}/@{user}", "manuallyApprovesFollowers": False, "discoverable": True,
        "published": "2022-11-10T00:00:00Z",
        "endpoints": {"sharedInbox": f"https://{host}/inbox"},
        "icon": {"type": "Image", "mediaType": "image/png", "url": "avatar.png"},
        "likes": "likes.json", "bookmarks": "bookmarks.json",
    }, ensure_ascii=False, separators=(",", ":")).encode()
    local = world.exported.astimezone(ZoneInfo(world.org.timezone))
    path = directory / f"archive-{local:%Y%m%d%H%M%S}-{_hex(acct.handle, 32)}.zip"
    write_zip(path, {
        "outbox.json": outbox,
        "actor.json": actor,
        "likes.json": _collection("likes.json", []),
        "bookmarks.json": _collection("bookmarks.json", []),
    }, local)
    return path
