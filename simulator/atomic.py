"""Writing a file atomically: a hidden temporary file beside the destination, flushed to disk, then renamed
over it, so that a reader sees the old file or the new one and an interrupted write leaves nothing."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def new_file_mode(directory: bool = False) -> int:
    """Permissions of a new file or folder under the process's umask (temporary files start private)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return (0o777 if directory else 0o666) & ~mask


def write_atomically(path: Path, content: str | bytes | Callable[[str], None]) -> Path:
    """Write `content` to `path` atomically and return `path`.

    Args:
        path: the destination; its folder must exist. Whether it may be replaced is the caller's check.
        content: text (written as UTF-8, newlines as given), bytes, or a function called with the temporary
            file's path that writes it (for writers that want a path, such as pandas or pyarrow).
    """
    path = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        os.chmod(temporary, new_file_mode())
        if callable(content):
            content(temporary)
        else:
            with open(temporary, "wb") as stream:
                stream.write(content.encode("utf-8") if isinstance(content, str) else content)
        with open(temporary, "rb") as done:
            os.fsync(done.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
