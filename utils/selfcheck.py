"""Check your backward pass on the public practice cases, as often as you like.

    from utils.selfcheck import self_check
    self_check(Convolution, "Convolution.backward")

It runs your class on the cases in ``selfcheck_cases.npz`` (it comes with the assignment, next to
the notebooks), prints one ✓/✗ line per case with what went wrong, names known mistakes, and
returns True when every case passed. These are the situations the grader tests, with other
random numbers: passing here is a very good sign, but the grade comes from the grader's run.
"""
import json
from collections import namedtuple
from pathlib import Path

import importlib

import numpy as np

from utils.checking import (CaseResult, Candidate, compare_outputs, consistent_diagnoses, describe_exception,
                            feedback_text, match_mistakes, run_layer)
from utils.i18n import LANGUAGES, _, chosen_language, get_language, using_language
from utils.probing import Run, experiment_findings, needs_experiments

CASES_FILE = "selfcheck_cases.npz"
FORMAT = "backprop-lab selfcheck cases"

# The module, not the function utils.im2col (the package's name for the function hides the module's).
im2col_module = importlib.import_module("utils.im2col")

MistakeInfo = namedtuple("MistakeInfo", "name title hint")


class CasesFileError(Exception):
    """The practice-cases file is missing or unreadable; the message says what to do."""


def load_cases(cases_file=CASES_FILE):
    """(meta, arrays) from a self-check file; CasesFileError with a plain message if it cannot be read."""
    path = Path(cases_file)
    if not path.is_file():
        raise CasesFileError(
            _("Cannot find the practice cases {file} (looked for {path}). It comes with the assignment, next to the "
              "notebooks: run the notebook from the assignment's folder, or pass cases_file='path/to/{file}'.").format(
                file=path.name, path=path.resolve()))
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
        meta = json.loads(str(arrays.pop("meta")))
    except Exception as exc:
        raise CasesFileError(_("Cannot read the practice cases {path}: {error}. Download the assignment again.").format(
            path=path, error=exc)) from None
    if meta.get("format") != FORMAT:
        raise CasesFileError(_("{path} is not a backprop-lab practice-cases file.").format(path=path))
    return meta, arrays


def _stored(arrays, prefix, inputs, outputs_names):
    """(inputs, expected outputs) of a stored case or probe."""
    return ({name: arrays[f"{prefix}/{name}"] for name in inputs},
            {name: arrays[f"{prefix}/expected/{name}"] for name in outputs_names})


def _produce(cls, plan, params, inputs):
    """(outputs, None), or (None, error text) when the class raised; plan: the exercise's (run_layer)."""
    try:
        return run_layer(cls, plan, params, inputs), None
    except (Exception, SystemExit) as exc:
        return None, describe_exception(exc, cls)


def _experiments(cls, method, exercise, arrays, cases, produced):
    """The hints found by experiment: the class runs on the stored probes, utils.probing reads the runs."""
    outputs_names = exercise["outputs"]
    runs = []
    for case, (outputs, error) in zip(cases, produced):
        inputs, expected = _stored(arrays, f"{method}/{case['name']}", case["inputs"], outputs_names)
        runs.append(Run(case["name"], case["params"], inputs, expected, outputs, error))
    for probe in exercise.get("probes", []):
        inputs, expected = _stored(arrays, f"{method}/probe/{probe['name']}", probe["inputs"], outputs_names)
        outputs, error = _produce(cls, exercise["plan"], probe["params"], inputs)
        runs.append(Run(probe["name"], probe["params"], inputs, expected, outputs, error, probe=True))
    return experiment_findings(method, runs)


def _check_case(method, case, arrays, mistakes, exercise, produced):
    prefix = f"{method}/{case['name']}"
    inputs, reference = _stored(arrays, prefix, case["inputs"], exercise["outputs"])
    plan, atol = exercise["plan"], exercise["atol"]
    candidates = []
    for name, entry in case["mistakes"].items():
        differs = {output: arrays[f"{prefix}/mistake/{name}/{output}"] for output in entry["differs"]}
        differs.update({output: None for output in entry["none"]})
        candidates.append(Candidate(name, differs, entry["error"]))
    order = [info.name for info in mistakes.values()]  # catalogue order
    candidates.sort(key=lambda candidate: order.index(candidate.name))
    outputs, error = produced
    if error is not None:
        names = match_mistakes(None, [], candidates, student_error=error, atol=atol)
        return CaseResult(case["name"], case["description"], case["setting"], False, [], error,
                          [mistakes[name] for name in names])
    results = compare_outputs(outputs, reference, atol, plan["outputs"])
    failing = [result.name for result in results if not result.passed]
    names = match_mistakes(outputs, failing, candidates, atol=atol) if failing else []
    return CaseResult(case["name"], case["description"], case["setting"], not failing, results, None,
                      [mistakes[name] for name in names])


def self_check(cls, method, cases_file=CASES_FILE):
    """Run your class on the public cases of ``method`` and print how it did, in the notebook's language
    (the one the practice-cases file was built in, unless set_language chose another).

    Inputs:
    - cls: your class, e.g. Convolution (not an instance: the check builds its own layers)
    - method: the exercise, as the notebook names it: "Convolution.backward", "MaxPool.backward" ...
    - cases_file: the practice-cases file that came with the assignment

    Returns True when every case passed. Never raises because of your code: errors are printed.
    """
    # A language chosen in this process wins; else the notebook's (the file's), else the environment's.
    with using_language(chosen_language() or _file_language(cases_file) or get_language()):
        return _self_check(cls, method, cases_file)


def _file_language(cases_file):
    """The language the practice-cases file was built in, else the one spoken (an unreadable file)."""
    try:
        with np.load(cases_file, allow_pickle=False) as data:
            language = json.loads(str(data["meta"])).get("language")
    except Exception:  # missing or unreadable: _self_check says so
        return None
    return language if language in LANGUAGES else None


def _self_check(cls, method, cases_file):
    if not isinstance(cls, type):
        print(_("self_check needs your class itself, e.g. self_check(Convolution, \"Convolution.backward\"); "
                "got {value}").format(value=repr(cls)))
        return False
    try:
        meta, arrays = load_cases(cases_file)
        exercise = meta["exercises"].get(method)
        if exercise is None:
            raise CasesFileError(_("{file} has no cases for {method}; it has {methods}.").format(
                file=cases_file, method=method, methods=", ".join(meta["exercises"])))
    except (ValueError, CasesFileError) as exc:
        print(_("Self-check of {method} could not run: {error}").format(method=method, error=exc))
        return False
    mistakes = {info["name"]: MistakeInfo(info["name"], info["title"], info["hint"]) for info in exercise["mistakes"]}
    cases = exercise["cases"]
    produced = []
    del im2col_module.REGROUPED[:]
    for case in cases:
        inputs = _stored(arrays, f"{method}/{case['name']}", case["inputs"], [])[0]
        produced.append(_produce(cls, exercise["plan"], case["params"], inputs))
    regrouped = list(im2col_module.REGROUPED)
    results = [_check_case(method, case, arrays, mistakes, exercise, outcome)
               for case, outcome in zip(cases, produced)]
    # The grader's rules, on the stored outputs: a mistake is named only if the class also fails every
    # case the mistake fails; experiments only when some failure is left unexplained.
    consistent_diagnoses(results, lambda name, index: name in cases[index]["mistakes"])
    findings = _experiments(cls, method, exercise, arrays, cases, produced) if needs_experiments(results) else []
    print(_("Self-check of {method} on {count} practice cases:").format(method=method, count=len(results)))
    print(feedback_text(results, verbose=True, findings=findings))
    if regrouped:
        given, layout = regrouped[0]
        print(_("Note: col2im received col of shape {given} and read it as {layout} = (N*out_h*out_w, "
                "C*filter_h*filter_w), as the book's (and Educoder's) col2im does: any array with that many numbers "
                "is taken in that order. That is right when your numbers are already in that order (MaxPool's dmax "
                "is); the grader accepts it too. Is it what you meant?").format(given=given, layout=layout))
    passed = all(result.passed for result in results)
    if passed:
        print(_("The grader tests these situations again with other random numbers."))
    return passed
