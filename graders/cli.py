"""The ``backprop-lab`` command: argument parsing only; each subcommand lives in its own module."""
import argparse
import os
import sys
from pathlib import Path


def _course(args):
    """The course folder the command works on (--course, else the one around the working directory, else
    this repository's assignments/): graders.exercises.resolve_course. Sets args.course."""
    from graders.exercises import resolve_course
    args.course = str(resolve_course(args.course))
    return Path(args.course)


def _cmd_init(args):
    from graders.course.scaffold import InitError, init_course
    try:
        course = init_course(Path(args.directory), args.assignment, args.language)
    except InitError as exc:
        return _fail("init", exc)
    print(f"created the course {course}: build it with `backprop-lab --course {course} build`")
    return 0


def _cmd_build(args):
    from graders.course.build import build_course
    try:
        build_course(_course(args))
    except FileNotFoundError as exc:
        return _fail("build", exc)
    return 0


def _fail(command, exc):
    """A problem the user can fix (a missing folder, a bad file): one line, no traceback."""
    print(f"backprop-lab {command}: {exc}", file=sys.stderr)
    return 2


def _cmd_bundle(args):
    from graders.course.bundle import BundleLeakError, write_bundle
    try:
        print(write_bundle(_course(args), Path(args.out), args.assignment))
    except (FileNotFoundError, ValueError, BundleLeakError) as exc:
        return _fail("bundle", exc)
    return 0


def _cmd_grade(args):
    from graders.engine.batch import grade_command
    _course(args)
    return grade_command(args)


def _cmd_report(args):
    from graders.reports.html import stage_nbgrader_feedback, write_reports
    try:
        print(f"class summary: {write_reports(Path(args.results), Path(args.out))}")
        if args.nbgrader_feedback:
            pages = stage_nbgrader_feedback(Path(args.results), _course(args))
            print(f"{len(pages)} feedback pages in {Path(args.course) / 'feedback'}: "
                  "release them with `nbgrader release_feedback <assignment>`")
    except ValueError as exc:
        return _fail("report", exc)
    return 0


def _cmd_demo(args):
    from graders.demo import run_demo
    try:
        return run_demo(_course(args), Path(args.out))
    except FileNotFoundError as exc:
        return _fail("demo", exc)


def build_parser():
    parser = argparse.ArgumentParser(prog="backprop-lab", description=__doc__)
    parser.add_argument("--course", default=None,
                        help="the course folder, holding course.toml (default: $BACKPROP_LAB_COURSE, else the "
                             "nearest folder at or above this one holding course.toml, else this repository's "
                             "assignments/)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("init", help="scaffold a course in DIRECTORY: course.toml and nbgrader_config.py")
    p.add_argument("directory", help="the new course's folder (created)")
    p.add_argument("--assignment", action="append", default=None,
                   help="a built-in assignment to include (repeat; default: all of them)")
    p.add_argument("--language", default="en", choices=["en", "zh"], help="the course's language (default: en)")
    p.set_defaults(func=_cmd_init)

    p = sub.add_parser("build", help="source notebooks -> release notebooks (nbgrader generate_assignment)")
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser("bundle", help="write the student course bundle (.zip) and print its path")
    p.add_argument("--out", required=True, help="folder to write the zip into")
    p.add_argument("--assignment", default=None, help="which assignment (default: the course's only one)")
    p.set_defaults(func=_cmd_bundle)

    p = sub.add_parser("grade", help="grade submissions in sandboxed workers")
    p.add_argument("path", nargs="+", help="an nbgrader submitted/ folder, notebooks, or an LMS zip")
    p.add_argument("--json", dest="json_path", help="write results as JSON (CONTRACT.md)")
    p.add_argument("--csv", dest="csv_path", help="write one row per submission as CSV")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="parallel workers (default: cores)")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds per method (default: %(default)s)")
    p.add_argument("--memory", type=int, default=1024, help="memory cap per submission in MiB (default: %(default)s)")
    p.add_argument("--force", action="store_true", help="regrade submissions already graded")
    p.add_argument("--lms", choices=("canvas", "moodle", "blackboard", "nbgrader"), default=None,
                   help="the LMS whose download zip(s) PATH holds (default: detected from the file names)")
    p.add_argument("--lms-csv", metavar="FILE", default=None,
                   help="also write the grades as a CSV the LMS's gradebook imports")
    p.add_argument("--lms-feedback", metavar="FILE", default=None,
                   help="also write a zip of every student's feedback the LMS takes in one upload "
                        "(Canvas: Re-Upload Submissions; Moodle: feedback files zip)")
    p.add_argument("--gradebook", default=None,
                   help="SQLAlchemy URL of the nbgrader gradebook to write scores into "
                        "(default: the course's gradebook.db; 'none' to skip)")
    p.add_argument("--feedback", default=None, help="folder for per-student feedback reports")
    p.set_defaults(func=_cmd_grade)

    p = sub.add_parser("report", help="HTML feedback pages and a class summary from grading results")
    p.add_argument("results", help="the results JSON of `backprop-lab grade --json`")
    p.add_argument("--out", required=True, help="folder for the pages (index.html is the class summary)")
    p.add_argument("--nbgrader-feedback", action="store_true",
                   help="also put each exchange submission's page into the course's feedback/ folder, "
                        "for `nbgrader release_feedback`")
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser("demo", help="build, bundle and grade a class of sample submissions")
    p.add_argument("--out", default="demo-output", help="where the demo writes (default: %(default)s)")
    p.set_defaults(func=_cmd_demo)
    return parser


def main(argv=None):
    from graders.exercises import CourseError, ExerciseFormatError
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (CourseError, ExerciseFormatError) as exc:  # no course, or a mistake in course.toml or a folder: one line
        return _fail(args.command, exc)


if __name__ == "__main__":
    sys.exit(main())
