"""Stopping what a test started, and proving that nothing is left behind."""
import os
import signal
import subprocess

import psutil


def descendants(pid=None):
    """Every live process below ``pid`` (default: this one), children of children included."""
    try:
        return psutil.Process(pid or os.getpid()).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def stop_process_group(proc: subprocess.Popen, grace=10.0):
    """SIGTERM the group that ``proc`` leads (started with ``start_new_session=True``), SIGKILL it after ``grace`` s.

    SIGTERM first so that a Jupyter server can shut its kernels down; kernels run in sessions of
    their own, so the caller also checks the server's descendants with ``assert_all_gone``.
    """
    if proc.poll() is None:
        _signal_group(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
    # The leader may be gone while members of its group still run.
    _signal_group(proc.pid, signal.SIGKILL)
    proc.wait()


def _signal_group(pgid, sig):
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def assert_all_gone(procs, what, grace=10.0):
    """Fail when any of ``procs`` (psutil.Process objects) still runs ``grace`` s from now; kill those first."""
    _, alive = psutil.wait_procs(procs, timeout=grace)
    if alive:
        described = [_describe(p) for p in alive]
        for p in alive:
            try:
                p.kill()
            except psutil.NoSuchProcess:
                pass
        psutil.wait_procs(alive, timeout=grace)
        raise AssertionError(f"{what} left {len(alive)} process(es) running (now killed): {described}")


def _describe(proc):
    try:
        return f"{proc.pid} {' '.join(proc.cmdline())[:120]}"
    except psutil.Error:
        return str(proc.pid)
