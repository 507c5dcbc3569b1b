"""Q1 Fit: a community of the network that grew or faded, month against the month before.

Run by the relationships detector (its third test). The communities of each month are
smi.relationships.network's (Louvain); a community of this month is the same community as
one of last month's when smi.relationships.tracking.match_communities pairs them (most
shared members, Jaccard >= MIN_JACCARD). The pair is measured over its members of either
month: its **messages** in a month are the messages between the organisation's accounts and
those counterparts (edge weights), its **active members** those counterparts with a message
that month. Measuring each side's own community instead read a split as a fade: on the demo
without planted effects (seed 7, June 2025), May's largest community (560 messages, 283
members) split in two in June and its larger half (283 messages) came out "faded" at
p = 7e-20.

Only matched pairs are tested: messages this month against last month's community. A
community of either month left unmatched is not tested. Measuring last month's community by
what its members of last month did this month was tried and dropped: members are chosen for
being active last month, so their messages fall the next month by selection alone (on the
demo, that version's tests for May, October and November 2026 came out "faded" at p < 0.05 in
14 of 18, while the month's total messages moved by 16%, 1% and 4%); and audiences turn over so fast that most
communities of a month share under a third of their members with any of the month before.

Test: messages a day as Poisson rates (days of each month as exposure), the conditional exact
binomial test, two-sided (`stats.compare_rates`); effect the ratio of the rates, with its
interval. Tested
when the two months hold MIN_N messages or more together and both months hold messages of
the network at all (a month not yet imported is not read as a fade). A change under the
"counts" minimum effect (smi.insights.thresholds: 25% and 0.1 messages a day) is returned
with p = 1. The engine controls the false-discovery rate over these tests with all others.

A community is named by its group when one group of the profile holds at least half of its
counterparts' messages, and by its three counterparts with the most messages.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from smi.insights.engine import Context
from smi.insights.finding import Effect, Finding, make_finding
from smi.insights.stats import compare_rates
from smi.insights.thresholds import matters
from smi.messages import M, num_p, pct_p
from smi.relationships.tracking import MIN_JACCARD, match_communities, members

NAME = "relationships"
METRIC = "community_messages"
MIN_N = 10  # messages over the two months
TOP = 3


def _month_days(ctx: Context, shift: int) -> tuple[date, date]:
    first = date(*map(int, ctx.month_shift(shift).split("-")), 1)
    last = date(*map(int, ctx.month_shift(shift + 1).split("-")), 1) - timedelta(days=1)
    return first, last


def _nets(ctx: Context) -> tuple[Any, Any, tuple[date, date], tuple[date, date]]:
    from smi.relationships.network import build_network, local_days

    key = ("relationships", "communities")
    if key not in ctx._cache:
        now, before = _month_days(ctx, 0), _month_days(ctx, -1)
        nets = [build_network(ctx.ws.store, ctx.profile, between=local_days(*d, ctx.timezone)) for d in (now, before)]
        ctx._cache[key] = (nets[0], nets[1], now, before)
    return ctx._cache[key]


def _messages(net: Any, keys: set[tuple[str, str]]) -> int:
    return sum(e.weight for e in net.edges if e.target in keys)


def _counterparts(net: Any, keys: set[tuple[str, str]]) -> list[Any]:
    from smi.relationships.network import OFFICIAL, STAFF

    return sorted((net.nodes[k] for k in keys if net.nodes[k].group not in (OFFICIAL, STAFF)),
                  key=lambda n: (-n.weight, n.id))


def community_name(nodes: list[Any]) -> str:
    """Its group (when one holds half its messages or more) and its top counterparts."""
    total = sum(n.weight for n in nodes)
    by_group: dict[str, int] = {}
    for n in nodes:
        if n.group:
            by_group[n.group] = by_group.get(n.group, 0) + n.weight
    top = ", ".join(n.id for n in nodes[:TOP])
    best = max(sorted(by_group), key=lambda g: by_group[g], default=None)
    if best is not None and total and 2 * by_group[best] >= total:
        return f"{best} ({top})"
    return top


def community_changes(ctx: Context) -> list[Finding]:
    now_net, before_net, (m_first, m_last), (b_first, b_last) = _nets(ctx)
    if not now_net.edges or not before_net.edges:
        return []
    d1 = (m_last - m_first).days + 1
    d0 = (b_last - b_first).days + 1
    now, before = members(now_net), members(before_net)
    matched = match_communities(now, before)
    pairs = [(now[c], before[p]) for c, p in sorted(matched.items())]
    out: list[Finding] = []
    seen: set[str] = set()
    for cur, prev in pairs:
        both = cur | prev  # members of either month: a split or a merge is not a change
        prev_cp = _counterparts(before_net, {k for k in both if k in before_net.nodes})
        cur_cp = _counterparts(now_net, {k for k in both if k in now_net.nodes})
        c0 = _messages(before_net, {n.key for n in prev_cp})
        c1 = _messages(now_net, {n.key for n in cur_cp})
        if c0 + c1 < MIN_N or not prev_cp:
            continue
        rc = compare_rates(c1, d1, c0, d0)
        p = rc.p_value
        if not matters("counts", ctx.profile, subject=c1 / d1, comparison=c0 / d0):
            p = 1.0
        ci = (float(rc.ratio_ci[0]), float(rc.ratio_ci[1]))  # a matched community has messages: c1 > 0
        ratio = float(rc.ratio)
        grew = ratio > 1
        name = community_name(cur_cp if c1 >= c0 else prev_cp)
        if name in seen:  # two communities with the same top counterparts: keep ids apart
            name = f"{name} [{len(seen) + 1}]"
        seen.add(name)
        said = {"name": name, "c1": num_p(c1), "c0": num_p(c0), "m1": num_p(len(cur_cp)), "m0": num_p(len(prev_cp)),
                "a": num_p(round(rc.rate_a, 2)), "b": num_p(round(rc.rate_b, 2)), "pct": pct_p(abs(ratio - 1)),
                "top": ", ".join(n.id for n in prev_cp[:TOP])}
        holders = sorted({h for n in cur_cp for h in n.holders}, key=str.casefold)
        said["holders"] = ", ".join(holders[:3])
        if grew:
            title = M("A community grew: %(name)s", **said)
            first = M("The community of %(name)s exchanged %(c1)s messages with you this month (%(a)s a day) against "
                      "%(c0)s last month (%(b)s a day): up %(pct)s.", **said)
            rec = M("Ask what drew %(name)s closer this month, and keep it going; it is held by %(holders)s.", **said)
        else:
            title = M("A community faded: %(name)s", **said)
            first = M("The community of %(name)s exchanged %(c1)s messages with you this month (%(a)s a day) against "
                      "%(c0)s last month (%(b)s a day): down %(pct)s.", **said)
            rec = M("Get back in touch with %(top)s, the most active of that community last month; it was held by "
                    "%(holders)s.", **said)
        summary = [first, M("Its active members: %(m1)s this month, %(m0)s last month.", **said)]
        out.append(make_finding(
            detector=NAME, question="Q1", title=title, summary=summary, metric=METRIC,
            subject={"dimension": "community", "value": name},
            comparison=f"the same community last month (matched by shared members, Jaccard >= {MIN_JACCARD})",
            direction="higher" if grew else "lower", effect=Effect("ratio", ratio), ci=ci,
            p_value=min(1.0, max(0.0, p)), n=c0 + c1, recommendation=rec,
            evidence=[{"period": M("this month"), "messages": c1, "per_day": round(rc.rate_a, 3),
                       "active_members": len(cur_cp), "top": ", ".join(n.id for n in cur_cp[:TOP])},
                      {"period": M("last month"), "messages": c0, "per_day": round(rc.rate_b, 3),
                       "active_members": len(prev_cp), "top": ", ".join(n.id for n in prev_cp[:TOP])}],
        ))
    return out
