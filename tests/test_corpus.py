"""The corpus of answers in the styles of real ones (tests/corpus/): verdicts, hints, self-check agreement.

Each answer's label (correct or wrong) is checked against the loop oracles (tests/oracles.py), never the
grader. Then the grader must give every correct answer full marks and every wrong one less; a wrong answer
must never get a hint that is not right for its bug; at least 70% of the wrong answers must get a right
one; and the students' self-check must name the same hints as the grader on the same inputs.
benchmarks/bench_diagnosis.py prints the same figures.
"""
import pytest

from corpus_answers import evaluate, load_corpus, summary
from graders.core.public_cases import write_public_cases
from graders.core.seeds import course_seeds
from repo_course import ASSIGNMENT

CORPUS = load_corpus()
SEEDS = course_seeds("corpus test secret", "corpus-student", ASSIGNMENT)


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    cases_file = write_public_cases(tmp_path_factory.mktemp("corpus") / "selfcheck_cases.npz", ASSIGNMENT)
    return {entry.name: evaluate(entry, SEEDS, cases_file) for entry in CORPUS}


def test_the_corpus_is_big_enough_and_mixed():
    assert len(CORPUS) >= 40
    for method in ("Convolution.backward", "MaxPool.backward"):
        verdicts = [entry.verdict for entry in CORPUS if entry.method == method]
        assert verdicts.count("correct") >= 5 and verdicts.count("wrong") >= 12


@pytest.mark.parametrize("entry", CORPUS, ids=lambda entry: entry.name)
def test_labels_agree_with_the_loop_oracles(entry, outcomes):
    assert outcomes[entry.name].oracle == entry.verdict, entry.bug


@pytest.mark.parametrize("entry", CORPUS, ids=lambda entry: entry.name)
def test_the_grader_gives_full_marks_exactly_to_the_correct_answers(entry, outcomes):
    outcome = outcomes[entry.name]
    if entry.verdict == "correct":
        assert outcome.passed and outcome.score == 5.0 and outcome.names == []
    else:
        assert not outcome.passed and outcome.score < 5.0


@pytest.mark.parametrize("entry", [e for e in CORPUS if e.verdict == "wrong"], ids=lambda entry: entry.name)
def test_never_a_wrong_hint(entry, outcomes):
    # A wrong answer whose bug has no specific hint must get none; the others only right ones.
    assert outcomes[entry.name].wrong_hints == [], entry.bug


@pytest.mark.parametrize("entry", CORPUS, ids=lambda entry: entry.name)
def test_the_self_check_gives_the_grader_s_hints(entry, outcomes):
    outcome = outcomes[entry.name]
    assert outcome.selfcheck_titles == outcome.grader_titles


def test_most_wrong_answers_get_a_right_hint(outcomes):
    figures = summary(list(outcomes.values()))
    assert figures["wrong answers with a right hint"] >= 0.7 * figures["wrong answers"], figures
    # every bug we know how to hint at is hinted at
    missed = [o.entry.name for o in outcomes.values() if o.entry.verdict == "wrong" and o.entry.hints and not o.hinted]
    assert missed == []
