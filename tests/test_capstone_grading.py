"""Grading the capstone: right answers get every point, classic wrong ones lose them where they are wrong.

Most tests run the submission in this process (the same runner the sandbox loads), to keep them quick;
one runs a whole submission through the real sandbox.
"""
import numpy as np
import pytest

from graders.capstone import grading, runner
from graders.capstone.grading import reference_answers
from graders.core.seeds import course_seeds
from graders.engine.sandbox import CaseOutcome

SEEDS = course_seeds("a-test-secret", "alice", "cnn_capstone")


def in_process(source, cases):
    """run_cases without the sandbox: the source runs here, with what the notebook gives the class cell."""
    from utils import col2im, im2col
    namespace = {"np": np, "im2col": im2col, "col2im": col2im, "__name__": "__submission__"}
    exec(compile(source, "<capstone answer>", "exec"), namespace)
    submission = namespace["CapstoneSubmission"]
    outcomes = []
    for case in cases:
        try:
            with np.errstate(all="ignore"):  # as in the sandbox: a diverging answer's overflows are its own
                outputs = runner.run_case(submission, case.kind, case.params, case.inputs)
            outcomes.append(CaseOutcome(outputs=outputs))
        except Exception as exc:
            outcomes.append(CaseOutcome(error=f"your code raised {type(exc).__name__}: {exc}"))
    return outcomes


@pytest.fixture(scope="module")
def digits():
    from utils.digits import load_digits_split
    return load_digits_split()


@pytest.fixture(scope="module")
def right_grade(digits):
    return grading.grade_capstone(reference_answers(), SEEDS, in_process, digits)


def test_the_right_answers_get_every_point(right_grade):
    gradient, step, training = right_grade
    assert [t.name for t in right_grade] == ["ConvNet.gradient", "Momentum.update", "ConvNet.train"]
    assert all(t.passed and t.score == t.max_score for t in right_grade), [t.feedback for t in right_grade]
    assert sum(t.max_score for t in right_grade) == 10
    assert step.details["chosen"] == "Momentum" and step.details["other"]["score"] == 3.0
    assert training.details["accuracy"] >= grading.TRAINING["threshold"]


def test_reference_answers_are_the_regions_of_solutions():
    answers = reference_answers()
    assert answers["ConvNet.gradient"].strip().startswith("# Forward first")
    assert answers["Adam.update"].rstrip().endswith("# in place")
    assert "########## Begin" not in "".join(answers.values())


def test_submission_source_splices_the_answers_and_keeps_the_reference_answers_out():
    answers = {"ConvNet.gradient": "        return 'mine'", "Momentum.update": "pass", "Adam.update": ""}
    source = grading.submission_source(answers)
    assert "return 'mine'" in source
    assert "raise NotImplementedError()" in source  # Adam: an empty answer is the stub
    for line in ("self.loss(x, t)", "self.v[key] = self.momentum * self.v[key] - self.lr * grads[key]",
                 "m_hat = self.m[key] / (1 - self.beta1 ** self.t)"):
        assert line not in source


def test_a_gradient_that_skips_the_relus_loses_the_gradient_points(digits):
    answers = reference_answers()
    answers["ConvNet.gradient"] = answers["ConvNet.gradient"].replace(
        "for layer in reversed(list(self.layers.values())):",
        "for layer in reversed([l for l in self.layers.values() if type(l).__name__ != 'ReLU']):")
    gradient = grading.grade_capstone(answers, SEEDS, in_process, digits)[0]
    assert gradient.score == 0 and not gradient.passed
    verdicts = {output.name: output.passed for output in gradient.cases[0].outputs}
    assert verdicts == {"W1": False, "b1": False, "W2": False, "b2": False, "W3": True, "b3": True}  # after the ReLUs
    assert "W1: 27 of 27 values are off" in gradient.feedback


def test_a_momentum_that_rebinds_params_is_told_so_and_adam_is_graded_instead(digits):
    answers = reference_answers()
    answers["Momentum.update"] = answers["Momentum.update"].replace(
        "params[key] += self.v[key]", "params[key] = params[key] + self.v[key]")
    _, step, training = grading.grade_capstone(answers, SEEDS, in_process, digits)
    assert step.name == "Adam.update" and step.score == step.max_score
    assert step.details["other"] == {"name": "Momentum.update", "score": 0.0}
    assert training.details["optimizer"] == "Adam" and training.passed


def test_the_rebinding_note_reaches_the_student():
    answers = reference_answers()
    answers["Momentum.update"] = answers["Momentum.update"].replace(
        "params[key] += self.v[key]", "params[key] = params[key] + self.v[key]")
    answers["Adam.update"] = ""
    source = grading.submission_source(answers)
    optimizer, kind = "Momentum", "Momentum.update"
    params, inputs = grading.update_case_data(optimizer, {}, np.random.default_rng(0))
    from graders.engine.sandbox import SandboxCase
    outcome = in_process(source, [SandboxCase(kind, params, inputs)])[0]
    expected = runner.run_case(grading.reference_submission(), kind, params, inputs)
    starts = {key: inputs[f"p_{key}"] for key in grading.UPDATE_SHAPES}
    case = grading._case_result("default", "", "", outcome, expected, notes=[grading._unchanged_note(outcome, starts)])
    assert not case.passed
    assert "change it in place" in case.outputs[0].message


def test_adam_without_bias_correction_fails_and_an_unwritten_network_fails_training(digits):
    answers = {"Adam.update": reference_answers()["Adam.update"].replace(
        "m_hat = self.m[key] / (1 - self.beta1 ** self.t)", "m_hat = self.m[key]").replace(
        "v_hat = self.v[key] / (1 - self.beta2 ** self.t)", "v_hat = self.v[key]")}
    gradient, step, training = grading.grade_capstone(answers, SEEDS, in_process, digits)
    assert gradient.score == 0 and "NotImplementedError" in gradient.feedback
    assert step.score == 0 and not step.passed
    assert training.score == 0 and "NotImplementedError" in training.feedback


def test_a_network_that_does_not_learn_falls_short_with_its_accuracy(digits):
    answers = reference_answers()
    # Steps of almost nothing: the update is right in form, the learning rate 1000x too small.
    answers["Momentum.update"] = answers["Momentum.update"].replace("self.lr * grads[key]",
                                                                    "self.lr * 1e-3 * grads[key]")
    source = grading.submission_source(answers)
    training = grading.grade_training(source, "Momentum", in_process, digits)
    assert not training.passed and training.score == 0
    assert training.details["accuracy"] < 0.9
    assert "fell short of the 95% needed" in training.feedback


@pytest.mark.slow
def test_a_right_submission_through_the_real_sandbox(digits):
    from graders.engine.sandbox import Limits, Sandbox
    with Sandbox(Limits(timeout=grading.TIME_LIMIT), runner=grading.RUNNER_FILE) as box:
        tests = grading.grade_capstone(reference_answers(), SEEDS, grading.sandbox_runner(box), digits)
    assert all(t.passed for t in tests), [t.feedback for t in tests]
