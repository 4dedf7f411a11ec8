"""The test cases: situations that together make every classic backward-pass mistake visible.

Every case has N, C, H, W and FN (the number of filters) all different, because a layout bug
(a missing transpose, a reshape in the wrong order) hides whenever two of them are equal or one
is 1; and out_h != out_w for the same reason. Between them the cases have overlapping windows
(stride < window), padding with stride > 1, non-square windows and images, sizes that the stride
does not divide, stride > window, 1x1 filters and, for max pooling, tied maxima.

A CaseSpec fixes the sizes; ``random_cases`` draws the numbers from a SeedSource (graders/core/seeds.py):
x, W, b and dout float64, standard normal (dout is never all ones), except "ties" cases, whose x
holds small integers with many zeros.
"""
from dataclasses import dataclass, field

import numpy as np

from graders.exercises import get_exercise
from utils import conv_output_size


@dataclass(frozen=True)
class CaseSpec:
    """One situation: sizes and settings, with a description in words a student understands.

    - params: numbers the layer is built with: {"stride", "pad"} (convolution) or
      {"pool_h", "pool_w", "stride", "pad"} (pooling)
    - x_shape: (N, C, H, W); w_shape: (FN, C, FH, FW) for the convolution, else None
    - kind: "random" (standard normal x) or "ties" (small integers, many zeros: tied maxima)
    """
    name: str
    description: str
    params: dict
    x_shape: tuple
    w_shape: tuple = None
    kind: str = "random"

    @property
    def window(self):
        """(window height, window width)"""
        if self.w_shape is not None:
            return tuple(self.w_shape[2:])
        return (self.params["pool_h"], self.params["pool_w"])

    @property
    def out_shape(self):
        """(out_h, out_w)"""
        H, W = self.x_shape[2:]
        (fh, fw), stride, pad = self.window, self.params["stride"], self.params["pad"]
        return conv_output_size(H, fh, stride, pad), conv_output_size(W, fw, stride, pad)

    @property
    def dout_shape(self):
        """(N, FN, out_h, out_w) for the convolution, (N, C, out_h, out_w) for pooling."""
        channels = self.w_shape[0] if self.w_shape is not None else self.x_shape[1]
        return (self.x_shape[0], channels, *self.out_shape)

    @property
    def setting(self):
        """The sizes in one line: "x (2, 3, 5, 6), W (4, 3, 3, 3), stride 1, pad 0"."""
        parts = [f"x {tuple(self.x_shape)}"]
        if self.w_shape is not None:
            parts.append(f"W {tuple(self.w_shape)}")
        else:
            parts.append("{}x{} window".format(*self.window))
        parts += [f"stride {self.params['stride']}", f"pad {self.params['pad']}"]
        return ", ".join(parts)


@dataclass(frozen=True)
class Case:
    """A CaseSpec with its numbers. inputs: read-only float64 arrays x, dout (and W, b)."""
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


def _conv(name, description, x_shape, w_shape, stride, pad):
    return CaseSpec(name, description, {"stride": stride, "pad": pad}, x_shape, w_shape)


def _pool(name, description, x_shape, window, stride, pad, kind="random"):
    return CaseSpec(name, description, {"pool_h": window[0], "pool_w": window[1], "stride": stride, "pad": pad},
                    x_shape, kind=kind)


CASE_SPECS = {
    "Convolution.backward": [
        _conv("overlap", "3x3 filter, stride 1: windows overlap, so one pixel gets gradient from several windows",
              (2, 3, 5, 6), (4, 3, 3, 3), 1, 0),
        _conv("same_padding", "3x3 filter, stride 1, padding 1: the output keeps the image's size",
              (3, 2, 6, 5), (4, 2, 3, 3), 1, 1),
        _conv("pad_and_stride", "3x3 filter, stride 2, padding 1: padding and stride together",
              (2, 4, 7, 5), (3, 4, 3, 3), 2, 1),
        _conv("non_square", "2x3 filter on a 5x7 image: height and width differ",
              (3, 2, 5, 7), (4, 2, 2, 3), 1, 0),
        _conv("size_not_divisible", "3x3 filter, stride 2 on an 8x6 image: the last row and column are in no window",
              (2, 3, 8, 6), (5, 3, 3, 3), 2, 0),
        _conv("stride_over_filter", "2x2 filter, stride 3: gaps between windows get no gradient",
              (3, 2, 7, 8), (4, 2, 2, 2), 3, 0),
        _conv("one_by_one", "1x1 filter: each output mixes the channels of a single pixel",
              (2, 5, 3, 4), (6, 5, 1, 1), 1, 0),
        _conv("all_together", "2x3 filter, stride 2, padding 1: non-square, strided and padded at once",
              (4, 3, 6, 5), (2, 3, 2, 3), 2, 1),
    ],
    "MaxPool.backward": [
        _pool("overlap", "3x3 window, stride 1: windows overlap, so one pixel can be the maximum of several windows",
              (2, 3, 5, 6), (3, 3), 1, 0),
        _pool("standard", "2x2 window, stride 2: the usual pooling, windows side by side",
              (3, 2, 4, 6), (2, 2), 2, 0),
        _pool("pad_and_stride", "3x3 window, stride 2, padding 1: padding and stride together",
              (2, 4, 7, 5), (3, 3), 2, 1),
        _pool("non_square", "2x3 window, stride 2 on a 5x7 image: height and width differ",
              (3, 2, 5, 7), (2, 3), 2, 0),
        _pool("size_not_divisible", "3x3 window, stride 2 on an 8x6 image: the last row and column are in no window",
              (2, 3, 8, 6), (3, 3), 2, 0),
        _pool("stride_over_window", "2x2 window, stride 3: gaps between windows get no gradient",
              (3, 2, 7, 8), (2, 2), 3, 0),
        _pool("ties", "tied maxima (small integers, many zeros), overlapping 2x2 windows: only the maximum that "
                      "forward's argmax picked, the first one, gets the gradient",
              (2, 3, 6, 5), (2, 2), 1, 0, kind="ties"),
        _pool("ties_padded", "tied maxima next to the zero padding, 2x2 window, stride 2, padding 1: padding zeros "
                             "tie too, and gradient that lands on padding is dropped",
              (3, 4, 5, 6), (2, 2), 2, 1, kind="ties"),
    ],
}


def case_specs(method):
    """The CaseSpecs of an exercise method ("Convolution.backward"), in grading order."""
    return list(CASE_SPECS[get_exercise(method).name])


def _ties_input(spec, rng):
    """Small integers, more than half of them 0, and one window made of a single repeated value.

    The forced window guarantees a tie in every draw: a backward pass that treats tied maxima
    wrongly fails this case for every student, not only for unlucky ones.
    """
    x = np.maximum(rng.integers(-2, 3, size=spec.x_shape), 0).astype(np.float64)
    (fh, fw), stride, pad = spec.window, spec.params["stride"], spec.params["pad"]
    out_h, out_w = spec.out_shape
    top, left = (out_h // 2) * stride - pad, (out_w // 2) * stride - pad
    rows = slice(max(top, 0), top + fh)
    cols = slice(max(left, 0), left + fw)
    x[-1, -1, rows, cols] = 2.0
    return x


def make_inputs(spec, rng):
    """Draw a case's inputs: x, dout (and W, b); float64, read-only so that nobody changes them."""
    if spec.kind == "ties":
        x = _ties_input(spec, rng)
    elif spec.kind == "random":
        x = rng.standard_normal(spec.x_shape)
    else:
        raise ValueError(f"case {spec.name!r}: unknown kind {spec.kind!r} (expected 'random' or 'ties')")
    inputs = {"x": x}
    if spec.w_shape is not None:
        inputs["W"] = rng.standard_normal(spec.w_shape)
        inputs["b"] = rng.standard_normal(spec.w_shape[0])
    inputs["dout"] = rng.standard_normal(spec.dout_shape)
    for array in inputs.values():
        array.flags.writeable = False
    return inputs


def random_cases(method, seeds):
    """The cases of an exercise method with inputs drawn from ``seeds`` (a SeedSource).

    Each case has its own generator, seeds.rng("<method>/<case name>"): adding or reordering cases
    never changes the inputs of the others.
    """
    exercise = get_exercise(method)
    return [Case(spec, make_inputs(spec, seeds.rng(f"{exercise.name}/{spec.name}")))
            for spec in case_specs(exercise.name)]
