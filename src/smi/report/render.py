"""Render the monthly report to one self-contained HTML file (inline CSS and SVG)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from smi.report.charts import to_svg, trend_chart
from smi.report.model import LABELS, ReportModel, build_model, choose_period

NOT_AVAILABLE = "not available"


def fmt_number(value: int | float | None) -> str:
    """1234567 -> '1,234,567'; None -> 'not available'."""
    if value is None:
        return NOT_AVAILABLE
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def fmt_change(value: int | None) -> str:
    if value is None:
        return "–"
    return f"{value:+,}" if value else "0"


def fmt_pct(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:+.1f}%" if round(value, 1) else "0.0%"


def fmt_date(value: date | datetime | str | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M %Z").strip()
    return value.isoformat()


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("smi.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(num=fmt_number, change=fmt_change, pct=fmt_pct, day=fmt_date)
    return env


def render_html(model: ReportModel) -> str:
    chart = Markup(to_svg(trend_chart(model.trend, model.trend_months)))
    trend_table: dict[str, dict[str, dict[str, Any]]] = {}
    for r in model.trend:
        trend_table.setdefault(r["platform"], {}).setdefault(r["measure"], {})[r["month"]] = r["value"]
    return _env().get_template("report.html.j2").render(
        m=model, labels=LABELS, chart=chart, trend_table=trend_table,
        not_available=NOT_AVAILABLE,
    )


def write_report(ws: Any, month: str | None = None, out_dir: Path | None = None) -> list[Path]:
    """Write the monthly report for `month` (YYYY-MM; default: the last complete month with
    data) to <out_dir or reports/>/<YYYY-MM>/report.html. Returns the files written."""
    period = choose_period(ws, month)
    model = build_model(ws, period)
    html = render_html(model)
    folder = Path(out_dir) if out_dir is not None else ws.reports_dir
    target = folder / period.key
    target.mkdir(parents=True, exist_ok=True)
    path = target / "report.html"
    path.write_text(html, encoding="utf-8")
    return [path]
