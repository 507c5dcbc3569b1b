"""The report's initiatives board and what moved on it since the last meeting (issue 13),
from Month.initiatives (smi.monthly.initiatives_of_month), as words and one table in the
report's language. The Q1 section shows it after the purposes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from babel.numbers import format_decimal

from smi.report.i18n import N_, Words

HEADERS = (N_("Initiative"), N_("Owner"), N_("Impact"), N_("Effort"), N_("Impact/effort"), N_("Linked actions done"))


@dataclass
class InitiativesView:
    intro: str
    rows: list[list[str]] = field(default_factory=list)
    moved_title: str = ""
    moved: list[str] = field(default_factory=list)  # one line per move; [] with `nothing` said
    nothing: str = ""


def _score(w: Words, v: int | None) -> str:
    return "–" if v is None else w.num(v)


def view(w: Words, ini: dict[str, Any]) -> InitiativesView:
    """The board (open initiatives at the month's end, quick wins first) and the moves."""
    _ = w._
    board = ini["board"]
    if board:
        intro = _("%(n)s open at the end of %(month)s, by impact over effort (scores 1 to 5; quick wins first).",
                  n=w.num(len(board)), month=w.month(ini["until"][:7]))
    else:
        intro = _("No initiative open at the end of %(month)s: add one with `smi initiative add`.",
                  month=w.month(ini["until"][:7]))
    rows = []
    for i in board:
        rows.append([i["title"], i["owner"] or "–", _score(w, i["impact"]), _score(w, i["effort"]),
                     "–" if i["priority"] is None else format_decimal(i["priority"], format="0.00", locale=w.locale),
                     _("%(done)s of %(all)s", done=w.num(i["actions_done"]), all=w.num(i["actions"]))
                     if i["actions"] else "–"])
    day = w.day(ini["since"])
    if ini["since_meeting"]:
        moved_title = _("What moved since the meeting of %(day)s", day=day)
    else:
        moved_title = _("What moved since %(day)s", day=day)
    moved = []
    for a in ini["added"]:
        moved.append(_("Added: %(title)s (impact %(impact)s, effort %(effort)s)", title=a["title"],
                       impact=_score(w, a["impact"]), effort=_score(w, a["effort"])))
    for r in ini["rescored"]:
        (bi, be), (ni, ne) = r["before"], r["now"]
        if bi is None:
            moved.append(_("First scored: %(title)s: impact %(impact)s, effort %(effort)s", title=r["title"],
                           impact=w.num(ni), effort=w.num(ne)))
        else:
            moved.append(_("Scored again: %(title)s: impact %(impact_was)s → %(impact)s, effort %(effort_was)s → %(effort)s",
                           title=r["title"], impact_was=w.num(bi), impact=w.num(ni), effort_was=w.num(be),
                           effort=w.num(ne)))
    for c in ini["closed"]:
        if c["status"] == "done":
            line = _("Done: %(title)s", title=c["title"])
        else:
            line = _("Dropped: %(title)s", title=c["title"])
        moved.append(f"{line} ({c['outcome']})" if c["outcome"] else line)
    for a in ini["actions_done"]:
        moved.append(_("Linked action done: %(action)s (for %(title)s)", action=a["action_title"], title=a["title"]))
    nothing = "" if moved else _("Nothing moved on the board.")
    return InitiativesView(intro, rows, moved_title, moved, nothing)
