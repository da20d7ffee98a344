"""The app served as `make run` serves it, for the tests and benchmarks that need a real server.

gunicorn with the repository's ``gunicorn.conf.py`` on a free loopback port, debug off, plain
HTTP; the caller's environment says which database.
"""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def gunicorn(environment: dict[str, str], workers: int, wait: float = 60.0) -> Iterator[str]:
    """Serve the app until the block ends; yields its base URL once /healthz answers."""
    host = f"127.0.0.1:{free_port()}"
    environment = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_HTTPS": "false",
        **environment,
        "HOST": host,
        "WEB_CONCURRENCY": str(workers),
    }
    program = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(program), "-c", "gunicorn.conf.py", "registry.wsgi", "--access-logfile", "/dev/null"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                urllib.request.urlopen(f"http://{host}/healthz", timeout=5).read()
                break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError("gunicorn exited before it answered") from None
                if time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not answer in {wait:.0f} s") from None
                time.sleep(0.2)
        yield f"http://{host}"
    finally:
        process.terminate()
        process.wait(timeout=30)
