"""The benchmark's generators and harness, at tiny sizes: the archive is a valid X archive,
the CSVs are canonical, importing them gives exactly the rows generated, and the harness
measures each child's own peak memory."""

from __future__ import annotations

import csv
import importlib
import json
import sys
from datetime import datetime
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
N_TWEETS = 500
N_INTERACTIONS = 2_000


def _load(name: str):
    """bench/ is a folder of scripts, not a package: import them as its scripts do."""
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    module = importlib.import_module(name)
    assert Path(module.__file__).parent == BENCH
    return module


generate = _load("generate")


def _ytd(path: Path, wrapper: str):
    text = path.read_text(encoding="utf-8")
    assert text.startswith(wrapper)
    return json.loads(text[len(wrapper):])


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("bench-out")


@pytest.fixture(scope="module")
def archive(out) -> Path:
    return generate.x_archive(N_TWEETS, out)


@pytest.fixture(scope="module")
def csvs(out) -> Path:
    return generate.canonical_csv(N_INTERACTIONS, out)


def test_archive_is_a_valid_x_archive(archive):
    tweets = _ytd(archive / "data" / "tweets.js", "window.YTD.tweets.part0 = ")
    assert len(tweets) == N_TWEETS
    ids = []
    for el in tweets:
        t = el["tweet"]
        assert set(el) == {"tweet"}
        assert t["id_str"] == t["id"] and t["id_str"].isdigit()
        assert isinstance(t["favorite_count"], str)  # numbers as strings, as Twitter writes them
        datetime.strptime(t["created_at"], "%a %b %d %H:%M:%S %z %Y")
        text = t["full_text"]
        for h in t["entities"]["hashtags"]:
            a, b = map(int, h["indices"])
            assert text[a:b] == "#" + h["text"]
        for m in t["entities"]["user_mentions"]:
            a, b = map(int, m["indices"])
            assert text[a:b] == "@" + m["screen_name"]
        for u in t["entities"]["urls"]:
            a, b = map(int, u["indices"])
            assert text[a:b] == u["url"]
        ids.append(int(t["id_str"]))
    assert len(set(ids)) == N_TWEETS
    assert ids == sorted(ids, reverse=True)  # newest first, like a real archive
    replies = [el for el in tweets if "in_reply_to_status_id_str" in el["tweet"]]
    retweets = [el for el in tweets if el["tweet"]["full_text"].startswith("RT @")]
    assert 0.05 * N_TWEETS < len(replies) < 0.25 * N_TWEETS
    assert 0.03 * N_TWEETS < len(retweets) < 0.2 * N_TWEETS
    # Twitter's pretty-printer: 2-space indents and "key" : value.
    head = (archive / "data" / "tweets.js").read_text(encoding="utf-8")[:80]
    assert head.startswith('window.YTD.tweets.part0 = [\n  {\n    "tweet" : {\n      "edit_info" : {')
    account = _ytd(archive / "data" / "account.js", "window.YTD.account.part0 = ")
    assert account[0]["account"]["username"] == generate.ORG_HANDLE
    manifest = _ytd(archive / "data" / "manifest.js", "window.__THAR_CONFIG = ")
    assert manifest["dataTypes"]["tweets"]["files"][0]["count"] == str(N_TWEETS)


def test_generation_is_deterministic(archive, tmp_path):
    again = generate.x_archive(N_TWEETS, tmp_path)
    assert (again / "data" / "tweets.js").read_bytes() == (archive / "data" / "tweets.js").read_bytes()


def test_csvs_are_canonical(csvs):
    with (csvs / "interactions.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert tuple(rows[0]) == generate.INTERACTION_COLUMNS
    assert len(rows) - 1 == N_INTERACTIONS
    with (csvs / "posts.csv").open(newline="", encoding="utf-8") as f:
        posts = list(csv.DictReader(f))
    post_ids = {p["post_id"] for p in posts}
    assert len(post_ids) == len(posts) == min(100_000, N_INTERACTIONS)
    body = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert {r["post_id"] for r in body} <= post_ids
    assert len({r["interaction_id"] for r in body}) == N_INTERACTIONS
    for r in body[:200]:
        assert r["created_at"].endswith("Z")
        datetime.fromisoformat(r["created_at"])
        assert r["from_organisation"] in ("true", "false")


def _has_source(name: str) -> bool:
    from smi.sources import load_all

    return name in load_all()


def test_importing_the_archive_gives_every_tweet(archive, make_ws, cli, status):
    if not _has_source("x_archive"):
        pytest.skip("the X archive importer is not there yet")
    ws = make_ws()
    cli("import", archive, "-w", ws)
    assert status(ws)["platforms"]["x"]["posts"] == N_TWEETS


def test_importing_the_csvs_gives_every_row(csvs, make_ws, cli, status):
    if not _has_source("canonical_csv"):
        pytest.skip("the canonical CSV importer is not there yet")
    ws = make_ws()
    cli("import", csvs / "posts.csv", "-w", ws)
    cli("import", csvs / "interactions.csv", "-w", ws)
    st = status(ws)["platforms"]
    assert sum(p["posts"] for p in st.values()) == N_INTERACTIONS  # one post per row below 100k
    assert sum(p["interactions"] for p in st.values()) == N_INTERACTIONS


def test_harness_measures_each_childs_own_peak(tmp_path):
    run = _load("run")
    big = run.measure([sys.executable, "-c", "b = bytearray(120 << 20); b[::4096] = b'x' * len(b[::4096])"],
                      tmp_path, "big")
    small = run.measure([sys.executable, "-c", "pass"], tmp_path, "small")
    assert big.returncode == small.returncode == 0
    assert big.peak_rss_mb >= 120
    assert big.cpu_seconds is not None and big.cpu_seconds > 0
    assert small.peak_rss_mb < 100  # the big child's peak does not leak into the next one


def test_write_docs_replaces_only_the_results(tmp_path):
    run = _load("run")
    doc = tmp_path / "performance.md"
    doc.write_text(f"# Performance\n\nprose before\n\n{run.START_MARK}\nold\n{run.END_MARK}\n\nprose after\n")
    m = run.Measurement("X archive import", 1_000, "tweets", 2.0, 300.0, file_mb=1.4,
                        target_s=30.0, target_rss_mb=1024.0, rows_ok=True)
    data = {"date": "2026-11-26", "command": "bench/run.py", "machine": run.machine(),
            "results": [m.as_dict()], "checks": []}
    run.write_docs(data, doc)
    text = doc.read_text()
    assert "old" not in text and "prose before" in text and "prose after" in text
    assert "| X archive import | 1,000 tweets | 1 | 2.0 |  | 500 | 300 |  | ≤ 30 s, ≤ 1 GB | pass |" in text
