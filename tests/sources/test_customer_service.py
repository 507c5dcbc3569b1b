"""Customer-service conversations: twcs.csv and IBM's Twitter-care JSON, on the real files.

Every number below was counted independently of smi, with Python's csv and json modules:

twcs_first5000.csv, read with `csv.DictReader(open(path, newline=""))`:
  5,000 rows, 5,000 distinct tweet_id; inbound True 2,778, False 2,222 (76 brand authors);
  created_at (strptime "%a %b %d %H:%M:%S %z %Y") 2011-08-29 03:20:05 to 2017-12-03 18:52:36 UTC;
  21 brand tweets with no in_response_to_tweet_id (the brands' own posts, e.g. 81 ChipotleTweets),
  34 tweets answering one of them directly (33 customers', 1 brand's); 1,285 customer tweets answering nothing.
  So: 2,222 posts (the brands' tweets: 21 originals, 2,201 replies) and 2,778 interactions
  (the customers' tweets). With pandas (read_csv, dtype=str, keep_default_na=False): 1,095
  customer tweets answer a brand tweet; the 2,201 brand replies by month of created_at (UTC):
  2016-08 1, 2017-08 2, 2017-09 2, 2017-10 1,516, 2017-11 668, 2017-12 12.
  Brand replies whose parent is a customer tweet in the file: 2,188, median
  (brand created_at - parent created_at) = 12.0583 min, i.e. PROVENANCE.md's 12.1 min.
  The first brand reply to each customer tweet: 2,083 customer tweets answered, median
  11.5333 min (lower, because later replies in a thread are left out).
  The original pandas re-save (index column, ids like "3.0", a bare CR in tweet 3399's
  unquoted text) gives exactly the same rows.

dev.json / test.json, read with `json.load`: dev 525 conversations, 686 messages (61 agent,
606 client, 19 client1) + 525 agentURL turns = 1,211 tweets, 1,205 distinct (a tweet can be in
several conversations); test 500 conversations, 639 messages + 500 agentURL = 1,139, 1,138
distinct; none shared between the files: 2,343. Taking each tweet's first place: dev 583
agent / 622 client, test 553 / 585. Dates 2018-05-02 to 2020-04-03 (the last is an agentURL
turn, whose time comes from its tweet id; for all 1,325 messages with a datetime, the id's
time agrees to the second). The agents' 1,136 tweets are the companies' replies (none opens a
conversation; 25 agent screen names, also 25 lower-cased); the customers' 1,207 interactions.
"""

from __future__ import annotations

import csv
import json
import statistics
from datetime import datetime
from pathlib import Path

import pytest

from smi.workspace import Workspace

TWCS = ("twcs-sample-first5000", "twcs_first5000.csv")
TWCS_ORIGINAL = ("twcs-sample-first5000", "twcs_first5000.original-pandas-resave.csv")
IBM = "customer-service-ibm-twitter-care"


def _rows(ws: Path, sql: str) -> list[dict]:
    with Workspace.open(ws) as w:
        return w.store.rows(sql)


def _snapshot(ws: Path) -> dict:
    with Workspace.open(ws) as w:
        return w.store.snapshot()


# -- twcs.csv ----------------------------------------------------------------------------------
def test_twcs_sample_counts(make_ws, cli, status, real):
    ws = make_ws()
    r = cli("import", real(*TWCS), "-w", ws)
    assert "twcs_csv" in r.stderr + r.stdout
    # The brands' 2,201 replies are replies (they counted 0, as from-organisation interactions).
    assert status(ws)["platforms"] == {"x": {
        "posts": 2222, "replies": 2201, "reposts": 0, "interactions": 2778, "audience_days": 0,
        "first": "2011-08-29", "last": "2017-12-03"}}
    split = _rows(ws, "SELECT from_organisation AS org, count(*) AS n FROM interactions GROUP BY 1 ORDER BY 1")
    assert split == [{"org": False, "n": 2778}]
    assert _rows(ws, "SELECT count(*) AS n FROM accounts") == [{"n": 76}]
    assert _rows(ws, "SELECT count(*) AS n FROM interactions WHERE post_key IS NOT NULL") == [{"n": 1095}]
    assert _rows(ws, "SELECT count(*) AS n FROM interactions WHERE kind = 'mention'") == [{"n": 1285}]
    [post] = _rows(ws, "SELECT account_id, kind, published_at::VARCHAR AS t FROM posts WHERE native_id = '81'")
    assert post["account_id"] == "x:chipotletweets" and post["kind"] == "original"
    assert _rows(ws, "SELECT count(*) AS n FROM post_metrics") == [{"n": 0}]  # the file has no counts
    [t1] = _rows(ws, "SELECT * FROM posts WHERE native_id = '1'")
    assert t1["account_id"] == "x:sprintcare" and t1["kind"] == "reply" and t1["in_reply_to"] == "3"
    assert t1["published_at"].isoformat() == "2017-10-31T22:10:47+00:00"
    by_month = {m: cli("metric", "replies", "--month", m, "--format", "json", "-w", ws).stdout
                for m in ("2017-10", "2017-11", "2017-12")}
    assert {m: json.loads(v)["rows"][0]["value"] for m, v in by_month.items()} == {
        "2017-10": 1516, "2017-11": 668, "2017-12": 12}


def _hand_medians(path: Path) -> tuple[int, float, int, float]:
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    by = {r["tweet_id"]: r for r in rows}

    def t(s: str) -> datetime:
        return datetime.strptime(s, "%a %b %d %H:%M:%S %z %Y")

    waits, first = [], {}
    for r in rows:
        p = by.get(r["in_response_to_tweet_id"])
        if r["inbound"] == "False" and p is not None and p["inbound"] == "True":
            m = (t(r["created_at"]) - t(p["created_at"])).total_seconds() / 60
            waits.append(m)
            first[p["tweet_id"]] = min(first.get(p["tweet_id"], m), m)
    return len(waits), statistics.median(waits), len(first), statistics.median(first.values())


def test_twcs_response_times_from_the_store_match_a_hand_calculation(make_ws, cli, real):
    ws = make_ws()
    cli("import", real(*TWCS), "-w", ws)
    n, median, answered, first_median = _hand_medians(real(*TWCS))
    assert (n, round(median, 4), answered, round(first_median, 4)) == (2188, 12.0583, 2083, 11.5333)
    assert round(median, 1) == 12.1  # PROVENANCE.md's figure
    replies = """
        SELECT count(*) AS n, median(epoch(r.published_at) - epoch(q.created_at)) / 60 AS m
        FROM posts r JOIN interactions q ON q.platform = r.platform AND q.native_id = r.in_reply_to
        WHERE r.kind = 'reply' AND NOT q.from_organisation"""
    [got] = _rows(ws, replies)
    assert got["n"] == n and got["m"] == pytest.approx(median, abs=1e-9)
    first = """
        SELECT count(*) AS n, median(w) / 60 AS m FROM (
          SELECT q.native_id, min(epoch(r.published_at) - epoch(q.created_at)) AS w
          FROM posts r JOIN interactions q ON q.platform = r.platform AND q.native_id = r.in_reply_to
          WHERE r.kind = 'reply' AND NOT q.from_organisation GROUP BY 1)"""
    [got] = _rows(ws, first)
    assert got["n"] == answered and got["m"] == pytest.approx(first_median, abs=1e-9)


def test_twcs_pandas_resave_with_bare_cr_gives_the_same_rows(make_ws, cli, real):
    a, b = make_ws(), make_ws()
    cli("import", real(*TWCS), "-w", a)
    cli("import", real(*TWCS_ORIGINAL), "-w", b)
    sa, sb = _snapshot(a), _snapshot(b)
    for table in ("interactions", "posts", "accounts"):
        assert sa[table] == sb[table]
    [t] = _rows(b, "SELECT text FROM interactions WHERE native_id = '3399'")
    assert t["text"].startswith("@AskPayPal \r\rI just love")


def test_twcs_import_twice_changes_nothing(make_ws, cli, status, real):
    ws = make_ws()
    cli("import", real(*TWCS), "-w", ws)
    before = status(ws)
    r = cli("import", real(*TWCS), "-w", ws)
    assert "already imported" in r.stderr + r.stdout
    assert status(ws) == before


def test_twcs_cut_short_fails_cleanly(make_ws, cli, real, tmp_path):
    data = real(*TWCS).read_bytes()
    cut = tmp_path / "twcs.csv"
    lines = data.split(b"\n")
    cut.write_bytes(b"\n".join(lines[:101]) + b"\n" + lines[101][:20])  # line 102 ends early
    ws = make_ws()
    cli("import", real(*TWCS), "-w", ws)
    before = _snapshot(ws)
    r = cli("import", cut, "-w", ws, ok=False)
    assert r.exit_code != 0
    out = r.stdout + r.stderr
    assert "twcs.csv" in out and "line 102" in out and "fields" in out
    assert _snapshot(ws) == before


def test_twcs_bad_field_names_record_and_field(make_ws, cli, real, tmp_path):
    with real(*TWCS).open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    rows[10][2] = "maybe"  # inbound of tweet rows[10][0]
    bad = tmp_path / "support.csv"
    with bad.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    ws = make_ws()
    before = _snapshot(ws)
    r = cli("import", bad, "-w", ws, ok=False)
    out = r.stdout + r.stderr
    assert f"tweet id {rows[10][0]}" in out and "'inbound'" in out and "maybe" in out
    assert _snapshot(ws) == before


# -- IBM Twitter-care JSON ---------------------------------------------------------------------
def test_twitter_care_counts(make_ws, cli, status, real):
    ws = make_ws()
    cli("import", real(IBM, "dev.json"), real(IBM, "test.json"), "-w", ws)
    # The agents' tweets are the companies' replies (they counted as replies 0).
    assert status(ws)["platforms"] == {"x": {
        "posts": 583 + 553, "replies": 583 + 553, "reposts": 0, "interactions": 622 + 585, "audience_days": 0,
        "first": "2018-05-02", "last": "2020-04-03"}}
    split = _rows(ws, "SELECT from_organisation AS org, count(*) AS n FROM interactions GROUP BY 1 ORDER BY 1")
    assert split == [{"org": False, "n": 622 + 585}]
    assert _rows(ws, "SELECT count(*) AS n FROM accounts") == [{"n": 25}]
    # The first conversation of dev.json: one client tweet, then the agent's document.
    conv = json.loads(real(IBM, "dev.json").read_text())[0]
    first, url = conv["dialogContent"][0]["tweet_ID"], conv["agentURL"]["tweet_ID"]
    [a] = _rows(ws, f"SELECT * FROM interactions WHERE native_id = '{first}'")
    [b] = _rows(ws, f"SELECT * FROM posts WHERE native_id = '{url}'")
    assert a["author"] == "CinVakas" and not a["from_organisation"] and a["kind"] == "mention"
    assert a["created_at"].isoformat() == "2020-04-01T17:31:32+00:00"
    assert b["account_id"] == "x:teamyoutube" and b["kind"] == "reply" and b["in_reply_to"] == first
    assert json.loads(b["extra"])["url"] == conv["agentURL"]["url"]
    assert b["published_at"] > a["created_at"]


def test_twitter_care_import_twice_and_remap(make_ws, cli, status, real):
    ws = make_ws()
    cli("import", real(IBM, "dev.json"), "-w", ws)
    before = status(ws)
    cli("import", real(IBM, "dev.json"), "-w", ws)
    assert status(ws) == before
    rows = _snapshot(ws)
    cli("remap", "-w", ws)
    after = _snapshot(ws)
    for table in ("interactions", "posts", "accounts"):
        assert after[table] == rows[table], table


def test_twitter_care_broken_files_fail_cleanly(make_ws, cli, real, tmp_path):
    convs = json.loads(real(IBM, "dev.json").read_text())
    convs[4]["dialogContent"][0]["datetime"] = "yesterday"
    bad = tmp_path / "dev.json"
    bad.write_text(json.dumps(convs))
    cut = tmp_path / "test.json"
    cut.write_bytes(real(IBM, "test.json").read_bytes()[:50_000])
    ws = make_ws()
    before = _snapshot(ws)
    r = cli("import", bad, "-w", ws, ok=False)
    out = r.stdout + r.stderr
    sid = convs[4]["dialogHeader"]["sessionID"]
    assert f"conversation 5 (sessionID {sid}), message 1" in out and "'datetime'" in out
    r = cli("import", cut, "-w", ws, ok=False)
    assert "test.json" in r.stdout + r.stderr and "not valid JSON" in r.stdout + r.stderr
    assert _snapshot(ws) == before
