"""``markupFormat=legacy``: a study's markup fields as plain text, as the classic PRS wrote them.

Records keep markup fields (summaries, descriptions, eligibility criteria) as Markdown, which
API v2 answers by default. A client asking for ``legacy`` gets the text without Markdown's
syntax: no backslash escapes, emphasis or heading marks, and "- " for a list item's bullet.
"""

import functools
import re
from typing import Any

from . import api_fields

_HEADING = re.compile(r"^#{1,6}[ \t]+", re.MULTILINE)
_BULLET = re.compile(r"^([ \t]*)[*+-][ \t]+", re.MULTILINE)
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*\\])\*(?=\S)([^*\n]+?)(?<=[^\s\\])\*(?![\w*])")
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|~=])")


def legacy(text: str) -> str:
    """Markdown as plain text: "\\* item" stays an asterisk, "* item" becomes "- item"."""
    text = _HEADING.sub("", text)
    text = _BULLET.sub(r"\1- ", text)
    text = _STRONG.sub(r"\2", text)
    text = _EMPHASIS.sub(r"\1", text)
    return _ESCAPED.sub(r"\1", text)


@functools.cache
def markup_paths() -> tuple[tuple[str, ...], ...]:
    """The API v2 paths of the markup fields, as segments."""
    declared = api_fields.declared_fields()
    return tuple(tuple(path.split(".")) for path, d in declared.items() if d.spec.markup)


def as_legacy(study: dict[str, Any]) -> dict[str, Any]:
    """The study's JSON with every markup field in legacy form (changed in place, returned)."""
    for path in markup_paths():
        _convert(study, path)
    return study


def _convert(node: Any, path: tuple[str, ...]) -> None:
    if isinstance(node, list):
        for item in node:
            _convert(item, path)
        return
    if not isinstance(node, dict) or path[0] not in node:
        return
    if len(path) == 1:
        value = node[path[0]]
        if isinstance(value, str):
            node[path[0]] = legacy(value)
        elif isinstance(value, list):
            node[path[0]] = [legacy(v) if isinstance(v, str) else v for v in value]
        return
    _convert(node[path[0]], path[1:])
