"""Q1 Fit: relationships held by one person, stakeholder groups neglected against their aims,
communities that grew or faded.

Both read the relationship network (smi.relationships: an edge's weight is the messages
between one of the organisation's accounts and another handle).

**Held by one person.** Over the month and its three-month baseline, a *recurring*
relationship is a counterpart with at least RECURRING messages. Its holders are the members
of staff whose own accounts talk with it, and "the organisation" for its official accounts
(all of them one holder). With H holders of recurring relationships (H >= 2), a member of
staff who alone holds k of the N recurring relationships is tested against an even spread
(share 1/H): exact binomial test, two-sided; effect = (k/N) / (1/H) with the Wilson interval
of k/N over 1/H. Tested when N >= MIN_N and k >= MIN_ALONE; a ratio under 1 + MIN_RELATIVE
is returned with p = 1 (too small to act on). The relationships leave with that person.

**Group neglected against its aim.** Per `[[groups]]` of the profile: messages with the
group's handles a day this month against the three months before (Poisson rates; conditional
exact binomial test, one-sided in the direction the aim warns of: lower for "grow" and
"keep", higher for "reduce"; effect and interval from `stats.compare_rates`, except with no
message this month: ratio 0 and the exact Clopper–Pearson upper bound). Tested when
both periods hold messages of the network at all (so a month not yet imported is not read as
neglect) and the group has at least MIN_N messages over the two; a change under the
"counts" minimum effect (smi.insights.thresholds) is returned with p = 1.

**A community that grew or faded** (`community_messages`): smi.insights.detectors._communities.

None quotes a catalogue metric: `metric` names the detector's own measure
(`single_holder_relationships`, `group_messages`), defined here and in docs/relationships.md.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import scipy.stats as sps

from smi.insights.engine import Context
from smi.insights.finding import Effect, Finding, make_finding
from smi.insights.registry import detector
from smi.insights.stats import compare_rates, wilson_interval
from smi.insights.thresholds import matters
from smi.messages import M, P, day_p, num_p, pct_p

NAME = "relationships"
MIN_N = 10  # recurring relationships in all (held alone); messages with a group over both periods
MIN_ALONE = 3  # relationships a person holds alone before it is tested
RECURRING = 3  # messages over the four months that make a relationship recurring
MIN_RELATIVE = 0.5  # an even spread x1.5 at least
ORG = "the organisation"
TOP = 5


def _days(first: date, last: date) -> str:
    return f"{first:%-d %B %Y} to {last:%-d %B %Y}"


def _days_msg(first: date, last: date) -> Any:
    return M("%(first)s to %(last)s", first=day_p(first.isoformat()), last=day_p(last.isoformat()))


def _networks(ctx: Context) -> tuple[Any, Any, tuple[date, date], tuple[date, date]]:
    from smi.relationships.network import build_network, local_days

    key = ("relationships", "networks")
    if key not in ctx._cache:
        b_first, b_last = ctx.baseline_range
        m_first = ctx.first_day
        m_last = date(*map(int, ctx.month_shift(1).split("-")), 1) - timedelta(days=1)
        tz = ctx.timezone
        month = build_network(ctx.ws.store, ctx.profile, between=local_days(m_first, m_last, tz), communities=False)
        base = build_network(ctx.ws.store, ctx.profile, between=local_days(b_first, b_last, tz), communities=False)
        ctx._cache[key] = (month, base, (m_first, m_last), (b_first, b_last))
    return ctx._cache[key]


def _holder_sets(net: Any, names: dict[tuple[str, str], int]) -> dict[tuple[str, str], set[str]]:
    """Each counterpart's holders, the official accounts as one (ORG)."""
    staff = {n for k, n in net.holder_of.items() if net.nodes[k].group == "staff"}
    return {k: {h if h in staff else ORG for h in net.nodes[k].holders} for k in names}


def _single_holders(ctx: Context) -> list[Finding]:
    month, base, (_, m_last), (b_first, _) = _networks(ctx)
    weight: dict[tuple[str, str], int] = {}
    holders: dict[tuple[str, str], set[str]] = {}
    for net in (month, base):
        sets = _holder_sets(net, {n.key: 1 for n in net.counterparts})
        for n in net.counterparts:
            weight[n.key] = weight.get(n.key, 0) + n.weight
            holders.setdefault(n.key, set()).update(sets[n.key])
    recurring = {k for k, w in weight.items() if w >= RECURRING}
    n_all = len(recurring)
    everyone = set().union(*(holders[k] for k in recurring)) if recurring else set()
    h = len(everyone)
    if n_all < MIN_N or h < 2:
        return []
    _days(b_first, m_last)  # (the window, said as a message below)
    ids = {**{n.key: n for n in base.nodes.values()}, **{n.key: n for n in month.nodes.values()}}
    out = []
    for person in sorted(everyone - {ORG}):
        alone = sorted((k for k in recurring if holders[k] == {person}), key=lambda k: (-weight[k], ids[k].id))
        k = len(alone)
        if k < MIN_ALONE:
            continue
        p0 = 1.0 / h
        share = k / n_all
        ratio = share / p0
        lo, hi = wilson_interval(k, n_all)
        p = float(sps.binomtest(k, n_all, p0).pvalue)
        if ratio < 1 + MIN_RELATIVE:
            p = 1.0
        messages = sum(weight[x] for x in alone)
        top = ", ".join(f"{ids[x].id} ({weight[x]})" for x in alone[:TOP])
        staff_n = h - (1 if ORG in everyone else 0)
        who = (f"the official accounts and {staff_n} member{'s' if staff_n != 1 else ''} of staff"
               if ORG in everyone else f"{staff_n} members of staff")
        del who
        said = {"person": person, "k": k, "all": n_all, "recurring": RECURRING, "window": _days_msg(b_first, m_last),
                "share": pct_p(share), "h": h, "even": pct_p(p0), "messages": num_p(messages), "top": top,
                "staff": staff_n, "start": ", ".join(ids[x].id for x in alone[:3])}
        summary = [M("%(person)s is the only one in touch with %(k)s of the %(all)s people and organisations you "
                     "exchanged %(recurring)s or more messages with from %(window)s: %(share)s; spread evenly over "
                     "the %(h)s holders it would be %(even)s.", **said),
                   (P("The holders are the official accounts and %(n)s member of staff.",
                      "The holders are the official accounts and %(n)s members of staff.", staff_n)
                    if ORG in everyone else
                    P("The holders are %(n)s member of staff.", "The holders are %(n)s members of staff.", staff_n)),
                   M("Those %(k)s relationships carried %(messages)s messages. Most messages: %(top)s.", **said)]
        out.append(make_finding(
            detector=NAME, question="Q1",
            title=P("%(n)s relationship held by %(person)s alone", "%(n)s relationships held by %(person)s alone",
                    k, person=person),
            summary=summary, metric="single_holder_relationships",
            subject={"dimension": "person", "value": person},
            comparison=f"an even spread over the {h} holders of recurring relationships",
            direction="higher" if ratio >= 1 else "lower",
            effect=Effect("ratio", ratio), ci=(lo / p0, hi / p0), p_value=p, n=n_all,
            recommendation=M("Bring a colleague or the official account into %(person)s's main relationships "
                             "(start with %(start)s), so they do not leave with %(person)s.", **said),
            evidence=[{"counterpart": ids[x].id, "group": ids[x].group, "messages": weight[x]} for x in alone[:10]],
        ))
    return out


def _groups(ctx: Context) -> list[Finding]:
    month, base, (m_first, m_last), (b_first, b_last) = _networks(ctx)
    if not month.edges or not base.edges:
        return []
    d1 = (m_last - m_first).days + 1
    d0 = (b_last - b_first).days + 1
    out = []
    for g in ctx.profile.groups:
        mine1 = [n for n in month.counterparts if n.group == g.name]
        mine0 = [n for n in base.counterparts if n.group == g.name]
        c1, c0 = sum(n.weight for n in mine1), sum(n.weight for n in mine0)
        if c0 + c1 < MIN_N:
            continue
        rc = compare_rates(c1, d1, c0, d0)
        share = d1 / (d0 + d1)
        worse = "greater" if g.aim == "reduce" else "less"
        p = float(sps.binomtest(c1, c0 + c1, share, alternative=worse).pvalue)
        if not matters("counts", ctx.profile, subject=c1 / d1, comparison=c0 / d0):
            p = 1.0
        ci = (float(rc.ratio_ci[0]), float(rc.ratio_ci[1]))
        if c1 == 0:  # no message this month: ratio 0; the exact (Clopper–Pearson) upper bound
            hi = float(sps.binomtest(0, c0, share).proportion_ci().high)
            ci = (0.0, hi / (1 - hi) * d0 / d1)
        direction = "lower" if rc.ratio < 1 else "higher"
        held1 = sorted({h for n in mine1 for h in n.holders}, key=str.casefold)
        held0 = sorted({h for n in mine0 for h in n.holders}, key=str.casefold)
        aim = {"grow": "grow", "keep": "keep", "reduce": "reduce"}[g.aim]
        verb = "fell" if direction == "lower" else "rose"
        said = {"group": g.name, "c1": num_p(c1), "c0": num_p(c0), "now": _days_msg(m_first, m_last),
                "before": _days_msg(b_first, b_last), "a": num_p(round(rc.rate_a, 2)), "b": num_p(round(rc.rate_b, 2)),
                "pct": pct_p(abs(rc.ratio - 1)), "reached": len(mine1), "handles": len(g.handles),
                "reached_before": len(mine0), "who": ", ".join(held0[:3])}
        aims = {"grow": M("grow"), "keep": M("keep"), "reduce": M("reduce")}
        said["aim"] = aims[aim]
        summary = [(M("You exchanged %(c1)s messages with %(group)s from %(now)s (%(a)s a day) against %(c0)s from "
                      "%(before)s (%(b)s a day): contact fell %(pct)s, while the aim is to %(aim)s it.", **said)
                    if verb == "fell" else
                    M("You exchanged %(c1)s messages with %(group)s from %(now)s (%(a)s a day) against %(c0)s from "
                      "%(before)s (%(b)s a day): contact rose %(pct)s, while the aim is to %(aim)s it.", **said)),
                   M("%(reached)s of its %(handles)s handles heard from you this month, %(reached_before)s in the "
                     "three months before.", **said)]
        if g.aim == "reduce":
            rec = M("Contact with %(group)s is rising against the aim to reduce it: agree at the next meeting who "
                    "answers them and how.", **said)
        elif held0:
            rec = M("Plan contact with %(group)s this month (reply, mention, share their work); in the three months "
                    "before it was held by %(who)s.", **said)
        else:
            rec = M("Plan contact with %(group)s this month (reply, mention, share their work), and agree who holds "
                    "it.", **said)
        out.append(make_finding(
            detector=NAME, question="Q1",
            title=(M("%(group)s: contact fell against the aim to %(aim)s it", **said) if verb == "fell" else
                   M("%(group)s: contact rose against the aim to %(aim)s it", **said)),
            summary=summary, metric="group_messages",
            subject={"dimension": "group", "value": g.name},
            comparison=f"messages a day with {g.name} over the three months before",
            direction=direction, effect=Effect("ratio", float(rc.ratio)),
            ci=ci, p_value=min(1.0, max(0.0, p)), n=c0 + c1,
            recommendation=rec,
            evidence=[{"period": M("this month"), "messages": c1, "per_day": round(rc.rate_a, 3),
                       "handles_reached": len(mine1), "held_by": ", ".join(held1)},
                      {"period": M("the three months before"), "messages": c0, "per_day": round(rc.rate_b, 3),
                       "handles_reached": len(mine0), "held_by": ", ".join(held0)}],
        ))
    return out


@detector(name=NAME, question="Q1", min_n=MIN_N,
          description="Relationships only one member of staff holds (against an even spread over the "
                      "holders, month and three-month baseline), and stakeholder groups whose contact moved "
                      "against the profile's aim for them (month against the three months before), and "
                      "communities of the network that grew or faded (month against the month before).")
def relationships(ctx: Context) -> list[Finding]:
    from smi.insights.detectors._communities import community_changes

    return _single_holders(ctx) + _groups(ctx) + community_changes(ctx)
