"""Readers for the multi-line sections of a copied study page about the protocol: arms and
interventions, outcome measures, eligibility, and one-a-line term lists.

Each takes the lines of its own section (already cleaned) and returns record parts.
"""

import re
from dataclasses import dataclass, field

from trials.record import Arm, Intervention, Outcome
from trials.vocab import ArmType, InterventionType, OutcomeKind, StdAge, normalize

from .conditions import TYPE_PREFIX
from .lines import is_label, paragraphs, squash

_ARM_TYPES = "|".join(re.escape(label) for label in ArmType.labels)
_ARM_LINE = re.compile(rf"^(?P<type>{_ARM_TYPES}): (?P<label>.+)$")
_BULLET = re.compile(r"^\s*(?:[•◦▪*-]|\d{1,2}\.)\s+(?P<body>\S.*)$")


@dataclass
class _Entry:
    label: str
    type: str = ""
    lines: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # interventions, "Drug: x"


@dataclass
class _Treatment:
    display: str
    lines: list[str] = field(default_factory=list)
    other_names: list[str] = field(default_factory=list)
    arms: list[str] = field(default_factory=list)


def read_arms(
    lines: list[str], table_names: list[str]
) -> tuple[tuple[Arm, ...], tuple[Intervention, ...], tuple[str, ...]]:
    """Arms (or groups) and interventions from the "Arm | Intervention/treatment" table.

    An intervention row reads "Drug: name"; "Other: name" is both an arm type and an
    intervention type, so the condition table's interventions (``table_names``) decide which.
    """
    arms: list[_Entry] = []
    treatments: dict[str, _Treatment] = {}
    current: _Treatment | None = None
    in_other_names = False
    warnings: list[str] = []
    unconfirmed: list[str] = []  # "Other: …" rows read as interventions with nothing to check
    for raw in lines:
        line = squash(raw)
        if not line:
            in_other_names = False
            continue
        split = _intervention_in(line, table_names)
        arm = _ARM_LINE.match(line)
        if split is not None:
            label, display = split
            if label:
                typed = _ARM_LINE.match(label)
                arms.append(
                    _Entry(typed["label"], normalize(ArmType, typed["type"]))
                    if typed
                    else _Entry(label)
                )
            if not table_names and display.startswith("Other: "):
                unconfirmed.append(display)
            if not arms:
                arms.append(_Entry(""))
            current = treatments.setdefault(display, _Treatment(display))
            if arms[-1].label not in current.arms:
                current.arms.append(arms[-1].label)
                arms[-1].names.append(display)
            in_other_names = False
        elif arm is not None:
            arms.append(_Entry(arm["label"], normalize(ArmType, arm["type"])))
            current = None
        elif line == "Other Names:":
            in_other_names = True
        elif line.startswith("Other Name:") and current is not None:
            _add_name(current, line.removeprefix("Other Name:"))
        elif in_other_names and current is not None and (bullet := _BULLET.match(raw)):
            _add_name(current, bullet["body"])
        elif current is not None:
            current.lines.append(raw)
        elif arms:
            arms[-1].lines.append(raw)
        else:
            arms.append(_Entry(line))
    if any(not arm.type and not arm.names for arm in arms):
        # Untyped groups without interventions (older observational pages) print label and
        # description on lines alike: nothing tells one from the other.
        warnings.append("arm rows without a type or intervention: labels not told from text")
        return (), tuple(_intervention(t) for t in treatments.values()), tuple(warnings)
    if unconfirmed:
        warnings.append(
            "rows read as interventions although 'Other:' may also start an arm: "
            + ", ".join(repr(name) for name in unconfirmed)
        )
    return (
        tuple(
            Arm(
                label=arm.label,
                type=arm.type,
                description=paragraphs(arm.lines),
                intervention_names=tuple(arm.names),
            )
            for arm in arms
        ),
        tuple(_intervention(t) for t in treatments.values()),
        tuple(warnings),
    )


def _intervention_in(line: str, table_names: list[str]) -> tuple[str, str] | None:
    """(arm label before it, "Type: name") when the line names an intervention, else None."""
    for name in sorted(table_names, key=len, reverse=True):
        if line == name:
            return "", name
        if line.endswith(" " + name):
            # A group without description shares its line with its first intervention.
            return line[: -len(name)].strip(), name
    prefix = TYPE_PREFIX.match(line)
    if prefix and (prefix["type"] != "Other" or not table_names):
        return "", line
    return None


def _add_name(treatment: _Treatment, name: str) -> None:
    name = squash(name)
    if name and name not in treatment.other_names:
        treatment.other_names.append(name)


def _intervention(treatment: _Treatment) -> Intervention:
    kind, _, name = treatment.display.partition(": ")
    return Intervention(
        type=normalize(InterventionType, kind),
        name=name.strip(),
        description=paragraphs(treatment.lines),
        other_names=tuple(treatment.other_names),
        # In arm order on the page, as the page links them.
        arm_labels=tuple(label for label in treatment.arms if label),
    )


_OUTCOME_HEADING = re.compile(
    r"^(?:Current )?(?P<kind>Primary|Secondary|Other|Other Pre-specified) Outcome Measures?\b"
)
_ORIGINAL = re.compile(r"^Original (Primary|Secondary|Other)")
_TIME_FRAME = re.compile(r"\s*\[\s*Time Frame:\s*(?P<frame>.*?)\s*\](?=\s*(\[|$))")
_SAFETY = re.compile(r"\s*\[\s*Designated as safety issue:[^\]]*\]")
_ITEM = re.compile(r"^(?P<indent>\s*)(?:\d{1,2}\.|[•-])\s+(?P<body>\S.*)$")


def read_outcomes(lines: list[str]) -> tuple[tuple[Outcome, ...], tuple[str, ...]]:
    """Outcome measures: "1. measure [ Time Frame: … ]" items, each with its description below."""
    outcomes: list[Outcome] = []
    kind = ""
    skipping = False
    item: list[str] = []  # the measure line, then description lines
    warnings: list[str] = []

    def close() -> None:
        if item:
            outcomes.append(_outcome(kind or OutcomeKind.PRIMARY, item[0], item[1:]))
            item.clear()

    item_indent: int | None = None
    for raw in lines:
        line = raw.strip()
        heading = _OUTCOME_HEADING.match(line)
        if heading or _ORIGINAL.match(line):
            close()
            skipping = heading is None  # a tabular view's "Original" measures are history
            if heading:
                kind = normalize(OutcomeKind, heading["kind"].removesuffix(" Pre-specified"))
            continue
        if skipping or not line or line.startswith("(submitted:"):
            continue
        match = _ITEM.match(raw)
        # Numbered items since 2017; before, each measure is the line with its time frame.
        starts = (match is not None and item_indent in (None, len(match["indent"]))) or (
            "Time Frame:" in line and match is None and item_indent is None
        )
        if starts:
            close()
            if match is not None:
                item_indent = len(match["indent"])
            item.append(match["body"] if match else line)
        elif item:
            item.append(raw)
    close()
    if outcomes and not kind:
        warnings.append("outcome measures without a Primary/Secondary heading: taken as primary")
    return tuple(outcomes), tuple(warnings)


def _outcome(kind: str, first: str, description: list[str]) -> Outcome:
    first = _SAFETY.sub("", squash(first))
    frame = _TIME_FRAME.search(first)
    measure = first[: frame.start()] if frame else first
    return Outcome(
        kind=kind,
        measure=measure.strip(),
        time_frame=frame["frame"] if frame else "",
        description=paragraphs(description),
    )


_AGES = re.compile(
    r"^(?:(?P<min>\d+ \w+) and older|(?P<low>\d+ \w+) to (?P<high>\d+ \w+)|up to (?P<max>\d+ \w+))?"
    r"\s*(?:\(?(?P<std>(?:Child|Adult|Older Adult)(?:, (?:Child|Adult|Older Adult))*)\)?)?$"
)


def read_ages(value: str) -> tuple[str, str, tuple[str, ...] | None]:
    """Minimum, maximum and standard age groups from "18 Years and older (Adult, Older Adult)".

    The groups are None where the page does not print them (before 2017).
    """
    match = _AGES.match(squash(value))
    if match is None:
        return "", "", None
    minimum = match["min"] or match["low"] or ""
    maximum = match["high"] or match["max"] or ""
    std = match["std"]
    groups = tuple(normalize(StdAge, g) for g in std.split(", ")) if std else None
    return minimum, maximum, groups


def read_healthy(value: str) -> bool | None:
    folded = value.strip().casefold()
    if folded in ("yes", "accepts healthy volunteers"):
        return True
    return False if folded == "no" else None


def read_terms(lines: list[str]) -> list[str]:
    """A list of one term per line (keywords, MeSH terms), up to the next label."""
    terms: list[str] = []
    for raw in lines:
        line = squash(raw)
        if not line:
            continue
        if is_label(line) or line.startswith(("ClinicalTrials.gov processed", "To Top")):
            break
        terms.append(line)
    return terms
