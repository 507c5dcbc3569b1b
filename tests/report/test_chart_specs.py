"""The report's charts are Vega-Lite dicts written out by hand (smi.report.charts) instead of
built through Altair (slow to import and to copy). Here the same charts are built with Altair
the way the report built them before, as independent code, and the two specs must be equal
key for key and in the same order (so vl-convert draws the same SVG)."""

from __future__ import annotations

import json
import textwrap
from typing import Any

import pytest

from smi.labels import display
from smi.report import charts
from smi.report.i18n import Words

alt = pytest.importorskip("altair")

EN, CY = Words("en"), Words("cy")


def altair_trend(rows: list[dict[str, Any]], months: list[str], w: Words) -> dict[str, Any]:
    names = {m: w.month_short(m) for m in months}
    labels = [names[m] for m in months]
    measures = list(dict.fromkeys(r["measure"] for r in rows))
    values = [{"month": names.get(r["month"], r["month"]), "platform": r["platform"], "measure": r["measure"],
               "value": r["value"]} for r in rows]
    platform = w._("Platform")
    base = alt.Chart(alt.NamedData(name="trend")).encode(
        x=alt.X("month:O", title=None, sort=labels, scale=alt.Scale(domain=labels),
                axis=alt.Axis(labelAngle=-45, labelFontSize=9, values=labels[::-3][::-1])),
        color=alt.Color("platform:N", title=platform, sort="ascending"),
        strokeDash=alt.StrokeDash("platform:N", title=platform, sort="ascending"),
    )
    panels = []
    for measure in measures:
        kind = display(measure)
        fmt_axis = "%" if kind == "percent" else ("~s" if kind in ("count", "decimal", None) else ",d")
        if not [r for r in rows if r["measure"] == measure and r["value"] is not None]:
            continue
        y = alt.Y("value:Q", title=None, axis=alt.Axis(format=fmt_axis, tickCount=4, labelFontSize=9))
        sub = base.transform_filter(alt.datum.measure == measure)
        line = sub.mark_line(invalid="break-paths-show-domains", strokeWidth=1.5).encode(y=y)
        last = sub.transform_filter(alt.datum.month == labels[-1]).mark_point(filled=True, size=22).encode(y=y)
        title = charts.trend_title(w, measure)
        panels.append(alt.layer(line, last).properties(
            width=122, height=46, title=alt.TitleParams(textwrap.wrap(title, 28)[:3], fontSize=11, anchor="start")))
    return alt.concat(*panels, columns=4).resolve_scale(y="independent").properties(
        datasets={"trend": values}).configure(font=charts.FONT, aria=False).configure_legend(
        orient="bottom", columns=5, symbolType="stroke", symbolSize=300, symbolStrokeWidth=2.5, labelFontSize=10,
        titleFontSize=10, titleOrient="left").to_dict(validate=False)


def altair_best(values: list[dict[str, Any]], days: list[str], parts: list[str]) -> dict[str, Any]:
    base = alt.Chart(alt.Data(values=values)).encode(
        x=alt.X("day:O", sort=days, scale=alt.Scale(domain=days), title=None,
                axis=alt.Axis(labelAngle=0, labelFontSize=9, orient="top")),
        y=alt.Y("part:O", sort=parts, scale=alt.Scale(domain=parts), title=None, axis=alt.Axis(labelFontSize=9)),
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color("index:Q", scale=alt.Scale(scheme="blues", domain=[0.5, 1.5], clamp=True), legend=None))
    text = base.mark_text(fontSize=8).encode(
        text="label:N", color=alt.condition("datum.index > 1.2", alt.value("white"), alt.value("#1b1b1b")))
    return alt.layer(cells, text).properties(width=140, height=46).facet(
        facet=alt.Facet("platform:N", title=None, header=alt.Header(labelFontSize=11, labelFontWeight="bold")),
        columns=4).configure(font=charts.FONT, aria=False).configure_view(stroke=None).to_dict(validate=False)


def altair_bars(rows: list[dict[str, Any]], axis_title: str, reads: str, top: float) -> dict[str, Any]:
    data = alt.Data(values=rows)
    y = alt.Y("group:N", sort=None, title=None, axis=alt.Axis(labelLimit=230, labelFontSize=13))
    xs = alt.Scale(domain=[0, top * 1.25], nice=False)
    xa = alt.Axis(format="%" if reads == "percent" else "~s", title=axis_title or None, tickCount=4, grid=False)
    layers = [alt.Chart(data).mark_bar(color="#4c6e91", height=18).encode(y=y, x=alt.X("value:Q", scale=xs, axis=xa))]
    if any(r["low"] is not None for r in rows):
        layers.append(alt.Chart(data).transform_filter("datum.low != null").mark_errorbar(
            ticks=True, color="#1b1b1b", thickness=1.5).encode(
            y=y, x=alt.X("low:Q", scale=xs, title=axis_title or None), x2="high:Q"))
    layers.append(alt.Chart(data).transform_calculate(at="max(datum.value, datum.high || 0)").mark_text(
        align="left", dx=5, fontSize=13, color="#1b1b1b").encode(y=y, x=alt.X("at:Q", scale=xs), text="label:N"))
    return alt.layer(*layers).properties(width=340, height=alt.Step(30)).configure(
        font=charts.FONT, aria=False).configure_view(stroke=None).to_dict(validate=False)


def same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return json.dumps(a) == json.dumps(b)  # equal values in the same key order


MONTHS = ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]


@pytest.mark.parametrize("w", [EN, CY], ids=["en", "cy"])
def test_the_trend_grid_is_the_spec_altair_built(w: Words) -> None:
    rows = []
    for i, m in enumerate(MONTHS):
        rows += [
            {"month": m, "platform": "Facebook", "measure": "posts", "value": 10 + i},
            {"month": m, "platform": "Instagram", "measure": "posts", "value": None if i < 2 else 3 * i},
            {"month": m, "platform": "Facebook", "measure": "engagement_rate", "value": 0.01 * i},
            {"month": m, "platform": "Facebook", "measure": "impressions", "value": None},  # no panel
            {"month": m, "platform": "X (Twitter)", "measure": "first_response_minutes_median", "value": 40.5 + i},
        ]
    got = charts.trend_grid(rows, MONTHS, w)
    assert len(got["concat"]) == 3  # impressions has no value: no panel
    assert same(got, altair_trend(rows, MONTHS, w))


@pytest.mark.parametrize("w", [EN, CY], ids=["en", "cy"])
def test_the_best_times_heat_map_is_the_spec_altair_built(w: Words) -> None:
    rows = [{"platform": "Facebook", "platform_id": "facebook", "weekday": d, "daypart": p, "per_post": pp, "posts": n}
            for d, p, pp, n in [(1, "morning", 20.0, 4), (3, "evening", 31.5, 2), (7, "night", 1.0, 1)]]
    rows.append({"platform": "Instagram", "platform_id": "instagram", "weekday": 5, "daypart": "afternoon",
                 "per_post": 75.0, "posts": 3})
    best = {"rows": rows}
    got = charts.best_times_chart(best, w)
    days = [w._(d) for d in charts.WEEKDAYS]
    parts = [w._(charts.DAYPARTS[p]) for p in charts.DAYPARTS]
    assert same(got, altair_best(got["data"]["values"], days, parts))
    # Facebook's average a post is (20*4 + 31.5*2 + 1*1) / 7 = 144 / 7; Monday morning is 20 of it
    monday = next(v for v in got["data"]["values"] if v["platform"] == "Facebook" and v["label"] == "20")
    assert monday["index"] == pytest.approx(20 / (144 / 7))


def _finding(values: list[dict[str, Any]], y_title: str = "engagements a post") -> dict[str, Any]:
    return {"id": "f1", "metric": "engagements_per_post", "chart": {
        "data": {"values": values}, "mark": "bar",
        "encoding": {"x": {"field": "group"}, "y": {"field": "value", "title": y_title}}}}


@pytest.mark.parametrize("with_interval", [False, True])
def test_a_finding_chart_is_the_spec_altair_built(with_interval: bool) -> None:
    values = [{"group": "Facebook", "value": 12.5}, {"group": "Instagram", "value": 30.0}]
    if with_interval:
        values[0] |= {"ci_low": 10.0, "ci_high": 15.0}
    drawn: list[dict[str, Any]] = []
    real = charts.to_svg
    charts.to_svg = lambda spec: (drawn.append(spec), "<svg></svg>")[1]  # type: ignore[assignment]
    try:
        assert charts.finding_chart(_finding(values), EN) is not None
    finally:
        charts.to_svg = real  # type: ignore[assignment]
    (spec,) = drawn
    rows = spec["data"]["values"]
    assert [r["group"] for r in rows] == ["Facebook", "Instagram"]
    assert len(spec["layer"]) == (3 if with_interval else 2)  # whiskers only where there is an interval
    assert same(spec, altair_bars(rows, spec["layer"][0]["encoding"]["x"]["axis"]["title"] or "", "decimal", 30.0))
