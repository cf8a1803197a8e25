"""What a name or a path may hold: the one rule for names people type (document, speaker and participant names)
and for paths Qualia is given (a transcript, the data dir, the backup dir).

A name may not hold control characters (NUL, tab, line breaks, escape…: Unicode category Cc) nor the Unicode line
and paragraph separators: they do not show, break lines in tables and exports, and are refused by file systems and
some databases. A path may not hold NUL, which no operating system allows (Python raises a bare ValueError).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Iterable

from .errors import LibraryError, PathError

_SEPARATORS = {"\u2028": "LINE SEPARATOR", "\u2029": "PARAGRAPH SEPARATOR"}


def check_name(value: str, field: str) -> str:
    """`value` unchanged, or a LibraryError naming the field, the character and where it is."""
    for i, char in enumerate(value):
        if unicodedata.category(char) == "Cc" or char in _SEPARATORS:
            what = _SEPARATORS.get(char) or unicodedata.name(char, "control character")
            raise LibraryError(
                f"The {field} {value[:60]!r} contains a control character (U+{ord(char):04X}, {what}, at position "
                f"{i + 1}); names hold printable text only: type it again without it."
            )
    return value


def check_names(values: Iterable[str | None], field: str) -> None:
    for value in values:
        if value:
            check_name(value, field)


def path_problem(path: str | Path) -> str | None:
    """Why `path` cannot name a file (None when it can)."""
    if "\x00" in str(path):
        return f"the path {str(path)!r} contains a NUL character, which no file system allows: check where it came from"
    return None


def check_path(path: str | Path, what: str) -> Path:
    """`path` as a Path, or a PathError naming what it is for and the path."""
    problem = path_problem(path)
    if problem:
        raise PathError(f"The {what} cannot be used: {problem}.")
    return Path(path)
