"""The relationship network of a period: holders, counterparts, the edges between them.

- A **holder** is one of the organisation's accounts: an official account (held by the
  organisation, named by its full id, e.g. `@ourcharity`) or a member of staff's own account
  (held by that person, named as the profile names them).
- A **counterpart** is any other handle a holder exchanged messages with
  (smi.store.relationships says which messages count and how a message finds its holder).
- An **edge** joins a holder account and a counterpart. Its weight is the number of distinct
  messages between them in the period (either way); its kinds are the messages' kinds
  (reply, mention, repost, quote, comment, message, review).
- A counterpart's **holders** are the people and official accounts with an edge to it; a
  relationship only one person holds (no official account, one member of staff) is at risk
  when that person leaves.
- A counterpart's **group** is the first `[[groups]]` of the profile that lists its handle
  (None: in no group); holder nodes have group "official" or "staff".
- **Communities**: Louvain (networkx, seed 0, edge weights) on the undirected graph; numbered
  from 0 by size, largest first.

Node ids are the platform's full form: `@user@instance` on Mastodon, `@handle` elsewhere (a
Bluesky author known only by DID keeps the `did:…`). Should two platforms give the same id,
both take the `platform:` prefix (`x:@bbc`, `bluesky:@bbc`) so ids stay unique.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx

    from smi.profile import Profile
    from smi.store.db import Store

OFFICIAL = "official"
CORE_EDGES = 200_000  # above this, communities fold every counterpart into its main holder (_communities)
STAFF = "staff"


def full_id(platform: str, handle: str) -> str:
    """A handle in the platform's full form (`@user@instance` on Mastodon, `@handle` on X)."""
    if handle.startswith("did:"):
        return handle
    return f"@{handle}"


@dataclass(slots=True)
class Node:
    key: tuple[str, str]  # (platform, handle as accounts.handle spells it)
    id: str
    label: str
    group: str | None
    holders: list[str] = field(default_factory=list)
    community: int | None = None
    weight: int = 0  # messages, over all its edges

    @property
    def platform(self) -> str:
        return self.key[0]

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "group": self.group, "holders": self.holders,
                "platform": self.platform, "community": self.community, "weight": self.weight}


@dataclass(slots=True)
class Edge:
    source: tuple[str, str]  # holder account
    target: tuple[str, str]  # counterpart
    weight: int
    kinds: list[str]


@dataclass
class Network:
    nodes: dict[tuple[str, str], Node]
    edges: list[Edge]
    period: tuple[datetime, datetime]
    unattributed: int = 0  # messages from others tied to no holder (left out)
    holder_of: dict[tuple[str, str], str] = field(default_factory=dict)  # holder account -> holder name

    @property
    def counterparts(self) -> list[Node]:
        """Counterparts by weight (most messages first), then id."""
        return sorted((n for n in self.nodes.values() if n.group not in (OFFICIAL, STAFF)),
                      key=lambda n: (-n.weight, n.id))

    def edges_of(self, key: tuple[str, str]) -> list[Edge]:
        return [e for e in self.edges if key in (e.source, e.target)]

    def single_holder(self) -> list[Node]:
        """Counterparts only one member of staff holds: no official account talks with them."""
        staff = {n for k, n in self.holder_of.items() if self.nodes[k].group == STAFF}
        return [n for n in self.counterparts if len(n.holders) == 1 and n.holders[0] in staff]

    def as_json(self) -> dict[str, Any]:
        return {
            "nodes": [n.as_json() for n in sorted(self.nodes.values(), key=lambda n: (n.group not in (OFFICIAL, STAFF), n.id))],
            "edges": [{"source": self.nodes[e.source].id, "target": self.nodes[e.target].id,
                       "weight": e.weight, "kinds": e.kinds} for e in self.edges],
        }

    def graph(self) -> nx.Graph:
        """An undirected networkx graph: node = full id; attributes for GEXF (no None values)."""
        import networkx as nx

        g = nx.Graph()
        for n in self.nodes.values():
            g.add_node(n.id, label=n.label, group=n.group or "", platform=n.platform,
                       holders="; ".join(n.holders), community=-1 if n.community is None else n.community,
                       weight=n.weight)
        for e in self.edges:
            g.add_edge(self.nodes[e.source].id, self.nodes[e.target].id, weight=e.weight, kinds=", ".join(e.kinds))
        return g

    def write_gexf(self, path: Any) -> None:
        import networkx as nx

        nx.write_gexf(self.graph(), path)


def local_days(first: date, last: date, timezone: str) -> tuple[datetime, datetime]:
    """[start, end) as UTC instants: the local days `first` to `last`, both included."""
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(timezone)

    def at(d: date) -> datetime:
        return datetime.combine(d, time(0), tzinfo=tz).astimezone(UTC)

    return at(first), at(last + timedelta(days=1))


def period_bounds(month: str | None, timezone: str) -> tuple[datetime, datetime]:
    """[start, end) as UTC instants: the local month, or all time when `month` is None."""
    from datetime import timedelta

    from smi.metrics.period import Period

    if month is None:
        return datetime(1970, 1, 1, tzinfo=UTC), datetime(9999, 1, 1, tzinfo=UTC)
    p = Period.month(month, timezone)
    return local_days(p.start, p.end - timedelta(days=1), timezone)


def _group_of(profile: Profile) -> dict[tuple[str, str], str]:
    from smi.platforms import parse_account

    out: dict[tuple[str, str], str] = {}
    for g in profile.groups:
        for h in g.handles:
            out.setdefault(parse_account(h), g.name)
    return out


@contextmanager
def _no_collection() -> Iterator[None]:
    """Python's cycle collector paused: building a network makes a node and an edge object
    per row, none in a cycle, and each collection would walk all of them again (60% of the
    Python time of 545,000 edges: bench/network.py)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def build_network(store: Store, profile: Profile, month: str | None = None, *,
                  between: tuple[datetime, datetime] | None = None, communities: bool = True) -> Network:
    """The network of the month (local, `YYYY-MM`), of [start, end) (`between`, UTC instants),
    or of all the data held when neither is given."""
    with _no_collection():
        return _build(store, profile, month, between, communities)


def _build(store: Store, profile: Profile, month: str | None, between: tuple[datetime, datetime] | None,
           communities: bool) -> Network:
    from smi.store import relationships as rel

    start, end = between if between is not None else period_bounds(month, profile.organisation.timezone)
    accounts = {(r["platform"], r["handle"]): r for r in store.rows(
        "SELECT account_id, platform, handle, display_name, is_official, person FROM accounts")}
    by_id = {r["account_id"]: k for k, r in accounts.items()}

    # summed per holder and counterpart in the database (a message is never a Python object),
    # ordered by the two full ids
    rows, left_out = rel.edges(store, start, end)
    groups = _group_of(profile)
    nodes: dict[tuple[str, str], Node] = {}
    holder_keys: dict[str, tuple[str, str]] = {}  # holder account id -> its key
    split: dict[str, list[str]] = {}  # kinds as the database joined them -> one shared list
    edges: list[Edge] = []
    for platform, holder, counterpart, w, ks in rows:
        h = holder_keys.get(holder)
        if h is None:
            h = holder_keys[holder] = by_id[holder]
            a = accounts[h]
            nodes[h] = Node(h, full_id(*h), a["person"] or a["display_name"] or full_id(*h),
                            STAFF if a["person"] else OFFICIAL)
        c = (platform, counterpart)
        node = nodes.get(c)
        if node is None:
            cid = full_id(platform, counterpart)
            a = accounts.get(c)
            node = nodes[c] = Node(c, cid, (a["display_name"] if a else None) or cid, groups.get(c))
        node.holders.append(holder)  # account ids for now: named below, once ids are unique
        node.weight += w
        nodes[h].weight += w
        edges.append(Edge(h, c, w, split.get(ks) or split.setdefault(ks, ks.split(","))))

    # ids unique across platforms
    seen: dict[str, Node] = {}
    clash = False
    for n in nodes.values():
        other = seen.setdefault(n.id, n)
        if other is not n:
            clash = True
            break
    if clash:
        same: dict[str, list[Node]] = defaultdict(list)
        for n in nodes.values():
            same[n.id].append(n)
        for group in same.values():
            if len(group) > 1:
                for n in group:
                    n.id = f"{n.platform}:{n.id}"
                    if n.label.startswith("@"):
                        n.label = n.id
        edges.sort(key=lambda e: (nodes[e.source].id, nodes[e.target].id))
    holder_of: dict[tuple[str, str], str] = {}
    name: dict[str, str] = {}
    for account_id, h in holder_keys.items():
        a = accounts[h]
        holder_of[h] = name[account_id] = a["person"] or nodes[h].id  # an official account: its id
    for n in nodes.values():
        hs = n.holders
        if hs:
            named = list(dict.fromkeys(name[x] for x in hs))  # two accounts of one person: once
            n.holders = named if len(named) == 1 else sorted(named, key=str.casefold)

    net = Network(nodes, edges, (start, end), left_out, holder_of)
    if communities and edges:
        _communities(net)
    return net


def _communities(net: Network) -> None:
    """Louvain over the network, with each counterpart that has a single edge folded into its
    one neighbour first: the leaf becomes a self-loop of the same weight on the neighbour.
    That is Louvain's own first move for a leaf (joining its only neighbour always raises
    modularity: gain w/m x (1 - S/2m) > 0, S the neighbour community's degree sum < 2m,
    while any other community lowers it) and its own aggregation (the merged node keeps the
    degree and the graph its total weight): Louvain then optimises the same modularity over
    the holders and the counterparts several of them share (the result may differ from a
    run over the whole graph only as two runs in another node order can). On a reply network
    most counterparts are leaves.

    A network whose shared counterparts still leave more than CORE_EDGES edges (millions of
    messages: bench/network.py) folds every counterpart the same way into the holder it
    exchanges the most messages with (ties: the first id): its edge becomes a self-loop
    there and its other edges holder-to-holder edges, which is Louvain's aggregation once
    that counterpart has joined that holder's community. Only that choice is assumed; the
    communities of the holders are then found exactly."""
    import networkx as nx
    import numpy as np

    edges, nodes = net.edges, net.nodes
    if not edges:
        return
    # holders and counterparts as numbers; per edge: holder, counterpart, messages (arrays)
    holders = sorted({e.source for e in edges} | set(net.holder_of), key=lambda k: nodes[k].id)
    h_of = {k: i for i, k in enumerate(holders)}
    c_of: dict[tuple[str, str], int] = {}
    targets = [c_of.setdefault(e.target, len(c_of)) for e in edges]
    counterparts = list(c_of)
    s = np.fromiter((h_of[e.source] for e in edges), dtype=np.int64, count=len(edges))
    t = np.asarray(targets, dtype=np.int64)
    w = np.fromiter((e.weight for e in edges), dtype=np.int64, count=len(edges))
    n_h, n_c = len(holders), len(counterparts)

    degree = np.bincount(t, minlength=n_c)
    shared = degree[t] > 1
    home = np.full(n_c, -1, dtype=np.int64)  # the holder whose community a counterpart joins
    leaf = ~shared
    home[t[leaf]] = s[leaf]
    g = nx.Graph()
    g.add_nodes_from(range(n_h))
    if int(shared.sum()) > CORE_EDGES:  # fold every counterpart into the holder it exchanges most with
        # per counterpart: most messages first, then the first holder id (holders are numbered by id)
        order = np.lexsort((s, -w, t))
        first = order[np.r_[True, t[order][1:] != t[order][:-1]]]
        home[t[first]] = s[first]
        other = home[t] != s
        a, b = np.minimum(home[t][other], s[other]), np.maximum(home[t][other], s[other])
        pair_w = np.bincount(a * n_h + b, weights=w[other], minlength=n_h * n_h)
        for code in np.flatnonzero(pair_w):
            g.add_edge(int(code // n_h), int(code % n_h), weight=int(pair_w[code]))
        at_home = ~other
    else:
        for i in np.flatnonzero(shared):
            g.add_edge(int(s[i]), ("c", int(t[i])), weight=int(w[i]))
        at_home = leaf
    loops = np.bincount(s[at_home], weights=w[at_home], minlength=n_h)
    for h in np.flatnonzero(loops):
        g.add_edge(int(h), int(h), weight=int(loops[h]))

    community = np.full(n_h + n_c, -1, dtype=np.int64)  # holders, then counterparts
    for i, members in enumerate(nx.community.louvain_communities(g, weight="weight", seed=0)):
        for k in members:
            community[n_h + k[1] if isinstance(k, tuple) else k] = i
    homed = home >= 0
    community[n_h:][homed] = community[home[homed]]
    keys = holders + counterparts
    # numbered by size (largest first), then by the first id in each
    size = np.bincount(community)
    first_id: dict[int, str] = {}
    for k, c in zip(keys, community.tolist(), strict=True):
        nid = nodes[k].id
        if c not in first_id or nid < first_id[c]:
            first_id[c] = nid
    number = {c: n for n, c in enumerate(sorted(first_id, key=lambda c: (-int(size[c]), first_id[c])))}
    for k, c in zip(keys, community.tolist(), strict=True):
        nodes[k].community = number[c]
