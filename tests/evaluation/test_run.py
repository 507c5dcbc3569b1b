"""The evaluation harness: how scored months add up, the results section it writes, the
command, and (slow) one generated world through the real importer and engine."""

from __future__ import annotations

import pytest

from smi.evaluation.run import BEGIN, END, Evaluation, markdown, summary, write_doc


def _world(kind: str, months: list[dict], effects: list[dict] | None = None) -> dict:
    return {"seed": 1, "kind": kind, "effects": effects or [], "months": months}


FMT = {"type": "format", "platform": "instagram", "dimension": "format", "value": "video", "direction": "higher"}
SINK = {"type": "time_sink", "platform": "linkedin", "dimension": "platform", "value": "linkedin", "direction": "lower"}
FALSE = {"detector": "change", "family": "output"}


def test_months_add_up_to_recall_per_type_and_false_findings_per_null_month():
    ev = Evaluation(seeds=[1, 2])
    # two null worlds of three months: 2 false findings in 6 months
    ev.add(_world("none", [{"month": m, "recalled": [], "false": f, "confounder": 0, "duplicates": []}
                           for m, f in (("05", [FALSE]), ("06", []), ("07", []))]))
    ev.add(_world("none", [{"month": m, "recalled": [], "false": f, "confounder": 0, "duplicates": []}
                           for m, f in (("05", []), ("06", [FALSE]), ("07", []))]))
    # two effect worlds: format found twice, the sink once of twice; one duplicate
    ev.add(_world("a", [{"month": "07", "recalled": [True, True], "false": [], "confounder": 0,
                         "duplicates": [FALSE]}], [FMT, SINK]))
    ev.add(_world("a", [{"month": "07", "recalled": [True, False], "false": [FALSE], "confounder": 0,
                         "duplicates": []}], [FMT, SINK]))
    assert ev.null_months == 6 and len(ev.null_false) == 2 and ev.null_false_per_month == pytest.approx(2 / 6)
    assert ev.effect_months == 2 and ev.effect_false_per_month == pytest.approx(0.5)
    assert (ev.planted["format"], ev.recalled["format"]) == (2, 2)
    assert (ev.planted["time_sink"], ev.recalled["time_sink"]) == (2, 1) and ev.recall("time_sink") == 0.5
    assert ev.recall("exposure_drop") is None  # not planted here
    assert ev.months_with_duplicates == 1 and [m["type"] for m in ev.missed] == ["time_sink"]
    assert not ev.passed  # the sink's recall is 50%
    text = summary(ev)
    assert "recall time_sink: 1 of 2 (50%)" in text and "2 in 6 months (0.33 a month" in text
    assert text.endswith("FAIL")


def test_passes_only_when_every_target_is_met():
    ok = _world("a", [{"month": "07", "recalled": [True], "false": [], "confounder": 0, "duplicates": []}], [FMT])
    null = _world("none", [{"month": "07", "recalled": [], "false": [], "confounder": 0, "duplicates": []}])
    ev = Evaluation(seeds=[1])
    ev.add(ok)
    ev.add(null)
    assert ev.passed
    ev.add(_world("none", [{"month": "08", "recalled": [], "false": [], "confounder": 0, "duplicates": [FALSE]}]))
    assert not ev.passed  # a month with two findings stating one fact


def test_the_results_section_replaces_only_its_own_lines(tmp_path):
    ev = Evaluation(seeds=[1])
    ev.add(_world("a", [{"month": "07", "recalled": [False], "false": [FALSE], "confounder": 0,
                         "duplicates": []}], [FMT]))
    section = markdown(ev, "smi evaluate --seeds 1", "1 December 2026")
    assert "| format | 1 | 0 | 0% | ≥ 90% |" in section and "change/output 1" in section
    doc = tmp_path / "accuracy.md"
    doc.write_text("# Accuracy\n\nintro\n", encoding="utf-8")
    write_doc(doc, section)
    write_doc(doc, "second run\n")
    text = doc.read_text(encoding="utf-8")
    assert text.startswith("# Accuracy\n\nintro\n") and text.count(BEGIN) == 1 and text.count(END) == 1
    assert "second run" in text and "| format |" not in text


def test_a_held_out_set_has_its_own_section(tmp_path):
    # before, every run replaced the one section: the tuning seeds' results and a held-out
    # set's could not both be in docs/accuracy.md
    doc = tmp_path / "accuracy.md"
    doc.write_text("# Accuracy\n", encoding="utf-8")
    write_doc(doc, "tuning\n")
    write_doc(doc, "held out\n", "seeds 101-120")
    write_doc(doc, "held out again\n", "seeds 101-120")
    text = doc.read_text(encoding="utf-8")
    assert text.count(BEGIN) == 1 and "tuning" in text
    assert text.count("<!-- evaluation results (seeds 101-120): begin") == 1
    assert "held out again" in text and "held out\n" not in text


def test_the_command_refuses_zero_seeds(cli):
    r = cli("evaluate", "--seeds", "0", ok=False)
    assert r.exit_code != 0 and "--seeds" in r.output


def test_the_command_runs_only_the_world_kinds_asked_for(cli, monkeypatch):
    # --kinds none,b: the null and b worlds only (the exposure drop and null false findings
    # without the a worlds' time); an unknown kind is refused by name
    import smi.evaluation as evaluation
    from smi.evaluation.run import Evaluation

    asked: dict[str, object] = {}

    def fake(seeds, **kw):
        asked.update(seeds=seeds, kinds=kw.get("kinds"))
        return Evaluation(seeds=list(seeds))

    monkeypatch.setattr(evaluation, "evaluate", fake)
    cli("evaluate", "--seeds", "2", "--first-seed", "5", "--kinds", "none,b", ok=False)
    assert asked == {"seeds": [5, 6], "kinds": ("none", "b")}
    r = cli("evaluate", "--seeds", "2", "--kinds", "none,c", ok=False)
    assert r.exit_code != 0 and "--kinds" in r.output and "none, a or b" in r.output


@pytest.mark.slow
def test_a_huge_planted_effect_is_recalled_through_the_whole_pipeline(tmp_path):
    """One generated world, imported and enriched, run through every detector: a 6× video
    effect on Instagram must come out as a recalled finding (any engine worth evaluating
    finds this one), and Welsh text must come back from enrichment as Welsh."""
    from smi.evaluation.build import build_workspace
    from smi.evaluation.matching import Ownership, score_month
    from smi.evaluation.world import Effect, generate
    from smi.insights.engine import run_month

    fx = Effect("format", "instagram", "format", "video", "higher", 6.0, "all")
    world = generate(11, "custom", effects=[fx])
    ws = build_workspace(world, tmp_path)
    try:
        # the generator wrote no language: enrichment found it (a hand count: posts made of CY
        # sentences only are `cy`)
        rows = ws.store.rows("SELECT language, count(*) AS n FROM posts GROUP BY 1")
        detected = {r["language"]: r["n"] for r in rows}
        assert detected.get("cy", 0) >= 0.8 * sum(p["language"] == "cy" for p in world.posts)
        found = run_month(ws, world.last_month, seed=11)
        own = Ownership(platforms={a.account_id: a.platform for a in world.accounts},
                        people={p: set(h) for p, h in world.people.items()})
        s = score_month(found, [fx.to_json()], own)
        assert s.recalled == {0: True}, [(f.detector, f.metric, f.subject, f.direction) for f in found]
    finally:
        ws.close()
