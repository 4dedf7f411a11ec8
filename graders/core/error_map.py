"""Where an output is wrong, small enough for JSON: the data behind the instructors' heat maps.

The grading core records it on every wrong-valued output (graders/core/check.py); the reports
(graders/reports/html.py) draw it.
"""
import math

import numpy as np


def error_map(student: np.ndarray, reference: np.ndarray):
    """Where an output is wrong, small enough for JSON: |student - reference| at its largest over all axes but the
    last two, as nested lists (None where the student's value is NaN or infinite).

    Inputs:
    - student, reference: arrays of the same shape, e.g. dx (N, C, H, W), dW (FN, C, FH, FW), db (FN,)

    Returns:
    - (H, W) nested lists for dx, (FH, FW) for dW, (1, FN) for db; None when the shapes differ or are empty
    """
    student = np.asarray(student)
    reference = np.asarray(reference, dtype=np.float64)
    if student.shape != reference.shape or reference.size == 0 or not (np.issubdtype(student.dtype, np.floating) or np.issubdtype(student.dtype, np.integer)):
        return None
    with np.errstate(all="ignore"):  # inf - inf and overflow become NaN/inf, handled on the next line
        diff = np.abs(student.astype(np.float64) - reference)
    diff = np.where(np.isfinite(diff), diff, np.inf)  # NaN/inf become inf: the worst, whatever else is there
    grid = diff.reshape(1, -1) if diff.ndim < 2 else diff.reshape(-1, *diff.shape[-2:]).max(axis=0)
    return [[None if math.isinf(v) else float(v) for v in row] for row in grid]
