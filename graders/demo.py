"""``backprop-lab demo`` (what ``make demo`` runs): the whole course workflow on shipped sample data.

    run_demo(course_dir, out_dir) -> exit status

1. copies the course's configuration and templates into ``out_dir/course`` (the demo never touches the real
   course's gradebook, secret or submissions) and builds it: source and release notebooks, self-check cases;
2. writes the student bundle (``graders.course.bundle``) into ``out_dir``;
3. makes a class of submissions from the sample answers shipped in ``graders/sample_answers`` (correct ones
   in several styles, every catalogued mistake, untouched stubs, hostile code) plus a missing and a broken
   notebook, laid out as nbgrader's ``out_dir/course/submitted/<student>/<assignment>/<notebook>.ipynb``;
4. grades them with ``backprop-lab grade`` (sandboxed), into ``out_dir/grades.json`` and ``grades.csv``;
5. writes the HTML reports (``graders.reports.html``) into ``out_dir/reports``;
6. prints the score table, with what each submission was and whether the grader agreed, and where
   everything is.

Run it again and the build and the grades already made are reused (the grader's cache); delete
``out_dir`` for a fresh run. Needs no network and no configuration.
"""
import json
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from graders.exercises import ASSIGNMENT, EXERCISES, educoder_region

# nbgrader's timestamp.txt format; one fixed time, so that reruns hit the grader's cache.
TIMESTAMP = "2025-01-15 12:00:00.000000 UTC"
# Seconds per method in the sandbox. Correct answers need a few hundredths; the endless loop costs this much.
DEMO_TIMEOUT = 5.0


@dataclass
class DemoStudent:
    """One submission of the demo class.

    - student: its id (the folder under submitted/)
    - answers: {method: sample Answer}; a method left out means its notebook is not submitted
    - broken: notebook names whose file is replaced by something that is not a notebook
    - expected: {method: "correct" | "wrong <mistake>" | "zero" | "error"}, what the grader should conclude
    """
    student: str
    answers: dict
    broken: tuple = ()
    expected: dict = field(default_factory=dict)

    @property
    def what(self):
        """What the submission is, in a few words: the sample answers' names."""
        parts = []
        for method, exercise in EXERCISES.items():
            name = f"{exercise.notebook}.ipynb"
            if method not in self.answers:
                parts.append(f"{name} missing")
            elif name in self.broken:
                parts.append(f"{name} not a notebook")
            else:
                parts.append(self.answers[method].name)
        return ", ".join(parts)


# ----------------------------------------------------------------------------------------------------------
# Notebooks

def splice_into_cell(source: str, body: str) -> str:
    """A class cell's source with the lines between its Begin and End lines replaced by ``body``.

    Inputs:
    - source: the cell's text, with exactly one Begin line followed by one End line
    - body: the answer's lines, indented as they stand in the method (a trailing newline is optional)
    """
    lines = source.split("\n")
    begin, end = educoder_region(lines, "the cell")
    answer = body[:-1] if body.endswith("\n") else body
    return "\n".join(lines[:begin + 1] + answer.split("\n") + lines[end:])


def answered_notebook(release_notebook: Path, method: str, body: str):
    """The release notebook of ``method`` with ``body`` written between the Begin and End lines of its class cell,
    as a student would leave it (an nbformat NotebookNode)."""
    exercise = EXERCISES[method]
    nb = nbformat.read(release_notebook, as_version=4)
    cells = [c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == exercise.answer_cell]
    if len(cells) != 1:
        raise ValueError(f"{release_notebook}: expected one cell with nbgrader id {exercise.answer_cell!r}, "
                         f"found {len(cells)}; rebuild the course (backprop-lab build)")
    cells[0].source = splice_into_cell(cells[0].source, body)
    return nb


# ----------------------------------------------------------------------------------------------------------
# The class

# Hostile answers (the sample answers are honest attempts): each must cost its method 0 points, and nothing else.
# Written as the lines between Begin and End, at the method body's indentation.
HOSTILE = {
    "Convolution.backward": {
        "hostile/endless_loop": (
            "        while True:  # never returns: the time limit must stop it\n"
            "            pass\n"),
        "hostile/patched_numpy": (
            "        # Make every comparison pass, in case the grader compares in this process.\n"
            "        np.allclose = lambda *args, **kwargs: True\n"
            "        np.testing.assert_allclose = lambda *args, **kwargs: None\n"
            "        np.abs = np.zeros_like\n"
            "        self.dW, self.db = np.zeros_like(self.W), np.zeros_like(self.b)\n"
            "        return np.zeros_like(self.x)\n"),
    },
    "MaxPool.backward": {
        "hostile/os_exit": (
            "        import os\n"
            "        os._exit(0)  # kills the process that runs it, before any result exists\n"),
        "hostile/reads_solutions": (
            "        # The reference answer sits next to utils in the repository: run it, if the sandbox lets us read it.\n"
            "        import pathlib\n"
            "        layers = pathlib.Path(im2col.__code__.co_filename).resolve().parents[1] / 'solutions' / 'layers.py'\n"
            "        namespace = {}\n"
            "        exec(layers.read_text(), namespace)\n"
            "        reference = namespace['MaxPool'](self.pool_h, self.pool_w, self.stride, self.pad)\n"
            "        reference.forward(self.x)\n"
            "        return reference.backward(dout)\n"),
    },
}


@dataclass(frozen=True)
class HostileAnswer:
    """A hostile answer, shaped like a sample answer (name, method, body)."""
    name: str
    method: str
    body: str
    expected: str = "hostile"
    mistake: str = None

def demo_class() -> list[DemoStudent]:
    """The demo's students, from the sample answers: every answer is submitted by someone.

    - one student per correct Convolution answer, paired with a correct MaxPool answer (full marks);
    - one per wrong Convolution answer, with a correct MaxPool answer: the score shows that one mistake;
    - one per wrong MaxPool answer, with a correct Convolution answer;
    - one per hostile answer (HOSTILE), with a correct answer to the other method: 0 points for that method;
    - one who submitted both stubs untouched, one who forgot a notebook, one whose notebook is not a notebook.
    """
    from graders.sample_answers import load_answers
    conv_method, pool_method = "Convolution.backward", "MaxPool.backward"
    answers = {method: load_answers(method) for method in (conv_method, pool_method)}
    correct = {m: [a for a in answers[m] if a.expected == "correct"] for m in answers}
    wrong = {m: [a for a in answers[m] if a.expected != "correct"] for m in answers}
    stubs = {m: next(a for a in answers[m] if a.name.endswith("/stub")) for m in answers}
    for method in answers:
        if not correct[method]:
            raise RuntimeError(f"graders/sample_answers has no correct answer to {method}: the demo needs one")

    pairs = []
    for i in range(max(len(correct[conv_method]), len(correct[pool_method]))):
        pairs.append({conv_method: correct[conv_method][i % len(correct[conv_method])],
                      pool_method: correct[pool_method][i % len(correct[pool_method])]})
    for i, answer in enumerate(a for a in wrong[conv_method] if a is not stubs[conv_method]):
        pairs.append({conv_method: answer, pool_method: correct[pool_method][i % len(correct[pool_method])]})
    for i, answer in enumerate(a for a in wrong[pool_method] if a is not stubs[pool_method]):
        pairs.append({conv_method: correct[conv_method][i % len(correct[conv_method])], pool_method: answer})
    for method, bodies in HOSTILE.items():
        other = next(m for m in answers if m != method)
        for i, (name, body) in enumerate(bodies.items()):
            pairs.append({method: HostileAnswer(name, method, body), other: correct[other][i % len(correct[other])]})
    pairs.append(dict(stubs))

    students = [DemoStudent(f"s{i:02d}", pair, expected={m: _expected(a) for m, a in pair.items()})
                for i, pair in enumerate(pairs, start=1)]
    n = len(students)
    first = {conv_method: correct[conv_method][0], pool_method: correct[pool_method][0]}
    students.append(DemoStudent(f"s{n + 1:02d}", {conv_method: first[conv_method]},
                                expected={conv_method: "correct", pool_method: "error"}))
    students.append(DemoStudent(f"s{n + 2:02d}", dict(first), broken=(f"{EXERCISES[pool_method].notebook}.ipynb",),
                                expected={conv_method: "correct", pool_method: "error"}))
    return students


def _expected(answer) -> str:
    if answer.expected == "hostile":
        return "zero"
    return "correct" if answer.expected == "correct" else f"wrong {answer.mistake}"


def write_submissions(release_dir: Path, submitted_dir: Path, students: list[DemoStudent]) -> None:
    """nbgrader's submitted/<student>/<assignment>/<notebook>.ipynb (+ timestamp.txt) for every student.

    The folder is replaced: it holds exactly this class.
    """
    if submitted_dir.exists():
        shutil.rmtree(submitted_dir)
    for student in students:
        folder = submitted_dir / student.student / ASSIGNMENT
        folder.mkdir(parents=True)
        (folder / "timestamp.txt").write_text(TIMESTAMP + "\n", encoding="utf-8")
        for method, answer in student.answers.items():
            name = f"{EXERCISES[method].notebook}.ipynb"
            if name in student.broken:
                # What an LMS upload of the wrong file looks like: a PDF where a notebook should be.
                (folder / name).write_bytes(b"%PDF-1.4\n% a notebook printed to PDF, renamed to .ipynb\n")
                continue
            nbformat.write(answered_notebook(release_dir / name, method, answer.body), folder / name)


def write_roster(path: Path, students: list[DemoStudent]) -> None:
    """roster.csv: what every demo student submitted and what the grader should conclude."""
    import csv
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "submitted", *(f"expected {m}" for m in EXERCISES)])
        for s in students:
            writer.writerow([s.student, s.what, *(s.expected.get(m, "") for m in EXERCISES)])


# ----------------------------------------------------------------------------------------------------------
# Checking the grader's verdicts against what the sample answers say

def agreement(student: DemoStudent, result: dict | None) -> list[str]:
    """Where the grader's result disagrees with what the sample answers say it must conclude ([] = agrees).

    - "correct": the method passed with full points;
    - "wrong <mistake>": it failed, and (for a catalogued mistake) some case was diagnosed as that mistake;
    - "zero" (hostile code) and "error" (missing or unreadable notebook): 0 points.
    """
    if result is None:
        return ["not graded"]
    problems = []
    tests = {t["name"]: t for t in result.get("tests", [])}
    for method, expected in student.expected.items():
        test = tests.get(method)
        if test is None:
            problems.append(f"{method}: missing from the results")
            continue
        if expected == "correct":
            if not (test["passed"] and test["score"] == test["max_score"]):
                problems.append(f"{method}: expected full marks, got {test['score']:g}")
        elif expected in ("zero", "error"):
            if test["score"] != 0:
                problems.append(f"{method}: expected 0 points, got {test['score']:g}")
        else:
            mistake = expected.split(" ", 1)[1]
            found = {d["name"] for case in test.get("cases", []) for d in case.get("diagnosis", [])}
            if test["passed"]:
                problems.append(f"{method}: passed, but the answer is wrong ({mistake})")
            elif mistake != "unknown" and mistake not in found:
                problems.append(f"{method}: diagnosis missed {mistake} (found {', '.join(sorted(found)) or 'none'})")
    return problems


# ----------------------------------------------------------------------------------------------------------
# The demo

def prepare_course(course_dir: Path, work_dir: Path) -> Path:
    """A working copy of the course (nbgrader_config.py, templates/) in work_dir, modification times kept so
    that an up-to-date build there is reused."""
    from graders.course.build import copy_course_inputs
    return copy_course_inputs(Path(course_dir).resolve(), work_dir)


def _score_table(students: list[DemoStudent], results: dict) -> tuple[str, int]:
    """The printed table, and how many submissions the grader judged differently from the sample answers."""
    methods = list(EXERCISES)
    header = ["student", "score", *[m.split(".")[0] for m in methods], "grader agrees", "submitted"]
    rows, disagreements = [], 0
    for s in students:
        result = results.get(s.student)
        tests = {t["name"]: t for t in (result or {}).get("tests", [])}
        problems = agreement(s, result)
        disagreements += bool(problems)
        score = "-" if result is None else (f"{result['score']:g}/{result['max_score']:g}"
                                            + (" (error)" if result["status"] == "error" else ""))
        rows.append([s.student, score, *[f"{tests[m]['score']:g}" if m in tests else "-" for m in methods],
                     "yes" if not problems else "NO: " + "; ".join(problems), s.what])
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header) - 1)]
    lines = []
    for r in [header] + rows:
        lines.append("  ".join(str(v).ljust(w) for v, w in zip(r, widths)) + "  " + r[-1])
    return "\n".join(lines), disagreements


def run_demo(course_dir: Path, out_dir: Path) -> int:
    """Build, bundle, grade a sample class and report, in out_dir. Returns the exit status:
    0 when everything ran and the grader agreed with every sample answer's expected verdict."""
    from graders import cli
    from graders.course.bundle import write_bundle
    from graders.reports.html import write_reports

    started = step = time.perf_counter()

    def done():
        nonlocal step
        now = time.perf_counter()
        print(f"      ({now - step:.1f} s)", flush=True)
        step = now

    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    course = prepare_course(Path(course_dir), out_dir / "course")

    print(f"[1/4] building the course in {course} and the student bundle ...", flush=True)
    bundle = write_bundle(course, out_dir)
    for old in out_dir.glob(f"{bundle.name.rsplit('-', 1)[0]}-*.zip"):
        if old != bundle:
            old.unlink()  # an earlier version's bundle
    done()

    students = demo_class()
    submitted = course / "submitted"
    write_submissions(course / "release" / ASSIGNMENT, submitted, students)
    write_roster(out_dir / "roster.csv", students)
    print(f"[2/4] wrote {len(students)} sample submissions into {submitted}", flush=True)
    done()

    grades_json, grades_csv, reports = out_dir / "grades.json", out_dir / "grades.csv", out_dir / "reports"
    print(f"[3/4] grading them, each method in a sandbox (backprop-lab grade, time limit {DEMO_TIMEOUT:g} s) ...",
          flush=True)
    status = cli.main(["--course", str(course), "grade", str(submitted), "--json", str(grades_json),
                       "--csv", str(grades_csv), "--feedback", str(reports), "--timeout", str(DEMO_TIMEOUT)])
    if status != 0 and not grades_json.is_file():
        print(f"backprop-lab demo: grading failed (exit status {status})", file=sys.stderr)
        return status or 1
    done()

    print("[4/4] writing the reports ...", flush=True)
    summary = write_reports(grades_json, reports)
    done()

    results = {r["student"]: r for r in json.loads(grades_json.read_text(encoding="utf-8"))["submissions"]}
    table, disagreements = _score_table(students, results)
    print()
    print(table)
    print()
    print(f"student bundle:  {bundle}")
    print(f"grades:          {grades_json}, {grades_csv}")
    print(f"class summary:   {summary}")
    print(f"feedback pages:  {reports}/<student>/{ASSIGNMENT}.html (and .txt)")
    print(f"the class:       {out_dir / 'roster.csv'} (what each submission is)")
    if disagreements:
        print(f"backprop-lab demo: the grader disagreed with {disagreements} sample answer(s), see 'grader agrees'",
              file=sys.stderr)
    print(f"demo finished in {time.perf_counter() - started:.1f} s")
    return status if status != 0 else (1 if disagreements else 0)
