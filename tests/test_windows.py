"""utils.windows (sliding_windows, fold_windows, window_padding) against loops, hand tables and im2col."""
import numpy as np
import pytest

import oracles_nd
from oracles import seeded_rng
from utils import col2im, fold_windows, im2col, sliding_windows, window_output_size, window_padding

EXACT = dict(rtol=1e-12, atol=1e-12)

GEOMETRIES = oracles_nd.WINDOWS
IDS = [g[0] for g in GEOMETRIES]


def out_sizes(shape, window, strides, pads):
    return tuple(window_output_size(n, k, s, *p) for n, k, s, p in zip(shape[1:-1], window, strides, pads))


# ---------------------------------------------------------------- TensorFlow's padding rule, by hand

# (size, k, stride, padding) -> (out, before, after), worked out from TensorFlow's formulas:
# SAME: out = ceil(size/stride), total = max((out-1)*stride + k - size, 0), the odd one after;
# VALID: out = ceil((size - k + 1)/stride).
PADDING_TABLE = [
    (5, 2, 2, "SAME", (3, 0, 1)),   # windows [0,1] [2,3] [4,pad]
    (6, 3, 2, "SAME", (3, 0, 1)),   # total (3-1)*2 + 3 - 6 = 1: all of it after
    (7, 3, 2, "SAME", (4, 1, 1)),   # total 2: one each side
    (4, 4, 1, "SAME", (4, 1, 2)),   # even kernel, stride 1: total 3, the extra one after
    (4, 2, 1, "SAME", (4, 0, 1)),   # 2x2 "same": no padding before at all
    (6, 1, 2, "SAME", (3, 0, 0)),   # 1x1 never pads; max(4 + 1 - 6, 0) = 0
    (5, 1, 1, "SAME", (5, 0, 0)),
    (2, 3, 1, "SAME", (2, 1, 1)),   # kernel larger than the input
    (1, 3, 2, "SAME", (1, 1, 1)),
    (8, 3, 3, "SAME", (3, 0, 1)),   # total 6 + 3 - 8 = 1
    (9, 2, 3, "SAME", (3, 0, 0)),   # stride > kernel: total max(6 + 2 - 9, 0) = 0
    (5, 2, 2, "VALID", (2, 0, 0)),  # ceil(4/2)
    (7, 3, 2, "VALID", (3, 0, 0)),  # ceil(5/2)
    (6, 4, 3, "VALID", (1, 0, 0)),  # ceil(3/3)
    (5, 5, 1, "VALID", (1, 0, 0)),
    (4, 1, 3, "VALID", (2, 0, 0)),  # ceil(4/3)
    (5, 2, 2, "same", (3, 0, 1)),   # Keras spells it in lower case
    (7, 3, 2, "valid", (3, 0, 0)),
]


@pytest.mark.parametrize("size, k, stride, padding, expected", PADDING_TABLE)
def test_window_padding_by_hand(size, k, stride, padding, expected):
    assert window_padding(size, k, stride, padding) == expected
    assert oracles_nd.tf_padding(size, k, stride, padding) == expected


def test_window_padding_matches_the_formulas_everywhere():
    for size in range(1, 12):
        for k in range(1, 6):
            for stride in range(1, 5):
                for padding in ("SAME", "VALID"):
                    if padding == "VALID" and k > size:
                        continue
                    out, before, after = window_padding(size, k, stride, padding)
                    assert (out, before, after) == oracles_nd.tf_padding(size, k, stride, padding)
                    # the windows it implies fit exactly: the last one starts inside the padded input
                    assert window_output_size(size, k, stride, before, after) == out
                    assert 0 <= after - before <= 1


def test_window_padding_rejects_bad_arguments():
    with pytest.raises(ValueError, match=r"padding must be 'SAME' or 'VALID', got 'FULL'"):
        window_padding(5, 2, 1, "FULL")
    with pytest.raises(ValueError, match=r"padding='VALID': the window 6 is larger than the input size 5"):
        window_padding(5, 6, 1, "VALID")
    with pytest.raises(ValueError, match=r"stride must be >= 1, got 0"):
        window_padding(5, 2, 0, "SAME")


# ---------------------------------------------------------------- the layout, by hand

def test_sliding_windows_by_hand_1d_with_padding_after():
    # x = [1 2 3 4 5] (N=1, W=5, C=1), windows of 2, stride 2, one zero after: [1 2] [3 4] [5 0]
    x = np.arange(1.0, 6.0).reshape(1, 5, 1)
    windows = sliding_windows(x, 2, 2, ((0, 1),))
    assert windows.shape == (1, 3, 1, 2)
    np.testing.assert_array_equal(windows[0, :, 0], [[1, 2], [3, 4], [5, 0]])
    np.testing.assert_array_equal(sliding_windows(x, 2, 2, ((0, 1),), pad_value=-np.inf)[0, 2, 0], [5, -np.inf])


def test_sliding_windows_by_hand_2d_channels_last():
    # Two channels: x[..., 0] = 0..8 and x[..., 1] = 10 * that, 2x2 windows, stride 1.
    plane = np.arange(9.0).reshape(3, 3)
    x = np.stack([plane, 10 * plane], axis=-1)[None]  # (1, 3, 3, 2)
    windows = sliding_windows(x, (2, 2))
    assert windows.shape == (1, 2, 2, 2, 2, 2)  # (N, out_h, out_w, C, KH, KW)
    np.testing.assert_array_equal(windows[0, 1, 0, 0], [[3, 4], [6, 7]])
    np.testing.assert_array_equal(windows[0, 0, 1, 1], [[10, 20], [40, 50]])


def test_fold_windows_sums_overlaps_by_hand():
    # 3x3 image, 2x2 windows, stride 1: a window of ones counts how many windows cover each pixel.
    counts = fold_windows(np.ones((1, 2, 2, 1, 2, 2)), (1, 3, 3, 1), (2, 2))
    np.testing.assert_array_equal(counts[0, :, :, 0], [[1, 2, 1], [2, 4, 2], [1, 2, 1]])
    # and with SAME padding (0, 1) on both axes: the padded row and column are dropped
    counts = fold_windows(np.ones((1, 3, 3, 1, 2, 2)), (1, 3, 3, 1), (2, 2), 1, ((0, 1), (0, 1)))
    np.testing.assert_array_equal(counts[0, :, :, 0], [[1, 2, 2], [2, 4, 4], [2, 4, 4]])


# ---------------------------------------------------------------- the corner-case matrix

@pytest.mark.parametrize("name, shape, window, strides, pads", GEOMETRIES, ids=IDS)
def test_sliding_windows_matches_loops(name, shape, window, strides, pads):
    x = seeded_rng("windows", name).standard_normal(shape)
    for pad_value in (0.0, -np.inf):
        windows = sliding_windows(x, window, strides, pads, pad_value=pad_value)
        assert windows.shape == (shape[0], *out_sizes(shape, window, strides, pads), shape[-1], *window)
        assert windows.dtype == np.float64
        np.testing.assert_array_equal(windows, oracles_nd.sliding_windows(x, window, strides, pads, pad_value))


@pytest.mark.parametrize("name, shape, window, strides, pads", GEOMETRIES, ids=IDS)
def test_fold_windows_matches_loops_and_leaves_its_input_alone(name, shape, window, strides, pads):
    windows_shape = (shape[0], *out_sizes(shape, window, strides, pads), shape[-1], *window)
    windows = seeded_rng("fold", name).standard_normal(windows_shape)
    before = windows.copy()
    folded = fold_windows(windows, shape, window, strides, pads)
    assert folded.shape == shape and folded.dtype == np.float64
    np.testing.assert_allclose(folded, oracles_nd.fold_windows(windows, shape, window, strides, pads), **EXACT)
    np.testing.assert_array_equal(windows, before)


@pytest.mark.parametrize("name, shape, window, strides, pads", GEOMETRIES, ids=IDS)
def test_fold_windows_is_the_adjoint_of_sliding_windows(name, shape, window, strides, pads):
    rng = seeded_rng("adjoint-nd", name)
    x = rng.standard_normal(shape)
    windows = rng.standard_normal((shape[0], *out_sizes(shape, window, strides, pads), shape[-1], *window))
    lhs = np.sum(windows * sliding_windows(x, window, strides, pads))
    rhs = np.sum(fold_windows(windows, shape, window, strides, pads) * x)
    assert lhs == pytest.approx(rhs, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("name, shape, window, strides, pads", GEOMETRIES, ids=IDS)
def test_dtypes(name, shape, window, strides, pads):
    rng = seeded_rng("dtypes-nd", name)
    x32 = rng.standard_normal(shape).astype(np.float32)
    assert sliding_windows(x32, window, strides, pads, pad_value=-np.inf).dtype == np.float32
    windows32 = sliding_windows(x32, window, strides, pads)
    assert fold_windows(windows32, shape, window, strides, pads).dtype == np.float32

    ints = rng.integers(-5, 5, size=shape)
    windows = sliding_windows(ints, window, strides, pads)
    assert windows.dtype == ints.dtype  # zero padding fits in an integer array
    np.testing.assert_array_equal(windows, oracles_nd.sliding_windows(ints, window, strides, pads))
    np.testing.assert_array_equal(fold_windows(windows, shape, window, strides, pads),
                                  oracles_nd.fold_windows(windows, shape, window, strides, pads))
    assert fold_windows(windows, shape, window, strides, pads).dtype == np.float64
    padded = any(before or after for before, after in pads)
    inf_windows = sliding_windows(ints, window, strides, pads, pad_value=-np.inf)
    assert inf_windows.dtype == (np.float64 if padded else ints.dtype)
    np.testing.assert_array_equal(inf_windows, oracles_nd.sliding_windows(ints, window, strides, pads, -np.inf))


def test_windows_are_a_copy_students_may_write_into():
    x = np.arange(16.0).reshape(1, 4, 4, 1)
    windows = sliding_windows(x, (2, 2))
    windows[...] = -1  # a read-only or aliasing view would fail here or change x
    np.testing.assert_array_equal(x.ravel(), np.arange(16.0))


def test_non_contiguous_inputs():
    rng = seeded_rng("views-nd")
    x = rng.standard_normal((2, 6, 7, 3)).transpose(0, 2, 1, 3)[:, ::-1]  # (2, 7, 6, 3), no standard layout
    assert not x.flags.c_contiguous
    pads = ((1, 1), (0, 1))
    np.testing.assert_array_equal(sliding_windows(x, (3, 2), (2, 2), pads),
                                  oracles_nd.sliding_windows(x, (3, 2), (2, 2), pads))
    windows = rng.standard_normal((3, 2, 3, 4, 2, 3)).transpose(1, 3, 2, 0, 5, 4)[:, ::-1]  # (2, 4, 3, 3, 3, 2)
    np.testing.assert_allclose(fold_windows(windows, x.shape, (3, 2), (2, 2), pads),
                               oracles_nd.fold_windows(windows, x.shape, (3, 2), (2, 2), pads), **EXACT)


def test_nchw_through_axes_is_the_books_im2col_and_col2im():
    # The NCHW layout with axes=(2, 3): windows (N, C, out_h, out_w, FH, FW), im2col's rows (n, oh, ow).
    rng = seeded_rng("im2col-parity")
    x = rng.standard_normal((2, 3, 7, 6))
    windows = sliding_windows(x, (3, 2), 2, 1, axes=(2, 3))
    N, C, out_h, out_w = windows.shape[:4]
    col = windows.transpose(0, 2, 3, 1, 4, 5).reshape(N * out_h * out_w, -1)
    np.testing.assert_array_equal(col, im2col(x, 3, 2, stride=2, pad=1))

    dcol = rng.standard_normal(col.shape)
    dwindows = dcol.reshape(N, out_h, out_w, C, 3, 2).transpose(0, 3, 1, 2, 4, 5)
    np.testing.assert_allclose(fold_windows(dwindows, x.shape, (3, 2), 2, 1, axes=(2, 3)),
                               col2im(dcol, x.shape, 3, 2, stride=2, pad=1), **EXACT)


def test_negative_axes_name_the_same_axes():
    x = seeded_rng("negative-axes").standard_normal((2, 3, 5, 4))
    np.testing.assert_array_equal(sliding_windows(x, (2, 2), axes=(-2, -1)), sliding_windows(x, (2, 2), axes=(2, 3)))


# ---------------------------------------------------------------- bad arguments

@pytest.mark.parametrize("call, pattern", [
    (lambda: sliding_windows(np.zeros((4, 4, 1)), (2, 2)),
     r"sliding_windows: x must be 4-D \(N, H, W, C\) for a 2-D window \(2, 2\), got shape \(4, 4, 1\) "
     r"\(pass axes= to name the spatial axes of another layout\)"),
    (lambda: sliding_windows(np.zeros((1, 4, 4, 4, 1)), (2, 2)), r"x must be 4-D \(N, H, W, C\)"),
    (lambda: fold_windows(np.zeros((1, 3, 1, 2)), (1, 4, 4, 1), 2),
     r"fold_windows: input_shape must be 3-D \(N, W, C\) for a 1-D window \(2,\)"),
    (lambda: sliding_windows(np.zeros((1, 2, 2, 2, 2, 2)), (2, 2, 2, 2)),
     r"window must have 1, 2 or 3 sizes \(one per spatial axis\), got \(2, 2, 2, 2\)"),
    (lambda: sliding_windows(np.zeros((1, 4, 4, 1)), (2, 0)), r"window\[1\] must be >= 1, got 0"),
    (lambda: sliding_windows(np.zeros((1, 4, 4, 1)), (2, 2.0)), r"window\[1\] must be an integer, got 2\.0"),
    (lambda: sliding_windows(np.zeros((1, 4, 4, 1)), (2, 2), strides=0), r"strides\[0\] must be >= 1, got 0"),
    (lambda: sliding_windows(np.zeros((1, 4, 4, 1)), (2, 2), strides=(1, 2, 3)),
     r"strides \(1, 2, 3\) must give one value for each of the 2 spatial axes"),
    (lambda: sliding_windows(np.zeros((1, 4, 4, 1)), (2, 2), pads=-1), r"pads\[0\]\[0\] must be >= 0, got -1"),
    (lambda: sliding_windows(np.zeros((1, 4, 4, 1)), (2, 2), pads=((0, 1, 2), 0)),
     r"pads\[0\] must be an integer or a \(before, after\) pair, got \(0, 1, 2\)"),
    (lambda: sliding_windows(np.zeros((1, 4, 4, 1)), (2, 5)),
     r"sliding_windows: window 5 \(window\[1\]\) is larger than the padded axis 2: 4 \+ 0 \+ 0 = 4 "
     r"\(x shape \(1, 4, 4, 1\)\)"),
    (lambda: sliding_windows(np.zeros((1, 1, 4, 4)), (2, 2), axes=(2, 2)), r"axes \(2, 2\) must be 2 different axes"),
    (lambda: sliding_windows(np.zeros((1, 1, 4, 4)), (2, 2), axes=(2,)),
     r"axes \(2,\) must name one axis for each of the 2 window sizes"),
    (lambda: sliding_windows(np.zeros((1, 1, 4, 4)), (2, 2), axes=(2, 4)), r"must be 2 different axes of the 4-D x"),
    (lambda: sliding_windows(np.zeros((1, 1, 4, 4)), (2, 2), axes=2.0), r"axes must be a tuple of 2 axes, got 2\.0"),
])
def test_bad_arguments_are_named(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()


def test_fold_windows_rejects_windows_of_the_wrong_shape():
    pattern = (r"fold_windows: windows has shape \(1, 3, 3, 1, 4\), but input_shape \(1, 4, 4, 1\) with window "
               r"\(2, 2\), strides=\(1, 1\), pads=\(\(0, 0\), \(0, 0\)\) needs \(1, 3, 3, 1, 2, 2\)")
    with pytest.raises(ValueError, match=pattern):
        fold_windows(np.zeros((1, 3, 3, 1, 4)), (1, 4, 4, 1), (2, 2))  # window axes flattened
    with pytest.raises(ValueError, match=r"windows has shape \(1, 3, 3, 1, 2, 2\).* needs \(1, 4, 4, 1, 2, 2\)"):
        fold_windows(np.zeros((1, 3, 3, 1, 2, 2)), (1, 4, 4, 1), (2, 2), 1, ((0, 1), (0, 1)))  # padding forgotten
