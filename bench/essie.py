"""Server time of GET /api/v2/studies with Essie expressions (trials.essie), beside the plain
parameters they stand for.

    DATABASE_URL=postgres://... python bench/essie.py [--studies 100000] [--runs 10]

Fills the database first (``synthesize_studies`` from the bulk archive) when it holds fewer
studies than asked. Prints p50, p95 and the query count per request at pageSize 10, with the
total counted; asserts nothing.
"""

import argparse
import json
import statistics
from urllib.parse import urlencode

from scale import ARCHIVE, Client, ensure_studies, p95, timed

from trials.models import Study

QUERIES = {
    "query.term words": {"query.term": "breast cancer"},
    "query.term words AND area": {"query.term": "breast cancer AND AREA[OverallStatus]RECRUITING"},
    "start date range": {"filter.advanced": "AREA[StartDate]RANGE[2020-01-15,MAX]"},
    "ages": {
        "filter.advanced": "AREA[MinimumAge]RANGE[MIN, 16 years] AND "
        "AREA[MaximumAge]RANGE[16 years, MAX]"
    },
    "location city": {"filter.advanced": "AREA[LocationCity]Columbus"},
    "SEARCH[Location]": {
        "filter.advanced": "SEARCH[Location](AREA[LocationCity]Columbus AND "
        "AREA[LocationState]Ohio)"
    },
    "intervention name": {"filter.advanced": "AREA[InterventionName]pembrolizumab"},
    "condition full match": {"filter.advanced": 'AREA[Condition]COVERAGE[FullMatch]"asthma"'},
    "results missing": {"filter.advanced": "AREA[ResultsFirstPostDate]MISSING"},
    "cond grouping": {"query.cond": "(head OR neck) AND cancer"},
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--studies", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--archive", default=str(ARCHIVE))
    options = parser.parse_args()

    ensure_studies(options.studies, options.archive)
    print(f"{Study.objects.count()} studies; {options.runs} timed runs after one warm-up")
    client = Client(HTTP_HOST="localhost")
    print(f"{'GET /api/v2/studies':<28} {'total':>7} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for name, params in QUERIES.items():
        url = "/api/v2/studies?" + urlencode({**params, "countTotal": "true", "fields": "NCTId"})
        times, response, body, queries = timed(client, url, options.runs)
        ok = response.status_code == 200
        total = json.loads(body).get("totalCount") if ok else None
        note = "" if ok else f" HTTP {response.status_code}"
        print(
            f"{name:<28} {total!s:>7} {statistics.median(times):>8.0f} {p95(times):>8.0f}"
            f" {queries:>8}{note}"
        )


if __name__ == "__main__":
    main()
