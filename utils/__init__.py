"""Helpers for the convolution and pooling exercises.

    from utils import im2col, col2im

``im2col`` unrolls every window of an image batch into one row of a matrix, so that a
convolution becomes a single matrix product; ``col2im`` is its adjoint: it puts each row
back where it came from, *adding* the values of windows that overlap. That sum is what a
backward pass needs.

``numerical_gradient_array`` and ``rel_error`` let you check your own backward pass against
finite differences, as CS231n does. ``self_check`` runs an exercise's public test cases.

This package imports nothing else of backprop-lab: it is exactly what students receive.
"""
from utils.im2col import col2im, conv_output_size, im2col
from utils.gradcheck import numerical_gradient_array, rel_error
from utils.selfcheck import self_check

__all__ = ["im2col", "col2im", "conv_output_size", "numerical_gradient_array", "rel_error", "self_check"]
