"""One-line errors for files a user writes (scenario and experiment files): `FILE: key.path: problem (got X)`."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

GOT_LENGTH = 60


class ScenarioError(ValueError):
    """A scenario (or experiment) file is missing, unreadable or invalid. The message is one line."""

    def __init__(self, file: str | Path, key: str, problem: str) -> None:
        self.file, self.key, self.problem = str(file), key, " ".join(str(problem).split())
        super().__init__(f"{self.file}: {key}: {self.problem}" if key else f"{self.file}: {self.problem}")


def got(value: Any) -> str:
    """'(got X)' with X's repr cut to a readable length."""
    text = repr(value)
    if len(text) > GOT_LENGTH:
        text = text[: GOT_LENGTH - 3] + "..."
    return f"(got {text})"


def suggest(key: str, valid: list[str] | set[str], listing: bool = True) -> str:
    """'; did you mean X?' for the closest valid key, else the valid keys (or nothing)."""
    close = difflib.get_close_matches(key, sorted(valid), n=1)
    if close:
        return f"; did you mean {close[0]!r}?"
    return f"; valid keys: {', '.join(valid)}" if listing else ""


def num(value: float) -> str:
    """A number as written in a file: whole numbers without a decimal point."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def key_path(loc: tuple[Any, ...]) -> str:
    """('levers', 'graduate_subsidy', 0, 'months') as 'levers.graduate_subsidy[0].months'."""
    text = ""
    for item in loc:
        text += f"[{item}]" if isinstance(item, int) else (f".{item}" if text else str(item))
    return text


def strip_tags(loc: tuple[Any, ...]) -> tuple[tuple[Any, ...], int | None]:
    """Drop pydantic's union-member tags (e.g. "literal['all']") from an error location; also return where
    the first tag stood (None if none)."""
    out: list[Any] = []
    first: int | None = None
    for item in loc:
        if isinstance(item, str) and not item.isidentifier():
            first = len(out) if first is None else first
            continue
        out.append(item)
    return tuple(out), first
