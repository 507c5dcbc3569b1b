"""Deterministic generators of big inputs for the benchmark (written to bench/out/).

- `x_archive(n)`: an X/Twitter "download your data" folder (data/tweets.js, account.js,
  manifest.js) with n tweets in Twitter's own pretty-printed layout, newest first, ~1 KB
  a tweet, with replies, `RT @` retweets, hashtags, mentions, links and some photos.
- `canonical_csv(n)`: canonical interactions.csv with n rows and a posts.csv of the posts
  they answer (about 100,000), written with pyarrow from vectorised columns.

Generated files are kept and reused when they already exist for the same n (generation
is not what the benchmark measures). Run `python bench/generate.py --help`.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

OUT = Path(__file__).resolve().parent / "out"
VERSION = "1"  # bump when the generated layout changes, so old outputs are regenerated

# The data cover 2024-01-01 .. 2026-10-31 (UTC): the last complete month is 2026-10.
START = 1704067200  # 2024-01-01T00:00:00Z
END = 1793491200  # 2026-11-01T00:00:00Z
LAST_MONTH = "2026-10"

ORG_HANDLE = "BenchArtsWales"
ORG_NAME = "Bench Arts Wales"
ORG_ID = "1321902678188974081"
TWITTER_EPOCH_MS = 1288834974657

INTERACTION_COLUMNS = (
    "platform", "interaction_id", "kind", "post_id", "in_reply_to", "author",
    "from_organisation", "created_at", "text",
)
POST_COLUMNS = ("platform", "post_id", "account", "published_at", "kind", "format", "text", "url")

# -- text pools ------------------------------------------------------------------------------

SENTENCES = [
    "Tickets for our summer concert in the park are on sale now",
    "Thank you to everyone who came to the open rehearsal last night",
    "We are looking for volunteers to help at the festival this weekend",
    "Our youth choir sang beautifully at the community centre today",
    "Doors open at 7pm, the show starts at 7.30pm, see you there",
    "New workshop dates for beginners have been added to the calendar",
    "The gallery is closed on Monday for maintenance, sorry for any trouble",
    "Read our annual report to see what your support made possible this year",
    "Free family art sessions every Saturday morning during the holidays",
    "We are delighted to announce our new artist in residence",
    "Last chance to book for the autumn dance classes",
    "Behind the scenes: building the set for next month's production",
    "Our accessible performance has audio description and a relaxed setting",
    "Huge thanks to our funders for supporting the schools programme",
    "Applications for the young writers' award close on Friday",
    "Come and meet the makers at our craft fair in the town hall",
    "Mae tocynnau ar gyfer y cyngerdd haf ar werth nawr",
    "Diolch i bawb a ddaeth i'r ymarfer agored neithiwr",
    "Rydym yn chwilio am wirfoddolwyr i helpu yn yr ŵyl y penwythnos hwn",
    "Sesiynau celf am ddim i deuluoedd bob bore Sadwrn",
    "Croeso i'n hartist preswyl newydd",
    "Mae'r oriel ar gau ddydd Llun, mae'n ddrwg gennym",
    "Dewch i gwrdd â'r gwneuthurwyr yn y ffair grefftau",
    "Darllenwch ein hadroddiad blynyddol i weld beth wnaeth eich cefnogaeth yn bosibl",
]
HASHTAGS = [
    "arts", "wales", "cymru", "theatre", "music", "volunteering", "community", "dance",
    "celf", "cerddoriaeth", "gigs", "family", "festival", "choir", "gallery", "accessibility",
]
MENTIONS = [
    ("Arts Council of Wales", "Arts_Wales_", "78563122"),
    ("Cardiff Council", "CardiffCouncil", "23918402"),
    ("BBC Wales", "BBCWales", "15399314"),
    ("S4C", "S4C", "17235283"),
    ("National Lottery", "TNLCommunityFund", "211890345"),
    ("Wales Millennium Centre", "wmcmilleniwm", "19227114"),
    ("Visit Wales", "VisitWales", "22193722"),
    ("Jo Evans", "joevans_arts", "998877665"),
    ("Rhian Jones", "rhianjones", "1176543210"),
    ("Local Radio", "localradiowales", "54321987"),
]
SOURCES = [
    "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
    "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
    "<a href=\"https://about.twitter.com/products/tweetdeck\" rel=\"nofollow\">TweetDeck</a>",
    "<a href=\"https://www.hootsuite.com\" rel=\"nofollow\">Hootsuite Inc.</a>",
]
LINKS = [
    "https://bencharts.example.org/whats-on",
    "https://bencharts.example.org/tickets/summer-concert",
    "https://bencharts.example.org/volunteer",
    "https://bencharts.example.org/annual-report-2025",
    "https://bencharts.example.org/cy/digwyddiadau",
]
COMMENTS = [
    "What time does it start?",
    "Is there parking nearby?",
    "Loved it, thank you!",
    "Are tickets still available for Saturday?",
    "Is the venue wheelchair accessible?",
    "Brilliant show last night 👏",
    "Can I bring my children?",
    "How do I sign up to volunteer?",
    "The link doesn't work for me",
    "Will there be a recording?",
    "Amazing work as always",
    "Do you offer concessions for students?",
    "Faint o'r gloch mae'n dechrau?",
    "Diolch yn fawr, noson wych!",
    "Oes tocynnau ar ôl ar gyfer nos Sadwrn?",
    "Ydy'r lleoliad yn hygyrch i gadeiriau olwyn?",
    "Gwych! Edrych ymlaen",
    "Thanks for letting us know",
    "Is it dog friendly?",
    "See you there!",
]
ORG_REPLIES = [
    "Thanks for asking! It starts at 7.30pm.",
    "Yes, the venue is fully accessible. Let us know if you need anything.",
    "Thank you so much, glad you enjoyed it!",
    "Sorry about that, we've fixed the link now.",
    "Diolch! Mae'n dechrau am 7.30yh.",
    "Yes, a few tickets are left for Saturday.",
    "Please send us a message and we'll help.",
]
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


# -- Twitter's pretty printer ----------------------------------------------------------------

def _s(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def pretty(value: object, indent: int) -> str:
    """JSON the way Twitter's archive writes it: `"key" : value`, 2-space indents, `[ ]`."""
    pad = " " * indent
    inner = " " * (indent + 2)
    if isinstance(value, dict):
        if not value:
            return "{ }"
        items = ",\n".join(f"{inner}{_s(k)} : {pretty(v, indent + 2)}" for k, v in value.items())
        return "{\n" + items + "\n" + pad + "}"
    if isinstance(value, list):
        if not value:
            return "[ ]"
        return "[\n" + ",\n".join(inner + pretty(v, indent + 2) for v in value) + "\n" + pad + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return _s(str(value))


# -- X archive -------------------------------------------------------------------------------

@dataclass
class _Variant:
    kind: str  # original | reply | repost
    block: str  # the lines from "source" through "display_text_range", pretty-printed
    text: str  # full_text, JSON-encoded
    lang: str
    reply_name: str | None = None
    reply_user: str | None = None


def _variant(rng: random.Random, kind: str) -> _Variant:
    sentence = rng.choice(SENTENCES)
    lang = "cy" if sentence in SENTENCES[16:] else "en"
    mentions: list[tuple[str, str, str]] = []
    text = ""
    reply_name = reply_user = None
    if kind == "reply":
        who = rng.choice(MENTIONS)
        reply_name, reply_user = who[1], who[2]
        mentions.append(who)
        text = f"@{who[1]} "
    elif kind == "repost":
        who = rng.choice(MENTIONS)
        mentions.append(who)
        text = f"RT @{who[1]}: "
    positions: list[tuple[int, int]] = []
    if mentions:
        start = 3 if kind == "repost" else 0
        positions.append((start, start + 1 + len(mentions[0][1])))
    text += sentence
    if kind != "repost" and rng.random() < 0.5:
        text += ". Find out more:"
    tags = rng.sample(HASHTAGS, rng.choice((0, 0, 1, 1, 2, 3)))
    extra_mentions = rng.sample(MENTIONS, rng.choice((0, 0, 0, 1))) if kind == "original" else []
    for m in extra_mentions:
        text += " "
        positions.append((len(text), len(text) + 1 + len(m[1])))
        text += f"@{m[1]}"
        mentions.append(m)
    tag_pos = []
    for t in tags:
        text += " "
        tag_pos.append((len(text), len(text) + 1 + len(t)))
        text += f"#{t}"
    urls = []
    if rng.random() < 0.35:
        link = rng.choice(LINKS)
        short = "https://t.co/" + "".join(rng.choice("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(10))
        text += " "
        start = len(text)
        text += short
        display = link.removeprefix("https://")
        urls.append({"url": short, "expanded_url": link,
                     "display_url": display[:26] + "…" if len(display) > 27 else display,
                     "indices": [str(start), str(len(text))]})
    if kind == "repost" and len(text) > 140:
        text = text[:139] + "…"
        urls = [u for u in urls if int(u["indices"][1]) <= 139]
        tag_pos = [p for p in tag_pos if p[1] <= 139]
        tags = tags[: len(tag_pos)]
    entities = {
        "hashtags": [{"text": t, "indices": [str(a), str(b)]} for t, (a, b) in zip(tags, tag_pos, strict=True)],
        "symbols": [],
        "user_mentions": [
            {"name": m[0], "screen_name": m[1], "indices": [str(a), str(b)], "id_str": m[2], "id": m[2]}
            for m, (a, b) in zip(mentions, positions, strict=True)
        ],
        "urls": urls,
    }
    lines = [
        f'      "source" : {_s(rng.choice(SOURCES))}',
        f'      "entities" : {pretty(entities, 6)}',
        f'      "display_text_range" : {pretty(["0", str(len(text))], 6)}',
    ]
    return _Variant(kind, ",\n".join(lines), _s(text), lang, reply_name, reply_user)


TWEET = """  {{
    "tweet" : {{
      "edit_info" : {{
        "initial" : {{
          "editTweetIds" : [
            "{id}"
          ],
          "editableUntil" : "{until}",
          "editsRemaining" : "5",
          "isEditEligible" : {eligible}
        }}
      }},
      "retweeted" : false,
{block},
      "favorite_count" : "{fav}",{reply_a}
      "id_str" : "{id}",
      "truncated" : false,
      "retweet_count" : "{rts}",
      "id" : "{id}",{reply_b}
      "created_at" : "{created}",
      "favorited" : false,
      "full_text" : {text},
      "lang" : "{lang}"{reply_c}
    }}
  }}"""

REPLY_A = '\n      "in_reply_to_status_id_str" : "{sid}",'
REPLY_B = '\n      "in_reply_to_status_id" : "{sid}",'
REPLY_C = ',\n      "in_reply_to_screen_name" : "{name}",\n      "in_reply_to_user_id_str" : "{uid}"'
REPLY_B_USER = '\n      "in_reply_to_user_id" : "{uid}",'


def _legacy(ts: int) -> str:
    t = time.gmtime(ts)
    return f"{DAYS[t.tm_wday]} {MONTHS[t.tm_mon - 1]} {t.tm_mday:02d} {t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} +0000 {t.tm_year}"


def _iso(ts: int, ms: int) -> str:
    t = time.gmtime(ts)
    return f"{t.tm_year}-{t.tm_mon:02d}-{t.tm_mday:02d}T{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}.{ms:03d}Z"


def write_tweets_js(path: Path, n: int, seed: int = 1) -> None:
    """Write n tweets, newest first, to `path` in the archive's exact layout."""
    rng = random.Random(seed)
    kinds = ["original"] * 78 + ["reply"] * 12 + ["repost"] * 10
    pool = [_variant(rng, kinds[i % 100]) for i in range(4000)]
    npr = np.random.default_rng(seed)
    secs = np.sort(npr.integers(START, END, size=n))[::-1]
    ms = npr.integers(0, 1000, size=n)
    ids = ((secs * 1000 + ms - TWITTER_EPOCH_MS) << 22) | npr.integers(0, 1 << 22, size=n)
    variant = npr.integers(0, len(pool), size=n)
    fav = np.minimum(npr.geometric(0.25, size=n) - 1, 5000)
    rts = np.minimum(npr.geometric(0.5, size=n) - 1, 5000)
    eligible = npr.random(size=n) < 0.97
    reply_to = ids - npr.integers(1 << 30, 1 << 40, size=n)
    secs_l, ms_l, ids_l = secs.tolist(), ms.tolist(), ids.tolist()
    variant_l, fav_l, rts_l, elig_l, reply_l = (
        variant.tolist(), fav.tolist(), rts.tolist(), eligible.tolist(), reply_to.tolist())
    with path.open("w", encoding="utf-8", buffering=1 << 22) as f:
        f.write("window.YTD.tweets.part0 = [\n")
        chunk: list[str] = []
        for i in range(n):
            v = pool[variant_l[i]]
            s = secs_l[i]
            reply_a = reply_b = reply_c = ""
            if v.kind == "reply":
                sid = reply_l[i]
                reply_a = REPLY_A.format(sid=sid)
                reply_b = REPLY_B_USER.format(uid=v.reply_user) + REPLY_B.format(sid=sid)
                reply_c = REPLY_C.format(name=v.reply_name, uid=v.reply_user)
            chunk.append(TWEET.format(
                id=ids_l[i], until=_iso(s + 3600, ms_l[i]), eligible="true" if elig_l[i] else "false",
                block=v.block, fav=0 if v.kind == "repost" else fav_l[i],
                rts=0 if v.kind == "repost" else rts_l[i], reply_a=reply_a, reply_b=reply_b,
                reply_c=reply_c, created=_legacy(s), text=v.text, lang=v.lang,
            ))
            if len(chunk) >= 20_000:
                f.write(",\n".join(chunk))
                f.write(",\n" if i < n - 1 else "")
                chunk = []
        f.write(",\n".join(chunk))
        f.write("\n]\n" if n else "]\n")


def x_archive(n: int, out: Path = OUT, seed: int = 1) -> Path:
    """The folder of an X archive with n tweets (generated once, then reused)."""
    folder = out / f"x-archive-{n}"
    stamp = out / f"x-archive-{n}.done"
    if folder.is_dir() and stamp.exists() and stamp.read_text() == f"{VERSION} {seed}":
        return folder
    tmp = out / f".x-archive-{n}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "data").mkdir(parents=True)
    write_tweets_js(tmp / "data" / "tweets.js", n, seed)
    account = {"account": {
        "email": "hello@bencharts.example.org", "createdVia": "web", "username": ORG_HANDLE,
        "accountId": ORG_ID, "createdAt": "2012-03-01T10:00:00.000Z", "accountDisplayName": ORG_NAME,
    }}
    (tmp / "data" / "account.js").write_text(
        "window.YTD.account.part0 = [\n  " + pretty(account, 2) + "\n]", encoding="utf-8")
    size = (tmp / "data" / "tweets.js").stat().st_size
    manifest = (
        "window.__THAR_CONFIG = {\n"
        f'  "userInfo" : {{\n    "accountId" : "{ORG_ID}",\n    "userName" : "{ORG_HANDLE}",\n'
        f'    "displayName" : "{ORG_NAME}"\n  }},\n'
        f'  "archiveInfo" : {{\n    "sizeBytes" : "{size}",\n'
        '    "generationDate" : "2026-11-01T09:00:00.000Z",\n    "isPartialArchive" : false,\n'
        '    "maxPartSizeBytes" : "53687091200"\n  },\n'
        '  "dataTypes" : {\n'
        '    "account" : {\n      "files" : [ {\n        "fileName" : "data/account.js",\n'
        '        "globalName" : "YTD.account.part0",\n        "count" : "1"\n      } ]\n    },\n'
        '    "tweets" : {\n      "mediaDirectory" : "data/tweets_media",\n      "files" : [ {\n'
        '        "fileName" : "data/tweets.js",\n        "globalName" : "YTD.tweets.part0",\n'
        f'        "count" : "{n}"\n      }} ]\n    }}\n  }}\n}}'
    )
    (tmp / "data" / "manifest.js").write_text(manifest, encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)
    stamp.write_text(f"{VERSION} {seed}")
    return folder


# -- canonical CSVs ----------------------------------------------------------------------------

PLATFORM_SHARE = {"facebook": 0.4, "instagram": 0.3, "linkedin": 0.2, "youtube": 0.1}
FORMATS = {"facebook": ("text", "image", "link", "video"), "instagram": ("image", "carousel", "reel"),
           "linkedin": ("text", "image", "link"), "youtube": ("video",)}


def _iso_col(secs: np.ndarray) -> pa.Array:
    ts = pa.array(secs.astype("datetime64[s]"), type=pa.timestamp("s", tz="UTC"))
    return pc.strftime(ts, format="%Y-%m-%dT%H:%M:%SZ")


def _posts_table(n_posts: int, seed: int) -> tuple[pa.Table, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    names = list(PLATFORM_SHARE)
    plat = rng.choice(len(names), size=n_posts, p=list(PLATFORM_SHARE.values()))
    secs = np.sort(rng.integers(START, END - 14 * 86400, size=n_posts))
    post_ids = np.arange(n_posts, dtype=np.int64) + 10_000_000_000
    fmt = [rng.choice(len(FORMATS[p]), size=n_posts) for p in names]
    formats = pa.array([FORMATS[names[p]][fmt[p][i]] for i, p in enumerate(plat.tolist())])
    platform = pa.array(names).take(pa.array(plat))
    text = pa.array(SENTENCES).take(pa.array(rng.integers(0, len(SENTENCES), size=n_posts)))
    ids = pa.array(post_ids).cast(pa.string())
    url = pc.binary_join_element_wise("https://", platform, ".example.com/bencharts/", ids, "")
    table = pa.table({
        "platform": platform, "post_id": ids, "account": pa.array(["@bencharts"] * n_posts),
        "published_at": _iso_col(secs), "kind": pa.array(["original"] * n_posts),
        "format": formats, "text": text, "url": url,
    })
    return table, plat, secs, post_ids


def _write_csv(table: pa.Table, path: Path) -> None:
    """A header as a spreadsheet writes it (unquoted), then the rows (text quoted)."""
    with path.open("wb") as f:
        f.write((",".join(table.column_names) + "\n").encode())
        pacsv.write_csv(table, f, pacsv.WriteOptions(include_header=False))


def write_interactions_csv(folder: Path, n: int, seed: int = 2, n_posts: int = 100_000) -> None:
    """posts.csv (n_posts rows, at most n) and interactions.csv (n rows) in `folder`."""
    n_posts = max(1, min(n_posts, n))
    posts, post_plat, post_secs, post_ids = _posts_table(n_posts, seed)
    _write_csv(posts, folder / "posts.csv")
    names = np.array(list(PLATFORM_SHARE))
    kinds = np.array(["comment", "reply", "mention", "message", "review"])
    comments = pa.array(COMMENTS)
    replies = pa.array(ORG_REPLIES)
    schema = pa.schema([(c, pa.bool_() if c == "from_organisation" else pa.string()) for c in INTERACTION_COLUMNS])
    popular = np.random.default_rng(seed).permutation(n_posts)  # popular[0] gets the most
    chunk = 1_000_000
    no_header = pacsv.WriteOptions(include_header=False)
    with (folder / "interactions.csv").open("wb") as f, pacsv.CSVWriter(f, schema, write_options=no_header) as w:
        f.write((",".join(schema.names) + "\n").encode())
        for start in range(0, n, chunk):
            m = min(chunk, n - start)
            rng = np.random.default_rng([seed, start])
            # Popular posts get more: a Zipf-like choice of post.
            post = popular[np.minimum((rng.pareto(1.2, size=m) * n_posts / 50).astype(np.int64), n_posts - 1)]
            kind = rng.choice(5, size=m, p=[0.6, 0.25, 0.1, 0.04, 0.01])
            org = (kind == 1) & (rng.random(size=m) < 0.6)
            delay = np.minimum(rng.exponential(6 * 3600, size=m).astype(np.int64), 13 * 86400)
            secs = post_secs[post] + 60 + delay
            seq = np.arange(start, start + m, dtype=np.int64)
            # A reply answers an earlier interaction (the one just before it, often).
            parent = np.where(kind == 1, np.maximum(seq - 1 - rng.integers(0, 50, size=m), 0), -1)
            author_no = pa.array(rng.zipf(1.6, size=m) % 250_000).cast(pa.string())
            author = pc.if_else(pa.array(org), pa.scalar("@bencharts"),
                                pc.binary_join_element_wise("@fan_", author_no, ""))
            text = pc.if_else(pa.array(org),
                              replies.take(pa.array(rng.integers(0, len(ORG_REPLIES), size=m))),
                              comments.take(pa.array(rng.integers(0, len(COMMENTS), size=m))))
            iid = pc.binary_join_element_wise("i", pa.array(seq).cast(pa.string()), "")
            reply_to = pc.if_else(pa.array(parent >= 0),
                                  pc.binary_join_element_wise("i", pa.array(parent).cast(pa.string()), ""),
                                  pa.scalar(None, pa.string()))
            batch = pa.table({
                "platform": pa.array(names[post_plat[post]]),
                "interaction_id": iid,
                "kind": pa.array(kinds[kind]),
                "post_id": pa.array(post_ids[post]).cast(pa.string()),
                "in_reply_to": reply_to,
                "author": author,
                "from_organisation": pa.array(org),
                "created_at": _iso_col(secs),
                "text": text,
            }, schema=schema)
            w.write_table(batch)


def canonical_csv(n: int, out: Path = OUT, seed: int = 2) -> Path:
    """The folder holding posts.csv and interactions.csv with n interactions (reused)."""
    folder = out / f"canonical-{n}"
    stamp = out / f"canonical-{n}.done"
    if folder.is_dir() and stamp.exists() and stamp.read_text() == f"{VERSION} {seed}":
        return folder
    tmp = out / f".canonical-{n}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    write_interactions_csv(tmp, n, seed)
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)
    stamp.write_text(f"{VERSION} {seed}")
    return folder


def main() -> None:
    ap = argparse.ArgumentParser(description="Generate the benchmark's inputs into bench/out/.")
    ap.add_argument("--tweets", type=int, default=1_000_000, help="tweets in the X archive")
    ap.add_argument("--interactions", type=int, default=10_000_000, help="rows of interactions.csv")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for label, fn, n in (("tweets", x_archive, args.tweets), ("interactions", canonical_csv, args.interactions)):
        t = time.perf_counter()
        path = fn(n, args.out)
        print(f"{n:,} {label}: {path} ({time.perf_counter() - t:.1f} s)")


if __name__ == "__main__":
    main()
