"""Probe cases: experiments that change one factor at a time, for diagnosis only (never scored).

Each exercise has a simple *base* probe (no padding, windows side by side, square window, no tied
maxima, N, C and FN above 1 and all different) and variants that change exactly one factor each:
padding, overlapping windows, a non-square window, N = 1, C = 1, FN = 1 and, for pooling, tied
maxima. When a graded case fails, the student's class also runs on the probes, and
``utils.probing.experiment_findings`` reads which factor breaks it (or which one fixes it) and
where its error lies. Probe inputs are public and fixed (the self-check ships them with their
expected outputs): probes never change a score, so nothing is gained by knowing them.

The same probes serve the self-check (``public_cases`` stores them), the nbgrader hidden tests and the
sandboxed engine (``check.grade_cases`` asks for them through a callback), so the same code gets the
same hints everywhere.
"""
from graders.core.cases import Case, CaseSpec, make_inputs
from graders.core.seeds import public_seeds
from graders.exercises import get_exercise

PROBE_SEEDS = "backprop-lab probes"  # the public seed domain of the probes' inputs


def _conv(name, description, x_shape, w_shape, stride, pad):
    return CaseSpec(name, description, {"stride": stride, "pad": pad}, x_shape, w_shape)


def _pool(name, description, x_shape, window, stride, pad, kind="random"):
    return CaseSpec(name, description, {"pool_h": window[0], "pool_w": window[1], "stride": stride, "pad": pad},
                    x_shape, kind=kind)


PROBE_SPECS = {
    "Convolution.backward": [
        _conv("base", "3x3 filter, stride 3: windows side by side", (2, 3, 6, 9), (4, 3, 3, 3), 3, 0),
        _conv("padding", "the base with padding 1", (2, 3, 6, 9), (4, 3, 3, 3), 3, 1),
        _conv("overlap", "the base with stride 2: windows overlap", (2, 3, 6, 9), (4, 3, 3, 3), 2, 0),
        _conv("non_square", "the base with a 2x3 filter", (2, 3, 6, 9), (4, 3, 2, 3), 3, 0),
        _conv("one_image", "the base with N = 1", (1, 3, 6, 9), (4, 3, 3, 3), 3, 0),
        _conv("one_channel", "the base with C = 1", (2, 1, 6, 9), (4, 1, 3, 3), 3, 0),
        _conv("one_filter", "the base with FN = 1", (2, 3, 6, 9), (1, 3, 3, 3), 3, 0),
        _conv("three_images", "the base with N = 3", (3, 3, 6, 9), (4, 3, 3, 3), 3, 0),
    ],
    "MaxPool.backward": [
        _pool("base", "3x3 window, stride 3: windows side by side", (2, 3, 6, 9), (3, 3), 3, 0),
        _pool("padding", "the base with padding 1", (2, 3, 6, 9), (3, 3), 3, 1),
        _pool("overlap", "the base with stride 2: windows overlap", (2, 3, 6, 9), (3, 3), 2, 0),
        _pool("non_square", "the base with a 2x3 window", (2, 3, 6, 9), (2, 3), 3, 0),
        _pool("one_image", "the base with N = 1", (1, 3, 6, 9), (3, 3), 3, 0),
        _pool("one_channel", "the base with C = 1", (2, 1, 6, 9), (3, 3), 3, 0),
        _pool("ties", "the base with tied maxima", (2, 3, 6, 9), (3, 3), 3, 0, kind="ties"),
        _pool("three_images", "the base with N = 3", (3, 3, 6, 9), (3, 3), 3, 0),
    ],
}


def probe_specs(method):
    """The probe CaseSpecs of an exercise method, the first the base; [] for an exercise without probes (its
    failures are then read from the graded cases alone)."""
    return list(PROBE_SPECS.get(get_exercise(method).name, []))


def probe_cases(method):
    """The probe Cases of an exercise method, with their fixed public inputs."""
    exercise = get_exercise(method)
    seeds = public_seeds(PROBE_SEEDS)
    return [Case(spec, make_inputs(spec, seeds.rng(f"{exercise.name}/probe/{spec.name}")))
            for spec in probe_specs(exercise.name)]
