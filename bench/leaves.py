"""How much of each API v2 record comes back through import and export, module by module.

    .venv/bin/python bench/leaves.py [folder of API v2 JSON files]

Imports every file of the folder (default: the corpus copy in fixtures/corpus/json) into a fresh
database, exports each study (``trials.export.study_to_api``) and counts, per API v2 module, the
source's leaf values the export gives back at the same path with the same value (white space
runs made one space; tests/leaves.py says exactly what counts). Where a folder holds several
captures of one study, the newest counts (the database keeps it). The first figure printed for a
module is leaves given back, the second leaves in the sources.
"""

import argparse
import sys
from pathlib import Path

from scale import ROOT, fresh_database  # sets Django up

sys.path.insert(0, str(ROOT))

from tests.corpus import api_v2_studies, newest_api_v2_files
from tests.leaves import api_v2_only, canonical, coverage
from trials.export import study_to_api
from trials.importer.detect import read_studies
from trials.importer.writer import import_pieces
from trials.models import Study


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, nargs="?", default=ROOT / "fixtures/corpus/json")
    args = parser.parse_args()

    with fresh_database("bench_leaves"):
        for path in sorted(args.folder.glob("*.json")):
            for result in import_pieces(read_studies(path.read_bytes(), str(path))):
                if result.outcome == "failed":
                    print(result)
        pairs = []
        for name in newest_api_v2_files(args.folder):
            for source in api_v2_studies(name, args.folder):
                nct_id = source["protocolSection"]["identificationModule"]["nctId"]
                study = Study.objects.with_parts().filter(nct_id=nct_id).first()
                exported = study_to_api(study) if study else {}
                pairs.append((canonical(api_v2_only(source)), exported))

    counts = coverage(pairs)
    for module, (kept, total) in counts.items():
        print(f"{module:50} {kept:7,} / {total:7,}  {100 * kept / total:5.1f} %")
    kept = sum(k for k, _ in counts.values())
    total = sum(t for _, t in counts.values())
    print(f"{'all':50} {kept:7,} / {total:7,}  {100 * kept / total:5.1f} %  ({len(pairs)} studies)")


if __name__ == "__main__":
    main()
