"""The test cases' numbers: every case of an exercise drawn from its own seed.

The situations themselves (sizes, settings, descriptions) are data in each exercise folder's
cases.toml (``graders.exercises.spec_files.CaseSpec``); the convolution and pooling cases are chosen
so that every classic mistake shows (graders/exercises/conv_backward/cases.toml says how).
``random_cases`` draws each input from a SeedSource (graders/core/seeds.py), in the order the
case lists them: float64, standard normal (so dout is never all ones), except inputs drawn as
"ties": small integers with many zeros.
"""
from dataclasses import dataclass, field

import numpy as np

from graders.exercises import CaseSpec, get_exercise
from utils import conv_output_size

__all__ = ["Case", "CaseSpec", "case_specs", "make_inputs", "random_cases"]


@dataclass(frozen=True)
class Case:
    """A CaseSpec with its numbers. inputs: read-only float64 arrays (x, dout, W, b ...)."""
    spec: CaseSpec
    inputs: dict = field(repr=False)

    @property
    def name(self):
        return self.spec.name

    @property
    def description(self):
        return self.spec.description

    @property
    def params(self):
        return self.spec.params

    @property
    def setting(self):
        return self.spec.setting


def case_specs(method):
    """The CaseSpecs an exercise (an Exercise or its name, "Convolution.backward") grades, in order."""
    return get_exercise(method).case_specs


def _ties_input(shape, params, rng):
    """Small integers, more than half of them 0, and one window made of a single repeated value.

    The forced window guarantees a tie in every draw: a backward pass that treats tied maxima
    wrongly fails this case for every student, not only for unlucky ones.
    """
    x = np.maximum(rng.integers(-2, 3, size=shape), 0).astype(np.float64)
    fh, fw, stride, pad = params["pool_h"], params["pool_w"], params["stride"], params["pad"]
    out_h = conv_output_size(shape[2], fh, stride, pad)
    out_w = conv_output_size(shape[3], fw, stride, pad)
    top, left = (out_h // 2) * stride - pad, (out_w // 2) * stride - pad
    rows = slice(max(top, 0), top + fh)
    cols = slice(max(left, 0), left + fw)
    x[-1, -1, rows, cols] = 2.0
    return x


def make_inputs(spec, rng):
    """Draw a case's inputs in the order the case lists them; float64, read-only so that nobody changes them."""
    inputs = {}
    for name, shape in spec.shapes.items():
        kind = spec.draw.get(name, "normal")
        if kind == "ties":
            inputs[name] = _ties_input(shape, spec.params, rng)
        elif kind == "normal":
            inputs[name] = rng.standard_normal(shape)
        else:
            raise ValueError(f"case {spec.name!r}: unknown draw {kind!r} for {name} (expected 'normal' or 'ties')")
    for array in inputs.values():
        array.flags.writeable = False
    return inputs


def random_cases(method, seeds):
    """The cases of an exercise with inputs drawn from ``seeds`` (a SeedSource).

    Each case has its own generator, seeds.rng("<class.method>/<case name>"): adding or reordering
    cases never changes the inputs of the others.
    """
    exercise = get_exercise(method)
    return [Case(spec, make_inputs(spec, seeds.rng(f"{exercise.name}/{spec.name}")))
            for spec in exercise.case_specs]
