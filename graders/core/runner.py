"""Drive a student's layer: the one function the in-process check and the sandbox worker share.

numpy and ``utils`` only (no ``solutions``, no ``graders``): the sandboxed worker loads this file by path.
"""
from utils.checking import run_layer


def run_case(cls, plan, params, inputs, runs=2):
    """Build the layer and make the calls of the exercise's plan on copies of the inputs; return its outputs.

    Inputs:
    - cls: the student's class (Convolution, MaxPool ... as the exercise defines it)
    - plan: the exercise's plan (``Exercise.plan``: plain data, so that it crosses into the sandbox):
      the constructor's arguments, the calls in order, the outputs judged
    - params: numbers for the constructor: {"stride", "pad"} or {"pool_h", "pool_w", "stride", "pad"}
    - inputs: arrays, e.g. x: (N, C, H, W), dout: (N, FN or C, out_h, out_w), W: (FN, C, FH, FW), b: (FN,)
    - runs: 2 for a student's class (each case twice: a result that changes between two identical runs
      raises utils.checking.NondeterministicOutput, so regrades agree); 1 for trusted code (the reference
      and the catalogue's mistakes)

    Returns {output name: value} (e.g. {"dx": backward's return value, "dW": layer.dW, "db": layer.db}),
    unchanged (validation is the comparison's job). Exceptions propagate.
    """
    return run_layer(cls, plan, params, inputs, runs=runs)
