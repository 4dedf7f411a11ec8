"""The course build: templates + solutions -> source notebooks -> release (graders/course/build.py).

The build runs once, in a temporary copy of the course (never in the repository's assignments/).
Oracles: the reference classes' own source text (for what the cells must hold), tests/oracles.py's
loops (for the worked examples), and real notebook execution (nbclient) for what the cells do.
"""
import ast
import base64
import inspect
import re
import shutil
import textwrap
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

import solutions.layers
from graders.course import build, figures, notebook_tests
from graders.course.build import copy_course_inputs
from graders.exercises import method_regions
from repo_course import ASSIGNMENT, EXERCISES
import oracles

REPO = Path(__file__).resolve().parent.parent
COURSE = REPO / "assignments"
STUB = ["########## Begin ##########", "# YOUR CODE HERE", "raise NotImplementedError()",
        "########## End ##########"]
NOTEBOOKS = sorted(exercise.notebook for exercise in EXERCISES.values())
CONV, POOL = EXERCISES["Convolution.backward"], EXERCISES["MaxPool.backward"]


def cell_ending(nb, suffix):
    """The one cell whose nbgrader id ends with ``suffix`` ("_selfcheck"): each template names its own."""
    [cell] = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id", "").endswith(suffix)]
    return cell


def folder_figures(exercise):
    """The exercise folder's figures.py, as a module (its worked examples)."""
    from graders.exercises.folder import load_module
    return load_module(exercise.folder.path / "figures.py", exercise.folder.id)


def copy_course(destination):
    """The course as a fresh clone has it: config and templates, nothing built."""
    return copy_course_inputs(COURSE, destination)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course_dir = copy_course(tmp_path_factory.mktemp("course"))
    build.build_course(course_dir)
    return course_dir


def read(path):
    return nbformat.read(path, as_version=4)


def cell_by_id(nb, grade_id):
    [cell] = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id]
    return cell


def answer_region(exercise):
    """(lines of the reference class as the exercise gives it, index of its method's Begin line, of its End
    line). A class may hold one region per method: the other methods' regions are given code, their
    Begin/End lines dropped."""
    lines = inspect.getsource(getattr(solutions.layers, exercise.class_name)).rstrip("\n").split("\n")
    regions = method_regions(lines)
    given = {i for method, region in regions.items() if method != exercise.method for i in region}
    lines = [line for i, line in enumerate(lines) if i not in given]
    begin, end = method_regions(lines)[exercise.method]
    return lines, begin, end


def execute(nb, cwd, allow_errors=False):
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=allow_errors,
                   resources={"metadata": {"path": str(cwd)}}).execute()
    return nb


def outputs_text(cell, kind):
    parts = []
    for output in cell.get("outputs", []):
        if kind == "stdout" and output.output_type == "stream" and output.name == "stdout":
            parts.append(output.text)
        if kind == "result" and output.output_type == "execute_result":
            parts.append(output.data["text/plain"])
    return "".join(parts)


def problems(nb):
    """Errors and stderr output anywhere in an executed notebook."""
    found = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "error" or (output.output_type == "stream" and output.name == "stderr"):
                found.append((cell.id, output.get("ename") or output.get("text")))
    return found


# ---------------------------------------------------------------- templates and cells

@pytest.mark.parametrize("method", sorted(EXERCISES))
def test_class_cell_is_the_reference_class_with_solution_delimiters(method):
    exercise = EXERCISES[method]
    lines, begin, end = answer_region(exercise)
    rendered = build.class_cell_source(exercise.class_name, [exercise]).split("\n")
    indent = lines[begin][:len(lines[begin]) - len(lines[begin].lstrip())]
    assert len(indent) == 8  # the method body's indentation
    expected = lines[:begin] + [indent + "### BEGIN SOLUTION"] + lines[begin + 1:end] + \
        [indent + "### END SOLUTION"] + lines[end + 1:]
    assert rendered == expected


def write_template(tmp_path, text):
    path = tmp_path / "nb.md"
    path.write_text(textwrap.dedent(text))
    return path


@pytest.mark.parametrize("text, message", [
    ("%% markdown a\nhi\n%% picture b\n", r"nb\.md:3: unknown cell kind 'picture'"),
    ("%% markdown a\nhi\n%%markdown b\n", r"nb\.md:3: a cell line is"),
    ("%% markdown a\nx\n%% code a\ny\n", r"cell ids used twice: a"),
    ("%% markdown a\nsee ### BEGIN SOLUTION here\n", r"contains 'BEGIN SOLUTION'"),
    ("%% code a\n### BEGIN HIDDEN TESTS\n### END HIDDEN TESTS\n", r"contains 'BEGIN HIDDEN TESTS'"),
    ("%% class MaxPool\nclass MaxPool: pass\n", r"generated; its template cell must be empty"),
    ("%% tests Pool.forward\n", r"unknown exercise 'Pool.forward'"),
    ("%% markdown a\n{{score:MaxPool.backward}}\n", r"unknown placeholder"),
    ("no cells at all\n", r"no cells"),
])
def test_bad_templates_are_refused_with_file_and_line(tmp_path, text, message):
    with pytest.raises(build.TemplateError, match=message):
        build.render_notebook(write_template(tmp_path, text), ASSIGNMENT)


def test_template_placeholders_and_figures(tmp_path):
    path = write_template(tmp_path, """\
        note for instructors
        %% markdown a
        {{points:MaxPool.backward}} points
        {{cases:MaxPool.backward}}
        ![fig](attachment:maxpool_routing.png)
        """)
    [cell] = build.render_notebook(path, ASSIGNMENT).cells
    from graders.core.cases import case_specs
    lines = cell.source.split("\n")
    assert lines[0] == "5 points"
    assert lines[1:-1] == [f"- **{spec.name}**: {spec.description}" for spec in case_specs("MaxPool.backward")]
    png = base64.b64decode(cell.attachments["maxpool_routing.png"]["image/png"])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


# ---------------------------------------------------------------- the worked examples

def test_maxpool_example_matches_loops_and_the_text():
    example = folder_figures(POOL).maxpool_example(solutions.layers.MaxPool)
    x, dout = example["x"][None, None], example["dout"][None, None]
    np.testing.assert_allclose(example["dx"], oracles.max_pool_backward(x, dout, 2, 2, 1, 0)[0, 0], atol=1e-12)
    np.testing.assert_allclose(example["out"], oracles.max_pool_forward(x, 2, 2, 1, 0)[0, 0], atol=1e-12)
    # The template's sentences about the outlined window, checked by hand-written indexing:
    assert example["x"][1:3, 3:5].tolist() == [[3, 5], [2, 5]]
    assert example["dout"][1, 3] == 9
    assert [example["dout"][i, j] for i, j in [(0, 3), (0, 4), (1, 3), (1, 4)]] == [4, 5, 9, 10]
    assert example["dx"][1, 4] == 4 + 5 + 9 + 10 == 28
    assert example["dx"][2, 4] == 29  # the tied 5 below gets only windows where it is the first maximum
    text = POOL.folder.template.read_text()
    assert "covers `3 5 / 2 5`" in text and "`4 + 5 + 9 + 10 = 28`" in text


def test_conv_example_matches_loops_and_the_text():
    example = folder_figures(CONV).conv_example(solutions.layers.Convolution)
    x, W, dout = example["x"][None, None], example["W"][None, None], example["dout"][None, None]
    dx, dW, db = oracles.conv_backward(x, W, dout, 1, 0)
    np.testing.assert_allclose(example["dx"], dx[0, 0], atol=1e-12)
    np.testing.assert_allclose(example["dW"], dW[0, 0], atol=1e-12)
    np.testing.assert_allclose(example["db"], db, atol=1e-12)
    assert example["dW"][0, 0] == np.sum(example["x"][:3, :3] * example["dout"]) == 6
    assert example["dx"][0, 0] == example["dout"][0, 0] * example["W"][0, 0] == 1
    text = CONV.folder.template.read_text()
    assert "dW[0, 0] = 1*1 + 2*0 + 0*2 + 0*0 + 1*1 + 3*0 + 2*1 + 1*2 + 0*1 = 6" in text
    assert "dx[0, 0] = dout[0, 0] * W[0, 0] = 1" in text


def test_render_figure():
    exercises = list(EXERCISES.values())
    for name in figures.figures_of(exercises):
        assert figures.render_figure(name, exercises).startswith(b"\x89PNG\r\n\x1a\n")
    with pytest.raises(KeyError, match="no figure called 'nope.png'"):
        figures.render_figure("nope.png", exercises)


# ---------------------------------------------------------------- who the hidden test grades

def test_grading_identity(tmp_path):
    course_dir = copy_course(tmp_path / "course")
    folder = course_dir / "autograded" / "alice" / ASSIGNMENT
    folder.mkdir(parents=True)
    env = {"NBGRADER_EXECUTION": "autograde"}
    assert notebook_tests.grading_identity(folder, env) == ("alice", course_dir.resolve())
    assert notebook_tests.grading_identity(folder, {}) == ("instructor", course_dir.resolve())
    source = course_dir / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    assert notebook_tests.grading_identity(source, {}) == ("instructor", course_dir.resolve())


# ---------------------------------------------------------------- the built course

def test_build_writes_source_and_release(course):
    for folder in ("source", "release"):
        files = sorted(p.name for p in (course / folder / ASSIGNMENT).iterdir())
        assert files == sorted([f"{name}.ipynb" for name in NOTEBOOKS] + [build.SELFCHECK_FILE, "utils"])
        # the exchange hands out only this folder: the helpers must travel with the notebooks
        assert (course / folder / ASSIGNMENT / "utils" / "im2col.py").is_file()
    assert (course / ".course_secret").is_file()
    release_npz = (course / "release" / ASSIGNMENT / build.SELFCHECK_FILE).read_bytes()
    assert release_npz == (course / "source" / ASSIGNMENT / build.SELFCHECK_FILE).read_bytes()
    from utils.selfcheck import load_cases
    meta, _ = load_cases(course / "release" / ASSIGNMENT / build.SELFCHECK_FILE)
    assert sorted(meta["exercises"]) == sorted(EXERCISES)


@pytest.mark.parametrize("method", sorted(EXERCISES))
def test_release_cells_and_metadata(course, method):
    exercise = EXERCISES[method]
    nb = read(course / "release" / ASSIGNMENT / f"{exercise.notebook}.ipynb")
    ids = [cell.metadata["nbgrader"]["grade_id"] for cell in nb.cells]
    assert len(ids) == len(set(ids))
    answer, test = cell_by_id(nb, exercise.answer_cell), cell_by_id(nb, exercise.test_cell)
    # The hidden test cell right after the class cell; the self-check after both.
    assert ids.index(exercise.test_cell) == ids.index(exercise.answer_cell) + 1
    assert answer.metadata["nbgrader"]["solution"] and not answer.metadata["nbgrader"]["locked"]
    assert answer.metadata.get("editable", True) and answer.metadata["deletable"] is False
    assert test.metadata["nbgrader"]["grade"] and test.metadata["nbgrader"]["points"] == exercise.points
    assert test.metadata["editable"] is False and test.metadata["deletable"] is False
    for cell in nb.cells:
        if cell.metadata["nbgrader"]["grade_id"] not in (exercise.answer_cell, exercise.test_cell):
            assert cell.metadata["nbgrader"]["locked"] and cell.metadata["editable"] is False, cell.id
    assert nb.metadata.kernelspec.name == "python3"


@pytest.mark.parametrize("method", sorted(EXERCISES))
def test_release_holds_the_exact_educoder_stub(course, method):
    exercise = EXERCISES[method]
    nb = read(course / "release" / ASSIGNMENT / f"{exercise.notebook}.ipynb")
    lines, begin, end = answer_region(exercise)
    indent = " " * 8
    expected = lines[:begin] + [indent + line for line in STUB] + lines[end + 1:]
    assert cell_by_id(nb, exercise.answer_cell).source.split("\n") == expected


def release_sources(course):
    return {f"{name}/{cell.id}": cell.source
            for name in NOTEBOOKS for cell in read(course / "release" / ASSIGNMENT / f"{name}.ipynb").cells}


def test_release_holds_no_solution_code(course):
    sources = release_sources(course)
    text = "\n".join(sources.values())
    checked = 0
    for method, exercise in EXERCISES.items():
        lines, begin, end = answer_region(exercise)
        given = {line.strip() for line in lines[:begin] + lines[end:]}
        for line in lines[begin + 1:end]:
            code = line.split("#")[0].strip()
            for fragment in {line.strip(), code}:
                if len(fragment) >= 10 and fragment not in given:
                    assert fragment not in text, f"solution line of {method} in the release: {fragment!r}"
                    checked += 1
    assert checked >= 15  # the answer regions were really looked at


def test_release_holds_no_hidden_tests_and_imports_only_numpy_and_utils(course):
    for where, source in release_sources(course).items():
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", "run_hidden_test", "graders", "solutions"):
            assert marker not in source, (where, marker)
    for name in NOTEBOOKS:
        for cell in read(course / "release" / ASSIGNMENT / f"{name}.ipynb").cells:
            if cell.cell_type != "code":
                continue
            for node in ast.walk(ast.parse(cell.source)):
                modules = ([alias.name for alias in node.names] if isinstance(node, ast.Import) else
                           [node.module] if isinstance(node, ast.ImportFrom) else [])
                for module in modules:
                    assert module.split(".")[0] in ("numpy", "utils", "os", "contextlib", "io"), (name, cell.id, module)


def test_release_embeds_the_figures(course):
    found = {}
    for name in NOTEBOOKS:
        for cell in read(course / "release" / ASSIGNMENT / f"{name}.ipynb").cells:
            for figure, data in cell.get("attachments", {}).items():
                assert f"attachment:{figure}" in cell.source
                found[figure] = base64.b64decode(data["image/png"])
    assert sorted(found) == sorted(figures.figures_of(EXERCISES.values()))
    assert all(png.startswith(b"\x89PNG") for png in found.values())


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_source_notebook_runs_cleanly_with_the_solutions(course, name):
    folder = course / "source" / ASSIGNMENT
    nb = execute(read(folder / f"{name}.ipynb"), folder)
    assert problems(nb) == []
    [exercise] = [e for e in EXERCISES.values() if e.notebook == name]
    test = cell_by_id(nb, exercise.test_cell)
    assert outputs_text(test, "result") == f"{exercise.points}"
    assert f"All {len(exercise.case_specs)} cases passed." in outputs_text(test, "stdout")
    assert outputs_text(cell_ending(nb, "_selfcheck"), "result") == "True"
    errors = re.findall(r"relative error: (\S+)", outputs_text(cell_ending(nb, "_gradcheck"),
                                                                 "stdout"))
    assert len(errors) == len(exercise.outputs) and all(float(e) < 1e-7 for e in errors)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_release_notebook_runs_as_given(course, name):
    """A student's first run: the class cell defines the class, the self-check reports it unanswered."""
    folder = course / "release" / ASSIGNMENT
    nb = execute(read(folder / f"{name}.ipynb"), folder, allow_errors=True)  # the finite differences call backward
    [exercise] = [e for e in EXERCISES.values() if e.notebook == name]
    for grade_id in (exercise.answer_cell, exercise.test_cell):
        assert cell_by_id(nb, grade_id).outputs == []
    selfcheck = cell_ending(nb, "_selfcheck")
    assert outputs_text(selfcheck, "result") == "False"
    assert "NotImplementedError" in outputs_text(selfcheck, "stdout")


# ---------------------------------------------------------------- the hidden test's helper, in this process

def sample_class(name):
    from graders.sample_answers import load_answers
    [answer] = [a for a in load_answers(name.split("/")[0]) if a.name == name]
    return answer.load_class()


@pytest.fixture
def in_course(tmp_path, monkeypatch):
    """Run as an instructor's notebook in a course's source folder, with `solutions` not imported."""
    course_dir = copy_course(tmp_path / "course")
    folder = course_dir / "source" / ASSIGNMENT
    folder.mkdir(parents=True)
    monkeypatch.chdir(folder)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.setenv("BACKPROP_LAB_SECRET", "a secret for the tests")
    import sys
    for name in [name for name in sys.modules if name.split(".")[0] == "solutions"]:
        monkeypatch.delitem(sys.modules, name)
    return course_dir


def test_hidden_test_agrees_with_the_in_process_check(in_course, capsys):
    cls = sample_class("maxpool_backward/loops_every_max")
    score = notebook_tests.run_hidden_test(cls, "MaxPool.backward")
    out, err = capsys.readouterr()
    from graders.core.check import check  # (after the test: it imports solutions, which the test refuses)
    from graders.core.seeds import course_seeds
    expected = check("MaxPool.backward", cls, course_seeds("a secret for the tests", "instructor", ASSIGNMENT))
    assert type(score) is float and score == expected.score and 0 < score < 5
    assert out.rstrip("\n") == expected.feedback and err == ""


def test_hidden_test_keeps_the_students_noise_off_stderr(in_course, capsys):
    correct = sample_class("conv_backward/loops")

    class Noisy(correct):
        def backward(self, dout):
            import sys
            import warnings
            print("debugging", file=sys.stderr)
            print("debugging")
            warnings.warn("a warning of the student's own")
            np.float64(1.0) / 0.0  # a RuntimeWarning
            return super().backward(dout)

    assert notebook_tests.run_hidden_test(Noisy, "Convolution.backward") == 5.0
    out, err = capsys.readouterr()
    assert out == "All 8 cases passed.\n" and err == ""


def test_hidden_test_reports_unusable_results(in_course, capsys):
    assert notebook_tests.run_hidden_test(sample_class("maxpool_backward/returns_list"), "MaxPool.backward") == 0.0
    assert "dx is a list; expected a numpy array of shape" in capsys.readouterr().out


def test_hidden_test_stops_endless_loops(in_course, capsys, monkeypatch):
    monkeypatch.setattr(notebook_tests, "METHOD_SECONDS", 0.5)
    base = sample_class("maxpool_backward/loops")

    class Endless(base):
        def backward(self, dout):
            while True:
                try:
                    pass
                except Exception:  # cannot catch the time limit
                    pass

    assert notebook_tests.run_hidden_test(Endless, "MaxPool.backward") == 0.0
    out = capsys.readouterr().out
    assert "0 of 8 cases passed" in out and "your code did not finish" in out


def test_hidden_test_refuses_the_reference_solutions(in_course, capsys):
    base = sample_class("maxpool_backward/loops")

    class Borrowing(base):
        def backward(self, dout):
            from solutions.layers import MaxPool
            return MaxPool.backward(self, dout)

    assert notebook_tests.run_hidden_test(Borrowing, "MaxPool.backward") == 0.0
    assert "ImportError: solutions is not available to answers" in capsys.readouterr().out
    import solutions.layers  # noqa: F401 (as a notebook cell that imported it would have)
    assert notebook_tests.run_hidden_test(sample_class("maxpool_backward/loops"), "MaxPool.backward") == 0.0
    assert "your notebook imported `solutions`" in capsys.readouterr().out


def test_judge_takes_nothing_on_trust(in_course):
    """Garbage, a pickled array and a missing case from the kernel: every case fails with a reason."""
    import io
    import json
    from graders.engine.sandbox.wire import pack_message
    pickled = io.BytesIO()
    np.save(pickled, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    kernel = (pack_message({"case": 0, "outputs": {"dx": {"type": "ndarray", "blob": 0}}}, [pickled.getvalue()])
              + pack_message({"case": 1, "error": "your code raised ValueError: x"}) + b"\x00garbage")
    stdout = io.BytesIO()
    notebook_tests.judge("MaxPool.backward", "instructor", ASSIGNMENT, in_course, io.BytesIO(kernel), stdout)
    report = json.loads(stdout.getvalue()[stdout.getvalue().index(b'{"name": "MaxPool.backward"'):])
    errors = [case["error"] for case in report["cases"]]
    assert report["score"] == 0.0 and len(errors) == 8
    assert errors[0].startswith("the grader could not read what your code returned")
    assert errors[1] == "your code raised ValueError: x"
    assert all(error.startswith("this case did not run") for error in errors[2:])
