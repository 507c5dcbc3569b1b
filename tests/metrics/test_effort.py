"""Effort metrics against hand calculations on tests/fixtures/metrics_effort (UTC).

effort.csv, March 2024 (the 28 Feb row is outside): Ceri Jones 120 x create + 60 facebook
engage + 15 facebook monitor = 195 min; Dai Evans 90 x engage + 30 (no platform) plan = 120.
Total 315 min = 5.25 h; x 210 min = 3.5 h, facebook 75 min = 1.25 h, no platform 30 min.
Profile rates: Ceri 20.0 an hour, Dai none (then 30.0 in the second workspace).

posts.csv, March, latest snapshot: x 1 = 10+2+3 = 15, x 2 = 5, x 3 (a reply) = 1, x 4 is a
repost (left out); facebook f1 = 30, f2 has no numbers; mastodon m1 = 4.
Engagements: x 21, facebook 30, mastodon 4, total 55. Posts (originals, quotes): x 2,
facebook 2, mastodon 1, total 5.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from smi.importer import run_import
from smi.metrics import Period, get
from smi.workspace import Workspace

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "metrics_effort"
MARCH = Period.month("2024-03", "UTC")


def build(path: Path, dai_rate: float | None = None) -> Workspace:
    ws = Workspace.create(path, name="Effort", timezone="UTC")
    ws.profile_file.add_person("Ceri Jones", [], None, None, 20.0)
    ws.profile_file.add_person("Dai Evans", [], None, None, dai_rate)
    ws.store.sync_profile(ws.profile)
    report = run_import(ws, [FIXTURE])
    assert not report.failed, [str(r.error) for r in report.failed]
    return ws


def values(ws: Workspace, name: str, by: tuple[str, ...] = ()):
    rows = get(name).build(ws.store.ibis(), MARCH, by).to_pyarrow().to_pylist()
    if not by:
        [row] = rows
        return row["value"]
    return {r[by[0]]: r["value"] for r in rows}


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    w = build(tmp_path_factory.mktemp("effort") / "ws")
    yield w
    w.close()


def test_staff_hours(ws):
    assert values(ws, "staff_hours") == pytest.approx(5.25)
    assert values(ws, "staff_hours", ("platform",)) == pytest.approx({"x": 3.5, "facebook": 1.25, None: 0.5})
    assert values(ws, "staff_hours", ("person",)) == pytest.approx({"Ceri Jones": 3.25, "Dai Evans": 2.0})


def test_staff_cost_with_a_missing_rate(ws):
    # Only Ceri has a rate: 195 / 60 * 20 = 65.0; Dai's 2 hours are left out, and said so.
    assert values(ws, "staff_cost") == pytest.approx(65.0)
    assert values(ws, "staff_cost", ("person",)) == {"Ceri Jones": pytest.approx(65.0), "Dai Evans": None}
    assert values(ws, "staff_cost_coverage") == pytest.approx(195 / 315)
    assert values(ws, "staff_cost_coverage", ("person",)) == pytest.approx({"Ceri Jones": 1.0, "Dai Evans": 0.0})


def test_staff_cost_with_every_rate_and_with_none(tmp_path):
    with build(tmp_path / "all", dai_rate=30.0) as w:
        assert values(w, "staff_cost") == pytest.approx(65.0 + 120 / 60 * 30)  # 125.0
        assert values(w, "staff_cost_coverage") == pytest.approx(1.0)
    w = Workspace.create(tmp_path / "none", name="No rates", timezone="UTC")
    run_import(w, [FIXTURE])
    assert values(w, "staff_hours") == pytest.approx(5.25)
    assert values(w, "staff_cost") is None  # not available, never 0
    assert values(w, "staff_cost_coverage") == 0.0
    w.close()


def test_yield_per_staff_hour(ws):
    assert values(ws, "engagements_per_staff_hour") == pytest.approx(55 / 5.25)
    # x 21 / 3.5; facebook 30 / 1.25; mastodon has no hours; hours with no platform have no posts.
    assert values(ws, "engagements_per_staff_hour", ("platform",)) == {
        "x": pytest.approx(6.0), "facebook": pytest.approx(24.0), "mastodon": None, None: None}
    assert values(ws, "posts_per_staff_hour") == pytest.approx(5 / 5.25)
    assert values(ws, "posts_per_staff_hour", ("platform",)) == {
        "x": pytest.approx(2 / 3.5), "facebook": pytest.approx(1.6), "mastodon": None, None: None}


def test_share_of_hours_versus_share_of_engagements(ws):
    assert values(ws, "hours_share", ("platform",)) == pytest.approx(
        {"x": 210 / 315, "facebook": 75 / 315, None: 30 / 315})
    assert values(ws, "hours_share", ("activity",)) == pytest.approx(
        {"create": 120 / 315, "engage": 150 / 315, "plan": 30 / 315, "monitor": 15 / 315})
    assert values(ws, "engagements_share", ("platform",)) == pytest.approx(
        {"x": 21 / 55, "facebook": 30 / 55, "mastodon": 4 / 55})
    # Hours logged against a platform: 285 min. x (21/55)/(210/285) = 0.5182, facebook
    # (30/55)/(75/285) = 2.0727; mastodon has no hours: not available.
    got = values(ws, "engagements_share_vs_hours_share", ("platform",))
    assert got == {"x": pytest.approx((21 / 55) / (210 / 285)),
                   "facebook": pytest.approx((30 / 55) / (75 / 285)), "mastodon": None}
    assert round(got["x"], 4) == 0.5182 and round(got["facebook"], 4) == 2.0727
    assert values(ws, "engagements_share_vs_hours_share") == pytest.approx(1.0)


def test_shares_within_each_month(ws):
    both = Period.between("2024-02-01", "2024-03-31", "UTC")
    rows = get("hours_share").build(ws.store.ibis(), both, ("month", "platform")).to_pyarrow().to_pylist()
    got = {(r["month"], r["platform"]): r["value"] for r in rows}
    # February holds only Ceri's 45 x minutes: 100% of February.
    assert got == pytest.approx({("2024-02", "x"): 1.0, ("2024-03", "x"): 210 / 315,
                                 ("2024-03", "facebook"): 75 / 315, ("2024-03", None): 30 / 315})
