"""course.toml and exercise folders: what they hold, how settings reach the grade, and one-line errors."""
import shutil
from pathlib import Path

import pytest

from graders.core.check import check
from graders.core.seeds import course_seeds
from graders.exercises import CourseError, ExerciseFolder, ExerciseFormatError, find_course_dir, load_course
from graders.exercises.course_file import EXERCISE_SETTINGS
from graders.sample_answers import load_answers
from repo_course import COURSE_DIR

BUILTIN = Path(__file__).resolve().parent.parent / "graders" / "exercises"


def course_with(tmp_path, text):
    (tmp_path / "course.toml").write_text(text)
    return tmp_path


def test_the_repository_course():
    course = load_course(COURSE_DIR)
    assert list(course.assignments)[0] == "conv_pool_backward"
    assert [e.name for e in course.exercises("conv_pool_backward")][:2] == ["Convolution.backward", "MaxPool.backward"]
    assert course.language == "en"
    for exercise in course.all_exercises():
        assert exercise.atol == 1e-5 and exercise.case_names is None


def test_any_assignment_id_and_settings_reach_the_grade(tmp_path):
    course = load_course(course_with(tmp_path, """
        [course]
        language = "zh"

        [defaults]
        time_limit = 3

        [[assignments]]
        id = "week-3.pooling"
        exercises = ["maxpool_backward"]

        [assignments.settings.maxpool_backward]
        points = 6
        cases = ["overlap", "ties"]
        """))
    [exercise] = course.exercises("week-3.pooling")
    assert (exercise.points, exercise.time_limit, exercise.case_names, exercise.assignment) == \
        (6.0, 3.0, ("overlap", "ties"), "week-3.pooling")
    assert course.language == "zh"
    correct = next(a for a in load_answers(exercise) if a.expected == "correct")
    report = check(exercise, correct.load_class(), course_seeds("s", "alice", "week-3.pooling"))
    assert [c.name for c in report.cases] == ["overlap", "ties"]
    assert (report.score, report.max_score) == (6.0, 6.0)


def test_the_tolerance_is_the_courses(tmp_path):
    loose = load_course(course_with(tmp_path, """
        [[assignments]]
        id = "a"
        exercises = ["conv_backward"]
        [assignments.settings.conv_backward]
        tolerance = 1e9
        """)).exercises("a")[0]
    wrong = next(a for a in load_answers(loose) if a.mistake == "conv_db_mean")
    seeds = course_seeds("s", "alice", "a")
    assert check(loose, wrong.load_class(), seeds).passed  # right shapes, and any values pass
    strict = load_course(COURSE_DIR).exercise("Convolution.backward")
    assert not check(strict, wrong.load_class(), seeds).passed


@pytest.mark.parametrize("text, key", [
    ("[[assignments]]\nid = 'a'\nexercises = ['conv_backward']\n[assignments.settings.conv_backward]\npoints = 0\n",
     "assignments[0] (a).settings.conv_backward.points: must be a positive number"),
    ("[[assignments]]\nid = 'a'\nexercises = ['conv_backward']\n[assignments.settings.conv_backward]\npoint = 5\n",
     "assignments[0] (a).settings.conv_backward.point: unknown setting"),
    ("[[assignments]]\nid = 'a'\nexercises = ['nope']\n", "assignments[0] (a).exercises: no exercise folder 'nope'"),
    ("[[assignments]]\nid = 'a'\nexercises = ['conv_backward']\n[assignments.settings.conv_backward]\n"
     "cases = ['overlap', 'nope']\n", "settings.conv_backward.cases: no case nope"),
    ("[[assignments]]\nid = 'a'\nexercises = ['conv_backward']\n[assignments.settings.maxpool_backward]\n",
     "settings.maxpool_backward: not an exercise of this assignment"),
    ("[[assignments]]\nid = 'a'\nexercises = []\n", "assignments[0] (a).exercises: must be a non-empty array"),
    ("[[assignments]]\nid = 'a b'\nexercises = ['conv_backward']\n", "assignments[0].id: must be an assignment id"),
    ("[[assignments]]\nid = 'a'\nexercises = ['conv_backward']\n[[assignments]]\nid = 'a'\nexercises = ['conv_backward']\n",
     "assignments[1].id: 'a' used twice"),
    ("[course]\nlanguage = 'fr'\n[[assignments]]\nid = 'a'\nexercises = ['conv_backward']\n",
     "course.language: must be one of en, zh"),
    ("[course]\ncolour = 'red'\n", "course.colour: unknown setting"),
    ("[[assignment]]\nid = 'a'\n", "assignment: unknown key"),
    ("[course]\n", "assignments: missing"),
    ("[[assignments]\n", "not valid TOML"),
    ("[defaults]\ncases = ['overlap']\n[[assignments]]\nid = 'a'\nexercises = ['conv_backward']\n",
     "defaults.cases: cases are chosen per exercise"),
])
def test_a_mistake_is_one_line_naming_the_file_and_the_key(tmp_path, text, key):
    course_with(tmp_path, text)
    with pytest.raises(CourseError) as caught:
        load_course(tmp_path)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(str(tmp_path / "course.toml")) and key in message, message


def test_unknown_assignment_names_the_course_file():
    with pytest.raises(CourseError, match=r"unknown assignment 'nope': .*course.toml has conv_pool_backward"):
        load_course(COURSE_DIR).exercises("nope")


def test_which_course(tmp_path, monkeypatch):
    monkeypatch.delenv("BACKPROP_LAB_COURSE", raising=False)
    deep = course_with(tmp_path, "") / "release" / "a"
    deep.mkdir(parents=True)
    assert find_course_dir(deep) == tmp_path
    assert find_course_dir(Path("/")) == COURSE_DIR  # from a clone: this repository's course
    monkeypatch.setenv("BACKPROP_LAB_COURSE", str(deep))
    assert find_course_dir(tmp_path) == deep


# ---------------------------------------------------------------- exercise folders

def copy_folder(tmp_path, name="maxpool_backward"):
    target = tmp_path / name
    shutil.copytree(BUILTIN / name, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


@pytest.mark.parametrize("edit, key", [
    (lambda t: t.replace('method = "backward"\n', ""), "exercise.toml: method: missing"),
    (lambda t: 'colour = "red"\n' + t, "exercise.toml: colour: unknown key"),
    (lambda t: t.replace("points = 5", "points = -1"), "exercise.toml: points: must be a positive number"),
    (lambda t: t.replace('calls = [["forward", "x"], ["backward", "dout"]]', 'calls = [["forward", "x"]]'),
     "exercise.toml: calls: never calls the exercise's method 'backward'"),
    (lambda t: t.replace('dx = { from = "backward", like = "x" }', 'dx = { from = "self" }'),
     "exercise.toml: outputs.dx.from: 'self' is neither a called method"),
    (lambda t: t.replace("[outputs]", "[outputs]\nout = 3"), "exercise.toml: outputs.out: must be"),
])
def test_a_broken_spec_is_one_line_naming_the_file_and_the_key(tmp_path, edit, key):
    folder = copy_folder(tmp_path)
    spec = folder / "exercise.toml"
    spec.write_text(edit(spec.read_text()))
    with pytest.raises(ExerciseFormatError) as caught:
        ExerciseFolder(folder)
    assert key in str(caught.value) and "\n" not in str(caught.value), caught.value


@pytest.mark.parametrize("edit, key", [
    (lambda t: t.replace('name = "standard"', 'name = "overlap"'), "case 'overlap': name: used twice"),
    (lambda t: t.replace("x = [3, 2, 4, 6]", "x = [3, 0, 4, 6]"), "inputs.x: must be a shape"),
    (lambda t: t.replace('draw = { x = "ties" }', 'draw = { x = "uniform" }', 1), "draw.x: must name an input"),
    (lambda t: t.replace('description = "2x2 window, stride 2: the usual pooling, windows side by side"\n', ""),
     "case 'standard': description: missing"),
])
def test_broken_cases_name_the_case_and_key(tmp_path, edit, key):
    folder = copy_folder(tmp_path)
    cases = folder / "cases.toml"
    cases.write_text(edit(cases.read_text()))
    with pytest.raises(ExerciseFormatError, match="cases.toml") as caught:
        ExerciseFolder(folder).cases
    assert key in str(caught.value), caught.value


def test_a_setting_naming_no_input_fails_when_read(tmp_path):
    folder = copy_folder(tmp_path)
    spec = folder / "exercise.toml"
    spec.write_text(spec.read_text().replace("{pool_h}x{pool_w} window", "{window}"))
    with pytest.raises(ExerciseFormatError, match=r"exercise.toml: setting: cannot be filled in for case 'overlap'"):
        ExerciseFolder(folder).cases


def test_a_bad_answer_docstring_is_named(tmp_path):
    folder = copy_folder(tmp_path)
    (folder / "answers" / "odd.py").write_text('"""expected: fine"""\ndef backward(self, dout):\n    pass\n')
    with pytest.raises(ExerciseFormatError, match=r"odd.py: the docstring must start with 'expected: correct'"):
        ExerciseFolder(folder).answers


def test_every_setting_has_help_and_a_documented_default():
    for setting in EXERCISE_SETTINGS:
        assert setting.help and setting.kind


# ---------------------------------------------------------------- backprop-lab init

def test_init_writes_a_course_every_command_can_read(tmp_path):
    from graders.course.scaffold import init_course
    from graders.exercises.course_file import builtin_assignments
    course = load_course(init_course(tmp_path / "new course", language="zh"))
    # all built-in assignments by default, the built-in projects (the capstone) last
    assert list(course.assignments) == [*builtin_assignments(), "cnn_capstone"]
    assert course.project("cnn_capstone") is not None
    assert course.language == "zh"
    config = (tmp_path / "new course" / "nbgrader_config.py").read_text()
    assert "course_id = 'new-course'" in config and "configure(c)" in config
    assert find_course_dir(tmp_path / "new course") == tmp_path / "new course"


@pytest.mark.parametrize("kwargs, message", [
    ({"assignments": ["nope"]}, "no built-in assignment nope; there are conv_pool_backward"),
    ({"language": "fr"}, "language must be one of en, zh"),
])
def test_init_refuses_what_it_cannot_do(tmp_path, kwargs, message):
    from graders.course.scaffold import InitError, init_course
    with pytest.raises(InitError, match=message):
        init_course(tmp_path / "c", **kwargs)
    assert not (tmp_path / "c" / "course.toml").exists()


def test_init_never_overwrites(tmp_path):
    from graders.course.scaffold import InitError, init_course
    (tmp_path / "course.toml").write_text("# mine\n")
    with pytest.raises(InitError, match="already holds course.toml: nothing was changed"):
        init_course(tmp_path)
    assert (tmp_path / "course.toml").read_text() == "# mine\n" and not (tmp_path / "nbgrader_config.py").exists()


def test_the_cli_names_a_broken_course_in_one_line(tmp_path, capsys):
    from graders.cli import main
    (tmp_path / "course.toml").write_text("[course]\nlanguage = 'fr'\n")
    (tmp_path / "nbgrader_config.py").write_text("")
    assert main(["--course", str(tmp_path), "build"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and err.startswith("backprop-lab build: ") and "course.language" in err, err
