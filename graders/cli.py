"""The ``backprop-lab`` command: argument parsing only; each subcommand lives in its own module.

Every subcommand is declared once in ``build_parser`` with a summary, a description and an example for
instructors (docs/instructors.md's command table is generated from them: ``commands_table``); options
shared by all (``--course``) are accepted before or after the subcommand.
"""
import argparse
import os
import sys
from pathlib import Path

from utils.i18n import LANGUAGES

DESCRIPTION = """\
backprop-lab: build, hand out and grade the convolution and pooling exercises (an nbgrader course).

A term, in commands (run them anywhere; --course says which course):
  backprop-lab --course assignments build                   # release notebooks, course secret, gradebook
  backprop-lab --course assignments bundle --out dist/      # the student zip, for an LMS
  backprop-lab --course assignments grade assignments/submitted --json grades.json --csv grades.csv
  backprop-lab report grades.json --out reports/            # feedback pages and a class summary
Run `backprop-lab COMMAND --help` for each command's options and examples."""

EXIT_CODES = """\
exit status (for scripts):
  0  every submission was graded, or given an error status that tells the student what to fix
  1  the grader failed on some submissions (their error says so), or the gradebook was not written
  2  nothing was run: a bad option, a missing or unbuilt course, unreadable input
  3  nothing was graded: no submissions found, or every submission ended in an error status
  4  (only with --strict) some submissions ended in an error status, or roster students are missing"""


def _fail(command, exc):
    """A problem the user can fix (a missing folder, a bad file): one line, no traceback."""
    print(f"backprop-lab {command}: {exc}", file=sys.stderr)
    return 2


def _course(args):
    """The course folder the command works on (--course, else $BACKPROP_LAB_COURSE, else the folder around the
    working directory holding course.toml, else this repository's assignments/): resolve_course. Sets args.course."""
    from graders.exercises import resolve_course
    args.course = str(resolve_course(args.course))
    return Path(args.course)


def _check_course(command, course):
    """None when course is a course folder, else the exit status after a one-line error."""
    from graders.exercises import course_problem
    problem = course_problem(course)
    return None if problem is None else _fail(command, problem)


def _cmd_init(args):
    from graders.course.scaffold import InitError, init_course
    try:
        course = init_course(Path(args.directory), args.assignment, args.language)
    except InitError as exc:
        return _fail("init", exc)
    print(f"created the course {course}: build it with `backprop-lab --course {course} build`")
    return 0


def _cmd_build(args):
    course = _course(args)
    problem = _check_course("build", course)
    if problem is not None:
        return problem
    from graders.core.seeds import rotate_course_secret
    from graders.course.build import build_course  # imports matplotlib: only once the course is known
    try:
        if args.rotate_secret:
            kept = rotate_course_secret(course)
            print(f"made a new course secret in {course / '.course_secret'}: every student's grading inputs are "
                  f"new, and the next grade runs every submission again"
                  + (f"; the old secret is kept in {kept}" if kept else ""))
        build_course(course, args.lang)
    except (FileNotFoundError, ValueError, RuntimeError) as exc:  # RuntimeError: nbgrader failed, its log says why
        return _fail("build", exc)
    return 0


def _cmd_bundle(args):
    from graders.course.bundle import BundleLeakError, write_bundle
    try:
        print(write_bundle(_course(args), Path(args.out), args.assignment, args.lang))
    except (FileNotFoundError, ValueError, BundleLeakError) as exc:
        return _fail("bundle", exc)
    return 0


def _cmd_grade(args):
    from graders.engine.grade_command import grade_command
    _course(args)
    return grade_command(args)


def _report_language(args):
    """--lang, else the course file's language, else English (a report made outside any course)."""
    from graders.exercises import CourseError, load_course
    if args.lang:
        return args.lang
    try:
        return load_course(_course(args)).language
    except CourseError:
        return "en"


def _cmd_report(args):
    from graders.reports.html import stage_nbgrader_feedback, write_reports
    from utils.i18n import using_language
    try:
        with using_language(_report_language(args)):  # the pages' words; the command's own lines stay English
            summary = write_reports(Path(args.results), Path(args.out))
        print(f"class summary: {summary}")
        if args.nbgrader_feedback:
            course = _course(args)
            with using_language(_report_language(args)):
                pages = stage_nbgrader_feedback(Path(args.results), course)
            print(f"{len(pages)} feedback pages in {course / 'feedback'}: "
                  "release them with `nbgrader release_feedback <assignment>`")
    except (ValueError, FileNotFoundError) as exc:
        return _fail("report", exc)
    return 0


def _cmd_gradescope(args):
    from graders.course.gradescope import write_autograder
    course = _course(args)
    problem = _check_course("gradescope", course)
    if problem is not None:
        return problem
    try:
        print(write_autograder(course, Path(args.out), args.assignment))
    except (FileNotFoundError, ValueError) as exc:
        return _fail("gradescope", exc)
    return 0


def _cmd_demo(args):
    from graders.demo import run_demo
    try:
        return run_demo(_course(args), Path(args.out), args.lang)
    except FileNotFoundError as exc:
        return _fail("demo", exc)


def _add_common(parser, default):
    """Options every command takes, before or after its name (``grade --course X`` = ``--course X grade``)."""
    parser.add_argument("--course", default=default, metavar="DIR",
                        help="the course folder, holding course.toml and nbgrader_config.py (default: "
                             "$BACKPROP_LAB_COURSE, else the nearest folder at or above this one holding "
                             "course.toml, else this repository's assignments/)")


def _add_language(parser):
    """--lang: the language of what students read (notebooks, feedback, pages); default: the course file's."""
    parser.add_argument("--lang", choices=LANGUAGES, default=None,
                        help="the language of what students read: en or zh (default: the course file's "
                             "[course] language)")


def _subcommand(sub, name, func, summary, description, example):
    parser = sub.add_parser(name, help=summary, description=f"{description}\n\nexample:\n  {example}",
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_common(parser, argparse.SUPPRESS)  # given here, it overrides the one before the command
    parser.set_defaults(func=func)
    return parser


def build_parser():
    parser = argparse.ArgumentParser(prog="backprop-lab", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_common(parser, None)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = _subcommand(
        sub, "init", _cmd_init, "scaffold a course in DIRECTORY: course.toml and nbgrader_config.py",
        "Make a new course folder holding course.toml (its assignments, in order, with their exercises and\n"
        "settings) and nbgrader_config.py; then build it. Works from an installed wheel as from a clone.",
        "backprop-lab init my-course --assignment conv_pool_backward")
    p.add_argument("directory", help="the new course's folder (created)")
    p.add_argument("--assignment", action="append", default=None,
                   help="a built-in assignment to include (repeat; default: all of them)")
    p.add_argument("--language", default="en", choices=LANGUAGES, help="the course's language (default: en)")

    p = _subcommand(
        sub, "build", _cmd_build, "templates -> source and release notebooks (nbgrader generate_assignment)",
        "Render the course's templates into nbgrader source notebooks, then release them with nbgrader's\n"
        "generate_assignment: release/<assignment>/ is what students get, and the gradebook (gradebook.db)\n"
        "learns every graded cell. The first build also makes the course secret (.course_secret), which picks\n"
        "each student's grading inputs: keep it and back it up; `grade` refuses to run without it.",
        "backprop-lab --course assignments build")
    _add_language(p)
    p.add_argument("--rotate-secret", action="store_true",
                   help="replace the course secret before building: every student's grading inputs change and "
                        "the next grade runs every submission again (the old secret is kept beside it)")

    p = _subcommand(
        sub, "bundle", _cmd_bundle, "write the student course bundle (.zip) and print its path",
        "Write one zip with everything a student needs outside JupyterHub (notebooks, utils, self-check),\n"
        "for an LMS or a download page; it never holds solutions, the gradebook or the course secret.",
        "backprop-lab --course assignments bundle --out dist/")
    p.add_argument("--out", required=True, help="folder to write the zip into")
    p.add_argument("--assignment", default=None, help="which assignment (default: the course's only one)")
    _add_language(p)

    p = _subcommand(
        sub, "grade", _cmd_grade, "grade submissions, each method in a sandbox",
        "Grade every submission found in PATH: an nbgrader submitted/ folder (<student>/<assignment>/*.ipynb,\n"
        "with timestamp.txt), single notebooks, or an LMS zip. Scores go into the course's gradebook (late\n"
        "penalties as nbgrader applies them), autograded/ notebooks are written for the formgrader, and\n"
        "students on the roster with no submission are listed.\n\n" + EXIT_CODES,
        "backprop-lab grade assignments/submitted --course assignments --json grades.json --csv grades.csv")
    p.add_argument("path", nargs="+", help="an nbgrader submitted/ folder, notebooks, or an LMS zip")
    p.add_argument("--json", dest="json_path", metavar="FILE", help="write results as JSON")
    p.add_argument("--csv", dest="csv_path", metavar="FILE", help="write one row per submission as CSV")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="parallel workers (default: cores)")
    p.add_argument("--timeout", type=float, default=None,
                   help="seconds for all the cases of one method, for every exercise (default: each exercise's "
                        "time_limit in course.toml, 10 unless set)")
    p.add_argument("--memory", type=int, default=1024, help="memory cap per submission in MiB (default: %(default)s)")
    p.add_argument("--force", action="store_true", help="regrade submissions already graded")
    p.add_argument("--lms", choices=("canvas", "moodle", "blackboard", "nbgrader"), default=None,
                   help="the LMS whose download zip(s) PATH holds (default: detected from the file names)")
    p.add_argument("--lms-csv", metavar="FILE", default=None,
                   help="also write the grades as a CSV the LMS's gradebook imports")
    p.add_argument("--lms-feedback", metavar="FILE", default=None,
                   help="also write a zip of every student's feedback the LMS takes in one upload "
                        "(Canvas: Re-Upload Submissions; Moodle: feedback files zip)")
    p.add_argument("--gradebook", default=None, metavar="URL",
                   help="SQLAlchemy URL or path of the nbgrader gradebook to write scores into "
                        "(default: the course's gradebook.db; 'none' to skip)")
    p.add_argument("--roster", default=None, metavar="FILE",
                   help="the class list: one student id per line, or a CSV with an 'id' column (nbgrader's "
                        "`db student import` format); default: the gradebook's students")
    p.add_argument("--strict", action="store_true",
                   help="exit 4 when any submission ended in an error status or a roster student is missing")
    p.add_argument("--feedback", default=None, metavar="DIR", help="folder for per-student feedback reports")

    p = _subcommand(
        sub, "report", _cmd_report, "HTML feedback pages and a class summary from grading results",
        "Turn the results of `backprop-lab grade --json` into one HTML page per submission and a class\n"
        "summary (index.html); with --nbgrader-feedback the pages also go where `nbgrader release_feedback`\n"
        "takes them from.",
        "backprop-lab report grades.json --out reports/ --nbgrader-feedback")
    p.add_argument("results", help="the results JSON of `backprop-lab grade --json`")
    p.add_argument("--out", required=True, help="folder for the pages (index.html is the class summary)")
    p.add_argument("--nbgrader-feedback", action="store_true",
                   help="also put each exchange submission's page into the course's feedback/ folder, "
                        "for `nbgrader release_feedback`")
    _add_language(p)

    p = _subcommand(
        sub, "gradescope", _cmd_gradescope, "write the Gradescope autograder zip of an assignment",
        "Write <assignment>-gradescope.zip for a Gradescope programming assignment (setup.sh, run_autograder,\n"
        "requirements.txt and this grader): Gradescope runs it on each upload and shows every method's score,\n"
        "per-case feedback and hints. Build the course first.",
        "backprop-lab --course assignments gradescope --out dist/")
    p.add_argument("--out", required=True, help="folder to write the zip into")
    p.add_argument("--assignment", default=None, help="which assignment (default: the course's only one)")

    p = _subcommand(
        sub, "demo", _cmd_demo, "build, bundle and grade a class of sample submissions",
        "Run the whole instructor workflow on a copy of the course and a class of sample answers (right,\n"
        "wrong in the classic ways, broken), then print the grades and where the reports are.",
        "backprop-lab demo --out demo-output")
    p.add_argument("--out", default="demo-output", help="where the demo writes (default: %(default)s)")
    _add_language(p)
    return parser


def commands_table():
    """The markdown table of the commands in docs/instructors.md (a test keeps the two the same)."""
    rows = ["| command | what it does | example |", "|---|---|---|"]
    commands = build_parser()._subparsers._group_actions[0]
    summaries = {action.dest: action.help for action in commands._choices_actions}
    for name, parser in commands.choices.items():
        example = parser.description.rsplit("example:\n  ", 1)[1]
        rows.append(f"| `{name}` | {summaries[name]} | `{example}` |")
    return "\n".join(rows)


def main(argv=None):
    from graders.exercises import CourseError, ExerciseFormatError
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (CourseError, ExerciseFormatError) as exc:  # no course, or a mistake in course.toml or a folder: one line
        return _fail(args.command, exc)


if __name__ == "__main__":
    sys.exit(main())
