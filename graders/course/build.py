"""``backprop-lab build``: notebook templates + reference solutions -> nbgrader source -> release.

    build_course(course_dir)

For every assignment of the course's course.toml, in order:

1. renders the notebook template (``notebook.md``) of each of its exercise folders into
   ``<course>/source/<assignment>/<notebook>.ipynb`` (build output: the folder is replaced);
2. writes the public self-check cases, ``selfcheck_cases.npz``, beside them;
3. makes sure the course secret exists (the grading seeds derive from it);
   (a project assignment, graders.exercises.project, writes its module's ``source_notebook()`` instead
   of steps 1 and 2);
4. runs ``nbgrader generate_assignment <assignment> --force`` in the course folder, which writes
   ``<course>/release/<assignment>/`` (the student notebooks and the .npz) and the gradebook entries.

Template format
---------------
A template ``<notebook>.md`` is a list of cells. A line ``%% <kind> <name>`` starts a cell; the cell's
text runs to the next such line. Text before the first cell line is a note for instructors. Inside a
cell, a line ``%% zh`` starts the cell's Chinese text (to the end of the cell); the text before it is the
English one. One cell holds both languages, so a translation cannot drift from its original's structure
(tests/test_translations.py compares them); docs/i18n.md.

- ``%% markdown <id>``: read-only markdown, nbgrader grade_id ``<id>``. ``attachment:<figure>.png``
  embeds the figure an exercise folder's figures.py draws (from the reference) as a cell attachment.
  ``{{points:<Class.method>}}`` and ``{{cases:<Class.method>}}`` become the exercise's points (as
  course.toml sets them) and the list of its grading cases.
- ``%% code <id>``: read-only code, grade_id ``<id>``.
- ``%% class <ClassName>``: the exercise's class, from its reference (``solutions/layers.py`` or the
  folder's reference.py); the ``########## Begin ##########`` / ``########## End ##########`` lines of
  the methods this assignment grades become nbgrader's solution delimiters, which generate_assignment
  replaces by the Educoder stub (nbgrader_config.py); other regions are given as written. Editable;
  grade_id is the exercise's ``answer_cell``.
- ``%% tests <Class.method>``: the hidden test cell, grade_id ``test_cell``, worth the exercise's points.
- ``%% answer <id> <points>``: a written answer graded by hand in the formgrader (nbgrader's manually
  graded markdown answer): the cell's text is the model answer, which the release replaces by
  "YOUR ANSWER HERE"; grade_id ``<id>``, worth ``<points>``.
"""
import base64
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from graders.course.figures import render_figure
from graders.exercises import active_course, load_course, method_regions
from graders.i18n import _, get_language, using_language
from utils.i18n import check_language

SOLUTION_BEGIN = "### BEGIN SOLUTION"
SOLUTION_END = "### END SOLUTION"
HIDDEN_BEGIN = "### BEGIN HIDDEN TESTS"
HIDDEN_END = "### END HIDDEN TESTS"
# Any of these in a cell they do not belong to would make nbgrader cut the cell up.
NBGRADER_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")

SELFCHECK_FILE = "selfcheck_cases.npz"
CELL_LINE = re.compile(r"^%% (\w+) (\S+)(?: (\S+))?\s*$")  # the third word: an answer's points
LANGUAGE_LINE = re.compile(r"^%% (zh)\s*$")  # inside a cell: its text in that language follows
PLACEHOLDER = re.compile(r"\{\{(\w+):([\w.]+)\}\}")
ATTACHMENT = re.compile(r"attachment:([\w.-]+\.png)")
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


class TemplateError(ValueError):
    """A template that cannot be rendered; the message names the file and the line."""


# ---------------------------------------------------------------- cells

def _nbgrader(grade_id, *, solution=False, grade=False, locked=False, points=None):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def _exercise(exercises, name, where):
    """The exercise called ``name`` (class.method or folder id) among ``exercises``."""
    for exercise in exercises:
        if name in (exercise.name, exercise.id):
            return exercise
    raise TemplateError(f"{where}: unknown exercise {name!r}; this assignment's exercises are "
                        f"{', '.join(e.name for e in exercises)}")


def class_cell_source(class_name, exercises, elsewhere=()):
    """The class as its reference writes it: the Begin/End lines of the methods ``exercises`` grade turned
    into solution delimiters; the regions of ``elsewhere`` (exercises of this class graded in another
    notebook) replaced by a stub naming that notebook, so that no level shows another's answer; the other
    regions' Begin/End lines dropped (their code is given)."""
    graded = [e for e in exercises if e.class_name == class_name]
    other_levels = {e.method: e.notebook for e in elsewhere if e.class_name == class_name and e not in graded}
    if not graded:
        raise KeyError(f"no exercise of this assignment is a method of {class_name!r}")
    reference = graded[0].folder
    lines = reference.reference_source.rstrip("\n").split("\n")
    regions = method_regions(lines, f"{reference.reference_file}: class {class_name}")
    methods = {e.method for e in graded}
    missing = methods - set(regions)
    if missing:
        raise KeyError(f"{reference.reference_file}: {class_name} has no Begin/End region in {', '.join(sorted(missing))}")
    drop, stubs = set(), {}
    for method, (begin, end) in regions.items():
        if method in methods:
            for i, marker in ((begin, SOLUTION_BEGIN), (end, SOLUTION_END)):
                indent = lines[i][:len(lines[i]) - len(lines[i].lstrip())]
                lines[i] = indent + marker
        elif method in other_levels:  # another level's answer: never shown here
            indent = lines[begin][:len(lines[begin]) - len(lines[begin].lstrip())]
            drop |= set(range(begin, end + 1))
            stubs[begin] = (f'{indent}raise NotImplementedError("{class_name}.{method} is the exercise of '
                            f'{other_levels[method]}.ipynb")')
        else:
            drop |= {begin, end}
    return "\n".join(stubs.get(i, line) for i, line in enumerate(lines) if i not in drop or i in stubs)


def _comment(text, indent=""):
    """Python comment lines, one per line of ``text``."""
    return "\n".join(f"{indent}# {line}" for line in text.split("\n"))


def hidden_test_source(exercise, assignment):
    """The hidden test cell's code, its comments and message in the language spoken (the build's)."""
    failing = _("{method} fails some practice cases.").format(method=exercise.name)
    return "\n".join([
        _comment(_("Graded, {points} points: {method} on fresh random inputs (hidden tests).\n"
                   "Run the self-check below while you work. nbgrader's Validate runs the practice cases here\n"
                   "and fails until they all pass; its message is the self-check's report.").format(
            points=f"{exercise.points:g}", method=exercise.name)),
        "import os",
        "",
        'if os.environ.get("NBGRADER_EXECUTION") == "validate":',
        "    import contextlib",
        "    import io",
        "",
        "    from utils.selfcheck import self_check",
        "",
        _comment(_("Validate shows only a failing cell's error, not what it printed: the report goes into the error."),
                 "    "),
        "    selfcheck_report = io.StringIO()",
        "    with contextlib.redirect_stdout(selfcheck_report):",
        f"        selfcheck_passed = self_check({exercise.class_name}, {exercise.name!r})",
        '    print(selfcheck_report.getvalue(), end="")',
        f"    assert selfcheck_passed, {json.dumps(failing + chr(10), ensure_ascii=False)} + selfcheck_report.getvalue()",
        HIDDEN_BEGIN,
        "from graders.course.notebook_tests import run_hidden_test",
        "",
        f"run_hidden_test({exercise.class_name}, {exercise.name!r}, assignment={assignment!r})",
        HIDDEN_END,
    ])


def case_list_markdown(exercise):
    """The exercise's graded cases as a markdown list, in the language spoken (the folder's catalogue)."""
    lang = get_language()
    return "\n".join(_("- **{name}**: {description}").format(
        name=spec.name, description=exercise.folder.gettext(spec.description, lang)) for spec in exercise.case_specs)


def _fill_placeholders(text, where, exercises):
    def replace(match):
        kind, method = match.groups()
        exercise = _exercise(exercises, method, f"{where}: {match.group(0)}")
        if kind == "points":
            return f"{exercise.points:g}"
        if kind == "cases":
            return case_list_markdown(exercise)
        raise TemplateError(f"{where}: unknown placeholder {match.group(0)} (use points or cases)")
    return PLACEHOLDER.sub(replace, text)


def _markdown_cell(cell_id, text, where, exercises):
    text = _fill_placeholders(text, where, exercises)
    cell = new_markdown_cell(text, id=cell_id, metadata=_nbgrader(cell_id, locked=True))
    figures = sorted(set(ATTACHMENT.findall(text)))
    if figures:
        try:
            cell["attachments"] = {name: {"image/png": base64.b64encode(render_figure(name, exercises)).decode("ascii")}
                                   for name in figures}
        except KeyError as exc:
            raise TemplateError(f"{where}: {exc.args[0]}") from None
    return cell


def render_cell(kind, name, text, assignment, where, exercises):
    """One notebook cell from one template cell; ``exercises``: the assignment's exercises."""
    if kind == "markdown":
        return _markdown_cell(name, text, where, exercises)
    if kind == "code":
        return new_code_cell(text, id=name, metadata=_nbgrader(name, locked=True))
    if kind in ("class", "tests") and text.strip():
        raise TemplateError(f"{where}: a '{kind}' cell is generated; its template cell must be empty")
    if kind == "class":
        graded = [e for e in exercises if e.class_name == name]
        graded = [e for e in graded if e.notebook == graded[0].notebook] if graded else []
        if not graded:
            raise TemplateError(f"{where}: no exercise of {assignment} is a method of class {name!r}")
        try:
            source = class_cell_source(name, graded, elsewhere=exercises)
        except (KeyError, ValueError) as exc:
            raise TemplateError(f"{where}: {exc.args[0]}") from None
        cell_id = graded[0].answer_cell
        return new_code_cell(source, id=cell_id, metadata=_nbgrader(cell_id, solution=True))
    if kind == "tests":
        exercise = _exercise(exercises, name, where)
        return new_code_cell(hidden_test_source(exercise, assignment), id=exercise.test_cell,
                             metadata=_nbgrader(exercise.test_cell, grade=True, locked=True,
                                                points=exercise.points))
    if kind == "answer":
        cell_id, points = name.split(" ")
        try:
            value = float(points)
        except ValueError:
            value = -1.0
        if not value > 0:
            raise TemplateError(f"{where}: an answer's points must be a positive number, got {points!r}")
        if not text.strip():
            raise TemplateError(f"{where}: write the model answer in the answer cell (students see "
                                f"'YOUR ANSWER HERE' instead)")
        return new_markdown_cell(text, id=cell_id, metadata=_nbgrader(cell_id, solution=True, grade=True,
                                                                      points=value))
    raise TemplateError(f"{where}: unknown cell kind {kind!r} (markdown, code, class, tests or answer)")


# ---------------------------------------------------------------- notebooks

def parse_template_languages(path):
    """[(kind, name, {language: text}, line_number)] of a template file: each cell's English text, and its
    Chinese text when the cell has a ``%% zh`` line (the text after it, to the end of the cell)."""
    cells = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").split("\n"), start=1):
        match = CELL_LINE.match(line)
        if match:
            kind, name, points = match.groups()
            if (points is None) != (kind != "answer"):
                raise TemplateError(f"{path}:{number}: an answer cell is '%% answer <id> <points>', any other "
                                    f"'%% <kind> <name>', got {line!r}")
            cells.append([kind, name if points is None else f"{name} {points}", {"en": []}, number])
        elif LANGUAGE_LINE.match(line):
            language = LANGUAGE_LINE.match(line).group(1)
            if not cells:
                raise TemplateError(f"{path}:{number}: '%% {language}' belongs inside a cell, after its English text")
            if language in cells[-1][2]:
                raise TemplateError(f"{path}:{number}: cell {cells[-1][1]!r} has two '%% {language}' texts")
            cells[-1][2][language] = []
        elif line.startswith("%%"):
            raise TemplateError(f"{path}:{number}: a cell line is '%% <kind> <name>' (or '%% zh' inside a cell, "
                                f"before its Chinese text), got {line!r}")
        elif cells:
            cells[-1][2][list(cells[-1][2])[-1]].append(line)
    if not cells:
        raise TemplateError(f"{path}: no cells (a cell starts with a line '%% <kind> <name>')")
    return [(kind, name, {lang: "\n".join(text).strip("\n") for lang, text in texts.items()}, number)
            for kind, name, texts, number in cells]


def parse_template(path, lang="en"):
    """[(kind, name, text, line_number)] of a template file, each cell's text in ``lang`` (a cell without
    a text in ``lang`` gives its English one: a code cell's code is the same in every language)."""
    return [(kind, name, texts.get(lang, texts["en"]), number)
            for kind, name, texts, number in parse_template_languages(path)]


def render_notebook(template_path, assignment, exercises=None, notebook=None, lang=None):
    """The nbgrader source notebook (an nbformat NotebookNode) of one template in ``lang`` (default: the
    language spoken, utils.i18n.get_language()); ``exercises``: the assignment's (default: the active
    course's). Everything generated (case lists, figures, the hidden test's comments) speaks ``lang`` too."""
    lang = lang or get_language()
    exercises = exercises if exercises is not None else active_course().exercises(assignment)
    if notebook is not None:  # a class cell stubs the methods graded in this notebook only
        exercises = [e for e in exercises if e.notebook == notebook] + [e for e in exercises if e.notebook != notebook]
    with using_language(lang):
        cells = [render_cell(kind, name, text, assignment, f"{template_path}:{number}", exercises)
                 for kind, name, text, number in parse_template(template_path, lang)]
    check_cells(cells, template_path)
    nb = new_notebook(cells=cells, metadata={"kernelspec": KERNELSPEC, "language_info": {"name": "python"}})
    nbformat.validate(nb)
    return nb


def check_cells(cells, where):
    """nbgrader needs unique ids and solution/hidden-test markers only where they belong."""
    ids = [cell.metadata["nbgrader"]["grade_id"] for cell in cells]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise TemplateError(f"{where}: cell ids used twice: {', '.join(duplicates)}")
    for cell in cells:
        meta = cell.metadata["nbgrader"]
        allowed = (("BEGIN SOLUTION", "END SOLUTION") if meta["solution"] else
                   ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS") if meta["grade"] else ())
        for marker in NBGRADER_MARKERS:
            if marker in cell.source and marker not in allowed:
                raise TemplateError(f"{where}: cell {meta['grade_id']!r} contains {marker!r}, "
                                    "which nbgrader would treat as a solution or hidden-test marker")


def render_assignment(course, assignment, source_dir, lang=None):
    """Write the notebook of each exercise of ``assignment`` into source_dir (replaced): the template
    (notebook.md) of the first exercise folder that names the notebook, in ``lang`` (default: the
    course's). Returns the paths."""
    lang = lang or course.language
    exercises = course.exercises(assignment)
    if source_dir.exists():
        shutil.rmtree(source_dir)
    source_dir.mkdir(parents=True)
    paths = []
    for notebook in dict.fromkeys(e.notebook for e in exercises):
        templates = [e.folder.template for e in exercises if e.notebook == notebook and e.folder.template.is_file()]
        if not templates:
            raise TemplateError(f"no notebook template for {notebook}.ipynb: add notebook.md to the folder of "
                                f"{', '.join(e.id for e in exercises if e.notebook == notebook)}")
        path = source_dir / f"{notebook}.ipynb"
        nbformat.write(render_notebook(templates[0], assignment, exercises, notebook, lang), path)
        paths.append(path)
    return paths


def render_project(project, source_dir, lang="en"):
    """Write a project's source notebook (its module's ``source_notebook(lang)``) into source_dir (replaced)."""
    if source_dir.exists():
        shutil.rmtree(source_dir)
    source_dir.mkdir(parents=True)
    nb = project.module.source_notebook(lang)
    check_cells([cell for cell in nb.cells if "nbgrader" in cell.metadata], project.file)
    nbformat.validate(nb)
    path = source_dir / f"{project.notebook}.ipynb"
    nbformat.write(nb, path)
    return [path]


# ---------------------------------------------------------------- the course

COURSE_INPUTS = ("nbgrader_config.py", "course.toml")  # what a course is before it is built (and its exercises/)


def copy_course_inputs(course_dir, destination):
    """Copy a course as a fresh clone has it (its configuration and own exercises, nothing built) into destination.

    Builds, demos and tests then write only there: the real course's release, gradebook and secret are
    never touched. Returns destination.
    """
    course_dir, destination = Path(course_dir), Path(destination)
    for needed in COURSE_INPUTS:
        if not (course_dir / needed).exists():
            raise FileNotFoundError(f"{course_dir} has no {needed}: pass the course folder with --course")
    destination.mkdir(parents=True, exist_ok=True)
    # Modification times are kept: copied again over an earlier build, the inputs do not look newer than
    # it, so that build is reused (the demo's second run).
    for name in COURSE_INPUTS:
        shutil.copy2(course_dir / name, destination / name)
    if (destination / "exercises").exists():
        shutil.rmtree(destination / "exercises")
    if (course_dir / "exercises").is_dir():
        shutil.copytree(course_dir / "exercises", destination / "exercises",
                        ignore=shutil.ignore_patterns("__pycache__"))
    return destination


def copy_utils(source_dir):
    """Put the student helpers beside the notebooks, so that nbgrader's release (and the exchange, which
    hands out only the release folder) carries them: `from utils import im2col` then works in any kernel
    started next to the notebooks, with or without backprop-lab installed."""
    import utils
    shutil.copytree(Path(utils.__file__).resolve().parent, Path(source_dir) / "utils",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


def nbgrader_env():
    """The environment for nbgrader commands: this Python's scripts first on PATH.

    nbgrader's gradebook runs the ``alembic`` command by name, so it fails when the virtual
    environment is used without being activated (``.venv/bin/backprop-lab build``).
    """
    env = dict(os.environ)
    scripts = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join([scripts, env["PATH"]]) if env.get("PATH") else scripts
    return env


def run_nbgrader(course_dir, *args):
    """Run ``nbgrader <args>`` in the course folder with this Python; raise with nbgrader's log if it fails."""
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course_dir, env=nbgrader_env(),
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed in {course_dir}:\n{result.stdout}{result.stderr}")
    return result


def generate_assignment(course_dir, assignment, lang="en"):
    """Run ``nbgrader generate_assignment --force`` in the course folder; in a language other than English,
    a written answer's placeholder (nbgrader's "YOUR ANSWER HERE") is in that language."""
    options = []
    if lang != "en":
        with using_language(lang):
            options.append(f"--ClearSolutions.text_stub={_('YOUR ANSWER HERE')}")
    return run_nbgrader(course_dir, "generate_assignment", assignment, "--force", *options)


def build_course(course_dir: Path, lang=None) -> None:
    """Render every assignment of the course's course.toml, write its self-check cases, release it with nbgrader.

    ``lang``: the notebooks' language, "en" or "zh" (default: the course file's ``language``). The self-check
    file records it, so that the notebooks' self-check and hidden tests, and the grader, speak it too."""
    from graders.core.public_cases import write_public_cases
    from graders.core.seeds import create_course_secret

    course_dir = Path(course_dir).resolve()
    if not (course_dir / "nbgrader_config.py").is_file():
        raise FileNotFoundError(f"{course_dir} is not an nbgrader course folder (no nbgrader_config.py)")
    course = load_course(course_dir)
    lang = check_language(lang or course.language)
    if create_course_secret(course_dir)[1]:  # the grading seeds need it; only build makes it
        print(f"created the course secret {course_dir / '.course_secret'} (it picks every student's grading "
              f"inputs: keep it, back it up, never share it)")
    for assignment in course.assignments:
        source_dir = course_dir / "source" / assignment
        if course.project(assignment):
            render_project(course.project(assignment), source_dir, lang)
        else:
            render_assignment(course, assignment, source_dir, lang)
            write_public_cases(source_dir / SELFCHECK_FILE, assignment, course, lang)
        copy_utils(source_dir)
        generate_assignment(course_dir, assignment, lang)
        print(f"built {assignment}: {course_dir / 'release' / assignment}" + ("" if lang == "en" else f" ({lang})"))
