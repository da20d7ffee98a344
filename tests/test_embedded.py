"""The embedded server's start-up survives what a killed command leaves behind."""

import logging

from registry.embedded import _forget_unreadable_handles


def test_an_empty_handle_list_left_by_a_killed_command_is_removed(tmp_path, caplog):
    (tmp_path / ".handle_pids.json").write_text("")

    with caplog.at_level(logging.WARNING):
        _forget_unreadable_handles(tmp_path)

    assert not (tmp_path / ".handle_pids.json").exists()
    assert "unreadable" in caplog.text


def test_a_readable_handle_list_is_kept(tmp_path):
    (tmp_path / ".handle_pids.json").write_text("[123]")

    _forget_unreadable_handles(tmp_path)

    assert (tmp_path / ".handle_pids.json").read_text() == "[123]"
