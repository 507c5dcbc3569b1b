"""Q1 by purpose in words and table cells, for the HTML and Markdown reports (one language).

Renders `Month.purposes` (smi.purpose_q1.q1); reads no store.
"""

from __future__ import annotations

from typing import Any

from smi.report.i18n import N_, Words

PURPOSE_NAMES = {
    "promote": N_("promote"),
    "serve customers": N_("serve customers"),
    "develop products": N_("develop what we offer"),
    "collaborate": N_("collaborate"),
    "other": N_("other"),
}
SOURCE_NAMES = {
    "person": N_("people's labels"),
    "label": N_("labels in the data"),
    "rule": N_("rules"),
    "model": N_("the model"),
    "none": N_("nothing (other)"),
    "not set": N_("not set yet"),
}
HEADERS = (N_("Purpose"), N_("Priority"), N_("Share of posts"), N_("Share of staff hours"),
           N_("Share of engagements"), N_("Engagements per staff hour"), N_("Goals"))
GOAL_STATUS = {"met": N_("met"), "on track": N_("on track"), "behind": N_("behind"),
               "not available": N_("not available")}


def share(w: Words, x: float | None) -> str:
    """0.423 -> '42%'; None -> '–'."""
    return "–" if x is None else f"{w.num(round(x * 100))}%"


def name(w: Words, purpose: str) -> str:
    return w._(PURPOSE_NAMES.get(purpose, purpose))


def rows(w: Words, q: dict[str, Any]) -> list[list[str]]:
    """One row of cells per purpose with posts, hours or a priority (HEADERS order)."""
    out = []
    for r in q.get("rows", []):
        if not (r["posts"] or r["hours"] or r["priority"] or r["goals"]):
            continue
        goals = ", ".join(f"{w.num(n)} {w._(GOAL_STATUS.get(s, s))}" for s, n in r["goals"].items() if n)
        aim = (w._("%(share)s wanted", share=share(w, r["target_share"])) if r["target_share"] is not None else "")
        prio = (w.num(r["priority"]) if r["priority"] is not None else "–") + (f" ({aim})" if aim else "")
        eph = r["engagements_per_hour"]
        out.append([name(w, r["purpose"]), prio, share(w, r["share_of_posts"]), share(w, r["share_of_hours"]),
                    share(w, r["share_of_engagements"]), "–" if eph is None else w.num(round(eph, 1)), goals or "–"])
    return out


def sentences(w: Words, q: dict[str, Any]) -> list[str]:
    """Plain words: what each priority purpose got this month; the hours given to purposes."""
    out = []
    by = {r["purpose"]: r for r in q.get("rows", [])}
    for p in q.get("priorities", []):
        r = by.get(p)
        if r is None:
            continue
        kw = {"purpose": name(w, p), "priority": w.num(r["priority"]), "posts": share(w, r["share_of_posts"]),
              "hours": share(w, r["share_of_hours"]), "engagements": share(w, r["share_of_engagements"])}
        if r["target_share"] is not None:
            out.append(w._("Priority %(priority)s, %(purpose)s: %(posts)s of the posts (you want %(target)s), "
                           "%(hours)s of the staff hours given to a purpose and %(engagements)s of the engagements.",
                           target=share(w, r["target_share"]), **kw))
        else:
            out.append(w._("Priority %(priority)s, %(purpose)s: %(posts)s of the posts, %(hours)s of the staff hours "
                           "given to a purpose and %(engagements)s of the engagements.", **kw))
    if not q.get("priorities"):
        out.append(w._("The profile sets no priorities among the purposes: add priority = 1, 2, … under each "
                       "purpose in workspace.toml (for example [purposes.promote]) to compare against them."))
    return out


def hours_note(w: Words, q: dict[str, Any]) -> str:
    return w._("%(attributed)s of the %(total)s staff hours logged are given to a purpose: a time-log note the "
               "purpose rules match, else create and plan hours split by that week's posts on the platform and "
               "engage hours by its interactions; monitoring, reporting and learning serve every purpose.",
               attributed=w.num(round(q.get("hours_attributed") or 0)), total=w.num(round(q.get("hours") or 0)))


def sources_note(w: Words, q: dict[str, Any]) -> str:
    src = q.get("sources") or {}
    parts = [f"{w.num(src[s])} {w._(SOURCE_NAMES[s])}" for s in SOURCE_NAMES if src.get(s)]
    return w._("Where the %(count)s official posts' purposes come from: %(parts)s.",
               count=w.num(q.get("posts") or 0), parts=", ".join(parts) or "–")


def model_note(w: Words, q: dict[str, Any]) -> str:
    m = q.get("model") or {}
    if not m.get("enough"):
        return w._("Model accuracy: not enough labels (%(labels)s labelled, %(needed)s needed); label posts with "
                   "smi label.", labels=w.num(m.get("labels") or 0), needed=w.num(m.get("min_labels") or 0))
    return w._("Model accuracy on %(test)s held-back labels: %(accuracy)s (always giving the most common purpose: "
               "%(baseline)s); %(labels)s labels in all, %(people)s by people.",
               test=w.num(m["test"]), accuracy=share(w, m["accuracy"]), baseline=share(w, m["baseline"]),
               labels=w.num(m["labels"]), people=w.num(m["by_people"]))
