"""A contract over every registered detector: it describes itself, stays silent on an empty
workspace, and every Finding it returns on the demo is well formed."""

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


@pytest.fixture(scope="module")
def demo_ctx(tmp_path_factory):
    from smi.demo import build_demo

    ws = build_demo(tmp_path_factory.mktemp("contract") / "ws", seed=7, until=MONTH).workspace
    yield Context(ws, MONTH)
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
def test_every_finding_on_the_demo_is_well_formed(demo_ctx, name):
    det = load_all()[name]
    found = det.run(demo_ctx)
    for f in found:
        check(f, det.min_n)
        assert f.detector == name
    ids = [f.id for f in found]
    assert len(ids) == len(set(ids)), "two tests of one detector share an id: memory could not tell them apart"
