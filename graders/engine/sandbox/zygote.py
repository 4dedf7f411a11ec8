"""The zygote: a warm interpreter that only forks, polices and reaps; it never sees a student's data.

``graders.engine.sandbox.trusted`` starts it as a fresh interpreter (``python -I -S -B``, clean
environment, dying with its parent) that imports numpy, ``utils`` and ``graders/core/runner.py``
(by path, under private names) and nothing else of backprop-lab: it never holds ``solutions``,
the course secret or an expected output.

Its whole conversation with the parent is on a control socket (SOCK_SEQPACKET), in small JSON
messages:

- parent -> zygote ``{"run": n, "timeout": seconds}`` with two descriptors attached (SCM_RIGHTS): the child's end of a
  fresh socket to the parent, and the write end of a fresh output pipe. The zygote forks a child
  that gets them (``child.child_main``) and closes its own copies: it never reads or writes them,
  so no student's code, inputs, results or printed output ever pass through this process, and a
  child forked later inherits nothing of an earlier one;
- parent -> zygote ``{"stop": n}``: the parent has everything it needs; the child is killed;
- zygote -> parent ``{"ended": n, ...}``: how the child ended (exit code, signal, timed out,
  seconds, peak memory).

The zygote enforces the wall-clock limit itself (SIGKILL to the child's process group) and
removes the child's working directory after each run. It dies with its parent
(PR_SET_PDEATHSIG), and each child dies with it: an interrupted batch leaves no process behind.

Standard library, numpy and (optionally) pyseccomp only: loaded by path as
``_backprop_sandbox.zygote``.
"""
import ctypes
import gc
import json
import os
import select
import shutil
import signal
import socket
import sys
import time

import numpy as np

from . import child, landlock, seccomp

SYSTEM_READ = ["/usr", "/lib", "/lib64", "/lib32", "/etc/ld.so.cache", "/etc/localtime"]
_PR_SET_PDEATHSIG = 1
MAX_CONTROL_BYTES = 1 << 16


def _kill_group(pid):
    for kill in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            kill()
        except OSError:
            pass


def _reap(pid):
    """Wait for a child -> (exit code or None, signal number or None, max RSS in KiB)."""
    _, status, usage = os.wait4(pid, 0)
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
    sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    return code, sig, usage.ru_maxrss


def _send(control, message):
    control.sendall(json.dumps(message).encode())


def run_job(cfg, control, serial, fds, rules, run_case, pending):
    """Fork a contained child for one run and police it -> the ``ended`` message.

    pending: pids of earlier children that were killed but not reaped yet."""
    while pending:
        _reap(pending.pop())
    channel_fd, out_fd = fds
    workdir = os.path.join(cfg["workroot"], f"run-{os.getpid()}-{serial}")  # a restarted zygote starts over
    try:
        os.mkdir(workdir, 0o700)
        if cfg["uid"] is not None and not cfg["mounts"]:
            os.chown(workdir, cfg["uid"], cfg["uid"])
        start = time.monotonic()
        zygote_pid = os.getpid()
        # Nothing allocated so far is garbage-collected in the child: its collections would walk
        # (and so copy-on-write) the whole inherited heap.
        gc.freeze()
        pid = os.fork()
        if pid == 0:
            child.child_main(cfg, channel_fd, out_fd, workdir, zygote_pid, rules, run_case)
            os._exit(70)  # child_main never returns
    finally:
        for fd in fds:
            os.close(fd)
    timed_out = stopped = False
    code = sig = max_rss = None
    pidfd = os.pidfd_open(pid)
    try:
        deadline = start + cfg["limits"]["timeout"]
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([pidfd, control], [], [], remaining)
            if pidfd in ready:
                break
            if control in ready:
                data = control.recv(MAX_CONTROL_BYTES)
                if not data:  # the parent is gone
                    _kill_group(pid)
                    sys.exit(0)
                if json.loads(data).get("stop") == serial:
                    stopped = True
                    break
    except BaseException:
        _kill_group(pid)
        pending.append(pid)
        raise
    finally:
        os.close(pidfd)
    seconds = time.monotonic() - start
    if stopped:
        # The parent has the child's last frame: no need to wait for its exit (tearing down its
        # namespaces takes milliseconds); it is reaped before the next fork, off the critical path.
        _kill_group(pid)
        pending.append(pid)
        code = 0
    else:
        _kill_group(pid)  # on time out; else anything it left in its process group (its pid is not free yet)
        code, sig, max_rss = _reap(pid)
    shutil.rmtree(workdir, ignore_errors=True)  # never follows symlinks the student made
    return {"ended": serial, "exit_code": code, "signal": sig, "timed_out": timed_out, "stopped": stopped,
            "seconds": round(seconds, 4), "max_rss_kib": max_rss}


def zygote_main(cfg, control, rules, run_case):
    """Serve runs on the control socket until the parent closes it."""
    pending = []
    while True:
        message, fds, _, _ = socket.recv_fds(control, MAX_CONTROL_BYTES, 2)
        if not message:
            return
        try:
            request = json.loads(message)
            if "stop" in request and not fds:
                continue  # for a run that ended on its own meanwhile
            serial = request["run"]
            timeout = request.get("timeout", cfg["limits"]["timeout"])
            if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or not timeout > 0:
                raise ValueError(f"a run's timeout must be a positive number, got {timeout!r}")
            if len(fds) != 2:
                raise ValueError(f"a run needs 2 descriptors, got {len(fds)}")
        except (ValueError, KeyError, TypeError) as exc:
            for fd in fds:
                os.close(fd)
            _send(control, {"zygote_error": f"malformed request: {exc}"})
            continue
        try:  # this run's time limit (an exercise's own) for the zygote's clock and the child's CPU limit
            run_cfg = {**cfg, "limits": {**cfg["limits"], "timeout": float(timeout)}}
            reply = run_job(run_cfg, control, serial, fds, rules, run_case, pending)
        except Exception as exc:  # a bug or resource problem on our side, not the student's
            reply = {"ended": serial, "zygote_error": f"{type(exc).__name__}: {exc}"}
        _send(control, reply)


def _load_by_path(name, path, package_dir=None):
    """Import a file under a name of our choosing, without putting its folder on sys.path."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        name, path, submodule_search_locations=[package_dir] if package_dir else None)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _load_catalogues():
    """Read utils' message catalogues (every language) now, so that a child speaks the job's language
    without opening a file once contained (utils.i18n caches them; a fork inherits the cache)."""
    import importlib
    i18n = importlib.import_module("utils.i18n")
    for lang in i18n.LANGUAGES:
        i18n.translations(i18n.LOCALE_DIR, i18n.DOMAIN, lang)


def main(cfg):
    """cfg: the JSON the parent passed on the command line (see graders.engine.sandbox.trusted)."""
    # Die with the parent; if it is already gone, do not start.
    ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != cfg["parent_pid"]:
        sys.exit(1)
    control = socket.socket(fileno=cfg["control_fd"])
    os.dup2(2, 1)  # anything printed by accident goes to the log
    _load_by_path("utils", os.path.join(cfg["utils_dir"], "__init__.py"), cfg["utils_dir"])
    _load_catalogues()
    runner = _load_by_path("_backprop_runner", cfg["runner"])
    numpy_dir = os.path.dirname(np.__file__)
    expose = [p for p in sys.path if os.path.isdir(p)]
    expose += [numpy_dir, cfg["utils_dir"]]
    if os.path.isdir(numpy_dir + ".libs"):
        expose.append(numpy_dir + ".libs")
    rules, no_seccomp = seccomp.build_filter() if cfg["seccomp"] else (None, "turned off")
    cfg.update(expose=expose, stdlib_path=list(sys.path), system_read=SYSTEM_READ,
               landlock=landlock.landlock_abi() if cfg["landlock"] else 0)
    os.makedirs(cfg["workroot"], mode=0o711, exist_ok=True)
    _send(control, {"ready": True, "pid": os.getpid(), "landlock": cfg["landlock"], "uid": cfg["uid"],
                    "mounts": cfg["mounts"], "seccomp": rules is not None, "seccomp_missing": no_seccomp})
    zygote_main(cfg, control, rules, runner.run_case)
