"""The report's insight sections: the month's findings with their status (smi.monthly runs
and stores them), one section per question, and the actions and experiments register.

Finding texts (titles, summaries, recommendations, evidence labels, chart titles) are messages
the detectors built (smi.messages): `say` says them in the edition's language through
the report's catalogue. A text whose messages no longer say what its English does (a finding
stored before messages existed) is shown in English, marked `lang="en"`.
"""

from __future__ import annotations

from typing import Any

from smi.monthly import SUMMARY_TOP  # noqa: F401  (re-exported: the summary's length, chosen with the month)
from smi.report.i18n import N_, Words

# Each question's section: (finding question, section id, title msgid).
QUESTION_SECTIONS = (
    ("Q1", "q1", N_("Q1 Fit: how social media fits with the rest of our work")),
    ("Q2", "q2", N_("Q2 Practice: what content, formats, times and languages work")),
    ("Q3", "q3", N_("Q3 Platforms: which platforms are right for us")),
    ("Q4", "q4", N_("Q4 People: whose voice resonates")),
    ("Q5", "q5", N_("Q5 Time: where our time goes")),
    ("Q6", "q6", N_("Q6 Value and service: are we serving people well")),
    ("Q7", "q7", N_("Q7 Success: our goals")),
    ("blind_spot", "blind-spots", N_("Blind spots: what we are not seeing")),
)
VERDICTS = {"worked": N_("worked"), "no detectable effect": N_("no detectable effect"),
            "worse": N_("worse"), "not carried out": N_("not carried out"), "too little data": N_("too little data"),
            None: N_("running")}
ACTION_STATUS = {"open": N_("open"), "in_progress": N_("in progress"), "done": N_("done"),
                 "dropped": N_("dropped")}


def say(f: dict[str, Any], part: str, w: Words) -> str:
    """A finding's title, summary or recommendation in the edition's language."""
    from smi.messages import english, render

    msgs = (f.get("messages") or {}).get(part)
    english_text = f.get(part) or ""
    if not msgs or english(msgs) != english_text:
        return english_text
    return render(msgs, w.t, w.locale)


def said_in(f: dict[str, Any], part: str, w: Words) -> str | None:
    """The language a finding's text is in when it differs from the edition's ("en"), else None."""
    from smi.messages import english

    if w.lang == "en":
        return None
    msgs = (f.get("messages") or {}).get(part)
    return None if msgs and english(msgs) == (f.get(part) or "") else "en"


def detail_text(f: dict[str, Any], w: Words) -> str:
    """The summary list's line after the title: the summary and the finding's status."""
    said = say(f, "summary", w) or f.get("detail") or ""
    if not f.get("status"):
        return said
    return f"{said} ({status_text(f, w)})"


def effect_text(f: dict[str, Any], w: Words) -> str:
    """'×1.72 (95%: ×1.49 to ×2.00)' or '+3.1 (95%: 1.2 to 5.0)'."""
    eff, ci = f["effect"], f["ci"]

    def n(v: float) -> str:
        return f"{v:,.2f}" if abs(v) >= 0.01 or v == 0 else f"{v:.2g}"

    if eff["kind"] == "ratio":
        return f"×{n(eff['value'])} (95%: ×{n(ci[0])} – ×{n(ci[1])})"
    sign = "+" if eff["value"] >= 0 else ""
    return f"{sign}{n(eff['value'])} (95%: {n(ci[0])} – {n(ci[1])})"


def q_text(f: dict[str, Any]) -> str:
    q = f.get("q_value")
    if q is None:
        return "–"
    return "< 0.001" if q < 0.001 else f"{q:.3f}"


def status_text(f: dict[str, Any], w: Words) -> str:
    if f.get("status") == "continuing":
        return w._("continuing since %(month)s", month=w.month(f["since"]))
    if f.get("status") == "resolved":
        return w._("resolved")
    return w._("new")


def evidence_columns(rows: list[dict[str, Any]]) -> list[str]:
    cols: list[str] = []
    for r in rows:
        for k in r:
            if k not in cols:
                cols.append(k)
    return cols


def cell_text(v: Any, w: Words) -> str:
    from smi.messages import is_message, render

    if v is None:
        return "–"
    if is_message(v):
        return render(v, w.t, w.locale)
    if isinstance(v, str) and len(v) == 7 and v[4] == "-" and v[:4].isdigit() and v[5:].isdigit():
        return w.month_short(v)
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, int):
        return w.num(v)
    if isinstance(v, float):
        if v.is_integer():
            return w.num(int(v))
        return f"{v:,.1f}" if abs(v) >= 100 else f"{v:.3g}"
    if isinstance(v, (list, dict)):
        return str(v)
    return str(v)


def verdict_text(e: dict[str, Any], w: Words) -> str:
    verdict = w._(VERDICTS.get(e["verdict"], e["verdict"] or VERDICTS[None]))
    if e.get("words"):
        return f"{verdict}: {e['words']}"
    if e.get("ratio") is not None:
        return f"{verdict} (×{e['ratio']:.2f}, p = {e['p_value']:.3g}; n = {e['n_subject']} / {e['n_control']})"
    if e.get("n_subject") is not None:
        return f"{verdict} (n = {e['n_subject']} / {e['n_control']})"
    return verdict
