"""Free text as people read it: the outline every parser writes and every page reads.

The outline: lines stripped, runs of spaces collapsed, one blank line between blocks, list items
as ``* item`` (or ``1. item`` where the source numbers them) indented two spaces per level, and
no blank lines inside a list. API v2 text is Markdown and is kept as the source wrote it;
``markdown_outline`` reads it into the outline where a page shows it (on every text of the
corpus, in every form, it leaves an outline as it is).
"""

import re
from dataclasses import dataclass

# CommonMark lets any ASCII punctuation be escaped; API v2 escapes <, >, [, ], &, ~, ^, * ...
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_MARKDOWN_ITEM = re.compile(r"(?P<marker>[*+-]|\d{1,9}[.)])(?P<gap>[ \t]+|$)")
# Classic text lost its list markup; these are the bullets people typed themselves.
_PLAIN_ITEM = re.compile(r"(?P<marker>[*•·-]|\d{1,9}[.)])(?P<gap>[ \t]+)")
_SPACES = re.compile(r"[ \t]+")


def line(raw: object) -> str:
    """A one-line value (a title, a name, a label): stripped, white space runs made one space."""
    return " ".join(raw.split()) if isinstance(raw, str) else ""


def paragraphs(raw: object) -> str:
    """Plain text kept line by line, with at most one blank line between paragraphs."""
    if not isinstance(raw, str):
        return ""
    lines = [_SPACES.sub(" ", row).strip() for row in raw.splitlines()]
    text = "\n".join(lines).strip()
    return re.sub(r"\n{3,}", "\n\n", text)


@dataclass(frozen=True)
class _Row:
    text: str  # indented and marked, ready to print
    in_list: bool  # a list item, or a paragraph inside one
    after_blank: bool  # the source had a blank line before it


def markdown_outline(raw: object) -> str:
    """API v2 Markdown as plain outline text: escapes undone, list nesting re-indented.

    Markdown is not rendered: emphasis and links stay as typed. A line belongs to an open item
    when it is indented two columns or more past the item's marker: looser than CommonMark (which
    wants the item's text column, three under ``1. ``), because registrants indent two spaces to
    nest, and because the outline this returns nests by two, so reading it again changes nothing.
    """
    if not isinstance(raw, str):
        return ""
    rows: list[_Row] = []
    open_items: list[int] = []  # the text column of each open list item, outermost first
    after_blank = False
    # API v2 separates two adjacent lists with an empty HTML comment.
    for source_line in _COMMENT.sub("", raw).splitlines():
        expanded = source_line.expandtabs(4)
        body = expanded.strip()
        if not body:
            after_blank = True
            continue
        indent = len(expanded) - len(expanded.lstrip())
        while open_items and indent < open_items[-1]:
            open_items.pop()
        level = len(open_items)
        match = _MARKDOWN_ITEM.match(body)
        if match:
            open_items.append(indent + 2)
            text = _markdown_text(body[match.end() :])
            if text:  # an empty item ("-" alone) says nothing
                marker = "*" if match["marker"] in "*+-" else match["marker"]
                rows.append(_Row("  " * level + f"{marker} {text}", True, after_blank))
        else:
            rows.append(_Row("  " * level + _markdown_text(body), level > 0, after_blank))
        after_blank = False
    return _join(rows)


def plain_outline(raw: object) -> str:
    """Classic API text as outline text.

    The classic API joined each paragraph's hard wraps and dropped list markers and nesting:
    every line is a paragraph or one list item, and the items of one list sit on consecutive
    lines. So a block of several lines is a list (after an opening line that ends in a colon),
    a single line stays a paragraph, and nesting, which the source no longer shows, is not guessed.
    """
    if not isinstance(raw, str):
        return ""
    rows: list[_Row] = []
    for block in re.split(r"\n[ \t]*\n", raw.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [_SPACES.sub(" ", row).strip() for row in block.split("\n") if row.strip()]
        for index, text in enumerate(lines):
            after_blank = index == 0 and bool(rows)
            match = _PLAIN_ITEM.match(text)
            if match:
                marker = "*" if not match["marker"][0].isdigit() else match["marker"]
                rows.append(_Row(f"{marker} {text[match.end() :]}", True, after_blank))
            elif len(lines) > 1 and not (index == 0 and text.endswith(":")):
                rows.append(_Row(f"* {text}", True, after_blank))
            else:
                rows.append(_Row(text, False, after_blank))
    return _join(rows)


def _markdown_text(text: str) -> str:
    text = _SPACES.sub(" ", text).strip()
    if text.endswith("\\") and not text.endswith("\\\\"):
        text = text[:-1].rstrip()  # a backslash hard line break
    return _ESCAPE.sub(r"\1", text)


def _join(rows: list[_Row]) -> str:
    out: list[str] = []
    previous: _Row | None = None
    for row in rows:
        # A blank line sets off every block outside a list (headings, paragraphs), never an item.
        inside_list = previous is not None and previous.in_list and row.in_list
        if (
            previous is not None
            and not inside_list
            and (row.after_blank or previous.in_list != row.in_list)
        ):
            out.append("")
        out.append(row.text.rstrip())
        previous = row
    return "\n".join(out).strip("\n")


def verbatim(raw: object) -> str:
    """Markdown as the source wrote it, but for white space around it: what API v2 text is kept
    as (read it as an outline with ``markdown_outline``)."""
    return raw.strip() if isinstance(raw, str) else ""


# A line that heads the inclusion or the exclusion criteria, as records write it: "Inclusion
# Criteria:", "EXCLUSION CRITERIA", "Key Inclusion Criteria :", "Inclusion Criteria (Families):",
# "- INCLUSION CRITERIA:" (a legacy bullet), "Inclusion Criteria: text on the same line". A line
# that goes on without a colon ("Inclusion criteria for trial entry") is text, not a heading.
_CRITERIA_HEADING = re.compile(
    r"^(?:[*•-]\s+)?(?:\*\*)?(?P<head>(?:(?:key|main|major|principal)\s+)?"
    r"(?P<kind>inclusion|exclusion)\s+criteria(?:\s*\([^)\n]{1,60}\))?)(?:\s+are)?"
    r"(?:\s*:\s*(?:\*\*)?(?P<rest>.*)|\s*(?:\*\*)?\s*)$",
    re.IGNORECASE,
)
# The same heading inside a line the classic API joined ("... consent Exclusion Criteria: -
# Women ..."): only as records title it, so that "meet the inclusion criteria: ..." stays text.
_JOINED_HEADING = re.compile(r"(?<=\S)(?<!Key)\s+(?=(?:Key )?(?:Inclusion|Exclusion) Criteria:)")


@dataclass(frozen=True)
class CriteriaPart:
    """One part of eligibility criteria: the text under an inclusion or exclusion heading
    (``kind``), or text no heading marks (``kind`` "": the text before the first heading, or
    all of a text that marks none)."""

    kind: str  # "inclusion", "exclusion" or ""
    heading: str  # as the page titles it: "Inclusion criteria", "Key inclusion criteria"
    text: str  # outline text


def criteria_parts(outline: str) -> list[CriteriaPart]:
    """Outline text of eligibility criteria split where it marks inclusion and exclusion."""
    parts: list[CriteriaPart] = []
    kind, heading = "", ""
    lines: list[str] = []

    def close() -> None:
        body = "\n".join(lines).strip("\n")
        if body or kind:
            parts.append(CriteriaPart(kind, heading, body))

    for raw in outline.splitlines():
        for line in _JOINED_HEADING.split(raw) if raw.strip() else [raw]:
            match = _CRITERIA_HEADING.match(line.strip())
            if match is None:
                lines.append(line)
                continue
            close()
            kind = match["kind"].lower()
            # "Key Inclusion Criteria (Families)" -> "Key inclusion criteria (Families)"
            words, _, aside = " ".join(match["head"].split()).partition("(")
            heading = (words[0].upper() + words[1:].lower() + _ + aside).strip()
            lines = [match["rest"].strip()] if match["rest"] and match["rest"].strip() else []
    close()
    return parts
