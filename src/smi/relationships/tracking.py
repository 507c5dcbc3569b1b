"""Following a community from one period to the next.

Communities are numbered afresh in each period (smi.relationships.network), so a community
of this month is matched to last month's by membership: to the one it shares the most
members with (ties: the higher Jaccard index, then the lower number), kept only when the
Jaccard index |A ∩ B| / |A ∪ B| of the two is at least MIN_JACCARD. Each of last month's
communities is matched at most once: pairs are taken in order of shared members (then
Jaccard), best first.

MIN_JACCARD = 0.3: a community that kept a third of its members or more (a community of 10
that lost 6 and gained none: 4/10 = 0.4) is the same community grown or faded; below that
it is read as a new one.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping

MIN_JACCARD = 0.3


def jaccard(a: set[Hashable], b: set[Hashable]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def members(net: object) -> dict[int, set[tuple[str, str]]]:
    """A network's communities: number -> its members' keys (nodes with no community left out)."""
    out: dict[int, set[tuple[str, str]]] = {}
    for k, n in net.nodes.items():  # type: ignore[attr-defined]
        if n.community is not None:
            out.setdefault(n.community, set()).add(k)
    return out


def match_communities(current: Mapping[int, set[Hashable]], previous: Mapping[int, set[Hashable]],
                      min_jaccard: float = MIN_JACCARD) -> dict[int, int]:
    """This period's community -> last period's, for each pair kept (see the module)."""
    pairs = []
    for c, a in current.items():
        for p, b in previous.items():
            shared = len(a & b)
            if shared:
                j = jaccard(set(a), set(b))
                if j >= min_jaccard:
                    pairs.append((-shared, -j, c, p))
    out: dict[int, int] = {}
    taken: set[int] = set()
    for _, _, c, p in sorted(pairs):
        if c not in out and p not in taken:
            out[c] = p
            taken.add(p)
    return out
