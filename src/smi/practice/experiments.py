"""Experiments: a change tried for a while, with a hypothesis and the metric that judges it.

`subject` is one dimension value (`format=video`, `language=cy+en`, `person=Ann`, …) that
the metric can be broken down by, optionally within one platform. It is stored as JSON,
e.g. {"format": "video", "platform": "instagram"}. smi.practice.evaluate judges it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from smi.platforms import PLATFORMS, normalise_platform, parse_account
from smi.practice import PracticeError, parse_date
from smi.practice.evaluate import JUDGED, PER_POST, as_report_dict
from smi.store import practice as records

if TYPE_CHECKING:
    from smi.workspace import Workspace

# Dimensions an experiment's subject can name (those a single post has).
SUBJECT_DIMS = ("platform", "account_id", "person", "kind", "format", "language", "label", "weekday", "hour")
DIM_ALIASES = {"account": "account_id", "lang": "language", "campaign": "label", "labels": "label"}
GRACE_DAYS = 7  # a window may start this many days before the experiment was agreed (e.g. last Monday)


@dataclass(frozen=True)
class Experiment:
    experiment_id: int
    title: str
    hypothesis: str | None
    metric: str
    subject: dict[str, str]
    starts_on: date
    ends_on: date
    status: str = "running"
    result: dict[str, Any] | None = None

    @property
    def verdict(self) -> str | None:
        return self.result.get("verdict") if self.result else None

    def subject_text(self) -> str:
        s = dict(self.subject)
        platform = s.pop("platform", None) if len(s) > 1 else None
        text = ", ".join(f"{k}={v}" for k, v in s.items())
        return text + (f" on {platform}" if platform else "")

    def as_dict(self) -> dict[str, Any]:
        return as_report_dict({
            "experiment_id": self.experiment_id, "title": self.title, "hypothesis": self.hypothesis,
            "metric": self.metric, "subject": self.subject, "starts_on": self.starts_on,
            "ends_on": self.ends_on, "status": self.status, "result": self.result,
        })


def _platform(value: str, field: str) -> str:
    p = normalise_platform(value)
    if p is None:
        raise PracticeError(field, f"'{value}' is not a platform", fix=f"use one of: {', '.join(PLATFORMS)}")
    return p


def parse_subject(text: str, metric_by: tuple[str, ...], metric: str) -> tuple[str, str]:
    """'format=video' -> ('format', 'video'), checked against what the metric can break down by."""
    dim, sep, value = text.partition("=")
    dim = DIM_ALIASES.get(dim.strip().lower(), dim.strip().lower())
    value = value.strip()
    if not sep or not dim or not value:
        raise PracticeError("--subject", f"'{text}' is not DIM=VALUE",
                            fix="write e.g. --subject language=cy+en or --subject format=video")
    allowed = [d for d in SUBJECT_DIMS if d in metric_by]
    if dim not in allowed:
        raise PracticeError("--subject", f"metric {metric} cannot be broken down by '{dim}'",
                            fix=f"use one of: {', '.join(allowed)}")
    if dim == "platform":
        value = _platform(value, "--subject")
    elif dim == "account_id":
        plat, handle = parse_account(value)
        value = f"{plat}:{handle}"
    elif dim in ("weekday", "hour"):
        top = 7 if dim == "weekday" else 23
        if not value.isdigit() or not (dim == "hour" or int(value) >= 1) or int(value) > top:
            raise PracticeError("--subject", f"{dim} '{value}' is out of range",
                                fix="weekday is 1 (Monday) to 7 (Sunday); hour is 0 to 23, local time")
        value = str(int(value))
    return dim, value


def start_experiment(
    ws: Workspace, title: str, *, hypothesis: str | None, metric: str, subject: str,
    from_: str | date, to: str | date, platform: str | None = None, agreed_on: str | date | None = None,
) -> Experiment:
    """Record an experiment. `agreed_on` is the day the team agreed it (default today): its
    window may not start more than GRACE_DAYS before, so it is judged on days that were not
    chosen after the fact."""
    from datetime import timedelta

    from smi.metrics.registry import load_all

    title = title.strip()
    if not title:
        raise PracticeError("title", "is empty", fix='name the experiment, e.g. "Post bilingually on Instagram"')
    catalogue = load_all()
    if metric not in catalogue:
        raise PracticeError("--metric", f"there is no metric '{metric}'",
                            fix="see `smi metrics` for the catalogue, e.g. engagement_rate_impressions")
    if metric not in JUDGED:
        raise PracticeError("--metric", f"experiments cannot be judged on {metric}",
                            fix=f"use one of: {', '.join(sorted(JUDGED))}")
    m = catalogue[metric]
    dim, value = parse_subject(subject, m.by, metric)
    if metric not in PER_POST and dim != "platform":
        raise PracticeError("--subject", f"{metric} is judged per platform, not per {dim}",
                            fix="name the platform the change is made on, e.g. --subject platform=facebook")
    starts, ends = parse_date(from_, "--from"), parse_date(to, "--to")
    if ends < starts:
        raise PracticeError("--to", f"{ends} is before --from {starts}", fix="give a --to on or after --from")
    agreed = date.today() if agreed_on is None else parse_date(agreed_on, "--agreed-on")
    if starts < agreed - timedelta(days=GRACE_DAYS):
        raise PracticeError(
            "--from", f"{starts} is {(agreed - starts).days} days before the experiment was agreed ({agreed})",
            fix=f"an experiment judges a change made from when it was agreed: start it on or after "
                f"{agreed - timedelta(days=GRACE_DAYS)}, or give --agreed-on with the day it was agreed",
        )
    subj = {dim: value}
    if platform is not None:
        p = _platform(platform, "--platform")
        if dim == "platform":
            raise PracticeError("--platform", "the subject is already a platform",
                                fix="drop --platform, or make the subject another dimension")
        subj["platform"] = p
    eid = records.add_experiment(ws.store, title=title, hypothesis=(hypothesis or "").strip() or None,
                                 metric=metric, subject=subj, starts_on=starts, ends_on=ends, agreed_on=agreed)
    return Experiment(eid, title, (hypothesis or "").strip() or None, metric, subj, starts, ends)


def list_experiments(ws: Workspace) -> list[Experiment]:
    """Experiments in start order, with their stored result (see evaluate_experiments)."""
    return [Experiment(r["experiment_id"], r["title"], r["hypothesis"], r["metric"], r["subject"],
                       r["starts_on"], r["ends_on"], r["status"], r["result"])
            for r in records.experiments(ws.store)]
