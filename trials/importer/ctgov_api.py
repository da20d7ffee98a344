"""ClinicalTrials.gov API v2, read page by page: politely (a request rate), patiently (retries).

No Django here: the sync (``sync.py``) decides what to ask for and what to do with a page. A
page is ``{"studies": [...], "nextPageToken": "..."}``, the token absent on the last page
(the official OpenAPI description, operation ``listStudies``).
"""

import datetime
import email.utils
import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

USER_AGENT = "trial-registry/0.1 (sync_trials; a copy of the registry kept up to date)"
# Answers worth asking again for: the server is busy or briefly broken, not the question wrong.
RETRIED = frozenset({429, 500, 502, 503, 504})
# The longest wait between two attempts, whatever the backoff or Retry-After asks.
LONGEST_WAIT = 600.0


class ApiError(Exception):
    """The API refused a request or stayed unreachable: ``url`` and the server's words."""

    def __init__(self, url: str, problem: str, status: int | None = None) -> None:
        super().__init__(f"{url}: {problem}")
        self.url = url
        self.problem = problem
        self.status = status


@dataclass(frozen=True)
class Page:
    """One answer of /studies: its studies (API v2 objects) and the token of the next page."""

    studies: list[dict[str, Any]]
    next_token: str


def studies_query(
    since: datetime.date | None, page_size: int, page_token: str = ""
) -> dict[str, str]:
    """The query of one page of every study updated on or after ``since``, oldest update first.

    Ascending by LastUpdatePostDate (a date field sorts descending unless told), so that how far
    a sync got is a date that only moves forward.
    """
    query = {"format": "json", "pageSize": str(page_size), "sort": "LastUpdatePostDate:asc"}
    if since is not None:
        query["filter.advanced"] = f"AREA[LastUpdatePostDate]RANGE[{since.isoformat()},MAX]"
    if page_token:
        query["pageToken"] = page_token
    return query


class Client:
    """Requests to one API v2 base URL, at most ``rate`` a second, retried with backoff.

    ``sleep`` and ``clock`` are class attributes so that tests can count the waits without
    waiting.
    """

    sleep = staticmethod(time.sleep)
    clock = staticmethod(time.monotonic)

    def __init__(
        self,
        base_url: str,
        rate: float = 1.0,
        retries: int = 5,
        backoff: float = 2.0,
        timeout: float = 60.0,
    ) -> None:
        if rate <= 0:
            raise ValueError(f"the request rate must be above zero, not {rate}")
        self.base_url = base_url.rstrip("/")
        self.interval = 1.0 / rate
        self.retries = retries
        self.backoff = backoff
        self.timeout = timeout
        self._last_request: float | None = None

    def studies(self, query: Mapping[str, str]) -> Page:
        """One page of /studies; raises ApiError when refused or after the last retry."""
        url = f"{self.base_url}/studies?{urllib.parse.urlencode(query)}"
        document = self.get_json(url)
        studies = document.get("studies") if isinstance(document, dict) else None
        if not isinstance(studies, list) or not all(isinstance(s, dict) for s in studies):
            raise ApiError(url, "the answer is not a page of studies (no 'studies' list)")
        token = document.get("nextPageToken") or ""
        return Page(studies, str(token))

    def get_json(self, url: str) -> Any:
        """The JSON document at ``url``, asked for again on 429, 5xx and lost connections."""
        attempt = 0
        while True:
            self._keep_rate()
            try:
                body = self._get(url)
            except urllib.error.HTTPError as exc:
                message = _message(exc)
                if exc.code not in RETRIED:
                    raise ApiError(url, f"HTTP {exc.code}: {message}", exc.code) from exc
                problem, wait = f"HTTP {exc.code}: {message}", _retry_after(exc.headers)
            except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
                problem, wait = f"no answer ({_reason(exc)})", None
            else:
                try:
                    return json.loads(body)
                except ValueError as exc:
                    raise ApiError(url, f"the answer is not JSON ({exc})") from exc
            if attempt >= self.retries:
                raise ApiError(url, f"{problem}; gave up after {attempt + 1} attempts")
            self.sleep(min(wait if wait is not None else self.backoff * 2**attempt, LONGEST_WAIT))
            attempt += 1

    def _keep_rate(self) -> None:
        """Wait until a request is due: never more than ``rate`` requests a second."""
        if self._last_request is not None:
            due = self._last_request + self.interval - self.clock()
            if due > 0:
                self.sleep(due)
        self._last_request = self.clock()

    def _get(self, url: str) -> bytes:
        request = urllib.request.Request(
            url, headers={"User-Agent": USER_AGENT, "Accept": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            body: bytes = response.read()
            return body


def _message(error: urllib.error.HTTPError) -> str:
    """The server's own words about a refused request (text/plain on a 400), in one line."""
    try:
        text = error.read().decode("utf-8", "replace")
    except (OSError, http.client.HTTPException):
        text = ""
    text = " ".join(text.split()) or error.reason or "no message"
    return text if len(text) <= 500 else text[:499] + "…"


def _reason(error: Exception) -> str:
    reason = error.reason if isinstance(error, urllib.error.URLError) else error
    return str(reason) or type(reason).__name__


def _retry_after(headers: Any) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), if it says."""
    value = (headers.get("Retry-After") if headers is not None else None) or ""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    return max((when - datetime.datetime.now(datetime.UTC)).total_seconds(), 0.0)
