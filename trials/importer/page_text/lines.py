"""Lines of a copied classic study page: cleaning, labelled values, dates and text blocks.

A browser copy of a classic ClinicalTrials.gov page keeps the page's words but not its markup:
table cells run together, links vanish, and captures made with a Markdown converter wrap tables
in ``| … |`` cells with ``---|---`` rules. ``clean`` undoes the converter and drops the page's
navigation and boilerplate, so every later step reads one plain layout.
"""

import re

from trials.record import PartialDate

_RULE_ROW = re.compile(r"^\s*-{3,}(\s*\|\s*-{3,})*\s*\|?\s*$")
_IMAGE = re.compile(r"^\s*!\[[^\]]*\]\([^)]*\)\s*\|?\s*$")
_PIPE_TABLE = re.compile(r"^\s*-{3,}\s*\|", re.MULTILINE)

# Page chrome that carries no study data: the tab list, banners and the library's link blocks.
_TABS = frozenset(
    {
        "Study Details",
        "Tabular View",
        "Study Results",
        "No Results Posted",
        "Disclaimer",
        "How to Read a Study Record",
        "Full Text View",
    }
)
_BOILERPLATE = re.compile(
    r"^(Information from the National Library of Medicine"
    r"|Choosing to participate in a study is an important personal decision"
    r"|To learn more about this study, you or your doctor may contact"
    r"|Resource links provided by (the National Library of Medicine|NLM)"
    r"|MedlinePlus related topics:"
    r"|Drug Information available for:"
    r"|Genetic and Rare Diseases Information Center resources:"
    r"|U\.S\. FDA Resources$"
    r"|Layout table for"
    r"|Expanded Access : An investigational treatment associated with this study"
    r"|For general information, (see|Learn About Clinical Studies)|Learn About Clinical Studies\.?$"
    r"|(Study Description|Study Design|Arms and Interventions|Groups and Cohorts"
    r"|Outcome Measures|Eligibility|Eligibility Criteria|Contacts and Locations|More Information)$)"
)
_BULLET = re.compile(r"^(?P<indent> *)(?P<marker>[•◦▪*-]|\d{1,2}\.)\s+(?P<body>\S.*)$")

_MONTH_NAMES = (
    "january february march april may june july august september october november december"
)
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES.split(), start=1)}
_DATE = re.compile(r"^(?:(?P<month>[A-Za-z]+)\s+(?:(?P<day>\d{1,2}),?\s+)?)?(?P<year>\d{4})\b")


def has_pipe_tables(text: str) -> bool:
    """Whether the capture was made with a Markdown converter (``---|---`` table rules)."""
    return bool(_PIPE_TABLE.search(text))


def clean(text: str) -> list[str]:
    """The page's lines with pipe-table markup, navigation and boilerplate removed.

    Leading spaces stay: they are the only trace of how deep a criteria bullet is nested.
    """
    pipes = has_pipe_tables(text)
    lines: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.replace("\xa0", " ").replace("\u200b", "").replace("\t", " ").rstrip()
        if pipes:
            if _RULE_ROW.match(line) or _IMAGE.match(line):
                continue
            if "|" in line:
                indent = len(line) - len(line.lstrip(" "))
                cells = [" ".join(cell.split()) for cell in line.split("|")]
                line = " " * indent + " ".join(cell for cell in cells if cell)
        stripped = line.strip()
        if stripped.startswith("- ") and stripped[2:] in _TABS:
            continue
        if _BOILERPLATE.match(stripped):
            continue
        lines.append(line)
    return lines


def squash(text: str) -> str:
    """One line with every run of white space made one space."""
    return " ".join(text.split())


def is_label(line: str) -> bool:
    """Whether a line is a bare label ("Sponsor:", "Other Names:") rather than a value."""
    return bool(re.fullmatch(r"[A-Z][\w .,/()'-]{0,60}:", line.strip()))


def value_after(lines: list[str], index: int, label: re.Pattern[str]) -> str:
    """The value of the label at ``lines[index]``: the rest of its line, else the next line.

    Pipe captures and the older layouts put a label's value on the line after it.
    """
    return value_at(lines, index, label)[0]


def value_at(lines: list[str], index: int, label: re.Pattern[str]) -> tuple[str, int]:
    """The value of the label at ``lines[index]`` and the line it stands on."""
    match = label.match(lines[index].strip())
    rest = squash(lines[index].strip()[match.end() :]) if match else ""
    if rest:
        return rest, index
    for offset, line in enumerate(lines[index + 1 : index + 3], start=index + 1):
        if line.strip():
            return ("", index) if is_label(line) else (squash(line), offset)
    return "", index


def partial_date(text: str, kind: str = "") -> PartialDate | None:
    """ "March 2007", "March 14, 2007" or "2007" at the start of ``text``, as precise as written."""
    match = _DATE.match(text.strip())
    if match is None:
        return None
    year = match["year"]
    if match["month"] is None:
        return PartialDate(year, kind)
    month = _MONTHS.get(match["month"].lower())
    if month is None:
        return None
    if match["day"] is None:
        return PartialDate(f"{year}-{month:02d}", kind)
    return PartialDate(f"{year}-{month:02d}-{int(match['day']):02d}", kind)


def paragraphs(lines: list[str]) -> str:
    """Free text as the common record writes it: one paragraph per line, bullets as an outline.

    A browser copy never wraps lines, so each line of page text is a paragraph or a list item
    the registrant wrote; nesting comes from indentation (two spaces per level on the page).
    """
    entries: list[tuple[bool, str]] = []  # (is a list item, rendered line)
    indents: list[int] = []  # the indentation of each open list level
    for line in lines:
        if not line.strip():
            continue
        bullet = _BULLET.match(line)
        indent = len(line) - len(line.lstrip(" "))
        while indents and indent < indents[-1]:
            indents.pop()
        if bullet is None:
            if indent == 0:
                indents.clear()
            entries.append((bool(indents), "  " * len(indents) + squash(line)))
            continue
        if not indents or indent > indents[-1]:
            indents.append(indent)
        marker = bullet["marker"]
        marker = marker if marker[0].isdigit() else "*"
        entries.append((True, "  " * (len(indents) - 1) + f"{marker} {squash(bullet['body'])}"))
    parts: list[str] = []
    previous_item = False
    for is_item, text in entries:
        if parts:
            parts.append("\n" if is_item and previous_item else "\n\n")
        parts.append(text)
        previous_item = is_item
    return "".join(parts)
