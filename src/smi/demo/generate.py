"""The seeded generator: 13 months of posts, comments and answers, followers and staff time.

Everything is drawn from `numpy.random.default_rng` streams spawned from one seed, one
stream per part (schedule, metrics, conversation, audience, effort), so the same seed gives
the same records, and switching the effects off keeps the posting schedule and texts and
changes only what the effects touch.

The model, per post: impressions follow the account's followers that day times its reach
(log-normal noise); engagements are impressions times one base rate (the same on every
platform), times the planted effects' multipliers, with per-post noise; they split into
reactions, comments, shares and saves. Every counted comment is a generated interaction;
questions get the organisation's answer after a log-normal wait.
"""

from __future__ import annotations

import string
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from smi.demo.effects import (
    BASE_ENGAGEMENT_RATE,
    BILINGUAL,
    COMMUNITY_MEMBERS,
    COMMUNITY_RATE,
    PARTNER_MESSAGES,
    WORKSHOP_SHARE,
    Effects,
)
from smi.demo.organisation import AccountSpec, Organisation, PersonSpec, Production
from smi.profile import WEEKDAYS

MONTHS = 13
X_EPOCH_MS = 1288834974657  # Twitter's snowflake epoch

# Local posting hours and their weights (mornings, lunchtime, early evening).
HOURS = np.arange(7, 23)
HOUR_WEIGHTS = np.array([1, 3, 4, 3, 2, 4, 3, 2, 2, 2, 3, 5, 5, 3, 2, 1], dtype=float)
HOUR_CDF = np.cumsum(HOUR_WEIGHTS / HOUR_WEIGHTS.sum())

SPLIT = {"reactions": 0.71, "comments": 0.09, "shares": 0.10, "saves": 0.10}
QUESTION_SHARE = {"official": 0.22, "person": 0.05}
ANSWER_SHARE = {"official": 0.85, "person": 0.6}
THANKS_SHARE = 0.1
# Messages and mentions that arrive without a post, per day, and the share that are questions.
DIRECT = {"x": ("mention", 0.8, 0.5), "mastodon": ("mention", 0.3, 0.5),
          "facebook": ("message", 1.2, 0.8), "instagram": ("message", 0.5, 0.7)}
COMMENT_KIND = {"x": "reply", "mastodon": "reply"}  # elsewhere "comment"
PLATFORM_WORK = ("create", "engage", "monitor")  # time entries that always name a platform
OTHER_ON_PLATFORM = 0.4  # the chance that planning, reporting or learning names one

FIRST_NAMES = ("Gwen", "Rhys", "Mair", "Huw", "Cerys", "Ffion", "Gethin", "Nia", "Iwan", "Lowri",
               "Aled", "Catrin", "Dylan", "Bethan", "Tomos", "Megan", "Sam", "Chloe", "Jack", "Emma",
               "Tom", "Sarah", "Ben", "Lucy", "Carys", "Elis", "Sioned", "Hywel", "Anwen", "Dewi")
SURNAMES = ("Jones", "Williams", "Davies", "Evans", "Thomas", "Roberts", "Hughes", "Lewis",
            "Morgan", "Griffiths", "Price", "Owen", "Jenkins", "Parry", "Pritchard", "Lloyd")
INSTANCES = ("mastodon.social", "toot.example", "social.example.cymru", "mastodon.example")


@dataclass
class Post:
    account: AccountSpec
    native_id: str
    published: datetime  # UTC
    kind: str  # original | reply | repost
    format: str | None
    language: str  # cy | en | cy+en (bilingual)
    text: str
    url: str
    hashtags: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    production: str | None = None
    in_reply_to: str | None = None  # native id of what it answers (for replies)
    in_reply_to_author: str | None = None
    repost_of: str | None = None  # the reposted account's handle (without instance)
    repost_of_id: str | None = None  # the reposted post's native id
    metrics: dict[str, int | None] = field(default_factory=dict)
    engagement: int = 0  # what the data shows: reactions + comments + shares + saves
    workshop: bool = False  # a workshop post (purpose "develop products")


@dataclass
class Interaction:
    platform: str
    native_id: str
    kind: str
    post: Post | None
    in_reply_to: str | None  # native id of the interaction answered
    author: str
    from_organisation: bool
    created: datetime  # UTC
    text: str
    language: str
    question: bool = False
    to: str | None = None  # a mention's or an answer's holder handle (partners, community)
    community: bool = False  # from the community network (gen_community)


@dataclass
class AudienceDay:
    account: AccountSpec
    day: date
    followers: int
    gained: int
    lost: int
    visits: int | None


@dataclass
class EffortEntry:
    person: str
    day: date
    minutes: int
    platform: str | None
    activity: str
    note: str
    workshop: bool = False  # time on workshop posts


@dataclass
class World:
    org: Organisation
    seed: int
    effects: Effects
    first_month: date
    last_month: date
    start: datetime  # UTC, first instant of the first month (local midnight)
    end: datetime  # UTC, first instant after the last month
    exported: datetime  # UTC, when the exports were "downloaded"
    productions: list[Production]
    posts: list[Post] = field(default_factory=list)
    interactions: list[Interaction] = field(default_factory=list)
    audience: list[AudienceDay] = field(default_factory=list)
    effort: list[EffortEntry] = field(default_factory=list)

    @property
    def days(self) -> list[date]:
        d, out = self.first_month, []
        end = _add_months(self.last_month, 1)
        while d < end:
            out.append(d)
            d += timedelta(days=1)
        return out

    def local_month(self, when: datetime) -> str:
        return f"{when.astimezone(ZoneInfo(self.org.timezone)):%Y-%m}"

    def engagement_by_platform(self) -> dict[str, int]:
        c: Counter[str] = Counter()
        for p in self.posts:
            c[p.account.platform] += p.engagement
        return dict(c)

    def minutes_by_platform(self) -> dict[str, int]:
        c: Counter[str] = Counter()
        for e in self.effort:
            if e.platform:
                c[e.platform] += e.minutes
        return dict(c)

    def first_response_hours(self) -> list[tuple[str, float]]:
        """(platform, hours) for each answered inbound question."""
        first: dict[str, datetime] = {}
        for i in self.interactions:
            if i.from_organisation and i.in_reply_to and i.in_reply_to not in first:
                first[i.in_reply_to] = i.created
        out = []
        for i in self.interactions:
            if i.question and i.native_id in first:
                out.append((i.platform, (first[i.native_id] - i.created).total_seconds() / 3600))
        return out


def _add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    return date(d.year + y, m + 1, 1)


def _pick(rng: np.random.Generator, weights: dict[str, float]) -> str:
    """A key of `weights`, drawn with probability proportional to its weight."""
    x = rng.random() * sum(weights.values())
    acc = 0.0
    for key, w in weights.items():
        acc += w
        if x < acc:
            return key
    return key


class Generator:
    def __init__(self, org: Organisation, phrases: dict[str, Any], *, seed: int, last_month: date,
                 effects: bool) -> None:
        self.org = org
        self.phrases = phrases
        self.tz = ZoneInfo(org.timezone)
        first = _add_months(last_month, -(MONTHS - 1))
        start = datetime.combine(first, time(0), self.tz).astimezone(UTC)
        end = datetime.combine(_add_months(last_month, 1), time(0), self.tz).astimezone(UTC)
        exported = datetime.combine(_add_months(last_month, 1), time(9, 14, 27), self.tz).astimezone(UTC)
        self.world = World(org, seed, Effects(effects), first, last_month, start, end, exported,
                           org.productions(first))
        # The seventh stream (issue 13: workshops, partners, community) leaves the first six as they were.
        streams = np.random.SeedSequence(seed).spawn(7)
        (self.r_schedule, self.r_metrics, self.r_talk, self.r_audience, self.r_effort, self.r_people,
         self.r_extra) = (np.random.default_rng(s) for s in streams)
        self._ids: set[str] = set()
        self._comments: Counter[str] = Counter()  # inbound comments per post native id
        self.followers: dict[tuple[str, date], int] = {}
        self.audience_pool = self._audience_pool()

    # -- helpers ---------------------------------------------------------------------------
    def local(self, day: date, seconds: float) -> datetime:
        naive = datetime.combine(day, time(0)) + timedelta(seconds=float(seconds))
        return naive.replace(tzinfo=self.tz).astimezone(UTC)

    def production_on(self, day: date) -> tuple[Production | None, bool]:
        """The production posts talk about that day, and whether it is running."""
        for p in self.world.productions:
            if p.start <= day <= p.end:
                return p, True
            if day < p.start and (p.start - day).days <= 60:
                return p, False
        return None, False

    def native_id(self, platform: str, when: datetime, rng: np.random.Generator) -> str:
        ms = int(when.timestamp() * 1000)
        while True:
            if platform == "x":
                nid = str(((ms - X_EPOCH_MS) << 22) | int(rng.integers(0, 1 << 22)))
            elif platform == "mastodon":
                nid = str((ms << 16) | int(rng.integers(0, 1 << 16)))
            elif platform == "linkedin":
                nid = str((ms << 22) | int(rng.integers(0, 1 << 22)))
            elif platform == "instagram":
                nid = str(17_840_000_000_000_000 + ms * 1000 + int(rng.integers(0, 1000)))
            else:  # facebook: page id _ post id
                nid = f"104857392011234_{(ms // 1000) * 10_000 + int(rng.integers(0, 10_000))}"
            if nid not in self._ids:
                self._ids.add(nid)
                return nid

    def post_id(self, acct: AccountSpec, when: datetime, rng: np.random.Generator) -> str:
        """A post's native id as its importer will see it (Mastodon: the status URI)."""
        nid = self.native_id(acct.platform, when, rng)
        return status_uri(acct, nid) if acct.platform == "mastodon" else nid

    def _audience_pool(self) -> list[tuple[str, str]]:
        rng = self.r_people
        pool = []
        for _ in range(1500):
            first = FIRST_NAMES[int(rng.integers(len(FIRST_NAMES)))]
            last = SURNAMES[int(rng.integers(len(SURNAMES)))]
            style = int(rng.integers(3))
            user = (f"{first}{last}" if style == 0 else f"{first.lower()}_{last.lower()}" if style == 1
                    else f"{first.lower()}{int(rng.integers(1, 99))}")
            pool.append((f"{first} {last}", user))
        # A few regulars write often: weights fall with rank.
        weights = 1.0 / (np.arange(len(pool)) + 8.0) ** 1.1
        self._pool_cdf = np.cumsum(weights / weights.sum())
        return pool

    def audience_member(self, platform: str, rng: np.random.Generator) -> str:
        i = min(int(np.searchsorted(self._pool_cdf, rng.random())), len(self.audience_pool) - 1)
        name, user = self.audience_pool[i]
        if platform in ("facebook", "linkedin"):
            return name
        if platform == "mastodon":
            return f"{user.lower()}@{INSTANCES[i % len(INSTANCES)]}"
        return user

    # -- the parts ---------------------------------------------------------------------------
    def run(self) -> World:
        self.gen_audience()
        self.gen_posts()
        self.tag_workshops()
        self.gen_metrics()
        self.gen_conversations()
        self.gen_partners()
        self.gen_community()
        self.gen_effort()
        self.tag_workshop_time()
        w = self.world
        w.posts.sort(key=lambda p: (p.published, p.native_id))
        w.interactions.sort(key=lambda i: (i.created, i.native_id))
        return w

    def gen_audience(self) -> None:
        rng = self.r_audience
        for acct in self.org.accounts:
            followers = acct.followers
            for day in self.world.days:
                _, running = self.production_on(day)
                boost = 1.6 if running else 1.0
                gained = int(rng.poisson(acct.growth * 1.6 * boost))
                lost = int(rng.poisson(acct.growth * 0.6))
                followers = max(0, followers + gained - lost)
                self.followers[(acct.key, day)] = followers
                visits = int(rng.poisson(followers * acct.visits * boost)) if acct.visits else None
                self.world.audience.append(AudienceDay(acct, day, followers, gained, lost, visits))

    def compose(self, acct: AccountSpec, day: date, rng: np.random.Generator) -> tuple[str, str, Production | None, list[str]]:
        prod, _ = self.production_on(day)
        bank = self.phrases["posts"][acct.voice]
        usable = [t for t in bank if prod is not None or not t["show"]]
        t = usable[int(rng.integers(len(usable)))]
        when = self.phrases["when"][int(rng.integers(len(self.phrases["when"])))]
        values = {"show": prod.title if prod else "", "when_cy": when["cy"], "when_en": when["en"]}
        language = _pick(rng, acct.languages)
        language = BILINGUAL if language == "bilingual" else language
        cy, en = t["cy"].format(**values), t["en"].format(**values)
        text = {"cy": cy, "en": en}.get(language, f"{cy}\n\n{en}")
        tags = []
        if t["show"] and prod is not None and rng.random() < 0.7:
            tags.append(prod.tag)
        if rng.random() < 0.12:
            tags.append("theatr" if language != "en" else "theatre")
        if language != "en" and rng.random() < 0.1:
            tags.append("Cymraeg")
        return text, language, prod if t["show"] else None, tags

    def gen_posts(self) -> None:
        rng = self.r_schedule
        site = self.org.website
        for acct in self.org.accounts:
            for day in self.world.days:
                prod, running = self.production_on(day)
                rate = acct.posts_per_day * (0.6 if day.weekday() == 6 else 1.0)
                if prod is not None and acct.official:
                    rate *= 1.4 if running else 1.15
                for _ in range(int(rng.poisson(rate))):
                    hour = HOURS[min(int(np.searchsorted(HOUR_CDF, rng.random())), len(HOURS) - 1)]
                    secs = float(hour) * 3600 + float(rng.integers(0, 3600))
                    when = self.local(day, secs)
                    nid = self.post_id(acct, when, rng)
                    if acct.reposts and rng.random() < acct.reposts:
                        self.world.posts.append(self._repost(acct, nid, when, rng))
                        continue
                    text, language, about, tags = self.compose(acct, day, rng)
                    fmt = _pick(rng, acct.formats)
                    links = []
                    if fmt == "link":
                        slug = about.tag.lower() if about else "whats-on"
                        links.append(f"{site}/sioeau/{slug}" if about else f"{site}/{slug}")
                    self.world.posts.append(Post(
                        acct, nid, when, "original", fmt, language, text, _post_url(acct, nid, rng),
                        hashtags=tags, links=links, production=about.title if about else None))
        self._resolve_reposts()

    def _repost(self, acct: AccountSpec, nid: str, when: datetime, rng: np.random.Generator) -> Post:
        """A repost of another of the organisation's accounts on the same platform (which
        post is settled once every account's posts exist: `_resolve_reposts`)."""
        others = [a for a in self.org.accounts if a.platform == acct.platform and a.key != acct.key]
        src = others[int(rng.integers(len(others)))] if others else acct
        return Post(acct, nid, when, "repost", None, "en", "", _post_url(acct, nid, rng),
                    repost_of=src.user)

    def _resolve_reposts(self) -> None:
        by_user: dict[tuple[str, str], list[Post]] = {}
        for p in self.world.posts:
            if p.kind == "original":
                by_user.setdefault((p.account.platform, p.account.user), []).append(p)
        kept = []
        for p in self.world.posts:
            if p.kind == "repost":
                pool = by_user.get((p.account.platform, p.repost_of or ""), [])
                earlier = [q for q in pool if q.published < p.published]
                if not earlier:
                    continue
                src = max(earlier, key=lambda q: q.published)
                p.text, p.language, p.repost_of_id = src.text, src.language, src.native_id
            kept.append(p)
        self.world.posts = kept

    def gen_metrics(self) -> None:
        rng = self.r_metrics
        fx = self.world.effects
        for p in self.world.posts:
            acct = p.account
            if p.kind != "original":
                p.metrics = {"reactions": int(rng.poisson(0.4)), "shares": 0} if acct.platform == "x" else {}
                continue
            day = p.published.astimezone(self.tz).date()
            _, running = self.production_on(day)
            reach_exp = self.followers[(acct.key, day)] * acct.reach * (1.3 if running else 1.0)
            impressions = int(max(1, round(reach_exp * rng.lognormal(0, 0.45))))
            rate = BASE_ENGAGEMENT_RATE * fx.engagement_multiplier(
                acct.platform, acct.account_id, p.format or "text", p.language) * rng.lognormal(0, 0.35)
            if p.workshop:
                rate *= fx.workshop_multiplier()
            eng = impressions * min(rate, 0.9)
            counts = {k: int(rng.poisson(eng * share)) for k, share in SPLIT.items()}
            m: dict[str, int | None] = dict.fromkeys(
                ("impressions", "reach", "reactions", "comments", "shares", "saves", "clicks", "video_views"))
            if acct.platform != "mastodon":  # a Mastodon archive carries no counts
                m["reactions"] = counts["reactions"]
                m["shares"] = counts["shares"]
            m["comments"] = counts["comments"]  # the conversation step trims it to what it writes
            if acct.platform in ("instagram", "facebook", "linkedin"):
                m["impressions"] = impressions
                m["reach"] = round(impressions * rng.uniform(0.7, 0.92))
            if acct.platform == "instagram":
                m["saves"] = counts["saves"]
            if acct.platform in ("facebook", "linkedin"):
                m["clicks"] = int(rng.poisson(impressions * (0.012 if p.format == "link" else 0.002)))
            if acct.platform in ("instagram", "facebook") and p.format == "video":
                m["video_views"] = int(rng.binomial(impressions, 0.55))
            p.metrics = m

    def gen_conversations(self) -> None:
        rng = self.r_talk
        w = self.world
        for p in list(w.posts):
            if p.kind != "original":
                continue
            wanted = p.metrics.get("comments") or 0
            kept = 0
            for _ in range(wanted):
                delay = min(float(rng.lognormal(np.log(2.5), 1.2)), 24 * 7) * 3600
                when = p.published + timedelta(seconds=delay)
                if when >= w.end:
                    continue
                kept += 1
                who = "official" if p.account.official else "person"
                question = rng.random() < QUESTION_SHARE[who]
                self._inbound(p.account, p, COMMENT_KIND.get(p.account.platform, "comment"), when,
                              question, p.language, rng)
            p.metrics["comments"] = kept
            if p.account.platform in ("x", "mastodon"):
                del p.metrics["comments"]  # an archive does not count replies
        for acct in self.org.accounts:
            if not acct.official or acct.platform not in DIRECT:
                continue
            kind, per_day, q_share = DIRECT[acct.platform]
            for day in w.days:
                for _ in range(int(rng.poisson(per_day))):
                    when = self.local(day, float(rng.uniform(7 * 3600, 23 * 3600)))
                    lang = _pick(rng, {"cy": 0.4, "en": 0.6})
                    self._inbound(acct, None, kind, when, rng.random() < q_share, lang, rng)
        for p in w.posts:
            p.engagement = sum(v or 0 for k, v in p.metrics.items() if k in SPLIT)
            if p.account.platform in ("x", "mastodon") and p.kind == "original":
                p.engagement += self._comments[p.native_id]  # the replies: the archive has no count

    def _inbound(self, acct: AccountSpec, post: Post | None, kind: str, when: datetime, question: bool,
                 language: str, rng: np.random.Generator) -> None:
        w = self.world
        lang = language if language in ("cy", "en") else ("cy" if rng.random() < 0.5 else "en")
        qa = None
        if question:
            qa = self.phrases["questions"][int(rng.integers(len(self.phrases["questions"])))]
            text = qa[lang]
        else:
            bank = self.phrases["comments"][lang]
            text = bank[int(rng.integers(len(bank)))]
        author = self.audience_member(acct.platform, rng)
        nid = self._interaction_id(acct, post, when, author, rng)
        item = Interaction(acct.platform, nid, kind, post, None, author, False, when, text, lang, question)
        w.interactions.append(item)
        if post is not None:
            self._comments[post.native_id] += 1
        who = "official" if acct.official else "person"
        if question:
            answer = rng.random() < ANSWER_SHARE[who]
        else:
            answer = post is not None and rng.random() < THANKS_SHARE
        if not answer:
            return
        median_h = w.effects.response_median_hours(acct.platform)
        wait = float(rng.lognormal(np.log(median_h), 0.7)) * 3600
        at = when + timedelta(seconds=max(wait, 120.0))
        if at >= w.end:
            return
        if qa is not None:
            reply = qa[f"{lang}_answer"]
        else:
            bank = self.phrases["thanks"][lang]
            reply = bank[int(rng.integers(len(bank)))]
        rkind = "message" if kind == "message" else COMMENT_KIND.get(acct.platform, "comment")
        rid = self._interaction_id(acct, post, at, acct.user, rng)
        w.interactions.append(Interaction(acct.platform, rid, rkind, post, nid, acct.handle, True, at,
                                          reply, lang))
        if acct.platform in ("x", "mastodon") and kind != "message":
            # The answer is a post of the account too, and so in its archive.
            reply_text = f"@{author.split('@')[0]} {reply}"
            w.posts.append(Post(acct, rid, at, "reply", "text", lang, reply_text,
                                _post_url(acct, rid, rng), in_reply_to=nid, in_reply_to_author=author,
                                metrics={"reactions": int(rng.poisson(0.5)), "shares": 0}
                                if acct.platform == "x" else {}))

    def _interaction_id(self, acct: AccountSpec, post: Post | None, when: datetime, author: str,
                        rng: np.random.Generator) -> str:
        nid = self.native_id(acct.platform, when, rng)
        if acct.platform == "mastodon":
            if author == acct.user:
                return status_uri(acct, nid)
            user, host = author.split("@")
            return f"https://{host}/users/{user}/statuses/{nid}"
        if acct.platform == "facebook":
            num = nid.split("_")[1]
            return f"{post.native_id.split('_')[1]}_{num}" if post is not None else f"m_{num}"
        return nid

    def tag_workshops(self) -> None:
        """Make WORKSHOP_SHARE of the official accounts' original posts not about a production
        workshop posts (#gweithdy), whatever the effects: only their results change with them."""
        rng = self.r_extra
        ws = self.phrases["workshop"]
        for p in self.world.posts:
            if p.kind != "original" or not p.account.official or p.production is not None:
                continue
            if rng.random() >= WORKSHOP_SHARE:
                continue
            t = ws[int(rng.integers(len(ws)))]
            p.workshop = True
            p.text = {"cy": t["cy"], "en": t["en"]}.get(p.language, f"{t['cy']}\n\n{t['en']}")
            p.hashtags = ["gweithdy"] if p.language != "en" else ["workshop"]
            p.links = []
            if p.format == "link":
                p.format = "text"

    def gen_partners(self) -> None:
        """Each partner mentions the official X account PARTNER_MESSAGES times a month and is
        answered; with the effect, not in the last month."""
        rng = self.r_extra
        w = self.world
        acct = next(a for a in self.org.accounts if a.official and a.platform == "x")
        thanks = self.phrases["thanks"]
        month = w.first_month
        while month <= w.last_month:
            quiet = month == w.last_month and w.effects.partners_quiet_last_month()
            days = [d for d in w.days if d.year == month.year and d.month == month.month]
            for partner in self.org.partners:
                for _ in range(0 if quiet else PARTNER_MESSAGES):
                    day = days[int(rng.integers(len(days)))]
                    when = self.local(day, float(rng.uniform(8 * 3600, 20 * 3600)))
                    lang = "cy" if rng.random() < 0.5 else "en"
                    bank = self.phrases["comments"][lang]
                    nid = self.native_id("x", when, rng)
                    w.interactions.append(Interaction("x", nid, "mention", None, None, partner, False, when,
                                                      f"@{acct.handle} {bank[int(rng.integers(len(bank)))]}",
                                                      lang, to=acct.handle))
                    # answered as quickly as anything else on X (no effect on response times)
                    hours = float(rng.lognormal(np.log(w.effects.response_median_hours("x")), 0.7))
                    at = when + timedelta(seconds=max(hours * 3600, 120.0))
                    if at < w.end:
                        rid = self.native_id("x", at, rng)
                        reply = thanks[lang][int(rng.integers(len(thanks[lang])))]
                        w.interactions.append(Interaction("x", rid, "reply", None, nid, acct.handle, True, at,
                                                          f"@{partner} {reply}", lang, to=partner))
            month = _add_months(month, 1)

    def gen_community(self) -> None:
        """The community network on Mastodon: COMMUNITY_MEMBERS people who mention Owain Davies
        (with the effect) or, without it, Owain or the official account at random."""
        rng = self.r_extra
        w = self.world
        owain = next(a for a in self.org.accounts if a.platform == "mastodon" and a.person == "Owain Davies")
        official = next(a for a in self.org.accounts if a.platform == "mastodon" and a.official)
        members = []
        for k in range(COMMUNITY_MEMBERS):
            first = FIRST_NAMES[int(rng.integers(len(FIRST_NAMES)))].lower()
            members.append(f"cor_{first}{k}@{INSTANCES[k % len(INSTANCES)]}")
        per_day = COMMUNITY_RATE * 12 / 365.25
        for day in w.days:
            for m in members:
                if rng.random() >= per_day:
                    continue
                to = owain if w.effects.community_alone() or rng.random() < 0.5 else official
                when = self.local(day, float(rng.uniform(8 * 3600, 22 * 3600)))
                lang = "cy" if rng.random() < 0.5 else "en"
                bank = self.phrases["comments"][lang]
                user, host = m.split("@")
                nid = f"https://{host}/users/{user}/statuses/{self.native_id('mastodon', when, rng)}"
                w.interactions.append(Interaction("mastodon", nid, "mention", None, None, m, False, when,
                                                  f"@{to.handle} {bank[int(rng.integers(len(bank)))]}", lang,
                                                  to=to.handle, community=True))

    def tag_workshop_time(self) -> None:
        """Mark time entries as workshop work: WORKSHOP_MINUTES of the minutes with the effect,
        else the workshop posts' share of the engagement (hours follow results)."""
        rng = self.r_extra
        w = self.world
        share = w.effects.workshop_minutes()
        if share is None:
            total = sum(p.engagement for p in w.posts)
            share = sum(p.engagement for p in w.posts if p.workshop) / total if total else 0.0
        notes = self.phrases["workshop_time"]["notes"]
        for e in w.effort:
            if e.activity in ("create", "engage", "plan") and rng.random() < share / self._workshop_eligible():
                e.workshop = True
                e.note = notes[int(rng.integers(len(notes)))]

    def _workshop_eligible(self) -> float:
        """The share of minutes that can be workshop work (create, engage, plan)."""
        if not hasattr(self, "_eligible"):
            total = sum(e.minutes for e in self.world.effort)
            self._eligible = sum(e.minutes for e in self.world.effort
                                 if e.activity in ("create", "engage", "plan")) / total
        return self._eligible

    def gen_effort(self) -> None:
        rng = self.r_effort
        w = self.world
        fx = w.effects
        weekly_minutes = {p.name: p.hours_per_week * 60 for p in self.org.people}

        def on_platform(p: PersonSpec) -> float:
            """The share of a person's minutes that will name a platform."""
            return sum(v * (1.0 if k in PLATFORM_WORK else OTHER_ON_PLATFORM) for k, v in p.activities.items())

        # Expected platform minutes per week: fixed by people who work on named platforms,
        # and a pool shared out so each platform gets its target share.
        fixed: Counter[str] = Counter()
        pool = 0.0
        for p in self.org.people:
            share = on_platform(p) * weekly_minutes[p.name]
            if p.platforms:
                for plat, wgt in p.platforms.items():
                    fixed[plat] += share * wgt
            else:
                pool += share
        total = pool + sum(fixed.values())
        eng = w.engagement_by_platform()
        planted = {plat: fx.time_share(plat) for plat in eng}
        free = 1.0 - sum(s for s in planted.values() if s is not None)
        rest = sum(v for plat, v in eng.items() if planted[plat] is None)
        target = {plat: total * (planted[plat] if planted[plat] is not None else free * eng[plat] / rest)
                  for plat in eng}
        shared_weights = {plat: max(0.0, target[plat] - fixed[plat]) for plat in sorted(target)}
        notes = self.phrases["effort_notes"]
        for person in self.org.people:
            weights = person.platforms or shared_weights
            workdays = {WEEKDAYS.index(d) for d in person.days}
            p_day = min(1.0, max(0.35, person.hours_per_week / 5))
            for day in w.days:
                if day.weekday() not in workdays:
                    continue
                if (day.month == 12 and day.day >= 24) or (day.month == 1 and day.day == 1):
                    continue
                if rng.random() > p_day or rng.random() < 0.06:
                    continue
                budget = weekly_minutes[person.name] / (len(workdays) * p_day) * rng.lognormal(0, 0.3)
                k = 1 + min(int(rng.poisson(1.2)), 3)
                parts = rng.dirichlet(np.ones(k)) * budget
                for part in parts:
                    minutes = int(max(5, round(part / 5) * 5))
                    activity = _pick(rng, person.activities)
                    platform = None
                    if activity in PLATFORM_WORK or rng.random() < OTHER_ON_PLATFORM:
                        platform = _pick(rng, weights)
                    bank = notes[activity]
                    w.effort.append(EffortEntry(person.name, day, minutes, platform, activity,
                                                bank[int(rng.integers(len(bank)))]))


def status_uri(acct: AccountSpec, number: str) -> str:
    user, host = acct.handle.split("@")
    return f"https://{host}/users/{user}/statuses/{number}"


_SHORTCODE = string.ascii_letters + string.digits + "-_"


def _post_url(acct: AccountSpec, nid: str, rng: np.random.Generator) -> str:
    if acct.platform == "x":
        return f"https://x.com/{acct.handle}/status/{nid}"
    if acct.platform == "mastodon":
        user, host = acct.handle.split("@")
        return f"https://{host}/@{user}/{nid.rsplit('/', 1)[-1]}"
    if acct.platform == "instagram":
        code = "".join(_SHORTCODE[int(i)] for i in rng.integers(0, len(_SHORTCODE), 11))
        return f"https://www.instagram.com/p/{code}/"
    if acct.platform == "facebook":
        return f"https://www.facebook.com/{acct.handle}/posts/{nid.split('_')[1]}"
    return f"https://www.linkedin.com/feed/update/urn:li:activity:{nid}/"


def generate(org: Organisation, phrases: dict[str, Any], *, seed: int, last_month: date,
             effects: bool) -> World:
    return Generator(org, phrases, seed=seed, last_month=last_month, effects=effects).run()
