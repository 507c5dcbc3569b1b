"""Local-time dimensions across daylight-saving changes, people and periods of days.

Synthetic posts (real exports cannot place a post on the hour a clock changes): Europe/London
went from GMT to BST at 01:00 UTC on 31 March 2024 and back at 01:00 UTC on 27 October 2024.
"""

from __future__ import annotations

import pytest

from smi.errors import SmiError
from smi.importer import run_import
from smi.metrics import Period, get
from smi.metrics.tables import TableCache
from smi.workspace import Workspace

POSTS = """\
platform,post_id,account,published_at,kind,reactions
x,a,@us,2024-03-30T23:30:00Z,original,1
x,b,@us,2024-03-31T00:30:00Z,original,2
x,c,@us,2024-03-31T01:30:00Z,original,4
x,d,@us,2024-10-26T23:30:00Z,original,8
x,e,@us,2024-10-27T00:30:00Z,original,16
x,f,@us,2024-10-27T01:30:00Z,original,32
x,g,@ceri,2024-10-28T09:00:00Z,original,64
"""


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    root = tmp_path_factory.mktemp("dst")
    (root / "posts.csv").write_text(POSTS, encoding="utf-8")
    ws = Workspace.create(root / "ws", name="DST", timezone="Europe/London")
    ws.profile_file.path.write_text(
        ws.profile_file.path.read_text(encoding="utf-8")
        + '\n[[accounts]]\nplatform = "x"\nhandle = "us"\nofficial = true\n'
        + '\n[[people]]\nname = "Ceri Jones"\nhandles = ["x:@ceri"]\n',
        encoding="utf-8",
    )
    ws = Workspace.open(root / "ws")
    assert not run_import(ws, [root / "posts.csv"]).failed
    yield TableCache(ws.store.ibis())
    ws.close()


def by(con, name: str, period: Period, *dims: str) -> dict:
    rows = get(name).build(con, period, dims).to_pyarrow().to_pylist()
    return {tuple(r[d] for d in dims) if len(dims) > 1 else r[dims[0]]: r["value"] for r in rows}


def test_spring_forward(con):
    span = Period.between("2024-03-30", "2024-03-31", "Europe/London")
    # a: Sat 30 Mar 23:30 GMT; b: Sun 31 Mar 00:30 GMT; c: 01:30 UTC = 02:30 BST (01:xx never happens).
    assert by(con, "posts", span, "day", "hour") == {
        (_d("2024-03-30"), 23): 1, (_d("2024-03-31"), 0): 1, (_d("2024-03-31"), 2): 1}
    assert by(con, "posts", span, "weekday") == {6: 1, 7: 2}  # Saturday, Sunday
    assert by(con, "engagements", span, "hour") == {23: 1, 0: 2, 2: 4}


def test_fall_back(con):
    span = Period.between("2024-10-27", "2024-10-27", "Europe/London")
    # d: 23:30 UTC on the 26th = 00:30 BST on Sunday the 27th; e: 00:30 UTC = 01:30 BST;
    # f: 01:30 UTC = 01:30 GMT: the hour 1 happens twice that night.
    assert by(con, "posts", span, "hour") == {0: 1, 1: 2}
    assert by(con, "engagements", span, "hour") == {0: 8, 1: 16 + 32}
    assert by(con, "posts", span, "weekday") == {7: 3}
    # In UTC d would be Saturday the 26th: the period's bounds are local midnights.
    assert by(con, "posts", Period.between("2024-10-26", "2024-10-26", "Europe/London"), "platform") == {}


def test_week_month_and_person(con):
    oct24 = Period.month("2024-10", "Europe/London")
    # Weeks start on Monday: d, e, f fall in the week of Monday 21 October; g on Monday 28th.
    assert by(con, "posts", oct24, "week") == {_d("2024-10-21"): 3, _d("2024-10-28"): 1}
    assert by(con, "posts", oct24, "person") == {"official": 3, "Ceri Jones": 1}
    assert by(con, "engagements", oct24, "person") == {"official": 8 + 16 + 32, "Ceri Jones": 64}
    # March in London holds a, b, c (a is 23:30 GMT on the 30th).
    year = Period.between("2024-01-01", "2024-12-31", "Europe/London")
    # The import covers 30 March – 28 October (its first and last post, local days): the
    # months between with no post are 0, the months outside it not available (None).
    assert by(con, "posts", year, "month") == {
        "2024-01": None, "2024-02": None, "2024-03": 3, "2024-04": 0, "2024-05": 0, "2024-06": 0,
        "2024-07": 0, "2024-08": 0, "2024-09": 0, "2024-10": 4, "2024-11": None, "2024-12": None}


def test_posts_per_week_uses_each_months_days(con):
    march = Period.month("2024-03", "Europe/London")
    assert get("posts_per_week").build(con, march).to_pyarrow().to_pylist() == [{"value": pytest.approx(3 / (31 / 7))}]
    # Broken down by month over 15 March – 31 October: March counts its 17 days, October all 31.
    span = Period.between("2024-03-15", "2024-10-31", "Europe/London")
    got = by(con, "posts_per_week", span, "month")
    assert got == {"2024-03": pytest.approx(3 / (17 / 7)), "2024-10": pytest.approx(4 / (31 / 7)),
                   **{f"2024-{m:02d}": 0 for m in range(4, 10)}}  # covered, nothing posted


def test_periods_of_days():
    p = Period.between("2024-03-15", "2024-03-31", "Europe/London")
    assert (p.start.isoformat(), p.end.isoformat(), p.key) == ("2024-03-15", "2024-04-01", "2024-03-15..2024-03-31")
    assert Period.parse(from_="2024-02-10", timezone="UTC").last_day.isoformat() == "2024-02-29"
    assert Period.parse(to="2024-02-10", timezone="UTC").start.isoformat() == "2024-02-01"
    assert Period.parse(month="2024-02").key == "2024-02"
    with pytest.raises(SmiError, match="ends"):
        Period.between("2024-03-02", "2024-03-01")
    with pytest.raises(SmiError, match="not a date"):
        Period.parse(from_="March")
    with pytest.raises(SmiError, match="not both"):
        Period.parse(month="2024-03", from_="2024-03-01")


def _d(text: str):
    from datetime import date

    return date.fromisoformat(text)
