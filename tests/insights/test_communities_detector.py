"""Communities that grew or faded (the relationships detector's third test) and the matching
of communities across months (smi.relationships.tracking).

A small world written straight into the store, as in test_relationships_detector: the
official account x:@theatr, Ceri (x:@ceri) and Dai (x:@dai) as staff; June 2025 the month
under test, May 2025 the month before. Every message is one post mentioning one handle, and
each holder talks with its own counterparts only, so the network is three separate stars and
each star is one community in both months. Counts below are by hand from the lists.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

from smi.insights.detectors.relationships import relationships
from smi.insights.engine import Context
from smi.relationships.tracking import jaccard, match_communities
from smi.workspace import Workspace

MONTH = "2025-06"
MAY, JUNE = datetime(2025, 5, 12, 12, tzinfo=UTC), datetime(2025, 6, 12, 12, tzinfo=UTC)


def _world(tmp_path, plan: dict[str, dict[str, tuple[int, int]]]):
    """plan: holder -> counterpart -> (messages in May, messages in June)."""
    ws = Workspace.create(tmp_path / "ws", name="Theatr", timezone="UTC")
    pf = ws.profile_file
    pf.add_account("x", "theatr", True)
    pf.add_person("Ceri", ["x:@ceri"], None, None, None)
    pf.add_person("Dai", ["x:@dai"], None, None, None)
    ws.close()
    spec = []
    for acc, who in plan.items():
        for c, (may, june) in who.items():
            spec += [(acc, c, MAY)] * may + [(acc, c, JUNE)] * june
    rows = [(f"x:{i}", "x", str(i), f"x:{acc}", when, "original", [c]) for i, (acc, c, when) in enumerate(spec)]
    ws = Workspace.open(tmp_path / "ws")
    ws.store.con.executemany(
        "INSERT INTO posts (post_key, platform, native_id, account_id, published_at, kind, mentions) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    return ws


def _binom_two_sided(k: int, n: int, p: float) -> float:
    """Exact two-sided binomial p-value (sum of the outcomes no likelier than k), by hand."""
    pmf = [math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(n + 1)]
    return min(1.0, sum(x for x in pmf if x <= pmf[k] * (1 + 1e-7)))


def _community_tests(ws):
    try:
        return [f for f in relationships(Context(ws, MONTH)) if f.metric == "community_messages"]
    finally:
        ws.close()


def test_a_community_that_grew_and_one_that_faded(tmp_path):
    ws = _world(tmp_path, {
        "theatr": {f"o{i}": (4, 4) for i in range(5)},  # steady: 20 and 20
        "ceri": {f"c{i}": (2, 6) for i in range(6)},  # grew: 12 in May, 36 in June
        "dai": {f"d{i}": (6, 1) for i in range(6)},  # faded: 36 in May, 6 in June
    })
    found = {f.subject["value"]: f for f in _community_tests(ws)}
    # named by the top three counterparts (equal weights: by id)
    assert set(found) == {"@c0, @c1, @c2", "@d0, @d1, @d2", "@o0, @o1, @o2"}
    share = 30 / (30 + 31)  # June's days over May's and June's
    grew = found["@c0, @c1, @c2"]
    assert grew.direction == "higher" and grew.n == 48
    assert grew.effect.value == pytest.approx((36 / 30) / (12 / 31))
    assert grew.p_value == pytest.approx(_binom_two_sided(36, 48, share), rel=1e-6)
    assert grew.p_value < 0.01
    assert grew.title == "A community grew: @c0, @c1, @c2"
    assert [r["active_members"] for r in grew.evidence] == [6, 6]
    faded = found["@d0, @d1, @d2"]
    assert faded.direction == "lower" and faded.n == 42
    assert faded.effect.value == pytest.approx((6 / 30) / (36 / 31))
    assert faded.p_value == pytest.approx(_binom_two_sided(6, 42, share), rel=1e-6)
    assert faded.p_value < 0.01
    assert faded.title == "A community faded: @d0, @d1, @d2"
    # steady: 20/30 against 20/31 messages a day, 0.02 apart: under the practical minimum
    assert found["@o0, @o1, @o2"].p_value == 1.0
    # said in Welsh from the catalogue, numbers kept
    from smi.messages import render
    from smi.report.i18n import translations

    cy = render(faded.messages["summary"], translations("cy"), "cy")
    assert cy.startswith("Bu i gymuned @d0, @d1, @d2 gyfnewid 6 o negeseuon â chi y mis hwn"), cy
    assert "y mis diwethaf" in cy and "i lawr" in cy


def test_the_same_community_in_both_months_gives_no_finding(tmp_path):
    ws = _world(tmp_path, {"theatr": {f"o{i}": (5, 5) for i in range(4)}})
    found = _community_tests(ws)
    assert len(found) == 1  # tested: 20 messages and 20
    assert found[0].n == 40
    assert found[0].p_value == 1.0


def test_a_community_that_fell_silent_is_not_tested(tmp_path):
    # Dai's counterparts of May write nothing in June: no June community shares a member
    # with theirs, so nothing is compared (their May activity would fall by selection alone)
    ws = _world(tmp_path, {"theatr": {f"o{i}": (5, 5) for i in range(4)},
                           "dai": {f"d{i}": (5, 0) for i in range(4)}})
    assert [f.subject["value"] for f in _community_tests(ws)] == ["@o0, @o1, @o2"]


def test_match_communities_by_shared_members():
    before = {0: {"a", "b", "c", "d", "e"}, 1: {"x", "y", "z"}, 2: {"p", "q", "r", "s"}}
    now = {
        0: {"x", "y", "z", "w"},  # 3 shared with 1: Jaccard 3/4
        1: {"a", "b", "f", "g", "h", "i"},  # 2 shared with 0: Jaccard 2/9 = 0.22 < 0.3: new
        2: {"p", "q", "r"},  # 3 shared with 2: Jaccard 3/4
    }
    assert jaccard(now[1], before[0]) == pytest.approx(2 / 9)
    assert match_communities(now, before) == {0: 1, 2: 2}
    # with a lower threshold the second pairs with the first of last month
    assert match_communities(now, before, min_jaccard=0.2) == {0: 1, 1: 0, 2: 2}
    # two of this month's claim the same one of last month: the one sharing more keeps it
    assert match_communities({0: {"a", "b"}, 1: {"a", "b", "c"}}, {5: {"a", "b", "c", "d"}}) == {1: 5}


def test_a_community_that_split_is_not_read_as_faded(tmp_path):
    # May: Ceri and Dai both talk with s0..s5 (3 messages each way: 36), one community;
    # June: Ceri with s0..s2, Dai with s3..s5 (6 each: 36), two communities. Measured over
    # the members of either month, the matched pair has 36 messages in both months.
    # (the official account's steady star beside them makes one community the better split
    # in May: modularity would otherwise cut the two-holder graph in half)
    plan = {"ceri": {f"s{i}": (3, 6 if i < 3 else 0) for i in range(6)},
            "dai": {f"s{i}": (3, 6 if i >= 3 else 0) for i in range(6)},
            "theatr": {f"o{i}": (5, 5) for i in range(10)}}
    ws = _world(tmp_path, plan)
    from smi.relationships.network import build_network
    from smi.relationships.tracking import members

    assert len(members(build_network(ws.store, ws.profile, "2025-05"))) == 2
    assert len(members(build_network(ws.store, ws.profile, "2025-06"))) == 3
    found = [f for f in _community_tests(ws) if "@s" in f.subject["value"]]
    assert len(found) == 1
    assert found[0].n == 72 and found[0].effect.value == pytest.approx((36 / 30) / (36 / 31))
    assert found[0].p_value == 1.0
