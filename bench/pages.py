"""Pages under load: gunicorn started as `make run` starts it, bounded wrk on loopback.

    .venv/bin/python bench/pages.py [--duration 15] [--connections 8] [--workers 2]

Needs wrk (`apt-get install wrk`). Serves the database the settings point at (DATABASE_URL, or
the embedded server), migrated, with the bundled sample records imported if the seed is missing.
Runs wrk against each page in turn, in one run, and prints requests per second, p50 and p99
latency, the responses that were not 2xx, and each page's rate as a ratio to the minimal page
(/readyz: one trivial query through the whole middleware stack). The study pages are asked for
twice: as wrk asks by default (no Accept-Encoding), and as a browser does (gzip accepted).
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from registry import serving  # noqa: E402

GZIP = "Accept-Encoding: gzip, deflate, br"
PAGES: list[tuple[str, str] | tuple[str, str, str]] = [
    ("minimal page (/readyz)", "/readyz"),
    ("no database (/healthz)", "/healthz"),
    ("study page, the seed", "/studies/NCT00398515/"),
    ("study page, 1,218 sites", "/studies/NCT02465060/"),
    # Its sites in one state: the kept page with its sites section rendered for the request.
    ("1,218 sites, one state", "/studies/NCT02465060/?state=Michigan"),
    ("study page, 58 outcome tables", "/studies/NCT02028676/"),
    ("API study, 58 outcome tables", "/api/v2/studies/NCT02028676"),
    ("API study, the seed", "/api/v2/studies/NCT00398515"),
    # A page of whole studies, made of their kept answers.
    ("API search, 100 studies", "/api/v2/studies?pageSize=100"),
    # As a browser asks for them: the prepared pages go out as kept, gzip-compressed.
    ("study page, seed, gzip", "/studies/NCT00398515/", GZIP),
    ("study page, 1,218 sites, gzip", "/studies/NCT02465060/", GZIP),
    ("API study, 58 tables, gzip", "/api/v2/studies/NCT02028676", GZIP),
    ("search, a common word", "/?q=cancer"),
    ("search, no parameters", "/"),
]
# The records `make run` imports: the corpus in every form, less the AACT fragment the importer
# rightly refuses.
SAMPLE = [
    "fixtures/corpus/text",
    "fixtures/corpus/html",
    "fixtures/corpus/xml",
    "fixtures/corpus/json_v1",
    *(
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "fixtures/corpus/json").glob("*.json"))
        if path.name != "NCT00465816.json"
    ),
]


def _ensure_sample(environment: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "--verbosity", "0"],
        cwd=ROOT,
        env=environment,
        check=True,
    )
    check = (
        "from trials.models import Study; "
        "print(Study.objects.filter(nct_id='NCT00398515').exists())"
    )
    found = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", check],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if found != "True":
        print("importing the sample records...")
        subprocess.run(
            [sys.executable, "manage.py", "import_trials", "--quiet-unchanged", *SAMPLE],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
        )


def _found(pattern: str, text: str) -> re.Match[str]:
    match = re.search(pattern, text)
    if match is None:
        raise RuntimeError(f"wrk said nothing matching {pattern!r}:\n{text}")
    return match


def _wrk(
    url: str, duration: int, connections: int, threads: int, *headers: str
) -> dict[str, float]:
    sent = [argument for header in headers for argument in ("-H", header)]
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", *sent, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    figures = {"rate": float(_found(r"Requests/sec:\s+([\d.]+)", out)[1])}
    for label, key in (("50%", "p50"), ("99%", "p99")):
        value, unit = _found(rf"\s{label}\s+([\d.]+)(us|ms|s)", out).groups()
        figures[key] = float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    figures["non2xx"] = float(bad[1]) if bad else 0.0
    figures["errors"] = float(sum(int(n) for n in errors.groups())) if errors else 0.0
    figures["requests"] = float(_found(r"(\d+) requests in", out)[1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds of load per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk")

    environment = {**os.environ, "DJANGO_DEBUG": "false", "DJANGO_HTTPS": "false"}
    _ensure_sample(environment)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
        cwd=ROOT,
        env=environment,
        check=True,
    )
    with serving.gunicorn({}, workers=args.workers) as base:
        print(
            f"gunicorn, {args.workers} sync workers; wrk -t{args.threads} -c{args.connections} "
            f"-d{args.duration}s per page"
        )
        print(f"{'page':28} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} {'ratio':>6}")
        baseline = None
        for label, path, *headers in PAGES:
            urllib.request.urlopen(f"{base}{path}", timeout=30).read()  # warm
            figures = _wrk(f"{base}{path}", args.duration, args.connections, args.threads, *headers)
            baseline = baseline or figures["rate"]
            print(
                f"{label:28} {figures['rate']:8.0f} {figures['p50']:8.1f} {figures['p99']:8.1f} "
                f"{figures['non2xx'] + figures['errors']:8.0f} {figures['rate'] / baseline:6.2f}"
            )


if __name__ == "__main__":
    main()
