"""im2col, col2im and conv_output_size against the loop definitions in oracles.py."""
import dataclasses
import importlib

import numpy as np
import pytest

import oracles
from oracles import GEOMETRIES, seeded_rng
from utils import col2im, conv_output_size, im2col

EXACT = dict(rtol=1e-12, atol=1e-12)
FLOAT32 = dict(rtol=1e-5, atol=1e-5)


# ---------------------------------------------------------------- the layout, by hand

def test_im2col_layout_by_hand():
    # Two 3x3 channels holding 0..8 and 9..17; 2x2 windows, stride 1: four windows a channel.
    x = np.arange(18.0).reshape(1, 2, 3, 3)
    expected = np.array([
        # channel 0    channel 1        window corner (oh, ow)
        [0, 1, 3, 4, 9, 10, 12, 13],  # (0, 0)
        [1, 2, 4, 5, 10, 11, 13, 14],  # (0, 1)
        [3, 4, 6, 7, 12, 13, 15, 16],  # (1, 0)
        [4, 5, 7, 8, 13, 14, 16, 17],  # (1, 1)
    ], dtype=float)
    np.testing.assert_array_equal(im2col(x, 2, 2), expected)
    np.testing.assert_array_equal(oracles.im2col(x, 2, 2), expected)


def test_im2col_rows_are_ordered_n_then_position_and_padding_is_zero():
    # Two images of one pixel each; 2x2 windows over 1 pixel of zero padding: 4 windows an image.
    x = np.array([5.0, 7.0]).reshape(2, 1, 1, 1)
    expected = np.array([
        [0, 0, 0, 5], [0, 0, 5, 0], [0, 5, 0, 0], [5, 0, 0, 0],  # image 0
        [0, 0, 0, 7], [0, 0, 7, 0], [0, 7, 0, 0], [7, 0, 0, 0],  # image 1
    ], dtype=float)
    np.testing.assert_array_equal(im2col(x, 2, 2, stride=1, pad=1), expected)


def test_col2im_sums_overlapping_windows_by_hand():
    # 3x3 image, 2x2 windows, stride 1: col of ones counts how many windows cover each pixel.
    col = np.ones((4, 4))
    expected = np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]], dtype=float).reshape(1, 1, 3, 3)
    np.testing.assert_array_equal(col2im(col, (1, 1, 3, 3), 2, 2), expected)


def test_conv_output_size_counts_window_positions():
    for size in (1, 2, 5, 8):
        for filter_size in (1, 2, 3):
            for stride in (1, 2, 3):
                for pad in (0, 1, 2):
                    if filter_size <= size + 2 * pad:
                        arguments = (size, filter_size, stride, pad)
                        assert conv_output_size(*arguments) == oracles.output_size(*arguments), arguments


# ---------------------------------------------------------------- the corner-case matrix

@pytest.mark.parametrize("geometry", GEOMETRIES, ids=str)
def test_im2col_matches_loops(geometry):
    x = seeded_rng("im2col", geometry).standard_normal(geometry.x_shape)
    col = im2col(x, *geometry.window)
    assert col.shape == geometry.col_shape
    assert col.dtype == np.float64
    np.testing.assert_array_equal(col, oracles.im2col(x, *geometry.window))


@pytest.mark.parametrize("geometry", GEOMETRIES, ids=str)
def test_col2im_matches_loops(geometry):
    col = seeded_rng("col2im", geometry).standard_normal(geometry.col_shape)
    col_before = col.copy()
    img = col2im(col, geometry.x_shape, *geometry.window)
    assert img.shape == geometry.x_shape
    assert img.dtype == np.float64
    np.testing.assert_allclose(img, oracles.col2im(col, geometry.x_shape, *geometry.window), **EXACT)
    np.testing.assert_array_equal(col, col_before)  # the input is left alone


@pytest.mark.parametrize("geometry", GEOMETRIES, ids=str)
def test_col2im_is_the_adjoint_of_im2col(geometry):
    # <col, im2col(x)> == <col2im(col), x> for every x and col: the property backward passes rely on.
    rng = seeded_rng("adjoint", geometry)
    x = rng.standard_normal(geometry.x_shape)
    col = rng.standard_normal(geometry.col_shape)
    lhs = np.sum(col * im2col(x, *geometry.window))
    rhs = np.sum(col2im(col, geometry.x_shape, *geometry.window) * x)
    assert lhs == pytest.approx(rhs, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("geometry", GEOMETRIES, ids=str)
def test_float32_stays_float32(geometry):
    rng = seeded_rng("float32", geometry)
    x = rng.standard_normal(geometry.x_shape).astype(np.float32)
    col = im2col(x, *geometry.window)
    assert col.dtype == np.float32
    np.testing.assert_array_equal(col, oracles.im2col(x, *geometry.window))  # copying is exact

    dcol = rng.standard_normal(geometry.col_shape).astype(np.float32)
    img = col2im(dcol, geometry.x_shape, *geometry.window)
    assert img.dtype == np.float32
    np.testing.assert_allclose(img, oracles.col2im(dcol, geometry.x_shape, *geometry.window), **FLOAT32)


def test_integer_images_keep_their_dtype_and_integer_col_gives_float64():
    x = np.arange(2 * 3 * 4 * 5).reshape(2, 3, 4, 5)
    col = im2col(x, 3, 2, stride=1, pad=1)
    assert col.dtype == x.dtype
    np.testing.assert_array_equal(col, oracles.im2col(x, 3, 2, 1, 1))

    img = col2im(col, x.shape, 3, 2, stride=1, pad=1)
    assert img.dtype == np.float64
    np.testing.assert_array_equal(img, oracles.col2im(col, x.shape, 3, 2, 1, 1))


def non_contiguous_views(rng, shape):
    """The same kind of data as an (N, C, H, W) array, but as views numpy did not lay out in order."""
    N, C, H, W = shape
    transposed = rng.standard_normal((N, C, W, H)).transpose(0, 1, 3, 2)
    sliced = rng.standard_normal((N, 2 * C, H + 1, 2 * W))[:, ::2, 1:, ::2]
    fortran = np.asfortranarray(rng.standard_normal(shape))
    reversed_ = rng.standard_normal(shape)[:, :, ::-1, ::-1]
    return {"transposed": transposed, "sliced": sliced, "fortran": fortran, "reversed": reversed_}


@pytest.mark.parametrize("geometry", GEOMETRIES[:5], ids=str)
def test_non_contiguous_inputs(geometry):
    rng = seeded_rng("views", geometry)
    for kind, x in non_contiguous_views(rng, geometry.x_shape).items():
        assert x.shape == geometry.x_shape and not x.flags.c_contiguous, kind
        np.testing.assert_array_equal(im2col(x, *geometry.window), oracles.im2col(x, *geometry.window), err_msg=kind)

    rows, columns = geometry.col_shape
    col_views = {
        "transposed": rng.standard_normal((columns, rows)).T,
        "sliced": rng.standard_normal((rows, 3 * columns))[:, 1::3],
    }
    for kind, col in col_views.items():
        assert not col.flags.c_contiguous, kind
        np.testing.assert_allclose(col2im(col, geometry.x_shape, *geometry.window),
                                   oracles.col2im(col, geometry.x_shape, *geometry.window),
                                   err_msg=kind, **EXACT)


# col2im sums a batch of images at a time; the matrix above fits in one batch. Here the
# batch is made small, so that several batches and a shorter last one are summed.
@pytest.mark.parametrize("geometry", [dataclasses.replace(g, x_shape=(5, *g.x_shape[1:])) for g in GEOMETRIES],
                         ids=str)
def test_col2im_in_several_batches_matches_loops(geometry, monkeypatch):
    out_h, out_w = geometry.out_shape
    image_bytes = out_h * out_w * geometry.col_shape[1] * 8
    monkeypatch.setattr(importlib.import_module("utils.im2col"), "_BATCH_BYTES", 2 * image_bytes)  # 2 + 2 + 1
    col = seeded_rng("batches", geometry).standard_normal(geometry.col_shape)
    np.testing.assert_allclose(col2im(col, geometry.x_shape, *geometry.window),
                               oracles.col2im(col, geometry.x_shape, *geometry.window), **EXACT)


def test_col2im_adjoint_at_a_realistic_size():
    # (5, 16, 20, 20), 3x3, pad 1: about 0.5 MB of col an image, so col2im's own batching applies.
    rng = seeded_rng("realistic")
    x = rng.standard_normal((5, 16, 20, 20))
    col = rng.standard_normal((5 * 20 * 20, 16 * 9))
    lhs = np.sum(col * im2col(x, 3, 3, 1, 1))
    rhs = np.sum(col2im(col, x.shape, 3, 3, 1, 1) * x)
    assert lhs == pytest.approx(rhs, rel=1e-12)


# ---------------------------------------------------------------- bad arguments

def test_im2col_rejects_images_that_are_not_4d():
    with pytest.raises(ValueError, match=r"input_data must be 4-D \(N, C, H, W\), got shape \(3, 4, 4\)"):
        im2col(np.zeros((3, 4, 4)), 2, 2)


def test_col2im_rejects_input_shape_that_is_not_4d():
    with pytest.raises(ValueError, match=r"input_shape must be 4-D \(N, C, H, W\), got shape \(1, 4, 4\)"):
        col2im(np.zeros((9, 4)), (1, 4, 4), 2, 2)


@pytest.mark.parametrize("function", ["im2col", "col2im"])
def test_kernel_larger_than_padded_input(function):
    x_shape = (1, 1, 4, 4)
    pattern = (rf"{function}: the 5x3 filter \(filter_h x filter_w\) is larger than the padded input "
               r"4x4 \(input shape \(1, 1, 4, 4\), pad=0\)")
    with pytest.raises(ValueError, match=pattern):
        if function == "im2col":
            im2col(np.zeros(x_shape), 5, 3)
        else:
            col2im(np.zeros((1, 15)), x_shape, 5, 3)


def test_kernel_that_fits_only_thanks_to_padding_is_accepted():
    assert im2col(np.zeros((1, 1, 4, 4)), 5, 3, pad=1).shape == (2 * 4, 15)


@pytest.mark.parametrize("function", ["im2col", "col2im"])
@pytest.mark.parametrize("argument, value, pattern", [
    ("stride", 0, r"stride must be >= 1, got 0"),
    ("stride", -2, r"stride must be >= 1, got -2"),
    ("pad", -1, r"pad must be >= 0, got -1"),
    ("stride", 1.5, r"stride must be an integer, got 1\.5"),
    ("pad", True, r"pad must be an integer, got True"),
    ("filter_h", 0, r"filter_h must be >= 1, got 0"),
])
def test_bad_stride_pad_or_filter(function, argument, value, pattern):
    arguments = {"filter_h": 2, "filter_w": 2, "stride": 1, "pad": 0, argument: value}
    with pytest.raises(ValueError, match=pattern):
        if function == "im2col":
            im2col(np.zeros((1, 1, 4, 4)), **arguments)
        else:
            col2im(np.zeros((9, 4)), (1, 1, 4, 4), **arguments)


def test_col_shape_must_match_input_shape():
    # (1, 2, 4, 4) with 3x3 windows, stride 1: 2*2 = 4 windows of 2*9 = 18 numbers.
    pattern = (r"col2im: col has shape \(4, 9\) \(36 numbers\), but input_shape \(1, 2, 4, 4\) with a 3x3 filter, "
               r"stride=1, pad=0 needs \(N\*out_h\*out_w, C\*filter_h\*filter_w\) = \(4, 18\)")
    with pytest.raises(ValueError, match=pattern):
        col2im(np.zeros((4, 9)), (1, 2, 4, 4), 3, 3)
    with pytest.raises(ValueError, match=r"col has shape \(71,\) \(71 numbers\).* \(72 numbers\)"):
        col2im(np.zeros(71), (1, 2, 4, 4), 3, 3)  # one number short
    with pytest.raises(ValueError, match=r"col has shape \(4, 18, 2\)"):
        col2im(np.zeros((4, 18, 2)), (1, 2, 4, 4), 3, 3)  # twice too many


# ---------------------------------------------------------------- Educoder parity

@pytest.mark.parametrize("geometry", GEOMETRIES, ids=str)
def test_col2im_agrees_with_the_books_on_any_shape_of_the_right_size(geometry):
    # The book's col2im reshapes whatever it gets; answers rely on it (MaxPool's dmax passed as it is).
    N, C, H, W = geometry.x_shape
    fh, fw = geometry.window[:2]
    rows, columns = geometry.col_shape
    col = seeded_rng("parity", geometry).standard_normal(rows * columns)
    shapes = [(rows, columns), (rows * C, fh * fw), (rows * columns,), (N, rows // N, C, fh * fw), (columns, rows)]
    for shape in shapes:
        np.testing.assert_allclose(col2im(col.reshape(shape), geometry.x_shape, *geometry.window),
                                   oracles.book_col2im(col.reshape(shape), geometry.x_shape, *geometry.window),
                                   **EXACT)


def test_maxpool_dmax_passed_straight_to_col2im_gives_the_reference_dx():
    # The public answer style: dmax (N*out_h*out_w*C, pool_h*pool_w) handed to col2im without regrouping.
    from solutions import MaxPool
    rng = np.random.default_rng(7)
    x = rng.standard_normal((2, 3, 5, 7))
    layer = MaxPool(2, 3, stride=2, pad=1)
    out = layer.forward(x)
    dout = rng.standard_normal(out.shape)
    expected = layer.backward(dout)
    flat = dout.transpose(0, 2, 3, 1).flatten()
    dmax = np.zeros((flat.size, 6))
    dmax[np.arange(flat.size), layer.arg_max] = flat
    np.testing.assert_allclose(col2im(dmax, x.shape, 2, 3, 2, 1), expected, **EXACT)
    np.testing.assert_allclose(oracles.book_col2im(dmax, x.shape, 2, 3, 2, 1), expected, **EXACT)
