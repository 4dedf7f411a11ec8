"""What the channels-last exercises (tf_pooling, nhwc_conv) need of the platform, beyond the catalogue tests.

- a case's params may be strings, booleans and arrays (padding="SAME", ksize=[2, 3]);
- a built-in reference class lives in whichever solutions module defines it;
- a class with two graded methods (Conv2D.backward, Conv2D.backward_flipped): the engine grades the
  Begin/End region of the exercise's own method.
The mistakes and sample answers of these folders are tested with every other folder's (tests/test_mistakes.py).
"""
import nbformat
import pytest

from graders.engine.notebook import find_answer
from graders.exercises import EDUCODER_BEGIN, EDUCODER_END, ExerciseFormatError, builtin_folders, get_exercise
from graders.exercises.spec_files import read_cases

FOLDERS = builtin_folders()


@pytest.mark.parametrize("folder, module", [
    ("tf_avgpool_backward", "tf_pooling.py"), ("tf_argmax_backward", "tf_pooling.py"),
    ("tf_maxpool3d_backward", "tf_pooling.py"), ("nhwc_conv_backward_flipped", "nhwc_conv.py"),
    ("conv_backward", "layers.py"),
])
def test_the_reference_file_is_the_module_that_defines_the_class(folder, module):
    exercise = FOLDERS[folder]
    assert exercise.reference_file.name == module
    assert f"class {exercise.spec['class']}:" in exercise.reference_source.splitlines()[0]
    assert exercise.reference_class.__name__ == exercise.spec["class"]


def test_params_may_be_strings_booleans_and_arrays():
    cases = FOLDERS["tf_argmax_backward"].cases
    params = {name: value for case in cases for name, value in case.params.items()}
    assert isinstance(params["padding"], str) and isinstance(params["include_batch_in_index"], bool)
    assert isinstance(params["ksize"], list)
    assert "ksize [2, 2], strides [2, 2], VALID" in cases[2].setting


def test_a_param_that_is_a_table_is_refused_naming_the_case(tmp_path):
    (tmp_path / "cases.toml").write_text('[[case]]\nname = "bad"\ndescription = "d"\n'
                                         'params = { ksize = { h = 2 } }\ninputs = { x = [1, 2] }\n')
    with pytest.raises(ExerciseFormatError, match=r"cases.toml: case 'bad': params: must be a table of numbers, "
                                                  r"strings, booleans or arrays of numbers"):
        read_cases(tmp_path / "cases.toml")


def conv2d_notebook(backward_body, flipped_body):
    """A notebook whose Conv2D cell answers both methods, each between its own Begin and End lines."""
    source = "\n".join([
        "class Conv2D:",
        "    def forward(self, x):",
        "        return x",
        "",
        "    def backward(self, dout):",
        f"        {EDUCODER_BEGIN}",
        f"        {backward_body}",
        f"        {EDUCODER_END}",
        "",
        "    def backward_flipped(self, dout):",
        f"        {EDUCODER_BEGIN}",
        f"        {flipped_body}",
        f"        {EDUCODER_END}",
    ])
    cell = nbformat.v4.new_code_cell(source, metadata={"nbgrader": {"grade_id": "conv2d_class"}})
    return nbformat.v4.new_notebook(cells=[cell])


def test_each_method_of_a_class_is_graded_from_its_own_region():
    nb = conv2d_notebook("return 'level 1'", "return 'level 2'")
    assert find_answer(nb, get_exercise("Conv2D.backward")).code.strip() == "return 'level 1'"
    assert find_answer(nb, get_exercise("Conv2D.backward_flipped")).code.strip() == "return 'level 2'"


def test_a_method_whose_region_was_deleted_is_graded_from_its_body_not_from_the_other_region():
    nb = conv2d_notebook("return 'level 1'", "return 'level 2'")
    lines = nb.cells[0].source.split("\n")
    nb.cells[0].source = "\n".join(lines[:10] + lines[11:12])  # backward_flipped without its Begin/End lines
    answer = find_answer(nb, get_exercise("Conv2D.backward_flipped"))
    assert answer.code.strip() == "return 'level 2'" and answer.whole_body
