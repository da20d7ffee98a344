"""Settings read from the environment: the secret key `make run` generates when none is set."""

import stat

from registry.settings import generated_secret_key


def test_a_generated_secret_key_is_kept_private_and_reused(tmp_path):
    path = tmp_path / ".secret_key"

    first = generated_secret_key(path)
    second = generated_secret_key(path)

    assert len(first) >= 50
    assert first == second
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_an_empty_key_file_gets_a_new_key(tmp_path):
    path = tmp_path / ".secret_key"
    path.write_text("\n")

    assert len(generated_secret_key(path)) >= 50
