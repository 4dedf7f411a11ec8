"""The untrusted side of the grading engine: a zygote that forks one contained child per method run.

``graders.engine.sandbox`` starts this file as a fresh interpreter (``python -I -S -B``, clean
environment) that imports numpy, ``utils`` and ``graders/core/runner.py`` (by path, under private
names) and nothing else of backprop-lab: it never sees ``solutions``, the course secret or an
expected output. For each job it forks a child that locks itself in before it runs a line of
the student's code:

- its own session (so the zygote can kill it and everything it started), stdin from /dev/null,
  stdout and stderr into one size-capped file, no other file descriptor but the result pipe;
- when root: a private mount namespace with a small tmpfs as working directory, the course and
  the graders hidden under empty read-only mounts, then a switch to an unprivileged uid of its
  own (one per worker slot) with no capabilities and no right to fork;
- Landlock (when the kernel has it): reads only below the Python library, numpy and ``utils``;
  writes only in its working directory; no TCP; no signals to processes outside itself;
- rlimits: address space, file size, CPU time, open files, no core dumps.

The zygote enforces the wall-clock limit from outside (SIGKILL to the child's process group)
and relays what the child wrote to its result pipe, byte for byte and size-capped, back to the
parent, which trusts none of it: it parses the frames itself and loads arrays with
``allow_pickle=False``.

This module imports only the standard library and numpy, so that the zygote can load it by path.
"""
import builtins
import ctypes
import errno
import fcntl
import gc
import io
import json
import linecache
import os
import re
import resource
import select
import signal
import struct
import sys
import time
import traceback

import numpy as np

# ---------------------------------------------------------------------------------------------
# Wire format, both directions: u32 length of a JSON header, the header, then the blobs whose
# lengths the header lists under "blobs". Arrays travel as .npy bytes (np.save, no pickle).

_LEN = struct.Struct("<I")
MAX_HEADER_BYTES = 1 << 20


def pack_message(header, blobs=()):
    """header: JSON-ready dict; blobs: bytes-like objects. -> the message as bytes."""
    blobs = [bytes(b) for b in blobs]
    header = dict(header, blobs=[len(b) for b in blobs])
    head = json.dumps(header).encode()
    return b"".join([_LEN.pack(len(head)), head, *blobs])


def read_exact(stream, n):
    """Read exactly n bytes from a binary stream; None at a clean end of stream."""
    chunks, got = [], 0
    while got < n:
        chunk = stream.read(n - got)
        if not chunk:
            if got == 0:
                return None
            raise EOFError(f"stream ended after {got} of {n} bytes")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def read_message(stream):
    """One message from a trusted stream -> (header, blobs), or None at end of stream."""
    size = read_exact(stream, _LEN.size)
    if size is None:
        return None
    (n,) = _LEN.unpack(size)
    header = json.loads(read_exact(stream, n))
    blobs = [read_exact(stream, k) for k in header.get("blobs", [])]
    return header, blobs


def split_frames(data, max_frames=10_000):
    """Parse a stream of messages written by untrusted code.

    Returns the list of (header, blobs) that parse; stops quietly at the first frame that is
    truncated or malformed (a child killed mid-write, or a student writing to the pipe).
    """
    frames, pos, view = [], 0, memoryview(data)
    while pos + _LEN.size <= len(data) and len(frames) < max_frames:
        (n,) = _LEN.unpack_from(data, pos)
        if n > MAX_HEADER_BYTES or pos + _LEN.size + n > len(data):
            break
        try:
            header = json.loads(bytes(view[pos + _LEN.size:pos + _LEN.size + n]))
            lengths = header.get("blobs", []) if isinstance(header, dict) else None
            if not isinstance(lengths, list) or not all(type(k) is int and k >= 0 for k in lengths):
                break
        except (ValueError, RecursionError):
            break
        pos += _LEN.size + n
        if pos + sum(lengths) > len(data):
            break
        blobs = []
        for k in lengths:
            blobs.append(bytes(view[pos:pos + k]))
            pos += k
        frames.append((header, blobs))
    return frames


def array_to_bytes(a):
    """a: any non-object ndarray -> its .npy bytes."""
    buf = io.BytesIO()
    np.save(buf, a, allow_pickle=False)
    return buf.getvalue()


_SAFE_KINDS = set("biufcSU")
# The header np.save writes: {'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }
_NPY_HEADER = re.compile(r"\{'descr': '([<>|=]?[a-zA-Z]\d*)', 'fortran_order': (True|False), "
                         r"'shape': \(((?:\d+, )*\d*|\d+,)\), \}\s*")


def _npy_header(data):
    """(shape, fortran_order, dtype, offset of the data) of .npy bytes, without allocating."""
    if data[:6] != b"\x93NUMPY" or len(data) < 10:
        raise ValueError("not .npy data")
    major = data[6]
    if major == 1:
        (length,), start = struct.unpack_from("<H", data, 8), 10
    elif major in (2, 3):
        (length,), start = struct.unpack_from("<I", data, 8), 12
    else:
        raise ValueError(f"unsupported .npy version {major}")
    if length > 10_000 or start + length > len(data):
        raise ValueError("malformed .npy header")
    text = data[start:start + length].decode("latin1")
    match = _NPY_HEADER.fullmatch(text)
    if match:  # what np.save writes: read without a parser
        descr, fortran, shape_text = match.groups()
        shape = tuple(int(k) for k in shape_text.replace(",", " ").split())
        dtype = np.dtype(descr)
        fortran = fortran == "True"
    else:  # anything else np.save might write: numpy's own (literal_eval) reader
        f = io.BytesIO(data)
        version = np.lib.format.read_magic(f)
        reader = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, fortran, dtype = reader(f)
    return shape, fortran, dtype, start + length


def bytes_to_array(data, max_bytes=1 << 28):
    """.npy bytes (np.save, from anywhere, trusted or not) -> a new ndarray, or ValueError.

    Never unpickles (object dtypes are refused, as np.load(allow_pickle=False) refuses them) and
    checks the header against the data before allocating anything: a forged shape cannot ask
    for terabytes. Only plain numeric or string dtypes.
    """
    try:
        shape, fortran, dtype, offset = _npy_header(bytes(data[:20_000]))
    except (ValueError, TypeError, SyntaxError, struct.error) as exc:
        raise ValueError(f"not a valid .npy array: {exc}") from None
    if dtype.hasobject or dtype.kind not in _SAFE_KINDS or dtype.fields is not None:
        raise ValueError(f"arrays of dtype {dtype} are not accepted")
    if any(type(k) is not int or k < 0 for k in shape):
        raise ValueError(f"bad array shape {shape}")
    count = 1
    for k in shape:
        count *= k
    nbytes = count * dtype.itemsize
    if nbytes > max_bytes or nbytes != len(data) - offset:
        raise ValueError(f"array data does not match its header (shape {shape}, dtype {dtype})")
    flat = np.frombuffer(data, dtype=dtype, count=count, offset=offset)
    return flat.reshape(shape, order="F" if fortran else "C").copy(order="K")


def raw_array(desc, blob):
    """An array sent by the trusted parent as raw bytes: desc {"dtype", "shape"}."""
    dtype = np.dtype(desc["dtype"])
    return np.frombuffer(blob, dtype=dtype).reshape(desc["shape"])


# ---------------------------------------------------------------------------------------------
# Values the student's code returned -> JSON header entries + blobs, and back.

MAX_OUTPUT_ARRAY_BYTES = 1 << 24


def encode_value(value, blobs):
    """One output value (anything the student's code returned) -> a JSON-ready description.

    ndarrays and numpy scalars become .npy blobs; JSON-able Python values travel as JSON;
    anything else as its type name and a short repr, so that the parent can say what it was.
    """
    if isinstance(value, np.ndarray) and not value.dtype.hasobject:
        nbytes = value.size * value.dtype.itemsize
        if nbytes > MAX_OUTPUT_ARRAY_BYTES:
            return {"type": "too_big", "shape": list(value.shape), "dtype": str(value.dtype),
                    "nbytes": int(nbytes)}
        blobs.append(array_to_bytes(np.asarray(value)))
        return {"type": "ndarray", "blob": len(blobs) - 1, "class": type(value).__name__}
    if isinstance(value, np.generic) and not isinstance(value, np.object_):
        blobs.append(array_to_bytes(np.asarray(value)))
        return {"type": "scalar", "blob": len(blobs) - 1}
    if value is None or type(value) in (bool, int, float, str):
        if type(value) is str:
            value = value[:20_000]
        return {"type": "json", "value": value}
    if type(value) in (list, tuple) and _plain_sequence(value):
        return {"type": type(value).__name__, "value": value}
    try:
        text = repr(value)[:200]
    except Exception:
        text = "<unprintable>"
    kind = type(value)
    return {"type": "object", "class": getattr(kind, "__name__", "object"),
            "module": getattr(kind, "__module__", None), "repr": text}


def _plain_sequence(value, budget=None):
    """True for (nested) lists/tuples of at most 100,000 bools, ints, floats, None."""
    budget = budget if budget is not None else [100_000]
    for item in value:
        budget[0] -= 1
        if budget[0] < 0:
            return False
        if type(item) in (list, tuple):
            if not _plain_sequence(item, budget):
                return False
        elif not (item is None or type(item) in (bool, int, float)):
            return False
    return True


class ForeignObject:
    """Stands in, in the trusted parent, for an object the student's code returned that is not
    an array or a plain value. ``type(x).__name__`` is the student's class name."""

    _repr = "<object>"

    def __repr__(self):
        return self._repr


def decode_value(desc, blobs):
    """The inverse of encode_value, for descriptions that came from untrusted code."""
    if not isinstance(desc, dict):
        raise ValueError("malformed output description")
    kind = desc.get("type")
    if kind in ("ndarray", "scalar"):
        index = desc.get("blob")
        if type(index) is not int or not 0 <= index < len(blobs):
            raise ValueError("malformed output description")
        array = bytes_to_array(blobs[index])
        return array[()] if kind == "scalar" else array
    if kind == "json":
        value = desc.get("value")
        if not (value is None or type(value) in (bool, int, float, str)):
            raise ValueError("malformed output description")
        return value
    if kind in ("list", "tuple"):
        value = desc.get("value")
        if not isinstance(value, list):
            raise ValueError("malformed output description")
        return value if kind == "list" else tuple(value)
    if kind == "object":
        name = str(desc.get("class"))[:100]
        if not name.isidentifier():
            name = "object"
        text = "".join(c if c.isprintable() else "\ufffd" for c in str(desc.get("repr"))[:200])
        stand_in = type(name, (ForeignObject,), {"_repr": text})
        return stand_in()
    raise ValueError(f"unknown output type {kind!r}")


# ---------------------------------------------------------------------------------------------
# Landlock, through its three system calls (the same numbers on every Linux architecture).

_SYS_CREATE_RULESET, _SYS_ADD_RULE, _SYS_RESTRICT_SELF = 444, 445, 446
_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1
FS_EXECUTE, FS_WRITE_FILE, FS_READ_FILE, FS_READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
_FS_ALL_ABI1 = (1 << 13) - 1
_FS_REFER, _FS_TRUNCATE, _FS_IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
_FILE_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | _FS_TRUNCATE | _FS_IOCTL_DEV
_NET_BIND_TCP, _NET_CONNECT_TCP = 1 << 0, 1 << 1
_SCOPE_ABSTRACT_UNIX_SOCKET, _SCOPE_SIGNAL = 1 << 0, 1 << 1


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


def _check(result, what):
    if result < 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")
    return result


def landlock_abi():
    """The kernel's Landlock ABI version, 0 when it has none (or it is disabled)."""
    try:
        version = _libc.syscall(_SYS_CREATE_RULESET, None, ctypes.c_size_t(0),
                                ctypes.c_uint32(_RULESET_VERSION))
    except Exception:
        return 0
    return max(int(version), 0)


def landlock_restrict(abi, read_paths, write_paths):
    """Restrict this process for good: read (and execute) below read_paths, anything below
    write_paths, nothing else on the file system; with ABI >= 4 no TCP, with ABI >= 6 no
    signals or abstract unix sockets to processes outside this one's domain."""
    handled = _FS_ALL_ABI1
    if abi >= 2:
        handled |= _FS_REFER
    if abi >= 3:
        handled |= _FS_TRUNCATE
    if abi >= 5:
        handled |= _FS_IOCTL_DEV
    attr = _RulesetAttr(handled_access_fs=handled)
    size = 8
    if abi >= 4:
        attr.handled_access_net = _NET_BIND_TCP | _NET_CONNECT_TCP
        size = 16
    if abi >= 6:
        attr.scoped = _SCOPE_ABSTRACT_UNIX_SOCKET | _SCOPE_SIGNAL
        size = 24
    ruleset = _check(_libc.syscall(_SYS_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size),
                                   ctypes.c_uint32(0)), "landlock_create_ruleset")
    try:
        read = FS_EXECUTE | FS_READ_FILE | FS_READ_DIR
        write = handled & ~FS_EXECUTE
        for paths, rights in ((read_paths, read), (write_paths, write)):
            for path in paths:
                try:
                    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
                except FileNotFoundError:
                    continue
                try:
                    allowed = rights if os.path.isdir(path) else rights & _FILE_RIGHTS
                    rule = _PathBeneathAttr(allowed_access=allowed & handled, parent_fd=fd)
                    _check(_libc.syscall(_SYS_ADD_RULE, ctypes.c_int(ruleset),
                                         ctypes.c_int(_RULE_PATH_BENEATH), ctypes.byref(rule),
                                         ctypes.c_uint32(0)), f"landlock_add_rule {path}")
                finally:
                    os.close(fd)
        _check(_libc.syscall(_SYS_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)),
               "landlock_restrict_self")
    finally:
        os.close(ruleset)


# ---------------------------------------------------------------------------------------------
# Mount namespace (root only): a tmpfs working directory, hidden course, reachable Python.

_CLONE_NEWNS = 0x00020000
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_NOEXEC = 1, 2, 4, 8
_MS_BIND, _MS_REC, _MS_PRIVATE = 4096, 16384, 1 << 18
_PR_SET_PDEATHSIG, _PR_SET_NO_NEW_PRIVS = 1, 38


def _mount(source, target, fstype, flags, data):
    enc = lambda s: None if s is None else os.fsencode(s)  # noqa: E731
    _check(_libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)),
           f"mount {target}")


def _world_blocked_ancestor(path):
    """The top-most directory above path (or path) that others may not enter, or None."""
    parts = os.path.abspath(path).split(os.sep)[1:]
    current = ""
    for part in parts:
        current += os.sep + part
        try:
            mode = os.stat(current).st_mode
        except OSError:
            return None
        if not mode & 0o001:
            return current
    return None


def _inside(path, root):
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def private_mounts(workdir, workdir_bytes, uid, expose, hide):
    """In a new mount namespace: a tmpfs on workdir owned by uid; every directory in ``expose``
    reachable by an unprivileged uid (an ancestor others may not enter, such as a 0700 home,
    is covered by a tmpfs into which only the exposed directories are bind-mounted back);
    every path in ``hide`` covered by an empty read-only tmpfs."""
    _check(_libc.unshare(_CLONE_NEWNS), "unshare(CLONE_NEWNS)")
    _mount(None, "/", None, _MS_REC | _MS_PRIVATE, None)
    owner = f",uid={uid},gid={uid}" if uid is not None else ""
    _mount("tmpfs", workdir, "tmpfs", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC,
           f"size={workdir_bytes},nr_inodes=4096,mode=0700{owner}")
    blocked = {}
    for path in expose:
        top = _world_blocked_ancestor(path)
        if top is not None:
            blocked.setdefault(top, []).append(path)
    for top, paths in blocked.items():
        fds = {p: os.open(p, os.O_PATH | os.O_DIRECTORY) for p in paths if os.path.isdir(p)}
        _mount("tmpfs", top, "tmpfs", _MS_NOSUID | _MS_NODEV, "size=65536,mode=0755")
        for path, fd in fds.items():
            os.makedirs(path, mode=0o755, exist_ok=True)
            _mount(f"/proc/self/fd/{fd}", path, None, _MS_BIND | _MS_REC, None)
            os.close(fd)
    keep = list(expose) + [workdir]
    for path in hide:
        if not os.path.isdir(path) or any(_inside(k, path) for k in keep):
            continue
        _mount("tmpfs", path, "tmpfs", _MS_RDONLY | _MS_NOSUID | _MS_NODEV | _MS_NOEXEC,
               "size=4096,mode=000")


# ---------------------------------------------------------------------------------------------
# The child: contain, then run the student's class on every case, one frame per case.

def _vm_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def contain(cfg, workdir, zygote_pid):
    """Lock this freshly forked child in (see the module docstring). Raises if a step fails."""
    if cfg["mounts"]:
        private_mounts(workdir, cfg["workdir_bytes"], cfg["uid"], cfg["expose"], cfg["hide"])
    os.chdir(workdir)
    limits = cfg["limits"]
    cpu = int(limits["timeout"]) + 2
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits["output_bytes"], limits["output_bytes"]))
    resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
    memory = _vm_bytes() + limits["memory_mib"] * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    _check(_libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(NO_NEW_PRIVS)")
    if cfg["landlock"]:
        landlock_restrict(cfg["landlock"], cfg["expose"] + cfg["system_read"], [workdir])
    if cfg["uid"] is not None:
        os.setgroups([])
        os.setresgid(cfg["uid"], cfg["uid"], cfg["uid"])
        os.setresuid(cfg["uid"], cfg["uid"], cfg["uid"])
    if os.getuid() != 0:
        # No new processes or threads: nothing can outlive the kill of this process group.
        resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))
    # Cleared by the uid change above, so set afterwards.
    _check(_libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl(PDEATHSIG)")
    if os.getppid() != zygote_pid:
        os._exit(1)


class _BlockImports:
    """A second line behind the file system rules: graders and solutions do not import."""

    BLOCKED = ("solutions", "graders", "_backprop_", "__editable__", "nbgrader")

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0].startswith(self.BLOCKED):
            raise ImportError(f"{name} is not available to submissions", name=name)
        return None


class _Answer:
    """Where the student's region sits in the spliced class, to point at their own lines."""

    def __init__(self, filename, region):
        self.filename = filename
        self.region = region or {}

    def where(self, lineno):
        start, end = self.region.get("start"), self.region.get("end")
        cell_line = self.region.get("cell_line")
        if start and end and cell_line and start <= lineno < end:
            return f"line {lineno - start + cell_line}"
        return f"line {lineno} of the class as given (outside Begin/End)"


def describe_exception(exc, answer, limits):
    """An exception from the student's code -> a message a student can act on.

    The first line is utils.checking's ("your code raised ValueError: ..."), so that the
    parent's diagnosis can match it against the known mistakes; then up to three lines of the
    student's code, numbered as in their notebook cell.
    """
    if isinstance(exc, SystemExit):
        return (f"your code called sys.exit({exc.code!r}) (or exit/quit): remove it; backward must "
                f"return its result")
    if isinstance(exc, OSError) and exc.errno == errno.EFBIG:
        return (f"your code printed more than {limits['output_bytes']:,} bytes: remove the print "
                f"statements from your answer")
    if isinstance(exc, MemoryError):
        return (f"your code raised MemoryError: it tried to use more than the {limits['memory_mib']} MiB "
                f"the grader allows")
    checking = sys.modules.get("utils.checking")
    try:
        head = checking.describe_exception(exc) if checking else f"your code raised {type(exc).__name__}: {exc}"
    except Exception:
        head = f"your code raised {type(exc).__name__}"
    lines = [head[:1500]]
    if isinstance(exc, SyntaxError) and exc.filename == answer.filename and exc.lineno:
        code = (exc.text or "").strip()
        lines.append(f"  {answer.where(exc.lineno)}" + (f": {code}" if code else ""))
    else:
        try:
            frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == answer.filename]
        except Exception:
            frames = []
        for frame in frames[-3:]:
            code = (frame.line or "").strip()
            lines.append(f"  {answer.where(frame.lineno)}, in {frame.name}" + (f": {code}" if code else ""))
    if isinstance(exc, NameError):
        lines.append("  Only the code between the Begin and End lines is graded, with np, im2col and col2im "
                     "(and the rest of utils) available: define any helper inside that region.")
    if isinstance(exc, ImportError):
        lines.append("  The grader offers numpy, utils and the Python standard library.")
    return "\n".join(lines)


def run_student(job, arrays, run_case, send, limits):
    """Define the student's class from the spliced source and run every case."""
    answer = _Answer(job["filename"], job.get("region"))
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
            send({"setup_error": f"the class {job['class_name']} is not defined by your answer "
                                 f"cell: keep its name and the code outside Begin/End as given"})
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
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:
                pass


def child_main(cfg, job, arrays, run_case, result_fd, out_fd, workdir, zygote_pid):
    """Runs in the forked child; never returns."""
    try:
        os.setsid()
        # Move the two descriptors we keep out of the way, then rebuild 0-3 and close the rest
        # (above all the zygote's pipes to the parent).
        result_fd = fcntl.fcntl(result_fd, fcntl.F_DUPFD, 10)
        out_fd = fcntl.fcntl(out_fd, fcntl.F_DUPFD, 10)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(out_fd, 1)
        os.dup2(out_fd, 2)
        os.dup2(result_fd, 3)
        os.closerange(4, 1 << 20)
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGALRM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)
        contain(cfg, workdir, zygote_pid)
    except BaseException as exc:
        try:
            os.write(3, pack_message({"sandbox_error": f"{type(exc).__name__}: {exc}"}))
        finally:
            os._exit(70)
    try:
        os.environ.clear()
        os.environ.update(HOME=workdir, TMPDIR=workdir, PATH="/usr/bin:/bin", LANG="C.UTF-8")
        sys.path[:] = [p for p in cfg["stdlib_path"]]
        sys.meta_path.insert(0, _BlockImports())
        for name in [m for m in sys.modules if m.startswith(_BlockImports.BLOCKED)]:
            del sys.modules[name]
        sys.stdout = open(1, "w", buffering=1, errors="replace", closefd=False)
        sys.stderr = open(2, "w", buffering=1, errors="replace", closefd=False)

        def send(header, blobs=()):
            data = pack_message(header, blobs)
            view = memoryview(data)
            while view:
                view = view[os.write(3, view):]

        run_student(job, arrays, run_case, send, cfg["limits"])
        send(DONE_HEADER)
    except BaseException:
        pass
    os._exit(0)


# ---------------------------------------------------------------------------------------------
# The zygote: wait for a job, fork a child for it, police it, report.

# The child's last frame. Once it has arrived the zygote need not wait for the child's exit
# (tearing down a mount namespace takes milliseconds): it kills it and reaps it later.
DONE_HEADER = {"done": True}
DONE = pack_message(DONE_HEADER)


def _kill_group(pid):
    for kill in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            kill()
        except OSError:
            pass


def _wait_child(pid, result_r, deadline, max_bytes):
    """Collect the child's result stream until it says it is done, exits, or the deadline passes.

    Returns (data, timed_out, overflow, done). A child that is not known to have exited has been
    sent SIGKILL (the caller reaps it)."""
    data = bytearray()
    timed_out = overflow = done = False
    pidfd = os.pidfd_open(pid)
    watch = [result_r, pidfd]
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                timed_out = True
                break
            ready, _, _ = select.select(watch, [], [], remaining)
            if result_r in ready:
                chunk = os.read(result_r, 1 << 16)
                if chunk:
                    data += chunk
                    if len(data) > max_bytes:
                        overflow = True
                        break
                    if data.endswith(DONE):
                        done = True
                        break
                else:
                    watch.remove(result_r)
            if pidfd in ready:
                break
    finally:
        os.close(pidfd)
    if timed_out or overflow or done:
        _kill_group(pid)
        return bytes(data[:max_bytes]), timed_out, overflow, done
    # The write end may still be open in a descendant that escaped; read what is there, briefly.
    if result_r in watch:
        end = time.monotonic() + 0.5
        while time.monotonic() < end and len(data) <= max_bytes:
            ready, _, _ = select.select([result_r], [], [], 0.05)
            if not ready:
                break
            chunk = os.read(result_r, 1 << 16)
            if not chunk:
                break
            data += chunk
    return bytes(data[:max_bytes]), timed_out, overflow, done


def _reap(pid):
    """Wait for a child -> (exit code or None, signal number or None, max RSS in KiB)."""
    _, status, usage = os.wait4(pid, 0)
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
    sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    return code, sig, usage.ru_maxrss


def run_job(cfg, job, blobs, run_case, serial, pending):
    """Fork a contained child for one job; the reply header and the raw result stream.

    pending: pids of earlier children that were killed but not reaped yet."""
    while pending:
        _reap(pending.pop())
    limits = cfg["limits"]
    arrays = [raw_array(desc, blob) for desc, blob in zip(job["arrays"], blobs)]
    workdir = os.path.join(cfg["workroot"], f"run-{os.getpid()}-{serial}")  # a restarted zygote starts over
    os.mkdir(workdir, 0o700)
    if cfg["uid"] is not None and not cfg["mounts"]:
        os.chown(workdir, cfg["uid"], cfg["uid"])
    out_path = workdir + ".out"
    out_fd = os.open(out_path, os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
    result_r = result_w = None
    try:  # a failed pipe, fork or wait must not leak descriptors in this long-lived zygote
        result_r, result_w = os.pipe()
        start = time.monotonic()
        zygote_pid = os.getpid()
        # Nothing allocated so far is garbage-collected in the child: its collections would walk
        # (and so copy-on-write) the whole inherited heap.
        gc.freeze()
        pid = os.fork()
        if pid == 0:
            os.close(result_r)
            child_main(cfg, job, arrays, run_case, result_w, out_fd, workdir, zygote_pid)
            os._exit(70)  # child_main never returns
        os.close(result_w)
        result_w = None
        try:
            data, timed_out, overflow, done = _wait_child(
                pid, result_r, start + limits["timeout"], limits["result_bytes"])
        except BaseException:
            _kill_group(pid)
            pending.append(pid)  # reaped before the next fork
            raise
        seconds = time.monotonic() - start
        if done:
            pending.append(pid)  # killed; reaped before the next fork, off the critical path
            code, sig, max_rss = 0, None, None
        else:
            code, sig, max_rss = _reap(pid)
        size = os.fstat(out_fd).st_size
        excerpt = os.pread(out_fd, limits["output_excerpt"], 0)
    finally:
        for fd in (result_r, result_w, out_fd):
            if fd is not None:
                os.close(fd)
        try:
            os.unlink(out_path)
        except FileNotFoundError:
            pass  # a child without Landlock may have removed it: not the grader's failure
        _remove_tree(workdir)
    reply = {
        "exit_code": code, "signal": sig, "done": done,
        "timed_out": timed_out, "overflow": overflow, "seconds": round(seconds, 4),
        "output": excerpt.decode("utf-8", "replace"), "output_bytes": size,
        "max_rss_kib": max_rss,
    }
    return reply, data


def _remove_tree(path):
    """Remove a working directory the student may have filled (never following symlinks)."""
    import shutil
    shutil.rmtree(path, ignore_errors=True)


def zygote_main(cfg, run_case):
    """Serve jobs on stdin/stdout until stdin closes."""
    stdin = os.fdopen(0, "rb", buffering=1 << 16, closefd=False)
    stdout = os.fdopen(os.dup(1), "wb", buffering=0)
    # Anything printed by accident must not corrupt the protocol.
    os.dup2(2, 1)
    os.makedirs(cfg["workroot"], mode=0o711, exist_ok=True)
    stdout.write(pack_message({"ready": True, "pid": os.getpid(), "landlock": cfg["landlock"],
                               "uid": cfg["uid"], "mounts": cfg["mounts"]}))
    serial = 0
    pending = []
    while True:
        message = read_message(stdin)
        if message is None:
            return
        header, blobs = message
        serial += 1
        try:
            reply, data = run_job(cfg, header, blobs, run_case, serial, pending)
        except Exception as exc:  # a bug or resource problem on our side, not the student's
            reply, data = {"zygote_error": f"{type(exc).__name__}: {exc}"}, b""
        stdout.write(pack_message(reply, [data]))


# ---------------------------------------------------------------------------------------------
# Entry point of the zygote (graders.engine.sandbox starts it with numpy already importable).

SYSTEM_READ = ["/usr", "/lib", "/lib64", "/lib32", "/etc/ld.so.cache", "/etc/localtime"]


def _load_by_path(name, path, package_dir=None):
    """Import a file under a name of our choosing, without putting its folder on sys.path."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        name, path, submodule_search_locations=[package_dir] if package_dir else None)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def main(cfg):
    """cfg: the JSON the parent passed on the command line (see graders.engine.sandbox)."""
    _load_by_path("utils", os.path.join(cfg["utils_dir"], "__init__.py"), cfg["utils_dir"])
    runner = _load_by_path("_backprop_runner", cfg["runner"])
    numpy_dir = os.path.dirname(np.__file__)
    expose = [p for p in sys.path if os.path.isdir(p)]
    expose += [numpy_dir, cfg["utils_dir"]]
    if os.path.isdir(numpy_dir + ".libs"):
        expose.append(numpy_dir + ".libs")
    cfg.update(expose=expose, stdlib_path=list(sys.path), system_read=SYSTEM_READ,
               landlock=landlock_abi() if cfg["landlock"] else 0)
    zygote_main(cfg, runner.run_case)
