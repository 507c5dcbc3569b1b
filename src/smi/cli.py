"""`smi`: a thin command line over the library. Library errors become clean messages."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape as _markup_escape
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from smi.errors import SmiError
from smi.safety import printable


def escape(text: str) -> str:
    """Imported text (a file name, a cell) as printed: no Rich markup, no terminal escape codes."""
    return _markup_escape(printable(text))

app = typer.Typer(
    name="smi",
    help="Social Media Insights: is your social media working? Evidence, month by month.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
accounts_app = typer.Typer(help="The organisation's own accounts.", no_args_is_help=True)
people_app = typer.Typer(help="Staff who post as themselves.", no_args_is_help=True)
app.add_typer(accounts_app, name="accounts")
app.add_typer(people_app, name="people")
pull_app = typer.Typer(help="Fetch posts and their numbers from open APIs (only what is new).", no_args_is_help=True)
app.add_typer(pull_app, name="pull")

out = Console()
err = Console(stderr=True)

WorkspaceOpt = Annotated[
    Path | None,
    typer.Option("--workspace", "-w", help="Workspace folder (default: $SMI_WORKSPACE or the current folder)."),
]


def _fail(e: SmiError, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(e.message)}", highlight=False, soft_wrap=True)
    if e.fix:
        err.print(f"  [bold]fix:[/] {escape(e.fix)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _table_or_json(fmt: str) -> None:
    """A command printing a table or JSON refuses any other --format."""
    if fmt not in ("table", "json"):
        raise _fail(SmiError(f"--format '{fmt}' is not known", fix="use table or json"))


@contextmanager
def _user_errors() -> Iterator[None]:
    """Inside it, a library error becomes a clean message and exit code 1."""
    try:
        yield
    except SmiError as e:
        raise _fail(e) from None


_GLOBAL: dict[str, Path | None] = {"workspace": None}


@app.callback()
def _main(
    workspace: Annotated[Path | None, typer.Option(
        "--workspace", "-w", help="Workspace folder for the command (as `git -C`); a command's own -w wins.")] = None,
) -> None:
    """Social Media Insights: is your social media working? Evidence, month by month."""
    _GLOBAL["workspace"] = workspace


def _open(workspace: Path | None, *, reads: bool = False):  # -> Workspace
    """The workspace; `reads`: the command only reads, so a read-only workspace opens read-only."""
    from smi.workspace import Workspace

    ws = Workspace.open(workspace if workspace is not None else _GLOBAL["workspace"])
    ws.reads_only = reads
    return ws


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder to create the workspace in.")],
    name: Annotated[str, typer.Option("--name", help="The organisation's name.")],
    timezone: Annotated[str, typer.Option("--timezone", help="IANA time zone, e.g. Europe/London.")] = "Europe/London",
    language: Annotated[list[str] | None, typer.Option("--language", help="The organisation's languages (repeat: cy, en): the first is the report's; all are kept as labels, other detected languages are 'other'.")] = None,
) -> None:
    """Create a workspace: profile, store, archive and reports folders."""
    from smi.workspace import Workspace

    with _user_errors():
        ws = Workspace.create(directory, name=name, timezone=timezone, languages=language or ["en"])
    ws.close()
    out.print(f"created workspace for {name} in {directory} (edit {directory / 'workspace.toml'} to add people and goals)")


@accounts_app.command("add")
def accounts_add(
    account: Annotated[str, typer.Argument(help="platform:@handle, e.g. x:@ourcharity")],
    official: Annotated[bool, typer.Option("--official/--not-official", help="An official organisation account.")] = True,
    workspace: WorkspaceOpt = None,
) -> None:
    """Declare an account the organisation runs."""
    from smi.platforms import parse_account

    with _user_errors():
        ws = _open(workspace)
        plat, handle = parse_account(account)
        added = ws.profile_file.add_account(plat, handle, official)
    out.print(f"{'added' if added else 'updated'} {plat}:@{handle}{' (official)' if official else ''}")


@accounts_app.command("list")
def accounts_list(workspace: WorkspaceOpt = None) -> None:
    """List the accounts, whose each is (official, a member of staff's, or unassigned) and why."""
    from smi.platforms import parse_account

    with _user_errors():
        ws = _open(workspace)
        rows = ws.store.rows(
            "SELECT a.account_id, a.is_official, a.person, coalesce(a.own_export, FALSE) AS own_export, "
            "count(p.post_key) AS posts FROM accounts a "
            "LEFT JOIN posts p USING (account_id) GROUP BY ALL ORDER BY 1"
        )
        declared = {"{}:{}".format(*parse_account(f"{a.platform}:{a.handle}")) for a in ws.profile.accounts}
    t = Table("account", "whose", "why", "posts")
    counts = {"official": 0, "staff": 0, "unassigned": 0}
    for r in rows:
        if r["person"]:
            whose, why, n = f"staff: {r['person']}", "[[people]] handles", "staff"
        elif r["is_official"]:
            why = "[[accounts]]" if r["account_id"] in declared else "imported from its own export"
            whose, n = "official", "official"
        else:
            why = "[[accounts]] official = false" if r["account_id"] in declared else "seen in an import"
            whose, n = "unassigned", "unassigned"
        counts[n] += 1
        t.add_row(escape(r["account_id"]), escape(whose), escape(why), f"{r['posts']:,}")
    out.print(t)
    out.print(f"{counts['official']} official, {counts['staff']} staff, {counts['unassigned']} unassigned. "
              "Figures count the official accounts; staff accounts are shown beside them. "
              "Change one with `smi accounts add platform:@handle --not-official` or "
              "`smi people add NAME --handle platform:@handle`.", highlight=False, soft_wrap=True)


@people_app.command("add")
def people_add(
    name: Annotated[str, typer.Argument(help="The person's name.")],
    handle: Annotated[list[str] | None, typer.Option("--handle", help="platform:@handle they post from (repeat).")] = None,
    role: Annotated[str | None, typer.Option("--role", help="Their job, e.g. Marketing officer.")] = None,
    team: Annotated[str | None, typer.Option("--team", help="Their team.")] = None,
    cost_per_hour: Annotated[float | None, typer.Option("--cost-per-hour", help="Staff cost rate.")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Declare a member of staff and the accounts they post from as themselves."""
    with _user_errors():
        ws = _open(workspace)
        added = ws.profile_file.add_person(name, handle or [], role, team, cost_per_hour)
    out.print(f"{'added' if added else 'updated'} {name} ({_plural(len(handle or []), 'handle')})")


@people_app.command("list")
def people_list(workspace: WorkspaceOpt = None) -> None:
    """List the staff in the profile."""
    with _user_errors():
        ws = _open(workspace)
    t = Table("name", "role", "team", "handles")
    for p in ws.profile.people:
        t.add_row(p.name, p.role or "", p.team or "", ", ".join(p.handles))
    out.print(t)


@app.command("import")
def import_(
    paths: Annotated[list[Path], typer.Argument(help="Files, folders or zip files.")],
    source: Annotated[str | None, typer.Option("--source", help="Read every file as this format (see `smi sources`).")] = None,
    account: Annotated[str | None, typer.Option("--account", help="Account handle for exports that do not name it (e.g. a lone tweets.js).")] = None,
    observed_at: Annotated[str | None, typer.Option("--as-of", "--observed-at", help="When the export's numbers were true (ISO date/time, e.g. the day you downloaded it); wins over the date the files give.")] = None,
    enrich: Annotated[bool, typer.Option("--enrich/--no-enrich", help="Detect language, sentiment, questions and topics of the new rows (default: yes).")] = True,
    workspace: WorkspaceOpt = None,
) -> None:
    """Import platform exports and time logs. Each file lands whole or not at all."""
    from smi.importer import run_import
    from smi.sources import ImportOptions

    with _user_errors():
        ws = _open(workspace)
        obs = _parse_when(observed_at, ws.timezone) if observed_at else None
        options = ImportOptions(account=account, observed_at=obs)
        progress = Progress(
            TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
            console=err, transient=True, disable=not err.is_terminal,
        )
        tasks: dict[str, int] = {}

        def on_start(unit):  # type: ignore[no-untyped-def]
            tid = progress.add_task(f"{unit.source.name}: {Path(unit.name).name}", total=unit.size or None)
            tasks[unit.name] = tid
            return lambda n: progress.advance(tid, n)

        def on_done(result) -> None:  # type: ignore[no-untyped-def]
            progress.remove_task(tasks.pop(result.name))
            style = {"failed": "red", "unchanged": "dim"}.get(result.status, "green")
            progress.console.print(f"[{style}]{escape(result.name)}[/] ({result.source}): {escape(result.summary())}", highlight=False, soft_wrap=True)
            for w in result.warnings[:5]:
                progress.console.print(f"  [yellow]warning:[/] {escape(w)}", highlight=False, soft_wrap=True)
            if len(result.warnings) > 5:
                progress.console.print(f"  … and {len(result.warnings) - 5} more warnings (see `smi imports`)")
            if result.error is not None and result.error.fix:
                progress.console.print(f"  [bold]fix:[/] {escape(result.error.fix)}", highlight=False, soft_wrap=True)

        with progress:
            report = run_import(ws, list(paths), source=source, options=options, on_start=on_start, on_done=on_done)
    ok = [r for r in report.results if r.status == "imported"]
    same = [r for r in report.results if r.status == "unchanged"]
    warnings = sum(len(r.warnings) for r in report.results)
    line = f"imported {_plural(len(ok), 'file')}"
    if same:
        line += f", {len(same):,} unchanged"
    if report.failed:
        line += f", {len(report.failed):,} failed"
    line += f"; {_plural(warnings, 'warning')}"
    if report.skipped:
        names = escape(", ".join(Path(s).name for s in report.skipped[:4]))
        more = f" and {len(report.skipped) - 4} more" if len(report.skipped) > 4 else ""
        line += f"; skipped {_plural(len(report.skipped), 'file')} no importer reads ({names}{more})"
    err.print(line, highlight=False, soft_wrap=True)
    if enrich and (ok or _enrichment_pending(ws)):  # an interrupted enrichment resumes (issue 14)
        _enrich(ws, everything=False)
    if report.failed:
        raise typer.Exit(1)


def _pull(workspace: Path | None, source: str, opts) -> None:  # type: ignore[no-untyped-def]
    from smi.importer import run_pull

    with _user_errors():
        ws = _open(workspace)
        with err.status(f"pulling from {opts.base_url}…"):
            result = run_pull(ws, source, opts)
    out.print(f"{result.name}: {result.summary()}", highlight=False, soft_wrap=True)
    for w in result.warnings[:5]:
        out.print(f"  [yellow]warning:[/] {escape(w)}", highlight=False, soft_wrap=True)


@pull_app.command("mastodon")
def pull_mastodon(
    instance: Annotated[str, typer.Option("--instance", help="The instance's URL, e.g. https://mastodon.social.")],
    account: Annotated[str, typer.Option("--account", help="The account, e.g. @ourcharity.")],
    token: Annotated[str | None, typer.Option("--token", envvar="SMI_MASTODON_TOKEN", help="Access token with the read scope, to fetch mentions too (or set SMI_MASTODON_TOKEN).")] = None,
    full: Annotated[bool, typer.Option("--full", help="Fetch everything again, refreshing older posts' numbers.")] = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Pull a Mastodon account's statuses, their numbers and (with a token) its mentions."""
    from smi.pull import PullOptions
    from smi.sources.mastodon_api import instance_url

    with _user_errors():
        opts = PullOptions(account, instance_url(instance), token, full)
    _pull(workspace, "mastodon_api", opts)


@pull_app.command("bluesky")
def pull_bluesky(
    actor: Annotated[str, typer.Option("--actor", help="The handle or DID, e.g. ourcharity.bsky.social.")],
    api: Annotated[str, typer.Option("--api", help="The public AppView's URL.")] = "https://public.api.bsky.app",
    full: Annotated[bool, typer.Option("--full", help="Fetch everything again, refreshing older posts' numbers.")] = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Pull a Bluesky account's posts and reposts with their numbers (no login)."""
    from smi.pull import PullOptions

    _pull(workspace, "bluesky_api", PullOptions(actor, api.rstrip("/"), None, full))


def _parse_when(text: str, tz) -> datetime:  # type: ignore[no-untyped-def]
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        raise SmiError(f"--as-of '{text}' is not an ISO date or time", fix="write e.g. 2026-11-01 or 2026-11-01T09:00") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=tz)


@app.command()
def imports(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """The import log: what was imported, when, from which file."""
    with _user_errors():
        ws = _open(workspace)
        rows = ws.store.imports()
    if as_json:
        print(json.dumps(rows, default=str, indent=2))
        return
    t = Table("id", "when", "source", "file", "rows", "warnings")
    for r in rows:
        n = sum(c.get("new", 0) for k, c in r["counts"].items() if k != "post_metrics")
        t.add_row(str(r["import_id"]), r["finished_at"].strftime("%Y-%m-%d %H:%M"), r["source"], escape(r["name"]), f"{n:,} new", str(len(r["warnings"])))
    out.print(t)
    out.print(f"{_plural(len(rows), 'import')}")


@app.command()
def remap(
    import_id: Annotated[list[int] | None, typer.Option("--import", help="Only this import (repeat); default: all.")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Map kept raw items again with the current importers (after an importer fix)."""
    from smi.importer import remap as run_remap

    with _user_errors():
        ws = _open(workspace)
        results = run_remap(ws, import_id)
    for r in results:
        out.print(f"{r.name}: {r.summary()}", highlight=False, soft_wrap=True)
    out.print(f"re-mapped {_plural(len(results), 'import')}")
    if any(r.status == "failed" for r in results):
        raise typer.Exit(1)


def _enrichment_pending(ws) -> bool:  # type: ignore[no-untyped-def]
    from smi.store.enrichment import TABLES, pending

    with _user_errors():
        return any(pending(ws.store, t) for t in TABLES)


def _enrich(ws, *, everything: bool) -> None:  # type: ignore[no-untyped-def]
    from smi.enrich import enrich as run_enrich
    from smi.store.enrichment import TABLES, pending

    with _user_errors():
        total = sum(pending(ws.store, t, everything=everything) for t in TABLES)
        progress = Progress(TextColumn("{task.description}"), BarColumn(), TimeRemainingColumn(),
                            console=err, transient=True, disable=not err.is_terminal)
        with progress:
            tid = progress.add_task("enriching texts", total=total or None)
            result = run_enrich(ws, everything=everything, progress=lambda n: progress.advance(tid, n))
    err.print(result.summary(), highlight=False, soft_wrap=True)


@app.command()
def enrich(
    everything: Annotated[bool, typer.Option("--all", help="Enrich every post and interaction again, not only new or changed ones.")] = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Detect language (incl. bilingual cy+en), English sentiment, questions and topics."""
    with _user_errors():
        ws = _open(workspace)
    _enrich(ws, everything=everything)


@app.command()
def status(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """What the workspace holds, per platform."""
    with _user_errors():
        ws = _open(workspace, reads=True)
        st = ws.store.status()
    if as_json:
        print(json.dumps(st, indent=2, sort_keys=True))
        return
    t = Table("platform", "published", "posts", "replies", "reposts", "interactions", "audience days", "first",
              "last", title=ws.profile.organisation.name)
    for p, e in st["platforms"].items():
        t.add_row(escape(p), *(f"{e[k]:,}" for k in ("published", "original_posts", "replies", "reposts", "interactions",
                                             "audience_days")), e["first"] or "", e["last"] or "")
    out.print(t)
    for p, n in st["undated_posts"].items():
        out.print(f"{p}: {_plural(n, 'undated post')} (no publish time in the export): in the posts "
                  "count and lifetime totals, in no month")
    out.print("published = posts (originals and quotes, as `smi metric posts`) + replies + reposts", highlight=False)
    out.print(f"{_plural(st['effort_entries'], 'time entry')}, {_plural(st['imports'], 'import')}".replace("entrys", "entries"))


@app.command()
def sources() -> None:
    """The formats smi imports and what each provides."""
    from smi.sources import load_all

    t = Table("name", "format", "reads", "provides")
    for name, cls in sorted(load_all().items()):
        t.add_row(name, cls.title, cls.reads, ", ".join(cls.provides))
    out.print(t)


@app.command()
def demo(
    directory: Annotated[Path, typer.Argument(help="Folder for the demo workspace.")] = Path("demo"),
    seed: Annotated[int, typer.Option("--seed", help="Random seed of the generator.")] = 7,
    until: Annotated[str | None, typer.Option("--until", help="Last month of data, YYYY-MM (default: last complete month).")] = None,
    no_effects: Annotated[bool, typer.Option("--no-effects", help="Generate data with no planted effects.")] = False,
) -> None:
    """Build a sample bilingual arts charity's workspace and write its monthly report."""
    from smi.demo import build_demo
    from smi.report import write_report

    with _user_errors():
        with err.status("generating 13 months of demo data…"):
            result = build_demo(directory, seed=seed, until=until, effects=not no_effects)
        err.print(result.summary, highlight=False, soft_wrap=True)
        with err.status("writing the monthly report…"):
            paths = write_report(result.workspace, month=result.report_month)
    for p in paths:
        out.print(f"report: {p}", highlight=False, soft_wrap=True)


@app.command()
def report(
    month: Annotated[str | None, typer.Option("--month", help="YYYY-MM (default: the last month every source covers in full).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="Comma-separated: html, pdf, md, json.")] = "html,pdf",
    lang: Annotated[str | None, typer.Option("--lang", help="en or cy (default: the workspace's first language).")] = None,
    out_dir: Annotated[Path | None, typer.Option("--out", help="Folder to write to (default: the workspace's reports/).")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Write the monthly insights report (HTML, PDF, Markdown, JSON; English or Welsh)."""
    from smi.report import write_report

    with _user_errors():
        ws = _open(workspace, reads=True)
        month = _month(ws, month)
        with err.status("writing the monthly report…"):
            try:
                paths = write_report(ws, month=month, out_dir=out_dir, formats=fmt, lang=lang)
            except OSError as e:
                raise SmiError(f"cannot write the report to {e.filename or out_dir or ws.reports_dir}: "
                               f"{e.strerror or e}", fix="give --out DIR, a folder you can write to") from None
    for p in paths:
        out.print(f"report: {p}", highlight=False, soft_wrap=True)


@app.command("month")
def month_cmd(
    month: Annotated[str | None, typer.Option("--month", help="YYYY-MM (default: the last month every source covers in full).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole month as JSON (what the report and the web app render).")] = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Run the month: key figures, findings with their status, goal scorecard, experiments, actions (cached by the data it read)."""
    from smi.monthly import run_month

    with _user_errors():
        ws = _open(workspace)
        month = _month(ws, month)
        with err.status("running the month…"):
            m = run_month(ws, month)
    if as_json:
        print(m.to_json())
        return
    status = {s: sum(1 for f in m.findings if f["status"] == s) for s in ("new", "continuing")}
    kpis = {s: sum(1 for k in m.scorecard if k["status"] == s) for s in ("met", "on track", "behind", "not available")}
    out.print(escape(
        f"{m.organisation}, {m.month}: {_plural(len(m.platforms), 'platform')}; "
        f"{_plural(len(m.findings), 'finding')} ({status['new']:,} new, {status['continuing']:,} continuing), "
        f"{len(m.resolved):,} resolved; {_plural(len(m.scorecard), 'KPI')}"
        + (" (" + ", ".join(f"{n:,} {s}" for s, n in kpis.items() if n) + ")" if m.scorecard else "")
        + f"; {_plural(len(m.experiments), 'experiment')}, {_plural(len(m.actions), 'action')}"),
        highlight=False, soft_wrap=True)


def _month(ws: object, month: str | None) -> str | None:
    """The month asked for; with none, the default month, saying which and why (on stderr)."""
    if month is not None:
        return month
    from smi.metrics.months import choose_month

    chosen = choose_month(ws, None)
    err.print(escape(chosen.line()), highlight=False, soft_wrap=True)
    return chosen.period.key


def _cell(v: object) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return "not available"
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        return f"{v:,.0f}" if v.is_integer() and abs(v) >= 1 else f"{v:.4g}"
    return str(v)


def _plain(v: object) -> object:
    if v is None or (isinstance(v, float) and v != v):
        return None
    return v if isinstance(v, (int, float, str, bool)) else str(v)


@app.command()
def metric(
    name: Annotated[str, typer.Argument(help="Metric name (see `smi metrics`).")],
    by: Annotated[list[str] | None, typer.Option("--by", help="Break down by a dimension (repeat): platform, account, person, kind, format, language, label, purpose, weekday, hour, day, week, month.")] = None,
    month: Annotated[str | None, typer.Option("--month", help="YYYY-MM (default: the last month every source covers in full).")] = None,
    from_: Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD (local; instead of --month).")] = None,
    to: Annotated[str | None, typer.Option("--to", help="Last day, YYYY-MM-DD (local, included).")] = None,
    platform: Annotated[list[str] | None, typer.Option("--platform", help="Only this platform (repeat, or comma-separated).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json or csv.")] = "table",
    engine: Annotated[str | None, typer.Option("--engine", help="duckdb or spark (default: the workspace's setting, else duckdb).")] = None,
    accounts: Annotated[str, typer.Option("--accounts", help="Whose rows: all (default), official (as the report counts) or staff (members of staff's own accounts).")] = "all",
    workspace: WorkspaceOpt = None,
) -> None:
    """One metric for a period, broken down, with its formula beside the number."""
    from smi.metrics.api import run
    from smi.profile import ACCOUNT_SCOPES

    if fmt not in ("table", "json", "csv"):
        raise _fail(SmiError(f"--format '{fmt}' is not known", fix="use table, json or csv"))
    if accounts not in ACCOUNT_SCOPES:
        raise _fail(SmiError(f"--accounts '{accounts}' is not known", fix="use " + ", ".join(ACCOUNT_SCOPES)))
    with _user_errors():
        ws = _open(workspace, reads=True)
        if from_ is None and to is None:
            month = _month(ws, month)
        res = run(ws, name, tuple(by or ()), month=month, from_=from_, to=to, platform=platform, engine=engine,
                  accounts=accounts)
        # Posts with no publish time are in no period: say how many this figure could not place.
        undated = sum(n for p, n in ws.store.undated_posts().items()
                      if not res.platforms or p in res.platforms) if res.metric.grain == "posts" else 0
    m, rows = res.metric, res.rows()
    if fmt == "json":
        doc = {
            "metric": m.name, "period": res.period.key, "from": res.period.start.isoformat(),
            "to": res.period.last_day.isoformat(), "timezone": res.period.timezone,
            "platforms": list(res.platforms or []), "by": list(res.by), "unit": m.unit,
            "formula": m.formula, "not_available": res.reason, "accounts": accounts,
            "rows": [{**{k: _plain(v) for k, v in r.items()}, **({"not_available": res.reason_for(r)}
                      if r["value"] is None else {})} for r in rows],
        }
        if undated:
            doc["undated_posts"] = undated
        print(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    if fmt == "csv":
        import csv

        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow([*res.by, "metric", "value", "unit", "formula"])
        for r in rows:
            w.writerow([*(_plain(r[b]) for b in res.by), m.name, _plain(r["value"]), m.unit, m.formula])
        return
    where = f" ({', '.join(res.platforms)})" if res.platforms else ""
    t = Table(*res.by, m.name, title=f"{m.name}, {res.period.label}{where}")
    for r in rows:
        t.add_row(*(escape(_cell(r[b])) for b in res.by), _cell(r["value"]))
    out.print(t)
    out.print(f"[bold]unit:[/] {escape(m.unit)}", highlight=False, soft_wrap=True)
    out.print(f"[bold]formula:[/] {escape(m.formula)}", highlight=False, soft_wrap=True)
    per_platform = {p: why for p, why in res.reasons.items() if p not in ("", "*")}
    if res.reason and not per_platform:
        out.print(f"not available: {escape(res.reason)}", highlight=False, soft_wrap=True)
    for p, why in per_platform.items():
        out.print(f"{escape(p)}: not available: {escape(why)}", highlight=False, soft_wrap=True)
    if not rows:
        out.print("no rows: nothing in this period to break down", highlight=False)
    if undated:
        out.print(f"not placed: {_plural(undated, 'undated post')} (no publish time in the export)",
                  highlight=False)


@app.command()
def metrics(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    markdown: Annotated[bool, typer.Option("--markdown", help="Print the catalogue page (docs/metrics.md).")] = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """The metric catalogue: each metric's formula, unit and platforms (with -w: and which of
    them the workspace's imports fill)."""
    from smi.metrics.api import catalogue
    from smi.metrics.docs import render

    if markdown:
        sys.stdout.write(render())
        return
    cat = catalogue()
    here: dict[str, list[str]] | None = None
    if workspace is not None or _GLOBAL["workspace"] is not None:
        with _user_errors():
            ws = _open(workspace)
            seen = {r["platform"] for r in ws.store.rows("SELECT DISTINCT platform FROM posts UNION "
                                                          "SELECT DISTINCT platform FROM interactions UNION "
                                                          "SELECT DISTINCT platform FROM audience_daily")}
        here = {c["name"]: [p for p in c["platforms"] if p in seen] for c in cat}
        for c in cat:
            c["in_workspace"] = here[c["name"]]
    if as_json:
        print(json.dumps(cat, indent=2, ensure_ascii=False))
        return
    cols = ["metric", "unit", "formula", "platforms"] + (["in this workspace"] if here is not None else [])
    t = Table(*cols, title=f"{len(cat)} metrics", show_lines=True)
    for c in cat:
        row = [c["name"], c["unit"], escape(c["formula"]), ", ".join(c["platforms"]) or "none"]
        if here is not None:
            row.append(", ".join(here[c["name"]]) or "none")
        t.add_row(*row)
    out.print(t)


@app.command("export")
def export_(
    fmt: Annotated[str, typer.Argument(help="parquet, csv (smi's canonical CSV), xlsx or gexf (the relationship network).")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the files to.")],
    for_spreadsheet: Annotated[bool, typer.Option("--for-spreadsheet", help="csv: put an apostrophe before text starting with = + - @ so a spreadsheet never runs it as a formula (for reading, not for importing back).")] = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Export the canonical tables (csv: the interchange format `smi import` reads; gexf: the
    relationship network for Gephi)."""
    from smi.export import export

    with _user_errors():
        ws = _open(workspace, reads=True)
        if fmt.strip().lower() == "gexf":
            _export_gexf(ws, out_dir)
            return
        with err.status(f"exporting {fmt}…"):
            result = export(ws, fmt, out_dir, for_spreadsheet=for_spreadsheet)
    for w in result.warnings:
        err.print(f"[yellow]warning:[/] {escape(w)}", highlight=False, soft_wrap=True)
    out.print(result.summary(), highlight=False, soft_wrap=True)


def _export_gexf(ws, out_dir: Path) -> None:  # type: ignore[no-untyped-def]
    from smi.relationships import build_network

    with err.status("building the relationship network…"):
        net = build_network(ws.store, ws.profile)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "network.gexf"
    net.write_gexf(path)
    out.print(f"wrote {path}: {_plural(len(net.nodes), 'node')}, {_plural(len(net.edges), 'edge')}",
              highlight=False, soft_wrap=True)


@app.command()
def network(
    month: Annotated[str | None, typer.Option("--month", help="YYYY-MM (default: all the data held).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json ({\"nodes\": [...], \"edges\": [...]}).")] = "table",
    limit: Annotated[int, typer.Option("--limit", help="Rows of the table (counterparts with most messages first).")] = 30,
    workspace: WorkspaceOpt = None,
) -> None:
    """Who talks with the official accounts and each member of staff, and who holds each relationship."""
    from smi.relationships import build_network

    if fmt not in ("table", "json"):
        raise _fail(SmiError(f"--format {fmt!r} is not a format of smi network", fix="use table or json"))
    with _user_errors():
        ws = _open(workspace)
        net = build_network(ws.store, ws.profile, month)
    if fmt == "json":
        print(json.dumps(net.as_json(), indent=2, ensure_ascii=False))
        return
    people = net.counterparts
    single = net.single_holder()
    t = Table("counterpart", "group", "held by", "messages", "kinds", "community",
              title=f"{_plural(len(people), 'counterpart')}" + (f" in {month}" if month else ""))
    for n in people[:limit]:
        kinds = sorted({k for e in net.edges_of(n.key) for k in e.kinds})
        t.add_row(escape(n.id), escape(n.group or ""), escape(", ".join(n.holders)), f"{n.weight:,}",
                  ", ".join(kinds), "" if n.community is None else str(n.community))
    out.print(t)
    ncomm = len({n.community for n in net.nodes.values() if n.community is not None})
    out.print(f"{_plural(len(net.edges), 'relationship')} between {_plural(len(net.holder_of), 'account')} of yours and "
              f"{_plural(len(people), 'counterpart')}; {ncomm:,} {'community' if ncomm == 1 else 'communities'}; "
              f"{len(single):,} held by one member of staff alone", highlight=False, soft_wrap=True)
    if net.unattributed:
        err.print(f"{_plural(net.unattributed, 'message')} from others named none of your accounts and were left out",
                  highlight=False, soft_wrap=True)


EngineOpt = Annotated[
    str | None,
    typer.Option("--engine", help="duckdb or spark (default: [engine] name in workspace.toml, else duckdb)."),
]


@app.command()
def goals(
    month: Annotated[str | None, typer.Option("--month", help="YYYY-MM (default: the last month every source covers in full).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    engine: EngineOpt = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Each KPI's value, target, 3-period trend and status (met, on track, behind)."""
    from smi.goals import check_goals, evaluate

    _table_or_json(fmt)
    with _user_errors():
        ws = _open(workspace)
        check_goals(ws.profile, ws.profile_file.path)  # a profile error first, before the month
        period, results = evaluate(ws, _month(ws, month), engine)
    if fmt == "json":
        print(json.dumps({"month": period.key, "kpis": [r.as_dict() for r in results]}, indent=2))
        return
    if not results:
        out.print(f"no KPIs in {ws.profile_file.path.name}: add [[goals]] with [[goals.kpis]] (see docs/goals.md)")
        return

    def num(v: float | None, unit: str) -> str:
        if v is None:
            return "n/a"
        if unit == "ratio":
            return f"{v:.2%}"
        return f"{v:,.0f}" if float(v).is_integer() or abs(v) >= 100 else f"{v:,.3g}"

    staff = any(r.staff_value is not None for r in results)
    cols = ["KPI", "period", "value", "target", "trend", "status"] + (["staff accounts (beside)"] if staff else [])
    t = Table(*cols, title=f"Goals, {period.label}")
    style = {"met": "green", "on track": "cyan", "behind": "red", "not available": "dim"}
    goal = None
    for r in results:
        if r.goal != goal:
            goal = r.goal
            whose = "" if r.accounts == "official" else f"; {r.accounts} accounts"
            t.add_row(f"[bold]{escape(r.goal)}[/] ({r.purpose}{whose})", end_section=False)
        where = ", ".join(f"{k}={v}" for k, v in r.filter.items())
        kpi = "  " + r.metric + (f" ({where})" if where else "")
        aim = ("≥ " if r.direction == "higher" else "≤ ") + num(r.target, r.unit)
        trend = " → ".join(num(p["value"], r.unit) for p in r.trend)
        beside = [num(r.staff_value, r.unit) if r.staff_value is not None else ""] if staff else []
        t.add_row(escape(kpi), r.window, num(r.value, r.unit), aim, trend, f"[{style[r.status]}]{r.status}[/]", *beside)
    out.print(t)
    beside = [r for r in results if r.beside]
    if beside:  # a business-hours response time: the all-hours figures beside it
        from smi.report.i18n import Words
        from smi.report.render import beside_text

        out.print("Business hours count an out-of-hours answer to an out-of-hours message as 0 minutes; beside them:")
        for r in beside:
            out.print(f"  {escape(r.metric)} {r.status}: {escape(beside_text(Words('en'), r.as_dict()))}")
    if staff:
        out.print("values count the official accounts; staff's own accounts are beside them, not summed in "
                  '(a goal with accounts = "all" counts both)', highlight=False, soft_wrap=True)
    for r in results:
        if r.reason:
            out.print(f"{escape(r.metric)}: not available: {escape(r.reason)}", highlight=False, soft_wrap=True)
    counts = {s: sum(r.status == s for r in results) for s in ("met", "on track", "behind", "not available")}
    out.print(", ".join(f"{n} {s}" for s, n in counts.items() if n) + f" ({_plural(len(results), 'KPI')})")


@app.command()
def findings(
    month: Annotated[str | None, typer.Option("--month", help="YYYY-MM (default: the last month every source covers in full).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    workspace: WorkspaceOpt = None,
) -> None:
    """The month's findings (q <= 0.05 after Benjamini-Hochberg), ranked, each new, continuing or resolved."""
    from smi.insights.finding import short_id
    from smi.insights.memory import findings_for_month, month_shift
    from smi.metrics.months import choose_period

    _table_or_json(fmt)
    with _user_errors():
        ws = _open(workspace)
        period = choose_period(ws, _month(ws, month))
        with err.status(f"looking for findings in {period.label}…"):
            result = findings_for_month(ws, period.key)
    if fmt == "json":
        print(json.dumps(result.json(), indent=2, ensure_ascii=False))
        return
    t = Table(title=f"Findings, {period.label}")
    t.add_column("id", no_wrap=True)
    for col in ("question", "finding", "effect", "95% CI", "q", "status"):
        t.add_column(col)
    for r in [*result.findings, *result.resolved]:
        b = r.body
        eff, ci = b["effect"], b["ci"]
        sign = "×" if eff["kind"] == "ratio" else "+"
        effect = f"{sign}{eff['value']:.2f}" if eff["kind"] == "ratio" else f"{eff['value']:+.3g}"
        span = f"{ci[0]:.2f} to {ci[1]:.2f}" if eff["kind"] == "ratio" else f"{ci[0]:.3g} to {ci[1]:.3g}"
        q = "" if r.status == "resolved" or b["q_value"] is None else f"{b['q_value']:.3g}"
        status = r.status if r.status != "continuing" else f"continuing since {r.since}"
        t.add_row(short_id(r.id), b["question"], escape(b["title"]), effect, span, q, status)
    out.print(t)
    out.print(f"{_plural(len(result.findings), 'finding')}: "
              f"{sum(r.status == 'new' for r in result.findings):,} new, "
              f"{sum(r.status == 'continuing' for r in result.findings):,} continuing; "
              f"{len(result.resolved):,} of {month_shift(period.key, -1)}'s resolved",
              highlight=False)


@app.command()
def evaluate(
    seeds: Annotated[int, typer.Option("--seeds", help="Number of seeds (1, 2, …); three worlds each.")] = 20,
    first_seed: Annotated[int, typer.Option("--first-seed", help="The first seed (e.g. 101 for a held-out set: seeds 101…120 with --seeds 20); results go to their own section of --doc.")] = 1,
    jobs: Annotated[int, typer.Option("--jobs", help="Worlds built and scored at once.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print the measures as JSON.")] = False,
    doc: Annotated[Path | None, typer.Option("--doc", help="Also write the results into this Markdown file (e.g. docs/accuracy.md).")] = None,
    kinds: Annotated[str, typer.Option("--kinds", help="Which worlds of each seed, comma-separated: none (null dynamics only), a, b (e.g. none,b to measure the exposure drop and the null worlds only).")] = "none,a,b",
) -> None:
    """Measure the insight engine on generated worlds: recall per planted effect type, false findings, duplicates."""
    from datetime import date

    from smi.evaluation import evaluate as run_evaluation
    from smi.evaluation import markdown, summary, write_doc

    if seeds < 1 or jobs < 1 or first_seed < 0:
        raise _fail(SmiError("--seeds and --jobs must be at least 1, --first-seed at least 0",
                             fix="e.g. --seeds 20 --jobs 2"))
    worlds = tuple(k.strip() for k in kinds.split(",") if k.strip())
    if not worlds or any(k not in ("none", "a", "b") for k in worlds):
        raise _fail(SmiError(f"--kinds {kinds!r}: each world kind must be none, a or b",
                             fix="e.g. --kinds none,b"))
    with _user_errors(), err.status("evaluating…") as st:
        ev = run_evaluation(list(range(first_seed, first_seed + seeds)), jobs=jobs, progress=st.update,
                            kinds=worlds)
    if as_json:
        print(json.dumps(ev.to_json(), indent=2, ensure_ascii=False, default=str))
    else:
        out.print(escape(summary(ev)), highlight=False, soft_wrap=True)
    if doc is not None:
        command = (f"smi evaluate --seeds {seeds}" + (f" --first-seed {first_seed}" if first_seed != 1 else "")
                   + (f" --kinds {','.join(worlds)}" if set(worlds) != {"none", "a", "b"} else ""))
        write_doc(doc, markdown(ev, command, f"{date.today().day} {date.today():%B %Y}"),
                  "" if first_seed == 1 else f"seeds {first_seed}-{first_seed + seeds - 1}")
    if not ev.passed:
        raise typer.Exit(1)


# -- the meeting loop -----------------------------------------------------------------------------
meeting_app = typer.Typer(help="Meetings: when the team met, who came, the notes.", no_args_is_help=True)
action_app = typer.Typer(help="Actions agreed at meetings: owner, due date, status (open, in progress, done, dropped).",
                         no_args_is_help=True)
experiment_app = typer.Typer(help="Experiments: a change tried for a while, judged on the data.", no_args_is_help=True)
app.add_typer(meeting_app, name="meeting")
app.add_typer(action_app, name="action")
app.add_typer(experiment_app, name="experiment")


@meeting_app.command("add")
def meeting_add(
    date_: Annotated[str, typer.Option("--date", help="When it was held, YYYY-MM-DD.")],
    attendees: Annotated[str | None, typer.Option("--attendees", help='Who came, comma-separated: "Ann, Bob".')] = None,
    notes: Annotated[Path | None, typer.Option("--notes", help="A text or Markdown file with the notes.")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Record a meeting."""
    from smi.practice.meetings import add_meeting

    with _user_errors():
        m = add_meeting(_open(workspace), date_, attendees, notes)
    out.print(f"added meeting {m.meeting_id} on {m.held_on} ({_plural(len(m.attendees), 'attendee')})",
              highlight=False)


@meeting_app.command("list")
def meeting_list(workspace: WorkspaceOpt = None) -> None:
    """List the meetings, oldest first."""
    from smi.practice.meetings import list_meetings

    with _user_errors():
        rows = list_meetings(_open(workspace))
    t = Table("id", "date", "attendees", "actions", "notes")
    for m in rows:
        first = (m.notes or "").strip().splitlines()[0] if (m.notes or "").strip() else ""
        t.add_row(str(m.meeting_id), m.held_on.isoformat(), escape(", ".join(m.attendees)), str(m.actions), escape(first))
    out.print(t)
    out.print(_plural(len(rows), "meeting"))


@action_app.command("add")
def action_add(
    title: Annotated[str, typer.Argument(help="What is to be done.")],
    owner: Annotated[str | None, typer.Option("--owner", help="Who does it (a person in the profile).")] = None,
    due: Annotated[str | None, typer.Option("--due", help="Due date, YYYY-MM-DD.")] = None,
    meeting: Annotated[int | None, typer.Option("--meeting", help="The meeting that agreed it (id).")] = None,
    from_finding: Annotated[str | None, typer.Option("--from-finding", help="The report finding it answers (id).")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Record an action."""
    from smi.practice.actions import add_action

    with _user_errors():
        a, warnings = add_action(_open(workspace), title, owner=owner, due=due, meeting_id=meeting,
                                 finding_id=from_finding)
    for w in warnings:
        err.print(f"[yellow]warning:[/] {escape(w)}", highlight=False, soft_wrap=True)
    who = f" for {a.owner}" if a.owner else ""
    when = f", due {a.due}" if a.due else ""
    out.print(f"added action {a.action_id}{who}{when}: {a.title}", highlight=False, soft_wrap=True, markup=False)


@action_app.command("done")
def action_done(
    action_id: Annotated[int, typer.Argument(help="The action's id (see `smi action list`).")],
    workspace: WorkspaceOpt = None,
) -> None:
    """Mark an action done."""
    from smi.practice.actions import complete_action

    with _user_errors():
        a, changed = complete_action(_open(workspace), action_id)
    state = "done" if changed else "was already done"
    out.print(f"action {a.action_id} {state}: {a.title}", highlight=False, soft_wrap=True, markup=False)


@action_app.command("status")
def action_status(
    action_id: Annotated[int, typer.Argument(help="The action's id (see `smi action list`).")],
    status: Annotated[str, typer.Argument(help="open, in-progress, done or dropped.")],
    workspace: WorkspaceOpt = None,
) -> None:
    """Set an action's status: open, in-progress, done or dropped."""
    from smi.practice.actions import set_action_status

    with _user_errors():
        a, before = set_action_status(_open(workspace), action_id, status)
    shown = a.status.replace("_", " ")
    state = f"was already {shown}" if before == a.status else f"{shown} (was {before.replace('_', ' ')})"
    out.print(f"action {a.action_id} {state}: {a.title}", highlight=False, soft_wrap=True, markup=False)


@action_app.command("list")
def action_list(
    open_only: Annotated[bool, typer.Option("--open", help="Only actions still to do (open or in progress).")] = False,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    workspace: WorkspaceOpt = None,
) -> None:
    """List actions by due date."""
    from smi.practice.actions import list_actions

    _table_or_json(fmt)
    with _user_errors():
        rows = list_actions(_open(workspace), open_only=open_only)
    if fmt == "json":
        print(json.dumps([a.as_dict() for a in rows], indent=2, ensure_ascii=False))
        return
    t = Table("id", "due", "owner", "status", "action")
    for a in rows:
        t.add_row(str(a.action_id), a.due.isoformat() if a.due else "", escape(a.owner or ""),
                  a.status.replace("_", " "), escape(a.title))
    out.print(t)
    counts = {st: sum(a.status == st for a in rows) for st in ("open", "in_progress", "dropped")}
    more = "".join(f", {counts[st]:,} {st.replace('_', ' ')}" for st in ("in_progress", "dropped") if counts[st])
    out.print(f"{_plural(len(rows), 'action')}, {counts['open']:,} open{more}")


@experiment_app.command("start")
def experiment_start(
    title: Annotated[str, typer.Argument(help='What is tried, e.g. "Post bilingually on Instagram".')],
    metric: Annotated[str, typer.Option("--metric", help="The metric that judges it (see `smi metrics`).")],
    subject: Annotated[str, typer.Option("--subject", help="DIM=VALUE: the posts tried, e.g. language=cy+en or format=video.")],
    from_: Annotated[str, typer.Option("--from", help="First day, YYYY-MM-DD.")],
    to: Annotated[str, typer.Option("--to", help="Last day, YYYY-MM-DD (included).")],
    hypothesis: Annotated[str | None, typer.Option("--hypothesis", help="What you expect to happen.")] = None,
    platform: Annotated[str | None, typer.Option("--platform", help="The platform the change is made on.")] = None,
    agreed_on: Annotated[str | None, typer.Option("--agreed-on", help="The day it was agreed, YYYY-MM-DD (default: today); --from may be at most 7 days before.")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Start an experiment: at its end, the platform's change from the weeks before is compared with the other platforms' (difference in differences)."""
    from smi.practice.experiments import start_experiment

    try:
        e = start_experiment(_open(workspace), title, hypothesis=hypothesis, metric=metric, subject=subject,
                             from_=from_, to=to, platform=platform, agreed_on=agreed_on)
    except SmiError as ex:
        raise _fail(ex) from None
    out.print(f"started experiment {e.experiment_id}: {e.title} ({e.subject_text()}, {e.metric}, "
              f"{e.starts_on} to {e.ends_on})", highlight=False, soft_wrap=True, markup=False)


def _verdict_cell(e) -> str:  # type: ignore[no-untyped-def]
    r = e.result
    if not r:
        return e.status
    if r.get("words"):
        return f"{r['verdict']}: {r['words']}"
    if r.get("ratio") is not None:
        return f"{r['verdict']} (x{r['ratio']:.2f}, p={r['p_value']:.3g}; n={r['n_subject']} vs {r['n_control']})"
    return f"{r['verdict']} (n={r['n_subject']} vs {r['n_control']})"


@experiment_app.command("list")
def experiment_list(
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    workspace: WorkspaceOpt = None,
) -> None:
    """List experiments with their verdicts (judged by `smi experiment evaluate` or the report)."""
    from smi.practice.experiments import list_experiments

    _table_or_json(fmt)
    with _user_errors():
        rows = list_experiments(_open(workspace))
    if fmt == "json":
        print(json.dumps([e.as_dict() for e in rows], indent=2, ensure_ascii=False))
        return
    t = Table("id", "window", "experiment", "verdict")
    for e in rows:
        t.add_row(str(e.experiment_id), f"{e.starts_on} to {e.ends_on}",
                  escape(f"{e.title}\n{e.subject_text()}, {e.metric}"), escape(_verdict_cell(e)))
    out.print(t)
    out.print(_plural(len(rows), "experiment"))


@experiment_app.command("evaluate")
def experiment_evaluate(
    month: Annotated[str | None, typer.Option("--month", help="YYYY-MM: judge experiments that ended by its last day (default: by today).")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Judge the experiments whose window has ended, and store the verdicts."""
    from smi.practice.evaluate import evaluate_experiments

    with _user_errors():
        rows = evaluate_experiments(_open(workspace), month)
    for r in rows:
        out.print(f"experiment {r['id']}: {r['verdict'] or r['status']}: {r['title']}",
                  highlight=False, soft_wrap=True, markup=False)
    judged = sum(r["verdict"] is not None for r in rows)
    out.print(f"judged {_plural(judged, 'experiment')}, {len(rows) - judged:,} running")


# -- the web app (smi.web) ------------------------------------------------------------------
users_app = typer.Typer(help="Who may sign in to `smi serve`, and to which workspaces.", no_args_is_help=True)
app.add_typer(users_app, name="users")


@app.command()
def serve(
    root: Annotated[Path, typer.Argument(help="A workspace, or a folder of workspaces (default: the current folder).")] = Path("."),
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    secure_cookies: Annotated[bool, typer.Option("--secure-cookies", help="Mark cookies Secure (behind HTTPS).")] = False,
) -> None:
    """Serve the web app: dashboard, uploads and time log for every workspace under ROOT."""
    import uvicorn

    from smi.web.app import create_app
    from smi.web.serve import startup_lines

    with _user_errors():
        for line in startup_lines(root):
            out.print(escape(line), highlight=False, soft_wrap=True)
        web = create_app(root, secure_cookies=secure_cookies, warm=True)
    out.print(f"open http://{host}:{port}/login (Ctrl+C stops)", highlight=False, soft_wrap=True)
    uvicorn.run(web, host=host, port=port, log_level="warning")


@app.command()
def schedule(
    root: Annotated[Path, typer.Argument(help="A workspace, or a folder of workspaces (default: the current folder).")] = Path("."),
    smtp_host: Annotated[str | None, typer.Option("--smtp-host", help="Mail server (default: SMI_SMTP_HOST, else localhost).")] = None,
    smtp_port: Annotated[int | None, typer.Option("--smtp-port", help="Its port (default: SMI_SMTP_PORT, else 25).")] = None,
    sender: Annotated[str | None, typer.Option("--from", help="Sender address (default: SMI_MAIL_FROM).")] = None,
    starttls: Annotated[bool, typer.Option("--starttls", help="Use STARTTLS (login from SMI_SMTP_USER/SMI_SMTP_PASSWORD).")] = False,
    today: Annotated[str | None, typer.Option("--today", help="Act as if today were this date (YYYY-MM-DD).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would be sent; send nothing.")] = False,
) -> None:
    """Send each workspace's monthly report e-mail when it is due ([delivery] in workspace.toml). Run it daily from cron."""
    from datetime import date as _date

    from smi.delivery import Smtp, deliver
    from smi.web.hosts import find_workspaces

    with _user_errors():
        try:
            day = _date.fromisoformat(today) if today else None
        except ValueError:
            raise SmiError(f"--today '{today}' is not a date", fix="write it as YYYY-MM-DD") from None
        smtp = Smtp.from_env(host=smtp_host, port=smtp_port, sender=sender, starttls=starttls)
        failed = 0
        for path in find_workspaces(root).values():
            try:
                o = deliver(path, smtp, day, dry_run)
            except SmiError as e:
                o = None
                failed += 1
                err.print(escape(f"{path.name}: failed: {e.message}" + (f" — {e.fix}" if e.fix else "")), highlight=False)
            if o is not None:
                failed += o.status == "failed"
                who = f" to {len(o.to)} {'person' if len(o.to) == 1 else 'people'}" if o.to else ""
                line = f"{o.workspace}: {o.status}{' ' + o.month if o.month else ''}{who}{': ' + o.message if o.message else ''}"
                (err if o.status == "failed" else out).print(escape(line), highlight=False, soft_wrap=True)
        if failed:
            raise typer.Exit(1)


@users_app.command("add")
def users_add(
    email: Annotated[str, typer.Argument(help="The user's e-mail address (their sign-in name).")],
    role: Annotated[str, typer.Option("--role", help="admin (everything), adviser (assigned workspaces), member (one workspace: upload, log own time), viewer (read only).")],
    workspace: Annotated[list[str] | None, typer.Option("--workspace", help="A workspace folder's name under ROOT (repeat).")] = None,
    person: Annotated[str | None, typer.Option("--person", help="Their name in the time log (default: the e-mail's name).")] = None,
    root: Annotated[Path, typer.Option("--root", help="The folder `smi serve` serves (default: the current folder).")] = Path("."),
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from standard input.")] = False,
) -> None:
    """Add a user (or replace one with the same e-mail address)."""
    from smi.web.hosts import find_workspaces
    from smi.web.users import Users

    with _user_errors():
        known = find_workspaces(root) if root.is_dir() else {}
        unknown = [w for w in workspace or [] if w not in known]
        if unknown:
            raise SmiError(f"no workspace {', '.join(unknown)} under {root}",
                           fix=f"choose from: {', '.join(known) or 'none (create one with smi init)'}")
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
        new = Users(root).add(email, role, password, workspace or [], person)
    out.print(f"{'added' if new else 'replaced'} {email.strip().lower()} ({role}"
              f"{': ' + ', '.join(workspace) if workspace else ''})", highlight=False, soft_wrap=True)
@app.command()
def forget(
    who: Annotated[str, typer.Argument(help="An account (platform:@handle) or a person's name.")],
    reports: Annotated[bool, typer.Option("--reports", help="Also delete report files that name them.")] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Erase an account or a person everywhere in the workspace, and keep them out of later imports."""
    from smi.forget import forget as run_forget
    from smi.forget import resolve

    with _user_errors():
        ws = _open(workspace)
        plan = resolve(ws, who)
    what = ([f"person {plan.person}"] if plan.person else []) + [f"account {a}" for a in plan.target.accounts]
    out.print(f"to forget: {', '.join(what)}", highlight=False, markup=False)
    if not yes and not typer.confirm("Erase them from the store, archive, caches and profile? This cannot be undone"):
        out.print("nothing erased")
        raise typer.Exit(1)
    with _user_errors():
        done = run_forget(ws, plan, reports=reports)
    for line in done.lines() or ["nothing held them"]:
        out.print(line, highlight=False, markup=False, soft_wrap=True)
    out.print(f"forgotten: later imports skip {', '.join(what)}", highlight=False, markup=False)


@app.command("backup")
def backup_cmd(
    directory: Annotated[Path, typer.Argument(help="New or empty folder for the backup.")],
    wait: Annotated[float, typer.Option("--wait", help="Seconds to wait while another smi command uses the store.")] = 60.0,
    workspace: WorkspaceOpt = None,
) -> None:
    """Copy the workspace (store, workspace.toml, archive, reports) consistently, even while other commands run."""
    from smi.backup import backup

    with _user_errors():
        done = backup(_open(workspace), directory, wait=wait)
    out.print(done.line("backed up to"), highlight=False, markup=False, soft_wrap=True)


@app.command("restore")
def restore_cmd(
    directory: Annotated[Path, typer.Argument(help="A folder written by `smi backup`.")],
    force: Annotated[bool, typer.Option("--force", help="Replace the workspace's store, profile, archive and reports.")] = False,
    wait: Annotated[float, typer.Option("--wait", help="Seconds to wait while another smi command uses the store.")] = 60.0,
    workspace: WorkspaceOpt = None,
) -> None:
    """Restore a backup into the workspace folder (-w, or the current folder); refuses a non-empty one without --force."""
    from smi.backup import restore
    from smi.workspace import resolve_path

    target = resolve_path(workspace if workspace is not None else _GLOBAL["workspace"])
    with _user_errors():
        done = restore(directory, target, force=force, wait=wait)
    out.print(done.line("restored into"), highlight=False, markup=False, soft_wrap=True)


def main() -> None:  # pragma: no cover
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


# -- initiatives (issue 13) ---------------------------------------------------------------------
initiative_app = typer.Typer(help="Initiatives: the shortlist kept from meeting to meeting, scored on impact and effort.",
                             no_args_is_help=True)
app.add_typer(initiative_app, name="initiative")


def _scores(i) -> str:  # type: ignore[no-untyped-def]
    return "not scored" if i.impact is None else f"impact {i.impact}, effort {i.effort}"


@initiative_app.command("add")
def initiative_add(
    title: Annotated[str, typer.Argument(help='What the initiative is, e.g. "Monthly partner spotlight".')],
    owner: Annotated[str | None, typer.Option("--owner", help="Who leads it (a person in the profile).")] = None,
    impact: Annotated[int | None, typer.Option("--impact", help="Expected impact, 1 (low) to 5 (high).")] = None,
    effort: Annotated[int | None, typer.Option("--effort", help="Expected effort, 1 (low) to 5 (high).")] = None,
    finding: Annotated[list[str] | None, typer.Option("--finding", help="A finding it answers (id as reports print it; repeat).")] = None,
    action: Annotated[list[int] | None, typer.Option("--action", help="An action that carries it out (id; repeat).")] = None,
    experiment: Annotated[list[int] | None, typer.Option("--experiment", help="An experiment that tests it (id; repeat).")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Put an initiative on the shortlist."""
    from smi.practice.initiatives import add_initiative

    with _user_errors():
        i, warnings = add_initiative(_open(workspace), title, owner=owner, impact=impact, effort=effort,
                                     findings=finding or [], actions=action or [], experiments=experiment or [])
    for w in warnings:
        err.print(f"[yellow]warning:[/] {escape(w)}", highlight=False, soft_wrap=True)
    who = f" for {i.owner}" if i.owner else ""
    linked = f", {_plural(len(i.findings), 'finding')}" if i.findings else ""
    out.print(f"added initiative {i.initiative_id}{who} ({_scores(i)}{linked}): {i.title}",
              highlight=False, soft_wrap=True, markup=False)


@initiative_app.command("score")
def initiative_score(
    initiative_id: Annotated[int, typer.Argument(help="The initiative's id (see `smi initiative list`).")],
    impact: Annotated[int, typer.Option("--impact", help="Impact, 1 (low) to 5 (high).")],
    effort: Annotated[int, typer.Option("--effort", help="Effort, 1 (low) to 5 (high).")],
    note: Annotated[str | None, typer.Option("--note", help="Why the scores changed.")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Score an initiative again (every scoring is kept)."""
    from smi.practice.initiatives import score_initiative

    with _user_errors():
        i, (was_impact, was_effort) = score_initiative(_open(workspace), initiative_id, impact=impact,
                                                       effort=effort, note=note)
    before = "not scored before" if was_impact is None else f"was impact {was_impact}, effort {was_effort}"
    out.print(f"initiative {i.initiative_id}: {_scores(i)} ({before}): {i.title}",
              highlight=False, soft_wrap=True, markup=False)


@initiative_app.command("link")
def initiative_link(
    initiative_id: Annotated[int, typer.Argument(help="The initiative's id (see `smi initiative list`).")],
    finding: Annotated[list[str] | None, typer.Option("--finding", help="A finding it answers (id; repeat).")] = None,
    action: Annotated[list[int] | None, typer.Option("--action", help="An action that carries it out (id; repeat).")] = None,
    experiment: Annotated[list[int] | None, typer.Option("--experiment", help="An experiment that tests it (id; repeat).")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Link findings, actions and experiments to an initiative (the report says when a linked action is done)."""
    from smi.practice.initiatives import link_initiative

    with _user_errors():
        i = link_initiative(_open(workspace), initiative_id, findings=finding or [], actions=action or [],
                            experiments=experiment or [])
    out.print(f"initiative {i.initiative_id}: {_plural(len(i.findings), 'finding')}, {_plural(len(i.actions), 'action')}, "
              f"{_plural(len(i.experiments), 'experiment')} linked: {i.title}", highlight=False, soft_wrap=True, markup=False)


@initiative_app.command("close")
def initiative_close(
    initiative_id: Annotated[int, typer.Argument(help="The initiative's id (see `smi initiative list`).")],
    as_: Annotated[str, typer.Option("--as", help="done or dropped.")] = "done",
    outcome: Annotated[str | None, typer.Option("--outcome", help="What came of it, in a sentence.")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Close an initiative as done or dropped."""
    from smi.practice.initiatives import close_initiative

    with _user_errors():
        i, changed = close_initiative(_open(workspace), initiative_id, status=as_, outcome=outcome)
    state = i.status if changed else f"was already {i.status}"
    out.print(f"initiative {i.initiative_id} {state}: {i.title}", highlight=False, soft_wrap=True, markup=False)


@initiative_app.command("list")
def initiative_list(
    everything: Annotated[bool, typer.Option("--all", help="Closed initiatives too (after the open ones).")] = False,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    since: Annotated[str | None, typer.Option("--since", help="Also say what moved since this day, YYYY-MM-DD (e.g. the last meeting).")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """The shortlist: open initiatives by impact over effort (quick wins first)."""
    from smi.practice.initiatives import board

    _table_or_json(fmt)
    with _user_errors():
        rows = board(_open(workspace), everything=everything)
    if fmt == "json":
        print(json.dumps([i.as_dict() for i in rows], indent=2, ensure_ascii=False))
        return
    t = Table("id", "initiative", "owner", "impact", "effort", "impact/effort", "findings", "status")
    for i in rows:
        t.add_row(str(i.initiative_id), escape(i.title), escape(i.owner or ""),
                  "" if i.impact is None else str(i.impact), "" if i.effort is None else str(i.effort),
                  "" if i.priority is None else f"{i.priority:.2f}",
                  ", ".join(f[:6] for f in i.findings), i.status)
    out.print(t)
    n_open = sum(i.status == "open" for i in rows)
    out.print(f"{_plural(len(rows), 'initiative')}, {n_open:,} open")
    if since is not None:
        from datetime import time as _time

        from smi.practice import parse_date
        from smi.practice.initiatives import moves_since

        with _user_errors():
            ws = _open(workspace)
            day = parse_date(since, "--since")
            start = datetime.combine(day, _time(0), tzinfo=ws.timezone)  # local: the summary says this day
            moves = moves_since(ws, start)
        out.print(moves.summary(), highlight=False, soft_wrap=True, markup=False)


# -- purposes (issue 13) ------------------------------------------------------------------------
purposes_app = typer.Typer(help="What each post and interaction is for, from the profile's [purposes] rules.",
                           no_args_is_help=True)
app.add_typer(purposes_app, name="purposes")


@purposes_app.command("apply")
def purposes_apply(workspace: WorkspaceOpt = None) -> None:
    """Set every post's and interaction's purpose from the rules in workspace.toml."""
    from smi.purposes import apply_purposes

    with _user_errors():
        ws = _open(workspace)
        with err.status("setting purposes…"):
            result = apply_purposes(ws)
    out.print(result.summary(), highlight=False, soft_wrap=True)


@purposes_app.command("show")
def purposes_show(
    month: Annotated[str | None, typer.Option("--month", help="YYYY-MM (default: the last month every source covers in full).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    workspace: WorkspaceOpt = None,
) -> None:
    """Q1 by purpose for a month: posts, their share, engagements and inbound interactions (every account)."""
    from smi.purpose_model import evaluate as evaluate_model
    from smi.purposes import figures

    _table_or_json(fmt)
    with _user_errors():
        ws = _open(workspace)
        month = _month(ws, month)
        rows, note = figures(ws, month)
        model = evaluate_model(ws)
    if fmt == "json":
        print(json.dumps({"month": month, "purposes": rows, "note": note, "model": model.as_dict()},
                         indent=2, ensure_ascii=False))
        return
    t = Table("purpose", "posts", "share of posts", "engagements", "engagements per post", "interactions",
              title=f"purposes in {month}")

    def num(x: float | None, f: str = ",.0f") -> str:
        return "n/a" if x is None else format(x, f)

    for r in rows:
        t.add_row(r["purpose"], num(r["posts"]), "n/a" if r["share_of_posts"] is None else f"{r['share_of_posts']:.0%}",
                  num(r["engagements"]), num(r["engagements_per_post"], ",.1f"), num(r["interactions"]))
    out.print(t)
    out.print(model.words(), highlight=False, soft_wrap=True)
    if note:
        err.print(note, highlight=False, soft_wrap=True)


@app.command("label")
def label_posts(
    n: Annotated[int, typer.Option("--n", min=1, help="Posts to label this time.")] = 20,
    evaluate: Annotated[bool, typer.Option("--evaluate", help="Only say the model's accuracy on held-back labels.")] = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Label the posts the purpose model is least sure of: 1-5 a purpose, s skip, q quit (one answer a line)."""
    import getpass
    import sys

    from smi.purpose_label import run_session
    from smi.purpose_model import evaluate as evaluate_model
    from smi.purpose_model import least_sure
    from smi.purposes import apply_purposes

    with _user_errors():
        ws = _open(workspace)
        if not evaluate:
            with err.status("finding the posts the model is least sure of…"):
                posts = least_sure(ws, n)
            if not posts:
                out.print("no post left to label", highlight=False)
            else:
                try:
                    by: str | None = getpass.getuser()
                except (OSError, KeyError):
                    by = None

                def read() -> str | None:
                    line = sys.stdin.readline()
                    return line if line else None

                session = run_session(ws, posts, read, lambda s: out.print(s, highlight=False, markup=False,
                                                                            soft_wrap=True), by)
                out.print(session.summary(), highlight=False)
                if sum(session.labelled.values()):
                    with err.status("setting purposes again…"):
                        out.print(apply_purposes(ws).summary(), highlight=False, soft_wrap=True)
        with err.status("measuring the model on held-back labels…"):
            result = evaluate_model(ws)
    out.print(result.words(), highlight=False, soft_wrap=True)


# -- stakeholder groups (issue 13) --------------------------------------------------------------
groups_app = typer.Typer(help="Stakeholder groups: who they are and what the organisation wants from them.",
                         no_args_is_help=True)
app.add_typer(groups_app, name="groups")


@groups_app.command("add")
def groups_add(
    name: Annotated[str, typer.Argument(help='The group, e.g. "partners" or "press".')],
    handle: Annotated[list[str] | None, typer.Option("--handle", help="platform:@handle in the group (repeat).")] = None,
    aim: Annotated[str | None, typer.Option("--aim", help="grow, keep or reduce (new groups: keep).")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Declare a stakeholder group, or add handles to one (kept in workspace.toml)."""
    with _user_errors():
        ws = _open(workspace)
        added = ws.profile_file.add_group(name, handle or [], aim)
    g = next(x for x in ws.profile_file.model.groups if x.name.casefold() == name.strip().casefold())
    out.print(f"{'added' if added else 'updated'} group {g.name} ({_plural(len(g.handles), 'handle')}, aim: {g.aim})",
              highlight=False, soft_wrap=True, markup=False)


@groups_app.command("list")
def groups_list(workspace: WorkspaceOpt = None) -> None:
    """List the stakeholder groups in the profile."""
    with _user_errors():
        ws = _open(workspace)
    t = Table("group", "aim", "handles")
    for g in ws.profile.groups:
        t.add_row(escape(g.name), g.aim, escape(", ".join(g.handles)))
    out.print(t)


# -- the learning survey (issue 13) -------------------------------------------------------------
@app.command("survey")
def survey_cmd(
    person: Annotated[str | None, typer.Option("--person", help="Who answers (a name in the profile); without it: who is due.")] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="Ask in en or cy (default: the profile's first language).")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """The learning survey: who is due, or answer it (--person; answers can come on stdin, one a line)."""
    from smi.survey import check_answer, due, person_named, record

    with _user_errors():
        ws = _open(workspace, reads=person is None)
        status = due(ws)
        if person is None:
            t = Table("person", "survey")
            for d in status:
                t.add_row(escape(d.person), d.words())
            if not status:
                raise SmiError("the profile has no people to answer the survey", fix="add them with `smi people add`")
            out.print(t)
            n = sum(d.due for d in status)
            out.print(f"{n} of {len(status)} {'person' if len(status) == 1 else 'people'} due for the round of {status[0].current_round} "
                      f"(every {ws.profile.survey.every_months} months)", highlight=False)
            return
        items = ws.profile.survey.items
        language = lang or next((x for x in ws.profile.organisation.languages if x in ("cy", "en")), "en")
        if language not in ("cy", "en"):
            raise _fail(SmiError(f"--lang '{language}' is not known", fix="use en or cy"))
        mine = next((d for d in status if d.person.casefold() == person.strip().casefold()), None)
        if mine is not None and not mine.due:
            err.print(f"{escape(mine.person)} {mine.words()}: answering again replaces this round's answers",
                      highlight=False, soft_wrap=True)
        if mine is None:
            person_named(ws.profile, person)  # says which people the profile has
        blank = "gadewch yn wag i'w hepgor" if language == "cy" else "blank to skip"
        answers: dict[str, str] = {}
        for item in items:
            question = item.cy if language == "cy" else item.en
            hint = f"{item.min}–{item.max}, {blank}" if item.kind == "scale" else blank
            while True:
                raw = typer.prompt(f"{question} ({hint})", default="", show_default=False)
                try:
                    check_answer(item, raw)
                except SmiError as e:
                    err.print(f"[yellow]{escape(e.message)}:[/] {escape(e.fix or '')}", highlight=False)
                    continue
                break
            answers[item.id] = raw
        round_, n = record(ws, person, answers)
    out.print(f"saved {_plural(n, 'answer')} of {len(items)} items for {escape(mine.person if mine else person)}, "
              f"round of {round_}", highlight=False)
