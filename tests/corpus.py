"""Where the tests' copies of the real records live (never ../shared: a clone lacks it)."""

import tarfile
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CORPUS = FIXTURES / "corpus"
SEED = CORPUS / "text" / "NCT00398515.txt"


def read(relative: str) -> bytes:
    """The bytes of a corpus file, by its path under fixtures/corpus."""
    return (CORPUS / relative).read_bytes()


def extracted(archive: tarfile.TarFile, member: str | tarfile.TarInfo) -> bytes:
    """The bytes of a file in an archive (extractfile gives None for folders and links)."""
    handle = archive.extractfile(member)
    assert handle is not None, f"{member} is not a file"
    return handle.read()
