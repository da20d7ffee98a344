"""WSGI entry point."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
application = get_wsgi_application()

# Served by gunicorn with preload_app: what every worker reads, read once before the fork.
from trials import places  # noqa: E402

places.preload()
