"""Where records come from: files, folders (recursively), zip and tar archives, standard input.

Each source is yielded as (name, bytes) with a name a person can find again
("bulk.tar.xz:NCT00000102.xml"). An unreadable file or archive is yielded as a failure, never
raised, so one bad input does not stop the rest.
"""

import sys
import tarfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .detect import MAX_SOURCE_BYTES

ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2")
# ClinicalTrials.gov's bulk downloads (AllPublicXML.zip) hold, beside the records, a top-level
# table of contents: how many studies, of which date. It is no record; read as one, it would
# fail every import of an untouched download.
CONTENTS = "contents.txt"


@dataclass(frozen=True)
class Source:
    name: str
    data: bytes = b""
    error: str = ""


def iter_sources(paths: list[str]) -> Iterator[Source]:
    """Every record source under ``paths``; "-" reads standard input."""
    for path in paths:
        if path == "-":
            yield Source("<stdin>", sys.stdin.buffer.read())
            continue
        root = Path(path)
        if root.is_dir():
            for file in sorted(p for p in root.rglob("*") if p.is_file()):
                if not file.name.startswith("."):
                    yield from _file_sources(file)
        elif root.is_file():
            yield from _file_sources(root)
        else:
            yield Source(path, error="no such file or folder")


def _file_sources(path: Path) -> Iterator[Source]:
    name = path.name.lower()
    try:
        if name.endswith(".zip"):
            yield from _zip_sources(path)
        elif name.endswith(ARCHIVE_SUFFIXES):
            yield from _tar_sources(path)
        elif (size := path.stat().st_size) > MAX_SOURCE_BYTES:
            yield Source(str(path), error=f"{size:,} bytes is larger than any record")
        else:
            yield Source(str(path), path.read_bytes())
    except (OSError, tarfile.TarError, zipfile.BadZipFile, EOFError) as exc:
        yield Source(str(path), error=f"cannot be read ({exc})")


def _zip_sources(path: Path) -> Iterator[Source]:
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if info.is_dir() or Path(info.filename).name.startswith("."):
                continue
            if info.filename.lower() == CONTENTS:
                continue
            label = f"{path}:{info.filename}"
            if info.file_size > MAX_SOURCE_BYTES:
                yield Source(label, error=f"{info.file_size:,} bytes is larger than any record")
            else:
                yield Source(label, archive.read(info))


def _tar_sources(path: Path) -> Iterator[Source]:
    with tarfile.open(path) as archive:
        for member in archive:
            if not member.isfile() or Path(member.name).name.startswith("."):
                continue
            label = f"{path}:{member.name}"
            if member.size > MAX_SOURCE_BYTES:
                yield Source(label, error=f"{member.size:,} bytes is larger than any record")
                continue
            handle = archive.extractfile(member)
            if handle is not None:
                yield Source(label, handle.read())
