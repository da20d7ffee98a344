"""Where the tests' copies of the real records live (never ../shared: a clone lacks it)."""

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CORPUS = FIXTURES / "corpus"
SEED = CORPUS / "text" / "NCT00398515.txt"


def read(relative: str) -> bytes:
    """The bytes of a corpus file, by its path under fixtures/corpus."""
    return (CORPUS / relative).read_bytes()
