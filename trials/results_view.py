"""The study page's contacts, references and results, built from the rows already fetched.

``Study.objects.with_parts()`` reads each table of parts once per study. Following a nested
accessor (``measure.classes.all()``) would query again for every row, so the page's query count
would grow with the record. Here every nested part is grouped by its parent's id in Python, from
the study's own prefetched lists, and the template receives plain tables: a row label and one
cell per group, in the record's order.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import quote

from trials import vocab
from trials.models import Study

# The place ClinicalTrials.gov keeps a record's documents: by the NCT ID's last two digits.
DOCUMENT_URL = "https://cdn.clinicaltrials.gov/large-docs/{tail}/{nct_id}/{filename}"
PUBMED_URL = "https://pubmed.ncbi.nlm.nih.gov/{pmid}/"


def by_parent(rows: Iterable[Any], key: str) -> dict[Any, list[Any]]:
    """Rows grouped by one column (a parent's id), each group in the record's order."""
    grouped: dict[Any, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[getattr(row, key)].append(row)
    return grouped


@dataclass
class Column:
    code: str
    title: str
    description: str = ""


@dataclass
class Row:
    """One line of a table: a label, its depth under the row above, and a cell per column.

    ``cells`` is None for a heading line (a measure whose values sit in its classes)."""

    label: str
    level: int = 0
    cells: list[str] | None = None
    note: str = ""


@dataclass
class Table:
    """A table with a column per group; ``slug`` names its caption for the scrolling region."""

    slug: str
    caption: str
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    # False where a table above already described the same groups.
    describe_groups: bool = True


@dataclass
class AnalysisView:
    groups: str
    method: str
    p_value: str
    estimate: str
    interval: str
    notes: list[str]


@dataclass
class OutcomeView:
    table: Table
    type: str
    title: str
    description: str
    time_frame: str
    population: str
    analyses: list[AnalysisView]
    not_posted: str = ""


@dataclass
class Results:
    flow: list[Table]
    baseline: Table | None
    outcomes: list[OutcomeView]
    events: list[Table]

    def __bool__(self) -> bool:
        return bool(self.flow or self.baseline or self.outcomes or self.events)


# An extension written into the number itself: "+90216624545 ext 6515", "555-0100 x22".
_WRITTEN_EXTENSION = re.compile(r"(?<![A-Za-z])(?:ext(?:ension)?|x)\.?\s*:?\s*(\d{1,6})\s*$", re.I)
# Longer than any switchboard's extension: a second number in the extension's field.
MAX_EXTENSION_DIGITS = 6


def tel_href(phone: str, ext: str = "") -> str:
    """A ``tel:`` address a phone can dial from the number as written ("+1 (555) 010-0000"),
    or "" when the text holds no number. The extension is dialled after the number (``;ext=``),
    wherever the record wrote it; a country code in the extension's field ("+33") is dialled
    before the number instead, and a second number there is not dialled at all."""
    written = _WRITTEN_EXTENSION.search(phone)
    if written and not ext.strip():
        phone, ext = phone[: written.start()], written.group(1)
    extension = re.sub(r"\D", "", ext)
    if ext.strip().startswith("+") and 0 < len(extension) <= 3 and "+" not in phone:
        # Dialled from abroad, a national number drops its trunk prefix 0.
        phone = f"+{extension}" + re.sub(r"^\D*0", "", phone)
        extension = ""
    elif len(extension) > MAX_EXTENSION_DIGITS:
        extension = ""
    digits = re.sub(r"[^\d+]", "", phone)
    digits = digits[:1] + digits[1:].replace("+", "")
    if len(digits.lstrip("+")) < 3:
        return ""
    return f"tel:{digits}" + (f";ext={extension}" if extension else "")


def mailto_href(email: str) -> str:
    """A ``mailto:`` address for one plain address; other text (two addresses, words) stays text."""
    email = email.strip()
    return f"mailto:{email}" if re.fullmatch(r"[^@\s<>\"]+@[^@\s<>\"]+", email) else ""


@dataclass
class ContactView:
    name: str
    role: str
    phone: str
    tel: str
    email: str
    mailto: str


def _contact_view(name: str, role: str, phone: str, ext: str, email: str) -> ContactView:
    return ContactView(
        name=name,
        role=role,
        phone=phone + (f" ext. {ext}" if ext else ""),
        tel=tel_href(phone, ext),
        email=email,
        mailto=mailto_href(email),
    )


def contact_view(contact: Any) -> ContactView:
    """A ``Contact`` row as the page shows it."""
    role = contact.get_role_display() if contact.role else ""
    return _contact_view(contact.name, role, contact.phone, contact.phone_ext, contact.email)


def central_contacts(study: Study) -> list[ContactView]:
    return [contact_view(c) for c in study.contacts.all() if c.site_id is None]


def results_contact(study: Study) -> ContactView | None:
    """The results point of contact, when the record names one."""
    named = (
        study.results_contact_title,
        study.results_contact_organization,
        study.results_contact_email,
        study.results_contact_phone,
    )
    if not any(named):
        return None
    return _contact_view(
        study.results_contact_title,
        study.results_contact_organization,
        study.results_contact_phone,
        study.results_contact_phone_ext,
        study.results_contact_email,
    )


def references(study: Study) -> list[tuple[Any, str, list[Any]]]:
    """Each reference with its PubMed address (when it has a PMID) and its retractions."""
    retractions = by_parent(study.retractions.all(), "reference_id")
    return [
        (
            reference,
            PUBMED_URL.format(pmid=reference.pmid) if reference.pmid.isdigit() else "",
            retractions.get(reference.pk, []),
        )
        for reference in study.references.all()
    ]


def document_url(study: Study, filename: str) -> str:
    """Where ClinicalTrials.gov serves a filed document, or "" for a name it could not serve."""
    if not filename or "/" in filename or filename.startswith("."):
        return ""
    name = quote(filename)
    return DOCUMENT_URL.format(tail=study.nct_id[-2:], nct_id=study.nct_id, filename=name)


def documents(study: Study) -> list[tuple[Any, str]]:
    return [
        (document, document_url(study, document.filename)) for document in study.documents.all()
    ]


def _value(value: str, spread: str = "", lower: str = "", upper: str = "") -> str:
    """A measurement as the classic page writes it: "12.5 (3.1)" or "40 (12 to 77)"."""
    if spread:
        return f"{value} ({spread})"
    if lower or upper:
        return f"{value} ({lower or 'NA'} to {upper or 'NA'})"
    return value


def _percent(affected: int | None, at_risk: int | None) -> str:
    """ "affected/at risk (percent)"; a count alone where the record gives no one at risk."""
    if affected is None:
        return ""
    if not at_risk:
        return str(affected)
    percent = (Decimal(100 * affected) / at_risk).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return f"{affected}/{at_risk} ({percent}%)"


class _Builder:
    """Reads each of the study's result tables once and indexes their rows by parent."""

    def __init__(self, study: Study) -> None:
        self.study = study
        self.groups = list(study.resultgroups.all())
        self.outcome_groups = by_parent(
            (g for g in self.groups if g.module == vocab.ResultsModule.OUTCOME), "outcome_id"
        )
        self.milestones = by_parent(study.flowmilestones.all(), "period_id")
        self.drops = by_parent(study.dropwithdraws.all(), "period_id")
        counts = list(study.flowcounts.all())
        self.achievements = by_parent((c for c in counts if c.milestone_id), "milestone_id")
        self.reasons = by_parent((c for c in counts if c.drop_withdraw_id), "drop_withdraw_id")
        classes = list(study.measureclasss.all())
        self.baseline_classes = by_parent(
            (c for c in classes if c.baseline_measure_id), "baseline_measure_id"
        )
        self.outcome_classes = by_parent((c for c in classes if c.outcome_id), "outcome_id")
        denoms = list(study.denoms.all())
        # A denominator belongs to the whole baseline, one measure, one outcome or one class.
        self.baseline_denoms = [
            d for d in denoms if not (d.baseline_measure_id or d.outcome_id or d.measure_class_id)
        ]
        self.class_denoms = by_parent((d for d in denoms if d.measure_class_id), "measure_class_id")
        self.measure_denoms = by_parent(
            (d for d in denoms if d.baseline_measure_id and not d.measure_class_id),
            "baseline_measure_id",
        )
        self.outcome_denoms = by_parent(
            (d for d in denoms if d.outcome_id and not d.measure_class_id), "outcome_id"
        )
        self.counts = by_parent(study.denomcounts.all(), "denom_id")
        self.categories = by_parent(study.measurecategorys.all(), "measure_class_id")
        self.measurements = by_parent(study.measurements.all(), "category_id")
        self.analyses = by_parent(study.analysiss.all(), "outcome_id")
        self.stats = by_parent(study.eventstats.all(), "event_id")

    def columns(self, module: str) -> list[Column]:
        return [
            Column(g.code, g.title or g.code, g.description)
            for g in self.groups
            if g.module == module
        ]

    @staticmethod
    def cells(columns: list[Column], by_code: dict[str, str]) -> list[str]:
        return [by_code.get(column.code, "") for column in columns]

    def flow(self) -> list[Table]:
        columns = self.columns(vocab.ResultsModule.FLOW)
        tables = []
        for number, period in enumerate(self.study.flowperiods.all(), 1):
            table = Table(
                f"flow-{number}", period.title or f"Period {number}", columns, [], number == 1
            )
            for milestone in self.milestones.get(period.pk, []):
                counts = {
                    c.group_code: c.num_subjects for c in self.achievements.get(milestone.pk, [])
                }
                table.rows.append(
                    Row(milestone.type, 0, self.cells(columns, counts), milestone.comment)
                )
            drops = self.drops.get(period.pk, [])
            if drops:
                table.rows.append(Row("Reasons for not completing"))
                for drop in drops:
                    counts = {c.group_code: c.num_subjects for c in self.reasons.get(drop.pk, [])}
                    table.rows.append(Row(drop.type, 1, self.cells(columns, counts), drop.comment))
            tables.append(table)
        return tables

    def denom_rows(self, denoms: list[Any], columns: list[Column], level: int = 0) -> list[Row]:
        return [
            Row(
                f"Number analyzed ({denom.units or 'Participants'})",
                level,
                self.cells(columns, {c.group_code: c.value for c in self.counts.get(denom.pk, [])}),
            )
            for denom in denoms
        ]

    def class_rows(
        self, head: Row, classes: list[Any], columns: list[Column], denoms: list[Any]
    ) -> list[Row]:
        """A measure's values: on its own line when it has one untitled class and category,
        else a line per class and per category under it."""
        rows = [head, *self.denom_rows(denoms, columns, head.level + 1)]
        for measure_class in classes:
            categories = self.categories.get(measure_class.pk, [])
            class_row = head
            if measure_class.title:
                class_row = Row(measure_class.title, head.level + 1)
                rows.append(class_row)
            rows += self.denom_rows(
                self.class_denoms.get(measure_class.pk, []), columns, class_row.level + 1
            )
            for category in categories:
                values = {
                    m.group_code: _value(m.value, m.spread, m.lower_limit, m.upper_limit)
                    for m in self.measurements.get(category.pk, [])
                }
                cells = self.cells(columns, values)
                if category.title:
                    rows.append(Row(category.title, class_row.level + 1, cells))
                elif class_row.cells is None:
                    class_row.cells = cells
                else:
                    rows.append(Row("", class_row.level + 1, cells))
        return rows

    def baseline(self) -> Table | None:
        measures = list(self.study.baselinemeasures.all())
        if not measures:
            return None
        columns = self.columns(vocab.ResultsModule.BASELINE)
        table = Table("baseline", "Baseline characteristics", columns)
        table.rows += self.denom_rows(self.baseline_denoms, columns)
        for measure in measures:
            head = Row(measure.title, 0, None, _describe(measure))
            classes = self.baseline_classes.get(measure.pk, [])
            denoms = self.measure_denoms.get(measure.pk, [])
            table.rows += self.class_rows(head, classes, columns, denoms)
        return table

    def outcome(self, number: int, outcome: Any) -> OutcomeView:
        groups = self.outcome_groups.get(outcome.pk, [])
        columns = [Column(g.code, g.title or g.code, g.description) for g in groups]
        titles = {c.code: c.title for c in columns}
        table = Table(f"outcome-{number}", outcome.title, columns)
        # How many were analysed first, then the values they gave.
        table.rows += self.denom_rows(self.outcome_denoms.get(outcome.pk, []), columns)
        head = Row(_describe(outcome) or "Value", 0, None)
        table.rows += self.class_rows(head, self.outcome_classes.get(outcome.pk, []), columns, [])
        return OutcomeView(
            table=table,
            type=outcome.get_type_display(),
            title=outcome.title,
            description=outcome.description,
            time_frame=outcome.time_frame,
            population=outcome.population_description,
            analyses=[_analysis(a, titles) for a in self.analyses.get(outcome.pk, [])],
            not_posted=(
                f"Results expected {outcome.anticipated_posting_date}".strip()
                if outcome.reporting_status == vocab.ReportingStatus.NOT_POSTED
                else ""
            ),
        )

    def events(self) -> list[Table]:
        groups = list(self.study.eventgroups.all())
        if not groups:
            return []
        columns = [Column(g.code, g.title or g.code, g.description) for g in groups]
        totals = Table("events-totals", "All-cause mortality and adverse events, totals", columns)
        for label, prefix in (
            ("All-cause mortality", "deaths"),
            ("Serious adverse events", "serious"),
            ("Other adverse events", "other"),
        ):
            cells = [
                _percent(getattr(g, f"{prefix}_num_affected"), getattr(g, f"{prefix}_num_at_risk"))
                for g in groups
            ]
            if any(cells):
                totals.rows.append(Row(label, 0, cells))
        tables = [totals]
        events = list(self.study.adverseevents.all())
        for kind in vocab.EventKind:
            caption = f"{kind.label} adverse events"
            table = Table(f"events-{kind.value.lower()}", caption, columns, [], False)
            system = None
            for event in (e for e in events if e.kind == kind):
                if event.organ_system != system:
                    system = event.organ_system
                    table.rows.append(Row(system or "Organ system not given"))
                stats = {
                    s.group_code: _percent(s.num_affected, s.num_at_risk)
                    for s in self.stats.get(event.pk, [])
                }
                table.rows.append(Row(event.term, 1, self.cells(columns, stats), event.notes))
            if table.rows:
                tables.append(table)
        return tables


def _describe(measure: Any) -> str:
    """ "Mean (Standard Deviation), unit: years": how a measure's values are to be read."""
    parts = []
    if measure.param_type:
        parts.append(measure.get_param_type_display())
    if measure.dispersion_type and measure.dispersion_type != vocab.MeasureDispersionType.NA:
        parts[-1:] = [f"{' '.join(parts[-1:])} ({measure.get_dispersion_type_display()})".strip()]
    text = ", ".join(parts)
    if measure.unit_of_measure:
        text = f"{text}, unit: {measure.unit_of_measure}" if text else measure.unit_of_measure
    return text


def _analysis(analysis: Any, titles: dict[str, str]) -> AnalysisView:
    estimate = ""
    if analysis.param_value:
        estimate = f"{analysis.param_type}: {analysis.param_value}".lstrip(": ")
        if analysis.dispersion_value:
            dispersion = analysis.get_dispersion_type_display() or "Dispersion"
            estimate += f" ({dispersion} {analysis.dispersion_value})"
    interval = ""
    if analysis.ci_lower_limit or analysis.ci_upper_limit:
        sides = f" {analysis.get_ci_num_sides_display()}" if analysis.ci_num_sides else ""
        pct = f"{analysis.ci_pct_value}%" if analysis.ci_pct_value else ""
        interval = (
            f"{pct}{sides} CI: {analysis.ci_lower_limit or 'NA'} to "
            f"{analysis.ci_upper_limit or 'NA'}"
        ).strip()
    notes = [
        text
        for text in (
            analysis.group_description,
            analysis.p_value_comment,
            analysis.statistical_comment,
            analysis.estimate_comment,
            analysis.non_inferiority_comment,
            analysis.other_analysis_description,
        )
        if text
    ]
    if analysis.non_inferiority_type:
        notes.insert(0, f"Type of test: {analysis.get_non_inferiority_type_display()}")
    return AnalysisView(
        groups=", ".join(titles.get(code, code) for code in analysis.group_codes),
        method=analysis.statistical_method,
        p_value=analysis.p_value,
        estimate=estimate,
        interval=interval,
        notes=notes,
    )


def results(study: Study) -> Results:
    """The study's results as tables, in the order a reader meets them."""
    builder = _Builder(study)
    return Results(
        flow=builder.flow(),
        baseline=builder.baseline(),
        outcomes=[builder.outcome(n, o) for n, o in enumerate(study.outcomeresults.all(), 1)],
        events=builder.events(),
    )
