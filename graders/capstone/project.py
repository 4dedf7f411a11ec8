"""The capstone as a project of the course (graders.exercises.project): what build, bundle, grade and
nbgrader's autograde call. ``graders/exercises/cnn_capstone/project.toml`` names this module.

- ``TESTS``: the three graded tests, their points and the grade_ids of their hidden test cells;
- ``source_notebook()``: the nbgrader source notebook (graders.capstone.notebook);
- ``grade(nb, seeds, sandbox)``: the student's regions read from the notebook, graded in the sandbox
  (graders.capstone.grading).
"""
from graders.capstone.grading import POINTS, RUNNER_FILE, TIME_LIMIT, grade_capstone, sandbox_runner
from graders.capstone.notebook import CLASS_CELLS, NOTEBOOK, TEMPLATE, TEST_CELLS, render_capstone_notebook

TESTS = tuple((name, POINTS[key], TEST_CELLS[key]) for key, name in
              (("ConvNet.gradient", "ConvNet.gradient"), ("step", "Momentum.update or Adam.update"),
               ("ConvNet.train", "ConvNet.train")))
RUNNER, TIMEOUT = RUNNER_FILE, TIME_LIMIT
SOURCES = (TEMPLATE,)  # what the notebook is made from besides modules (the bundle rebuilds when it changes)
SELF_CHECK = "errors = network_gradient_errors(tiny, x_tiny, t_tiny)"  # the notebook's check (the bundle's README)


def source_notebook(lang="en"):
    """The nbgrader source notebook, its texts in ``lang`` ("en" or "zh": the template's '%% zh' texts)."""
    return render_capstone_notebook(lang=lang)


def regions():
    """The student's Begin/End regions as graders.exercises.Exercise objects (what
    graders.engine.notebook.find_answer reads a notebook with): ConvNet.gradient, Momentum.update, Adam.update."""
    from graders.exercises import Exercise
    return [Exercise(f"{class_name.lower()}_{method}", f"{class_name}.{method}", class_name, method, NOTEBOOK,
                     grade_id, "", 0.0, (), {}) for class_name, (method, grade_id) in CLASS_CELLS.items()]


def notebook_answers(nb):
    """({"ConvNet.gradient": region text, ...}, {name: note}) of a submitted notebook. A region that cannot be
    found counts as the stub; the note says why (the cell deleted, the Begin/End lines gone)."""
    from graders.engine.notebook import AnswerError, find_answer
    answers, notes = {}, {}
    for region in regions():
        try:
            answer = find_answer(nb, region)
        except AnswerError as exc:
            notes[region.name] = str(exc)
            continue
        answers[region.name] = answer.code
        if answer.note:
            notes[region.name] = answer.note
    return answers, notes


def grade(nb, seeds, sandbox):
    """The results entries of the three tests of a submitted notebook, graded in ``sandbox(RUNNER, TIMEOUT)``."""
    answers, notes = notebook_answers(nb)
    tests = grade_capstone(answers, seeds, sandbox_runner(sandbox(RUNNER, TIMEOUT)))
    entries = []
    for (_, _, grade_id), test in zip(TESTS, tests):
        entry = test.to_dict()
        mine = [note for name, note in notes.items() if name == test.name
                or (test.name == "ConvNet.train" and name == "ConvNet.gradient")]
        if mine:
            entry["feedback"] = "\n".join(f"Note: {note}" for note in mine) + "\n" + entry["feedback"]
        entry.update(test_cell=grade_id, notes=mine)
        entries.append(entry)
    return entries
