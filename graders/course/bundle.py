"""``backprop-lab bundle``: the student course bundle, one versioned zip.

    write_bundle(course_dir, out_dir) -> out_dir / "<course>-<assignment>-<version>+<hash>.zip"

The zip holds one folder named like the zip:

    README.md                  install, open in JupyterLab, self-check, validate, submit (graders/student_readme.md)
    requirements.txt           the versions this environment was tested with, pinned
    <assignment>/              what `nbgrader fetch_assignment` would give the student, so `nbgrader submit` works
        *.ipynb                the release notebooks (built first when missing or older than their inputs)
        selfcheck_cases.npz    the public self-check cases (in the release already)
        utils/                 the helpers the notebooks import, beside them: a kernel started in the
                               notebook's folder finds them without any installation
    <other assignment>/        a project's ``beside`` assignments (graders.exercises.project), laid out the same:
                               the capstone reads the student's own conv_pool_backward notebooks

``<version>`` is the project's version plus the first 8 hex digits of a SHA-256 over the bundle's content, so
two different bundles never share a name and rebuilding unchanged material gives the same bytes (entries are
sorted and carry a fixed date).

Nothing else goes in. Before writing, the bundle is checked for leaks, and refused with ``BundleLeakError`` if
it holds an nbgrader solution or hidden-test delimiter, the course secret, a database file, or a line of the
reference answers (solutions/, between the Educoder Begin/End lines, that is not also part of the given code).
"""
import ast
import contextlib
import hashlib
import importlib.metadata
import importlib.util
import re
import string
import sys
import zipfile
from pathlib import Path

import nbformat

from graders.exercises import EDUCODER_BEGIN, EDUCODER_END, load_course, method_regions
from utils.i18n import check_language, using_language

# What the students' kernel and JupyterLab need; pinned to the versions installed here, which the tests ran.
PINNED_DISTRIBUTIONS = ("numpy", "matplotlib", "ipykernel", "ipython", "jupyterlab", "notebook", "nbgrader")
# A project adds its own (project.toml's `requirements`: the capstone's scikit-learn, tqdm, ipywidgets).
DEFAULT_COURSE_ID = "backprop-lab"
NBGRADER_DELIMITERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
                       "BEGIN MARK SCHEME", "END MARK SCHEME")
# Never shipped, whatever the release folder holds.
EXCLUDED_PARTS = {"__pycache__", ".ipynb_checkpoints", ".git"}
EXCLUDED_SUFFIXES = {".pyc", ".db", ".sqlite", ".sqlite3"}
EXCLUDED_NAMES = {".course_secret", "nbgrader_config.py", "gradebook.db"}
# The modules that write the release (build_course imports public_cases inside a function).
RELEASE_BUILDERS = ("graders.course.build", "graders.core.public_cases")
OUR_PACKAGES = {"graders", "solutions", "utils"}
README_TEMPLATE = Path(__file__).with_name("student_readme.md")  # English; another language's: readme_template
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date zip can store: same content, same bytes


class BundleLeakError(RuntimeError):
    """The bundle would give students something they must not have; the message lists what and where."""


def write_bundle(course_dir: Path, out_dir: Path, assignment: str | None = None, lang: str | None = None) -> Path:
    """Write the student bundle of one assignment into out_dir and return the zip's path.

    Inputs:
    - course_dir: the nbgrader course folder (nbgrader_config.py, course.toml; release/ is built when needed)
    - out_dir: where the zip goes (created)
    - assignment: which assignment; default: the course's first (course.toml's order)
    - lang: the notebooks' and README's language, "en" or "zh"; default: the course file's (a release
      built in another language is built again)

    Returns:
    - out_dir / "<course>-<assignment>-<version>+<hash>.zip"
    """
    course_dir = Path(course_dir).resolve()
    if not (course_dir / "nbgrader_config.py").is_file():
        raise FileNotFoundError(f"{course_dir} is not an nbgrader course folder (no nbgrader_config.py); "
                                "pass the course folder with --course")
    course = load_course(course_dir)
    lang = check_language(lang or course.language)
    assignment = assignment or next(iter(course.assignments))
    course.exercises(assignment)  # CourseError (a ValueError) naming the course's assignments
    with using_language(lang):
        return _write_bundle(course_dir, course, Path(out_dir), assignment, lang)


def _write_bundle(course_dir, course, out_dir, assignment, lang):
    release_dir = course_dir / "release" / assignment
    project = course.project(assignment)
    # A project's notebook may read the student's work of other assignments (the capstone: their own layers,
    # ../conv_pool_backward/): their releases go beside it, as nbgrader's fetch lays assignments out.
    shipped = [assignment, *(project.beside if project else ())]
    for name in shipped[1:]:
        course.exercises(name)
    for name in shipped:
        stale = release_staleness(course_dir, name, lang)
        if stale:
            print(f"{course_dir / 'release' / name}: {stale}; building the course first", file=sys.stderr)
            from graders.course.build import build_course
            with contextlib.redirect_stdout(sys.stderr):  # stdout is for the zip's path only
                build_course(course_dir, lang)
            stale = release_staleness(course_dir, name, lang)
            if stale:
                raise RuntimeError(f"{course_dir / 'release' / name}: still {stale} after `backprop-lab build`")

    course_id = read_course_id(course_dir)
    payload = {}  # path inside the bundle folder -> bytes
    utils_dir = _utils_dir()
    for name in shipped:
        for path in shipped_files(course_dir / "release" / name):
            payload[f"{name}/{path.relative_to(course_dir / 'release' / name).as_posix()}"] = path.read_bytes()
        for path in shipped_files(utils_dir):
            payload[f"{name}/utils/{path.relative_to(utils_dir).as_posix()}"] = path.read_bytes()
    payload["requirements.txt"] = requirements_text(project.requirements if project else ()).encode("utf-8")

    # The README is made from its template and the version: hashing the template (not the README) keeps
    # "same name, same bytes" without the version depending on itself.
    hashed = {**payload, "README.md (template)": readme_template().read_bytes()}
    version = f"{project_version()}+{content_hash(hashed)[:8]}"
    stem = f"{course_id}-{assignment}-{version}"
    payload["README.md"] = student_readme(course_id, assignment, version, release_dir, payload).encode("utf-8")

    exercises = [exercise for name in shipped for exercise in course.exercises(name)]
    leaks = find_leaks(payload, answer_lines(_solutions_dir(), exercises), _course_secret(course_dir))
    if leaks:
        raise BundleLeakError("refusing to write the student bundle, it would contain:\n  " + "\n  ".join(leaks))

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{stem}.zip"
    partial = out_dir / f".{stem}.zip.partial"
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name in sorted(payload):
                info = zipfile.ZipInfo(f"{stem}/{name}", date_time=ZIP_DATE)
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, payload[name])
        partial.replace(target)  # never a half-written zip under the final name
    finally:
        partial.unlink(missing_ok=True)
    return target


# ----------------------------------------------------------------------------------------------------------
# The course

def read_course_id(course_dir: Path) -> str:
    """CourseDirectory.course_id from the course's nbgrader_config.py, else "backprop-lab"."""
    from traitlets.config.loader import PyFileConfigLoader
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course_dir)).load_config()
    course_id = config.CourseDirectory.get("course_id") if "CourseDirectory" in config else None
    course_id = str(course_id or "").strip() or DEFAULT_COURSE_ID
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", course_id):
        raise ValueError(f"{course_dir / 'nbgrader_config.py'}: CourseDirectory.course_id {course_id!r} "
                         "cannot be part of a file name; use letters, digits, '.', '_' and '-'")
    return course_id


def _local_imports(module: str, seen: set[str]) -> None:
    """Add `module` and every module of ours it imports (at any depth, also inside functions) to `seen`."""
    if module in seen:
        return
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return
    seen.add(module)
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            if name.split(".")[0] in OUR_PACKAGES:
                try:
                    _local_imports(name, seen)
                except ModuleNotFoundError:
                    continue  # `from package import function`: the function's module is already in


def _release_inputs(course_dir: Path, assignment: str) -> list[Path]:
    """Every file the release of `assignment` is made from: the templates, nbgrader_config.py, and the
    source of every module of ours that the build imports (found by reading their import statements)."""
    modules = set()
    for module in RELEASE_BUILDERS:
        _local_imports(module, modules)
    files = [course_dir / "nbgrader_config.py", course_dir / "course.toml"]
    course = load_course(course_dir)
    project = course.project(assignment)
    if project:  # its folder, its module and ours it imports, and the files it names (SOURCES: a template)
        files += project.files() + [Path(p) for p in getattr(project.module, "SOURCES", ())]
        _local_imports(project.module.__name__, modules)
    for exercise in course.exercises(assignment):
        files += [p for p in exercise.folder.path.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
        files.append(exercise.folder.reference_file)
    files += [Path(importlib.util.find_spec(m).origin) for m in sorted(modules)]
    return files


def release_staleness(course_dir: Path, assignment: str, lang: str | None = None) -> str:
    """Why the release of `assignment` must be built again ("" when it is up to date).

    Up to date means: the release folder exists, has a notebook for every exercise and the self-check cases,
    none of its files is older than a file it is made from (course.toml, nbgrader_config.py, the
    exercise folders and references, and the modules the build runs: graders.course.build,
    graders.core.public_cases and what they import of ours), and (``lang`` given) it was built in ``lang``.
    """
    from graders.course.build import SELFCHECK_FILE
    release_dir = course_dir / "release" / assignment
    if not release_dir.is_dir():
        return "missing"
    course = load_course(course_dir)
    expected = [f"{notebook}.ipynb" for notebook in course.notebooks(assignment)]
    expected += [] if course.project(assignment) else [SELFCHECK_FILE]
    missing = [name for name in expected if not (release_dir / name).is_file()]
    if missing:
        return f"missing {', '.join(missing)}"
    outputs = [p for p in release_dir.rglob("*") if p.is_file()]
    oldest_output = min(p.stat().st_mtime for p in outputs)
    newer = [p for p in _release_inputs(course_dir, assignment) if p.stat().st_mtime > oldest_output]
    if newer:
        return f"older than {newer[0]}" + (f" and {len(newer) - 1} more" if len(newer) > 1 else "")
    from graders.core.public_cases import built_language
    built = built_language(course_dir, assignment)
    if lang is not None and built != lang and not course.project(assignment):  # a project records none
        return f"built in {built or 'an unknown language'}, not {lang}"
    return ""


def shipped_files(folder: Path) -> list[Path]:
    """The files of `folder` a student may receive: no caches, checkpoints, databases or course secrets."""
    files = []
    for path in sorted(Path(folder).rglob("*")):
        rel = path.relative_to(folder)
        if not path.is_file() or EXCLUDED_PARTS.intersection(rel.parts):
            continue
        if path.suffix in EXCLUDED_SUFFIXES or path.name in EXCLUDED_NAMES:
            continue
        files.append(path)
    return files


def _utils_dir() -> Path:
    import utils
    return Path(utils.__file__).resolve().parent


def _solutions_dir() -> Path:
    import solutions
    return Path(solutions.__file__).resolve().parent


def _course_secret(course_dir: Path) -> str:
    from graders.core.seeds import load_course_secret
    return load_course_secret(course_dir)


# ----------------------------------------------------------------------------------------------------------
# Version, requirements, README

def project_version() -> str:
    return importlib.metadata.version("backprop-lab")


def content_hash(payload: dict[str, bytes]) -> str:
    """SHA-256 (hex) over the files' names and bytes, in name order."""
    digest = hashlib.sha256()
    for name in sorted(payload):
        data = payload[name]
        digest.update(f"{name}\0{len(data)}\0".encode("utf-8"))
        digest.update(data)
    return digest.hexdigest()


def requirements_text(extra=()) -> str:
    """requirements.txt: PINNED_DISTRIBUTIONS and ``extra`` (a project's) at the versions installed here."""
    lines = [f"# Tested with Python {sys.version_info.major}.{sys.version_info.minor} and exactly these versions.",
             "# Install with: pip install -r requirements.txt"]
    for name in dict.fromkeys((*PINNED_DISTRIBUTIONS, *extra)):
        try:
            lines.append(f"{name}=={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            raise RuntimeError(f"{name} is not installed here, so the bundle cannot pin a tested version of it; "
                               f"install the project first (make install)") from None
    return "\n".join(lines) + "\n"


def _levels(release_dir: Path) -> list[tuple[str, str, str]]:
    """(notebook file, method, class) of every exercise whose notebook is in the release, in course.toml's order."""
    course = load_course(release_dir.parent.parent)
    return [(f"{ex.notebook}.ipynb", ex.name, getattr(ex, "class_name", None))
            for ex in course.graded(release_dir.name) if (release_dir / f"{ex.notebook}.ipynb").is_file()]


def readme_template(lang: str | None = None) -> Path:
    """The student README's template in ``lang`` (default: utils.i18n.get_language()): student_readme.md
    (English) or student_readme.<lang>.md beside it; both have the same $placeholders."""
    from utils.i18n import DEFAULT_LANGUAGE, check_language, get_language
    lang = check_language(lang or get_language())
    return README_TEMPLATE if lang == DEFAULT_LANGUAGE else README_TEMPLATE.with_name(f"student_readme.{lang}.md")


def student_readme(course_id: str, assignment: str, version: str, release_dir: Path,
                   payload: dict[str, bytes], lang: str | None = None) -> str:
    """The bundle's README.md, from graders/course/student_readme.md (or its translation, readme_template)."""
    levels = _levels(release_dir)
    if not levels:
        raise FileNotFoundError(f"{release_dir}: none of the exercises' notebooks is there")
    notebooks = list(dict.fromkeys(nb for nb, _, _ in levels))
    rows = [f"| {i} | `{assignment}/{nb}` | `{method}` |" for i, (nb, method, _) in enumerate(levels, start=1)]
    first_nb, first_method, first_class = levels[0]
    requires = importlib.metadata.metadata("backprop-lab").get("Requires-Python", ">=3.11")
    return string.Template(readme_template(lang).read_text(encoding="utf-8")).substitute(
        course=course_id,
        assignment=assignment,
        version=version,
        levels="\n".join(rows),
        tree=_tree(sorted(payload) + ["README.md"]),
        python_version=requires.lstrip(">=~ ") or "3.11",
        first_notebook=first_nb,
        notebook_list=", ".join(f"`{nb}`" for nb in notebooks),
        selfcheck_example=(f'from utils.selfcheck import self_check\n\nself_check({first_class}, "{first_method}")'
                           if first_class else _project_check(release_dir)),
    )


def _project_check(release_dir: Path) -> str:
    """What a project's notebook runs to check the student's work (its module's SELF_CHECK), for the README."""
    project = load_course(release_dir.parent.parent).project(release_dir.name)
    return getattr(project.module, "SELF_CHECK", "") if project else ""


def _tree(names: list[str]) -> str:
    """The bundle's files, one a line, with utils/ as one line."""
    shown = set()
    for name in names:
        parts = name.split("/")
        if "utils" in parts[:-1]:
            name = "/".join(parts[:parts.index("utils") + 1]) + "/"
        shown.add(name)
    return "\n".join(sorted(shown))


# ----------------------------------------------------------------------------------------------------------
# Leak check

def _code(line: str) -> str:
    """A line without its comment and with its whitespace collapsed."""
    return " ".join(line.split("#", 1)[0].split())


def _nontrivial(code: str) -> bool:
    if not code or code.startswith(("def ", "class ", '"""', "'''", "@")):
        return False
    return len(re.findall(r"\w+|[^\w\s]", code)) >= 5  # "return dx" and the like are everyone's code


def answer_lines(solutions_dir: Path, exercises=()) -> set[str]:
    """The non-trivial code lines of the reference answers that are not also given code.

    The answers are the lines between the Educoder Begin/End markers of solutions/*.py and of the course's own
    exercises' reference.py. A line that also appears outside them (a forward pass computing the same shapes)
    is part of what students are given; so is the code of a region the release gives (a class whose other
    method is the exercise: ``exercises``, the assignment's, say which regions are graded).
    """
    files = sorted(Path(solutions_dir).rglob("*.py"))
    files += sorted({e.folder.reference_file for e in exercises} - set(files))
    graded = {(e.class_name, e.method) for e in exercises}
    used = {class_name for class_name, _ in graded}
    inside, outside = set(), set()
    for path in files:
        lines = path.read_text(encoding="utf-8").splitlines()
        given = set()  # line indexes of regions the release gives as code
        for node in ast.parse("\n".join(lines)).body:
            if isinstance(node, ast.ClassDef) and node.name in used:
                end = node.end_lineno  # the class runs on while lines are indented or blank (a last End line)
                while end < len(lines) and (not lines[end].strip() or lines[end][:1].isspace()):
                    end += 1
                class_lines = lines[node.lineno - 1:end]
                for method, (begin, end) in method_regions(class_lines, f"{path}: {node.name}").items():
                    if (node.name, method) not in graded:
                        given |= set(range(node.lineno - 1 + begin, node.lineno - 1 + end + 1))
        in_answer = False
        for i, line in enumerate(lines):
            stripped = line.strip()
            if stripped == EDUCODER_BEGIN:
                in_answer = i not in given
            elif stripped == EDUCODER_END:
                in_answer = False
            else:
                (inside if in_answer else outside).add(_code(line))
    return {code for code in inside - outside if _nontrivial(code)}


def _text_lines(name: str, data: bytes) -> list[str]:
    """The code-ish lines of a bundled file: cell sources of a notebook, all lines of a text file."""
    if name.endswith(".ipynb"):
        nb = nbformat.reads(data.decode("utf-8"), as_version=4)
        text = "\n".join(cell.source for cell in nb.cells)
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return []  # binary (the .npz): arrays, no code
    return [_code(line) for line in text.splitlines()]


def find_leaks(payload: dict[str, bytes], answers: set[str], secret: str) -> list[str]:
    """What in payload students must not get, one line each ("<file>: <what>"); [] when nothing."""
    leaks = []
    for name in sorted(payload):
        data = payload[name]
        if Path(name).suffix in EXCLUDED_SUFFIXES or Path(name).name in EXCLUDED_NAMES:
            leaks.append(f"{name}: a database, configuration or secret file")
        if secret and secret.encode("utf-8") in data:
            leaks.append(f"{name}: the course secret")
        for delimiter in NBGRADER_DELIMITERS:
            if delimiter.encode("utf-8") in data:
                leaks.append(f"{name}: the nbgrader delimiter {delimiter!r}")
        for line in _text_lines(name, data):
            for answer in answers:
                if answer in line:
                    leaks.append(f"{name}: a line of the reference answer: {answer}")
    return leaks
