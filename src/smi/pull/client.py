"""A small HTTP client for open APIs: timeouts, retries with back-off, rate limits, pages.

- 429 and 5xx answers (and dropped connections) are retried a bounded number of times,
  waiting `Retry-After` when the server gives it, else an exponential back-off.
- Rate-limit headers are respected: when a server says no requests remain
  (`X-RateLimit-Remaining: 0` on Mastodon, `RateLimit-Remaining: 0` on Bluesky), the next
  request waits until the reset time it gave (`X-RateLimit-Reset` / `RateLimit-Reset`).
- `sleep` and `clock` are injectable, so tests never really wait.
- Failures become typed errors that say what to do: a refused token, an unknown instance or
  account, an unreachable server.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from smi.errors import SmiError

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
USER_AGENT = "social-media-insights (smi)"


class ApiError(SmiError):
    """An open API refused or failed a request."""

    def __init__(self, message: str, *, fix: str | None = None, status: int | None = None,
                 detail: str | None = None) -> None:
        super().__init__(message, fix=fix)
        self.status = status  # the HTTP status, if the server answered
        self.detail = detail  # the API's own error text, if it gave one


class ApiAuthError(ApiError):
    """401/403: the token is missing, wrong, expired or lacks the scope."""


class ApiNotFoundError(ApiError):
    """404: no such instance path or account."""


class ApiNetworkError(ApiError):
    """The server could not be reached, or did not answer in time."""


class ApiRateLimitError(ApiError):
    """The server kept saying "too many requests" (or asked for a wait too long to make)."""


@dataclass
class Page:
    """One answer: its JSON, its headers, and its Link header parsed (rel -> url)."""

    data: Any
    headers: httpx.Headers
    links: dict[str, str]
    url: str

    def link_param(self, rel: str, name: str) -> str | None:
        """A query parameter of a Link header target, e.g. the `max_id` of rel="next"."""
        url = self.links.get(rel)
        if url is None:
            return None
        values = parse_qs(urlsplit(url).query).get(name)
        return values[0] if values else None


def _seconds_until(value: str, now: float) -> float | None:
    """A reset or retry time as seconds from `now`: delta seconds, epoch seconds, an ISO 8601
    time (Mastodon's X-RateLimit-Reset) or an HTTP date (Retry-After)."""
    value = value.strip()
    try:
        n = float(value)
    except ValueError:
        pass
    else:
        return max(0.0, n - now) if n > 1e9 else max(0.0, n)  # epoch seconds, else a delta
    for parse in (datetime.fromisoformat, parsedate_to_datetime):
        try:
            dt = parse(value)
        except (ValueError, TypeError, IndexError):
            continue
        if dt.tzinfo is None:
            continue
        return max(0.0, dt.timestamp() - now)
    return None


class ApiClient:
    """GET JSON from one API. One instance per pull; close it (or use `with`)."""

    def __init__(
        self,
        base_url: str,
        *,
        service: str,
        token: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        attempts: int = 5,
        backoff: float = 1.0,
        max_wait: float = 900.0,
        timeout: float = 30.0,
        auth_fix: str = "check the token: it must be valid for this server and allow reading",
        not_found_fix: str = "check the instance URL and account",
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.service = service
        self.attempts = attempts
        self.backoff = backoff
        self.max_wait = max_wait
        self.auth_fix = auth_fix
        self.not_found_fix = not_found_fix
        self._sleep = sleep
        self._clock = clock
        self._resume_at: float | None = None  # a rate limit said: no requests before this
        self.requests = 0
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._http = httpx.Client(base_url=self.base_url, headers=headers,
                                  timeout=httpx.Timeout(timeout, connect=10.0),
                                  follow_redirects=True, transport=transport)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- requests -------------------------------------------------------------------------------
    def get(self, path: str, params: dict[str, Any] | None = None) -> Page:
        """GET `path` (relative to the base URL) and return its JSON, retrying as needed."""
        for attempt in range(1, self.attempts + 1):
            self._wait_for_rate_limit()
            try:
                self.requests += 1
                r = self._http.get(path, params=params)
            except httpx.TransportError as e:  # refused, reset, timed out, DNS
                if attempt == self.attempts:
                    raise ApiNetworkError(
                        f"cannot reach {self.service} at {self.base_url} "
                        f"({type(e).__name__}; tried {self.attempts} times)",
                        fix="check your internet connection and the instance URL",
                    ) from None
                self._sleep(self._backoff(attempt))
                continue
            self._note_rate_limit(r.headers)
            if r.status_code in RETRY_STATUSES and attempt < self.attempts:
                self._sleep(self._retry_wait(r, attempt))
                continue
            if r.status_code >= 400:
                raise self._error(r, path)
            try:
                data = r.json()
            except ValueError:
                raise ApiError(f"{self.service} answered {path} with something that is not JSON",
                               fix="check the URL points at the API (e.g. https://mastodon.social)",
                               status=r.status_code) from None
            return Page(data, r.headers, {rel: v["url"] for rel, v in r.links.items() if "url" in v},
                        str(r.url))
        raise AssertionError("unreachable")  # pragma: no cover

    def pages(self, path: str, params: dict[str, Any],
              next_params: Callable[[Page], dict[str, Any] | None]) -> Iterator[Page]:
        """GET page after page: `next_params(page)` gives the next page's parameters
        (a cursor, a max_id) or None at the end."""
        while True:
            page = self.get(path, params)
            yield page
            more = next_params(page)
            if not more:
                return
            params = {**params, **more}

    # -- waiting ------------------------------------------------------------------------------
    def _backoff(self, attempt: int) -> float:
        return min(self.backoff * 2 ** (attempt - 1), 60.0)

    def _note_rate_limit(self, headers: httpx.Headers) -> None:
        for prefix in ("x-ratelimit-", "ratelimit-"):
            remaining = headers.get(prefix + "remaining")
            reset = headers.get(prefix + "reset")
            if remaining is None or reset is None:
                continue
            try:
                left = float(remaining)
            except ValueError:
                continue
            if left <= 0:
                wait = _seconds_until(reset, self._clock())
                if wait is not None:
                    self._resume_at = self._clock() + wait
            return

    def _wait_for_rate_limit(self) -> None:
        if self._resume_at is None:
            return
        wait = self._resume_at - self._clock()
        self._resume_at = None
        if wait > self.max_wait:
            raise self._too_long(wait)
        if wait > 0:
            self._sleep(wait)

    def _retry_wait(self, r: httpx.Response, attempt: int) -> float:
        """Retry-After if given; else, for a 429, until the rate limit resets; else back off."""
        wait: float | None = None
        if "retry-after" in r.headers:
            wait = _seconds_until(r.headers["retry-after"], self._clock())
        if wait is None and r.status_code == 429 and self._resume_at is not None:
            wait = max(0.0, self._resume_at - self._clock())
        self._resume_at = None
        if wait is None:
            wait = self._backoff(attempt)
        if wait > self.max_wait:
            raise self._too_long(wait)
        return wait

    def _too_long(self, wait: float) -> ApiRateLimitError:
        return ApiRateLimitError(
            f"{self.service} asks smi to wait {wait / 60:.0f} minutes before the next request",
            fix="pull again later; what was fetched so far was not saved", status=429,
        )

    # -- errors -------------------------------------------------------------------------------
    def _error(self, r: httpx.Response, path: str) -> ApiError:
        code = r.status_code
        detail = _detail(r)
        said = f": {detail}" if detail else ""
        where = f"{self.base_url}{path}"
        if code in (401, 403):
            return ApiAuthError(f"{self.service} refused the request (HTTP {code}){said}",
                                fix=self.auth_fix, status=code, detail=detail)
        if code == 404:
            return ApiNotFoundError(f"{self.service} found nothing at {where} (HTTP 404){said}",
                                    fix=self.not_found_fix, status=code, detail=detail)
        if code == 429:
            return ApiRateLimitError(
                f"{self.service} still said too many requests after {self.attempts} tries",
                fix="wait a few minutes and pull again", status=code, detail=detail)
        if code >= 500:
            return ApiError(f"{self.service} failed {self.attempts} times (HTTP {code}){said}",
                            fix="the server is having trouble; try again later",
                            status=code, detail=detail)
        return ApiError(f"{self.service} rejected the request to {where} (HTTP {code}){said}",
                        fix="check the options given", status=code, detail=detail)


def _detail(r: httpx.Response) -> str | None:
    """The API's own error text: Mastodon's {"error": ...}, Bluesky's {"message": ...}."""
    try:
        body = r.json()
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    for key in ("message", "error_description", "error"):
        if isinstance(body.get(key), str) and body[key]:
            return body[key][:200]
    return None
