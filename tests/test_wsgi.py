"""The WSGI entry point gunicorn loads once, before forking its workers (preload_app)."""

import subprocess
import sys

from registry.serving import ROOT


def test_the_app_gunicorn_preloads_has_read_the_gazetteer_before_any_request():
    probe = (
        "import registry.wsgi; from trials import places; "
        "print(places._cities.cache_info().currsize, places._by_name.cache_info().currsize)"
    )

    answer = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )

    assert answer.stdout.split() == ["1", "1"]
