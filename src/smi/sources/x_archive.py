"""X/Twitter account archive ("Download an archive of your data").

What it reads, from the archive zip, its `data/` folder, or a `tweets.js` / `tweet.js` alone:

- every tweets file: `tweets.js`, `tweets-part1.js`, … (2022 and later) or `tweet.js`,
  `tweet-part1.js`, … (older archives), wrapped as `window.YTD.tweets.partN = [ … ]` or
  `window.YTD.tweet.partN = [ … ]`; each element is `{"tweet": {…}}`, numbers are strings;
- `account.js` (handle, account id, display name), `follower.js` (the follower list: its
  length is the follower count on the day the archive was made) and `manifest.js`
  (`window.__THAR_CONFIG`: the archive's generation date, and the handle again).

Sibling files in one folder are one unit, imported in one transaction. The archive's other
data files in that folder (like.js, following.js, …), its README.txt and media folders are
recognised and not read, so they are not reported as unknown.

Photos: each photo's file as the archive names it, `tweets_media/<tweet id>-<last path part
of media_url_https>`, with `ext_alt_text`, goes to the post's `extra` as `media` (a list of
{"file", "alt"}). The files of those present that are JPEG, PNG, GIF or WebP by their first
bytes and at most MEDIA_MAX_BYTES are kept in the workspace's archive (ImportContext.keep_file)
for the report's thumbnails (smi.images); others are skipped, counted in one warning.

Mapping: a tweet whose text starts `RT @` is a repost, one with `in_reply_to_status_id_str`
a reply, one with `is_quote_status`/`quoted_status_id` a quote. Real archives often lack
both quote fields: a tweet whose only link (`entities.urls`) is a tweet's address
(`https://twitter.com/<handle>/status/<id>`, x.com too) is a quote as well (X shows a
tweet address as the quoted tweet); its id goes to `extra.quoted_status_id`. Format: video (media of
type video or animated_gif), image (photo), link (a URL in entities), else text.
`favorite_count` gives reactions and `retweet_count` shares; the archive gives no other
metric, so they stay NULL. The platform's `lang` is not trusted (it mislabels short
Welsh or Dutch tweets): it is kept in `extra` as `platform_lang` and `language` is left
for language detection.

The account: account.js, else the manifest's userName, else `--account`, else a
placeholder (`x:unknown-x-account`) with a warning that says how to fix it.

When the numbers were true (`observed_at`): the manifest's generation date; without a
manifest, the `--as-of` the user gave; without either, the modification time of the
file given (the zip, or the tweets file), which is usually when it was downloaded (the
import summary says that date was assumed). As everywhere in smi, an explicit `--as-of`
wins over what the files say.

Speed: a tweets file can be a gigabyte (1M tweets: about 1.4 GB). It is never loaded
whole. Archives are pretty-printed, each element starting at a line `  {` and ending at
`  },`: the file is read in 2 MB chunks cut at the last such boundary, and each chunk is
decoded in one msgspec call that builds only the fields mapped here (the rest is skipped,
and each tweet is kept raw as compact JSON). Files in another layout (e.g. minified) are
streamed with ijson. Rows go to the store as Arrow columns, 20,000 tweets at a time.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

import ijson
import msgspec
import orjson
import pyarrow as pa

from smi.canonical import SCHEMAS, STR_LIST, TS, X_PLACEHOLDER_HANDLE
from smi.errors import SourceError
from smi.platforms import account_id, parse_account
from smi.sources.base import ImportContext, ImportOptions, Source, Unit, register
from smi.sources.files import IJSON_BUF, InputFile, StringGuard

PLATFORM = "x"
PLACEHOLDER = X_PLACEHOLDER_HANDLE

CHUNK = 2 << 20  # bytes read at a time (bigger is no faster, and holds more memory)
MAX_PENDING = 64 << 20  # no element boundary in this much: not the pretty layout
IJSON_BATCH = 10_000
FLUSH_ROWS = 20_000  # tweets per Arrow batch

_TWEETS_FILE = re.compile(r"^tweets?(?:-part(\d+))?\.js$")
_YTD = re.compile(r"window\.YTD\.(\w+)\.part(\d+)\s*=")
_WRAPPER = re.compile(rb"\s*window\.YTD\.(\w+)\.part\d+\s*=\s*")
_TWEET_ID = re.compile(rb'\n      "id_str"\s*:\s*"(\d+)"')
_STATUS_URL = re.compile(r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/\w{1,15}/status(?:es)?/(\d+)", re.I)
_MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DAYS: dict[tuple[str, str, str], int] = {}  # (month, day, year) -> seconds since 1970 at 00:00 UTC
_LANG_JSON: dict[str, str] = {}  # the `extra` of a tweet with only a platform language
MEDIA_NAME = re.compile(r"[A-Za-z0-9_-]{1,100}\.(?:jpe?g|png|gif|webp)", re.I)
MEDIA_MAX_BYTES = 5 << 20  # an image kept from tweets_media/ (larger ones are skipped, with a warning)
_UNKNOWN_URL = "https://x.com/i/web/status/"
_FIX = "download the archive again from X (Settings > Your account > Download an archive of your data)"


class _Bad(Exception):
    """A tweet field that cannot be mapped (becomes a SourceError naming the record)."""

    def __init__(self, field: str, problem: str, expected: str | None = None) -> None:
        super().__init__(problem)
        self.field = field
        self.problem = problem
        self.expected = expected


@dataclass
class _Account:
    """The account the tweets being mapped belong to."""

    account_id: str
    url_prefix: str
    observed_at: datetime | None


@register
class XArchive(Source):
    name = "x_archive"
    own_export = True  # its accounts are the organisation's unless the profile says
    title = "X/Twitter account archive"
    platform = PLATFORM
    provides = ("accounts", "posts", "post_metrics", "audience_daily")
    # canonical columns it fills (metrics/availability.py); follower.js gives one follower count, on the archive's date; no messages from others
    fills = (
        "posts.account_id", "posts.published_at", "posts.kind", "posts.replies", "posts.reposts", "posts.format", "posts.text",
        "posts.url", "posts.in_reply_to", "posts.hashtags", "posts.mentions", "posts.links",
        "post_metrics.reactions", "post_metrics.shares",
    )
    fills_once = ("audience_daily.followers",)  # one value, on the export's date
    reads = "archive zip, data/ folder or tweets.js, with account.js, follower.js, manifest.js"
    priority = 20

    def __init__(self) -> None:
        self._account: _Account | None = None

    # -- recognising -------------------------------------------------------------------------
    def detect(self, file: InputFile) -> bool:
        return _role(file) == "tweets"

    def claim(self, files: list[InputFile], options: ImportOptions) -> list[Unit]:
        folders: dict[str, list[tuple[str, InputFile]]] = {}
        loose: list[InputFile] = []
        for f in files:
            role = _role(f)
            if role is None:
                loose.append(f)
            else:
                folders.setdefault(_dirkey(f), []).append((role, f))
        units = []
        for key, members in folders.items():
            roles = {r for r, _ in members}
            if not roles & {"tweets", "account", "manifest"}:
                continue  # e.g. a lone like.js: not an archive we can import
            tweets = sorted((f for r, f in members if r == "tweets"), key=_part_no)
            read = tweets + [f for r, f in members if r in ("manifest", "account", "follower")]
            extra = [f for r, f in members if r in ("other", "readme")]
            extra += [f for f in loose if _belongs(f, key, "manifest" in roles)]
            only = len(read) == 1 and not extra
            name = read[0].name if only else key.rstrip("/!") or key
            units.append(Unit(self, read, name, extra_files=extra))
        return units

    # -- reading ------------------------------------------------------------------------------
    def read(self, unit: Unit, ctx: ImportContext) -> None:
        roles: dict[str, list[InputFile]] = {}
        for f in unit.files:
            roles.setdefault(_role(f) or "other", []).append(f)
        manifest = _read_manifest(roles["manifest"][0], ctx) if "manifest" in roles else {}
        account: dict[str, Any] = {}
        if "account" in roles:
            f = roles["account"][0]
            for batch, _ in _batches(f, ctx, ("account",), _ANY_LIST):
                for el in batch:
                    if isinstance(el, dict) and isinstance(el.get("account"), dict):
                        account = el["account"]
        followers = None
        for f in roles.get("follower", []):
            followers = (followers or 0) + sum(len(b) for b, _ in _batches(f, ctx, ("follower",), _RAW_LIST))

        user = manifest.get("userInfo") if isinstance(manifest.get("userInfo"), dict) else {}
        handle = account.get("username") or user.get("userName")
        placeholder = False
        given = _option_handle(ctx.options.account, unit.name)
        if handle and given and given.lower() != handle.lower():
            ctx.warn(f"--account @{given} ignored: the archive says it is @{handle}")
        handle = handle or given
        if not handle:
            declared = _profile_x_accounts(ctx.options.profile)
            if len(declared) == 1:  # the profile's one X account: theirs, said in a warning
                handle = declared[0]
                ctx.warn(f"{unit.name} does not say whose tweets these are: filed under x:@{handle}, the "
                         "profile's only X account (use --account @handle if they are another's)")
        if not handle:
            handle, placeholder = PLACEHOLDER, True

        generated = manifest.get("archiveInfo", {}).get("generationDate") if isinstance(
            manifest.get("archiveInfo"), dict) else None
        if generated:
            ctx.observed_at = _parse_iso(generated, roles["manifest"][0], "archiveInfo.generationDate")
        else:
            ctx.observed_from_file_time(unit.primary)
        observed = ctx.observed_at
        assert observed is not None
        info = {
            "handle": handle,
            "display_name": account.get("accountDisplayName") or user.get("displayName"),
            "native_id": account.get("accountId") or user.get("accountId"),
            "placeholder": placeholder,
            "observed_at": observed.isoformat(),
            "followers": followers,
            "followers_date": observed.astimezone(ZoneInfo(ctx.options.timezone)).date().isoformat(),
        }
        ctx.raw("archive", handle, info)
        self.map_item("archive", info, ctx)

        posts = 0
        self._media_wanted: set[str] = set()
        for f in roles.get("tweets", []):
            posts += self._read_tweets(f, ctx)
        self._keep_media(unit, ctx)
        # Give back the memory Arrow kept for the batches before the store merges them
        # (1M tweets: about 170 MB less at the peak).
        pa.default_memory_pool().release_unused()
        if placeholder:
            ctx.warn(
                f"{unit.name} does not say whose tweets these are: of its {posts:,} posts, those not "
                f"already held under their account were filed under the placeholder account "
                f"x:@{PLACEHOLDER}; re-import with --account @handle "
                "(or import the whole archive, whose account.js names the account)"
            )

    def _read_tweets(self, f: InputFile, ctx: ImportContext) -> int:
        n = 0
        raw: Any = None
        rows: list[tuple[Any, ...]] = []
        add = rows.append
        keep = ctx.raw if ctx.keep_raw else None
        decode = _TWEET.decode
        compact = msgspec.json.format
        # Few objects are made per tweet, and none in cycles: the cyclic collector would only
        # rescan them again and again. Put back as it was after.
        collecting = gc.isenabled()
        gc.disable()
        try:
            for batch, _ in _batches(f, ctx, ("tweets", "tweet"), _ELEMENTS):
                for el in batch:
                    n += 1
                    raw = el.tweet
                    row = _map_tweet(decode(raw))
                    add(row)
                    if row[3] == "image" and row[9] is not None and '"media"' in row[9]:
                        self._media_wanted.update(m["file"] for m in orjson.loads(row[9])["media"])
                    if keep is not None:
                        keep("tweet", row[0], compact(raw, indent=0))
                if len(rows) >= FLUSH_ROWS:
                    self._emit_rows(rows, ctx)
                    rows = []
                    add = rows.append
            self._emit_rows(rows, ctx)
        except _Bad as e:
            raise SourceError(f.name, e.problem, record=_where(n, _id_of(raw)), field=e.field,
                              expected=e.expected, fix=_FIX) from None
        except msgspec.ValidationError as e:
            problem, field = _split_validation(str(e))
            raise SourceError(f.name, problem, record=_where(n, _id_of(raw)), field=field or "tweet",
                              fix=_FIX) from None
        finally:
            if collecting:
                gc.enable()
        return n

    def _keep_media(self, unit: Unit, ctx: ImportContext) -> None:
        """Keep the tweets' photos the archive carries (`tweets_media/<tweet id>-<name>`) in the
        workspace's archive, for the report: JPEG, PNG, GIF or WebP by their first bytes, at
        most MEDIA_MAX_BYTES each. Others are skipped, counted in one warning."""
        wanted = getattr(self, "_media_wanted", set())
        if not wanted:
            return
        skipped: list[str] = []
        for f in unit.extra_files:
            if not _dirkey(f).endswith("tweets_media/") or f.basename not in wanted:
                continue
            if f.size > MEDIA_MAX_BYTES:
                skipped.append(f"{f.basename} (over {MEDIA_MAX_BYTES >> 20} MB)")
                continue
            with f.open() as stream:
                head = stream.read(12)
            if not _is_image(head):
                skipped.append(f"{f.basename} (not a JPEG, PNG, GIF or WebP image)")
                continue
            ctx.keep_file(f)
        if skipped:
            n = len(skipped)
            shown = "; ".join(skipped[:3]) + (f"; and {n - 3:,} more" if n > 3 else "")
            ctx.warn(f"{n:,} media file{'s' if n != 1 else ''} in tweets_media/ not kept for the report: {shown}")

    def _emit_rows(self, rows: list[tuple[Any, ...]], ctx: ImportContext) -> None:
        """Emit mapped tweets (tuples from _map_tweet) as Arrow tables, column by column."""
        if not rows:
            return
        acc = self._state(ctx)
        n = len(rows)
        (tid, micros, kind, fmt, text, reply, tags, mentions, links, extra, reactions,
         shares) = zip(*rows, strict=True)
        keys = pa.array(["x:" + t for t in tid], pa.string())
        prefix = acc.url_prefix
        posts = SCHEMAS["posts"]
        ctx.emit_batch("posts", pa.Table.from_arrays([
            keys,
            pa.repeat(pa.scalar(PLATFORM), n),
            pa.array(tid, pa.string()),
            pa.repeat(pa.scalar(acc.account_id), n),
            pa.array(micros, pa.int64()).cast(TS),
            pa.array(kind, pa.string()),
            pa.array(fmt, pa.string()),
            pa.array(text, pa.string()),
            pa.nulls(n, pa.string()),
            pa.array([prefix + t for t in tid], pa.string()),
            pa.array(reply, pa.string()),
            pa.array(tags, STR_LIST),
            pa.array(mentions, STR_LIST),
            pa.array(links, STR_LIST),
            pa.nulls(n, STR_LIST),
            pa.array(extra, pa.string()),
        ], schema=posts))
        metrics = SCHEMAS["post_metrics"]
        cols: dict[str, pa.Array] = {"post_key": keys, "reactions": pa.array(reactions, pa.int64()),
                                     "shares": pa.array(shares, pa.int64())}
        observed = acc.observed_at
        cols["observed_at"] = pa.repeat(pa.scalar(observed, TS), n)
        ctx.emit_batch("post_metrics", pa.Table.from_arrays(
            [cols.get(name, pa.nulls(n, metrics.field(name).type)) for name in metrics.names],
            schema=metrics))

    # -- mapping (also run by `smi remap` on the kept raw items) ------------------------------
    def map_item(self, kind: str, item: dict[str, Any], ctx: ImportContext) -> None:
        if kind == "archive":
            self._archive(item, ctx)
        elif kind == "tweet":
            tid = item.get("id_str") if isinstance(item, dict) else None
            try:
                row = _map_tweet(msgspec.convert(item, _Tweet))
            except _Bad as e:
                raise SourceError("kept tweet", e.problem, record=_where(None, tid),
                                  field=e.field, expected=e.expected) from None
            except msgspec.ValidationError as e:
                problem, field = _split_validation(str(e))
                raise SourceError("kept tweet", problem, record=_where(None, tid), field=field) from None
            self._emit_rows([row], ctx)
        else:
            raise SourceError("kept item", f"is of kind '{kind}', which {self.name} does not map")

    def _archive(self, info: dict[str, Any], ctx: ImportContext) -> None:
        handle = info["handle"]
        aid = account_id(PLATFORM, handle)
        ctx.emit("accounts", {
            "account_id": aid, "platform": PLATFORM, "handle": aid.split(":", 1)[1],
            "display_name": info.get("display_name"), "native_id": info.get("native_id"),
        })
        if info.get("followers") is not None:
            ctx.emit("audience_daily", {
                "platform": PLATFORM, "account_id": aid,
                "date": date.fromisoformat(info["followers_date"]), "followers": info["followers"],
            })
        observed = info.get("observed_at")
        prefix = _UNKNOWN_URL if info.get("placeholder") else f"https://x.com/{handle}/status/"
        self._account = _Account(aid, prefix, datetime.fromisoformat(observed) if observed else ctx.observed_at)

    def _state(self, ctx: ImportContext) -> _Account:
        if self._account is None:  # a remap of tweets kept without their archive item
            self._account = _Account(account_id(PLATFORM, PLACEHOLDER), _UNKNOWN_URL, ctx.observed_at)
        return self._account


class _Tag(msgspec.Struct, gc=False):
    text: str | None = None


class _Mention(msgspec.Struct, gc=False):
    screen_name: str | None = None


class _Url(msgspec.Struct, gc=False):
    expanded_url: str | None = None
    url: str | None = None


class _Media(msgspec.Struct, gc=False):
    type: str | None = None
    media_url_https: str | None = None
    ext_alt_text: str | None = None


class _Entities(msgspec.Struct, gc=False):
    hashtags: list[_Tag] | None = None
    user_mentions: list[_Mention] | None = None
    urls: list[_Url] | None = None


class _Extended(msgspec.Struct, gc=False):
    media: list[_Media] | None = None


class _Tweet(msgspec.Struct, gc=False):
    """The fields of a tweet smi maps (the whole tweet is kept raw). Others are skipped."""

    id_str: str | None = None
    id: str | int | None = None
    created_at: str | None = None
    full_text: str | None = None
    text: str | None = None
    in_reply_to_status_id_str: str | None = None
    in_reply_to_status_id: str | int | None = None
    in_reply_to_screen_name: str | None = None
    quoted_status_id_str: str | None = None
    quoted_status_id: str | int | None = None
    is_quote_status: bool | str | None = None
    entities: _Entities | None = None
    extended_entities: _Extended | None = None
    lang: str | None = None
    favorite_count: str | int | None = None
    retweet_count: str | int | None = None


class _Element(msgspec.Struct, gc=False):
    tweet: msgspec.Raw


_TWEET = msgspec.json.Decoder(_Tweet)
_ELEMENTS = msgspec.json.Decoder(list[_Element])
_RAW_LIST = msgspec.json.Decoder(list[msgspec.Raw])
_ANY_LIST = msgspec.json.Decoder(list[Any])


def _map_tweet(t: _Tweet) -> tuple[Any, ...]:
    """One tweet as a row: (id, published µs since 1970 UTC, kind, format, text, in_reply_to,
    hashtags, mentions, links, extra, reactions, shares). Raises _Bad naming the field."""
    tid = t.id_str or t.id
    if type(tid) is int:
        tid = str(tid)
    if tid is None or not tid.isdigit():
        raise _Bad("id_str", "is missing" if tid is None else f"is not a tweet id: {tid!r}",
                   "the tweet's id as a string of digits")
    published = _created_at(t.created_at)
    text = t.full_text if t.full_text is not None else t.text
    reply_to = t.in_reply_to_status_id_str or t.in_reply_to_status_id
    quoted = t.quoted_status_id_str or t.quoted_status_id
    ents = t.entities
    if ents is not None:
        tags = [h.text for h in ents.hashtags if h.text] if ents.hashtags else []
        mentions = [m.screen_name for m in ents.user_mentions if m.screen_name] if ents.user_mentions else []
        links = [v for u in ents.urls if (v := u.expanded_url or u.url)] if ents.urls else []
    else:
        tags, mentions, links = [], [], []
    if text is not None and text.startswith("RT @"):
        kind = "repost"
    elif reply_to:
        kind = "reply"
    elif quoted or t.is_quote_status in (True, "true"):
        kind = "quote"
    elif len(links) == 1 and (m := _STATUS_URL.match(links[0])):
        kind, quoted = "quote", m.group(1)  # the only link is a tweet: X shows it quoted
    else:
        kind = "original"
    ext = t.extended_entities
    media: list[dict[str, str | None]] = []
    if ext is not None and ext.media:
        types = {m.type for m in ext.media}
        fmt = "video" if "video" in types or "animated_gif" in types else "image"
        media = _photos(tid, ext.media)
    else:
        fmt = "link" if links else "text"
    lang = t.lang
    if reply_to or quoted or media:
        extra: dict[str, Any] = {"platform_lang": lang} if lang else {}
        if reply_to and t.in_reply_to_screen_name:
            extra["reply_to_handle"] = t.in_reply_to_screen_name
        if quoted:
            extra["quoted_status_id"] = str(quoted)
        if media:
            extra["media"] = media
        extra_json = orjson.dumps(extra).decode() if extra else None
    elif lang:
        extra_json = _LANG_JSON.get(lang)
        if extra_json is None:
            extra_json = _LANG_JSON[lang] = orjson.dumps({"platform_lang": lang}).decode()
    else:
        extra_json = None
    return (
        tid, published, kind, fmt, text, f"x:{reply_to}" if reply_to else None,
        tags, mentions, links, extra_json,
        _count(t.favorite_count, "favorite_count"),
        _count(t.retweet_count, "retweet_count"),
    )


def _is_image(head: bytes) -> bool:
    """True if a file's first 12 bytes are those of a JPEG, PNG, GIF or WebP image."""
    return (head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a"))
            or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"))


def _photos(tid: str, media: list[_Media]) -> list[dict[str, str | None]]:
    """The tweet's photos as the archive names their files in `tweets_media/`:
    `<tweet id>-<last path part of media_url_https>`, with the alt text where given."""
    out: list[dict[str, str | None]] = []
    for m in media:
        if m.type != "photo" or not m.media_url_https:
            continue
        name = m.media_url_https.rsplit("/", 1)[-1]
        if not MEDIA_NAME.fullmatch(name):
            continue  # not a name smi would look for (and never a path)
        alt = " ".join(m.ext_alt_text.split())[:1000] if m.ext_alt_text else None
        out.append({"file": f"{tid}-{name}", "alt": alt or None})
    return out


# -- files and roles ---------------------------------------------------------------------------
def _role(f: InputFile) -> str | None:
    """What a file is in an archive: tweets, account, follower, manifest, other, readme or None."""
    base = f.basename.lower()
    if base == "readme.txt":  # X's own description of the archive's files
        return "readme" if "archive" in f.head_text()[:500].lower() else None
    if not base.endswith(".js"):
        return None
    head = f.head_text()[:300].lstrip("\ufeff \t\r\n")
    if head.startswith("window.__THAR_CONFIG"):
        return "manifest"
    m = _YTD.match(head)
    if m is None:
        return None
    kind = m.group(1)
    if kind in ("tweets", "tweet"):
        return "tweets" if _TWEETS_FILE.match(base) else "other"
    if kind in ("account", "follower"):
        return kind
    return "other"


def _dirkey(f: InputFile) -> str:
    """The folder a file is in, unique across the paths and zips given (ends with / or !)."""
    name = f.name.replace("\\", "/")
    return name[: len(name) - len(f.basename)]


def _belongs(f: InputFile, key: str, has_manifest: bool) -> bool:
    """Media folders beside the data files, and (for a full archive) the viewer app."""
    own = _dirkey(f)
    if own.startswith(key) and own[len(key):].split("/", 1)[0].endswith("_media"):
        return True
    if has_manifest and key.endswith("data/"):
        root = key[: -len("data/")]
        return (own == root and f.basename == "Your archive.html") or own.startswith(root + "assets/")
    return False


def _part_no(f: InputFile) -> int:
    m = _TWEETS_FILE.match(f.basename.lower())
    return int(m.group(1)) if m and m.group(1) else 0


def _option_handle(text: str | None, where: str) -> str | None:
    if not text or not text.strip():
        return None
    text = text.strip()
    if ":" in text and not text.startswith("@"):
        plat, _ = parse_account(text)
        if plat != PLATFORM:
            raise SourceError(where, f"--account names a {plat} account, but this is an X archive",
                              fix="give the X handle, e.g. --account @ourcharity")
        text = text.split(":", 1)[1]
    return text.lstrip("@")


def _where(n: int | None, tid: str | None) -> str:
    if n is None:
        return f"tweet id {tid}"
    return f"record {n:,}" + (f" (tweet id {tid})" if tid else "")


def _id_of(raw: Any) -> str | None:
    """The tweet id in a raw tweet, if it can be found (for naming a bad record)."""
    if raw is None:
        return None
    try:
        value = orjson.loads(bytes(raw))
    except orjson.JSONDecodeError:
        return None
    tid = value.get("id_str") if isinstance(value, dict) else None
    return tid if isinstance(tid, str) else None


def _split_validation(message: str) -> tuple[str, str | None]:
    """msgspec's "Expected `str`, got `int` - at `$.entities.urls[0]`" as (problem, field)."""
    problem, _, path = message.partition(" - at `")
    field = path.rstrip("`").lstrip("$").lstrip(".") or None
    return problem.replace("`", "'").replace("Expected", "is not the expected type: expected"), field


# -- values ------------------------------------------------------------------------------------
def _count(v: Any, field: str) -> int | None:
    if v is None:
        return None
    try:
        return int(v)
    except (TypeError, ValueError):
        raise _Bad(field, f"is not a count: {v!r}", "a whole number, e.g. \"5\"") from None


def _profile_x_accounts(profile: Any) -> list[str]:
    """The official X accounts the profile declares (handles without @)."""
    from smi.platforms import parse_account

    out = []
    for a in getattr(profile, "accounts", None) or []:
        plat, handle = parse_account(f"{a.platform}:{a.handle}")
        if plat == "x" and a.official and handle not in out:
            out.append(handle)
    return out


def _created_at(s: Any) -> int:
    """Microseconds since 1970 UTC of `Wed Feb 10 18:00:00 +0000 2021` (the archive's form,
    parsed by hand: strptime would take a third of the import) or of ISO 8601 with an offset."""
    if type(s) is str:
        p = s.split(" ")
        try:
            if len(p) == 6 and len(p[3]) == 8 and len(p[4]) == 5:
                day = _DAYS.get((p[1], p[2], p[5]))
                if day is None:
                    day = int(datetime(int(p[5]), _MONTHS[p[1]], int(p[2]), tzinfo=UTC).timestamp())
                    _DAYS[(p[1], p[2], p[5])] = day
                hms, off = p[3], p[4]
                h, m, sec = int(hms[:2]), int(hms[3:5]), int(hms[6:])
                if h < 24 and m < 60 and sec < 61 and hms[2] == hms[5] == ":" and off[0] in "+-":
                    shift = int(off[1:3]) * 3600 + int(off[3:]) * 60
                    return (day + h * 3600 + m * 60 + sec - (shift if off[0] == "+" else -shift)) * 1_000_000
            elif len(p) == 1:
                dt = datetime.fromisoformat(s)
                if dt.tzinfo is not None:
                    return (dt - _EPOCH) // timedelta(microseconds=1)
        except (KeyError, ValueError):
            pass
    raise _Bad("created_at", "is missing" if s is None else f"is not a time: {s!r}",
               'a time like "Wed Feb 10 18:00:00 +0000 2021"')


def _parse_iso(s: Any, f: InputFile, field: str) -> datetime:
    try:
        dt = datetime.fromisoformat(s)
    except (TypeError, ValueError):
        raise SourceError(f.name, f"is not a time: {s!r}", field=field,
                          expected='ISO 8601, e.g. "2021-11-20T16:22:24.361Z"', fix=_FIX) from None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


# -- streaming the JavaScript-wrapped JSON -----------------------------------------------------
def _read_manifest(f: InputFile, ctx: ImportContext) -> dict[str, Any]:
    with ctx.open(f) as stream:
        data = stream.read()
    data = data.removeprefix(b"\xef\xbb\xbf").strip()
    eq = data.find(b"=")
    try:
        value = orjson.loads(data[eq + 1:].rstrip(b";"))
    except orjson.JSONDecodeError as e:
        raise SourceError(f.name, f"is not valid JSON after 'window.__THAR_CONFIG =' ({e.msg})",
                          fix=_FIX) from None
    if not isinstance(value, dict):
        raise SourceError(f.name, "does not hold an object", expected="window.__THAR_CONFIG = {...}",
                          fix=_FIX)
    return value


@dataclass
class _Chunk:
    """Whole elements of a `window.YTD.<kind>.partN = [ … ]` file, as one JSON array."""

    data: bytes
    offset: int  # where data[1:] starts in the file
    sep: bytes | None  # what separates elements in `data` (None: laid out by orjson)


class _Cut(Exception):
    """The file ends, or stops being JSON, `k` elements into what was not yet passed on."""

    def __init__(self, k: int, problem: str, tid: str | None = None, expected: str | None = None) -> None:
        super().__init__(problem)
        self.k, self.problem, self.tid, self.expected = k, problem, tid, expected


def _batches(f: InputFile, ctx: ImportContext, kinds: tuple[str, ...],
             decoder: msgspec.json.Decoder) -> Iterator[tuple[Any, int]]:
    """Decoded elements of a file in batches, with the number of elements before each batch.
    A bad element becomes a SourceError naming its record (and line, where known)."""
    before = 0
    try:
        for chunk in _chunks(f, ctx, kinds):
            try:
                batch = decoder.decode(chunk.data)
            except msgspec.ValidationError as e:
                problem, path = _split_validation(str(e))
                m = re.match(r"\[(\d+)\]\.?(.*)", path or "")
                if m is None:
                    raise SourceError(f.name, problem, fix=_FIX) from None
                raise SourceError(f.name, problem, record=f"record {before + int(m.group(1)) + 1:,}",
                                  field=m.group(2) or None, fix=_FIX) from None
            except msgspec.DecodeError:
                _locate(f, chunk, before)
                raise
            yield batch, before
            before += len(batch)
    except _Cut as e:
        where = f"record {before + e.k + 1:,}" + (f" (tweet id {e.tid})" if e.tid else "")
        raise SourceError(f.name, e.problem, record=where, expected=e.expected, fix=_FIX) from None


def _chunks(f: InputFile, ctx: ImportContext, kinds: tuple[str, ...]) -> Iterator[_Chunk]:
    """Stream a file's elements in chunks of about 2 MB, cut at element boundaries."""
    with ctx.open(f) as stream:
        head = stream.read(CHUNK)
        start = 3 if head.startswith(b"\xef\xbb\xbf") else 0
        bracket = head.find(b"[", start, start + 4096)
        m = _WRAPPER.fullmatch(head, start, bracket) if bracket >= 0 else None
        if m is None or m.group(1).decode() not in kinds:
            raise SourceError(f.name, "does not start like an X archive file", record="line 1",
                              expected=f"window.YTD.{kinds[0]}.part0 = [", fix=_FIX)
        buf = head[bracket + 1:]
        offset = bracket + 1  # where buf starts in the file
        nl = b"\r\n" if buf.lstrip(b" \t").startswith(b"\r\n") else b"\n"
        if not buf.lstrip(b" \t").startswith(nl + b"  {"):  # not pretty-printed, or empty
            yield from _ijson_chunks(buf, StringGuard(stream, f.name))
            return
        sep = nl + b"  }," + nl + b"  {"
        close = len(nl) + 3  # the element's closing "\n  }"
        while True:
            data = stream.read(CHUNK)
            if not data:
                break
            buf += data
            cut = buf.rfind(sep)
            if cut < 0:
                if len(buf) > MAX_PENDING:  # no boundary where one should be: another layout
                    yield from _ijson_chunks(buf, StringGuard(stream, f.name))
                    return
                continue
            yield _Chunk(b"[" + buf[: cut + close] + b"]", offset, sep)
            buf = buf[cut + close + 1:]
            offset += cut + close + 1
        tail = buf.rstrip().removesuffix(b";").rstrip()
        if not tail.endswith(b"]"):
            k = tail.count(sep)
            tid = _TWEET_ID.search(tail[tail.rfind(sep) + 1:] if k else tail)
            raise _Cut(k, "ends in the middle of a record (the file is cut short)",
                       tid.group(1).decode() if tid else None, "the closing ]")
        seg = tail[:-1].rstrip()
        if seg:
            yield _Chunk(b"[" + seg + b"]", offset, sep)


def _locate(f: InputFile, chunk: _Chunk, before: int) -> None:
    """Find the element of a chunk that is not valid JSON and raise a SourceError naming it."""
    seg = chunk.data[1:-1]
    sep = chunk.sep or b"\0"
    parts = seg.split(sep)
    good = 0
    pos = 0
    for k, part in enumerate(parts):
        text = part if k == 0 else b"{" + part
        if k < len(parts) - 1:
            text += sep[: sep.index(b",")]  # the element's closing line
        try:
            good += len(orjson.loads(b"[" + text + b"]"))  # one element, or several laid out otherwise
        except orjson.JSONDecodeError as e:
            tid = _TWEET_ID.search(text)
            where = f"record {before + good + 1:,}"
            if tid:
                where += f" (tweet id {tid.group(1).decode()})"
            at = _line_at(f, chunk.offset + pos) + e.lineno - 1
            raise SourceError(f.name, f"is not valid JSON ({e.msg})", record=f"{where}, line {at:,}",
                              fix=_FIX) from None
        pos += len(part) + len(sep)
    raise SourceError(f.name, "is not valid JSON",
                      record=f"records {before + 1:,} to {before + good:,}", fix=_FIX)


def _line_at(f: InputFile, offset: int) -> int:
    """The line number of a byte offset (read again: only needed to name an error)."""
    lines = 1
    with f.open() as stream:
        while offset > 0:
            data = stream.read(min(offset, CHUNK))
            if not data:
                break
            lines += data.count(b"\n")
            offset -= len(data)
    return lines


class _Rest:
    """A byte stream for ijson: `first`, then the rest of `stream`, without what follows the
    array's closing bracket (whitespace or a `;`)."""

    def __init__(self, first: bytes, stream: BinaryIO) -> None:
        self._buf = first
        self._stream = stream
        self._eof = False

    def read(self, n: int = -1) -> bytes:
        if n == 0:  # ijson asks for 0 bytes to learn whether the stream gives bytes or text
            return b""
        n = n if n > 0 else 1 << 16
        while not self._eof and len(self._buf) < n + 16:
            chunk = self._stream.read(n)
            if chunk:
                self._buf += chunk
            else:
                self._eof = True
                self._buf = self._buf.rstrip(b" \t\r\n;")
        k = n if self._eof else min(n, len(self._buf) - 16)
        out, self._buf = self._buf[:k], self._buf[k:]
        return out


def _ijson_chunks(first: bytes, stream: BinaryIO) -> Iterator[_Chunk]:
    """The rest of the array (any layout), streamed with ijson, in chunks re-encoded by orjson."""
    batch: list[Any] = []
    try:
        for el in ijson.items(_Rest(b"[" + first, stream), "item", use_float=True, buf_size=IJSON_BUF):
            batch.append(el)
            if len(batch) >= IJSON_BATCH:
                yield _Chunk(orjson.dumps(batch), 0, None)
                batch = []
    except ijson.JSONError as e:
        raise _Cut(len(batch), f"is not valid JSON ({str(e).splitlines()[0].strip()})") from None
    if batch:
        yield _Chunk(orjson.dumps(batch), 0, None)
