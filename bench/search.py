"""Server time of the search page at scale: p50 and p95 per kind of query.

    DATABASE_URL=postgres://... python bench/search.py [--studies 100000] [--runs 20]

Fills the database first (``synthesize_studies`` from the bulk archive) when it holds fewer
studies than asked, then times the full results page (first page, total count, every facet) as
a request through Django, for rare, common and very common words, drug names and filter-only
searches. Prints figures; asserts nothing.
"""

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from trials.models import Study  # noqa: E402

ARCHIVE = ROOT.parent / "shared" / "corpus" / "bulk" / "ctgov-xml-2023-02.tar.xz"

QUERIES = {
    "rare words": ["q=temsirolimus", "q=sarcoidosis", "q=hidradenitis+suppurativa"],
    "common words": ["q=diabetes", "q=breast+cancer", "q=hypertension"],
    "very common words": ["q=patients", "q=study", "q=treatment"],
    "drug names": [
        "q=Revlimid",
        "q=CC-5013",
        "q=temsirolimis",
        "intr=pembrolizumab",
        "intr=metformin",
    ],
    "words and filters": [
        "q=cancer&recruiting=on&phase=PHASE3",
        "q=patients&sex=FEMALE&age=70&skip_eligibility=on",
    ],
    "filters only": [
        "",
        "status=RECRUITING&phase=PHASE3",
        "age=70&sex=FEMALE",
        "country=France",
        "cond=asthma",
        "sort=enrollment&type=INTERVENTIONAL",
    ],
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--studies", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--archive", default=str(ARCHIVE))
    options = parser.parse_args()

    have = Study.objects.count()
    if have < options.studies:
        print(f"{have} studies; synthesizing {options.studies - have} more from {options.archive}")
        call_command(
            "synthesize_studies", count=options.studies - have, archive=options.archive, batch=4000
        )
    with connection.cursor() as cursor:
        for table in ("trials_searchmatch", "trials_searchranking", "trials_searchdocument"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    print(f"{Study.objects.count()} studies; {options.runs} timed runs per query after one warm-up")

    client = Client(HTTP_HOST="localhost")
    print(f"{'kind':<20} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for kind, queries in QUERIES.items():
        times: list[float] = []
        details = []
        for query in queries:
            url = f"/studies/?{query}"
            client.get(url)
            own: list[float] = []
            for _ in range(options.runs):
                started = time.perf_counter()
                response = client.get(url)
                own.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            times += own
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            count = re.search(r'id="results-heading">([\d,]+)', response.content.decode())[1]
            details.append(
                f"{query or '(none)'}: {count} results, {len(captured)} queries, "
                f"p50 {statistics.median(own):.0f} ms, max {max(own):.0f} ms"
            )
        quantiles = statistics.quantiles(times, n=20)
        print(f"{kind:<20} {statistics.median(times):8.1f} {quantiles[18]:8.1f} {max(times):8.1f}")
        for line in details:
            print(f"    {line}")


if __name__ == "__main__":
    main()
