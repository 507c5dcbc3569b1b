"""Charts as Vega-Lite specs (plain dicts), rendered offline to inline SVG with vl-convert
(nothing fetched).

The specs are written out here as Altair's `to_dict()` gave them (same keys, same order):
building them through Altair cost more than drawing them (its import, object copies and
schema handling were a third of the HTML report's time). tests/report/test_chart_specs.py
builds the same charts with Altair and checks the dicts are equal.
"""

from __future__ import annotations

import textwrap
from typing import Any

from markupsafe import Markup, escape

from smi.messages import render
from smi.report.i18n import N_, Words

VL_VERSION = "6.4"
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.4.1.json"  # what Altair 6 writes as "$schema"
VIEW = {"continuousWidth": 300, "continuousHeight": 300}  # Altair's default theme


def _js(value: Any) -> str:
    """A value in a Vega expression, as Altair writes it (`alt.datum.x == value`)."""
    return repr(value)


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


def trend_grid(rows: list[dict[str, Any]], months: list[str], words: Words | None = None) -> dict[str, Any]:
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
    platform = w._("Platform")
    enc = {
        "color": {"field": "platform", "sort": "ascending", "title": platform, "type": "nominal"},
        "strokeDash": {"field": "platform", "sort": "ascending", "title": platform, "type": "nominal"},
        "x": {"axis": {"labelAngle": -45, "labelFontSize": 9, "values": labels[::-3][::-1]}, "field": "month",
              "scale": {"domain": labels}, "sort": labels, "title": None, "type": "ordinal"},
    }
    panels = []
    for measure in measures:
        kind = display(measure)
        fmt_axis = "%" if kind == "percent" else ("~s" if kind in ("count", "decimal", None) else ",d")
        present = [r for r in rows if r["measure"] == measure and r["value"] is not None]
        if not present:
            continue
        title = trend_title(w, measure)
        y = {"axis": {"format": fmt_axis, "labelFontSize": 9, "tickCount": 4}, "field": "value", "title": None,
             "type": "quantitative"}
        by_measure = {"filter": f"(datum.measure === {_js(measure)})"}
        line = {"mark": {"type": "line", "invalid": "break-paths-show-domains", "strokeWidth": 1.5},
                "encoding": {**enc, "y": y}, "transform": [by_measure]}
        # a point on the month itself only (a point a month made the SVG 4 times larger and the PDF slower)
        last = {"mark": {"type": "point", "filled": True, "size": 22}, "encoding": {**enc, "y": y},
                "transform": [by_measure, {"filter": f"(datum.month === {_js(labels[-1])})"}]}
        panels.append({"layer": [line, last], "height": 46,
                       "title": {"text": textwrap.wrap(title, 28)[:3], "anchor": "start", "fontSize": 11}, "width": 122})
    # data given once at the top (datasets): inline values were copied into every panel.
    # aria=False: Vega's own SVG descriptions are English; the figure's caption and data table describe it.
    return {
        "config": {"view": dict(VIEW), "aria": False, "font": FONT,
                   "legend": {"columns": 5, "labelFontSize": 10, "orient": "bottom", "symbolSize": 300,
                              "symbolStrokeWidth": 2.5, "symbolType": "stroke", "titleFontSize": 10,
                              "titleOrient": "left"}},
        "concat": panels, "columns": 4, "data": {"name": "trend"}, "datasets": {"trend": values},
        "resolve": {"scale": {"y": "independent"}}, "$schema": SCHEMA,
    }


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


def best_times_chart(best: dict[str, Any], words: Words) -> dict[str, Any]:
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
    x = {"axis": {"labelAngle": 0, "labelFontSize": 9, "orient": "top"}, "field": "day", "scale": {"domain": days},
         "sort": days, "title": None, "type": "ordinal"}
    y = {"axis": {"labelFontSize": 9}, "field": "part", "scale": {"domain": parts}, "sort": parts, "title": None,
         "type": "ordinal"}
    cells = {"mark": {"type": "rect", "stroke": "white"}, "encoding": {
        "color": {"field": "index", "legend": None, "scale": {"clamp": True, "domain": [0.5, 1.5], "scheme": "blues"},
                  "type": "quantitative"}, "x": x, "y": y}}
    text = {"mark": {"type": "text", "fontSize": 8}, "encoding": {
        "color": {"condition": {"test": "datum.index > 1.2", "value": "white"}, "value": "#1b1b1b"},
        "text": {"field": "label", "type": "nominal"}, "x": x, "y": y}}
    return {
        "config": {"view": {**VIEW, "stroke": None}, "aria": False, "font": FONT},
        "data": {"values": values},
        "facet": {"field": "platform", "header": {"labelFontSize": 11, "labelFontWeight": "bold"}, "title": None,
                  "type": "nominal"},
        "spec": {"layer": [cells, text], "height": 46, "width": 140}, "columns": 4, "$schema": SCHEMA,
    }


def to_svg(chart: dict[str, Any] | Any) -> str:
    """The chart (a Vega-Lite spec, or an Altair chart) as an SVG document string. Offline:
    external data loads are refused."""
    spec = chart if isinstance(chart, dict) else chart.to_dict(validate=False)
    return to_svg_dict(spec)


def spec_svg(spec: dict) -> str | None:
    """A finding's Vega-Lite spec (a dict) as inline SVG; None when it cannot be drawn."""
    clean = {k: v for k, v in spec.items() if k != "$schema"}
    clean.setdefault("config", {"font": FONT})
    try:
        return to_svg_dict(clean)
    except Exception:  # a detector's spec vl-convert refuses: the evidence table stands alone
        return None


def to_svg_dict(spec: dict) -> str:
    import vl_convert

    svg = vl_convert.vegalite_to_svg(spec, vl_version=VL_VERSION, allowed_base_urls=[])
    # The XML prolog is not valid inside HTML; keep the <svg> element only.
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
    y = {"axis": {"labelFontSize": 13, "labelLimit": 230}, "field": "group", "sort": None, "title": None,
         "type": "nominal"}
    xs = {"domain": [0, top * 1.25], "nice": False}
    xa = {"format": "%" if reads == "percent" else "~s", "grid": False, "tickCount": 4, "title": axis_title or None}
    layers: list[dict[str, Any]] = [{"mark": {"type": "bar", "color": "#4c6e91", "height": 18}, "encoding": {
        "x": {"axis": xa, "field": "value", "scale": xs, "type": "quantitative"}, "y": y}}]
    if any(r["low"] is not None for r in rows):
        layers.append({"mark": {"type": "errorbar", "color": "#1b1b1b", "thickness": 1.5, "ticks": True}, "encoding": {
            "x": {"field": "low", "scale": xs, "title": axis_title or None, "type": "quantitative"},
            "x2": {"field": "high"}, "y": y}, "transform": [{"filter": "datum.low != null"}]})
    labels_at = "max(datum.value, datum.high || 0)"
    layers.append({"mark": {"type": "text", "align": "left", "color": "#1b1b1b", "dx": 5, "fontSize": 13}, "encoding": {
        "text": {"field": "label", "type": "nominal"}, "x": {"field": "at", "scale": xs, "type": "quantitative"},
        "y": y}, "transform": [{"calculate": labels_at, "as": "at"}]})
    chart = {"config": {"view": {**VIEW, "stroke": None}, "aria": False, "font": FONT}, "layer": layers,
             "data": {"values": rows}, "height": {"step": 30}, "width": 340, "$schema": SCHEMA}
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
