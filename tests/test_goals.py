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


STAFF_POSTS = """platform,post_id,account,published_at,kind
x,1,@org,2024-03-05T10:00:00Z,original
x,2,@org,2024-03-06T10:00:00Z,original
x,3,@ceri,2024-03-07T10:00:00Z,original
x,4,@ceri,2024-03-08T10:00:00Z,original
x,5,@ceri,2024-03-09T10:00:00Z,original
x,6,@someone,2024-03-10T10:00:00Z,original
"""


def test_a_goal_counts_the_official_accounts_unless_it_says(make_ws, tmp_path, cli):
    """x:@org is official (its own export, undeclared), x:@ceri is Ceri's (a person's handle),
    x:@someone is declared not official. By hand, March 2024: @org 2 posts, @ceri 3, @someone 1."""
    ws = make_ws()
    cli("people", "add", "Ceri Jones", "--handle", "x:@ceri", "-w", ws)
    cli("accounts", "add", "x:@someone", "--not-official", "-w", ws)
    (tmp_path / "posts.csv").write_text(STAFF_POSTS, encoding="utf-8")
    cli("import", "--no-enrich", tmp_path / "posts.csv", "-w", ws)
    with open(ws / "workspace.toml", "a", encoding="utf-8") as f:
        f.write('[[goals]]\nname = "Ours"\nkpis = [{ metric = "posts", target = 2 }]\n'
                '[[goals]]\nname = "Everyone"\naccounts = "all"\nkpis = [{ metric = "posts", target = 2 }]\n'
                '[[goals]]\nname = "Staff"\naccounts = "staff"\nkpis = [{ metric = "posts", target = 2 }]\n')
    k = json.loads(cli("goals", "--month", "2024-03", "--format", "json", "-w", ws).stdout)["kpis"]
    assert [(x["goal"], x["accounts"], x["value"], x["staff_value"]) for x in k] == [
        ("Ours", "official", 2.0, 3.0),  # staff beside, not summed in
        ("Everyone", "all", 6.0, None),
        ("Staff", "staff", 3.0, None),
    ]
    listing = cli("accounts", "list", "-w", ws).stdout
    assert "1 official, 1 staff, 1 unassigned" in listing


def test_a_goal_accounts_value_is_checked(make_ws, tmp_path):
    ws = make(make_ws, tmp_path, '[[goals]]\nname = "G"\naccounts = "everyone"\nkpis = []\n', data=False)
    with pytest.raises(ProfileError) as e:
        Workspace.open(ws).profile  # noqa: B018
    assert e.value.field == "goals.0.accounts" and "official, staff, all" in e.value.message


@pytest.mark.shared
def test_the_default_month_is_one_the_sources_cover_in_full_and_says_why(real, make_ws, cli):
    """@RTIatMLA's X archive: manifest.js says it was generated on 2021-11-20; by hand from
    tweet.js, its last tweets are 4 retweets in November (5th and 19th), no original post.
    November is a sliver with 0 posts; October is the last month the archive covers in full."""
    ws = make_ws()
    cli("import", "--no-enrich", real("x-archive-rtiatmla", "data"), "-w", ws)
    r = cli("goals", "--format", "json", "-w", ws)
    assert json.loads(r.stdout)["month"] == "2021-10"
    assert ("month: 2021-10 (the last month X/Twitter account archive covers in full: its data ends "
            "2021-11-20, exported 2021-11-20)") in r.stderr
    r = cli("goals", "--month", "2021-11", "--format", "json", "-w", ws)
    assert json.loads(r.stdout)["month"] == "2021-11" and "month:" not in r.stderr


@pytest.mark.shared
def test_the_default_month_is_not_three_days_of_december(real, make_ws, cli):
    """The real Customer Support on Twitter sample ends on 3 December 2017 (counted here from
    the file: 1,600 tweets in November, 29 on 1-3 December). It says nothing of when it was
    taken, so it covers up to its last day: November, not the 3-day sliver of December."""
    import csv
    from collections import Counter
    from datetime import datetime

    path = real("twcs-sample-first5000", "twcs_first5000.csv")
    with path.open(encoding="utf-8", newline="") as f:
        days = [datetime.strptime(r["created_at"], "%a %b %d %H:%M:%S %z %Y").date() for r in csv.DictReader(f)]
    months = Counter(f"{d:%Y-%m}" for d in days)
    assert max(days).isoformat() == "2017-12-03" and months["2017-12"] == 29 and months["2017-11"] == 1600
    ws = make_ws()
    cli("import", "--no-enrich", path, "-w", ws)
    r = cli("goals", "-w", ws)
    assert ("month: 2017-11 (the last month Customer Support on Twitter CSV (twcs.csv) covers in full: its "
            "data ends 2017-12-03)") in r.stderr


@pytest.mark.shared
def test_a_source_that_starts_mid_month_covers_no_month_in_full(real, make_ws, cli):
    """The real Bluesky posts file runs from 6 November to 3 December 2025 (counted here from
    the file): no calendar month is covered in full, and the reason says so rather than
    calling November "covered in full"."""
    import json as _json
    from datetime import datetime

    path = real("bluesky-posts-nyc-health-search", "bluesky_posts.json")
    days = sorted({datetime.fromisoformat(p["created_at"].replace("Z", "+00:00")).date()
                   for p in _json.loads(path.read_text(encoding="utf-8"))})
    assert (days[0].isoformat(), days[-1].isoformat()) == ("2025-11-06", "2025-12-03")
    ws = make_ws()
    cli("import", "--no-enrich", path, "-w", ws)
    r = cli("goals", "-w", ws)
    assert "covers in full" not in r.stderr
    assert "month: 2025-11 (no month is covered in full by the sources" in r.stderr
