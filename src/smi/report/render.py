"""Render the monthly report: one self-contained HTML file (inline CSS and SVG), a PDF of
it, Markdown for meeting notes and JSON with every figure; in English or Welsh."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from smi.errors import SmiError
from smi.report.charts import to_svg, trend_chart
from smi.report.i18n import N_, Words
from smi.report.model import LABELS, UNITS, ReportModel, build_model, choose_period

FORMATS = ("html", "pdf", "md", "json")
DEFAULT_FORMATS = ("html", "pdf")
# Sections in their order: (id, title msgid). "summary" appears only when there are findings.
SECTIONS = (
    ("summary", N_("Summary")),
    ("key-figures", N_("Key figures")),
    ("trend", N_("Trend")),
    ("top-posts", N_("Top posts")),
    ("coverage", N_("Data coverage")),
    ("methodology", N_("Methodology")),
)
KINDS = {"original": N_("original"), "reply": N_("reply"), "quote": N_("quote"), "repost": N_("repost")}


ACTIONS = ("actions", N_("Actions and experiments"))


def sections(model: ReportModel) -> list[tuple[str, str]]:
    """The sections this report has, in order: (id, English title). The summary appears
    when there are findings; the question sections and the actions register once the
    insight engine has run (model.questions)."""
    from smi.report.insights import QUESTION_SECTIONS

    out = []
    for i, t in SECTIONS:
        if i == "summary":
            if model.findings or model.questions:
                out.append((i, t))
            if model.questions:
                out += [(sid, title) for _q, sid, title in QUESTION_SECTIONS]
                out.append(ACTIONS)
            continue
        out.append((i, t))
    return out


def css_string(value: str) -> Markup:
    """A quoted CSS string; every character outside plain ASCII letters/digits/space escaped."""
    out = "".join(c if c.isascii() and (c.isalnum() or c == " ") else f"\\{ord(c):x} " for c in str(value))
    return Markup(f'"{out}"')


def _env(words: Words) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("smi.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(words.t, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(num=words.num, change=words.change, pct=words.pct, day=words.day,
                       month_short=words.month_short, css_string=css_string)
    return env


def trend_table(model: ReportModel) -> dict[str, dict[str, dict[str, Any]]]:
    """platform title -> measure -> month -> value."""
    table: dict[str, dict[str, dict[str, Any]]] = {}
    for r in model.trend:
        table.setdefault(r["platform"], {}).setdefault(r["measure"], {})[r["month"]] = r["value"]
    return table


def finding_charts(model: ReportModel) -> dict[str, Markup]:
    """Each finding's chart as inline SVG, by finding id (none when it has no chart)."""
    from smi.report.charts import spec_svg

    out = {}
    for q in model.questions:
        for f in q["findings"]:
            if f.get("chart"):
                svg = spec_svg(f["chart"])
                if svg:
                    out[f["id"]] = Markup(svg)
    return out


def render_html(model: ReportModel, words: Words | None = None) -> str:
    from smi.report import insights

    w = words or Words(model.lang)
    chart = Markup(to_svg(trend_chart(model.trend, model.trend_months, w)))
    month = w.month(model.period.start)
    return _env(w).get_template("report.html.j2").render(
        m=model, w=w, labels=LABELS, units=UNITS, kinds=KINDS, chart=chart,
        trend_table=trend_table(model), month=month, previous=w.month(model.previous.start),
        trend_first=w.month(model.trend_months[0]), trend_last=w.month(model.trend_months[-1]),
        contents=[(i, w._(t)) for i, t in sections(model)],
        footer=f"{model.organisation} · {month}",
        summary_top=insights.SUMMARY_TOP, finding_charts=finding_charts(model), ins=insights,
    )


def parse_formats(formats: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """"html,pdf" or ["html", "pdf"] -> ("html", "pdf"), checked, in the given order."""
    if formats is None:
        return DEFAULT_FORMATS
    items = formats.split(",") if isinstance(formats, str) else list(formats)
    out: list[str] = []
    for f in (i.strip().lower() for i in items):
        f = "md" if f == "markdown" else f
        if f not in FORMATS:
            raise SmiError(f"the report has no format {f!r}", fix=f"choose from: {', '.join(FORMATS)}")
        if f not in out:
            out.append(f)
    if not out:
        raise SmiError("no report format given", fix=f"choose from: {', '.join(FORMATS)}")
    return tuple(out)


def default_language(ws: Any) -> str:
    langs = ws.profile.organisation.languages
    return langs[0] if langs else "en"


def write_report(
    ws: Any,
    month: str | None = None,
    out_dir: Path | None = None,
    formats: str | list[str] | tuple[str, ...] | None = None,
    lang: str | None = None,
    findings: bool = True,
) -> list[Path]:
    """Write the monthly report for `month` (YYYY-MM; default: the last complete month with
    data) to <out_dir or reports/>/<YYYY-MM>/report[.<lang>].<ext>, in `formats` (default HTML
    and PDF) and `lang` (default the workspace's first language). Returns the files written.
    English keeps the plain name report.<ext>; other languages add theirs: report.cy.html.
    With `findings` (default) the insight engine runs for the month, its findings are stored
    (smi.insights.memory) and shown, experiments that ended are judged, actions listed."""
    from smi.report.jsondoc import render_json
    from smi.report.markdown import render_markdown

    fmts = parse_formats(formats)
    w = Words(lang or default_language(ws))
    period = choose_period(ws, month)
    model = build_model(ws, period, w)
    if findings:
        from smi.report.insights import gather

        for key, value in gather(ws, period.key).items():
            setattr(model, key, value)
    folder = Path(out_dir) if out_dir is not None else ws.reports_dir
    target = folder / period.key
    target.mkdir(parents=True, exist_ok=True)
    stem = "report" if w.lang == "en" else f"report.{w.lang}"
    paths = []
    html: str | None = None
    for f in fmts:
        path = target / f"{stem}.{f}"
        if f in ("html", "pdf") and html is None:
            html = render_html(model, w)
        if f == "html":
            path.write_text(html or "", encoding="utf-8")
        elif f == "pdf":
            from smi.report.pdf import write_pdf

            write_pdf(html or "", path)
        elif f == "md":
            path.write_text(render_markdown(model, w), encoding="utf-8")
        else:
            path.write_bytes(render_json(model))
        paths.append(path)
    return paths
