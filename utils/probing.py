"""Diagnosis by experiment: what a wrong backward pass gets wrong, found by changing one thing at a time.

The catalogue (``utils.checking.match_mistakes``) names a mistake when a student's output equals a
known wrong implementation's exactly; a variant of a known mistake, or a new one, slips through it.
This module looks at the evidence instead:

- **experiments**: besides the graded cases the student's class runs on *probe* cases that differ
  from a simple base case (no padding, no overlap, square window, no tied maxima, N, C and FN above
  1) in one factor each. If the base is right and the variant with padding is wrong, padding is what
  breaks it; if the base is wrong and the variant with N = 1 is right, the images get mixed up.
- **structure of the error**: the output is all zeros; the expected one times a constant (1/N: a
  division by the batch size); one number where an array belongs; the right numbers in another axis
  order; wrong only where windows overlap, only within ``pad`` of the border, only at tied maxima;
  different on two identical runs.

A finding is given only when the evidence supports it: a factor is named only if every failing run
(graded or probe) has it, and a structure only if every failing run shows it. Each finding says
what was observed, then asks the question that leads to the fix (never the answer code).

numpy and utils only: students receive this module, and their self-check runs it on the probe cases
stored in ``selfcheck_cases.npz``; the grader runs the very same function on its own runs, so the
same code gets the same hints everywhere, in the language chosen (``utils.i18n``) when they are made.
"""
import itertools
from dataclasses import dataclass, field

import numpy as np

from utils.checking import compare_outputs, is_nondeterministic, is_raised, join_and, join_or
from utils.i18n import N_, _, ngettext
from utils.im2col import col2im, im2col

# How close two numbers must be for an experiment to call them equal: the experiments give hints, never a
# grade (the grade's tolerance is the course's, course.toml's `tolerance`).
ATOL = 1e-5
LABELS = {"dW": "self.dW", "db": "self.db"}  # the convolution's stored gradients, as the messages name them


@dataclass(frozen=True)
class Finding:
    """A hint found by experiment: name (stable id, "probe_overlap"), title, hint (as a Mistake has)."""
    name: str
    title: str
    hint: str


@dataclass
class Run:
    """One run of the student's class: a graded case or a probe.

    - params: the layer's numbers; inputs: x, dout (W, b); expected: the reference outputs
    - outputs: what the student's code produced ({"dx": ...}), or None when it raised
    - error: the error text when it raised (describe_exception's, or the grader's message)
    """
    name: str
    params: dict
    inputs: dict
    expected: dict
    outputs: dict = None
    error: str = None
    probe: bool = False
    _ok: dict = field(default=None, repr=False)

    def ok(self, output):
        """True when this output passed in this run."""
        if self._ok is None:
            if self.outputs is None:
                self._ok = {name: False for name in self.expected}
            else:
                self._ok = {result.name: result.passed for result in compare_outputs(self.outputs, self.expected, ATOL)}
        return self._ok[output]

    @property
    def passed(self):
        return all(self.ok(name) for name in self.expected)


# ---------------------------------------------------------------- the factors of a run

def _geometry(params, inputs):
    """(fh, fw, stride, pad) of a run."""
    if "W" in inputs:
        fh, fw = np.shape(inputs["W"])[2:]
    else:
        fh, fw = params["pool_h"], params["pool_w"]
    return int(fh), int(fw), int(params["stride"]), int(params["pad"])


def _real_pixels_col(x_shape, fh, fw, stride, pad):
    """im2col of ones: 1 where a window element is a pixel of x, 0 where it is padding."""
    return im2col(np.ones(x_shape), fh, fw, stride, pad)


def _tied_windows(params, inputs):
    """Pooling: a bool per window row (n, oh, ow, c) where two or more pixels of x tie for the maximum."""
    x = np.asarray(inputs["x"], dtype=np.float64)
    fh, fw, stride, pad = _geometry(params, inputs)
    windows = im2col(x, fh, fw, stride, pad).reshape(-1, fh * fw)
    real = _real_pixels_col(x.shape, fh, fw, stride, pad).reshape(-1, fh * fw) > 0
    at_max = (windows == windows.max(axis=1, keepdims=True)) & real
    return at_max.sum(axis=1) >= 2


def factors(method, params, inputs):
    """The factors the experiments vary, as booleans: padding, overlap, non_square, batch (N > 1),
    channels (C > 1), filters (FN > 1, convolution) and ties (pooling: tied maxima in some window)."""
    N, C = np.shape(inputs["x"])[:2]
    fh, fw, stride, pad = _geometry(params, inputs)
    found = {"padding": pad > 0, "overlap": stride < fh or stride < fw, "non_square": fh != fw,
             "batch": N > 1, "channels": C > 1}
    if "W" in inputs:
        found["filters"] = np.shape(inputs["W"])[0] > 1
    elif str(method).startswith("MaxPool"):
        found["ties"] = bool(_tied_windows(params, inputs).any())
    return found


# ---------------------------------------------------------------- where the error is

def _window_coverage(params, inputs):
    """(N, C, H, W): how many windows cover each pixel of x."""
    x_shape = np.shape(inputs["x"])
    fh, fw, stride, pad = _geometry(params, inputs)
    return col2im(_real_pixels_col(x_shape, fh, fw, stride, pad), x_shape, fh, fw, stride, pad)


def _border_band(params, inputs):
    """(N, C, H, W) bool: the pixels within pad of the image's border."""
    x_shape = np.shape(inputs["x"])
    pad = int(params["pad"])
    band = np.zeros(x_shape, dtype=bool)
    if pad:
        band[:, :, :pad] = band[:, :, -pad:] = True
        band[:, :, :, :pad] = band[:, :, :, -pad:] = True
    return band


def _tied_pixels(params, inputs):
    """(N, C, H, W) bool: the pixels that lie in a window with tied maxima (pooling)."""
    x_shape = np.shape(inputs["x"])
    fh, fw, stride, pad = _geometry(params, inputs)
    tied = _tied_windows(params, inputs).astype(np.float64)
    col = np.repeat(tied[:, None], fh * fw, axis=1).reshape(-1, x_shape[1] * fh * fw)
    return col2im(col, x_shape, fh, fw, stride, pad) > 0


def _wrong_mask(run, output):
    """Where a comparable output (same shape, finite numbers) is off by more than ATOL; else None."""
    got = (run.outputs or {}).get(output)
    expected = run.expected[output]
    if not isinstance(got, np.ndarray) or got.shape != expected.shape or got.dtype.kind not in "fiu":
        return None
    got = got.astype(np.float64)
    if not np.all(np.isfinite(got)):
        return None
    return np.abs(got - expected) > ATOL


def _scale(got, expected):
    """k when got == k * expected everywhere (to ATOL) for a k other than 1, else None."""
    e = expected.ravel()
    g = got.ravel().astype(np.float64)
    denominator = float(e @ e)
    if denominator == 0:
        return None
    k = float(g @ e) / denominator
    if abs(k - 1) < 1e-6 or np.max(np.abs(g - k * e)) > ATOL:
        return None
    return k


def _sizes(run):
    """The sizes a factor can come from: N, C, out_h, out_w, the window's height and width."""
    N, C = np.shape(run.inputs["x"])[:2]
    out_h, out_w = np.shape(run.inputs["dout"])[2:] if "dout" in run.inputs else (1, 1)
    fh, fw = _geometry(run.params, run.inputs)[:2]
    return {"N": N, "C": C, "out_h": out_h, "out_w": out_w, "FH": fh, "FW": fw}


# Products of sizes a wrong scale may be (or divide by); N alone is probe_divided_by_batch.
_SIZE_PRODUCTS = [("out_h", "out_w"), ("N", "out_h", "out_w"), ("FH", "FW"), ("C",), ("C", "FH", "FW")]


def _size_factor(scales):
    """"1/(out_h*out_w)" (or "out_h*out_w") when every run's scale k is that product of its sizes, else None."""
    for product in _SIZE_PRODUCTS:
        values = [(k, float(np.prod([_sizes(run)[name] for name in product]))) for run, k in scales]
        if len({value for _, value in values}) < 2:
            continue  # the same in every run: it would not tell this product from a constant
        names = "*".join(product)
        if all(abs(k * value - 1) < 1e-6 for k, value in values):
            return f"1/({names})" if len(product) > 1 else f"1/{names}"
        if all(abs(k - value) < 1e-6 * value for k, value in values):
            return names
    return None


AXIS_NAMES = {"dx": ("N", "C", "H", "W"), "dW": ("FN", "C", "FH", "FW")}


def _axis_orders(got, expected):
    """The axis orders (permutations other than the identity) in which ``got`` holds exactly expected's
    numbers, read in memory order: a set, empty when there is none."""
    if expected.ndim < 2 or expected.ndim > 4 or got.size != expected.size:
        return set()
    flat = got.ravel().astype(np.float64)
    identity = tuple(range(expected.ndim))
    return {order for order in itertools.permutations(identity)
            if order != identity and np.max(np.abs(flat - expected.transpose(order).ravel()), initial=0.0) <= ATOL}


# ---------------------------------------------------------------- the hints

YOUR_CODE = N_("your code")  # the label of a finding about code that raised, rather than about one output


# name: (title, title when only "your code" fails (None: the same), hint: text, or count of outputs -> text)
# {out} names the outputs (or "your code"); texts are marked here and translated when a finding is made.
_HINTS = {
    "probe_nondeterministic": (
        N_("the result changes between two identical runs"), None,
        N_("Run twice on the same inputs, your code gave two different results. Which values do you read before "
           "writing them (np.empty), or through a view that reaches past the end of its array (as_strided)?")),
    "probe_divided_by_batch": (
        N_("{out} divided by the batch size N"), None,
        lambda count: ngettext(
            "Everywhere, {out} is the expected gradient divided by N, the number of images. Averaging over "
            "the batch is the loss's job, not this layer's: what is the gradient of this layer's output "
            "alone?",
            "Everywhere, {out} are the expected gradient divided by N, the number of images. Averaging over "
            "the batch is the loss's job, not this layer's: what is the gradient of this layer's output "
            "alone?", count)),
    "probe_scalar_sum": (
        N_("{out} summed to a single number"), None,
        N_("{out} must have the shape {shape}, one value for each {each}; yours is one number, the sum over every "
           "axis. Which axes of dout must be summed, and which one must be kept?")),
    "probe_scalar": (
        N_("{out} is a single number where an array belongs"), None,
        N_("{out} must have the shape {shape}; yours is one number. Which value does each entry hold?")),
    "probe_axes": (
        N_("{out} holds the right numbers in another axis order"), None,
        N_("Your {out} has exactly the expected values, but laid out as if its axes were ({order}) instead of "
           "({natural}). Which step leaves the axes in that order? A reshape only regroups values; moving an axis "
           "takes a transpose.")),
    "probe_zeros": (
        N_("{out} is all zeros"), None,
        N_("Every value of {out} is 0: no gradient reaches it. Does your code write its result into the array it "
           "returns (or stores), or into a copy, a slice that is empty, or a name nobody reads?")),
    "probe_size_factor": (
        N_("{out} off by a factor of {factor}"), None,
        lambda count: ngettext(
            "In every run your {out} is the expected gradient times {factor}, a factor that changes with the "
            "sizes. Where do you average (or multiply) over those sizes where the chain rule adds up each "
            "contribution once?",
            "In every run your {out} are the expected gradient times {factor}, a factor that changes with the "
            "sizes. Where do you average (or multiply) over those sizes where the chain rule adds up each "
            "contribution once?", count)),
    "probe_scale": (
        N_("{out} off by a constant factor"), None,
        lambda count: ngettext(
            "Your {out} is the expected gradient times {factor}, at every entry. Where does a factor enter: a "
            "mean where a sum belongs, or a division or multiplication the chain rule does not ask for?",
            "Your {out} are the expected gradient times {factor}, at every entry. Where does a factor enter: "
            "a mean where a sum belongs, or a division or multiplication the chain rule does not ask for?", count)),
    "probe_overlap": (
        N_("{out} wrong only where windows overlap"), N_("your code fails only where windows overlap"),
        N_("{evidence} A pixel inside several windows gets gradient from each of them: does your code add those "
           "contributions up, or does a later window (or offset) overwrite what an earlier one wrote?")),
    "probe_padding": (
        N_("{out} wrong only with padding"), N_("your code fails only with padding"),
        N_("{evidence} How does your code treat the pad rows and columns around x: do gradients land at the right "
           "offset in the padded image, and are exactly pad rows and columns cut from each side at the end?")),
    "probe_no_padding": (
        N_("{out} wrong only without padding"), N_("your code fails only without padding"),
        N_("Right when pad > 0, wrong when pad is 0. What does your code do to remove the padding when there is "
           "none? For pad = 0, how many rows does a slice like a[pad:-pad] keep?")),
    "probe_non_square": (
        N_("{out} wrong only when the window is not square"), N_("your code fails only when the window is not square"),
        N_("Right when the window is square, wrong when its height and width differ ({h} != {w}). Where do you use "
           "one for the other?")),
    "probe_stride": (
        N_("{out} wrong only when the stride is above 1"), N_("your code fails only when the stride is above 1"),
        N_("Right with stride 1, wrong with a larger stride, in every case. Window (i, j) starts at row i*stride and "
           "column j*stride of the padded image: does every step of your code place it there?")),
    "probe_ties": (
        N_("{out} wrong only at tied maxima"), N_("your code fails only at tied maxima"),
        N_("{evidence} forward's output came from the one element np.argmax picked, the first maximum, kept in "
           "self.arg_max. Does your backward send dout to that element only?")),
    "probe_filters": (
        N_("{out} wrong only with several filters"), N_("your code fails only with several filters"),
        N_("Right with one filter (FN = 1), wrong with several. Every filter sends gradient to the same pixels of "
           "x, and each has its own slice of dW and db: are all filters' contributions added up, and is the filter "
           "axis where it belongs?")),
    "probe_channels": (
        N_("{out} wrong only with several channels"), N_("your code fails only with several channels"),
        N_("Right with one channel (C = 1), wrong with several. Do the channels keep their order through every "
           "reshape and transpose? Compare the axis order of each array with the order you reshape it into.")),
    "probe_batch": (
        N_("{out} wrong only with several images"), N_("your code fails only with several images"),
        N_("Right for one image (N = 1), wrong for a batch. Which axis holds the images, and does every step of "
           "your code keep them apart?")),
    "probe_axes_mixed": (
        N_("{out} wrong only when {sizes} are {all} above 1"), N_("your code fails only when {sizes} are {all} above 1"),
        N_("Right when {which} is 1, wrong when {all} are larger: two of the axes of your arrays are mixed up. "
           "Follow the shape of each array through your code: where does a reshape regroup axes that a transpose "
           "should have moved first?")),
}
BOTH, ALL = N_("both"), N_("all")  # probe_axes_mixed's {all}: two sizes, or three

# The order in which findings are listed: the most specific evidence first.
ORDER = list(_HINTS)

_EVIDENCE = {
    ("probe_overlap", "factor"): N_("Right when windows do not overlap, wrong when they do (stride smaller than the "
                                    "window)."),
    ("probe_overlap", "where"): N_("Only pixels covered by several windows are wrong."),
    ("probe_padding", "factor"): N_("Right when pad is 0, wrong when pad > 0."),
    ("probe_padding", "where"): N_("Only pixels within pad of the border are wrong."),
    ("probe_ties", "factor"): N_("Right when each window has one maximum, wrong when values tie."),
    ("probe_ties", "where"): N_("Only pixels in windows whose maximum is tied are wrong."),
}

# factor, the value at which the output is wrong -> finding
_FACTOR_FINDINGS = {
    ("padding", True): "probe_padding", ("padding", False): "probe_no_padding",
    ("overlap", True): "probe_overlap", ("non_square", True): "probe_non_square", ("ties", True): "probe_ties",
    ("stride", True): "probe_stride",
    ("filters", True): "probe_filters", ("channels", True): "probe_channels", ("batch", True): "probe_batch",
}
_SIZE_NAMES = {"batch": "N", "channels": "C", "filters": "FN"}
_EACH = {"db": N_("filter"), "dW": N_("filter weight"), "dx": N_("pixel of x")}
ENTRY = N_("entry")


def _factor_evidence(method, runs, output):
    """[(factor, value at which `output` is wrong)] supported by one-factor experiments and by every run."""
    probes = [run for run in runs if run.probe]
    base = next((run for run in probes if run.name == "base"), None)
    if base is None:
        return []
    base_factors = factors(method, base.params, base.inputs)
    implicated = []
    for run in probes:
        if run is base:
            continue
        changed = [name for name, value in factors(method, run.params, run.inputs).items()
                   if base_factors.get(name) != value]
        if len(changed) != 1:
            continue
        factor = changed[0]
        if base.ok(output) and not run.ok(output):
            implicated.append((factor, not base_factors[factor]))
        elif not base.ok(output) and run.ok(output):
            implicated.append((factor, base_factors[factor]))
    if not implicated:
        return []
    # Every failing run must show one of the implicated factors at its wrong value.
    for run in runs:
        if not run.ok(output):
            run_factors = factors(method, run.params, run.inputs)
            if not any(run_factors.get(factor) == value for factor, value in implicated):
                return []
    return implicated


def _stride_evidence(runs, output):
    """[("stride", True)] when `output` is wrong in exactly the runs whose stride is above 1 (at least two runs
    on each side). The probes cannot change the stride alone (windows side by side need stride = window), so
    this factor is read off all runs at once, graded cases included, which hold strides 1, 2 and 3."""
    strided = [int(run.params["stride"]) > 1 for run in runs]
    failing = [not run.ok(output) for run in runs]
    if strided != failing or sum(strided) < 2 or len(strided) - sum(strided) < 2:
        return []
    return [("stride", True)]


def _where_evidence(method, runs, output):
    """Names of the regions ("probe_overlap", "probe_padding", "probe_ties") that hold every wrong value of
    ``output`` (dx) in every failing run; only when each failing run's values could be compared."""
    failing = [run for run in runs if not run.ok(output)]
    if output != "dx" or not failing:
        return []
    masks = []
    for run in failing:
        wrong = _wrong_mask(run, output)
        if wrong is None or not wrong.any():
            return []
        masks.append((run, wrong))
    found = []
    regions = {"probe_overlap": lambda run: _window_coverage(run.params, run.inputs) >= 2,
               "probe_padding": lambda run: _border_band(run.params, run.inputs)}
    if str(method).startswith("MaxPool"):
        regions["probe_ties"] = lambda run: _tied_pixels(run.params, run.inputs)
    for name, region in regions.items():
        if all(not np.any(wrong & ~region(run)) for run, wrong in masks):
            found.append(name)
    return found


def _structure(runs, output):
    """{finding name: details} read off the shape and values of a wrong output, the same in every failing run."""
    failing = [run for run in runs if not run.ok(output) and run.outputs is not None]
    if not failing or len(failing) < sum(1 for run in runs if not run.ok(output)):
        return {}  # some run raised: the structure of the others is not the whole story
    found = {}
    gots = [(run, run.outputs.get(output), run.expected[output]) for run in failing]

    def every(test):
        return all(test(run, got, expected) for run, got, expected in gots)

    def is_scalar(got, expected):
        if expected.ndim == 0:
            return False
        if isinstance(got, (float, int, np.number)) or (isinstance(got, np.ndarray) and got.ndim == 0):
            return True
        return isinstance(got, np.ndarray) and got.size == 1 and got.shape != expected.shape

    if every(lambda run, got, expected: is_scalar(got, expected)):
        sums = every(lambda run, got, expected: abs(float(np.asarray(got).ravel()[0]) - float(expected.sum()))
                     <= ATOL * max(1, expected.size))
        found["probe_scalar_sum" if sums else "probe_scalar"] = {"shape": tuple(gots[0][2].shape)}
        return found
    arrays = every(lambda run, got, expected: isinstance(got, np.ndarray) and got.dtype.kind in "fiu"
                   and np.all(np.isfinite(got)))
    if not arrays:
        return found
    same_shape = every(lambda run, got, expected: got.shape == expected.shape)
    if same_shape and every(lambda run, got, expected: np.all(np.abs(got) <= ATOL) and np.any(np.abs(expected) > ATOL)):
        found["probe_zeros"] = {}
        return found
    if same_shape:
        scales = [(run, _scale(got, expected)) for run, got, expected in gots]
        if all(k is not None for _, k in scales):
            if all(abs(k * np.shape(run.inputs["x"])[0] - 1) < 1e-6 for run, k in scales):
                found["probe_divided_by_batch"] = {}
            elif max(k for _, k in scales) - min(k for _, k in scales) < 1e-6:
                found["probe_scale"] = {"factor": f"{scales[0][1]:.4g}"}
            else:
                size = _size_factor(scales)
                if size is not None:
                    found["probe_size_factor"] = {"factor": size}
            return found
    # The orders that fit every run (an axis of size 1 lets several fit one run).
    orders = None
    for run, got, expected in gots:
        orders = _axis_orders(got, expected) if orders is None else orders & _axis_orders(got, expected)
    if orders:
        natural = AXIS_NAMES.get(output, tuple(_("axis {number}").format(number=i) for i in range(gots[0][2].ndim)))
        order = min(orders)
        found["probe_axes"] = {"order": ", ".join(natural[i] for i in order), "natural": ", ".join(natural)}
    return found


def _finding(name, output_labels, details):
    """The finding ``name`` about the outputs ``output_labels`` (YOUR_CODE when the code raised), in words."""
    title, code_title, hint = _HINTS[name]
    if YOUR_CODE in output_labels:
        output_labels = [YOUR_CODE] + [label for label in output_labels if label != YOUR_CODE]
        if output_labels == [YOUR_CODE] and code_title is not None:
            title = code_title
    hint = hint(max(1, len(output_labels))) if callable(hint) else _(hint)
    out = join_and(_(YOUR_CODE) if label == YOUR_CODE else label for label in output_labels)
    values = {"out": out, "shape": "", "each": _(ENTRY), "order": "", "natural": "", "factor": "",
              "evidence": "", "h": "FH", "w": "FW", "sizes": "", "which": "", "all": ""}
    values.update(details)
    return Finding(name, _(title).format(**values), hint.format(**values).strip())


def experiment_findings(method, runs):
    """The findings for a method from its runs (graded cases and probes), most specific first.

    Inputs:
    - method: "Convolution.backward" or "MaxPool.backward"
    - runs: a list of Run; those with probe=True are the experiments (one named "base")

    Returns a list of Finding; empty when every run passed or the evidence supports nothing.
    """
    runs = [run for run in runs if _ran(run.error)]  # a probe that timed out says nothing about the code
    if not all({"stride", "pad"} <= set(run.params) and "x" in run.inputs for run in runs):
        return []  # not a windowed layer's backward pass: the experiments know nothing of it
    if not runs or all(run.passed for run in runs):
        return []
    if any(is_nondeterministic(run.error) for run in runs):
        return [_finding("probe_nondeterministic", [], {})]
    collected = {}  # name -> (labels, details)

    def add(name, output, details=None, evidence=None):
        labels, known = collected.setdefault(name, ([], {}))
        # When every failing run raised, the error, not this output, is what the evidence is about.
        raised = all(run.outputs is None for run in runs if not run.ok(output))
        label = YOUR_CODE if raised else LABELS.get(output, output)
        if label not in labels:
            labels.append(label)
        known.update(details or {})
        if evidence:
            pieces = known.setdefault("_evidence", [])
            if evidence not in pieces:
                pieces.append(evidence)

    outputs = list(runs[0].expected)
    pooled = str(method).startswith("MaxPool")
    for output in outputs:
        if all(run.ok(output) for run in runs):
            continue
        structure = _structure(runs, output)
        for name, details in structure.items():
            details = dict(details)
            if name == "probe_scalar_sum":
                details["each"] = _(_EACH.get(output, ENTRY))
            add(name, output, details)
        factor_evidence = _factor_evidence(method, runs, output) or _stride_evidence(runs, output)
        if "probe_divided_by_batch" in structure:  # the scale says more than "wrong when N > 1"
            factor_evidence = [item for item in factor_evidence if item[0] != "batch"]
        sizes = [factor for factor, value in factor_evidence if factor in _SIZE_NAMES and value is True]
        if len(sizes) >= 2:
            names = [_SIZE_NAMES[factor] for factor in sizes]
            add("probe_axes_mixed", output, {"sizes": join_and(names), "which": join_or(names),
                                             "all": _(BOTH) if len(names) == 2 else _(ALL)})
            factor_evidence = [item for item in factor_evidence if item[0] not in sizes]
        for factor, value in factor_evidence:
            name = _FACTOR_FINDINGS.get((factor, value))
            if name is None:
                continue
            details = {"h": "pool_h" if pooled else "FH", "w": "pool_w" if pooled else "FW"}
            add(name, output, details, _EVIDENCE.get((name, "factor")))
        for name in _where_evidence(method, runs, output):
            add(name, output, None, _EVIDENCE[(name, "where")])
    findings = []
    for name in ORDER:
        if name not in collected:
            continue
        labels, details = collected[name]
        details = dict(details)
        details["evidence"] = _sentences(_(piece) for piece in details.pop("_evidence", []))
        findings.append(_finding(name, labels, details))
    return findings


def _sentences(pieces):
    """Sentences one after the other (a space between them in English, none in Chinese)."""
    text = ""
    for piece in pieces:
        text = _("{first} {second}").format(first=text, second=piece) if text else piece
    return text


def _ran(error):
    """True for an error the student's code raised (or a result that changed between runs); False for the
    grader's own messages (a time-out, a crash, too much output) and for the untouched stub."""
    if error is None or is_nondeterministic(error):
        return True
    return is_raised(error) and not is_raised(error, "NotImplementedError")


def needs_experiments(case_results):
    """True when some failing case was not explained by the catalogue and the code ran normally: only then
    are probes worth running (code that timed out would only time out again)."""
    if not all(_ran(case.error) for case in case_results):
        return False
    return any(not case.passed and not case.diagnosis for case in case_results)
