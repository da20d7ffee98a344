"""Presentation of record values: partial dates, enum labels and nested criteria.

Record text is escaped everywhere here: these helpers build markup with ``format_html`` and
``escape`` and never mark source text safe as it is.
"""

import datetime
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django import template
from django.http import QueryDict
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from trials import vocab
from trials.filters import FACET_OF
from trials.models import Study
from trials.search.near import METERS
from trials.text import criteria_parts, markdown_outline

register = template.Library()

_ENUMS: dict[str, type[vocab.TextChoices]] = {
    "phase": vocab.Phase,
    "status": vocab.Status,
    "std_age": vocab.StdAge,
    "who_masked": vocab.WhoMasked,
    "agency_class": vocab.AgencyClass,
    "ipd_info_type": vocab.IpdSharingInfoType,
}


@register.filter
def label(value: str, vocabulary: str) -> str:
    """The page spelling of an API v2 value: ``{{ "PHASE1"|label:"phase" }}`` -> "Phase 1"."""
    return vocab.label(_ENUMS[vocabulary], value)


@register.simple_tag
def status_badge(study: Study, data_date: datetime.date | None) -> SafeString:
    """The study's status badge as shown at the data's date: a claim of recruitment unverified
    for two years before it reads "Unknown status (was Recruiting)" (``vocab.shown_status``)."""
    status, last_known = vocab.shown_status(
        study.overall_status, study.last_known_status, study.status_verified_date, data_date
    )
    return format_html(
        '<span class="badge status-{}">{}</span>', status, vocab.status_label(status, last_known)
    )


@register.filter
def facet_choices(params: QueryDict) -> list[tuple[str, str]]:
    """The facet choices and the browse entry among ``request.GET``, as (name, value): they
    ride along with the form.

    Names are matched whole: ``sponsor`` (the form's own text box) is not ``sponsor_class``.
    """
    return [(name, value) for name in (*FACET_OF, "term") for value in params.getlist(name)]


@register.filter
def distance(meters: float | None, unit: str | None = "") -> str:
    """Meters in the unit a place search chose: "12 mi", "3.5 km" (under ten, one decimal)."""
    if meters is None:
        return ""
    unit = unit if unit in METERS else "mi"  # the form's default
    amount = meters / METERS[unit]
    return f"{amount:.1f} {unit}" if amount < 10 else f"{amount:,.0f} {unit}"


@register.filter
def about(count: int) -> str:
    """An estimated count as a person reads one: two significant figures, "about 450,000"."""
    digits = len(str(abs(count)))
    return f"about {round(count, 2 - digits) if digits > 2 else count:,}"


@register.filter
def labels(values: list[str], vocabulary: str) -> str:
    """Page spellings of several API v2 values, joined: "Phase 1, Phase 2"."""
    return ", ".join(label(value, vocabulary) for value in values)


def partial_date(day: datetime.date | None, precision: str) -> str:
    """A date as precise as the record gave it: "March 2007", "March 14, 2007", "2007"."""
    if day is None:
        return ""
    if precision == vocab.DatePrecision.YEAR:
        return f"{day:%Y}"
    if precision == vocab.DatePrecision.MONTH:
        return f"{day:%B %Y}"
    return f"{day:%B} {day.day}, {day:%Y}"


@register.simple_tag
def study_date(study: Study, prefix: str) -> str:
    """One of a study's dates with its precision and type: "February 2012 (Actual)"."""
    text = partial_date(getattr(study, f"{prefix}_date"), getattr(study, f"{prefix}_precision"))
    kind = getattr(study, f"{prefix}_type", "")
    if text and kind:
        text += f" ({vocab.DateType(kind).label})"
    return text


@register.filter
def age_range(study: Study) -> str:
    """Who may join by age, as the record writes it: "18 Years and older", "Up to 17 Years"."""
    low, high = study.minimum_age, study.maximum_age
    if low and high:
        return f"{low} to {high}"
    if low:
        return f"{low} and older"
    if high:
        return f"Up to {high}"
    return "No age limit stated"


@dataclass
class _Node:
    text: str = ""
    children: list["_Node"] = field(default_factory=list)


_BULLET = re.compile(r"^(?P<indent>\s*)[*\-•]\s+(?P<text>.*)$")


def _outline(text: str) -> list[_Node | str]:
    """Blocks of criteria text: paragraphs (str) and bullet trees (_Node with children)."""
    blocks: list[_Node | str] = []
    stack: list[tuple[int, _Node]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        match = _BULLET.match(line)
        if match is None:
            blocks.append(line.strip())
            stack = []
            continue
        depth = len(match["indent"].replace("\t", "  ")) // 2
        while stack and stack[-1][0] >= depth:
            stack.pop()
        node = _Node(match["text"].strip())
        if stack:
            stack[-1][1].children.append(node)
        else:
            if not blocks or not isinstance(blocks[-1], _Node) or blocks[-1].text:
                blocks.append(_Node())
            root = blocks[-1]
            assert isinstance(root, _Node)
            root.children.append(node)
        stack.append((depth, node))
    return blocks


def _render_list(nodes: list[_Node]) -> SafeString:
    items = "".join(
        format_html(
            "<li>{}{}</li>", node.text, _render_list(node.children) if node.children else ""
        )
        for node in nodes
    )
    return mark_safe(f'<ul class="criteria">{items}</ul>')  # items were escaped by format_html


def _criteria_blocks(outline: str) -> SafeString:
    parts = []
    for block in _outline(outline):
        if isinstance(block, str):
            parts.append(format_html("<p>{}</p>", block))
        else:
            parts.append(_render_list(block.children))
    return mark_safe("".join(parts))  # every part was escaped above


@register.filter
def criteria(text: str) -> SafeString:
    """Eligibility criteria as headed, nested lists (bullets nested by two spaces a level); API
    v2 Markdown is read as its outline first. Where the text marks inclusion and exclusion
    criteria, each is a section under its own heading (``text.criteria_parts``); text with no
    such marks is shown as it is."""
    sections = []
    for part in criteria_parts(markdown_outline(text)):
        body = _criteria_blocks(part.text)
        if not part.kind:
            sections.append(body)
            continue
        sections.append(
            format_html(
                '<section class="criteria-part criteria-{}"><h4>{}</h4>{}</section>',
                part.kind,
                part.heading,
                body or mark_safe('<p class="muted">None given.</p>'),
            )
        )
    return mark_safe("".join(sections))  # every section was escaped above


@register.filter
def paragraphs(text: str) -> SafeString:
    """Record text as escaped paragraphs, keeping its line breaks (API v2 Markdown read as its
    outline: escapes undone, lists one item a line)."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", markdown_outline(text)) if b.strip()]
    return mark_safe(
        "".join(
            format_html('<p class="text">{}</p>', escape(block)) for block in blocks
        )  # escaped above
    )


@register.filter
def web_link(url: str) -> str:
    """The URL if it is one a browser may follow from a record (http or https), else "".

    Records are written by registrants: a ``javascript:`` or ``data:`` link must stay text, even
    where the Content-Security-Policy would block it.
    """
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return ""
    return url.strip() if scheme in ("http", "https") else ""


@register.filter
def file_name(source: str) -> str:
    """The name of the file a version came from, without the server's folders.

    Archive members keep the member's name ("bulk.tar.xz:NCT00000112.xml" reads
    "NCT00000112.xml"); the path before it is the importing machine's business.
    """
    return re.split(r"[/\\]", source)[-1]


@register.simple_tag
def contact_card(contact: Any) -> SafeString:
    """One contact (a ``trials.results_view.ContactView``): phone and email as links a phone can
    follow. Rendered here rather than by an included template: a study of a thousand sites shows
    a thousand contacts, and an include costs more than the rest of a table row."""
    parts = []
    if contact.name:
        parts.append(format_html('<span class="contact-name">{}</span>', contact.name))
    if contact.role:
        parts.append(format_html(' <span class="muted">({})</span>', contact.role))
    for label, text, href in (
        ("Phone", contact.phone, contact.tel),
        ("Email", contact.email, contact.mailto),
    ):
        if text:
            way = format_html('<a href="{}">{}</a>', href, text) if href else escape(text)
            parts.append(format_html(' <span class="contact-way">{}: {}</span>', label, way))
    # Every part was escaped by format_html or escape above.
    return format_html('<span class="contact">{}</span>', mark_safe("".join(parts)))
