"""The month object (smi.monthly): plain data that round-trips through JSON, cached by the data
it read, rendered by the report without a store, in English and Welsh.

Workspace: tests/fixtures/sample_org (canonical CSV, hand-counted in tests/metrics/test_metrics.py
and tests/report/test_report.py), month 2024-03.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import smi.insights.engine
import smi.monthly as monthly
from smi.importer import run_import
from smi.monthly import Month, message, run_month
from smi.workspace import Workspace

SAMPLE = Path(__file__).resolve().parent / "fixtures" / "sample_org"
REPORT = Path(monthly.__file__).parent / "report"
MONTH = "2024-03"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    w = Workspace.create(tmp_path_factory.mktemp("sample") / "ws", name="Sample Org", timezone="UTC")
    result = run_import(w, [SAMPLE])
    assert not result.failed, [str(r.error) for r in result.failed]
    yield w
    w.close()


@pytest.fixture(scope="module")
def march(sample) -> Month:
    return run_month(sample, MONTH)


@pytest.fixture
def counted(monkeypatch):
    """How many times the insight engine and the month's computation run, per month."""
    calls: dict[str, list[str]] = {"engine": [], "compute": []}
    engine, compute = smi.insights.engine.run_month, monthly.compute_month

    def engine_run(ws, month, **kw):
        calls["engine"].append(month)
        return engine(ws, month, **kw)

    def compute_run(ws, period, **kw):
        calls["compute"].append(period.key)
        return compute(ws, period, **kw)

    monkeypatch.setattr(smi.insights.engine, "run_month", engine_run)
    monkeypatch.setattr(monthly, "compute_month", compute_run)
    return calls


@pytest.mark.slow
def test_the_month_round_trips_through_json_exactly(march):
    text = march.to_json()
    again = Month.from_json(text)
    assert again == march
    assert again.to_json() == text  # same keys in the same order (evidence columns keep theirs)
    assert json.loads(json.dumps(march.to_dict())) == march.to_dict()  # JSON types only
    assert march.month == MONTH and march.previous_month == "2024-02" and march.with_findings


@pytest.mark.slow
def test_the_month_holds_the_hand_counted_figures(march):
    """tests/report/test_report.py's hand count of sample_org: (March, February)."""
    expected = {("posts", "x"): (4, 2), ("posts", "facebook"): (2, 1), ("engagements", "x"): (21, 10),
                ("engagements", "mastodon"): (12, None), ("followers", "facebook"): (1100, 1010),
                ("impressions", "x"): (None, None)}
    for (metric, platform), (now, before) in expected.items():
        f = march.figure(platform, metric)
        assert (f.current, f.previous) == (now, before), (metric, platform)


@pytest.mark.slow
def test_reasons_are_messages_in_no_language(march):
    x = march.figure("x", "impressions")
    assert x.reason == message("%(source)s gives no %(what)s", source="Canonical CSV (smi's interchange format)",
                               what={"words": ["impressions"], "join": "or", "mutate": True})
    mast = march.figure("mastodon", "engagements")
    assert mast.reason is None and mast.previous_reason == message(
        "no post published in %(month)s has %(what)s", month={"month": "2024-02"},
        what={"words": ["reactions", "comments", "shares", "saves"], "join": "or", "mutate": True})


@pytest.mark.slow
def test_the_second_call_reuses_the_month_and_a_new_import_recomputes_it(tmp_path, counted):
    ws = Workspace.create(tmp_path / "ws", name="Sample Org", timezone="UTC")
    run_import(ws, [SAMPLE / "posts.csv", SAMPLE / "interactions.csv"])
    first = run_month(ws, MONTH)
    assert counted["compute"] == [MONTH] and MONTH in counted["engine"]
    assert first.figure("facebook", "followers").current is None  # no audience file yet
    engine_runs = len(counted["engine"])

    again = run_month(ws, MONTH)
    assert again == first
    assert counted["compute"] == [MONTH] and len(counted["engine"]) == engine_runs  # nothing re-ran

    run_import(ws, [SAMPLE / "audience.csv"])
    after = run_month(ws, MONTH)
    assert counted["compute"] == [MONTH, MONTH] and len(counted["engine"]) > engine_runs
    assert after.key != first.key
    # audience.csv: Facebook's follower count on 2024-03-31 is 1,100 (test_report's hand count)
    assert after.figure("facebook", "followers").current == 1100

    from smi.practice.actions import add_action

    add_action(ws, "Answer Facebook questions daily")  # a practice record: the month lists actions
    with_action = run_month(ws, MONTH)
    assert counted["compute"] == [MONTH, MONTH, MONTH]
    assert [a["title"] for a in with_action.actions] == ["Answer Facebook questions daily"]
    ws.close()


@pytest.mark.slow
def test_an_unreadable_cache_file_is_computed_again(sample, march, counted):
    path = monthly.cache_path(sample, MONTH)
    assert Month.from_json(path.read_text(encoding="utf-8")) == march
    path.write_text("{not json", encoding="utf-8")
    assert run_month(sample, MONTH) == march
    assert counted["compute"] == [MONTH]


# -- the report renders a Month and never opens the store ---------------------------------------
FORBIDDEN = ("duckdb", "ibis", "smi.store", "smi.metrics", "smi.insights", "smi.workspace", "smi.importer",
             "smi.practice", "smi.goals", "smi.engines")


def test_report_modules_import_no_store_and_touch_no_ws_store():
    for path in sorted(REPORT.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for n in names:
                assert not any(n == f or n.startswith(f + ".") for f in FORBIDDEN), (path.name, n)
            if isinstance(node, ast.Attribute):
                assert node.attr != "store", (path.name, node.lineno)


RENDER = """
import json, sys
from pathlib import Path
from smi.monthly import Month
from smi.report.i18n import Words
from smi.report.render import write_month

month = Month.from_json(Path(sys.argv[1]).read_text(encoding="utf-8"))
for lang in ("en", "cy"):
    write_month(month, Path(sys.argv[2]), ("html", "md", "json"), Words(lang))
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("duckdb", "ibis")
                        or m.split(".")[:2] in (["smi", "store"], ["smi", "metrics"]))))
"""


@pytest.mark.slow
def test_a_month_from_json_renders_in_both_languages_without_a_workspace(sample, march, tmp_path):
    from smi.report import write_report

    src = tmp_path / "month.json"
    src.write_text(march.to_json(), encoding="utf-8")
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-c", RENDER, str(src), str(out)], capture_output=True, text=True,
                         check=False, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout.splitlines()[-1]) == []  # no store, no DuckDB, no Ibis loaded
    files = sorted(p.name for p in (out / MONTH).iterdir())
    assert files == ["report.cy.html", "report.cy.json", "report.cy.md", "report.html", "report.json", "report.md"]
    en = (out / MONTH / "report.md").read_text(encoding="utf-8")
    cy = (out / MONTH / "report.cy.md").read_text(encoding="utf-8")
    # The reasons, said in each language from the same message (Welsh from the catalogue, with
    # the soft mutation "neu gadwadau" after "neu").
    assert "not available (Canonical CSV (smi's interchange format) gives no impressions)" in en
    assert "ddim ar gael (nid yw Canonical CSV (smi's interchange format) yn rhoi argraffiadau)" in cy
    assert ("no post published in February 2024 has reactions, comments, shares or saves" in en)
    assert ("nid oes gan unrhyw gyhoeddiad a bostiwyd ym mis Chwefror 2024 ymatebion, sylwadau, "
            "rhanniadau neu gadwadau") in cy
    # The JSON rendered from the loaded Month is the JSON the workspace's report writes.
    live = write_report(sample, month=MONTH, out_dir=tmp_path / "live", formats="json")
    assert (out / MONTH / "report.json").read_bytes() == live[0].read_bytes()


@pytest.mark.slow
def test_smi_month_prints_the_month_as_json(sample, march, cli):
    result = cli("month", "--month", MONTH, "--json", "-w", sample.root)
    assert Month.from_dict(json.loads(result.stdout)) == march


@pytest.mark.slow
def test_no_cache_without_a_writable_folder(tmp_path, counted):
    """A workspace whose cache folder cannot be made still gets its month (computed each time)."""
    ws = Workspace.create(tmp_path / "ws", name="Sample Org", timezone="UTC")
    run_import(ws, [SAMPLE / "posts.csv"])
    (ws.root / monthly.CACHE_DIR).write_text("a file where the folder would be", encoding="utf-8")
    a = run_month(ws, MONTH, findings=False)
    b = run_month(ws, MONTH, findings=False)
    assert a == b and counted["compute"] == [MONTH, MONTH]
    ws.close()


@pytest.mark.slow
def test_render_without_findings_has_no_question_sections(sample, tmp_path):
    from smi.report.model import model_from_month

    figures = run_month(sample, MONTH, findings=False)
    assert not figures.with_findings and figures.findings == [] and figures.actions == []
    assert model_from_month(figures).questions == []


def test_the_reports_clock_twin_rule_matches_the_catalogues_pairs():
    """The report finds a business-hours response time's clock-time twin by name (it loads no
    metrics code): the rule must give what smi.metrics.service.SHOWN_BESIDE pairs it with."""
    from smi.metrics.service import SHOWN_BESIDE

    assert SHOWN_BESIDE
    for business, beside in SHOWN_BESIDE.items():
        assert business.startswith("first_response_minutes_") and business.endswith("_business")
        assert business.removesuffix("_business") == beside[0]
