"""Drive a student's layer: the one function the in-process check and the sandbox worker share.

numpy and ``utils`` only (no ``solutions``), so that the sandboxed worker can import it.
"""
from utils.checking import run_layer


def run_case(cls, case_kind, params, inputs, runs=2):
    """Build the layer, run forward(x) and backward(dout) on copies of the inputs, return its outputs.

    Inputs:
    - cls: the student's class (Convolution or MaxPool, as the exercise defines it)
    - case_kind: the exercise, "Convolution.backward" or "MaxPool.backward" (the class name works too)
    - params: numbers for the constructor: {"stride", "pad"} or {"pool_h", "pool_w", "stride", "pad"}
    - inputs: x: (N, C, H, W), dout: (N, FN or C, out_h, out_w); convolution: W: (FN, C, FH, FW), b: (FN,)

    - runs: 2 for a student's class (each case twice: a result that changes between two identical runs
      raises utils.checking.NondeterministicOutput, so regrades agree); 1 for trusted code (the reference
      and the catalogue's mistakes)

    Returns {"dx": backward's return value, "dW": layer.dW, "db": layer.db} with only the exercise's
    outputs, unchanged (validation is the comparison's job). Exceptions propagate.
    """
    return run_layer(cls, case_kind, params, inputs, runs=runs)
