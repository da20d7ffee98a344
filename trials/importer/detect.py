"""Which form a source is, from its content alone, and the studies it holds.

Every parser module has the same face:

- ``parse(data: bytes, source: str) -> StudyRecord`` reads one study, raising ``RecordError``
  (which names ``source`` and the problem) when it cannot;
- ``split(data: bytes, source: str) -> list[bytes]`` (only where one file may hold several
  studies) returns each study's own bytes, which ``parse`` accepts and the writer keeps as that
  study's source.

``read_studies`` ties them together: one ``Piece`` per study, each parsed on its own so one bad
study never hides the others.
"""

import codecs
import dataclasses
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType

from trials.record import RecordError, StudyRecord
from trials.vocab import SourceFormat

from . import legacy_xml, page_html, page_text
from .json import api_v2, classic

# A study of 3.6 MB exists; nothing genuine comes near ten times that.
MAX_SOURCE_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class Piece:
    """One study's source and what became of parsing it: a record, or the reason it failed."""

    source: str  # where it came from, for messages: "fixtures/x.json", "bulk.tar.xz:NCT1.xml"
    data: bytes
    format: str  # vocab.SourceFormat, "" when undetected
    record: StudyRecord | None = None
    error: str = ""
    # The NCT ID of the study these very bytes were imported as before: not parsed again.
    imported_as: str = ""


def detect(data: bytes) -> str:
    """The SourceFormat of ``data``, judged by its content; raises ValueError when unknown."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"{", b"[")):
        if b'"FullStudiesResponse"' in data[:4096] or b'"FullStudies"' in data[:4096]:
            return SourceFormat.CLASSIC_JSON
        return SourceFormat.API_V2_JSON
    if head.startswith(b"<"):
        lowered = head.lower()
        if b"<clinical_study" in lowered or (
            lowered.startswith(b"<?xml") and b"<html" not in lowered and b"<!doctype" not in lowered
        ):
            return SourceFormat.LEGACY_XML
        if b"<html" in lowered or b"<!doctype html" in lowered or b"<body" in lowered:
            return SourceFormat.PAGE_HTML
        if b"<clinical_study" in data[:65536].lower():
            return SourceFormat.LEGACY_XML
        return SourceFormat.PAGE_HTML
    if re.search(rb"NCT\d{8}", data[:65536]):
        return SourceFormat.PAGE_TEXT
    raise ValueError("not a ClinicalTrials.gov record in any known form")


# The parser of each form.
PARSERS: dict[str, ModuleType] = {
    SourceFormat.PAGE_TEXT: page_text,
    SourceFormat.PAGE_HTML: page_html,
    SourceFormat.LEGACY_XML: legacy_xml,
    SourceFormat.API_V2_JSON: api_v2,
    SourceFormat.CLASSIC_JSON: classic,
}


def parser_for(fmt: str) -> ModuleType:
    """The parser module of a SourceFormat."""
    return PARSERS[fmt]


def read_studies(data: bytes, source: str) -> Iterator[Piece]:
    """Every study in one source, each parsed on its own."""
    if len(data) > MAX_SOURCE_BYTES:
        yield Piece(source, b"", "", error=f"{len(data):,} bytes is larger than any real record")
        return
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Saved as UTF-16 by an editor: the same text, kept as UTF-8 like every other source.
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as exc:
            yield Piece(source, b"", "", error=f"UTF-16 text that does not decode ({exc.reason})")
            return
    if b"\x00" in data:
        yield Piece(source, b"", "", error="contains NUL bytes: not a text record")
        return
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        yield Piece(source, b"", "", error=f"not valid UTF-8 (byte {exc.start})")
        return
    try:
        fmt = detect(data)
    except ValueError as exc:
        yield Piece(source, b"", "", error=str(exc))
        return
    parser = parser_for(fmt)
    try:
        chunks = parser.split(data, source) if hasattr(parser, "split") else [data]
    except RecordError as exc:
        yield Piece(source, b"", fmt, error=exc.problem)
        return
    except Exception as exc:
        # JSON nested past the recursion limit, a number longer than Python will convert...:
        # this source fails, the batch goes on.
        yield Piece(source, b"", fmt, error=f"unreadable {fmt} source ({_describe(exc)})")
        return
    pieces = [
        _parse_one(parser, chunk, source if len(chunks) == 1 else f"{source}[{index}]", fmt)
        for index, chunk in enumerate(chunks)
    ]
    yield from _refuse_repeats(pieces)


def _parse_one(parser: ModuleType, chunk: bytes, label: str, fmt: str) -> Piece:
    try:
        return Piece(label, chunk, fmt, record=parser.parse(chunk, label))
    except RecordError as exc:
        return Piece(label, chunk, fmt, error=exc.problem)
    except Exception as exc:
        # A parser bug or a shape nobody foresaw: still one failed study, never a stopped batch.
        return Piece(label, chunk, fmt, error=f"unreadable {fmt} record ({_describe(exc)})")


def _describe(exc: Exception) -> str:
    """An exception in one line of bounded length, its kind named."""
    text = " ".join(str(exc).split())
    text = text if len(text) <= 200 else text[:199] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _refuse_repeats(pieces: list[Piece]) -> list[Piece]:
    """A file that lists one study twice is broken: which entry is right cannot be told."""
    counts = Counter(p.record.nct_id for p in pieces if p.record is not None)
    return [
        dataclasses.replace(
            piece,
            record=None,
            error=f"the file lists {piece.record.nct_id} {counts[piece.record.nct_id]} times",
        )
        if piece.record is not None and counts[piece.record.nct_id] > 1
        else piece
        for piece in pieces
    ]
