"""Run a student's class in a contained child and get plain arrays back (the trusted side).

A ``Sandbox`` is one worker slot: a warm zygote process (``zygote.py``) started fresh, never
forked from this process, so it has never seen ``solutions``, the course secret or an expected
output, and it never sees a student's data either. For each ``Sandbox.run`` this process makes a
fresh socket and output pipe, hands the child's ends to the zygote, which forks a contained child
with them (``child.py``); the child says READY once it is locked in, and only then receives the
spliced class source and the cases' inputs, straight from here. It runs
``graders.core.runner.run_case`` on every case and writes back what the student's code returned.
Only arrays and plain values come back, parsed here with ``allow_pickle=False``; comparing them
with the reference is the caller's job (``graders.core.check.grade_case``), in this process.

    with Sandbox(Limits(timeout=10)) as box:
        run = box.run(source, "MaxPool", [SandboxCase("MaxPool", params, {"x": x, "dout": dout})])
        run.cases[0].outputs["dx"]     # or run.cases[0].error, a message for the student

Whatever comes from the child after READY is that method's outcome alone: a malformed frame, a
forged one, an exit or a crash becomes a message for the student; a ``SandboxError`` (the grader's
own failure) is raised only for what happens before READY or between this process and the
zygote, and its message holds no text of the student's. ``Sandbox.isolation`` says which layers
this machine supports.
"""
import importlib.util
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np

from graders.i18n import _
from utils.i18n import get_language

from . import messages
from .child import READY_HEADER
from .limits import Limits
from .outcome import CaseOutcome, RunResult, SandboxError
from .transcript import RunTranscript, interpret
from .wire import _LEN, MAX_HEADER_BYTES, pack_message, split_frames
from .workroots import WORKROOT_PREFIX, remove_stale_workroots

_HERE = Path(__file__).resolve().parent
_GRADERS = _HERE.parent.parent
_REPO = _GRADERS.parent

# Each worker slot's child runs as its own uid (when we are root): children of two slots can
# neither signal each other nor read each other's files. No account needs to exist.
SANDBOX_UID_BASE = 1_900_000_000

# Seconds the zygote may take beyond the method's own time limit before we give up on it.
_GRACE = 10.0
_STARTUP_TIMEOUT = 60.0

_BOOT = """\
import importlib, json, sys, types
cfg = json.loads(sys.argv[1])
sys.path[:0] = cfg["import_paths"]
import numpy
try:
    import pyseccomp
except Exception:
    pass
del sys.path[:len(cfg["import_paths"])]
package = types.ModuleType("_backprop_sandbox")
package.__path__ = [cfg["package_dir"]]
sys.modules[package.__name__] = package
importlib.import_module("_backprop_sandbox.zygote").main(cfg)
"""


def _json_default(value):
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")



def _module_dir(name):
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.origin:
        return None
    path = Path(spec.origin).resolve()
    return str(path.parent.parent if path.name == "__init__.py" else path.parent)


class Sandbox:
    """One worker slot: a warm zygote and the contained children it forks.

    - limits: Limits for every run
    - slot: worker number (picks the child's uid)
    - hide: folders to cover with an empty mount in the child (the course, the submissions,
      the outputs); ``solutions/`` and ``graders/`` always are. Landlock already denies them;
      this is the second line where it is missing.
    - landlock, seccomp: False turns that layer off (for tests that need a weaker sandbox to show
      that what they look for is absent, not merely out of reach)

    The zygote dies with the process that made the Sandbox (the thread, in fact: make it in the
    main thread of a long-lived process).
    """

    def __init__(self, limits=Limits(), slot=0, hide=(), python=None, runner=None, landlock=True, seccomp=True):
        self.limits = limits
        self.runner = str(runner or _GRADERS / "core" / "runner.py")
        self.slot = slot
        self.hide = [str(Path(p).resolve()) for p in hide]
        self.hide += [str(_REPO / "solutions"), str(_GRADERS)]
        self.python = python or sys.executable
        self.landlock, self.seccomp = landlock, seccomp
        remove_stale_workroots()
        self.workroot = tempfile.mkdtemp(prefix=f"{WORKROOT_PREFIX}{os.getpid()}-")
        os.chmod(self.workroot, 0o711)
        self.isolation = {}
        self._probing = False
        self._proc = None
        self._control = None
        self._log = None
        self._serial = 0
        try:
            self._start()
        except BaseException:
            self.close()  # no zygote and no working folder left behind by a sandbox that never started
            raise

    @staticmethod
    def seccomp_available():
        """True when this machine can build the seccomp filter (pyseccomp and libseccomp.so.2)."""
        from .seccomp import build_filter
        return build_filter()[0] is not None

    # -- life cycle -----------------------------------------------------------------------
    def _config(self, control_fd):
        root = os.geteuid() == 0
        paths = [str(Path(np.__file__).resolve().parent.parent)]
        seccomp_dir = _module_dir("pyseccomp") if self.seccomp else None
        if seccomp_dir and seccomp_dir not in paths:
            paths.append(seccomp_dir)
        return {
            "import_paths": paths,
            "package_dir": str(_HERE),
            "parent_pid": os.getpid(),
            "control_fd": control_fd,
            "runner": self.runner,
            "utils_dir": str(_REPO / "utils"),
            "workroot": os.path.join(self.workroot, "runs"),
            "limits": asdict(self.limits),
            "workdir_bytes": self.limits.workdir_mib << 20,
            "uid": SANDBOX_UID_BASE + self.slot if root else None,
            "mounts": root,
            "hide": self.hide,
            "landlock": bool(self.landlock),
            "seccomp": bool(self.seccomp),
        }

    def _start(self):
        if not os.path.exists(self.runner):
            raise SandboxError(f"{self.runner} is missing: the sandbox has nothing to run cases with")
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1",
               "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        self._log = open(os.path.join(self.workroot, "zygote.log"), "ab")
        control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self._proc = subprocess.Popen(
                [self.python, "-I", "-S", "-B", "-c", _BOOT, json.dumps(self._config(theirs.fileno()))],
                stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log, env=env, cwd=self.workroot,
                start_new_session=True, close_fds=True, pass_fds=[theirs.fileno()])
        except BaseException:
            control.close()
            self._log.close()
            raise
        finally:
            theirs.close()
        self._control = control
        try:
            header = self._receive(time.monotonic() + _STARTUP_TIMEOUT)
        except (TimeoutError, EOFError, ValueError):
            self._kill()
            raise SandboxError(f"the sandbox worker did not start: {self._log_tail()}") from None
        self.isolation = {"landlock_abi": header["landlock"], "uid": header["uid"],
                          "private_mounts": header["mounts"], "namespaces": ["mnt", "ipc", "net"] if header["mounts"] else [],
                          "seccomp": header["seccomp"]}
        if not header["seccomp"]:
            self.isolation["seccomp_missing"] = header["seccomp_missing"]
        # A first child proves that containment works here before any student's code depends on it.
        self._probing = True
        try:
            probe = self.run("class Probe:\n    pass\n", "Probe", [])
        except BaseException:
            self._kill()  # a SandboxError from the probe's reply leaves the zygote running
            raise
        finally:
            self._probing = False
        if probe.status != "finished":
            self._kill()
            raise SandboxError(f"the sandbox's first run failed ({probe.status}): {self._log_tail()}")

    def _receive(self, deadline):
        """The zygote's next control message (a dict)."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        ready, _w, _x = select.select([self._control], [], [], remaining)
        if not ready:
            raise TimeoutError
        data = self._control.recv(1 << 16)
        if not data:
            raise EOFError
        message = json.loads(data)
        if not isinstance(message, dict):
            raise ValueError("malformed control message")
        return message

    def _log_tail(self):
        try:
            with open(os.path.join(self.workroot, "zygote.log"), "rb") as f:
                return f.read()[-2000:].decode("utf-8", "replace").strip() or "(no output)"
        except OSError:
            return "(no log)"

    def _kill(self):
        if self._proc is None:
            return
        try:
            os.killpg(self._proc.pid, signal.SIGKILL)
        except OSError:
            pass
        self._proc.wait()
        self._control.close()
        self._log.close()
        self._proc = None

    def close(self):
        """Stop the zygote and remove the working folders."""
        if self._proc is not None:
            try:
                self._control.shutdown(socket.SHUT_RDWR)
                self._proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                pass
            self._kill()
        shutil.rmtree(self.workroot, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- running --------------------------------------------------------------------------
    def run(self, source, class_name, cases, *, filename="<your answer>", region=None, timeout=None):
        """Run ``runner.run_case`` on every case with the class that ``source`` defines.

        - source: Python source defining the class (the trusted template with the student's
          region spliced in)
        - class_name: the class to take from it, e.g. "Convolution"
        - cases: list of SandboxCase
        - filename: how tracebacks name the source
        - region: {"start", "end", "cell_line"}: the student's lines in source (1-based,
          end exclusive) and where they start in the notebook cell, to point at their lines
        - timeout: seconds for all the cases of this run (default: the sandbox's Limits.timeout); an
          exercise's own time limit (course.toml's time_limit)

        Returns a RunResult with one CaseOutcome per case. Raises SandboxError when the
        sandbox itself fails before the student's code could run.
        """
        blobs, arrays, wire_cases = [], [], []
        for case in cases:
            names = {}
            for name, value in case.inputs.items():
                value = np.ascontiguousarray(value)
                if value.dtype.hasobject:
                    raise TypeError(f"input {name} has dtype object")
                blobs.append(value.tobytes())
                arrays.append({"dtype": value.dtype.str, "shape": list(value.shape)})
                names[name] = len(blobs) - 1
            wire_cases.append({"kind": case.kind, "params": case.params, "inputs": names})
        job = {"source": source, "class_name": class_name, "filename": filename,
               "region": region, "cases": wire_cases, "arrays": arrays,
               "texts": messages.translated(_),  # the child's messages in the course's language
               "language": get_language()}  # and utils' (the first line of an exception's message)
        message = pack_message(json.loads(json.dumps(job, default=_json_default)), blobs)
        if self._proc is None:
            self._start()
        self._serial += 1
        serial = self._serial
        channel, childs_channel = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        out_r, out_w = os.pipe()
        limits = self.limits if timeout is None else replace(self.limits, timeout=float(timeout))
        run = RunTranscript(channel, out_r, limits)
        try:
            try:
                socket.send_fds(self._control, [json.dumps({"run": serial, "timeout": limits.timeout}).encode()],
                                [childs_channel.fileno(), out_w])
            finally:
                childs_channel.close()
                os.close(out_w)
            reply = self._converse(serial, run, message, limits)
        except (OSError, EOFError, TimeoutError, ValueError) as exc:
            log = self._log_tail()
            self._kill()
            if self._probing:
                raise SandboxError(f"the sandbox worker died on its first run: {log}") from None
            self._start()
            return RunResult([CaseOutcome(error=_("the grading worker failed while running your code; it was "
                                                  "restarted"))] * len(cases),
                             status="worker_lost", details={"reason": type(exc).__name__})
        finally:
            channel.close()
            os.close(out_r)
        return interpret(reply, run, len(cases), limits)

    def _converse(self, serial, run, message, limits):
        """Wait for READY, send the job, read until the child is done -> the zygote's ``ended``."""
        deadline = time.monotonic() + limits.timeout + _GRACE
        ended = None
        ready = False
        stop_sent = False
        while ended is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            watch = list(run.open) + [self._control]
            readable, _w, _x = select.select(watch, [], [], remaining)
            if self._control in readable:
                ended = self._receive(deadline)
                if "zygote_error" in ended:
                    raise SandboxError(f"the sandbox could not run a job: {ended['zygote_error']}")
                if ended.get("ended") != serial:
                    raise ValueError("the zygote answered another run")
                break
            run.pump(readable)
            if not ready:
                ready = self._check_ready(run)
                if ready:
                    run.channel.settimeout(max(0.001, deadline - time.monotonic()))
                    run.channel.sendall(message)
                    run.channel.setblocking(True)
            elif (run.done or run.overflow) and not stop_sent:
                self._control.sendall(json.dumps({"stop": serial}).encode())
                stop_sent = True
        if not ready:
            run.linger()
            self._check_ready(run)
            raise SandboxError("the sandbox could not contain a run: "
                               + (self._containment_error or "the child ended before it was ready"))
        run.linger()
        return ended

    _containment_error = None

    def _check_ready(self, run):
        """True once the channel starts with READY (then dropped from run.data); a containment
        failure, the only frame the child writes before READY, is kept for the error message."""
        if len(run.data) < _LEN.size:
            return False
        (n,) = _LEN.unpack_from(run.data, 0)
        if n > MAX_HEADER_BYTES or len(run.data) < _LEN.size + n:
            return False
        frames = split_frames(bytes(run.data[:_LEN.size + n]))
        header = frames[0][0] if frames else None
        if header is not None and all(header.get(k) == v for k, v in READY_HEADER.items()):
            del run.data[:_LEN.size + n]
            return True
        if isinstance(header, dict) and isinstance(header.get("sandbox_error"), str):
            self._containment_error = header["sandbox_error"][:2000]
        return False
