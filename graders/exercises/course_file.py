"""The course is one file, ``course.toml``: its assignments in order, their exercises, per-exercise settings.

    [course]
    language = "en"

    [[assignments]]
    id = "conv_pool_backward"     # a built-in assignment: the folders whose exercise.toml names it, by level

    [[assignments]]
    id = "week3"
    exercises = ["conv_backward", "relu_backward"]        # or any exercise folders, in level order

    [assignments.settings.conv_backward]                  # optional, per exercise of this assignment
    points = 5

    [[assignments]]
    id = "cnn_capstone"           # a built-in project: the folder whose project.toml names it
    # project = "<folder id>"     # or any project folder (graders.exercises.project): graded by its module

An exercise id names a folder: the course's own ``<course>/exercises/<id>/`` first, else the
built-in ``graders/exercises/<id>/``. ``[defaults]`` sets exercise settings for the whole course.
Every mistake is a CourseError whose one line names the file and the key. What nbgrader owns
(due dates, late policy, database URL) stays in nbgrader_config.py. The settings and their
defaults are ``COURSE_SETTINGS`` and ``EXERCISE_SETTINGS`` (docs/course.md's table is generated
from them).
"""
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from graders.exercises.folder import ExerciseFolder, builtin_folders, discover
from graders.exercises.project import builtin_projects, discover_projects
from graders.exercises.spec_files import ExerciseFormatError, read_toml
from utils.i18n import LANGUAGES

COURSE_FILE = "course.toml"
COURSE_ENV = "BACKPROP_LAB_COURSE"
# This repository's own course, when the package runs from a clone (an installed wheel has none).
REPO_COURSE = Path(__file__).resolve().parents[2] / "assignments"
ASSIGNMENT_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


class CourseError(ValueError):
    """A course that cannot be used; the one-line message names the file and the key."""


@dataclass(frozen=True)
class Setting:
    key: str
    default: object
    kind: str
    help: str


COURSE_SETTINGS = (
    Setting("language", "en", "\"en\" or \"zh\"", "the language of notebooks, feedback and reports"),
)

EXERCISE_SETTINGS = (
    Setting("points", None, "number", "what the exercise is worth (default: its exercise.toml's points)"),
    Setting("tolerance", 1e-5, "number", "an output passes when every |yours - expected| <= tolerance"),
    Setting("time_limit", 10.0, "number",
            "seconds the student's code may take on all the exercise's cases, in the notebook's hidden test and "
            "in backprop-lab grade (whose --timeout overrides it for every exercise)"),
    Setting("cases", None, "array of strings", "which of the folder's cases are graded, by name (default: all)"),
)
_EXERCISE_DEFAULTS = {s.key: s.default for s in EXERCISE_SETTINGS}
DEFAULT_TOLERANCE = _EXERCISE_DEFAULTS["tolerance"]


@dataclass(frozen=True)
class Exercise:
    """An exercise as one assignment of one course grades it: its folder plus the course's settings.

    - id: the folder's name ("conv_backward"); name: "Convolution.backward" (results' tests[].name)
    - class_name, method, notebook, answer_cell, test_cell: from exercise.toml
    - outputs: the judged outputs' names, in order; plan: how a case runs (utils.checking.run_layer)
    - points, atol, time_limit: the settings; case_names: the graded cases (None: all)
    - assignment: the assignment it belongs to (None outside a course)
    """
    id: str
    name: str
    class_name: str
    method: str
    notebook: str
    answer_cell: str
    test_cell: str
    points: float
    outputs: tuple
    plan: dict = field(compare=False, repr=False)
    atol: float = 1e-5
    time_limit: float = 10.0
    case_names: tuple = None
    assignment: str = None
    folder: ExerciseFolder = field(compare=False, repr=False, default=None)

    @classmethod
    def from_folder(cls, folder, settings=None, assignment=None):
        settings = {**_EXERCISE_DEFAULTS, **(settings or {})}
        spec = folder.spec
        points = settings["points"] if settings["points"] is not None else spec["points"]
        cases = tuple(settings["cases"]) if settings["cases"] is not None else None
        return cls(folder.id, folder.name, spec["class"], spec["method"], spec["notebook"], spec["answer_cell"],
                   spec["test_cell"], float(points), tuple(spec["outputs"]), folder.plan,
                   float(settings["tolerance"]), float(settings["time_limit"]), cases, assignment, folder)

    @property
    def reference_class(self):
        """The reference implementation (instructors' side only)."""
        return self.folder.reference_class

    @property
    def case_specs(self):
        """The graded CaseSpecs, in the folder's order."""
        specs = self.folder.cases
        if self.case_names is None:
            return list(specs)
        return [spec for spec in specs if spec.name in self.case_names]

    @property
    def mistakes(self):
        return self.folder.mistakes


@dataclass
class Course:
    """A course: its folder, settings and assignments ({id: [Exercise, ...]} in course.toml's order).

    A project assignment (graders.exercises.project) has no exercises (an empty tuple in ``assignments``,
    so that it keeps its place in the order) and its ProjectFolder in ``projects``."""
    path: Path
    settings: dict
    assignments: dict
    folders: dict  # {id: ExerciseFolder}: the course's own and the built-in ones
    projects: dict = field(default_factory=dict)  # {assignment id: ProjectFolder}

    def project(self, assignment):
        """The ProjectFolder of a project assignment, else None."""
        return self.projects.get(assignment)

    def graded(self, assignment):
        """What an assignment's results' tests are graded as, each with ``name``, ``points``, ``notebook`` and
        ``test_cell`` (its hidden test cell): the Exercises, or a project's ProjectTests; [] when unknown."""
        if assignment in self.projects:
            return self.projects[assignment].tests
        return list(self.assignments.get(assignment, ()))

    def notebooks(self, assignment):
        """The notebook names (without .ipynb) of an assignment, in order."""
        if assignment in self.projects:
            return [self.projects[assignment].notebook]
        return list(dict.fromkeys(e.notebook for e in self.exercises(assignment)))

    @property
    def file(self):
        return self.path / COURSE_FILE

    @property
    def language(self):
        return self.settings["language"]

    def exercises(self, assignment):
        """The exercises (levels) of an assignment, in order; CourseError for an unknown id."""
        if assignment not in self.assignments:
            raise CourseError(f"unknown assignment {assignment!r}: {self.file} has "
                              f"{', '.join(self.assignments) or 'none'}")
        return list(self.assignments[assignment])

    def all_exercises(self):
        """Every (assignment's) exercise of the course, assignments in order."""
        return [exercise for exercises in self.assignments.values() for exercise in exercises]

    def exercise(self, name, assignment=None):
        """The Exercise called ``name`` (class.method or folder id); in ``assignment`` if given.

        Outside the course's assignments, a known folder gives its exercise with default settings.
        """
        pool = self.exercises(assignment) if assignment is not None else self.all_exercises()
        for exercise in pool:
            if name in (exercise.name, exercise.id):
                return exercise
        for folder in self.folders.values():
            if name in (folder.name, folder.id):
                return Exercise.from_folder(folder)
        known = sorted({e.name for e in pool} | {f.name for f in self.folders.values()})
        raise ValueError(f"unknown exercise {name!r}; the exercises are {', '.join(known)}")


def graded_of(graded, test):
    """The item of ``graded`` (Course.graded) a results' test entry belongs to, else None: by the entry's
    ``test_cell`` when it has one (a project's test may be named after what it graded, e.g. Adam.update),
    else by name."""
    for item in graded:
        if test.get("test_cell") == item.test_cell if test.get("test_cell") else test.get("name") == item.name:
            return item
    return None


def _fail(path, key, message):
    return CourseError(f"{path}: {key}: {message}")


def _check_setting(path, key, value, setting):
    if setting.key in ("points", "tolerance", "time_limit"):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise _fail(path, key, f"must be a positive number, got {value!r}")
    elif setting.key == "cases":
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise _fail(path, key, f"must be a non-empty array of case names, got {value!r}")


def _read_settings(path, table, where):
    if not isinstance(table, dict):
        raise _fail(path, where, "must be a table")
    known = {s.key: s for s in EXERCISE_SETTINGS}
    for key, value in table.items():
        if key not in known:
            raise _fail(path, f"{where}.{key}", f"unknown setting (known: {', '.join(known)})")
        _check_setting(path, f"{where}.{key}", value, known[key])
    return dict(table)


def load_course(course_dir):
    """Read ``<course_dir>/course.toml`` into a Course; CourseError (one line: file and key) when it is wrong."""
    course_dir = Path(course_dir).resolve()
    path = course_dir / COURSE_FILE
    if not path.is_file():
        raise CourseError(f"{path}: missing: a course folder holds course.toml "
                          f"(`backprop-lab init DIR` writes one)")
    try:
        data = read_toml(path)
    except ExerciseFormatError as exc:
        raise CourseError(str(exc)) from None
    for key in data:
        if key not in ("course", "defaults", "assignments"):
            raise _fail(path, key, "unknown key (known: course, defaults, assignments)")
    course = data.get("course", {})
    if not isinstance(course, dict):
        raise _fail(path, "course", "must be a table")
    known = {s.key: s for s in COURSE_SETTINGS}
    for key, value in course.items():
        if key not in known:
            raise _fail(path, f"course.{key}", f"unknown setting (known: {', '.join(known)})")
        if not isinstance(value, str) or not value:
            raise _fail(path, f"course.{key}", f"must be a non-empty string, got {value!r}")
    settings = {s.key: course.get(s.key, s.default) for s in COURSE_SETTINGS}
    if settings["language"] not in LANGUAGES:
        raise _fail(path, "course.language", f"must be one of {', '.join(LANGUAGES)}, got {settings['language']!r}")
    defaults = _read_settings(path, data.get("defaults", {}), "defaults")
    if "cases" in defaults:
        raise _fail(path, "defaults.cases", "cases are chosen per exercise")

    try:
        folders = {**builtin_folders(), **discover(course_dir / "exercises")}
        project_folders = {**builtin_projects(), **discover_projects(course_dir / "exercises")}
    except ExerciseFormatError as exc:
        raise CourseError(str(exc)) from None
    builtin_project_ids = {p.assignment: p for p in project_folders.values()}
    assignments, projects = {}, {}
    raw_assignments = data.get("assignments", [])
    if not isinstance(raw_assignments, list) or not raw_assignments:
        raise _fail(path, "assignments", "missing: add [[assignments]] tables (id, exercises)")
    for i, raw in enumerate(raw_assignments):
        where = f"assignments[{i}]"
        if not isinstance(raw, dict):
            raise _fail(path, where, "must be a table")
        for key in raw:
            if key not in ("id", "exercises", "settings", "project"):
                raise _fail(path, f"{where}.{key}", "unknown key (known: id, exercises, settings, project)")
        assignment = raw.get("id")
        if not isinstance(assignment, str) or not ASSIGNMENT_ID.match(assignment):
            raise _fail(path, f"{where}.id", f"must be an assignment id (letters, digits, _ . -), got {assignment!r}")
        if assignment in assignments:
            raise _fail(path, f"{where}.id", f"{assignment!r} used twice")
        where = f"assignments[{i}] ({assignment})"
        if "project" in raw or ("exercises" not in raw and assignment in builtin_project_ids
                                and assignment not in builtin_assignments(folders)):
            projects[assignment] = _project(path, where, raw, project_folders, builtin_project_ids)
            assignments[assignment] = ()
            continue
        if "exercises" not in raw:
            ids = builtin_assignments(folders).get(assignment)
            if not ids:
                raise _fail(path, f"{where}.exercises", f"missing: {assignment!r} is no built-in assignment "
                            f"({', '.join(builtin_assignments(folders)) or 'none'}); list its exercise folders")
        else:
            ids = raw["exercises"]
        if not isinstance(ids, list) or not ids or not all(isinstance(x, str) for x in ids):
            raise _fail(path, f"{where}.exercises", "must be a non-empty array of exercise folder ids")
        per_exercise = raw.get("settings", {})
        if not isinstance(per_exercise, dict):
            raise _fail(path, f"{where}.settings", "must be a table: exercise id = { setting = value }")
        for key in per_exercise:
            if key not in ids:
                raise _fail(path, f"{where}.settings.{key}", f"not an exercise of this assignment ({', '.join(ids)})")
        exercises, names = [], set()
        for exercise_id in ids:
            if exercise_id not in folders:
                raise _fail(path, f"{where}.exercises", f"no exercise folder {exercise_id!r} (in "
                            f"{course_dir / 'exercises'} or the built-in {', '.join(sorted(builtin_folders()))})")
            folder = folders[exercise_id]
            chosen = {**defaults, **_read_settings(path, per_exercise.get(exercise_id, {}),
                                                     f"{where}.settings.{exercise_id}")}
            try:
                exercise = Exercise.from_folder(folder, chosen, assignment)
                unknown = set(exercise.case_names or ()) - {spec.name for spec in folder.cases}
            except ExerciseFormatError as exc:
                raise CourseError(str(exc)) from None
            if unknown:
                raise _fail(path, f"{where}.settings.{exercise_id}.cases",
                            f"no case {', '.join(sorted(unknown))} in {folder.path / 'cases.toml'}")
            if exercise.name in names:
                raise _fail(path, f"{where}.exercises", f"{exercise.name} twice")
            names.add(exercise.name)
            exercises.append(exercise)
        assignments[assignment] = tuple(exercises)
    return Course(course_dir, settings, assignments, folders, projects)


def _project(path, where, raw, project_folders, by_assignment):
    """The ProjectFolder an assignment table names (``project = "<folder id>"``) or is (its id)."""
    for key in ("exercises", "settings"):
        if key in raw:
            raise _fail(path, f"{where}.{key}", "a project assignment has no exercises or settings: its folder's "
                        "module grades it")
    if "project" not in raw:
        return by_assignment[raw["id"]]
    name = raw["project"]
    if not isinstance(name, str) or name not in project_folders:
        raise _fail(path, f"{where}.project", f"no project folder {name!r} (the project folders: "
                    f"{', '.join(sorted(project_folders)) or 'none'})")
    return project_folders[name]


def builtin_assignments(folders=None):
    """{assignment id: [exercise folder ids by level]} of the assignments exercise folders declare
    (exercise.toml's ``assignment`` and ``level``); ``folders`` default: the built-in ones."""
    found = {}
    for folder in (folders if folders is not None else builtin_folders()).values():
        if "assignment" in folder.spec:
            found.setdefault(folder.spec["assignment"], []).append((folder.spec["level"], folder.id))
    return {assignment: [fid for _, fid in sorted(levels)] for assignment, levels in sorted(found.items())}


# ---------------------------------------------------------------- which course

def find_course_dir(start=None):
    """The course folder: $BACKPROP_LAB_COURSE, else the nearest folder at or above ``start`` (the
    working directory) holding course.toml, else this repository's assignments/ (from a clone).
    CourseError when there is none."""
    if os.environ.get(COURSE_ENV):
        return Path(os.environ[COURSE_ENV]).resolve()
    start = Path(start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / COURSE_FILE).is_file():
            return folder
    if (REPO_COURSE / COURSE_FILE).is_file():
        return REPO_COURSE
    raise CourseError(f"no course here: no {COURSE_FILE} in {start} or above. Pass --course DIR, "
                      f"or make one with `backprop-lab init DIR`")


def course_problem(course_dir):
    """None when ``course_dir`` is a course folder (it holds nbgrader_config.py), else a one-line message."""
    course_dir = Path(course_dir)
    if not course_dir.is_dir():
        return f"course folder {course_dir} does not exist: pass the course with --course DIR"
    if not (course_dir / "nbgrader_config.py").is_file():
        return f"{course_dir} is not a course folder (it has no nbgrader_config.py): pass the course with --course DIR"
    return None


def resolve_course(course=None):
    """The course folder a command works on: ``course`` (--course) if given, else find_course_dir()."""
    return Path(course).resolve() if course else find_course_dir()


_ACTIVE = {}


def use_course(course_dir):
    """Make the course in ``course_dir`` the one that exercise names are looked up in; returns it."""
    course = load_course(course_dir)
    _ACTIVE["course"] = course
    return course


def active_course():
    """The course set by use_course, else the one find_course_dir() finds (read once)."""
    if "course" not in _ACTIVE:
        _ACTIVE["course"] = load_course(find_course_dir())
    return _ACTIVE["course"]


def get_exercise(method, assignment=None):
    """The Exercise called ``method`` ("Convolution.backward" or a folder id) in the active course;
    an Exercise is returned as it is. ValueError naming the known ones."""
    if isinstance(method, Exercise):
        return method
    if not isinstance(method, str):
        raise ValueError(f"unknown exercise {method!r}")
    return active_course().exercise(method, assignment)
