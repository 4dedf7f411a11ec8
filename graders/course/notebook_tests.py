"""What the hidden test cells of the notebooks call: grade one exercise inside the notebook's kernel.

A hidden test cell (written by ``graders.course.build``) is

    from graders.course.notebook_tests import run_hidden_test

    run_hidden_test(Convolution, "Convolution.backward", assignment="conv_pool_backward")

It prints the feedback and evaluates to the score, which nbgrader takes as the cell's partial credit.

The student's code runs in this same kernel and could have changed anything in it (numpy included),
so the kernel only *runs* the student's class; everything that decides the score happens in a fresh
``python -I -m graders.course.notebook_tests`` process (the *judge*):

1. the judge derives the grading inputs from the course seeds, (secret, student, assignment), and
   sends them to the kernel (the secret never leaves the judge);
2. the kernel runs the student's class on them (``graders.core.runner.run_case``), with print output,
   warnings and stray errors kept out of the cell (any stderr would make nbgrader score it 0), under
   a time budget, and sends back what came out: arrays as .npy bytes (``allow_pickle=False``), other
   values described (``graders.engine.sandbox.wire.encode_value``);
3. the judge regenerates the inputs itself, runs the reference solutions, compares (``graders.core.check``)
   and answers with the report as JSON.

Who is graded: under ``nbgrader autograde`` (env NBGRADER_EXECUTION=autograde) the kernel's working
directory is ``<course>/autograded/<student>/<assignment>/``, so the student id is its parent's name.
Anywhere else the notebook is graded as the fixed id ``instructor``. The course is the nearest folder
above the working directory holding ``nbgrader_config.py`` (else $BACKPROP_LAB_COURSE, else the
repository's ``assignments/``).

This makes the notebook's test immune to a patched numpy or comparison; it cannot make it immune to a
student who rewrites this module's functions from inside the kernel. So under ``nbgrader autograde`` the
score this cell shows is replaced: ``graders.course.sandbox_grades.SandboxGrades`` grades the answer region
in the sandbox, as ``backprop-lab grade`` does, and writes its feedback and score into this cell.
"""
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

import numpy as np

from graders.core.runner import run_case
from graders.i18n import _
from graders.engine.sandbox.wire import (array_to_bytes, bytes_to_array, decode_value, encode_value, pack_message,
                                    read_message, split_frames)
from utils.checking import describe_exception
from utils.i18n import LANGUAGES, get_language, using_language

INSTRUCTOR_ID = "instructor"  # the student id outside nbgrader autograde
METHOD_SECONDS = 10.0  # time for the student's code on all the cases of one exercise, unless the judge says
                       # otherwise (the exercise's time_limit in course.toml)
MAX_OUTPUT_BYTES = 64 << 20  # what the kernel may send back to the judge
PRIVATE_PACKAGES = ("solutions", "graders")  # what an answer may not import while it is graded


class HiddenTestError(RuntimeError):
    """The grader itself failed (not the student's code); the message says where to look."""


class _OutOfTime(BaseException):
    """Raised inside the student's code by the timer; BaseException, so `except Exception` cannot eat it."""


# ---------------------------------------------------------------- who and where

def find_course_dir(start=None):
    """The nbgrader course folder: nearest ancestor of ``start`` (cwd) with nbgrader_config.py, else
    the course graders.exercises.find_course_dir finds ($BACKPROP_LAB_COURSE, this repository's)."""
    start = Path(start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / "nbgrader_config.py").is_file():
            return folder
    from graders.exercises import find_course_dir as course_dir_elsewhere
    return course_dir_elsewhere(start)


def grading_identity(cwd=None, environ=None):
    """(student id, course folder) of the notebook being run.

    Under ``nbgrader autograde`` the notebook runs in <course>/autograded/<student>/<assignment>/.
    """
    cwd = Path(cwd or Path.cwd()).resolve()
    environ = os.environ if environ is None else environ
    if environ.get("NBGRADER_EXECUTION") == "autograde":
        return cwd.parent.name, find_course_dir(cwd)
    return INSTRUCTOR_ID, find_course_dir(cwd)


# ---------------------------------------------------------------- the kernel's side

def run_hidden_test(cls, method, assignment=None):
    """Grade ``cls`` (the student's class) on the exercise ``method``; print the feedback, return the score.

    Returns a float in [0, points] for nbgrader's partial credit. Raises HiddenTestError when the
    grader itself cannot run (a cell error, so nbgrader scores 0 and the instructor sees why).
    """
    student, course_dir = grading_identity()
    if not assignment:
        assignment = Path.cwd().name  # nbgrader runs a notebook in its assignment's folder
    with _Judge(method, student, assignment, course_dir) as judge:
        cases = judge.receive_cases()
        with using_language(judge.language):  # errors worded as the judge words its mistakes' errors
            outputs = run_student_cases(cls, method, cases, judge.seconds)
        judge.send_outputs(outputs)
        report = judge.receive_report()
    print(report["feedback"])
    return float(report["score"])


def run_student_cases(cls, method, cases, seconds=None):
    """Run the student's class on every case; returns one message (bytes) per case for the judge.

    cases: [{"kind", "params", "inputs": {name: array}}]. Nothing the student's code does reaches the
    cell's stdout/stderr: prints are dropped, warnings silenced, errors become the case's error.
    """
    seconds = METHOD_SECONDS if seconds is None else seconds
    if any(name.split(".")[0] == "solutions" for name in list(sys.modules)):  # the kernel's side never imports it
        message = _("your notebook imported `solutions`, the instructors' reference answers: an answer may use "
                    "numpy and utils only. Remove that import.")
        return [pack_message({"case": index, "error": message}) for index in range(len(cases))]
    messages = []
    deadline = time.monotonic() + seconds
    with _quiet(), _Timer() as timer, _BlockImports():
        for index, case in enumerate(cases):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                messages.append(pack_message({"case": index, "error": _time_message(seconds)}))
                continue
            try:
                timer.start(remaining)
                try:
                    outputs = run_case(cls, case["kind"], case["params"], case["inputs"])
                finally:
                    timer.stop()
                blobs = []
                header = {"case": index, "outputs": {str(k): encode_value(v, blobs) for k, v in outputs.items()}}
                messages.append(pack_message(header, blobs))
            except _OutOfTime:
                messages.append(pack_message({"case": index, "error": _time_message(seconds)}))
            except KeyboardInterrupt:
                raise  # nbgrader's cell timeout: let it end the cell
            except BaseException as exc:  # anything the student's code raised, SystemExit included
                messages.append(pack_message({"case": index, "error": describe_exception(exc, cls)}))
    return messages


def _time_message(seconds):
    return _("your code did not finish: the cases of this exercise may take {seconds:g} seconds together. Look "
             "for an endless loop, or loops over every element that numpy could do at once.").format(seconds=seconds)


@contextlib.contextmanager
def _quiet():
    """Keep the student's prints and numpy's warnings out of the cell (stderr there scores 0)."""
    with open(os.devnull, "w") as discard, contextlib.redirect_stdout(discard), \
            contextlib.redirect_stderr(discard), warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield


class _BlockImports:
    """While the student's code runs, the reference answers and the grader's modules do not import."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in PRIVATE_PACKAGES:
            raise ImportError(_("{module} is not available to answers: use numpy and utils").format(module=name),
                              name=name)
        return None

    def __enter__(self):
        sys.meta_path.insert(0, self)
        return self

    def __exit__(self, *exc):
        with contextlib.suppress(ValueError):
            sys.meta_path.remove(self)


class _Timer:
    """A time limit for the student's code (SIGALRM); does nothing off the main thread."""

    def __enter__(self):
        self.usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
        if self.usable:
            self.previous = signal.signal(signal.SIGALRM, self._expire)
        return self

    @staticmethod
    def _expire(signum, frame):
        raise _OutOfTime()

    def start(self, seconds):
        if self.usable:
            # Fires again every 10 ms until stopped: a loop that swallows the interruption (a bare
            # `except:`) gets the next one, until one lands outside its `try`.
            signal.setitimer(signal.ITIMER_REAL, max(seconds, 1e-3), 0.01)

    def stop(self):
        if self.usable:
            signal.setitimer(signal.ITIMER_REAL, 0)

    def __exit__(self, *exc):
        if self.usable:
            self.stop()
            signal.signal(signal.SIGALRM, self.previous)


class _Judge:
    """The judge process, seen from the kernel: cases in, outputs out, report back (one pipe each way)."""

    def __init__(self, method, student, assignment, course_dir):
        self.seconds = None  # the exercise's time limit, once the judge has sent the cases
        self.language = None  # the report's language, once the judge has sent the cases
        self.args = [sys.executable, "-I", "-m", "graders.course.notebook_tests", "--method", method,
                     "--student", student, "--assignment", assignment, "--course", str(course_dir),
                     "--lang", get_language()]  # the report speaks the notebook's language

    def __enter__(self):
        self.log = tempfile.TemporaryFile()
        try:
            self.proc = subprocess.Popen(self.args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=self.log, cwd=tempfile.gettempdir())
        except BaseException:
            self.log.close()  # __exit__ does not run when __enter__ fails
            raise
        return self

    def __exit__(self, *exc):
        for stream in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                stream.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()

    def _fail(self, what):
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)
        self.log.seek(0)
        log = self.log.read().decode("utf-8", "replace")[-3000:]
        message = _("the grader failed ({what}); this is not your code's fault: tell your instructor.").format(
            what=what)
        raise HiddenTestError(f"{message}\n{' '.join(self.args)}\n{log}")

    def receive_cases(self):
        message = read_message(self.proc.stdout)
        if message is None:
            self._fail(_("no test cases"))
        header, blobs = message
        self.seconds = header.get("seconds") if isinstance(header.get("seconds"), (int, float)) else None
        self.language = header.get("language") if header.get("language") in LANGUAGES else None
        return [{"kind": case["kind"], "params": case["params"],
                 "inputs": {name: bytes_to_array(blobs[i]) for name, i in case["inputs"].items()}}
                for case in header["cases"]]

    def send_outputs(self, messages):
        try:
            self.proc.stdin.write(b"".join(messages))
            self.proc.stdin.close()
        except OSError:
            self._fail(_("could not send the results"))

    def receive_report(self):
        data = self.proc.stdout.read()
        try:
            return json.loads(data)
        except ValueError:
            self._fail(_("no report"))


# ---------------------------------------------------------------- the judge's side

def judge(method, student, assignment, course_dir, stdin, stdout):
    """The fresh process: send the cases, read the student's outputs, compare, write the JSON report."""
    from graders.core.public_cases import built_language
    from graders.exercises import use_course

    course = use_course(course_dir)
    exercise = course.exercise(method, assignment)
    # The report speaks the language the assignment was built in (as `grade` does), else the one given (--lang).
    with using_language(built_language(course_dir, assignment) or get_language()):
        _judge(exercise, student, assignment, course_dir, stdin, stdout)


def _judge(exercise, student, assignment, course_dir, stdin, stdout):
    from graders.core.cases import random_cases
    from graders.core.check import grade_cases
    from graders.core.probes import probe_cases
    from graders.core.seeds import course_seeds, load_course_secret

    seeds = course_seeds(load_course_secret(course_dir), student, assignment)
    cases = random_cases(exercise, seeds)
    probes = probe_cases(exercise)  # the diagnosis' experiments, run after the cases; never scored

    blobs, wire = [], []
    for case in cases + probes:
        names = {}
        for name, value in case.inputs.items():
            blobs.append(array_to_bytes(np.ascontiguousarray(value)))
            names[name] = len(blobs) - 1
        wire.append({"kind": exercise.plan, "params": case.params, "inputs": names})
    stdout.write(pack_message({"cases": wire, "seconds": exercise.time_limit, "language": get_language()}, blobs))
    stdout.flush()

    # The kernel's bytes are untrusted: parsed frame by frame, arrays without pickle.
    frames = {}
    for header, frame_blobs in split_frames(_read_capped(stdin, MAX_OUTPUT_BYTES)):
        if isinstance(header, dict) and type(header.get("case")) is int:
            frames.setdefault(header["case"], (header, frame_blobs))
    produced = []
    for index in range(len(cases) + len(probes)):
        outputs, error = _case_outcome(*frames.get(index, ({}, [])), exercise.outputs)
        produced.append(error if error is not None else outputs)
    report = grade_cases(exercise, cases, produced[:len(cases)],
                         run_probes=lambda _: produced[len(cases):])  # as `backprop-lab grade` does
    stdout.write(json.dumps(report.to_dict()).encode("utf-8"))
    stdout.flush()


def _case_outcome(header, blobs, names):
    """(outputs, None) or (None, error message) from the kernel's message about one case."""
    if isinstance(header.get("error"), str):
        return None, header["error"][:4000]
    described = header.get("outputs")
    if not isinstance(described, dict):
        return None, _("this case did not run (the notebook's kernel sent no result for it)")
    for name, desc in described.items():
        if isinstance(desc, dict) and desc.get("type") == "too_big":
            return None, _("{name} is an array of shape {shape} ({nbytes} bytes), far larger than expected").format(
                name=str(name)[:100], shape=desc.get("shape"), nbytes=desc.get("nbytes"))
    try:
        return {name: decode_value(desc, blobs) for name, desc in described.items() if name in names}, None
    except ValueError as exc:
        return None, _("the grader could not read what your code returned: {reason}").format(reason=exc)


def _read_capped(stream, limit):
    """Read the stream to its end (so that the writer never blocks) and keep the first ``limit`` bytes."""
    kept, size = [], 0
    while chunk := stream.read(1 << 20):
        if size < limit:
            kept.append(chunk[:limit - size])
        size += len(chunk)
    return b"".join(kept)


def main(argv=None):
    import argparse
    parser = argparse.ArgumentParser(prog="python -m graders.course.notebook_tests",
                                     description="The judge of a notebook's hidden test (started by run_hidden_test).")
    parser.add_argument("--method", required=True)
    parser.add_argument("--student", required=True)
    parser.add_argument("--assignment", required=True)
    parser.add_argument("--course", required=True)
    parser.add_argument("--lang", choices=LANGUAGES, default=None,
                        help="the language of the report (the notebook's; default: $BACKPROP_LAB_LANG, else English)")
    args = parser.parse_args(argv)
    with using_language(args.lang):
        judge(args.method, args.student, args.assignment, Path(args.course), sys.stdin.buffer, sys.stdout.buffer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
