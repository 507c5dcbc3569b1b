"""Charts as Altair specs, rendered offline to inline SVG with vl-convert (nothing fetched)."""

from __future__ import annotations

import textwrap
from typing import Any

import altair as alt
import vl_convert
from markupsafe import Markup, escape

from smi.messages import render
from smi.report.i18n import N_, Words

VL_VERSION = "6.4"
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"


def trend_title(w: Words, measure: str) -> str:
    """A trend panel's title: the metric's name and how it is counted, in `w`'s language."""
    from smi.labels import display
    from smi.report import fmt

    if measure == "posts":
        return w._("Posts (count)")
    if measure == "engagements":
        return w._("Engagements (count)")
    if display(measure) == "minutes":
        return w._("%(name)s, minutes", name=fmt.name(w, measure))
    return fmt.name(w, measure)


def trend_grid(rows: list[dict[str, Any]], months: list[str], words: Words | None = None) -> alt.ConcatChart:
    """Small multiples: one panel per measure (posts, engagements, followers, impressions,
    reach, engagement rate, response time: whichever `rows` has), one line per platform,
    two panels a row, each with its own scale. None (not available) is a gap, never 0.
    Platforms differ by colour and line dash, so the chart reads in greyscale too."""
    from smi.labels import display

    w = words or Words("en")
    names = {m: w.month_short(m) for m in months}
    labels = [names[m] for m in months]
    measures = list(dict.fromkeys(r["measure"] for r in rows))
    values = [{"month": names.get(r["month"], r["month"]), "platform": r["platform"], "measure": r["measure"],
               "value": r["value"]} for r in rows]
    # named data, given once at the top (datasets): inline values were copied into every panel
    # and layer as Altair combined them (most of the report's HTML time)
    data = alt.NamedData(name="trend")
    platform = w._("Platform")
    base = alt.Chart(data).encode(
        x=alt.X("month:O", title=None, sort=labels, scale=alt.Scale(domain=labels),
                axis=alt.Axis(labelAngle=-45, labelFontSize=9, values=labels[::-3][::-1])),
        color=alt.Color("platform:N", title=platform, sort="ascending"),
        strokeDash=alt.StrokeDash("platform:N", title=platform, sort="ascending"),
    )
    panels = []
    for measure in measures:
        kind = display(measure)
        fmt_axis = "%" if kind == "percent" else ("~s" if kind in ("count", "decimal", None) else ",d")
        present = [r for r in rows if r["measure"] == measure and r["value"] is not None]
        if not present:
            continue
        title = trend_title(w, measure)
        y = alt.Y("value:Q", title=None, axis=alt.Axis(format=fmt_axis, tickCount=4, labelFontSize=9))
        sub = base.transform_filter(alt.datum.measure == measure)
        line = sub.mark_line(invalid="break-paths-show-domains", strokeWidth=1.5).encode(y=y)
        # a point on the month itself only (a point a month made the SVG 4 times larger and the PDF slower)
        last = sub.transform_filter(alt.datum.month == labels[-1]).mark_point(filled=True, size=22).encode(y=y)
        chart = alt.layer(line, last)
        panels.append(chart.properties(width=122, height=46, title=alt.TitleParams(textwrap.wrap(title, 28)[:3], fontSize=11, anchor="start")))
    # aria=False: Vega's own SVG descriptions are English; the figure's caption and data table describe it.
    return alt.concat(*panels, columns=4).resolve_scale(y="independent").properties(
        datasets={"trend": values}).configure(font=FONT, aria=False).configure_legend(
        orient="bottom", columns=5, symbolType="stroke", symbolSize=300, symbolStrokeWidth=2.5, labelFontSize=10,
        titleFontSize=10, titleOrient="left")


WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
DAYPARTS = {"night": N_("night (0–7)"), "morning": N_("morning (7–12)"), "afternoon": N_("afternoon (12–17)"),
            "evening": N_("evening (17–24)")}


def best_slots(best: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each platform's best slot (highest engagements a post; ties: more posts) and its
    posts-weighted average over every slot shown: platform id -> {"best": row, "average"}."""
    out: dict[str, dict[str, Any]] = {}
    for r in best.get("rows", []):
        out.setdefault(r["platform_id"], {"rows": []})["rows"].append(r)
    for v in out.values():
        rs = v.pop("rows")
        v["best"] = max(rs, key=lambda r: (r["per_post"], r["posts"]))
        v["average"] = sum(r["per_post"] * r["posts"] for r in rs) / sum(r["posts"] for r in rs)
        v["posts"] = sum(r["posts"] for r in rs)
    return out


def best_times_chart(best: dict[str, Any], words: Words) -> alt.FacetChart:
    """A heat map per platform: engagements a post by weekday (across) and part of the day
    (down), as an index of the platform's own average (1 = average), so platforms of
    different sizes read alike; each cell is labelled with its engagements a post."""
    w = words
    slots = best_slots(best)
    days = [w._(d) for d in WEEKDAYS]
    parts = [w._(DAYPARTS[p]) for p in DAYPARTS]
    values = [{"platform": r["platform"], "day": days[r["weekday"] - 1], "part": w._(DAYPARTS[r["daypart"]]),
               "index": r["per_post"] / slots[r["platform_id"]]["average"] if slots[r["platform_id"]]["average"] else 1.0,
               "label": format(round(r["per_post"]), ",")}
              for r in best.get("rows", [])]
    base = alt.Chart(alt.Data(values=values)).encode(
        x=alt.X("day:O", sort=days, scale=alt.Scale(domain=days), title=None, axis=alt.Axis(labelAngle=0, labelFontSize=9, orient="top")),
        y=alt.Y("part:O", sort=parts, scale=alt.Scale(domain=parts), title=None, axis=alt.Axis(labelFontSize=9)),
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color("index:Q", scale=alt.Scale(scheme="blues", domain=[0.5, 1.5], clamp=True), legend=None))
    text = base.mark_text(fontSize=8).encode(
        text="label:N", color=alt.condition("datum.index > 1.2", alt.value("white"), alt.value("#1b1b1b")))
    return alt.layer(cells, text).properties(width=140, height=46).facet(
        facet=alt.Facet("platform:N", title=None, header=alt.Header(labelFontSize=11, labelFontWeight="bold")),
        columns=4).configure(font=FONT, aria=False).configure_view(stroke=None)


def to_svg(chart: alt.TopLevelMixin) -> str:
    """The chart as an SVG document string. Offline: external data loads are refused."""
    # validate=False: the specs are built here, not typed by users; Altair's schema check cost more than drawing
    svg = vl_convert.vegalite_to_svg(chart.to_dict(validate=False), vl_version=VL_VERSION, allowed_base_urls=[])
    # The XML prolog is not valid inside HTML; keep the <svg> element only.
    start = svg.find("<svg")
    return svg[start:] if start > 0 else svg


def spec_svg(spec: dict) -> str | None:
    """A finding's Vega-Lite spec (a dict) as inline SVG; None when it cannot be drawn."""
    clean = {k: v for k, v in spec.items() if k != "$schema"}
    clean.setdefault("config", {"font": FONT})
    try:
        return to_svg_dict(clean)
    except Exception:  # a detector's spec vl-convert refuses: the evidence table stands alone
        return None


def to_svg_dict(spec: dict) -> str:
    svg = vl_convert.vegalite_to_svg(spec, vl_version=VL_VERSION, allowed_base_urls=[])
    start = svg.find("<svg")
    return svg[start:] if start > 0 else svg


# -- a finding's chart: both groups' values, labelled, with whiskers where there is an interval --
def _chart_rows(f: dict[str, Any], w: Words | None = None) -> tuple[list[dict[str, Any]], str, str] | None:
    """The finding's chart data as rows {"group", "value", "low", "high"}, the y title and
    how values read ("percent" or "decimal"); None when the spec has no usable bars."""
    from smi.labels import LABELS, display
    from smi.platforms import PLATFORMS

    spec = f.get("chart") or {}
    enc = spec.get("encoding") or {}
    x, y = (enc.get("x") or {}).get("field"), (enc.get("y") or {}).get("field")
    values = (spec.get("data") or {}).get("values") or []
    if not x or not y or not values:
        return None
    rows = []
    for r in values:
        v = r.get(y)
        if not isinstance(v, (int, float)) or isinstance(v, bool):
            continue
        group = say_group(r, x, w)
        if x != "group" and r.get("group") is not None and len({str(v.get("group")) for v in values}) > 1:
            group = f"{PLATFORMS.get(say_group(r, 'group', w), say_group(r, 'group', w))} · {group}"
        group = PLATFORMS.get(group, group)
        low, high = r.get("ci_low"), r.get("ci_high")
        rows.append({"group": group, "value": float(v), "said": bool(r.get(f"{x}_msg")),
                     "low": float(low) if isinstance(low, (int, float)) else None,
                     "high": float(high) if isinstance(high, (int, float)) else None})
    if len(rows) < 1:
        return None
    title = str((enc.get("y") or {}).get("title") or "")
    y_msg = (spec.get("usermeta") or {}).get("y_title")
    if y_msg and w is not None:
        title = render(y_msg, w.t, w.locale)
    fmt_axis = ((enc.get("y") or {}).get("axis") or {}).get("format")
    metric = f.get("metric") or ""
    if fmt_axis == "%" or (title in LABELS and display(title) == "percent") or (
            display(metric) == "percent" and all(0 <= r["value"] <= 1 for r in rows)):
        reads = "percent"
    else:
        reads = "decimal"
    # A goal's value against its target: the ratio's 95% interval times the target is the
    # value's interval (smi.insights.detectors.success).
    ci = f.get("ci")
    if f.get("detector") == "success" and ci and len(rows) == 2:
        target = next((r for r, raw in zip(rows, values, strict=False) if raw.get(x) == "target"), None)
        if target is not None:
            for r in rows:
                if r is not target and r["low"] is None:
                    r["low"], r["high"] = target["value"] * float(ci[0]), target["value"] * float(ci[1])
    return rows, title, reads


def say_group(r: dict[str, Any], x: str, w: Words | None) -> str:
    """A chart row's group in the edition's language: its message (`<x>_msg`, smi.insights.finding.bar_chart)
    said through `w`, else the value as it is (a name, a month key said as a month)."""
    msg = r.get(f"{x}_msg")
    if msg and w is not None:
        return render(msg, w.t, w.locale)
    v = r.get(x)
    if v is None:
        return ""
    if w is not None and isinstance(v, str) and len(v) == 7 and v[4] == "-" and v[:4].isdigit():
        return w.month_short(v)
    return str(v)


def finding_chart(f: dict[str, Any], words: Words, currency: str = "GBP") -> tuple[str, str, Markup] | None:
    """(inline SVG, text alternative, caption as HTML) of a finding's chart: horizontal bars, one per group,
    each labelled with its value; a whisker where the group has a 95% interval. The text
    alternative says every value. None when the finding's spec has no bars."""
    from smi.labels import LABELS
    from smi.report import fmt

    got = _chart_rows(f, words)
    if got is None:
        return None
    rows, title, reads = got
    w = words

    def show(v: float) -> str:
        return fmt.percent(w, v) if reads == "percent" else fmt.decimal(w, round(v, 3) if abs(v) < 1 else round(v, 1))

    for r in rows:
        r["label"] = show(r["value"])
    axis_title = fmt.name(w, title) if title in LABELS else title
    top = max(max(r["value"], r["high"] or 0) for r in rows) or 1
    data = alt.Data(values=rows)
    y = alt.Y("group:N", sort=None, title=None, axis=alt.Axis(labelLimit=230, labelFontSize=13))
    xs = alt.Scale(domain=[0, top * 1.25], nice=False)
    xa = alt.Axis(format="%" if reads == "percent" else "~s", title=axis_title or None, tickCount=4, grid=False)
    bars = alt.Chart(data).mark_bar(color="#4c6e91", height=18).encode(y=y, x=alt.X("value:Q", scale=xs, axis=xa))
    layers = [bars]
    if any(r["low"] is not None for r in rows):
        layers.append(alt.Chart(data).transform_filter("datum.low != null").mark_errorbar(
            ticks=True, color="#1b1b1b", thickness=1.5).encode(
            y=y, x=alt.X("low:Q", scale=xs, title=axis_title or None), x2="high:Q"))
    labels_at = "max(datum.value, datum.high || 0)"
    layers.append(alt.Chart(data).transform_calculate(at=labels_at).mark_text(
        align="left", dx=5, fontSize=13, color="#1b1b1b").encode(
        y=y, x=alt.X("at:Q", scale=xs), text="label:N"))
    chart = alt.layer(*layers).properties(width=340, height=alt.Step(30)).configure(
        font=FONT, aria=False).configure_view(stroke=None)
    svg = to_svg(chart)
    parts, marked = [], []
    for r in rows:
        interval = ""
        if r["low"] is not None and r["high"] is not None:
            interval = " (" + w._("95%% interval %(low)s to %(high)s", low=show(r["low"]), high=show(r["high"])) + ")"
        parts.append(f"{r['group']}: {r['label']}{interval}")
        # a group the detector gave as a message is said in the edition's language; a plain
        # string is a name (a person, a platform, a month), in no language
        marked.append(Markup("{}: {}{}").format(escape(r["group"]), r["label"], interval))
    alt_text = w._("Chart: %(what)s.", what="; ".join(parts))
    caption = Markup(escape(w._("Chart: %(what)s.", what="\x00"))).replace("\x00", Markup("; ").join(marked))
    return with_alt(svg, alt_text), alt_text, caption


def with_alt(svg: str, text: str) -> str:
    """The SVG as an image with a text alternative (role="img", aria-label)."""
    return svg.replace("<svg", f'<svg role="img" aria-label="{escape(text)}"', 1)


def from_first(rows: list[dict[str, Any]], months: list[str], firsts: dict[str, str | None]) -> tuple[list[dict[str, Any]], list[str]]:
    """The trend from where data starts: a platform's months before its first data day
    (`firsts`: platform id -> 'YYYY-MM-DD') are not available (None, a gap), not 0; months
    before any platform has data are left out of the axis."""
    starts = {p: str(d)[:7] for p, d in firsts.items() if d}
    out = [{**r, "value": None} if r["month"] < starts.get(r.get("platform_id", ""), "") else r for r in rows]
    first = min(starts.values(), default=None)
    keep = [m for m in months if first is None or m >= first] or months
    return [r for r in out if r["month"] in keep], keep
