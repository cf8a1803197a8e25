"""Watching a folder: every transcript that appears in it goes into the library, once (polling, any OS).

    watcher = FolderWatch(core.library, "incoming/")
    report = watcher.poll()      # an AddReport: what was added, found already there, or refused (and why)

A file is read once its size and modification time are the same at two polls in a row (so a file still being
copied is not read half-way; `settle=False` reads what is there now). A file already read is not read again
unless it changes; the library itself recognises the same bytes under any name. The files the folder holds are
the corpus' (qualia_core.corpus: .txt .vtt .srt .docx below it, hidden and "~$" names skipped).
"""

from __future__ import annotations

from pathlib import Path

from .corpus import collect_sources
from .errors import DocumentError
from .formats import _check_size
from .library_entries import AddReport


class FolderWatch:
    def __init__(self, library, folder: str | Path, max_bytes: int | None = None):
        self.library = library
        self.max_bytes = max_bytes  # a larger file is refused without being read
        self.folder = Path(folder)
        self._pending: dict[Path, tuple[int, int]] = {}  # seen once with this (size, mtime_ns)
        self._done: dict[Path, tuple[int, int]] = {}  # read with this (size, mtime_ns)

    def poll(self, settle: bool = True) -> AddReport:
        """Add the files that appeared (or changed) and have settled; returns what became of each."""
        ready = []
        for _, path in collect_sources(self.folder):
            try:
                stat = path.stat()
            except OSError:  # gone since it was listed
                continue
            stamp = (stat.st_size, stat.st_mtime_ns)
            if self._done.get(path) == stamp:
                continue
            if settle and self._pending.get(path) != stamp:
                self._pending[path] = stamp
                continue
            self._pending.pop(path, None)
            ready.append((path, stamp))
        report = AddReport()
        for path, stamp in ready:
            self._done[path] = stamp  # refused or added, it is not tried again until it changes
            try:
                if self.max_bytes is not None:
                    _check_size(stamp[0], self.max_bytes, path.name)
                data = path.read_bytes()
            except DocumentError as exc:
                report.refused.append((path.name, str(exc)))
                continue
            except OSError as exc:
                report.refused.append((path.name, f"Cannot read {path}: {exc.strerror or exc}"))
                continue
            single = self.library.add_many([(path.name, data)])
            report.added += single.added
            report.existing += single.existing
            report.refused += single.refused
        return report


__all__ = ["FolderWatch"]
