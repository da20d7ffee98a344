"""Server time of the API's study list, and the rate and memory of whole-search downloads.

    DATABASE_URL=postgres://... python bench/api_downloads.py [--studies 100000] [--runs 10]

Fills the database first (``synthesize_studies`` from the bulk archive) when it holds fewer
studies than asked. Times GET /api/v2/studies (p50, p95) per kind of query at pageSize 10 and
1000, and a page deep in the results through its token; then streams CSV and JSON downloads of
searches of growing size, printing studies per second and the process's peak memory growth.
Prints figures; asserts nothing.
"""

import argparse
import json
import resource
import statistics
import time
from urllib.parse import urlencode

from django.http import StreamingHttpResponse
from scale import ARCHIVE, Client, ensure_studies, p95, read, timed

from trials.models import Study

API_QUERIES = {
    "no query": {},
    "query.term common": {"query.term": "breast cancer"},
    "query.term very common": {"query.term": "patients"},
    "query.intr drug": {"query.intr": "pembrolizumab"},
    "query.cond": {"query.cond": "asthma"},
    "query.spons": {"query.spons": "National Cancer Institute"},
    "query.locn": {"query.locn": "Columbus, Ohio"},
    "query.id": {"query.id": "NCT90000123"},
    "filter.ids (20)": {"filter.ids": ",".join(f"NCT{90000000 + i * 37:08d}" for i in range(20))},
    "status + sort": {"filter.overallStatus": "RECRUITING", "sort": "EnrollmentCount:desc"},
}
DOWNLOADS = [
    ("q=asthma", {"q": "asthma"}),
    ("q=breast cancer", {"q": "breast cancer"}),
    ("phase=PHASE3", {"phase": "PHASE3"}),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--studies", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--archive", default=str(ARCHIVE))
    options = parser.parse_args()

    ensure_studies(options.studies, options.archive)
    print(f"{Study.objects.count()} studies; {options.runs} timed runs after one warm-up")
    client = Client(HTTP_HOST="localhost")

    print(f"\nGET /api/v2/studies{'':<14} {'size':>5} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for name, params in API_QUERIES.items():
        for size in (10, 1000):
            url = "/api/v2/studies?" + urlencode({**params, "pageSize": size})
            times, response, _, queries = timed(client, url, options.runs if size == 10 else 3)
            note = "" if response.status_code == 200 else f" HTTP {response.status_code}"
            print(
                f"{name:<32} {size:>5} {statistics.median(times):>8.0f} {p95(times):>8.0f}"
                f" {queries:>8}{note}"
            )

    # A page deep in the results: walk to it once by tokens, then time it.
    token, pages = None, 0
    while pages < 50:
        walk: dict[str, int | str] = {"pageSize": 1000, **({"pageToken": token} if token else {})}
        body = json.loads(read(client.get("/api/v2/studies?" + urlencode(walk))))
        token, pages = body.get("nextPageToken"), pages + 1
        if not token:
            break
    if token:
        url = "/api/v2/studies?" + urlencode({"pageSize": 1000, "pageToken": token})
        times, _, _, queries = timed(client, url, 3)
        print(f"{'page 51 (offset 50,000)':<32} {1000:>5} {statistics.median(times):>8.0f}")

    print(f"\n{'download':<24} {'format':>6} {'studies':>8} {'seconds':>8} {'per s':>7} {'+MB':>6}")
    for name, params in DOWNLOADS:
        for extension in ("csv", "json"):
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            started = time.perf_counter()
            download = client.get(f"/studies/export.{extension}", params)
            assert isinstance(download, StreamingHttpResponse), "downloads are streamed"
            size = rows = 0
            for chunk in download:
                size += len(chunk)
                rows += chunk.count(b'{"protocolSection"') if extension == "json" else 1
            seconds = time.perf_counter() - started
            rows = rows - 1 if extension == "csv" else rows  # the header row
            grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
            print(
                f"{name:<24} {extension:>6} {rows:>8} {seconds:>8.1f} {rows / seconds:>7.0f}"
                f" {grown:>6.0f}"
            )


if __name__ == "__main__":
    main()
