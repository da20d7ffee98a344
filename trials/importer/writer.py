"""Record -> database: each study whole or not at all, idempotent by NCT ID, every version kept.

A study's visible state is the fold of all its versions in the order of the records' own dates:
each version over the ones before it, a version that lacks a section keeping the section of the
older ones. Importing an old capture after a newer one therefore changes nothing visible, and a
cut-short capture never blanks what a fuller one gave.
"""

import dataclasses
import enum
import hashlib
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction

from trials import curation, vocab
from trials.models import (
    Arm,
    Condition,
    Identifier,
    IdentifierKind,
    Intervention,
    Keyword,
    MeshTerm,
    Official,
    OtherName,
    OutcomeMeasure,
    Site,
    Sponsor,
    Study,
    StudyVersion,
)

from .detect import Piece
from .record import PartialDate, StudyRecord

logger = logging.getLogger(__name__)


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


def record_hash(record: StudyRecord) -> str:
    """A digest of what a record says (not where it came from): equal records, equal hashes."""
    data = record.to_dict()
    for name in ("source_format", "lacks"):
        data.pop(name)
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def effective_record(versions: Iterable[StudyRecord]) -> StudyRecord:
    """The study as its versions say together: oldest first, each newer over the older."""
    ordered = sorted(versions, key=lambda r: r.record_date or PartialDate("0001").first_day)
    state = ordered[0]
    for newer in ordered[1:]:
        state = newer.merged_over(state)
    return state


def save_record(record: StudyRecord, data: bytes, source: str) -> Result:
    """Save one study from one source in its own transaction; never raises for bad data."""
    try:
        return _save_with_retry(record, data, source)
    except ValidationError as exc:
        problems = "; ".join(
            f"{field}: {' '.join(errors)}" for field, errors in exc.message_dict.items()
        )
        return Result(source, record.nct_id, Outcome.FAILED, problems)
    except (DatabaseError, ValueError) as exc:
        # The transaction rolled back: nothing of this study was written.
        return Result(source, record.nct_id, Outcome.FAILED, f"database refused the record ({exc})")


def _save_with_retry(record: StudyRecord, data: bytes, source: str) -> Result:
    try:
        return _save(record, data, source)
    except IntegrityError:
        raise
    except DatabaseError:
        # Outside a request Django does not reconnect after a lost connection: close the dead
        # one and try the whole transaction once more.
        if connection.is_usable():
            raise
        connection.close()
        return _save(record, data, source)


@transaction.atomic
def _save(record: StudyRecord, data: bytes, source: str) -> Result:
    digest = hashlib.sha256(data).hexdigest()
    study = Study.objects.select_for_update().filter(nct_id=record.nct_id).first()
    if study is None:
        study = Study(nct_id=record.nct_id)
        _apply(study, record, created=True)
        _add_version(study, record, data, digest, source)
        curation.curate_import(study, None, record, source)
        return Result(source, record.nct_id, Outcome.CREATED)

    if study.versions.filter(sha256=digest).exists():
        return Result(source, record.nct_id, Outcome.UNCHANGED, "this source was imported before")
    older = [StudyRecord.from_dict(v) for v in study.versions.values_list("record", flat=True)]
    _add_version(study, record, data, digest, source)
    # Curators' values stay on top of the sources; the import goes into the study's history.
    state = curation.curate_import(
        study, effective_record(older), effective_record([*older, record]), source
    )
    if record_hash(state) == study.record_hash:
        return Result(source, record.nct_id, Outcome.UNCHANGED, "new version kept; nothing changed")
    _apply(study, state, created=False)
    return Result(source, record.nct_id, Outcome.UPDATED)


def _add_version(
    study: Study, record: StudyRecord, data: bytes, digest: str, source: str
) -> StudyVersion:
    return StudyVersion.objects.create(
        study=study,
        format=record.source_format,
        source_name=source,
        content=data,
        sha256=digest,
        record_date=record.record_date,
        record=record.to_dict(),
    )


def _apply(study: Study, record: StudyRecord, *, created: bool) -> None:
    """Make the study's row and parts say what ``record`` says."""
    for name, value in study_fields(record).items():
        setattr(study, name, value)
    study.record_hash = record_hash(record)
    study.full_clean(exclude=["nct_id"] if not created else None, validate_unique=False)
    study.save()
    if not created:
        for part in (Condition, Keyword, Arm, Intervention, OutcomeMeasure, Site):
            part.objects.filter(study=study).delete()
        for part in (Identifier, Sponsor, Official, MeshTerm):
            part.objects.filter(study=study).delete()
    _create_parts(study, record)


def study_fields(record: StudyRecord) -> dict[str, Any]:
    """The Study columns of a record."""
    fields: dict[str, Any] = {
        name: getattr(record, name)
        for name in (
            "brief_title",
            "official_title",
            "acronym",
            "org_name",
            "org_class",
            "overall_status",
            "last_known_status",
            "why_stopped",
            "has_results",
            "study_type",
            "patient_registry",
            "enrollment",
            "enrollment_type",
            "allocation",
            "intervention_model",
            "intervention_model_description",
            "masking",
            "masking_description",
            "primary_purpose",
            "observational_model",
            "time_perspective",
            "brief_summary",
            "detailed_description",
            "eligibility_criteria",
            "sex",
            "gender_based",
            "minimum_age",
            "maximum_age",
            "healthy_volunteers",
            "study_population",
            "sampling_method",
        )
    }
    fields["phases"] = list(record.phases)
    fields["who_masked"] = list(record.who_masked)
    fields["std_ages"] = list(record.std_ages)
    fields["minimum_age_days"] = vocab.age_in_days(record.minimum_age)
    fields["maximum_age_days"] = vocab.age_in_days(record.maximum_age)
    fields["import_warnings"] = list(record.warnings)
    for name in DATED_FIELDS:
        partial: PartialDate | None = getattr(record, name)
        prefix = "status_verified" if name == "status_verified" else name
        fields[f"{prefix}_date"] = partial.first_day if partial else None
        fields[f"{prefix}_precision"] = partial.precision if partial else ""
        if hasattr(Study, f"{prefix}_type"):
            fields[f"{prefix}_type"] = partial.type if partial else ""
    party = record.responsible_party
    fields["responsible_party_type"] = party.type if party else ""
    fields["responsible_party_name"] = party.investigator_name if party else ""
    fields["responsible_party_title"] = party.investigator_title if party else ""
    fields["responsible_party_affiliation"] = party.investigator_affiliation if party else ""
    return fields


# The record's dates; each is three columns: <name>_date, <name>_precision and (most) <name>_type.
DATED_FIELDS = (
    "status_verified",
    "start",
    "primary_completion",
    "completion",
    "first_submitted",
    "first_posted",
    "last_update_submitted",
    "last_update_posted",
    "results_first_posted",
)


def _create_parts(study: Study, record: StudyRecord) -> None:
    Condition.objects.bulk_create(
        Condition(study=study, name=name, position=i) for i, name in enumerate(record.conditions)
    )
    Keyword.objects.bulk_create(
        Keyword(study=study, name=name, position=i) for i, name in enumerate(record.keywords)
    )
    arms = Arm.objects.bulk_create(
        Arm(study=study, label=a.label, type=a.type, description=a.description, position=i)
        for i, a in enumerate(record.arms)
    )
    interventions = Intervention.objects.bulk_create(
        Intervention(study=study, type=x.type, name=x.name, description=x.description, position=i)
        for i, x in enumerate(record.interventions)
    )
    OtherName.objects.bulk_create(
        OtherName(intervention=row, name=name, position=i)
        for row, x in zip(interventions, record.interventions, strict=True)
        for i, name in enumerate(x.other_names)
    )
    Intervention.arms.through.objects.bulk_create(
        Intervention.arms.through(intervention_id=interventions[xi].pk, arm_id=arms[ai].pk)
        for xi, ai in arm_links(record)
    )
    OutcomeMeasure.objects.bulk_create(
        OutcomeMeasure(
            study=study,
            kind=o.kind,
            measure=o.measure,
            time_frame=o.time_frame,
            description=o.description,
            position=i,
        )
        for i, o in enumerate(record.outcomes)
    )
    Site.objects.bulk_create(
        Site(study=study, position=i, **dataclasses.asdict(s)) for i, s in enumerate(record.sites)
    )
    Identifier.objects.bulk_create(
        Identifier(study=study, position=i, **fields)
        for i, fields in enumerate(identifier_rows(record))
    )
    sponsors = ([record.lead_sponsor] if record.lead_sponsor else []) + list(record.collaborators)
    Sponsor.objects.bulk_create(
        Sponsor(
            study=study,
            name=s.name,
            agency_class=s.agency_class,
            is_lead=record.lead_sponsor is not None and i == 0,
            position=i,
        )
        for i, s in enumerate(sponsors)
    )
    Official.objects.bulk_create(
        Official(study=study, position=i, **dataclasses.asdict(o))
        for i, o in enumerate(record.officials)
    )
    MeshTerm.objects.bulk_create(
        MeshTerm(study=study, position=i, **dataclasses.asdict(m))
        for i, m in enumerate(record.mesh_terms)
    )


def identifier_rows(record: StudyRecord) -> list[dict[str, str]]:
    """The Identifier rows of a record: org study ID, secondary IDs, then obsolete NCT IDs."""
    rows = []
    if record.org_study_id:
        rows.append(
            {
                "kind": IdentifierKind.ORG_STUDY_ID,
                "value": record.org_study_id,
                "type": record.org_study_id_type,
                "link": record.org_study_id_link,
            }
        )
    rows += [
        {
            "kind": IdentifierKind.SECONDARY,
            "value": s.id,
            "type": s.type,
            "domain": s.domain,
            "link": s.link,
        }
        for s in record.secondary_ids
    ]
    rows += [{"kind": IdentifierKind.NCT_ALIAS, "value": alias} for alias in record.nct_aliases]
    return rows


def _label_key(label: str) -> str:
    return " ".join(label.split()).casefold()


def arm_links(record: StudyRecord) -> Iterator[tuple[int, int]]:
    """(intervention index, arm index) pairs the record links by label text.

    Records link both ways and either side may be missing: an intervention's arm labels
    (``armGroupLabels``) and an arm's intervention names ("Drug: placebo"). A pair named on
    either side is a link.
    """
    for xi, x in enumerate(record.interventions):
        prefix = vocab.InterventionType(x.type).label + ": " if x.type else ""
        names = {_label_key(x.name), _label_key(prefix + x.name)}
        labels = {_label_key(label) for label in x.arm_labels}
        for ai, arm in enumerate(record.arms):
            if _label_key(arm.label) in labels or names & {
                _label_key(n) for n in arm.intervention_names
            }:
                yield xi, ai


def import_pieces(pieces: Iterable[Piece], chunk_size: int = 500) -> Iterator[Result]:
    """Save every parsed study; a failed piece becomes a FAILED result, never a stopped batch."""
    chunk: list[Piece] = []
    for piece in pieces:
        chunk.append(piece)
        if len(chunk) >= chunk_size:
            yield from _import_chunk(chunk)
            chunk = []
    yield from _import_chunk(chunk)


def _import_chunk(chunk: list[Piece]) -> Iterator[Result]:
    # Two different records of one study in one batch: neither is more right than the other by
    # its place in the batch, so both wait for a person and the database stays as it was.
    sources: dict[str, set[str]] = {}
    for piece in chunk:
        if piece.record is not None:
            sources.setdefault(piece.record.nct_id, set()).add(
                hashlib.sha256(piece.data).hexdigest()
            )
    for piece in chunk:
        if piece.record is None:
            yield Result(piece.source, "", Outcome.FAILED, piece.error)
        elif len(sources[piece.record.nct_id]) > 1:
            yield Result(
                piece.source,
                piece.record.nct_id,
                Outcome.FAILED,
                f"the batch holds {len(sources[piece.record.nct_id])} different records of this "
                "study; import them one at a time",
            )
        else:
            yield save_record(piece.record, piece.data, piece.source)
