"""Write the students' self-check file: public cases with expected and known-wrong outputs.

The release notebooks cannot see ``solutions``; ``utils.selfcheck.self_check`` reads this file
instead. It holds, for every exercise, the public cases (same situations as grading, inputs from
``public_seeds``, never the grading seeds), the reference outputs, and what each catalogued
mistake produces on them, so that the self-check can name a mistake without any solution code.

Layout (``np.load(path, allow_pickle=False)`` reads it; every key is flat):
- "meta": a 0-d unicode array of JSON: {"format", "version", "assignment", "language", "exercises":
  {method: {"outputs": [...], "plan": {...}, "atol": 1e-05, "mistakes": [{"name", "title", "hint"}],
            "cases": [{"name", "description", "setting", "params", "inputs": [...],
                       "mistakes": {mistake: {"differs": [...], "none": [...], "error": str|null}}}]}}}
- "<method>/<case>/<input>": the inputs, e.g. "Convolution.backward/overlap/x"
- "<method>/<case>/expected/<output>": the reference outputs
- "<method>/<case>/mistake/<mistake>/<output>": a mistake's outputs where they differ from the
  reference (an output that is None is listed under "none"; a mistake that raised has "error")
- "<method>/probe/<probe>/<input>" and "<method>/probe/<probe>/expected/<output>": the probe cases
  (graders.core.probes), listed in meta as exercises[method]["probes"]: [{"name", "params", "inputs"}];
  the self-check runs them when a case fails that no mistake explains, and reads them with
  utils.probing, as the grader does

"language" is the notebooks' ("en" or "zh"): the cases' descriptions and settings and the mistakes' titles
and hints are written in it (each folder's catalogue), a mistake's error is worded in it, and the
self-check speaks it. ``built_language`` reads it back for the grader and the hidden tests' judge: an
assignment is graded in the language it was built in.
"""
import json
from pathlib import Path

import numpy as np

from graders.core.cases import random_cases
from graders.core.check import reference_outputs
from graders.core.diagnose import run_mistake
from graders.core.probes import probe_cases
from graders.core.seeds import public_seeds
from graders.exercises import active_course
from utils.checking import mistake_dict, same_values
from utils.i18n import LANGUAGES, get_language, using_language
from utils.selfcheck import CASES_FILE

FORMAT = "backprop-lab selfcheck cases"
VERSION = 3  # 2: probes (the experiments of utils.probing); 3: each exercise's plan and tolerance


def _mistake_entry(mistake, case, reference, arrays, prefix, atol):
    """The meta entry of one mistake on one case (None when it equals the reference), storing its arrays."""
    outputs, error = run_mistake(mistake, case)
    if error is not None:
        return {"differs": [], "none": [], "error": error}
    differs, none = [], []
    for name, value in outputs.items():
        if same_values(value, reference[name], atol):
            continue
        if value is None:
            none.append(name)
        elif isinstance(value, np.ndarray) and np.issubdtype(value.dtype, np.number):
            differs.append(name)
            arrays[f"{prefix}/mistake/{mistake.name}/{name}"] = value
        else:
            raise TypeError(f"mistake {mistake.name} returned {type(value).__name__} for {name}: "
                            f"only arrays and None can be stored")
    if not differs and not none:
        return None
    return {"differs": differs, "none": none, "error": None}


def public_case_data(assignment, course=None, lang=None):
    """(meta, arrays): the self-check file's content for an assignment's exercises, as write_public_cases
    stores it. course: a graders.exercises.Course (default: the active course); lang: the notebooks'
    language (default: the one spoken, utils.i18n.get_language())."""
    course = course or active_course()
    lang = lang or get_language()
    with using_language(lang):  # the mistakes' errors are worded as the student's self-check words them
        return _public_case_data(assignment, course, lang)


def _public_case_data(assignment, course, lang):
    seeds = public_seeds(assignment)
    arrays = {}
    exercises = {}
    for exercise in course.exercises(assignment):
        mistakes = list(exercise.mistakes)
        cases = []
        for case in random_cases(exercise, seeds):
            prefix = f"{exercise.name}/{case.name}"
            for name, value in case.inputs.items():
                arrays[f"{prefix}/{name}"] = value
            reference = reference_outputs(exercise, case)
            for name, value in reference.items():
                arrays[f"{prefix}/expected/{name}"] = value
            entries = {}
            for mistake in mistakes:
                entry = _mistake_entry(mistake, case, reference, arrays, prefix, exercise.atol)
                if entry is not None:
                    entries[mistake.name] = entry
            words = exercise.folder.translated_case(case.spec, lang)
            cases.append({"name": case.name, "description": words.description, "setting": words.setting,
                          "params": dict(case.params), "inputs": list(case.inputs), "mistakes": entries})
        probes = []
        for probe in probe_cases(exercise):
            prefix = f"{exercise.name}/probe/{probe.name}"
            for name, value in probe.inputs.items():
                arrays[f"{prefix}/{name}"] = value
            for name, value in reference_outputs(exercise, probe).items():
                arrays[f"{prefix}/expected/{name}"] = value
            probes.append({"name": probe.name, "params": dict(probe.params), "inputs": list(probe.inputs)})
        exercises[exercise.name] = {"outputs": list(exercise.outputs), "plan": exercise.plan, "atol": exercise.atol,
                                    "mistakes": [mistake_dict(exercise.folder.translated_mistake(mistake, lang))
                                                 for mistake in mistakes],
                                    "cases": cases, "probes": probes}
    meta = {"format": FORMAT, "version": VERSION, "assignment": assignment, "language": lang, "exercises": exercises}
    return meta, arrays


def write_public_cases(path, assignment, course=None, lang=None):
    """Write the self-check file (selfcheck_cases.npz) of an assignment to ``path``, in ``lang`` (default: the
    language spoken); returns the path."""
    path = Path(path)
    meta, arrays = public_case_data(assignment, course, lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:  # a file object: np.savez would otherwise append ".npz" to other names
        np.savez_compressed(handle, meta=np.array(json.dumps(meta)), **arrays)
    return path


def built_language(course_dir, assignment):
    """The language ``assignment`` was last built in (its source self-check file's "language"), or None when
    it is not built (or was built before the file said)."""
    path = Path(course_dir) / "source" / assignment / CASES_FILE
    try:
        with np.load(path, allow_pickle=False) as data:
            language = json.loads(str(data["meta"])).get("language")
    except (OSError, KeyError, ValueError):
        return None
    return language if language in LANGUAGES else None
