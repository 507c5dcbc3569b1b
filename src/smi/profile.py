"""The workspace profile, `workspace.toml`: human-editable, validated, comments kept on edit."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import tomlkit
from pydantic import BaseModel, Field, ValidationError, field_validator

from smi.errors import ProfileError, SmiError
from smi.platforms import parse_account

PROFILE_NAME = "workspace.toml"

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class BusinessHours(BaseModel):
    days: list[str] = Field(default_factory=lambda: list(WEEKDAYS[:5]))
    start: str = "09:00"
    end: str = "17:00"

    @field_validator("days")
    @classmethod
    def _days(cls, v: list[str]) -> list[str]:
        bad = [d for d in v if d.lower()[:3] not in WEEKDAYS]
        if bad:
            raise ValueError(f"unknown day(s) {bad}; use {', '.join(WEEKDAYS)}")
        return [d.lower()[:3] for d in v]

    @field_validator("start", "end")
    @classmethod
    def _time(cls, v: str) -> str:
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", v):
            raise ValueError(f"'{v}' is not a time like 09:00")
        return v


class Organisation(BaseModel):
    name: str = Field(max_length=200)  # printed on every report page: a name, not a document
    timezone: str = "Europe/London"
    languages: list[str] = Field(default_factory=lambda: ["en"])
    currency: str = "GBP"  # ISO 4217: staff cost and money in the report ("£1,682.70")

    @field_validator("currency")
    @classmethod
    def _currency(cls, v: str) -> str:
        from babel.numbers import get_currency_name

        code = v.strip().upper()
        if len(code) != 3 or not code.isalpha() or get_currency_name(code, locale="en") == code:
            raise ValueError(f"'{v}' is not an ISO 4217 currency code such as GBP or EUR")
        return code

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"'{v}' is not an IANA time zone such as Europe/London") from None
        return v


class AccountDecl(BaseModel):
    platform: str
    handle: str
    official: bool = True


class Person(BaseModel):
    name: str
    role: str | None = None
    team: str | None = None
    handles: list[str] = Field(default_factory=list)
    cost_per_hour: float | None = None

    @field_validator("handles")
    @classmethod
    def _handles(cls, v: list[str]) -> list[str]:
        out = []
        for h in v:
            try:
                plat, handle = parse_account(h)
            except SmiError as e:
                raise ValueError(e.message) from None
            out.append(f"{plat}:@{handle}")
        return out


GROUP_AIMS = ("grow", "keep", "reduce")  # what the organisation wants from a stakeholder group
HOLDER_GROUPS = ("official", "staff")  # the network's own side: no stakeholder group has these names


class Group(BaseModel):
    """A stakeholder group (`[[groups]]`): audiences, artists, partners, funders, press…, the
    handles in it and what the organisation wants from it (smi.relationships)."""

    name: str
    handles: list[str] = Field(default_factory=list)
    aim: str = "keep"
    kind: str | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        v = v.strip()
        if not v:
            raise ValueError("a group needs a name, e.g. \"partners\"")
        if v.casefold() in HOLDER_GROUPS:
            raise ValueError(f"'{v}' names the organisation's own side of the network; call the group something else")
        return v

    @field_validator("aim")
    @classmethod
    def _aim(cls, v: str) -> str:
        return _one_of(v, GROUP_AIMS, "group aim")

    _handles = field_validator("handles")(Person._handles.__func__)  # type: ignore[attr-defined]


PURPOSES = ("promote", "serve customers", "develop products", "collaborate", "other")
KPI_PERIODS = ("month", "quarter", "year")  # the month, or the 3 or 12 months ending with it
ENGINES = ("duckdb", "spark")


def _one_of(value: str, allowed: tuple[str, ...], what: str) -> str:
    v = " ".join(value.strip().lower().replace("_", " ").replace("-", " ").split())
    if v not in allowed:
        raise ValueError(f"'{value}' is not a {what}; use one of: {', '.join(allowed)}")
    return v


PURPOSE_ALIASES = {"serve": "serve customers", "service": "serve customers", "develop": "develop products"}


class PurposeRule(BaseModel):
    """`[purposes.<purpose>]`: what marks a post or an interaction as serving that purpose
    (smi.purposes). Case does not matter; a domain matches its subdomains too."""

    labels: list[str] = Field(default_factory=list)  # labels or campaign tags already in the data
    handles: list[str] = Field(default_factory=list)  # partners: platform:@handle mentioned, replied to, or writing
    domains: list[str] = Field(default_factory=list)  # link domains, e.g. the ticketing site
    hashtags: list[str] = Field(default_factory=list)  # without the #
    words: list[str] = Field(default_factory=list)  # words or phrases, matched as whole words

    _handles = field_validator("handles")(Person._handles.__func__)  # type: ignore[attr-defined]

    @field_validator("labels", "domains", "hashtags", "words")
    @classmethod
    def _lower(cls, v: list[str]) -> list[str]:
        out = [x.strip().lower().lstrip("#") for x in v]
        if any(not x for x in out):
            raise ValueError("an empty entry: remove it")
        return out

    @field_validator("domains")
    @classmethod
    def _domains(cls, v: list[str]) -> list[str]:
        return [re.sub(r"^(https?://)?(www\.)?", "", d).split("/")[0] for d in v]


def _purpose_key(value: str) -> str:
    v = " ".join(value.strip().lower().replace("_", " ").replace("-", " ").split())
    v = PURPOSE_ALIASES.get(v, v)
    if v not in PURPOSES or v == "other":
        raise ValueError(f"'{value}' is not a purpose rules can give; use one of: "
                         + ", ".join(p for p in PURPOSES if p != "other") + " (other is what no rule matches)")
    return v


class KPI(BaseModel):
    metric: str
    target: float
    direction: str = "higher"
    period: str = "month"
    filter: dict[str, Any] = Field(default_factory=dict)

    @field_validator("direction")
    @classmethod
    def _direction(cls, v: str) -> str:
        return _one_of(v, ("higher", "lower"), "direction")

    @field_validator("period")
    @classmethod
    def _period(cls, v: str) -> str:
        return _one_of(v, KPI_PERIODS, "KPI period")


ACCOUNT_SCOPES = ("official", "staff", "all")  # whose numbers a goal counts (smi.metrics.scope)


class Goal(BaseModel):
    name: str
    purpose: str = "other"
    accounts: str = "official"  # official (default) | staff | all: whose accounts its KPIs count
    kpis: list[KPI] = Field(default_factory=list)

    @field_validator("accounts")
    @classmethod
    def _accounts(cls, v: str) -> str:
        return _one_of(v, ACCOUNT_SCOPES, "set of accounts")

    @field_validator("purpose")
    @classmethod
    def _purpose(cls, v: str) -> str:
        return _one_of(v, PURPOSES, "purpose")


class EngineSettings(BaseModel):
    """Where the metrics run: DuckDB (default) or Spark over the tables exported as Parquet."""

    name: str = "duckdb"
    master: str = "local[2]"
    parquet: str | None = None  # folder or URL the Spark engine reads (default: workspace/parquet)
    conf: dict[str, str] = Field(default_factory=dict)  # extra Spark settings

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        return _one_of(v, ENGINES, "metric engine")


class EffortMapping(BaseModel):
    """How Toggl/Clockify projects, tags and descriptions map to platform and activity."""

    platforms: dict[str, str] = Field(default_factory=dict)
    activities: dict[str, str] = Field(default_factory=dict)
    people: dict[str, str] = Field(default_factory=dict)


class ServiceTargets(BaseModel):
    """Optional service targets (`[service]`): first response within so many hours, and the
    share of inbound questions answered. Unset: findings compare platforms and months only."""

    response_hours_target: float | None = Field(default=None, gt=0)
    response_rate_target: float | None = Field(default=None, gt=0, le=1)


# The metric families a finding's minimum effect is set for (smi.insights.thresholds.DEFAULTS
# holds their values; tests/insights/test_thresholds.py checks the two name the same families).
FINDING_FAMILIES = ("counts", "per_post", "rates", "growth", "efficiency", "days", "activity", "words")


class FindingsSettings(BaseModel):
    """`[findings]`: `min_effect.<family> = { relative = …, absolute = …, floor = … }` overrides
    the smallest effect worth a finding (smi.insights.thresholds, docs/findings.md)."""

    min_effect: dict[str, dict[str, float]] = Field(default_factory=dict)

    @field_validator("min_effect")
    @classmethod
    def _families(cls, v: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        for family, values in v.items():
            if family not in FINDING_FAMILIES:
                raise ValueError(f"unknown metric family {family!r}; use one of {', '.join(FINDING_FAMILIES)}")
            for k, x in values.items():
                if k not in ("relative", "absolute", "floor") or x < 0:
                    raise ValueError(f"{family}.{k} = {x}: use relative, absolute or floor, at least 0")
        return v


class Profile(BaseModel):
    organisation: Organisation
    business_hours: BusinessHours = Field(default_factory=BusinessHours)
    accounts: list[AccountDecl] = Field(default_factory=list)
    people: list[Person] = Field(default_factory=list)
    goals: list[Goal] = Field(default_factory=list)
    effort: EffortMapping = Field(default_factory=EffortMapping)
    engine: EngineSettings = Field(default_factory=EngineSettings)
    service: ServiceTargets = Field(default_factory=ServiceTargets)
    findings: FindingsSettings = Field(default_factory=FindingsSettings)
    groups: list[Group] = Field(default_factory=list)
    purposes: dict[str, PurposeRule] = Field(default_factory=dict)

    @field_validator("purposes", mode="before")
    @classmethod
    def _purposes(cls, v: Any) -> Any:
        if not isinstance(v, dict):
            return v
        out: dict[str, Any] = {}
        for k, rule in v.items():
            key = _purpose_key(str(k))
            if key in out:
                raise ValueError(f"purpose '{key}' is given twice ('{k}'); keep one table for it")
            out[key] = rule
        return out

    def official_accounts(self) -> list[tuple[str, str]]:
        out = []
        for a in self.accounts:
            plat, handle = parse_account(f"{a.platform}:{a.handle}")
            out.append((plat, handle))
        return out


TEMPLATE = """\
# Social Media Insights workspace profile.
# Edit freely: smi keeps your comments when it changes this file.

[organisation]
name = ""
timezone = "Europe/London"   # IANA name; month boundaries and hours use it
languages = ["en"]           # the first is the report's default language; all are focus
                             # languages of language detection (docs/enrichment.md)
# currency = "GBP"           # ISO 4217 (default GBP): money in the report reads "£1,682.70"

# When the organisation answers its audience (first-response times in business hours).
[business_hours]
days = ["mon", "tue", "wed", "thu", "fri"]
start = "09:00"
end = "17:00"

# Accounts the organisation runs (`smi accounts add x:@handle --official`).
# [[accounts]]
# platform = "x"
# handle = "ourcharity"
# official = true

# Staff who post as themselves (`smi people add "Name" --handle x:@name`).
# [[people]]
# name = "Ceri Jones"
# role = "Marketing officer"
# handles = ["x:@ceri", "instagram:ceri"]
# cost_per_hour = 18.5

# Stakeholder groups: who they are and what the organisation wants from them (`smi network`).
# [[groups]]
# name = "partners"
# handles = ["x:@theatrewales", "mastodon:@arts@example.social"]
# aim = "grow"               # grow | keep | reduce

# Purposes: what marks a post or an interaction as promoting, serving customers, developing
# products or collaborating (`smi purposes apply`); first match by labels, handles, link
# domains, hashtags, then words; no match: other.
# [purposes.promote]
# domains = ["ticketsource.co.uk"]
# hashtags = ["whatson"]
# words = ["book now", "tickets"]
# [purposes.collaborate]
# handles = ["x:@theatrewales"]

# Goals and their KPIs (used by `smi goals` and the report's scorecard).
# [[goals]]
# name = "Fill the autumn season"
# purpose = "promote"      # promote | serve customers | develop products | collaborate | other
# [[goals.kpis]]
# metric = "engagements"    # a name from `smi metrics`
# target = 500
# direction = "higher"
"""


def _describe(err: ValidationError) -> tuple[str, str]:
    first = err.errors()[0]
    field = ".".join(str(p) for p in first["loc"])
    return field, first["msg"].removeprefix("Value error, ")


class ProfileFile:
    """The TOML document (comments and order kept) and its validated model."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.doc = tomlkit.parse(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ProfileError(
                str(path), "file", "not found", fix="run `smi init DIR` to create a workspace"
            ) from None
        except tomlkit.exceptions.ParseError as e:
            raise ProfileError(
                str(path), f"line {e.line}", f"not valid TOML ({e})", fix="correct the line"
            ) from None
        except UnicodeDecodeError as e:
            line = e.object[: e.start].count(b"\n") + 1 if isinstance(e.object, bytes) else 1
            raise ProfileError(str(path), f"line {line}", "is not UTF-8 text",
                               fix=f"save {path.name} as UTF-8 (any text editor can)") from None
        except RecursionError:
            raise ProfileError(str(path), "file", "nests arrays or tables too deeply to read",
                               fix=f"correct {path.name}; a workspace.toml nests at most a few levels") from None
        except OSError as e:
            raise ProfileError(str(path), "file", f"cannot be read ({e.strerror or e})",
                               fix=f"make {path.name} a readable file") from None
        self.model = self._validate(self.doc)

    def _validate(self, doc: tomlkit.TOMLDocument) -> Profile:
        try:
            return Profile.model_validate(doc.unwrap())
        except ValidationError as e:
            field, msg = _describe(e)
            raise ProfileError(str(self.path), field, msg, fix=f"edit {field} in {self.path.name}") from None

    @classmethod
    def create(
        cls, path: Path, name: str, timezone: str, languages: list[str]
    ) -> ProfileFile:
        doc = tomlkit.parse(TEMPLATE)
        doc["organisation"]["name"] = name  # type: ignore[index]
        doc["organisation"]["timezone"] = timezone  # type: ignore[index]
        langs = tomlkit.array()
        langs.extend(languages or ["en"])
        doc["organisation"]["languages"] = langs  # type: ignore[index]
        try:
            Profile.model_validate(doc.unwrap())
        except ValidationError as e:
            field, msg = _describe(e)
            raise ProfileError(str(path), field, msg, fix="check the value given to `smi init`") from None
        path.write_text(tomlkit.dumps(doc), encoding="utf-8")
        return cls(path)

    def save(self) -> None:
        self.model = self._validate(self.doc)
        self.path.write_text(tomlkit.dumps(self.doc), encoding="utf-8")

    def add_account(self, platform: str, handle: str, official: bool) -> bool:
        """Declare an organisation account. Returns False if it was already there."""
        accounts = self.doc.get("accounts")
        if accounts is None:
            accounts = tomlkit.aot()
            self.doc.append("accounts", accounts)
        for a in accounts:
            if parse_account(f"{a['platform']}:{a['handle']}") == (platform, handle):
                a["official"] = official
                self.save()
                return False
        t = tomlkit.table()
        t["platform"] = platform
        t["handle"] = handle
        t["official"] = official
        accounts.append(t)
        self.save()
        return True

    def add_person(
        self,
        name: str,
        handles: list[str],
        role: str | None,
        team: str | None,
        cost_per_hour: float | None,
    ) -> bool:
        """Declare a member of staff, or add handles to one. Returns True if new."""
        people = self.doc.get("people")
        if people is None:
            people = tomlkit.aot()
            self.doc.append("people", people)
        norm = ["{}:@{}".format(*parse_account(h)) for h in handles]
        for p in people:
            if str(p["name"]).casefold() == name.casefold():
                existing = p.get("handles")
                if existing is None:
                    existing = tomlkit.array()
                    p["handles"] = existing
                for h in norm:
                    if h not in existing:
                        existing.append(h)
                if role:
                    p["role"] = role
                if team:
                    p["team"] = team
                if cost_per_hour is not None:
                    p["cost_per_hour"] = cost_per_hour
                self.save()
                return False
        t = tomlkit.table()
        t["name"] = name
        if role:
            t["role"] = role
        if team:
            t["team"] = team
        arr = tomlkit.array()
        arr.extend(norm)
        t["handles"] = arr
        if cost_per_hour is not None:
            t["cost_per_hour"] = cost_per_hour
        people.append(t)
        self.save()
        return True

    def add_group(self, name: str, handles: list[str], aim: str | None = None) -> bool:
        """Declare a stakeholder group, or add handles to one (and set its aim). True if new."""
        try:
            checked = Group(name=name, handles=handles, aim=aim or "keep")
        except ValidationError as e:
            field, msg = _describe(e)
            option = {"name": "NAME", "aim": "--aim"}.get(field.split(".")[0], "--handle")
            raise ProfileError(str(self.path), option, msg, fix=f"give {option} another value") from None
        name, aim = checked.name, (checked.aim if aim else None)
        groups = self.doc.get("groups")
        if groups is None:
            groups = tomlkit.aot()
            self.doc.append("groups", groups)
        norm = ["{}:@{}".format(*parse_account(h)) for h in handles]
        for g in groups:
            if str(g["name"]).casefold() == name.strip().casefold():
                existing = g.get("handles")
                if existing is None:
                    existing = tomlkit.array()
                    g["handles"] = existing
                have = {"{}:@{}".format(*parse_account(str(h))) for h in existing}  # as written: any case
                for h in norm:
                    if h not in have:
                        existing.append(h)
                        have.add(h)
                if aim:
                    g["aim"] = aim
                self.save()
                return False
        t = tomlkit.table()
        t["name"] = name.strip()
        arr = tomlkit.array()
        arr.extend(norm)
        t["handles"] = arr
        t["aim"] = aim or "keep"
        groups.append(t)
        self.save()
        return True
