"""A study record -> ClinicalTrials.gov API v2 JSON study object, from the record's declarations.

Every declared field with an API v2 path is written at that path (``trials.record``), so a field
added to the record is exported with no change here. This is the shape other tools already speak
and the project's own test oracle: importing an API v2 record and exporting it gives back the
same value for every field held. Absent values are left out, as the API does.
"""

import datetime
from collections.abc import Collection
from typing import Any

from trials import store, vocab
from trials.models import Study
from trials.record import PART_CLASSES, Spec, StudyRecord, part_classes, specs

# The order in which API v2 lists the protocol's modules.
MODULE_ORDER = (
    "identificationModule",
    "statusModule",
    "sponsorCollaboratorsModule",
    "oversightModule",
    "descriptionModule",
    "conditionsModule",
    "designModule",
    "armsInterventionsModule",
    "outcomesModule",
    "eligibilityModule",
    "contactsLocationsModule",
    "referencesModule",
    "ipdSharingStatementModule",
)


def study_to_api(
    study: Study,
    data_date: datetime.date | None = None,
    fields: Collection[str] | None = None,
) -> dict[str, Any]:
    """The API v2 study object of ``study`` (fetch it with ``Study.objects.with_parts()``), or
    of only these record fields of it (``store.read``), the status's among them.

    Given the data's date (``trials.search.data_date``), a claim of recruitment unverified for
    two years before it is written as ClinicalTrials.gov's API writes it: overallStatus UNKNOWN,
    lastKnownStatus the claim (``vocab.shown_status``). Without it, the record as it is.
    """
    document = record_to_api(store.read(study, fields).data)
    status, last_known = vocab.shown_status(
        study.overall_status, study.last_known_status, study.status_verified_date, data_date
    )
    if status != study.overall_status:
        module = document["protocolSection"]["statusModule"]
        restated = {"overallStatus": status, "lastKnownStatus": last_known}
        rest = {k: v for k, v in module.items() if k not in restated}
        # In API v2's order: statusVerifiedDate, overallStatus, lastKnownStatus, the rest.
        document["protocolSection"]["statusModule"] = (
            {k: v for k, v in rest.items() if k in _BEFORE_STATUS}
            | restated
            | {k: v for k, v in rest.items() if k not in _BEFORE_STATUS}
        )
    return document


# The statusModule keys API v2 lists before overallStatus.
_BEFORE_STATUS = ("statusVerifiedDate",)


def record_to_api(data: dict[str, Any]) -> dict[str, Any]:
    """The API v2 study object of a record dict (``StudyRecord.to_dict()`` shape)."""
    document: dict[str, Any] = {}
    for name, spec in specs(StudyRecord):
        value = data.get(name)
        if spec.provenance or value in ("", None, [], ()):
            continue
        part = PART_CLASSES.get(name)
        grouping = getattr(part, "GROUPING", None)
        if part is not None and grouping is not None:
            for item in value:
                _put(document, grouping.path(item), _part(part, item), append=True)
        elif not spec.api:
            continue
        elif part is not None and isinstance(value, list):
            _put(document, spec.api, [_part(part, item) for item in value])
        elif part is not None:
            _put(document, spec.api, _part(part, value))
        else:
            _put(document, spec.api, _value(spec, value))
    protocol = document.get("protocolSection", {})
    document["protocolSection"] = {k: protocol[k] for k in MODULE_ORDER if k in protocol} | {
        k: v for k, v in protocol.items() if k not in MODULE_ORDER
    }
    return _compact(document)


def _value(spec: Spec, value: Any) -> Any:
    if isinstance(value, dict) and "iso" in value:  # a PartialDate
        return {"date": value["iso"], "type": value["type"]} if spec.typed else value["iso"]
    return value


def _part(cls: type, item: dict[str, Any]) -> dict[str, Any]:
    """A part's API v2 object, its own parts too."""
    nested = part_classes(cls)
    out: dict[str, Any] = {}
    for name, spec in specs(cls):
        value = item.get(name)
        if not spec.api or value in ("", None, [], ()):
            continue
        if name in nested:
            _put(out, spec.api, [_part(nested[name], sub) for sub in value])
        else:
            _put(out, spec.api, _value(spec, value))
    return out


def _put(document: dict[str, Any], path: str, value: Any, append: bool = False) -> None:
    *parents, last = path.split(".")
    for key in parents:
        document = document.setdefault(key, {})
    if append:
        document.setdefault(last, []).append(value)
    else:
        document[last] = value


def _compact(value: Any) -> Any:
    """``value`` without the keys whose values are absent ("" / None / [] / {}), at every level."""
    if isinstance(value, dict):
        kept = {k: _compact(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v not in ("", None, [], {})}
    if isinstance(value, list):
        return [_compact(v) for v in value]
    return value
