"""Judging an experiment: did the change it tried make a difference?

An experiment tries a change from its start day on (more video on Instagram, answering
Facebook within the day, posting three times a week). What it changed is judged as a
change, not as a difference that may have been there all along:

- **the measure**: the metric's own value per unit: per post for post rates (e.g.
  engagements / impressions, only posts that carry both numbers), per local day for
  response times (the catalogue's daily median), per week for posting frequency (posts
  in the week, 0 for a week without any);
- **before and after**: the experiment's window against a window of the same length just
  before its start;
- **a concurrent comparison**: the experiment's platform against the organisation's other
  platforms over the same two windows, so a season, the news or a change everyone saw is
  not taken for the experiment's effect (difference in differences, on the ratio scale):

      effect = (mean after / mean before on the platform) / (mean after / mean before elsewhere)

- a bootstrap 95% interval of the effect (each of the four groups resampled, 2,000 times,
  fixed seed: the same data give the same result) and a two-sided bootstrap p-value;
- the dose: for a subject within the platform (format=video), its share of the platform's
  posts before and after. If that share did not rise, the change was not carried out.

Verdicts: "too little data" (fewer than MIN_UNITS in a group, or no other platform to
compare with: name a --platform), "not carried out", "worked" / "worse" (p < ALPHA and
the interval excludes ×1, in the metric's good direction), else "no detectable effect".
Only the organisation's official accounts count (staff's own accounts are theirs), unless
the subject is a person.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np

from smi.store import practice as records

if TYPE_CHECKING:
    from smi.workspace import Workspace

MIN_POSTS = 10  # on each side
ALPHA = 0.05
RESAMPLES = 2000
SEED = 20250601
VERDICTS = ("worked", "no detectable effect", "worse", "not carried out", "too little data")


@dataclass(frozen=True)
class PerPost:
    """How a metric's value is computed for one post: numerator (/ denominator)."""

    numerator: str  # a post_metrics column or "engagements"
    denominator: str | None = None
    formula: str = ""


def _per_post() -> dict[str, PerPost]:
    out: dict[str, PerPost] = {}
    eng = "engagements (reactions + comments + shares + saves)"
    for den in ("impressions", "reach"):
        for name in (f"engagement_rate_{den}", f"engagement_rate_{den}_mean"):
            out[name] = PerPost("engagements", den, f"{eng} / {den}, per post")
    for name in ("engagements", "engagements_per_post"):
        out[name] = PerPost("engagements", None, f"{eng}, per post")
    for col in ("impressions", "reach", "views"):
        out[col] = PerPost(col, None, f"{col}, per post")
    out["reach_per_post"] = PerPost("reach", None, "reach, per post")
    out["applause_rate"] = PerPost("reactions", None, "reactions, per post")
    out["conversation_rate"] = PerPost("comments", None, "comments, per post")
    out["amplification_rate"] = PerPost("shares", None, "shares, per post")
    out["click_through_rate"] = PerPost("clicks", "impressions", "clicks / impressions, per post")
    out["video_view_rate"] = PerPost("video_views", "impressions", "video views / impressions, per post")
    out["saves_rate"] = PerPost("saves", "reach", "saves / reach, per post")
    return out


PER_POST = _per_post()


def post_value(row: dict[str, Any], how: PerPost) -> float | None:
    """The metric's value for one post, or None when the post lacks the numbers."""
    num = row[how.numerator]  # engagements: as the catalogue sums them (metrics.engagement.post_rows)
    if num is None:
        return None
    if how.denominator is None:
        return float(num)
    den = row[how.denominator]
    if not den:  # None or 0: not available
        return None
    return float(num) / float(den)


def matches(row: dict[str, Any], dim: str, value: str) -> bool:
    if dim == "label":
        return value in (row["labels"] or [])
    v = row[dim]
    return v is not None and str(v) == value


MIN_WEEKS = 3  # weeks on each side, for posting-frequency experiments
# Experiments judged per local day (response times: the catalogue's daily value)
PER_DAY = {
    "first_response_minutes_median": "the day's median minutes to a first reply (all hours)",
    "first_response_minutes_median_business": "the day's median business minutes to a first reply",
}
# Experiments judged per week (posting frequency): metric -> the catalogue metric counted per week
PER_WEEK = {"posts_per_week": "posts", "posts": "posts", "replies": "replies"}
JUDGED = (*PER_POST, *PER_DAY, *PER_WEEK)


@dataclass
class Unit:
    platform: str
    value: float
    in_subject: bool | None = None  # per post: does the post match the subject


def _post_units(ws: Workspace, metric: str, first: date, last: date, dim: str, value: str) -> list[Unit]:
    how = PER_POST[metric]
    out = []
    from smi.metrics.engagement import post_rows
    from smi.metrics.period import Period

    for r in post_rows(ws.store.ibis(), Period.between(first, last, ws.profile.organisation.timezone)):
        if r["person"] != "official" and not (dim == "person" and r["person"] == value):
            continue  # staff's own accounts are theirs, unless the experiment is about that person
        v = post_value(r, how)
        if v is not None:
            out.append(Unit(r["platform"], v, matches(r, dim, value)))
    return out


def _day_units(ws: Workspace, metric: str, first: date, last: date) -> list[Unit]:
    df = ws.metric(metric, ["platform", "day"], from_=first, to=last)
    return [Unit(r.platform, float(r.value)) for r in df.itertuples() if r.value is not None and r.value == r.value]


def _week_units(ws: Workspace, metric: str, first: date, last: date) -> list[Unit]:
    """Posts per whole week (Monday to Sunday) inside the window, 0 for a week without any,
    on every platform that has official posts in the window or before it."""
    from datetime import timedelta

    monday = first + timedelta(days=(7 - first.weekday()) % 7)
    weeks = []
    while monday + timedelta(days=6) <= last:
        weeks.append(monday)
        monday += timedelta(days=7)
    if not weeks:
        return []
    df = ws.metric(PER_WEEK[metric], ["platform", "person", "week"], from_=weeks[0], to=weeks[-1] + timedelta(days=6))
    df = df[df["person"] == "official"]
    counts = {(r.platform, r.week): float(r.value or 0) for r in df.itertuples()}
    platforms = {r["platform"] for r in ws.store.rows(
        "SELECT DISTINCT p.platform FROM posts p JOIN accounts a USING (account_id) "
        "WHERE a.is_official AND p.published_at < ?", [last + timedelta(days=1)])}
    return [Unit(p, counts.get((p, w), 0.0)) for p in sorted(platforms) for w in weeks]


def _units(ws: Workspace, metric: str, first: date, last: date, dim: str, value: str) -> list[Unit]:
    if metric in PER_POST:
        return _post_units(ws, metric, first, last, dim, value)
    if metric in PER_DAY:
        return _day_units(ws, metric, first, last)
    return _week_units(ws, metric, first, last)


def did(tb: list[float], ta: list[float], cb: list[float], ca: list[float]) -> dict[str, Any]:
    """Difference in differences on the ratio scale: (ta/tb) / (ca/cb) of the means, with a
    bootstrap 95% interval and two-sided p-value. None where a mean is 0."""
    groups = [np.asarray(g, float) for g in (tb, ta, cb, ca)]
    means = [float(g.mean()) for g in groups]
    out: dict[str, Any] = {"means": {"platform_before": means[0], "platform_after": means[1],
                                     "others_before": means[2], "others_after": means[3]}}
    if min(means) <= 0:
        out.update(ratio=None, ratio_ci95=None, p_value=None)
        return out
    rng = np.random.default_rng(SEED)
    boot = [rng.choice(g, size=(RESAMPLES, g.size), replace=True).mean(axis=1) for g in groups]
    with np.errstate(divide="ignore", invalid="ignore"):
        log_r = np.log(boot[1]) - np.log(boot[0]) - np.log(boot[3]) + np.log(boot[2])
    log_r = log_r[np.isfinite(log_r)]
    lo, hi = np.percentile(log_r, [2.5, 97.5])
    p = min(1.0, 2 * min(float(np.mean(log_r <= 0)), float(np.mean(log_r >= 0))))
    ratio = (means[1] / means[0]) / (means[3] / means[2])
    out.update(ratio=float(ratio), ratio_ci95=[float(np.exp(lo)), float(np.exp(hi))], p_value=max(p, 1 / RESAMPLES))
    return out


def _share(units: list[Unit]) -> float | None:
    flags = [u.in_subject for u in units if u.in_subject is not None]
    return sum(flags) / len(flags) if flags else None


def _words(r: dict[str, Any], platform: str | None, metric: str) -> str:
    """The verdict in a sentence, with its interval."""
    if r["verdict"] == "too little data":
        return r.get("reason") or "too little data to judge"
    if r["verdict"] == "not carried out":
        return (f"{r['subject']} was {r['dose']['before']:.0%} of {platform}'s posts before and "
                f"{r['dose']['after']:.0%} during the experiment: the change was not made, so it cannot be judged")
    lo, hi = r["ratio_ci95"]
    move = "rose" if r["ratio"] > 1 else "fell"
    text = (f"{metric} on {platform} {move} ×{r['ratio']:.2f} relative to the other platforms over the same "
            f"weeks (95% interval ×{lo:.2f} to ×{hi:.2f})")
    if r["verdict"] == "no detectable effect":
        text += ": no change that chance would not explain"
    if r.get("dose"):
        text += f"; {r['subject']} went from {r['dose']['before']:.0%} to {r['dose']['after']:.0%} of its posts"
    return text


def evaluate(ws: Workspace, experiment: dict[str, Any]) -> dict[str, Any]:
    """Judge one experiment (a row of smi.store.practice.experiments) on the store's data."""
    from datetime import timedelta

    from smi.metrics.registry import load_all

    metric = experiment["metric"]
    subject = dict(experiment["subject"])
    platform = subject.pop("platform", None) if len(subject) > 1 else None
    (dim, value), = subject.items()
    if dim == "platform":
        platform = value
    starts, ends = experiment["starts_on"], experiment["ends_on"]
    length = (ends - starts).days + 1
    before = (starts - timedelta(days=length), starts - timedelta(days=1))
    after_units = _units(ws, metric, starts, ends, dim, value)
    before_units = _units(ws, metric, *before, dim, value)
    unit = "posts" if metric in PER_POST else "days" if metric in PER_DAY else "weeks"
    need = MIN_WEEKS if unit == "weeks" else MIN_POSTS
    result: dict[str, Any] = {
        "metric": metric, "unit": unit, "subject": f"{dim}={value}" + (f" on {platform}" if platform else ""),
        "window": [starts.isoformat(), ends.isoformat()],
        "before": [before[0].isoformat(), before[1].isoformat()],
        "control": "the organisation's other platforms over the same two windows",
        "min_units": need, "alpha": ALPHA, "ratio": None, "ratio_ci95": None, "p_value": None,
        "method": (f"difference in differences of the mean per {unit[:-1]}: (after / before on the platform) / "
                   f"(after / before on the other platforms); bootstrap 95% interval and p-value "
                   f"({RESAMPLES:,} resamples); at least {need} {unit} in each group; alpha {ALPHA}"),
    }
    if metric in PER_POST:
        result["per_post"] = PER_POST[metric].formula
    if platform is None:
        result.update(verdict="too little data", n_subject=len(after_units), n_control=0,
                      reason="an experiment on every platform has nothing to compare with at the same time: "
                             "give it a --platform")
        result["words"] = _words(result, platform, metric)
        return result
    groups = {
        "platform_before": [u.value for u in before_units if u.platform == platform],
        "platform_after": [u.value for u in after_units if u.platform == platform],
        "others_before": [u.value for u in before_units if u.platform != platform],
        "others_after": [u.value for u in after_units if u.platform != platform],
    }
    result["n"] = {k: len(v) for k, v in groups.items()}
    result["n_subject"], result["n_control"] = len(groups["platform_after"]), len(groups["others_after"])
    if metric in PER_POST and dim != "platform":
        dose = {"before": _share([u for u in before_units if u.platform == platform]),
                "after": _share([u for u in after_units if u.platform == platform])}
        result["dose"] = dose
    small = [k for k, v in groups.items() if len(v) < need]
    if small:
        result.update(verdict="too little data",
                      reason=f"fewer than {need} {unit} in: " + ", ".join(k.replace("_", " ") for k in small))
        result["words"] = _words(result, platform, metric)
        return result
    dose = result.get("dose")
    if dose and (dose["before"] is None or dose["after"] is None or dose["after"] <= dose["before"]):
        result["verdict"] = "not carried out"
        result["words"] = _words(result, platform, metric)
        return result
    result.update(did(groups["platform_before"], groups["platform_after"], groups["others_before"],
                      groups["others_after"]))
    if result["ratio"] is None:
        result.update(verdict="too little data", reason="a group's mean is 0: a ratio cannot be formed")
    else:
        m = load_all().get(metric)
        higher = m.higher_is_better if m is not None else True
        lo, hi = result["ratio_ci95"]
        clear = result["p_value"] < ALPHA and (lo > 1 or hi < 1)
        better = result["ratio"] > 1 if higher is not False else result["ratio"] < 1
        result["verdict"] = ("worked" if better else "worse") if clear else "no detectable effect"
    result["words"] = _words(result, platform, metric)
    return result


def _month_end(month: str) -> date:
    from smi.practice import PracticeError

    try:
        y, m = (int(x) for x in month.split("-"))
        return date(y, m, calendar.monthrange(y, m)[1])
    except ValueError:
        raise PracticeError("--month", f"'{month}' is not a month", fix="write it as YYYY-MM, e.g. 2025-06") from None


def evaluate_experiments(ws: Workspace, month: str | None = None) -> list[dict[str, Any]]:
    """Every experiment that started by the end of `month` (YYYY-MM; None: all), in start order.

    Those whose window ended by the month's last day (None: by today) are judged now (result
    and status 'ended' stored); the others are 'running'. Each dict: id, title, hypothesis, metric,
    subject, from, to, status, verdict (None while running) and result.
    """
    end = _month_end(month) if month else date.today()
    out = []
    for e in records.experiments(ws.store):
        if month and e["starts_on"] > end:
            continue
        if e["ends_on"] <= end:
            if e["metric"] in JUDGED:
                result = evaluate(ws, e)
                records.set_experiment_result(ws.store, e["experiment_id"], "ended", result)
                e["status"], e["result"] = "ended", result
        else:
            e["status"] = "running"
            e["result"] = None
        out.append(as_report_dict(e))
    return out


def as_report_dict(e: dict[str, Any]) -> dict[str, Any]:
    result = e["result"]
    return {
        "id": e["experiment_id"],
        "title": e["title"],
        "hypothesis": e["hypothesis"],
        "metric": e["metric"],
        "subject": e["subject"],
        "from": e["starts_on"].isoformat(),
        "to": e["ends_on"].isoformat(),
        "status": e["status"],
        "verdict": result["verdict"] if result else None,
        "result": result,
    }
