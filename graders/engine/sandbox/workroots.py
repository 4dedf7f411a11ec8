"""The sandboxes' working folders in the temporary directory: a batch killed with SIGKILL cannot clean up
after itself, so the next one removes the folders whose process is gone."""
import os
import re
import shutil
import tempfile
from pathlib import Path

WORKROOT_PREFIX = "backprop-lab-sandbox-"


def _pid_alive(pid):
    """True while process ``pid`` exists and is not a zombie (an orphan whose reaper never reaps)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            state = f.read().rsplit(b")", 1)[1].split()[0]
    except (OSError, IndexError):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except OSError:
            return True
        return True
    return state not in (b"Z", b"X")


def remove_stale_workroots(tmp=None):
    """Remove the working folders of sandboxes whose process is gone (a batch killed with SIGKILL
    cannot clean up after itself: the next one does). Returns the folders removed."""
    tmp = Path(tmp or tempfile.gettempdir())
    removed = []
    for folder in tmp.glob(WORKROOT_PREFIX + "*"):
        match = re.fullmatch(re.escape(WORKROOT_PREFIX) + r"(\d+)-.*", folder.name)
        try:
            if not match or folder.is_symlink() or folder.stat().st_uid != os.geteuid():
                continue
        except OSError:
            continue
        if not _pid_alive(int(match.group(1))):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed
