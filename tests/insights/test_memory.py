"""Memory: findings are stored per month and next month says new, continuing or resolved."""

from __future__ import annotations

import pytest

from smi.insights.finding import JSON_KEYS, Effect, Finding
from smi.insights.memory import findings_for_month, remember
from smi.store import findings as stored
from smi.workspace import Workspace


def finding(subject: str, p: float = 0.001) -> Finding:
    return Finding(
        detector="change", question="Q1", title=f"{subject} rose", summary=f"{subject} rose by 2.",
        metric="posts", subject={"dimension": "platform", "value": subject}, comparison="last month",
        direction="higher", effect=Effect("ratio", 2.0), ci=(1.5, 2.5), p_value=p, n=30,
        recommendation="Keep it.", q_value=p, priority=1.0,
    )


@pytest.fixture
def ws(make_ws):
    w = Workspace.open(make_ws())
    yield w
    w.close()


def test_new_continuing_and_resolved_over_three_months(ws):
    a, b, c = finding("x"), finding("facebook"), finding("instagram")
    april = remember(ws, "2025-04", [a, b])
    assert [(r.id, r.status) for r in april.findings] == [(a.id, "new"), (b.id, "new")]
    assert april.resolved == []

    may = remember(ws, "2025-05", [a, c])
    assert [(r.id, r.status, r.since) for r in may.findings] == [(a.id, "continuing", "2025-04"),
                                                                  (c.id, "new", "2025-05")]
    assert [(r.id, r.status) for r in may.resolved] == [(b.id, "resolved")]

    june = remember(ws, "2025-06", [a])
    assert [(r.id, r.status, r.since) for r in june.findings] == [(a.id, "continuing", "2025-04")]
    assert [r.id for r in june.resolved] == [c.id]  # b was resolved in May already

    # the JSON keeps exactly the keys; the status is said at the end of the summary
    data = june.json()
    assert list(data) == ["month", "findings"] and data["month"] == "2025-06"
    (body,) = data["findings"]
    assert tuple(body) == JSON_KEYS
    assert body["summary"] == "x rose by 2. (continuing since 2025-04)"
    assert may.json()["findings"][1]["summary"] == "instagram rose by 2. (new this month)"


def test_a_gap_starts_a_new_run_and_a_rerun_replaces_the_month(ws):
    a = finding("x")
    remember(ws, "2025-03", [a])
    remember(ws, "2025-04", [])
    again = remember(ws, "2025-05", [a])
    assert again.findings[0].status == "new"  # not in April: a new run
    assert [r.id for r in remember(ws, "2025-06", [a]).findings] == [a.id]
    assert remember(ws, "2025-06", [a]).findings[0].since == "2025-05"
    # re-running June stored June once: the table holds one row per finding per month
    rows = ws.store.rows("SELECT month, count(*) AS n FROM findings GROUP BY month ORDER BY month")
    assert rows == [{"month": "2025-03", "n": 1}, {"month": "2025-05", "n": 1}, {"month": "2025-06", "n": 1}]
    assert stored.month_findings(ws.store, "2025-06")[0]["summary"] == "x rose by 2."  # stored plain


@pytest.mark.slow
def test_two_consecutive_months_of_the_demo(tmp_path):
    from smi.demo import build_demo

    ws = build_demo(tmp_path / "ws", seed=7, until="2025-06").workspace
    may = findings_for_month(ws, "2025-05")
    june = findings_for_month(ws, "2025-06")
    may_ids = {r.id for r in may.findings}
    june_ids = {r.id for r in june.findings}
    assert may_ids and june_ids
    assert {r.id for r in june.findings if r.status == "continuing"} == may_ids & june_ids
    assert {r.id for r in june.findings if r.status == "new"} == june_ids - may_ids
    assert {r.id for r in june.resolved} == may_ids - june_ids
    # the planted effects hold in both months: Instagram video and Facebook bilingual continue
    continuing = [r.body["title"] for r in june.findings if r.status == "continuing"]
    assert any("video" in t for t in continuing) and any("bilingual" in t for t in continuing)
    assert [b["id"] for b in stored.month_findings(ws.store, "2025-06")] == [r.id for r in june.findings]
    ws.close()


def test_smi_findings_on_an_empty_workspace_says_what_to_do(make_ws, cli):
    result = cli("findings", "-w", make_ws(), ok=False)
    assert result.exit_code == 1 and "no data" in result.output and "smi import" in result.output


@pytest.mark.slow
def test_smi_findings_json_and_table_on_the_demo(tmp_path, cli):
    import json

    from smi.demo import build_demo

    build_demo(tmp_path / "ws", seed=7, until="2025-06").workspace.close()
    cli("findings", "-w", tmp_path / "ws", "--month", "2025-05")
    data = json.loads(cli("findings", "-w", tmp_path / "ws", "--month", "2025-06", "--format", "json").stdout)
    assert list(data) == ["month", "findings"] and data["month"] == "2025-06"
    assert data["findings"] and all(tuple(f) == JSON_KEYS for f in data["findings"])
    assert all(f["q_value"] <= 0.05 for f in data["findings"])
    assert any(f["summary"].endswith("(continuing since 2025-05)") for f in data["findings"])
    table = cli("findings", "-w", tmp_path / "ws", "--month", "2025-06").stdout
    assert "Findings, June 2025" in table and f"{len(data['findings'])} findings:" in table
