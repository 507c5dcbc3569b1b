"""Users, sessions, login attempts and the audit log, in one SQLite file in the served folder.

Passwords are argon2 hashes; a session cookie holds a random token of which only the
SHA-256 is stored, so a copy of the file opens no session. Each session has its own CSRF
token. Every change made through the web app is written to `audit`.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from smi.errors import SmiError

DB_NAME = "smi-web.sqlite"
ROLES = ("admin", "adviser", "member", "viewer")
SESSION_SECONDS = 12 * 3600
# Login rate limit: this many failed sign-ins for one e-mail address (or, higher, from one
# client address: an office shares one) within the window locks further tries until the
# oldest falls out of it.
MAX_FAILURES = 5
MAX_CLIENT_FAILURES = 30
FAILURE_WINDOW = 15 * 60
MIN_PASSWORD = 10

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
  email TEXT PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('admin', 'adviser', 'member', 'viewer')),
  person TEXT,
  password TEXT NOT NULL,
  created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS user_workspaces (
  email TEXT NOT NULL REFERENCES users(email) ON DELETE CASCADE,
  workspace TEXT NOT NULL,
  PRIMARY KEY (email, workspace)
);
CREATE TABLE IF NOT EXISTS sessions (
  token_sha256 TEXT PRIMARY KEY,
  email TEXT NOT NULL REFERENCES users(email) ON DELETE CASCADE,
  csrf TEXT NOT NULL,
  lang TEXT,
  created_at REAL NOT NULL,
  expires_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS login_failures (
  key TEXT NOT NULL,
  at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS login_failures_key ON login_failures (key, at);
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at REAL NOT NULL,
  email TEXT,
  workspace TEXT,
  action TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '{}'
);
"""


@dataclass
class User:
    email: str
    role: str
    person: str | None = None
    workspaces: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """Who the time log counts: the person named in the profile, else the e-mail's name."""
        return self.person or self.email.split("@", 1)[0]

    def can_view(self, workspace: str) -> bool:
        return self.role == "admin" or workspace in self.workspaces

    def can_upload(self, workspace: str) -> bool:
        return self.role in ("admin", "adviser", "member") and self.can_view(workspace)

    def can_log_time(self, workspace: str) -> bool:
        return self.can_upload(workspace)


@dataclass
class Session:
    user: User
    csrf: str
    lang: str | None


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Users:
    """The users file. Safe to share between threads (one connection per call, WAL)."""

    def __init__(self, root: Path) -> None:
        self.path = Path(root) / DB_NAME
        self.hasher = PasswordHasher()
        self._lock = threading.Lock()
        with self._db() as db:
            db.executescript(_SCHEMA)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=10)
        try:
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("PRAGMA journal_mode = WAL")
            with db:
                yield db
        finally:
            db.close()

    # -- users ----------------------------------------------------------------------------
    def add(self, email: str, role: str, password: str, workspaces: list[str] | None = None,
            person: str | None = None) -> bool:
        """Create or replace a user; True when new. A member has exactly one workspace."""
        email = email.strip().lower()
        workspaces = list(dict.fromkeys(workspaces or []))
        if "@" not in email or email.startswith("@") or email.endswith("@"):
            raise SmiError(f"'{email}' is not an e-mail address", fix="write it as name@example.org")
        if role not in ROLES:
            raise SmiError(f"there is no role '{role}'", fix=f"choose one of: {', '.join(ROLES)}")
        if role == "member" and len(workspaces) != 1:
            raise SmiError(f"a member belongs to exactly one workspace; {len(workspaces)} given",
                           fix="give one --workspace NAME")
        if role in ("adviser", "viewer") and not workspaces:
            raise SmiError(f"an {role} sees only the workspaces assigned; none given",
                           fix="give --workspace NAME (repeat for several)")
        if len(password) < MIN_PASSWORD:
            raise SmiError(f"the password has {len(password)} characters; at least {MIN_PASSWORD} are needed",
                           fix="choose a longer password (a few words make a good one)")
        digest = self.hasher.hash(password)
        with self._lock, self._db() as db:
            new = db.execute("SELECT 1 FROM users WHERE email = ?", [email]).fetchone() is None
            db.execute("INSERT OR REPLACE INTO users VALUES (?, ?, ?, ?, ?)",
                       [email, role, person, digest, time.time()])
            db.execute("DELETE FROM user_workspaces WHERE email = ?", [email])
            db.executemany("INSERT INTO user_workspaces VALUES (?, ?)", [(email, w) for w in workspaces])
            db.execute("DELETE FROM sessions WHERE email = ?", [email])
        self.audit(None, None, "user added" if new else "user replaced",
                   {"user": email, "role": role, "workspaces": workspaces})
        return new

    def get(self, email: str) -> User | None:
        with self._db() as db:
            row = db.execute("SELECT email, role, person FROM users WHERE email = ?",
                             [email.strip().lower()]).fetchone()
            if row is None:
                return None
            ws = [r[0] for r in db.execute(
                "SELECT workspace FROM user_workspaces WHERE email = ? ORDER BY workspace", [row[0]])]
        return User(row[0], row[1], row[2], ws)

    def count_admins(self) -> int:
        with self._db() as db:
            return db.execute("SELECT count(*) FROM users WHERE role = 'admin'").fetchone()[0]

    def count(self) -> int:
        with self._db() as db:
            return db.execute("SELECT count(*) FROM users").fetchone()[0]

    # -- signing in -----------------------------------------------------------------------
    def failures(self, key: str, now: float | None = None) -> int:
        now = time.time() if now is None else now
        with self._db() as db:
            return db.execute("SELECT count(*) FROM login_failures WHERE key = ? AND at > ?",
                              [key, now - FAILURE_WINDOW]).fetchone()[0]

    def locked(self, email: str, client: str) -> bool:
        return (self.failures(f"email:{email}") >= MAX_FAILURES
                or self.failures(f"client:{client}") >= MAX_CLIENT_FAILURES)

    def authenticate(self, email: str, password: str, client: str) -> User | None:
        """The user when the password is right; None otherwise (and the failure counts
        against the e-mail address and the client address)."""
        email = email.strip().lower()
        with self._db() as db:
            row = db.execute("SELECT password FROM users WHERE email = ?", [email]).fetchone()
        ok = False
        if row is not None:
            try:
                ok = self.hasher.verify(row[0], password)
            except (VerificationError, InvalidHashError):
                ok = False
        else:
            # spend the same time as a real check, so timing does not tell who has an account
            with suppress(VerificationError, InvalidHashError):
                self.hasher.verify(self._dummy(), password)
        if not ok:
            now = time.time()
            with self._db() as db:
                db.executemany("INSERT INTO login_failures VALUES (?, ?)",
                               [(f"email:{email}", now), (f"client:{client}", now)])
                db.execute("DELETE FROM login_failures WHERE at < ?", [now - FAILURE_WINDOW])
            self.audit(email, None, "sign-in failed", {"client": client})
            return None
        self.audit(email, None, "signed in", {"client": client})
        return self.get(email)

    _dummy_hash: str | None = None

    def _dummy(self) -> str:
        if Users._dummy_hash is None:
            Users._dummy_hash = self.hasher.hash(secrets.token_hex(8))
        return Users._dummy_hash

    # -- sessions -------------------------------------------------------------------------
    def open_session(self, user: User, lang: str | None = None) -> str:
        token = secrets.token_urlsafe(32)
        now = time.time()
        with self._db() as db:
            db.execute("DELETE FROM sessions WHERE expires_at < ?", [now])
            db.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?)",
                       [_sha(token), user.email, secrets.token_urlsafe(32), lang, now, now + SESSION_SECONDS])
        return token

    def session(self, token: str | None) -> Session | None:
        if not token:
            return None
        with self._db() as db:
            row = db.execute("SELECT email, csrf, lang FROM sessions WHERE token_sha256 = ? AND expires_at > ?",
                             [_sha(token), time.time()]).fetchone()
        if row is None:
            return None
        user = self.get(row[0])
        return Session(user, row[1], row[2]) if user else None

    def set_language(self, token: str, lang: str) -> None:
        with self._db() as db:
            db.execute("UPDATE sessions SET lang = ? WHERE token_sha256 = ?", [lang, _sha(token)])

    def close_session(self, token: str | None) -> None:
        if token:
            with self._db() as db:
                db.execute("DELETE FROM sessions WHERE token_sha256 = ?", [_sha(token)])

    # -- audit ----------------------------------------------------------------------------
    def audit(self, email: str | None, workspace: str | None, action: str, detail: dict | None = None) -> None:
        with self._db() as db:
            db.execute("INSERT INTO audit (at, email, workspace, action, detail) VALUES (?, ?, ?, ?, ?)",
                       [time.time(), email, workspace, action, json.dumps(detail or {}, default=str)])

    def audit_log(self, workspace: str | None = None) -> list[dict]:
        sql = "SELECT id, at, email, workspace, action, detail FROM audit"
        args: list[str] = []
        if workspace is not None:
            sql += " WHERE workspace = ?"
            args.append(workspace)
        with self._db() as db:
            rows = db.execute(sql + " ORDER BY id", args).fetchall()
        return [{"id": r[0], "at": r[1], "email": r[2], "workspace": r[3], "action": r[4],
                 "detail": json.loads(r[5])} for r in rows]
