"""Taking a student's answer out of a notebook (graders.engine.notebook): no code of theirs runs here.

The oracle is the text we put into each notebook: the extraction must give it back exactly, or
say in words a student can act on why it cannot.
"""
import json

import nbformat
import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

import solutions.layers
from engine_helpers import BEGIN, CONV, END, POOL, reference_body, splice
from repo_course import EXERCISES
from graders.core.cases import random_cases
from graders.exercises import method_regions
from graders.engine.notebook import (AnswerError, NotebookError, class_template, exercises_in, extract_answers, find_answer,
                              read_notebook, splice_answer)
from graders.core.runner import run_case
from graders.core.seeds import public_seeds
from utils import col2im, im2col

STUB = f"        {BEGIN}\n        # YOUR CODE HERE\n        raise NotImplementedError()\n        {END}"


def class_cell(exercise, body=None):
    """The class cell as released (the stub between Begin and End), or with body spliced in."""
    template = class_template(exercise).rstrip("\n").split("\n")
    begin = next(i for i, line in enumerate(template) if line.strip() == BEGIN)
    released = "\n".join(template[:begin] + STUB.split("\n") + template[begin + 2:])
    return released if body is None else splice(released, body)


def meta(grade_id, **flags):
    return {"nbgrader": {"grade_id": grade_id, "grade": False, "solution": False, "locked": False,
                         "schema_version": 3, **flags}}


def notebook(exercise, body=None, class_source=None, answer_id=None):
    """A notebook laid out like the release: intro, imports, the class cell, the hidden test cell."""
    return new_notebook(cells=[
        new_markdown_cell("# Level", metadata=meta("intro", locked=True)),
        new_code_cell("import numpy as np\nfrom utils import col2im, im2col", metadata=meta("imports", locked=True)),
        new_code_cell(class_source or class_cell(exercise, body),
                      metadata=meta(answer_id or exercise.answer_cell, solution=True)),
        new_code_cell("run_hidden_test(...)", metadata=meta(exercise.test_cell, grade=True, points=5)),
    ])


def as_bytes(nb):
    return nbformat.writes(nb).encode()


BODY = "        dx = np.zeros_like(self.x)\n        # a comment\n\n        return dx"


@pytest.mark.parametrize("exercise", [CONV, POOL])
def test_answer_is_the_text_between_begin_and_end(tmp_path, exercise):
    path = tmp_path / f"{exercise.notebook}.ipynb"
    nbformat.write(notebook(exercise, BODY), path)
    # The engine asks for the submission's assignment's exercises: conv_pool_forward's Convolution.forward
    # shares the class cell, and its given (unmarked) forward is not an answer here.
    assert extract_answers(path, list(EXERCISES.values())) == {exercise.name: BODY}
    answer = find_answer(read_notebook(path), exercise)
    assert answer.code == BODY and answer.note is None and not answer.whole_body
    cell_lines = class_cell(exercise, BODY).split("\n")
    assert cell_lines[answer.cell_line - 1] == BODY.split("\n")[0]  # cell_line points at the first line
    assert cell_lines[answer.cell_line - 2].strip() == BEGIN


def test_the_released_stub_is_an_answer_too():
    answer = find_answer(read_notebook(as_bytes(notebook(POOL))), POOL)
    assert answer.code == "        # YOUR CODE HERE\n        raise NotImplementedError()"


def test_source_stored_as_a_list_of_lines():
    nb = json.loads(nbformat.writes(notebook(POOL, BODY)))  # Jupyter stores lines as a list
    assert isinstance(nb["cells"][2]["source"], list)
    assert extract_answers_from_bytes(json.dumps(nb).encode()) == {POOL.name: BODY}


def extract_answers_from_bytes(data):
    nb = read_notebook(data)
    return {ex.name: find_answer(nb, ex).code for ex in exercises_in(nb, list(EXERCISES.values()))}


def test_the_last_answer_cell_wins_when_the_cell_was_duplicated():
    nb = notebook(POOL, "        return 1")
    nb.cells.insert(3, new_code_cell(class_cell(POOL, "        return 2"), metadata=meta(POOL.answer_cell)))
    assert find_answer(read_notebook(as_bytes(nb)), POOL).code == "        return 2"


def test_answer_found_by_its_class_when_the_grade_id_is_gone():
    nb = notebook(CONV, BODY, answer_id="my_own_cell")
    answer = find_answer(read_notebook(as_bytes(nb)), CONV)
    assert answer.code == BODY
    assert "convolution_class" in answer.note and "class Convolution" in answer.note


def test_metadata_stripped_entirely():
    nb = notebook(POOL, BODY)
    for cell in nb.cells:
        cell.metadata = {}
    assert find_answer(read_notebook(as_bytes(nb)), POOL).code == BODY


def test_class_renamed_in_the_answer_cell_still_gives_the_region():
    source = class_cell(POOL, BODY).replace("class MaxPool", "class MyPool")
    assert find_answer(read_notebook(as_bytes(notebook(POOL, class_source=source))), POOL).code == BODY


def test_answer_cell_deleted():
    nb = notebook(CONV, BODY)
    del nb.cells[2]
    with pytest.raises(AnswerError, match="class Convolution.*missing"):
        find_answer(read_notebook(as_bytes(nb)), CONV)


def test_class_renamed_and_grade_id_gone():
    source = class_cell(CONV, BODY).replace("class Convolution", "class Conv")
    with pytest.raises(AnswerError, match="class Convolution"):
        find_answer(read_notebook(as_bytes(notebook(CONV, class_source=source, answer_id="x"))), CONV)


def test_markers_deleted_grades_the_whole_method_body():
    lines = class_cell(POOL, reference_body(POOL)).split("\n")
    without = "\n".join(line for line in lines if line.strip() not in (BEGIN, END))
    answer = find_answer(read_notebook(as_bytes(notebook(POOL, class_source=without))), POOL)
    assert answer.whole_body and "Begin/End lines" in answer.note
    # The body (docstring included) makes a class that computes what the reference computes.
    source, _ = splice_answer(class_template(POOL), answer)
    assert_same_as_reference(POOL, source)


def test_markers_and_method_deleted():
    source = "class MaxPool:\n    def forward(self, x):\n        return x\n"
    with pytest.raises(AnswerError, match="neither the .*Begin.* nor a `def backward`"):
        find_answer(read_notebook(as_bytes(notebook(POOL, class_source=source))), POOL)


@pytest.mark.parametrize("data, words", [
    (b"", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "not UTF-8"),
    (b'{"cells": [{"cell_type": "code", "source": "x = ', "JSON is broken"),
    (b"[1, 2, 3]", "not a Jupyter notebook"),
    (b'{"hello": "world"}', "not a Jupyter notebook"),
    (b'{"nbformat": 4, "cells": [{"cell_type": "code", "source": 5}]}', "not a valid notebook"),
])
def test_files_that_are_not_notebooks(data, words):
    with pytest.raises(NotebookError, match=words):
        read_notebook(data, "conv_backward.ipynb")


def test_missing_file(tmp_path):
    with pytest.raises(NotebookError, match="could not be read"):
        read_notebook(tmp_path / "nothing.ipynb")


def test_old_notebook_format_is_converted_by_nbformat():
    v3 = nbformat.v3.new_notebook(worksheets=[nbformat.v3.new_worksheet(cells=[
        nbformat.v3.new_code_cell(input=class_cell(POOL, BODY))])])
    nb = read_notebook(nbformat.writes(v3, version=3).encode())
    assert find_answer(nb, POOL).code == BODY


@pytest.mark.parametrize("exercise", [CONV, POOL])
def test_template_holds_no_solution(exercise):
    import inspect
    template = class_template(exercise).rstrip("\n").split("\n")
    reference = inspect.getsource(getattr(solutions.layers, exercise.class_name)).rstrip("\n").split("\n")
    answer = reference_body(exercise).split("\n")
    # The template is the reference class with exactly the answer's lines taken out, and the markers of
    # the other methods' regions (code given to the student) dropped.
    regions = method_regions(reference)
    begin, end = regions[exercise.method]
    assert reference[begin + 1:end] == answer
    given = {line for method, (b, e) in regions.items() if method != exercise.method for line in (b, e)}
    expected = [line for i, line in enumerate(reference) if i not in given and not begin < i < end]
    assert template == expected
    assert template[expected.index(reference[begin]) + 1].strip() == END


def assert_same_as_reference(exercise, source):
    """Define the class from source (trusted test code) and compare it with the reference on cases."""
    namespace = {"np": np, "im2col": im2col, "col2im": col2im}
    exec(compile(source, "<spliced>", "exec"), namespace)
    cls = namespace[exercise.class_name]
    reference = getattr(solutions.layers, exercise.class_name)
    for case in random_cases(exercise.name, public_seeds("test"))[:3]:
        got = run_case(cls, exercise.plan, case.params, case.inputs)
        want = run_case(reference, exercise.plan, case.params, case.inputs)
        for name in exercise.outputs:
            np.testing.assert_array_equal(got[name], want[name])


@pytest.mark.parametrize("exercise", [CONV, POOL])
def test_splicing_the_reference_answer_gives_the_reference(exercise):
    nb = read_notebook(as_bytes(notebook(exercise, reference_body(exercise))))
    answer = find_answer(nb, exercise)
    source, region = splice_answer(class_template(exercise), answer)
    assert_same_as_reference(exercise, source)
    lines = source.split("\n")
    student = lines[region["start"] - 1:region["end"] - 1]
    assert "\n".join(student) == reference_body(exercise)
    assert region["cell_line"] == answer.cell_line


def test_only_the_region_is_taken_from_the_student():
    # A student who also rewrote forward (here: to store nothing) is graded with the given forward.
    source = class_cell(POOL, reference_body(POOL)).replace("self.arg_max = arg_max", "pass")
    answer = find_answer(read_notebook(as_bytes(notebook(POOL, class_source=source))), POOL)
    spliced, _ = splice_answer(class_template(POOL), answer)
    assert "self.arg_max = arg_max" in spliced
    assert_same_as_reference(POOL, spliced)
