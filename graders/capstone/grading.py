"""Grading the capstone: the network's gradient, one training step, and a training run.

    results = grade_capstone(answers, seeds)      # answers: {"ConvNet.gradient": region text, ...}

Each skill is graded once. The layers under the student's network are the reference ``Convolution``
and ``MaxPool`` (a mistake in ``MaxPool.backward`` costs points in ``conv_pool_backward`` only), with
the given ``ReLU``, ``Affine`` and ``SoftmaxWithLoss``; the student's code is what stands between Begin
and End in ``ConvNet.gradient``, ``Momentum.update`` and ``Adam.update``.

- ``ConvNet.gradient``: random small networks (sizes differ in every case: channels, filters, padding,
  overlapping or side-by-side pooling, batch, classes), weights and images from the student's seeds;
  every parameter's gradient within 1e-5 of the reference's.
- The training step, ``Momentum.update`` or ``Adam.update``, the student's choice: both run on the same
  cases (three steps in a row, so the velocity and moments count) and the better one is the grade;
  the arrays the network holds are judged (an update must change them in place).
- ``ConvNet.train``: the digits network from seed 0, the chosen optimizer, ``TRAINING["epochs"]`` epochs
  on the training split; the sandbox returns its predictions on the held-out split (the labels never
  go in) and the accuracy must reach ``TRAINING["threshold"]``.

Every case runs in the sandbox (``graders.engine.sandbox``) with ``graders/capstone/runner.py``; the
reference outputs come from the same runner, in this process, with the reference classes.
"""
import ast
import importlib.util
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from graders.capstone import runner
from graders.core.scoring import method_passed, method_score
from graders.core.compare import ATOL
from graders.i18n import N_, _
from utils.checking import CaseResult, OutputResult, compare_outputs, feedback_text

RUNNER_FILE = Path(runner.__file__).resolve()
ANSWERS = ("ConvNet.gradient", "Momentum.update", "Adam.update")  # the student's Begin/End regions
STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
POINTS = {"ConvNet.gradient": 4.0, "step": 3.0, "ConvNet.train": 3.0}
TIME_LIMIT = 60.0  # seconds for one run of the sandbox (the training run takes about 5 on a loaded 2-core machine)

# The training run: the notebook's settings, a budget the reference meets with a margin (it reaches
# 0.975-0.99 with either optimizer, whatever the seed of the weights).
TRAINING = {"epochs": 20, "batch_size": 32, "seed": 0, "threshold": 0.95}
OPTIMIZERS = {"Momentum": {"opt_lr": 0.05, "opt_momentum": 0.9}, "Adam": {"opt_lr": 0.002}}
DIGITS_NETWORK = {"channels": 1, "height": 8, "width": 8, "filter_num": 16, "filter_size": 3, "pad": 1,
                  "pool_size": 3, "pool_stride": 2, "pool_pad": 1, "hidden_size": 64, "output_size": 10, "seed": 0}


# ----------------------------------------------------------------------------------------------------------
# The cases

@dataclass(frozen=True)
class NetworkCase:
    name: str
    description: str
    sizes: dict  # channels, height, width, filter_num, filter_size, pad, pool_size, pool_stride, pool_pad,
    #              hidden_size, output_size, batch


GRADIENT_CASES = (
    NetworkCase("overlapping_pool", N_("3x3 pooling with stride 2 and padding 1 (windows overlap), as in the "
                                       "digits network"), dict(channels=1, height=7, width=6, filter_num=3, filter_size=3, pad=1, pool_size=3,
                                pool_stride=2, pool_pad=1, hidden_size=5, output_size=4, batch=3)),
    NetworkCase("side_by_side_pool", N_("2x2 pooling with stride 2, no padding in the convolution, two input "
                                        "channels"), dict(channels=2, height=6, width=8, filter_num=4, filter_size=3, pad=0, pool_size=2,
                                 pool_stride=2, pool_pad=0, hidden_size=6, output_size=3, batch=2)),
    NetworkCase("wide_filters", N_("5x5 filters with padding 2, 3x3 pooling with stride 1, five classes"),
                dict(channels=1, height=5, width=7, filter_num=2, filter_size=5, pad=2, pool_size=3,
                     pool_stride=1, pool_pad=0, hidden_size=3, output_size=5, batch=4)),
)

UPDATE_CASES = (
    ("default", N_("the notebook's hyperparameters, three steps in a row"), {}),
    ("other_hyperparameters", N_("other hyperparameters (learning rate, momentum or betas), three steps in a row"),
     {"Momentum": {"opt_lr": 0.3, "opt_momentum": 0.5},
      "Adam": {"opt_lr": 0.01, "opt_beta1": 0.7, "opt_beta2": 0.95, "opt_eps": 1e-6}}),
)
UPDATE_SHAPES = {"W1": (2, 1, 3, 3), "b1": (2,), "W2": (5, 4), "b2": (4,)}
UPDATE_STEPS = 3


def gradient_case_data(case, rng):
    """(params, inputs) of a gradient case: the network's sizes and its weights, images and labels."""
    s = case.sizes
    params = {key: value for key, value in s.items() if key != "batch"}
    params["seed"] = 0
    shapes = _network_shapes(s)
    inputs = {key: rng.standard_normal(shape) * 0.5 for key, shape in shapes.items()}
    inputs["x"] = rng.standard_normal((s["batch"], s["channels"], s["height"], s["width"]))
    inputs["t"] = rng.integers(0, s["output_size"], size=s["batch"]).astype(np.int64)
    return params, inputs


def _network_shapes(s):
    conv_h = s["height"] + 2 * s["pad"] - s["filter_size"] + 1
    conv_w = s["width"] + 2 * s["pad"] - s["filter_size"] + 1
    pool_h = (conv_h + 2 * s["pool_pad"] - s["pool_size"]) // s["pool_stride"] + 1
    pool_w = (conv_w + 2 * s["pool_pad"] - s["pool_size"]) // s["pool_stride"] + 1
    flat = s["filter_num"] * pool_h * pool_w
    return {"W1": (s["filter_num"], s["channels"], s["filter_size"], s["filter_size"]), "b1": (s["filter_num"],),
            "W2": (flat, s["hidden_size"]), "b2": (s["hidden_size"],),
            "W3": (s["hidden_size"], s["output_size"]), "b3": (s["output_size"],)}


def update_case_data(optimizer, hyper, rng):
    """(params, inputs) of an update case: hyperparameters, starting arrays and one gradient per step."""
    params = dict(OPTIMIZERS[optimizer], **hyper.get(optimizer, {}), steps=UPDATE_STEPS)
    inputs = {f"p_{key}": rng.standard_normal(shape) for key, shape in UPDATE_SHAPES.items()}
    for step in range(UPDATE_STEPS):
        inputs.update({f"g{step}_{key}": rng.standard_normal(shape) for key, shape in UPDATE_SHAPES.items()})
    return params, inputs


# ----------------------------------------------------------------------------------------------------------
# The source the sandbox runs

def _class_sources(path, names):
    """{name: source text} of the top-level classes and functions `names` of the file `path`."""
    text = Path(path).read_text(encoding="utf-8")
    lines = text.split("\n")
    found = {}
    for node in ast.parse(text).body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)) and node.name in names:
            end = node.end_lineno
            # The End line after a method's last statement is a comment: it belongs to the class.
            while end < len(lines) and lines[end].strip().startswith("#") and lines[end][:1].isspace():
                end += 1
            found[node.name] = "\n".join(lines[node.lineno - 1:end]) + "\n"
    missing = [name for name in names if name not in found]
    if missing:
        raise ValueError(f"{path} defines no {', '.join(missing)}")
    return found


def _solutions_file(module):
    spec = importlib.util.find_spec("solutions")
    return Path(list(spec.submodule_search_locations)[0]) / f"{module}.py"


def _region(lines, method):
    """(begin, end): the indexes of the Begin and End lines of the region inside `method`."""
    from graders.exercises import method_regions
    regions = method_regions(lines, "the class")
    if method not in regions:
        raise ValueError(f"no Begin/End region in method {method}")
    return regions[method]


def splice(class_text, method, answer):
    """class_text with the Begin/End region of `method` holding `answer`, moved as a block to the region's
    indentation (an answer may come with its notebook indentation or none)."""
    from graders.engine.notebook import splice_region
    lines = class_text.split("\n")
    begin, _end = _region(lines, method)
    indent = lines[begin][:len(lines[begin]) - len(lines[begin].lstrip())]
    return splice_region(class_text, method, "\n".join(_reindent(answer, indent)))


def _reindent(answer, indent):
    """The answer's lines, moved as a block so that its least indented line sits at `indent`."""
    lines = answer.rstrip("\n").split("\n")
    body = [line for line in lines if line.strip()]
    least = min((len(line) - len(line.lstrip()) for line in body), default=0)
    return [indent + line[least:] if line.strip() else "" for line in lines]


def submission_source(answers):
    """The Python the sandbox runs: the reference Convolution and MaxPool, the given layers, and ConvNet,
    Momentum and Adam as released with the student's regions (a missing region: the stub), then
    ``class CapstoneSubmission`` naming them for the runner."""
    layers = _class_sources(_solutions_file("layers"), ("Convolution", "MaxPool"))
    given = _class_sources(_solutions_file("capstone"),
                           ("ReLU", "Affine", "softmax", "SoftmaxWithLoss", "ConvNet", "Momentum", "Adam"))
    for qualified in ANSWERS:
        class_name, method = qualified.split(".")
        given[class_name] = splice(given[class_name], method, answers.get(qualified) or STUB)
    parts = ["from collections import OrderedDict\n", layers["Convolution"], layers["MaxPool"]]
    parts += [given[name] for name in ("ReLU", "Affine", "softmax", "SoftmaxWithLoss", "ConvNet", "Momentum",
                                       "Adam")]
    parts.append("class CapstoneSubmission:\n    ConvNet = ConvNet\n    Momentum = Momentum\n    Adam = Adam\n")
    return "\n\n".join(parts)


def reference_answers():
    """{"ConvNet.gradient": the text between Begin and End, ...} of solutions/capstone.py: the right answers."""
    classes = _class_sources(_solutions_file("capstone"), tuple(q.split(".")[0] for q in ANSWERS))
    answers = {}
    for qualified in ANSWERS:
        class_name, method = qualified.split(".")
        lines = classes[class_name].split("\n")
        begin, end = _region(lines, method)
        answers[qualified] = "\n".join(lines[begin + 1:end])
    return answers


def reference_submission():
    from solutions.capstone import Adam, ConvNet, Momentum
    return SimpleNamespace(ConvNet=ConvNet, Momentum=Momentum, Adam=Adam)


# ----------------------------------------------------------------------------------------------------------
# Results

@dataclass
class TestResult:
    """One graded test, in the grading results' format (``to_dict``)."""
    name: str
    score: float
    max_score: float
    passed: bool
    feedback: str
    cases: list = field(default_factory=list)  # CaseResult
    details: dict = field(default_factory=dict)

    def to_dict(self):
        return {"name": self.name, "score": self.score, "max_score": self.max_score, "passed": self.passed,
                "feedback": self.feedback, "diagnosis": [], **self.details}


def _case_result(name, description, setting, outcome, reference, notes=()):
    description = _(description)  # the cases' descriptions are marked N_ above, shown in the grading language
    if outcome.error is not None:
        return CaseResult(name, description, setting, False, [], outcome.error, [])
    results = compare_outputs(outcome.outputs or {}, reference, ATOL)
    for note in notes:
        results = [note(result) for result in results]
    return CaseResult(name, description, setting, all(r.passed for r in results), results, None, [])


def _scored(name, points, cases):
    passed = sum(case.passed for case in cases)
    return TestResult(name, method_score(points, passed, len(cases)), points, method_passed(passed, len(cases)),
                      feedback_text(cases), cases)


# ----------------------------------------------------------------------------------------------------------
# Grading

def grade_capstone(answers, seeds, run_cases, data=None):
    """The three tests of a capstone submission.

    Inputs:
    - answers: {"ConvNet.gradient" | "Momentum.update" | "Adam.update": the text between Begin and End}
      (a missing or empty one is the stub)
    - seeds: a graders.core.seeds.SeedSource (the student's cases)
    - run_cases: function(source, cases: list of SandboxCase) -> list of CaseOutcome, e.g.
      ``sandbox_runner(box)`` with a Sandbox started with RUNNER_FILE and TIME_LIMIT
    - data: (x_train, t_train, x_test, t_test), default utils.digits.load_digits_split()

    Returns [TestResult for ConvNet.gradient, for the training step, for ConvNet.train].
    """
    from graders.engine.sandbox import SandboxCase
    source = submission_source(answers)
    reference = reference_submission()

    # The network's gradient.
    cases, expected = [], []
    for case in GRADIENT_CASES:
        params, inputs = gradient_case_data(case, seeds.rng(f"ConvNet.gradient/{case.name}"))
        cases.append(SandboxCase("ConvNet.gradient", params, inputs))
        expected.append(runner.run_case(reference, "ConvNet.gradient", params, inputs))
    outcomes = run_cases(source, cases)
    gradient = _scored("ConvNet.gradient", POINTS["ConvNet.gradient"], [
        _case_result(case.name, case.description, _network_setting(case), outcome, ref)
        for case, outcome, ref in zip(GRADIENT_CASES, outcomes, expected)])

    # The training step: both optimizers on the same cases; the better one counts.
    steps = {}
    for optimizer in OPTIMIZERS:
        kind = f"{optimizer}.update"
        cases, expected, starts = [], [], []
        for name, description, hyper in UPDATE_CASES:
            params, inputs = update_case_data(optimizer, hyper, seeds.rng(f"{kind}/{name}"))
            cases.append(SandboxCase(kind, params, inputs))
            expected.append(runner.run_case(reference, kind, params, inputs))
            starts.append({key: inputs[f"p_{key}"] for key in UPDATE_SHAPES})
        outcomes = run_cases(source, cases)
        steps[optimizer] = _scored(kind, POINTS["step"], [
            _case_result(name, description, _update_setting(cases[i].params), outcome, ref,
                         notes=[_unchanged_note(outcome, starts[i])])
            for i, ((name, description, _hyper), outcome, ref) in enumerate(zip(UPDATE_CASES, outcomes, expected))])
    chosen = max(steps, key=lambda opt: (steps[opt].score, opt == "Momentum"))
    step = steps[chosen]
    other = steps["Adam" if chosen == "Momentum" else "Momentum"]
    step.details = {"chosen": chosen, "other": {"name": other.name, "score": other.score}}
    step.feedback = _("Graded on {chosen}.update, the better of your two optimizers ({other}: {score:g} of "
                      "{max_score:g}).").format(chosen=chosen, other=other.name, score=other.score,
                                                max_score=other.max_score) + "\n" + step.feedback

    # The training run, with the chosen optimizer.
    training = grade_training(source, chosen, run_cases, data)
    return [gradient, step, training]


def grade_training(source, optimizer, run_cases, data=None):
    """TestResult of ConvNet.train: the student's network and optimizer trained in the sandbox, scored here."""
    from graders.engine.sandbox import SandboxCase
    if data is None:
        from utils.digits import load_digits_split
        data = load_digits_split()
    x_train, t_train, x_test, t_test = data
    params = dict(DIGITS_NETWORK, **OPTIMIZERS[optimizer], optimizer=optimizer, epochs=TRAINING["epochs"],
                  batch_size=TRAINING["batch_size"])
    params["seed"] = TRAINING["seed"]
    inputs = {"x_train": x_train, "t_train": t_train, "x_test": x_test}
    outcome = run_cases(source, [SandboxCase("ConvNet.train", params, inputs)])[0]
    setting = _("{train} training digits, {epochs} epochs of {batch}, {optimizer}, seed {seed}; {test} held-out "
                "digits").format(train=len(x_train), epochs=TRAINING["epochs"], batch=TRAINING["batch_size"],
                                 optimizer=optimizer, seed=TRAINING["seed"], test=len(x_test))
    description = _("train the digits network and reach {threshold:.0%} accuracy on held-out digits").format(
        threshold=TRAINING["threshold"])
    threshold = TRAINING["threshold"]
    if outcome.error is not None:
        case = CaseResult("training_run", description, setting, False, [], outcome.error, [])
        accuracy = None
    else:
        predictions = (outcome.outputs or {}).get("predictions")
        if not isinstance(predictions, np.ndarray) or predictions.shape != t_test.shape:
            result = OutputResult("accuracy", False, _("the training run returned no predictions"),
                                  n_total=len(t_test))
            accuracy = None
        else:
            accuracy = float(np.mean(predictions == t_test))
            wrong = int(np.sum(predictions != t_test))
            if accuracy >= threshold:
                message = _("{accuracy:.1%} of the held-out digits right ({wrong} wrong): reached the {threshold:.0%} "
                            "needed")
            else:
                message = _("{accuracy:.1%} of the held-out digits right ({wrong} wrong): fell short of the "
                            "{threshold:.0%} needed. The layers are the reference ones here, so look at your gradient "
                            "(does the gradient check pass?) and at your update (are the arrays changed in place?)")
            message = message.format(accuracy=accuracy, wrong=wrong, threshold=threshold)
            result = OutputResult("accuracy", accuracy >= threshold, message, n_wrong=wrong, n_total=len(t_test))
        case = CaseResult("training_run", description, setting, result.passed, [result], None, [])
    test = _scored("ConvNet.train", POINTS["ConvNet.train"], [case])
    if accuracy is not None and case.passed:
        test.feedback = f"{result.message}.\n" + test.feedback
    test.details = {"accuracy": accuracy, "threshold": threshold, "optimizer": optimizer}
    return test


def _network_setting(case):
    s = case.sizes
    return _("x ({batch}, {channels}, {height}, {width}), {filter_num} filters {filter_size}x{filter_size} pad {pad}, "
             "pool {pool_size}x{pool_size} stride {pool_stride} pad {pool_pad}, hidden {hidden_size}, {output_size} "
             "classes").format(**s)


def _update_setting(params):
    hyper = ", ".join(f"{key[4:]}={value:g}" for key, value in params.items() if key.startswith("opt_"))
    return _("{hyperparameters}, {steps} steps").format(hyperparameters=hyper, steps=params["steps"])


def _unchanged_note(outcome, starts):
    """Adds to a failing output's message when the array was left as it was: an update that rebinds."""
    outputs = outcome.outputs or {}

    def note(result):
        got = outputs.get(result.name)
        if (not result.passed and isinstance(got, np.ndarray) and got.shape == starts[result.name].shape
                and np.array_equal(got, starts[result.name])):
            result.message += " " + _("The array the network holds did not change at all: change it in place "
                                      "(params[key] -= ..., or params[key][...] = ...), since the layers keep the "
                                      "very arrays of params; params[key] = ... makes a new one they never see.")
        return result
    return note


def sandbox_runner(box):
    """run_cases for grade_capstone, through a graders.engine.sandbox.Sandbox started with RUNNER_FILE."""
    from graders.engine.sandbox import CaseOutcome

    def run_cases(source, cases):
        run = box.run(source, "CapstoneSubmission", cases, filename="<your capstone answer>")
        if run.status != "finished" and all(outcome.error is None for outcome in run.cases):
            return [CaseOutcome(error=_("your code did not finish ({status})").format(status=run.status))] * len(cases)
        return run.cases
    return run_cases
