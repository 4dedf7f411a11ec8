"""The ``backprop-lab`` command: argument parsing only; each subcommand lives in its own module."""
import argparse
import os
import sys
from pathlib import Path

# The course folder when the command runs from a clone; override with --course.
DEFAULT_COURSE = Path(__file__).resolve().parent.parent / "assignments"


def _cmd_build(args):
    from graders.build import build_course
    build_course(Path(args.course))
    return 0


def _cmd_bundle(args):
    from graders.bundle import write_bundle
    print(write_bundle(Path(args.course), Path(args.out)))
    return 0


def _cmd_grade(args):
    from graders.engine import grade_command
    return grade_command(args)


def _cmd_demo(args):
    from graders.demo import run_demo
    return run_demo(Path(args.course), Path(args.out))


def build_parser():
    parser = argparse.ArgumentParser(prog="backprop-lab", description=__doc__)
    parser.add_argument("--course", default=os.environ.get("BACKPROP_LAB_COURSE", DEFAULT_COURSE),
                        help="the nbgrader course folder (default: %(default)s)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build", help="source notebooks -> release notebooks (nbgrader generate_assignment)")
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser("bundle", help="write the student course bundle (.zip) and print its path")
    p.add_argument("--out", required=True, help="folder to write the zip into")
    p.set_defaults(func=_cmd_bundle)

    p = sub.add_parser("grade", help="grade submissions in sandboxed workers")
    p.add_argument("path", nargs="+", help="an nbgrader submitted/ folder, notebooks, or an LMS zip")
    p.add_argument("--json", dest="json_path", help="write results as JSON (CONTRACT.md)")
    p.add_argument("--csv", dest="csv_path", help="write one row per submission as CSV")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="parallel workers (default: cores)")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds per method (default: %(default)s)")
    p.add_argument("--memory", type=int, default=1024, help="memory cap per submission in MiB (default: %(default)s)")
    p.add_argument("--force", action="store_true", help="regrade submissions already graded")
    p.add_argument("--gradebook", default=None,
                   help="SQLAlchemy URL of the nbgrader gradebook to write scores into "
                        "(default: the course's gradebook.db; 'none' to skip)")
    p.add_argument("--feedback", default=None, help="folder for per-student feedback reports")
    p.set_defaults(func=_cmd_grade)

    p = sub.add_parser("demo", help="build, bundle and grade a class of sample submissions")
    p.add_argument("--out", default="demo-output", help="where the demo writes (default: %(default)s)")
    p.set_defaults(func=_cmd_demo)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
