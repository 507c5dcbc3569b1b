"""The demo organisation and its phrase banks, read from the TOML files beside this module."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources
from typing import Any

from smi.platforms import account_id


@dataclass(frozen=True)
class AccountSpec:
    key: str
    platform: str
    handle: str
    display_name: str
    voice: str
    posts_per_day: float
    followers: int
    growth: float
    reach: float
    languages: dict[str, float]
    formats: dict[str, float]
    person: str | None = None
    reposts: float = 0.0
    visits: float | None = None  # page visits per follower per day; None: not given

    @property
    def account_id(self) -> str:
        return account_id(self.platform, self.handle)

    @property
    def official(self) -> bool:
        return self.person is None

    @property
    def user(self) -> str:
        """The handle without its instance (Mastodon's `owain@host` -> `owain`)."""
        return self.handle.split("@", 1)[0]


@dataclass(frozen=True)
class PersonSpec:
    name: str
    role: str
    team: str
    cost_per_hour: float
    hours_per_week: float
    activities: dict[str, float]
    platforms: dict[str, float] | None = None  # None: allocated from the official accounts
    days: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")


@dataclass(frozen=True)
class Production:
    title: str
    tag: str
    start: date
    nights: int

    @property
    def end(self) -> date:
        return self.start + timedelta(days=self.nights - 1)


@dataclass
class Organisation:
    name: str
    timezone: str
    languages: list[str]
    website: str
    business_hours: dict[str, Any]
    accounts: list[AccountSpec]
    people: list[PersonSpec]
    goals: list[dict[str, Any]]
    productions_raw: list[dict[str, Any]] = field(default_factory=list)
    # Copied into the workspace profile as they are: [[groups]], [purposes.*], [survey].
    groups: list[dict[str, Any]] = field(default_factory=list)
    purposes: dict[str, Any] = field(default_factory=dict)
    survey: dict[str, Any] = field(default_factory=dict)
    # The people's survey answers, two rounds: {person: {item: [first, second]}}; the
    # initiatives on the shortlist (title, owner, impact, effort, agreed, rescored, closed,
    # actions) and the meetings (on, attendees, notes), days as "previous:D" or "last:D".
    survey_answers: dict[str, dict[str, list[Any]]] = field(default_factory=dict)
    initiatives: list[dict[str, Any]] = field(default_factory=list)
    meetings: list[dict[str, Any]] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)  # the partner handles on X (the "partners" group)

    def productions(self, first_month: date) -> list[Production]:
        out = []
        for p in self.productions_raw:
            y, m = divmod(first_month.month - 1 + int(p["month"]), 12)
            out.append(Production(p["title"], p["tag"], date(first_month.year + y, m + 1, int(p["day"])),
                                  int(p["nights"])))
        return out

    def account(self, key: str) -> AccountSpec:
        return next(a for a in self.accounts if a.key == key)

    def handles_of(self, person: str) -> list[str]:
        return [f"{a.platform}:@{a.handle}" for a in self.accounts if a.person == person]


def _toml(name: str) -> dict[str, Any]:
    return tomllib.loads(resources.files("smi.demo").joinpath(name).read_text(encoding="utf-8"))


def load_organisation() -> Organisation:
    d = _toml("organisation.toml")
    org = d["organisation"]
    return Organisation(
        name=org["name"],
        timezone=org["timezone"],
        languages=list(org["languages"]),
        website=org["website"],
        business_hours=dict(d["business_hours"]),
        accounts=[AccountSpec(**a) for a in d["accounts"]],
        people=[PersonSpec(**{**p, "days": tuple(p.get("days", PersonSpec.days))}) for p in d["people"]],
        goals=list(d["goals"]),
        productions_raw=list(d["productions"]),
        groups=list(d.get("groups", [])),
        purposes=dict(d.get("purposes", {})),
        survey=dict(d.get("survey", {})),
        survey_answers=dict(d.get("survey_answers", {})),
        initiatives=list(d.get("initiatives", [])),
        meetings=list(d.get("meetings", [])),
        partners=[h.split("@", 1)[1] for g in d.get("groups", []) if g["name"] == "partners" for h in g["handles"]],
    )


def load_phrases() -> dict[str, Any]:
    return _toml("phrases.toml")
