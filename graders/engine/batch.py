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
import datetime
import multiprocessing
import multiprocessing.util
import os
import signal
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict
from pathlib import Path

from graders.core.cases import random_cases
from graders.core.check import grade_cases, report_error
from graders.exercises import CourseError, use_course
from graders.engine.course_lock import course_lock
from graders.engine.grade_cache import CACHE_NAME, CacheError, GradeCache, grader_fingerprint, submission_key
from graders.engine.notebook import AnswerError, NotebookError, class_template, exercises_in, find_answer, \
    read_notebook, splice_answer, splice_region
from graders.engine.sandbox import Limits, Sandbox, SandboxCase, SandboxError, printable
from graders.core.seeds import course_seeds, load_course_secret
from graders.engine.submissions import SubmissionError, find_submissions

class Grader:
    """Everything trusted that grading needs: templates, the course secret, the limits.

    - course_dir: the nbgrader course folder (its secret picks every student's inputs)
    - limits: graders.engine.sandbox.Limits for every method run
    """

    def __init__(self, course_dir, limits=Limits()):
        self.course_dir = Path(course_dir)
        self.course = use_course(self.course_dir)  # submissions and results name exercises of this course
        self.limits = limits
        self.secret = load_course_secret(self.course_dir)
        self.templates = {(ex.assignment, ex.name): class_template(ex, self.siblings(ex))
                          for ex in self.course.all_exercises()}
        self.fingerprint = grader_fingerprint()

    def siblings(self, exercise):
        """The other exercises answered in the same class cell (a class with several Begin/End regions)."""
        return [other for other in self.exercises_of(exercise.assignment) if other.name != exercise.name
                and (other.class_name, other.notebook) == (exercise.class_name, exercise.notebook)]

    def exercises_of(self, assignment):
        """The exercises (levels) of an assignment in course.toml's order; [] for an unknown one."""
        return list(self.course.assignments.get(assignment, ()))

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

    def cache_key(self, submission, files):
        limits = {"timeout": float(self.limits.timeout), "memory_mib": int(self.limits.memory_mib)}
        return submission_key(submission, files, self.fingerprint, self.secret, limits)

    # -- grading -------------------------------------------------------------------------
    def grade(self, submission, sandbox, files=None):
        """Grade one submission in ``sandbox``; returns its results-JSON entry (with extras)."""
        started = time.perf_counter()
        files = self.read_files(submission) if files is None else files
        exercises = self.exercises_of(submission.assignment)
        tests, problems, readable = [], [], 0
        if not exercises:
            problems.append(f"unknown assignment {submission.assignment!r}: the course's assignments are "
                            f"{', '.join(self.course.assignments)} ({self.course.file})")
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
            "seconds": round(time.perf_counter() - started, 4),
        }
        if internal:
            result["internal_error"] = True  # never cached; `grade` exits 1
        if status == "error":
            for test in tests:
                test["score"], test["passed"] = 0.0, False
        return result

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
                message = (f"{expected} is missing from your submission, so {exercise.name} could not be "
                           f"graded: submit it, with your answer between the Begin and End lines.")
                return self._failed_test(exercise, message), False
            notes.append(f"{expected} is missing; graded {notebook.name}, which holds {exercise.name}. "
                         f"Keep the notebook's name next time.")
        data = files.get(notebook.name)
        try:
            if data is None:
                raise NotebookError(f"{notebook.name} could not be read")
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
                          filename=notebook.name, region=region)
        def produced_by(outcomes):
            return [outcome.error if outcome.error is not None else
                    {k: v for k, v in outcome.outputs.items() if k in exercise.outputs} for outcome in outcomes]

        def run_probes(probes):
            # The experiments of the diagnosis (graders.core.probes): a second job of the same sandbox, run
            # only when a failure is left unexplained; probes are not scored.
            probe_run = sandbox.run(source, exercise.class_name,
                                    [SandboxCase(exercise.plan, case.params, case.inputs) for case in probes],
                                    filename=notebook.name, region=region)
            return produced_by(probe_run.cases)

        entry = grade_cases(exercise, cases, produced_by(run.cases), run_probes=run_probes).to_dict()
        if run.output_cut:
            notes.append(f"your code printed more than {self.limits.output_bytes:,} bytes: the grader kept the "
                         f"first {self.limits.output_bytes:,} and cut the rest (the grade does not depend on it)")
        if notes:
            entry["feedback"] = "\n".join(f"Note: {note}" for note in notes) + "\n" + entry["feedback"]
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


_INTERNAL = ("the grader failed on {what} ({kind}); this is not the student's fault: tell the course staff "
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
    message = _INTERNAL.format(what=exercise.name, kind="internal error")
    entry = report_error(exercise.name, message).to_dict()
    entry.update(feedback=message, error=message, notebook=None, notes=[], run=None, internal_error=True)
    return entry


def internal_error_result(submission, exc, exercises):
    """The entry of a submission the grader itself failed on (never cached)."""
    _log_internal_error(submission, exc)
    message = _INTERNAL.format(what="this submission", kind=type(exc).__name__)
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
    # behind are removed by the next sandbox that starts (graders.engine.sandbox.trusted.remove_stale_workroots).
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
        result = internal_error_result(submission, exc, grader.exercises_of(submission.assignment))
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


# ---------------------------------------------------------------- the command

def _hidden_paths(args, course_dir):
    """Folders the sandboxed children must not see: the course, the submissions, the outputs."""
    paths = [course_dir]
    for raw in args.path:
        path = Path(raw).resolve()
        paths.append(path if path.is_dir() else path.parent)
    for raw in (args.json_path, args.csv_path, args.feedback, getattr(args, "lms_csv", None),
                getattr(args, "lms_feedback", None)):
        if raw:
            path = Path(raw).resolve()
            paths.append(path if raw == args.feedback else path.parent)
    return [p for p in paths if p.exists()]


def _cache_path(args, course_dir):
    for raw in (args.json_path, args.csv_path):
        if raw:
            return Path(raw).resolve().parent / CACHE_NAME
    return course_dir / CACHE_NAME


def _summary_line(results, stats, seconds, outputs):
    done = [r for r in results if r is not None]
    graded = [r for r in done if r["status"] == "graded"]
    errors = len(done) - len(graded)
    rate = stats["graded"] / seconds if seconds > 0 else 0.0
    line = (f"graded {len(done)} submission{'s' if len(done) != 1 else ''} in {seconds:.1f} s: "
            f"{len(graded)} graded, {errors} error{'s' if errors != 1 else ''}, {stats['cached']} from cache")
    if stats["graded"]:
        line += f" ({rate:.1f} new/s)"
    if graded:
        mean = sum(r["score"] for r in graded) / len(graded)
        line += f"; mean score {mean:.2f} of {graded[0]['max_score']:g}"
    if stats["internal_errors"]:
        line += f"; {stats['internal_errors']} failed inside the grader (see their error)"
    if outputs:
        line += "; wrote " + ", ".join(outputs)
    return line


# Exit statuses of `backprop-lab grade` (documented in its --help and docs/instructors.md).
EXIT_OK, EXIT_GRADER_FAILED, EXIT_NOT_RUN, EXIT_NOTHING_GRADED, EXIT_STRICT = 0, 1, 2, 3, 4

# nbgrader's own folders in a course: never students, whatever path was given.
NBGRADER_FOLDERS = ("release", "source", "autograded", "feedback", "submitted")


def read_roster(path):
    """Student ids from a roster file: a CSV with an 'id' column (``nbgrader db student import``), or one id
    per line (blank lines and '#' comments skipped)."""
    import csv

    text = Path(path).read_text(encoding="utf-8-sig")
    first = text.split("\n", 1)[0]
    if "," in first and "id" in [c.strip() for c in first.split(",")]:
        return [row["id"].strip() for row in csv.DictReader(text.splitlines()) if (row.get("id") or "").strip()]
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def missing_submissions(roster, results):
    """[{"student", "assignment"}] for every roster student without a result of an assignment graded."""
    have = {(r["student"], r["assignment"]) for r in results}
    assignments = sorted({r["assignment"] for r in results})
    return [{"student": student, "assignment": assignment}
            for assignment in assignments for student in roster if (student, assignment) not in have]


def _nbgrader_folder_given(paths, course_dir):
    """The first given path that is (inside) one of the course's nbgrader folders other than submitted/."""
    for raw in paths:
        path = Path(raw).resolve()
        for name in NBGRADER_FOLDERS[:-1]:
            folder = course_dir / name
            if path == folder or folder in path.parents:
                return path, name
    return None


def _course_problem(course_dir):
    if not course_dir.is_dir():
        return f"course folder {course_dir} does not exist: pass the course with --course DIR"
    if not (course_dir / "nbgrader_config.py").is_file():
        return f"{course_dir} is not a course folder (it has no nbgrader_config.py): pass the course with --course DIR"
    return None


def _apply_late(results, submissions, grader, course_dir, gradebook_url):
    """Late penalties: in the gradebook (due dates, extensions) when there is one, else from LMS markers only.
    Returns (gradebook submissions written or None, a problem message or None)."""
    from graders.engine.gradebook import GradebookError, write_gradebook
    from graders.engine.late import apply_without_gradebook, late_plugin

    done = [r for r in results if r is not None]
    try:
        plugin = late_plugin(course_dir)
    except Exception as exc:  # the course's config names a plugin that cannot be made
        return None, f"late penalties not applied: the course's late-submission plugin failed ({exc})"
    if gradebook_url is None:
        apply_without_gradebook(done, plugin, grader.exercises_of)
        return None, None
    try:
        return write_gradebook(gradebook_url, [r for r in done if grader.exercises_of(r["assignment"])],
                               grader.course, plugin), None
    except GradebookError as exc:
        apply_without_gradebook(done, plugin, grader.exercises_of)
        return None, f"gradebook not updated: {exc}"


def _write_autograded(results, submissions, grader, course_dir, gradebook_url):
    """autograded/ notebooks for the formgrader; each result gets "hand_graded" (the cells graded by hand
    and their automatic score). Returns (notebooks written, a problem message or None)."""
    from graders.engine.autograded import one_gradebook, sanitizers, write_autograded

    count = 0
    try:
        steps = sanitizers(course_dir)
        with one_gradebook(steps, gradebook_url):
            for result, submission in zip(results, submissions):
                exercises = None if result is None else grader.exercises_of(result["assignment"])
                if not exercises:
                    continue
                paths, manual = write_autograded(course_dir, gradebook_url, result, grader.read_files(submission),
                                                 exercises, steps)
                count += len(paths)
                result["hand_graded"] = [{"notebook": notebook, "cell": cell, "auto_score": score}
                                         for (notebook, cell), score in sorted(manual.items())]
    except Exception as exc:  # the course's sanitizers or the gradebook: not the students' fault
        return count, f"autograded/ notebooks not all written ({type(exc).__name__}: {exc})"
    return count, None


def _warn(message):
    print(f"warning: {printable(message)}", file=sys.stderr)


def grade_command(args):
    """``backprop-lab grade``: returns the exit status (EXIT_* above).

    Runs under the course's grade lock (graders.engine.course_lock): a second run on the same course waits."""
    course_dir = Path(args.course).resolve()
    if not course_dir.is_dir():
        return _grade_command(args)  # which says what is wrong with the course
    with course_lock(course_dir, _warn):
        return _grade_command(args)


def _write_lms_outputs(args, done, outputs):
    """--lms-csv and --lms-feedback: the LMS's gradebook CSV and feedback bundle."""
    from graders.engine.lms import formats
    from graders.engine.results import feedback_report, write_text_atomically
    if not (getattr(args, "lms_csv", None) or getattr(args, "lms_feedback", None)):
        return
    used = {(r.get("lms") or {}).get("format") for r in done} - {None}
    name = getattr(args, "lms", None) or (used.pop() if len(used) == 1 else "nbgrader")
    module = formats()[name]
    if args.lms_csv:
        module.write_gradebook(args.lms_csv, done, write_text_atomically)
        outputs.append(f"{args.lms_csv} for {name}")
    if args.lms_feedback:
        try:
            count = module.write_feedback_bundle(args.lms_feedback, done, feedback_report)
            outputs.append(f"{count} feedback files in {args.lms_feedback} for {name}")
        except NotImplementedError as exc:
            _warn(f"--lms-feedback: {exc}")


def _grade_command(args):
    from graders.core.seeds import MissingSecretError
    from graders.engine.gradebook import GradebookError, gradebook_students, preload, resolve_gradebook
    from graders.engine.results import OutputError, write_csv, write_feedback, write_json

    def fail(message):
        print(f"backprop-lab grade: {message}", file=sys.stderr)
        return EXIT_NOT_RUN

    course_dir = Path(args.course).resolve()
    try:
        use_course(course_dir)
    except CourseError as exc:
        return fail(str(exc))
    if args.workers < 1:
        return fail("--workers must be at least 1")
    if not args.timeout > 0:
        return fail("--timeout must be a positive number of seconds")
    if args.memory < 64:
        return fail("--memory must be at least 64 (MiB)")
    problem = _course_problem(course_dir)
    if problem:
        return fail(problem)
    given = _nbgrader_folder_given(args.path, course_dir)
    if given:
        return fail(f"{given[0]} is in the course's {given[1]}/ folder, which holds no student submissions: "
                    f"grade the submitted/ folder ({course_dir / 'submitted'})")
    try:
        grader = Grader(course_dir, Limits(timeout=args.timeout, memory_mib=args.memory))
    except MissingSecretError as exc:
        return fail(str(exc))
    except (FileNotFoundError, ValueError, OSError) as exc:
        return fail(str(exc))
    roster = None
    if getattr(args, "roster", None):
        try:
            roster = read_roster(args.roster)
        except (OSError, UnicodeDecodeError) as exc:
            return fail(f"cannot read the roster {args.roster}: {exc}")
    try:
        submissions, warnings = find_submissions(args.path, course_dir, lms=getattr(args, "lms", None))
    except SubmissionError as exc:
        return fail(str(exc))
    for warning in warnings:
        _warn(warning)
    kept = [s for s in submissions if s.student not in NBGRADER_FOLDERS]
    for name in sorted({s.student for s in submissions} - {s.student for s in kept}):
        _warn(f"skipped {name}/: it is one of nbgrader's course folders, not a student (grade the submitted/ folder)")
    submissions = kept
    try:
        gradebook_url = resolve_gradebook(args.gradebook, course_dir)
    except GradebookError as exc:
        return fail(str(exc))
    if gradebook_url is None and args.gradebook is None:
        print(f"warning: the course has no gradebook ({course_dir / 'gradebook.db'}): scores, late penalties and "
              f"autograded/ notebooks are not written for nbgrader; run `backprop-lab build` first, or pass "
              f"--gradebook none to grade without one", file=sys.stderr)
    if not submissions:
        print(f"backprop-lab grade: no submissions found in {', '.join(map(str, args.path))}: nothing graded "
              f"(expected <student>/<assignment>/<notebook>.ipynb, notebooks, or an LMS zip)", file=sys.stderr)
        return EXIT_NOTHING_GRADED

    try:
        for raw in (args.json_path, args.csv_path):
            if raw:
                Path(raw).resolve().parent.mkdir(parents=True, exist_ok=True)
        if args.feedback:
            Path(args.feedback).mkdir(parents=True, exist_ok=True)
        cache = GradeCache(_cache_path(args, course_dir), grader.secret, warn=_warn)
    except (OSError, CacheError) as exc:
        return fail(str(exc))
    bar = None
    if sys.stderr.isatty():
        from tqdm import tqdm
        bar = tqdm(total=len(submissions), unit="submission", file=sys.stderr, dynamic_ncols=True)

    def progress(result):
        if bar is not None:
            bar.update(1)

    started = time.perf_counter()
    interrupted = False
    preloading = []  # the thread importing nbgrader while the submissions are graded
    try:
        results, stats = grade_submissions(submissions, grader, workers=min(args.workers, max(1, len(submissions))),
                                           cache=cache, force=args.force,
                                           hide=_hidden_paths(args, course_dir), progress=progress,
                                           started=(lambda: preloading.append(preload()))
                                           if gradebook_url is not None else None)
    except KeyboardInterrupt:
        interrupted = True
    except SandboxError as exc:
        return fail(f"the sandbox could not start: {exc}")
    finally:
        if bar is not None:
            bar.close()
        cache.close()
    if interrupted:
        print("\ninterrupted: the grades finished so far are kept; run the same command again to go on",
              file=sys.stderr)
        return 130
    seconds = time.perf_counter() - started

    for thread in preloading:
        thread.join()  # importing the same modules from two threads can deadlock
    status = EXIT_GRADER_FAILED if stats["internal_errors"] else EXIT_OK
    if roster is None and gradebook_url is not None:  # read before writing: nbgrader is imported by now
        try:
            roster = gradebook_students(gradebook_url)
        except GradebookError as exc:
            print(f"warning: no roster: {exc}", file=sys.stderr)
    outputs = []
    if gradebook_url is not None:
        notebooks, problem = _write_autograded(results, submissions, grader, course_dir, gradebook_url)
        if problem:
            print(f"backprop-lab grade: {problem}", file=sys.stderr)
            status = EXIT_GRADER_FAILED
        if notebooks:
            outputs.append(f"{notebooks} notebooks to {course_dir / 'autograded'}")
    written, problem = _apply_late(results, submissions, grader, course_dir, gradebook_url)
    if problem:
        print(f"backprop-lab grade: {problem}", file=sys.stderr)
        status = EXIT_GRADER_FAILED
    if written is not None:
        outputs.append(f"{written} grades to the gradebook")
    done = [r for r in results if r is not None]
    missing = missing_submissions(roster, done) if roster is not None else []

    meta = {"version": grader.fingerprint[:16], "isolation": stats.get("isolation", {}),
            "limits": asdict(grader.limits), "seconds": round(seconds, 3),
            "graded_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "warnings": [printable(w) for w in warnings]}  # conflicts and skipped files, as on stderr
    if cache.rejected:
        _warn(f"{cache.rejected} cached grade{'s' if cache.rejected != 1 else ''} failed the cache's "
              f"authentication (the cache file was edited) and {'were' if cache.rejected != 1 else 'was'} regraded")
    try:
        if args.json_path:
            write_json(args.json_path, done, meta, missing=missing)
            outputs.append(str(args.json_path))
        if args.csv_path:
            write_csv(args.csv_path, done)
            outputs.append(str(args.csv_path))
        if args.feedback:
            write_feedback(args.feedback, done)
            outputs.append(f"feedback in {args.feedback}")
        _write_lms_outputs(args, done, outputs)
    except OSError as exc:  # OutputError from ours; anything else the file system says
        return fail(f"{exc.strerror if isinstance(exc, OutputError) else exc}; the grades are in the cache: run "
                    f"the same command again once it can write")
    if stats["graded"] and not stats.get("isolation", {}).get("landlock_abi"):  # cached grades ran no code
        print("warning: this kernel has no Landlock: submissions were contained by uid, mounts and rlimits "
              "only", file=sys.stderr)
    if stats["graded"] and stats.get("isolation") and not stats["isolation"].get("seccomp"):
        print(f"warning: no seccomp filter ({stats['isolation'].get('seccomp_missing')}): submissions could use "
              f"system calls a backward pass never needs (install pyseccomp: `make install`)", file=sys.stderr)
    if missing:
        names = ", ".join(f"{m['student']} ({m['assignment']})" for m in missing[:20])
        more = f" and {len(missing) - 20} more" if len(missing) > 20 else ""
        print(f"missing: {len(missing)} roster student{'s have' if len(missing) != 1 else ' has'} no submission: "
              f"{names}{more}", file=sys.stderr)
    print(_summary_line(done, stats, seconds, outputs))
    errors = sum(1 for r in done if r["status"] != "graded")
    if status == EXIT_OK and errors == len(done):
        print("backprop-lab grade: nothing was graded: every submission ended in an error status (see each "
              "one's error)", file=sys.stderr)
        status = EXIT_NOTHING_GRADED
    if status == EXIT_OK and getattr(args, "strict", False) and (errors or missing):
        status = EXIT_STRICT
    return status
