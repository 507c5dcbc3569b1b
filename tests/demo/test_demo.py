"""The demo organisation: deterministic files in real export formats, planted effects that
are really in the data, and a build that imports through the real importers."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from datetime import date
from pathlib import Path
from statistics import median

import pytest

from smi.demo import build_demo, generate_files, last_complete_month
from smi.demo.effects import PLANTED
from smi.errors import SmiError

MONTH = date(2025, 6, 1)
EFFECT_IDS = {"video_outperforms", "bilingual_does_better_on_facebook", "own_voice_resonates",
              "facebook_time_sink", "facebook_questions_wait",
              "partners_neglected", "community_held_by_one", "workshops_over_served"}


def hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """Seed 7 with effects, written once for the file-shape tests."""
    folder = tmp_path_factory.mktemp("gen") / "demo-data"
    world, files, manifest = generate_files(folder, seed=7, last_month=MONTH, effects=True)
    return folder, world, files, manifest


# -- determinism ---------------------------------------------------------------------------------
def test_same_seed_gives_byte_identical_files(generated, tmp_path):
    folder, _, _, _ = generated
    generate_files(tmp_path / "demo-data", seed=7, last_month=MONTH, effects=True)
    first, second = hashes(folder), hashes(tmp_path / "demo-data")
    assert len(first) == 10  # 3 X zips, 2 Mastodon zips, 4 CSVs, the manifest
    assert first == second


def test_another_seed_gives_other_files(generated, tmp_path):
    folder, _, _, _ = generated
    generate_files(tmp_path / "demo-data", seed=8, last_month=MONTH, effects=True)
    first, other = hashes(folder), hashes(tmp_path / "demo-data")
    assert first.keys() == other.keys()  # same structure
    assert all(first[k] != other[k] for k in first)


@pytest.fixture(scope="module")
def flat(tmp_path_factory):
    """Seed 7 without effects."""
    folder = tmp_path_factory.mktemp("flat") / "demo-data"
    world, _, manifest = generate_files(folder, seed=7, last_month=MONTH, effects=False)
    return world, manifest


def test_effects_off_keeps_the_schedule_and_changes_the_numbers(generated, flat):
    _, world, _, _ = generated
    flat, _ = flat
    originals = [(p.native_id, p.text) for p in world.posts if p.kind == "original"]
    assert originals == [(p.native_id, p.text) for p in flat.posts if p.kind == "original"]
    assert [p.metrics for p in world.posts] != [p.metrics for p in flat.posts]


# -- the manifest ----------------------------------------------------------------------------------
def test_manifest_lists_the_planted_effects(generated):
    folder, _, files, manifest_path = generated
    m = json.loads(manifest_path.read_text(encoding="utf-8"))
    assert manifest_path == folder / "manifest.json"
    assert (m["seed"], m["first_month"], m["last_month"], m["months"]) == (7, "2024-06", "2025-06", 13)
    assert {e["id"] for e in m["effects"]} == EFFECT_IDS
    for e in m["effects"]:
        assert e["question"] in ("Q1", "Q2", "Q3", "Q4", "Q5", "Q6")
        assert e["metric"] and e["description"]
        assert set(e["subject"]) == {"dimension", "value"}
        assert e["multiplier"] > 0 or e["id"] == "partners_neglected"  # contact stops: x0
    by_id = {e["id"]: e for e in m["effects"]}
    assert by_id["video_outperforms"]["subject"] == {"dimension": "format", "value": "video"}
    assert by_id["video_outperforms"]["scope"] == {"platform": "instagram"}
    assert by_id["own_voice_resonates"]["question"] == "Q4"
    # Realised sizes are near the planted ones.
    assert 1.5 < by_id["video_outperforms"]["realised"]["ratio"] < 2.2
    assert 1.6 < by_id["own_voice_resonates"]["realised"]["ratio"] < 2.4
    assert by_id["facebook_time_sink"]["realised"]["share_of_staff_minutes"] > 0.4
    assert by_id["facebook_time_sink"]["realised"]["share_of_engagement"] < 0.2
    assert by_id["facebook_questions_wait"]["realised"]["median_hours"] > 15
    assert by_id["facebook_questions_wait"]["realised"]["elsewhere_median_hours"] < 3
    # Q1: six partners x three mentions, each answered = 36 messages a month, none in the last
    assert by_id["partners_neglected"]["realised"] == {"last_month": 0, "a_month_before": 36.0, "ratio": 0.0}
    assert by_id["community_held_by_one"]["realised"]["members"] == 300
    assert by_id["community_held_by_one"]["realised"]["share_to_owain_alone"] == 1.0
    # about 1.5 mentions a member a month over 13 months: 300 x 1.5 x 13 = 5,850 expected
    assert 5_400 < by_id["community_held_by_one"]["realised"]["messages"] < 6_300
    assert 0.3 < by_id["workshops_over_served"]["realised"]["share_of_staff_minutes"] < 0.4
    assert by_id["workshops_over_served"]["realised"]["share_of_engagement"] < 0.05    # Every file is listed with its hash.
    listed = {f["path"]: f["sha256"] for f in m["files"]}
    assert listed == {k: v for k, v in hashes(folder).items() if k != "manifest.json"}
    assert len(files) == 9


def test_manifest_without_effects_lists_none(flat):
    world, manifest_path = flat
    m = json.loads(manifest_path.read_text(encoding="utf-8"))
    assert m["effects_planted"] is False
    assert m["effects"] == []
    # and the dimensions the effects touch perform alike
    from smi.demo.effects import realised

    for e in PLANTED:
        assert 0.75 < realised(e.id, world)["ratio"] < 1.33, e.id


# -- the formats -------------------------------------------------------------------------------------
def test_x_archive_looks_like_a_real_one(generated):
    folder, world, _, _ = generated
    path = folder / "x" / "twitter-2025-07-01-theatrglanymor.zip"
    with zipfile.ZipFile(path) as zf:
        assert zf.namelist() == ["data/manifest.js", "data/account.js", "data/tweets.js"]
        tweets_js = zf.read("data/tweets.js").decode("utf-8")
        manifest_js = zf.read("data/manifest.js").decode("utf-8")
        account_js = zf.read("data/account.js").decode("utf-8")
    assert tweets_js.startswith('window.YTD.tweets.part0 = [\n  {\n    "tweet" : {\n')
    tweets = json.loads(tweets_js.split("=", 1)[1])
    ours = [p for p in world.posts if p.account.key == "x_official"]
    assert len(tweets) == len(ours)
    t = tweets[0]["tweet"]
    assert re.fullmatch(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} \d\d \d\d:\d\d:\d\d \+0000 \d{4}",
                        t["created_at"])
    assert isinstance(t["favorite_count"], str) and isinstance(t["id_str"], str)
    assert set(t["entities"]) >= {"hashtags", "user_mentions", "urls"}
    kinds = {("reply" if "in_reply_to_status_id_str" in x["tweet"] else
              "repost" if x["tweet"]["full_text"].startswith("RT @") else "original") for x in tweets}
    assert kinds == {"original", "reply", "repost"}
    videos = [x["tweet"] for x in tweets if x["tweet"].get("extended_entities", {}).get("media", [{}])[0].get("type") == "video"]
    assert videos and all(v["entities"]["media"][0]["type"] == "photo" for v in videos)
    config = json.loads(manifest_js.split("=", 1)[1])
    assert config["archiveInfo"]["generationDate"] == "2025-07-01T08:14:27.000Z"
    assert json.loads(account_js.split("=", 1)[1])[0]["account"]["username"] == "TheatrGlanyMor"


def test_mastodon_archive_looks_like_a_real_one(generated):
    folder, world, _, _ = generated
    (path,) = [p for p in (folder / "mastodon").iterdir()
               if json.loads(zipfile.ZipFile(p).read("actor.json"))["preferredUsername"] == "theatrglanymor"]
    with zipfile.ZipFile(path) as zf:
        outbox = json.loads(zf.read("outbox.json"))
        actor = json.loads(zf.read("actor.json"))
    assert outbox["type"] == "OrderedCollection"
    items = outbox["orderedItems"]
    assert outbox["totalItems"] == len(items) == sum(1 for p in world.posts if p.account.key == "mastodon_official")
    assert {i["type"] for i in items} == {"Create", "Announce"}
    notes = [i["object"] for i in items if i["type"] == "Create"]
    assert all(n["content"].startswith("<p>") and len(n["contentMap"]) == 1 for n in notes)
    assert [i["published"] for i in items] == sorted(i["published"] for i in items)  # oldest first
    assert any(n["inReplyTo"] for n in notes)
    assert actor["type"] == "Person" and actor["outbox"] == "outbox.json"


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_canonical_csvs(generated):
    folder, _, _, _ = generated
    csvdir = folder / "csv"
    posts = _rows(csvdir / "posts.csv")
    assert list(posts[0]) == ["platform", "post_id", "account", "author", "published_at", "kind", "format",
                              "text", "language", "url", "in_reply_to", "labels", "impressions", "reach",
                              "reactions", "comments", "shares", "saves", "clicks", "video_views",
                              "observed_at"]
    assert {r["platform"] for r in posts} == {"instagram", "facebook", "linkedin"}
    assert {r["language"] for r in posts} == {"cy", "en", "cy+en"}
    # Not available is blank, never 0: Instagram gives no clicks, Facebook no saves.
    assert all(r["clicks"] == "" for r in posts if r["platform"] == "instagram")
    assert all(r["saves"] == "" for r in posts if r["platform"] == "facebook")
    assert all(r["impressions"] != "" for r in posts)
    # The comment counts are the comments written in interactions.csv.
    talk = _rows(csvdir / "interactions.csv")
    inbound = {}
    for r in talk:
        if r["from_organisation"] == "false" and r["post_id"]:
            inbound[(r["platform"], r["post_id"])] = inbound.get((r["platform"], r["post_id"]), 0) + 1
    assert all(int(r["comments"]) == inbound.get((r["platform"], r["post_id"]), 0) for r in posts)
    assert {r["platform"] for r in talk} == {"x", "mastodon", "instagram", "facebook", "linkedin"}
    texts = {r["text"] for r in talk}
    assert "Oes parcio ger y theatr?" in texts and "What time does the show start?" in texts
    assert any("Tocynnau ar werth nawr" in r["text"] for r in posts)
    audience = _rows(csvdir / "audience.csv")
    assert len(audience) == 9 * 395  # nine accounts, 2024-06-01 .. 2025-06-30
    effort = _rows(csvdir / "effort.csv")
    assert {r["person"] for r in effort} == {"Elin Prys", "Siân Hughes", "Dafydd Rowlands", "Owain Davies"}


# -- arguments ---------------------------------------------------------------------------------------
def test_last_complete_month():
    assert last_complete_month(date(2026, 1, 15)) == date(2025, 12, 1)
    assert last_complete_month(date(2026, 11, 1)) == date(2026, 10, 1)


@pytest.mark.parametrize("until", ["2025-13", "June 2025", "2999-01"])
def test_until_must_be_a_past_month(tmp_path, until):
    with pytest.raises(SmiError) as e:
        build_demo(tmp_path / "demo", until=until)
    assert e.value.fix
    assert not (tmp_path / "demo").exists()


def test_refuses_a_workspace_that_is_not_a_demo(make_ws):
    ws = make_ws()
    with pytest.raises(SmiError, match="already a workspace"):
        build_demo(ws, until="2025-06")


# -- the full build, through the real importers ---------------------------------------------------------
@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = {}
    for effects in (True, False):
        folder = tmp_path_factory.mktemp("built") / "demo"
        out[effects] = (folder, build_demo(folder, seed=7, until="2025-06", effects=effects))
    yield out
    for _, result in out.values():
        result.workspace.close()


def _x_reactions_ratio(store) -> float:
    rows = {r["account_id"]: r["mean"] for r in store.rows(
        "SELECT p.account_id, avg(m.reactions) AS mean FROM posts p JOIN post_metrics m USING (post_key) "
        "WHERE p.platform = 'x' AND p.kind = 'original' GROUP BY 1")}
    return rows["x:dafyddrowlands"] / rows["x:theatrglanymor"]


def _first_response_hours(store) -> dict[str, float]:
    rows = store.rows(
        "SELECT q.platform, epoch(min(r.created_at) - q.created_at) / 3600 AS hours "
        "FROM interactions q JOIN interactions r ON r.platform = q.platform AND r.in_reply_to = q.native_id "
        "AND r.from_organisation WHERE NOT q.from_organisation GROUP BY q.platform, q.native_id, q.created_at")
    by: dict[str, list[float]] = {}
    for r in rows:
        by.setdefault(r["platform"], []).append(r["hours"])
    return {p: median(h) for p, h in by.items()}


@pytest.mark.slow
def test_build_imports_every_file_into_a_workspace(built, status):
    folder, result = built[True]
    assert result.report_month == "2025-06"
    assert result.data_dir == folder / "data" and result.manifest_path.exists()
    assert re.match(r"demo: Theatr Glan-y-Môr, 13 months \(2024-06 to 2025-06\), 5 platforms, "
                    r"[\d,]+ posts, [\d,]+ interactions, [\d,]+ time entries, imported from 9 files; "
                    r"8 planted effects", result.summary)
    st = status(folder)
    assert st["imports"] == 9
    assert st["effort_entries"] > 0
    plats = st["platforms"]
    assert set(plats) == {"x", "mastodon", "instagram", "facebook", "linkedin"}
    for p, e in plats.items():
        assert e["posts"] > 0 and e["interactions"] > 0 and e["audience_days"] > 0, p
    assert min(e["first"] for e in plats.values()) == "2024-06-01"
    assert max(e["last"] for e in plats.values()) == "2025-06-30"
    # What was generated is what the store holds.
    m = json.loads(result.manifest_path.read_text(encoding="utf-8"))
    store = result.workspace.store
    assert sum(e["posts"] for e in plats.values()) == m["counts"]["posts"]
    assert sum(e["interactions"] for e in plats.values()) == m["counts"]["interactions"]
    assert st["effort_entries"] == m["counts"]["effort_entries"]
    # The profile: official accounts, people linked to their own accounts, goals.
    people = {r["account_id"]: r["person"] for r in store.rows("SELECT account_id, person FROM accounts")}
    assert people["x:dafyddrowlands"] == "Dafydd Rowlands"
    assert people["mastodon:owain@mastodon.example"] == "Owain Davies"
    profile = result.workspace.profile
    assert profile.organisation.languages == ["en", "cy"]
    assert profile.organisation.timezone == "Europe/London"
    assert len(profile.goals) == 3 and all(g.kpis for g in profile.goals)
    assert {p.name for p in profile.people if p.cost_per_hour} == {"Elin Prys", "Siân Hughes",
                                                                   "Dafydd Rowlands", "Owain Davies"}
    # Issue 13: groups, purposes, the survey answered twice, the initiatives.
    assert [(g.name, g.aim, len(g.handles)) for g in profile.groups] == [("partners", "grow", 6)]
    assert set(profile.purposes) == {"promote", "develop products", "collaborate", "serve customers"}
    rounds = store.rows("SELECT round, count(DISTINCT person) AS people, count(*) AS answers "
                        "FROM survey_responses GROUP BY round ORDER BY round")
    # 4 people x 6 items in each round; six-month rounds: August 2024 is in July-December,
    # June 2025 in January-June
    assert rounds == [{"round": "2024-07", "people": 4, "answers": 24},
                      {"round": "2025-01", "people": 4, "answers": 24}]
    assert sorted(r["title"] for r in store.rows("SELECT title FROM initiatives")) == [
        "Bring the community network onto the official Mastodon account", "Cut workshop posting time by half",
        "Monthly partner spotlight on X", "Quarterly update thread for funders",
        "Saved replies for box-office questions"]
    # organisation.toml: two meetings, on the 9th of the last two months; two linked actions
    assert [str(r["d"]) for r in store.rows("SELECT held_on AS d FROM meetings ORDER BY 1")] == [
        "2025-05-09", "2025-06-09"]
    assert store.rows("SELECT count(*) AS n, count(done_at) AS done FROM actions") == [{"n": 2, "done": 1}]
    workshop = store.rows("SELECT count(*) AS n FROM posts WHERE purpose = 'develop products'")[0]["n"]
    assert workshop > 100  # 12% of the official originals not about a production


@pytest.mark.slow
def test_planted_effects_are_in_the_store(built):
    planted = built[True][1].workspace.store
    flat = built[False][1].workspace.store
    assert _x_reactions_ratio(planted) > 1.5
    assert 0.8 < _x_reactions_ratio(flat) < 1.25
    waits = _first_response_hours(planted)
    assert waits["facebook"] > 12
    assert all(h < 4 for p, h in waits.items() if p != "facebook")
    assert all(h < 4 for h in _first_response_hours(flat).values())


@pytest.mark.slow
def test_rebuilding_is_idempotent_and_other_settings_are_refused(built):
    folder, result = built[True]
    before = result.workspace.store.snapshot()
    result.workspace.close()
    again = build_demo(folder, seed=7, until="2025-06", effects=True)
    try:
        assert again.workspace.store.snapshot() == before
        assert "imported from 9 files (9 already imported, unchanged)" in again.summary
    finally:
        again.workspace.close()
    with pytest.raises(SmiError, match="seed 7, until 2025-06, effects on") as e:
        build_demo(folder, seed=8, until="2025-06")
    assert "delete the folder" in e.value.fix
