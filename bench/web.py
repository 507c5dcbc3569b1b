"""The web bench: 20 concurrent users on the dashboard once the month is worked out.

Serves a copy of a workspace (default: a demo built with `smi demo`) with `smi serve` in its
own process, signs 20 users in, waits until the default month is worked out, then has the
20 users each open the dashboard REPEAT times at once and reports the latency percentiles.
Target (issue 12): p95 <= 300 ms.

    .venv/bin/python bench/web.py                     # builds bench/out/web-demo once
    .venv/bin/python bench/web.py --workspace DIR     # a copy of DIR is served
"""

from __future__ import annotations

import argparse
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench" / "out"
USERS = 20
REPEAT = 10
TARGET_P95_MS = 300.0
PASSWORD = "bench password 1234"


def _smi(*args: str) -> list[str]:
    return [sys.executable, "-c", "from smi.cli import app; app()", *args]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _login(url: str, email: str) -> httpx.Client:
    c = httpx.Client(base_url=url, timeout=120)
    token = re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text).group(1)
    r = c.post("/login", data={"csrf": token, "email": email, "password": PASSWORD})
    assert r.status_code == 303, r.text[:300]
    return c


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workspace", type=Path, help="the workspace to serve a copy of (default: a demo)")
    ap.add_argument("--users", type=int, default=USERS)
    ap.add_argument("--repeat", type=int, default=REPEAT)
    args = ap.parse_args(argv)

    root = OUT / "web-root"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    source = args.workspace
    if source is None:
        source = OUT / "web-demo"
        if not (source / "workspace.toml").exists():
            subprocess.run(_smi("demo", str(source)), check=True)
    shutil.copytree(source, root / "bench")
    for i in range(args.users):
        subprocess.run(_smi("users", "add", f"user{i}@example.org", "--role", "viewer", "--workspace", "bench",
                            "--root", str(root), "--password-stdin"), input=PASSWORD, text=True, check=True,
                       capture_output=True)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(_smi("serve", str(root), "--port", str(port)), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while True:
            try:
                httpx.get(url + "/login", timeout=2)
                break
            except httpx.TransportError:
                assert time.time() < deadline, "the server did not start"
                time.sleep(0.3)
        clients = [_login(url, f"user{i}@example.org") for i in range(args.users)]
        t0 = time.time()
        while 'class="figures"' not in clients[0].get("/w/bench/").text:
            assert time.time() - t0 < 900, "the month was not worked out in 15 minutes"
            time.sleep(1)
        print(f"month worked out in {time.time() - t0:.1f} s (first request to figures)")
        times: list[float] = []
        lock = threading.Lock()
        barrier = threading.Barrier(args.users)

        def user(c: httpx.Client) -> None:
            barrier.wait()
            for _ in range(args.repeat):
                t = time.perf_counter()
                r = c.get("/w/bench/")
                took = (time.perf_counter() - t) * 1000
                assert r.status_code == 200 and 'class="figures"' in r.text
                with lock:
                    times.append(took)

        threads = [threading.Thread(target=user, args=(c,)) for c in clients]
        t1 = time.time()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.time() - t1
        times.sort()
        p = lambda q: times[min(len(times) - 1, int(q * len(times)))]  # noqa: E731
        p95 = p(0.95)
        print(f"{args.users} users x {args.repeat} dashboard requests: {len(times)} in {wall:.1f} s; "
              f"median {statistics.median(times):.0f} ms, p95 {p95:.0f} ms, max {times[-1]:.0f} ms "
              f"(target p95 <= {TARGET_P95_MS:.0f} ms: {'met' if p95 <= TARGET_P95_MS else 'MISSED'})")
        for c in clients:
            c.close()
        return 0 if p95 <= TARGET_P95_MS else 1
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
