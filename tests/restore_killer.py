"""Run one restore and SIGKILL this process at a chosen step (for tests/test_backup_killed.py; not a test).

    python tests/restore_killer.py ARCHIVE DATA BACKUPS PLUGINS MODE KILL_AT [plugins]

MODE: "rename" (the data dir is renamed beside itself) or "entries" (it is treated as a mount point: its
entries are swapped inside it). KILL_AT: "rename-staged" kills just before the staged folder is renamed into
place (the original crash window); "step:N" kills at the N-th named step (ops.backup.journal.STEP_HOOK, from 0);
empty restores without a kill and prints the names of the steps as a JSON list. "plugins" also restores the
plugins dir.
"""

from __future__ import annotations

import json
import os
import signal
import sys


def main() -> None:
    archive, data, backups, plugins, mode, kill_at = sys.argv[1:7]
    with_plugins = sys.argv[7:8] == ["plugins"]
    from ops.backup import restore, swap

    def die() -> None:
        sys.stdout.flush()
        os.kill(os.getpid(), signal.SIGKILL)

    if mode == "entries":  # as in the tests' swap_mode fixture: a target that exists is never renamed
        swap._can_rename = lambda target: not target.exists()
    steps: list[str] = []
    if kill_at == "rename-staged":
        real = os.rename

        def rename(src, dst, *args, **kwargs):
            if "restore-stage" in os.fspath(src):
                die()
            return real(src, dst, *args, **kwargs)

        os.rename = rename
    else:
        from ops.backup import journal

        def step(name: str) -> None:
            steps.append(name)
            if kill_at == f"step:{len(steps) - 1}":
                die()

        journal.STEP_HOOK = step
    restore(archive, data, backups, plugins_dir=plugins, confirm=True, with_plugins=with_plugins)
    print(json.dumps(steps))


if __name__ == "__main__":
    main()
