"""A seeded world for the evaluation, written independently of the demo (smi.demo).

An organisation (texts.ORGANISATION) with official accounts on four platforms and two staff
who post as themselves, over 6-8 months: posts with format, language (cy, en, cy+en),
length and hour, lifetime metric snapshots, followers day by day, inbound comments and
questions with the organisation's replies, and the staff time log.

Null dynamics (`Dynamics`), on in every world: a trend in exposure, annual seasonality,
a weekday cycle in posting, inbound items and logged time, followers that grow, heavy-tailed
engagement (negative binomial around a lognormal exposure) and missing days in the
follower counts and the time log. None of them makes one dimension perform better than
another: engagement per impression is the same for every format, language, length, hour
and account; staff hours follow each platform's expected engagements; every platform
answers at the same speed.

Effects (`Effect`, planted by `plant`) change one known subject in a known direction by a
known size. Attribute effects (format, language, confounded) keep the account's mean rate
unchanged (the other levels move the other way), so they do not leak into platform-level
tests. Platform effects (exposure drop, content drop, collapse) apply to every account on
the platform: they are the platform's, not one account's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np

from smi.evaluation import texts

PLATFORMS = ("facebook", "instagram", "linkedin", "bluesky")
WITH_IMPRESSIONS = ("facebook", "instagram", "linkedin")  # Bluesky gives no impressions
FORMATS = {
    "facebook": {"text": 0.25, "image": 0.4, "video": 0.2, "link": 0.15},
    "instagram": {"image": 0.5, "video": 0.25, "carousel": 0.25},
    "linkedin": {"text": 0.3, "image": 0.4, "link": 0.3},
    "bluesky": {"text": 0.6, "image": 0.3, "link": 0.1},
}
LANGUAGES = {"cy": 0.3, "en": 0.35, "cy+en": 0.35}
# relative posting, inbound and logging activity by weekday (Monday first)
WEEKDAY = (1.15, 1.15, 1.1, 1.1, 1.05, 0.75, 0.7)

EFFECT_TYPES = (
    "format", "language", "exposure_drop", "content_drop", "unaddressed_topic", "confounded",
    "personal_mix", "slower_responses", "collapsed_platform", "time_sink",
)


@dataclass
class Dynamics:
    """The null world's dynamics; every world has them."""

    trend_per_month: float = 0.03  # exposure grows 3% a month
    season_amplitude: float = 0.15  # annual cycle of exposure and inbound items, peak in June
    weekday: bool = True
    follower_growth_per_month: float = 0.02
    exposure_sigma: float = 0.6  # lognormal spread of a post's impressions
    engagement_dispersion: float = 2.0  # negative binomial shape: small = heavy tail
    missing_days: float = 0.04  # share of days without follower counts or time entries


@dataclass
class Account:
    platform: str
    handle: str
    person: str | None  # None: the organisation's official account
    posts_per_day: float
    followers: float  # on the first day
    reach: float  # impressions of a post per follower

    @property
    def account_id(self) -> str:
        return f"{self.platform}:{self.handle}"


@dataclass
class Effect:
    """A planted effect: what changed (type), on which subject, which way and how much."""

    type: str
    platform: str | None
    dimension: str  # format | language | platform | word | person
    value: str
    direction: str  # higher | lower (the subject against its comparison)
    size: float  # the planted multiplier (or, for a topic, the number of questions)
    months: str  # "all" (standing) or "last"
    detail: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "platform": self.platform, "dimension": self.dimension, "value": self.value,
                "direction": self.direction, "size": self.size, "months": self.months, **self.detail}


@dataclass
class World:
    seed: int
    first: date
    last_month: str  # YYYY-MM, where "last" effects are planted
    end: date  # last day of the last month
    accounts: list[Account]
    people: dict[str, list[str]]  # person -> account ids they hold
    effects: list[Effect]
    posts: list[dict[str, Any]] = field(default_factory=list)
    interactions: list[dict[str, Any]] = field(default_factory=list)
    audience: list[dict[str, Any]] = field(default_factory=list)
    effort: list[dict[str, Any]] = field(default_factory=list)

    @property
    def months(self) -> list[str]:
        out, d = [], self.first
        while d <= self.end:
            out.append(f"{d:%Y-%m}")
            d = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
        return out

    @property
    def exported(self) -> datetime:
        return datetime(self.end.year, self.end.month, self.end.day, tzinfo=UTC) + timedelta(days=14)


def _month_first(month: str) -> date:
    y, m = map(int, month.split("-"))
    return date(y, m, 1)


def _month_end(month: str) -> date:
    f = _month_first(month)
    return date(f.year + (f.month == 12), f.month % 12 + 1, 1) - timedelta(days=1)


def _shift(month: str, n: int) -> str:
    y, m = map(int, month.split("-"))
    k = y * 12 + m - 1 + n
    return f"{k // 12:04d}-{k % 12 + 1:02d}"


def accounts_for(rng: np.random.Generator) -> tuple[list[Account], dict[str, list[str]]]:
    """Four official accounts and two staff accounts, their sizes drawn per seed."""
    def vary(x: float) -> float:
        return float(x * rng.uniform(0.85, 1.2))

    accts = [
        Account("facebook", "dyffrynteifihub", None, vary(1.1), vary(4200), vary(0.35)),
        Account("instagram", "dyffrynteifihub", None, vary(0.9), vary(2600), vary(0.45)),
        Account("linkedin", "dyffryn-teifi-hub", None, vary(0.7), vary(1500), vary(0.4)),
        Account("bluesky", "dyffrynteifi.bsky.social", None, vary(1.3), vary(1800), vary(0.5)),
        Account("bluesky", "sionedpritchard.bsky.social", "Sioned Pritchard", vary(0.7), vary(900), vary(0.5)),
        Account("instagram", "gareth.morgan.teifi", "Gareth Morgan", vary(0.6), vary(1100), vary(0.45)),
    ]
    people = {"Sioned Pritchard": ["bluesky:sionedpritchard.bsky.social"],
              "Gareth Morgan": ["instagram:gareth.morgan.teifi"], "Mererid Huws": []}
    return accts, people


# -- which effects a world carries ------------------------------------------------------------------

def effects_for(kind: str, rng: np.random.Generator) -> list[Effect]:
    """The planted effects of a world: `none`, `a` or `b` (each a set that does not interfere)."""
    def up_or_down(lo: float = 2.0, hi: float = 2.6) -> tuple[str, float]:
        m = float(rng.uniform(lo, hi))
        return ("higher", m) if rng.random() < 0.5 else ("lower", 1 / m)

    if kind == "none":
        return []
    if kind == "a":
        fmt_p, lang_p = rng.permutation(["facebook", "instagram"])
        slow_p, sink_p = rng.permutation(["linkedin", "bluesky"])
        fmt = str(rng.choice([f for f, s in FORMATS[fmt_p].items() if s >= 0.2]))
        d1, m1 = up_or_down()
        d2, m2 = up_or_down()
        topic = str(rng.choice(sorted(texts.TOPICS)))
        return [
            Effect("format", str(fmt_p), "format", fmt, d1, m1, "all"),
            Effect("language", str(lang_p), "language", "cy", d2, m2, "all"),
            Effect("slower_responses", str(slow_p), "platform", str(slow_p), "higher",
                   float(rng.uniform(5, 8)), "last"),
            Effect("unaddressed_topic", None, "word", topic, "higher", float(rng.integers(40, 56)), "last",
                   {"words": list(texts.topic_words(topic))}),
            Effect("time_sink", str(sink_p), "platform", str(sink_p), "lower", float(1 / rng.uniform(3.5, 5)), "all"),
        ]
    if kind == "b":
        exp_p, con_p, col_p = rng.permutation(list(WITH_IMPRESSIONS))
        d, m = up_or_down()
        return [
            Effect("exposure_drop", str(exp_p), "platform", str(exp_p), "lower", float(rng.uniform(0.3, 0.45)), "last"),
            Effect("content_drop", str(con_p), "platform", str(con_p), "lower", float(rng.uniform(0.3, 0.45)), "last"),
            Effect("collapsed_platform", str(col_p), "platform", str(col_p), "lower",
                   float(rng.uniform(0.15, 0.3)), "last"),
            Effect("confounded", "bluesky", "language", "cy+en", d, m, "all",
                   {"confounder": {"dimension": "length"}}),
            Effect("personal_mix", "bluesky", "person", "Sioned Pritchard", "higher",
                   float(rng.uniform(2.5, 3.2)), "all",
                   {"account": "bluesky:sionedpritchard.bsky.social", "follower_surge": 6.0}),
        ]
    raise ValueError(f"unknown world kind {kind!r}")


# -- generation -------------------------------------------------------------------------------------

def _level_multipliers(effects: list[Effect], acct: Account) -> dict[tuple[str, str], float]:
    """(dimension, level) -> multiplier of the rate on the account, mean-preserving."""
    out: dict[tuple[str, str], float] = {}
    for e in effects:
        if e.type not in ("format", "language", "confounded") or acct.person or e.platform != acct.platform:
            continue
        mix = FORMATS[acct.platform] if e.dimension == "format" else LANGUAGES
        s = mix[e.value]
        k = 1.0 / (s * e.size + 1 - s)
        for level in mix:
            out[(e.dimension, level)] = k * (e.size if level == e.value else 1.0)
    return out


def _find(effects: list[Effect], type_: str) -> Effect | None:
    return next((e for e in effects if e.type == type_), None)


def _text(rng: np.random.Generator, lang: str) -> str:
    n = int(rng.choice([1, 2, 3], p=[0.4, 0.35, 0.25]))
    idx = rng.choice(len(texts.EN), size=n, replace=False)
    cy = " ".join(texts.CY[i] for i in idx)
    en = " ".join(texts.EN[i] for i in idx)
    return cy if lang == "cy" else en if lang == "en" else f"{cy}\n\n{en}"


def generate(seed: int, kind: str, last_month: str = "2025-10", months: int | None = None,
             dynamics: Dynamics | None = None, effects: list[Effect] | None = None) -> World:
    """The world of `seed` with the effects of `kind` ("none", "a" or "b"), or the `effects`
    given (then `kind` only names the world)."""
    rng = np.random.default_rng([seed, 2026])
    dyn = dynamics or Dynamics()
    n_months = months or int(rng.integers(6, 9))
    first = _month_first(_shift(last_month, -(n_months - 1)))
    end = _month_end(last_month)
    accts, people = accounts_for(rng)
    if effects is None:
        effects = effects_for(kind, np.random.default_rng([seed, 2026, {"none": 0, "a": 1, "b": 2}[kind]]))
    world = World(seed, first, last_month, end, accts, people, effects)
    last_first = _month_first(last_month)
    base_rate = {p: float(rng.uniform(0.02, 0.05)) for p in PLATFORMS}  # engagements per impression

    exp_drop, con_drop = _find(effects, "exposure_drop"), _find(effects, "content_drop")
    collapse, voice = _find(effects, "collapsed_platform"), _find(effects, "personal_mix")
    slow, topic, sink = _find(effects, "slower_responses"), _find(effects, "unaddressed_topic"), _find(effects, "time_sink")

    days = [first + timedelta(days=i) for i in range((end - first).days + 1)]
    months_from_start = [(d - first).days / 30.44 for d in days]

    def season(d: date) -> float:
        return 1 + dyn.season_amplitude * math.sin(2 * math.pi * (d.timetuple().tm_yday - 81) / 365.25)

    def wk(d: date) -> float:
        return WEEKDAY[d.weekday()] if dyn.weekday else 1.0

    def on_platform_last(e: Effect | None, platform: str, d: date) -> bool:
        return e is not None and e.platform == platform and d >= last_first

    # followers, day by day
    followers: dict[str, list[float]] = {}
    for a in accts:
        f = a.followers
        series = []
        for d in days:
            churn = 0.001
            grow = dyn.follower_growth_per_month / 30.44 + churn
            gain_m, lose_m = 1.0, 1.0
            if voice is not None and a.account_id == voice.detail["account"] and d >= last_first:
                gain_m = voice.detail["follower_surge"]
            if on_platform_last(collapse, a.platform, d) and a.person is None:
                gain_m, lose_m = 0.2, 3.0
            gained = int(rng.poisson(f * grow * gain_m))
            lost = int(rng.poisson(f * churn * lose_m))
            f = max(f + gained - lost, 1.0)
            series.append(f)
            if rng.random() >= dyn.missing_days:
                world.audience.append({"platform": a.platform, "account": a.handle, "date": d.isoformat(),
                                       "followers": int(f), "gained": gained, "lost": lost})
        followers[a.account_id] = series

    # posts
    n = 0
    for a in accts:
        levels = _level_multipliers(effects, a)
        fmts = FORMATS[a.platform]
        for i, d in enumerate(days):
            rate_day = a.posts_per_day * wk(d)
            if on_platform_last(collapse, a.platform, d):
                rate_day *= collapse.size  # type: ignore[union-attr]
            for _ in range(int(rng.poisson(rate_day))):
                n += 1
                fmt = str(rng.choice(list(fmts), p=list(fmts.values())))
                lang = str(rng.choice(list(LANGUAGES), p=list(LANGUAGES.values())))
                text = _text(rng, lang)
                hour = int(rng.choice(range(7, 22)))
                when = datetime(d.year, d.month, d.day, hour, int(rng.integers(0, 60)), tzinfo=UTC)
                exposure = followers[a.account_id][i] * a.reach * season(d) \
                    * (1 + dyn.trend_per_month) ** months_from_start[i] \
                    * float(rng.lognormal(-dyn.exposure_sigma ** 2 / 2, dyn.exposure_sigma))
                if on_platform_last(exp_drop, a.platform, d):
                    exposure *= exp_drop.size  # type: ignore[union-attr]
                if on_platform_last(collapse, a.platform, d):
                    exposure *= collapse.size  # type: ignore[union-attr]
                rate = base_rate[a.platform] * levels.get(("format", fmt), 1.0) * levels.get(("language", lang), 1.0)
                if on_platform_last(con_drop, a.platform, d):
                    rate *= con_drop.size  # type: ignore[union-attr]
                if voice is not None and a.account_id == voice.detail["account"]:
                    rate *= voice.size
                mean = max(rate * exposure, 0.05)
                k = dyn.engagement_dispersion
                engaged = int(rng.negative_binomial(k, k / (k + mean)))
                reactions, comments, shares = (int(x) for x in rng.multinomial(engaged, [0.75, 0.15, 0.10]))
                impressions = max(round(exposure), engaged) if a.platform in WITH_IMPRESSIONS else None
                world.posts.append({
                    "platform": a.platform, "post_id": f"{a.platform[:2]}{seed}{n:06d}", "account": a.handle,
                    "published_at": when, "format": fmt, "language": lang, "text": text,
                    "impressions": impressions,
                    "reach": int(impressions * rng.uniform(0.6, 0.85)) if impressions is not None else None,
                    "reactions": reactions, "comments": comments, "shares": shares,
                })

    # inbound items and the organisation's replies
    inbound_rate = {"facebook": 6.0, "instagram": 5.0, "linkedin": 2.5, "bluesky": 4.5}
    official = {a.platform: a for a in accts if a.person is None}
    m = 0

    def reply(item: dict[str, Any], hours: float) -> None:
        nonlocal m
        m += 1
        world.interactions.append({
            "platform": item["platform"], "interaction_id": f"r{seed}{m:07d}", "kind": "reply",
            "post_id": item["post_id"], "in_reply_to": item["interaction_id"],
            "author": official[item["platform"]].handle, "from_organisation": True,
            "created_at": item["created_at"] + timedelta(hours=hours),
            "text": texts.REPLIES[int(rng.integers(len(texts.REPLIES)))],
        })

    posts_by_platform: dict[str, list[str]] = {}
    for p in world.posts:
        posts_by_platform.setdefault(p["platform"], []).append(p["post_id"])
    for d in days:
        for p in PLATFORMS:
            lam = inbound_rate[p] * season(d) * wk(d)
            if on_platform_last(collapse, p, d):
                lam *= collapse.size  # type: ignore[union-attr]
            for _ in range(int(rng.poisson(lam))):
                m += 1
                question = rng.random() < 0.3
                pool = texts.QUESTIONS if question else texts.COMMENTS
                created = datetime(d.year, d.month, d.day, tzinfo=UTC) + timedelta(minutes=int(rng.integers(7 * 60, 23 * 60)))
                ids = posts_by_platform.get(p) or [None]
                item = {"platform": p, "interaction_id": f"i{seed}{m:07d}", "kind": "comment",
                        "post_id": ids[int(rng.integers(len(ids)))], "in_reply_to": None,
                        "author": f"person{int(rng.integers(1, 4000))}", "from_organisation": False,
                        "created_at": created, "text": pool[int(rng.integers(len(pool)))]}
                world.interactions.append(item)
                if rng.random() < (0.85 if question else 0.2):
                    hours = float(rng.lognormal(math.log(3.0), 0.9))
                    if on_platform_last(slow, p, d):
                        hours *= slow.size  # type: ignore[union-attr]
                    reply(item, hours)
    if topic is not None:
        words = texts.TOPICS[topic.value]
        for _ in range(int(topic.size)):
            m += 1
            d = last_first + timedelta(days=int(rng.integers(0, (end - last_first).days - 7)))
            p = str(rng.choice(PLATFORMS))
            ids = posts_by_platform.get(p) or [None]
            world.interactions.append({
                "platform": p, "interaction_id": f"i{seed}{m:07d}", "kind": "comment",
                "post_id": ids[int(rng.integers(len(ids)))], "in_reply_to": None,
                "author": f"person{int(rng.integers(1, 4000))}", "from_organisation": False,
                "created_at": datetime(d.year, d.month, d.day, tzinfo=UTC) + timedelta(minutes=int(rng.integers(420, 1380))),
                "text": words[int(rng.integers(len(words)))]})

    # staff time: hours on a platform follow its expected engagements (so no platform returns
    # more per hour in a null world); a time sink multiplies them
    expected = {p: sum(a.posts_per_day * a.followers * a.reach * base_rate[p] * (voice.size if voice is not None
                                                                                and a.account_id == voice.detail["account"] else 1)
                       for a in accts if a.platform == p) for p in PLATFORMS}
    minutes_per_engagement = 60 / float(rng.uniform(25, 40))
    for d in days:
        if rng.random() < dyn.missing_days:
            continue
        for p in PLATFORMS:
            mins = expected[p] * minutes_per_engagement * wk(d) * float(rng.gamma(4.0, 0.25))
            if sink is not None and sink.platform == p:
                mins /= sink.size
            for activity, share in (("create", 0.5), ("engage", 0.3), ("monitor", 0.2)):
                v = round(mins * share)
                if v > 0:
                    world.effort.append({"person": "Mererid Huws", "date": d.isoformat(), "minutes": v,
                                         "platform": p, "activity": activity})
    return world
