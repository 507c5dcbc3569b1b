"""The workspace profile, `workspace.toml`: human-editable, validated, comments kept on edit."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import tomlkit
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

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


# The report's ink (body text) and page colours: brand colours are checked against them.
INK = "#1b1b1b"
PAPER = "#ffffff"
AA_TEXT = 4.5  # WCAG 2.1 AA contrast for normal text
LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml"}
LOGO_MAX_BYTES = 512 * 1024


def _rgb(v: str) -> tuple[int, int, int]:
    h = v.strip().lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    if not re.fullmatch(r"[0-9a-fA-F]{6}", h):
        raise ValueError(f"'{v}' is not a colour like \"#24496b\"")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of a "#rrggbb" colour."""
    def lin(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = _rgb(colour)
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


class Branding(BaseModel):
    """The report's name, logo and colours (`[branding]` in workspace.toml; docs/report.md).
    `accent` is used for headings and tile figures on white (and white text on it); `tint`
    behind the first page's tiles, under body text: both must reach WCAG AA (4.5:1)."""

    name: str | None = None  # the name on the cover; default organisation.name
    logo: str | None = None  # a PNG, JPEG or SVG file, relative to the workspace folder
    accent: str = "#24496b"
    tint: str = "#eef2f6"

    @field_validator("accent", "tint")
    @classmethod
    def _colour(cls, v: str, info: Any) -> str:
        h = "#{:02x}{:02x}{:02x}".format(*_rgb(v))
        against, what = (PAPER, "white paper") if info.field_name == "accent" else (INK, "the report's text (#1b1b1b)")
        ratio = contrast(h, against)
        if ratio < AA_TEXT:
            hint = "a darker colour" if info.field_name == "accent" else "a lighter colour"
            raise ValueError(f"'{v}' has contrast {ratio:.2f}:1 against {what}; text needs at least "
                             f"{AA_TEXT}:1 (WCAG AA): choose {hint}")
        return h

    @field_validator("logo")
    @classmethod
    def _logo(cls, v: str | None) -> str | None:
        if v is None or not v.strip():
            return None
        suffix = Path(v).suffix.lower()
        if suffix not in LOGO_TYPES:
            raise ValueError(f"'{v}' is not a PNG, JPEG or SVG file")
        return v.strip()


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


SURVEY_TOPICS = ("skills", "confidence", "time", "strategy")  # what a learning survey item asks about
SURVEY_KINDS = ("scale", "text")


class SurveyItem(BaseModel):
    """One item of the learning survey (`[[survey.items]]`): a scale (a whole number from `min`
    to `max`, higher is better) or free text, asked in English (`en`) and Welsh (`cy`)."""

    id: str
    topic: str
    kind: str = "scale"
    en: str
    cy: str
    min: int = 1
    max: int = 5

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        v = v.strip()
        if not re.fullmatch(r"[a-z0-9_]+", v):
            raise ValueError(f"'{v}' is not an item id: use lower-case letters, digits and _ (e.g. \"confidence_welsh\")")
        return v

    @field_validator("topic")
    @classmethod
    def _topic(cls, v: str) -> str:
        return _one_of(v, SURVEY_TOPICS, "survey topic")

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        return _one_of(v, SURVEY_KINDS, "survey item kind")

    @field_validator("en", "cy")
    @classmethod
    def _text(cls, v: str) -> str:
        v = v.strip()
        if not v:
            raise ValueError("an item needs its question in English (en) and Welsh (cy)")
        return v

    @model_validator(mode="after")
    def _range(self) -> SurveyItem:
        if self.kind == "scale" and self.max <= self.min:
            raise ValueError(f"item '{self.id}': max ({self.max}) must be above min ({self.min})")
        return self


class Survey(BaseModel):
    """The learning survey (`[survey]`): its items, and how often each person answers it
    (`every_months`; `smi survey` says when it is due)."""

    every_months: int = Field(default=3, ge=1, le=24)
    items: list[SurveyItem] = Field(default_factory=list)

    @field_validator("items")
    @classmethod
    def _unique(cls, v: list[SurveyItem]) -> list[SurveyItem]:
        seen: set[str] = set()
        for item in v:
            if item.id in seen:
                raise ValueError(f"item id '{item.id}' is given twice; give each item its own id")
            seen.add(item.id)
        return v


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
    # The organisation's priorities (Q1): 1 is the first priority; `share` is the share of the
    # official accounts' posts the organisation wants the purpose to have (0-1). Both optional.
    priority: int | None = Field(default=None, ge=1, le=9)
    share: float | None = Field(default=None, gt=0, le=1)

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
    branding: Branding = Field(default_factory=Branding)
    survey: Survey = Field(default_factory=Survey)

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

# The report's cover: name, logo (PNG, JPEG or SVG in this folder) and colours, checked for
# contrast (WCAG AA 4.5:1): accent against white, the tint against the report's text.
# [branding]
# name = "Our Theatre"
# logo = "logo.png"
# accent = "#24496b"         # headings and figures
# tint = "#eef2f6"           # behind the first page's tiles

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
# priority = 2              # the organisation's priorities: 1 first (optional)
# [purposes.collaborate]
# handles = ["x:@theatrewales"]
# priority = 1
# share = 0.25              # the share of the official posts it should have (optional)
# `smi label` asks you the purpose of the posts the model is least sure of; the model
# learns from those labels and from labels in the data.

# The learning survey: skills, confidence, time and strategy, answered by each person every
# few months (`smi survey --person NAME`); the report shows change over time, no names.
# [survey]
# every_months = 3
# [[survey.items]]
# id = "confidence_posting"
# topic = "confidence"       # skills | confidence | time | strategy
# kind = "scale"             # scale (min..max, higher is better) | text
# en = "How confident are you posting for the organisation?"
# cy = "Pa mor hyderus ydych chi'n postio ar ran y sefydliad?"

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
