"""One stoplist per study: the stopwords and fillers a researcher sets once, applied to every analysis of the study.

The settings live in the study database (`study_settings`, key "words"). The core fills them into every plugin
that declares a parameter of the same name, whenever the caller did not set that parameter itself (a plugin's
own parameter still overrides the study): a plugin gets the study stoplist by declaring one or more of

    stopwords                 list     more words to leave out
    fillers                   list     more fillers to leave out (with exclude_fillers)
    exclude_stopwords         boolean  leave out the built-in stopwords of the language
    exclude_fillers           boolean  leave out the language's filler list (qualia_core.text.filler_set)
    exclude_context_fillers   boolean  also leave out words that are fillers in most spoken uses (like, tipo)

and reading them from its config: it needs to know nothing else. As the filled values are part of the config,
they are part of the result's cache key: changing the study's stoplist re-runs the analyses it affects.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable, Mapping

from .errors import StudySettingsError
from .text import normalize

KEY = "words"
#: The parameter names the core fills from the study's settings (when a plugin declares them).
PARAMETERS = ("stopwords", "fillers", "exclude_stopwords", "exclude_fillers", "exclude_context_fillers")
MAX_WORDS = 2000  # words in one list
MAX_WORD_CHARS = 60


@dataclass(frozen=True)
class StudyWords:
    """The study's stoplist. The defaults are word_frequency's (fillers and context fillers left out)."""

    stopwords: tuple[str, ...] = ()
    fillers: tuple[str, ...] = ()
    exclude_stopwords: bool = True
    exclude_fillers: bool = True
    exclude_context_fillers: bool = True
    problems: tuple[str, ...] = field(default=(), compare=False)

    def as_parameters(self) -> dict[str, Any]:
        """The settings as plugin parameters (lists as lists)."""
        values = asdict(self)
        values.pop("problems")
        return {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}


def clean_words(words: Iterable[str] | str, name: str) -> tuple[str, ...]:
    """`words` (a list, or text split at commas and line breaks) lowercased, NFC, without blanks or repeats.
    Too many or too long words raise StudySettingsError naming `name`."""
    if isinstance(words, str):
        words = words.replace("\n", ",").split(",")
    found = list(dict.fromkeys(w for w in (normalize(str(w)).strip().lower() for w in words) if w))
    if len(found) > MAX_WORDS:
        raise StudySettingsError([f"{name}: {len(found)} words; a study's list holds at most {MAX_WORDS}"])
    long = [w for w in found if len(w) > MAX_WORD_CHARS]
    if long:
        raise StudySettingsError([f"{name}: {long[0][:20]!r}… is longer than {MAX_WORD_CHARS} characters; "
                             "put one word (or short phrase) between commas"])
    return tuple(found)


def from_mapping(values: Mapping[str, Any]) -> StudyWords:
    """StudyWords from a stored or typed mapping; SettingsError names each bad key."""
    unknown = sorted(set(values) - set(PARAMETERS))
    problems = [f"study words: unknown setting {k!r}; the settings are {', '.join(PARAMETERS)}" for k in unknown]
    flags = {}
    for name in PARAMETERS[2:]:
        if name in values:
            if not isinstance(values[name], bool):
                problems.append(f"study words: {name} must be true or false, not {values[name]!r}")
            else:
                flags[name] = values[name]
    if problems:
        raise StudySettingsError(problems)
    return StudyWords(clean_words(values.get("stopwords", ()), "stopwords"),
                      clean_words(values.get("fillers", ()), "fillers"), **flags)


def read(store) -> StudyWords:
    """The study's settings (the defaults when none was saved). A stored value that cannot be read gives the
    defaults, with the reason in `problems` (the page shows it), rather than stopping every analysis."""
    from sqlalchemy import select

    from .store import models as t

    with store.engine.connect() as c:
        raw = c.execute(select(t.study_settings.c.value).where(t.study_settings.c.key == KEY)).scalar()
    if raw is None:
        return StudyWords()
    try:
        return from_mapping(json.loads(raw))
    except (ValueError, StudySettingsError) as exc:
        return StudyWords(problems=(f"The study's saved word settings could not be read ({exc}); "
                                    "the defaults apply until they are saved again.",))


def save(store, words: StudyWords) -> StudyWords:
    """Store the study's settings (one transaction: the old ones stay if it fails)."""
    from sqlalchemy import delete, insert

    from .store import models as t

    value = json.dumps(words.as_parameters(), ensure_ascii=False, sort_keys=True)
    with store.transaction() as c:
        c.execute(delete(t.study_settings).where(t.study_settings.c.key == KEY))
        c.execute(insert(t.study_settings), {"key": KEY, "value": value})
    return words


class Reader:
    """The study's settings of a library, read again only when its database changed: on SQLite, `PRAGMA
    data_version` on a connection of the reader's own changes whenever another connection commits (a few
    microseconds, against ~0.3 ms for the read); a replaced file (a restore) is reopened. On PostgreSQL every
    call reads. A study without a database file has the defaults (none is created to read them)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._file: tuple | None = None
        self._known: tuple[int, StudyWords] | None = None

    def __call__(self, library) -> StudyWords:
        url = library.database_url
        if not url.startswith("sqlite:///"):
            return read(library.store)
        path = url[len("sqlite:///"):]
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return StudyWords()
        with self._lock:
            if self._connection is None or self._file != (st.st_dev, st.st_ino):
                if self._connection is not None:
                    self._connection.close()
                self._connection = sqlite3.connect(path, check_same_thread=False)
                self._file, self._known = (st.st_dev, st.st_ino), None
            version = self._connection.execute("PRAGMA data_version").fetchone()[0]
            if self._known is not None and self._known[0] == version:
                return self._known[1]
        words = read(library.store)  # a commit after `version` was read changes it again: the next call rereads
        with self._lock:
            self._known = (version, words)
        return words


def fill(declared: Iterable[str], config: Mapping[str, Any] | None, words: StudyWords) -> dict[str, Any]:
    """`config` with the study's value of every PARAMETERS name the plugin declares and the caller did not set."""
    filled = dict(config or {})
    study = words.as_parameters()
    for name in declared:
        if name in study and name not in filled:
            filled[name] = study[name]
    return filled


__all__ = ["StudyWords", "Reader", "PARAMETERS", "KEY", "clean_words", "from_mapping", "read", "save", "fill"]
