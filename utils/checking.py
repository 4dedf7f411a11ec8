"""Run an exercise layer and judge its gradients, in words a student can act on.

The grader and the students' self-check (``utils.selfcheck``) both use this module, so they apply
the same rules and say the same things:

- ``run_layer`` builds a layer, makes the calls an exercise's plan lists (``forward`` then
  ``backward``, say) on copies of the inputs, and returns what is judged.
- ``compare_outputs`` checks types and shapes before values; an output passes when
  max |yours - expected| <= the exercise's tolerance at every entry; NaN and inf never pass.
- ``match_mistakes`` names the known wrong implementation whose outputs equal the student's.
- ``feedback_text`` / ``case_lines`` write it all up.

Every message speaks the language chosen when it is made (``utils.i18n``: English, or Chinese from the
``utils`` catalogue); a text made in one language is recognised in any (``in_any_language``).

It needs numpy only and imports nothing else of backprop-lab but ``utils``: students receive it.
"""
import re
import traceback
import warnings
from dataclasses import dataclass, field

import numpy as np

from utils.i18n import DOMAIN, LANGUAGES, LOCALE_DIR, N_, _, ngettext, translations


class NondeterministicOutput(Exception):
    """The same code gave different outputs on two runs with the same inputs."""


NONDETERMINISTIC = N_("your code gave different results on two runs with the same inputs")
RAISED = N_("your code raised {error}")  # the first line of describe_exception's text


def in_any_language(message):
    """The translations of ``message`` in every language of the course (English included): a text made
    in any of them (a sandbox's, a self-check's) is recognised whatever the language now chosen."""
    return {translations(LOCALE_DIR, DOMAIN, lang).gettext(message) for lang in LANGUAGES}


def is_nondeterministic(error):
    """True for describe_exception's text about outputs that changed between two runs (any language)."""
    return error is not None and any(error.startswith(head) for head in in_any_language(NONDETERMINISTIC))


def raised_heads(summary):
    """The first lines of describe_exception's text for an error ``summary`` ("ValueError: ..."), in every
    language."""
    return {template.format(error=summary) for template in in_any_language(RAISED)}


def is_raised(error, summary=""):
    """True when ``error`` is describe_exception's text about an exception whose summary starts with
    ``summary`` (any exception when it is ""), in any language."""
    return error is not None and any(error.startswith(head) for head in raised_heads(summary))


def _joined(items, pair):
    """``items`` joined two at a time by ``pair`` (a translated "{first} ... {second}")."""
    items = list(items)
    text = items[0] if items else ""
    for item in items[1:]:
        text = pair.format(first=text, second=item)
    return text


def join_and(items):
    """"dx and self.dW", "a and b and c": names joined in the language's way."""
    return _joined(items, _("{first} and {second}"))


def join_or(items):
    """"N or C": names joined, either one."""
    return _joined(items, _("{first} or {second}"))


def join_semicolons(items):
    """Titles joined by semicolons ("; " in English)."""
    return _joined(items, _("{first}; {second}"))


def _same_output(a, b):
    """True when two runs produced the same value: numeric arrays with the same shape, dtype and numbers
    (NaN equal to NaN), or the same number. Anything else (None, a list, an object) is judged by its type
    only: it fails the comparison anyway, and a new object each run is not a sign of stray memory."""
    numeric = "biufc"
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.dtype.kind in numeric \
            and b.dtype.kind in numeric:
        if a.shape != b.shape or a.dtype != b.dtype:
            return False
        return bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if type(a).__qualname__ != type(b).__qualname__:  # a class defined inside backward is a new class each run
        return False
    if isinstance(a, (float, int, np.number)) and not isinstance(a, bool) and type(a) is type(b):
        return bool(a == b) or bool(np.isnan(a) and np.isnan(b))
    return True


def output_label(output):
    """How messages name an output of a plan: "self.dW" for an attribute, "dx" for a return value."""
    return output["from"] if output.get("from", "").startswith("self.") else output["name"]


def _differing(first, second, labels):
    """Names of the outputs that differ between two runs, and where the first difference of an array is."""
    names, where = [], None
    for name in first:
        if not _same_output(first[name], second[name]):
            names.append(labels.get(name, name))
            a, b = first[name], second[name]
            if where is None and isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape:
                with np.errstate(invalid="ignore"):
                    differ = np.argwhere(~((a == b) | ((a != a) & (b != b))))
                if len(differ):
                    where = f"{labels.get(name, name)}{tuple(int(i) for i in differ[0])}"
    return names, where


def run_layer(cls, plan, params, inputs, runs=2):
    """Build a layer of class ``cls`` and make the calls ``plan`` lists; return what is judged.

    The layer gets copies of the inputs, so code that changes its arguments in place cannot change
    the caller's arrays. Return values are passed through unchanged: judging them is
    compare_outputs' job. Whatever the layer raises propagates; the warnings it gives are
    silenced (numpy's floating-point warnings too).

    Inputs:
    - cls: the layer class, e.g. a student's Convolution
    - plan: how the exercise runs (its folder's exercise.toml, as plain data):
      {"class": "Convolution", "init": ["W", "b", "stride", "pad"],
       "calls": [["forward", "x"], ["backward", "dout"]],
       "outputs": [{"name": "dx", "from": "backward"}, {"name": "dW", "from": "self.dW"}, ...]}
      "init" names the constructor's arguments (inputs are arrays, params numbers); each call is a
      method with the inputs it takes; an output is a call's return value or an attribute read
      after the calls
    - params: numbers, e.g. {"stride": 1, "pad": 0}
    - inputs: arrays, e.g. x: (N, C, H, W), dout: (N, FN, out_h, out_w), W: (FN, C, FH, FW), b: (FN,)
    - runs: how many times to run it, each time on a new layer with new copies (2: a result that
      changes from run to run comes from memory the code does not own, and would make regrades
      disagree; it raises NondeterministicOutput, which describe_exception words for the student)

    Returns {output name: value}, in the plan's order (a missing attribute reads as None).
    """
    if not callable(cls):
        raise TypeError(_("expected the class {name}, got {kind}").format(name=plan.get("class", ""),
                                                                          kind=_kind(cls)))
    first = _run_once(cls, plan, params, inputs)
    labels = {output["name"]: output_label(output) for output in plan["outputs"]}
    for _run in range(runs - 1):
        names, where = _differing(first, _run_once(cls, plan, params, inputs), labels)
        if names and where:
            raise NondeterministicOutput(
                _("{outputs} changed between two runs (first at {where}): the code reads memory it does not own, "
                  "or keeps something from an earlier layer").format(outputs=join_and(names), where=where))
        if names:
            raise NondeterministicOutput(
                _("{outputs} changed between two runs: the code reads memory it does not own, or keeps something "
                  "from an earlier layer").format(outputs=join_and(names)))
    return first


def _run_once(cls, plan, params, inputs):
    """One run on a new layer with new copies of the inputs."""
    args = [np.array(inputs[name], copy=True) if name in inputs else params[name] for name in plan["init"]]
    returned = {}
    # Warnings (0/0 in a wrong answer, say) would land on stderr; the comparison reports NaN anyway.
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        layer = cls(*args)
        for method, *names in plan["calls"]:
            returned[method] = getattr(layer, method)(*(np.array(inputs[name], copy=True) for name in names))
    outputs = {}
    for output in plan["outputs"]:
        source = output["from"]
        outputs[output["name"]] = (getattr(layer, source[len("self."):], None) if source.startswith("self.")
                                   else returned[source])
    return outputs


# ---------------------------------------------------------------- errors

def error_summary(exc):
    """The first line of an error report: "ValueError: the message"."""
    message = str(exc)
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _class_files(cls):
    """The files in which the methods of cls (and of its own base classes) were written."""
    files = set()
    for klass in getattr(cls, "__mro__", ()):
        if klass is object:
            continue
        for value in vars(klass).values():
            function = getattr(value, "__func__", value)
            code = getattr(function, "__code__", None)
            if code is not None:
                files.add(code.co_filename)
    return files


def describe_exception(exc, cls=None):
    """What an exception says, and where in the student's own code it happened.

    Only frames from the file (or notebook cell) that defines ``cls`` are shown: a student
    needs the line of theirs that failed, not numpy's internals.

    Returns text: "your code raised " + the error_summary (RAISED), then up to three
    "line 12, in backward: <code>" lines.
    """
    if isinstance(exc, NondeterministicOutput):
        return _("your code gave different results on two runs with the same inputs: {what}.\n"
                 "  Regrading would then give another score. Look for values read before they are written "
                 "(np.empty never filled) or a view that reaches past the end of its array (as_strided, "
                 "np.ndarray(buffer=...)): every value you read must be one you computed.").format(what=exc)
    lines = [_(RAISED).format(error=error_summary(exc))]
    if isinstance(exc, NotImplementedError):
        lines.append(_("  The exercise is not answered yet: replace `raise NotImplementedError()` with your code."))
    files = _class_files(cls) if cls is not None else set()
    frames = [frame for frame in traceback.extract_tb(exc.__traceback__) if frame.filename in files]
    for frame in frames[-3:]:
        code = (frame.line or "").strip()
        if code:
            lines.append(_("  line {line}, in {function}: {code}").format(line=frame.lineno, function=frame.name,
                                                                         code=code))
        else:
            lines.append(_("  line {line}, in {function}").format(line=frame.lineno, function=frame.name))
    return "\n".join(lines)


# ---------------------------------------------------------------- comparison

@dataclass
class OutputResult:
    """The verdict on one output (dx, dW or db) of one case.

    max_abs_error, worst_index and n_wrong are None when the output could not be compared
    (missing, not an array, wrong shape or dtype); max_abs_error is inf when there are NaN/inf.
    """
    name: str
    passed: bool
    message: str
    max_abs_error: float = None
    worst_index: tuple = None
    n_wrong: int = None
    n_total: int = None
    error_map: list = None  # where the values are wrong, for the instructor's heat map (set by the grader)
    label: str = None  # how messages name it: "dx", "self.dW" (None: its name)
    note: str = None  # something worth knowing that does not change the verdict (a float32 result)

    def to_dict(self):
        """JSON-ready (a non-finite max_abs_error becomes None)."""
        error = self.max_abs_error
        extra = {"error_map": self.error_map} if self.error_map is not None else {}
        if self.note is not None:
            extra["note"] = self.note
        return {
            "name": self.name,
            "passed": self.passed,
            "message": self.message,
            "max_abs_error": error if error is not None and np.isfinite(error) else None,
            "worst_index": list(self.worst_index) if self.worst_index is not None else None,
            "n_wrong": self.n_wrong,
            "n_total": self.n_total,
            **extra,
        }


def _kind(value):
    """'None', 'a list', 'a tuple of 3 items', 'a float64 number' ... for messages."""
    if value is None:
        return "None"
    if isinstance(value, tuple):
        return _("a tuple of {count} items").format(count=len(value))
    if isinstance(value, np.generic):
        return _("a single {dtype} number").format(dtype=value.dtype)
    name = type(value).__name__
    return (_("an {type}") if name[:1].lower() in "aeiou" else _("a {type}")).format(type=name)


def _number(value):
    return f"{float(value):.6g}" if np.isfinite(value) else str(float(value))


def _compare_one(name, got, expected, atol, described=None):
    """The verdict on one output; ``described`` is its entry in the exercise's plan ("from", "like", "by")."""
    described = described or {}
    source = described.get("from", "")
    label = output_label(described) if described else name
    method = described.get("by", _("the method"))
    like = described.get("like")
    shape_hint = (_("{shape} (the shape of {like})").format(shape=tuple(expected.shape), like=like) if like
                  else str(expected.shape))
    n_total = int(expected.size)

    def structural(message):
        return OutputResult(name, False, message, n_total=n_total, label=label)

    returned = not source.startswith("self.")
    if got is None:
        if returned:
            return structural(_("{method} returned None instead of {name}: is `return {name}` missing?").format(
                method=method, name=name))
        return structural(_("{label} is None: {method} must store its result in {label}.").format(
            label=label, method=method))
    if isinstance(got, tuple) and returned:
        if method == "backward":
            message = _("{method} returned {kind}; it must return {name} alone (and store the other gradients in "
                        "the layer's attributes).")
        else:
            message = _("{method} returned {kind}; it must return {name} alone (and store the other results in "
                        "the layer's attributes).")
        return structural(message.format(method=method, kind=_kind(got), name=name))
    if not isinstance(got, np.ndarray):
        return structural(_("{label} is {kind}; expected a numpy array of shape {shape}.").format(
            label=label, kind=_kind(got), shape=shape_hint))
    if got.shape != expected.shape:
        if got.size == expected.size:
            message = _("{label} has shape {shape}; expected {expected}. It has the right number of elements: a "
                        "reshape or transpose is off.")
        else:
            message = _("{label} has shape {shape}; expected {expected}.")
        return structural(message.format(label=label, shape=tuple(got.shape), expected=shape_hint))
    if expected.dtype == np.bool_:  # a stored mask (a forward's): the same True/False values, compared as 0/1
        if got.dtype != np.bool_:
            return structural(_("{label} has dtype {dtype}; expected bool, a mask.").format(label=label,
                                                                                           dtype=got.dtype))
        got, expected = got.astype(np.float64), expected.astype(np.float64)
    note = None
    if got.dtype != expected.dtype:
        # Values decide: float32 (or int) numbers within atol pass, as they would on Educoder. Booleans,
        # complex numbers and objects are not gradients of real inputs.
        if got.dtype == np.bool_ or not (np.issubdtype(got.dtype, np.floating) or np.issubdtype(got.dtype, np.integer)):
            return structural(_("{label} has dtype {dtype}; expected {expected}, the dtype of the inputs.").format(
                label=label, dtype=got.dtype, expected=expected.dtype))
        note = _("{label} has dtype {dtype}; {expected}, the dtype of the inputs, is expected. Only the values are "
                 "graded, but a lower precision can cost you the {atol} tolerance.").format(
            label=label, dtype=got.dtype, expected=expected.dtype, atol=f"{atol:g}")
        got = got.astype(np.float64)

    diff = np.abs(got - expected)
    worst_flat = int(np.argmax(diff)) if diff.size else 0  # argmax finds the first NaN, if any
    max_error = float(diff.flat[worst_flat]) if diff.size else 0.0
    worst = tuple(int(i) for i in np.unravel_index(worst_flat, diff.shape)) if diff.size else ()
    if max_error <= atol:  # False for NaN
        return OutputResult(name, True, _("{label} is correct (largest error {error}).").format(
                                label=label, error=f"{max_error:.1e}"),
                            max_error, worst, 0, n_total, note=note, label=label)
    if np.isnan(max_error):
        max_error = float("inf")
    n_wrong = int(np.count_nonzero(~(diff <= atol)))  # NaN compares False, so NaN counts as wrong

    nonfinite = ~np.isfinite(got)
    n_nonfinite = int(np.count_nonzero(nonfinite))
    if n_nonfinite:
        first = tuple(int(i) for i in np.argwhere(nonfinite)[0])
        others = n_wrong - n_nonfinite
        if others:
            message = _("{label} contains {count} NaN or inf value(s), the first at index {index}; NaN and inf never "
                        "pass. Besides, {others} finite value(s) are off by more than {atol}.")
        else:
            message = _("{label} contains {count} NaN or inf value(s), the first at index {index}; NaN and inf never "
                        "pass.")
        message = message.format(label=label, count=n_nonfinite, index=first, others=others, atol=f"{atol:g}")
        return OutputResult(name, False, message, max_error, first, n_wrong, n_total, note=note, label=label)
    message = _("{label}: {wrong} of {total} values are off by more than {atol}; the largest error is {error} at "
                "index {index} (yours {yours}, expected {expected}).").format(
        label=label, wrong=n_wrong, total=n_total, atol=f"{atol:g}", error=f"{max_error:.3g}", index=worst,
        yours=_number(got[worst]), expected=_number(expected[worst]))
    return OutputResult(name, False, message, max_error, worst, n_wrong, n_total, note=note, label=label)


def compare_outputs(student, reference, atol, outputs=None):
    """Judge every output of the reference, in its order: types and shapes first, then values.

    Inputs:
    - student: {"dx": ..., "dW": ..., "db": ...} as run_layer returned it (anything goes: None,
      lists, wrong shapes; a missing key counts as None)
    - reference: the expected outputs in the same form, float64 arrays: dx (N, C, H, W), and for
      the convolution dW (FN, C, FH, FW) and db (FN,)
    - atol: an output passes when every |yours - expected| <= atol (NaN and inf never pass)
    - outputs: the plan's "outputs" entries (where each comes from, whose shape it has), for the
      messages ("self.dW is None: backward must store ..."); without them outputs go by their names

    Returns a list of OutputResult, one per reference output.
    """
    student = student if isinstance(student, dict) else {}
    described = {entry["name"]: entry for entry in outputs or ()}
    with np.errstate(all="ignore"):  # inf - inf and the like: the result says NaN/inf anyway
        return [_compare_one(name, student.get(name), np.asarray(expected), atol, described.get(name))
                for name, expected in reference.items()]


def same_values(a, b, atol):
    """True when a and b are both None, or arrays of one shape, finite, within atol everywhere."""
    if a is None or b is None:
        return a is None and b is None
    if not isinstance(a, np.ndarray) or not isinstance(b, np.ndarray) or a.shape != b.shape:
        return False
    if not (np.issubdtype(a.dtype, np.number) and np.issubdtype(b.dtype, np.number)):
        return False
    with np.errstate(invalid="ignore", over="ignore"):
        return bool(np.all(np.abs(a - b) <= atol))


# ---------------------------------------------------------------- diagnosis

@dataclass(frozen=True)
class Candidate:
    """What a known wrong implementation did on a case.

    - differs: its outputs that differ from the reference ({name: array or None})
    - error: error_summary of what it raised, or None
    """
    name: str
    differs: dict
    error: str = None


def _raised(error_text, summary):
    """True when error_text reports exactly the error ``summary`` ("ValueError: ..."), whole message."""
    for head in (*raised_heads(summary), summary):
        if error_text == head or error_text.startswith(head + "\n"):
            return True
    return False


def match_mistakes(student, failing, candidates, student_error=None, *, atol):
    """Names of the known mistakes that explain the student's wrong outputs (or error), best first.

    A candidate explains a wrong output when it gets that output wrong too, and the student's
    output equals the candidate's to atol. A raised error is explained by a candidate that
    raised the same error (same type and message, so the same shapes). Candidates are taken in
    order, and each must explain something the earlier ones did not; the search stops once
    everything is explained, so a lazy iterable of candidates is evaluated only as far as needed.

    Inputs:
    - student: the student's outputs {name: value}, or None when the code raised
    - failing: names of the student's outputs that did not pass
    - candidates: iterable of Candidate
    - student_error: describe_exception text when the student's code raised

    Returns a list of candidate names.
    """
    if student_error is not None:
        if "NotImplementedError" in student_error.split("\n", 1)[0]:
            return []  # the stub is still there: nothing to diagnose
        for candidate in candidates:
            if candidate.error and _raised(student_error, candidate.error):
                return [candidate.name]
        return []
    remaining = set(failing)
    found = []
    if not remaining:
        return found
    for candidate in candidates:
        if candidate.error:
            continue
        explained = {name for name in remaining
                     if name in candidate.differs and same_values(student.get(name), candidate.differs[name], atol)}
        if explained:
            found.append(candidate.name)
            remaining -= explained
            if not remaining:
                break  # before the next candidate runs
    return found


# ---------------------------------------------------------------- the record of a case, and feedback

@dataclass
class CaseResult:
    """The verdict on one case.

    - name, description: the case ("overlap", "3x3 window, stride 1: windows overlap")
    - setting: its sizes in one line ("x (2, 3, 5, 6), W (4, 3, 3, 3), stride 1, pad 0")
    - outputs: one OutputResult per output (empty when the code raised)
    - error: describe_exception text when the code raised (or the grader's message, e.g. a time-out)
    - diagnosis: the known mistakes that explain the failure; objects with .name, .title, .hint
    """
    name: str
    description: str
    setting: str
    passed: bool
    outputs: list = field(default_factory=list)
    error: str = None
    diagnosis: list = field(default_factory=list)

    def to_dict(self):
        return {
            "name": self.name,
            "description": self.description,
            "setting": self.setting,
            "passed": self.passed,
            "error": self.error,
            "outputs": [output.to_dict() for output in self.outputs],
            "diagnosis": [mistake_dict(mistake) for mistake in self.diagnosis],
        }


def mistake_dict(mistake):
    return {"name": mistake.name, "title": mistake.title, "hint": mistake.hint}


def summarize_diagnoses(cases):
    """The mistakes named across cases, most cases first: a list of (mistake, number of cases)."""
    counts, first = {}, {}
    for case in cases:
        for mistake in case.diagnosis:
            counts[mistake.name] = counts.get(mistake.name, 0) + 1
            first.setdefault(mistake.name, mistake)
    order = sorted(counts, key=lambda name: -counts[name])  # stable: ties keep first-seen order
    return [(first[name], counts[name]) for name in order]


def _indent(text, prefix="    "):
    return "\n".join(prefix + line for line in text.splitlines())


def _error_signature(error):
    """(the error's first part, its traceback lines): one error, whatever the numbers in its message."""
    lines = error.splitlines()
    return re.split("[:：]", lines[0], maxsplit=1)[0], tuple(lines[1:])  # a colon, ASCII or full-width (Chinese)


def _structural_signature(outputs):
    """The failing outputs' messages with the numbers blanked out, when all of them are type or shape
    problems (those repeat from case to case); None when some output has wrong values."""
    wrong = [output for output in outputs if not output.passed]
    if not wrong or any(output.max_abs_error is not None for output in wrong):
        return None
    return tuple((output.name, re.sub(r"\d+", "#", output.message)) for output in wrong)


def _error_lines(case, seen):
    """The case's error in full the first time it is met (message and the student's lines), afterwards
    a reference to the case where it was shown: every error is shown once, with its line."""
    signature = _error_signature(case.error)
    if signature in seen:
        return [_indent(_("the same error as in {case} ({error}).").format(case=seen[signature], error=signature[0]))]
    seen[signature] = case.name
    return [_indent(case.error)]


def case_lines(case, show_error=True, seen=None, brief=False):
    """A ✓/✗ line for the case, then (when it failed) what went wrong, indented.

    seen: a dict shared across cases; a problem already shown in full (the same error, or the same
    type or shape problem with other sizes) is then only referred to.
    """
    mark = "✓" if case.passed else "✗"
    lines = [_("{mark} {case}: {description} [{setting}]").format(mark=mark, case=case.name,
                                                                   description=case.description, setting=case.setting)]
    if case.passed:
        return lines
    seen = {} if seen is None else seen
    if brief:
        if case.error is not None and show_error:
            lines += _error_lines(case, seen)
        wrong = [(output.label or output.name) for output in case.outputs if not output.passed]
        if wrong and case.diagnosis:
            lines.append(_indent(_("{outputs} wrong: {mistakes}").format(
                outputs=join_and(wrong), mistakes=join_semicolons(m.title for m in case.diagnosis))))
        elif wrong:
            lines.append(_indent(_("{outputs} wrong").format(outputs=join_and(wrong))))
        return lines
    if case.error is not None:
        if show_error:
            lines += _error_lines(case, seen)
    else:
        signature = _structural_signature(case.outputs)
        wrong = [output for output in case.outputs if not output.passed]
        right = [(output.label or output.name) for output in case.outputs if output.passed]
        if signature is not None and signature in seen:
            labels = join_and((output.label or output.name) for output in wrong)
            lines.append(_indent(_("{outputs}: the same problem as in {case}.").format(outputs=labels,
                                                                                     case=seen[signature])))
        else:
            lines += [_indent(output.message) for output in wrong]
            if right:
                lines.append(_indent(ngettext("{outputs} is correct.", "{outputs} are correct.", len(right)).format(
                    outputs=join_and(right))))
            if signature is not None:
                seen[signature] = case.name
    if case.diagnosis:
        lines.append(_indent(_("this looks like: {mistakes}").format(
            mistakes=join_semicolons(mistake.title for mistake in case.diagnosis))))
    return lines


def diagnosis_lines(cases, limit=3):
    """'Likely mistake: <title> (in k cases)' and its hint, for the mistakes found across cases."""
    lines = []
    for mistake, count in summarize_diagnoses(cases)[:limit]:
        lines.append(ngettext("Likely mistake: {title} (in {count} case)", "Likely mistake: {title} (in {count} cases)",
                              count).format(title=mistake.title, count=count))
        lines.append(_indent(mistake.hint, "  "))
    return lines


def finding_lines(findings, limit=3):
    """'What the experiments show: <title>' and its hint, for the hints found by experiment (utils.probing)."""
    lines = []
    for finding in list(findings)[:limit]:
        lines.append(_("What the experiments show: {title}").format(title=finding.title))
        lines.append(_indent(finding.hint, "  "))
    return lines


def consistent_diagnoses(cases, fails_on):
    """Keep a catalogued mistake only where it fits the whole picture: a student who passed a case on which
    the mistake's own code fails does not make that mistake, even if one case's output happens to match it.

    - cases: the CaseResults, in order; their .diagnosis lists are filtered in place
    - fails_on(name, index): True when the mistake called name fails case number index
    """
    named = {mistake.name for case in cases for mistake in case.diagnosis}
    wrong = {name for name in named
             if any(case.passed and fails_on(name, index) for index, case in enumerate(cases))}
    for case in cases:
        case.diagnosis = [mistake for mistake in case.diagnosis if mistake.name not in wrong]
    return cases


def feedback_text(cases, score=None, max_score=None, verbose=False, detailed=3, findings=()):
    """The feedback on one method, as a student reads it.

    "All 8 cases passed." when everything passed; otherwise, first, how many passed (and the points)
    and the likely mistakes with a hint (what a student should read first), then every failing case
    with what went wrong, then the cases that passed. verbose (the self-check's style) lists every
    case with its ✓/✗ line. Only the first ``detailed`` failing cases are shown in full: after that a
    student has seen the pattern, and a wall of numbers hides the hint. ``findings`` are the hints found
    by experiment (utils.probing), listed after the catalogue's (the most specific).
    """
    n = len(cases)
    passed = [case for case in cases if case.passed]
    failed = [case for case in cases if not case.passed]
    notes = note_lines(cases)
    if not failed:
        summary = _("All {count} cases passed.").format(count=n)
        lines = [line for case in cases for line in case_lines(case)] if verbose else []
        return "\n".join(lines + [summary] + notes)
    if score is not None and max_score is not None:
        summary = _("{passed} of {total} cases passed: {score} of {max_score} points.").format(
            passed=len(passed), total=n, score=f"{score:g}", max_score=f"{max_score:g}")
    else:
        summary = _("{passed} of {total} cases passed.").format(passed=len(passed), total=n)
    errors = {case.error for case in failed}
    same_error = len(failed) > 1 and len(errors) == 1 and None not in errors
    lines = [summary]
    if same_error:
        lines.append(_("Every failing case: {error}").format(error=failed[0].error))
    lines += diagnosis_lines(cases)
    lines += finding_lines(findings)
    seen = {}
    shown = 0
    for case in (cases if verbose else failed):
        if case.passed:
            lines += case_lines(case)
        elif same_error or shown >= detailed:
            lines += case_lines(case, show_error=not same_error, seen=seen, brief=True)
        else:
            lines += case_lines(case, True, seen)
            shown += 1
    if passed and not verbose:
        lines.append(_("✓ passed: {cases}").format(cases=", ".join(case.name for case in passed)))
    return "\n".join(lines + notes)


def note_lines(cases):
    """"Note: ..." once for every different note on the outputs (a float32 result, say)."""
    notes = []
    for case in cases:
        for output in case.outputs:
            note = _("Note: {note}").format(note=output.note) if output.note else None
            if note and note not in notes:
                notes.append(note)
    return notes