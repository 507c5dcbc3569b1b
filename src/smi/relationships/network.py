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

from collections import defaultdict
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


@dataclass
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


@dataclass
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


def build_network(store: Store, profile: Profile, month: str | None = None, *,
                  between: tuple[datetime, datetime] | None = None, communities: bool = True) -> Network:
    """The network of the month (local, `YYYY-MM`), of [start, end) (`between`, UTC instants),
    or of all the data held when neither is given."""
    from smi.store import relationships as rel

    start, end = between if between is not None else period_bounds(month, profile.organisation.timezone)
    accounts = {(r["platform"], r["handle"]): r for r in store.rows(
        "SELECT account_id, platform, handle, display_name, is_official, person FROM accounts")}
    by_id = {r["account_id"]: k for k, r in accounts.items()}

    # summed per holder and counterpart in the database: a message is never a Python object
    weights: dict[tuple[tuple[str, str], tuple[str, str]], int] = {}
    kinds: dict[tuple[tuple[str, str], tuple[str, str]], list[str]] = {}
    for platform, holder, counterpart, w, ks in rel.edges(store, start, end):
        pair = (by_id[holder], (platform, counterpart))
        weights[pair] = w
        kinds[pair] = ks

    groups = _group_of(profile)
    holder_of: dict[tuple[str, str], str] = {}
    nodes: dict[tuple[str, str], Node] = {}
    for (h, c) in weights:
        if h not in nodes:
            a = accounts[h]
            holder_of[h] = a["person"] or full_id(*h)
            nodes[h] = Node(h, full_id(*h), a["person"] or a["display_name"] or full_id(*h),
                            STAFF if a["person"] else OFFICIAL)
        if c not in nodes:
            a = accounts.get(c) or {}
            nodes[c] = Node(c, full_id(*c), a.get("display_name") or full_id(*c), groups.get(c))
    # ids unique across platforms
    seen: dict[str, list[Node]] = defaultdict(list)
    for n in nodes.values():
        seen[n.id].append(n)
    for same in seen.values():
        if len(same) > 1:
            for n in same:
                n.id = f"{n.platform}:{n.id}"
                if n.label.startswith("@"):
                    n.label = n.id
    for h in holder_of:  # an official account is named by its (now unique) id
        if nodes[h].group == OFFICIAL:
            holder_of[h] = nodes[h].id

    edges = []
    holders: dict[tuple[str, str], set[str]] = defaultdict(set)
    for (h, c), w in sorted(weights.items(), key=lambda kv: (nodes[kv[0][0]].id, nodes[kv[0][1]].id)):
        edges.append(Edge(h, c, w, kinds[(h, c)]))
        nodes[h].weight += w
        nodes[c].weight += w
        holders[c].add(holder_of[h])
    for c, hs in holders.items():
        nodes[c].holders = sorted(hs, key=str.casefold)

    net = Network(nodes, edges, (start, end), rel.unattributed(store, start, end), holder_of)
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

    degree: dict[tuple[str, str], int] = defaultdict(int)
    for e in net.edges:
        degree[e.target] += 1
    g = nx.Graph()
    loops: dict[tuple[str, str], int] = defaultdict(int)
    leaves: list[tuple[tuple[str, str], tuple[str, str]]] = []
    core = sum(1 for e in net.edges if degree[e.target] > 1)
    heaviest: dict[tuple[str, str], Edge] = {}
    if core > CORE_EDGES:  # fold every counterpart into the holder it exchanges most with
        for e in net.edges:
            best = heaviest.get(e.target)
            if best is None or (e.weight, net.nodes[best.source].id) > (best.weight, net.nodes[e.source].id):
                heaviest[e.target] = e
    for e in net.edges:
        if degree[e.target] == 1:
            loops[e.source] += e.weight
            leaves.append((e.target, e.source))
        elif heaviest:
            home = heaviest[e.target].source
            if e.source == home:
                loops[home] += e.weight
                leaves.append((e.target, home))
            else:
                w = g.get_edge_data(home, e.source, {"weight": 0})["weight"]
                g.add_edge(home, e.source, weight=w + e.weight)
        else:
            g.add_edge(e.source, e.target, weight=e.weight)
    for h, w in loops.items():
        g.add_edge(h, h, weight=w)
    g.add_nodes_from(net.holder_of)
    found = nx.community.louvain_communities(g, weight="weight", seed=0)
    community_of: dict[tuple[str, str], int] = {}
    for i, members in enumerate(found):
        for k in members:
            community_of[k] = i
    groups: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for k, i in community_of.items():
        groups[i].append(k)
    for leaf, h in leaves:
        groups[community_of[h]].append(leaf)
    for i, members in enumerate(sorted(groups.values(), key=lambda s: (-len(s), min(net.nodes[k].id for k in s)))):
        for k in members:
            net.nodes[k].community = i
