"""Study pages and API answers rendered once per change of the study, served many times.

Building a study's page reads a few dozen tables and renders thousands of rows: tens of
milliseconds for a small study, a second for one with a thousand sites. The record changes
only when an import or a curator changes it, so the first request after a change renders the
page as usual and keeps its bytes, gzip-compressed (``PreparedPage``); the requests after it
are answered with those bytes, found by one indexed query: as they are to a client that accepts
gzip (a twelfth of the bytes of a large page to send), decompressed to one that does not.

Never stale: a kept page is served only while the study's ``updated_at`` is the stamp it was
rendered from, and every change of what a page shows moves ``updated_at`` (``store.write``, a
new version of the study, an admin edit). It is also served only by the code and templates
that rendered it (``build()``): a deployment that changes either renders every page anew.
Nothing is held in the process: a worker's memory does not grow with the studies it serves.
"""

import functools
import gzip
import hashlib
from pathlib import Path

import django
from django.conf import settings
from django.db import connection
from django.db.models import Field, Model
from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import patch_vary_headers
from psycopg import sql

from trials.models import PreparedPage, Study

Kind = PreparedPage.Kind
_CONTENT_TYPES = {Kind.PAGE: "text/html; charset=utf-8", Kind.API: "application/json"}

# What renders a page: the app's and the project's code, the templates, the static files
# whose names the templates link.
_RENDERING = ("trials", "registry", "templates", "static")
_SUFFIXES = {".py", ".html", ".css", ".js", ".svg"}


def _column(model: type[Model], name: str) -> sql.Identifier:
    field = model._meta.get_field(name)
    assert isinstance(field, Field) and field.column
    return sql.Identifier(field.column)


# The page, if its stamp is the study's updated_at: one probe of each table's unique index. In
# SQL rather than the ORM: a prepared page is served in about a millisecond, and building the
# ORM's query took a fifth of it.
_LOOKUP = (
    sql.SQL(
        "SELECT p.{body} FROM {page} p JOIN {study} s"
        " ON s.{study_id} = p.{page_study} AND s.{updated_at} = p.{stamp}"
        " WHERE s.{nct_id} = %(nct_id)s AND p.{kind} = %(kind)s AND p.{build} = %(build)s"
    )
    .format(
        body=_column(PreparedPage, "body"),
        page=sql.Identifier(PreparedPage._meta.db_table),
        study=sql.Identifier(Study._meta.db_table),
        study_id=_column(Study, "id"),
        page_study=_column(PreparedPage, "study"),
        updated_at=_column(Study, "updated_at"),
        stamp=_column(PreparedPage, "stamp"),
        nct_id=_column(Study, "nct_id"),
        kind=_column(PreparedPage, "kind"),
        build=_column(PreparedPage, "build"),
    )
    .as_string()
)


@functools.cache
def build() -> str:
    """A digest of the code and templates that render pages (and Django's version)."""
    digest = hashlib.sha256(django.get_version().encode())
    root = Path(settings.BASE_DIR)
    for folder in _RENDERING:
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in _SUFFIXES and path.is_file():
                digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def served(request: HttpRequest, kind: Kind, nct_id: str) -> HttpResponse | None:
    """The kept page of this kind of the study, if it still says what the study says now:
    gzip-encoded as kept to a client that accepts it (every browser), else decoded."""
    with connection.cursor() as cursor:
        cursor.execute(_LOOKUP, {"nct_id": nct_id, "kind": kind, "build": build()})
        found = cursor.fetchone()
    if found is None:
        return None
    body = bytes(found[0])
    if re_accepts_gzip.search(request.headers.get("Accept-Encoding", "")):
        response = HttpResponse(body, content_type=_CONTENT_TYPES[kind])
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(gzip.decompress(body), content_type=_CONTENT_TYPES[kind])
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def keep(kind: Kind, study: Study, response: HttpResponse) -> None:
    """Keep what a page of ``study`` (as fetched, with its ``updated_at``) rendered as."""
    body = gzip.compress(response.content, mtime=0)
    PreparedPage.objects.bulk_create(
        [PreparedPage(study=study, kind=kind, stamp=study.updated_at, build=build(), body=body)],
        update_conflicts=True,
        unique_fields=["study", "kind"],
        update_fields=["stamp", "build", "body"],
    )
    # The page as served from now on differs by the encoding the client accepts.
    patch_vary_headers(response, ["Accept-Encoding"])
