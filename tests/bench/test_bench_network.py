"""bench/network.py at a tiny size: the generated workspace holds what the module doc says,
and the network counts every generated reply once (the counts are the store's own, by SQL
written here, not the network code's)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from smi.relationships import build_network

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load(name: str):
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    return importlib.import_module(name)


def test_the_generated_network(tmp_path):
    bench = _load("network")
    n = 3_000
    ws = bench.generate(tmp_path / "ws", n, counterparts=400, posts=21 * 20)
    try:
        rows = ws.store.rows("SELECT count(*) AS n, count(DISTINCT author) AS authors, "
                             "count(DISTINCT post_key) FILTER (WHERE post_key NOT IN (SELECT post_key FROM posts)) AS orphans "
                             "FROM interactions")[0]
        assert rows["n"] == n and rows["orphans"] == 0  # every reply answers a generated post
        net = build_network(ws.store, ws.profile)
        assert sum(e.weight for e in net.edges) == n  # each reply is one message, counted once
        assert len(net.counterparts) == rows["authors"]
        assert len(net.holder_of) == bench.STAFF + 1
        # 90% of a handle's replies go to its own member of staff, the rest to the official
        # account: at most two holders each
        assert max(len(c.holders) for c in net.counterparts) <= 2
        assert all(c.community is not None for c in net.nodes.values())
    finally:
        ws.close()
    again = bench.generate(tmp_path / "ws", n)  # reused, not made twice
    assert again.store.rows("SELECT count(*) AS n FROM interactions")[0]["n"] == n
    again.close()
