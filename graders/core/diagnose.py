"""Name the classic mistake behind a failing case: run the catalogue on the same inputs, compare.

A mistake explains a wrong output when its own output differs from the reference and equals the
student's (to 1e-5); it explains an error when it raises the very same error. The matching rule
lives in ``utils.checking.match_mistakes`` so that the students' self-check applies it too.
"""
from graders.core.compare import ATOL
from graders.core.mistakes import mistakes_for
from graders.core.runner import run_case
from utils.checking import Candidate, compare_outputs, error_summary, match_mistakes, same_values


def run_mistake(mistake, case):
    """What a mistake does on a case: (outputs, None), or (None, error_summary) when it raises."""
    try:
        return run_case(mistake.cls, mistake.plan, case.params, case.inputs, runs=1), None
    except Exception as exc:  # a catalogued mistake may fail the way a student's code fails
        return None, error_summary(exc)


def candidate(mistake, case, reference_outputs, atol=ATOL):
    """The Candidate for a mistake on a case: its outputs that differ from the reference, or its error."""
    outputs, error = run_mistake(mistake, case)
    if error is not None:
        return Candidate(mistake.name, {}, error)
    differs = {name: value for name, value in outputs.items()
               if not same_values(value, reference_outputs[name], atol)}
    return Candidate(mistake.name, differs)


def diagnose_all(method, case, student_outputs, reference_outputs, error=None, atol=ATOL):
    """All catalogued mistakes that together explain a failing case, best first.

    Inputs:
    - method: "Convolution.backward" or "MaxPool.backward"
    - case: a graders.core.cases.Case (its inputs are what the mistakes run on)
    - student_outputs: {"dx": ..., ...} as the student's code produced them (None if it raised)
    - reference_outputs: the reference's outputs on the same case
    - error: the text of what the student's code raised (describe_exception), if it raised

    The catalogue is tried in its order on every failing case, as the self-check does with its stored
    outputs: the same limits everywhere, so the same code gets the same names.

    Returns a list of Mistake (empty when nothing in the catalogue matches).
    """
    catalogue = mistakes_for(method)
    by_name = {mistake.name: mistake for mistake in catalogue}
    if error is None:
        failing = [result.name for result in compare_outputs(student_outputs, reference_outputs, atol)
                   if not result.passed]
        if not failing:
            return []
    else:
        failing = []
    candidates = (candidate(mistake, case, reference_outputs, atol) for mistake in catalogue)  # lazy
    names = match_mistakes(student_outputs or {}, failing, candidates, student_error=error, atol=atol)
    return [by_name[name] for name in names]


def mistake_fails(mistake, case, reference_outputs, atol=ATOL):
    """True when the mistake's own code gets some output of the case wrong (or raises)."""
    found = candidate(mistake, case, reference_outputs, atol)
    return found.error is not None or bool(found.differs)


def diagnose(method, case, student_outputs, reference_outputs, error=None):
    """The catalogued mistake that best explains a failing case, or None."""
    found = diagnose_all(method, case, student_outputs, reference_outputs, error=error)
    return found[0] if found else None
