"""Everything the monthly report shows, gathered from the store through the metric catalogue.

The report module executes metric expressions; the metrics package only builds them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import ibis

from smi.metrics import Metric, Period, coverage, load_all
from smi.metrics.engagement import post_engagements
from smi.metrics.scope import scoped
from smi.metrics.scope import staff_accounts as count_staff_accounts
from smi.metrics.tables import TableCache, in_period
from smi.platforms import PLATFORMS
from smi.report.i18n import N_, Words
from smi.sources import load_all as load_sources

KEY_METRICS = (
    "posts",
    "replies",
    "reposts",
    "engagements",
    "impressions",
    "inbound_interactions",
    "followers",
)
# English msgids; the renderers translate them.
LABELS = {
    "posts": N_("Posts"),
    "replies": N_("Replies"),
    "reposts": N_("Reposts"),
    "engagements": N_("Engagements"),
    "impressions": N_("Impressions"),
    "inbound_interactions": N_("Inbound interactions"),
    "followers": N_("Followers at month end"),
}
# How an input reads in "… give no ___".
INPUT_WORDS = {
    "posts.kind": N_("posts"),
    "interactions.from_organisation": N_("comments, mentions or messages from others"),
    "audience_daily.followers": N_("follower counts"),
    "post_metrics.reactions": N_("reactions"),
    "post_metrics.comments": N_("comments"),
    "post_metrics.shares": N_("shares"),
    "post_metrics.saves": N_("saves"),
    "post_metrics.impressions": N_("impressions"),
}
# The catalogue's descriptions of the key metrics, for translation (a test checks they match).
DESCRIPTIONS = (
    N_("Posts published: originals and quotes (not replies, not reposts)."),
    N_("Replies published by the organisation's accounts."),
    N_("Other accounts' posts shared as they are (retweets, boosts, reposts)."),
    N_("Reactions, comments, shares and saves on the posts published in the period."),
    N_("Times the posts published in the period were shown on screen."),
    N_("Comments, replies, mentions, messages and reviews from others."),
    N_("Followers at the end of the period."),
)
UNITS = {"posts": N_("posts"), "replies": N_("replies"), "reposts": N_("reposts"),
         "engagements": N_("engagements"), "impressions": N_("impressions"),
         "interactions": N_("interactions"), "followers": N_("followers")}
# The evaluation chain (AMEC): (stage id, stage msgid, metrics in the catalogue).
# "inbound_sentiment" is not a catalogue metric: the enrichment's scores (see INBOUND_SENTIMENT).
CHAIN = (
    ("inputs", N_("Inputs"), ("staff_hours", "staff_cost", "staff_cost_coverage")),
    ("activities", N_("Activities"), ("posts", "replies")),
    ("outputs", N_("Outputs"), ("impressions", "reach")),
    ("outtakes", N_("Out-takes"), ("engagements", "inbound_questions", "inbound_sentiment")),
    ("outcomes", N_("Outcomes"), ()),
)
CHAIN_LABELS = {
    "staff_hours": N_("Staff hours"),
    "staff_cost": N_("Staff cost"),
    "staff_cost_coverage": N_("Share of hours with a cost"),
    "posts": N_("Posts"),
    "replies": N_("Replies"),
    "impressions": N_("Impressions"),
    "reach": N_("Reach"),
    "engagements": N_("Engagements"),
    "inbound_questions": N_("Inbound questions"),
    "inbound_sentiment": N_("Inbound sentiment"),
}
INBOUND_SENTIMENT = ("mean(sentiment) over interactions with from_organisation = false created in "
                     "the period that have a sentiment score (smi enrich; VADER compound, -1..1); "
                     "none scored = not available")
GOAL_STATUS = {"met": N_("met"), "on track": N_("on track"), "behind": N_("behind"),
               "not available": N_("not available")}
TREND_MONTHS = 13
TOP_POSTS = 5
EXCERPT = 140


@dataclass
class Figure:
    """One metric on one platform: this month, last month, and the change."""

    metric: Metric
    platform: str
    current: int | None
    previous: int | None
    reason: str | None = None  # why current is not available
    previous_reason: str | None = None
    staff: int | None = None  # the staff's own accounts' value this month, shown beside (not summed in)

    @property
    def change(self) -> int | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous

    @property
    def change_pct(self) -> float | None:
        if self.change is None or not self.previous:
            return None
        return 100.0 * self.change / self.previous


@dataclass
class PlatformFigures:
    platform: str
    title: str
    figures: list[Figure]
    first: str | None
    last: str | None


@dataclass
class ReportModel:
    organisation: str
    timezone: str
    period: Period
    previous: Period
    platforms: list[PlatformFigures]
    trend_months: list[str]
    trend: list[dict[str, Any]]
    top_posts: list[dict[str, Any]]
    imports: list[dict[str, Any]]
    unavailable: list[dict[str, str]]
    metrics: list[Metric]
    source_titles: list[str]
    observed_until: datetime | None
    lang: str = "en"
    # Insight findings, ranked (the insight engine fills these; empty until it exists).
    findings: list[dict[str, Any]] = field(default_factory=list)
    summary: list[dict[str, Any]] = field(default_factory=list)  # the top five, one per test
    # One entry per question (smi.report.insights.QUESTION_SECTIONS) once the engine has run;
    # empty: the report has no question sections.
    questions: list[dict[str, Any]] = field(default_factory=list)
    resolved: list[dict[str, Any]] = field(default_factory=list)  # last month's, not found this month
    actions: list[dict[str, Any]] = field(default_factory=list)
    experiments: list[dict[str, Any]] = field(default_factory=list)
    # One entry per KPI of the profile's goals (smi.goals.KpiResult.as_dict()); empty: no goals.
    scorecard: list[dict[str, Any]] = field(default_factory=list)
    # The evaluation chain: [{"stage", "title", "rows": [{"metric", "formula", "current", "previous"}]}]
    chain: list[dict[str, Any]] = field(default_factory=list)
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    # Posts the exports gave no publish time: [{"platform_id", "platform", "count"}]; in no month.
    undated_posts: list[dict[str, Any]] = field(default_factory=list)
    # Whose numbers: key figures, trend, top posts and chain count the official accounts;
    # the staff's own accounts (this many) are shown beside the key figures (Figure.staff).
    staff_accounts: int = 0
    currency: str = "GBP"  # the profile's (ISO 4217): money reads "£1,682.70"


def platform_title(platform: str) -> str:
    return PLATFORMS.get(platform, platform)


def _rows(expr: ibis.Table) -> list[dict[str, Any]]:
    return expr.to_pyarrow().to_pylist()


def _by_platform_month(con: Any, m: Metric, span: Period) -> dict[tuple[str, str], int | None]:
    rows = _rows(m.build(con, span, ("platform", "month")))
    return {(r["platform"], r["month"]): r["value"] for r in rows}


def _words(inputs: tuple[str, ...], w: Words) -> str:
    words = [w._(INPUT_WORDS.get(i, i.split(".", 1)[1].replace("_", " "))) for i in inputs]
    return w.join(words, "or", mutate=True)


def _sources_by_platform(con: Any) -> dict[str, list[str]]:
    """Which sources' imports hold each platform's rows, by title (for "X archives give no …")."""
    titles = {name: cls.title for name, cls in load_sources().items()}
    parts = []
    for table in ("posts", "interactions", "audience_daily"):
        t = con.table(table)
        parts.append(t.select(platform=t.platform.cast("string"), import_id=t.first_import_id))
        parts.append(t.select(platform=t.platform.cast("string"), import_id=t.import_id))
    ids = ibis.union(*parts, distinct=True)
    imports = con.table("imports")
    j = ids.join(imports, ids.import_id == imports.import_id).select("platform", "source").distinct()
    out: dict[str, set[str]] = {}
    for r in _rows(j):
        out.setdefault(r["platform"], set()).add(titles.get(r["source"], r["source"]))
    return {p: sorted(s) for p, s in out.items()}


class _Availability:
    """Which platform has which metric input, and why a number is not available."""

    def __init__(self, con: Any, words: Words) -> None:
        self.w = words
        self.con = con
        self.held = {(r["platform"], r["input"]) for r in _rows(coverage(con)) if r["rows"]}
        self.sources = _sources_by_platform(con)

    def has(self, m: Metric, platform: str) -> bool:
        return any((platform, i) in self.held for i in m.inputs)

    def reason(self, m: Metric, platform: str, period: Period) -> str | None:
        """Why `m` has no value on `platform` in `period`; None for a count (it is 0)."""
        w = self.w
        what = _words(m.inputs, w)
        if not self.has(m, platform):
            who = self.sources.get(platform)
            if who is None:
                return w._("the %(platform)s data gives no %(what)s",
                           platform=platform_title(platform), what=what)
            if len(who) == 1:
                return w._("%(source)s gives no %(what)s", source=who[0], what=what)
            return w._("%(sources)s give no %(what)s", sources=w.join(who), what=what)
        if m.count:  # NULL only where no import covers the month (metrics/availability.py)
            from smi.metrics.availability import reasons

            return reasons(self.con, m, period, (platform,)).get("")
        month = w.month(period.start)
        if all(i.startswith("post_metrics.") for i in m.inputs):
            return w._("no post published in %(month)s has %(what)s", month=month, what=what)
        return w._("no %(what)s for %(month)s", what=what, month=month)


def _key_figures(
    metrics: list[Metric], values: dict[str, dict[tuple[str, str], int | None]],
    avail: _Availability, platform: str, period: Period, previous: Period,
    staff: dict[str, Any] | None = None,
) -> list[Figure]:
    figures = []
    for m in metrics:
        vals: list[int | None] = []
        reasons: list[str | None] = []
        for per in (period, previous):
            v = values[m.name].get((platform, per.key))
            r = avail.reason(m, platform, per) if v is None else None
            vals.append(0 if v is None and r is None else v)  # a count with nothing to count
            reasons.append(r)
        beside = None
        if staff is not None and platform in staff["_platforms"]:  # the platform has staff accounts
            beside = staff.get(m.name, {}).get((platform, period.key))
            beside = 0 if beside is None and m.count else beside
        figures.append(Figure(m, platform, vals[0], vals[1], reasons[0], reasons[1], staff=beside))
    return figures


def _top_posts(con: Any, period: Period, tz: Any) -> list[dict[str, Any]]:
    pe = post_engagements(con, period)
    pe = pe.filter(pe.engagements.notnull()).order_by(
        [ibis.desc("engagements"), "published_at", "post_key"]
    ).limit(TOP_POSTS)
    cols = ("post_key", "platform", "account_id", "published_at", "kind", "text", "url", "engagements")
    top = []
    for r in _rows(pe.select(*cols)):
        text = " ".join((r["text"] or "").split())
        if len(text) > EXCERPT:
            text = text[: EXCERPT - 1].rstrip() + "…"
        account = r["account_id"] or ""
        handle = account.split(":", 1)[1] if ":" in account else account
        top.append({
            **r, "excerpt": text, "date": r["published_at"].astimezone(tz).date().isoformat(),
            "handle": f"@{handle}" if handle else "", "platform_title": platform_title(r["platform"]),
        })
    return top


def _total(con: Any, m: Metric, period: Period) -> float | None:
    """The metric over every platform for the period; None = not available (a count is 0)."""
    rows = _rows(m.build(con, period, ()))
    v = rows[0]["value"] if rows else None
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return 0 if m.count else None
    return v


def _inbound_sentiment(con: Any, period: Period) -> float | None:
    t = in_period(con.table("interactions"), "created_at", period)
    t = t.filter((t.from_organisation == ibis.literal(False)) & t.sentiment.notnull())
    v = t.aggregate(value=t.sentiment.mean()).to_pyarrow().to_pylist()[0]["value"]
    return None if v is None else round(float(v), 4)


def _tidy(v: float | None) -> float | None:
    """Floats to 6 decimals (no 29.82499999999891 in the JSON); ints as they are."""
    return round(v, 6) if isinstance(v, float) else v


def evaluation_chain(con: Any, period: Period, catalogue: dict[str, Metric]) -> list[dict[str, Any]]:
    """Each AMEC stage's numbers for the month and the month before, with their formulas.
    Outcomes are the goal KPIs: the scorecard holds them."""
    previous = period.previous()
    stages = []
    for stage, title, names in CHAIN:
        rows = []
        for name in names:
            if name == "inbound_sentiment":
                formula, unit = INBOUND_SENTIMENT, "score (-1..1)"
                cur, prev = _inbound_sentiment(con, period), _inbound_sentiment(con, previous)
            else:
                m = catalogue[name]
                formula, unit = m.formula, m.unit
                cur, prev = _total(con, m, period), _total(con, m, previous)
            cur, prev = _tidy(cur), _tidy(prev)
            rows.append({"metric": name, "unit": unit, "formula": formula, "current": cur, "previous": prev,
                         "change": None if cur is None or prev is None else _tidy(cur - prev)})
        stages.append({"stage": stage, "title": title, "rows": rows})
    return stages


def scorecard(ws: Any, period: Period) -> list[dict[str, Any]]:
    """Every KPI of the profile's goals for the month, as `smi goals` computes it."""
    from smi.goals import evaluate

    if not any(g.kpis for g in ws.profile.goals):
        return []
    _period, results = evaluate(ws, period.key)
    return [r.as_dict() for r in results]


def build_model(ws: Any, period: Period, words: Words | None = None) -> ReportModel:
    """Run the metrics for the month, the month before and the 13-month trend. Reasons for
    numbers that are not available are written in `words`' language (default English)."""
    words = words or Words("en")
    backend = ws.store.ibis()
    # The organisation's figures count its official accounts (smi.metrics.scope); what the
    # sources give (availability) is read from every row.
    con = TableCache(scoped(backend, "official"))
    catalogue = load_all()
    metrics = [catalogue[n] for n in KEY_METRICS]
    previous = period.previous()
    status = ws.store.status()["platforms"]
    platforms = sorted(status)
    avail = _Availability(TableCache(backend), words)

    span = Period.months_to(period, TREND_MONTHS)
    values = {m.name: _by_platform_month(con, m, span) for m in metrics}
    staff_accounts = count_staff_accounts(backend)
    staff = None
    if staff_accounts:
        staff_con = TableCache(scoped(backend, "staff"))
        staff = {m.name: _by_platform_month(staff_con, m, period) for m in metrics}
        a = backend.table("accounts")
        staff["_platforms"] = set(a.filter(a.person.notnull()).platform.to_pyarrow().to_pylist())

    blocks = []
    unavailable = []
    for p in platforms:
        figures = _key_figures(metrics, values, avail, p, period, previous, staff)
        blocks.append(PlatformFigures(p, platform_title(p), figures, status[p]["first"], status[p]["last"]))
        unavailable += [
            {"platform": platform_title(p), "platform_id": p, "metric": f.metric.name,
             "reason": f.reason or ""}
            for f in figures if not avail.has(f.metric, p)
        ]

    trend = []
    for name in ("posts", "engagements"):
        m = catalogue[name]
        for p in platforms:
            for per in span.months:
                v = values[name].get((p, per.key))
                if v is None and m.count and avail.has(m, p):
                    v = 0
                trend.append({"month": per.key, "platform": platform_title(p), "platform_id": p,
                              "measure": name, "value": v})

    imports = ws.store.imports()
    titles = {name: cls.title for name, cls in load_sources().items()}
    observed = [i["observed_at"] for i in imports if i["observed_at"] is not None]
    return ReportModel(
        organisation=ws.profile.organisation.name,
        timezone=ws.profile.organisation.timezone,
        period=period,
        previous=previous,
        platforms=blocks,
        trend_months=[p.key for p in span.months],
        trend=trend,
        top_posts=_top_posts(con, period, ws.timezone),
        imports=imports,
        unavailable=unavailable,
        metrics=metrics,
        source_titles=sorted({titles.get(i["source"], i["source"]) for i in imports}),
        observed_until=max(observed) if observed else None,
        lang=words.lang,
        scorecard=scorecard(ws, period),
        chain=evaluation_chain(con, period, catalogue),
        undated_posts=[{"platform_id": p, "platform": platform_title(p), "count": n}
                       for p, n in ws.store.undated_posts().items()],
        staff_accounts=staff_accounts,
        currency=getattr(ws.profile.organisation, "currency", "GBP"),
    )
