"""The student bundle: what is in it, what must never be, and that it works on its own.

Oracles: the repository's own files (solutions/ line by line, the nbgrader source notebooks' solution and
hidden-test regions, the installed versions), and real notebook execution by a kernel that can see nothing
but the unzipped bundle and the installed libraries.
"""
import ast
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from graders.course.build import copy_course_inputs
from graders.course.bundle import BundleLeakError, answer_lines, find_leaks, release_staleness, write_bundle
from graders.demo import answered_notebook
from repo_course import ASSIGNMENT, EXERCISES
from graders.sample_answers import load_answers
from graders.core.seeds import load_course_secret

REPO = Path(__file__).resolve().parent.parent
COURSE = REPO / "assignments"
DELIMITERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
              "BEGIN MARK SCHEME", "END MARK SCHEME")
NOTEBOOKS = sorted(f"{exercise.notebook}.ipynb" for exercise in EXERCISES.values())

pytestmark = pytest.mark.slow  # builds the course with nbgrader and runs notebooks


def copy_course(destination):
    """The course as a fresh clone has it: config and templates, nothing built."""
    return copy_course_inputs(COURSE, destination)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(course folder, zip path): the bundle written from a course never built before."""
    course = copy_course(tmp_path_factory.mktemp("course"))
    assert not (course / "release").exists()
    bundle = write_bundle(course, tmp_path_factory.mktemp("out"))
    return course, bundle


def members(bundle):
    with zipfile.ZipFile(bundle) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def normalized(line):
    """A line's code: no comment, whitespace collapsed."""
    return " ".join(line.split("#", 1)[0].split())


def tokens(code):
    return re.findall(r"\w+|[^\w\s]", code)


# ---------------------------------------------------------------- layout

def test_name_version_and_layout(built):
    course, bundle = built
    version = importlib.metadata.version("backprop-lab")
    match = re.fullmatch(rf"backprop-lab-{ASSIGNMENT}-{re.escape(version)}\+([0-9a-f]{{8}})\.zip", bundle.name)
    assert match, bundle.name
    names = set(members(bundle))
    top = bundle.name[:-len(".zip")]
    assert {name.split("/")[0] for name in names} == {top}  # one folder, named like the zip
    utils_files = {f"{top}/{ASSIGNMENT}/utils/{p.relative_to(REPO / 'utils').as_posix()}"
                   for pattern in ("*.py", "*.po", "*.mo") for p in (REPO / "utils").rglob(pattern)}  # + catalogues
    expected = ({f"{top}/README.md", f"{top}/requirements.txt", f"{top}/{ASSIGNMENT}/selfcheck_cases.npz"}
                | {f"{top}/{ASSIGNMENT}/{nb}" for nb in NOTEBOOKS} | utils_files)
    assert names == expected
    release = course / "release" / ASSIGNMENT
    for nb in NOTEBOOKS + ["selfcheck_cases.npz"]:
        assert members(bundle)[f"{top}/{ASSIGNMENT}/{nb}"] == (release / nb).read_bytes()


def test_rebuilding_gives_the_same_bytes(built, tmp_path):
    course, bundle = built
    again = write_bundle(course, tmp_path)
    assert again.name == bundle.name
    assert again.read_bytes() == bundle.read_bytes()


def test_requirements_pin_the_installed_versions(built):
    _, bundle = built
    text = next(data for name, data in members(bundle).items() if name.endswith("/requirements.txt")).decode()
    pins = dict(line.split("==") for line in text.splitlines() if line and not line.startswith("#"))
    for name in ("numpy", "jupyterlab", "nbgrader", "matplotlib", "ipykernel"):
        assert pins[name] == importlib.metadata.version(name), name
    assert "torch" not in pins  # the optional cross-check is not the students' business


def test_readme_covers_install_open_selfcheck_validate_submit(built):
    _, bundle = built
    readme = next(data for name, data in members(bundle).items() if name.endswith("/README.md")).decode()
    for needed in ("pip install -r requirements.txt", "jupyter lab", "self_check(", "Validate",
                   f"nbgrader validate {ASSIGNMENT}/", f"nbgrader submit {ASSIGNMENT} --course backprop-lab",
                   "upload", *NOTEBOOKS):
        assert needed in readme, needed
    assert "$" not in readme.replace("$ ", "")  # every template placeholder was filled


# ---------------------------------------------------------------- leaks

def solution_code_lines():
    """Every non-trivial line of solutions/: not blank, not a comment, docstring, def, class or import line,
    at least 5 tokens long (shorter ones, like `return dx`, are everybody's code)."""
    found = set()
    for path in sorted((REPO / "solutions").rglob("*.py")):
        text = path.read_text()
        docstring_lines = set()
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and ast.get_docstring(node):
                first = node.body[0]
                docstring_lines.update(range(first.lineno, first.end_lineno + 1))
        for number, line in enumerate(text.splitlines(), start=1):
            code = normalized(line)
            if (not code or number in docstring_lines or code.startswith(("def ", "class ", "@", "import ", "from "))
                    or len(tokens(code)) < 5):
                continue
            found.add(code)
    return found


def source_regions(course):
    """(lines students are given, lines of solutions, lines of hidden tests) of the nbgrader source notebooks."""
    given, solution, hidden = set(), set(), set()
    for path in sorted((course / "source" / ASSIGNMENT).glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            region = given
            for line in cell.source.splitlines():
                if "BEGIN SOLUTION" in line:
                    region = solution
                elif "BEGIN HIDDEN TESTS" in line:
                    region = hidden
                elif "END SOLUTION" in line or "END HIDDEN TESTS" in line:
                    region = given
                elif normalized(line):
                    region.add(normalized(line))
    return given, solution, hidden


def texts(files):
    """{name: text to search} of bundle members: notebooks' cell sources and outputs, text files as they are."""
    out = {}
    for name, data in files.items():
        if name.endswith(".ipynb"):
            nb = nbformat.reads(data.decode(), as_version=4)
            parts = []
            for cell in nb.cells:
                parts.append(cell.source)
                for output in cell.get("outputs", []):
                    parts.append(json.dumps(output))
            out[name] = "\n".join(parts)
        else:
            try:
                out[name] = data.decode("utf-8")
            except UnicodeDecodeError:
                pass  # the .npz: arrays (its bytes are still searched for the secret)
    return out


def leaked_lines(files, secret_lines):
    found = []
    for name, text in texts(files).items():
        lines = {normalized(line) for line in text.splitlines()}
        for secret in secret_lines:
            if any(secret in line for line in lines):
                found.append((name, secret))
    return found


def test_no_solution_hidden_test_secret_or_gradebook(built):
    course, bundle = built
    files = members(bundle)
    given, solution_region, hidden = source_regions(course)
    # Lines of solutions/ that students are not given (the forward passes are given: they are in the exercise).
    secret_lines = solution_code_lines() - given
    hidden_lines = {line for line in hidden if len(tokens(line)) >= 5}
    # The scan must be able to fail: the answers and hidden tests are exactly what the source notebooks hold.
    assert len(secret_lines & solution_region) >= 10
    assert "dx = col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)" in secret_lines
    assert hidden_lines, "the source notebooks have no hidden tests to look for"
    source_files = {p.name: p.read_bytes() for p in (course / "source" / ASSIGNMENT).glob("*.ipynb")}
    assert leaked_lines(source_files, secret_lines), "the scan finds nothing even in the source notebooks"

    assert leaked_lines(files, secret_lines | hidden_lines) == []
    secret = load_course_secret(course).encode()
    for name, data in files.items():
        for delimiter in DELIMITERS:
            assert delimiter.encode() not in data, (name, delimiter)
        assert secret not in data, name
        assert not name.endswith((".db", ".sqlite", ".course_secret", "nbgrader_config.py")), name
        parts = name.split("/")
        assert "solutions" not in parts and "graders" not in parts, name


def test_the_guard_refuses_a_leaking_bundle(built, tmp_path):
    course, _ = built
    answers = answer_lines(REPO / "solutions", list(EXERCISES.values()))  # the bundle of conv_pool_backward
    assert "dx = col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)" in answers
    assert "col = im2col(x, FH, FW, self.stride, self.pad)" not in answers  # given code (forward)
    secret = load_course_secret(course)
    clean = {"a/notes.txt": b"im2col and col2im", "a/x.npz": b"\x00\x01"}
    assert find_leaks(clean, answers, secret) == []
    planted = {
        "a/nb.txt": b"        dx = col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)  # leaked\n",
        "a/tests.txt": b"### BEGIN HIDDEN TESTS\n",
        "a/key.txt": secret.encode(),
        "a/gradebook.db": b"",
    }
    leaks = find_leaks(planted, answers, secret)
    assert any(leak.startswith("a/nb.txt: a line of the reference answer") for leak in leaks)
    assert "a/tests.txt: the nbgrader delimiter 'BEGIN HIDDEN TESTS'" in leaks
    assert "a/key.txt: the course secret" in leaks
    assert any(leak.startswith("a/gradebook.db") for leak in leaks)

    # A release that somehow holds a solution line is refused, and no zip is written.
    notebook = course / "release" / ASSIGNMENT / NOTEBOOKS[0]
    original = notebook.read_bytes()
    stat = notebook.stat()
    try:
        nb = nbformat.reads(original.decode(), as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell("dcol = np.dot(dout, self.col_W.T)"))
        nbformat.write(nb, notebook)
        with pytest.raises(BundleLeakError, match="a line of the reference answer"):
            write_bundle(course, tmp_path / "refused")
        assert not list((tmp_path / "refused").glob("*.zip"))
    finally:
        notebook.write_bytes(original)
        os.utime(notebook, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_staleness(built):
    course, _ = built
    assert release_staleness(course, ASSIGNMENT) == ""
    template = course / "course.toml"  # an input of the build that lives in the course
    stat = template.stat()
    try:
        built_at = (course / "release" / ASSIGNMENT / "selfcheck_cases.npz").stat().st_mtime
        os.utime(template, (stat.st_atime, built_at + 3600))  # edited after the build
        assert release_staleness(course, ASSIGNMENT).startswith(f"older than {template}")
    finally:
        os.utime(template, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    npz = course / "release" / ASSIGNMENT / "selfcheck_cases.npz"
    moved = npz.with_suffix(".moved")
    npz.rename(moved)
    try:
        assert release_staleness(course, ASSIGNMENT) == "missing selfcheck_cases.npz"
    finally:
        moved.rename(npz)
    assert release_staleness(course, "no_such_assignment") == "missing"


def test_not_a_course_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="not an nbgrader course folder"):
        write_bundle(tmp_path, tmp_path / "out")


# ---------------------------------------------------------------- the bundle works on its own

# Runs the notebooks as a student's JupyterLab would, from the unzipped bundle only: the kernel starts in the
# notebook's folder with `python -I -S` (no PYTHONPATH, no user site, no .pth files: so not the editable
# install of this repository), with the installed libraries on its path and an import hook that makes any
# import of solutions or graders fail loudly.
RUNNER = r'''
import json, os, sys, sysconfig, tempfile
from pathlib import Path
import nbformat
from nbclient import NotebookClient

BOOT = """
import os, sys
site_packages, blocked = sys.argv.pop(1), sys.argv.pop(1).split(",")
sys.path.insert(0, os.getcwd())  # as `python -m ipykernel_launcher` has it: the notebook's folder first
sys.path.append(site_packages)


class Blocked:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in blocked:
            raise ImportError("BUNDLE-ISOLATION: the notebook imported " + name + ", which students do not have")
        return None


sys.meta_path.insert(0, Blocked())
from ipykernel import kernelapp
kernelapp.launch_new_instance()
"""

home = Path(tempfile.mkdtemp())
(home / "boot.py").write_text(BOOT)
(home / "kernels" / "bundle-only").mkdir(parents=True)
(home / "kernels" / "bundle-only" / "kernel.json").write_text(json.dumps({
    "argv": [sys.executable, "-I", "-S", str(home / "boot.py"), sysconfig.get_paths()["purelib"],
             "solutions,graders", "-f", "{connection_file}"],
    "display_name": "bundle only", "language": "python"}))
os.environ["JUPYTER_PATH"] = str(home)
for path in sys.argv[1:]:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="bundle-only", allow_errors=True,
                   resources={"metadata": {"path": str(Path(path).parent.resolve())}}).execute()
    nbformat.write(nb, path)
'''

PROBE = ("import sys, utils\n"
         "print('PROBE', utils.__file__, sorted(m for m in sys.modules if m.split('.')[0] in ('solutions', 'graders')))")


def unzip(bundle, where):
    with zipfile.ZipFile(bundle) as zf:
        zf.extractall(where)
    return where / bundle.name[:-len(".zip")]


def run_notebooks(root, notebooks, tmp_path):
    runner = tmp_path / "runner.py"
    runner.write_text(RUNNER)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "JUPYTER"))}
    result = subprocess.run([sys.executable, "-I", str(runner), *map(str, notebooks)], cwd=root, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return [nbformat.read(path, as_version=4) for path in notebooks]


def cell_output(nb, grade_id):
    [cell] = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id]
    return cell


def text_of(cell):
    parts = []
    for output in cell.outputs:
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type == "execute_result":
            parts.append(output.data.get("text/plain", ""))
        elif output.output_type == "error":
            parts.append(f"{output.ename}: {output.evalue}")
    return "".join(parts)


def errors(nb):
    return [(c.metadata.get("nbgrader", {}).get("grade_id"), o.ename, o.evalue)
            for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]


def selfcheck_cell(nb):
    return next(c for c in nb.cells if c.cell_type == "code" and c.source.startswith("from utils.selfcheck import"))


def test_answered_notebooks_self_check_passes_from_the_bundle_alone(built, tmp_path):
    _, bundle = built
    root = unzip(bundle, tmp_path / "student")
    paths = []
    for method, exercise in EXERCISES.items():
        answer = next(a for a in load_answers(method) if a.expected == "correct")
        path = root / ASSIGNMENT / f"{exercise.notebook}.ipynb"
        nb = answered_notebook(path, exercise, answer.body)
        nb.cells.append(nbformat.v4.new_code_cell(PROBE))
        nbformat.write(nb, path)
        paths.append(path)
    for path, nb in zip(paths, run_notebooks(root, paths, tmp_path)):
        assert errors(nb) == [], (path.name, errors(nb))
        check = text_of(selfcheck_cell(nb))
        assert re.search(r"All \d+ cases passed\.", check), check
        assert check.rstrip().endswith("True"), check  # self_check's return value
        probe = text_of(nb.cells[-1]).split()
        assert probe[0] == "PROBE" and Path(probe[1]).is_relative_to(root), probe  # utils from the bundle
        assert probe[2] == "[]", probe  # neither solutions nor graders was imported


def test_stub_notebooks_report_not_implemented_clearly(built, tmp_path):
    _, bundle = built
    root = unzip(bundle, tmp_path / "student")
    paths = [root / ASSIGNMENT / nb for nb in NOTEBOOKS]
    for path, nb in zip(paths, run_notebooks(root, paths, tmp_path)):
        check = text_of(selfcheck_cell(nb))
        assert "NotImplementedError" in check, check
        assert "replace `raise NotImplementedError()` with your code" in check, check
        assert re.search(r"0 of \d+ cases passed\.", check), check
        assert not any("BUNDLE-ISOLATION" in str(e) or e[1] in ("ModuleNotFoundError", "ImportError")
                       for e in errors(nb)), errors(nb)


# ---------------------------------------------------------------- the nbgrader exchange route

def nbgrader(*args, cwd, exchange):
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args, f"--Exchange.root={exchange}"],
                            cwd=cwd, capture_output=True, text=True)
    assert result.returncode == 0, f"nbgrader {' '.join(args)}:\n{result.stdout}{result.stderr}"
    return result


def test_exchange_round_trip_release_submit_collect_grade_feedback(built, tmp_path):
    """The exchange route, every step an nbgrader command as instructors and students run them (one machine,
    an exchange folder in tmp): release, fetch, submit, collect, grade, release and fetch the feedback page."""
    from graders.cli import main as backprop_lab

    course, _ = built
    exchange, student_home = tmp_path / "exchange", tmp_path / "student"
    student_home.mkdir()
    nbgrader("release_assignment", ASSIGNMENT, "--force", cwd=course, exchange=exchange)
    outbound = exchange / "backprop-lab" / "outbound" / ASSIGNMENT
    assert sorted(p.name for p in outbound.glob("*.ipynb")) == NOTEBOOKS
    assert (outbound / "selfcheck_cases.npz").is_file()

    nbgrader("fetch_assignment", ASSIGNMENT, "--course", "backprop-lab", cwd=student_home, exchange=exchange)
    method = "Convolution.backward"
    notebook = student_home / ASSIGNMENT / f"{EXERCISES[method].notebook}.ipynb"
    answer = next(a for a in load_answers(method) if a.expected == "correct")
    nbformat.write(answered_notebook(notebook, EXERCISES[method], answer.body), notebook)
    nbgrader("submit", ASSIGNMENT, "--course", "backprop-lab", cwd=student_home, exchange=exchange)
    nbgrader("collect", ASSIGNMENT, cwd=course, exchange=exchange)
    [submitted] = (course / "submitted").glob(f"*/{ASSIGNMENT}")
    student = submitted.parent.name

    results = tmp_path / "grades.json"
    assert backprop_lab(["--course", str(course), "grade", str(course / "submitted"), "--json", str(results),
                         "--gradebook", "none"]) == 0
    assert backprop_lab(["--course", str(course), "report", str(results), "--out", str(tmp_path / "reports"),
                         "--nbgrader-feedback"]) == 0
    staged = course / "feedback" / student / ASSIGNMENT
    assert sorted(p.name for p in staged.glob("*.html")) == [nb.replace(".ipynb", ".html") for nb in NOTEBOOKS]

    nbgrader("release_feedback", ASSIGNMENT, cwd=course, exchange=exchange)
    nbgrader("fetch_feedback", ASSIGNMENT, "--course", "backprop-lab", cwd=student_home, exchange=exchange)
    pages = list((student_home / ASSIGNMENT / "feedback").glob("*/*.html"))
    assert sorted(p.name for p in pages) == sorted(p.name for p in staged.glob("*.html"))
    page = pages[0].read_text()
    assert "Convolution.backward: 5 / 5" in page  # the answered level
    assert "MaxPool.backward: 0 / 5" in page and "NotImplementedError" in page  # the untouched stub


def test_unknown_assignment_is_named(built, tmp_path):
    course, _ = built
    with pytest.raises(ValueError, match=f"unknown assignment 'nope': .*course.toml has {ASSIGNMENT}"):
        write_bundle(course, tmp_path, "nope")
