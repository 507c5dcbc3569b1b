"""Voice metrics against hand calculations on tests/fixtures/metrics_voice (UTC, March 2024).

Profile: official x:@theatr and facebook:theatrpage; Ceri Jones posts as x:@ceri; Dai Evans
as x:@dai and mastodon:@dai@example.social. Engagements = reactions + comments + shares.

  post  account        kind      engagements  reach
  o1    x official     original  8+1+1 = 10     100
  o2    x official     original  15+5  = 20     300   -> official x: 15 a post, reach 200
  c1    x Ceri         original  20+5+5 = 30    150
  c2    x Ceri         original  (none)         250
  c3    x Ceri         reply     10+5  = 15     (none)
  c4    x Ceri         repost    (left out: someone else's numbers)
  d1    x Dai          original  6               50
  dm1   mastodon Dai   original  9              (none) -> no official Mastodon account
  f1    facebook off.  original  40            1000
  f2    facebook off.  original  60            1400  -> official facebook: 50, reach 1200
  (o0, official x in February, is outside March.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from smi.importer import run_import
from smi.metrics import Period, get
from smi.workspace import Workspace

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "metrics_voice"
MARCH = Period.month("2024-03", "UTC")


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    w = Workspace.create(tmp_path_factory.mktemp("voice") / "ws", name="Voice", timezone="UTC")
    w.profile_file.add_account("x", "theatr", True)
    w.profile_file.add_account("facebook", "theatrpage", True)
    w.profile_file.add_person("Ceri Jones", ["x:@ceri"], None, None, None)
    w.profile_file.add_person("Dai Evans", ["x:@dai", "mastodon:@dai@example.social"], None, None, None)
    w.store.sync_profile(w.profile)
    report = run_import(w, [FIXTURE])
    assert not report.failed, [str(r.error) for r in report.failed]
    yield w
    w.close()


def values(ws: Workspace, name: str, by: tuple[str, ...] = (), period: Period = MARCH):
    rows = get(name).build(ws.store.ibis(), period, by).to_pyarrow().to_pylist()
    if not by:
        [row] = rows
        return row["value"]
    return {(r[by[0]] if len(by) == 1 else tuple(r[b] for b in by)): r["value"] for r in rows}


def test_posts_and_per_post_numbers_by_person(ws):
    assert values(ws, "posts", ("person",)) == {"official": 4, "Ceri Jones": 2, "Dai Evans": 2}
    # Means over posts that have the number: official (10+20+40+60)/4, Ceri (30+15)/2, Dai (6+9)/2.
    assert values(ws, "engagements_per_post", ("person",)) == pytest.approx(
        {"official": 32.5, "Ceri Jones": 22.5, "Dai Evans": 7.5})
    # Reach: official (100+300+1000+1400)/4, Ceri (150+250)/2, Dai 50 (dm1 has none).
    assert values(ws, "reach_per_post", ("person",)) == pytest.approx(
        {"official": 700, "Ceri Jones": 200, "Dai Evans": 50})


def test_relative_to_the_official_accounts_on_the_same_platform(ws):
    # Ceri 22.5 / 15 = 1.5; Dai's x post 6 / 15 = 0.4 (his Mastodon post has no official to
    # compare with); the official accounts compare with themselves: 1.
    assert values(ws, "engagements_per_post_vs_official", ("person",)) == pytest.approx(
        {"official": 1.0, "Ceri Jones": 1.5, "Dai Evans": 0.4})
    assert values(ws, "reach_per_post_vs_official", ("person",)) == pytest.approx(
        {"official": 1.0, "Ceri Jones": 200 / 200, "Dai Evans": 50 / 200})
    by_account = values(ws, "engagements_per_post_vs_official", ("account_id",))
    assert by_account == {
        "x:theatr": pytest.approx(1.0), "facebook:theatrpage": pytest.approx(1.0),
        "x:ceri": pytest.approx(1.5), "x:dai": pytest.approx(0.4), "mastodon:dai@example.social": None}
    # Everything together, each post against its platform's official average:
    # (10+20+40+60+30+15+6) / (15+15+50+50+15+15+15) = 181 / 175.
    assert values(ws, "engagements_per_post_vs_official") == pytest.approx(181 / 175)
    # Reach: (100+300+150+250+50+1000+1400) / (5 * 200 + 2 * 1200) = 3250 / 3400.
    assert values(ws, "reach_per_post_vs_official") == pytest.approx(3250 / 3400)


def test_the_official_average_is_per_month_when_broken_down_by_month(ws):
    # February's official average is o0's 100, not March's 15: Ceri has no February posts.
    both = Period.between("2024-02-01", "2024-03-31", "UTC")
    got = values(ws, "engagements_per_post_vs_official", ("person", "month"), both)
    assert got == pytest.approx({("official", "2024-02"): 1.0, ("official", "2024-03"): 1.0,
                                 ("Ceri Jones", "2024-03"): 1.5, ("Dai Evans", "2024-03"): 0.4})


def test_no_official_posts_means_not_available(ws):
    assert values(ws, "engagements_per_post_vs_official", ("platform",)) == {
        "x": pytest.approx((10 + 20 + 30 + 15 + 6) / (5 * 15)), "facebook": pytest.approx(1.0), "mastodon": None}
