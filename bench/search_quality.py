"""Recall and precision of the sixty queries of tests/search_queries.py, per kind and per query.

Imports the corpus copy (fixtures/corpus: the sample `make run` imports) into the database
DATABASE_URL names (it must be empty or hold only these records), then prints the figures.
Run it in a checkout of an older revision against its own database to compare.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/quality .venv/bin/python bench/search_quality.py
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from tests.search_queries import by_kind, score

    call_command("migrate", verbosity=0)
    corpus = ROOT / "fixtures" / "corpus"
    paths = [str(corpus / f) for f in ("text", "html", "xml", "json_v1")]
    paths += [
        str(p) for p in sorted((corpus / "json").glob("*.json")) if "NCT00465816" not in p.name
    ]
    with open(os.devnull, "w") as quiet:
        call_command("import_trials", *paths, quiet_unchanged=True, stdout=quiet, stderr=quiet)
    scored = score()
    for one in scored:
        if one.recall < 1 or one.precision < 1:
            print(
                f"  {one.query.kind:17} {one.query.text!r:28} must find {one.expected:3}"
                f"  found {one.found_expected:3}  wrongly {one.found_unrelated:3}"
            )
    print(f"{'kind':17} {'queries':>7} {'recall':>7} {'precision':>9}")
    for kind, (recall, precision, count) in sorted(by_kind(scored).items()):
        print(f"{kind:17} {count:7} {recall:7.0%} {precision:9.0%}")


if __name__ == "__main__":
    main()
