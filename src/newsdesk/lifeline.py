"""Child processes (extraction workers, web workers) end with the desk that started them, even after
kill -9."""

from __future__ import annotations

import os
import select
import threading
import time

ORPHAN_EXIT_STATUS = 70


def die_with_parent(parent_pid: int) -> None:
    """Run first in a child process: a watchdog thread ends it the moment `parent_pid` ends, however it ends.
    Unlike PR_SET_PDEATHSIG it does not depend on which of the parent's threads started the child."""
    threading.Thread(target=_watch, args=(parent_pid,), name="die-with-parent", daemon=True).start()


def _watch(parent_pid: int) -> None:
    try:
        pidfd = os.pidfd_open(parent_pid)
    except (AttributeError, OSError):      # no pidfd (old kernel, not Linux), or the parent is already gone
        _poll_parent(parent_pid)
        return
    if os.getppid() == parent_pid:         # the pidfd is our parent's, not a later process with its number
        select.select([pidfd], [], [])     # readable when that process has ended
    os._exit(ORPHAN_EXIT_STATUS)


def _poll_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(0.5)
    os._exit(ORPHAN_EXIT_STATUS)
