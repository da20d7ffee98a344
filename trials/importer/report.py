"""What an import did: one result per study, and the progress line a person watches."""

import enum
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any


class Outcome(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    FAILED = "failed"


@dataclass(frozen=True)
class Result:
    source: str
    nct_id: str
    outcome: Outcome
    detail: str = ""

    def __str__(self) -> str:
        label = f"{self.nct_id} ({self.source})" if self.nct_id else self.source
        return f"{self.outcome}: {label}" + (f": {self.detail}" if self.detail else "")


def summary(counts: Counter[str]) -> str:
    """How many of each outcome, those there were: "2 created, 1 failed"."""
    return ", ".join(f"{counts[o]} {o}" for o in Outcome if counts[o])


class Progress:
    """A one-line progress bar on a terminal; a plain line every few seconds otherwise."""

    def __init__(self, stream: Any, interactive: bool, every: float = 5.0) -> None:
        self.stream = stream
        self.interactive = interactive
        self.every = every
        self.started = self.last = time.monotonic()
        self.counts: Counter[str] = Counter()

    def update(self, result: Result) -> None:
        self.counts[result.outcome] += 1
        now = time.monotonic()
        if self.interactive or now - self.last >= self.every:
            self.last = now
            line = self.line(now)
            if self.interactive:
                self.stream.write(f"\r{line}\x1b[K")
            else:
                self.stream.write(line + "\n")
            self.stream.flush()

    def line(self, now: float | None = None) -> str:
        elapsed = max((now or time.monotonic()) - self.started, 1e-9)
        total = sum(self.counts.values())
        parts = summary(self.counts) or "none yet"
        return f"{total} records ({parts}) in {elapsed:.1f}s, {total / elapsed:.0f}/s"

    def finish(self) -> None:
        if self.interactive:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
