"""Judging an experiment at the end of its window.

The comparison (chosen and why): the subject's posts published in the window (e.g. videos
on Instagram) against the *other* posts of the same scope in the same window (Instagram's
other formats, same weeks). A concurrent control shares the season, the news, the
programme and any platform change, which a before/after comparison of the subject alone
would mistake for the experiment's effect. Without `--platform`, the control is every other
post in the window, on every platform.

Per post, the metric's own per-post value (e.g. engagements / impressions); posts without
the numbers (or with a zero denominator) are left out, never counted as 0. Only the official
accounts' posts count (staff's own accounts are theirs), unless the subject is a person. Then:

- Mann–Whitney U, two-sided, on the per-post values (rates are skewed; no normality assumed);
- a bootstrap 95% interval (2,000 resamples, fixed seed: the same data give the same result)
  of the ratio of means, subject / control, and of the difference of means;
- verdict: fewer than MIN_POSTS posts on either side: "too little data"; p < ALPHA and the
  interval of the difference excludes 0: "worked" if the subject did better (in the metric's
  good direction), else "worse"; otherwise "no detectable effect".
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np

from smi.metrics.tables import OFFICIAL
from smi.store import practice as records

if TYPE_CHECKING:
    from smi.workspace import Workspace

MIN_POSTS = 10  # on each side
ALPHA = 0.05
RESAMPLES = 2000
SEED = 20250601
KINDS = ("original", "quote", "reply")  # the posts the catalogue's per-post rates count (reposts excluded)
VERDICTS = ("worked", "no detectable effect", "worse", "too little data")
ENGAGEMENT_PARTS = ("reactions", "comments", "shares", "saves")


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


def _engagements(row: dict[str, Any]) -> float | None:
    parts = [row[p] for p in ENGAGEMENT_PARTS]
    if all(v is None for v in parts):
        return None
    return float(sum(v for v in parts if v is not None))


def post_value(row: dict[str, Any], how: PerPost) -> float | None:
    """The metric's value for one post, or None when the post lacks the numbers."""
    num = _engagements(row) if how.numerator == "engagements" else row[how.numerator]
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


def _bootstrap(a: np.ndarray, b: np.ndarray) -> tuple[list[float | None], list[float]]:
    rng = np.random.default_rng(SEED)
    ma = rng.choice(a, size=(RESAMPLES, a.size), replace=True).mean(axis=1)
    mb = rng.choice(b, size=(RESAMPLES, b.size), replace=True).mean(axis=1)
    diff = np.percentile(ma - mb, [2.5, 97.5])
    ok = mb > 0
    ratio: list[float | None] = [None, None]
    if ok.all():
        r = np.percentile(ma / mb, [2.5, 97.5])
        ratio = [float(r[0]), float(r[1])]
    return ratio, [float(diff[0]), float(diff[1])]


def judge(subject: list[float], control: list[float], higher_is_better: bool | None = True) -> dict[str, Any]:
    """The statistics and verdict for two samples of per-post values."""
    from scipy.stats import mannwhitneyu

    out: dict[str, Any] = {"n_subject": len(subject), "n_control": len(control),
                           "min_posts": MIN_POSTS, "alpha": ALPHA}
    out["mean_subject"] = float(np.mean(subject)) if subject else None
    out["mean_control"] = float(np.mean(control)) if control else None
    if len(subject) < MIN_POSTS or len(control) < MIN_POSTS:
        out.update(verdict="too little data", p_value=None, ratio=None, ratio_ci95=None,
                   difference=None, difference_ci95=None)
        return out
    a, b = np.asarray(subject, float), np.asarray(control, float)
    p = float(mannwhitneyu(a, b, alternative="two-sided").pvalue)
    ratio_ci, diff_ci = _bootstrap(a, b)
    diff = float(a.mean() - b.mean())
    out.update(
        p_value=p,
        ratio=float(a.mean() / b.mean()) if b.mean() > 0 else None,
        ratio_ci95=ratio_ci if ratio_ci[0] is not None else None,
        difference=diff,
        difference_ci95=diff_ci,
    )
    clear = p < ALPHA and (diff_ci[0] > 0 or diff_ci[1] < 0)
    better = diff > 0 if higher_is_better is not False else diff < 0
    out["verdict"] = ("worked" if better else "worse") if clear else "no detectable effect"
    return out


def evaluate(ws: Workspace, experiment: dict[str, Any]) -> dict[str, Any]:
    """Judge one experiment (a row of smi.store.practice.experiments) on the store's data."""
    from smi.metrics.registry import load_all

    metric = experiment["metric"]
    how = PER_POST[metric]
    subject = dict(experiment["subject"])
    platform = subject.pop("platform", None) if len(subject) > 1 else None
    (dim, value), = subject.items()
    rows = records.posts_between(ws.store, experiment["starts_on"], experiment["ends_on"], KINDS, platform)
    # The organisation's experiment: its official accounts' posts (an experiment on a member
    # of staff's own voice, subject person = NAME, compares their posts with the official ones).
    rows = [r for r in rows if r["person"] == OFFICIAL or (dim == "person" and r["person"] == value)]
    a: list[float] = []
    b: list[float] = []
    for r in rows:
        v = post_value(r, how)
        if v is not None:
            (a if matches(r, dim, value) else b).append(v)
    m = load_all().get(metric)
    result = judge(a, b, m.higher_is_better if m is not None else True)
    where = f" on {platform}" if platform else ""
    result.update(
        metric=metric,
        per_post=how.formula,
        subject=f"{dim}={value}{where}",
        control=f"other posts{where} in the same window ({dim} not {value})",
        window=[experiment["starts_on"].isoformat(), experiment["ends_on"].isoformat()],
        method=(f"Mann-Whitney U (two-sided) on per-post values; bootstrap 95% interval of the "
                f"ratio and difference of means ({RESAMPLES:,} resamples); at least {MIN_POSTS} "
                f"posts on each side; alpha {ALPHA}"),
    )
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
            if e["metric"] in PER_POST:
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
