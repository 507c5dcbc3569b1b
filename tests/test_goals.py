"""`smi goals`: KPI values, trends and status, checked by hand on a small workspace.

The workspace (UTC) holds, from posts.csv below:
  January 2024:  x 2 originals
  February 2024: x 3 originals
  March 2024:    x 5 originals (2 in Welsh, 3 in English) and 1 reply; instagram 1 original
No impressions anywhere.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from smi.errors import ProfileError
from smi.goals import check_goals, slope, status_of
from smi.importer import run_import
from smi.workspace import Workspace

POSTS = """platform,post_id,account,published_at,kind,language,reactions
x,1,@org,2024-01-05T10:00:00Z,original,,1
x,2,@org,2024-01-20T10:00:00Z,original,,1
x,3,@org,2024-02-02T10:00:00Z,original,,1
x,4,@org,2024-02-10T10:00:00Z,original,,1
x,5,@org,2024-02-29T23:59:00Z,original,,1
x,6,@org,2024-03-01T00:00:00Z,original,cy,1
x,7,@org,2024-03-05T10:00:00Z,original,cy,1
x,8,@org,2024-03-06T10:00:00Z,original,en,1
x,9,@org,2024-03-07T10:00:00Z,original,en,1
x,10,@org,2024-03-31T23:59:59Z,original,en,1
x,11,@org,2024-03-08T10:00:00Z,reply,en,1
instagram,20,org,2024-03-09T10:00:00Z,original,en,1
"""

GOALS = """
[[goals]]
name = "Be seen"
purpose = "promote"
kpis = [
  { metric = "posts", target = 6 },
  { metric = "posts", target = 6, filter = { platform = "x" } },
  { metric = "posts", target = 10, filter = { platform = "x" } },
  { metric = "replies", target = 0, direction = "lower" },
  { metric = "impressions", target = 100 },
  { metric = "posts", target = 10, period = "quarter" },
  { metric = "posts", target = 2, filter = { language = "cy" } },
]
"""


def make(make_ws, tmp_path: Path, goals: str = GOALS, data: bool = True) -> Path:
    ws = make_ws()
    if data:
        folder = tmp_path / "data"
        folder.mkdir(exist_ok=True)
        (folder / "posts.csv").write_text(POSTS, encoding="utf-8")
        w = Workspace.open(ws)
        assert not run_import(w, [folder]).failed
        w.close()
    with open(ws / "workspace.toml", "a", encoding="utf-8") as f:
        f.write(goals)
    return ws


@pytest.fixture(scope="module")
def hand(tmp_path_factory) -> Path:
    """The workspace above with GOALS, shared by the tests that only read it."""
    path = tmp_path_factory.mktemp("goals") / "ws"
    Workspace.create(path, name="Goals", timezone="UTC").close()
    return make(lambda: path, tmp_path_factory.mktemp("data"))


def test_values_trends_and_status_by_hand(hand, cli):
    ws = hand
    r = cli("goals", "--month", "2024-03", "--format", "json", "-w", ws)
    out = json.loads(r.stdout)
    assert out["month"] == "2024-03"
    k = out["kpis"]
    got = [(x["value"], [t["value"] for t in x["trend"]], x["status"]) for x in k]
    assert got == [
        # posts (originals + quotes), all platforms: Jan 2, Feb 3, Mar 5 + 1 instagram
        (6.0, [2.0, 3.0, 6.0], "met"),
        # x only: 5 < 6; slope (5 - 2) / 2 = 1.5, 5 + 1.5 = 6.5 >= 6
        (5.0, [2.0, 3.0, 5.0], "on track"),
        # x only, target 10: 6.5 < 10
        (5.0, [2.0, 3.0, 5.0], "behind"),
        # one reply in March, none before; lower is better: 1 > 0, slope 0.5 -> 1.5 > 0
        (1.0, [0.0, 0.0, 1.0], "behind"),
        # no impressions in the store: not available, never 0
        (None, [None, None, None], "not available"),
        # the 3 months to March: 2 + 3 + 6 = 11 >= 10; no import covers the quarters
        # before (the data starts in January 2024): not available, not 0
        (11.0, [None, None, 11.0], "met"),
        # Welsh posts in March: x:6 and x:7
        (2.0, [0.0, 0.0, 2.0], "met"),
    ]
    assert k[5]["window"] == "2024-01 to 2024-03"
    assert [t["window"] for t in k[5]["trend"]] == ["2023-07 to 2023-09", "2023-10 to 2023-12", "2024-01 to 2024-03"]
    assert k[0]["purpose"] == "promote" and k[0]["direction"] == "higher" and k[0]["unit"]
    table = cli("goals", "--month", "2024-03", "-w", ws).stdout
    assert "3 met, 1 on track, 2 behind, 1 not available (7 KPIs)" in table


def test_default_month_is_the_last_complete_month_with_data(hand, cli):
    out = json.loads(cli("goals", "--format", "json", "-w", hand).stdout)
    assert out["month"] == "2024-03"


def test_february_has_a_29th(hand, cli):
    out = json.loads(cli("goals", "--month", "2024-02", "--format", "json", "-w", hand).stdout)
    # x:3, x:4 and x:5 (23:59 on 29 February)
    assert out["kpis"][0]["value"] == 3.0


def test_slope_and_status_rules():
    assert slope([1.0, 2.0, 4.0]) == pytest.approx(1.5)  # least squares over x = 0, 1, 2
    assert slope([None, 2.0, 4.0]) == 2.0
    assert slope([None, None, 4.0]) is None
    assert status_of([None, None, 4.0], 5, "higher") == "behind"  # no trend to go on
    assert status_of([10.0, 8.0, 6.0], 5, "lower") == "on track"  # 6 - 2 = 4 <= 5
    assert status_of([6.0, 6.0, 6.0], 5, "lower") == "behind"
    assert status_of([1.0, 2.0, 5.0], 5, "higher") == "met"
    assert status_of([1.0, 2.0, None], 5, "higher") == "not available"


def _profile_error(ws: Path) -> ProfileError:
    w = Workspace.open(ws)
    with pytest.raises(ProfileError) as e:
        check_goals(w.profile, w.profile_file.path)
    return e.value


def test_a_kpi_must_name_a_metric_in_the_catalogue(make_ws, cli, tmp_path):
    ws = make(make_ws, tmp_path, '[[goals]]\nname = "G"\nkpis = [{ metric = "posts", target = 1 },'
                                 ' { metric = "engagment", target = 1 }]\n', data=False)
    e = _profile_error(ws)
    assert e.field == "goals.0.kpis.1.metric"
    assert "'engagment' is not a metric" in e.message and "engagements" in e.fix
    r = cli("goals", "-w", ws, ok=False)
    assert r.exit_code == 1 and "goals.0.kpis.1.metric" in r.output


def test_a_filter_must_be_a_dimension_of_the_metric(make_ws, tmp_path):
    ws = make(make_ws, tmp_path, '[[goals]]\nname = "G"\n'
                                 'kpis = [{ metric = "followers", target = 1, filter = { language = "cy" } }]\n', data=False)
    e = _profile_error(ws)
    assert e.field == "goals.0.kpis.0.filter.language" and "platform" in e.fix


def test_a_platform_filter_must_be_a_platform(make_ws, tmp_path):
    ws = make(make_ws, tmp_path, '[[goals]]\nname = "G"\n'
                                 'kpis = [{ metric = "posts", target = 1, filter = { platform = "myspace" } }]\n', data=False)
    assert _profile_error(ws).field == "goals.0.kpis.0.filter.platform"


@pytest.mark.parametrize(("toml", "field"), [
    ('[[goals]]\nname = "G"\npurpose = "sell"\n', "goals.0.purpose"),
    ('[[goals]]\nname = "G"\nkpis = [{ metric = "posts", target = 1, direction = "up" }]\n',
     "goals.0.kpis.0.direction"),
    ('[[goals]]\nname = "G"\nkpis = [{ metric = "posts", target = 1, period = "week" }]\n',
     "goals.0.kpis.0.period"),
])
def test_purpose_direction_and_period_are_checked(make_ws, cli, toml, field):
    ws = make_ws()
    with open(ws / "workspace.toml", "a", encoding="utf-8") as f:
        f.write(toml)
    r = cli("goals", "-w", ws, ok=False)
    assert r.exit_code == 1 and field in r.output


def test_purpose_spelling_is_forgiving(make_ws, tmp_path):
    ws = make(make_ws, tmp_path, '[[goals]]\nname = "G"\npurpose = "Serve_Customers"\n', data=False)
    assert Workspace.open(ws).profile.goals[0].purpose == "serve customers"
