"""Which fields changed between two versions of a study record, and how."""

from dataclasses import dataclass
from typing import Any

from trials.record import StudyRecord, label_of, spec_of, specs

# Fields that say where a version came from, not what the study is.
_NOT_COMPARED = {name for name, spec in specs(StudyRecord) if spec.provenance}


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str = ""
    after: str = ""
    removed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return label_of(StudyRecord, self.field)


def _show(value: Any, name: str = "") -> str:
    """One line a person can read for a record value (a part, a date, a scalar); an enumerated
    field's values by their page spellings ("Active, not recruiting")."""
    if value is None or value == "":
        return "—"
    choices = spec_of(StudyRecord, name).choices if name else None
    if choices is not None and isinstance(value, str) and value in choices.values:
        return str(choices(value).label)
    if choices is not None and isinstance(value, list | tuple):
        return ", ".join(_show(item, name) for item in value)
    if isinstance(value, dict):
        if set(value) == {"iso", "type"}:
            return value["iso"] + (f" ({value['type'].lower()})" if value["type"] else "")
        return "; ".join(f"{k.replace('_', ' ')}: {_show(v)}" for k, v in value.items() if v)
    if isinstance(value, list | tuple):
        return ", ".join(_show(v) for v in value)
    return str(value)


def diff_records(old: dict[str, Any], new: dict[str, Any]) -> list[FieldChange]:
    """The fields of two ``StudyRecord.to_dict()`` values that differ, in record order.

    A field the newer version lacks (a cut-short capture) is not a change: it says nothing.
    """
    changes = []
    lacking = set(old.get("lacks", ())) | set(new.get("lacks", ()))
    for name, after in new.items():
        before = old.get(name)
        if name in _NOT_COMPARED or name in lacking or before == after:
            continue
        if isinstance(after, list) and isinstance(before, list | None):
            before_items = [_show(item, name) for item in before or []]
            after_items = [_show(item, name) for item in after]
            changes.append(
                FieldChange(
                    name,
                    removed=tuple(i for i in before_items if i not in after_items),
                    added=tuple(i for i in after_items if i not in before_items),
                    # Same items in another order: say so rather than show nothing.
                    before="order changed" if sorted(before_items) == sorted(after_items) else "",
                )
            )
        else:
            changes.append(FieldChange(name, before=_show(before, name), after=_show(after, name)))
    return changes
