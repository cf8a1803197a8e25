"""Run one restore, or one recovery, and SIGKILL this process at a chosen step (for tests/test_backup_killed.py;
not a test).

    python tests/restore_killer.py restore ARCHIVE DATA BACKUPS PLUGINS MODE KILL_AT [plugins]
    python tests/restore_killer.py recover DATA PLUGINS KILL_AT

MODE: "rename" (the data dir is renamed beside itself) or "entries" (it is treated as a mount point: its entries
are swapped inside it). KILL_AT: "rename-staged" kills just before the staged folder is renamed into place (the
original crash window, found without the step hook); "step:N" kills at the N-th named step reported to
ops.backup.journal.STEP_HOOK (from 0); empty runs to the end and prints the names of the steps as a JSON list.
"plugins" also restores the plugins dir. `recover` runs what the app, the dashboard and the backup command line
run at start (ops.recover_interrupted_restore).
"""

from __future__ import annotations

import json
import os
import signal
import sys


def die() -> None:
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def main() -> None:
    action, args = sys.argv[1], sys.argv[2:]
    from ops.backup import journal, swap

    kill_at = args[5] if action == "restore" else args[2]
    steps: list[str] = []
    if kill_at == "rename-staged":
        real = os.rename

        def rename(src, dst, *rest, **kwargs):
            if "restore-stage" in os.fspath(src):
                die()
            return real(src, dst, *rest, **kwargs)

        os.rename = rename
    else:
        def step(name: str) -> None:
            steps.append(name)
            if kill_at == f"step:{len(steps) - 1}":
                die()

        journal.STEP_HOOK = step
    if action == "restore":
        archive, data, backups, plugins, mode = args[:5]
        if mode == "entries":  # as the tests' swap_mode fixture: a target that exists is never renamed
            swap._can_rename = lambda target: not target.exists()
        from ops.backup import restore

        restore(archive, data, backups, plugins_dir=plugins, confirm=True, with_plugins=args[6:7] == ["plugins"])
    else:
        from ops import recover_interrupted_restore

        recover_interrupted_restore(args[0], args[1])
    print(json.dumps(steps))


if __name__ == "__main__":
    main()
