"""Charts as Altair specs, rendered offline to inline SVG with vl-convert (nothing fetched)."""

from __future__ import annotations

from typing import Any

import altair as alt
import vl_convert

from smi.report.i18n import Words

VL_VERSION = "6.4"
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"


def trend_chart(rows: list[dict[str, Any]], months: list[str], words: Words | None = None) -> alt.VConcatChart:
    """Posts and engagements per month, one line per platform.

    `rows`: dicts with month (YYYY-MM), platform (display name), measure, value (None for
    not available: left as a gap, never drawn as 0). Platforms differ by colour and line dash,
    so the chart reads in greyscale too. Titles and month names are in `words`' language.
    """
    w = words or Words("en")
    names = {m: w.month_short(m) for m in months}
    labels = [names[m] for m in months]
    data = alt.Data(values=[
        {"month": names.get(r["month"], r["month"]), "platform": r["platform"],
         "measure": r["measure"], "value": r["value"]}
        for r in rows
    ])
    platform = w._("Platform")
    base = alt.Chart(data).encode(
        x=alt.X("month:O", title=w._("Month"), sort=labels, scale=alt.Scale(domain=labels),
                axis=alt.Axis(labelAngle=-45)),
        color=alt.Color("platform:N", title=platform, sort="ascending"),
        strokeDash=alt.StrokeDash("platform:N", title=platform, sort="ascending"),
    )
    panels = []
    for measure, title in (("posts", w._("Posts (count)")), ("engagements", w._("Engagements (count)"))):
        sub = base.transform_filter(alt.datum.measure == measure)
        y = alt.Y("value:Q", title=title, axis=alt.Axis(format=",d", tickMinStep=1))
        chart = sub.mark_line(
            point=alt.OverlayMarkDef(filled=True, size=45), invalid="break-paths-show-domains"
        ).encode(
            y=y, tooltip=["platform:N", "month:O", alt.Tooltip("value:Q", format=",")]
        )
        panels.append(chart.properties(width=560, height=160, title=title))
    # aria=False: Vega's own SVG descriptions are English; the figure's caption and data table describe it.
    return alt.vconcat(*panels).configure(font=FONT, aria=False).configure_legend(orient="right", symbolType="stroke", symbolSize=300, symbolStrokeWidth=2.5)


def to_svg(chart: alt.TopLevelMixin) -> str:
    """The chart as an SVG document string. Offline: external data loads are refused."""
    svg = vl_convert.vegalite_to_svg(chart.to_dict(), vl_version=VL_VERSION, allowed_base_urls=[])
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
