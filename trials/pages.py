"""Pages rendered once per change of what they show, served many times: a study's page and
API answer per change of the study, a search page per change of what searches read.

Building a study's page reads a few dozen tables and renders thousands of rows: tens of
milliseconds for a small study, a second for one with a thousand sites. The record changes
only when an import or a curator changes it, so the first request after a change renders the
page as usual and keeps its bytes, gzip-compressed (``PreparedPage``); the requests after it
are answered with those bytes, found by one indexed query: as they are to a client that accepts
gzip (a twelfth of the bytes of a large page to send), decompressed to one that does not.

Never stale: a kept page is served only while the study's ``updated_at`` is the stamp it was
rendered from, and every change of what a page shows moves ``updated_at`` (``store.write``, a
new version of the study, an admin edit); and while the data's date (the newest last update
imported) is the one it was rendered at, for a page says how fresh the data is and shows a
claim of recruitment unverified for two years before that date as unknown. It is also served
only by the code and templates that rendered it (``build()``): a deployment that changes either
renders every page anew.
Nothing is held in the process: a worker's memory does not grow with the studies it serves.
"""

import datetime
import functools
import gzip
import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import django
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import patch_vary_headers
from psycopg import sql

from registry.replicas import reading_connection
from trials.models import PreparedPage, PreparedSearch, SearchMatch, SearchRevision, Study
from trials.search.layout import column, table

Kind = PreparedPage.Kind
# The most search pages kept at once (the newest): a crawler asking for a million different
# searches between two imports leaves ten thousand rows, not a million.
MAX_KEPT_SEARCHES = 10_000
_CONTENT_TYPES = {Kind.PAGE: "text/html; charset=utf-8", Kind.API: "application/json"}

# What renders a page: the app's and the project's code, the templates, the static files
# whose names the templates link.
_RENDERING = ("trials", "registry", "templates", "static")
_SUFFIXES = {".py", ".html", ".css", ".js", ".svg"}


def _kept_pages(columns: str, studies: str) -> str:
    """The query for the kept pages of a kind of the ``studies`` (a condition on the study
    ``s``) that still say what each study says: the page's stamp is the study's updated_at, its
    build is this one, and it was rendered at the data's date as it is now
    (``trials.search.data_date``); one probe of each table's unique index and of the last
    update index. In SQL rather than the ORM: a prepared page is served in about a millisecond,
    and building the ORM's query took a fifth of it."""
    return (
        sql.SQL(
            "SELECT " + columns + " FROM {page} p JOIN {study} s"
            " ON s.{study_id} = p.{page_study} AND s.{updated_at} = p.{stamp}"
            " WHERE " + studies + " AND p.{kind} = %(kind)s AND p.{build} = %(build)s"
            " AND p.{data_date} IS NOT DISTINCT FROM (SELECT max({last_update}) FROM {match})"
        )
        .format(
            data_date=column(PreparedPage, "data_date"),
            last_update=column(SearchMatch, "last_update_posted_date"),
            match=table(SearchMatch),
            body=column(PreparedPage, "body"),
            page=table(PreparedPage),
            study=table(Study),
            study_id=column(Study, "id"),
            page_study=column(PreparedPage, "study"),
            updated_at=column(Study, "updated_at"),
            stamp=column(PreparedPage, "stamp"),
            nct_id=column(Study, "nct_id"),
            kind=column(PreparedPage, "kind"),
            build=column(PreparedPage, "build"),
        )
        .as_string()
    )


# One study's page, by NCT ID; many studies' pages, by id.
_LOOKUP = _kept_pages("p.{body}", "s.{nct_id} = %(nct_id)s")
_MANY_LOOKUP = _kept_pages("p.{page_study}, p.{body}", "s.{study_id} = ANY(%(ids)s)")


_SEARCH_LOOKUP = (
    sql.SQL(
        "SELECT r.{revision}, p.{body} FROM {revisions} r"
        " LEFT JOIN {searches} p ON p.{key} = %(key)s AND p.{page_revision} = r.{revision}"
    )
    .format(
        revision=column(SearchRevision, "revision"),
        body=column(PreparedSearch, "body"),
        revisions=table(SearchRevision),
        searches=table(PreparedSearch),
        key=column(PreparedSearch, "key"),
        page_revision=column(PreparedSearch, "revision"),
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
    body = _kept(kind, nct_id)
    return None if body is None else _answer(request, body, _CONTENT_TYPES[kind])


def kept_page(nct_id: str) -> str | None:
    """The study's kept page as text, if it says what the study says now."""
    body = _kept(Kind.PAGE, nct_id)
    return None if body is None else gzip.decompress(body).decode()


def with_section(page: str, name: str, section: str) -> str | None:
    """``page`` with its section ``name`` (what the template marks with ``<!--name-->`` and
    ``<!--/name-->``) replaced by ``section``: a page that differs from the kept one in that
    section alone (its sites filtered, say), without rendering the rest anew. None if the page
    has no such section. (Record text is escaped, so it never holds a marker.)"""
    start, end = f"<!--{name}-->", f"<!--/{name}-->"
    before, found, rest = page.partition(start)
    _, found_end, after = rest.partition(end)
    if not (found and found_end):
        return None
    return f"{before}{start}{section}{end}{after}"


def _kept(kind: Kind, nct_id: str) -> bytes | None:
    """The kept page's gzip-compressed bytes, if it says what the study says now."""
    with reading_connection().cursor() as cursor:
        cursor.execute(_LOOKUP, {"nct_id": nct_id, "kind": kind, "build": build()})
        found = cursor.fetchone()
    return None if found is None else bytes(found[0])


def kept_answers(study_ids: Sequence[int]) -> dict[int, bytes]:
    """The kept API answers (JSON) of these studies (by id) that say what the studies say now:
    a page of API results is made of them, and only the studies without one are built."""
    with reading_connection().cursor() as cursor:
        cursor.execute(_MANY_LOOKUP, {"ids": list(study_ids), "kind": Kind.API, "build": build()})
        found = cursor.fetchall()
    return {study_id: gzip.decompress(body) for study_id, body in found}


def keep(kind: Kind, study: Study, response: HttpResponse, data_date: datetime.date | None) -> None:
    """Keep what a page of ``study`` (as fetched, with its ``updated_at``) rendered as at
    ``data_date`` (the data's date the page was rendered with)."""
    patch_vary_headers(response, ["Accept-Encoding"])  # served as kept: by encoding
    keep_many(kind, [(study, response.content)], data_date)


def keep_answers(
    answers: Iterable[tuple[Study, dict[str, Any]]], data_date: datetime.date | None
) -> None:
    """Keep the API answers of studies (each as fetched) built at ``data_date``, as the study's
    own API endpoint would have answered them."""
    keep_many(Kind.API, [(study, api_body(answer)) for study, answer in answers], data_date)


def keep_many(
    kind: Kind, rendered: Iterable[tuple[Study, bytes]], data_date: datetime.date | None
) -> None:
    """Keep the bytes of pages of this kind of studies (each as fetched, with its
    ``updated_at``) rendered at ``data_date``."""
    PreparedPage.objects.bulk_create(
        [
            PreparedPage(
                study=study,
                kind=kind,
                stamp=study.updated_at,
                build=build(),
                data_date=data_date,
                body=_compressed(content),
            )
            for study, content in rendered
        ],
        update_conflicts=True,
        unique_fields=["study", "kind"],
        update_fields=["stamp", "build", "data_date", "body"],
    )


def api_json(value: Any) -> str:
    """JSON as the API writes it: UTF-8 text, not \\u escapes, as ClinicalTrials.gov does."""
    return json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder)


def api_response(answer: dict[str, Any]) -> HttpResponse:
    """A study's API answer as its endpoint sends it (and as it is kept)."""
    return HttpResponse(api_body(answer), content_type=_CONTENT_TYPES[Kind.API])


def api_body(answer: dict[str, Any]) -> bytes:
    """The bytes of a study's API answer, as kept."""
    return api_json(answer).encode()


# --- Search and browse pages -----------------------------------------------------------------
# A search page reads the whole registry, so it is kept per search revision: a number that
# database triggers move with every change of what searches read (SearchRevision). The revision
# and the kept page, if any, come in one query; a page rendered after that query is kept under
# the revision it read, so it can only be newer than its revision says, never older.


def served_search(request: HttpRequest) -> tuple[HttpResponse | None, int | None]:
    """The kept search page for this request, if its revision is current; and the revision
    (None when the server keeps none: then nothing is kept either)."""
    with reading_connection().cursor() as cursor:
        cursor.execute(_SEARCH_LOOKUP, {"key": _search_key(request)})
        found = cursor.fetchone()
    if found is None:
        return None, None
    revision, body = found
    if body is None:
        return None, revision
    return _answer(request, bytes(body), _CONTENT_TYPES[Kind.PAGE]), revision


def keep_search(request: HttpRequest, revision: int | None, response: HttpResponse) -> None:
    """Keep a search page rendered at ``revision``; pages of older revisions go."""
    if revision is None or response.status_code != 200:
        return
    PreparedSearch.objects.bulk_create(
        [PreparedSearch(key=_search_key(request), revision=revision, body=_gzipped(response))],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["revision", "body"],
    )
    PreparedSearch.objects.filter(revision__lt=revision).delete()
    # However many different searches come between two changes, the newest few are kept.
    oldest = PreparedSearch.objects.order_by("-pk").values("pk")[MAX_KEPT_SEARCHES:]
    PreparedSearch.objects.filter(pk__in=oldest).delete()


def _search_key(request: HttpRequest) -> str:
    """What a search page depends on: the build, its parameters and whether htmx asked."""
    parameters = urlencode(sorted((k, v) for k, vs in request.GET.lists() for v in vs))
    partial = "partial" if request.headers.get("HX-Request") else "page"
    return hashlib.sha256(f"{build()}\0{partial}\0{parameters}".encode()).hexdigest()


def _answer(request: HttpRequest, body: bytes, content_type: str) -> HttpResponse:
    if re_accepts_gzip.search(request.headers.get("Accept-Encoding", "")):
        response = HttpResponse(body, content_type=content_type)
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(gzip.decompress(body), content_type=content_type)
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def _gzipped(response: HttpResponse) -> bytes:
    # The page as served from now on differs by the encoding the client accepts.
    patch_vary_headers(response, ["Accept-Encoding"])
    return _compressed(response.content)


def _compressed(content: bytes) -> bytes:
    # Level 6, zlib's default: half the time of 9 for 2 % more bytes (a 732 kB page: 7 against
    # 13 ms, 61 against 60 kB).
    return gzip.compress(content, compresslevel=6, mtime=0)
