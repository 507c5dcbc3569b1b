"""What the monthly report shows: a Month (smi.monthly) made ready for the templates, in one
language. The report renders; it never opens the store: smi.monthly.run_month reads and
writes it, and this module turns the Month's messages (reasons for "not available") into
words and its ISO dates back into dates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from smi.monthly import CHAIN, INPUT_WORDS, KEY_METRICS, KeyFigure, MetricInfo, Month
from smi.report.i18n import N_, Words
from smi.safety import safe_url

__all__ = ["CHAIN", "INPUT_WORDS", "KEY_METRICS", "build_model", "model_from_month", "say"]

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
GOAL_STATUS = {"met": N_("met"), "on track": N_("on track"), "behind": N_("behind"),
               "not available": N_("not available")}


@dataclass
class Figure:
    """One metric on one platform: this month, last month, and the change (reasons in words)."""

    metric: MetricInfo
    platform: str
    current: int | float | None
    previous: int | float | None
    reason: str | None = None  # why current is not available
    previous_reason: str | None = None
    staff: int | float | None = None  # the staff's own accounts' value this month, shown beside (not summed in)

    @property
    def change(self) -> int | float | None:
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


@dataclass(frozen=True)
class MonthSpan:
    """The month's key and days, as the templates ask for them (period.key, .start, .last_day)."""

    key: str
    start: date
    last_day: date

    @classmethod
    def of(cls, key: str) -> MonthSpan:
        y, mo = map(int, key.split("-"))
        start = date(y, mo, 1)
        nxt = date(y + mo // 12, mo % 12 + 1, 1)
        return cls(key, start, date.fromordinal(nxt.toordinal() - 1))


@dataclass
class ReportModel:
    organisation: str
    timezone: str
    period: MonthSpan
    previous: MonthSpan
    platforms: list[PlatformFigures]
    trend_months: list[str]
    trend: list[dict[str, Any]]
    top_posts: list[dict[str, Any]]
    imports: list[dict[str, Any]]
    unavailable: list[dict[str, str]]
    metrics: list[MetricInfo]
    source_titles: list[str]
    observed_until: datetime | None
    lang: str = "en"
    # Insight findings, ranked (empty when the month was run without them).
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
    purposes: dict[str, Any] = field(default_factory=dict)  # Q1 by purpose (Month.purposes)
    # The first page: KPI tiles (smi.monthly.headline_tiles), the things learned (finding
    # dicts), the open actions due (action dicts); the last meeting; the branding.
    kpis: list[dict[str, Any]] = field(default_factory=list)
    learned: list[dict[str, Any]] = field(default_factory=list)
    actions_due: list[dict[str, Any]] = field(default_factory=list)
    meeting: dict[str, Any] | None = None
    branding: dict[str, Any] = field(default_factory=dict)

    def actions_for(self, finding_id: str) -> list[dict[str, Any]]:
        """The actions taken from a finding (by its id), for the finding's own place."""
        return [a for a in self.actions if a.get("finding") == finding_id]
    # The learning survey's anonymised summary (smi.survey.summary); {}: the profile has none.
    learning: dict[str, Any] = field(default_factory=dict)
    # The initiatives board and what moved since the last meeting (Month.initiatives); {}: none.
    initiatives: dict[str, Any] = field(default_factory=dict)
    # The month's relationship map: top groups and connectors (Month.relationships); {}: none.
    relationships: dict[str, Any] = field(default_factory=dict)
    # Best times to post (smi.monthly.best_times) and each platform's top post.
    best_times: dict[str, Any] = field(default_factory=dict)
    platform_top: list[dict[str, Any]] = field(default_factory=list)


def _param(w: Words, value: Any) -> Any:
    if isinstance(value, dict):
        if "month" in value:
            return w.month(value["month"])
        if "words" in value:
            return w.join([w._(x) for x in value["words"]], value.get("join", "and"),
                          mutate=bool(value.get("mutate")))
        if "items" in value:
            return w.join([str(x) for x in value["items"]], value.get("join", "and"))
    return value


def say(w: Words, msg: dict[str, Any] | None) -> str | None:
    """A Month's message (smi.monthly.message) in `w`'s language; None stays None."""
    if msg is None:
        return None
    if "id" in msg:  # a message of smi.messages (the reasons smi.metrics.availability gives)
        return w.say(msg)
    params = {k: _param(w, v) for k, v in (msg.get("params") or {}).items()}
    return w._(msg["msgid"], **params)


def _when(value: str | None, tz: str) -> datetime | None:
    """An ISO instant back as a datetime in the workspace's time zone (as the store gave it)."""
    if value is None:
        return None
    d = datetime.fromisoformat(value)
    return d.astimezone(ZoneInfo(tz)) if d.tzinfo is not None else d


def _import(i: dict[str, Any], tz: str) -> dict[str, Any]:
    return {**i, **{k: _when(i.get(k), tz) for k in ("started_at", "finished_at", "observed_at") if k in i}}


def _figure(f: KeyFigure, info: dict[str, MetricInfo], w: Words) -> Figure:
    return Figure(info[f.metric], f.platform, f.current, f.previous, say(w, f.reason),
                  say(w, f.previous_reason), staff=f.staff)


def model_from_month(month: Month, words: Words | None = None) -> ReportModel:
    """The report's view of a Month in `words`' language (default English). Reads no store."""
    from smi.report.insights import QUESTION_SECTIONS

    w = words or Words("en")
    tz = month.timezone
    info = {m.name: m for m in month.metrics}
    by_id = {f["id"]: f for f in reversed(month.findings)}  # the first of equal ids wins
    questions = []
    if month.with_findings:
        questions = [{"question": q, "id": sid, "title": title,
                      "findings": [f for f in month.findings if f["question"] == q]}
                     for q, sid, title in QUESTION_SECTIONS]
    return ReportModel(
        organisation=month.organisation,
        timezone=month.timezone,
        period=MonthSpan.of(month.month),
        previous=MonthSpan.of(month.previous_month),
        platforms=[PlatformFigures(b.platform, b.title, [_figure(f, info, w) for f in b.figures], b.first, b.last)
                   for b in month.platforms],
        trend_months=list(month.trend_months),
        trend=month.trend,
        # only http(s) links are shown as links: never a `javascript:` one (smi.safety)
        top_posts=[{**p, "url": safe_url(p.get("url")), "published_at": _when(p.get("published_at"), tz)}
                   for p in month.top_posts],
        imports=[_import(i, tz) for i in month.imports],
        unavailable=[{**u, "reason": say(w, u["reason"]) or ""} for u in month.unavailable],
        metrics=list(month.metrics),
        source_titles=list(month.source_titles),
        observed_until=_when(month.observed_until, tz),
        lang=w.lang,
        findings=month.findings,
        summary=[by_id[i] for i in month.summary if i in by_id],
        questions=questions,
        resolved=month.resolved,
        actions=month.actions,
        experiments=month.experiments,
        scorecard=month.scorecard,
        chain=month.chain,
        undated_posts=month.undated_posts,
        staff_accounts=month.staff_accounts,
        currency=month.currency,
        purposes=month.purposes,
        kpis=month.kpis,
        learned=[by_id[i] for i in month.learned if i in by_id],
        actions_due=[a for i in month.actions_due for a in month.actions if a["id"] == i],
        meeting=month.meeting,
        branding=month.branding or {"name": month.organisation, "logo": None, "accent": "#24496b", "tint": "#eef2f6"},
        learning=month.learning,
        initiatives=month.initiatives,
        relationships=month.relationships,
        best_times=month.best_times,
        platform_top=[{**p, "url": safe_url(p.get("url")), "published_at": _when(p.get("published_at"), tz)}
                      for p in month.platform_top],
    )


def build_model(ws: Any, period: Any, words: Words | None = None) -> ReportModel:
    """The month's figures (no findings) as the report shows them: smi.monthly.run_month
    without the engine, in `words`' language (default English)."""
    from smi.monthly import run_month

    return model_from_month(run_month(ws, period.key, findings=False), words)
