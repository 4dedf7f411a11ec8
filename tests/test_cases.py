"""The grading cases: the situations they cover, their inputs, and the reference outputs on them.

Oracles: the loop implementations in tests/oracles.py (never the code under test).
"""
import itertools
from pathlib import Path

import numpy as np
import pytest

import oracles
from graders.core.cases import case_specs, random_cases
from graders.core.check import reference_outputs
from graders.exercises import get_exercise
from repo_course import EXERCISES
from graders.core.seeds import course_seeds, public_seeds

METHODS = ["Convolution.backward", "MaxPool.backward"]  # the cases of the convolution and pooling families
SEEDS = course_seeds("test secret", "alice", "conv_pool_backward")


def w_shape(spec):
    return spec.shapes.get("W")


def kind(spec):
    return spec.draw.get("x", "random")


def geometry(spec):
    """(H, W, window height, window width, stride, pad) of a spec, read from its parts."""
    H, W = spec.x_shape[2:]
    if w_shape(spec) is not None:
        fh, fw = w_shape(spec)[2:]
    else:
        fh, fw = spec.params["pool_h"], spec.params["pool_w"]
    return H, W, fh, fw, spec.params["stride"], spec.params["pad"]


def out_size(spec):
    H, W, fh, fw, s, p = geometry(spec)
    return oracles.output_size(H, fh, s, p), oracles.output_size(W, fw, s, p)


@pytest.mark.parametrize("method", METHODS)
def test_every_axis_has_its_own_size(method):
    """Layout bugs hide when two of N, C, H, W, FN are equal or one is 1; out_h = out_w hides swaps."""
    for spec in case_specs(method):
        sizes = list(spec.x_shape) + ([w_shape(spec)[0]] if w_shape(spec) is not None else [])
        assert len(set(sizes)) == len(sizes), (spec.name, sizes)
        assert min(sizes) >= 2, (spec.name, sizes)
        out_h, out_w = out_size(spec)
        assert out_h != out_w and min(out_h, out_w) >= 2, (spec.name, out_h, out_w)
        assert spec.shapes["dout"][2:] == (out_h, out_w)
        if w_shape(spec) is not None:
            assert w_shape(spec)[1] == spec.x_shape[1], spec.name
            assert spec.shapes["b"] == (w_shape(spec)[0],), spec.name


@pytest.mark.parametrize("method", METHODS)
def test_the_cases_cover_every_classic_trap(method):
    specs = case_specs(method)
    facts = set()
    for spec in specs:
        H, W, fh, fw, s, p = geometry(spec)
        out_h, out_w = out_size(spec)
        if s < max(fh, fw):
            facts.add("overlap")
        if p > 0 and s > 1:
            facts.add("pad and stride")
        if p > 0 and s == 1:
            facts.add("pad alone")
        if fh != fw:
            facts.add("non-square window")
        if H != W:
            facts.add("non-square image")
        # a row or column that no window reaches: the size is not a whole number of strides
        if (out_h - 1) * s + fh < H + 2 * p or (out_w - 1) * s + fw < W + 2 * p:
            facts.add("left-over rows")
        if s > max(fh, fw):
            facts.add("stride over window")
        if s == max(fh, fw) == min(fh, fw):
            facts.add("windows side by side")
        if (fh, fw) == (1, 1):
            facts.add("1x1")
        if kind(spec) == "ties":
            facts.add("ties")
    expected = {"overlap", "pad and stride", "non-square window", "non-square image", "left-over rows",
                "stride over window"}
    expected |= {"1x1", "pad alone"} if method == "Convolution.backward" else {"ties", "windows side by side"}
    assert expected <= facts, expected - facts
    names = [spec.name for spec in specs]
    assert len(names) == len(set(names))
    assert all(spec.description and spec.description[0].isalnum() for spec in specs)


@pytest.mark.parametrize("method", METHODS)
def test_inputs_are_float64_read_only_and_dout_is_random(method):
    for case in random_cases(method, SEEDS):
        spec = case.spec
        expected = {"x": spec.x_shape, "dout": (spec.x_shape[0],
                                                w_shape(spec)[0] if w_shape(spec) else spec.x_shape[1],
                                                *out_size(spec))}
        if w_shape(spec) is not None:
            expected.update(W=w_shape(spec), b=(w_shape(spec)[0],))
        assert {name: value.shape for name, value in case.inputs.items()} == expected
        for name, value in case.inputs.items():
            assert value.dtype == np.float64, name
            assert not value.flags.writeable, name
            assert np.all(np.isfinite(value)), name
        dout = case.inputs["dout"]
        assert len(np.unique(dout)) == dout.size  # never all ones, never constant
        assert case.setting.startswith(f"x {spec.x_shape}")


def windows(x, fh, fw, s, p):
    """Yield every window (2-D array) of every image and channel of the zero-padded x."""
    N, C, H, W = x.shape
    xp = oracles.zero_pad(x, p)
    for n, c in itertools.product(range(N), range(C)):
        for _, _, top, left in oracles.window_corners(H, W, fh, fw, s, p):
            yield xp[n, c, top:top + fh, left:left + fw]


def test_ties_cases_have_tied_maxima_for_every_student():
    for student in ["alice", "bob", "carol", "dave"]:
        seeds = course_seeds("test secret", student, "conv_pool_backward")
        ties_cases = [case for case in random_cases("MaxPool.backward", seeds) if kind(case.spec) == "ties"]
        assert len(ties_cases) == 2
        for case in ties_cases:
            x = case.inputs["x"]
            assert np.array_equal(x, np.round(x)) and x.min() == 0  # integers, with zeros
            assert np.mean(x == 0) > 0.4
            H, W, fh, fw, s, p = geometry(case.spec)
            tied_positive = sum(1 for w in windows(x, fh, fw, s, p) if w.max() > 0 and np.sum(w == w.max()) > 1)
            tied = sum(1 for w in windows(x, fh, fw, s, p) if np.sum(w == w.max()) > 1)
            assert tied_positive >= 1 and tied >= 5, (student, case.name, tied_positive, tied)


def test_random_cases_have_no_ties():
    for case in random_cases("MaxPool.backward", SEEDS):
        if kind(case.spec) == "random":
            x = case.inputs["x"]
            assert len(np.unique(x)) == x.size


@pytest.mark.parametrize("seeds", [SEEDS, public_seeds("conv_pool_backward")], ids=["grading", "public"])
def test_reference_outputs_match_the_loop_oracles(seeds):
    """The cases, the driver (run_case) and the reference together give the definition's gradients."""
    for case in random_cases("Convolution.backward", seeds):
        got = reference_outputs("Convolution.backward", case)
        i = case.inputs
        dx, dW, db = oracles.conv_backward(i["x"], i["W"], i["dout"], case.params["stride"], case.params["pad"])
        assert set(got) == {"dx", "dW", "db"}
        np.testing.assert_allclose(got["dx"], dx, rtol=0, atol=1e-12)
        np.testing.assert_allclose(got["dW"], dW, rtol=0, atol=1e-12)
        np.testing.assert_allclose(got["db"], db, rtol=0, atol=1e-12)
    for case in random_cases("MaxPool.backward", seeds):
        got = reference_outputs("MaxPool.backward", case)
        p = case.params
        dx = oracles.max_pool_backward(case.inputs["x"], case.inputs["dout"], p["pool_h"], p["pool_w"],
                                       p["stride"], p["pad"])
        assert set(got) == {"dx"}
        np.testing.assert_allclose(got["dx"], dx, rtol=0, atol=1e-12)


def test_a_case_keeps_its_inputs_when_cases_are_added_or_reordered():
    """Each case draws from its own generator, keyed by its qualified name."""
    cases = random_cases("Convolution.backward", SEEDS)
    rng = SEEDS.rng("Convolution.backward/one_by_one")
    spec = next(case.spec for case in cases if case.name == "one_by_one")
    x = rng.standard_normal(spec.x_shape)
    assert np.array_equal(next(case for case in cases if case.name == "one_by_one").inputs["x"], x)


def test_unknown_method_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown exercise 'Conv.backward'.*Convolution.backward"):
        case_specs("Conv.backward")
    assert get_exercise("MaxPool.backward").outputs == ("dx",)


def test_exercise_folders_give_the_original_exercises():
    rows = {name: (e.class_name, e.notebook, e.answer_cell, e.test_cell, e.points, e.outputs)
            for name, e in EXERCISES.items() if name in METHODS}
    assert rows == {
        "Convolution.backward": ("Convolution", "conv_backward", "convolution_class", "test_convolution_backward",
                                 5.0, ("dx", "dW", "db")),
        "MaxPool.backward": ("MaxPool", "maxpool_backward", "maxpool_class", "test_maxpool_backward",
                             5.0, ("dx",)),
    }


def test_the_grading_doc_lists_the_cases():
    """docs/grading.md shows every case with its sizes and description, as the code has them."""
    doc = (Path(__file__).resolve().parent.parent / "docs" / "grading.md").read_text(encoding="utf-8")
    for method in METHODS:
        section = doc[doc.index(f"**{method}**"):]
        for spec in case_specs(method):
            assert f"| `{spec.name}` | {spec.setting} | {spec.description} |" in section, spec.name
