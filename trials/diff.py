"""Which fields changed between two versions of a study record, and how, in the page's words.

Every field of the record is compared, results and all, and shown as the study page names it:
the field's declared label, an enumerated value by its label ("Active, not recruiting"), a flag
as Yes or No, a part by its own fields' labels. Running text is compared word by word, so the
page can mark the words that changed rather than print both texts whole. What is only a matter
of form is not a change: a field one version's source cannot show (``lacks``), and text that
differs in white space alone.
"""

import difflib
from dataclasses import dataclass
from typing import Any

from trials import vocab
from trials.record import StudyRecord, label_of, part_classes, spec_of, specs

# Fields that say where a version came from, not what the study is.
_NOT_COMPARED = {name for name, spec in specs(StudyRecord) if spec.provenance}


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str = ""
    after: str = ""
    removed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    # Running text's words in order, each "same", "removed" or "added" (empty for other fields).
    words: tuple[tuple[str, str], ...] = ()

    @property
    def label(self) -> str:
        return label_of(StudyRecord, self.field)


def show(value: Any, cls: type = StudyRecord, name: str = "") -> str:
    """One line a person can read for a value of field ``name`` of record class ``cls``."""
    if value is None or value == "" or value == []:
        return "—"
    nested = part_classes(cls).get(name) if name else None
    if nested is not None:
        items = value if isinstance(value, list) else [value]
        return " | ".join(_show_part(nested, item) for item in items)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    choices = spec_of(cls, name).choices if name else None
    if choices is not None and isinstance(value, str):
        return vocab.label(choices, value)
    if isinstance(value, list | tuple):
        return ", ".join(show(item, cls, name) for item in value)
    if isinstance(value, dict) and set(value) == {"iso", "type"}:
        return value["iso"] + (f" ({value['type'].lower()})" if value["type"] else "")
    return str(value)


def _show_part(cls: type, item: dict[str, Any]) -> str:
    """A part as "Label: value; Label: value", its fields in declaration order."""
    return "; ".join(
        f"{label_of(cls, name)}: {show(item[name], cls, name)}"
        for name, _ in specs(cls)
        if item.get(name) not in ("", None, [], ())
    )


def _same_text(before: Any, after: Any) -> bool:
    return isinstance(before, str) and isinstance(after, str) and before.split() == after.split()


def word_changes(before: str, after: str) -> tuple[tuple[str, str], ...]:
    """``after``'s words and ``before``'s removed ones, in reading order, each marked."""
    old, new = before.split(), after.split()
    marked: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            marked.append(("same", " ".join(new[j1:j2])))
            continue
        if i2 > i1:
            marked.append(("removed", " ".join(old[i1:i2])))
        if j2 > j1:
            marked.append(("added", " ".join(new[j1:j2])))
    return tuple(marked)


def diff_records(old: dict[str, Any], new: dict[str, Any]) -> list[FieldChange]:
    """The fields of two ``StudyRecord.to_dict()`` values that differ, in record order.

    A field either version lacks (a cut-short capture, a form without it) is not a change: it
    says nothing. Versions stored before a field was declared simply lack it.
    """
    changes = []
    lacking = set(old.get("lacks", ())) | set(new.get("lacks", ()))
    for name, _ in specs(StudyRecord):
        if name in _NOT_COMPARED or name in lacking or name not in old or name not in new:
            continue
        before, after = without_form(name, old[name]), without_form(name, new[name])
        if before == after or _same_text(before, after):
            continue
        if isinstance(after, list) and isinstance(before, list | None):
            changes.append(_list_change(name, before or [], after))
        elif _is_prose(name):
            changes.append(FieldChange(name, words=word_changes(before or "", after or "")))
        else:
            changes.append(
                FieldChange(name, before=show(before, name=name), after=show(after, name=name))
            )
    return changes


def without_form(name: str, value: Any) -> Any:
    """A field's value without what only the record's form decides: the APIs sort an
    intervention's arm labels, legacy XML and the pages keep the order written."""
    if name == "interventions" and value:
        return [{**x, "arm_labels": sorted(x.get("arm_labels") or ())} for x in value]
    return value


def _is_prose(name: str) -> bool:
    """A field of running text (a summary, criteria, a description): compared word by word."""
    spec = spec_of(StudyRecord, name)
    return spec.markup or spec.lines


def _list_change(name: str, before: list[Any], after: list[Any]) -> FieldChange:
    before_items = [_item(name, item) for item in before]
    after_items = [_item(name, item) for item in after]
    return FieldChange(
        name,
        removed=tuple(i for i in before_items if i not in after_items),
        added=tuple(i for i in after_items if i not in before_items),
        # Same items in another order: say so rather than show nothing.
        before="order changed" if sorted(before_items) == sorted(after_items) else "",
    )


def _item(name: str, item: Any) -> str:
    """One item of a list field: a part by its fields, a name or an enumerated value."""
    return show([item] if isinstance(item, dict) else item, name=name)
