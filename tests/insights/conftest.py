"""`make_world`: a small generated world for the detectors' own tests.

Three official accounts (Facebook, Instagram, LinkedIn), January to June 2025, June the month
under test. With no effect planted the world has everything that fooled the detectors before:
followers that grow by a constant number each day (so growth per 1,000 followers falls
smoothly), posting with a weekly cycle and a slow upward trend, over-dispersed engagement,
comments every day with a weekly cycle, each answered. Planted effects, each only in June:

- exposure_drop: one platform's impressions per post x0.35, engagements per impression as before;
- content_drop: one platform's engagements per impression x0.35, impressions as before;
- exposure_rise: one platform's impressions per post x2.5;
- collapse: one platform's posts x0.2 and engagements per post x0.4;
- growth_boost: one platform gains four times as many followers a day;
- new_platform: a YouTube channel with 1 video in April and 10 in June (a ratio against ~0);
- surge: three consecutive days with 40 extra comments each (one surge, not three);
- topic: 45 messages about the wheelchair access ramp, each answered, no post mentions it;
- burst: the comments given, more on Facebook on 14 June (BURST_DAY, a Saturday);
- tone: each inbound item's VADER tone, as `smi enrich` sets it (English texts).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

PLATFORMS = ("facebook", "instagram", "linkedin")
START, END = date(2025, 1, 1), date(2025, 6, 30)
MONTH = "2025-06"
JUNE = date(2025, 6, 1)
DAILY_GAIN = 7  # followers a day, every day, every platform
POST_WORDS = ["tickets", "show", "tonight", "cast", "rehearsal", "season", "music", "family", "booking",
              "stage", "summer", "festival", "workshop", "drama", "comedy", "choir"]
AUDIENCE_WORDS = ["tickets", "show", "tonight", "cast", "loved", "brilliant", "booking", "music", "family",
                  "season", "stage", "great", "festival", "comedy", "choir", "workshop"]
BURST_DAY = date(2025, 6, 14)
RAMP = ["Is there a wheelchair access ramp at the side door?",
        "The wheelchair ramp was blocked again, who do I ask about access?",
        "Will the access ramp for wheelchairs be fixed before the summer show?",
        "My mum uses a wheelchair: is the ramp access open at night?"]


@dataclass
class Plant:
    exposure_drop: str | None = None
    content_drop: str | None = None
    exposure_rise: str | None = None  # impressions per post x2.5 in June on this platform
    collapse: str | None = None
    topic: bool = False
    growth_boost: str | None = None  # followers gained a day x4 in June on this platform
    new_platform: bool = False  # YouTube: 1 video in April, 10 in June
    surge: bool = False  # 10-12 June: 40 extra comments a day on Facebook
    # a member of staff posting as herself on Facebook (facebook:ffion, Ffion Evans), two posts
    # a day, whose video posts get x4 the engagements per impression of her image posts; the
    # official Facebook posts are then a third video, with no format effect
    staff_video: bool = False
    # the first day of the content drop (June unless set: a drop from May is one that came the
    # month before the month under test)
    content_since: date = JUNE
    extra: dict[str, float] = field(default_factory=dict)
    # more June questions on Facebook, one a day from 1 June in turn (beside the topic's)
    questions: tuple[str, ...] = ()
    # more comments on Facebook on BURST_DAY (a Saturday), beside the day's usual ones
    burst: tuple[str, ...] = ()
    # each inbound item's VADER tone (as `smi enrich` sets it for English texts)
    tone: bool = False


def _rows(plant: Plant, seed: int) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    days = [START + timedelta(days=i) for i in range((END - START).days + 1)]
    accounts, audience, posts, metrics, inter = [], [], [], [], []
    for p_i, plat in enumerate(PLATFORMS):
        acc = f"{plat}:theatr"
        accounts.append({"account_id": acc, "platform": plat, "handle": "theatr", "is_official": True})
        followers = 4000 + 1500 * p_i
        for d_i, d in enumerate(days):
            gain = DAILY_GAIN * (4 if d >= JUNE and plant.growth_boost == plat else 1)
            followers += gain
            audience.append({"platform": plat, "account_id": acc, "date": d, "followers": followers,
                             "gained": gain, "lost": 0})
            june = d >= JUNE
            weekday = d.weekday() < 5
            rate = (1.6 if weekday else 0.5) * (1 + 0.3 * d_i / len(days))
            if june and plant.collapse == plat:
                rate *= 0.2
            for k in range(int(rng.poisson(rate))):
                key = f"{plat}:{d:%Y%m%d}{k}"
                when = datetime(d.year, d.month, d.day, 9 + k % 12, 0, tzinfo=UTC)
                words = rng.choice(POST_WORDS, size=6, replace=False)
                fmt = "video" if plant.staff_video and plat == "facebook" and (d_i + k) % 3 == 0 else "image"
                posts.append({"post_key": key, "platform": plat, "native_id": key.split(":")[1],
                              "account_id": acc, "published_at": when, "kind": "original", "format": fmt,
                              "text": "Our " + " ".join(words) + " news", "language": "en"})
                reach = followers * 0.12 * rng.lognormal(0, 0.5)
                er = 0.04 * rng.lognormal(0, 0.4)
                if june and plant.exposure_drop == plat:
                    reach *= 0.35
                if june and plant.exposure_rise == plat:
                    reach *= 2.5
                if d >= plant.content_since and plant.content_drop == plat:
                    er *= 0.35
                if june and plant.collapse == plat:
                    er *= 0.4
                imp = max(int(reach), 1)
                eng = int(rng.binomial(imp, min(er, 1.0)))
                metrics.append({"post_key": key, "observed_at": datetime(2025, 7, 10, tzinfo=UTC),
                                "impressions": imp, "reach": int(imp * 0.8), "reactions": int(eng * 0.7),
                                "comments": int(eng * 0.1), "shares": eng - int(eng * 0.7) - int(eng * 0.1)})
            n_in = int(rng.poisson((6 if weekday else 3) * (1.0 + 0.2 * d_i / len(days))))
            texts = [" ".join(rng.choice(AUDIENCE_WORDS, size=4, replace=False)) for _ in range(n_in)]
            if plant.surge and plat == "facebook" and d in (date(2025, 6, 10), date(2025, 6, 11), date(2025, 6, 12)):
                texts += [" ".join(rng.choice(AUDIENCE_WORDS, size=4, replace=False)) for _ in range(40)]
            if plant.topic and june and plat == "facebook" and d.day <= 30 and d.day % 2 == 0:
                texts += [RAMP[(d.day + j) % len(RAMP)] for j in range(3)]
            if plant.questions and june and plat == "facebook":
                texts += list(plant.questions[d.day - 1::30])
            if d == BURST_DAY and plat == "facebook":
                texts += list(plant.burst)
            for j, text in enumerate(texts):
                when = datetime(d.year, d.month, d.day, 10, j % 60, tzinfo=UTC)
                key = f"{plat}:c{d:%Y%m%d}{j}"
                inter.append({"interaction_key": key, "platform": plat, "native_id": key.split(":")[1],
                              "kind": "comment", "author": f"fan{rng.integers(0, 400)}", "from_organisation": False,
                              "created_at": when, "text": text, "language": "en", "in_reply_to": None})
                inter.append({"interaction_key": key + "r", "platform": plat, "native_id": key.split(":")[1] + "r",
                              "kind": "reply", "author": "theatr", "from_organisation": True,
                              "created_at": when + timedelta(hours=1), "text": "Thank you, see you soon",
                              "language": "en", "in_reply_to": key.split(":")[1]})
    if plant.tone:
        from smi.enrich.sentiment import scores

        tones = scores([r["text"] for r in inter], [r["language"] for r in inter])
        inter = [{**r, "sentiment": s} for r, s in zip(inter, tones, strict=True)]
    if plant.staff_video:
        srng = np.random.default_rng(seed + 100)
        for d in days:
            for k, fmt in enumerate(("video", "image")):
                key = f"facebook:ffion{d:%Y%m%d}{k}"
                posts.append({"post_key": key, "platform": "facebook", "native_id": key.split(":")[1],
                              "account_id": "facebook:ffion", "published_at": datetime(d.year, d.month, d.day, 12 + k,
                                                                                       tzinfo=UTC),
                              "kind": "original", "format": fmt, "text": "My news from the theatre", "language": "en"})
                imp = max(int(3000 * 0.12 * srng.lognormal(0, 0.5)), 1)
                er = 0.04 * (4 if fmt == "video" else 1) * srng.lognormal(0, 0.4)
                eng = int(srng.binomial(imp, min(er, 1.0)))
                metrics.append({"post_key": key, "observed_at": datetime(2025, 7, 10, tzinfo=UTC), "impressions": imp,
                                "reach": int(imp * 0.8), "reactions": eng, "comments": 0, "shares": 0})
    if plant.new_platform:
        accounts.append({"account_id": "youtube:theatr", "platform": "youtube", "handle": "theatr", "is_official": True})
        for i, d in enumerate([date(2025, 4, 15)] + [date(2025, 6, 2 + 3 * k) for k in range(10)]):
            key = f"youtube:v{i}"
            posts.append({"post_key": key, "platform": "youtube", "native_id": f"v{i}", "account_id": "youtube:theatr",
                          "published_at": datetime(d.year, d.month, d.day, 12, tzinfo=UTC), "kind": "original",
                          "format": "video", "text": "Our rehearsal video", "language": "en"})
            metrics.append({"post_key": key, "observed_at": datetime(2025, 7, 10, tzinfo=UTC), "impressions": 300,
                            "reach": 250, "reactions": 12, "comments": 2, "shares": 1})
    return {"accounts": pd.DataFrame(accounts), "audience_daily": pd.DataFrame(audience),
            "posts": pd.DataFrame(posts), "post_metrics": pd.DataFrame(metrics), "interactions": pd.DataFrame(inter)}


def build(path: object, plant: Plant | None = None, *, seed: int = 1) -> object:
    """Create the workspace at `path` (made with `smi init`) filled with the world; returns it open."""
    from pathlib import Path

    from smi.profile import PROFILE_NAME, ProfileFile
    from smi.workspace import Workspace

    prof = ProfileFile(Path(str(path)) / PROFILE_NAME)
    for plat in (*PLATFORMS, "youtube"):
        prof.add_account(plat, "theatr", True)
    if plant is not None and plant.staff_video:
        prof.add_person("Ffion Evans", ["facebook:ffion"], None, None, None)
    ws = Workspace.open(path)
    con = ws.store.con
    # One import of smi's canonical CSV format (which can carry any column) brought every row,
    # so the metrics know which days the data covers (an uncovered period is not available).
    con.execute("INSERT INTO imports (import_id, source, name, unit_hash, started_at, finished_at, observed_at) "
                "VALUES (1, 'canonical_csv', 'world', 'world', now(), now(), TIMESTAMPTZ '2025-07-01 00:00:00+00')")
    for table, df in _rows(plant or Plant(), seed).items():
        if table == "accounts":
            continue  # the profile's declaration made them
        df = df.assign(import_id=1, **({"first_import_id": 1} if table != "post_metrics" else {}))
        con.register("_world", df)
        cols = ", ".join(df.columns)
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _world")
        con.unregister("_world")
    return ws


@pytest.fixture
def make_world(make_ws):
    """make_world(**plant) -> an open workspace holding the world with those effects planted
    (no argument: the null world). Closed at the end of the test."""
    opened = []

    def make(seed: int = 1, **plant: object) -> object:
        ws = build(make_ws(), Plant(**plant), seed=seed)  # type: ignore[arg-type]
        opened.append(ws)
        return ws

    yield make
    for ws in opened:
        ws.close()


def assert_states_catalogue_figures(ws: object, f: object, platform: str, digits: int) -> None:
    """A change finding of June 2025 against March-May quotes what `smi metric METRIC --by
    platform` gives for the platform (June, and the three months before; rounded to `digits`),
    and its title's fall is its effect, inside its interval, clear of 1."""
    import re
    from datetime import date

    june = ws.metric(f.metric, ["platform"], month="2025-06")
    before = ws.metric(f.metric, ["platform"], from_=date(2025, 3, 1), to=date(2025, 5, 31))
    want_june = float(june[june.platform == platform].value.iloc[0])
    want_before = float(before[before.platform == platform].value.iloc[0])
    # (the evidence's first row is May's, the previous month, said beside it)
    (before_row,) = [r for r in f.evidence if r["period"] not in ("2025-05", "2025-06")]
    (june_row,) = [r for r in f.evidence if r["period"] == "2025-06"]
    assert (june_row["value"], before_row["value"]) == (round(want_june, digits), round(want_before, digits))
    pct = float(re.search(r"fell (\d+)%", f.title).group(1))
    assert pct == pytest.approx(100 * (1 - f.effect.value), abs=0.5)
    assert f.ci[0] <= f.effect.value <= f.ci[1] < 1

