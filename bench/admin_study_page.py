"""Admin speed on the biggest study: its page, its sites, and what curation adds to a save.

    DATABASE_URL=postgres://... .venv/bin/python bench/admin_study_page.py

Imports NCT02465060 (1,218 sites, 30 arms) from fixtures/corpus/xml if the database lacks it,
then prints the median of ten requests for the study's admin page, its first page of sites and
its history (their query counts are pinned in tests/test_admin.py), the time a curation
snapshot and an edit record take on it, and how many studies a second the import hook handles.
Uses the database the settings point at.
"""

import os
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")


def median_ms(action: Callable[[], object], runs: int = 10) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.test import Client
    from django.urls import reverse

    from trials import curation, edits
    from trials.importer.detect import read_studies
    from trials.importer.writer import import_pieces
    from trials.models import Study
    from trials.record import StudyRecord

    path = ROOT / "fixtures/corpus/xml/NCT02465060.xml"
    list(import_pieces(read_studies(path.read_bytes(), str(path))))
    study = Study.objects.get(nct_id="NCT02465060")
    user, _ = get_user_model().objects.get_or_create(
        username="bench-curator", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    pages = {
        "study admin page": reverse("admin:trials_study_change", args=[study.pk]),
        "first page of its sites": reverse("admin:trials_site_changelist")
        + f"?study__id__exact={study.pk}",
        "its history": reverse("admin:trials_study_history", args=[study.pk]),
    }
    print(f"{study.nct_id}: {study.sites.count()} sites, {study.arms.count()} arms")
    for name, url in pages.items():
        assert client.get(url).status_code == 200, url
        print(f"{name:28} {median_ms(partial(client.get, url)):7.1f} ms")

    print(f"{'curation snapshot':28} {median_ms(lambda: edits.snapshot(study)):7.1f} ms")

    def edit() -> None:
        with transaction.atomic():
            snap = edits.snapshot(study)
            Study.objects.filter(pk=study.pk).update(brief_title="Bench title")
            edits.record_admin_edit(snap, user)
            transaction.set_rollback(True)

    print(f"{'snapshot + edit record':28} {median_ms(edit):7.1f} ms")

    def record_of(study: Study) -> StudyRecord:
        version = study.versions.first()
        if version is None:
            raise SystemExit(f"{study.nct_id} has no stored version to re-import")
        return StudyRecord.from_dict(version.record)

    record = record_of(study)
    small = Study.objects.exclude(pk=study.pk).first() or study
    small_record = record_of(small)
    for label, item in (("1,218-site study", record), ("a small study", small_record)):
        batch = [curation.Import(study.pk, item, item, "bench")] * 500
        with transaction.atomic():
            started = time.perf_counter()
            curation.curate_imports_many(batch)
            elapsed = time.perf_counter() - started
            transaction.set_rollback(True)
        print(f"import hook, 500 x {label:17} {500 / elapsed:7.0f} studies/s")


if __name__ == "__main__":
    main()
