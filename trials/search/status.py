"""Honest status: a claim of recruitment that nobody verified for two years is shown as unknown.

ClinicalTrials.gov shows a study whose status is Recruiting, Not yet recruiting, Active not
recruiting or Enrolling by invitation, but whose status was last verified more than two years
before, as "Unknown status", the claim kept as its last known status (``vocab.shown_status``).
Here "before" is before the data's date: the newest last update this registry imported, so an
old archive reads as it read when it was published, and the statuses move with each import.

SearchMatch.status (and its facet lexeme) holds the status as shown, so filters and facet
counts need nothing else: the refresh writes it from the data's date as it stands, and
``restate()`` re-derives it for every study after the data's date moved, in one UPDATE that
reads only the rows it changes (two partial indexes of SearchMatch.status_verified_date).
"""

import datetime

from django.db import connection
from django.db.models import Max
from psycopg import sql

from trials import vocab
from trials.models import SearchDocument, SearchMatch

from .layout import CODED, column, facet_lexeme, table

_UNKNOWN = CODED["status"].code(vocab.Status.UNKNOWN)
_MATCH = table(SearchMatch)
_LAST_UPDATE = column(SearchMatch, "last_update_posted_date")
_VERIFIED = column(SearchMatch, "status_verified_date", "m")

# The day before which a claim's verification is stale, from what the search rows hold now.
STALE_BEFORE = sql.SQL(
    "(SELECT (max({last_update}) - {years} * interval '1 year')::date FROM {match})"
).format(last_update=_LAST_UPDATE, years=sql.Literal(vocab.STALE_AFTER_YEARS), match=_MATCH)


def shown_status_sql(status: sql.Composable, verified: sql.Composable) -> sql.Composed:
    """SQL of the status code as shown, from the record's status and its verification date."""
    return sql.SQL("CASE WHEN {verified} < {before} THEN {unknown} ELSE {code} END").format(
        verified=verified_sql(status, verified),
        before=STALE_BEFORE,
        unknown=sql.Literal(_UNKNOWN),
        code=CODED["status"].sql(status),
    )


def verified_sql(status: sql.Composable, verified: sql.Composable) -> sql.Composed:
    """SearchMatch.status_verified_date: the verification date of a claim that can go stale."""
    return sql.SQL("CASE WHEN {status}::text = ANY({stale}) THEN {verified} END").format(
        status=status,
        stale=sql.SQL("ARRAY[{}]::text[]").format(
            sql.SQL(", ").join(sql.Literal(str(s)) for s in vocab.STALE_STATUSES)
        ),
        verified=verified,
    )


# Both directions in one statement: claims verified before the day become unknown, and (when
# the data's date moved back, a newest record removed) stale ones verified since become their
# claims again, read from their result rows by key. Each side is the condition of one partial
# index, the code a literal so that the planner can match them.
_SHOWN = sql.SQL(
    "CASE WHEN {verified} < s.day THEN {unknown} ELSE"
    " (SELECT {code} FROM {document} d WHERE d.{document_study} = m.{match_study}) END"
).format(
    verified=_VERIFIED,
    unknown=sql.Literal(_UNKNOWN),
    code=CODED["status"].sql(column(SearchDocument, "overall_status", "d")),
    document=table(SearchDocument),
    document_study=column(SearchDocument, "study"),
    match_study=column(SearchMatch, "study"),
)


def _restated(vector: str) -> sql.Composed:
    """The vector with its status lexeme (``layout.facet_lexeme``) changed to the shown status."""
    prefix = sql.Literal(facet_lexeme("status", ""))
    return sql.SQL(
        "ts_delete(m.{vector}, coalesce({prefix} || m.{status}, ''))"
        " || array_to_tsvector(array_remove(ARRAY[{prefix} || ({shown})], NULL))"
    ).format(
        vector=column(SearchMatch, vector),
        prefix=prefix,
        status=column(SearchMatch, "status"),
        shown=_SHOWN,
    )


RESTATE_SQL = (
    sql.SQL("""
UPDATE {match} m SET {status} = {shown}, {document} = {restated_document}, {core} = {restated_core}
FROM (SELECT {before} AS day) s
WHERE (m.{status} <> {unknown} AND {verified} < s.day)
    OR (m.{status} = {unknown} AND {verified} >= s.day)
""")
    .format(
        match=_MATCH,
        status=column(SearchMatch, "status"),
        shown=_SHOWN,
        document=column(SearchMatch, "document"),
        core=column(SearchMatch, "core"),
        restated_document=_restated("document"),
        restated_core=_restated("core"),
        verified=_VERIFIED,
        unknown=sql.Literal(_UNKNOWN),
        before=STALE_BEFORE,
    )
    .as_string()
)


def restate() -> int:
    """Make every study's shown status agree with the data's date as it is now; the number of
    studies whose status changed (none, unless the data's date moved)."""
    with connection.cursor() as cursor:
        cursor.execute(RESTATE_SQL)
        return cursor.rowcount


def data_date() -> datetime.date | None:
    """The data's date: the newest last update of any study (one probe of an index)."""
    return SearchMatch.objects.aggregate(newest=Max("last_update_posted_date"))["newest"]
