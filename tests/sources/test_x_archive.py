"""The X/Twitter archive importer on real archives.

Every number below was counted by hand, independently of smi, with Python's own json module
over the file after its `window.YTD.….part0 = ` prefix (and cross-checked with grep):

    tweets = [e["tweet"] for e in json.loads(text[text.index("["):])]
    len(tweets); sum(t["full_text"].startswith("RT @") for t in tweets)
    sum(bool(t.get("in_reply_to_status_id_str")) for t in tweets)
    min/max of datetime.strptime(t["created_at"], "%a %b %d %H:%M:%S %z %Y")
    sum(int(t["favorite_count"])), sum(int(t["retweet_count"]))

    grep -c '"full_text" : "RT @'        -> retweets
    grep -c '"in_reply_to_status_id_str"' -> replies (the key is only present on replies)
    grep '"favorite_count"' FILE | grep -o '[0-9]*' | paste -sd+ | bc -> favourites

@RTIatMLA (data/tweet.js): 70 tweets (70 distinct ids), 12 retweets, 14 replies (none both),
first 2020-10-30 22:00:00 UTC, last 2021-11-19 21:09:33 UTC, favourites 113, retweets 21;
follower.js: 111 elements; manifest generationDate 2021-11-20T16:22:24.361Z; 8 photos, no
video; no tweet has is_quote_status or quoted_status_id. These match PROVENANCE.md.
@FanfareStiphout (tweets.js): 666 tweets, 22 retweets, 14 replies, 2009-04-28 12:23:24 to
2023-07-05 07:05:27 UTC, favourites 78, retweets 91. These match PROVENANCE.md.
Quote tweets there have no is_quote_status: by hand (a regex for a twitter.com or x.com `/<handle>/status/<digits>` address
over each non-retweet, non-reply tweet's entities.urls expanded_url) 4 tweets link to another
account's tweet, each as their only link: 1476502728436330496 (ermagewo), 1067066796241494016
(JolijnBrouwers), 1045615787950657536 (speelhuis), 1045615235007156225 (Kunstkwartier).
So 666 - 22 - 14 - 4 = 626 originals. @RTIatMLA has no tweet linking to a tweet.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smi.sources.x_archive import _Bad, _created_at
from smi.workspace import Workspace

RTI = {"posts": 70, "replies": 14, "reposts": 12, "interactions": 0, "audience_days": 1,
       "first": "2020-10-30", "last": "2021-11-19"}
FANFARE = {"posts": 666, "replies": 14, "reposts": 22, "interactions": 0, "audience_days": 0,
           "first": "2009-04-28", "last": "2023-07-05"}


def _rows(ws: Path, sql: str) -> list[dict]:
    with Workspace.open(ws) as w:
        return w.store.rows(sql)


def _snapshot(ws: Path) -> dict:
    with Workspace.open(ws) as w:
        return w.store.snapshot()


def _tweets(path: Path) -> list[dict]:
    """The tweets of a file, read independently of smi (for choosing records to corrupt)."""
    text = path.read_text(encoding="utf-8")
    return [e["tweet"] for e in json.loads(text[text.index("["):])]


def _copy_data(real, dest: Path) -> Path:
    shutil.copytree(real("x-archive-rtiatmla", "data"), dest)
    for p in dest.iterdir():
        p.chmod(0o644)
    return dest


def test_full_archive_folder(make_ws, cli, status, real):
    ws = make_ws()
    r = cli("import", "--no-enrich", real("x-archive-rtiatmla", "data"), "-w", ws)
    assert "skipped" not in r.stderr  # like.js, following.js, README.txt… are recognised
    assert "file modified time" not in r.stderr  # dated by manifest.js
    assert status(ws)["platforms"] == {"x": RTI}

    [acc] = _rows(ws, "SELECT * FROM accounts")
    assert acc["account_id"] == "x:rtiatmla" and acc["handle"] == "rtiatmla"
    assert acc["native_id"] == "1321902678188974081"
    assert acc["display_name"] == "Research Training Institute for Librarians"
    [aud] = _rows(ws, "SELECT date::VARCHAR AS d, followers, gained FROM audience_daily")
    assert aud == {"d": "2021-11-20", "followers": 111, "gained": None}

    [m] = _rows(ws, "SELECT count(*) AS n, sum(reactions) AS fav, sum(shares) AS rt, "
                    "count(impressions) AS imp, min(observed_at)::VARCHAR AS obs FROM post_metrics")
    assert m == {"n": 70, "fav": 113, "rt": 21, "imp": 0, "obs": "2021-11-20 16:22:24.361+00"}

    posts = _rows(ws, "SELECT * FROM posts ORDER BY native_id")
    assert {p["account_id"] for p in posts} == {"x:rtiatmla"}
    assert all(p["language"] is None for p in posts)  # the platform's lang is not trusted…
    langs = sorted(json.loads(p["extra"])["platform_lang"] for p in posts)
    assert langs == ["en"] * 69 + ["in"]  # …but kept
    assert sum(p["format"] == "image" for p in posts) == 8
    assert not any(p["kind"] == "quote" for p in posts)
    first = next(p for p in posts if p["native_id"] == "1359562777325563904")
    assert first["url"] == "https://x.com/RTIatMLA/status/1359562777325563904"
    assert first["mentions"] == ["esuelzer", "ScienceMagazine"]
    assert first["links"][0].startswith("https://www.sciencemag.org/news/2021/01/")
    assert first["format"] == "link" and first["kind"] == "original"
    reply = next(p for p in posts if p["kind"] == "reply")
    assert reply["in_reply_to"].startswith("x:")
    assert _rows(ws, "SELECT count(*) AS n FROM raw_items WHERE kind = 'tweet'") == [{"n": 70}]


def test_lone_tweets_file_with_account(make_ws, cli, status, real):
    ws = make_ws()
    tweets = real("x-archive-fanfarestiphout", "tweets.js")
    res = cli("import", tweets, "--account", "@FanfareStiphout", "-w", ws)
    assert status(ws)["platforms"] == {"x": FANFARE}
    # No manifest.js: the numbers are dated the file's modified time, and the summary says so.
    day = datetime.fromtimestamp(tweets.stat().st_mtime, UTC).date().isoformat()
    assert f"numbers dated {day} (file modified time); use --as-of to set it" in " ".join(res.output.split())
    [row] = _rows(ws, "SELECT count(DISTINCT account_id) AS accounts, min(account_id) AS account, "
                      "min(url) AS url FROM posts")
    assert row["accounts"] == 1 and row["account"] == "x:fanfarestiphout"
    assert row["url"].startswith("https://x.com/FanfareStiphout/status/")
    assert _rows(ws, "SELECT sum(reactions) AS fav, sum(shares) AS rt FROM post_metrics") == [{"fav": 78, "rt": 91}]
    kinds = _rows(ws, "SELECT kind, count(*) AS n FROM posts GROUP BY 1 ORDER BY 1")
    assert kinds == [{"kind": "original", "n": 626}, {"kind": "quote", "n": 4},
                     {"kind": "reply", "n": 14}, {"kind": "repost", "n": 22}]
    quotes = _rows(ws, "SELECT native_id, extra->>'quoted_status_id' AS q FROM posts WHERE kind = 'quote' ORDER BY 1")
    assert quotes == [{"native_id": "1045615235007156225", "q": "1045244031599554560"},
                      {"native_id": "1045615787950657536", "q": "1045417194098753536"},
                      {"native_id": "1067066796241494016", "q": "1066422880743886848"},
                      {"native_id": "1476502728436330496", "q": "1476234366909046785"}]


def test_lone_tweets_file_without_account_uses_a_placeholder_and_says_so(make_ws, cli, status, real):
    ws = make_ws()
    r = cli("import", real("x-archive-fanfarestiphout", "tweets.js"), "-w", ws)
    assert status(ws)["platforms"] == {"x": FANFARE}
    assert "unknown-x-account" in r.stderr and "--account" in r.stderr
    assert _rows(ws, "SELECT DISTINCT account_id FROM posts") == [{"account_id": "x:unknown-x-account"}]
    assert "x:unknown-x-account" in cli("accounts", "list", "-w", ws).stdout
    [log] = json.loads(cli("imports", "--json", "-w", ws).stdout)
    assert len(log["warnings"]) == 1 and "666 posts" in log["warnings"][0]
    # The fix the warning gives works: the posts move to the named account.
    cli("import", real("x-archive-fanfarestiphout", "tweets.js"), "--account", "@FanfareStiphout", "-w", ws)
    assert status(ws)["platforms"] == {"x": FANFARE}
    assert _rows(ws, "SELECT DISTINCT account_id FROM posts") == [{"account_id": "x:fanfarestiphout"}]
    # ... and the placeholder, which nothing refers to any more, is gone.
    assert _rows(ws, "SELECT account_id FROM accounts") == [{"account_id": "x:fanfarestiphout"}]
    assert "unknown-x-account" not in cli("accounts", "list", "-w", ws).stdout


def test_zip_and_multi_part_archives_give_the_same_counts(make_ws, cli, status, real, tmp_path):
    src = real("x-archive-rtiatmla", "data")
    archive = tmp_path / "twitter-2021-11-20.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for p in sorted(src.iterdir()):
            z.write(p, f"data/{p.name}")
        z.writestr("Your archive.html", "<html></html>")
        z.writestr("data/tweet_media/1-a.jpg", b"\xff\xd8")
    ws = make_ws()
    r = cli("import", archive, "-w", ws)
    assert "skipped" not in r.stderr
    assert status(ws)["platforms"] == {"x": RTI}

    # The same tweets split into tweet.js (part0) and tweet-part1.js (part1).
    data = _copy_data(real, tmp_path / "parts" / "data")
    text = (data / "tweet.js").read_text(encoding="utf-8")
    cut = text.index("\n  },\n  {", len(text) // 2)
    (data / "tweet.js").write_text(text[: cut + 4] + "\n]", encoding="utf-8")
    (data / "tweet-part1.js").write_text("window.YTD.tweet.part1 = [\n  {" + text[cut + 9:], encoding="utf-8")
    assert 0 < len(_tweets(data / "tweet-part1.js")) < 70
    assert len(_tweets(data / "tweet.js")) + len(_tweets(data / "tweet-part1.js")) == 70
    ws2 = make_ws()
    cli("import", data, "-w", ws2)
    assert status(ws2)["platforms"] == {"x": RTI}
    assert _snapshot(ws2)["posts"] and _rows(ws2, "SELECT count(*) AS n FROM posts") == [{"n": 70}]


def test_minified_file_is_read_too(make_ws, cli, status, real, tmp_path):
    """Not the pretty-printed layout: the streaming JSON parser reads it."""
    elements = [{"tweet": t} for t in _tweets(real("x-archive-rtiatmla", "data", "tweet.js"))]
    f = tmp_path / "tweet.js"
    f.write_text("window.YTD.tweet.part0 = " + json.dumps(elements, separators=(",", ":")) + ";\n")
    ws = make_ws()
    cli("import", f, "--account", "@RTIatMLA", "-w", ws)
    assert status(ws)["platforms"] == {"x": {**RTI, "audience_days": 0}}
    assert _rows(ws, "SELECT sum(reactions) AS fav FROM post_metrics") == [{"fav": 113}]


def test_importing_twice_changes_nothing_and_a_newer_export_adds_snapshots(make_ws, cli, status, real, tmp_path):
    ws = make_ws()
    cli("import", real("x-archive-rtiatmla", "data"), "-w", ws)
    first = status(ws)
    snap = _snapshot(ws)
    r = cli("import", real("x-archive-rtiatmla", "data"), "-w", ws)
    assert "1 unchanged" in r.stderr
    assert status(ws) == first and _snapshot(ws) == snap

    # A month later: one tweet has two more likes.
    data = _copy_data(real, tmp_path / "later" / "data")
    manifest = data / "manifest.js"
    manifest.write_text(manifest.read_text().replace("2021-11-20T16:22:24.361Z", "2021-12-20T09:00:00.000Z"))
    tweets = data / "tweet.js"
    tweets.write_text(tweets.read_text(encoding="utf-8").replace(
        '"favorite_count" : "5",\n      "id_str" : "1359562777325563904"',
        '"favorite_count" : "7",\n      "id_str" : "1359562777325563904"', 1), encoding="utf-8")
    cli("import", data, "-w", ws)
    log = json.loads(cli("imports", "--json", "-w", ws).stdout)
    assert log[-1]["counts"]["posts"] == {"new": 0, "updated": 1, "unchanged": 69}
    assert log[-1]["counts"]["post_metrics"] == {"new": 1}
    assert log[-1]["counts"]["audience_daily"]["new"] == 1  # followers on the new date
    assert status(ws)["platforms"]["x"]["posts"] == 70
    snaps = _rows(ws, "SELECT observed_at::DATE::VARCHAR AS d, reactions FROM post_metrics "
                      "WHERE post_key = 'x:1359562777325563904' ORDER BY observed_at")
    assert snaps == [{"d": "2021-11-20", "reactions": 5}, {"d": "2021-12-20", "reactions": 7}]


def _corrupt(path: Path, record: int, how: str) -> str:
    """Spoil the tweet at `record` (1-based) of a pretty-printed tweets file; returns its id."""
    text = path.read_text(encoding="utf-8")
    starts = [m.start() for m in re.finditer(r"\n  \{\n", text)]
    a = starts[record - 1]
    b = starts[record] if record < len(starts) else len(text)
    element = text[a:b]
    tid = re.search(r'\n      "id_str" : "(\d+)"', element).group(1)
    if how == "json":
        spoiled = element.replace('"favorited" : false', '"favorited" : fals', 1)
    elif how == "created_at":
        spoiled = re.sub(r'"created_at" : "[^"]*"', '"created_at" : "last Tuesday"', element, count=1)
    elif how == "id_str":
        spoiled = re.sub(r'\n      "id(_str)?" : "\d+",?', "", element)
    else:  # truncated: the file stops in the middle of the record, after its id
        path.write_text(text[: a + element.index('"created_at"')], encoding="utf-8")
        return tid
    assert spoiled != element
    path.write_text(text[:a] + spoiled + text[b:], encoding="utf-8")
    return tid


@pytest.mark.parametrize(("how", "field"), [("json", None), ("created_at", "created_at"),
                                            ("id_str", "id_str"), ("truncated", None)])
def test_a_bad_record_fails_the_file_and_changes_nothing(make_ws, cli, real, tmp_path, how, field):
    ws = make_ws()
    cli("import", real("x-archive-fanfarestiphout", "tweets.js"), "--account", "@FanfareStiphout", "-w", ws)
    before = _snapshot(ws)
    bad = tmp_path / "bad" / "tweet.js"
    bad.parent.mkdir()
    shutil.copy(real("x-archive-rtiatmla", "data", "tweet.js"), bad)
    bad.chmod(0o644)
    tid = _corrupt(bad, 69, how)
    r = cli("import", bad, "--account", "@RTIatMLA", "-w", ws, ok=False)
    assert r.exit_code == 1
    assert "tweet.js" in r.stderr and "record 69" in r.stderr
    if how != "id_str":
        assert tid in r.stderr
    if field:
        assert f"field '{field}'" in r.stderr
    if how == "json":  # and the line, counted here by hand
        line = bad.read_text(encoding="utf-8").split("\n").index('      "favorited" : fals,') + 1
        assert f"line {line:,}" in r.stderr
    assert _snapshot(ws) == before


def test_a_bad_record_in_a_minified_file_is_named(make_ws, cli, real, tmp_path):
    elements = [{"tweet": t} for t in _tweets(real("x-archive-rtiatmla", "data", "tweet.js"))]
    elements[40] = {"retweet": elements[40]["tweet"]}  # record 41 is not a tweet
    f = tmp_path / "tweet.js"
    f.write_text("window.YTD.tweet.part0 = " + json.dumps(elements, separators=(",", ":")))
    ws = make_ws()
    r = cli("import", f, "--account", "@RTIatMLA", "-w", ws, ok=False)
    assert r.exit_code == 1 and "record 41" in r.stderr and "tweet" in r.stderr
    f.write_text("window.YTD.tweet.part0 = " + json.dumps(elements, separators=(",", ":"))[:-5000])
    r = cli("import", f, "--account", "@RTIatMLA", "-w", ws, ok=False)
    assert r.exit_code == 1 and "not valid JSON" in r.stderr


def test_a_good_file_in_the_same_command_still_imports(make_ws, cli, status, real, tmp_path):
    ws = make_ws()
    bad = tmp_path / "bad" / "tweet.js"
    bad.parent.mkdir()
    shutil.copy(real("x-archive-rtiatmla", "data", "tweet.js"), bad)
    bad.chmod(0o644)
    _corrupt(bad, 68, "created_at")
    good = tmp_path / "good" / "data"
    _copy_data(real, good)
    r = cli("import", bad, good, "-w", ws, ok=False)
    assert r.exit_code == 1 and "record 68" in r.stderr
    assert status(ws)["platforms"] == {"x": RTI}


def test_remap_maps_the_kept_tweets_the_same_way(make_ws, cli, real):
    ws = make_ws()
    cli("import", real("x-archive-rtiatmla", "data"), "-w", ws)
    before = _snapshot(ws)
    cli("remap", "-w", ws)
    after = _snapshot(ws)
    for table in ("posts", "post_metrics", "audience_daily", "accounts"):
        strip = {"posts": 2, "audience_daily": 2, "post_metrics": 1, "accounts": 1}[table]
        assert [r[:-strip] for r in after[table]] == [r[:-strip] for r in before[table]], table


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@given(st.datetimes(min_value=datetime(2006, 3, 21), max_value=datetime(2035, 12, 31)),
       st.integers(-12 * 4, 14 * 4))
def test_created_at_agrees_with_strptime(when, quarters):
    """The hand-written parser of `Wed Feb 10 18:00:00 +0000 2021` against the standard one."""
    text = when.replace(microsecond=0, tzinfo=timezone(timedelta(minutes=15 * quarters))).strftime(
        "%a %b %d %H:%M:%S %z %Y")
    expected = datetime.strptime(text, "%a %b %d %H:%M:%S %z %Y")
    assert _created_at(text) == (expected - EPOCH) // timedelta(microseconds=1)


def test_created_at_takes_iso_and_refuses_the_rest():
    assert _created_at("2021-02-10T18:00:00.000Z") == 1612980000 * 1_000_000
    for bad in ("2021-02-10T18:00:00", "Wed Feb 30 18:00:00 +0000 2021", "Wed Feb 10 25:00:00 +0000 2021",
                "Wed Fbr 10 18:00:00 +0000 2021", "", None, 1612980000):
        with pytest.raises(_Bad):
            _created_at(bad)
