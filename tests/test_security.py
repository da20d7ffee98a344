"""The admin's locks: staff only, login throttling, CSRF on every form, movable path, deploy."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import import_files
from trials.models import Origin, Study, StudyChange

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "a-long-curator-passphrase"


@pytest.fixture
def curator(db, django_user_model):
    return django_user_model.objects.create_superuser("curator", "c@example.org", PASSWORD)


def log_in(client: Client, username: str, password: str):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
    )


def test_a_correct_password_lets_staff_in(client, curator):
    assert log_in(client, "curator", PASSWORD).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_five_wrong_passwords_lock_the_username_even_against_the_right_one(client, curator):
    for _ in range(4):
        assert log_in(client, "curator", "wrong").status_code == 200  # the form again
    assert log_in(client, "curator", "wrong").status_code == 429  # the fifth locks
    response = log_in(client, "curator", PASSWORD)
    assert response.status_code == 429
    assert client.get(reverse("admin:index")).status_code == 302  # still not logged in


def test_the_lock_is_on_the_username_not_on_every_account(client, curator, django_user_model):
    django_user_model.objects.create_superuser("other", "o@example.org", PASSWORD)
    for _ in range(5):
        log_in(client, "curator", "wrong")
    assert log_in(client, "other", PASSWORD).status_code == 302


def test_four_wrong_passwords_do_not_lock(client, curator):
    for _ in range(4):
        log_in(client, "curator", "wrong")
    assert log_in(client, "curator", PASSWORD).status_code == 302


@pytest.fixture
def strict(curator):
    """A logged-in curator whose client checks CSRF tokens, as a browser's requests are."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(curator)
    return client


def test_every_admin_form_refuses_a_post_without_its_csrf_token(strict, empty_db):
    import_files("json/NCT00405041.json")
    study = Study.objects.get()
    entry = StudyChange.objects.get()
    urls = [
        reverse("admin:trials_study_change", args=[study.pk]),
        reverse("admin:trials_study_import"),
        reverse("admin:trials_study_revert", args=[study.pk, entry.pk]),
        reverse("admin:trials_drugalias_add"),
        reverse("admin:trials_curation_changelist"),
    ]
    for url in urls:
        assert strict.post(url, {"brief_title": "x", "text": "x"}).status_code == 403, url
    assert not StudyChange.objects.exclude(origin=Origin.IMPORT).exists()


def test_the_admin_pages_carry_their_csrf_tokens(strict):
    for name in ("admin:trials_study_import", "admin:trials_drugalias_add"):
        assert b'name="csrfmiddlewaretoken"' in strict.get(reverse(name)).content


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        # As a deployment runs it: without the browser tests' async allowance.
        env={k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_admin_path_comes_from_the_environment():
    script = "from django.urls import reverse; print(reverse('admin:index'))"
    done = _manage("shell", "--no-imports", "-c", script, DJANGO_ADMIN_PATH="curation-desk")
    assert done.stdout.strip() == "/curation-desk/", done.stderr


def test_production_settings_pass_the_deploy_check():
    done = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        DJANGO_ALLOWED_HOSTS="example.org",
    )
    assert done.returncode == 0, done.stdout + done.stderr
