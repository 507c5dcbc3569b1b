"""Memory on zip bombs (issue 14): a zip whose one member holds a single huge string or cell
(BOMB_MB expanded, ~50:1, so it passes the zip bounds and reaches the parser), one per
parser. Each is imported by its own `smi import` process; its peak resident memory (the
kernel's VmHWM of that process, read by the process itself as it exits) must stay under
1 GB, and it must end cleanly (imported, or refused with a message), never a traceback.

Not rusage's ru_maxrss: Linux carries it across exec, so a child started by a large pytest
process (1 GB after a full suite) reads at least the parent's size whatever it did itself.

Run by hand to see the figures: pytest tests/hostile/test_memory.py -s -m slow"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from .test_hostile import gen

BOMB_MB = int(os.environ.get("SMI_BOMB_MB", "100"))
LIMIT_MB = 1024
MARK = "BOMBTEXTMARK"
# one seed per parser that holds a free text (the LinkedIn followers and TikTok followers files hold none)
BOMBED = [s for s in gen.SEEDS if s.text and s.name != "linkedin-visitors-xlsx"]
ONLY = [n for n in os.environ.get("SMI_BOMBS", "").split(",") if n]  # to re-measure a few by hand


def _payload_chunk() -> bytes:
    """1 MB of words with a random letter every ~200 bytes: deflate gets ~50:1 out of it, and
    it repeats only 1 MB apart, beyond deflate's 32 KB window."""
    rnd = random.Random(14)
    out = bytearray()
    while len(out) < 1 << 20:
        out += b"word " * 40 + bytes([rnd.randrange(97, 123)]) + b" "
    return bytes(out[: 1 << 20])


def write_bomb(seed, folder: Path) -> list[str]:  # type: ignore[no-untyped-def]
    """The seed with its text replaced by BOMB_MB of words, zipped member by member (streamed:
    the test never holds the text in memory)."""
    src = folder / "src"
    path, args = gen._write(seed, src, text=MARK)
    root = Path(args[0])
    members = [p for p in sorted(root.rglob("*")) if p.is_file()] if root.is_dir() else [root]
    chunk = _payload_chunk()
    out = folder / "bomb.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for m in members:
            name = m.relative_to(root if root.is_dir() else root.parent).as_posix()
            data = m.read_bytes()
            if m != path:
                z.writestr(name, data)
                continue
            head, _, tail = data.partition(MARK.encode())
            with z.open(zipfile.ZipInfo(name, date_time=(2026, 7, 1, 0, 0, 0)), "w", force_zip64=True) as w:
                w.write(head)
                for _ in range(BOMB_MB):
                    w.write(chunk)
                w.write(tail)
    for p in sorted(src.rglob("*"), reverse=True):
        p.unlink() if p.is_file() else p.rmdir()
    return [str(out), *args[1:]]


# The smi CLI, writing its own high-water resident memory (kB) to $SMI_HWM_FILE as it exits.
SMI_MEASURED = """
import atexit, os
def _hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            open(os.environ["SMI_HWM_FILE"], "w").write(line.split()[1])
atexit.register(_hwm)
from smi.cli import app
app()
"""


def peak_rss_mb(cmd: list[str], env: dict[str, str], timeout: float) -> tuple[int, float, str, float]:
    """Run a command started with SMI_MEASURED; (exit code, its peak RSS in MB, its output, seconds)."""
    import tempfile

    fd, hwm_file = tempfile.mkstemp(suffix=".hwm")
    os.close(fd)
    env = {**env, "SMI_HWM_FILE": hwm_file}
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    deadline = t0 + timeout
    while True:
        pid, status, _usage = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            p.kill()
            os.wait4(p.pid, 0)
            raise AssertionError(f"{cmd} took more than {timeout} s")
        time.sleep(0.2)
    out = p.stdout.read().decode("utf-8", errors="replace") if p.stdout else ""
    if p.stdout:
        p.stdout.close()
    p.returncode = os.waitstatus_to_exitcode(status)
    text = Path(hwm_file).read_text()
    Path(hwm_file).unlink()
    assert text, f"{cmd} did not report its memory (killed?): {out[-500:]}"
    return os.waitstatus_to_exitcode(status), int(text) / 1024, out, time.monotonic() - t0


@pytest.mark.slow
def test_memory_on_every_bomb_stays_under_1_gb(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    smi = [sys.executable, "-c", SMI_MEASURED]
    ws = tmp_path / "ws"
    subprocess.run([*smi, "init", str(ws), "--name", "Bomb Org", "--timezone", "UTC"], env=env, check=True,
                   capture_output=True)
    rows = []
    for seed in [s for s in BOMBED if not ONLY or s.name in ONLY]:
        folder = tmp_path / seed.name
        folder.mkdir()
        args = write_bomb(seed, folder)
        code, rss, out, secs = peak_rss_mb([*smi, "import", "--no-enrich", "-w", str(ws), *args], env, 600)
        Path(args[0]).unlink()
        outcome = "imported" if code == 0 else "refused"
        rows.append((seed.name, outcome, round(rss), round(secs, 1)))
        print(f"{seed.name}: {outcome}, peak RSS {rss:,.0f} MB, {secs:.1f} s: {' '.join(out.split())[-200:]}")
        assert "Traceback" not in out, out
        assert code in (0, 1), out
        assert rss <= LIMIT_MB, f"{seed.name}: peak RSS {rss:,.0f} MB"
    assert len(rows) == (len(ONLY) if ONLY else len(BOMBED)) and len(BOMBED) >= 14
