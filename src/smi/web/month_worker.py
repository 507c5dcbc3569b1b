"""The month, worked out in a child process so the server's pages stay quick while it runs
(the metrics and detectors hold Python's lock for seconds at a time; a thread would stall
every other request). The parent holds the workspace's writer lock for the child's whole
run and receives one message on the queue:

    ("month", key, reason, months, month_json, opened, closed)
    ("error", message, fix, opened, closed)

`opened` and `closed` are smi.web.hosts.store_stamp taken right after the child opened the
store (holding its lock: no other process is writing; opening writes nothing while the
profile is unchanged) and right after it closed it, so the server can tell its own writes
from another process's.

The child calls smi.monthly.run_month, so the month is also cached on disk by the data it
read: a later call with the same data is a cache hit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def month_job(workspace: str, month: str | None, out: Any) -> None:
    from smi.errors import SmiError
    from smi.metrics.months import choose_month, data_span
    from smi.monthly import run_month
    from smi.web.hosts import store_stamp
    from smi.web.month import month_keys
    from smi.workspace import Workspace

    msg: tuple[Any, ...]
    opened = None
    try:
        with Workspace.open(Path(workspace)) as ws:
            ws.store  # noqa: B018 (open it, taking its lock; opening writes nothing, Store.sync_profile)
            opened = store_stamp(Path(workspace))
            chosen = choose_month(ws, month)
            key = chosen.period.key
            m = run_month(ws, key)
            # the reason as a message: the dashboard says it in the reader's language
            msg = ("month", key, chosen.said or chosen.reason, month_keys(*data_span(ws)), m.to_json())
    except SmiError as e:
        msg = ("error", e.message, e.fix)
    except Exception as e:  # a bug, not bad input: say so rather than poll forever
        msg = ("error", f"the month could not be worked out: {type(e).__name__}: {e}", None)
    out.put((*msg, opened, store_stamp(Path(workspace))))


def months_job(workspace: str, out: Any) -> None:
    """Every month with data (smi.metrics.months.data_span), newest first, and no more: what
    the reports page offers when no month has been worked out since the data changed.

        ("months", months, opened, closed)
        ("error", message, fix, opened, closed)
    """
    from smi.errors import SmiError
    from smi.metrics.months import data_span
    from smi.web.hosts import store_stamp
    from smi.web.month import month_keys
    from smi.workspace import Workspace

    msg: tuple[Any, ...]
    opened = None
    try:
        with Workspace.open(Path(workspace)) as ws:
            ws.store  # noqa: B018 (as month_job)
            opened = store_stamp(Path(workspace))
            msg = ("months", month_keys(*data_span(ws)))
    except SmiError as e:
        msg = ("error", e.message, e.fix)
    except Exception as e:  # a bug, not bad input: say so rather than poll forever
        msg = ("error", f"the months with data could not be worked out: {type(e).__name__}: {e}", None)
    out.put((*msg, opened, store_stamp(Path(workspace))))
