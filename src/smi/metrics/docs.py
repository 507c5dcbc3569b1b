"""docs/metrics.md, generated from the catalogue: `python -m smi.metrics.docs` rewrites it.

tests/metrics/test_docs.py fails when the page in the repository is not what this writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from smi.metrics.api import catalogue
from smi.metrics.availability import PLATFORM_COLUMNS, held
from smi.metrics.tables import DIMENSIONS, GRAINS
from smi.platforms import PLATFORMS

PAGE = Path("docs") / "metrics.md"

INTRO = """\
# Metric catalogue

Generated from the registry by `python -m smi.metrics.docs` (or `smi metrics --markdown`);
do not edit by hand. `smi metric NAME --month YYYY-MM --by platform` prints a metric with
its formula; in Python, `smi.open(DIR).metric(NAME, by=["platform"], month="YYYY-MM")`.

Rules every metric keeps:

- **Not available is not zero.** A number no import gave is NULL ("not available"); a sum
  over posts that carry no such number is NULL; a ratio whose denominator is 0 or missing
  is NULL. Only pure counts (posts, replies, …) are 0 when nothing happened.
- **Latest snapshot.** Exports carry lifetime totals at export time: each post counts with
  its most recent snapshot. Reposts carry another account's numbers and are left out of
  exposure and engagement.
- **Local time.** Periods, days, weeks (starting Monday), months, weekdays and hours are
  in the workspace's time zone.
- **Two kinds of rate.** `…_rate_…` is the ratio of sums (total over total, over posts
  that have both numbers); `…_mean` is the mean of each post's own ratio. Vendors use
  both; they differ, so each has its own name.

**Availability.** Each source declares the canonical columns it fills (`fills` on the
source class; the table at the end is built from them). "Available on" lists the platforms
whose exports (as smi imports them) fill the metric's inputs; the canonical CSV can carry
any column for any platform. Every number also checks its period: a metric over a period
(and platform, and month, week or day of a breakdown) is available only where an import of
a source that fills its inputs covers it (an import covers the local days from its first
to its last row). A source whose files differ in what they hold declares it per kind of file
(`kinds`: a LinkedIn followers export holds no posts): an import covers only what the kinds
it read can fill. Elsewhere it is NULL with a reason, counts included: `smi metric` prints
`not available: REASON`; `ws.metric()` gives NULL values and the reason in
`df.attrs["reason"]` (whole period) and `df.attrs["reasons"]` (per platform); the report's
key figures and `smi goals` give the same reason. A count by month lists every month of the
period: 0 where the imports cover it and nothing happened.

**Counts** have one name each, here, in `smi status` and in the report: `published` is
everything the accounts published; `posts` the originals and quotes among them; `replies`
and `reposts` the other kinds (published = posts + replies + reposts).

**Platform definitions.** Where a platform defines a figure its own way, it joins the
catalogue under the platform's name beside the cross-platform one and reads only that
platform's posts: `linkedin_engagement_rate` counts clicks as LinkedIn does (its export's
`Engagement rate` column); `engagement_rate_impressions` does not.
"""


def _dimensions() -> str:
    lines = ["## Dimensions", "", "| dimension | meaning | grains |", "| --- | --- | --- |"]
    for d, meaning in DIMENSIONS.items():
        grains = [g.name for g in GRAINS.values() if d in g.dims]
        lines.append(f"| `{d}` | {meaning} | {', '.join(grains)} |")
    return "\n".join(lines) + "\n"


def _platform_table() -> str:
    lines = [
        "## What each platform's exports fill",
        "",
        "From each source's `fills` declaration; *once*: one value, on the export's date (not a",
        "day-by-day series).",
        "",
        "| platform | sources | columns |",
        "| --- | --- | --- |",
    ]
    for p, (cols, sources) in PLATFORM_COLUMNS.items():
        daily = held(p, series=True)
        cells = [f"`{c}`" + ("" if c in daily else " (once)") for c in cols]
        lines.append(f"| {PLATFORMS[p]} | {', '.join(sources)} | {', '.join(cells)} |")
    return "\n".join(lines) + "\n"


def _source_table() -> str:
    from smi.sources import load_all

    lines = [
        "## What each source fills",
        "",
        "The `fills` declaration of each source (`fills_once`: *once*). A metric's number over a",
        "period needs an import of a source that fills its inputs covering that period.",
        "",
        "| source | platform | columns |",
        "| --- | --- | --- |",
    ]
    for name, cls in sorted(load_all().items()):
        if cls.fills_any:
            cols = "any column of the tables a file holds"
        elif cls.kinds:  # per kind of file: an import fills only what the kinds it read can
            cols = "; ".join(f"*{k}*: " + ", ".join(f"`{c}`" for c in v) for k, v in cls.kinds.items())
        else:
            cols = ", ".join([*(f"`{c}`" for c in cls.fills), *(f"`{c}` (once)" for c in cls.fills_once)])
        plat = PLATFORMS.get(cls.platform, "any") if cls.platform else "any"
        lines.append(f"| {name} | {plat} | {cols} |")
    return "\n".join(lines) + "\n"


def _esc(text: str) -> str:
    return text.replace("|", "\\|")


def render() -> str:
    from smi.labels import display, label

    parts = [INTRO]
    family = None
    cat = catalogue()
    summary = ["| metric | unit | description |", "| --- | --- | --- |"]
    summary += [f"| [`{c['name']}`](#{c['name'].replace('_', '-')}) | {c['unit']} | {_esc(c['description'])} |" for c in cat]
    parts.append(f"## All {len(cat)} metrics\n\n" + "\n".join(summary) + "\n")
    for c in cat:
        if c["family"] != family:
            family = c["family"]
            parts.append(f"## {family.replace('_', ' ').capitalize()}\n")
        better = {True: "higher", False: "lower", None: "neither (a mix)"}[c["higher_is_better"]]
        plats = ", ".join(PLATFORMS[p] for p in c["platforms"]) or "none of the exports smi reads yet"
        parts.append(
            f"### {c['name']}\n\n"
            f"{c['description']}\n\n"
            f"- **Formula:** {c['formula']}\n"
            f"- **Unit:** {c['unit']}; better: {better}\n"
            f"- **In reports:** {label(c['name'])} (reads as {display(c['name'])})\n"
            f"- **Inputs:** {', '.join(f'`{i}`' for i in c['inputs'])}\n"
            f"- **Available on:** {plats}\n"
            f"- **Break down by:** {', '.join(f'`{d}`' for d in c['dimensions'])}\n"
        )
    parts.append(_dimensions())
    parts.append(_platform_table())
    parts.append(_source_table())
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else PAGE
    path.write_text(render(), encoding="utf-8")
    print(f"wrote {path} ({len(catalogue())} metrics)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
