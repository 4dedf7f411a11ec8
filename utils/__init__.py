"""Helpers for the convolution and pooling exercises.

    from utils import im2col, col2im

``im2col`` unrolls every window of an image batch into one row of a matrix, so that a
convolution becomes a single matrix product; ``col2im`` is its adjoint: it puts each row
back where it came from, *adding* the values of windows that overlap. That sum is what a
backward pass needs.

``sliding_windows`` and ``fold_windows`` are the same pair for 1-, 2- and 3-D windows of
channels-last arrays (TensorFlow's NWC, NHWC, NDHWC), with padding that may differ at the two
ends; ``window_padding`` is TensorFlow's "SAME"/"VALID" rule.

``numerical_gradient_array`` and ``rel_error`` let you check your own backward pass against
finite differences, as CS231n does. ``self_check`` runs an exercise's public test cases.

This package imports nothing else of backprop-lab: it is exactly what students receive.
"""
from utils.im2col import col2im, conv_output_size, im2col
from utils.gradcheck import numerical_gradient_array, rel_error
from utils.selfcheck import self_check
from utils.windows import fold_windows, sliding_windows, window_output_size, window_padding

__all__ = ["im2col", "col2im", "conv_output_size", "numerical_gradient_array", "rel_error", "self_check",
           "sliding_windows", "fold_windows", "window_padding", "window_output_size"]
