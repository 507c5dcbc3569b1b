"""The report's relationship map for Q1 (issue 13): who the organisation's accounts talk
with this month, by stakeholder group, and the connectors (people and organisations several
of its accounts talk with), from Month.relationships (smi.monthly.relationships_of_month)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from smi.report.i18n import N_, Words

HEADERS = (N_("Group"), N_("People and organisations"), N_("Messages"), N_("Held by"))


@dataclass
class RelationshipsView:
    intro: str
    rows: list[list[str]] = field(default_factory=list)
    connectors_title: str = ""
    connectors: list[str] = field(default_factory=list)
    nothing: str = ""


def view(w: Words, rel: dict[str, Any], month: str) -> RelationshipsView:
    _ = w._
    intro = _("In %(month)s your official and staff accounts (%(holders)s) exchanged %(messages)s messages with %(people)s people and organisations; %(single)s of them only one member of staff is in touch with.",
              month=month, holders=w.num(rel["holders"]), messages=w.num(rel["messages"]),
              people=w.num(rel["counterparts"]), single=w.num(rel["single_holder"]))
    rows = [[g["group"] if g["group"] is not None else _("no group"), w.num(g["counterparts"]), w.num(g["messages"]),
             w.join(g["holders"], "and") or "–"] for g in rel["groups"]]
    title = _("Connectors: people and organisations more than one of your accounts talks with (%(n)s)",
              n=w.num(rel["connectors_all"]))
    lines = [_("%(who)s (%(group)s): %(holders)s; %(n)s messages", who=c["id"],
               group=c["group"] if c["group"] is not None else _("no group"), holders=w.join(c["holders"], "and"),
               n=w.num(c["messages"])) for c in rel["connectors"]]
    nothing = "" if lines else _("No one talks with more than one of your accounts this month.")
    return RelationshipsView(intro, rows, title, lines, nothing)
