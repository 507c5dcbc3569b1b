"""Communities of the network (smi.relationships.network._communities): one-edge counterparts
folded into their holder give the partition networkx's Louvain finds on the whole graph
(independent code: nx.community.louvain_communities over every edge), and above CORE_EDGES
every counterpart goes with the holder it exchanges the most messages with."""

from __future__ import annotations

from datetime import UTC, datetime

import networkx as nx
import pytest

import smi.relationships.network as network
from smi.relationships.network import Edge, Network, Node


def _net(spec: dict[str, dict[str, int]]) -> Network:
    """{holder: {counterpart: messages}} on X; holders are staff."""
    nodes: dict[tuple[str, str], Node] = {}
    edges = []
    holder_of = {}
    for h, row in spec.items():
        hk = ("x", h)
        nodes[hk] = Node(hk, f"@{h}", h, "staff")
        holder_of[hk] = h
        for c, w in row.items():
            ck = ("x", c)
            nodes.setdefault(ck, Node(ck, f"@{c}", c, None))
            edges.append(Edge(hk, ck, w, ["reply"]))
    t = datetime(2025, 1, 1, tzinfo=UTC)
    return Network(nodes, edges, (t, t), 0, holder_of)


def _partition(net: Network) -> set[frozenset[str]]:
    by: dict[int, set[str]] = {}
    for n in net.nodes.values():
        by.setdefault(n.community, set()).add(n.label)
    return {frozenset(s) for s in by.values()}


# Three holders, each with its own leaves; two counterparts shared by a and b, one by b and c.
SPEC = {
    "a": {"a1": 3, "a2": 1, "a3": 2, "a4": 5, "ab1": 4, "ab2": 2},
    "b": {"b1": 2, "b2": 2, "b3": 1, "ab1": 1, "ab2": 3, "bc": 1},
    "c": {"c1": 6, "c2": 1, "c3": 1, "c4": 2, "bc": 4},
}


def test_folding_leaves_gives_louvains_partition_of_the_whole_graph():
    net = _net(SPEC)
    network._communities(net)
    g = nx.Graph()
    for h, row in SPEC.items():
        for c, w in row.items():
            g.add_edge(h, c, weight=w)
    whole = {frozenset(s) for s in nx.community.louvain_communities(g, weight="weight", seed=0)}
    assert _partition(net) == whole
    # and every leaf is with its holder
    for h, row in SPEC.items():
        for c in row:
            if c.startswith(h) and c[1:].isdigit():
                assert net.nodes[("x", c)].community == net.nodes[("x", h)].community
    # numbered by size, largest first
    sizes = [sum(1 for n in net.nodes.values() if n.community == i) for i in range(len(whole))]
    assert sizes == sorted(sizes, reverse=True)


def test_above_core_edges_each_counterpart_goes_with_its_main_holder(monkeypatch):
    monkeypatch.setattr(network, "CORE_EDGES", 0)
    net = _net(SPEC)
    network._communities(net)
    com = {k[1]: n.community for k, n in net.nodes.items()}
    # ab1: 4 with a, 1 with b -> a; ab2: 3 with b, 2 with a -> b; bc: 4 with c, 1 with b -> c
    assert com["ab1"] == com["a"] and com["ab2"] == com["b"] and com["bc"] == com["c"]
    assert all(com[c] == com[h] for h, row in SPEC.items() for c in row if c[1:].isdigit())


@pytest.mark.parametrize("tie", [2])
def test_a_tie_goes_to_the_first_holder_id(monkeypatch, tie):
    monkeypatch.setattr(network, "CORE_EDGES", 0)
    spec = {"b": {"s": tie, "b1": 5, "b2": 5}, "a": {"s": tie, "a1": 5, "a2": 5}}
    net = _net(spec)
    network._communities(net)
    assert net.nodes[("x", "s")].community == net.nodes[("x", "a")].community  # @a before @b
