"""The report as Markdown for meeting notes: headings, GitHub-flavoured pipe tables, no HTML.
The chart is left out (its numbers are in the trend table)."""

from __future__ import annotations

from typing import Any

from smi.report import fmt
from smi.report import insights as ins
from smi.report.charts import from_first
from smi.report.i18n import Words
from smi.report.model import CHAIN_LABELS, LABELS, UNITS, ReportModel
from smi.report.render import (
    BESIDE_NOTE,
    KINDS,
    action_status,
    beside_text,
    best_view,
    chain_value,
    kpi_label,
    rate_text,
    sections,
    status_counts,
    status_word,
    target_text,
    trend_label,
    trend_table,
    trend_text,
    trend_value,
)
from smi.safety import markdown_text


def cell(text: object) -> str:
    """Text safe inside a pipe-table cell: one line, pipes and Markdown/HTML specials escaped."""
    s = " ".join(str(text).split())
    for ch in ("\\", "|", "*", "_", "`", "[", "]", "<", ">"):
        s = s.replace(ch, "\\" + ch)
    return s or "–"


def table(header: list[str], rows: list[list[str]], right: set[int] = frozenset()) -> list[str]:  # type: ignore[assignment]
    out = ["| " + " | ".join(cell(h) for h in header) + " |",
           "|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|"]
    out += ["| " + " | ".join(cell(c) for c in r) + " |" for r in rows]
    return out


def render_markdown(model: ReportModel, words: Words | None = None) -> str:
    w = words or Words(model.lang)
    _ = w._
    month, previous = w.month(model.period.start), w.month(model.previous.start)
    titles = dict(sections(model))
    lines = [
        f"# {_('%(organisation)s: social media report,', organisation=markdown_text(model.organisation))} {month}",
        "",
        _("Figures for %(start)s to %(end)s (time zone %(tz)s), compared with %(previous)s.",
          start=w.day(model.period.start), end=w.day(model.period.last_day), tz=model.timezone,
          previous=previous),
        "",
    ]
    if model.findings or model.questions:
        lines += [f"## {_(titles['summary'])}", ""]
        lines += _first_page_tiles(model, w)
        if model.findings:
            lines += [f"### {_('What we learned')}", ""]
        top = ((model.learned or model.summary or model.findings[:ins.SUMMARY_TOP]) if model.questions
               else model.findings)
        lines += [f"{i}. **{cell(ins.say(f, 'title', w))}** `{f['short_id']}` {cell(ins.detail_text(f, w))}"
                  for i, f in enumerate(top, 1)]
        if not model.findings:
            lines.append(_("Nothing significant this month."))
        elif top:
            from smi.report.render import ID_NOTE

            lines += ["", f"{_(ID_NOTE, id=top[0]['short_id'])} `smi action add --from-finding {top[0]['short_id']}`."]
        lines.append("")
        if model.questions:
            from smi.report.render import action_line

            lines += [f"### {_('Actions due')}", ""]
            lines += [f"- {cell(action_line(w, a, model.period.last_day.isoformat()))}" for a in model.actions_due]
            lines += [] if model.actions_due else [_("No open action is due by %(day)s.", day=w.day(_due_by(model)))]
            lines.append("")
        if model.resolved:
            lines += [f"### {_('Resolved since %(month)s', month=previous)}", ""]
            lines += [f"- {cell(ins.say(f, 'title', w))}" for f in model.resolved] + [""]
    lines += _scorecard(model, w)
    lines += _insight_sections(model, w)

    lines += [f"## {_('Key figures for %(month)s', month=month)}", ""]
    staff = model.staff_accounts > 0
    if staff:
        lines += [_("The organisation's official accounts. Staff's own accounts are shown beside them, not summed in."), ""]
    for block in model.platforms:
        rows = []
        for f in block.figures:
            vals = [w.num(v) + (f" ({r})" if v is None and r else "")
                    for v, r in ((f.current, f.reason), (f.previous, f.previous_reason))]
            pct = "–" if f.change is not None and not f.previous else w.pct(f.change_pct)
            beside = [("–" if f.staff is None else w.num(f.staff))] if staff else []
            rows.append([_(LABELS[f.metric.name]), *vals, w.change(f.change), pct, *beside])
        lines += [f"### {block.title}", ""]
        head = [_("Metric"), month, previous, _("Change"), _("Change") + " %"]
        head += [_("Staff's own accounts, %(month)s", month=month)] if staff else []
        lines += table(head, rows, {1, 2, 3, 4, 5})
        lines.append("")

    lines += [f"## {_('Top posts of %(month)s', month=month)}", ""]
    if model.top_posts:
        rows = []
        for i, p in enumerate(model.top_posts, 1):
            text = p["excerpt"] + ("" if p["kind"] == "original" else f" ({_(KINDS.get(p['kind'], p['kind']))})")
            if p.get("image"):  # the post's first kept image (smi.images), named
                text += " " + _("(image: %(file)s)", file=p["image"]["file"])
            rows.append([str(i), w.day(p["date"]), p["platform_title"], p["handle"], text,
                         w.num(p["engagements"]), "–" if p.get("impressions") is None else w.num(p["impressions"]),
                         rate_text(w, p.get("engagement_rate")), p["url"] or "–"])
        lines += table(["#", _("Date"), _("Platform"), _("Account"), _("Text"), _("Engagements"), _("Impressions"),
                        _("Engagement rate"), _("Link")], rows, {5, 6, 7})
    else:
        lines.append(_("No post published in %(month)s has engagement numbers.", month=month))
    lines.append("")

    trend, keys = from_first(model.trend, model.trend_months, {b.platform: b.first for b in model.platforms})
    lines += [f"## {_('Trends, %(first)s to %(last)s', first=w.month(keys[0]), last=w.month(keys[-1]))}", ""]
    rows = []
    for platform, measures in trend_table(model, trend).items():
        for measure, by_month in measures.items():
            rows.append([platform, trend_label(w, measure)] + [trend_value(w, measure, by_month.get(k), model.currency)
                                                               for k in keys])
    months = [w.month_short(k) for k in keys]
    lines += table([_("Platform"), _("Measure"), *months], rows, set(range(2, 2 + len(months))))
    lines += ["", _("n/a: not available."), ""]

    best = best_view(model, w, chart=False)
    if best:
        lines += [f"## {_('Best times to post, %(first)s to %(last)s', first=best['first'], last=best['last'])}", ""]
        lines += [_("Engagements a post by local weekday and part of the day, official accounts; a slot with fewer than %(count)s posts is left out. It describes when posts did well; it is not a test (Q2 tests times against each other).", count=w.num(best["min_posts"])), ""]
        lines += [f"- **{best['titles'][pid]}**: {line}" for pid, line in best["lines"].items()] + [""]
        rows = [[r["platform"], r["day"], r["part"], r["posts"], r["per_post"]] for r in best["rows"]]
        lines += table([_("Platform"), _("Day"), _("Part of the day"), _("Posts"), _("Engagements a post")], rows, {3, 4})
        lines.append("")

    lines += [f"## {_('Data coverage')}", "", f"### {_('Imports')}", ""]
    if model.imports:
        rows = [[str(i["import_id"]), i["name"], ", ".join(f["name"] for f in i["files"]) or "–",
                 i["source"], w.day(i["finished_at"]), w.day(i["observed_at"]),
                 w.num(sum(c.get("new") or 0 for c in i["counts"].values())), w.num(len(i["warnings"]))]
                for i in model.imports]
        lines += table(["#", _("Import"), _("Files"), _("Format"), _("Imported"), _("Numbers true at"),
                        _("New rows"), _("Warnings")], rows, {6, 7})
    else:
        lines.append(_("Nothing imported."))
    lines += ["", f"### {_('Dates per platform')}", ""]
    lines += table([_("Platform"), _("First day"), _("Last day")],
                   [[b.title, w.day(b.first), w.day(b.last)] for b in model.platforms])
    for u in model.undated_posts:
        lines += ["", _("%(platform)s: %(count)s posts have no publish time in the export; they count in "
                        "lifetime totals but in no month.", platform=u["platform"], count=w.num(u["count"]))]
    lines += ["", f"### {_('Not available')}", ""]
    if model.unavailable:
        lines += [f"- {cell(u['platform'])}: {_(LABELS[u['metric']]).lower()} — {cell(u['reason'])}."
                  for u in model.unavailable]
    else:
        lines.append(_("Every metric in this report is available on every platform."))

    lines += ["", f"## {_('Methodology')}", "",
              _("Months run from local midnight on the first to local midnight on the first of the next month, time zone %(tz)s. Exports give lifetime totals at export time: each post's latest snapshot is used.", tz=model.timezone),
              ""]
    for m in model.metrics:
        unit = _(UNITS.get(m.unit, m.unit))
        lines += [f"- **{_(LABELS[m.name])}** ({unit}): {_(m.description)}  ", f"  `{m.formula}`"]
    return "\n".join(lines).rstrip() + "\n"


def _purposes(model: ReportModel, w: Words) -> list[str]:
    """Q1 by purpose: what each priority got, the table, where the numbers come from."""
    from smi.report import purposes as pq

    q = model.purposes
    lines = [f"### {w._('Purposes')}", ""]
    lines += [s + "  " for s in pq.sentences(w, q)] + [""]
    lines += [*table([w._(h) for h in pq.HEADERS], pq.rows(w, q)), ""]
    lines += [pq.hours_note(w, q), "", pq.sources_note(w, q) + " " + pq.model_note(w, q), ""]
    return lines
def _relationships(model: ReportModel, w: Words) -> list[str]:
    """The month's relationship map: groups and connectors (smi.report.relationships)."""
    from smi.report.relationships import HEADERS, view

    v = view(w, model.relationships, w.month(model.period.start))
    lines = [f"### {w._('Relationships')}", "", v.intro, ""]
    lines += [*table([w._(h) for h in HEADERS], v.rows, right={1, 2}), ""]
    lines += [f"#### {v.connectors_title}", ""]
    lines += [f"- {cell(x)}" for x in v.connectors] if v.connectors else [v.nothing]
    return [*lines, ""]


def _initiatives(model: ReportModel, w: Words) -> list[str]:
    """The initiatives board and what moved since the last meeting (smi.report.initiatives)."""
    from smi.report.initiatives import HEADERS, view

    v = view(w, model.initiatives)
    lines = [f"### {w._('Initiatives')}", "", v.intro, ""]
    if v.rows:
        lines += [*table([w._(h) for h in HEADERS], v.rows, right={2, 3, 4, 5}), ""]
    lines += [f"#### {v.moved_title}", ""]
    lines += [f"- {cell(x)}" for x in v.moved] if v.moved else [v.nothing]
    return [*lines, ""]


def _due_by(model: ReportModel) -> Any:
    from datetime import timedelta

    from smi.monthly import DUE_AHEAD_DAYS

    return model.period.last_day + timedelta(days=DUE_AHEAD_DAYS)


def _first_page_tiles(model: ReportModel, w: Words) -> list[str]:
    """The KPI tiles as a table: value, vs last month, vs a year ago, goal status in words."""
    from smi.report.render import tile_texts

    if not model.kpis:
        return []
    rows = []
    for t in model.kpis:
        k = tile_texts(w, t, model)
        rows.append([k["name"], k["value"] + (f" ({k['scope']})" if k["scope"] else ""), k["previous"], k["year"],
                     k["goal"] or "–"])
    return [*table([w._("KPI"), w._("Value"), w.month(model.previous.start), w._("A year ago"), w._("Goal")], rows), ""]


def _insight_sections(model: ReportModel, w: Words) -> list[str]:
    """One section per question, then the actions and experiments register."""
    _ = w._
    lines: list[str] = []
    for q in model.questions:
        lines += [f"## {_(q['title'])}", ""]
        if q["question"] == "Q1" and model.purposes:
            lines += _purposes(model, w)
        if q["question"] == "Q1" and model.relationships:
            lines += _relationships(model, w)
        if q["question"] == "Q1" and model.initiatives:
            lines += _initiatives(model, w)
        if not q["findings"]:
            lines += [_("Nothing significant this month."), ""]
        for f in q["findings"]:
            lines += [f"### {cell(ins.say(f, 'title', w))} `{f['short_id']}`", "", cell(ins.say(f, "summary", w)), ""]
            lines += table([_("Effect"), _("q-value"), _("Status"), _("Recommendation")],
                           [[ins.effect_text(f, w), ins.q_text(f), ins.status_text(f, w), ins.say(f, "recommendation", w)]])
            lines.append("")
            taken = model.actions_for(f["id"])
            if taken:
                from smi.report.render import action_line

                lines += [f"{_('Actions agreed on this finding')}:", ""]
                lines += [f"- {cell(action_line(w, a, model.period.last_day.isoformat()))}" for a in taken] + [""]
            if f.get("evidence"):
                cols = ins.evidence_columns(f["evidence"])
                lines += [f"{_('Evidence')}:", ""]
                lines += table([fmt.evidence_header(w, c) for c in cols],
                               [[fmt.evidence_cell(w, c, r.get(c), model.currency) for c in cols] for r in f["evidence"]])
                lines.append("")
    lines += _chain(model, w)
    lines += _learning(model, w)
    if model.questions:
        lines += [f"## {_('Actions and experiments')}", ""]
        mt = model.meeting
        if mt:
            lines += [f"### {_('Last meeting: %(day)s', day=w.day(mt['date']))}", ""]
            if mt.get("attendees"):
                lines += [_("Present: %(names)s", names=w.join(mt["attendees"], "and")), ""]
            if mt.get("decisions"):
                lines += [f"{_('Decisions')}:", ""] + [f"- {cell(d)}" for d in mt["decisions"]] + [""]
            if mt.get("notes"):
                lines += [f"> {cell(x)}" if x.strip() else ">" for x in mt["notes"].splitlines()] + [""]
        lines += [f"### {_('Actions')}", ""]
        if model.actions:
            lines += table(["#", _("Action"), _("Owner"), _("Due"), _("Status"), _("Finding")],
                           [[str(a["id"]), a["title"], a["owner"] or "–", w.day(a["due"]) if a["due"] else "–",
                             action_status(w, a, model.period.last_day.isoformat()),
                             a.get("finding_short") or "–"] for a in model.actions])
        else:
            lines.append(_("No actions recorded."))
        lines += ["", f"### {_('Experiments')}", ""]
        if model.experiments:
            lines += table(["#", _("Experiment"), _("Window"), _("Verdict")],
                           [[str(e["id"]), f"{e['title']} ({e['subject']}, {e['metric']})",
                             f"{w.day(e['from'])} – {w.day(e['to'])}", ins.verdict_text(e, w)]
                            for e in model.experiments])
        else:
            lines.append(_("No experiments recorded."))
        lines.append("")
    return lines


def _scorecard(model: ReportModel, w: Words) -> list[str]:
    """The goal scorecard: one row per KPI of the profile's goals."""
    _ = w._
    if not model.scorecard:
        return []
    lines = [f"## {_('Goal scorecard')}", ""]
    staff = any(k.get("staff_value") is not None for k in model.scorecard)
    cur = model.currency
    head = [_("Goal"), _("KPI"), _("Value"), _("Target"), _("Status"), _("Trend (last three periods)")]
    lines += table(head + ([_("Staff's own accounts")] if staff else []),
                   [[k["goal"], kpi_label(w, k) + ("" if k["period"] == "month" else f" ({k['window']})"),
                     fmt.value(w, k["metric"], k["value"], cur) + (f" ({beside_text(w, k)})" if beside_text(w, k) else ""),
                     target_text(w, k, cur), status_word(w, k["status"]) + (f" ({fmt.goal_words(w, k)})" if fmt.goal_words(w, k) else ""),
                     trend_text(w, k, cur)]
                    + ([("–" if k.get("staff_value") is None else fmt.value(w, k["metric"], k["staff_value"], cur))] if staff else [])
                    for k in model.scorecard], {2, 3, 5, 6})
    if any(k.get("beside") for k in model.scorecard):
        lines += ["", _(BESIDE_NOTE)]
    lines += ["", _("Met: the value reaches the target. On track: not met, but the trend over the last three periods carries it there next period. Behind: neither. Not available: the data gives no value (never counted as zero)."), ""]
    return lines


def _chain(model: ReportModel, w: Words) -> list[str]:
    """The evaluation chain (AMEC), each number's formula in a numbered footnote."""
    _ = w._
    month, previous = w.month(model.period.start), w.month(model.previous.start)
    lines = [f"## {_('Evaluation chain (AMEC)')}", "",
             _("From what the work takes to what it achieves, for %(month)s against %(previous)s, every platform together. Each number's formula is in its tooltip (HTML) and listed below the table.", month=month, previous=previous), ""]
    rows, notes = [], []
    for st in model.chain:
        for r in st["rows"]:
            notes.append(f"{len(notes) + 1}. {_(CHAIN_LABELS[r['metric']])}: `{r['formula']}`")
            rows.append([_(st["title"]), f"{_(CHAIN_LABELS[r['metric']])} [{len(notes)}]",
                         chain_value(w, r, "current", model.currency), chain_value(w, r, "previous", model.currency),
                         chain_value(w, r, "change", model.currency)])
        if not st["rows"]:
            text = (_("The goals' KPIs: see the goal scorecard (%(counts)s).", counts=status_counts(w, model.scorecard))
                    if model.scorecard else
                    _("The profile sets no goals: add goals and KPIs to workspace.toml to measure outcomes."))
            rows.append([_(st["title"]), text, "", "", ""])
    lines += table([_("Stage"), _("Metric"), month, previous, _("Change")], rows, {2, 3, 4})
    lines += ["", *notes, ""]
    return lines


def _learning(model: ReportModel, w: Words) -> list[str]:
    """Outcomes: learning (the survey's anonymised summary; smi.report.learning)."""
    from smi.report.learning import LEARNING, view

    if not model.learning:
        return []
    v = view(w, model.learning)
    lines = [f"## {w._(LEARNING[1])}", "", v.intro, ""]
    if v.rows:
        lines += table(v.head, v.rows)
        lines += ["", v.note, ""]
    for question, round_, texts in v.texts:
        lines += [f"**{cell(question)}** ({round_})", ""] + [f"- {cell(t)}" for t in texts] + [""]
    return lines
