"""Moving in: a library of the earlier layout (`library/<id>/entry.json` beside `original.<ext>`) becomes rows
of the study database on first start, with every document's id, name, date, speaker renames and pseudonyms.

The old folders stay where they are until every document is in; then the folder is renamed
`library.imported` (an operator may delete it). A document that cannot be moved in is named in the log and
its folder kept, so the next start tries again; documents already moved in are not added twice.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path

log = logging.getLogger(__name__)

ENTRY = "entry.json"


def legacy_folders(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return [f for f in sorted(root.iterdir()) if f.is_dir() and not f.name.startswith(".") and (f / ENTRY).is_file()]


def import_legacy_library(library, root: Path) -> int:
    """Move every document of `root` into `library`; returns how many were moved in."""
    folders = legacy_folders(root)
    if not folders:
        return 0
    moved, failed = 0, []
    for folder in folders:
        try:
            entry = json.loads((folder / ENTRY).read_text(encoding="utf-8"))
            source = entry["source"]
            data = (folder / ("original" + Path(source).suffix.lower())).read_bytes()
            speaker_map = {k: v for k, v in (entry.get("speaker_map") or {}).items() if v}
            stored, added = library.add(source, data, added_at=datetime.fromisoformat(entry["added_at"]),
                                        speaker_map=speaker_map, display_name=entry.get("name"), doc_id=folder.name)
            if not added and stored.speaker_map != speaker_map:  # moved in before, renames since
                library.set_speaker_names(stored.id, {s: speaker_map.get(s, "") for s in stored.speakers})
            moved += 1
        except Exception as exc:  # noqa: BLE001 - one bad folder never stops the others
            failed.append(folder.name)
            log.warning("library: could not move %s into the study database: %s", folder.name, type(exc).__name__)
    if failed:
        log.warning("library: %d of %d documents of %s were not moved in; the folder is kept", len(failed),
                    len(folders), root)
        return moved
    target = root.with_name("library.imported")
    n = 1
    while target.exists():
        n += 1
        target = root.with_name(f"library.imported-{n}")
    root.rename(target)
    log.info("library: moved %d documents into the study database; the old folders are in %s", moved, target)
    return moved
