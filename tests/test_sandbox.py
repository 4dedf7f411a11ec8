"""The sandbox (graders.engine.sandbox): what a student's code can and cannot do in it, and what comes back.

Each test runs a real class (the exercise's template with a body spliced between Begin and End)
in a real zygote and its contained child. The oracle for what comes back is the same class run
in this process; the oracle for containment is the file system and the processes themselves
(checksums, pids), never the sandbox's own word.
"""
import ast
import hashlib
import os
import secrets
import signal
import socket
import textwrap
from pathlib import Path

import numpy as np
import pytest

import solutions.layers
from engine_helpers import POOL, REPO, reference_body
from graders.core.cases import random_cases
from graders.engine.notebook import Answer, class_template, splice_answer
from graders.core.runner import run_case
from graders.engine.sandbox import Limits, Sandbox, SandboxCase
from graders.engine.sandbox.landlock import landlock_abi
from graders.engine.sandbox.wire import ForeignObject, array_to_bytes, bytes_to_array, pack_message, split_frames
from graders.core.seeds import public_seeds

TIMEOUT = 2.0
CASES = random_cases(POOL.name, public_seeds("sandbox-tests"))[:3]


def source_with(body):
    """The MaxPool template with ``body`` (dedented Python) as the student's answer."""
    code = textwrap.indent(textwrap.dedent(body).strip("\n"), " " * 8)
    source, region = splice_answer(class_template(POOL), Answer(POOL.name, code, 40, "cell 7"))
    return source, region


@pytest.fixture(scope="module")
def box(tmp_path_factory):
    hidden = tmp_path_factory.mktemp("hidden-course")
    (hidden / "gradebook.db").write_bytes(b"precious")
    with Sandbox(Limits(timeout=TIMEOUT, memory_mib=512, output_bytes=1 << 16), hide=[hidden]) as sandbox:
        sandbox.hidden = hidden
        yield sandbox


def run(box, body, cases=CASES):
    source, region = source_with(body)
    return box.run(source, "MaxPool", [SandboxCase(POOL.plan, c.params, c.inputs) for c in cases],
                   filename="maxpool_backward.ipynb", region=region)


def errors(result):
    return [case.error for case in result.cases]


def test_a_correct_class_sends_back_what_it_computes_here(box):
    result = run(box, reference_body(POOL))
    assert result.status == "finished" and errors(result) == [None] * len(CASES)
    for case, outcome in zip(CASES, result.cases):
        here = run_case(solutions.layers.MaxPool, POOL.plan, case.params, case.inputs)
        assert set(outcome.outputs) == {"dx"}
        assert outcome.outputs["dx"].dtype == here["dx"].dtype
        np.testing.assert_array_equal(outcome.outputs["dx"], here["dx"])


def test_the_child_has_numpy_utils_and_the_stdlib_but_no_grader(box):
    result = run(box, """
        import sys, math, json, hashlib, random, itertools
        from utils import im2col
        return "\\n".join(sorted({name.split(".")[0] for name in sys.modules}))
    """, CASES[:1])
    modules = result.cases[0].outputs["dx"].split("\n")
    assert "numpy" in modules and "utils" in modules and "hashlib" in modules
    assert not {"solutions", "graders", "nbgrader", "nbformat"} & set(modules)


@pytest.mark.parametrize("body", [
    "import solutions",
    "from graders.core import check",
    "import importlib; importlib.import_module('solutions.layers')",
])
def test_solutions_and_graders_do_not_import(box, body):
    result = run(box, body + "\nreturn None", CASES[:1])
    assert "your code raised" in result.cases[0].error and "Error" in result.cases[0].error


def test_files_outside_the_working_directory_cannot_be_read_or_written(box, tmp_path):
    target = tmp_path / "outside.json"
    target.write_text("{}")
    before = target.read_bytes()
    layers = REPO / "solutions" / "layers.py"
    result = run(box, f"""
        import os
        out = []
        for path in [{str(layers)!r}, {str(box.hidden / 'gradebook.db')!r}, "/etc/hostname", "/proc/1/environ"]:
            try:
                out.append("read " + path + " " + str(len(open(path, "rb").read())))
            except OSError as exc:
                out.append("denied " + path)
        try:
            open({str(target)!r}, "w").write("overwritten")
            out.append("wrote outside")
        except OSError:
            out.append("denied write")
        open("mine.txt", "w").write("allowed here")
        out.append("cwd " + os.getcwd() + " " + open("mine.txt").read())
        return "\\n".join(out)
    """, CASES[:1])
    lines = result.cases[0].outputs["dx"].split("\n")
    assert [line.split()[0] for line in lines[:4]] == ["denied"] * 4
    assert lines[4] == "denied write"
    assert lines[5].endswith("allowed here")
    assert target.read_bytes() == before
    cwd = lines[5].split()[1]
    assert not Path(cwd).exists()  # the private directory is gone after the run


def test_the_working_directory_is_fresh_for_every_run(box):
    first = run(box, "open('note.txt', 'w').write('from run 1'); return 1", CASES[:1])
    second = run(box, "import os; return str(os.listdir('.'))", CASES[:1])
    assert first.cases[0].error is None
    assert second.cases[0].outputs["dx"] == "[]"


def test_an_endless_loop_ignoring_signals_is_killed_and_the_zygote_goes_on(box):
    result = run(box, """
        import signal
        for sig in (signal.SIGALRM, signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_IGN)
        while True:
            pass
    """)
    assert result.status == "timeout"
    assert "did not finish within" in result.cases[0].error
    assert all("not run" in e for e in errors(result)[1:])
    assert run(box, reference_body(POOL)).status == "finished"


def test_a_slow_case_keeps_the_results_of_the_cases_before_it(box):
    result = run(box, """
        if self.x.shape == %r:
            while True:
                pass
    """ % (CASES[1].inputs["x"].shape,) + reference_body(POOL))
    assert result.cases[0].error is None and "did not finish" in result.cases[1].error


@pytest.mark.parametrize("body, words", [
    ("import os; os._exit(0)", "ended the grading process"),
    ("import os, signal; os.kill(os.getpid(), signal.SIGSEGV)", "crashed (SIGSEGV)"),
    ("import sys; sys.exit(0)", "sys.exit(0)"),
    ("raise SystemExit(3)", "sys.exit(3)"),
    ("raise KeyboardInterrupt", "KeyboardInterrupt"),
])
def test_exits_and_crashes_are_the_students_error(box, body, words):
    result = run(box, body)
    assert words in result.cases[0].error
    assert run(box, reference_body(POOL)).status == "finished"


def test_it_cannot_kill_its_parent_or_anyone(box):
    zygote = box._proc.pid
    result = run(box, """
        import os, signal
        for pid in (os.getppid(), 1, -1):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        return os.getppid()
    """, CASES[:1])
    assert result.cases[0].error is None
    assert box._proc.poll() is None and box._proc.pid == zygote
    assert run(box, reference_body(POOL)).status == "finished"


def test_no_new_processes_or_threads(box):
    result = run(box, """
        import os, threading
        out = []
        try:
            pid = os.fork()
            if pid == 0:
                os._exit(0)
            out.append("forked")
        except OSError:
            out.append("no fork")
        try:
            threading.Thread(target=print).start()
            out.append("thread")
        except RuntimeError:
            out.append("no thread")
        return ",".join(out)
    """, CASES[:1])
    assert result.cases[0].outputs["dx"] == "no fork,no thread"


def test_memory_is_capped(box):
    result = run(box, "a = np.ones(2 ** 30)  # 8 GiB\nreturn a")
    assert "MemoryError" in result.cases[0].error and "512 MiB" in result.cases[0].error
    assert run(box, reference_body(POOL)).status == "finished"


def test_a_flood_of_output_is_cut_and_the_answer_still_counts(box):
    # 200 MB through print, 10 MB more straight to the descriptors: kept up to the cap, the rest
    # dropped; the answer's results come back as if it had printed nothing.
    flood = """
        import os, sys
        print("first line")
        for i in range(10 ** 5):
            print("x" * 1000)
            sys.stderr.write("y" * 1000)
        for i in range(10):
            os.write(2, b"z" * 1000000)
    """
    result = run(box, textwrap.dedent(flood) + textwrap.dedent(reference_body(POOL)), CASES[:1])
    expected = run(box, reference_body(POOL), CASES[:1])
    assert result.status == "finished" and result.cases[0].error is None
    assert np.array_equal(result.cases[0].outputs["dx"], expected.cases[0].outputs["dx"])
    assert result.output.startswith("first line") and len(result.output) <= box.limits.output_excerpt
    assert result.output_cut and not expected.output_cut


def test_no_network(box):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    try:
        result = run(box, f"""
            import socket
            s = socket.socket()
            s.settimeout(1)
            s.connect(("127.0.0.1", {port}))
            return "connected"
        """, CASES[:1])
    finally:
        server.close()
    if landlock_abi() >= 4:
        assert "PermissionError" in result.cases[0].error


def test_the_course_secret_does_not_reach_the_child(tmp_path):
    secret = "secret-" + hashlib.sha256(str(tmp_path).encode()).hexdigest()
    os.environ["BACKPROP_LAB_SECRET"] = secret
    try:
        with Sandbox(Limits(timeout=TIMEOUT)) as sandbox:
            result = run(sandbox, """
                import os
                found = [str(dict(os.environ))]
                for path in ("/proc/self/environ", "/proc/%d/environ" % os.getppid()):
                    try:
                        found.append(open(path, "rb").read().decode("latin1"))
                    except OSError:
                        pass
                return "\\n".join(found)
            """, CASES[:1])
    finally:
        del os.environ["BACKPROP_LAB_SECRET"]
    assert secret not in result.cases[0].outputs["dx"]
    assert "BACKPROP_LAB_SECRET" not in result.cases[0].outputs["dx"]


@pytest.mark.parametrize("body, check", [
    ("return np.full_like(self.x, np.nan)", lambda v: isinstance(v, np.ndarray) and np.isnan(v).all()),
    ("return 'dx'", lambda v: v == "dx"),
    ("return None", lambda v: v is None),
    ("return [1.0, 2.0]", lambda v: v == [1.0, 2.0]),
    ("return (np.zeros(2), 1)", lambda v: type(v).__name__ == "tuple" and isinstance(v, ForeignObject)),
    ("return np.float32(1.5)", lambda v: isinstance(v, np.float32) and v == 1.5),
    ("return np.array([object()])", lambda v: type(v).__name__ == "ndarray" and isinstance(v, ForeignObject)),
    ("class Weird:\n    def __repr__(self):\n        return 'weird'\nreturn Weird()",
     lambda v: type(v).__name__ == "Weird" and repr(v) == "weird"),
])
def test_whatever_comes_back_is_plain_data(box, body, check):
    result = run(box, body, CASES[:1])
    assert check(result.cases[0].outputs["dx"]), result.cases[0]


def test_a_huge_result_is_refused(box):
    result = run(box, "return np.zeros(4 * 10 ** 6)", CASES[:1])
    assert "far larger than expected" in result.cases[0].error


def test_errors_point_at_the_students_own_line(box):
    result = run(box, """
        dout = dout.transpose(0, 2, 3, 1)
        return dout.reshape(7, -1, 3)
    """, CASES[:1])
    error = result.cases[0].error
    assert error.startswith("your code raised ValueError")
    assert "line 41, in backward: return dout.reshape(7, -1, 3)" in error  # the answer starts on cell line 40


def test_syntax_errors_too(box):
    result = run(box, "return [1, 2", CASES[:1])
    assert "SyntaxError" in result.cases[0].error and "line 40" in result.cases[0].error


def test_forged_frames_give_nothing_but_data(box):
    # Writing frames to the result pipe directly is no more than returning values: the parent
    # parses them itself and takes the first frame of each case.
    result = run(box, """
        import os
        os.write(3, b"\\x10\\x00\\x00\\x00{not json at all")
        raise SystemExit(0)
    """, CASES[:2])
    assert all(e is not None for e in errors(result))


# ---------------------------------------------------------------- the wire format, on its own

def test_npy_round_trip_and_refusals():
    for array in (np.zeros((2, 3)), np.arange(5, dtype=np.int32), np.asfortranarray(np.ones((3, 4))),
                  np.array(3.5), np.zeros((0, 2)), np.array(["a", "bc"])):
        back = bytes_to_array(array_to_bytes(array))
        assert back.dtype == array.dtype and back.shape == array.shape and np.array_equal(back, array)
    import io
    pickled = io.BytesIO()
    np.save(pickled, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    truncated = array_to_bytes(np.zeros(10))[:-8]
    forged = array_to_bytes(np.zeros(3)).replace(b"(3,)", b"(9,)")
    for data in (pickled.getvalue(), truncated, forged, b"garbage", b""):
        with pytest.raises(ValueError):
            bytes_to_array(data)


def test_split_frames_stops_at_the_first_bad_frame():
    good = pack_message({"case": 0}, [b"abc"])
    frames = split_frames(good + good[:-2])
    assert frames == [({"case": 0, "blobs": [3]}, [b"abc"])]
    assert split_frames(b"\xff\xff\xff\xff" + good) == []


def test_a_zygote_that_dies_is_replaced(tmp_path):
    import threading
    with Sandbox(Limits(timeout=TIMEOUT)) as sandbox:
        first = sandbox._proc.pid
        killer = threading.Timer(0.5, lambda: os.kill(first, signal.SIGKILL))
        killer.start()
        try:
            result = run(sandbox, "while True:\n    pass", CASES[:1])
        finally:
            killer.cancel()
        assert result.status == "worker_lost" and "restarted" in result.cases[0].error
        assert sandbox._proc.pid != first
        assert run(sandbox, reference_body(POOL)).status == "finished"


def test_escape_sequences_do_not_reach_the_reports(box):
    result = run(box, r"""
        print("\x1b[2J\x1b]0;pwned\x07cleared\rover")
        raise ValueError("\x1b[31mred\x1b[0m")
    """, CASES[:1])
    for text in (result.output, result.cases[0].error):
        assert "\x1b" not in text and "\r" not in text and "\x07" not in text
    assert "cleared" in result.output and "red" in result.cases[0].error


# ---------------------------------------------------------------- nothing of one student reaches another

SANDBOX_ATTACKS = Path(__file__).resolve().parent / "adversarial" / "sandbox"


def _marker():
    """(marker bytes, sha256 hex) of a fresh 32-byte marker "LEAKMARK-...". """
    token = ("LEAK" + "MARK-" + secrets.token_hex(12))[:32].encode()
    return token, hashlib.sha256(token).hexdigest()


def _cases_carrying(marker, cases=CASES[:1]):
    """The cases with ``marker`` written over the first 32 bytes of every input array."""
    planted = []
    for case in cases:
        inputs = {}
        for name, value in case.inputs.items():
            value = np.array(value, dtype=np.float64, copy=True)
            value.reshape(-1).view(np.uint8)[:32] = np.frombuffer(marker, np.uint8)
            inputs[name] = value
        planted.append(SandboxCase(POOL.plan, case.params, inputs))
    return planted


def test_no_job_holds_anything_of_an_earlier_students_job():
    """Finding: a submission searched its own memory (forked from a zygote that had handled earlier
    jobs) for classmates' answers. Eight students' jobs each leave their source, inputs, printed
    output and results behind as markers; then a hostile submission scans every readable byte of
    its address space for them, twice, in the same zygote. It finds its own inputs' marker (the
    scan works) and nothing of anyone else's."""
    attack = SANDBOX_ATTACKS / "scan_memory.py"
    tree = ast.parse(attack.read_text(encoding="utf-8"))
    scan_code = "\n".join(attack.read_text(encoding="utf-8").split("\n")[tree.body[0].end_lineno:])
    planted = []
    with Sandbox(Limits(timeout=60, memory_mib=1024), landlock=False) as sandbox:
        for round_ in range(2):
            for _ in range(4):
                markers = [_marker() for _ in range(4)]
                (source, _), (inputs, _), (printed, _), (returned, _) = markers
                body = (f"# {source.decode()}\n"
                        f"print({printed.decode()[::-1]!r}[::-1])\n"
                        f"return np.frombuffer({returned.decode()[::-1]!r}[::-1].encode(), dtype=np.uint8).copy()\n")
                code, region = source_with(body)
                result = sandbox.run(code, "MaxPool", _cases_carrying(inputs), region=region)
                assert result.status == "finished", result.cases[0].error
                planted += [digest for _, digest in markers]
            own, own_digest = _marker()
            code, region = source_with(scan_code.replace("DIGESTS", repr(planted + [own_digest])))
            scan = sandbox.run(code, "MaxPool", _cases_carrying(own), region=region)
            assert scan.cases[0].error is None, scan.cases[0].error
            found = set(filter(None, scan.cases[0].outputs["dx"].split(",")))
            assert own_digest in found, "the scan does not work: it missed its own inputs"
            assert set(found) - {own_digest} == set(), f"round {round_}: found earlier students' markers"


# ---------------------------------------------------------------- the edges: IPC, network, system calls

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="IPC and network namespaces need root")
needs_seccomp = pytest.mark.skipif(not Sandbox.seccomp_available(), reason="pyseccomp or libseccomp.so.2 missing")

SHM_BODY = """
    import ctypes, os
    libc = ctypes.CDLL(None, use_errno=True)
    libc.shmat.restype = ctypes.c_void_p
    key = 0x5EC7E7
    {action}
"""
SHM_CREATE = """
    shm = libc.shmget(key, 1 << 22, 0o1666)  # IPC_CREAT, readable and writable by all
    if shm < 0:
        return "shmget failed: " + os.strerror(ctypes.get_errno())
    address = libc.shmat(shm, None, 0)
    ctypes.memmove(address, b"left behind", 11)
    return "created"
"""
SHM_ATTACH = """
    shm = libc.shmget(key, 0, 0)
    if shm < 0:
        return "shmget failed: " + os.strerror(ctypes.get_errno())
    return ctypes.string_at(libc.shmat(shm, None, 0), 11).decode()
"""


def _host_shm_keys():
    with open("/proc/sysvipc/shm") as f:
        return {int(line.split()[0]) for line in f.read().splitlines()[1:]}


@needs_root
def test_sysv_shared_memory_dies_with_the_child_and_is_never_shared():
    """Finding: 4 GiB of SysV shared memory outlived the grader and a later submission read it.
    Without the seccomp layer (so that the IPC namespace alone is tested): a segment one child makes
    is gone after it, from the host and for the next child."""
    with Sandbox(Limits(timeout=TIMEOUT), seccomp=False) as sandbox:
        made = run(sandbox, SHM_BODY.format(action=textwrap.indent(textwrap.dedent(SHM_CREATE), "    ").strip()), CASES[:1])
        assert made.cases[0].outputs["dx"] == "created"
        assert 0x5EC7E7 not in _host_shm_keys()
        seen = run(sandbox, SHM_BODY.format(action=textwrap.indent(textwrap.dedent(SHM_ATTACH), "    ").strip()), CASES[:1])
        assert seen.cases[0].outputs["dx"].startswith("shmget failed")


@needs_seccomp
def test_sysv_and_posix_ipc_calls_are_denied(box):
    result = run(box, SHM_BODY.format(action=textwrap.indent(textwrap.dedent(SHM_CREATE), "    ").strip()), CASES[:1])
    assert result.cases[0].outputs["dx"] == "shmget failed: Operation not permitted"


UDP_BODY = """
    import socket
    results = []
    for address in ({targets}):
        try:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.sendto(b"answers of the class", address)
            results.append("sent")
        except OSError as exc:
            results.append(type(exc).__name__)
    return " ".join(results)
"""


@pytest.mark.parametrize("layers", [{}, {"seccomp": False}], ids=["all layers", "namespaces alone"])
def test_no_udp_to_localhost_or_anywhere(layers):
    """Finding: UDP to 127.0.0.1 and to public addresses worked. 192.0.2.1 is TEST-NET-1 (RFC 5737):
    should the defence fail, the packet still goes nowhere."""
    if layers and os.geteuid() != 0:
        pytest.skip("the network namespace needs root")
    listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    listener.bind(("127.0.0.1", 0))
    listener.settimeout(0.5)
    targets = repr([("127.0.0.1", listener.getsockname()[1]), ("192.0.2.1", 53)])[1:-1]
    try:
        with Sandbox(Limits(timeout=TIMEOUT), **layers) as sandbox:
            result = run(sandbox, UDP_BODY.format(targets=targets), CASES[:1])
        with pytest.raises(socket.timeout):
            listener.recv(100)
    finally:
        listener.close()
    outcome = result.cases[0].outputs["dx"].split()
    assert len(outcome) == 2 and "sent" not in outcome, outcome


def test_no_connection_to_a_pathname_unix_socket(box, tmp_path):
    """Finding: a pathname unix socket (a file: no network namespace hides it) accepted the child."""
    folder = tmp_path / "sockets"
    folder.mkdir()
    path = folder / "grader.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.listen(1)
    server.settimeout(0.5)
    for p in (tmp_path, folder, path):
        os.chmod(p, 0o777)
    try:
        result = run(box, f"""
            import socket
            s = socket.socket(socket.AF_UNIX)
            s.connect({str(path)!r})
            return "connected"
        """, CASES[:1])
        with pytest.raises(socket.timeout):
            server.accept()
    finally:
        server.close()
    assert result.cases[0].error is not None and "connected" not in str(result.cases[0].outputs)


SYSCALLS_BODY = """
    import ctypes, os
    libc = ctypes.CDLL(None, use_errno=True)
    calls = {
        "unshare(USER|NET)": lambda: libc.unshare(0x10000000 | 0x40000000),
        "unshare(IPC)": lambda: libc.unshare(0x08000000),
        "setns": lambda: libc.setns(0, 0),
        "io_uring_setup": lambda: libc.syscall(425, 8, ctypes.create_string_buffer(120)),
        "socket": lambda: libc.socket(1, 1, 0),
        "ptrace": lambda: libc.ptrace(0, 0, 0, 0),
    }
    out = []
    for name, call in calls.items():
        ctypes.set_errno(0)
        result = call()
        out.append(f"{name}={'denied' if result == -1 and ctypes.get_errno() == 1 else 'allowed'}")
    return " ".join(out)
"""


@needs_seccomp
def test_seccomp_denies_namespaces_io_uring_sockets_and_ptrace(box):
    """Finding: unshare(USER|NET) and io_uring_setup were allowed."""
    result = run(box, SYSCALLS_BODY, CASES[:1])
    outcome = dict(item.split("=") for item in result.cases[0].outputs["dx"].split())
    assert outcome == {name: "denied" for name in outcome} and len(outcome) == 6, outcome
    assert box.isolation["seccomp"] is True
    # ... and the answer still runs.
    assert run(box, reference_body(POOL)).status == "finished"


# ---------------------------------------------------------------- a student cannot fake a grader failure

@pytest.mark.parametrize("frame", [
    '{"sandbox_error": "PWNED: the grader failed, not the student", "blobs": []}',
    '{"zygote_error": "PWNED", "ended": 1, "blobs": []}',
    '{"case": 0, "outputs": {"dx": {"type": "ndarray", "blob": 0}}, "blobs": [NPY]}',
    '{"case": 0, "outputs": {"dx": {"type": "ndarray", "blob": 0}}, "blobs": [1' + '0' * 20 + ']}',
    '[' * 100_000,
])
def test_crafted_frames_are_the_students_outcome_alone(box, frame):
    """Finding: a crafted frame on the result channel (or a .npy header that makes numpy's parser
    raise RecursionError) turned the submission into "the grader failed" with the student's text.
    Whatever comes after READY is this method's outcome: no exception, none of its text."""
    result = run(box, """
        import os, struct
        header = "-" * 3000 + "1,), }"
        header = ("{'descr': '<f8', 'fortran_order': False, 'shape': (" + header).encode("latin1")
        header += b" " * (-(11 + len(header)) % 64) + b"\\n"
        npy = b"\\x93NUMPY\\x01\\x00" + struct.pack("<H", len(header)) + header
        frame = FRAME.replace("NPY", str(len(npy))).encode()
        os.write(3, struct.pack("<I", len(frame)) + frame + npy)
        os._exit(0)
    """.replace("FRAME", repr(frame)), CASES[:2])
    assert result.status in ("exited", "finished")
    assert all(e is not None and "PWNED" not in e for e in errors(result)), errors(result)
    assert run(box, reference_body(POOL)).status == "finished"
