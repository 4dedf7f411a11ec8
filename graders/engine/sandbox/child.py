"""The sandboxed child: it locks itself in, says it is ready, then (only then) receives its job.

The zygote forks a child per method run and hands it two descriptors the trusted parent made for
this run alone: a socket to the parent (the *channel*) and the write end of a pipe for printed
output. The child

1. makes its own session; stdin from /dev/null, stdout and stderr into the output pipe, the
   channel as fd 3, every other descriptor closed (the zygote's control socket above all);
2. contains itself (``contain``): namespaces and mounts (root), rlimits, no new privileges,
   Landlock, an unprivileged uid of its own (root), death with the zygote, the seccomp filter;
3. writes READY on the channel. Anything before READY comes from this trusted code (a
   ``sandbox_error`` if a step of containment failed); everything after it is the student's;
4. reads its job (the spliced class source and the cases' inputs) from the channel, straight
   from the parent: no other process that runs students' code ever holds it;
5. defines the class and runs every case, one result frame per case, then DONE.

Printed output goes through ``CappedOutput``: the first ``output_bytes`` are kept, the rest is
dropped (and the parent says so), so printing cannot cost an answer its grade.
"""
import builtins
import fcntl
import io
import linecache
import os
import signal
import sys

import numpy as np

from . import landlock, limits as rlimits, namespaces, seccomp
from .landlock import check
from . import messages
from .messages import Answer, describe_exception
from .wire import pack_message, raw_array, read_message, encode_value

CHANNEL_FD = 3
READY_HEADER = {"ready": True}
DONE_HEADER = {"done": True}
DONE = pack_message(DONE_HEADER)
_PR_SET_PDEATHSIG, _PR_SET_NO_NEW_PRIVS = 1, 38


def contain(cfg, workdir, zygote_pid, rules):
    """Lock this freshly forked child in (see the module docstring). Raises if a step fails."""
    if cfg["mounts"]:
        namespaces.private_mounts(workdir, cfg["workdir_bytes"], cfg["uid"], cfg["expose"], cfg["hide"])
    os.chdir(workdir)
    rlimits.apply_rlimits(cfg["limits"])
    libc = landlock._libc
    check(libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(NO_NEW_PRIVS)")
    if cfg["landlock"]:
        landlock.landlock_restrict(cfg["landlock"], cfg["expose"] + cfg["system_read"], [workdir])
    if cfg["uid"] is not None:
        os.setgroups([])
        os.setresgid(cfg["uid"], cfg["uid"], cfg["uid"])
        os.setresuid(cfg["uid"], cfg["uid"], cfg["uid"])
    if os.getuid() != 0:
        rlimits.forbid_new_processes()
    # Cleared by the uid change above, so set afterwards.
    check(libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl(PDEATHSIG)")
    if os.getppid() != zygote_pid:
        os._exit(1)
    if rules is not None:
        seccomp.load(rules)


class CappedOutput(io.TextIOBase):
    """sys.stdout and sys.stderr of the child (one object: their order is kept): writes the first
    ``limit`` bytes to ``fd`` and silently drops the rest, so that a flood of prints costs
    neither the grade nor the grader's time."""

    def __init__(self, fd, limit):
        super().__init__()
        self._fd, self._left, self._pending = fd, limit, bytearray()

    @property
    def encoding(self):
        return "utf-8"

    @property
    def errors(self):
        return "replace"

    def writable(self):
        return True

    def isatty(self):
        return False

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if self._left > 0:
            data = text[:self._left].encode("utf-8", "replace")[:self._left]
            self._left -= len(data)
            self._pending += data
            if len(self._pending) >= 1 << 16 or self._left <= 0:
                self.flush()
        return len(text)

    def flush(self):
        try:
            while self._pending:
                del self._pending[:os.write(self._fd, self._pending)]
        except OSError:  # the parent stopped listening: nothing more to keep
            self._pending.clear()
            self._left = 0

    def close(self):  # the student closing sys.stdout must not close the pipe
        self.flush()


class _BlockImports:
    """A second line behind the file system rules: graders and solutions do not import."""

    BLOCKED = ("solutions", "graders", "_backprop_", "__editable__", "nbgrader")

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0].startswith(self.BLOCKED):
            raise ImportError(f"{name} is not available to submissions", name=name)
        return None


def speak(lang):
    """Let utils (whose texts begin an exception's message: "your code raised ...") speak the job's language; its
    catalogue is read from the utils folder, which the child may read."""
    i18n = sys.modules.get("utils.i18n")
    if i18n is not None and lang in getattr(i18n, "LANGUAGES", ()):
        i18n.set_language(lang)


def run_student(job, arrays, run_case, send, limits):
    """Define the student's class from the spliced source and run every case."""
    messages.set_texts(job.get("texts"))
    speak(job.get("language"))
    answer = Answer(job["filename"], job.get("region"))
    source = job["source"]
    linecache.cache[answer.filename] = (len(source), None, source.splitlines(True), answer.filename)
    # What the notebook's import cell gives the class cell: np and utils' functions.
    utils = sys.modules["utils"]
    namespace = {name: getattr(utils, name) for name in getattr(utils, "__all__", ())}
    namespace.update(__name__="__submission__", __builtins__=builtins, np=np)
    try:
        exec(compile(source, answer.filename, "exec", dont_inherit=True), namespace)
        cls = namespace.get(job["class_name"])
        if not isinstance(cls, type):
            send({"setup_error": messages.no_class(job["class_name"])})
            return
    except BaseException as exc:
        send({"setup_error": describe_exception(exc, answer, limits)})
        return
    for i, case in enumerate(job["cases"]):
        inputs = {name: arrays[index] for name, index in case["inputs"].items()}
        blobs = []
        try:
            outputs = run_case(cls, case["kind"], case["params"], inputs)
            if not isinstance(outputs, dict):
                raise TypeError(f"the runner returned {type(outputs).__name__}")
            header = {"case": i, "outputs": {str(k): encode_value(v, blobs) for k, v in outputs.items()}}
        except BaseException as exc:
            blobs = []
            header = {"case": i, "error": describe_exception(exc, answer, limits)}
        send(header, blobs)


def _send(header, blobs=()):
    view = memoryview(pack_message(header, blobs))
    while view:
        view = view[os.write(CHANNEL_FD, view):]


def child_main(cfg, channel_fd, out_fd, workdir, zygote_pid, rules, run_case):
    """Runs in the forked child; never returns."""
    try:
        os.setsid()
        # Move the two descriptors we keep out of the way, then rebuild 0-3 and close the rest
        # (above all the zygote's control socket).
        channel_fd = fcntl.fcntl(channel_fd, fcntl.F_DUPFD, 10)
        out_fd = fcntl.fcntl(out_fd, fcntl.F_DUPFD, 10)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(out_fd, 1)
        os.dup2(out_fd, 2)
        os.dup2(channel_fd, CHANNEL_FD)
        os.closerange(CHANNEL_FD + 1, 1 << 20)
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGALRM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)
        contain(cfg, workdir, zygote_pid, rules)
        _send(READY_HEADER)
    except BaseException as exc:
        try:
            _send({"sandbox_error": f"{type(exc).__name__}: {exc}"})
        finally:
            os._exit(70)
    try:
        message = read_message(os.fdopen(CHANNEL_FD, "rb", closefd=False))
        if message is None:
            os._exit(71)
        job, blobs = message
        arrays = [raw_array(desc, blob) for desc, blob in zip(job["arrays"], blobs)]
        del message, blobs
    except BaseException:
        os._exit(71)
    output = CappedOutput(1, cfg["limits"]["output_bytes"])
    try:
        os.environ.clear()
        os.environ.update(HOME=workdir, TMPDIR=workdir, PATH="/usr/bin:/bin", LANG="C.UTF-8")
        sys.path[:] = [p for p in cfg["stdlib_path"]]
        sys.meta_path.insert(0, _BlockImports())
        for name in [m for m in sys.modules if m.startswith(_BlockImports.BLOCKED)]:
            del sys.modules[name]
        sys.stdout = sys.stderr = output

        def send(header, blobs=()):
            output.flush()
            _send(header, blobs)

        run_student(job, arrays, run_case, send, cfg["limits"])
        send(DONE_HEADER)
    except BaseException:
        pass
    os._exit(0)
