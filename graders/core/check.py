"""Grade a student's method on its cases: the one API of the notebooks' checks and of the engine.

- ``check(method, student_cls, seeds)`` runs the student's class in this process on every case
  and grades it (the notebooks' visible and hidden tests);
- ``grade_cases(method, cases, produced)`` grades what the student's code produced elsewhere
  (the sandboxed engine runs ``runner.run_case`` in a worker and hands the arrays, or the error,
  back); it calls ``grade_case(exercise, case, outputs=None, error=None)`` once per case;
- ``MethodReport.from_cases`` adds the case results up; ``.feedback`` and ``.to_dict()`` report.
"""
from dataclasses import dataclass

from graders.core.cases import case_specs, random_cases
from graders.core.diagnose import diagnose_all
from graders.exercises import get_exercise
from graders.core.runner import run_case
from graders.core.scoring import method_passed, method_score
from graders.reports.html import error_map
from utils.checking import (ATOL, CaseResult, compare_outputs, describe_exception, feedback_text, mistake_dict,
                            summarize_diagnoses)

__all__ = ["CaseResult", "MethodReport", "check", "grade_case", "grade_cases", "reference_outputs", "report_error"]


def reference_outputs(exercise, case):
    """The reference implementation's outputs on a case: {"dx": ..., ("dW", "db")}, float64 arrays."""
    exercise = get_exercise(exercise)
    return run_case(exercise.reference_class, exercise.name, case.params, case.inputs)


def grade_case(exercise, case, outputs=None, error=None, prefer=(), only_prefer=False):
    """Grade one case from what the student's code produced.

    Inputs:
    - exercise: an Exercise or its name, "Convolution.backward"
    - case: a graders.core.cases.Case
    - outputs: {"dx": ..., "dW": ..., "db": ...} as run_case returned it in the student's process
      (any values: None, lists, wrong shapes are judged, not trusted; a missing key counts as None)
    - error: instead of outputs, the text of what went wrong: describe_exception(exc, cls) for an
      exception (its first line "your code raised Type: message" lets the diagnosis recognise
      known errors), or the grader's own message (a time-out, a crash)
    - prefer, only_prefer: steer the diagnosis (graders.core.diagnose.diagnose_all); grade_cases sets them

    Returns a CaseResult; a failing case carries the catalogued mistakes that explain it.
    """
    exercise = get_exercise(exercise)
    if outputs is None and error is None:
        raise ValueError("grade_case: give the student's outputs or the error their code raised")
    reference = reference_outputs(exercise, case)
    if error is not None:
        diagnosis = diagnose_all(exercise.name, case, None, reference, error=str(error), prefer=prefer,
                                 only_prefer=only_prefer)
        return CaseResult(case.name, case.description, case.setting, False, [], str(error), diagnosis)
    results = compare_outputs(outputs, reference, ATOL)
    for result in results:
        if not result.passed and result.max_abs_error is not None:  # wrong values, not a wrong type or shape
            result.error_map = error_map(outputs.get(result.name), reference[result.name])
    passed = all(result.passed for result in results)
    diagnosis = [] if passed else diagnose_all(exercise.name, case, outputs, reference, prefer=prefer,
                                               only_prefer=only_prefer)
    return CaseResult(case.name, case.description, case.setting, passed, results, None, diagnosis)


# After this many failing cases that the whole catalogue could not explain, the other cases try
# only the mistakes already found: an unknown mistake then costs 2 searches, not one per case.
FULL_SEARCHES = 2


def grade_cases(method, cases, produced):
    """Grade all cases of a method from what the student's code produced on each: a MethodReport.

    Inputs:
    - method: "Convolution.backward" or "MaxPool.backward"
    - cases: the Cases, as random_cases returned them
    - produced: one item per case, in the same order: the outputs dict run_case returned, or a
      str, the error text (describe_exception, or the grader's message)

    The diagnosis tries the mistakes found on earlier cases first, and stops searching the whole
    catalogue after FULL_SEARCHES unexplained failures (grading speed).
    """
    exercise = get_exercise(method)
    cases, produced = list(cases), list(produced)
    if len(cases) != len(produced):
        raise ValueError(f"grade_cases: {len(cases)} cases but {len(produced)} results")
    results, found, searches_left = [], [], FULL_SEARCHES
    for case, item in zip(cases, produced):
        outputs, error = (None, item) if isinstance(item, str) else (item, None)
        result = grade_case(exercise, case, outputs=outputs, error=error, prefer=found,
                            only_prefer=searches_left <= 0)
        if not result.passed and not result.diagnosis and searches_left > 0:
            searches_left -= 1
        found += [mistake.name for mistake in result.diagnosis if mistake.name not in found]
        results.append(result)
    return MethodReport.from_cases(exercise.name, results)


@dataclass
class MethodReport:
    """The grade of one method: its cases, score and verdict.

    - name: "Convolution.backward" (CONTRACT tests[].name)
    - cases: one CaseResult per case, in grading order
    - score: points * passed cases / cases, rounded half up to 2 decimals; max_score: the points
    - passed: True only when every case passed
    """
    name: str
    cases: list
    score: float
    max_score: float
    passed: bool

    @classmethod
    def from_cases(cls, method, cases):
        """Score a method from its CaseResults (scoring.method_score)."""
        exercise = get_exercise(method)
        n_passed = sum(1 for case in cases if case.passed)
        return cls(exercise.name, list(cases), method_score(exercise.points, n_passed, len(cases)),
                   float(exercise.points), method_passed(n_passed, len(cases)))

    @property
    def diagnosis(self):
        """The mistakes named across the failing cases, most cases first: a list of Mistake."""
        return [mistake for mistake, _ in summarize_diagnoses(self.cases)]

    @property
    def feedback(self):
        """Plain text for the student: "All 8 cases passed." or what failed, where, and why."""
        return feedback_text(self.cases, self.score, self.max_score)

    def to_dict(self):
        """JSON-ready: the CONTRACT test entry (name, score, max_score, passed, feedback) plus
        ``cases`` (per-case details) and ``diagnosis`` (list of {name, title, hint})."""
        return {
            "name": self.name,
            "score": self.score,
            "max_score": self.max_score,
            "passed": self.passed,
            "feedback": self.feedback,
            "cases": [case.to_dict() for case in self.cases],
            "diagnosis": [mistake_dict(mistake) for mistake in self.diagnosis],
        }


def check(method, student_cls, seeds):
    """Run ``student_cls`` on every case of ``method`` in this process and grade it.

    Inputs:
    - method: "Convolution.backward" or "MaxPool.backward"
    - student_cls: the student's class (Convolution or MaxPool)
    - seeds: a graders.core.seeds.SeedSource: public_seeds(...) for practice, course_seeds(...) to grade

    Returns a MethodReport. Never raises because of the student's code: exceptions become the
    case's error, with the student's own lines.
    """
    exercise = get_exercise(method)
    cases = random_cases(exercise.name, seeds)
    produced = []
    for case in cases:
        try:
            produced.append(run_case(student_cls, exercise.name, case.params, case.inputs))
        except (Exception, SystemExit) as exc:
            produced.append(describe_exception(exc, student_cls))
    return grade_cases(exercise.name, cases, produced)


def report_error(method, message):
    """A report in which every case failed with ``message``: for code that could not run at all
    (a syntax error, a time-out, a missing class). Scores 0; needs no inputs."""
    exercise = get_exercise(method)
    cases = [CaseResult(spec.name, spec.description, spec.setting, False, [], str(message), [])
             for spec in case_specs(exercise.name)]
    return MethodReport.from_cases(exercise.name, cases)
