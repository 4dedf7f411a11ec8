"""A student's workflow in a real JupyterLab, in headless Chromium.

The student bundle (``graders.course.bundle.write_bundle``, built from a copy of the course) is unzipped into a
temporary folder and served by ``jupyter lab`` there, as a student would after following the bundle's README.
Chromium, driven by Playwright, then does what a student does: open the level-1 notebook, look at the stub,
type an answer over it, run all cells, read the self-check, validate with nbgrader's button, get it wrong,
read the hint. Screenshots of each step go to test-artifacts/browser/.

Needs Debian's Chromium at /usr/bin/chromium (``make browser-deps``); skipped without it.
Run alone with ``pytest -m browser -s`` to see the timings.
"""
import contextlib
import inspect
import json
import os
import re
import shutil
import time
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install -e '.[dev]')")

from jupyter_client import BlockingKernelClient  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402

from browser.lab import JupyterLab  # noqa: E402
from graders.course.build import copy_course_inputs  # noqa: E402
from browser.processes import assert_all_gone, descendants  # noqa: E402
from browser.student import EDUCODER_BEGIN, EDUCODER_END, StudentNotebook  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
REPO = Path(__file__).resolve().parent.parent
SHOTS = REPO / "test-artifacts" / "browser"
VIEWPORT = {"width": 1400, "height": 900}
expect.set_options(timeout=30_000)

METHOD = "Convolution.backward"
NOT_TRANSPOSED = "conv_dout_not_transposed"  # graders.core.mistakes: dout reshaped without moving FN last

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason=f"Debian's Chromium is not at {CHROMIUM}: `make browser-deps` installs it "
                              "(as root, with apt-get); Playwright's own browser download is not used"),
]


# ---------------------------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def timings():
    """Seconds per step, printed and written to test-artifacts/browser/timings.json at the end."""
    steps = {}
    yield steps
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "timings.json").write_text(json.dumps(steps, indent=1) + "\n")
    print("\nbrowser test timings (s): " + ", ".join(f"{k} {v:.1f}" for k, v in steps.items()))


@pytest.fixture(scope="module")
def stopwatch(timings):
    """``with stopwatch("step"):`` records the step's seconds."""
    @contextlib.contextmanager
    def lap(name):
        start = time.monotonic()
        yield
        timings[name] = round(time.monotonic() - start, 2)
    return lap


@pytest.fixture(scope="module")
def shots():
    """test-artifacts/browser/, emptied of the previous run's screenshots."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("*.png"):
        old.unlink()
    return SHOTS


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A copy of the course's inputs (config and templates), so that building it writes only into tmp."""
    return copy_course_inputs(REPO / "assignments", tmp_path_factory.mktemp("course") / "assignments")


@pytest.fixture(scope="module")
def student_dir(course, tmp_path_factory, stopwatch):
    """The student bundle, unzipped: the folder a student runs `jupyter lab` in (it holds README.md)."""
    from graders.course.bundle import write_bundle

    with stopwatch("build course and bundle"):
        zip_path = write_bundle(course, tmp_path_factory.mktemp("dist"))
    unzipped = tmp_path_factory.mktemp("student")
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(unzipped)
    readmes = list(unzipped.glob("*/README.md"))
    assert len(readmes) == 1, f"{zip_path.name}: expected one top folder with a README.md, got {readmes}"
    return readmes[0].parent


@pytest.fixture(scope="module")
def exchange(course, student_dir, tmp_path_factory):
    """An nbgrader exchange into which the instructor has released the assignment, as on a course's JupyterHub."""
    from graders.course.build import run_nbgrader
    from repo_course import ASSIGNMENT

    root = tmp_path_factory.mktemp("exchange")
    run_nbgrader(course, "release_assignment", ASSIGNMENT, f"--Exchange.root={root}")
    return root


@pytest.fixture(scope="module")
def lab(student_dir, exchange, tmp_path_factory, stopwatch):
    """`jupyter lab` serving the student folder; stopped with its kernels at the end (checked)."""
    home = tmp_path_factory.mktemp("home")
    server = JupyterLab(student_dir, home, nbgrader_config=f"c.Exchange.root = {str(exchange)!r}\n")
    with stopwatch("start jupyter lab"):
        server.start()
    yield server
    server.stop()  # fails the teardown if a kernel or the server is still running afterwards


@pytest.fixture(scope="module")
def browser(tmp_path_factory, lab):
    """Headless Chromium with a fresh profile; closed, with Playwright's driver, at the end (checked)."""
    home = tmp_path_factory.mktemp("chromium-home")
    before = {p.pid for p in descendants()}
    playwright = sync_playwright().start()
    try:
        context = playwright.chromium.launch_persistent_context(
            str(home / "profile"), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
            viewport=VIEWPORT, env={"PATH": os.environ.get("PATH", os.defpath), "HOME": str(home),
                                    "XDG_CONFIG_HOME": str(home / ".config"), "XDG_CACHE_HOME": str(home / ".cache")})
    except Exception:
        playwright.stop()
        raise
    yield context
    # Chromium starts renderers as pages open: list everything Playwright started just before closing it.
    started = [p for p in descendants() if p.pid not in before and p not in lab.processes()]
    try:
        context.close()
    finally:
        playwright.stop()
    assert_all_gone(started, "Chromium and Playwright")


@pytest.fixture
def page(browser, lab):
    page = browser.new_page()
    page.set_default_timeout(60_000)  # two shared cores: a click can wait for a busy kernel or server
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(lab.url("lab"))
    expect(page.locator(".jp-DirListing-item").first).to_be_visible(timeout=120_000)
    yield page
    page.close()
    assert not errors, f"JavaScript errors in JupyterLab: {errors}"


# ---------------------------------------------------------------------------------------------- answers

def reference_answer(method):
    """The lines between Begin and End of the reference ``backward``, unindented: what a student types."""
    from repo_course import EXERCISES

    source = inspect.getsource(getattr(EXERCISES[method].reference_class, method.split(".")[1]))
    lines = source.splitlines()
    begin = next(i for i, line in enumerate(lines) if line.strip() == EDUCODER_BEGIN)
    end = next(i for i, line in enumerate(lines) if line.strip() == EDUCODER_END)
    return "\n".join(line.strip() for line in lines[begin + 1:end])


def without_transpose(answer):
    """The reference answer with the classic slip: dout reshaped to (-1, FN) in its (N, FN, ...) order."""
    right = "dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)"
    assert right in answer, f"the reference answer no longer has the line {right!r}; update this test"
    return answer.replace(right, "dout = dout.reshape(-1, FN)")


def spliced(cell_source, answer):
    """``cell_source`` with the lines between Begin and End replaced by ``answer`` at their indentation."""
    lines = cell_source.splitlines()
    begin = next(i for i, line in enumerate(lines) if line.strip() == EDUCODER_BEGIN)
    end = next(i for i, line in enumerate(lines) if line.strip() == EDUCODER_END)
    indent = lines[begin][:len(lines[begin]) - len(lines[begin].lstrip())]
    typed = [indent + line if line else "" for line in answer.splitlines()]
    return "\n".join(lines[:begin + 1] + typed + lines[end:])


def mistake(name):
    from graders.core.mistakes import get_mistake
    return get_mistake(name)


def squeeze(text):
    return " ".join(text.split())


# ---------------------------------------------------------------------------------------------- tests

def test_student_solves_level_1(page, lab, student_dir, shots, stopwatch):
    """Stub -> right answer (self-check passes, Validate succeeds) -> classic slip (self-check names it)."""
    from repo_course import ASSIGNMENT, EXERCISES
    from utils.selfcheck import load_cases

    exercise = EXERCISES[METHOD]
    assignment_dir = student_dir / ASSIGNMENT
    nb = StudentNotebook(page, assignment_dir / f"{exercise.notebook}.ipynb")
    meta, _ = load_cases(assignment_dir / "selfcheck_cases.npz")  # what the bundle ships, read independently
    n_cases = len(meta["exercises"][METHOD]["cases"])
    assert n_cases >= 2, f"the bundle's self-check has {n_cases} case(s) of {METHOD}"

    # As the README says: open the assignment's folder, then the level-1 notebook.
    with stopwatch("open notebook"):
        page.locator(".jp-DirListing-item", has_text=ASSIGNMENT).dblclick()
        nb.open_from_file_browser()

    # Explanations render as text, tables and figures, not as markdown source.
    expect(nb.panel.locator(".jp-MarkdownCell h1").first).to_contain_text("Level 1")
    expect(nb.panel.locator(".jp-MarkdownCell table").first).to_be_visible()
    figure = nb.panel.locator(".jp-MarkdownCell .jp-RenderedMarkdown img").first
    nb.show(figure)
    expect(figure).to_be_visible()
    assert figure.evaluate("img => img.complete && img.naturalWidth > 0"), "a figure in the notebook did not load"
    page.screenshot(path=shots / "03-figure.png")
    nb.show(nb.cell(0))
    page.screenshot(path=shots / "02-notebook-opened.png")

    # nbgrader's locks reach the editor: given code is read-only, the class cell with Begin/End is not.
    cells = nb.read().cells
    class_i = nb.index_of_grade_id(exercise.answer_cell)
    selfcheck_i = nb.index_of_code("\nself_check(")
    original_class = cells[class_i].source
    assert not nb.is_read_only(class_i), "the class cell, where the answer goes, is read-only"
    locked = [i for i, c in enumerate(cells) if c.cell_type == "code" and c.metadata.get("editable") is False]
    assert selfcheck_i in locked, "the self-check cell can be edited"
    for i in locked:
        assert nb.is_read_only(i), f"cell {i} is locked by nbgrader but editable in JupyterLab"
    given_i = locked[0]
    nb.type_into(given_i, "  # edited")
    nb.save()
    assert nb.read().cells[given_i].source == cells[given_i].source, "typing changed a locked cell"

    # The stub (the Educoder stub), and what the self-check says about it.
    assert "# YOUR CODE HERE\n" in original_class and "raise NotImplementedError()\n" in original_class
    nb.show_line(class_i, EDUCODER_BEGIN)
    page.screenshot(path=shots / "04-stub.png")
    with stopwatch("run all (stub)"):
        nb.run_all()
    out = nb.output_text(selfcheck_i)
    assert "NotImplementedError" in out and f"0 of {n_cases} cases passed" in out, out
    nb.show(nb.cell(selfcheck_i))
    page.screenshot(path=shots / "05-selfcheck-stub.png")

    # A right answer, typed over the stub.
    answer = reference_answer(METHOD)
    with stopwatch("type the answer"):
        nb.replace_answer(class_i, answer)
        nb.save()
    assert nb.read().cells[class_i].source == spliced(original_class, answer)
    with stopwatch("run all (right)"):
        nb.run_all()
    out = nb.output_text(selfcheck_i)
    assert f"All {n_cases} cases passed." in out and "✗" not in out, out
    assert out.count("✓") == n_cases, out
    assert kernel_imports_bundled_utils(lab, assignment_dir)
    nb.show(nb.cell(selfcheck_i))
    page.screenshot(path=shots / "06-selfcheck-pass.png")

    with stopwatch("validate (right)"):
        kind, dialog = nb.validate()
    text = dialog.inner_text()
    page.screenshot(path=shots / "07-validate-pass.png")
    assert kind == "success" and "Success! Your notebook passes all the tests." in text, text
    nb.close_dialog(dialog)

    # The classic slip: dout reshaped without moving the filter axis last.
    slip = mistake(NOT_TRANSPOSED)
    wrong = without_transpose(answer)
    with stopwatch("type the wrong answer"):
        nb.replace_answer(class_i, wrong)
        nb.save()
    assert nb.read().cells[class_i].source == spliced(original_class, wrong)
    with stopwatch("run all (wrong)"):
        nb.run_all()
    out = nb.output_text(selfcheck_i)
    assert f"0 of {n_cases} cases passed." in out and "✓" not in out, out
    assert f"Likely mistake: {slip.title}" in out, out
    assert squeeze(slip.hint) in squeeze(out), out
    nb.show(nb.cell(selfcheck_i))
    page.screenshot(path=shots / "08-selfcheck-fail.png")

    with stopwatch("validate (wrong)"):
        kind, dialog = nb.validate()
    text = dialog.inner_text()
    page.screenshot(path=shots / "09-validate-wrong.png")
    # The test cells' visible part runs the practice cases under Validate: a wrong answer must not "succeed".
    assert kind == "error" and "fails some practice cases" in text, text
    nb.close_dialog(dialog)


def kernel_imports_bundled_utils(lab, assignment_dir):
    """The notebook's kernel imported ``utils`` from the bundle, not from the repository's editable install."""
    import urllib.request

    with urllib.request.urlopen(lab.url("api/sessions")) as response:
        sessions = json.load(response)
    kernel_ids = {s["kernel"]["id"] for s in sessions}
    assert len(kernel_ids) == 1, f"expected the notebook's kernel only, got {sessions}"
    client = BlockingKernelClient()
    client.load_connection_file(lab.runtime_dir / f"kernel-{kernel_ids.pop()}.json")
    client.start_channels()
    try:
        client.wait_for_ready(timeout=30)
        printed = []
        client.execute_interactive(
            "import utils; print(utils.__file__)", timeout=30, store_history=False,
            output_hook=lambda msg: printed.append(msg["content"].get("text", "")))
    finally:
        client.stop_channels()
    where = Path("".join(printed).strip()).resolve()
    assert where == (assignment_dir / "utils" / "__init__.py").resolve(), f"the kernel's utils is {where}"
    return True


def test_student_submits_from_the_assignment_list(page, course, student_dir, exchange, shots, stopwatch):
    """The Assignment List shows the unzipped bundle as the downloaded assignment; Submit reaches the exchange."""
    from graders.course.bundle import read_course_id
    from repo_course import ASSIGNMENT, EXERCISES

    course_id = read_course_id(course)
    with stopwatch("open the assignment list"):
        page.locator("#jp-menu-panel .lm-MenuBar-itemLabel", has_text="Nbgrader").click()
        page.locator('li[data-command="nbgrader:open-assignment-list"]').click()
        expect(page.locator("#jp-main-dock-panel .lm-TabBar-tab.jp-mod-current")).to_have_text("Assignments")
        fetched = assignment_rows(page, "fetched", 1)
    expect(fetched.first.locator(".item_name").first).to_have_text(ASSIGNMENT)
    expect(fetched.first.locator(".item_course").first).to_have_text(course_id)
    page.screenshot(path=shots / "10-assignment-list.png")

    with stopwatch("submit"):
        fetched.first.locator(".item_status button", has_text="Submit").click()
        submitted = assignment_rows(page, "submitted", 1)
    expect(submitted.first.locator(".item_name").first).to_have_text(ASSIGNMENT)
    page.screenshot(path=shots / "11-submitted.png")

    # What arrived is what the student saved, for every level.
    inbound = list((exchange / course_id / "inbound").glob(f"*+{ASSIGNMENT}+*"))
    assert len(inbound) == 1, f"expected one submission in the exchange, got {inbound}"
    for exercise in EXERCISES.values():
        name = f"{exercise.notebook}.ipynb"
        assert (inbound[0] / name).read_bytes() == (student_dir / ASSIGNMENT / name).read_bytes(), name


def assignment_rows(page, name, count):
    """The rows of one list of nbgrader's Assignment List panel (released, fetched, submitted), once loaded."""
    for part in ("loading", "placeholder", "error"):
        expect(page.locator(f"#{name}_assignments_list_{part}")).to_be_hidden(timeout=60_000)
    rows = page.locator(f"#{name}_assignments_list > .list_item")
    expect(rows).to_have_count(count, timeout=60_000)
    return rows


# ---------------------------------------------------------------------------------------------- the capstone

CAPSTONE_EPOCHS = 2  # the notebook's training budget is the student's to set (its data cell): short here


@pytest.fixture(scope="module")
def capstone_notebook(course, student_dir, tmp_path_factory):
    """The capstone's bundle, its cnn_capstone/ put beside the student's conv_pool_backward/ (as the capstone's
    own bundle and nbgrader's fetch lay them out), answered with the reference answers, trained for
    CAPSTONE_EPOCHS epochs, the student's unfinished levels replaced by their frozen fallback (the choice the
    notebook offers). Returns its path."""
    import nbformat

    from graders.capstone.grading import reference_answers
    from graders.capstone.notebook import CLASS_CELLS, splice
    from graders.course.bundle import write_bundle

    zip_path = write_bundle(course, tmp_path_factory.mktemp("capstone-dist"), "cnn_capstone")
    unzipped = tmp_path_factory.mktemp("capstone-student")
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(unzipped)
    shutil.copytree(next(unzipped.glob("*/cnn_capstone")), student_dir / "cnn_capstone")
    path = student_dir / "cnn_capstone" / "cnn_capstone.ipynb"
    nb = nbformat.read(path, as_version=4)
    cells = {cell.id: cell for cell in nb.cells}
    answers = reference_answers()
    for class_name, (method, grade_id) in CLASS_CELLS.items():
        cells[grade_id].source = splice(cells[grade_id].source, method, answers[f"{class_name}.{method}"])
    own = cells["capstone_own_layers"]
    assert own.source.strip() == "Convolution, MaxPool = load_own_layers()", own.source
    own.source = 'Convolution, MaxPool = load_own_layers(fallback="frozen")'
    data = cells["capstone_data"]
    assert "epochs, batch_size = 20, 32" in data.source, data.source
    data.source = data.source.replace("epochs, batch_size = 20, 32", f"epochs, batch_size = {CAPSTONE_EPOCHS}, 32")
    nbformat.write(nb, path)
    return path


def test_student_trains_the_capstone(page, capstone_notebook, shots, stopwatch):
    """One training run of the capstone in JupyterLab: the tqdm bar (a widget) and the matplotlib curves appear."""
    nb = StudentNotebook(page, capstone_notebook)
    with stopwatch("open the capstone"):
        page.locator(".jp-BreadCrumbs-home").click()
        page.locator(".jp-DirListing-item", has_text="cnn_capstone").dblclick()
        nb.open_from_file_browser()
    expect(nb.panel.locator(".jp-MarkdownCell h1").first).to_contain_text("Capstone")
    with stopwatch("run all (capstone)"):
        nb.run_all()
    page.screenshot(path=shots / "12-capstone-run.png")
    own_i = nb.index_of_code('load_own_layers(fallback="frozen")')
    nb.show(nb.cell(own_i))
    own = nb.cell(own_i).locator(".jp-OutputArea").text_content()
    page.screenshot(path=shots / "13-capstone-own-layers.png")
    imports = nb.cell(nb.index_of_code("from utils.own_layers import")).locator(".jp-OutputArea").text_content()
    assert "fallback='frozen'" in own, (own, imports)
    train_i = nb.index_of_grade_id("capstone_train")
    train = nb.cell(train_i)
    nb.show(train)
    bar = train.locator(".jp-OutputArea-output .widget-hprogress, .jp-OutputArea-output .jupyter-widget-hprogress")
    expect(bar.first).to_be_visible()
    expect(train.locator(".jp-OutputArea-output", has_text=f"epoch {CAPSTONE_EPOCHS}/{CAPSTONE_EPOCHS}").first) \
        .to_be_visible()
    curves = train.locator(".jp-OutputArea-output img")
    expect(curves.first).to_be_visible()
    assert curves.first.evaluate("img => img.complete && img.naturalWidth > 0"), "the curves did not load"
    assert f"after {CAPSTONE_EPOCHS} epochs:" in nb.output_text(train_i)
    nb.show(bar.first)  # below the curves: the plot's display came first
    page.screenshot(path=shots / "14-capstone-training.png")


# ---------------------------------------------------------------------------------------------- in Chinese

CJK = re.compile(r"[\u4e00-\u9fff]")
ZH_SHOTS = SHOTS / "zh"


@pytest.fixture(scope="module")
def zh_student_dir(browser, tmp_path_factory, stopwatch):
    """The student bundle of level 1's assignment built in Chinese (`bundle --lang zh`), unzipped."""
    from graders.course.bundle import write_bundle
    from repo_course import ASSIGNMENT

    course = copy_course_inputs(REPO / "assignments", tmp_path_factory.mktemp("zh-course") / "assignments")
    with stopwatch("build the Chinese bundle"):
        zip_path = write_bundle(course, tmp_path_factory.mktemp("zh-dist"), ASSIGNMENT, lang="zh")
    unzipped = tmp_path_factory.mktemp("zh-student")
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(unzipped)
    [readme] = unzipped.glob("*/README.md")
    return readme.parent


@pytest.fixture(scope="module")
def zh_lab(zh_student_dir, tmp_path_factory, stopwatch):
    """A second `jupyter lab`, serving the Chinese bundle (set up after the browser, stopped before it)."""
    server = JupyterLab(zh_student_dir, tmp_path_factory.mktemp("zh-home"))
    with stopwatch("start jupyter lab (zh)"):
        server.start()
    yield server
    server.stop()


def _translated(template):
    """Whether the template's first cell has its Chinese text."""
    from graders.course.build import parse_template_languages
    return "zh" in parse_template_languages(template)[0][2]


def test_student_works_in_chinese(browser, zh_lab, zh_student_dir, stopwatch):
    """Level 1 in Chinese: the notebook, its figure, the self-check on the stub and on the classic slip, and
    Validate, as a Chinese-speaking student sees them; screenshots in test-artifacts/browser/zh/."""
    from repo_course import ASSIGNMENT, EXERCISES
    from utils.selfcheck import load_cases

    ZH_SHOTS.mkdir(parents=True, exist_ok=True)
    for old in ZH_SHOTS.glob("*.png"):
        old.unlink()
    exercise = EXERCISES[METHOD]
    assignment_dir = zh_student_dir / ASSIGNMENT
    meta, _ = load_cases(assignment_dir / "selfcheck_cases.npz")  # the words the build wrote for this notebook
    assert meta["language"] == "zh"
    slip = next(m for m in meta["exercises"][METHOD]["mistakes"] if m["name"] == NOT_TRANSPOSED)
    n_cases = len(meta["exercises"][METHOD]["cases"])

    page = browser.new_page()
    page.set_default_timeout(60_000)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(zh_lab.url("lab"))
        expect(page.locator(".jp-DirListing-item").first).to_be_visible(timeout=120_000)
        nb = StudentNotebook(page, assignment_dir / f"{exercise.notebook}.ipynb")
        with stopwatch("open notebook (zh)"):
            page.locator(".jp-DirListing-item", has_text=ASSIGNMENT).dblclick()
            nb.open_from_file_browser()
        heading = nb.panel.locator(".jp-MarkdownCell h1").first
        expect(heading).to_be_visible()
        if _translated(exercise.folder.template):  # the translators' work: Chinese where it has landed
            assert CJK.search(heading.inner_text()), f"the level's heading is not Chinese: {heading.inner_text()!r}"
        page.screenshot(path=ZH_SHOTS / "01-notebook.png")
        figure = nb.panel.locator(".jp-MarkdownCell .jp-RenderedMarkdown img").first
        nb.show(figure)
        assert figure.evaluate("img => img.complete && img.naturalWidth > 0"), "the figure did not load"
        page.screenshot(path=ZH_SHOTS / "02-figure.png")

        cells = nb.read().cells
        class_i = nb.index_of_grade_id(exercise.answer_cell)
        selfcheck_i = nb.index_of_code("\nself_check(")
        assert "# YOUR CODE HERE\n" in cells[class_i].source  # the Educoder stub is code: never translated
        with stopwatch("run all (zh, stub)"):
            nb.run_all()
        out = nb.output_text(selfcheck_i)
        assert "NotImplementedError" in out, out
        if (REPO / "utils" / "locale" / "zh" / "LC_MESSAGES" / "utils.mo").is_file():
            assert CJK.search(out), out
        nb.show(nb.cell(selfcheck_i))
        page.screenshot(path=ZH_SHOTS / "03-selfcheck-stub.png")

        wrong = without_transpose(reference_answer(METHOD))
        with stopwatch("type the wrong answer (zh)"):
            nb.replace_answer(class_i, wrong)
            nb.save()
        with stopwatch("run all (zh, wrong)"):
            nb.run_all()
        out = nb.output_text(selfcheck_i)
        assert "✓" not in out and slip["title"] in out and squeeze(slip["hint"]) in squeeze(out), out
        assert str(n_cases) in out, out
        nb.show(nb.cell(selfcheck_i))
        page.screenshot(path=ZH_SHOTS / "04-selfcheck-hint.png")

        with stopwatch("validate (zh, wrong)"):
            kind, dialog = nb.validate()
        text = dialog.inner_text()
        page.screenshot(path=ZH_SHOTS / "05-validate.png")
        assert kind == "error" and slip["title"] in text, text
        nb.close_dialog(dialog)
    finally:
        page.close()
    assert not errors, f"JavaScript errors in JupyterLab: {errors}"
