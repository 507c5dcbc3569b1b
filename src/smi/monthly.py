"""One month, computed once: the object the report and the web app render.

`run_month(ws, month)` runs a month and returns a `Month`: the key figures per platform
(this month, last month, the staff's own accounts beside), the 13-month trend, the top
posts, data coverage and what is not available (with why), the imports, the evaluation
chain, the goal scorecard, the findings with their status (new / continuing / resolved,
smi.insights.memory), the experiments' verdicts (smi.practice.evaluate) and the actions.

Every store read and write of the monthly report happens here, in view:

- reads: the metric catalogue over the store (key figures, trend, top posts, chain), the
  import log, the goals (smi.goals), the actions and experiments, the learning survey's
  answers (smi.survey);
- writes: the month's findings (smi.insights.memory stores them with their data key) and
  the verdicts of experiments whose window has ended (smi.practice.evaluate).

A `Month` is plain data (str, int, float, bool, None, lists, dicts and the dataclasses
below): `Month.to_dict()` / `Month.from_dict()` round-trip exactly through JSON. It holds no
language: a number that is not available carries its reason as a message, the English
msgid marked with `N_` here plus its parameters (`{"msgid": ..., "params": {...}}`), which
the renderer translates (smi.report.model.say). Texts the detectors write (finding titles,
summaries) and the goals' and experiments' own words are stored as they come.

A month is cached by the data it read: `month_key` digests the store's data tables, the
import log, the practice records (actions, experiments, meetings), the profile, the code
and the month. `run_month` returns the cached Month (a JSON file under the workspace's
`cache/` folder) while that key is unchanged; any import, re-map, enrichment, action or
edit of workspace.toml computes it again.

This module imports nothing heavy at import time (the report imports it to read a Month
without a store); the computation imports the store, metrics and insights when it runs.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA = 4  # 4: best times, the trend's measures beyond posts and engagements, top posts' rates; 2: currency; 3: first page (tiles, learned, actions due), meeting, branding; findings carry their texts as messages ("messages")
CACHE_DIR = "cache"


def N_(message: str) -> str:
    """Mark a msgid for extraction (pybabel -k N_; the report's catalogue translates it)."""
    return message


KEY_METRICS = (
    "posts",
    "replies",
    "reposts",
    "engagements",
    "impressions",
    "inbound_interactions",
    "followers",
)
# How an input reads in "… give no ___" (msgids).
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
# Why a number is not available (msgids; parameters in the Month, translated when rendered).
NO_DATA_GIVES = N_("the %(platform)s data gives no %(what)s")
SOURCE_GIVES = N_("%(source)s gives no %(what)s")
SOURCES_GIVE = N_("%(sources)s give no %(what)s")
NO_POST_HAS = N_("no post published in %(month)s has %(what)s")
NO_WHAT_FOR = N_("no %(what)s for %(month)s")
# The evaluation chain (AMEC): (stage id, stage msgid, metrics in the catalogue).
# "inbound_sentiment" is not a catalogue metric: the enrichment's scores (see INBOUND_SENTIMENT).
CHAIN = (
    ("inputs", N_("Inputs"), ("staff_hours", "staff_cost", "staff_cost_coverage")),
    ("activities", N_("Activities"), ("posts", "replies")),
    ("outputs", N_("Outputs"), ("impressions", "reach")),
    ("outtakes", N_("Out-takes"), ("engagements", "inbound_questions", "inbound_sentiment")),
    ("outcomes", N_("Outcomes"), ()),
)
INBOUND_SENTIMENT = ("mean(sentiment) over interactions with from_organisation = false created in "
                     "the period that have a sentiment score (smi enrich; VADER compound, -1..1); "
                     "none scored = not available")
TREND_MONTHS = 13
# The trend's measures (catalogue names; "response" is the first-response time, in business
# hours when the profile sets them), per platform and month, over TREND_MONTHS.
TREND_MEASURES = ("posts", "engagements", "followers", "impressions", "reach", "engagement_rate_impressions",
                  "response")
# Best times to post: engagements a post by local weekday and part of the day, over the month
# and the months before it (this many in all); a slot with fewer posts than BEST_MIN_POSTS is
# left out (too few to say).
BEST_MONTHS = 3
BEST_MIN_POSTS = 5
TOP_POSTS = 5
EXCERPT = 140
SUMMARY_TOP = 5
# The first page's headline tiles (catalogue names; "response" is the first-response time,
# in business hours when the profile sets them) and which way is better.
HEADLINE = (("followers", "higher"), ("impressions", "higher"), ("engagement_rate_impressions", "higher"),
            ("posts", "higher"), ("response", "lower"))
LEARNED = (3, 5)  # the things learned: at least 3 findings when there are, at most 5
DUE_AHEAD_DAYS = 31  # actions due: open and due by this long after the month's last day (or overdue)
# A meeting-notes line that records a decision: "Decision: …", "Decided: …", "Penderfyniad: …".
DECISION_PREFIXES = ("decision:", "decided:", "agreed:", "penderfyniad:", "cytunwyd:")


# -- messages -----------------------------------------------------------------------------------
def message(msgid: str, **params: Any) -> dict[str, Any]:
    """A text in no language yet: the English msgid and its parameters. A parameter is a
    plain value, {"month": "YYYY-MM"} (said as the month's name), {"words": [msgid, ...],
    "join": "or"|"and", "mutate": bool} (each translated, then joined) or {"items": [text,
    ...], "join": "and"} (joined as they are)."""
    return {"msgid": msgid, "params": params}


def words_param(inputs: tuple[str, ...] | list[str]) -> dict[str, Any]:
    """A metric's inputs as "reactions, comments, shares or saves" (translated when said)."""
    words = [INPUT_WORDS.get(i, i.split(".", 1)[-1].replace("_", " ")) for i in inputs]
    return {"words": words, "join": "or", "mutate": True}


# -- the Month ----------------------------------------------------------------------------------
@dataclass
class MetricInfo:
    """A catalogue metric as the report shows it (name, unit, description msgid, formula)."""

    name: str
    unit: str
    description: str
    formula: str


@dataclass
class KeyFigure:
    """One metric on one platform: this month, last month, the staff's own accounts beside.
    None is not available, with its reason as a message (see `message`)."""

    metric: str
    platform: str
    current: int | float | None
    previous: int | float | None
    reason: dict[str, Any] | None = None
    previous_reason: dict[str, Any] | None = None
    staff: int | float | None = None  # None: the platform has no staff accounts (or no value)

    @property
    def change(self) -> int | float | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous


@dataclass
class PlatformBlock:
    platform: str
    title: str
    first: str | None  # first and last local day of the platform's data (ISO)
    last: str | None
    figures: list[KeyFigure] = field(default_factory=list)


@dataclass
class Month:
    """One month of one workspace, as plain data (see the module docstring)."""

    month: str  # YYYY-MM
    previous_month: str
    start: str  # first local day, ISO
    last_day: str  # last local day, ISO
    timezone: str
    organisation: str
    key: str = ""  # the key of the data it was computed from (month_key)
    with_findings: bool = True  # False: figures only (the engine, experiments and actions not run)
    platforms: list[PlatformBlock] = field(default_factory=list)
    metrics: list[MetricInfo] = field(default_factory=list)  # the key metrics, in order
    trend_months: list[str] = field(default_factory=list)
    # [{"month", "platform" (title), "platform_id", "measure" (posts | engagements), "value"}]
    trend: list[dict[str, Any]] = field(default_factory=list)
    top_posts: list[dict[str, Any]] = field(default_factory=list)
    # Best times to post (best_times): {"first", "last" (YYYY-MM), "min_posts", "rows": [{"platform_id",
    # "platform", "weekday" (1 = Monday), "daypart", "posts", "per_post"}]}; {}: too few posts.
    best_times: dict[str, Any] = field(default_factory=dict)
    platform_top: list[dict[str, Any]] = field(default_factory=list)  # each platform's top post (as top_posts)
    imports: list[dict[str, Any]] = field(default_factory=list)  # the import log (datetimes ISO)
    # Metrics a platform's data cannot give: [{"platform", "platform_id", "metric", "reason" (message)}]
    unavailable: list[dict[str, Any]] = field(default_factory=list)
    source_titles: list[str] = field(default_factory=list)
    observed_until: str | None = None  # the newest export's observation time (ISO)
    undated_posts: list[dict[str, Any]] = field(default_factory=list)  # [{"platform_id", "platform", "count"}]
    staff_accounts: int = 0
    currency: str = "GBP"  # the profile's (ISO 4217): money reads "£1,682.70"
    # [{"stage", "title" (msgid), "rows": [{"metric", "unit", "formula", "current", "previous", "change"}]}]
    chain: list[dict[str, Any]] = field(default_factory=list)
    scorecard: list[dict[str, Any]] = field(default_factory=list)  # smi.goals.KpiResult.as_dict()
    # Ranked findings: Finding JSON + id, short_id, status, since, detail (smi.insights.memory).
    findings: list[dict[str, Any]] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)  # ids of the findings the summary shows
    resolved: list[dict[str, Any]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    experiments: list[dict[str, Any]] = field(default_factory=list)
    # Q1 by purpose (smi.purpose_q1.q1): {"rows": [{"purpose", "priority", "target_share", "posts",
    # "share_of_posts", "hours", "share_of_hours", "engagements", "share_of_engagements",
    # "engagements_per_post", "engagements_per_hour", "interactions", "goals"}], "posts", "hours",
    # "hours_attributed", "sources", "model", "priorities", …}; {}: no post has a purpose yet.
    purposes: dict[str, Any] = field(default_factory=dict)
    # The first page. Tiles: [{"metric", "filter", "accounts", "direction", "value", "previous",
    # "year_ago", "year_ago_month", "goal": None | {"goal", "target", "status"}}]; None = not
    # available (a year ago: no data then, never 0).
    kpis: list[dict[str, Any]] = field(default_factory=list)
    learned: list[str] = field(default_factory=list)  # ids of the 3-5 findings the first page says
    actions_due: list[int] = field(default_factory=list)  # ids of open actions due (or overdue)
    # The last meeting held by the month's last day: {"id", "date", "attendees", "notes", "decisions"}.
    meeting: dict[str, Any] | None = None
    # The profile's branding: {"name", "logo" (data: URI or None), "logo_file", "accent", "tint"}.
    branding: dict[str, Any] = field(default_factory=dict)
    # The learning survey, anonymised (smi.survey.summary of the answers given by the month's
    # end): {"every_months", "min_group", "rounds", "items", "suppressed"}; {}: no survey items.
    learning: dict[str, Any] = field(default_factory=dict)
    # The initiatives board at the month's end and what moved on it since the last meeting
    # (smi.monthly.initiatives_of_month); {}: no initiative yet.
    initiatives: dict[str, Any] = field(default_factory=dict)
    # The month's relationship map (smi.monthly.relationships_of_month): top groups and the
    # connectors (people several of the organisation's accounts talk with); {}: no message.
    relationships: dict[str, Any] = field(default_factory=dict)
    schema: int = SCHEMA

    def figure(self, platform: str, metric: str) -> KeyFigure | None:
        for b in self.platforms:
            if b.platform == platform:
                return next((f for f in b.figures if f.metric == metric), None)
        return None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Month:
        if d.get("schema") != SCHEMA:
            raise ValueError(f"month schema {d.get('schema')!r}, this smi reads {SCHEMA}")
        kw = {f.name: d[f.name] for f in fields(cls) if f.name in d}
        kw["platforms"] = [PlatformBlock(**{**b, "figures": [KeyFigure(**f) for f in b["figures"]]})
                           for b in d.get("platforms", [])]
        kw["metrics"] = [MetricInfo(**m) for m in d.get("metrics", [])]
        return cls(**kw)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, allow_nan=False)  # key order kept: it is column order

    @classmethod
    def from_json(cls, text: str) -> Month:
        return cls.from_dict(json.loads(text))


def plain(value: Any) -> Any:
    """Data as JSON holds it: dates and datetimes as ISO strings, tuples as lists, NaN as None."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [plain(v) for v in value]
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if value is None or isinstance(value, bool | int | str):
        return value
    if hasattr(value, "item"):  # numpy scalars
        return plain(value.item())
    return str(value)


# -- the cache ----------------------------------------------------------------------------------
@cache
def _code_key() -> str:
    """A digest of the code a Month depends on beyond the findings' (this module, the goals,
    the practice records' judgement), so an upgrade recomputes. The files are read where
    they lie, not imported: a cached month is shown without loading pandas and the models."""
    h = hashlib.sha256()
    h.update(Path(__file__).read_bytes())
    here = Path(__file__).parent  # the smi package
    for entry in sorted((here / "practice").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".py"):
            h.update(entry.read_bytes())
    for name in ("goals", "purpose_q1", "purpose_model", "survey"):
        h.update((here / f"{name}.py").read_bytes())
    return h.hexdigest()


def month_key(ws: Any, month: str, *, with_findings: bool = True, seed: int = 0) -> str:
    """The key of everything the Month reads: the findings' data key (data tables, profile,
    metrics and insights code, seed; smi.insights.memory.data_key), the import log and the
    practice records, this code, the month and whether findings are included."""
    from smi.insights.memory import data_key
    from smi.store.findings import PRACTICE_TABLES, tables_fingerprint

    parts = [str(SCHEMA), month, str(with_findings), data_key(ws, seed),
             tables_fingerprint(ws.store, PRACTICE_TABLES), _code_key()]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def cache_path(ws: Any, month: str, with_findings: bool = True) -> Path:
    return ws.root / CACHE_DIR / f"month-{month}{'' if with_findings else '-figures'}.json"


def _cached(path: Path, key: str) -> Month | None:
    try:
        m = Month.from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError, KeyError):
        return None  # none yet, or unreadable (an older schema, a broken file): compute again
    return m if m.key == key else None


def _save(path: Path, m: Month) -> None:
    """Write the cache file whole or not at all; a workspace that cannot be written keeps no cache."""
    try:
        path.parent.mkdir(exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(m.to_json() + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass


# -- running a month ----------------------------------------------------------------------------
def run_month(ws: Any, month: str | None = None, *, findings: bool = True, seed: int = 0,
              use_cache: bool = True) -> Month:
    """The month `month` (YYYY-MM; None: the last month every source covers in full,
    smi.metrics.months.choose_month): the cached Month when the data it read is unchanged,
    else computed (findings and experiment verdicts stored) and cached. Without `findings`
    only the figures are computed: no engine, no experiments, no actions (nothing written)."""
    from smi.metrics import Period

    if month is not None and use_cache:
        # A month asked for and cached from the same data had data then and has it now: the
        # checks of choose_period (seconds on a large store) are only needed to compute it.
        key = Period.month(month, ws.profile.organisation.timezone).key
        hit = _cached(cache_path(ws, key, findings), month_key(ws, key, with_findings=findings, seed=seed))
        if hit is not None:
            return hit
    from smi.metrics.months import choose_period  # Ibis: only when the month is not cached

    period = choose_period(ws, month)
    path = cache_path(ws, period.key, findings)
    if use_cache and month is None:
        hit = _cached(path, month_key(ws, period.key, with_findings=findings, seed=seed))
        if hit is not None:
            return hit
    m = compute_month(ws, period, findings=findings, seed=seed)
    # The key after the run: judging an experiment writes its verdict, which the next call reads.
    m.key = month_key(ws, period.key, with_findings=findings, seed=seed)
    if use_cache:
        _save(path, m)
    return m


def compute_month(ws: Any, period: Any, *, findings: bool = True, seed: int = 0) -> Month:
    """Compute the month (no cache): the figures, then with `findings` the engine's findings
    with their status (stored), the experiments (those ended judged and stored) and actions."""
    m = _figures(ws, period)
    m.with_findings = findings
    if findings:
        _findings(ws, m, seed)
    return m


def platform_title(platform: str) -> str:
    from smi.platforms import PLATFORMS

    return PLATFORMS.get(platform, platform)


def _rows(expr: Any) -> list[dict[str, Any]]:
    return expr.to_pyarrow().to_pylist()


def _by_platform_month(con: Any, m: Any, span: Any, business_hours: Any = None) -> dict[tuple[str, str], Any]:
    """`business_hours`: the profile's, for a response time in business hours (without it the
    metric falls back to its default hours, not the organisation's)."""
    rows = _rows(m.build(con, span, ("platform", "month"), business_hours=business_hours))
    return {(r["platform"], r["month"]): r["value"] for r in rows}


def _sources_by_platform(con: Any) -> dict[str, list[str]]:
    """Which sources' imports hold each platform's rows, by title (for "X archives give no …")."""
    import ibis

    from smi.sources import load_all as load_sources

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
    """Which platform has which metric input, and why a number is not available (a message)."""

    def __init__(self, con: Any) -> None:
        from smi.metrics import coverage

        self.con = con
        self.held = {(r["platform"], r["input"]) for r in _rows(coverage(con)) if r["rows"]}
        self.sources = _sources_by_platform(con)

    def has(self, m: Any, platform: str) -> bool:
        return any((platform, i) in self.held for i in m.inputs)

    def reason(self, m: Any, platform: str, period: Any) -> dict[str, Any] | None:
        """Why `m` has no value on `platform` in `period`; None for a count (it is 0)."""
        what = words_param(m.inputs)
        if not self.has(m, platform):
            who = self.sources.get(platform)
            if who is None:
                return message(NO_DATA_GIVES, platform=platform_title(platform), what=what)
            if len(who) == 1:
                return message(SOURCE_GIVES, source=who[0], what=what)
            return message(SOURCES_GIVE, sources={"items": who, "join": "and"}, what=what)
        if m.count:  # NULL only where no import covers the month (metrics/availability.py)
            from smi.metrics.availability import reason_messages

            # a message of smi.messages ({"id", "params"}): the report's model says it (model.say)
            return reason_messages(self.con, m, period, (platform,)).get("")
        month = {"month": period.key}
        if all(i.startswith("post_metrics.") for i in m.inputs):
            return message(NO_POST_HAS, month=month, what=what)
        return message(NO_WHAT_FOR, what=what, month=month)


def _key_figures(metrics: list[Any], values: dict[str, dict[tuple[str, str], Any]], avail: _Availability,
                 platform: str, period: Any, previous: Any, staff: dict[str, Any] | None) -> list[KeyFigure]:
    out = []
    for m in metrics:
        vals: list[Any] = []
        reasons: list[dict[str, Any] | None] = []
        for per in (period, previous):
            v = values[m.name].get((platform, per.key))
            r = avail.reason(m, platform, per) if v is None else None
            vals.append(0 if v is None and r is None else v)  # a count with nothing to count
            reasons.append(r)
        beside = None
        if staff is not None and platform in staff["_platforms"]:  # the platform has staff accounts
            beside = staff.get(m.name, {}).get((platform, period.key))
            beside = 0 if beside is None and m.count else beside
        out.append(KeyFigure(m.name, platform, plain(vals[0]), plain(vals[1]), reasons[0], reasons[1],
                             staff=plain(beside)))
    return out


def _top_posts(con: Any, period: Any, tz: Any, per_platform: bool = False) -> list[dict[str, Any]]:
    """The month's TOP_POSTS posts with the most engagements (ties: the earlier, then by key);
    `per_platform`: each platform's first one instead."""
    import ibis

    from smi.metrics.engagement import post_engagements

    pe = post_engagements(con, period)
    pe = pe.filter(pe.engagements.notnull())
    order = [ibis.desc("engagements"), "published_at", "post_key"]
    if per_platform:
        rank = ibis.row_number().over(group_by=pe.platform, order_by=order)
        pe = pe.mutate(_rank=rank).filter(lambda t: t._rank == 0).order_by("platform")
    else:
        pe = pe.order_by(order).limit(TOP_POSTS)
    cols = ("post_key", "platform", "account_id", "published_at", "kind", "format", "text", "url", "engagements",
            "impressions", "reach")
    top = []
    for r in _rows(pe.select(*cols)):
        # the post's own engagement rate: engagements / impressions (None when the export gives no impressions)
        imp = r.get("impressions")
        r["engagement_rate"] = round(r["engagements"] / imp, 6) if imp else None
        text = " ".join((r["text"] or "").split())
        if len(text) > EXCERPT:
            text = text[: EXCERPT - 1].rstrip() + "…"
        account = r["account_id"] or ""
        handle = account.split(":", 1)[1] if ":" in account else account
        top.append(plain({
            **r, "excerpt": text, "date": r["published_at"].astimezone(tz).date().isoformat(),
            "handle": f"@{handle}" if handle else "", "platform_title": platform_title(r["platform"]),
        }))
    return top


def _post_images(ws: Any, backend: Any, posts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Top posts with their first kept image as a thumbnail (smi.images)."""
    from smi.images import with_images

    keys = [p["post_key"] for p in posts if p.get("post_key")]
    if not keys:
        return posts
    t = backend.table("posts")
    extras = {r["post_key"]: r["extra"] for r in _rows(t.filter(t.post_key.isin(keys)).select("post_key", "extra"))}
    return with_images(ws.archive_dir, posts, extras)


def best_times(con: Any, period: Any) -> dict[str, Any]:
    """When posts do best: each platform's engagements a post (as the catalogue's
    engagements_per_post counts them: posts published in the span, reposts excluded, that have
    engagement numbers, latest snapshot) and how many posts that is, by local weekday
    (1 = Monday) and part of the day, over the month and the BEST_MONTHS - 1 before it,
    official accounts. A slot with fewer than BEST_MIN_POSTS posts is left out. Descriptive:
    not a test (the Q2 findings test)."""
    from smi.metrics import Period
    from smi.metrics.engagement import engagement_value
    from smi.metrics.exposure import OWN_KINDS
    from smi.metrics.tables import DAYPARTS, grain_rows

    span = Period.months_to(period, BEST_MONTHS)
    t = grain_rows(con, "posts", span, ("weekday", "daypart"), where=lambda t: t.kind.isin(list(OWN_KINDS)))
    t = t.mutate(_eng=engagement_value(t))
    t = t.filter(t._eng.notnull() & t.daypart.notnull())
    agg = t.group_by(["platform", "weekday", "daypart"]).aggregate(posts=t.count(), per_post=t._eng.mean())
    order = [d[2] for d in DAYPARTS]
    rows = [{"platform_id": r["platform"], "platform": platform_title(r["platform"]), "weekday": int(r["weekday"]),
             "daypart": r["daypart"], "posts": int(r["posts"]), "per_post": round(float(r["per_post"]), 2)}
            for r in _rows(agg) if r["posts"] >= BEST_MIN_POSTS]
    rows.sort(key=lambda x: (x["platform_id"], x["weekday"], order.index(x["daypart"])))
    return {"first": span.months[0].key, "last": span.months[-1].key, "min_posts": BEST_MIN_POSTS,
            "rows": rows} if rows else {}


def _total(con: Any, m: Any, period: Any) -> float | None:
    """The metric over every platform for the period; None = not available (a count is 0)."""
    rows = _rows(m.build(con, period, ()))
    v = rows[0]["value"] if rows else None
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return 0 if m.count else None
    return v


def _inbound_sentiment(con: Any, period: Any) -> float | None:
    import ibis

    from smi.metrics.tables import in_period

    t = in_period(con.table("interactions"), "created_at", period)
    t = t.filter((t.from_organisation == ibis.literal(False)) & t.sentiment.notnull())
    v = t.aggregate(value=t.sentiment.mean()).to_pyarrow().to_pylist()[0]["value"]
    return None if v is None else round(float(v), 4)


def _tidy(v: float | None) -> float | None:
    """Floats to 6 decimals (no 29.82499999999891 in the JSON); ints as they are."""
    return round(v, 6) if isinstance(v, float) else v


def evaluation_chain(con: Any, period: Any, catalogue: dict[str, Any]) -> list[dict[str, Any]]:
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
            cur, prev = _tidy(plain(cur)), _tidy(plain(prev))
            rows.append({"metric": name, "unit": unit, "formula": formula, "current": cur, "previous": prev,
                         "change": None if cur is None or prev is None else _tidy(cur - prev)})
        stages.append({"stage": stage, "title": title, "rows": rows})
    return stages


def scorecard(ws: Any, period: Any) -> list[dict[str, Any]]:
    """Every KPI of the profile's goals for the month, as `smi goals` computes it."""
    from smi.goals import evaluate

    if not any(g.kpis for g in ws.profile.goals):
        return []
    _period, results = evaluate(ws, period.key)
    return [plain(r.as_dict()) for r in results]


def _figures(ws: Any, period: Any) -> Month:
    """Everything but the findings: key figures, trend, top posts, coverage, chain, scorecard."""
    from smi.metrics import Period, load_all
    from smi.metrics.scope import scoped
    from smi.metrics.scope import staff_accounts as count_staff_accounts
    from smi.metrics.tables import TableCache
    from smi.sources import load_all as load_sources

    backend = ws.store.ibis()
    # The organisation's figures count its official accounts (smi.metrics.scope); what the
    # sources give (availability) is read from every row.
    con = TableCache(scoped(backend, "official"))
    catalogue = load_all()
    metrics = [catalogue[n] for n in KEY_METRICS]
    previous = period.previous()
    status = ws.store.status()["platforms"]
    platforms = sorted(status)
    avail = _Availability(TableCache(backend))

    span = Period.months_to(period, TREND_MONTHS)
    values = {m.name: _by_platform_month(con, m, span, ws.profile.business_hours) for m in metrics}
    staff_accounts = count_staff_accounts(backend)
    staff = None
    if staff_accounts:
        staff_con = TableCache(scoped(backend, "staff"))
        staff = {m.name: _by_platform_month(staff_con, m, period, ws.profile.business_hours) for m in metrics}
        a = backend.table("accounts")
        staff["_platforms"] = set(a.filter(a.person.notnull()).platform.to_pyarrow().to_pylist())

    blocks = []
    unavailable = []
    for p in platforms:
        figures = _key_figures(metrics, values, avail, p, period, previous, staff)
        blocks.append(PlatformBlock(p, platform_title(p), plain(status[p]["first"]), plain(status[p]["last"]),
                                    figures))
        unavailable += [
            {"platform": platform_title(p), "platform_id": p, "metric": f.metric, "reason": f.reason}
            for f, m in zip(figures, metrics, strict=True) if not avail.has(m, p)
        ]

    trend = []
    for measure in TREND_MEASURES:
        name = _headline_metric(ws, measure)
        m = catalogue[name]
        if name not in values:
            values[name] = _by_platform_month(con, m, span, ws.profile.business_hours)
        for p in platforms:
            for per in span.months:
                v = values[name].get((p, per.key))
                if v is None and m.count and avail.has(m, p):
                    v = 0
                trend.append({"month": per.key, "platform": platform_title(p), "platform_id": p,
                              "measure": name, "value": _tidy(plain(v))})

    imports = ws.store.imports()
    titles = {name: cls.title for name, cls in load_sources().items()}
    observed = [i["observed_at"] for i in imports if i["observed_at"] is not None]
    return Month(
        month=period.key,
        previous_month=previous.key,
        start=period.start.isoformat(),
        last_day=period.last_day.isoformat(),
        timezone=ws.profile.organisation.timezone,
        organisation=ws.profile.organisation.name,
        platforms=blocks,
        metrics=[MetricInfo(m.name, m.unit, m.description, m.formula) for m in metrics],
        trend_months=[p.key for p in span.months],
        trend=trend,
        top_posts=_post_images(ws, backend, _top_posts(con, period, ws.timezone)),
        best_times=best_times(con, period),
        platform_top=_top_posts(con, period, ws.timezone, per_platform=True),
        currency=ws.profile.organisation.currency,
        imports=plain(imports),
        unavailable=unavailable,
        source_titles=sorted({titles.get(i["source"], i["source"]) for i in imports}),
        observed_until=plain(max(observed)) if observed else None,
        undated_posts=[{"platform_id": p, "platform": platform_title(p), "count": n}
                       for p, n in ws.store.undated_posts().items()],
        staff_accounts=staff_accounts,
        chain=evaluation_chain(con, period, catalogue),
        scorecard=(card := scorecard(ws, period)),
        purposes=_purposes(ws, period, con, card),
        kpis=headline_tiles(ws, backend, period, catalogue, card),
        branding=branding(ws),
        learning=_learning(ws, period),
    )


def _headline_metric(ws: Any, name: str) -> str:
    if name != "response":
        return name
    return "first_response_minutes_median_business" if ws.profile.business_hours.days else "first_response_minutes_median"


def headline_tiles(ws: Any, backend: Any, period: Any, catalogue: dict[str, Any],
                   card: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The first page's tiles: the headline metrics (HEADLINE, every platform, official
    accounts) then each goal KPI not already one of them, each with its value this month,
    last month and the same month a year ago (smi.goals.kpi_value: the scorecard's own
    arithmetic), and the goal's target and status where a goal sets one."""
    from smi.goals import kpi_value
    from smi.profile import KPI

    hours = ws.profile.business_hours
    goals = [(g, k) for g in ws.profile.goals for k in g.kpis]
    tiles: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str]] = set()
    wanted = [(KPI(metric=_headline_metric(ws, n), target=0, direction=d), "official", None) for n, d in HEADLINE]
    for i, (g, k) in enumerate(goals):
        wanted.append((k, g.accounts, i))
    for kpi, accounts, index in wanted:
        ident = (kpi.metric, json.dumps(kpi.filter, sort_keys=True), accounts)
        goal = None
        if index is not None:
            row = card[index] if index < len(card) else None
            goal = {"goal": goal_name(ws, index), "target": kpi.target, "status": row["status"] if row else None,
                    "window": row["window"] if row else None}
            if ident in seen:  # a headline metric the goal measures: its tile carries the goal
                tile = next(t for t in tiles if (t["metric"], json.dumps(t["filter"], sort_keys=True),
                                                 t["accounts"]) == ident)
                if tile["goal"] is None:
                    tile["goal"] = goal
                    tile["direction"] = kpi.direction
                continue
        if kpi.metric not in catalogue:
            continue
        seen.add(ident)
        values = [kpi_value(backend, kpi, p, catalogue, hours, accounts)
                  for p in (period, period.previous(), period.shift(-12))]
        tiles.append(plain({"metric": kpi.metric, "filter": dict(kpi.filter), "accounts": accounts,
                            "direction": kpi.direction, "value": _tidy(values[0]), "previous": _tidy(values[1]),
                            "year_ago": _tidy(values[2]), "year_ago_month": period.shift(-12).key, "goal": goal}))
    return tiles


def goal_name(ws: Any, index: int) -> str:
    """The name of the goal of the `index`-th KPI (goals' KPIs in profile order)."""
    names = [g.name for g in ws.profile.goals for _k in g.kpis]
    return names[index]


def branding(ws: Any) -> dict[str, Any]:
    """The profile's branding with the logo read into a data: URI (the report is one
    self-contained file). A logo that cannot be read is refused, naming the key."""
    import base64

    from smi.errors import ProfileError
    from smi.profile import LOGO_MAX_BYTES, LOGO_TYPES

    b = ws.profile.branding
    logo = None
    if b.logo:
        path = ws.root / b.logo
        where = str(ws.profile_file.path)
        try:
            data = path.read_bytes()
        except OSError as e:
            raise ProfileError(where, "branding.logo", f"{b.logo}: {e.strerror or 'cannot be read'}",
                               fix="put the logo file in the workspace folder and give its name, or remove the key") from None
        if len(data) > LOGO_MAX_BYTES:
            raise ProfileError(where, "branding.logo", f"{b.logo} is {len(data):,} bytes, more than "
                               f"{LOGO_MAX_BYTES:,}", fix="use a smaller image (a logo 400 px wide is plenty)")
        kind = LOGO_TYPES[path.suffix.lower()]
        magic = {"image/png": (b"\x89PNG",), "image/jpeg": (b"\xff\xd8",), "image/svg+xml": (b"<",)}[kind]
        if not data.lstrip().startswith(magic):
            raise ProfileError(where, "branding.logo", f"{b.logo} is not a {kind.split('/')[1].upper()} image",
                               fix="give a PNG, JPEG or SVG file")
        if kind == "image/svg+xml" and b"<script" in data.lower():
            raise ProfileError(where, "branding.logo", f"{b.logo} holds a script", fix="use an SVG without scripts, or a PNG")
        logo = f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"
    return {"name": b.name or ws.profile.organisation.name, "logo": logo, "logo_file": b.logo,
            "accent": b.accent, "tint": b.tint}


def decisions(notes: str | None) -> list[str]:
    """The decisions in meeting notes: lines that start "Decision:", "Decided:", "Agreed:" (or
    in Welsh "Penderfyniad:", "Cytunwyd:"), after any list marker, as written."""
    out = []
    for line in (notes or "").splitlines():
        text = line.strip().lstrip("-*• ").strip()
        low = text.casefold()
        for prefix in DECISION_PREFIXES:
            if low.startswith(prefix):
                rest = text[len(prefix):].strip()
                if rest:
                    out.append(rest)
                break
    return out


def last_meeting(ws: Any, last_day: date) -> dict[str, Any] | None:
    """The last meeting held on or before `last_day`, with its decisions."""
    from smi.practice.meetings import list_meetings

    held = [mt for mt in list_meetings(ws) if mt.held_on <= last_day]
    if not held:
        return None
    mt = max(held, key=lambda x: (x.held_on, x.meeting_id))
    return plain({"id": mt.meeting_id, "date": mt.held_on, "attendees": mt.attendees, "notes": mt.notes,
                  "decisions": decisions(mt.notes)})


def actions_due(actions: list[dict[str, Any]], last_day: date) -> list[int]:
    """Actions still to do (open or in progress) due by DUE_AHEAD_DAYS after the month (overdue
    ones included), soonest first; then those with no due date."""
    from datetime import timedelta

    horizon = last_day + timedelta(days=DUE_AHEAD_DAYS)
    open_ = [a for a in actions if a.get("status") in ("open", "in_progress")]  # still to do
    dated = sorted((a for a in open_ if a.get("due") and date.fromisoformat(a["due"]) <= horizon),
                   key=lambda a: (a["due"], a["id"]))
    undated = [a for a in open_ if not a.get("due")]
    return [a["id"] for a in dated + undated]


def initiatives_of_month(ws: Any, m: Month) -> dict[str, Any]:
    """The initiatives board as it stood at the end of the month's last day (open ones, quick
    wins first, with the scores they had then and their linked actions done by then) and what
    moved on it from the start of the last meeting's day (the month's first day when no
    meeting is recorded) to the month's end: initiatives added, scored again, closed, linked
    actions done. {} while the workspace has no initiative."""
    from datetime import UTC, time, timedelta
    from zoneinfo import ZoneInfo

    from smi.practice.initiatives import board_at, moves_since
    from smi.store import initiatives as records
    from smi.store import practice as practice_records

    if not records.initiatives(ws.store):
        return {}
    tz = ZoneInfo(m.timezone)
    last_day = date.fromisoformat(m.last_day)
    until = datetime.combine(last_day + timedelta(days=1), time(0), tz).astimezone(UTC)
    since_day = date.fromisoformat(m.meeting["date"]) if m.meeting else date.fromisoformat(m.start)
    since = datetime.combine(since_day, time(0), tz).astimezone(UTC)
    done_by = {a["action_id"] for a in practice_records.actions(ws.store)
               if a["status"] == "done" and a["done_at"] is not None and a["done_at"] < until}
    moves = moves_since(ws, since, until)
    board = [{"id": i.initiative_id, "title": i.title, "owner": i.owner, "impact": i.impact, "effort": i.effort,
              "priority": None if i.priority is None else round(i.priority, 2), "findings": list(i.findings),
              "actions": len(i.actions), "actions_done": sum(a in done_by for a in i.actions)}
             for i in board_at(ws, until)]
    return plain({
        "since": since_day, "since_meeting": m.meeting is not None, "until": last_day, "board": board,
        "added": [{"id": i.initiative_id, "title": i.title, "impact": i.impact, "effort": i.effort}
                  for i in moves.added],
        "rescored": [{"id": i.initiative_id, "title": i.title, "before": list(b), "now": list(n)}
                     for i, b, n in moves.rescored],
        "closed": [{"id": i.initiative_id, "title": i.title, "status": i.status, "outcome": i.outcome}
                   for i in moves.closed],
        "actions_done": [{"initiative": i.initiative_id, "title": i.title, "action": a["action_id"],
                          "action_title": a["title"]} for i, a in moves.actions_done],
    })


MAP_CONNECTORS = 5  # the relationship map's connectors


def relationships_of_month(ws: Any, m: Month) -> dict[str, Any]:
    """The month's relationship map (smi.relationships, the month's local days): how many
    people and organisations the official and staff accounts exchanged messages with, how many
    only one member of staff holds; per `[[groups]]` group by messages (one with none this
    month too), then those in no group (None): the counterparts, messages and holders; and the
    connectors: counterparts held by two or
    more holders, most holders first, then messages. {} when the month has no message."""
    from smi.relationships.network import build_network, local_days

    net = build_network(ws.store, ws.profile, between=local_days(
        date.fromisoformat(m.start), date.fromisoformat(m.last_day), m.timezone), communities=False)
    people = net.counterparts
    if not people:
        return {}
    by: dict[str | None, dict[str, Any]] = {}
    for n in people:
        g = by.setdefault(n.group, {"group": n.group, "counterparts": 0, "messages": 0, "holders": set()})
        g["counterparts"] += 1
        g["messages"] += n.weight
        g["holders"].update(n.holders)
    for declared in ws.profile.groups:  # a group with no message this month is said, with 0
        by.setdefault(declared.name, {"group": declared.name, "counterparts": 0, "messages": 0, "holders": set()})
    groups = sorted(by.values(), key=lambda g: (g["group"] is None, -g["messages"], g["group"] or ""))
    connectors = sorted((n for n in people if len(n.holders) > 1), key=lambda n: (-len(n.holders), -n.weight, n.id))
    return plain({
        "counterparts": len(people), "messages": sum(e.weight for e in net.edges), "holders": len(net.holder_of),
        "single_holder": len(net.single_holder()), "unattributed": net.unattributed,
        "groups": [{**g, "holders": sorted(g["holders"], key=str.casefold)} for g in groups],
        "connectors": [{"id": n.id, "group": n.group, "holders": n.holders, "messages": n.weight}
                       for n in connectors[:MAP_CONNECTORS]],
        "connectors_all": len(connectors),
    })


def _purposes(ws: Any, period: Any, con: Any, cards: list[dict[str, Any]]) -> dict[str, Any]:
    """Q1 by purpose for the month (smi.purpose_q1); {} while no post has a purpose."""
    from smi.purpose_q1 import q1

    if not ws.store.rows("SELECT 1 AS x FROM posts WHERE purpose IS NOT NULL LIMIT 1"):
        return {}
    return plain(q1(ws, period, con, cards))


def _learning(ws: Any, period: Any) -> dict[str, Any]:
    """The learning survey's summary up to the month's end (the "outcomes: learning" step)."""
    from datetime import UTC, time
    from zoneinfo import ZoneInfo

    from smi.survey import learning

    if not ws.profile.survey.items:
        return {}
    end = datetime.combine(period.end, time(0), ZoneInfo(period.timezone)).astimezone(UTC)
    return plain(learning(ws, end))


def finding_dict(r: Any) -> dict[str, Any]:
    """A remembered finding (smi.insights.memory.Remembered) as the Month holds it."""
    from smi.insights.finding import short_id

    return plain({**r.body, "short_id": short_id(r.body["id"]), "status": r.status, "since": r.since,
                  "detail": r.summary})


def _findings(ws: Any, m: Month, seed: int) -> None:
    """The month's findings with their status (stored), the experiments (those that ended
    judged, verdicts stored) and the actions."""
    from smi.insights.memory import findings_for_month
    from smi.insights.rank import summary
    from smi.practice.actions import list_actions
    from smi.practice.evaluate import evaluate_experiments

    result = findings_for_month(ws, m.month, seed=seed)
    m.findings = [finding_dict(r) for r in result.findings]
    m.summary = [f["id"] for f in summary(m.findings, SUMMARY_TOP)]
    m.resolved = [finding_dict(r) for r in result.resolved]
    from smi.insights.finding import short_id

    m.actions = [plain({**{k: a.as_dict()[k] for k in ("id", "title", "owner", "due", "status", "finding", "meeting")},
                        "finding_short": short_id(a.finding_id) if a.finding_id else None})
                 for a in list_actions(ws)]
    m.learned = m.summary[: LEARNED[1]]
    last_day = date.fromisoformat(m.last_day)
    m.actions_due = actions_due(m.actions, last_day)
    m.meeting = last_meeting(ws, last_day)
    m.initiatives = initiatives_of_month(ws, m)
    m.relationships = relationships_of_month(ws, m)
    m.experiments = []
    for e in evaluate_experiments(ws, m.month):
        r = e["result"] or {}
        m.experiments.append(plain({
            "id": e["id"], "title": e["title"], "metric": e["metric"],
            "subject": ", ".join(f"{k}={v}" for k, v in sorted(e["subject"].items())),
            "from": e["from"], "to": e["to"], "status": e["status"], "verdict": e["verdict"],
            "ratio": r.get("ratio"), "ratio_ci95": r.get("ratio_ci95"), "p_value": r.get("p_value"),
            "n_subject": r.get("n_subject"), "n_control": r.get("n_control"), "words": r.get("words"),
        }))
