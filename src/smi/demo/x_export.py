"""Write an account's posts as an X "Download an archive of your data" zip.

The layout follows real archives: `data/tweets.js` wrapped as `window.YTD.tweets.part0 = [ … ]`,
pretty-printed with two-space indents and `"key" : value`, every number as a string, the
legacy `created_at` ("Wed Jul 05 07:05:27 +0000 2023"), entities with indices, media in
`extended_entities`; `data/account.js`; `data/manifest.js` (`window.__THAR_CONFIG`, with
`archiveInfo.generationDate`). No follower.js: its count would date from the export day,
after the last month of data (the follower history is in audience.csv).
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import orjson

from smi.demo.generate import Post, World
from smi.demo.organisation import AccountSpec
from smi.demo.zipped import write_zip

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
SOURCES = (
    '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
    '<a href="http://twitter.com/download/iphone" rel="nofollow">Twitter for iPhone</a>',
    '<a href="https://about.twitter.com/products/tweetdeck" rel="nofollow">TweetDeck</a>',
)
_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _code(seed: str, n: int = 10) -> str:
    """A short stable code (t.co paths, media file names) from a string."""
    digest = int.from_bytes(hashlib.blake2b(seed.encode(), digest_size=16).digest(), "big")
    out = []
    for _ in range(n):
        digest, r = divmod(digest, 62)
        out.append(_B62[r])
    return "".join(out)


def _user_id(handle: str) -> str:
    return str(int.from_bytes(hashlib.blake2b(handle.lower().encode(), digest_size=7).digest(), "big"))


def legacy_time(dt: datetime) -> str:
    dt = dt.astimezone(UTC)
    return f"{DAYS[dt.weekday()]} {MONTHS[dt.month - 1]} {dt.day:02d} {dt:%H:%M:%S} +0000 {dt.year}"


def _iso_ms(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def _idx(a: int, b: int) -> list[str]:
    return [str(a), str(b)]


def tweet(p: Post) -> dict[str, Any]:
    """One post as the archive's `tweet` object."""
    tid = p.native_id
    hashtags: list[dict[str, Any]] = []
    mentions: list[dict[str, Any]] = []
    urls: list[dict[str, Any]] = []
    media: list[dict[str, Any]] = []
    if p.kind == "repost":
        body = f"RT @{p.repost_of}: {p.text}"
        body = body if len(body) <= 140 else body[:139] + "…"
        mentions.append({"name": p.repost_of, "screen_name": p.repost_of, "indices": _idx(3, 4 + len(p.repost_of or "")),
                         "id_str": _user_id(p.repost_of or ""), "id": _user_id(p.repost_of or "")})
        text = body
    else:
        text = p.text
        if p.kind == "reply" and p.in_reply_to_author:
            mentions.append({"name": p.in_reply_to_author, "screen_name": p.in_reply_to_author,
                             "indices": _idx(0, 1 + len(p.in_reply_to_author)),
                             "id_str": _user_id(p.in_reply_to_author), "id": _user_id(p.in_reply_to_author)})
        for tag in p.hashtags:
            start = len(text) + 1
            text += f" #{tag}"
            hashtags.append({"text": tag, "indices": _idx(start, start + 1 + len(tag))})
        for link in p.links:
            short = f"https://t.co/{_code(tid + link)}"
            start = len(text) + 1
            text += f" {short}"
            urls.append({"url": short, "expanded_url": link,
                         "display_url": link.split("://", 1)[1][:26] + ("…" if len(link.split("://", 1)[1]) > 26 else ""),
                         "indices": _idx(start, start + len(short))})
        if p.format in ("image", "video"):
            short = f"https://t.co/{_code(tid + 'media')}"
            start = len(text) + 1
            text += f" {short}"
            mid = str(int(tid) - 4096)
            kind = "photo" if p.format == "image" else "video"
            path = "media" if kind == "photo" else f"ext_tw_video_thumb/{mid}/pu/img"
            m: dict[str, Any] = {
                "expanded_url": f"https://x.com/{p.account.handle}/status/{tid}/{kind}/1",
                "indices": _idx(start, start + len(short)), "url": short,
                "media_url": f"http://pbs.twimg.com/{path}/{_code(mid, 15)}.jpg",
                "id_str": mid, "id": mid,
                "media_url_https": f"https://pbs.twimg.com/{path}/{_code(mid, 15)}.jpg",
                "sizes": {"large": {"w": "1600", "h": "1200", "resize": "fit"},
                          "thumb": {"w": "150", "h": "150", "resize": "crop"}},
                "type": "photo", "display_url": f"pic.x.com/{_code(tid + 'media')}",
            }
            media.append(m)
    entities: dict[str, Any] = {"hashtags": hashtags, "symbols": [], "user_mentions": mentions, "urls": urls}
    if media:
        entities["media"] = media
    t: dict[str, Any] = {
        "edit_info": {"initial": {"editTweetIds": [tid],
                                  "editableUntil": _iso_ms(p.published + timedelta(hours=1)),
                                  "editsRemaining": "5", "isEditEligible": p.kind == "original"}},
        "retweeted": False,
        "source": SOURCES[int(tid) % len(SOURCES)],
        "entities": entities,
        "display_text_range": _idx(0, len(text) - (len(media[0]["url"]) + 1 if media else 0)),
        "favorite_count": str(p.metrics.get("reactions") or 0),
    }
    if p.kind == "reply" and p.in_reply_to:
        t["in_reply_to_status_id_str"] = p.in_reply_to
    t["id_str"] = tid
    if p.kind == "reply" and p.in_reply_to_author:
        t["in_reply_to_user_id"] = _user_id(p.in_reply_to_author)
    t["truncated"] = False
    t["retweet_count"] = str(p.metrics.get("shares") or 0)
    t["id"] = tid
    if p.kind == "reply" and p.in_reply_to:
        t["in_reply_to_status_id"] = p.in_reply_to
    if media:
        t["possibly_sensitive"] = False
    t["created_at"] = legacy_time(p.published)
    t["favorited"] = False
    t["full_text"] = text
    t["lang"] = {"en": "en"}.get(p.language, "cy")
    if p.kind == "reply" and p.in_reply_to_author:
        t["in_reply_to_screen_name"] = p.in_reply_to_author
        t["in_reply_to_user_id_str"] = _user_id(p.in_reply_to_author)
    if media:
        ext = dict(media[0])
        if p.format == "video":
            ext["type"] = "video"
            ext["additional_media_info"] = {"monetizable": False}
            ext["video_info"] = {
                "aspect_ratio": ["16", "9"], "duration_millis": str(15000 + int(tid) % 45000),
                "variants": [{"bitrate": "2176000", "content_type": "video/mp4",
                              "url": f"https://video.twimg.com/ext_tw_video/{ext['id_str']}/pu/vid/1280x720/{_code(tid, 16)}.mp4"}],
            }
        t["extended_entities"] = {"media": [ext]}
    return t


_KEY = re.compile(r'^(\s*"(?:[^"\\]|\\.)*"): ', re.MULTILINE)
_EMPTY = re.compile(r"(?<= : )\[\](?=,?$)", re.MULTILINE)


def dump(value: Any) -> str:
    """JSON as X writes it: two-space indents, `"key" : value`, `[ ]` for an empty list."""
    text = orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()
    return _EMPTY.sub("[ ]", _KEY.sub(r"\1 : ", text))


def write_x_archive(world: World, acct: AccountSpec, directory: Path) -> Path:
    posts = sorted((p for p in world.posts if p.account.key == acct.key),
                   key=lambda p: (p.published, p.native_id), reverse=True)
    exported = world.exported
    account_no = _user_id(acct.handle)
    tweets = "window.YTD.tweets.part0 = " + dump([{"tweet": tweet(p)} for p in posts])
    account = "window.YTD.account.part0 = " + dump([{"account": {
        "email": f"{acct.user.lower()}@theatrglanymor.example",
        "createdVia": "web",
        "username": acct.handle,
        "accountId": account_no,
        "createdAt": "2012-03-01T10:11:12.000Z",
        "accountDisplayName": acct.display_name,
    }}])
    manifest = "window.__THAR_CONFIG = " + dump({
        "userInfo": {"accountId": account_no, "userName": acct.handle, "displayName": acct.display_name},
        "archiveInfo": {
            "sizeBytes": str(len(tweets.encode()) + len(account.encode())),
            "generationDate": _iso_ms(exported),
            "isPartialArchive": False,
            "maxPartSizeBytes": "53687091200",
        },
        "readmeInfo": {"fileName": "data/README.txt", "directory": "data/", "name": "README.txt"},
        "dataTypes": {
            "account": {"files": [{"fileName": "data/account.js", "globalName": "YTD.account.part0",
                                   "count": "1"}]},
            "tweets": {"files": [{"fileName": "data/tweets.js", "globalName": "YTD.tweets.part0",
                                  "count": str(len(posts))}], "mediaDirectory": "data/tweets_media"},
        },
    })
    local = exported.astimezone(ZoneInfo(world.org.timezone))
    path = directory / f"twitter-{local:%Y-%m-%d}-{acct.handle.lower()}.zip"
    write_zip(path, {
        "data/manifest.js": manifest.encode(),
        "data/account.js": account.encode(),
        "data/tweets.js": tweets.encode(),
    }, local)
    return path

