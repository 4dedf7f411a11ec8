"""Run a student's class in a contained worker and get plain arrays back (the trusted side).

A ``Sandbox`` is one worker slot: a warm zygote process (``graders/engine/sandbox_worker.py``) started
fresh, never forked from this process, so it has never seen ``solutions``, the course secret or
an expected output. ``Sandbox.run`` sends it the spliced class source and the cases' inputs;
the zygote forks a contained child that runs ``graders.core.runner.run_case`` on every case and
writes back what the student's code returned. Only arrays and plain values come back, parsed
here with ``allow_pickle=False``; comparing them with the reference is the caller's job
(``graders.core.check.grade_case``), in this process.

    with Sandbox(Limits(timeout=10)) as box:
        run = box.run(source, "MaxPool", [SandboxCase("MaxPool", params, {"x": x, "dout": dout})])
        run.cases[0].outputs["dx"]     # or run.cases[0].error, a message for the student

What contains the child is described in ``graders/engine/sandbox_worker.py``; ``Sandbox.isolation``
says which of those layers this machine supports.
"""
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from graders.engine.sandbox_worker import _LEN, MAX_HEADER_BYTES, decode_value, pack_message, split_frames

_HERE = Path(__file__).resolve().parent
_GRADERS = _HERE.parent
_REPO = _GRADERS.parent

# Each worker slot's child runs as its own uid (when we are root): children of two slots can
# neither signal each other nor read each other's files. No account needs to exist.
SANDBOX_UID_BASE = 1_900_000_000

# Seconds the zygote may take beyond the method's own time limit before we give up on it.
_GRACE = 10.0
_STARTUP_TIMEOUT = 60.0

_BOOT = """\
import sys, json
cfg = json.loads(sys.argv[1])
sys.path.append(cfg["numpy_parent"])
import numpy
sys.path.remove(cfg["numpy_parent"])
import importlib.util as u
spec = u.spec_from_file_location("_backprop_sandbox_worker", cfg["worker"])
worker = u.module_from_spec(spec)
sys.modules[spec.name] = worker
spec.loader.exec_module(worker)
worker.main(cfg)
"""


class SandboxError(RuntimeError):
    """The sandbox itself failed (a problem of the grader or the machine, not the student's)."""


@dataclass(frozen=True)
class Limits:
    """What one method run of a submission may use."""
    timeout: float = 10.0            # seconds of wall clock for all the cases of one method
    memory_mib: int = 1024           # address space the student's code may add, MiB
    output_bytes: int = 1 << 20      # stdout + stderr (and any one file it writes), bytes
    output_excerpt: int = 4096       # how much of that output the report quotes
    result_bytes: int = 64 << 20     # arrays sent back, bytes
    workdir_mib: int = 64            # the private tmpfs working directory, MiB


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
    output_bytes: int = 0
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


class _Reader:
    """Reads exact byte counts from a pipe, giving up at a deadline."""

    def __init__(self, fd):
        self.fd = fd
        self.buffer = bytearray()

    def read(self, n, deadline):
        while len(self.buffer) < n:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            ready, _, _ = select.select([self.fd], [], [], remaining)
            if ready:
                chunk = os.read(self.fd, max(1 << 16, n - len(self.buffer)))
                if not chunk:
                    raise EOFError
                self.buffer += chunk
        data = bytes(self.buffer[:n])
        del self.buffer[:n]
        return data

    def message(self, deadline):
        (n,) = _LEN.unpack(self.read(_LEN.size, deadline))
        if n > MAX_HEADER_BYTES:
            raise EOFError
        header = json.loads(self.read(n, deadline))
        return header, [self.read(k, deadline) for k in header.get("blobs", [])]


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


class Sandbox:
    """One worker slot: a warm zygote and the contained children it forks.

    - limits: Limits for every run
    - slot: worker number (picks the child's uid)
    - hide: folders to cover with an empty mount in the child (the course, the submissions,
      the outputs); ``solutions/`` and ``graders/`` always are. Landlock already denies them;
      this is the second line where it is missing.
    """

    def __init__(self, limits=Limits(), slot=0, hide=(), python=None, runner=None):
        self.limits = limits
        self.runner = str(runner or _GRADERS / "core" / "runner.py")
        self.slot = slot
        self.hide = [str(Path(p).resolve()) for p in hide]
        self.hide += [str(_REPO / "solutions"), str(_GRADERS)]
        self.python = python or sys.executable
        self.workroot = tempfile.mkdtemp(prefix="backprop-lab-sandbox-")
        os.chmod(self.workroot, 0o711)
        self.isolation = {}
        self._probing = False
        self._proc = None
        self._reader = None
        try:
            self._start()
        except BaseException:
            self.close()  # no zygote and no working folder left behind by a sandbox that never started
            raise

    # -- life cycle -----------------------------------------------------------------------
    def _config(self):
        root = os.geteuid() == 0
        return {
            "numpy_parent": str(Path(np.__file__).resolve().parent.parent),
            "worker": str(_HERE / "sandbox_worker.py"),
            "runner": self.runner,
            "utils_dir": str(_REPO / "utils"),
            "workroot": os.path.join(self.workroot, "runs"),
            "limits": asdict(self.limits),
            "workdir_bytes": self.limits.workdir_mib << 20,
            "uid": SANDBOX_UID_BASE + self.slot if root else None,
            "mounts": root,
            "hide": self.hide,
            "landlock": True,
        }

    def _start(self):
        if not os.path.exists(self.runner):
            raise SandboxError(f"{self.runner} is missing: the sandbox has nothing to run cases with")
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1",
               "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        self._log = open(os.path.join(self.workroot, "zygote.log"), "ab")
        try:
            self._proc = subprocess.Popen(
                [self.python, "-I", "-S", "-B", "-c", _BOOT, json.dumps(self._config())],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, env=env,
                cwd=self.workroot, start_new_session=True, close_fds=True)
        except BaseException:
            self._log.close()
            raise
        self._reader = _Reader(self._proc.stdout.fileno())
        try:
            header, _ = self._reader.message(time.monotonic() + _STARTUP_TIMEOUT)
        except (TimeoutError, EOFError, ValueError):
            self._kill()
            raise SandboxError(f"the sandbox worker did not start: {self._log_tail()}") from None
        self.isolation = {"landlock_abi": header["landlock"], "uid": header["uid"],
                          "private_mounts": header["mounts"]}
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
        for stream in (self._proc.stdin, self._proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        self._log.close()
        self._proc = None

    def close(self):
        """Stop the zygote and remove the working folders."""
        if self._proc is not None:
            try:
                self._proc.stdin.close()
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
    def run(self, source, class_name, cases, *, filename="<your answer>", region=None):
        """Run ``runner.run_case`` on every case with the class that ``source`` defines.

        - source: Python source defining the class (the trusted template with the student's
          region spliced in)
        - class_name: the class to take from it, e.g. "Convolution"
        - cases: list of SandboxCase
        - filename: how tracebacks name the source
        - region: {"start", "end", "cell_line"}: the student's lines in source (1-based,
          end exclusive) and where they start in the notebook cell, to point at their lines

        Returns a RunResult with one CaseOutcome per case. Raises SandboxError when the
        sandbox itself fails (then the zygote is restarted for the next run).
        """
        # Inputs go to the zygote (trusted) as raw bytes; only what comes back is .npy and checked.
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
        deadline = time.monotonic() + self.limits.timeout + _GRACE
        try:
            self._proc.stdin.write(message)
            self._proc.stdin.flush()
            header, reply_blobs = self._reader.message(deadline)
        except (OSError, EOFError, TimeoutError, ValueError) as exc:
            log = self._log_tail()
            self._kill()
            if self._probing:
                raise SandboxError(f"the sandbox worker died on its first run: {log}") from None
            self._start()
            return RunResult([CaseOutcome(error="the grading worker failed while running your "
                                                "code; it was restarted")] * len(cases),
                             status="worker_lost", details={"reason": type(exc).__name__, "log": log})
        if "zygote_error" in header:
            raise SandboxError(f"the sandbox could not run a job: {header['zygote_error']}")
        return self._interpret(header, reply_blobs[0] if reply_blobs else b"", len(cases))

    def _interpret(self, reply, stream, n_cases):
        limits = self.limits
        outcomes, setup_error = {}, None
        for frame, blobs in split_frames(stream):
            if frame.get("done") is True:
                continue
            if "sandbox_error" in frame:
                raise SandboxError(f"the sandbox could not contain a run: {frame['sandbox_error']}")
            if "setup_error" in frame and setup_error is None:
                setup_error = printable(frame["setup_error"])
            index = frame.get("case")
            if type(index) is int and 0 <= index < n_cases and index not in outcomes:
                outcomes[index] = self._case_outcome(frame, blobs)

        if reply["timed_out"]:
            status = "timeout"
            first = (f"did not finish within {limits.timeout:g} s, so the grader stopped it "
                     f"(an endless loop, or far too slow)")
            later = "not run: an earlier case did not finish in time"
        elif reply["overflow"]:
            status = "overflow"
            first = f"your code sent back more than {limits.result_bytes:,} bytes of results"
            later = "not run: an earlier case sent back too much data"
        elif reply["signal"] is not None:
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
        return RunResult(cases, status, seconds=reply["seconds"], output=printable(reply["output"], 1 << 16),
                         output_bytes=reply["output_bytes"], max_rss_kib=reply["max_rss_kib"])

    @staticmethod
    def _case_outcome(frame, blobs):
        if "error" in frame:
            return CaseOutcome(error=printable(frame["error"]) or "your code raised an error")
        outputs = frame.get("outputs")
        if not isinstance(outputs, dict):
            return CaseOutcome(error="the results of this case could not be read")
        for name, desc in outputs.items():
            if isinstance(desc, dict) and desc.get("type") == "too_big":
                return CaseOutcome(error=f"{printable(name, 100)} is an array of shape {desc.get('shape')} "
                                         f"({desc.get('nbytes')} bytes), far larger than expected")
        try:
            return CaseOutcome(outputs={printable(k, 100): decode_value(v, blobs) for k, v in outputs.items()})
        except ValueError as exc:
            return CaseOutcome(error=f"the results of this case could not be read: {exc}")
