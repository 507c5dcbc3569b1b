"""Render the monthly report: one self-contained HTML file (inline CSS and SVG), a PDF of
it, Markdown for meeting notes and JSON with every figure; in English or Welsh."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jinja2
from babel.numbers import format_decimal, format_percent
from markupsafe import Markup

from smi.errors import SmiError
from smi.monthly import Month
from smi.platforms import PLATFORMS
from smi.report import fmt
from smi.report.charts import from_first, to_svg, trend_grid, trend_title, with_alt
from smi.report.i18n import N_, Words
from smi.report.model import (
    CHAIN_LABELS,
    GOAL_STATUS,
    LABELS,
    UNITS,
    ReportModel,
    model_from_month,
)

FORMATS = ("html", "pdf", "md", "json")
DEFAULT_FORMATS = ("html", "pdf")
# Sections in their order: (id, title msgid). "summary" appears only when there are findings.
SECTIONS = (
    ("summary", N_("Summary")),
    ("key-figures", N_("Key figures")),
    ("top-posts", N_("Top posts")),
    ("trend", N_("Trend")),
    ("best-times", N_("Best times to post")),
    ("coverage", N_("Data coverage")),
    ("methodology", N_("Methodology")),
)
KINDS = {"original": N_("original"), "reply": N_("reply"), "quote": N_("quote"), "repost": N_("repost")}


ACTIONS = ("actions", N_("Actions and experiments"))
SCORECARD = ("scorecard", N_("Goal scorecard"))
EVALUATION = ("evaluation", N_("Evaluation chain (AMEC)"))
# Evidence rows a finding shows on paper (the HTML shows them all, the PDF says how many more).
PRINT_ROWS = 5
DIRECTIONS = {"higher": N_("at least %(target)s"), "lower": N_("at most %(target)s")}


def sections(model: ReportModel) -> list[tuple[str, str]]:
    """The sections this report has, in order: (id, English title). The summary appears
    when there are findings, the goal scorecard (on the summary's page) when the profile has
    goals; the question sections and the actions register once the insight engine has run
    (model.questions); the evaluation chain after the question sections."""
    from smi.report.insights import QUESTION_SECTIONS

    out = []
    for i, t in SECTIONS:
        if i == "best-times" and not model.best_times:
            continue
        if i == "summary":
            if model.findings or model.questions:
                out.append((i, t))
            if model.scorecard:
                out.append(SCORECARD)
            if model.questions:
                out += [(sid, title) for _q, sid, title in QUESTION_SECTIONS]
            out.append(EVALUATION)
            if model.learning:
                from smi.report.learning import LEARNING

                out.append(LEARNING)
            if model.questions:
                out.append(ACTIONS)
            continue
        out.append((i, t))
    return out


def number(w: Words, value: float | None) -> str:
    """A KPI or chain figure: whole numbers with separators, others to 3 decimals (a rate of
    0.0585 must not read 0.1); None -> 'not available'."""
    if value is None or isinstance(value, int) or float(value).is_integer() or abs(value) >= 1000:
        return w.num(value)
    return format_decimal(value, format="#,##0.###", locale=w.locale)


def signed(w: Words, value: float | None) -> str:
    """A change: '+1.833', '-31', '0'; None -> '–'."""
    if value is None:
        return "–"
    if isinstance(value, int) or float(value).is_integer():
        return w.change(int(value))
    return format_decimal(value, format="+#,##0.###;-#,##0.###", locale=w.locale)


def kpi_name(k: dict[str, Any]) -> str:
    """'posts_per_week (platform=instagram)': the catalogue name and the filter, as written."""
    flt = ", ".join(f"{key}={'+'.join(v) if isinstance(v, list) else v}" for key, v in sorted(k["filter"].items()))
    if k.get("accounts", "official") != "official":  # the goal counts staff accounts too (or only)
        flt += (", " if flt else "") + f"accounts={k['accounts']}"
    return k["metric"] + (f" ({flt})" if flt else "")


def target_text(w: Words, k: dict[str, Any], currency: str = "GBP") -> str:
    return w._(DIRECTIONS.get(k["direction"], DIRECTIONS["higher"]), target=fmt.value(w, k["metric"], k["target"], currency))


def kpi_label(w: Words, k: dict[str, Any]) -> str:
    """'Followers (Instagram)': the metric's display name and its filter, platforms by name."""
    from smi.platforms import PLATFORMS

    parts = []
    for key, v in sorted(k["filter"].items()):
        vals = v if isinstance(v, list) else [v]
        vals = [PLATFORMS.get(str(x), str(x)) if key == "platform" else str(x) for x in vals]
        parts.append(w.join(vals, "or") if key == "platform" else f"{key}: {w.join(vals, 'or')}")
    whose = k.get("accounts", "official")
    if whose != "official":
        parts.append(w._(WHOSE.get(whose, whose)))
    return fmt.name(w, k["metric"]) + (f" ({'; '.join(parts)})" if parts else "")


def chain_value(w: Words, row: dict[str, Any], key: str, currency: str = "GBP") -> str:
    """An evaluation-chain figure (`key`: current, previous or change) as people read it."""
    v = row[key]
    if key == "change":
        return fmt.signed_value(w, row["metric"], v, currency)
    return fmt.value(w, row["metric"], v, currency)


WHOSE = {"staff": N_("staff's own accounts"), "all": N_("official and staff accounts")}


# Metrics shown beside a business-hours response time (smi.goals: KpiResult.beside).
BESIDE = {
    "first_response_minutes_median": N_("median over all hours: %(time)s"),
    "first_response_minutes_p90": N_("90th percentile over all hours: %(time)s"),
    "response_rate": N_("%(share)s of inbound items answered"),
    "answered_outside_business_hours": N_("%(share)s of answers took no business time"),
}
BESIDE_NOTE = N_("A response time in business hours counts an answer sent outside business hours to a message sent outside them as 0 minutes: read it with the figures beside it.")


def beside_text(w: Words, k: dict[str, Any]) -> str:
    """'median over all hours: 3.1 h; 24% of inbound items answered; …' for a KPI with
    figures beside it (a business-hours response time); '' for others."""
    parts = []
    for b in k.get("beside") or []:
        v = b["value"]
        if b["metric"] not in BESIDE:
            continue
        if v is None:
            shown = w.not_available()
        elif b["unit"] == "minutes":
            shown = (w._("%(n)s min", n=number(w, round(v, 1))) if v < 120
                     else w._("%(n)s h", n=format_decimal(v / 60, format="#,##0.0", locale=w.locale)))
        else:
            shown = format_percent(v, format="#,##0%", locale=w.locale)
        key = "time" if b["unit"] == "minutes" else "share"
        parts.append(w._(BESIDE[b["metric"]], **{key: shown}))
    return "; ".join(parts)


def status_word(w: Words, status: str) -> str:
    return w._(GOAL_STATUS.get(status, status))


def trend_text(w: Words, k: dict[str, Any], currency: str = "GBP") -> str:
    """The last three periods' values, oldest first: '5.5% → 5.5% → 5.8%'."""
    return " → ".join(fmt.value(w, k["metric"], t["value"], currency) for t in k["trend"])


def status_counts(w: Words, scorecard: list[dict[str, Any]]) -> str:
    """'2 met, 1 on track, 2 behind' (statuses with none left out)."""
    counts = [(s, sum(1 for k in scorecard if k["status"] == s)) for s in GOAL_STATUS]
    return ", ".join(f"{w.num(n)} {status_word(w, s)}" for s, n in counts if n)


TILE = {
    "vs": N_("vs %(month)s: %(change)s"),
    "vs_na": N_("%(month)s: not available"),
    "no_year": N_("no data a year ago (%(month)s)"),
    "goal": N_("Goal %(target)s: %(status)s"),
    "goal_words": N_("Goal %(target)s: %(status)s, %(words)s"),
    # what a business-hours response time covers, so it does not read against a finding's
    # clock hours (Q6 "First responses slower on Facebook": 19.3 h beside a tile of 48 min)
    "business_all": N_("Every platform, counting only the minutes inside business hours; over all hours: %(time)s."),
    "business": N_("Counting only the minutes inside business hours; over all hours: %(time)s."),
}
ACTION_LINE = {
    "due": N_("%(title)s (%(owner)s, due %(day)s, %(status)s)"),
    "undated": N_("%(title)s (%(owner)s, no due date, %(status)s)"),
    "overdue": N_("%(title)s (%(owner)s, due %(day)s: overdue)"),
}
NO_OWNER = N_("no owner")
OVERDUE_STATUS = N_("%(status)s, overdue")
# said once, under what we learned: what the short code after each finding is for
ID_NOTE = N_("The code after each finding, such as %(id)s, is its id: to turn that finding into an action, run")


def _tile_change(w: Words, t: dict[str, Any], then: Any, month_key: str, currency: str) -> tuple[str, str]:
    """'vs October 2026: +120 (+1.0%)' and its class (better, worse or ''), or the reason."""
    v, metric = t["value"], t["metric"]
    if then is None:
        return "", ""
    if v is None:
        return w._(TILE["vs"], month=w.month(month_key), change=fmt.value(w, metric, then, currency)), ""
    diff = v - then
    text = fmt.signed_value(w, metric, diff, currency)
    if fmt.display(metric) not in ("percent", "times") and then:
        text += f" ({w.pct(100.0 * diff / then)})"
    better = "" if not diff else ("better" if (diff > 0) == (t.get("direction", "higher") == "higher") else "worse")
    return w._(TILE["vs"], month=w.month(month_key), change=text), better


def _tile_scope(w: Words, t: dict[str, Any], model: ReportModel) -> str:
    """For a business-hours response time (smi.metrics.service.SHOWN_BESIDE): what it counts
    and, from the goal scorecard's row for the same KPI, the median over all hours (the clock
    time the findings quote); '' for any other tile."""
    # The report loads no metrics code (it renders a Month): the clock-time twin of a
    # business-hours response time is the same name without "_business", as SHOWN_BESIDE pairs them.
    if not (t["metric"].startswith("first_response_minutes_") and t["metric"].endswith("_business")):
        return ""
    clock = t["metric"].removesuffix("_business")
    row = next((k for k in model.scorecard if k["metric"] == t["metric"] and (k.get("filter") or {}) ==
                (t.get("filter") or {}) and k.get("accounts", "official") == t.get("accounts", "official")), None)
    value = next((b["value"] for b in (row or {}).get("beside") or [] if b["metric"] == clock), None)
    if value is None:
        time = w.not_available()
    elif value < 120:
        time = w._("%(n)s min", n=number(w, round(value, 1)))
    else:
        time = w._("%(n)s h", n=format_decimal(value / 60, format="#,##0.0", locale=w.locale))
    return w._(TILE["business" if t.get("filter") else "business_all"], time=time)


def tile_texts(w: Words, t: dict[str, Any], model: ReportModel) -> dict[str, str]:
    """A KPI tile's words: name, value, change vs last month and vs a year ago (“no data a
    year ago” when there is none, never 0), and the goal's status in words."""
    cur = model.currency
    out = {"name": kpi_label(w, {"metric": t["metric"], "filter": t.get("filter") or {},
                                 "accounts": t.get("accounts", "official")}),
           "value": fmt.value(w, t["metric"], t["value"], cur)}
    out["previous"], out["previous_class"] = _tile_change(w, t, t["previous"], model.previous.key, cur)
    if t["previous"] is None:
        out["previous"] = w._(TILE["vs_na"], month=w.month(model.previous.key))
    out["year"], out["year_class"] = _tile_change(w, t, t["year_ago"], t["year_ago_month"], cur)
    if t["year_ago"] is None:
        out["year"] = w._(TILE["no_year"], month=w.month(t["year_ago_month"]))
    out["scope"] = _tile_scope(w, t, model)
    g = t.get("goal")
    out["goal"] = ""
    if g:
        k = {"metric": t["metric"], "value": t["value"], "target": g["target"], "direction": t["direction"]}
        target = target_text(w, k, cur)
        words = fmt.goal_words(w, k)
        status = status_word(w, g["status"] or "not available")
        out["goal"] = (w._(TILE["goal_words"], target=target, status=status, words=words) if words
                       else w._(TILE["goal"], target=target, status=status))
    return out


def action_line(w: Words, a: dict[str, Any], today: Any = None) -> str:
    """'Post two reels a week (Elin Prys, due 12 December 2026, open)'."""
    from smi.action_rules import is_overdue
    from smi.report import insights

    owner = a.get("owner") or w._(NO_OWNER)
    status = w._(insights.ACTION_STATUS.get(a["status"], a["status"]))
    if not a.get("due"):
        return w._(ACTION_LINE["undated"], title=a["title"], owner=owner, status=status)
    if today is not None and is_overdue(a["status"], a["due"], today):
        return w._(ACTION_LINE["overdue"], title=a["title"], owner=owner, day=w.day(a["due"]))
    return w._(ACTION_LINE["due"], title=a["title"], owner=owner, day=w.day(a["due"]), status=status)


def action_status(w: Words, a: dict[str, Any], last_day: Any) -> str:
    """The register's status word: "open, overdue" when the action is still to do and was due
    on or before the month's last day (smi.action_rules.is_overdue)."""
    from smi.action_rules import is_overdue
    from smi.report import insights

    status = w._(insights.ACTION_STATUS.get(a["status"], a["status"]))
    return w._(OVERDUE_STATUS, status=status) if is_overdue(a["status"], a.get("due"), last_day) else status


def css_colour(value: str | None) -> Markup:
    """A "#rrggbb" colour for the stylesheet (anything else falls back to the default accent)."""
    v = str(value or "")
    return Markup(v if re.fullmatch(r"#[0-9a-fA-F]{6}", v) else "#24496b")


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
    env.bytecode_cache = _bytecode_cache(env)
    env.filters.update(num=words.num, change=words.change, pct=words.pct, day=words.day,
                       month_short=words.month_short, css_string=css_string,
                       css_colour=css_colour)
    return env


def _bytecode_cache(env: jinja2.Environment) -> jinja2.BytecodeCache | None:
    """The compiled templates, kept in the user's cache folder like Python's own bytecode:
    compiling the report's template cost more than rendering it. Jinja checks each entry
    against the template's source; the file name also carries the options the code was
    compiled with (and Jinja's version), so a change to either compiles again. None when
    there is no writable cache folder."""
    import hashlib
    import os

    options = repr((jinja2.__version__, env.trim_blocks, env.lstrip_blocks, env.keep_trailing_newline,
                    env.newline_sequence, sorted(env.extensions), getattr(env, "newstyle_gettext", None),
                    env.undefined.__name__, env.block_start_string, env.variable_start_string,
                    env.comment_start_string, [env.autoescape(n) if callable(env.autoescape) else env.autoescape
                                               for n in ("report.html.j2", "x.md")]))
    tag = hashlib.sha256(options.encode()).hexdigest()[:12]
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = base / "smi" / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not os.access(folder, os.W_OK):
            return None
    except OSError:
        return None
    return _QuietCache(str(folder), pattern=f"report-{tag}-%s.cache")


class _QuietCache(jinja2.FileSystemBytecodeCache):
    """A bytecode cache that cannot be written (a full disk) compiles the next time, never fails the report."""

    def dump_bytecode(self, bucket: Any) -> None:
        import contextlib

        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def trend_table(model: ReportModel, rows: list[dict[str, Any]] | None = None) -> dict[str, dict[str, dict[str, Any]]]:
    """platform title -> measure -> month -> value (of `rows`, default the model's trend)."""
    table: dict[str, dict[str, dict[str, Any]]] = {}
    for r in model.trend if rows is None else rows:
        table.setdefault(r["platform"], {}).setdefault(r["measure"], {})[r["month"]] = r["value"]
    return table


_INNER_ARIA = re.compile(r'\s(?:role|aria-roledescription|aria-label)="[^"]*"')


def one_image(svg: str) -> str:
    """The chart as one image: Vega's roles and role descriptions on the marks inside (which
    have no labels: axe-core's svg-img-alt) removed; the root keeps role="img" and its label."""
    end = svg.find(">") + 1
    return svg[:end] + _INNER_ARIA.sub("", svg[end:])


def finding_charts(model: ReportModel, w: Words | None = None) -> dict[str, dict[str, Any]]:
    """Each finding's chart by finding id: {"svg": inline SVG, "alt": its text alternative}
    (none when it has no chart). Bars carry their values; intervals are whiskers."""
    from smi.report.charts import finding_chart, spec_svg

    w = w or Words(model.lang)
    out: dict[str, dict[str, Any]] = {}
    for q in model.questions:
        for f in q["findings"]:
            if f.get("chart"):
                got = finding_chart(f, w, model.currency)
                if got:
                    out[f["id"]] = {"svg": Markup(one_image(got[0])), "alt": got[1], "caption": got[2]}
                    continue
                # aria off: Vega's own mark roles are unlabelled; the figure is one image with a text alternative
                spec = {**f["chart"], "config": {"font": "DejaVu Sans", **(f["chart"].get("config") or {}), "aria": False}}
                svg = spec_svg(spec)
                if svg:
                    title = str(f["chart"].get("title") or "")
                    meta = (f["chart"].get("usermeta") or {}).get("title")
                    if meta:
                        from smi.messages import render as say_msg

                        said = say_msg(meta, w.t, w.locale)
                        out[f["id"]] = {"svg": Markup(one_image(with_alt(svg, said))), "alt": said, "caption": said}
                        continue
                    svg = with_alt(svg, title or w._("Chart"))
                    out[f["id"]] = {"svg": Markup(one_image(svg)), "alt": title,
                                    "caption": Markup('<span lang="en">{}</span>').format(title) if w.lang != "en" else title}
    return out


def render_html(model: ReportModel, words: Words | None = None) -> str:
    from smi.report import insights, purposes

    w = words or Words(model.lang)
    trend, months = from_first(model.trend, model.trend_months, {b.platform: b.first for b in model.platforms})
    measures = [trend_title(w, m) for m in dict.fromkeys(r["measure"] for r in trend if r["value"] is not None)]
    trend_alt = w._("Line charts, one per measure (%(measures)s), one line per platform, %(first)s to %(last)s; the numbers are in the trend data table.",
                    measures="; ".join(measures), first=w.month(months[0]), last=w.month(months[-1]))
    chart = Markup(one_image(with_alt(to_svg(trend_grid(trend, months, w)), trend_alt)))
    best = best_view(model, w)
    month = w.month(model.period.start)
    return _env(w).get_template("report.html.j2").render(
        m=model, w=w, labels=LABELS, units=UNITS, kinds=KINDS, chart=chart,
        trend_table=trend_table(model, trend), month=month, previous=w.month(model.previous.start),
        trend_first=w.month(months[0]), trend_last=w.month(months[-1]), trend_months=months,
        contents=[(i, w._(t)) for i, t in sections(model)],
        footer=f"{model.organisation} · {month}",
        summary_top=insights.SUMMARY_TOP, id_note=ID_NOTE, finding_charts=finding_charts(model, w), ins=insights,
        chain_labels=CHAIN_LABELS, number=number, signed=signed, kpi_name=kpi_name,
        target_text=target_text, status_word=status_word, trend_text=trend_text,
        status_counts=status_counts, beside_text=beside_text, beside_note=BESIDE_NOTE,
        fmt=fmt, kpi_label=kpi_label, currency=model.currency, chain_value=chain_value,
        platform_names=set(PLATFORMS.values()), purposes=purposes,
        tiles=[tile_texts(w, t, model) for t in model.kpis],
        action_line=lambda a: action_line(w, a, model.period.last_day.isoformat()),
        action_status=lambda a: action_status(w, a, model.period.last_day.isoformat()),
        due_by=_due_by(model), finding_ids={f["id"] for f in model.findings},
        learning=_learning_view(model, w),
        initiatives=_initiatives_view(model, w), initiative_headers=_initiative_headers(),
        relationship_map=_relationships_view(model, w), relationship_headers=_relationship_headers(),
        print_rows=PRINT_ROWS, trend_label=lambda m: trend_label(w, m),
        trend_value=lambda m, v: trend_value(w, m, v, model.currency), best=best,
        platform_top={p["platform"]: p for p in model.platform_top}, rate=lambda v: rate_text(w, v),
    )


def trend_label(w: Words, measure: str) -> str:
    """A trend measure's name: the key figures' label where it has one, else the catalogue's."""
    return w._(LABELS[measure]) if measure in LABELS else fmt.name(w, measure)


def trend_value(w: Words, measure: str, v: Any, currency: str = "GBP") -> str:
    """A trend table cell: counts with separators, rates as percentages, times as minutes; n/a."""
    if v is None:
        return w._("n/a")
    return w.num(v) if measure in LABELS else fmt.value(w, measure, v, currency)


def rate_text(w: Words, v: float | None) -> str:
    """A post's engagement rate (engagements / impressions) as a percentage; '–' without impressions."""
    return "–" if v is None else fmt.percent(w, v)


BEST_LINE = N_("%(day)s %(part)s: %(per_post)s engagements a post (%(posts)s posts), against %(average)s over every slot shown")


def best_view(model: ReportModel, w: Words, chart: bool = True) -> dict[str, Any] | None:
    """Best times to post, ready to show: the heat map (SVG), its text alternative, each
    platform's best slot in words, and the table rows (platform, day, part, posts, a post)."""
    from smi.report.charts import DAYPARTS, WEEKDAYS, best_slots, best_times_chart

    b = model.best_times
    if not b:
        return None
    slots = best_slots(b)
    lines = {}
    for pid, v in slots.items():
        r = v["best"]
        lines[pid] = w._(BEST_LINE, day=w._(WEEKDAYS[r["weekday"] - 1]), part=w._(DAYPARTS[r["daypart"]]),
                         per_post=fmt.decimal(w, round(r["per_post"], 1)), posts=w.num(r["posts"]),
                         average=fmt.decimal(w, round(v["average"], 1)))
    alt_text = w._("Heat maps, one per platform, of engagements a post by weekday and part of the day, %(first)s to %(last)s. Best slots: %(best)s.",
                   first=w.month(b["first"]), last=w.month(b["last"]),
                   best="; ".join(f"{r['platform']}: {lines[pid]}" for pid, r in
                                  ((pid, v["best"]) for pid, v in slots.items())))
    svg = Markup(one_image(with_alt(to_svg(best_times_chart(b, w)), alt_text))) if chart else None
    rows = [{"platform": r["platform"], "day": w._(WEEKDAYS[r["weekday"] - 1]), "part": w._(DAYPARTS[r["daypart"]]),
             "posts": w.num(r["posts"]), "per_post": fmt.decimal(w, round(r["per_post"], 1)),
             "best": slots[r["platform_id"]]["best"] is r}
            for r in b["rows"]]
    return {"svg": svg, "alt": alt_text, "lines": lines, "first": w.month(b["first"]), "last": w.month(b["last"]),
            "min_posts": b["min_posts"], "rows": rows,
            "titles": {r["platform_id"]: r["platform"] for r in b["rows"]}}


def _due_by(model: ReportModel) -> Any:
    from datetime import timedelta

    from smi.monthly import DUE_AHEAD_DAYS

    return model.period.last_day + timedelta(days=DUE_AHEAD_DAYS)


def _initiatives_view(model: ReportModel, w: Words) -> Any:
    from smi.report.initiatives import view

    return view(w, model.initiatives) if model.initiatives else None


def _relationships_view(model: ReportModel, w: Words) -> Any:
    from smi.report.relationships import view

    return view(w, model.relationships, w.month(model.period.start)) if model.relationships else None


def _relationship_headers() -> tuple[str, ...]:
    from smi.report.relationships import HEADERS

    return HEADERS


def _initiative_headers() -> tuple[str, ...]:
    from smi.report.initiatives import HEADERS

    return HEADERS


def _learning_view(model: ReportModel, w: Words) -> Any:
    from smi.report.learning import view

    return view(w, model.learning) if model.learning else None


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
    """Write the monthly report for `month` (YYYY-MM; default: the last month every source
    covers in full, smi.metrics.months.choose_month) to <out_dir or reports/>/<YYYY-MM>/report[.<lang>].<ext>, in `formats` (default HTML
    and PDF) and `lang` (default the workspace's first language). Returns the files written.
    English keeps the plain name report.<ext>; other languages add theirs: report.cy.html.
    The month comes from smi.monthly.run_month (cached by the data it read): with `findings`
    (default) the insight engine's findings with their status, the experiments' verdicts
    and the actions; without, the figures only. This function renders it."""
    from smi.monthly import run_month

    fmts = parse_formats(formats)
    w = Words(lang or default_language(ws))
    month_data = run_month(ws, month, findings=findings)
    return write_month(month_data, Path(out_dir) if out_dir is not None else ws.reports_dir, fmts, w)


def write_month(month: Month, folder: Path, formats: str | list[str] | tuple[str, ...] | None = None,
                words: Words | None = None) -> list[Path]:
    """Render a Month (smi.monthly) to <folder>/<YYYY-MM>/report[.<lang>].<ext>: no workspace,
    no store."""
    from smi.report.jsondoc import render_json
    from smi.report.markdown import render_markdown

    fmts = parse_formats(formats)
    w = words or Words("en")
    model = model_from_month(month, w)
    target = folder / month.month
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
