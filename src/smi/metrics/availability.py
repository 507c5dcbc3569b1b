"""Which sources, platforms and periods can give each metric.

Each source declares the canonical columns its rows fill (`Source.fills`; `fills_once` for a
value it gives on the export's date only, like an archive's follower count; `fills_any` for
the canonical CSV, which can carry any column). From those:

- **per platform** (the catalogue's "Available on"): a metric is available on a platform
  when the platform's sources fill one input of each group the metric `requires` (an input
  the metric needs day by day, `Metric.series`, must come as a series, not once);
- **per period** (every number): a metric is available over a period (and platform, and
  month, week or day of a breakdown) when, for each group it requires, some import of a
  source that fills one of the group's inputs covers it. An import covers the local days from
  its earliest to its latest row (posts, interactions, audience days, time entries). Where
  no import does, the value is NULL, never 0, and `reasons()` says why in words. A source
  whose files differ in what they hold (`Source.kinds`: a LinkedIn followers export has no
  posts) records per import what the kinds it read could fill (`imports.fills`): such an
  import covers only those inputs.

tests/metrics/test_availability.py checks the declarations against the sources and real files.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import cache
from typing import Any

import ibis
import ibis.expr.types as ir

from smi.messages import N_, M, Message, P, day_p, en_p, english, month_p
from smi.metrics.period import Period
from smi.metrics.registry import Metric
from smi.platforms import PLATFORMS

# Filled from outside the platforms: the profile. Always available.
PROFILE = ("people.cost_per_hour", "accounts.person", "accounts.is_official")
# Filled after import, from another column (language detection reads the text).
DERIVED = {"posts.language": "posts.text", "interactions.language": "interactions.text"}
# Time entries come from time logs; they are not per platform.
EFFORT = "effort"
# What an input means, for the reasons ("no import … holds WHAT").
# (msgids: the reasons are messages, smi.messages, said in the reader's language)
WHAT = {
    "posts.kind": N_("which items are replies, reposts or quotes"),
    # not columns: whether a source's exports can hold the organisation's replies / reposts at all
    "posts.replies": N_("the organisation's replies (page and channel analytics exports hold none)"),
    "posts.reposts": N_("the organisation's reposts"),
    "posts.published_at": N_("posts"),
    "posts.language": N_("post texts"),
    "posts.text": N_("post texts"),
    "posts.account_id": N_("posts"),
    "interactions": N_("other people's messages (comments, replies, mentions)"),
    "audience_daily.followers": N_("follower counts"),
    "audience_daily.gained": N_("daily follower gains"),
    "audience_daily.lost": N_("daily follower losses"),
    "audience_daily.visits": N_("page visits"),
    "audience_daily.impressions": N_("daily page impressions"),
    "effort": N_("time-log entries"),
}


def _sources() -> dict[str, Any]:
    from smi.sources import load_all

    return load_all()


def _fills(cls: Any, *, once: bool = True) -> set[str]:
    cols = set(cls.fills) | (set(cls.fills_once) if once else set())
    cols |= {d for d, base in DERIVED.items() if base in cols}
    return cols


@cache
def _platform_columns() -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    out: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for p in PLATFORMS:
        srcs = sorted(n for n, c in _sources().items() if c.platform == p)
        if not srcs:
            continue
        cols: set[str] = set()
        for n in srcs:
            cols |= _fills(_sources()[n])
        out[p] = (tuple(sorted(cols)), tuple(srcs))
    return out


# platform -> (the columns its sources fill, the sources), derived from the sources' declarations.
PLATFORM_COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = _platform_columns()


def _everywhere() -> set[str]:
    """Columns filled for every platform: the profile's and the time logs'."""
    out = set(PROFILE)
    for cls in _sources().values():
        out |= {c for c in _fills(cls) if c.startswith(EFFORT + ".")}
    return out


def held(platform: str, *, series: bool = False) -> set[str]:
    """The canonical columns smi's importers fill for `platform` (with `series`: only those
    given day by day, not once on the export's date)."""
    cols: set[str] = set()
    for n in PLATFORM_COLUMNS.get(platform, ((), ()))[1]:
        cols |= _fills(_sources()[n], once=not series)
    return {*cols, *_everywhere()}


def platforms_for(m: Metric) -> list[str]:
    """The platforms whose exports give this metric's inputs, in PLATFORMS order."""
    out = []
    for p in PLATFORMS:
        if p not in PLATFORM_COLUMNS or (m.only and p not in m.only):
            continue
        once, daily = held(p), held(p, series=True)
        if all(any(i in (daily if i in m.series else once) for i in g) for g in m.requires):
            out.append(p)
    return out


# -- per period ---------------------------------------------------------------------------------
def _group_sources(group: Iterable[str]) -> tuple[list[str], list[str], list[str]]:
    """(sources that fill one of the inputs, sources that fill any column, the inputs' tables)."""
    group = tuple(group)
    named = sorted(n for n, c in _sources().items() if not c.fills_any and _fills(c) & set(group))
    generic = sorted(n for n, c in _sources().items() if c.fills_any)
    tables = sorted({i.split(".", 1)[0] for i in group})
    return named, generic, tables


def _accepted(group: Iterable[str]) -> list[str]:
    """The columns an import's `fills` may name for it to fill one of the group's inputs (a
    derived input's base column too)."""
    return sorted({*group, *(DERIVED[i] for i in group if i in DERIVED)})


def _import_fills(fills: list[str] | None, group: Iterable[str]) -> bool:
    """Whether an import whose files could fill `fills` (None: all its source fills) fills one
    of the group's inputs (its source is one that can)."""
    return fills is None or bool(set(fills) & set(_accepted(group)))


def _kinds_label(source: str, fills: list[str] | None) -> str:
    """The source's title, with the kinds of file the import read when its source has kinds:
    "LinkedIn Page analytics export (new followers)"."""
    cls = _sources().get(source)
    if cls is None:
        return source
    if fills is None or not cls.kinds:
        return cls.title
    read = [k for k, cols in cls.kinds.items() if set(cols) <= set(fills)]
    return f"{cls.title} ({', '.join(read)})" if read else cls.title


def _needs_import(group: tuple[str, ...]) -> bool:
    return not all(i in PROFILE for i in group)


def _per_platform(group: tuple[str, ...]) -> bool:
    return not all(i.split(".", 1)[0] == EFFORT for i in group)


def spans(con: Any) -> ir.Table:
    """Per import and platform (and canonical table it wrote rows to): import_id, source,
    platform, table, and `lo`, `hi`: the import's first and last local day over all its rows
    (every platform). The store's `import_spans` view (store/db.py), exported for Spark."""
    return con.table("import_spans")


def _qualifying(s: ir.Table, group: tuple[str, ...]) -> ir.Value:
    named, generic, tables = _group_sources(group)
    cond = ibis.literal(False)
    if named:
        fills = s.fills.isnull()
        for c in _accepted(group):
            fills = fills | s.fills.contains(c)
        cond = s.source.isin(named) & fills
    if generic:
        cond = cond | (s.source.isin(generic) & s.table.isin(tables))
    return cond


TIME_DIMS = ("month", "week", "day")


def _month_key(d: ir.Value) -> ir.Value:
    return d.year().cast("string") + ibis.literal("-") + d.month().cast("string").lpad(2, "0")


def mask(con: Any, m: Metric, out: ir.Table, period: Period, dims: tuple[str, ...],
         platforms: tuple[str, ...] | None) -> ir.Table:
    """`out` (columns *dims, value) with value NULL wherever no import covers it (see the
    module docstring): per platform and month, week or day when the breakdown has them."""
    groups = [tuple(g) for g in m.requires if _needs_import(tuple(g))]
    if not groups:
        return out
    s = spans(con)
    s = s.filter((s.lo <= ibis.literal(period.last_day)) & (s.hi >= ibis.literal(period.start)))
    keys = [d for d in dims if d == "platform" or d in TIME_DIMS]
    oks = []
    for i, g in enumerate(groups):
        sg = s.filter(_qualifying(s, g))
        if platforms and _per_platform(g):
            sg = sg.filter(sg.platform.isin(list(platforms)))
        if not keys:
            oks.append(sg.count().as_scalar() > 0)
            continue
        k = out.select(*keys).distinct()
        preds = []
        if "platform" in keys and _per_platform(g):
            preds.append(k.platform == sg.platform)
        if "month" in keys:
            preds += [_month_key(sg.lo) <= k.month, _month_key(sg.hi) >= k.month]
        if "week" in keys:
            preds += [sg.lo <= k.week + ibis.interval(days=6), sg.hi >= k.week]
        if "day" in keys:
            preds += [sg.lo <= k.day, sg.hi >= k.day]
        if not preds:
            hit = k.mutate(**{f"_ok{i}": sg.count().as_scalar() > 0})
        else:
            j = k.join(sg, preds)
            hit = j.select(*[j[c] for c in keys]).distinct().mutate(**{f"_ok{i}": ibis.literal(True)})
        lj = out.left_join(hit, [out[c].identical_to(hit[c]) for c in keys])
        out = lj.select(*[lj[c] for c in out.columns], **{f"_ok{i}": hit[f"_ok{i}"].fill_null(False)})
        oks.append(out[f"_ok{i}"])
    if not keys:
        ok = oks[0]
        for o in oks[1:]:
            ok = ok & o
        return out.mutate(value=ibis.ifelse(ok, out.value, ibis.null().cast(out.value.type())))
    ok = out._ok0
    for i in range(1, len(groups)):
        ok = ok & out[f"_ok{i}"]
    value = ibis.ifelse(ok, out.value, ibis.null().cast(out.value.type()))
    return out.select(*dims, value=value)


def zero_months(out: ir.Table, period: Period, dims: tuple[str, ...]) -> ir.Table:
    """A count broken down by month: every month of the period, 0 where nothing happened
    (mask() then makes the months no import covers NULL)."""
    months = ibis.memtable({"month": list(period.month_days())})
    others = [d for d in dims if d != "month"]
    full = out.select(*others).distinct().cross_join(months) if others else months
    j = full.left_join(out, [full[d] == out[d] for d in dims])
    return j.select(*[full[d] for d in dims], value=j.value.fill_null(0).cast(out.value.type()))


# -- reasons ------------------------------------------------------------------------------------
def _what(group: tuple[str, ...]) -> Message | dict[str, str]:
    for i in group:
        if i in WHAT:
            return M(WHAT[i])
        if i.split(".", 1)[0] in WHAT:
            return M(WHAT[i.split(".", 1)[0]])
    cols = [i.split(".", 1)[1].replace("_", " ") for i in group]
    return en_p(" or ".join(dict.fromkeys(cols)))


def period_said(period: Period) -> Any:
    """The period's label (Period.label) as a message parameter."""
    if period.is_month:
        return month_p(period.key)
    return M("%(first)s to %(last)s", first=day_p(period.start.isoformat()), last=day_p(period.last_day.isoformat()))


def reasons(con: Any, m: Metric, period: Period, platforms: tuple[str, ...] | None = None,
            by_platform: bool = False) -> dict[str, str]:
    """Why the metric is not available over the period: {"": reason} for the whole (when no
    import covers it), and with `by_platform` {platform: reason} for each platform that has
    imports in the period but none that fills the metric's inputs. Empty when available.
    In English; `reason_messages` gives the same as messages."""
    return {k: english(v) for k, v in reason_messages(con, m, period, platforms, by_platform).items()}


def reason_messages(con: Any, m: Metric, period: Period, platforms: tuple[str, ...] | None = None,
                    by_platform: bool = False) -> dict[str, Message]:
    """`reasons` as messages (smi.messages), said in the reader's language."""
    groups = [tuple(g) for g in m.requires if _needs_import(tuple(g))]
    if not groups:
        return {}
    rows = spans(con).to_pyarrow().to_pylist()
    rows = [r for r in rows if _lo(r) <= period.last_day and _hi(r) >= period.start
            and (not platforms or r["platform"] in platforms or r["table"] == EFFORT)]
    srcs = _sources()

    def explain(rs: list[dict[str, Any]], where: Any) -> Message | None:
        for g in groups:
            named, generic, tables = _group_sources(g)
            if any((r["source"] in named and _import_fills(r.get("fills"), g))
                   or (r["source"] in generic and r["table"] in tables) for r in rs):
                continue
            what = _what(g)
            held_by = sorted({_kinds_label(r["source"], r.get("fills")) for r in rs})
            if not held_by:
                return M("no import covers %(where)s", where=where)
            plats = {r["platform"] for r in rs}
            fillers = sorted({_kinds_label(n, _fills_of(srcs[n], g)) for n in named
                              if len(plats) != 1 or srcs[n].platform in plats})
            # source titles (with the kinds of file read) are names: said as they are
            said = P("no import covering %(where)s holds %(what)s (the %(sources)s does not)",
                     "no import covering %(where)s holds %(what)s (the %(sources)s do not)", len(held_by),
                     where=where, what=what, sources=", ".join(held_by))
            if fillers:
                said = M("%(reason)s; they come from: %(sources)s", reason=said, sources=", ".join(fillers))
            return said
        return None

    label = period_said(period)
    if platforms:
        label = M("%(period)s on %(platforms)s", period=label, platforms=", ".join(PLATFORMS.get(p, p) for p in platforms))
    out: dict[str, Message] = {}
    whole = explain(rows, label)
    if whole:
        out[""] = whole
    if by_platform:
        for p in sorted({r["platform"] for r in rows if r["platform"]}):
            why = explain([r for r in rows if r["platform"] == p],
                          M("%(period)s on %(platforms)s", period=period_said(period), platforms=PLATFORMS.get(p, p)))
            if why:
                out[p] = why
    return out


def _fills_of(cls: Any, group: tuple[str, ...]) -> list[str] | None:
    """The columns of the kinds of the source's files that fill one of the group's inputs (None:
    it declares no kinds), for naming them in a reason."""
    if not cls.kinds:
        return None
    acc = set(_accepted(group))
    return sorted({c for cols in cls.kinds.values() if set(cols) & acc for c in cols})


def _lo(r: dict[str, Any]) -> date:
    return r["lo"] if isinstance(r["lo"], date) else date.fromisoformat(str(r["lo"])[:10])


def _hi(r: dict[str, Any]) -> date:
    return r["hi"] if isinstance(r["hi"], date) else date.fromisoformat(str(r["hi"])[:10])
