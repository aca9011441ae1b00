"""Atomic writes: the new content or the old, never a part; a new file's permissions follow the umask."""

from __future__ import annotations

import os
import stat

import pytest

from simulator.atomic import write_atomically


def test_text_bytes_and_writer_functions_replace_the_file(tmp_path):
    path = tmp_path / "table.csv"
    path.write_text("old\n")
    write_atomically(path, "a,b\n1,2\n")
    assert path.read_text() == "a,b\n1,2\n"
    write_atomically(path, b"\x00\x01")
    assert path.read_bytes() == b"\x00\x01"
    write_atomically(path, lambda temporary: open(temporary, "w").write("from a writer"))
    assert path.read_text() == "from a writer"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["table.csv"]  # no temporary left


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "parameters.csv"
    path.write_text("kept\n")

    def broken(temporary: str) -> None:
        open(temporary, "w").write("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomically(path, broken)
    assert path.read_text() == "kept\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["parameters.csv"]


def test_a_new_file_gets_the_umask_permissions_not_the_temporary_files(tmp_path):
    previous = os.umask(0o022)
    try:
        path = write_atomically(tmp_path / "report.html", "<html></html>")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644  # mkstemp alone would leave 0o600
