"""An upload's import, run in a child process so the server's pages stay responsive while
it parses and enriches (both hold Python's lock for long stretches). The parent holds the
workspace's writer lock for the child's whole run; the child reports through a queue:

    ("start", name, source, size)  ("advance", n)  ("done", status, summary, fix, said, fix_said)
    ("skipped", [names])  ("step", "enriching")  ("error", message, fix, said, fix_said)  ("end", failed, total)

(`said`/`fix_said`: the same texts as messages, smi.messages, said in the reader's language)

and, first of the last two, ("stamp", smi.web.hosts.store_stamp) taken right after closing
the store, so the server can tell its own writes from another process's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def import_job(workspace: str, folder: str, out: Any) -> None:
    from smi.enrich import enrich
    from smi.errors import SmiError
    from smi.importer import run_import
    from smi.sources import ImportOptions
    from smi.store.enrichment import TABLES, pending
    from smi.web.hosts import store_stamp
    from smi.workspace import Workspace

    def on_start(unit: Any) -> Any:
        out.put(("start", str(unit.name), unit.source.name, unit.size or None))
        return lambda n: out.put(("advance", n))

    def on_done(result: Any) -> None:
        err = result.error
        out.put(("done", result.status, result.summary(), err.fix if err is not None else None,
                 result.summary_message(), err.fix_said if err is not None else None))

    try:
        with Workspace.open(Path(workspace)) as ws:
            report = run_import(ws, [Path(folder)], options=ImportOptions(), on_start=on_start, on_done=on_done)
            out.put(("skipped", [str(s) for s in report.skipped]))
            if any(r.status == "imported" for r in report.results) or any(
                    pending(ws.store, t) for t in TABLES):  # an interrupted enrichment resumes (issue 14)
                out.put(("step", "enriching"))
                enrich(ws)
        out.put(("stamp", store_stamp(Path(workspace))))
        out.put(("end", len(report.failed), len(report.results)))
    except SmiError as e:
        out.put(("stamp", store_stamp(Path(workspace))))
        out.put(("error", e.message, e.fix, e.said, e.fix_said))
    except Exception as e:  # a bug, not bad input: say so rather than spin forever
        out.put(("stamp", store_stamp(Path(workspace))))
        out.put(("error", f"unexpected error: {type(e).__name__}: {e}", None))
