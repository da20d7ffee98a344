"""This registry's OpenAPI description, served at /api/v2/openapi.yaml.

``openapi.yaml`` beside this module is written by hand: the paths, parameters and the shapes of
the answers that are not a study. The study's schemas are added from the field tree the
metadata endpoint serves (``api_meta.field_nodes``, itself read from the record's
declarations) and the enumerations from ``api_meta.enum_infos``: one source for what a study
holds, so the description cannot drift from the answers.
"""

import functools
from pathlib import Path
from typing import Any

import yaml
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from . import api_meta

WRITTEN = Path(__file__).with_name("openapi.yaml")
# A date as precise as the record gives it: 2007, 2007-03 or 2007-03-14.
PARTIAL_DATE = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
_SCALARS: dict[str, dict[str, Any]] = {
    "TEXT": {"type": "string"},
    "MARKUP": {"type": "string"},
    "DATE": {"type": "string", "pattern": PARTIAL_DATE},
    "BOOLEAN": {"type": "boolean"},
    "INTEGER": {"type": "integer"},
    "NUMBER": {"type": "number"},
}


@functools.cache
def description() -> dict[str, Any]:
    """The whole description: the written part and the study's schemas."""
    document: dict[str, Any] = yaml.safe_load(WRITTEN.read_text())
    schemas = document["components"]["schemas"]
    for info in api_meta.enum_infos():
        schemas[info["type"]] = {
            "type": "string",
            "enum": [value["value"] for value in info["values"]],
        }
    schemas["Study"] = _struct(api_meta.field_nodes(), schemas)
    return document


def _struct(children: list[dict[str, Any]], schemas: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {child["name"]: _schema(child, schemas) for child in children},
        "additionalProperties": False,
    }


def _schema(node: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    """A field's schema: a scalar, an enumeration's or a struct's reference, or a list of one."""
    name = node["type"].removesuffix("[]")
    if node["sourceType"] == "STRUCT":
        struct = _struct(node.get("children", []), schemas)
        if name in schemas:  # a struct met again elsewhere ("Contact"): the union of its fields
            struct["properties"] = {**schemas[name]["properties"], **struct["properties"]}
        schemas[name] = struct
        item: dict[str, Any] = {"$ref": f"#/components/schemas/{name}"}
    elif node["sourceType"] == "ENUM":
        item = {"$ref": f"#/components/schemas/{name}"}
    else:
        item = dict(_SCALARS[node["sourceType"]])
    return {"type": "array", "items": item} if node["type"].endswith("[]") else item


@functools.cache
def _served() -> bytes:
    return yaml.safe_dump(description(), sort_keys=False, allow_unicode=True).encode()


@require_GET
def openapi(request: HttpRequest) -> HttpResponse:
    """GET /api/v2/openapi.yaml."""
    return HttpResponse(_served(), content_type="application/yaml; charset=utf-8")
