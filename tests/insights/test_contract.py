"""A contract over every registered detector: it describes itself, stays silent on an empty
workspace, and on a generated world with its effect planted it is not silent: it returns
well-formed tests, one of them significant (p < 0.05) and naming the planted effect
(smi.evaluation.matching). A new detector needs an entry in PLANTED."""

from __future__ import annotations

import json
import math

import pytest

from smi.insights.engine import Context
from smi.insights.finding import JSON_KEYS, QUESTIONS, Finding
from smi.insights.registry import load_all
from smi.workspace import Workspace

MONTH = "2025-06"
DETECTORS = sorted(load_all())


def test_the_registry_holds_the_detectors():
    assert {"success", "change"} <= set(DETECTORS)


@pytest.mark.parametrize("name", DETECTORS)
def test_every_detector_describes_itself(name):
    det = load_all()[name]
    assert det.question in QUESTIONS
    assert det.description.strip()
    assert isinstance(det.min_n, int) and det.min_n >= 1


@pytest.fixture(scope="module")
def empty(tmp_path_factory):
    from typer.testing import CliRunner

    from smi.cli import app

    path = tmp_path_factory.mktemp("empty") / "ws"
    result = CliRunner().invoke(app, ["init", str(path), "--name", "Empty", "--timezone", "UTC"])
    assert result.exit_code == 0, result.output
    ws = Workspace.open(path)
    yield ws
    ws.close()


@pytest.mark.parametrize("name", DETECTORS)
def test_every_detector_returns_nothing_on_an_empty_workspace(empty, name):
    assert load_all()[name].run(Context(empty, MONTH)) == []


# the effect each detector must see, planted together in one world (smi.evaluation.world)
PLANTED = {
    "practice": ("format", "instagram", "format", "video", "higher", 3.0, "all"),
    "change": ("content_drop", "facebook", "platform", "facebook", "lower", 0.3, "last"),
    "people": ("personal_mix", "bluesky", "person", "Sioned Pritchard", "higher", 3.0, "all"),
    "platforms": ("time_sink", "linkedin", "platform", "linkedin", "lower", 0.2, "all"),
    "time": ("time_sink", "linkedin", "platform", "linkedin", "lower", 0.2, "all"),
    "service": ("slower_responses", "bluesky", "platform", "bluesky", "higher", 8.0, "last"),
    "blind_spots": ("unaddressed_topic", None, "word", "parking", "higher", 50, "last"),
    "success": None,  # a goal the month clearly misses (the fixture sets it)
    "relationships": None,  # a group of regular commenters who fell silent (the fixture sets it)
    "purposes": None,  # a priority purpose no post serves, wanted at half the posts (the fixture sets it)
}


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    from smi.evaluation.build import build_workspace
    from smi.evaluation.world import Effect, generate

    effects, seen = [], set()
    for spec in PLANTED.values():
        if spec is not None and spec not in seen:
            seen.add(spec)
            detail = ({"account": "bluesky:sionedpritchard.bsky.social", "follower_surge": 6.0}
                      if spec[0] == "personal_mix" else {})
            effects.append(Effect(*spec, detail=detail))
    world = generate(21, "contract", effects=effects)
    ws = build_workspace(world, tmp_path_factory.mktemp("contract"))
    # success: a goal of three times the month's official posts (hand count from the rows)
    official = {a.handle for a in world.accounts if a.person is None}
    posts = sum(1 for p in world.posts if p["account"] in official
                and p["published_at"].strftime("%Y-%m") == world.last_month)
    doc = ws.profile_file.doc
    doc["goals"] = [{"name": "Post every day", "purpose": "promote",
                     "kpis": [{"metric": "posts", "target": 3 * posts, "direction": "higher"}]}]
    # relationships: the commenters of the three months before the last who wrote at least
    # twice then and not at all in the last month, declared a group the organisation aims to keep
    y, m = map(int, world.last_month.split("-"))
    before = {f"{(y * 12 + m - 1 - k) // 12:04d}-{(y * 12 + m - 1 - k) % 12 + 1:02d}" for k in (1, 2, 3)}
    seen: dict[tuple[str, str], list[str]] = {}
    for i in world.interactions:
        if not i["from_organisation"]:
            seen.setdefault((i["platform"], i["author"]), []).append(i["created_at"].strftime("%Y-%m"))
    regulars = sorted(k for k, months in seen.items()
                      if world.last_month not in months and sum(mo in before for mo in months) >= 2)[:40]
    doc["groups"] = [{"name": "regulars", "aim": "keep", "handles": [f"{p}:@{a}" for p, a in regulars]}]
    # purposes: collaborate is the first priority, wanted at half the official posts; no rule
    # gives it, so every post is "other" and its share is 0
    doc["purposes"] = {"collaborate": {"priority": 1, "share": 0.5}}
    ws.profile_file.save()
    ws.close()
    ws = Workspace.open(ws.root)
    from smi.purposes import apply_purposes

    apply_purposes(ws)
    yield Context(ws, world.last_month), world
    ws.close()


def check(f: Finding, min_n: int) -> None:
    assert isinstance(f, Finding)
    body = f.to_json()
    assert tuple(body) == JSON_KEYS
    json.dumps(body, allow_nan=False)  # plain JSON: no NaN, no numpy types, no dates
    assert 0.0 <= f.p_value <= 1.0 and not math.isnan(f.p_value)
    assert f.q_value is None and f.priority is None  # the engine and rank.py set them
    lo, hi = f.ci
    assert lo <= hi
    if f.effect.kind == "ratio":
        assert lo <= f.effect.value <= hi, (f.title, f.effect, f.ci)
        assert f.effect.value >= 0
    assert f.n >= min_n, (f.title, f.n, min_n)
    assert f.direction in ("higher", "lower")
    assert f.title.strip() and f.summary.strip() and f.recommendation.strip() and f.comparison.strip()
    assert isinstance(f.subject, dict) and "dimension" in f.subject and "value" in f.subject
    assert isinstance(f.evidence, list) and all(isinstance(r, dict) for r in f.evidence)
    if f.chart is not None:
        assert isinstance(f.chart, dict) and ("$schema" in f.chart or "mark" in f.chart)


@pytest.mark.slow
@pytest.mark.parametrize("name", DETECTORS)
def test_every_detector_finds_its_planted_effect_and_returns_well_formed_tests(planted, name):
    from smi.evaluation.matching import Ownership, match

    ctx, world = planted
    assert name in PLANTED, f"give the contract a planted effect for the new detector {name!r}"
    det = load_all()[name]
    found = det.run(ctx)
    assert found, f"{name} is silent on a world with its effect planted"
    for f in found:
        check(f, det.min_n)
        assert f.detector == name
    ids = [f.id for f in found]
    assert len(ids) == len(set(ids)), "two tests of one detector share an id: memory could not tell them apart"
    significant = [f for f in found if f.p_value < 0.05]
    spec = PLANTED[name]
    if name == "relationships":
        hits = [f for f in significant if f.metric == "group_messages" and f.direction == "lower"
                and f.subject == {"dimension": "group", "value": "regulars"}]
    elif name == "purposes":
        hits = [f for f in significant if f.metric == "share_of_posts_by_purpose" and f.direction == "lower"
                and f.subject == {"dimension": "purpose", "value": "collaborate"}]
    elif spec is None:
        hits = [f for f in significant if f.metric == "posts" and f.direction == "lower"]
    else:
        effect = {"type": spec[0], "platform": spec[1], "dimension": spec[2], "value": spec[3], "direction": spec[4]}
        own = Ownership(platforms={a.account_id: a.platform for a in world.accounts},
                        people={p: set(h) for p, h in world.people.items()})
        hits = [f for f in significant if match(f, effect, own) == "recall"]
    assert hits, [(f.metric, f.subject, f.direction, round(f.p_value, 4)) for f in found][:20]
