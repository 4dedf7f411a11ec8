"""The mistake catalogue and the diagnosis, against the catalogue itself and independent answers.

Every exercise folder's answers/ holds answers written independently of the catalogue (loops, einsum,
np.add.at, fancy indexing ...): the correct ones must get full marks, the wrong ones never, and a
wrong one that makes a catalogued mistake must be diagnosed by that mistake's name. Every folder
of the repository is tested (tests/repo_course.py), with no test naming it.
"""
import inspect
import re
from pathlib import Path

import numpy as np
import pytest

from graders.core.cases import random_cases
from graders.core.check import check, reference_outputs
from graders.core.diagnose import diagnose
from graders.core.mistakes import get_mistake
from graders.core.runner import run_case
from graders.exercises import EDUCODER_BEGIN as BEGIN, EDUCODER_END as END
from graders.sample_answers import load_answers
from graders.core.seeds import course_seeds
from repo_course import ALL_EXERCISES, MISTAKES
from utils.checking import same_values

STUDENTS = [course_seeds("test secret", student, "conv_pool_backward") for student in ("alice", "bob")]
BY_NAME = {exercise.name: exercise for exercise in ALL_EXERCISES}
ANSWERS = [answer for exercise in ALL_EXERCISES for answer in load_answers(exercise)]


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.name)
def test_every_mistake_is_refused_and_diagnosed_by_name(mistake):
    for seeds in STUDENTS:
        report = check(BY_NAME[mistake.method], mistake.cls, seeds)
        assert not report.passed and report.score < report.max_score
        assert report.diagnosis[0].name == mistake.name, [m.name for m in report.diagnosis]
        assert f"Likely mistake: {mistake.title}" in report.feedback


def test_the_catalogue_is_well_formed():
    names = [mistake.name for mistake in MISTAKES]
    assert len(names) == len(set(names))
    assert len({(m.method, m.title) for m in MISTAKES}) == len(MISTAKES)
    for mistake in MISTAKES:
        exercise = BY_NAME[mistake.method]
        reference = exercise.reference_class
        assert issubclass(mistake.cls, reference) and mistake.cls is not reference
        assert exercise.method in vars(mistake.cls), mistake.name  # a real implementation of its own
        assert "?" in mistake.hint, mistake.name  # a question that leads to the fix
        assert mistake.doc, mistake.name  # the misconception, in words, beside the code
    assert {m.method for m in MISTAKES} == {e.name for e in ALL_EXERCISES if e.mistakes}
    assert get_mistake(MISTAKES[-1].name) == MISTAKES[-1]
    with pytest.raises(ValueError, match="unknown mistake"):
        get_mistake("nope")


def test_diagnose_names_the_mistake_on_each_case_it_gets_wrong():
    """diagnose() (the design's one-case API): the mistake's own outputs are diagnosed as that mistake."""
    seeds = STUDENTS[0]
    for mistake in MISTAKES:
        named = raised = 0
        exercise = BY_NAME[mistake.method]
        for case in random_cases(exercise, seeds):
            reference = reference_outputs(exercise, case)
            try:
                outputs = run_case(mistake.cls, exercise.plan, case.params, case.inputs)
            except Exception:  # e.g. a wrong shape, or a forward that stored nothing for the given backward
                raised += 1
                continue  # raising mistakes are recognised from the error text (test above)
            if all(same_values(outputs[name], reference[name], exercise.atol) for name in reference):
                assert diagnose(exercise, case, outputs, reference) is None  # nothing to explain
                continue
            found = diagnose(exercise, case, outputs, reference)
            assert found is not None and found.name == mistake.name, (mistake.name, case.name, found)
            named += 1
        assert named >= 1 or raised >= 1, mistake.name


# ---------------------------------------------------------------- independent answers

def test_the_collection_has_every_style_and_every_mistake():
    by_name = {answer.name: answer for answer in ANSWERS}
    for name in ["conv_backward/einsum", "conv_backward/loops", "conv_backward/add_at", "conv_backward/book_col2im",
                 "maxpool_backward/put_along_axis", "maxpool_backward/loops", "maxpool_backward/add_at",
                 "maxpool_backward/book_col2im"]:
        assert by_name[name].expected == "correct"
    for exercise in ALL_EXERCISES:  # every folder: several correct styles, and wrong answers
        mine = [a for a in ANSWERS if a.exercise == exercise.folder.id]
        assert sum(a.expected == "correct" for a in mine) >= 2, exercise.name
        assert sum(a.expected == "wrong" for a in mine) >= 2, exercise.name
    wrong_mistakes = {answer.mistake for answer in ANSWERS if answer.expected == "wrong"}
    assert {mistake.name for mistake in MISTAKES} <= wrong_mistakes  # a variant of every catalogued mistake
    assert sum(answer.mistake == "unknown" for answer in ANSWERS) >= 10
    for answer in ANSWERS:  # a catalogued name is one of its own exercise's mistakes
        assert answer.mistake in (None, "unknown") or get_mistake(answer.mistake, answer.method)
    assert all(answer.mistake in wrong_mistakes | {None} for answer in ANSWERS)


@pytest.mark.parametrize("answer", ANSWERS, ids=lambda a: a.name)
def test_sample_answer_is_graded_as_expected(answer):
    cls = answer.load_class()
    for seeds in STUDENTS:
        report = check(BY_NAME[answer.method], cls, seeds)
        names = [mistake.name for mistake in report.diagnosis]
        if answer.expected == "correct":
            assert report.passed and report.score == report.max_score, report.feedback
        else:
            assert not report.passed and report.score < report.max_score
            if answer.mistake != "unknown":
                assert answer.mistake in names, (names, report.feedback)
                assert names[0] == answer.mistake, names


@pytest.mark.parametrize("answer", ANSWERS, ids=lambda a: a.name)
def test_sample_answer_is_the_given_class_with_only_its_method_answered(answer):
    cls = answer.load_class()
    exercise = BY_NAME[answer.method]
    reference = exercise.reference_class
    assert cls.__name__ == reference.__name__

    def given(method):  # the method as released: its code, without Begin/End lines
        return [line for line in inspect.getsource(method).splitlines() if line.strip() not in (BEGIN, END)]

    for name, value in vars(reference).items():
        if callable(value) and name != exercise.method:
            assert given(getattr(cls, name)) == given(value), name
    body = answer.body
    assert BEGIN not in body and END not in body and body.strip()
    assert all(line.startswith(" " * 8) for line in body.splitlines() if line.strip())
    assert body in inspect.getsource(getattr(cls, exercise.method))


def test_the_grading_doc_lists_the_catalogue():
    """docs/grading.md describes the catalogue as the code has it (names and titles), nothing stale."""
    doc = (Path(__file__).resolve().parent.parent / "docs" / "grading.md").read_text(encoding="utf-8")
    for mistake in MISTAKES:
        assert f"| `{mistake.name}` | {mistake.title} |" in doc, mistake.name
        assert mistake.hint in doc, mistake.name
    listed = set(re.findall(r"^\| `(\w+)` \| [^|]+ \| [^|]+ \| [^|]+ \|$", doc, flags=re.M))
    assert listed == {mistake.name for mistake in MISTAKES}
