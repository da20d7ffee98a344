"""gunicorn's settings for `make run` and deployments: `gunicorn -c gunicorn.conf.py registry.wsgi`.

Workers come from the core count (WEB_CONCURRENCY overrides); each holds persistent database
connections (CONN_MAX_AGE), so a page costs no connection set-up. Sync workers: pages are short
database reads, and downloads stream from a server-side cursor within the timeout below.
"""

import multiprocessing
import os

bind = os.environ.get("HOST", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# Whole-registry CSV and JSON downloads stream for minutes; a page never comes near this.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "600"))
graceful_timeout = 30
accesslog = "-"
errorlog = "-"
# Start the app (and the embedded database) once, before forking the workers.
preload_app = True
