"""Server time of the search page at scale, cold and warm: p50 and p95 per kind of query.

    DATABASE_URL=postgres://... python bench/search.py [--studies 600000] [--distinct 12]

Fills the database first (``synthesize_studies`` from the bulk archive) when it holds fewer
studies than asked, so the first run builds the database and later runs reuse it. Each kind of
query is a set of distinct searches the database has not answered before: the named ones below
and more of their kind drawn from the data (words by the share of studies they are found in,
drug names by their study counts, filters by their values). Each is asked once cold (rendered:
the kept pages are cleared first) and once warm (as kept), through Django, as the full results
page (first page, total count, every facet). Prints figures; asserts nothing.
"""

import argparse
import functools
import hashlib
import re
import statistics
import time
from urllib.parse import urlencode

from django.db.models.functions import MD5
from scale import ARCHIVE, Client, connection, ensure_studies, p95

from trials import vocab
from trials.models import PreparedSearch, SearchMatch, SearchTerm, Study, TermKind
from trials.search.layout import SAMPLE_EVERY
from trials.search.query import in_sample

# Named searches of each kind (the table), before those drawn from the data.
NAMED = {
    "rare words": ["q=temsirolimus", "q=sarcoidosis", "q=hidradenitis+suppurativa"],
    "common words": ["q=diabetes", "q=breast+cancer", "q=hypertension"],
    "very common words": ["q=patients", "q=study", "q=treatment"],
    "drug names": ["q=Revlimid", "q=CC-5013", "q=temsirolimis", "intr=pembrolizumab"],
    "words and filters": [
        "q=cancer&recruiting=on&phase=PHASE3",
        "q=patients&sex=FEMALE&age=70&eligibility=on",
    ],
    "filters only": ["", "status=RECRUITING&phase=PHASE3", "age=70&sex=FEMALE", "country=France"],
    "places": [
        "near=Columbus,+Ohio&distance=50",
        "near=43210&distance=100&sort=distance",
        "near=Boston,+Massachusetts&distance=500&unit=km&recruiting_sites=on",
        "q=cancer&near=Houston,+Texas&distance=100&sort=distance",
        "region=California&city=Los+Angeles",
    ],
}
# The share of studies a word of each kind is found in (counted on the sample).
SHARES = {"rare words": (0.0002, 0.002), "common words": (0.05, 0.2), "very common words": (0.5, 1)}
CITIES = ["Paris", "Toronto", "Seattle, Washington", "Madrid", "Denver, Colorado", "Osaka"]


def words(share: tuple[float, float], count: int) -> list[str]:
    """``count`` plain words found in between these shares of the studies, in a fixed order."""
    size, found = word_shares()
    chosen = [word for word, n in found if share[0] * size <= n <= share[1] * size]
    return sorted(chosen, key=lambda word: hashlib.md5(word.encode()).hexdigest())[:count]


@functools.cache
def word_shares() -> tuple[int, list[tuple[str, int]]]:
    """How many studies the sample holds, and in how many of them each plain word is found."""
    rows = SearchMatch.objects.filter(in_sample()).values("core")
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word, ndoc FROM ts_stat(%s) WHERE word ~ '^[a-z]{5,}$'",
            [cursor.mogrify(sql, params)],
        )
        return rows.count(), cursor.fetchall()


def drugs(count: int) -> list[str]:
    """Names of drugs given by at least 20 studies, in a fixed order."""
    terms = SearchTerm.objects.filter(kind=TermKind.INTERVENTION, study_count__gte=20)
    names = terms.order_by(MD5("name")).values_list("name", flat=True)
    return [name for name in names[: count * 2] if re.fullmatch(r"[A-Za-z][\w -]{3,40}", name)][
        :count
    ]


def drawn(kind: str, count: int) -> list[str]:
    """``count`` more searches of this kind, drawn from the data."""
    if kind in SHARES:
        return [urlencode({"q": word}) for word in words(SHARES[kind], count)]
    if kind == "drug names":
        names = drugs(count)
        return [urlencode({"intr" if i % 2 else "q": name}) for i, name in enumerate(names)]
    if kind == "words and filters":
        common = words(SHARES["common words"], count)
        filters = [
            f"status={status}&phase={phase}"
            for status in ("RECRUITING", "COMPLETED", "TERMINATED")
            for phase in ("PHASE1", "PHASE2", "PHASE3", "PHASE4")
        ]
        return [f"{urlencode({'q': w})}&{f}" for w, f in zip(common, filters, strict=False)]
    if kind == "filters only":
        statuses = list(vocab.Status.values)
        phases = list(vocab.Phase.values)
        return [
            f"status={statuses[i % len(statuses)]}&phase={phases[i % len(phases)]}&sex=MALE"
            if i % 2
            else f"type=INTERVENTIONAL&age={20 + 5 * i}&status={statuses[i % len(statuses)]}"
            for i in range(count)
        ]
    return [urlencode({"near": city, "distance": 100}) for city in CITIES[:count]]


def asked(client: Client, url: str) -> tuple[float, str]:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    found = re.search(r'id="results-heading">((?:about )?[\d,]+)', response.content.decode())
    assert found is not None, (url, "no results heading")
    return elapsed, found[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--studies", type=int, default=600_000)
    parser.add_argument("--archive", default=str(ARCHIVE))
    parser.add_argument("--distinct", type=int, default=12, help="searches per kind, at most")
    parser.add_argument("--kind", choices=NAMED, action="append", help="only these kinds")
    parser.add_argument("--verbose", action="store_true", help="each search's figures")
    options = parser.parse_args()

    ensure_studies(options.studies, options.archive)
    with connection.cursor() as cursor:
        for table in ("trials_searchmatch", "trials_searchranking", "trials_site"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    PreparedSearch.objects.all().delete()  # every search below is answered cold first
    studies = Study.objects.count()
    print(f"{studies} studies; up to {options.distinct} distinct searches per kind,")
    print(f"each asked once cold (rendered) and once warm (kept); sample 1 in {SAMPLE_EVERY}")

    client = Client(HTTP_HOST="localhost")
    client.get("/")  # the process's own start (imports, the gazetteer) is no search's cost
    print(f"{'kind':<20} {'n':>3} {'cold p50':>9} {'cold p95':>9} {'cold max':>9} {'warm p50':>9}")
    for kind, named in NAMED.items():
        if options.kind and kind not in options.kind:
            continue
        queries = named + drawn(kind, options.distinct - len(named))
        queries = list(dict.fromkeys(queries))[: max(options.distinct, len(named))]
        cold: list[float] = []
        warm: list[float] = []
        details = []
        for query in queries:
            url = f"/studies/?{query}"
            first, shown = asked(client, url)
            again, _ = asked(client, url)
            cold.append(first)
            warm.append(again)
            details.append(f"{query or '(none)'}: {shown} results, cold {first:.0f} ms")
        print(
            f"{kind:<20} {len(queries):>3} {statistics.median(cold):9.1f} {p95(cold):9.1f}"
            f" {max(cold):9.1f} {statistics.median(warm):9.1f}"
        )
        if options.verbose:
            for line in details:
                print(f"    {line}")


if __name__ == "__main__":
    main()
