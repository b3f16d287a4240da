"""One HTTP client for the three statistics APIs (requests): retries, backoff, rate limit.

- Retries on 429 and 5xx and on timeouts/connection errors, with exponential backoff
  (``backoff · 2^attempt`` seconds); a ``Retry-After`` header (seconds or an HTTP date) is honoured
  instead when the server sends one.
- A client-side rate limit keeps at least ``min_interval`` seconds between requests (SSB: 30 calls
  per minute → 2 s; Oslo statistikkbank: 50 calls per 10 s → 0,2 s; FHI documents none, we use
  SSB's courtesy limit).
- Anything else that is not 2xx, or a failure after the last retry, raises :class:`FetchError`
  naming the indicator, the URL and the status.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests

USER_AGENT = "oslohelsa-make-data/0.1 (+https://github.com/; open data for Oslo's bydeler)"


class FetchError(RuntimeError):
    """A download failed: ``indicator``, ``url``, ``status`` (HTTP code or a word) and why."""

    def __init__(self, indicator: str, url: str, status: int | str, detail: str) -> None:
        self.indicator, self.url, self.status, self.detail = indicator, url, status, detail
        super().__init__(f'indicator "{indicator}": {url} -> {status}: {detail}')


class NotPublished(FetchError):
    """The table exists but, by its own metadata, has no values per bydel (not a failure)."""


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


@dataclass
class Client:
    """HTTP client for one publisher's base URL."""

    base_url: str
    min_interval: float = 2.0
    timeout: float = 60.0
    retries: int = 4
    backoff: float = 1.0
    max_wait: float = 120.0
    sleep: Callable[[float], None] = time.sleep
    session: requests.Session = field(default_factory=requests.Session)
    _last: float = field(default=0.0, repr=False)

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + "/" + path.lstrip("/")

    def _throttle(self) -> None:
        wait = self._last + self.min_interval - time.monotonic()
        if wait > 0:
            self.sleep(wait)
        self._last = time.monotonic()

    def request(
        self,
        method: str,
        path: str,
        *,
        indicator: str,
        json: Any = None,
        params: dict[str, str] | None = None,
    ) -> bytes:
        """The response body of a successful request (after retries), else FetchError."""
        url = self.url(path)
        status: int | str = "no response"
        detail = ""
        for attempt in range(self.retries + 1):
            self._throttle()
            wait = self.backoff * 2**attempt
            try:
                resp = self.session.request(
                    method,
                    url,
                    json=json,
                    params=params,
                    timeout=self.timeout,
                    headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
                )
            except requests.Timeout:
                status, detail = "timeout", f"no answer within {self.timeout:g} s"
            except requests.ConnectionError as exc:
                status, detail = "no connection", str(exc).split("\n")[0][:200]
            else:
                if resp.status_code < 400:
                    return resp.content
                status = resp.status_code
                detail = (resp.text or resp.reason or "").strip().replace("\n", " ")[:300]
                if resp.status_code != 429 and resp.status_code < 500:
                    raise FetchError(indicator, resp.url or url, status, detail or "client error")
                wait = _retry_after(resp.headers.get("Retry-After")) or wait
            if attempt < self.retries:
                self.sleep(min(wait, self.max_wait))
        raise FetchError(
            indicator, url, status, f"{detail or 'failed'} (after {self.retries + 1} attempts)"
        )
