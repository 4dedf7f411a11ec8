"""Probe cases: experiments that change one factor at a time, for diagnosis only (never scored).

The probes are data in each exercise folder's probes.toml (the format of cases.toml). Each exercise
with probes has a simple *base* probe (no padding, windows side by side, square window, no tied
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
from graders.core.cases import Case, make_inputs
from graders.core.seeds import public_seeds
from graders.exercises import get_exercise

PROBE_SEEDS = "backprop-lab probes"  # the public seed domain of the probes' inputs


def probe_specs(method):
    """The probe CaseSpecs of an exercise (its folder's probes.toml), the first the base; [] for an exercise
    without probes (its failures are then read from the graded cases alone)."""
    return list(get_exercise(method).folder.probes)


def probe_cases(method):
    """The probe Cases of an exercise, with their fixed public inputs."""
    exercise = get_exercise(method)
    seeds = public_seeds(PROBE_SEEDS)
    return [Case(spec, make_inputs(spec, seeds.rng(f"{exercise.name}/probe/{spec.name}")))
            for spec in probe_specs(exercise)]
