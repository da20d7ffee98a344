"""The results a copied results tab (``ct2/show/results``) shows, as far as its text tells.

The tab prints each results table as rows of cells, one column per group of participants. A
browser copy keeps the rows but joins a row's cells with a plain space ("Arm/Group Title
Placebo CZP 200 mg Q2W SFE OL CZP 200 mg Q2W"), so where one group's title ends and the next
begins is lost; counts that follow ("Started 67 69 69 0") say how many groups there are, not
where their titles split. A table is read only when its cells can be told apart with
certainty: each cell on a line of its own. Otherwise the table is left out, its fields lacked,
with a warning saying why (never a guessed column, never half a table).

The two free-text rows above the flow table (recruitment and pre-assignment details) are
plain paragraphs and are read whatever the table below them looks like.
"""

import re
from dataclasses import dataclass, field

from trials.record import ResultGroup

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

    The groups are read only when the title and description rows give one cell a line and
    the same number of each, and the capture goes on past them; the periods below are never
    read from text (their reason rows run as many words as the groups' titles do).
    """
    if not lines or not _TITLE_ROW.match(lines[0].strip()):
        return FlowTable()
    rows = [squash(line) for line in lines if line.strip()]
    described = next((i for i, row in enumerate(rows) if _DESCRIPTION_ROW.match(row)), None)
    if described is None:
        return FlowTable()  # the capture stops in the title row
    after = next((i for i in range(described + 1, len(rows)) if not _is_description(rows, i)), None)
    inline_title = _TITLE_ROW.sub("", rows[0]).strip()
    if inline_title:
        return FlowTable(warnings=[_run_together(inline_title, rows)])
    titles = rows[1:described]
    descriptions = rows[described + 1 : after]
    inline_description = _DESCRIPTION_ROW.sub("", rows[described]).strip()
    if inline_description or after is None:
        if inline_description:
            return FlowTable(warnings=[_run_together(" ".join(titles), rows)])
        return FlowTable()  # cut in the description row: the groups are not all there
    if len(descriptions) != len(titles):
        return FlowTable(
            warnings=[
                f"participant flow: {len(titles)} group titles but {len(descriptions)} "
                "descriptions, one a line; the groups cannot be paired: flow left out"
            ]
        )
    groups = tuple(
        ResultGroup(id=f"FG{index:03d}", title=title, description=description)
        for index, (title, description) in enumerate(zip(titles, descriptions, strict=True))
    )
    return FlowTable(groups=groups, read=frozenset({"flow_groups"}))


def _is_description(rows: list[str], index: int) -> bool:
    """Whether a row after the description label still belongs to the descriptions: every
    flow table goes on with its first period's "Period Title:" row."""
    return not rows[index].startswith("Period Title:")


def _run_together(titles: str, rows: list[str]) -> str:
    counted = next((row for row in rows if _COUNT_ROW.match(row)), None)
    how_many = ""
    if counted is not None:
        match = _COUNT_ROW.match(counted)
        assert match is not None
        groups = len(match["counts"].split())
        how_many = f" (its '{match['label']}' row counts {groups} groups)"
    return (
        f"participant flow: the group titles run together on one line{how_many} "
        f"('{titles}'); where one ends and the next begins is not in the text: flow left out"
    )
