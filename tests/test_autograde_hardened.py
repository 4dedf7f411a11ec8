"""``nbgrader autograde`` is as hard to fool as ``backprop-lab grade``, and gives the same scores.

Finding: two stubs plus one added cell that replaces the hidden-test function inside the kernel got
10/10 from ``nbgrader autograde``. The course's autograde pipeline now takes the hidden test cells'
scores from the sandboxed engine (graders/course/sandbox_grades.py). The adversarial submissions
(tests/adversarial/*.py) and that attack are graded by real ``nbgrader autograde`` and by
``backprop-lab grade`` on the same folder; every method must get the same score from both.
"""
import textwrap

import pytest
from nbgrader.api import Gradebook

from engine_helpers import CONV, POOL, answered, built_course, load_results, reference_body, run_grade, \
    write_submission
from graders.course import build
from repo_course import ASSIGNMENT, EXERCISES
from test_adversarial import ATTACKS, parse_attack

pytestmark = pytest.mark.slow

REPLACE_THE_TEST = ("import graders.course.notebook_tests as hidden\n"
                    "hidden.run_hidden_test = lambda *args, **kwargs: 5.0\n")
# Left out: attacks whose cost in a kernel is minutes of nbgrader's cell time-out (not a different route to a
# score), and attacks that, in a kernel (where nbgrader runs every cell with the instructor's rights, no sandbox),
# would signal every process of the machine or overwrite files outside the course. SandboxGrades hardens the
# scores; the kernel itself is nbgrader's (docs/engine.md).
LEFT_OUT = {"endless_loop", "endless_loop_ignoring_signals", "print_flood", "print_200mb_then_answer",
            "allocate_gigabytes", "fork_bomb", "kill_parent", "overwrite_files"}


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    course = built_course(tmp_path_factory, "autograde-hardened")
    submitted = course / "submitted"
    students = {}
    for path in ATTACKS:
        if path.stem in LEFT_OUT:
            continue
        spec, code = parse_attack(path)
        attacked = EXERCISES[spec["method"]]
        other = POOL if attacked is CONV else CONV
        where = {"answer": {"body": textwrap.indent(code, " " * 8)}, "before": {"before": code},
                 "after": {"after": code}}[spec["where"]]
        students[path.stem] = {attacked: answered(course, attacked, **where),
                               other: answered(course, other, reference_body(other))}
    students["replaces_the_hidden_test"] = {ex: answered(course, ex, before=REPLACE_THE_TEST) for ex in (CONV, POOL)}
    students["honest"] = {ex: answered(course, ex, reference_body(ex)) for ex in (CONV, POOL)}
    for student, notebooks in students.items():
        write_submission(submitted, student, notebooks)
    log = build.run_nbgrader(course, "autograde", ASSIGNMENT)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", build.nbgrader_env()["PATH"])
        with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id="backprop-lab") as gb:
            nbgrader = {(student, ex.name): gb.find_grade(ex.test_cell, ex.notebook, ASSIGNMENT, student).score
                        for student in students for ex in (CONV, POOL)}
    out = course.parent / "grades.json"
    proc = run_grade(course, submitted, "--json", out, "--force")
    assert proc.returncode == 0, proc.stderr
    ours = {(s, t["name"]): t["score"] for (s, _), r in load_results(out).items() for t in r["tests"]}
    return nbgrader, ours, log


def test_replacing_the_hidden_test_in_the_kernel_earns_nothing(both):
    nbgrader, _, log = both
    assert nbgrader["replaces_the_hidden_test", CONV.name] == 0.0, log.stderr[-3000:]
    assert nbgrader["replaces_the_hidden_test", POOL.name] == 0.0
    assert nbgrader["honest", CONV.name] == nbgrader["honest", POOL.name] == 5.0


def test_both_routes_give_every_method_the_same_score(both):
    nbgrader, ours, _ = both
    differ = {key: (nbgrader[key], ours.get(key)) for key in nbgrader if nbgrader[key] != ours.get(key)}
    assert differ == {}
