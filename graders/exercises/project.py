"""A project: an assignment graded as a whole by a module of its own, not method by method (the capstone).

An exercise folder (``exercise.toml``) is one method of one layer, compared output by output. A project
folder holds ``project.toml`` instead: an assignment whose notebook, hidden tests and grading a Python module
defines, because what it grades is not a layer's method (a network's gradient, a training step, a training
run scored on labels kept outside the sandbox). ``course.toml`` lists it as any assignment:

    [[assignments]]
    id = "cnn_capstone"              # a built-in project: the folder whose project.toml names this assignment

    [[assignments]]
    id = "week9_capstone"
    project = "my_capstone"          # or any project folder, by id (the course's exercises/<id>/ first)

The folder's keys are ``PROJECT_FIELDS`` (docs/adding-an-exercise.md's table is generated from them). The
module it names provides what the course commands call (``PROJECT_MODULE_NAMES``):

- ``TESTS``: ``((name, points, grade_id), ...)`` the graded tests in order: the results' ``tests[].name``
  (a test may report a more precise name, e.g. the optimizer chosen), and the nbgrader grade_id of its hidden
  test cell in the notebook;
- ``source_notebook()``: the nbgrader source notebook (nbformat v4): answers between ``### BEGIN SOLUTION`` /
  ``### END SOLUTION`` (released as the Educoder stub), a hidden test cell per test;
- ``grade(nb, seeds, sandbox)``: the tests of one submitted notebook, as results entries (dicts with name,
  score, max_score, passed, feedback, diagnosis, and ``test_cell``: the grade_id of its test's cell); ``seeds`` a graders.core.seeds.SeedSource,
  ``sandbox(runner, timeout)`` a function returning a graders.engine.sandbox.Sandbox that runs cases with
  the module's runner file. A notebook the module cannot read raises graders.engine.notebook.AnswerError.
"""
import importlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from graders.exercises.folder import BUILTIN_DIR, load_module
from graders.exercises.spec_files import Field, check_keys, format_error, read_toml, string_value, strings_value

PROJECT_FILE = "project.toml"

PROJECT_FIELDS = (
    Field("assignment", True, "string", "the assignment id it is built and graded as, e.g. \"cnn_capstone\""),
    Field("notebook", True, "string", "its notebook's name without .ipynb"),
    Field("title", True, "string", "a few words for tables, the README and the demo"),
    Field("module", True, "string",
          "the module that renders and grades it: a dotted module name (\"graders.capstone.project\") or a .py "
          "file of the folder (\"project.py\")"),
    Field("beside", False, "array of strings",
          "assignments whose release the student bundle carries next to this one (the notebook reads them)"),
    Field("requirements", False, "array of strings",
          "distributions its notebook imports beyond numpy; the bundle's requirements.txt pins each"),
)
PROJECT_MODULE_NAMES = ("TESTS", "source_notebook", "grade")


@dataclass(frozen=True)
class ProjectTest:
    """One graded test of a project, as the course commands see an exercise: its name in the results, its
    points, and its hidden test cell (``test_cell``, a grade_id) in ``notebook``."""
    name: str
    points: float
    notebook: str
    test_cell: str


class ProjectFolder:
    """One project folder: its project.toml, and the module it names (imported when first asked for)."""

    def __init__(self, path, builtin=False):
        self.path = Path(path)
        self.id = self.path.name
        self.builtin = builtin
        self.file = self.path / PROJECT_FILE
        data = read_toml(self.file)
        check_keys(data, PROJECT_FIELDS, self.file)
        self.assignment = string_value(data["assignment"], self.file, "assignment")
        self.notebook = string_value(data["notebook"], self.file, "notebook")
        self.title = string_value(data["title"], self.file, "title")
        self.module_name = string_value(data["module"], self.file, "module")
        self.beside = tuple(strings_value(data.get("beside", []), self.file, "beside"))
        self.requirements = tuple(strings_value(data.get("requirements", []), self.file, "requirements"))

    def __repr__(self):
        return f"ProjectFolder({str(self.path)!r})"

    @cached_property
    def module(self):
        """The project's module, checked to provide PROJECT_MODULE_NAMES."""
        if self.module_name.endswith(".py"):
            module = load_module(self.path / self.module_name, f"project_{self.id}")
        else:
            module = importlib.import_module(self.module_name)
        missing = [name for name in PROJECT_MODULE_NAMES if not hasattr(module, name)]
        if missing:
            raise format_error(self.file, "module", f"{self.module_name} defines no {', '.join(missing)}")
        return module

    @property
    def tests(self):
        """[ProjectTest] in the results' order."""
        return [ProjectTest(name, float(points), self.notebook, grade_id) for name, points, grade_id in self.module.TESTS]

    @property
    def points(self):
        return sum(test.points for test in self.tests)

    def files(self):
        """The files the release is made from: the folder's and the module's own file."""
        files = [p for p in self.path.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
        origin = getattr(self.module, "__file__", None)
        return files + ([Path(origin)] if origin else [])


def discover_projects(root, builtin=False):
    """{id: ProjectFolder} of every folder under ``root`` holding a project.toml, sorted by id."""
    root = Path(root)
    if not root.is_dir():
        return {}
    return {path.parent.name: ProjectFolder(path.parent, builtin) for path in sorted(root.glob(f"*/{PROJECT_FILE}"))}


def builtin_projects():
    """{id: ProjectFolder} of the projects shipped in the package (graders/exercises/<id>/project.toml)."""
    return discover_projects(BUILTIN_DIR, builtin=True)
