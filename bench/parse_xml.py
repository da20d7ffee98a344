"""How fast the legacy XML parser reads a bulk archive, parsing only (no database).

    .venv/bin/python bench/parse_xml.py [ARCHIVE]

ARCHIVE is a tar archive of ``<clinical_study>`` files (any compression tarfile reads), by
default the February 2023 bulk sample in the fixtures. The archive is read into memory first, so
the figures are the parser's own: records/s and MB/s of XML, best of three passes.
"""

import sys
import tarfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from trials.importer import legacy_xml
from trials.record import RecordError

DEFAULT = Path(__file__).resolve().parent.parent / "fixtures/corpus/bulk/ctgov-xml-2023-02.tar.xz"
PASSES = 3


def studies(archive: Path) -> list[tuple[str, bytes]]:
    """Every XML member of the archive, as (name, bytes)."""
    with tarfile.open(archive) as tar:
        # extractfile() gives None for what has no content: never a regular file.
        return [
            (member.name, content.read())
            for member in tar.getmembers()
            if member.isfile()
            and member.name.endswith(".xml")
            and (content := tar.extractfile(member)) is not None
        ]


def main(argv: list[str]) -> int:
    """Parse the archive PASSES times and print the best pass's rate."""
    archive = Path(argv[1]) if len(argv) > 1 else DEFAULT
    documents = studies(archive)
    megabytes = sum(len(data) for _, data in documents) / 1e6
    best = float("inf")
    refused: list[str] = []
    for _ in range(PASSES):
        refused.clear()
        started = time.perf_counter()
        for name, data in documents:
            try:
                legacy_xml.parse(data, name)
            except RecordError as exc:
                refused.append(str(exc))
        best = min(best, time.perf_counter() - started)
    print(f"{archive.name}: {len(documents):,} records, {megabytes:.1f} MB of XML")
    print(
        f"parse only, best of {PASSES}: {best:.2f} s = "
        f"{len(documents) / best:,.0f} records/s, {megabytes / best:.1f} MB/s"
    )
    for problem in refused:
        print("refused:", problem)
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
