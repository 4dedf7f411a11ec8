"""The exercise folders grade exactly as the code before them did: same inputs, scores, diagnoses, feedback.

tests/data/conv_pool_backward_verdicts.json was written by the grader as it stood before the exercises
became folders (main at b6bafbc, just before "exercise-format ready"): for one secret and student, the sha256 of
every case's inputs (grading and public seeds) and, for every sample answer of Convolution.backward and
MaxPool.backward, the score, the per-case verdicts and diagnoses, and the feedback text. Nothing here
recomputes that file: it is the oracle.
"""
import hashlib
import json
from pathlib import Path

import pytest

from graders.core.cases import random_cases
from graders.core.check import check
from graders.core.seeds import course_seeds, public_seeds
from graders.sample_answers import load_answers
from repo_course import EXERCISES

RECORDED = json.loads((Path(__file__).parent / "data" / "conv_pool_backward_verdicts.json").read_text())
SECRET, STUDENT, ASSIGNMENT = "golden secret", "alice", "conv_pool_backward"
OLD_FOLDER = {"conv_backward": "conv", "maxpool_backward": "maxpool"}  # the sample answers' old folders
METHODS = ["Convolution.backward", "MaxPool.backward"]


def digest(inputs):
    h = hashlib.sha256()
    for name, value in inputs.items():
        h.update(name.encode())
        h.update(str(value.shape).encode())
        h.update(value.tobytes())
    return h.hexdigest()


def test_every_case_draws_the_same_inputs():
    seen = {}
    for label, seeds in (("grade", course_seeds(SECRET, STUDENT, ASSIGNMENT)), ("public", public_seeds(ASSIGNMENT))):
        for method in METHODS:
            for case in random_cases(EXERCISES[method], seeds):
                seen[f"{label}/{method}/{case.name}"] = [case.setting, digest(case.inputs)]
    assert seen == RECORDED["inputs"]


ANSWERS = [a for method in METHODS for a in load_answers(EXERCISES[method])]


def test_every_recorded_answer_is_still_there():
    names = {f"{OLD_FOLDER[a.exercise]}/{a.name.split('/', 1)[1]}" for a in ANSWERS}
    assert set(RECORDED["answers"]) <= names


@pytest.mark.parametrize("answer", ANSWERS, ids=lambda a: a.name)
def test_same_score_diagnosis_and_feedback(answer):
    recorded = RECORDED["answers"].get(f"{OLD_FOLDER[answer.exercise]}/{answer.name.split('/', 1)[1]}")
    if recorded is None:
        pytest.skip("an answer added after the recording")
    report = check(EXERCISES[answer.method], answer.load_class(), course_seeds(SECRET, STUDENT, ASSIGNMENT))
    assert (report.score, report.max_score, report.passed) == (recorded["score"], recorded["max_score"],
                                                                 recorded["passed"])
    assert [[c.name, c.passed, [m.name for m in c.diagnosis]] for c in report.cases] == recorded["cases"]
    assert report.feedback == recorded["feedback"]
