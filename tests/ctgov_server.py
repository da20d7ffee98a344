"""A local stand-in for ClinicalTrials.gov's /api/v2/studies, serving corpus records.

It reads the query string as the real API does (``pageSize``, ``pageToken``, ``sort`` and a
``filter.advanced`` of ``AREA[LastUpdatePostDate]RANGE[date,MAX]``), so a test of the sync
proves the command asks for the right thing: ask wrongly and the pages come back wrong. Every
request is logged; faults make it answer an error instead, for given pages and times.
"""

import json
import re
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

FILTER = re.compile(r"AREA\[LastUpdatePostDate\]RANGE\[(\d{4}-\d{2}-\d{2}),MAX\]")


def last_update(study: dict[str, Any]) -> str:
    """The study's LastUpdatePostDate ("" when it has none)."""
    status = study.get("protocolSection", {}).get("statusModule", {})
    return str(status.get("lastUpdatePostDateStruct", {}).get("date", ""))


def nct_id(study: dict[str, Any]) -> str:
    return str(study["protocolSection"]["identificationModule"]["nctId"])


@dataclass
class Fault:
    """Answer ``status`` instead of a page, ``times`` times: for ``page`` (1-based), or for
    the next requests whatever they ask when ``page`` is None."""

    status: int
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    page: int | None = None
    times: int = 1


@dataclass
class FakeApi:
    studies: list[dict[str, Any]]
    url: str = ""
    log: list[dict[str, str]] = field(default_factory=list)  # each request's query
    agents: list[str] = field(default_factory=list)  # each request's User-Agent
    faults: list[Fault] = field(default_factory=list)
    # Token -> (offset, the query it continues): tokens are opaque and only good for that query.
    tokens: dict[str, tuple[int, tuple[str, str]]] = field(default_factory=dict)

    def replace(self, study: dict[str, Any]) -> None:
        """Serve ``study`` instead of the one of its NCT ID, or as a new one."""
        self.studies = [s for s in self.studies if nct_id(s) != nct_id(study)] + [study]

    def answer(self, path: str, query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        self.log.append(query)
        if path != "/api/v2/studies":
            return _text(404, f"no such endpoint {path}")
        if query.get("format", "json") != "json":
            return _text(400, "this stand-in answers format=json only")
        size = min(int(query.get("pageSize") or 10), 1000) or 10
        asked = (query.get("filter.advanced", ""), query.get("sort", ""))
        offset = 0
        if token := query.get("pageToken"):
            if token not in self.tokens or self.tokens[token][1] != asked:
                return _text(400, f"Invalid pageToken {token!r}")
            offset = self.tokens[token][0]
        for fault in self.faults:
            if fault.times > 0 and fault.page in (None, offset // size + 1):
                fault.times -= 1
                return fault.status, fault.headers, fault.body.encode()
        try:
            studies = self._selected(*asked)
        except ValueError as exc:
            return _text(400, str(exc))
        page: dict[str, Any] = {"studies": studies[offset : offset + size]}
        if offset + size < len(studies):
            token = f"token-{len(self.tokens) + 1}"
            self.tokens[token] = (offset + size, asked)
            page["nextPageToken"] = token
        return 200, {"Content-Type": "application/json"}, json.dumps(page).encode()

    def _selected(self, advanced: str, sort: str) -> list[dict[str, Any]]:
        studies = list(self.studies)
        if advanced:
            if not (match := FILTER.fullmatch(advanced)):
                raise ValueError(f"this stand-in cannot read filter.advanced={advanced!r}")
            studies = [s for s in studies if last_update(s) and last_update(s) >= match[1]]
        if sort:
            field_name, _, direction = sort.partition(":")
            if field_name != "LastUpdatePostDate" or direction not in ("", "asc", "desc"):
                raise ValueError(f"this stand-in cannot sort by {sort!r}")
            # A date sorts descending unless told; studies without one always come last.
            dated = sorted(
                (s for s in studies if last_update(s)),
                key=lambda s: (last_update(s), nct_id(s)),
                reverse=direction != "asc",
            )
            studies = dated + [s for s in studies if not last_update(s)]
        return studies


def _text(status: int, message: str) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "text/plain"}, message.encode()


@contextmanager
def serving(studies: list[dict[str, Any]]) -> Iterator[FakeApi]:
    """The stand-in on a free port of loopback, for the length of the block."""
    api = FakeApi(studies)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
            api.agents.append(self.headers.get("User-Agent", ""))
            status, headers, body = api.answer(parts.path, query)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the log is api.log

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    api.url = f"http://127.0.0.1:{server.server_address[1]}/api/v2"
    # shutdown() waits for serve_forever's next poll: at the default half second, that was half a
    # second at the end of every test that talks to this server.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
    )
    thread.start()
    try:
        yield api
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
