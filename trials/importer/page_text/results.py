"""The results a copied results tab (``ct2/show/results``) shows, as far as its text tells.

The tab prints each results table as rows of cells, one column per group of participants. A
browser copy keeps the rows but joins a row's cells with a plain space ("Arm/Group Title
Placebo CZP 200 mg Q2W SFE OL CZP 200 mg Q2W"), so where one group's title ends and the next
begins is lost; counts that follow ("Started 67 69 69 0") say how many groups there are, not
where their titles split. A table is read only when its cells can be told apart with
certainty: each cell on a line of its own, or a single group (one count a row), whose cell is
the whole row. Otherwise the table is left out, its fields lacked, with a warning saying why
(never a guessed column, never half a table).

The two free-text rows above the flow table (recruitment and pre-assignment details) are
plain paragraphs and are read whatever the table below them looks like.
"""

import re
from dataclasses import dataclass, field

from trials.record import ResultGroup, group_code

from .lines import paragraphs, squash

_TITLE_ROW = re.compile(r"^Arm/Group Title\b")
_DESCRIPTION_ROW = re.compile(r"^(Hide |Show )?Arm/Group Description\b")
# A count row of the flow table: a label, then one whole number per group.
_COUNT_ROW = re.compile(r"^(?P<label>[A-Za-z][A-Za-z ,/()'-]*?)(?P<counts>(?: \d[\d,]*)+)$")


@dataclass
class FlowTable:
    """What the participant-flow table of a capture gave: groups, or why it gave none."""

    groups: tuple[ResultGroup, ...] = ()
    read: frozenset[str] = frozenset()  # the record fields read in full
    warnings: list[str] = field(default_factory=list)


def details(label: re.Pattern[str], lines: list[str]) -> str:
    """A details row's text: the rest of its label's line, then the paragraphs below it."""
    if not lines:
        return ""
    match = label.match(lines[0].strip())
    first = squash(lines[0].strip()[match.end() :]) if match else squash(lines[0])
    return paragraphs([first, *lines[1:]])


def read_flow(lines: list[str]) -> FlowTable:
    """The flow table's groups from its rows (``lines`` start at the "Arm/Group Title" row).

    The groups are read when the capture goes on to the first "Period Title:" row and their
    cells can be told apart: one a line, as many titles as descriptions (and as counts in the
    "Started" row, when there is one), or a single group, which its counts show. The periods
    below are not read from text: the capture would have to reach past the whole table.
    """
    if not lines or not _TITLE_ROW.match(lines[0].strip()):
        return FlowTable()
    rows = [squash(line) for line in lines if line.strip()]
    described = next((i for i, row in enumerate(rows) if _DESCRIPTION_ROW.match(row)), None)
    if described is None:
        return FlowTable()  # the capture stops in the title row
    period = next(
        (i for i in range(described + 1, len(rows)) if rows[i].startswith("Period Title:")), None
    )
    title_shared, titles = _cells(_TITLE_ROW, rows[:described])
    description_shared, descriptions = _cells(_DESCRIPTION_ROW, rows[described:period])
    counted = _counts(rows[period + 1 :] if period is not None else [])
    if (title_shared and counted != 1) or (description_shared and counted not in (1, None)):
        shared = "titles" if title_shared else "descriptions"
        return FlowTable(warnings=[_shared(shared, titles if title_shared else descriptions, rows)])
    if period is None:
        return FlowTable()  # the capture stops in the description row: groups not all there
    if counted == 1 and len(titles) == 1:
        # One group: its title and description are whole rows, however many lines.
        descriptions = [paragraphs(descriptions)]
    if len(descriptions) != len(titles) or counted not in (len(titles), None):
        return FlowTable(
            warnings=[
                f"participant flow: {len(titles)} group titles but {len(descriptions)} "
                f"descriptions{'' if counted is None else f' and {counted} counts a row'}, "
                "one a line; the groups cannot be paired: flow left out"
            ]
        )
    groups = tuple(
        ResultGroup(id=group_code("FG", index), title=title, description=description)
        for index, (title, description) in enumerate(zip(titles, descriptions, strict=True))
    )
    return FlowTable(groups=groups, read=frozenset({"flow_groups"}))


def _cells(label: re.Pattern[str], rows: list[str]) -> tuple[bool, list[str]]:
    """A row's cells, one a line after its label; and whether some shared the label's line."""
    rest = label.sub("", rows[0]).strip()
    return bool(rest), ([rest] if rest else []) + rows[1:]


def _counts(rows: list[str]) -> int | None:
    """How many groups the first count row ("Started 67 69 69 0") counts, if it is there."""
    match = _COUNT_ROW.match(rows[0]) if rows else None
    return len(match["counts"].split()) if match else None


def _shared(what: str, cells: list[str], rows: list[str]) -> str:
    counted = next((row for row in rows if _COUNT_ROW.match(row)), None)
    how_many = ""
    if counted is not None:
        match = _COUNT_ROW.match(counted)
        assert match is not None
        groups = len(match["counts"].split())
        how_many = f" (its '{match['label']}' row counts {groups} groups)"
    return (
        f"participant flow: the group {what} run together on one line{how_many} "
        f"('{cells[0]}'); where one ends and the next begins is not in the text: flow left out"
    )
