"""Grade a student's method on its cases: the one API of the notebooks' checks and of the engine.

- ``check(method, student_cls, seeds)`` runs the student's class in this process on every case
  and grades it (the notebooks' visible and hidden tests);
- ``grade_cases(method, cases, produced, run_probes=None)`` grades what the student's code produced
  elsewhere (the sandboxed engine runs ``runner.run_case`` in a worker and hands the arrays, or the
  error, back); it calls ``grade_case(exercise, case, outputs=None, error=None)`` once per case and,
  when a failure is left unexplained by the catalogue, runs the probes through ``run_probes``;
- ``MethodReport.from_cases`` adds the case results up; ``.feedback`` and ``.to_dict()`` report.
"""
import itertools
from dataclasses import dataclass, field

from graders.core.cases import case_specs, random_cases
from graders.core.diagnose import diagnose_all, mistake_fails
from graders.core.error_map import error_map
from graders.core.mistakes import mistakes_for
from graders.core.probes import probe_cases
from graders.core.runner import run_case
from graders.core.scoring import method_passed, method_score
from graders.exercises import get_exercise
from utils.checking import (CaseResult, compare_outputs, consistent_diagnoses, describe_exception,
                            feedback_text, mistake_dict, summarize_diagnoses)
from utils.i18n import get_language
from utils.probing import Run, experiment_findings, needs_experiments

__all__ = ["CaseResult", "MethodReport", "check", "grade_case", "grade_cases", "reference_outputs", "report_error",
           "run_in_process"]


def reference_outputs(exercise, case):
    """The reference implementation's outputs on a case: {"dx": ..., ("dW", "db")}, float64 arrays."""
    exercise = get_exercise(exercise)
    return run_case(exercise.reference_class, exercise.plan, case.params, case.inputs, runs=1)


def grade_case(exercise, case, outputs=None, error=None, reference=None):
    """Grade one case from what the student's code produced.

    Inputs:
    - exercise: an Exercise or its name, "Convolution.backward"
    - case: a graders.core.cases.Case
    - outputs: {"dx": ..., "dW": ..., "db": ...} as run_case returned it in the student's process
      (any values: None, lists, wrong shapes are judged, not trusted; a missing key counts as None)
    - error: instead of outputs, the text of what went wrong: describe_exception(exc, cls) for an
      exception (its first line "your code raised Type: message" lets the diagnosis recognise
      known errors), or the grader's own message (a time-out, a crash)
    - reference: the reference outputs on the case, if already computed

    Returns a CaseResult; a failing case carries the catalogued mistakes that explain it.
    """
    exercise = get_exercise(exercise)
    if outputs is None and error is None:
        raise ValueError("grade_case: give the student's outputs or the error their code raised")
    reference = reference_outputs(exercise, case) if reference is None else reference
    words = _in_language(exercise, case.spec)
    if error is not None:
        diagnosis = diagnose_all(exercise, case, None, reference, error=str(error), atol=exercise.atol)
        return CaseResult(case.name, words.description, words.setting, False, [], str(error),
                          _mistakes_in_language(exercise, diagnosis))
    results = compare_outputs(outputs, reference, exercise.atol, exercise.plan["outputs"])
    for result in results:
        if not result.passed and result.max_abs_error is not None:  # wrong values, not a wrong type or shape
            result.error_map = error_map(outputs.get(result.name), reference[result.name])
    passed = all(result.passed for result in results)
    diagnosis = [] if passed else diagnose_all(exercise, case, outputs, reference, atol=exercise.atol)
    return CaseResult(case.name, words.description, words.setting, passed, results, None,
                      _mistakes_in_language(exercise, diagnosis))


def _in_language(exercise, spec):
    """The CaseSpec with its description and setting in the language spoken (utils.i18n.get_language())."""
    return exercise.folder.translated_case(spec, get_language())


def _mistakes_in_language(exercise, mistakes):
    """The Mistakes with their titles and hints in the language spoken."""
    return [exercise.folder.translated_mistake(mistake, get_language()) for mistake in mistakes]


def _split(item):
    """(outputs, None) or (None, error text) from one item of `produced`."""
    return (None, item) if isinstance(item, str) else (item, None)


def grade_cases(method, cases, produced, run_probes=None):
    """Grade all cases of a method from what the student's code produced on each: a MethodReport.

    Inputs:
    - method: "Convolution.backward" or "MaxPool.backward"
    - cases: the Cases, as random_cases returned them
    - produced: one item per case, in the same order: the outputs dict run_case returned, or a
      str, the error text (describe_exception, or the grader's message)
    - run_probes: optional callback, run_probes(probe_cases) -> one item per probe in the form of
      `produced`, running the student's code on graders.core.probes' experiments wherever the graded
      cases ran (in this process, the sandbox, the notebook's kernel). It is called only when a
      case failed that the catalogue does not explain; probes never change the score.

    Every failing case is matched against the whole catalogue (in catalogue order, as the self-check
    does); a mistake is kept only if the student also fails every case its own code fails
    (utils.checking.consistent_diagnoses). Then, if a failure is still unexplained, the experiments.
    """
    exercise = get_exercise(method)
    cases, produced = list(cases), list(produced)
    if len(cases) != len(produced):
        raise ValueError(f"grade_cases: {len(cases)} cases but {len(produced)} results")
    references = [reference_outputs(exercise, case) for case in cases]
    results = [grade_case(exercise, case, *_split(item), reference=reference)
               for case, item, reference in zip(cases, produced, references)]
    by_name = {mistake.name: mistake for mistake in mistakes_for(exercise)}
    consistent_diagnoses(results, lambda name, index: mistake_fails(by_name[name], cases[index], references[index],
                                                                    exercise.atol))
    findings = []
    if run_probes is not None and needs_experiments(results):
        findings = experiment_findings_for(exercise, cases, produced, references, run_probes)
    return MethodReport.from_cases(exercise, results, findings)


def experiment_findings_for(exercise, cases, produced, references, run_probes):
    """Run the probes through ``run_probes`` and read the experiments (utils.probing): a list of Finding."""
    exercise = get_exercise(exercise)
    probes = probe_cases(exercise)
    probe_produced = list(run_probes(probes)) if probes else []
    if len(probe_produced) != len(probes):
        raise ValueError(f"run_probes gave {len(probe_produced)} results for {len(probes)} probes")
    runs = []
    for case, item, reference, probe in itertools.chain(
            ((case, item, reference, False) for case, item, reference in zip(cases, produced, references)),
            ((case, item, reference_outputs(exercise, case), True) for case, item in zip(probes, probe_produced))):
        outputs, error = _split(item)
        runs.append(Run(case.name, dict(case.params), case.inputs, reference, outputs, error, probe))
    return experiment_findings(exercise.name, runs)


@dataclass
class MethodReport:
    """The grade of one method: its cases, score and verdict.

    - name: "Convolution.backward" (tests[].name in the results JSON)
    - cases: one CaseResult per case, in grading order
    - score: points * passed cases / cases, rounded half up to 2 decimals; max_score: the points
    - passed: True only when every case passed
    - findings: the hints found by experiment (utils.probing.Finding), after the catalogue's
    """
    name: str
    cases: list
    score: float
    max_score: float
    passed: bool
    findings: list = field(default_factory=list)

    @classmethod
    def from_cases(cls, method, cases, findings=()):
        """Score a method from its CaseResults (scoring.method_score)."""
        exercise = get_exercise(method)
        n_passed = sum(1 for case in cases if case.passed)
        return cls(exercise.name, list(cases), method_score(exercise.points, n_passed, len(cases)),
                   float(exercise.points), method_passed(n_passed, len(cases)), list(findings))

    @property
    def diagnosis(self):
        """The catalogued mistakes named across the failing cases, most cases first, then the findings."""
        return [mistake for mistake, _ in summarize_diagnoses(self.cases)] + list(self.findings)

    @property
    def feedback(self):
        """Plain text for the student: "All 8 cases passed." or what failed, where, and why."""
        return feedback_text(self.cases, self.score, self.max_score, findings=self.findings)

    def to_dict(self):
        """JSON-ready: the results JSON's test entry (name, score, max_score, passed, feedback) plus
        ``cases`` (per-case details) and ``diagnosis`` (list of {name, title, hint}: the catalogue's
        mistakes, then the hints found by experiment, whose names start with "probe_")."""
        return {
            "name": self.name,
            "score": self.score,
            "max_score": self.max_score,
            "passed": self.passed,
            "feedback": self.feedback,
            "cases": [case.to_dict() for case in self.cases],
            "diagnosis": [mistake_dict(mistake) for mistake in self.diagnosis],
        }


def run_in_process(student_cls, method):
    """A run_probes callback (see grade_cases) that runs the student's class here, like check does."""
    plan = get_exercise(method).plan

    def run(cases):
        produced = []
        for case in cases:
            try:
                produced.append(run_case(student_cls, plan, case.params, case.inputs))
            except (Exception, SystemExit) as exc:
                produced.append(describe_exception(exc, student_cls))
        return produced
    return run


def check(method, student_cls, seeds):
    """Run ``student_cls`` on every case of ``method`` in this process and grade it.

    Inputs:
    - method: an Exercise, or its name ("Convolution.backward") in the active course
    - student_cls: the student's class (Convolution or MaxPool)
    - seeds: a graders.core.seeds.SeedSource: public_seeds(...) for practice, course_seeds(...) to grade

    Returns a MethodReport. Never raises because of the student's code: exceptions become the
    case's error, with the student's own lines.
    """
    exercise = get_exercise(method)
    cases = random_cases(exercise, seeds)
    run = run_in_process(student_cls, exercise)
    return grade_cases(exercise, cases, run(cases), run_probes=run)


def report_error(method, message):
    """A report in which every case failed with ``message``: for code that could not run at all
    (a syntax error, a time-out, a missing class). Scores 0; needs no inputs."""
    exercise = get_exercise(method)
    cases = [CaseResult(spec.name, words.description, words.setting, False, [], str(message), [])
             for spec in case_specs(exercise) for words in [_in_language(exercise, spec)]]
    return MethodReport.from_cases(exercise, cases)
