"""A large page of the API: time and memory of pageSize=1000 whole studies, built and kept.

    DATABASE_URL=... .venv/bin/python bench/api_page.py [--page-size 1000] [--fields NCTId|...]

Asks, in this process, for one page of whole studies from the database the settings point at
(import an archive first: the page needs as many studies), first with no answer kept (every
study built from its tables, then kept) and again (every answer read as kept), consuming the
body as a server sends it. Prints the time, the peak of Python's allocations during the request
(tracemalloc) and the body's size: the peak must stay near one chunk of studies
(``trials.api.STREAM_CHUNK``), not grow with the page. With ``--fields``, the page of those
fields instead (built from the tables they need, never kept), asked three times.
"""

import argparse
import os
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_HTTPS", "false")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page-size", type=int, default=1000)
    parser.add_argument("--fields", help="a page of these fields (NCTId|BriefTitle|...)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.test import Client

    from trials.models import PreparedPage, Study

    studies = Study.objects.count()
    if studies < args.page_size:
        sys.exit(f"{studies} studies: import at least {args.page_size} first")
    PreparedPage.objects.filter(kind=PreparedPage.Kind.API).delete()
    client = Client(HTTP_HOST="localhost")
    url = f"/api/v2/studies?pageSize={args.page_size}&sort=StudyFirstPostDate"
    runs: tuple[str, ...] = ("built, then kept", "kept")
    if args.fields:
        url += f"&fields={args.fields}"
        runs = ("first", "second", "third")
    print(f"{url} over {studies:,} studies")
    # Timed first, untraced (tracing every allocation slows Python down); then the same runs
    # again from nothing kept, traced, for their peaks.
    timings = [_ask(client, url) for _ in runs]
    PreparedPage.objects.filter(kind=PreparedPage.Kind.API).delete()
    peaks = [_ask(client, url, traced=True)[1] for _ in runs]
    baseline = timings[0][0]
    for label, (took, _, size, streamed), peak in zip(runs, timings, peaks, strict=True):
        print(
            f"{label:18} {took * 1000:8.0f} ms ({took / baseline:4.2f} of the first)  "
            f"peak {peak / 2**20:6.1f} MiB  body {size / 2**20:5.1f} MiB  "
            f"{'streamed' if streamed else 'whole'}"
        )


def _ask(client: Any, url: str, traced: bool = False) -> tuple[float, int, int, bool]:
    """Seconds to the end of the body, peak of traced allocations, bytes, streamed or not."""
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    response = client.get(url)
    size = sum(len(chunk) for chunk in response)  # consumed as a server sends it
    took = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if traced else 0
    tracemalloc.stop()
    return took, peak, size, response.streaming


if __name__ == "__main__":
    main()
