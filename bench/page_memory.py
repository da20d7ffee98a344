"""A worker's memory while it serves every study's page: does it grow with the pages served?

    DATABASE_URL=... .venv/bin/python bench/page_memory.py [--rounds 2] [--limit N]

Starts gunicorn as `make run` does, with one worker, and asks for every study's page in the
database the settings point at (import an archive first for many), in NCT ID order, `--rounds`
times: the first round renders and keeps each page, the later ones are served as kept. Prints
the worker's resident memory before, every 1,000 pages, and after, and the growth per 1,000
pages after the first 1,000 (what an unbounded in-process cache would show).
"""

import argparse
import os
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")


def _workers_of(parent: int) -> list[int]:
    """The gunicorn workers: the children of this process's child, the master."""

    def children(pid: int) -> list[int]:
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == pid:
                    found.append(int(entry.name))
        return found

    return [worker for master in children(parent) for worker in children(master)]


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--limit", type=int, default=0, help="at most this many studies")
    args = parser.parse_args()

    import django

    django.setup()
    from registry import serving
    from trials.models import Study

    nct_ids = list(Study.objects.order_by("nct_id").values_list("nct_id", flat=True))
    if args.limit:
        nct_ids = nct_ids[: args.limit]
    with serving.gunicorn({}, workers=1) as base:
        (worker,) = _workers_of(os.getpid())
        print(f"{len(nct_ids)} studies, one gunicorn worker; resident memory in MB")
        print(f"before any page: {_rss_mb(worker):7.1f}")
        for round_ in range(1, args.rounds + 1):
            started, marks = time.perf_counter(), []
            for served, nct_id in enumerate(nct_ids, 1):
                urllib.request.urlopen(f"{base}/studies/{nct_id}/", timeout=60).read()
                if served % 1000 == 0 or served == len(nct_ids):
                    marks.append((served, _rss_mb(worker)))
            seconds = time.perf_counter() - started
            print(
                f"round {round_} ({len(nct_ids) / seconds:.0f} pages/s): "
                + ", ".join(f"{n}: {mb:.1f}" for n, mb in marks)
            )
            if len(marks) > 1:
                (first_n, first_mb), (last_n, last_mb) = marks[0], marks[-1]
                growth = (last_mb - first_mb) / (last_n - first_n) * 1000
                print(f"  growth after the first {first_n} pages: {growth:+.2f} MB per 1,000")


if __name__ == "__main__":
    main()
