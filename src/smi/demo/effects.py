"""The effects planted in the demo data, and how big each turned out in the generated files.

With effects on, the generator applies each effect below; with effects off it applies none
and every dimension performs alike (later issues count detectors' false findings on that).
The manifest lists each effect with the question it belongs to, what it changes, its
planted size and the size realised in the data (measured from the generated records).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from statistics import median
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from smi.demo.generate import World

BILINGUAL = "cy+en"  # the language code of a text in Welsh and English, as the data stores it
BASE_ENGAGEMENT_RATE = 0.045  # engagements per impression, every platform, before effects
BASE_RESPONSE_HOURS = 2.0  # median hours to a first response from the organisation
SLOW_RESPONSE_HOURS = 20.0
TIME_SINK_SHARE = 0.45  # share of staff minutes on Facebook, with effects on
PARTNER_MESSAGES = 3  # each partner's mentions of the official X account a month (each answered)
COMMUNITY_MEMBERS = 300  # the community network on Mastodon (smi.demo.generate: gen_community)
COMMUNITY_RATE = 1.5  # each member's mentions a month
WORKSHOP_SHARE = 0.12  # share of official original posts (not about a production) that are workshop posts
WORKSHOP_MINUTES = 0.35  # share of staff minutes on workshop posts, with effects on
WORKSHOP_MULTIPLIER = 0.35  # their engagements per impression, with effects on


@dataclass(frozen=True)
class Effect:
    id: str
    question: str  # Q1 fit, Q2 practice, Q3 platforms, Q4 people, Q5 time, Q6 service/value
    description: str
    metric: str
    subject: dict[str, str]
    multiplier: float
    scope: dict[str, str] = field(default_factory=dict)  # where it applies (e.g. a platform)
    baseline: dict[str, str] | None = None  # what the subject is compared with
    details: dict[str, float] = field(default_factory=dict)


PLANTED: tuple[Effect, ...] = (
    Effect(
        id="video_outperforms",
        question="Q2",
        description="Videos on Instagram get 1.8 times the engagement per impression of other formats.",
        metric="engagement_rate_impressions",
        subject={"dimension": "format", "value": "video"},
        scope={"platform": "instagram"},
        multiplier=1.8,
    ),
    Effect(
        id="bilingual_does_better_on_facebook",
        question="Q2",
        description="Bilingual (Welsh and English) posts on Facebook get 1.6 times the engagement per impression of one-language posts.",
        metric="engagement_rate_impressions",
        subject={"dimension": "language", "value": BILINGUAL},
        scope={"platform": "facebook"},
        multiplier=1.6,
    ),
    Effect(
        id="own_voice_resonates",
        question="Q4",
        description="The artistic director's own posts on X get twice the reactions per post of the official X account, with a similar following.",
        metric="reactions_per_post",
        subject={"dimension": "account", "value": "x:dafyddrowlands"},
        scope={"platform": "x"},
        baseline={"dimension": "account", "value": "x:theatrglanymor"},
        multiplier=2.0,
    ),
    Effect(
        id="facebook_time_sink",
        question="Q5",
        description="Facebook takes 45% of the staff's platform time but brings a small share of the engagement.",
        metric="engagement_per_staff_hour",
        subject={"dimension": "platform", "value": "facebook"},
        multiplier=0.3,
        details={"share_of_staff_minutes": TIME_SINK_SHARE},
    ),
    Effect(
        id="facebook_questions_wait",
        question="Q6",
        description="Questions on Facebook wait about 20 hours for a first response (median); elsewhere about 2 hours.",
        metric="first_response_hours_median",
        subject={"dimension": "platform", "value": "facebook"},
        multiplier=SLOW_RESPONSE_HOURS / BASE_RESPONSE_HOURS,
        details={"median_hours": SLOW_RESPONSE_HOURS, "elsewhere_median_hours": BASE_RESPONSE_HOURS},
    ),
    Effect(
        id="partners_neglected",
        question="Q1",
        description="The six partners (group 'partners', aim: grow) each exchange about six messages a month "
                    "with the official X account (three mentions, each answered), and none in the last month.",
        metric="group_messages",
        subject={"dimension": "group", "value": "partners"},
        scope={"platform": "x"},
        baseline={"dimension": "period", "value": "the three months before"},
        multiplier=0.0,
        details={"partners": 6, "mentions_a_month_each": PARTNER_MESSAGES},
    ),
    Effect(
        id="community_held_by_one",
        question="Q1",
        description="Owain Davies alone is in touch with the 300 members of the community network on "
                    "Mastodon (about 1.5 mentions a member a month); no official account talks with them.",
        metric="single_holder_relationships",
        subject={"dimension": "person", "value": "Owain Davies"},
        scope={"platform": "mastodon"},
        multiplier=2.0,
        details={"members": COMMUNITY_MEMBERS, "mentions_a_month_each": COMMUNITY_RATE},
    ),
    Effect(
        id="workshops_over_served",
        question="Q1",
        description="Workshop posts (purpose 'develop products') take 35% of the staff's logged minutes but get "
                    "0.35 times the engagement per impression of other posts: many hours, few results.",
        metric="engagement_per_staff_hour",
        subject={"dimension": "purpose", "value": "develop products"},
        multiplier=WORKSHOP_MULTIPLIER,
        details={"share_of_staff_minutes": WORKSHOP_MINUTES},
    ),
)


class Effects:
    """The effects in force for one generation (none when switched off)."""

    def __init__(self, on: bool) -> None:
        self.on = on
        self.active = PLANTED if on else ()

    def _by_id(self, effect_id: str) -> Effect | None:
        return next((e for e in self.active if e.id == effect_id), None)

    def engagement_multiplier(self, platform: str, account_id: str, fmt: str, language: str) -> float:
        m = 1.0
        values = {"format": fmt, "language": language, "account": account_id, "platform": platform}
        for e in self.active:
            if e.metric not in ("engagement_rate_impressions", "reactions_per_post"):
                continue
            if e.scope.get("platform", platform) != platform:
                continue
            if values.get(e.subject["dimension"]) == e.subject["value"]:
                m *= e.multiplier
        return m

    def workshop_multiplier(self) -> float:
        e = self._by_id("workshops_over_served")
        return e.multiplier if e is not None else 1.0

    def workshop_minutes(self) -> float | None:
        """The planted share of staff minutes on workshop posts, or None: follow the engagement."""
        e = self._by_id("workshops_over_served")
        return e.details["share_of_staff_minutes"] if e is not None else None

    def partners_quiet_last_month(self) -> bool:
        return self._by_id("partners_neglected") is not None

    def community_alone(self) -> bool:
        return self._by_id("community_held_by_one") is not None

    def response_median_hours(self, platform: str) -> float:
        e = self._by_id("facebook_questions_wait")
        if e is not None and platform == e.subject["value"]:
            return SLOW_RESPONSE_HOURS
        return BASE_RESPONSE_HOURS

    def time_share(self, platform: str) -> float | None:
        """The planted share of staff platform minutes, or None: follow the engagement."""
        e = self._by_id("facebook_time_sink")
        if e is not None and platform == e.subject["value"]:
            return e.details["share_of_staff_minutes"]
        return None

    def manifest(self, world: World) -> list[dict[str, Any]]:
        out = []
        for e in self.active:
            d = asdict(e)
            if d["baseline"] is None:
                del d["baseline"]
            if not d["scope"]:
                del d["scope"]
            if not d["details"]:
                del d["details"]
            d["realised"] = realised(e.id, world)
            out.append(d)
        return out


# -- measuring what the data holds -------------------------------------------------------------
def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 3) if b else None


def _mean(xs: list[float]) -> float:
    return sum(xs) / len(xs) if xs else 0.0


def _rate(p: Any) -> float:
    return p.engagement / p.metrics["impressions"] if p.metrics.get("impressions") else 0.0


def realised(effect_id: str, world: World) -> dict[str, Any]:
    """The effect's size as the generated records hold it (no noise removed)."""
    originals = [p for p in world.posts if p.kind == "original"]
    if effect_id == "video_outperforms":
        ig = [p for p in originals if p.account.platform == "instagram"]
        a = _mean([_rate(p) for p in ig if p.format == "video"])
        b = _mean([_rate(p) for p in ig if p.format != "video"])
        return {"subject": round(a, 4), "others": round(b, 4), "ratio": _ratio(a, b)}
    if effect_id == "bilingual_does_better_on_facebook":
        fb = [p for p in originals if p.account.platform == "facebook"]
        a = _mean([_rate(p) for p in fb if p.language == BILINGUAL])
        b = _mean([_rate(p) for p in fb if p.language != BILINGUAL])
        return {"subject": round(a, 4), "others": round(b, 4), "ratio": _ratio(a, b)}
    if effect_id == "own_voice_resonates":
        a = _mean([p.metrics["reactions"] for p in originals if p.account.key == "x_director"])
        b = _mean([p.metrics["reactions"] for p in originals if p.account.key == "x_official"])
        return {"subject": round(a, 2), "baseline": round(b, 2), "ratio": _ratio(a, b)}
    if effect_id == "facebook_time_sink":
        minutes = world.minutes_by_platform()
        eng = world.engagement_by_platform()
        m_share = minutes.get("facebook", 0) / sum(minutes.values())
        e_share = eng.get("facebook", 0) / sum(eng.values())
        return {"share_of_staff_minutes": round(m_share, 3), "share_of_engagement": round(e_share, 3),
                "ratio": _ratio(e_share, m_share)}
    if effect_id == "facebook_questions_wait":
        waits = world.first_response_hours()
        fb = [h for p, h in waits if p == "facebook"]
        rest = [h for p, h in waits if p != "facebook"]
        a = median(fb) if fb else 0.0
        b = median(rest) if rest else 0.0
        return {"median_hours": round(a, 2), "elsewhere_median_hours": round(b, 2), "ratio": _ratio(a, b)}
    if effect_id == "partners_neglected":
        partners = {h.lower() for h in world.org.partners}
        by_month: Counter[str] = Counter()
        for i in world.interactions:
            who = i.author.lower() if not i.from_organisation else (i.to or "").lower()
            if i.platform == "x" and who in partners:
                by_month[world.local_month(i.created)] += 1
        last = f"{world.last_month:%Y-%m}"
        before = [m for m in sorted(by_month) if m < last][-3:]
        base = sum(by_month[m] for m in before) / len(before) if before else 0.0
        return {"last_month": by_month[last], "a_month_before": round(base, 2), "ratio": _ratio(by_month[last], base)}
    if effect_id == "community_held_by_one":
        members = [i for i in world.interactions if i.community]
        alone = sum(1 for i in members if i.to == "owain@mastodon.example")
        share = alone / len(members) if members else 0.0
        return {"members": len({i.author for i in members}), "messages": len(members),
                "share_to_owain_alone": round(share, 3), "ratio": _ratio(share, 0.5)}
    if effect_id == "workshops_over_served":
        minutes = sum(e.minutes for e in world.effort)
        m_share = sum(e.minutes for e in world.effort if e.workshop) / minutes
        eng = sum(p.engagement for p in world.posts)
        e_share = sum(p.engagement for p in world.posts if p.workshop) / eng
        return {"share_of_staff_minutes": round(m_share, 3), "share_of_engagement": round(e_share, 3),
                "ratio": _ratio(e_share, m_share)}
    raise KeyError(effect_id)
