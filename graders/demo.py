"""``backprop-lab demo`` (what ``make demo`` runs): the whole course workflow on shipped sample data.

    run_demo(course_dir, out_dir) -> exit status

1. copies the course's configuration and templates into ``out_dir/course`` (the demo never touches the real
   course's gradebook, secret or submissions) and builds it: source and release notebooks, self-check cases;
2. writes the student bundle (``graders.course.bundle``) into ``out_dir``;
3. makes, for every assignment of the course, a class of submissions from its exercise folders' sample
   answers (``answers/``: correct ones in several styles, every catalogued mistake, untouched stubs; ``demo/``:
   hostile code) plus a missing and a broken notebook, laid out as nbgrader's
   ``out_dir/course/submitted/<student>/<assignment>/<notebook>.ipynb``;
4. grades them as ``backprop-lab grade`` does (sandboxed), into ``out_dir/grades.json`` and ``grades.csv``;
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
from types import SimpleNamespace

import nbformat

from graders.engine.notebook import splice_region
from graders.exercises import load_course
from utils.i18n import using_language

# nbgrader's timestamp.txt format; one fixed time, so that reruns hit the grader's cache.
TIMESTAMP = "2025-01-15 12:00:00.000000 UTC"
# Seconds per method in the sandbox. Correct answers need a few hundredths; the endless loop costs this much.
DEMO_TIMEOUT = 5.0


@dataclass
class DemoStudent:
    """One submission of the demo class.

    - student: its id (the folder under submitted/); assignment: which assignment it submits
    - exercises: the assignment's exercises, in order
    - answers: {method: sample Answer}; a method left out means its notebook is not submitted
    - broken: notebook names whose file is replaced by something that is not a notebook
    - expected: {method: "correct" | "wrong <mistake>" | "zero" | "error"}, what the grader should conclude
    """
    student: str
    assignment: str
    exercises: list
    answers: dict
    broken: tuple = ()
    expected: dict = field(default_factory=dict)

    @property
    def what(self):
        """What the submission is, in a few words: the sample answers' names."""
        parts = []
        for exercise in self.exercises:
            name = f"{exercise.notebook}.ipynb"
            if exercise.name not in self.answers:
                parts.append(f"{name} missing")
            elif name in self.broken:
                parts.append(f"{name} not a notebook")
            else:
                parts.append(self.answers[exercise.name].name)
        return ", ".join(parts)


# ----------------------------------------------------------------------------------------------------------
# Notebooks

def answered_notebook(release_notebook: Path, exercise, body: str):
    """The release notebook of ``exercise`` with ``body`` written between the Begin and End lines of its
    method in the class cell, as a student would leave it (an nbformat NotebookNode)."""
    nb = nbformat.read(release_notebook, as_version=4)
    cells = [c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == exercise.answer_cell]
    if len(cells) != 1:
        raise ValueError(f"{release_notebook}: expected one cell with nbgrader id {exercise.answer_cell!r}, "
                         f"found {len(cells)}; rebuild the course (backprop-lab build)")
    cells[0].source = splice_region(cells[0].source, exercise.method, body).rstrip("\n")
    return nb


# ----------------------------------------------------------------------------------------------------------
# The class

def demo_class(exercises, assignment, first_id=1) -> list[DemoStudent]:
    """The demo's students for one assignment, from its exercises' sample answers: every answer is submitted
    by someone, with correct answers to the other exercises.

    - one student per correct answer (the exercises' correct answers side by side, cycling): full marks;
    - one per wrong answer of each exercise (answers/), the other exercises correct: the score shows that one mistake;
    - one per hostile answer (demo/), the other exercises correct: 0 points for that exercise;
    - one who submitted every stub untouched, one who forgot a notebook, one whose notebook is not a notebook.
    """
    from graders.sample_answers import load_answers, load_demo_answers
    answers = {e.name: load_answers(e) for e in exercises}
    correct = {m: [a for a in answers[m] if a.expected == "correct"] for m in answers}
    stubs = {m: next((a for a in answers[m] if a.name.endswith("/stub")), None) for m in answers}
    for method in answers:
        if not correct[method]:
            raise RuntimeError(f"the exercise {method} has no correct sample answer (answers/): the demo needs one")

    def with_correct(i, **given):
        return {m: given.get(m) or correct[m][i % len(correct[m])] for m in answers}

    sets = [with_correct(i) for i in range(max(len(c) for c in correct.values()))]
    for exercise in exercises:
        wrong = [a for a in answers[exercise.name] if a.expected != "correct" and a is not stubs[exercise.name]]
        sets += [with_correct(i, **{exercise.name: a}) for i, a in enumerate(wrong)]
    for exercise in exercises:
        sets += [with_correct(i, **{exercise.name: a}) for i, a in enumerate(load_demo_answers(exercise))]
    if all(stubs.values()):
        sets.append(dict(stubs))

    number = iter(range(first_id, first_id + len(sets) + 2))
    students = [DemoStudent(f"s{next(number):02d}", assignment, exercises, chosen,
                            expected={m: _expected(a) for m, a in chosen.items()}) for chosen in sets]
    first, last = with_correct(0), exercises[-1]
    missing = {m: a for m, a in first.items() if m != last.name}
    students.append(DemoStudent(f"s{next(number):02d}", assignment, exercises, missing,
                                expected={**{m: "correct" for m in missing}, last.name: "error"}))
    students.append(DemoStudent(f"s{next(number):02d}", assignment, exercises, first,
                                broken=(f"{last.notebook}.ipynb",),
                                expected={**{m: "correct" for m in missing}, last.name: "error"}))
    return students


def course_class(course) -> list[DemoStudent]:
    """The demo's submissions for every assignment of a course (graders.exercises.Course), in order; a project
    (the capstone, graded by a training run) has none: its bundle is written, its grading is docs/capstone.md's."""
    return [student for assignment, exercises in course.assignments.items() if not course.project(assignment)
            for student in demo_class(list(exercises), assignment)]


def _expected(answer) -> str:
    if answer.expected == "zero":
        return "zero"
    return "correct" if answer.expected == "correct" else f"wrong {answer.mistake}"


def write_submissions(release_dir: Path, submitted_dir: Path, students: list[DemoStudent]) -> None:
    """nbgrader's submitted/<student>/<assignment>/<notebook>.ipynb (+ timestamp.txt) for every student.

    release_dir: the course's release/ folder (release/<assignment>/ holds each assignment's notebooks).
    """
    for student in students:
        folder = submitted_dir / student.student / student.assignment
        folder.mkdir(parents=True)
        (folder / "timestamp.txt").write_text(TIMESTAMP + "\n", encoding="utf-8")
        for exercise in student.exercises:
            answer = student.answers.get(exercise.name)
            if answer is None:
                continue
            name = f"{exercise.notebook}.ipynb"
            if name in student.broken:
                # What an LMS upload of the wrong file looks like: a PDF where a notebook should be.
                (folder / name).write_bytes(b"%PDF-1.4\n% a notebook printed to PDF, renamed to .ipynb\n")
                continue
            nbformat.write(answered_notebook(release_dir / student.assignment / name, exercise, answer.body),
                           folder / name)


def write_roster(path: Path, students: list[DemoStudent]) -> None:
    """roster.csv: what every demo submission is and what the grader should conclude, one row per submission."""
    import csv
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "assignment", "submitted", "expected"])
        for s in students:
            writer.writerow([s.student, s.assignment, s.what, "; ".join(f"{m}: {v}" for m, v in s.expected.items())])


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
    """A working copy of the course (nbgrader_config.py, course.toml, exercises/) in work_dir, modification
    times kept so that an up-to-date build there is reused."""
    from graders.course.build import copy_course_inputs
    return copy_course_inputs(Path(course_dir).resolve(), work_dir)


def set_course_language(course_dir: Path, lang: str) -> None:
    """Write ``language = lang`` into the [course] table of the course.toml in course_dir (the demo's copy)."""
    import re
    path = Path(course_dir) / "course.toml"
    text = path.read_text(encoding="utf-8")
    line = f'language = "{lang}"'
    if re.search(r"^language\s*=.*$", text, flags=re.M):
        new = re.sub(r"^language\s*=.*$", line, text, count=1, flags=re.M)
    elif re.search(r"^\[course\]\s*$", text, flags=re.M):
        new = re.sub(r"^\[course\]\s*$", "[course]\n" + line, text, count=1, flags=re.M)
    else:
        new = f"[course]\n{line}\n\n" + text
    if new != text:
        path.write_text(new, encoding="utf-8")
    if load_course(course_dir).language != lang:
        raise ValueError(f"{path}: could not set the course's language to {lang}")


def _score_table(students: list[DemoStudent], results: dict) -> tuple[str, int]:
    """The printed table, and how many submissions the grader judged differently from the sample answers."""
    header = ["student", "assignment", "score", "levels", "grader agrees", "submitted"]
    rows, disagreements = [], 0
    for s in students:
        result = results.get((s.student, s.assignment))
        tests = {t["name"]: t for t in (result or {}).get("tests", [])}
        problems = agreement(s, result)
        disagreements += bool(problems)
        score = "-" if result is None else (f"{result['score']:g}/{result['max_score']:g}"
                                            + (" (error)" if result["status"] == "error" else ""))
        levels = " ".join(f"{tests[e.name]['score']:g}" if e.name in tests else "-" for e in s.exercises)
        rows.append([s.student, s.assignment, score, levels, "yes" if not problems else "NO: " + "; ".join(problems),
                     s.what])
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header) - 1)]
    lines = []
    for r in [header] + rows:
        lines.append("  ".join(str(v).ljust(w) for v, w in zip(r, widths)) + "  " + r[-1])
    return "\n".join(lines), disagreements


class GradeOptions(SimpleNamespace):
    """The grade command's options as the demo sets them; any other option is off (None)."""

    def __getattr__(self, name):
        return None


def run_demo(course_dir: Path, out_dir: Path, lang: str | None = None) -> int:
    """Build, bundle, grade a sample class and report, in out_dir. Returns the exit status:
    0 when everything ran and the grader agreed with every sample answer's expected verdict.

    ``lang``: the language of what students read, "en" or "zh" (default: the course file's): the notebooks
    and bundles are built in it, the grader's feedback follows the build, the reports are written in it."""
    from graders.course.bundle import write_bundle
    from graders.engine.grade_command import grade_command
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
    assignments = load_course(course).assignments
    lang = lang or load_course(course).language
    set_course_language(course, lang)  # the copy's course.toml: the grader and the reports follow it

    print(f"[1/4] building the course in {course} and the student bundles"
          + ("" if lang == "en" else f" (language: {lang})") + " ...", flush=True)
    bundles = []
    for assignment in assignments:
        bundle = write_bundle(course, out_dir, assignment, lang)
        for old in out_dir.glob(f"{bundle.name.rsplit('-', 1)[0]}-*.zip"):
            if old != bundle:
                old.unlink()  # an earlier version's bundle
        bundles.append(bundle)
    done()

    students = course_class(load_course(course))
    submitted = course / "submitted"
    if submitted.exists():
        shutil.rmtree(submitted)  # the folder holds exactly this class
    write_submissions(course / "release", submitted, students)
    write_roster(out_dir / "roster.csv", students)
    print(f"[2/4] wrote {len(students)} sample submissions into {submitted}", flush=True)
    done()

    grades_json, grades_csv, reports = out_dir / "grades.json", out_dir / "grades.csv", out_dir / "reports"
    print(f"[3/4] grading them, each method in a sandbox (backprop-lab grade, time limit {DEMO_TIMEOUT:g} s) ...",
          flush=True)
    import os
    status = grade_command(GradeOptions(course=str(course), path=[str(submitted)], json_path=str(grades_json),
                                        csv_path=str(grades_csv), feedback=str(reports), timeout=DEMO_TIMEOUT,
                                        workers=os.cpu_count() or 1, memory=1024, force=False))
    if status != 0 and not grades_json.is_file():
        print(f"backprop-lab demo: grading failed (exit status {status})", file=sys.stderr)
        return status or 1
    done()

    print("[4/4] writing the reports ...", flush=True)
    with using_language(lang):
        summary = write_reports(grades_json, reports)
    done()

    results = {(r["student"], r["assignment"]): r
               for r in json.loads(grades_json.read_text(encoding="utf-8"))["submissions"]}
    table, disagreements = _score_table(students, results)
    print()
    print(table)
    print()
    print("student bundles: " + "\n                 ".join(str(b) for b in bundles))
    print(f"grades:          {grades_json}, {grades_csv}")
    print(f"class summary:   {summary}")
    print(f"feedback pages:  {reports}/<student>/<assignment>.html (and .txt)")
    print(f"the class:       {out_dir / 'roster.csv'} (what each submission is)")
    if disagreements:
        print(f"backprop-lab demo: the grader disagreed with {disagreements} sample answer(s), see 'grader agrees'",
              file=sys.stderr)
    print(f"demo finished in {time.perf_counter() - started:.1f} s")
    return status if status != 0 else (1 if disagreements else 0)
