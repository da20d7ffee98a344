"""What the benchmarks at scale share: a database of N studies and timed requests.

Imported by the bench scripts beside it (``python bench/search.py`` puts this folder first on
the import path); it sets Django up on import.
"""

import contextlib
import os
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http.response import HttpResponseBase  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from trials.models import Study  # noqa: E402

# Benchmarks may read the shared corpus; the copy in fixtures/ serves a clone without it.
ARCHIVE = ROOT / "fixtures" / "corpus" / "bulk" / "ctgov-xml-2023-02.tar.xz"


def ensure_studies(count: int, archive: str) -> None:
    """Synthesize studies from the bulk archive until the database holds ``count``."""
    have = Study.objects.count()
    if have < count:
        print(f"{have} studies; synthesizing {count - have} more from {archive}")
        call_command("synthesize_studies", count=count - have, archive=archive, batch=4000)


def timed(
    client: Client, url: str, runs: int, fresh: bool = False
) -> tuple[list[float], HttpResponseBase, bytes, int]:
    """Milliseconds per run after one warm-up, each to the end of its body (a streamed one read
    as a server sends it); the last response, its body and its query count, those made while
    its body was sent included.

    ``fresh``: every run asks a URL of its own (a parameter no view reads), so a page the server
    keeps once rendered (a search, trials.pages) is rendered each time rather than served kept.
    """
    read(client.get(url))
    times = []
    for run in range(runs):
        asked = _fresh(url, run) if fresh else url
        started = time.perf_counter()
        read(client.get(asked))
        times.append((time.perf_counter() - started) * 1000)
    last = _fresh(url, runs) if fresh else url
    with CaptureQueriesContext(connection) as queries:
        response = client.get(last)
        body = read(response)
    return times, response, body, len(queries)


def read(response: HttpResponseBase) -> bytes:
    """The whole body, streamed or not."""
    return b"".join(response)


def _fresh(url: str, run: int) -> str:
    return f"{url}{'&' if '?' in url else '?'}bench_run={run}"


def p95(values: list[float]) -> float:
    # Inclusive: with few runs the default method extrapolates a p95 above the slowest run.
    return (
        statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 else values[0]
    )


@contextlib.contextmanager
def fresh_database(name: str) -> Iterator[None]:
    """A new, migrated database ``name`` on the configured server for the block; dropped after."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name}")
        cursor.execute(f"CREATE DATABASE {name}")
    connection.close()
    original = connection.settings_dict["NAME"]
    connection.settings_dict["NAME"] = name
    try:
        call_command("migrate", verbosity=0)
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name}")
