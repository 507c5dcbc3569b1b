"""The import pipeline across sources: detection, idempotency, atomicity, the log."""

from __future__ import annotations

import json
import shutil

from smi.workspace import Workspace


def _all_real_archives(real):
    return [
        real("x-archive-rtiatmla", "data"),
        real("x-archive-fanfarestiphout", "tweets.js"),
        real("mastodon-archive-dealingwith"),
    ]


def test_importing_everything_twice_changes_nothing(make_ws, cli, status, real):
    ws = make_ws()
    paths = _all_real_archives(real)
    cli("import", *paths, "--account", "@FanfareStiphout", "-w", ws)
    first = status(ws)
    snap = Workspace.open(ws).store.snapshot()
    r = cli("import", *paths, "--account", "@FanfareStiphout", "-w", ws)
    assert "3 unchanged" in r.stderr
    assert status(ws) == first
    assert Workspace.open(ws).store.snapshot() == snap
    assert set(first["platforms"]) == {"x", "mastodon"}
    assert first["platforms"]["x"]["posts"] == 70 + 666
    assert first["imports"] == 3


def test_unknown_file_is_named_in_a_short_message(make_ws, cli, tmp_path):
    ws = make_ws()
    f = tmp_path / "holiday.txt"
    f.write_text("not an export\n")
    r = cli("import", f, "-w", ws, ok=False)
    assert r.exit_code == 1
    assert "holiday.txt" in r.stderr and "no importer recognises" in r.stderr
    # It was one line of about 2,000 characters listing every format: now a pointer to them.
    assert "X/Twitter account archive" not in r.stderr and "`smi sources`" in r.stderr
    assert len(r.stderr) < 400 and len(r.stderr.splitlines()) <= 3


def test_unknown_real_file_names_its_columns_and_the_closest_formats(make_ws, cli, real, tmp_path):
    """A real file no format reads (a TikTok-style demographics CSV among Meta's page
    files: header "Gender","Distribution"), and the real twcs sample with its
    `inbound` column removed: the closest format is named with what it expects."""
    ws = make_ws()
    gender = real("meta-facebook-page-pcmerchandise", "demographics", "FollowerGender.csv")
    r = cli("import", gender, "-w", ws, ok=False)
    assert "FollowerGender.csv: no importer recognises this file" in r.stderr
    assert "no format smi reads has its columns (Gender, Distribution)" in " ".join(r.stderr.split())
    lines = r.stderr.splitlines()
    assert len(lines) <= 4 and max(map(len, lines)) < 250

    rows = real("twcs-sample-first5000", "twcs_first5000.csv").read_text(encoding="utf-8").split("\n")[:50]
    header = rows[0].split(",")
    assert header[2] == "inbound"
    cut = tmp_path / "support.csv"
    cut.write_text("\n".join([",".join(header[:2] + header[3:]), *rows[1:2]]) + "\n", encoding="utf-8")
    r = cli("import", cut, "-w", ws, ok=False)
    text = " ".join(r.stderr.split())
    assert "support.csv: no importer recognises this file; its columns: tweet_id, author_id, created_at" in text
    closest = [ln.strip() for ln in r.stderr.splitlines() if ln.strip().startswith("- ")]
    assert 1 <= len(closest) <= 3
    assert closest[0].startswith("- twcs_csv, Customer Support on Twitter CSV (twcs.csv): expects twcs.csv (tweet_id")
    assert len(r.stderr.splitlines()) <= 7


def test_missing_path_is_named(make_ws, cli, tmp_path):
    ws = make_ws()
    r = cli("import", tmp_path / "nope.zip", "-w", ws, ok=False)
    assert r.exit_code == 1 and "nope.zip" in r.stderr and "does not exist" in r.stderr


def test_a_failing_file_leaves_the_store_as_it_was_and_keeps_the_others(make_ws, cli, status, real, tmp_path):
    ws = make_ws()
    cli("import", real("x-archive-rtiatmla", "data"), "-w", ws)
    before = Workspace.open(ws).store.snapshot()
    bad = tmp_path / "outbox.json"
    data = json.loads(real("mastodon-archive-dealingwith", "outbox.json").read_text())
    data["orderedItems"][-3]["published"] = "yesterday-ish"
    bad.write_text(json.dumps(data))
    good = tmp_path / "good"
    shutil.copytree(real("x-archive-fanfarestiphout"), good, ignore=shutil.ignore_patterns("*.original-*", "*.md"))
    r = cli("import", bad, good / "tweets.js", "--account", "@FanfareStiphout", "-w", ws, ok=False)
    assert r.exit_code == 1
    assert "outbox.json" in r.stderr and "published" in r.stderr
    after = status(ws)
    assert after["platforms"]["x"]["posts"] == 70 + 666  # the good file landed
    assert "mastodon" not in after["platforms"]  # the bad one did not, not even partly
    snap = Workspace.open(ws).store.snapshot()
    assert all(snap[t] == before[t] for t in ("interactions", "audience_daily", "effort"))
    assert not any(r_[2].startswith("mastodon") for r_ in snap["imports"])


def test_imports_log_lists_each_import(make_ws, cli, real):
    ws = make_ws()
    cli("import", real("x-archive-rtiatmla", "data"), "-w", ws)
    log = json.loads(cli("imports", "--json", "-w", ws).stdout)
    assert len(log) == 1
    assert log[0]["source"] == "x_archive"
    assert log[0]["counts"]["posts"] == {"new": 70, "updated": 0, "unchanged": 0}
    names = {f["name"].rsplit("/", 1)[-1] for f in log[0]["files"]}
    assert {"tweet.js", "account.js"} <= names
    # the archive keeps a copy of every file read, by content hash
    for f in log[0]["files"]:
        assert (ws / "archive" / f["sha256"][:2]).is_dir()
