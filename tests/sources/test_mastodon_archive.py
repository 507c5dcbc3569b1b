"""Mastodon account archive: the real archive of @dealingwith@indieweb.social, and its quirks.

The expected numbers were checked by hand against the files, independently of smi, with grep
over the one-line outbox.json and a few lines of Python's json module:

    grep -o '"type":"Create"' outbox.json | wc -l        -> 1260
    grep -o '"type":"Announce"' outbox.json | wc -l      -> 326   (1586 activities)
    grep -o '"inReplyTo":"http' outbox.json | wc -l      -> 422   (replies)
    grep -o '"orderedItems":' outbox.json | wc -l        -> 2     (the duplicate key)
    grep -o '"published":"[^"]*"' outbox.json | sort     -> first 2022-11-08T03:07:14Z,
                                                            last 2024-07-23T18:39:06Z
    grep -o '"preferredUsername":"[^"]*"' actor.json     -> dealingwith
    json: Create objects with a video/* attachment -> 1, only image/* attachments -> 158;
    <a> with rel="nofollow ..." (plain links) -> 378 in 354 posts; Mention tags 329;
    Hashtag tags 127; replies whose inReplyTo is one of the account's own posts -> 229
    (PROVENANCE.md says the same).
"""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import UTC, datetime

import pytest

from smi.sources.mastodon_archive import handle_from_actor_url, html_to_text
from smi.workspace import Workspace

FOLDER = "mastodon-archive-dealingwith"
ACCOUNT = "mastodon:dealingwith@indieweb.social"
STATUSES = "https://indieweb.social/users/dealingwith/statuses/"
EXPECTED = {"posts": 1586, "replies": 422, "reposts": 326, "interactions": 0, "audience_days": 0,
            "first": "2022-11-08", "last": "2024-07-23"}


def _rows(ws, sql, params=()):
    with Workspace.open(ws) as w:
        return w.store.rows(sql, params)


def _snapshot(ws):
    with Workspace.open(ws) as w:
        return w.store.snapshot()


def test_real_archive_folder(real, make_ws, cli, status):
    ws = make_ws()
    res = cli("import", "--no-enrich", "-w", ws, real(FOLDER))
    assert "1,586 new" in res.output
    assert "1,557" in res.output and "1,586" in res.output  # totalItems mismatch warned
    # likes.json and bookmarks.json belong to the archive: not reported as unread
    assert "likes.json" not in res.output and "bookmarks.json" not in res.output
    st = status(ws)
    assert st["platforms"] == {"mastodon": EXPECTED}

    accounts = _rows(ws, "SELECT account_id, handle, native_id FROM accounts")
    assert accounts == [{"account_id": ACCOUNT, "handle": "dealingwith@indieweb.social",
                         "native_id": "https://indieweb.social/users/dealingwith"}]
    assert _rows(ws, "SELECT DISTINCT account_id FROM posts") == [{"account_id": ACCOUNT}]

    kinds = {(r["kind"], r["format"]): r["n"] for r in _rows(
        ws, "SELECT kind, format, count(*) AS n FROM posts GROUP BY ALL")}
    assert sum(n for (k, _), n in kinds.items() if k != "repost") == 1260
    assert sum(n for (_, f), n in kinds.items() if f == "video") == 1
    assert sum(n for (_, f), n in kinds.items() if f == "image") == 158
    assert kinds[("repost", None)] == 326
    totals = _rows(ws, "SELECT sum(len(links)) AS links, count(*) FILTER (len(links) > 0) AS linked, "
                       "sum(len(mentions)) AS mentions, sum(len(hashtags)) AS hashtags, "
                       "count(*) FILTER (language IS NOT NULL) AS with_language FROM posts")[0]
    assert totals == {"links": 378, "linked": 354, "mentions": 329, "hashtags": 127, "with_language": 0}
    self_replies = _rows(ws, "SELECT count(*) AS n FROM posts p WHERE kind = 'reply' AND EXISTS "
                             "(SELECT 1 FROM posts q WHERE q.post_key = 'mastodon:' || p.in_reply_to)")
    assert self_replies == [{"n": 229}]
    # No counts in an archive: no metric snapshot, rather than zeros.
    assert _rows(ws, "SELECT count(*) AS n FROM post_metrics") == [{"n": 0}]
    langs = _rows(ws, "SELECT extra->>'platform_lang' AS lang, count(*) AS n FROM posts "
                      "WHERE kind <> 'repost' GROUP BY 1 ORDER BY 1")
    assert langs == [{"lang": "en", "n": 1259}, {"lang": "sv", "n": 1}]
    assert _rows(ws, "SELECT count(*) AS n FROM raw_items") == [{"n": 1587}]  # 1586 + actor
    # no --as-of and no date in the archive: when outbox.json was last modified (to the
    # second), and the import summary says that date was assumed
    mtime = datetime.fromtimestamp(real(FOLDER, "outbox.json").stat().st_mtime, UTC).replace(microsecond=0)
    assert _rows(ws, "SELECT observed_at FROM imports")[0]["observed_at"] == mtime
    assert (f"numbers dated {mtime.date().isoformat()} (file modified time); use --as-of to set it"
            in " ".join(res.output.split()))

    # Importing again (with the same options: without --no-enrich the re-run would finish the
    # enrichment left pending) changes nothing; re-mapping the raw items gives the same posts.
    before = status(ws)
    posts_before = _rows(ws, "SELECT * EXCLUDE (import_id, first_import_id) FROM posts ORDER BY post_key")
    assert "already imported" in cli("import", "--no-enrich", "-w", ws, real(FOLDER)).output
    assert status(ws) == before
    cli("remap", "-w", ws)
    assert status(ws)["platforms"] == before["platforms"]
    assert _rows(ws, "SELECT * EXCLUDE (import_id, first_import_id) FROM posts ORDER BY post_key") == posts_before


def test_real_items_mapped(real, make_ws, cli):
    ws = make_ws()
    cli("import", "--no-enrich", "-w", ws, real(FOLDER, "outbox.json"), real(FOLDER, "actor.json"))
    cols = "kind, format, text, url, in_reply_to, hashtags, mentions, links, language"

    def post(native):
        return _rows(ws, f"SELECT {cols} FROM posts WHERE native_id = ?", [native])[0]

    # <p>...</p><p><a ...><span class="invisible">https://</span><span class="ellipsis">...</a></p>
    assert post(STATUSES + "109305976208011760") == {
        "kind": "original", "format": "link",
        "text": "As Twitter crashes and burns, it’s a good time to pull these two articles out of "
                "my deep backlog of potential blog posts.\n\n"
                "https://daniel.industries/2022/11/07/less-twitter-more-indieweb/",
        "url": "https://indieweb.social/@dealingwith/109305976208011760", "in_reply_to": None,
        "hashtags": [], "mentions": [], "language": None,
        "links": ["https://daniel.industries/2022/11/07/less-twitter-more-indieweb/"]}
    # <br /> line breaks and a hashtag link in its own paragraph
    assert post(STATUSES + "110723912780973381") == {
        "kind": "original", "format": "text",
        "text": "I dreamt about you\nlast night, vivid, clear, intense\nYears pass, no more serene"
                "\n\n#dailyhaikuprompt",
        "url": "https://indieweb.social/@dealingwith/110723912780973381", "in_reply_to": None,
        "hashtags": ["dailyhaikuprompt"], "mentions": [], "links": [], "language": None}
    # a local mention (@obsolete29, named without instance), a remote one, a link, &#39;
    assert post(STATUSES + "109337325277936164") == {
        "kind": "original", "format": "link",
        "text": "@obsolete29 I'm reminded of this classic https://www.ftrain.com/wwic by @ftrain",
        "url": "https://indieweb.social/@dealingwith/109337325277936164", "in_reply_to": None,
        "hashtags": [], "mentions": ["obsolete29@indieweb.social", "ftrain@tilde.zone"],
        "links": ["https://www.ftrain.com/wwic"], "language": None}
    boost = _rows(ws, f"SELECT {cols}, published_at FROM posts WHERE native_id = ?",
                  [STATUSES + "109449999597967268/activity"])[0]
    assert boost["kind"] == "repost" and boost["text"] is None
    assert boost["url"] == "https://mastodon.social/users/s0mmer/statuses/109440048909776763"
    assert boost["published_at"].isoformat() == "2022-12-03T13:34:16+00:00"


def test_real_archive_zip(real, tmp_path, make_ws, cli, status):
    z = tmp_path / "archive-20240723.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in ("outbox.json", "actor.json", "likes.json"):
            zf.write(real(FOLDER, name), name)
        zf.writestr("media_attachments/files/109/1.png", b"\x89PNG not really")
    ws = make_ws()
    res = cli("import", "-w", ws, z)
    assert "skipped" not in res.output  # likes.json and media are part of the archive
    assert status(ws)["platforms"] == {"mastodon": EXPECTED}
    assert _rows(ws, "SELECT account_id FROM accounts") == [{"account_id": ACCOUNT}]


def test_broken_item_changes_nothing_and_names_the_item(real, tmp_path, make_ws, cli, status):
    data = json.loads(real(FOLDER, "outbox.json").read_text(encoding="utf-8"))
    bad_id = data["orderedItems"][1579]["id"]
    data["orderedItems"][1579]["published"] = "not a date"
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "outbox.json").write_text(json.dumps(data), encoding="utf-8")
    good = tmp_path / "good"
    good.mkdir()
    _write_outbox(good, [_note("1", "2024-01-02T10:00:00Z")], actor="https://example.social/users/us")

    ws = make_ws()
    before = _snapshot(ws)
    res = cli("import", "-w", ws, broken, ok=False)
    assert res.exit_code != 0
    assert f"item 1580 (id {bad_id})" in res.output
    assert "field 'published'" in res.output and "not a date" in res.output and "fix:" in res.output
    assert _snapshot(ws) == before

    res = cli("import", "-w", ws, broken, good, ok=False)
    assert res.exit_code != 0 and "1 failed" in res.output
    st = status(ws)["platforms"]
    assert st == {"mastodon": {**EXPECTED, "posts": 1, "replies": 0, "reposts": 0,
                               "first": "2024-01-02", "last": "2024-01-02"}}


# -- synthetic outboxes, for cases the real archive cannot show ---------------------------------
def _note(n, published, **obj):
    return {"id": f"https://example.social/users/us/statuses/{n}/activity", "type": "Create",
            "actor": "https://example.social/users/us", "published": published,
            "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": [],
            "object": {"id": f"https://example.social/users/us/statuses/{n}", "type": "Note",
                       "published": published, "content": f"<p>post {n}</p>", **obj}}


def _write_outbox(folder, items, *, actor=None, head=None, raw=None):
    box = {"@context": "https://www.w3.org/ns/activitystreams", "id": "outbox.json",
           "type": "OrderedCollection", "totalItems": len(items), "orderedItems": items,
           **(head or {})}
    (folder / "outbox.json").write_text(raw if raw is not None else json.dumps(box), encoding="utf-8")
    if actor:
        (folder / "actor.json").write_text(json.dumps({
            "@context": "https://www.w3.org/ns/activitystreams", "id": actor, "type": "Person",
            "preferredUsername": actor.rsplit("/", 1)[1], "name": "Us"}), encoding="utf-8")
    return folder / "outbox.json"


def test_without_actor_json_the_account_comes_from_the_activities(tmp_path, make_ws, cli):
    _write_outbox(tmp_path, [_note("1", "2024-01-02T10:00:00Z")])
    ws = make_ws()
    cli("import", "-w", ws, tmp_path / "outbox.json")
    assert _rows(ws, "SELECT account_id, handle FROM accounts") == [
        {"account_id": "mastodon:us@example.social", "handle": "us@example.social"}]
    assert _rows(ws, "SELECT account_id FROM posts") == [{"account_id": "mastodon:us@example.social"}]


def test_duplicate_items_key_takes_every_item(tmp_path, make_ws, cli, status):
    a = json.dumps(_note("1", "2024-01-02T10:00:00Z"))
    b = json.dumps(_note("2", "2024-01-03T10:00:00Z"))
    c = json.dumps(_note("3", "2024-01-04T10:00:00Z"))
    raw = ('{"@context":"https://www.w3.org/ns/activitystreams","id":"outbox.json",'
           f'"type":"OrderedCollection","totalItems":3,"orderedItems":[{a}],"orderedItems":[{b},{c}]}}')
    _write_outbox(tmp_path, [], raw=raw)
    ws = make_ws()
    res = cli("import", "-w", ws, tmp_path)
    assert "warning" not in res.output.replace("0 warnings", "")
    assert status(ws)["platforms"]["mastodon"]["posts"] == 3


def test_counts_where_given_and_null_where_not(tmp_path, make_ws, cli):
    items = [_note("1", "2024-01-02T10:00:00Z", likes={"totalItems": 4}, shares={"totalItems": 0}),
             _note("2", "2024-01-03T10:00:00Z")]
    _write_outbox(tmp_path, items)
    ws = make_ws()
    cli("import", "-w", ws, tmp_path, "--observed-at", "2024-02-01T00:00:00+00:00")
    rows = _rows(ws, "SELECT post_key, observed_at, reactions, shares, comments FROM post_metrics")
    assert len(rows) == 1
    r = rows[0]
    assert r["post_key"].endswith("/statuses/1")
    assert (r["reactions"], r["shares"], r["comments"]) == (4, 0, None)
    assert r["observed_at"].isoformat() == "2024-02-01T00:00:00+00:00"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda it: it.pop("id"), "id"),
        (lambda it: it.pop("published"), "published"),
        (lambda it: it.update(published="2024-13-45"), "published"),
        (lambda it: it["object"].update(published="yesterday"), "object.published"),
    ],
)
def test_bad_item_is_named(tmp_path, make_ws, cli, change, field):
    items = [_note(str(i), "2024-01-02T10:00:00Z") for i in range(1, 4)]
    change(items[1])
    _write_outbox(tmp_path, items)
    ws = make_ws()
    before = _snapshot(ws)
    res = cli("import", "-w", ws, tmp_path, ok=False)
    assert res.exit_code != 0
    assert "outbox.json, item 2" in res.output and f"field '{field}'" in res.output
    assert "fix:" in res.output
    assert _snapshot(ws) == before


def test_not_an_ordered_collection(tmp_path, make_ws, cli):
    _write_outbox(tmp_path, [_note("1", "2024-01-02T10:00:00Z")], head={"type": "Person"})
    ws = make_ws()
    res = cli("import", "-w", ws, tmp_path, ok=False)
    assert res.exit_code != 0
    assert "not a Mastodon outbox" in res.output and "field 'type'" in res.output
    assert _rows(ws, "SELECT count(*) AS n FROM posts") == [{"n": 0}]


def test_likes_json_alone_is_not_an_outbox(real, tmp_path):
    from smi.sources import ImportOptions, expand
    from smi.sources.mastodon_archive import MastodonArchive

    shutil.copy(real(FOLDER, "likes.json"), tmp_path / "likes.json")
    assert MastodonArchive().claim(expand([tmp_path]), ImportOptions()) == []


def test_html_to_text_blocks_and_links():
    text, links = html_to_text(
        "<p>one<br>two</p><ul><li>a</li><li>b</li></ul><p>"
        '<a href="https://x.example/tags/t" class="mention hashtag" rel="tag">#<span>t</span></a> '
        '<a href="https://w.example/p" rel="nofollow">w</a> &amp; more</p>')
    assert text == "one\ntwo\n\na\nb\n\n#t w & more"
    assert links == ["https://w.example/p"]


def test_handle_from_actor_url():
    assert handle_from_actor_url("https://indieweb.social/users/dealingwith") == "dealingwith@indieweb.social"
    assert handle_from_actor_url("https://Example.Social/@Us") == "us@example.social"
    assert handle_from_actor_url("not a url") is None
