"""Reads to PostgreSQL streaming replicas, every write to the primary.

With ``DATABASE_REPLICA_URLS`` set, settings add the aliases ``replica1``, ``replica2``... and
install ``ReplicaRouter`` and the ``ReadFromReplicas`` middleware (``registry.middleware``).
The middleware says, per request, whether its reads may go to a replica: only a safe request
(GET, HEAD, OPTIONS) outside the admin, by a visitor who is not signed in, whose client has not
just written. Everything else reads the primary: other requests, management commands (the
importer), anything outside a request, reads inside a transaction on the primary, and the rest
of a request once it has written, so that whoever writes reads what they wrote.

A replica is chosen once per request (at its first read), so a page reads one consistent, only
ever advancing copy: a revision read first is never newer than the rows read after it. One that
cannot be reached is left alone for a few seconds and the request reads another, or the
primary: a stopped replica slows no page and fails none.
"""

import random
import time
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

PRIMARY = DEFAULT_DB_ALIAS
# The cookie a client gets when its request wrote: until it expires (DATABASE_REPLICA_LAG_SECONDS)
# its requests read the primary, which has its writes before any replica does.
READ_PRIMARY_COOKIE = "read_primary"
# How long a replica that could not be reached is left alone before it is tried again.
DOWN_SECONDS = 10.0


@dataclass
class Reading:
    """Where the current request reads: ``alias`` once chosen (a replica or the primary)."""

    may_use_replica: bool
    alias: str | None = None


_reading: ContextVar[Reading | None] = ContextVar("reading", default=None)
# Per process: the monotonic time until which each unreachable replica is left alone.
_down_until: dict[str, float] = {}


def begin(may_use_replica: bool) -> Any:
    """Start a request's reading; returns the token ``end`` takes."""
    return _reading.set(Reading(may_use_replica))


def end(token: Any) -> None:
    """End the request's reading: what follows (a management command's work, another request
    in this thread) reads the primary unless told otherwise."""
    _reading.reset(token)


def replica_aliases() -> list[str]:
    """The configured replicas, less any that is the primary's own database (in tests every
    replica mirrors the test database: reading it over a second connection would miss the
    test's own uncommitted rows)."""
    primary = _address(PRIMARY)
    return [
        alias for alias in settings.DATABASES if alias != PRIMARY and _address(alias) != primary
    ]


def _address(alias: str) -> tuple[Any, ...]:
    given = connections[alias].settings_dict
    return (given["HOST"] or given["OPTIONS"].get("host"), given["PORT"], given["NAME"])


def reading_connection() -> BaseDatabaseWrapper:
    """The connection the current request reads from (the primary outside a request, or with no
    replicas): for raw SQL reads and for a transaction that only reads, which the router does
    not see by itself. The search page's queries, its counts and facets read one copy."""
    return connections[router.db_for_read(Model)]


def healthy_replica() -> str | None:
    """A replica that answers now, chosen at random among those not left alone; None if none.

    The probe is what Django does before a persistent connection's first query anyway (the
    health check, or connecting): it costs a request nothing more when the replica is up.
    """
    now = time.monotonic()
    candidates = [alias for alias in replica_aliases() if _down_until.get(alias, 0.0) <= now]
    random.shuffle(candidates)
    for alias in candidates:
        if _answers(alias):
            return alias
        _down_until[alias] = time.monotonic() + DOWN_SECONDS
    return None


def _answers(alias: str) -> bool:
    connection = connections[alias]
    try:
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except DatabaseError:
        return False
    return True


class ReplicaRouter:
    """Reads where the current request may read (``Reading``), writes and migrations on the
    primary. Django asks per query, so each rule holds query by query."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        reading = _reading.get()
        # A transaction on the primary reads what it wrote, and what it read stays consistent.
        if reading is None or not reading.may_use_replica or connections[PRIMARY].in_atomic_block:
            return PRIMARY
        if reading.alias is None:
            reading.alias = healthy_replica() or PRIMARY
        return reading.alias

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        reading = _reading.get()
        if reading is not None:
            # The rest of the request reads what it wrote.
            reading.may_use_replica = False
        return PRIMARY

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        """Rows read from a replica may be linked to rows of the primary: the same data."""
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        """Only the primary is migrated; replicas follow it by streaming replication."""
        return db == PRIMARY
