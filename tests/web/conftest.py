"""A real server on 127.0.0.1 (uvicorn in a thread, a free port) over a folder of two
workspaces, with one user of each role."""

from __future__ import annotations

import re
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

PASSWORD = "correct horse battery"
# email -> (role, workspaces, person)
USERS = {
    "admin@example.org": ("admin", [], None),
    "adviser@example.org": ("adviser", ["alpha"], None),
    "member@example.org": ("member", ["alpha"], "Mari Jones"),
    "viewer@example.org": ("viewer", ["alpha"], None),
    "beta@example.org": ("member", ["beta"], None),
}


@dataclass
class Running:
    url: str
    root: Path
    app: object
    clients: list[httpx.Client]

    def client(self) -> httpx.Client:
        c = httpx.Client(base_url=self.url, follow_redirects=False, timeout=60)
        self.clients.append(c)
        return c

    def close_clients(self) -> None:
        while self.clients:
            self.clients.pop().close()

    def login(self, email: str, password: str = PASSWORD) -> httpx.Client:
        c = self.client()
        token = csrf(c.get("/login").text)
        r = c.post("/login", data={"csrf": token, "email": email, "password": password})
        assert r.status_code == 303, r.text
        return c


def csrf(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "no CSRF field in the page"
    return m.group(1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(root: Path):
    import uvicorn

    from smi.web.app import create_app

    app = create_app(root)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started:
        assert time.time() < deadline, "the server did not start"
        time.sleep(0.05)
    return server, thread, Running(f"http://127.0.0.1:{port}", root, app, [])


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from smi.web.users import Users
    from smi.workspace import Workspace

    root = tmp_path_factory.mktemp("served")
    for name in ("alpha", "beta"):
        Workspace.create(root / name, name=f"Org {name}", timezone="UTC").close()
    users = Users(root)
    for email, (role, ws, person) in USERS.items():
        users.add(email, role, PASSWORD, ws, person)
    server, thread, running = start(root)
    yield running
    running.close_clients()
    server.should_exit = True
    thread.join(timeout=10)
    for host in running.app.state.server.hosts.values():
        host.stop()


@pytest.fixture(autouse=True)
def _close_clients(request):
    yield
    if "site" in request.fixturenames:
        request.getfixturevalue("site").close_clients()
