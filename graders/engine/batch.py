"""``backprop-lab grade``: grade many submissions, each method in a sandbox, in parallel.

For each submission (one student's assignment) and each exercise of it:

1. here, in the trusted process: read the notebook (nbformat), take the student's answer (the
   text between Begin and End of the answer cell, ``graders.engine.notebook``), splice it into the
   trusted class, draw the cases' inputs from the course seeds of that student;
2. in a sandbox (``graders.engine.sandbox``), a contained child of a warm zygote defines the class and
   runs every case; only arrays come back;
3. here again: ``graders.core.check.grade_cases`` compares them with the reference, names known
   mistakes and scores the method.

One method's crash, endless loop or exit costs only that method. Finished grades go into a cache
(``graders.engine.grade_cache``) at once: a rerun skips them unless ``--force``.

    results = grade_submissions(submissions, Grader(course_dir, Limits()), workers=2)
"""
import dataclasses
import multiprocessing
import multiprocessing.util
import os
import signal
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from graders.core.cases import random_cases
from graders.core.check import grade_cases, report_error
from graders.exercises import use_course
from graders.engine.grade_cache import grader_fingerprint, submission_key
from graders.engine.notebook import AnswerError, NotebookError, class_template, exercises_in, find_answer, \
    read_notebook, splice_answer, splice_region
from graders.engine.sandbox import Limits, Sandbox, SandboxCase, SandboxError, printable
from graders.core.seeds import course_seeds, load_course_secret
from graders.i18n import N_, _
from utils.i18n import get_language, using_language

_PROJECT_SANDBOXES = {}  # {(process, runner, timeout, slot): Sandbox} of the projects' runners
_ALWAYS_HIDDEN = {str(Path(__file__).resolve().parents[2] / "solutions"), str(Path(__file__).resolve().parents[1])}


class Grader:
    """Everything trusted that grading needs: templates, the course secret, the limits.

    - course_dir: the nbgrader course folder (its secret picks every student's inputs)
    - limits: graders.engine.sandbox.Limits for every method run
    """

    def __init__(self, course_dir, limits=Limits(), timeout=None):
        self.course_dir = Path(course_dir)
        self.course = use_course(self.course_dir)  # submissions and results name exercises of this course
        self.limits = limits
        self.timeout = timeout  # seconds for every exercise (grade --timeout); None: each one's time_limit
        self.secret = load_course_secret(self.course_dir)
        self.templates = {(ex.assignment, ex.name): class_template(ex, self.siblings(ex))
                          for ex in self.course.all_exercises()}
        self.fingerprint = grader_fingerprint(self.course_dir / "exercises")  # with the course's own exercises

    def siblings(self, exercise):
        """The other exercises answered in the same class cell (a class with several Begin/End regions)."""
        return [other for other in self.exercises_of(exercise.assignment) if other.name != exercise.name
                and (other.class_name, other.notebook) == (exercise.class_name, exercise.notebook)]

    def exercises_of(self, assignment):
        """The exercises (levels) of an assignment in course.toml's order; [] for an unknown one."""
        return list(self.course.assignments.get(assignment, ()))

    def time_limit(self, exercise):
        """Seconds for all the cases of ``exercise``: --timeout when given, else course.toml's time_limit."""
        return float(self.timeout) if self.timeout is not None else float(exercise.time_limit)

    # -- keys ----------------------------------------------------------------------------
    def read_files(self, submission):
        """{file name: bytes} of the submission's notebooks; unreadable ones are left out."""
        files = {}
        for notebook in list(submission.notebooks.values()) + submission.extra:
            try:
                files[notebook.name] = notebook.read_bytes()
            except OSError:
                continue
        return files

    def language(self, assignment):
        """The language of an assignment's feedback: the course file's."""
        return self.course.language

    def cache_key(self, submission, files):
        # Whatever the grade depends on besides the code and the files: a change of course.toml's settings
        # (points, tolerance, time limit, cases) or of the assignment's language regrades, and so does a new
        # --timeout.
        limits = {"memory_mib": int(self.limits.memory_mib), "language": self.language(submission.assignment),
                  "exercises": [[ex.name, ex.points, ex.atol, self.time_limit(ex), ex.case_names]
                                for ex in self.exercises_of(submission.assignment)]}
        return submission_key(submission, files, self.fingerprint, self.secret, limits)

    # -- grading -------------------------------------------------------------------------
    def grade(self, submission, sandbox, files=None):
        """Grade one submission in ``sandbox``; returns its results-JSON entry (with extras), its feedback in
        the language spoken (the grade command speaks the course's: ``language``)."""
        return self._grade(submission, sandbox, files)

    def _grade(self, submission, sandbox, files=None):
        started = time.perf_counter()
        files = self.read_files(submission) if files is None else files
        if self.course.project(submission.assignment):
            return self._grade_project(submission, files, sandbox, started)
        exercises = self.exercises_of(submission.assignment)
        tests, problems, readable = [], [], 0
        if not exercises:
            problems.append(_("unknown assignment {assignment}: the course's assignments are {assignments} "
                              "({course_file})").format(assignment=repr(submission.assignment),
                                                         assignments=", ".join(self.course.assignments),
                                                         course_file=self.course.file))
        internal = False
        for exercise in exercises:
            try:
                test, file_ok = self._grade_exercise(submission, exercise, files, sandbox)
            except Exception as exc:  # our failure on this method alone: the others keep their grades
                _log_internal_error(submission, exc)
                test, file_ok, internal = internal_error_test(exercise), True, True
            tests.append(test)
            if file_ok:
                readable += 1
            else:
                problems.append(test["error"])
        status = "graded" if readable else "error"
        result = {
            "student": submission.student,
            "assignment": submission.assignment,
            "status": status,
            "score": round(sum(t["score"] for t in tests), 2) if status == "graded" else 0.0,
            "max_score": float(sum(ex.points for ex in exercises)),
            "error": None if status == "graded" else " ".join(problems),
            "tests": tests,
            **submission_fields(submission),
            "language": get_language(),  # of the feedback: the pages and reports made from it speak it too
            "seconds": round(time.perf_counter() - started, 4),
        }
        if internal:
            result["internal_error"] = True  # never cached; `grade` exits 1
        if status == "error":
            for test in tests:
                test["score"], test["passed"] = 0.0, False
        return result

    def _grade_project(self, submission, files, sandbox, started):
        """A project's submission (graders.exercises.project): its module grades the notebook as a whole, in
        a sandbox of this worker's slot that runs cases with the module's runner."""
        project = self.course.project(submission.assignment)
        tests, error = [], None
        notebook = submission.notebooks.get(project.notebook)
        if notebook is None and submission.extra:  # a renamed copy stands in, as for an exercise's notebook
            notebook = submission.extra[0]
        data = files.get(notebook.name) if notebook is not None else None
        if notebook is None:
            error = (f"{project.notebook}.ipynb is missing from your submission, so {submission.assignment} could "
                     f"not be graded: submit it, with your answers between the Begin and End lines.")
        else:
            try:
                if data is None:
                    raise NotebookError(f"{notebook.name} could not be read")
                nb = read_notebook(data, notebook.name)
                seeds = course_seeds(self.secret, submission.student, submission.assignment)
                tests = project.module.grade(nb, seeds, lambda runner, timeout: self.project_sandbox(
                    sandbox, runner, timeout))
            except (NotebookError, AnswerError) as exc:
                error = str(exc)
        if error is not None:
            tests = [dict(report_error(test.name, error).to_dict(), test_cell=test.test_cell, feedback=error,
                          error=error, score=0.0, max_score=test.points, passed=False) for test in project.tests]
        if notebook is not None and notebook.name != f"{project.notebook}.ipynb" and error is None:
            note = (f"Note: {project.notebook}.ipynb is missing; graded {notebook.name}. Keep the notebook's name "
                    f"next time.\n")
            for test in tests:
                test["feedback"] = note + test["feedback"]
        return {
            "student": submission.student,
            "assignment": submission.assignment,
            "status": "graded" if error is None else "error",
            "score": round(sum(t["score"] for t in tests), 2) if error is None else 0.0,
            "max_score": float(project.points),
            "error": error,
            "tests": tests,
            **submission_fields(submission),
            "seconds": round(time.perf_counter() - started, 4),
        }

    def project_sandbox(self, sandbox, runner, timeout):
        """A Sandbox like ``sandbox`` (its slot, what it hides, its limits but the time) running cases with
        ``runner``; started once per process and runner, closed when the process ends."""
        key = (os.getpid(), str(runner), float(timeout), sandbox.slot)
        if key not in _PROJECT_SANDBOXES:
            limits = dataclasses.replace(self.limits, timeout=max(float(timeout), float(self.limits.timeout)))
            box = Sandbox(limits, slot=sandbox.slot, hide=[p for p in sandbox.hide if p not in _ALWAYS_HIDDEN],
                          runner=runner)
            multiprocessing.util.Finalize(box, box.close, exitpriority=10)
            _PROJECT_SANDBOXES[key] = box
        return _PROJECT_SANDBOXES[key]

    def _failed_test(self, exercise, message, notebook=None):
        entry = report_error(exercise.name, message).to_dict()
        entry.update(feedback=message, error=message, notebook=notebook, notes=[], run=None)
        return entry

    def _stand_in(self, submission, exercise, files):
        """A renamed copy (another notebook of the submission holding this exercise), or None."""
        for notebook in submission.extra:
            data = files.get(notebook.name)
            if data is None:
                continue
            try:
                if exercise in exercises_in(read_notebook(data, notebook.name), [exercise]):
                    return notebook
            except NotebookError:
                continue
        return None

    def _grade_exercise(self, submission, exercise, files, sandbox):
        """(test entry, whether the notebook could be read)."""
        expected = f"{exercise.notebook}.ipynb"
        notebook = submission.notebooks.get(exercise.notebook)
        notes = []
        if notebook is None:
            notebook = self._stand_in(submission, exercise, files)
            if notebook is None:
                message = _("{notebook} is missing from your submission, so {method} could not be graded: submit "
                            "it, with your answer between the Begin and End lines.").format(
                                notebook=expected, method=exercise.name)
                return self._failed_test(exercise, message), False
            notes.append(_("{expected} is missing; graded {notebook}, which holds {method}. Keep the notebook's "
                           "name next time.").format(expected=expected, notebook=notebook.name, method=exercise.name))
        data = files.get(notebook.name)
        try:
            if data is None:
                raise NotebookError(_("{name} could not be read").format(name=notebook.name))
            nb = read_notebook(data, notebook.name)
        except NotebookError as exc:
            return self._failed_test(exercise, str(exc), notebook.name), False
        try:
            answer = find_answer(nb, exercise)
            template = self.templates[exercise.assignment, exercise.name]
            for sibling in self.siblings(exercise):  # the student's own answers to the class's other regions
                try:
                    other = find_answer(nb, sibling)
                except AnswerError:
                    continue  # left as the release's stub
                if not other.whole_body:
                    template = splice_region(template, sibling.method, other.code)
            source, region = splice_answer(template, answer)
        except AnswerError as exc:
            return self._failed_test(exercise, str(exc), notebook.name), True
        if answer.note:
            notes.append(answer.note)
        seeds = course_seeds(self.secret, submission.student, submission.assignment)
        cases = random_cases(exercise, seeds)
        run = sandbox.run(source, exercise.class_name,
                          [SandboxCase(exercise.plan, case.params, case.inputs) for case in cases],
                          filename=notebook.name, region=region, timeout=self.time_limit(exercise))
        def produced_by(outcomes):
            return [outcome.error if outcome.error is not None else
                    {k: v for k, v in outcome.outputs.items() if k in exercise.outputs} for outcome in outcomes]

        def run_probes(probes):
            # The experiments of the diagnosis (graders.core.probes): a second job of the same sandbox, run
            # only when a failure is left unexplained; probes are not scored.
            probe_run = sandbox.run(source, exercise.class_name,
                                    [SandboxCase(exercise.plan, case.params, case.inputs) for case in probes],
                                    filename=notebook.name, region=region, timeout=self.time_limit(exercise))
            return produced_by(probe_run.cases)

        entry = grade_cases(exercise, cases, produced_by(run.cases), run_probes=run_probes).to_dict()
        if run.output_cut:
            notes.append(_("your code printed more than {limit:,} bytes: the grader kept the first {limit:,} and cut "
                           "the rest (the grade does not depend on it)").format(limit=self.limits.output_bytes))
        if notes:
            noted = "\n".join(_("Note: {note}").format(note=note) for note in notes)
            entry["feedback"] = noted + "\n" + entry["feedback"]
        entry.update(notebook=notebook.name, notes=notes, run=run.summary())
        return entry, True


def submission_fields(submission):
    """What a result says about the submission itself rather than its grade: when it was submitted, the LMS's
    late marker (``lms_late``: true/false, null when the LMS has none; ``late`` is the penalty's record,
    graders.engine.late), what the LMS says of the student (``lms``),
    which files were graded and the notes on them. Taken afresh on every run, also for a cached grade, so a
    resubmission's new timestamp.txt is never hidden behind the old one."""
    return {
        "timestamp": submission.timestamp.isoformat(" ") if submission.timestamp else None,
        "lms_late": submission.late,
        "lms": dict(submission.lms) if submission.lms else None,
        "files": {nb.name: nb.origin for nb in submission.notebooks.values()},
        "notes": list(submission.notes),
    }


_INTERNAL = N_("the grader failed on {what} ({kind}); this is not the student's fault: tell the course staff "
               "(the grade command's error output says where)")


def _log_internal_error(submission, exc):
    """Where the grader failed, for the staff: the exception's type and our own code's frames, never its
    message (which could quote what a student's code produced)."""
    import traceback
    frames = [f"{Path(f.filename).name}:{f.lineno} in {f.name}" for f in traceback.extract_tb(exc.__traceback__)]
    print(f"backprop-lab grade: internal error on {printable(submission.student, 200)}/"
          f"{printable(submission.assignment, 200)}: {type(exc).__name__} at {' <- '.join(reversed(frames[-4:]))}",
          file=sys.stderr)


def internal_error_test(exercise):
    """The test entry of a method the grader itself failed on: 0 points, a message without student text."""
    message = _(_INTERNAL).format(what=exercise.name, kind=_("internal error"))
    entry = report_error(exercise.name, message).to_dict()
    entry.update(feedback=message, error=message, notebook=None, notes=[], run=None, internal_error=True)
    return entry


def internal_error_result(submission, exc, exercises):
    """The entry of a submission the grader itself failed on (never cached)."""
    _log_internal_error(submission, exc)
    message = _(_INTERNAL).format(what=_("this submission"), kind=type(exc).__name__)
    return {
        "student": submission.student, "assignment": submission.assignment, "status": "error",
        "score": 0.0, "max_score": float(sum(ex.points for ex in exercises)), "error": message,
        "tests": [{"name": ex.name, "score": 0.0, "max_score": float(ex.points), "passed": False,
                   "feedback": message} for ex in exercises],
        "internal_error": True,
        **submission_fields(submission),
    }


# Per worker process: its Grader and its Sandbox (set up by _init_worker).
_WORKER = {}


def _init_worker(grader, hide, slots, main_pid):
    """Set up one grading process: a sandbox of its own (its zygote is a fresh interpreter)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process decides what Ctrl-C does
    # Die with the main process, however it ends (Ctrl-C twice, SIGTERM, SIGKILL): the zygote dies with
    # this process and each child with its zygote, so nothing is left running. Working folders left
    # behind are removed by the next sandbox that starts (graders.engine.sandbox.workroots.remove_stale_workroots).
    import ctypes
    ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    if os.getppid() != main_pid:
        os._exit(1)
    with slots.get_lock():
        slot = slots.value
        slots.value += 1
    _WORKER["grader"] = grader
    try:
        box = Sandbox(grader.limits, slot=slot, hide=hide)
    except SandboxError as exc:
        _WORKER["error"] = exc
        return
    multiprocessing.util.Finalize(box, box.close, exitpriority=10)
    _WORKER["box"] = box


def _grade_in_worker(submission):
    """Grade one submission in this worker process -> (result, the sandbox's isolation)."""
    if "error" in _WORKER:
        raise SandboxError(str(_WORKER["error"]))
    grader, box = _WORKER["grader"], _WORKER["box"]
    try:
        result = grader.grade(submission, box)
    except Exception as exc:  # our bug or the machine's problem, not the student's
        result = internal_error_result(submission, exc, grader.course.graded(submission.assignment))
    return result, box.isolation


def grade_submissions(submissions, grader, workers=1, cache=None, force=False, hide=(), progress=None,
                      started=None):
    """Grade every submission; returns (results in the order of ``submissions``, stats).

    - grader: a Grader
    - workers: grading processes, each with its own sandbox (the trusted work of a submission,
      reading, drawing inputs, comparing and diagnosing, is Python: processes, not threads)
    - cache: a GradeCache, or None; with force=False cached grades are reused, and every new
      grade is stored the moment it arrives
    - hide: folders the sandboxes cover (course, submissions, outputs)
    - progress: called with each finished result
    - started: called once the grading processes exist (threads are safe to start from then on)

    Raises SandboxError when no sandbox can start. On KeyboardInterrupt the running submissions
    are finished and cached before it propagates.
    """
    results = [None] * len(submissions)
    keys = [None] * len(submissions)
    todo = []
    stats = {"cached": 0, "graded": 0, "internal_errors": 0, "isolation": {}}
    for i, submission in enumerate(submissions):
        keys[i] = grader.cache_key(submission, grader.read_files(submission))
        cached = cache.get(keys[i]) if cache is not None and not force else None
        if cached is not None:
            cached.update(submission_fields(submission))
            cached["cached"] = True
            results[i] = cached
            stats["cached"] += 1
            if progress:
                progress(cached)
        else:
            todo.append(i)

    def finish(i, future):
        result, isolation = future.result()
        stats["isolation"] = isolation
        if cache is not None and not result.get("internal_error"):
            cache.put(keys[i], result)
        results[i] = result
        if progress:
            progress(result)

    if not todo and started:
        started()
    if todo:
        context = multiprocessing.get_context("fork")
        pool = ProcessPoolExecutor(max_workers=max(1, min(workers, len(todo))), mp_context=context,
                                   initializer=_init_worker, initargs=(grader, list(hide), context.Value("i", 0), os.getpid()))
        futures = {pool.submit(_grade_in_worker, submissions[i]): i for i in todo}
        if started:
            started()
        done = set()
        try:
            for future in as_completed(futures):
                finish(futures[future], future)
                done.add(future)
        except KeyboardInterrupt:
            try:
                pool.shutdown(wait=True, cancel_futures=True)
            except KeyboardInterrupt:  # a second Ctrl-C: stop now (their zygotes and children die with them)
                for process in multiprocessing.active_children():
                    process.kill()
                pool.shutdown(wait=True, cancel_futures=True)
                raise
            for future, i in futures.items():
                if future not in done and future.done() and not future.cancelled() and future.exception() is None:
                    finish(i, future)
            raise
        except BrokenProcessPool as exc:
            pool.shutdown(wait=False, cancel_futures=True)
            raise SandboxError(f"a grading process died: {exc}") from None
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=True)
    stats["internal_errors"] = sum(1 for r in results if r is not None and r.get("internal_error"))
    stats["graded"] = sum(1 for r in results if r is not None) - stats["cached"]
    return results, stats
