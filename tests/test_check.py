"""check / grade_case / MethodReport / compare_outputs / scoring: the grading API.

Oracles: hand-built arrays whose errors are known by construction, hand-computed scores, and
tests/oracles.py's loop implementations (never the code under test).
"""
import io
import json

import numpy as np
import pytest

import oracles
from graders.core.cases import random_cases
from graders.core.check import MethodReport, check, grade_case, grade_cases, reference_outputs, report_error
from graders.core.compare import ATOL, compare_outputs
from graders.core.mistakes import get_mistake
from graders.core.runner import run_case
from graders.core.scoring import method_passed, method_score
from graders.core.seeds import course_seeds
from graders.exercises import get_exercise
from solutions import Convolution, MaxPool
from utils import col2im
from utils.checking import describe_exception

SEEDS = course_seeds("test secret", "alice", "conv_pool_backward")
REFERENCE = {"Convolution.backward": Convolution, "MaxPool.backward": MaxPool}


# ---------------------------------------------------------------- scoring

@pytest.mark.parametrize("points, passed, total, expected", [
    (5, 8, 8, 5.0), (5, 0, 8, 0.0), (5, 7, 8, 4.38), (5, 1, 8, 0.63), (5, 3, 8, 1.88), (5, 5, 8, 3.13),
    (5, 1, 3, 1.67), (5, 2, 3, 3.33), (2.5, 1, 8, 0.31), (1, 1, 200, 0.01), (1, 1, 400, 0.0)])
def test_score_is_points_times_fraction_rounded_half_up(points, passed, total, expected):
    assert method_score(points, passed, total) == expected


def test_scoring_rejects_impossible_counts():
    with pytest.raises(ValueError, match="total_cases"):
        method_score(5, 0, 0)
    with pytest.raises(ValueError, match="passed_cases"):
        method_score(5, 9, 8)
    assert method_passed(8, 8) and not method_passed(7, 8) and not method_passed(0, 0)


# ---------------------------------------------------------------- compare_outputs

def compare(student, reference):
    """compare_outputs as the convolution's exercise words it (dx returned by backward, self.dW, self.db)."""
    from repo_course import EXERCISES
    return compare_outputs(student, reference, ATOL, EXERCISES["Convolution.backward"].plan["outputs"])


def test_values_within_tolerance_pass_and_the_largest_error_is_located():
    expected = np.zeros((2, 3, 4, 5))
    got = expected.copy()
    got[1, 2, 3, 4] = 0.99e-5
    [result] = compare({"dx": got}, {"dx": expected})
    assert result.passed and result.n_wrong == 0 and result.worst_index == (1, 2, 3, 4)

    got[0, 1, 2, 3] = -0.5
    got[1, 0, 0, 0] = 1.1e-5
    [result] = compare({"dx": got}, {"dx": expected})
    assert not result.passed
    assert (result.n_wrong, result.n_total, result.worst_index, result.max_abs_error) == (2, 120, (0, 1, 2, 3), 0.5)
    assert "2 of 120 values are off by more than 1e-05" in result.message
    assert "0.5 at index (0, 1, 2, 3) (yours -0.5, expected 0)" in result.message


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_and_inf_never_pass(bad):
    expected = np.ones((3, 4))
    got = expected.copy()
    got[2, 1] = bad
    [result] = compare({"dx": got}, {"dx": expected})
    assert not result.passed and result.n_wrong == 1 and result.worst_index == (2, 1)
    assert "NaN or inf" in result.message and "index (2, 1)" in result.message
    assert result.to_dict()["max_abs_error"] is None  # JSON has no inf
    json.dumps(result.to_dict(), allow_nan=False)


@pytest.mark.parametrize("value, words", [
    (None, "backward returned None instead of dx"),
    ([[1.0, 2.0]], "dx is a list; expected a numpy array of shape (2, 3, 4, 5) (the shape of x)"),
    ("dx", "dx is a str"),
    ((np.zeros((2, 3, 4, 5)), 1), "backward returned a tuple of 2 items; it must return dx alone"),
    (np.float64(1.0), "dx is a single float64 number"),
    (np.zeros((2, 3, 5, 4)), "dx has shape (2, 3, 5, 4); expected (2, 3, 4, 5) (the shape of x). It has the right "
                             "number of elements: a reshape or transpose is off."),
    (np.zeros((2, 3, 4)), "dx has shape (2, 3, 4); expected (2, 3, 4, 5)"),
    (np.zeros((2, 3, 4, 5), dtype=bool), "dx has dtype bool; expected float64"),
    (np.zeros((2, 3, 4, 5), dtype=complex), "dx has dtype complex128; expected float64"),
])
def test_types_and_shapes_are_checked_before_values(value, words):
    [result] = compare({"dx": value}, {"dx": np.zeros((2, 3, 4, 5))})
    assert not result.passed and words in result.message
    assert result.max_abs_error is None and result.n_wrong is None and result.n_total == 120


@pytest.mark.parametrize("dtype", [np.float32, np.int64])
def test_values_decide_a_float32_result_within_the_tolerance_passes_with_a_note(dtype):
    rng = np.random.default_rng(3)
    expected = rng.integers(-3, 3, (2, 3, 4, 5)).astype(np.float64) + rng.standard_normal((2, 3, 4, 5)) * (
        dtype is np.float32)
    [result] = compare({"dx": expected.astype(dtype)}, {"dx": expected})
    assert result.passed and "dtype" in result.note and "float64" in result.note
    wrong = expected.astype(dtype)
    wrong[0, 0, 0, 0] += 1
    [result] = compare({"dx": wrong}, {"dx": expected})
    assert not result.passed and result.n_wrong == 1 and result.note


def test_missing_attributes_are_named():
    results = compare({"dx": np.zeros(3)}, {"dx": np.zeros(3), "dW": np.zeros((2, 2)), "db": np.zeros(2)})
    assert [r.passed for r in results] == [True, False, False]
    assert "self.dW is None: backward must store its result in self.dW" in results[1].message
    assert "self.db is None" in results[2].message


# ---------------------------------------------------------------- check

@pytest.mark.parametrize("method", list(REFERENCE))
def test_the_reference_gets_full_marks_with_short_feedback(method):
    report = check(method, REFERENCE[method], SEEDS)
    assert (report.score, report.max_score, report.passed) == (5.0, 5.0, True)
    assert report.feedback == "All 8 cases passed."
    entry = report.to_dict()
    assert list(entry)[:5] == ["name", "score", "max_score", "passed", "feedback"]
    assert entry["name"] == method and len(entry["cases"]) == 8 and entry["diagnosis"] == []
    assert all(case["passed"] and case["error"] is None for case in entry["cases"])
    json.dumps(entry, allow_nan=False)


def test_partial_credit_and_the_feedback_of_a_failing_method():
    report = check("Convolution.backward", get_mistake("conv_overwrite").cls, SEEDS)
    passed = [case.name for case in report.cases if case.passed]
    assert sorted(passed) == ["one_by_one", "stride_over_filter"]  # the two cases without overlapping windows
    assert report.score == method_score(5, 2, 8) == 1.25 and not report.passed
    feedback = report.feedback
    assert feedback.startswith("2 of 8 cases passed: 1.25 of 5 points.")
    assert "✗ overlap: 3x3 filter, stride 1: windows overlap" in feedback
    assert "self.dW and self.db are correct." in feedback
    assert "✓ passed: stride_over_filter, one_by_one" in feedback
    assert "Likely mistake: overlapping windows overwritten instead of summed (in 6 cases)" in feedback
    entry = report.to_dict()
    assert entry["diagnosis"][0]["name"] == "conv_overwrite"
    overlap = entry["cases"][0]
    assert overlap["name"] == "overlap" and not overlap["passed"]
    assert [o["passed"] for o in overlap["outputs"]] == [False, True, True]
    assert overlap["outputs"][0]["n_wrong"] > 0 and len(overlap["outputs"][0]["worst_index"]) == 4
    json.dumps(entry, allow_nan=False)


def test_grading_is_deterministic():
    first = check("MaxPool.backward", get_mistake("pool_all_ties").cls, SEEDS).to_dict()
    again = check("MaxPool.backward", get_mistake("pool_all_ties").cls, SEEDS).to_dict()
    assert first == again


class MutatingConvolution(Convolution):
    """Correct gradients, then scribbles over every array it was given."""

    def forward(self, x):
        out = super().forward(x)
        self.b += 1.0  # after forward used it: the output stays right
        return out

    def backward(self, dout):
        self.b -= 1.0
        dx = super().backward(dout.copy())
        dout *= -7.0
        self.x[...] = 1e6
        self.W[...] = -1e6
        return dx


class MutatingMaxPool(MaxPool):
    def backward(self, dout):
        dx = super().backward(dout.copy())
        dout[...] = 0.0
        self.x[...] = 3.0
        return dx


@pytest.mark.parametrize("method, cls", [("Convolution.backward", MutatingConvolution),
                                         ("MaxPool.backward", MutatingMaxPool)])
def test_a_student_who_mutates_inputs_cannot_corrupt_the_reference(method, cls):
    cases = random_cases(method, SEEDS)
    pristine = [{name: value.copy() for name, value in case.inputs.items()} for case in cases]
    produced = [run_case(cls, get_exercise(method).plan, case.params, case.inputs) for case in cases]
    for case, before in zip(cases, pristine):
        assert all(np.array_equal(case.inputs[name], before[name]) for name in before)
    report = grade_cases(method, cases, produced)
    assert report.passed and report.score == 5.0
    # the reference still computes the definition's gradients on these very inputs
    for case in cases:
        reference = reference_outputs(method, case)
        if method == "Convolution.backward":
            i = case.inputs
            expected = oracles.conv_backward(i["x"], i["W"], i["dout"], case.params["stride"], case.params["pad"])[0]
        else:
            p = case.params
            expected = oracles.max_pool_backward(case.inputs["x"], case.inputs["dout"], p["pool_h"], p["pool_w"],
                                                 p["stride"], p["pad"])
        np.testing.assert_allclose(reference["dx"], expected, rtol=0, atol=1e-12)
    assert check(method, cls, SEEDS).passed


STUDENT_CELL = '''\
import numpy as np


class MaxPool:
    def __init__(self, pool_h, pool_w, stride=1, pad=0):
        self.pool_h, self.pool_w, self.stride, self.pad = pool_h, pool_w, stride, pad

    def forward(self, x):
        self.x = x
        return x

    def backward(self, dout):
        scale = self.helper(dout)
        return dout * scale

    def helper(self, dout):
        return dout[99, 99]
'''


def test_exceptions_are_reported_with_the_students_own_lines(tmp_path):
    path = tmp_path / "cell.py"
    path.write_text(STUDENT_CELL)
    namespace = {}
    exec(compile(STUDENT_CELL, str(path), "exec"), namespace)
    report = check("MaxPool.backward", namespace["MaxPool"], SEEDS)
    assert report.score == 0.0 and not report.passed
    error = report.cases[0].error
    assert error.startswith("your code raised IndexError: index 99 is out of bounds")
    assert "line 13, in backward: scale = self.helper(dout)" in error
    assert "line 17, in helper: return dout[99, 99]" in error
    assert "checking.py" not in error and "site-packages" not in error
    feedback = report.feedback
    assert feedback.count("your code raised IndexError: index 99") == 1  # the messages differ in sizes only
    # shown once, with its lines; the other cases refer to where it was shown
    assert feedback.count("line 17, in helper: return dout[99, 99]") == 1
    assert feedback.count("the same error as in overlap (your code raised IndexError).") == 7
    assert "again" not in feedback


class FailsLate(MaxPool):
    """Right on the first cases, then a different error on each later one (an error never shown before)."""

    def backward(self, dout):
        if self.x.shape == (2, 3, 8, 6):  # size_not_divisible: the 5th case
            raise KeyError("only here")
        if self.x.shape == (3, 2, 7, 8):  # stride_over_window: the 6th
            return [1, 2]
        return dout.sum() * np.ones(self.x.shape)


def test_an_error_after_the_detailed_cases_is_shown_in_full_once():
    feedback = check("MaxPool.backward", FailsLate, SEEDS).feedback
    assert "again" not in feedback
    assert feedback.count("your code raised KeyError: 'only here'") == 1
    assert "in backward: raise KeyError" in feedback


@pytest.mark.parametrize("student_cls, words", [
    (None, "expected the class MaxPool, got None"),
    (type("MaxPool", (MaxPool,), {"backward": lambda self, dout: exit(3)}), "SystemExit: 3"),
])
def test_check_never_raises_because_of_the_student(student_cls, words):
    report = check("MaxPool.backward", student_cls, SEEDS)
    assert report.score == 0.0 and words in report.feedback


def test_the_stub_gets_a_plain_message_and_no_diagnosis():
    stub = type("Convolution", (Convolution,), {"backward": lambda self, dout: (_ for _ in ()).throw(
        NotImplementedError())})
    report = check("Convolution.backward", stub, SEEDS)
    assert report.score == 0 and report.diagnosis == []
    assert "The exercise is not answered yet" in report.feedback


def test_engine_path_outputs_from_a_sandbox_grade_like_check(tmp_path):
    """Arrays that went through np.save/np.load (the sandbox's pipe) grade exactly like in-process ones."""
    method, cls = "MaxPool.backward", get_mistake("pool_last_tie").cls
    cases = random_cases(method, SEEDS)
    produced = []
    for case in cases:
        buffer = io.BytesIO()
        np.save(buffer, run_case(cls, get_exercise(method).plan, case.params, case.inputs)["dx"], allow_pickle=False)
        buffer.seek(0)
        produced.append({"dx": np.load(buffer, allow_pickle=False)})
    assert grade_cases(method, cases, produced).to_dict() == check(method, cls, SEEDS).to_dict()


def test_grader_messages_and_missing_outputs():
    case = random_cases("Convolution.backward", SEEDS)[0]
    result = grade_case("Convolution.backward", case, error="time limit exceeded (10 s): is there an endless loop?")
    assert not result.passed and result.diagnosis == [] and result.outputs == []
    assert "time limit exceeded" in "\n".join(result.to_dict()["error"].splitlines())
    with pytest.raises(ValueError, match="outputs or the error"):
        grade_case("Convolution.backward", case)
    result = grade_case("Convolution.backward", case, outputs={})  # nothing came back
    assert not result.passed and "backward returned None" in result.outputs[0].message


def test_report_error_fails_every_case_with_one_message():
    report = report_error("MaxPool.backward", "SyntaxError in your MaxPool cell, line 3: invalid syntax")
    assert (report.score, report.max_score, report.passed, len(report.cases)) == (0.0, 5.0, False, 8)
    assert report.feedback.splitlines()[:2] == [
        "0 of 8 cases passed: 0 of 5 points.",
        "Every failing case: SyntaxError in your MaxPool cell, line 3: invalid syntax"]
    json.dumps(report.to_dict(), allow_nan=False)


def test_from_cases_scores_a_mixed_result():
    cases = check("MaxPool.backward", get_mistake("pool_pad_ignored").cls, SEEDS).cases
    report = MethodReport.from_cases("MaxPool.backward", cases)
    n = sum(case.passed for case in cases)
    assert n == 6 and report.score == 3.75 and not report.passed


def test_describe_exception_without_a_class_gives_the_summary_only():
    try:
        raise KeyError("W")
    except KeyError as exc:
        assert describe_exception(exc) == "your code raised KeyError: 'W'"


def test_match_mistakes_needs_the_whole_error_and_stops_early():
    from utils.checking import Candidate, match_mistakes
    wrong = Candidate("wrong", {}, "ValueError: shapes (2,3)")
    right = Candidate("right", {}, "ValueError: shapes (2,3) and (4,5) not aligned")
    text = "your code raised ValueError: shapes (2,3) and (4,5) not aligned\n  line 3, in backward: a @ b"
    assert match_mistakes(None, [], [wrong, right], student_error=text, atol=ATOL) == ["right"]
    assert match_mistakes(None, [], [right], student_error="your code raised NotImplementedError", atol=ATOL) == []

    dx = np.arange(6.0)
    consumed = []

    def candidates():
        for name, differs in [("other", {"db": np.zeros(2)}), ("dx_one", {"dx": dx + 1e-6}),
                              ("never", {"dx": dx})]:
            consumed.append(name)
            yield Candidate(name, differs)

    assert match_mistakes({"dx": dx}, ["dx"], candidates(), atol=ATOL) == ["dx_one"]
    assert consumed == ["other", "dx_one"]  # lazy: the third mistake never ran


# ---------------------------------------------------------------- determinism

class ChangesEveryRun(MaxPool):
    """Right the first time, then off by a little more on every later layer: state kept between layers."""
    calls = 0

    def backward(self, dout):
        ChangesEveryRun.calls += 1
        dx = MaxPool.backward(self, dout)
        return dx + 1e-3 * (ChangesEveryRun.calls % 2)


def test_an_output_that_changes_between_two_identical_runs_fails_the_case():
    report = check("MaxPool.backward", ChangesEveryRun, SEEDS)
    assert report.score == 0.0
    assert all(case.error.startswith("your code gave different results on two runs") for case in report.cases)
    assert "reads memory it does not own" in report.feedback
    assert report.feedback.count("Regrading would then give another score") == 1


class ReadsPastTheEnd(MaxPool):
    """dcol read through as_strided with a row stride one number too long: the last rows run past dmax's end."""

    def backward(self, dout):
        from numpy.lib.stride_tricks import as_strided
        dout = dout.transpose(0, 2, 3, 1)
        pool_size = self.pool_h * self.pool_w
        dmax = np.zeros((dout.size, pool_size))
        dmax[np.arange(self.arg_max.size), self.arg_max] = dout.flatten()
        N, out_h, out_w, C = dout.shape
        dcol = as_strided(dmax, shape=(N * out_h * out_w, C * pool_size),
                          strides=((C * pool_size + 1) * dmax.itemsize, dmax.itemsize))
        return col2im(dcol.copy(), self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)


def test_reading_past_the_end_never_scores_full_marks_and_the_runner_runs_twice():
    report = check("MaxPool.backward", ReadsPastTheEnd, SEEDS)
    assert not report.passed and report.score < 5.0
    calls = []

    class Counted(MaxPool):
        def backward(self, dout):
            calls.append(1)
            return MaxPool.backward(self, dout)

    run_case(Counted, get_exercise("MaxPool.backward").plan, {"pool_h": 2, "pool_w": 2, "stride": 2, "pad": 0},
             {"x": np.ones((1, 1, 2, 2)), "dout": np.ones((1, 1, 1, 1))})
    assert len(calls) == 2
