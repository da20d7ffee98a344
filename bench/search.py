"""Server time of the search page at scale: p50 and p95 per kind of query.

    DATABASE_URL=postgres://... python bench/search.py [--studies 100000] [--runs 20]

Fills the database first (``synthesize_studies`` from the bulk archive) when it holds fewer
studies than asked, then times the full results page (first page, total count, every facet) as
a request through Django, for rare, common and very common words, drug names and filter-only
searches, and searches by place. Prints figures; asserts nothing.
"""

import argparse
import re
import statistics

from scale import ARCHIVE, Client, connection, ensure_studies, p95, timed

from trials.models import Study

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
        "q=patients&sex=FEMALE&age=70&eligibility=on",
    ],
    "filters only": [
        "",
        "status=RECRUITING&phase=PHASE3",
        "age=70&sex=FEMALE",
        "country=France",
        "cond=asthma",
        "sort=enrollment&type=INTERVENTIONAL",
    ],
    "places": [
        "near=Columbus,+Ohio&distance=50",
        "near=43210&distance=100&sort=distance",
        "near=Boston,+Massachusetts&distance=500&unit=km&recruiting_sites=on",
        "near=Chicago,+Illinois&distance=500&sort=distance",
        "near=France",
        "q=cancer&near=Houston,+Texas&distance=100&sort=distance",
        "region=California&city=Los+Angeles",
    ],
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--studies", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--archive", default=str(ARCHIVE))
    parser.add_argument("--kind", choices=QUERIES, action="append", help="only these kinds")
    parser.add_argument(
        "--fresh", action="store_true", help="render every run, never serve a kept page"
    )
    options = parser.parse_args()

    ensure_studies(options.studies, options.archive)
    with connection.cursor() as cursor:
        for table in (
            "trials_searchmatch",
            "trials_searchranking",
            "trials_searchdocument",
            "trials_site",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")
    print(f"{Study.objects.count()} studies; {options.runs} timed runs per query after one warm-up")

    client = Client(HTTP_HOST="localhost")
    print(f"{'kind':<20} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for kind, queries in QUERIES.items():
        if options.kind and kind not in options.kind:
            continue
        times: list[float] = []
        details = []
        for query in queries:
            url = f"/studies/?{query}"
            own, response, query_count = timed(client, url, options.runs, options.fresh)
            assert response.status_code == 200, (url, response.status_code)
            times += own
            heading = re.search(r'id="results-heading">([\d,]+)', response.content.decode())
            assert heading is not None, (url, "no results heading")
            details.append(
                f"{query or '(none)'}: {heading[1]} results, {query_count} queries, "
                f"p50 {statistics.median(own):.0f} ms, max {max(own):.0f} ms"
            )
        print(f"{kind:<20} {statistics.median(times):8.1f} {p95(times):8.1f} {max(times):8.1f}")
        for line in details:
            print(f"    {line}")


if __name__ == "__main__":
    main()
