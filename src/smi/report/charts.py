"""Charts as Altair specs, rendered offline to inline SVG with vl-convert (nothing fetched)."""

from __future__ import annotations

from typing import Any

import altair as alt
import vl_convert

VL_VERSION = "6.4"
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"


def trend_chart(rows: list[dict[str, Any]], months: list[str]) -> alt.VConcatChart:
    """Posts and engagements per month, one line per platform.

    `rows`: dicts with month (YYYY-MM), platform (display name), measure, value (None for
    not available: left as a gap, never drawn as 0). Platforms differ by colour and line dash,
    so the chart reads in greyscale too.
    """
    data = alt.Data(values=[{k: r[k] for k in ("month", "platform", "measure", "value")} for r in rows])
    base = alt.Chart(data).encode(
        x=alt.X("month:O", title="Month", sort=months, scale=alt.Scale(domain=months),
                axis=alt.Axis(labelAngle=-45)),
        color=alt.Color("platform:N", title="Platform", sort="ascending"),
        strokeDash=alt.StrokeDash("platform:N", title="Platform", sort="ascending"),
    )
    panels = []
    for measure, title in (("posts", "Posts (count)"), ("engagements", "Engagements (count)")):
        sub = base.transform_filter(alt.datum.measure == measure)
        y = alt.Y("value:Q", title=title, axis=alt.Axis(format=",d", tickMinStep=1))
        chart = sub.mark_line(
            point=alt.OverlayMarkDef(filled=True, size=45), invalid="break-paths-show-domains"
        ).encode(
            y=y, tooltip=["platform:N", "month:O", alt.Tooltip("value:Q", format=",")]
        )
        panels.append(chart.properties(width=560, height=160, title=title))
    return alt.vconcat(*panels).configure(font=FONT).configure_legend(orient="right", symbolType="stroke", symbolSize=300, symbolStrokeWidth=2.5)


def to_svg(chart: alt.TopLevelMixin) -> str:
    """The chart as an SVG document string. Offline: external data loads are refused."""
    svg = vl_convert.vegalite_to_svg(chart.to_dict(), vl_version=VL_VERSION, allowed_base_urls=[])
    # The XML prolog is not valid inside HTML; keep the <svg> element only.
    start = svg.find("<svg")
    return svg[start:] if start > 0 else svg
