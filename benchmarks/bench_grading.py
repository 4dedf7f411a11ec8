"""Throughput of ``backprop-lab grade`` against ``nbgrader autograde`` on the same submissions, in one run.

    .venv/bin/python benchmarks/bench_grading.py [--n 60] [--big 1000] [--workers 2]

1. builds the course in a temporary folder (``backprop-lab build``);
2. makes N submissions from its release notebooks: half of the answers correct, half wrong,
   cycling through the sample answers of graders/sample_answers (vectorised and loops, typical
   mistakes and unknown ones) and untouched stubs; the same mix for every run;
3. times, as whole commands from start-up to exit, ``backprop-lab grade submitted/ --force``
   (every method in its sandbox, scores into the gradebook) and ``nbgrader autograde --force``
   on the same folder; prints submissions per second for each, the ratio (target: at least 30x),
   and whether the two gave every submission the same scores;
4. times ``backprop-lab grade`` on BIG submissions (the mix again under new student ids) and
   prints it against the target of 1000 submissions in under 30 s on 2 cores.

Timings depend on what else the machine is doing: both sides of the ratio are measured here,
one after the other, on the same machine. A script, not a test.
"""
import argparse
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run as a script: import this checkout

import nbformat  # noqa: E402

from graders.exercises import load_course  # noqa: E402
from graders.sample_answers import load_answers  # noqa: E402

ASSIGNMENT = "conv_pool_backward"
EXERCISES = {exercise.name: exercise for exercise in load_course(REPO / "assignments").exercises(ASSIGNMENT)}
BEGIN, END = "########## Begin ##########", "########## End ##########"
RATIO_TARGET = 30.0
BIG_TARGET_SECONDS = 30.0


def splice(source, body):
    lines = source.split("\n")
    begin = next(i for i, line in enumerate(lines) if line.strip() == BEGIN)
    end = next(i for i, line in enumerate(lines) if line.strip() == END)
    return "\n".join(lines[:begin + 1] + body.rstrip("\n").split("\n") + lines[end:])


def answer_notebooks(course):
    """For each exercise: {"correct": [(label, notebook bytes)], "wrong": [...]}: the sample answers,
    and the untouched stub among the wrong ones."""
    variants = {}
    for exercise in EXERCISES.values():
        release = nbformat.read(course / "release" / ASSIGNMENT / f"{exercise.notebook}.ipynb", as_version=4)
        options = {"correct": [], "wrong": [("stub", nbformat.writes(release).encode())]}
        for answer in load_answers(exercise.name):
            nb = copy.deepcopy(release)
            for cell in nb.cells:
                if cell.metadata.get("nbgrader", {}).get("grade_id") == exercise.answer_cell:
                    cell.source = splice(cell.source, answer.body)
            options[answer.expected].append((answer.name, nbformat.writes(nb).encode()))
        variants[exercise.name] = options
    return variants


def make_submissions(root, variants, n, prefix="s"):
    """n students. Each answers each exercise correctly or not, half and half (alternating, so
    a student may get one right and the other wrong), cycling through the variants of that kind."""
    for i in range(n):
        folder = root / f"{prefix}{i:04d}" / ASSIGNMENT
        folder.mkdir(parents=True)
        for k, exercise in enumerate(EXERCISES.values()):
            kind = "correct" if (i // (k + 1)) % 2 == 0 else "wrong"
            options = variants[exercise.name][kind]
            _, data = options[(i * (3 + 2 * k)) % len(options)]
            (folder / f"{exercise.notebook}.ipynb").write_bytes(data)


def timed(command, cwd, env):
    started = time.perf_counter()
    proc = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, command))} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return seconds, proc


def nbgrader_scores(course):
    from nbgrader.api import Gradebook
    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for submission in gb.assignment_submissions(ASSIGNMENT):
            for exercise in EXERCISES.values():
                grade = gb.find_grade(exercise.test_cell, exercise.notebook, ASSIGNMENT, submission.student.id)
                scores[submission.student.id, exercise.name] = grade.score
    return scores


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=60, help="submissions graded by both (default: %(default)s)")
    parser.add_argument("--big", type=int, default=1000, help="submissions of the big run (0: skip)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="backprop-lab grade --workers")
    args = parser.parse_args(argv)

    scripts = str(Path(sys.executable).parent)
    env = dict(os.environ, PATH=os.pathsep.join([scripts, os.environ.get("PATH", "")]))
    env.pop("BACKPROP_LAB_SECRET", None)  # the course's own secret file
    grade = [sys.executable, "-m", "graders.cli"]
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        tmp = Path(tmp)
        course = tmp / "course"
        course.mkdir()
        from graders.course.build import copy_course_inputs
        copy_course_inputs(REPO / "assignments", course)
        print(f"building the course in {course} ...", flush=True)
        timed(grade + ["--course", course, "build"], REPO, env)
        variants = answer_notebooks(course)
        make_submissions(course / "submitted", variants, args.n)
        count = sum(len(options) for v in variants.values() for options in v.values())
        print(f"{args.n} submissions, half of the answers correct: {count} answer variants (sample answers "
              f"and stubs), {os.cpu_count()} cores, --workers {args.workers}", flush=True)

        ours, proc = timed(grade + ["--course", course, "grade", course / "submitted", "--json", tmp / "ours.json",
                                    "--force", "--workers", str(args.workers)], REPO, env)
        print(f"  backprop-lab grade:  {ours:6.1f} s  {args.n / ours:7.2f} submissions/s   ({proc.stdout.strip()})",
              flush=True)
        theirs, _ = timed([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT, "--force"], course, env)
        print(f"  nbgrader autograde:  {theirs:6.1f} s  {args.n / theirs:7.2f} submissions/s", flush=True)
        ratio = theirs / ours
        print(f"  ratio: {ratio:.1f}x nbgrader's throughput (target >= {RATIO_TARGET:g}x: "
              f"{'met' if ratio >= RATIO_TARGET else 'NOT met'})")

        results = json.loads((tmp / "ours.json").read_text())["submissions"]
        mine = {(r["student"], t["name"]): t["score"] for r in results for t in r["tests"]}
        reference = nbgrader_scores(course)
        differ = sorted(key for key in reference if abs(reference[key] - mine.get(key, -1)) > 0.005)
        print(f"  same scores from both: {len(reference) - len(differ)} of {len(reference)} methods"
              + (f"; differing: {differ[:5]}" if differ else ""))

        if args.big:
            big = tmp / "big"
            make_submissions(big, variants, args.big, prefix="b")
            seconds, proc = timed(grade + ["--course", course, "grade", big, "--json", tmp / "big.json", "--force",
                                           "--workers", str(args.workers)], REPO, env)
            verdict = "met" if seconds < BIG_TARGET_SECONDS else "NOT met"
            print(f"{args.big} submissions through backprop-lab grade: {seconds:.1f} s, {args.big / seconds:.1f}/s "
                  f"on {os.cpu_count()} cores (target: 1000 in < {BIG_TARGET_SECONDS:g} s: {verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
