"""What the capstone's hidden test cells call: grade the notebook's own classes inside its kernel.

    run_hidden_test("ConvNet.gradient", ConvNet, Momentum, Adam)   # prints the feedback, evaluates to the score

The three tests are graded together on the first call (the training run is the slow part) and kept for the
other two cells. As in the grader, the network is built on the **reference** ``Convolution`` and
``MaxPool`` (each skill is graded once) and the student id and course come from where nbgrader runs the
notebook (graders.course.notebook_tests.grading_identity).

This runs in the student's kernel, next to their code, which could change anything there; so under
``nbgrader autograde`` these cells' scores are replaced by the sandbox's
(graders.course.sandbox_grades.SandboxGrades, as for every exercise of the course).
"""
import functools
from types import SimpleNamespace

import numpy as np

from graders.capstone import runner
from graders.capstone.notebook import TEST_CELLS
from graders.engine.sandbox import CaseOutcome
from utils.checking import describe_exception

_GRADED = {}


def kernel_runner(ConvNet, Momentum, Adam):
    """run_cases for graders.capstone.grading.grade_capstone with the kernel's classes (the source is ignored:
    the classes are already defined), the network built on the reference layers."""
    from solutions.layers import Convolution, MaxPool

    submission = SimpleNamespace(ConvNet=functools.partial(ConvNet, conv_class=Convolution, pool_class=MaxPool),
                                 Momentum=Momentum, Adam=Adam)

    def run_cases(source, cases):
        outcomes = []
        for case in cases:
            try:
                with np.errstate(all="ignore"):
                    outcomes.append(CaseOutcome(outputs=runner.run_case(submission, case.kind, case.params,
                                                                        case.inputs)))
            except Exception as exc:  # the student's code failed on this case
                outcomes.append(CaseOutcome(error=describe_exception(exc)))
        return outcomes
    return run_cases


def run_hidden_test(test, ConvNet, Momentum, Adam):
    """Grade the kernel's classes on ``test`` (a key of TEST_CELLS); print its feedback, return its score."""
    from graders.capstone.grading import grade_capstone
    from graders.core.seeds import course_seeds, load_course_secret
    from graders.course.notebook_tests import grading_identity
    if test not in TEST_CELLS:
        raise ValueError(f"unknown capstone test {test!r} (one of {', '.join(TEST_CELLS)})")
    key = (id(ConvNet), id(Momentum), id(Adam))
    if key not in _GRADED:
        student, course_dir = grading_identity()
        seeds = course_seeds(load_course_secret(course_dir), student, "cnn_capstone")
        tests = grade_capstone({}, seeds, kernel_runner(ConvNet, Momentum, Adam))
        _GRADED.clear()
        _GRADED[key] = dict(zip(TEST_CELLS, tests))
    result = _GRADED[key][test]
    print(result.feedback)
    return float(result.score)
