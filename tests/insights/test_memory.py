"""Memory: a month's findings and their statuses (new, continuing, resolved) are a pure
function of the data, whatever months were run before and in which order."""

from __future__ import annotations

import pytest

from smi.insights.finding import JSON_KEYS, Effect, Finding
from smi.insights.memory import LOOKBACK, findings_for_month
from smi.store import findings as stored
from smi.workspace import Workspace

FIXTURES = __import__("pathlib").Path(__file__).resolve().parents[1] / "fixtures"


def finding(subject: str, p: float = 0.001, **extra: str) -> Finding:
    return Finding(
        detector="change", question="Q1", title=f"{subject} rose", summary=f"{subject} rose by 2.",
        metric="posts", subject={"dimension": "platform", "value": subject, **extra}, comparison="last month",
        direction="higher", effect=Effect("ratio", 2.0), ci=(1.5, 2.5), p_value=p, n=30,
        recommendation="Keep it.", q_value=p, priority=1.0,
    )


class Runner:
    """Stands in for the detectors: each month's findings from a table; counts its calls."""

    def __init__(self, months: dict[str, list[Finding]]) -> None:
        self.months = months
        self.calls: list[str] = []

    def __call__(self, month: str) -> list[Finding]:
        self.calls.append(month)
        return self.months.get(month, [])


A, B, C = finding("x"), finding("facebook"), finding("instagram")
# Written by hand: A holds April to June, B only April, C May and June.
PLAN = {"2025-04": [A, B], "2025-05": [A, C], "2025-06": [A, C]}


@pytest.fixture
def ws(make_ws, cli):
    path = make_ws()
    # some data from 2025-03 on, so months from March are computed (before it: nothing to find)
    csv = path / "effort.csv"
    csv.write_text("date,person,minutes,platform,activity\n2025-03-03,Ann Jones,30,x,create\n", encoding="utf-8")
    cli("import", csv, "-w", path)
    w = Workspace.open(path)
    yield w
    w.close()


def statuses(result) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return [(r.id, r.status, r.since) for r in result.findings]


def test_a_month_computed_first_knows_its_history(ws):
    """June, run on a fresh workspace, computes May and April itself: no run order needed."""
    june = findings_for_month(ws, "2025-06", run=Runner(PLAN))
    assert statuses(june) == [(A.id, "continuing", "2025-04"), (C.id, "continuing", "2025-05")]
    assert june.resolved == []
    may = findings_for_month(ws, "2025-05", run=Runner(PLAN))
    assert statuses(may) == [(A.id, "continuing", "2025-04"), (C.id, "new", "2025-05")]
    assert [(r.id, r.status, r.since) for r in may.resolved] == [(B.id, "resolved", "2025-04")]


def test_run_order_changes_nothing(make_ws, cli, ws):
    forward = [findings_for_month(ws, m, run=Runner(PLAN)) for m in ("2025-04", "2025-05", "2025-06")]
    path = make_ws()
    csv = path / "effort.csv"
    csv.write_text("date,person,minutes,platform,activity\n2025-03-03,Ann Jones,30,x,create\n", encoding="utf-8")
    cli("import", csv, "-w", path)
    with Workspace.open(path) as other:
        backward = [findings_for_month(other, m, run=Runner(PLAN)) for m in ("2025-06", "2025-05", "2025-04")]
        assert [m.json() for m in forward] == [m.json() for m in reversed(backward)]


def test_stored_months_are_reused_only_for_the_same_data(ws, cli):
    run = Runner(PLAN)
    findings_for_month(ws, "2025-06", run=run)
    # A continues from April, so March (the first month with data) is looked at to see where its run began
    assert sorted(run.calls) == ["2025-03", "2025-04", "2025-05", "2025-06"]
    run.calls.clear()
    findings_for_month(ws, "2025-06", run=run)
    assert run.calls == ["2025-06"]  # the month itself is always run; May and April come from the store
    # new data: every month's stored findings are stale, so they are computed again
    csv = ws.root / "2025-05-effort.csv"
    csv.write_text("date,person,minutes,platform,activity\n2025-05-05,Ann Jones,45,x,engage\n", encoding="utf-8")
    cli("import", csv, "-w", ws.root)
    run.calls.clear()
    findings_for_month(ws, "2025-06", run=run)
    assert sorted(run.calls) == ["2025-03", "2025-04", "2025-05", "2025-06"]


def test_json_keys_and_status_words(ws):
    june = findings_for_month(ws, "2025-06", run=Runner(PLAN))
    data = june.json()
    assert list(data) == ["month", "findings"] and data["month"] == "2025-06"
    assert all(tuple(body) == JSON_KEYS for body in data["findings"])
    assert data["findings"][0]["summary"] == "x rose by 2. (continuing since 2025-04)"
    assert stored.month_findings(ws.store, "2025-06")[0]["summary"] == "x rose by 2."  # stored plain
    rows = ws.store.rows("SELECT month, count(*) AS n FROM findings GROUP BY month ORDER BY month")
    assert rows == [{"month": "2025-04", "n": 2}, {"month": "2025-05", "n": 2}, {"month": "2025-06", "n": 2}]


def test_a_gap_starts_a_new_run(ws):
    plan = {"2025-03": [A], "2025-05": [A], "2025-06": [A]}
    june = findings_for_month(ws, "2025-06", run=Runner(plan))
    assert statuses(june) == [(A.id, "continuing", "2025-05")]  # not in April: the run began in May


def test_a_long_run_is_looked_for_only_so_far(ws):
    months = [f"2025-{m:02d}" for m in range(3, 13)]
    run = Runner({m: [A] for m in months})
    dec = findings_for_month(ws, "2025-12", run=run)
    # December, then November and LOOKBACK months before it; the run goes on past them
    assert len(run.calls) == LOOKBACK + 2
    assert statuses(dec) == [(A.id, "continuing", f"2025-{12 - LOOKBACK - 1:02d} or earlier")]


def test_a_staff_account_finding_is_not_the_official_one(ws):
    """The same detector, metric and subject about a member of staff's account is another finding."""
    official = finding("instagram")
    staff = finding("instagram", account="instagram:ceri.jones")
    assert official.id != staff.id and official.account == "official" and staff.account == "instagram:ceri.jones"
    june = findings_for_month(ws, "2025-06", run=Runner({"2025-05": [official], "2025-06": [staff]}))
    assert statuses(june) == [(staff.id, "new", "2025-06")]
    assert [r.id for r in june.resolved] == [official.id]


def test_smi_findings_on_an_empty_workspace_says_what_to_do(make_ws, cli):
    result = cli("findings", "-w", make_ws(), ok=False)
    assert result.exit_code == 1 and "no data" in result.output and "smi import" in result.output


@pytest.mark.slow
def test_the_demo_month_matches_its_months_run_alone(tmp_path, cli):
    """June of the demo, run first: its statuses equal those found by running May's detectors
    on their own (independent of the memory code)."""
    import json

    from smi.demo import build_demo
    from smi.insights.engine import run_month

    build_demo(tmp_path / "ws", seed=7, until="2025-06").workspace.close()
    data = json.loads(cli("findings", "-w", tmp_path / "ws", "--month", "2025-06", "--format", "json").stdout)
    with Workspace.open(tmp_path / "ws") as ws:
        may_ids = {f.id for f in run_month(ws, "2025-05")}
        june = findings_for_month(ws, "2025-06")
    june_ids = {r.id for r in june.findings}
    assert may_ids and june_ids
    assert {r.id for r in june.findings if r.status == "continuing"} == may_ids & june_ids
    assert {r.id for r in june.findings if r.status == "new"} == june_ids - may_ids
    assert {r.id for r in june.resolved} == may_ids - june_ids
    assert len(data["findings"]) == len(june.findings)
    assert all(tuple(f) == JSON_KEYS for f in data["findings"]) and all(f["q_value"] <= 0.05 for f in data["findings"])
    table = cli("findings", "-w", tmp_path / "ws", "--month", "2025-06").stdout
    assert "Findings, June 2025" in table and f"{len(data['findings'])} findings:" in table
    assert all(r.id[:6] in table for r in june.findings)  # short ids, as reports print them
