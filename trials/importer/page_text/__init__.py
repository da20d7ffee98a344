"""Parser for the text of a classic ClinicalTrials.gov study page, as a person copies it.

``parse(data, source)`` reads one study from the plain text of a ``ct2/show`` page: any layout
generation from 2009 to 2023, plain or Markdown pipe-table captures, the tabular record view and
the results tab (its results as far as the text parts their cells: ``results``). A capture that
stops part way gives what it holds, and the fields it never reached go into ``lacks``. What the
copy lost and the evidence cannot restore (where one condition ends and the next begins, which
MeSH term is a condition term, where one results group's title ends) goes into ``warnings``.
"""

import re

from trials.record import (
    Intervention,
    MeshTerm,
    RecordError,
    ResponsibleParty,
    SecondaryId,
    Site,
    Sponsor,
    StudyRecord,
)
from trials.vocab import (
    Allocation,
    DateType,
    InterventionModel,
    InterventionType,
    ObservationalModel,
    PrimaryPurpose,
    Sex,
    SourceFormat,
    StudyType,
    TimePerspective,
    normalize,
    normalize_masking,
)

from . import parties as parties
from . import results as results
from . import sections as sections
from .conditions import classify_mesh, read_table
from .header import Header, read_header
from .layout import (
    ALL_FIELDS,
    ORDERS,
    Layout,
    detect_layout,
    find_marks,
    is_closed,
    reached_fields,
)
from .lines import clean, paragraphs, partial_date, squash, value_at

# Fields no layout of the page prints: the writer keeps what a fuller source gave.
_NEVER_PRINTED = frozenset({"org_name", "org_class", "org_study_id_type", "org_study_id_link"})
_LABELS = {layout: {mark.key: mark.pattern for mark in marks} for layout, marks in ORDERS.items()}
# (record field, vocabulary, mark of its own line, its label inside a "Study Design:" line)
_DESIGN_FIELDS = (
    ("allocation", Allocation, "allocation", "allocation"),
    ("intervention_model", InterventionModel, "model", "intervention model"),
    ("intervention_model_description", None, "model_description", "intervention model description"),
    ("masking", None, "masking", "masking"),
    ("masking_description", None, "masking_description", "masking description"),
    ("primary_purpose", PrimaryPurpose, "purpose", "primary purpose"),
    ("observational_model", ObservationalModel, "observational_model", "observational model"),
    ("time_perspective", TimePerspective, "time_perspective", "time perspective"),
)
_PAIR = re.compile(r"^(?P<label>[A-Z][A-Za-z /-]+?)\s?:\s*(?P<value>.*)$")
_IDS_END = re.compile(
    r"^(First Posted|Last Update Posted|Results First Posted|Last Verified|Study First Received"
    r"|Results First Received|Last Updated|Health Authority|Keywords provided|Additional relevant"
    r"|Individual Participant Data|Plan to Share|Studies a U\.S\.|Product Manufactured"
    r"|Device Product|Pediatric Postmarket|Responsible Party|Obsolete Identifiers)"
)


def parse(data: bytes, source: str) -> StudyRecord:
    """One study from the copied text of its classic page; RecordError when it is not one."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RecordError(source, f"not UTF-8 text (byte {exc.start})") from exc
    if not text.strip():
        raise RecordError(source, "empty: no page text")
    lines = clean(text)
    layout = detect_layout(lines)
    header = read_header(lines, layout, source)
    page = _Page(lines, layout, find_marks(lines, layout, header.start), header)
    values = page.read()
    try:
        return StudyRecord(
            nct_id=header.nct_id,
            brief_title=header.brief_title,
            overall_status=header.overall_status,
            source_format=SourceFormat.PAGE_TEXT,
            lacks=page.lacks(),
            warnings=tuple(page.warnings),
            # The page is read section by section into one map of field values by name; giving
            # that map a static type would restate every StudyRecord field a second time.
            **values,  # type: ignore[arg-type]
        )
    except RecordError as exc:
        raise RecordError(source, exc.problem) from exc


def _display(kind: str, name: str) -> str:
    """How the page prints an intervention: "Drug: lenalidomide"."""
    return f"{InterventionType(kind).label}: {name}"


class _Page:
    """One capture being read: its lines, layout and marks, and what reading it noticed."""

    def __init__(
        self, lines: list[str], layout: Layout, found: dict[str, int], header: Header
    ) -> None:
        self.lines = lines
        self.layout = layout
        self.found = found
        self.header = header
        self.warnings: list[str] = list(header.warnings)
        self.extra_lacks: set[str] = set()
        self.extra_reached: set[str] = set()  # results fields read, which no mark names

    def read(self) -> dict[str, object]:
        values: dict[str, object] = self.header.values()
        values.update(self._design())
        values.update(self._descriptions())
        values.update(self._eligibility())
        values.update(self._more_information())
        org_study_id, secondary_ids = self._ids()
        mesh_terms = self._mesh_terms()
        sites = parties.read_sites(self.region("sites"))
        values.update(
            org_study_id=org_study_id,
            secondary_ids=secondary_ids,
            mesh_terms=mesh_terms,
            sites=sites,
        )
        values.update(self._sponsors(sites, secondary_ids))
        official_title = str(values.get("official_title", ""))
        values.update(self._arms_and_conditions(mesh_terms, official_title))
        outcomes, warnings = sections.read_outcomes(self.region("outcomes", with_mark=True))
        self.warnings.extend(warnings)
        values["outcomes"] = outcomes
        if self.layout == Layout.RESULTS:
            values.update(self._results())
        return values

    def lacks(self) -> frozenset[str]:
        reached = reached_fields(self.lines, self.found, self.layout)
        if self.header.status_verified is not None:
            reached.add("status_verified")
        if self.header.sponsor_block:
            reached.add("collaborators")
        if self.header.sponsor:
            # Older headers print the sponsor as text, and with it who is responsible.
            reached |= {"lead_sponsor", "responsible_party"}
        if self.layout == Layout.RESULTS:
            reached.add("has_results")
        reached |= self.extra_reached
        return (ALL_FIELDS - reached) | _NEVER_PRINTED | self.extra_lacks

    # -- where things are -------------------------------------------------------------------

    def region(self, key: str, with_mark: bool = False) -> list[str]:
        """The lines of a mark's section: after its line, up to the next mark found."""
        if key not in self.found:
            return []
        start = self.found[key]
        end = min((i for i in self.found.values() if i > start), default=len(self.lines))
        return self.lines[start if with_mark else start + 1 : end]

    def labelled(self, key: str) -> str:
        if key not in self.found:
            return ""
        value = value_at(self.lines, self.found[key], _LABELS[self.layout][key])[0]
        return re.sub(r"^ICMJE\s+", "", value)  # the record view's marker, not the value

    def _table_lines(self) -> list[str]:
        if self.layout == Layout.RESULTS:
            return []
        body = self.region("conditions")
        if self.layout == Layout.CURRENT:
            return [line for line in body if line.strip()][:1]
        block: list[str] = []
        for line in body:
            if not line.strip() and block:
                break
            if line.strip():
                block.append(line)
        return block

    def _vocab(self, choices: type, raw: str) -> str:
        try:
            return normalize(choices, raw)
        except ValueError as exc:
            self.warnings.append(f"{exc}: left empty")
            return ""

    # -- sections ---------------------------------------------------------------------------

    def _design(self) -> dict[str, object]:
        values: dict[str, object] = {}
        study_type = self.labelled("study_type")
        if study_type:
            values["study_type"] = self._vocab(StudyType, study_type)
            observational = values["study_type"] == StudyType.OBSERVATIONAL
            registry = "[Patient Registry]" in study_type
            values["patient_registry"] = True if registry else (False if observational else None)
        # Before 2017 (and on the results tab) the design is one "Study Design:" line or block.
        one_line = _design_pairs(self.region("design", with_mark=True))
        for name, choices, key, label in _DESIGN_FIELDS:
            raw = self.labelled(key) or one_line.get(label, "")
            if raw:
                values[name] = self._vocab(choices, raw) if choices else raw
        masking = values.get("masking")
        if isinstance(masking, str) and masking:
            try:
                values["masking"], values["who_masked"] = normalize_masking(masking)
            except ValueError as exc:
                self.warnings.append(f"{exc}: left empty")
                values["masking"] = ""
        if "enrollment" in self.found:
            count = re.match(r"^[\d,]+", self.labelled("enrollment"))
            if count:
                values["enrollment"] = int(count[0].replace(",", ""))
                values["enrollment_type"] = self._date_type("enrollment")
        if "first_submitted" in self.found:  # the tabular record view's "Tracking Information"
            values["first_submitted"] = partial_date(self.labelled("first_submitted"))
        for key in ("start", "primary_completion", "completion"):
            if key in self.found:
                values[key] = partial_date(self.labelled(key), self._date_type(key))
        if "official_title" in self.found:
            values["official_title"] = self.labelled("official_title")
        return values

    def _date_type(self, key: str) -> str:
        """ACTUAL or ESTIMATED from the label's first word ("Actual Enrollment :")."""
        word = re.match(r"^(Actual|Estimated|Anticipated) ", self.lines[self.found[key]].strip())
        return normalize(DateType, word[1]) if word else ""

    def _descriptions(self) -> dict[str, object]:
        summary = self.region("summary")
        description = self.region("description")
        if self.layout == Layout.CURRENT and "conditions" in self.found:
            table = self.found["conditions"]
            if "summary" not in self.found:
                # Pipe captures drop the "Brief Summary:" label: the summary is the text
                # between the header and the condition table.
                summary = self.lines[self.header.end : table]
                if not any(line.strip() for line in summary):
                    # Every registered study has a brief summary: this capture left it out.
                    self.extra_lacks.add("brief_summary")
            if "description" not in self.found:
                # Nor a "Detailed Description:" label: it is the text after the table's row.
                row = next(
                    (i for i in range(table + 1, len(self.lines)) if self.lines[i].strip()), table
                )
                end = min((i for i in self.found.values() if i > row), default=len(self.lines))
                description = self.lines[row + 1 : end]
                left_out = "brief_summary" in self.extra_lacks
                if left_out and not any(line.strip() for line in description):
                    # A capture that left the summary out may have left this out too
                    # (NCT04349592's did): no text here does not show the study has none.
                    self.extra_lacks.add("detailed_description")
        return {
            "brief_summary": paragraphs(summary),
            "detailed_description": paragraphs(description),
        }

    def _eligibility(self) -> dict[str, object]:
        values: dict[str, object] = {}
        if "ages" in self.found:
            minimum, maximum, groups = sections.read_ages(self.labelled("ages"))
            values.update(minimum_age=minimum, maximum_age=maximum)
            if groups is None:
                self.extra_lacks.add("std_ages")  # printed only since 2017
            else:
                values["std_ages"] = groups
        if "sex" in self.found:
            values["sex"] = self._vocab(Sex, self.labelled("sex"))
        if "healthy" in self.found:
            values["healthy_volunteers"] = sections.read_healthy(self.labelled("healthy"))
        if "sampling" in self.found:
            values["sampling_method"] = self.labelled("sampling")
        values["study_population"] = paragraphs(_until(self.region("population"), "Criteria"))
        values["eligibility_criteria"] = paragraphs(self._criteria())
        return values

    def _criteria(self) -> list[str]:
        if "criteria" in self.found:
            heading = self.lines[self.found["criteria"]].strip() == "Criteria"
            return self.region("criteria", with_mark=not heading)
        labels = [self.found[k] for k in ("ages", "sex", "healthy", "sampling") if k in self.found]
        if not labels:
            return []
        body = self.region(_key_at(self.found, max(labels)))
        # Labelled eligibility values ("Gender Based Eligibility: Yes") sit above the criteria.
        while body and (not body[0].strip() or re.match(r"^\s*Gender\b", body[0])):
            body = body[1:]
        return body

    def _more_information(self) -> dict[str, object]:
        values: dict[str, object] = {}
        if "aliases" in self.found:
            values["nct_aliases"] = tuple(re.findall(r"NCT\d{8}", self.labelled("aliases")))
        if "verified" in self.found and self.header.status_verified is None:
            values["status_verified"] = partial_date(self.labelled("verified"))
        values["keywords"] = tuple(sections.read_terms(self.region("keywords")))
        return values

    def _ids(self) -> tuple[str, tuple[SecondaryId, ...]]:
        """The "Other Study ID Numbers": the organisation's own, then the secondary ones."""
        if "ids" not in self.found:
            return "", ()
        first, line = value_at(self.lines, self.found["ids"], _LABELS[self.layout]["ids"])
        listed: list[str] = []
        for text in self.lines[line + 1 :]:
            if _IDS_END.match(text.strip()):
                break
            listed.append(text)
        secondary, warnings = parties.read_ids(listed)
        self.warnings.extend(warnings)
        return first, secondary

    def _mesh_terms(self) -> tuple[MeshTerm, ...]:
        mesh, warnings = classify_mesh(sections.read_terms(self.region("mesh")))
        self.warnings.extend(warnings)
        return mesh

    def _sponsors(
        self, sites: tuple[Site, ...], secondary_ids: tuple[SecondaryId, ...]
    ) -> dict[str, object]:
        header = self.header
        organisations = [site.facility for site in sites]
        organisations += [i.domain for i in secondary_ids]
        lead, collaborators, officials, warnings = parties.read_sponsors(
            _until(self.region("sponsors"), "Responsible Party:", "Publications"),
            [*organisations, header.responsible],
        )
        self.warnings.extend(warnings)
        lead = lead or header.sponsor
        shown = header.responsible
        if not shown and "responsible" in self.found:
            shown = re.split(
                r"\s+(?:ClinicalTrials\.gov )?Identifier:", self.labelled("responsible")
            )[0]
        return {
            "lead_sponsor": Sponsor(lead) if lead else None,
            "collaborators": tuple(Sponsor(n) for n in collaborators or header.collaborators),
            "officials": officials,
            "responsible_party": self._responsible(shown.strip(), lead),
        }

    def _responsible(self, shown: str, lead: str) -> ResponsibleParty | None:
        party, warning = parties.read_responsible(shown, lead)
        if warning:
            self.warnings.append(warning)
        return party

    def _arms_and_conditions(
        self, mesh_terms: tuple[MeshTerm, ...], official_title: str
    ) -> dict[str, object]:
        """Arms, interventions, conditions and phases: each pair of tables checks the other."""
        table = self._table_lines()
        # First the table alone, to tell "Other:" interventions from "Other:" arms.
        alone = read_table(table, [], [], [], cut=False)
        shown = [_display(kind, name) for kind, name in alone.interventions]
        arms, interventions, warnings = sections.read_arms(self.region("arms"), shown)
        self.warnings.extend(warnings)
        if not arms and any(line.strip() for line in self.region("arms")):
            self.extra_lacks.add("arms")
        row = read_table(
            table,
            [_display(i.type, i.name) for i in interventions],
            [term.term for term in mesh_terms],
            [self.header.brief_title, official_title],
            cut="conditions" in self.found
            and not is_closed(self.lines, self.found, "conditions", self.layout),
        )
        self.warnings.extend(row.warnings)
        conditions = row.conditions
        if self.layout == Layout.RESULTS:
            conditions = tuple(squash(x) for x in self._results_list("conditions") if x.strip())
            row_interventions = [
                tuple(x.partition(": ")[::2]) for x in self._results_list("interventions")
            ]
            interventions = tuple(
                Intervention(type=self._vocab(InterventionType, kind), name=name)
                for kind, name in row_interventions
                if name
            )
        elif not interventions and row.interventions:
            # Only the condition table names them: kind and name, nothing more.
            interventions = tuple(Intervention(type=k, name=n) for k, n in row.interventions)
        return {
            "conditions": conditions,
            "phases": row.phases,
            "arms": arms,
            "interventions": interventions,
        }

    def _results(self) -> dict[str, object]:
        """The results tab's flow details, and its flow groups where the text parts them."""
        labels = _LABELS[self.layout]
        values: dict[str, object] = {
            "flow_recruitment_details": results.details(
                labels["recruitment"], self.region("recruitment", with_mark=True)
            ),
            "flow_pre_assignment_details": results.details(
                labels["pre_assignment"], self.region("pre_assignment", with_mark=True)
            ),
        }
        flow = results.read_flow(self.region("flow", with_mark=True))
        self.warnings.extend(flow.warnings)
        self.extra_reached |= flow.read
        if "flow_groups" in flow.read:
            values["flow_groups"] = flow.groups
        return values

    def _results_list(self, key: str) -> list[str]:
        """A results tab's one-per-line list ("Conditions Type 2 Diabetes Mellitus", "…")."""
        if key not in self.found:
            return []
        return [self.labelled(key), *self.region(key)]


def _design_pairs(lines: list[str]) -> dict[str, str]:
    """ "Allocation: Randomized; Masking: …" segments (one per line or ;-joined) by label."""
    pairs: dict[str, str] = {}
    for raw in lines:
        line = re.sub(r"^Study Design\s*:?\s*", "", squash(raw))
        for segment in line.split(";"):
            match = _PAIR.match(segment.strip())
            if match and match["value"]:
                pairs.setdefault(match["label"].strip().casefold(), match["value"].strip())
    return pairs


def _until(lines: list[str], *stops: str) -> list[str]:
    for index, line in enumerate(lines):
        if line.strip().startswith(stops):
            return lines[:index]
    return lines


def _key_at(found: dict[str, int], line: int) -> str:
    return next(key for key, index in found.items() if index == line)
