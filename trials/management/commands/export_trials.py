"""python manage.py export_trials [NCT_ID ...] : studies as an API v2 list response."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from trials.export import study_to_api
from trials.models import Study
from trials.search import data_date


class Command(BaseCommand):
    help = 'Write studies as a ClinicalTrials.gov API v2 list response ({"studies": [...]}).'

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("nct_ids", nargs="*", metavar="NCT_ID", help="All studies if none.")
        parser.add_argument("--indent", type=int, default=None)

    def handle(self, *args: Any, nct_ids: list[str], indent: int | None, **options: Any) -> None:
        studies = Study.objects.with_parts().order_by("nct_id")
        if nct_ids:
            wanted = {n.strip().upper() for n in nct_ids}
            studies = studies.filter(nct_id__in=wanted)
            missing = wanted - set(studies.values_list("nct_id", flat=True))
            if missing:
                raise CommandError("no such study: " + ", ".join(sorted(missing)))
        # Stream study by study so the whole registry never sits in memory as one list.
        newest = data_date()  # a stale claim of recruitment is exported as UNKNOWN
        self.stdout.write('{"studies": [', ending="")
        for index, study in enumerate(studies.iterator(chunk_size=200)):
            separator = "," if index else ""
            text = json.dumps(study_to_api(study, newest), ensure_ascii=False, indent=indent)
            self.stdout.write(separator + text, ending="")
        self.stdout.write("]}")
