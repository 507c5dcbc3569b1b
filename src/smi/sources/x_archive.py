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

Mapping: a tweet whose text starts `RT @` is a repost, one with `in_reply_to_status_id_str`
a reply, one with `is_quote_status`/`quoted_status_id` a quote. Format: video (media of
type video or animated_gif), image (photo), link (a URL in entities), else text.
`favorite_count` gives reactions and `retweet_count` shares; the archive gives no other
metric, so they stay NULL. The platform's `lang` is not trusted (it mislabels short
Welsh or Dutch tweets): it is kept in `extra` as `platform_lang` and `language` is left
for language detection.

The account: account.js, else the manifest's userName, else `--account`, else a
placeholder (`x:unknown-x-account`) with a warning that says how to fix it.

When the numbers were true (`observed_at`): the manifest's generation date; without a
manifest, the `--observed-at` the user gave; without either, the modification time of the
file given (the zip, or the tweets file), which is usually when it was downloaded. As
everywhere in smi, an explicit `--observed-at` wins over what the files say.

Speed: a tweets file can be a gigabyte. It is never loaded whole. Archives are
pretty-printed, with each element starting at a line `  {` and ending at `  },`; the file
is read in 8 MB chunks, cut at the last such boundary and each chunk's elements parsed
in one orjson call. Files in another layout (e.g. minified) are streamed with ijson.
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
import orjson
import pyarrow as pa

from smi.canonical import SCHEMAS, STR_LIST, TS
from smi.errors import SourceError
from smi.platforms import account_id, parse_account
from smi.sources.base import ImportContext, ImportOptions, Source, Unit, register
from smi.sources.files import InputFile

PLATFORM = "x"
PLACEHOLDER = "unknown-x-account"

CHUNK = 8 << 20  # bytes read at a time
MAX_PENDING = 64 << 20  # no element boundary in this much: not the pretty layout
IJSON_BATCH = 10_000
FLUSH_ROWS = 20_000  # tweets per Arrow batch

_TWEETS_FILE = re.compile(r"^tweets?(?:-part(\d+))?\.js$")
_YTD = re.compile(r"window\.YTD\.(\w+)\.part(\d+)\s*=")
_WRAPPER = re.compile(rb"\s*window\.YTD\.(\w+)\.part\d+\s*=\s*")
_TWEET_ID = re.compile(rb'\n      "id_str"\s*:\s*"(\d+)"')
_MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DAYS: dict[tuple[str, str, str], int] = {}  # (month, day, year) -> seconds since 1970 at 00:00 UTC
_LANG_JSON: dict[str, str] = {}  # the `extra` of a tweet with only a platform language
_NONE: dict[str, Any] = {}
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
    handle: str  # as the archive writes it, for URLs
    account_id: str
    url_prefix: str
    observed_at: datetime | None


@register
class XArchive(Source):
    name = "x_archive"
    title = "X/Twitter account archive"
    platform = PLATFORM
    provides = ("accounts", "posts", "post_metrics", "audience_daily")
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
            for batch in _elements(roles["account"][0], ctx, ("account",)):
                for el in batch:
                    if isinstance(el, dict) and isinstance(el.get("account"), dict):
                        account = el["account"]
        followers = None
        for f in roles.get("follower", []):
            followers = (followers or 0) + sum(len(b) for b in _elements(f, ctx, ("follower",)))

        user = manifest.get("userInfo") if isinstance(manifest.get("userInfo"), dict) else {}
        handle = account.get("username") or user.get("userName")
        placeholder = False
        given = _option_handle(ctx.options.account, unit.name)
        if handle and given and given.lower() != handle.lower():
            ctx.warn(f"--account @{given} ignored: the archive says it is @{handle}")
        handle = handle or given
        if not handle:
            handle, placeholder = PLACEHOLDER, True

        generated = manifest.get("archiveInfo", {}).get("generationDate") if isinstance(
            manifest.get("archiveInfo"), dict) else None
        if generated:
            ctx.observed_at = _parse_iso(generated, roles["manifest"][0], "archiveInfo.generationDate")
        elif ctx.options.observed_at is not None:
            ctx.observed_at = ctx.options.observed_at
        else:
            ctx.observed_at = datetime.fromtimestamp(unit.primary.origin.stat().st_mtime, UTC)
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
        for f in roles.get("tweets", []):
            posts += self._read_tweets(f, ctx)
        if placeholder:
            ctx.warn(
                f"{unit.name} does not say whose tweets these are: {posts:,} posts were imported "
                f"under the placeholder account x:@{PLACEHOLDER}; re-import with --account @handle "
                "(or import the whole archive, whose account.js names the account)"
            )

    def _read_tweets(self, f: InputFile, ctx: ImportContext) -> int:
        n = 0
        tweet = None
        rows: list[tuple[Any, ...]] = []
        add = rows.append
        raw = ctx.raw
        keep_raw = ctx.keep_raw
        dumps = orjson.dumps
        # The parsed tweets hold no reference cycles; the cyclic collector would only rescan
        # them again and again (it costs more than the parsing). Put back as it was after.
        collecting = gc.isenabled()
        gc.disable()
        try:
            for batch in _elements(f, ctx, ("tweets", "tweet")):
                for el in batch:
                    n += 1
                    tweet = el.get("tweet") if type(el) is dict else None
                    if type(tweet) is not dict:
                        raise _Bad("tweet", "is not a tweet", 'an element like {"tweet": {...}}')
                    row = _map_tweet(tweet)
                    add(row)
                    if keep_raw:
                        raw("tweet", row[0], dumps(tweet).decode())
                if len(rows) >= FLUSH_ROWS:
                    self._emit_rows(rows, ctx)
                    rows = []
                    add = rows.append
            self._emit_rows(rows, ctx)
        except _Bad as e:
            raise SourceError(f.name, e.problem, record=_where(n, tweet), field=e.field,
                              expected=e.expected, fix=_FIX) from None
        except (KeyError, TypeError, AttributeError, ValueError) as e:
            raise SourceError(f.name, f"has a value of an unexpected shape ({e})",
                              record=_where(n, tweet), fix=_FIX) from None
        finally:
            if collecting:
                gc.enable()
        return n

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
            try:
                row = _map_tweet(item)
            except _Bad as e:
                raise SourceError("kept tweet", e.problem, record=_where(None, item),
                                  field=e.field, expected=e.expected) from None
            except (KeyError, TypeError, AttributeError, ValueError) as e:
                raise SourceError("kept tweet", f"has a value of an unexpected shape ({e})",
                                  record=_where(None, item)) from None
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
        self._account = _Account(handle, aid, prefix,
                                 datetime.fromisoformat(observed) if observed else ctx.observed_at)

    def _state(self, ctx: ImportContext) -> _Account:
        if self._account is None:  # a remap of tweets kept without their archive item
            self._account = _Account(PLACEHOLDER, account_id(PLATFORM, PLACEHOLDER), _UNKNOWN_URL,
                                     ctx.observed_at)
        return self._account


def _map_tweet(t: dict[str, Any]) -> tuple[Any, ...]:
    """One tweet as a row: (id, published µs since 1970 UTC, kind, format, text, in_reply_to,
    hashtags, mentions, links, extra, reactions, shares). Raises _Bad naming the field."""
    tid = t.get("id_str") or t.get("id")
    if type(tid) is not str or not tid.isdigit():
        raise _Bad("id_str", "is missing" if tid is None else f"is not a tweet id: {tid!r}",
                   "the tweet's id as a string of digits")
    published = _created_at(t.get("created_at"))
    text = t.get("full_text")
    if text is None:
        text = t.get("text")
    reply_to = t.get("in_reply_to_status_id_str") or t.get("in_reply_to_status_id")
    quoted = t.get("quoted_status_id_str") or t.get("quoted_status_id")
    if text is not None and text.startswith("RT @"):
        kind = "repost"
    elif reply_to:
        kind = "reply"
    elif quoted or t.get("is_quote_status") in (True, "true"):
        kind = "quote"
    else:
        kind = "original"
    ents = t.get("entities") or _NONE
    urls = ents.get("urls")
    links = [v for x in urls if (v := x.get("expanded_url") or x.get("url"))] if urls else []
    media = (t.get("extended_entities") or _NONE).get("media")
    if media:
        types = {m.get("type") for m in media}
        fmt = "video" if "video" in types or "animated_gif" in types else "image"
    else:
        fmt = "link" if links else "text"
    tags = ents.get("hashtags")
    mentions = ents.get("user_mentions")
    lang = t.get("lang")
    if reply_to or quoted:
        extra: dict[str, Any] = {"platform_lang": lang} if lang else {}
        if reply_to and t.get("in_reply_to_screen_name"):
            extra["reply_to_handle"] = t["in_reply_to_screen_name"]
        if quoted:
            extra["quoted_status_id"] = str(quoted)
        extra_json = orjson.dumps(extra).decode() if extra else None
    else:
        extra_json = _LANG_JSON.get(lang) if lang else None
        if extra_json is None and lang:
            extra_json = _LANG_JSON[lang] = orjson.dumps({"platform_lang": lang}).decode()
    return (
        tid, published, kind, fmt, text, f"x:{reply_to}" if reply_to else None,
        [v for x in tags if (v := x.get("text"))] if tags else [],
        [v for x in mentions if (v := x.get("screen_name"))] if mentions else [],
        links, extra_json,
        _count(t.get("favorite_count"), "favorite_count"),
        _count(t.get("retweet_count"), "retweet_count"),
    )


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


def _where(n: int | None, tweet: Any) -> str:
    tid = (tweet.get("id_str") or tweet.get("id")) if isinstance(tweet, dict) else None
    if n is None:
        return f"tweet id {tid}"
    return f"record {n:,}" + (f" (tweet id {tid})" if tid else "")


# -- values ------------------------------------------------------------------------------------
def _count(v: Any, field: str) -> int | None:
    if v is None:
        return None
    try:
        return int(v)
    except (TypeError, ValueError):
        raise _Bad(field, f"is not a count: {v!r}", "a whole number, e.g. \"5\"") from None


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


def _elements(f: InputFile, ctx: ImportContext, kinds: tuple[str, ...]) -> Iterator[list[Any]]:
    """The elements of a `window.YTD.<kind>.partN = [ … ]` file, in batches, streamed."""
    with ctx.open(f) as stream:
        head = stream.read(CHUNK)
        start = 3 if head.startswith(b"\xef\xbb\xbf") else 0
        bracket = head.find(b"[", start, start + 4096)
        m = _WRAPPER.fullmatch(head, start, bracket) if bracket >= 0 else None
        if m is None or m.group(1).decode() not in kinds:
            raise SourceError(f.name, "does not start like an X archive file", record="line 1",
                              expected=f"window.YTD.{kinds[0]}.part0 = [", fix=_FIX)
        buf = head[bracket + 1:]
        nl = b"\r\n" if buf.lstrip(b" \t").startswith(b"\r\n") else b"\n"
        if not buf.lstrip(b" \t").startswith(nl + b"  {"):
            yield from _ijson_elements(f, buf, stream, 0)
            return
        sep = nl + b"  }," + nl + b"  {"
        close = len(nl) + 3  # the element's closing "\n  }"
        done = 0  # elements parsed
        line = 1 + head.count(b"\n", 0, bracket)  # the line buf starts on
        while True:
            chunk = stream.read(CHUNK)
            if not chunk:
                break
            buf += chunk
            cut = buf.rfind(sep)
            if cut < 0:
                if len(buf) > MAX_PENDING:
                    yield from _ijson_elements(f, buf, stream, done)
                    return
                continue
            seg = buf[: cut + close]
            buf = buf[cut + close + 1:]
            batch = _parse(f, seg, sep, done, line)
            done += len(batch)
            line += seg.count(b"\n")
            yield batch
        tail = buf.rstrip().removesuffix(b";").rstrip()
        if not tail.endswith(b"]"):
            k = tail.count(sep)
            last = tail[tail.rfind(sep) + 1:] if k else tail
            tid = _TWEET_ID.search(last)
            where = f"record {done + k + 1:,}" + (f" (tweet id {tid.group(1).decode()})" if tid else "")
            raise SourceError(f.name, "ends in the middle of a record (the file is cut short)",
                              record=where, expected="the closing ]", fix=_FIX)
        seg = tail[:-1].rstrip()
        if seg:
            yield _parse(f, seg, sep, done, line)


def _parse(f: InputFile, seg: bytes, sep: bytes, done: int, line: int) -> list[Any]:
    """Parse the elements in `seg` (elements separated by `sep`); name the bad one if any."""
    try:
        return orjson.loads(b"[" + seg + b"]")
    except orjson.JSONDecodeError:
        pass
    out: list[Any] = []
    pos = 0
    parts = seg.split(sep)
    for k, part in enumerate(parts):
        text = part if k == 0 else b"{" + part
        if k < len(parts) - 1:
            text += sep[: sep.index(b",")]  # the element's closing line
        try:
            out.append(orjson.loads(text))
        except orjson.JSONDecodeError as e:
            try:
                out.extend(orjson.loads(b"[" + text + b"]"))  # several elements, laid out otherwise
            except orjson.JSONDecodeError:
                tid = _TWEET_ID.search(text)
                at = line + seg.count(b"\n", 0, pos) + e.lineno - 1
                where = f"record {done + len(out) + 1:,}"
                if tid:
                    where += f" (tweet id {tid.group(1).decode()})"
                raise SourceError(f.name, f"is not valid JSON ({e.msg})", record=f"{where}, line {at:,}",
                                  fix=_FIX) from None
        pos += len(part) + len(sep)
    return out


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


def _ijson_elements(f: InputFile, first: bytes, stream: BinaryIO, done: int) -> Iterator[list[Any]]:
    """Elements of the rest of the array (any layout), streamed with ijson."""
    batch: list[Any] = []
    try:
        for el in ijson.items(_Rest(b"[" + first, stream), "item", use_float=True):
            batch.append(el)
            if len(batch) >= IJSON_BATCH:
                done += len(batch)
                yield batch
                batch = []
    except ijson.JSONError as e:
        raise SourceError(f.name, f"is not valid JSON ({e})", record=f"record {done + len(batch) + 1:,}",
                          fix=_FIX) from None
    if batch:
        yield batch
