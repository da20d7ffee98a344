"""Honest status at scale: what re-deriving every study's shown status costs after an import,
and what reading the data's date (every page's footer) costs.

    DATABASE_URL=postgres://.../db .venv/bin/python bench/status.py [--studies 50000]

Synthesizes studies from the bulk archive until the database holds ``--studies`` (``scale``),
then prints milliseconds for: the data's date (the footer's one query); ``restate()`` when the
data's date did not move (every refresh runs it); and ``restate()`` when it moves a year on and
back (the day an import brings a newer record), with the number of studies whose status it
changed each way. The moves are made in a transaction that rolls back: the database is left as
it was.
"""

import argparse
import time
from collections.abc import Callable

import scale
from django.db import connection, transaction

from trials.models import SearchMatch
from trials.search import data_date, restate
from trials.search.status import RESTATE_SQL


def ms(action: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return (time.perf_counter() - start) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--studies", type=int, default=50_000)
    parser.add_argument("--archive", default=str(scale.ARCHIVE))
    args = parser.parse_args()
    scale.ensure_studies(args.studies, args.archive)
    print(f"{SearchMatch.objects.count()} studies; data's date {data_date()}")

    footer = sorted(ms(data_date)[0] for _ in range(50))
    print(f"data's date (footer): median {footer[25]:.2f} ms, max {footer[-1]:.2f} ms")
    still = sorted(ms(restate)[0] for _ in range(10))
    print(f"restate, date unmoved: median {still[5]:.1f} ms, max {still[-1]:.1f} ms")

    with transaction.atomic():
        newest = SearchMatch.objects.order_by("-last_update_posted_date").first()
        assert newest is not None and newest.last_update_posted_date is not None
        day = newest.last_update_posted_date
        for label, moved in (("a year on", day.replace(year=day.year + 1)), ("back", day)):
            SearchMatch.objects.filter(pk=newest.pk).update(last_update_posted_date=moved)
            took, changed = ms(restate)
            print(f"restate, date moved {label}: {took:.1f} ms, {changed} studies changed")
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + RESTATE_SQL)
            scans = [row[0].strip() for row in cursor.fetchall() if " on " in row[0]]
            print("restate reads:", "; ".join(scans))
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
