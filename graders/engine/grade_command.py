"""``backprop-lab grade``, the command: check the options and the course, find the submissions, grade them
(``graders.engine.batch.grade_submissions``), then write what instructors read: the gradebook with late
penalties (``graders.engine.late``), ``autograded/`` notebooks for the formgrader, the results JSON, CSV,
feedback and LMS files, the roster's missing students, and an exit status scripts can trust (EXIT_* below).
"""
import datetime
import sys
import time
from dataclasses import asdict
from pathlib import Path

from graders.engine.batch import Grader, grade_submissions
from graders.engine.course_lock import course_lock
from graders.engine.grade_cache import CACHE_NAME, CacheError, GradeCache
from graders.engine.sandbox import Limits, SandboxError, printable
from graders.engine.submissions import SubmissionError, find_submissions
from graders.exercises import CourseError, course_problem, load_course, use_course
from utils.i18n import using_language



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
        apply_without_gradebook(done, plugin, grader.course.graded)
        return None, None
    try:
        return write_gradebook(gradebook_url, [r for r in done if grader.course.graded(r["assignment"])],
                               grader.course, plugin), None
    except GradebookError as exc:
        apply_without_gradebook(done, plugin, grader.course.graded)
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
                exercises = None if result is None else grader.course.graded(result["assignment"])
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
    with course_lock(course_dir, _warn), using_language(_course_language(course_dir)):
        return _grade_command(args)  # the feedback speaks the course's language


def _course_language(course_dir):
    """The course file's language (None when it cannot be read: _grade_command says why)."""
    try:
        return load_course(course_dir).language
    except CourseError:
        return None


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
    if args.timeout is not None and not args.timeout > 0:
        return fail("--timeout must be a positive number of seconds")
    if args.memory < 64:
        return fail("--memory must be at least 64 (MiB)")
    problem = course_problem(course_dir)
    if problem:
        return fail(problem)
    given = _nbgrader_folder_given(args.path, course_dir)
    if given:
        return fail(f"{given[0]} is in the course's {given[1]}/ folder, which holds no student submissions: "
                    f"grade the submitted/ folder ({course_dir / 'submitted'})")
    try:
        grader = Grader(course_dir, Limits(memory_mib=args.memory), timeout=args.timeout)
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
