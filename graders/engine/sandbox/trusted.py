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
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from .child import DONE, READY_HEADER
from .limits import Limits
from .wire import _LEN, MAX_HEADER_BYTES, decode_value, pack_message, split_frames

_HERE = Path(__file__).resolve().parent
_GRADERS = _HERE.parent.parent
_REPO = _GRADERS.parent

# Each worker slot's child runs as its own uid (when we are root): children of two slots can
# neither signal each other nor read each other's files. No account needs to exist.
SANDBOX_UID_BASE = 1_900_000_000

# Seconds the zygote may take beyond the method's own time limit before we give up on it.
_GRACE = 10.0
_STARTUP_TIMEOUT = 60.0
# How long to keep reading a channel or the output after the child ended (a descendant may hold it).
_LINGER = 0.5
WORKROOT_PREFIX = "backprop-lab-sandbox-"

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


class SandboxError(RuntimeError):
    """The sandbox itself failed (a problem of the grader or the machine, not the student's)."""


@dataclass(frozen=True)
class SandboxCase:
    """One case to run: ``runner.run_case(cls, kind, params, inputs)``."""
    kind: str
    params: dict
    inputs: dict  # name -> ndarray


@dataclass
class CaseOutcome:
    """What one case gave: the outputs the student's code returned, or a message why not."""
    outputs: dict | None = None
    error: str | None = None


@dataclass
class RunResult:
    cases: list                     # CaseOutcome per case, in the order sent
    status: str                     # finished | timeout | crashed | exited | overflow | worker_lost
    seconds: float = 0.0
    output: str = ""                # the first output_excerpt bytes the code printed
    output_bytes: int = 0           # bytes of printed output that reached the grader
    output_cut: bool = False        # the code printed more than Limits.output_bytes: the rest was dropped
    max_rss_kib: int | None = None
    details: dict = field(default_factory=dict)

    def summary(self):
        """JSON-ready timings and process facts (no arrays)."""
        data = asdict(self)
        data.pop("cases")
        return data


def _json_default(value):
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")



_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text, limit=3000):
    """Student-made text (messages, printed output) made safe for a terminal or a CSV: no control
    characters (escape sequences, carriage returns) except newlines and tabs; at most ``limit``."""
    text = str(text) if limit is None else str(text)[:limit]
    return _CONTROL.sub("\ufffd", text)


def _signal_name(number):
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"



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


def _module_dir(name):
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.origin:
        return None
    path = Path(spec.origin).resolve()
    return str(path.parent.parent if path.name == "__init__.py" else path.parent)


class _Run:
    """What this process reads during one run: the child's channel and its printed output."""

    def __init__(self, channel, out_r, limits):
        self.channel, self.out_r, self.limits = channel, out_r, limits
        self.data = bytearray()       # the channel's bytes after READY
        self.output = bytearray()     # the first output_excerpt bytes printed
        self.output_bytes = 0
        self.open = {channel.fileno(), out_r}
        self.overflow = self.done = False

    def pump(self, ready):
        """Read what is ready on the channel and the output pipe."""
        if self.out_r in ready:
            chunk = os.read(self.out_r, 1 << 20)
            if chunk:
                room = self.limits.output_excerpt - len(self.output)
                if room > 0:
                    self.output += chunk[:room]
                self.output_bytes += len(chunk)
            else:
                self.open.discard(self.out_r)
        if self.channel.fileno() in ready:
            try:
                chunk = self.channel.recv(1 << 20)
            except OSError:
                chunk = b""
            if chunk and self.overflow:
                pass  # too much already: read on (so the child never blocks) and drop it
            elif chunk:
                self.data += chunk
                if len(self.data) > self.limits.result_bytes:
                    self.overflow = True
                elif self.data.endswith(DONE):
                    self.done = True
            else:
                self.open.discard(self.channel.fileno())

    def linger(self):
        """After the child ended: what is still in the pipes, briefly."""
        end = time.monotonic() + _LINGER
        while self.open and not self.overflow and time.monotonic() < end:
            ready, _, _ = select.select(list(self.open), [], [], max(0.0, end - time.monotonic()))
            if not ready:
                break
            self.pump(ready)


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
        ready, _, _ = select.select([self._control], [], [], remaining)
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
               "region": region, "cases": wire_cases, "arrays": arrays}
        message = pack_message(json.loads(json.dumps(job, default=_json_default)), blobs)
        if self._proc is None:
            self._start()
        self._serial += 1
        serial = self._serial
        channel, childs_channel = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        out_r, out_w = os.pipe()
        limits = self.limits if timeout is None else replace(self.limits, timeout=float(timeout))
        run = _Run(channel, out_r, limits)
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
            return RunResult([CaseOutcome(error="the grading worker failed while running your "
                                                "code; it was restarted")] * len(cases),
                             status="worker_lost", details={"reason": type(exc).__name__})
        finally:
            channel.close()
            os.close(out_r)
        return self._interpret(reply, run, len(cases), limits)

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
            readable, _, _ = select.select(watch, [], [], remaining)
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


    def _interpret(self, reply, run, n_cases, limits):
        """The zygote's ``ended`` and what the child sent after READY -> RunResult. Nothing the child
        sent can raise here: a frame that cannot be read is that case's error."""
        outcomes, setup_error = {}, None
        stream = bytes(run.data[:limits.result_bytes])
        reply = dict(reply, overflow=run.overflow)
        for frame, blobs in split_frames(stream):
            if not isinstance(frame, dict) or frame.get("done") is True:
                continue
            if isinstance(frame.get("setup_error"), str) and setup_error is None:
                setup_error = printable(frame["setup_error"]) or "your code could not be run"
            index = frame.get("case")
            if type(index) is int and 0 <= index < n_cases and index not in outcomes:
                outcomes[index] = self._case_outcome(frame, blobs)

        if reply["timed_out"] and not run.done:
            status = "timeout"
            first = (f"did not finish within {limits.timeout:g} s, so the grader stopped it "
                     f"(an endless loop, or far too slow)")
            later = "not run: an earlier case did not finish in time"
        elif run.overflow:
            status = "overflow"
            first = f"your code sent back more than {limits.result_bytes:,} bytes of results"
            later = "not run: an earlier case sent back too much data"
        elif reply["signal"] is not None and not run.done:
            status = "crashed"
            name = _signal_name(reply["signal"])
            if reply["signal"] == signal.SIGKILL:
                first = ("the process running your code was killed (SIGKILL): it used too much "
                         "memory, or killed itself")
            elif reply["signal"] == signal.SIGXCPU:
                first = "your code used too much CPU time, so the grader stopped it"
            else:
                first = f"the process running your code crashed ({name})"
            later = "not run: the process running your code ended during an earlier case"
        else:
            code = reply["exit_code"]
            status = "finished" if len(outcomes) == n_cases or setup_error else "exited"
            first = (f"your code ended the grading process (exit code {code}: os._exit, or "
                     f"sys.exit outside the method?) before this case finished")
            later = "not run: the process running your code ended during an earlier case"

        cases, missing = [], 0
        for i in range(n_cases):
            if i in outcomes:
                cases.append(outcomes[i])
            elif setup_error is not None:
                cases.append(CaseOutcome(error=setup_error))
            else:
                cases.append(CaseOutcome(error=first if missing == 0 else later))
                missing += 1
        return RunResult(cases, status, seconds=reply["seconds"],
                         output=printable(bytes(run.output).decode("utf-8", "replace"), 1 << 16),
                         output_bytes=run.output_bytes, output_cut=run.output_bytes >= limits.output_bytes,
                         max_rss_kib=reply["max_rss_kib"])

    @staticmethod
    def _case_outcome(frame, blobs):
        try:
            return Sandbox._read_case(frame, blobs)
        except Exception:  # RecursionError, MemoryError ... from hostile bytes: this case's outcome
            return CaseOutcome(error="the results of this case could not be read")

    @staticmethod
    def _read_case(frame, blobs):
        if "error" in frame:
            return CaseOutcome(error=printable(frame["error"]) or "your code raised an error")
        outputs = frame.get("outputs")
        if not isinstance(outputs, dict):
            return CaseOutcome(error="the results of this case could not be read")
        for name, desc in outputs.items():
            if isinstance(desc, dict) and desc.get("type") == "too_big":
                return CaseOutcome(error=f"{printable(name, 100)} is an array of shape "
                                         f"{printable(desc.get('shape'), 100)} ({printable(desc.get('nbytes'), 30)} "
                                         f"bytes), far larger than expected")
        try:
            return CaseOutcome(outputs={printable(k, 100): decode_value(v, blobs) for k, v in outputs.items()})
        except ValueError as exc:
            return CaseOutcome(error=f"the results of this case could not be read: {printable(exc, 300)}")
