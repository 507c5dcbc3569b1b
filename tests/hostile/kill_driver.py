"""A process that loads smi once and then, per request, forks a child that runs one
`smi import` and is killed with SIGKILL at a chosen moment (test_kill.py).

Requests are JSON lines on stdin: {"ws", "paths", "phase", "nth", "delay"}. The child
starts a timer of `delay` seconds when `phase` begins ("run": the import's start;
"archive": the nth archive copy; "commit": the nth merge of rows) and kills itself with
SIGKILL when it fires, wherever the import then is; "copied" kills it at once when the nth
archive copy has been made, before its rows commit. Each answer is a JSON line:
{"code": exit code or null, "signal": the signal that ended the child or null}.
Forking a loaded process makes each run start in milliseconds instead of the seconds an
interpreter takes to import smi, so 50 kills fit in a few minutes.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading


def _child(req: dict) -> int:
    import smi.importer as importer
    from smi.cli import app
    from smi.store.db import ImportWriter

    def arm() -> None:
        t = threading.Timer(req["delay"], lambda: os.kill(os.getpid(), signal.SIGKILL))
        t.daemon = True
        t.start()

    calls = {"archive": 0, "commit": 0, "copied": 0}

    def after(fn):  # type: ignore[no-untyped-def]
        def wrapped(*a, **k):  # type: ignore[no-untyped-def]
            out = fn(*a, **k)
            if calls["copied"] == req["nth"]:
                os.kill(os.getpid(), signal.SIGKILL)
            calls["copied"] += 1
            return out
        return wrapped

    def hook(phase: str, fn):  # type: ignore[no-untyped-def]
        def wrapped(*a, **k):  # type: ignore[no-untyped-def]
            if calls[phase] == req["nth"]:
                arm()
            calls[phase] += 1
            return fn(*a, **k)
        return wrapped

    if req["phase"] == "run":
        arm()
    elif req["phase"] == "archive":
        importer._archive = hook("archive", importer._archive)
    elif req["phase"] == "copied":
        importer._archive = after(importer._archive)
    elif req["phase"] == "commit":
        ImportWriter.commit = hook("commit", ImportWriter.commit)
    try:
        app(["import", "--no-enrich", "-w", req["ws"], *req["paths"]], standalone_mode=False)
    except SystemExit as e:
        return int(e.code or 0)
    except BaseException:
        return 99
    return 0


def main() -> None:
    import smi.cli
    import smi.importer  # noqa: F401
    from smi.sources import load_all

    load_all()
    for line in sys.stdin:
        req = json.loads(line)
        pid = os.fork()
        if pid == 0:
            code = 1
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)  # the CLI's output must not mix with the answers
            os.dup2(null, 2)
            try:
                code = _child(req)
            finally:
                sys.stdout.flush()
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        out = {"code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
               "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
