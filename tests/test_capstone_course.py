"""The capstone in the course: course.toml lists it as a project, and build, bundle, grade and nbgrader's
autograde handle it as they handle the other assignments.

The course is the session's built one (engine_helpers.built_course); the grading runs the real CLI and the
real sandbox. A student whose submitted/ folder holds the capstone and another assignment gets both graded.
"""
import json
import os
import shutil
import subprocess
import sys
import zipfile

import nbformat
import pytest

from engine_helpers import REPO, SECRET, built_course, reference_body
from graders.capstone.grading import reference_answers
from graders.capstone.notebook import CLASS_CELLS, TEST_CELLS, with_answers, render_capstone_notebook
from graders.exercises import CourseError, load_course
from repo_course import COURSE, EXERCISES

CAPSTONE = "cnn_capstone"
STUB = ["########## Begin ##########", "# YOUR CODE HERE", "raise NotImplementedError()", "########## End ##########"]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return built_course(tmp_path_factory, "capstone-course")


# ---------------------------------------------------------------- the course format

def test_course_toml_lists_the_capstone_as_a_project():
    project = COURSE.project(CAPSTONE)
    assert project is not None and project.path.name == CAPSTONE
    assert list(COURSE.assignments)[-1] == CAPSTONE and COURSE.exercises(CAPSTONE) == []
    assert COURSE.notebooks(CAPSTONE) == ["cnn_capstone"]
    assert [(t.name, t.points, t.test_cell) for t in COURSE.graded(CAPSTONE)] == [
        ("ConvNet.gradient", 4.0, TEST_CELLS["ConvNet.gradient"]),
        ("Momentum.update or Adam.update", 3.0, TEST_CELLS["step"]),
        ("ConvNet.train", 3.0, TEST_CELLS["ConvNet.train"])]
    assert project.beside == ("conv_pool_backward",) and "scikit-learn" in project.requirements


def _course_with(tmp_path, assignments):
    (tmp_path / "course.toml").write_text(assignments, encoding="utf-8")
    return tmp_path


def test_a_course_names_a_project_folder_under_its_own_id(tmp_path):
    course = load_course(_course_with(tmp_path, '[[assignments]]\nid = "week9"\nproject = "cnn_capstone"\n'))
    assert course.project("week9").assignment == CAPSTONE and course.notebooks("week9") == ["cnn_capstone"]


@pytest.mark.parametrize("table, message", [
    ('id = "week9"\nproject = "nope"', "no project folder 'nope'"),
    ('id = "cnn_capstone"\nproject = "cnn_capstone"\nexercises = ["conv_backward"]', "has no exercises or settings"),
])
def test_a_wrong_project_table_is_one_clear_line(tmp_path, table, message):
    with pytest.raises(CourseError, match=message):
        load_course(_course_with(tmp_path, f"[[assignments]]\n{table}\n"))


def test_a_course_authors_own_project_folder(tmp_path):
    """A project folder in the course's exercises/, its module a file of the folder."""
    folder = tmp_path / "exercises" / "mini"
    folder.mkdir(parents=True)
    (folder / "project.toml").write_text('assignment = "mini"\nnotebook = "mini"\ntitle = "A mini project"\n'
                                         'module = "project.py"\n', encoding="utf-8")
    (folder / "project.py").write_text('TESTS = (("Thing.run", 2, "mini_test"),)\n'
                                       'def source_notebook():\n    raise NotImplementedError\n'
                                       'def grade(nb, seeds, sandbox):\n    return []\n', encoding="utf-8")
    course = load_course(_course_with(tmp_path, '[[assignments]]\nid = "mini"\n'))
    assert [(t.name, t.points, t.notebook, t.test_cell) for t in course.graded("mini")] == [
        ("Thing.run", 2.0, "mini", "mini_test")]
    broken = tmp_path / "exercises" / "broken"
    broken.mkdir()
    (broken / "project.toml").write_text((folder / "project.toml").read_text().replace('"mini"', '"broken"'))
    (broken / "project.py").write_text("TESTS = ()\n", encoding="utf-8")
    with pytest.raises(ValueError, match="defines no source_notebook, grade"):
        load_course(_course_with(tmp_path, '[[assignments]]\nid = "broken"\n')).project("broken").module


# ---------------------------------------------------------------- build

def test_build_writes_the_capstone_source_and_release(course):
    release = nbformat.read(course / "release" / CAPSTONE / "cnn_capstone.ipynb", as_version=4)
    source = nbformat.read(course / "source" / CAPSTONE / "cnn_capstone.ipynb", as_version=4)
    released = {cell.id: cell for cell in release.cells}
    for class_name, (method, grade_id) in CLASS_CELLS.items():
        lines = [line.strip() for line in released[grade_id].source.split("\n")]
        begin = lines.index(STUB[0])
        assert lines[begin:begin + 4] == STUB, class_name
    for test, grade_id in TEST_CELLS.items():
        cell = released[grade_id]
        assert cell.metadata["nbgrader"]["grade"] and "run_hidden_test" not in cell.source
        assert "run_hidden_test" in next(c for c in source.cells if c.id == grade_id).source
    assert (course / "release" / CAPSTONE / "utils" / "own_layers.py").is_file()


# ---------------------------------------------------------------- bundle

def test_the_capstone_bundle_carries_the_levels_beside_it_and_pins_scikit_learn(course, tmp_path):
    from graders.course.bundle import write_bundle
    path = write_bundle(course, tmp_path, CAPSTONE)
    with zipfile.ZipFile(path) as zf:
        names = {name.split("/", 1)[1] for name in zf.namelist()}
        requirements = zf.read(next(n for n in zf.namelist() if n.endswith("/requirements.txt"))).decode()
    assert {"cnn_capstone/cnn_capstone.ipynb", "cnn_capstone/utils/own_layers.py",
            "conv_pool_backward/maxpool_backward.ipynb", "conv_pool_backward/conv_backward.ipynb",
            "conv_pool_backward/selfcheck_cases.npz", "conv_pool_backward/utils/im2col.py"} <= names
    assert any(line.startswith("scikit-learn==") for line in requirements.splitlines())
    assert any(line.startswith("tqdm==") for line in requirements.splitlines())
    levels = write_bundle(course, tmp_path / "levels", "conv_pool_backward")
    with zipfile.ZipFile(levels) as zf:
        assert not any("cnn_capstone" in name for name in zf.namelist())
        assert "scikit-learn" not in zf.read(next(n for n in zf.namelist() if n.endswith("/requirements.txt"))).decode()


# ---------------------------------------------------------------- grade

def _level_notebook(course, exercise):
    nb = nbformat.read(course / "release" / "conv_pool_backward" / f"{exercise.notebook}.ipynb", as_version=4)
    from graders.engine.notebook import splice_region
    cell = next(c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == exercise.answer_cell)
    cell.source = splice_region(cell.source, exercise.method, reference_body(exercise))
    return nb


@pytest.fixture(scope="module")
def graded(course, tmp_path_factory):
    """`backprop-lab grade` of a submitted/ folder: alice's right capstone, bob's capstone as released (and his
    conv_pool_backward, right), carol's capstone with an update that rebinds params[key]."""
    submitted = course / "submitted"
    released = course / "release" / CAPSTONE / "cnn_capstone.ipynb"
    answers = reference_answers()
    wrong = dict(answers, **{"Momentum.update": answers["Momentum.update"].replace(
        "params[key] += self.v[key]", "params[key] = params[key] + self.v[key]")})
    assert wrong != answers
    for student, nb in (("alice", with_answers(render_capstone_notebook(), answers)),
                        ("bob", nbformat.read(released, as_version=4)),
                        ("carol", with_answers(render_capstone_notebook(), {**wrong, "Adam.update": ""}))):
        (submitted / student / CAPSTONE).mkdir(parents=True)
        nbformat.write(nb, submitted / student / CAPSTONE / "cnn_capstone.ipynb")
    (submitted / "bob" / "conv_pool_backward").mkdir(parents=True)
    for exercise in EXERCISES.values():
        nbformat.write(_level_notebook(course, exercise),
                       submitted / "bob" / "conv_pool_backward" / f"{exercise.notebook}.ipynb")
    out = tmp_path_factory.mktemp("grades") / "grades.json"
    env = dict(os.environ, BACKPROP_LAB_SECRET=SECRET)
    run = subprocess.run([sys.executable, "-m", "graders.cli", "--course", str(course), "grade", str(submitted),
                          "--json", str(out)], env=env, capture_output=True, text=True, cwd=REPO, timeout=600)
    assert run.returncode == 0, run.stderr
    results = {(r["student"], r["assignment"]): r for r in json.loads(out.read_text())["submissions"]}
    return results, run


def test_grade_gives_a_right_capstone_every_point(graded):
    results, _ = graded
    alice = results["alice", CAPSTONE]
    assert (alice["status"], alice["score"], alice["max_score"], alice["error"]) == ("graded", 10.0, 10.0, None)
    assert [t["name"] for t in alice["tests"]] == ["ConvNet.gradient", "Momentum.update", "ConvNet.train"]
    assert all(t["passed"] and t["score"] == t["max_score"] for t in alice["tests"])
    assert [t["test_cell"] for t in alice["tests"]] == list(TEST_CELLS.values())
    assert "of the held-out digits right" in alice["tests"][2]["feedback"]


def test_grade_of_a_capstone_leaves_the_other_assignment_alone(graded):
    results, _ = graded
    bob = results["bob", CAPSTONE]
    assert (bob["status"], bob["score"]) == ("graded", 0.0)
    assert "NotImplementedError" in bob["tests"][0]["feedback"]
    levels = results["bob", "conv_pool_backward"]
    assert (levels["status"], levels["score"], levels["max_score"]) == ("graded", 15.0, 15.0)


def test_an_update_that_rebinds_loses_the_step_and_says_why(graded):
    results, _ = graded
    carol = results["carol", CAPSTONE]
    gradient, step, training = carol["tests"]
    assert gradient["passed"] and not step["passed"] and step["score"] == 0.0 and training["score"] == 0.0
    assert "change it in place" in step["feedback"]


def test_grade_writes_the_capstone_into_autograded_and_the_gradebook(graded, course):
    from nbgrader.api import Gradebook

    from graders.course.build import nbgrader_env
    nb = nbformat.read(course / "autograded" / "alice" / CAPSTONE / "cnn_capstone.ipynb", as_version=4)
    scores = {c.id: float(c.outputs[-1]["data"]["text/plain"]) for c in nb.cells if c.id in TEST_CELLS.values()}
    assert scores == {"capstone_test_gradient": 4.0, "capstone_test_step": 3.0, "capstone_test_train": 3.0}
    os.environ["PATH"] = nbgrader_env()["PATH"]
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert gb.find_submission(CAPSTONE, "alice").score == 10.0
        assert gb.find_grade("capstone_test_step", "cnn_capstone", CAPSTONE, "carol").auto_score == 0.0


# ---------------------------------------------------------------- nbgrader autograde

@pytest.mark.slow
def test_nbgrader_autograde_grades_the_capstone_in_the_sandbox(course, graded):
    """Real `nbgrader autograde cnn_capstone`: the notebook runs in its kernel (own layers from the student's
    conv_pool_backward beside it, a one-epoch training run they chose), the hidden test cells grade it, and
    SandboxGrades puts the sandbox's scores into nbgrader's gradebook. (What a wrong answer loses is the same
    grading: test_an_update_that_rebinds_loses_the_step_and_says_why.)"""
    from nbgrader.api import Gradebook

    from graders.capstone.notebook import splice
    from graders.course.build import nbgrader_env, run_nbgrader
    answers = reference_answers()
    for student, update in (("dora", answers["Momentum.update"]),):
        nb = nbformat.read(course / "release" / CAPSTONE / "cnn_capstone.ipynb", as_version=4)
        cells = {cell.id: cell for cell in nb.cells}
        for qualified, answer in (("ConvNet.gradient", answers["ConvNet.gradient"]), ("Momentum.update", update)):
            class_name, method = qualified.split(".")
            grade_id = CLASS_CELLS[class_name][1]
            cells[grade_id].source = splice(cells[grade_id].source, method, answer)
        cells["capstone_data"].source = cells["capstone_data"].source.replace("epochs, batch_size = 20, 32",
                                                                              "epochs, batch_size = 1, 32")
        (course / "submitted" / student / CAPSTONE).mkdir(parents=True)
        nbformat.write(nb, course / "submitted" / student / CAPSTONE / "cnn_capstone.ipynb")
        # Their conv_pool_backward, autograded before (nbgrader autograde writes autograded/<student>/<id>/).
        levels = course / "autograded" / student / "conv_pool_backward"
        levels.mkdir(parents=True)
        shutil.copy(course / "release" / "conv_pool_backward" / "selfcheck_cases.npz", levels)
        for exercise in EXERCISES.values():
            nbformat.write(_level_notebook(course, exercise), levels / f"{exercise.notebook}.ipynb")
    run = run_nbgrader(course, "autograde", CAPSTONE, "--student=dora")
    log = run.stdout + run.stderr
    assert "graded in the sandbox" in log, log
    kernel = nbformat.read(course / "autograded" / "dora" / CAPSTONE / "cnn_capstone.ipynb", as_version=4)
    errors = [(c.id, o.get("ename")) for c in kernel.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    own = "".join(o.get("text", "") for c in kernel.cells if c.id == "capstone_own_layers" for o in c.outputs)
    assert "MaxPool: yours, from maxpool_backward.ipynb; passes the practice cases" in own, own
    os.environ["PATH"] = nbgrader_env()["PATH"]
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        dora = {cell: gb.find_grade(cell, "cnn_capstone", CAPSTONE, "dora").auto_score for cell in TEST_CELLS.values()}
    assert dora == {"capstone_test_gradient": 4.0, "capstone_test_step": 3.0, "capstone_test_train": 3.0}, dora
    scores = {c.id: c.outputs[0]["text"] for c in kernel.cells if c.id in TEST_CELLS.values()}
    assert "of the held-out digits right" in scores["capstone_test_train"], scores  # the sandbox's feedback
