"""Speed of im2col, col2im and the reference backward passes, against PyTorch in the same run.

    .venv/bin/python benchmarks/bench_layers.py [--repeats 15] [--dtype float64]

One thread for everyone (numpy's BLAS and PyTorch), the same inputs, the best of several
repeats with ours and PyTorch's calls interleaved, so that other work on the machine hits both
alike. Prints ours/torch ratios next to the targets. Without PyTorch the torch columns stay
empty. A script, not a test: timings never decide a test.

Each call allocates several MB (up to 38 MB). Whether those come as recycled memory or as fresh
pages (one page fault per 4 kB, slow in a VM) changes the times by up to 4x, and PyTorch
more than us. So everything is measured twice, each time in a fresh process:
- "malloc defaults": glibc as configured, what a plain script sees; allocations above 32 MB
  always get fresh pages, smaller ones depend on what ran before;
- "memory kept": glibc told (mallopt) to keep freed memory for reuse, the steady state of a
  long-running process: this is the compute cost.
"""
import os

# Must be set before numpy (and its BLAS) is imported: a single thread, like the grading workers.
for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS",
             "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import ctypes  # noqa: E402
import ctypes.util  # noqa: E402
import functools  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script: import this checkout

from solutions import Convolution, MaxPool  # noqa: E402
from utils import col2im, im2col  # noqa: E402

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    torch = None

X_SHAPE = (32, 16, 32, 32)
W_SHAPE = (32, 16, 3, 3)
PAD = 1
POOL, POOL_STRIDE = 3, 2

# Largest acceptable ours/torch ratio, per operation.
TARGETS = {"im2col": 1.0, "col2im": 1.5, "Convolution.backward": 1.0, "MaxPool.backward": 3.0}

MODES = {"default": "malloc defaults", "kept": "memory kept"}


def keep_freed_memory():
    """Tell glibc's malloc to keep freed memory (up to 512 MB) for reuse, and to serve every
    allocation below 256 MB from it. Raises SystemExit where that is not possible."""
    M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # from glibc's malloc.h
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        kept = libc.mallopt(M_MMAP_THRESHOLD, 256 << 20) == 1 and libc.mallopt(M_TRIM_THRESHOLD, 512 << 20) == 1
    except (OSError, AttributeError):
        kept = False
    if not kept:
        raise SystemExit("cannot configure malloc here (not glibc?): use --modes default")


def best_of(functions, repeats):
    """Call each function `repeats` times, interleaved; the best wall time of each, in seconds."""
    for f in functions:
        f()  # warm up: first-touch page faults, caches, lazy initialisation
    best = [float("inf")] * len(functions)
    for _ in range(repeats):
        for i, f in enumerate(functions):
            start = time.perf_counter()
            f()
            best[i] = min(best[i], time.perf_counter() - start)
    return best


def assert_same(ours, theirs, what):
    """The two sides must compute the same thing, or the ratio means nothing."""
    # float32 sums of thousands of terms (dW, db) differ in the 4th digit between any two codes.
    tolerance = 1e-3 if ours.dtype == np.float32 else 1e-8
    if not np.allclose(ours, theirs, rtol=tolerance, atol=tolerance * np.abs(theirs).max()):
        raise SystemExit(f"{what}: our result and PyTorch's differ; the timing would compare different work")


def bench_im2col(x, rng):
    ours = lambda: im2col(x, 3, 3, 1, PAD)  # noqa: E731
    if torch is None:
        return ours, None
    x_t = torch.from_numpy(x)
    theirs = lambda: F.unfold(x_t, 3, padding=PAD)  # noqa: E731
    assert_same(ours(), theirs().numpy().transpose(0, 2, 1).reshape(-1, x.shape[1] * 9), "im2col")
    return ours, theirs


def bench_col2im(x, rng):
    N, C, H, W = x.shape
    col = im2col(x, 3, 3, 1, PAD).copy()  # (N*H*W, C*9), contiguous as a backward pass makes it
    ours = lambda: col2im(col, x.shape, 3, 3, 1, PAD)  # noqa: E731
    if torch is None:
        return ours, None
    blocks = torch.from_numpy(np.ascontiguousarray(col.reshape(N, H * W, C * 9).transpose(0, 2, 1)))
    theirs = lambda: F.fold(blocks, (H, W), 3, padding=PAD)  # noqa: E731
    assert_same(ours(), theirs().numpy(), "col2im")
    return ours, theirs


def bench_conv_backward(x, rng, torch_forward_too=False):
    W = rng.standard_normal(W_SHAPE).astype(x.dtype)
    b = rng.standard_normal(W_SHAPE[0]).astype(x.dtype)
    layer = Convolution(W, b, stride=1, pad=PAD)
    out = layer.forward(x)
    dout = rng.standard_normal(out.shape).astype(x.dtype)
    ours = lambda: layer.backward(dout)  # noqa: E731
    if torch is None:
        return ours, None
    leaves = [torch.from_numpy(a.copy()).requires_grad_() for a in (x, W, b)]
    out_t = F.conv2d(*leaves, stride=1, padding=PAD)  # the graph is built once, outside the timing
    dout_t = torch.from_numpy(dout)
    theirs = lambda: torch.autograd.grad(out_t, leaves, dout_t, retain_graph=True)  # noqa: E731
    dx_t, dW_t, db_t = theirs()
    dx = ours()
    for name, a, b_ in (("dx", dx, dx_t), ("dW", layer.dW, dW_t), ("db", layer.db, db_t)):
        assert_same(a, b_.numpy(), f"Convolution.backward {name}")
    if torch_forward_too:
        theirs = lambda: torch.autograd.grad(F.conv2d(*leaves, padding=PAD), leaves, dout_t)  # noqa: E731
    return ours, theirs


def bench_maxpool_backward(x, rng, torch_forward_too=False):
    layer = MaxPool(POOL, POOL, stride=POOL_STRIDE, pad=0)
    out = layer.forward(x)
    dout = rng.standard_normal(out.shape).astype(x.dtype)
    ours = lambda: layer.backward(dout)  # noqa: E731
    if torch is None:
        return ours, None
    x_t = torch.from_numpy(x.copy()).requires_grad_()
    out_t = F.max_pool2d(x_t, POOL, stride=POOL_STRIDE)
    dout_t = torch.from_numpy(dout)
    theirs = lambda: torch.autograd.grad(out_t, [x_t], dout_t, retain_graph=True)  # noqa: E731
    assert_same(ours(), theirs()[0].numpy(), "MaxPool.backward")
    if torch_forward_too:
        theirs = lambda: torch.autograd.grad(F.max_pool2d(x_t, POOL, stride=POOL_STRIDE), [x_t], dout_t)  # noqa: E731
    return ours, theirs


ROWS = [
    # (operation, set-up, what is timed: ours | PyTorch's, target or None)
    ("im2col", bench_im2col,
     "im2col(x, 3, 3, stride=1, pad=1) | F.unfold(x, 3, padding=1)", TARGETS["im2col"]),
    ("col2im", bench_col2im,
     "col2im(col, x.shape, 3, 3, 1, 1) | F.fold(blocks, (32, 32), 3, padding=1)", TARGETS["col2im"]),
    ("Convolution.backward", bench_conv_backward,
     "backward(dout) -> dx, dW, db after one forward | torch.autograd.grad(out, (x, W, b), dout) "
     "on a conv2d graph built once: PyTorch's backward pass only", TARGETS["Convolution.backward"]),
    ("MaxPool.backward", bench_maxpool_backward,
     f"backward(dout), {POOL}x{POOL} window, stride {POOL_STRIDE}, after one forward | "
     "torch.autograd.grad(out, x, dout) on a max_pool2d graph built once: PyTorch's backward pass only",
     TARGETS["MaxPool.backward"]),
    # For reference only (no target): our backward pass against PyTorch's forward AND backward.
    ("  vs torch fwd+bwd", functools.partial(bench_conv_backward, torch_forward_too=True),
     "Convolution.backward(dout) | F.conv2d + torch.autograd.grad", None),
    ("  vs torch fwd+bwd", functools.partial(bench_maxpool_backward, torch_forward_too=True),
     "MaxPool.backward(dout) | F.max_pool2d + torch.autograd.grad", None),
]


def measure(mode, dtype, repeats):
    """Time every row in this process; returns [[ours_seconds, torch_seconds or None], ...]."""
    if mode == "kept":
        keep_freed_memory()
    if torch is not None:
        torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    x = rng.standard_normal(X_SHAPE).astype(dtype)
    times = []
    for _, setup, _, target in ROWS:
        if target is None and torch is None:
            times.append([None, None])  # the reference rows only compare with PyTorch
            continue
        ours, theirs = setup(x, rng)
        if theirs is None:
            times.append(best_of([ours], repeats) + [None])
        else:
            times.append(best_of([ours, theirs], repeats))
    return times


def measure_in_child(mode, args):
    """Run `measure` in a fresh Python process, so that one mode's allocations cannot affect the other."""
    command = [sys.executable, __file__, "--child", mode, "--dtype", args.dtype, "--repeats", str(args.repeats)]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"measuring with {MODES[mode]} failed:\n{result.stderr}")
    return json.loads(result.stdout)


def cells(t_ours, t_torch, target):
    """ours (ms), torch (ms), ours/torch with a verdict against the target."""
    if t_ours is None:
        return f"{'':>9}{'':>10}{'':>16}"
    if t_torch is None:
        return f"{t_ours * 1e3:>9.2f}{'-':>10}{'-':>16}"
    ratio = t_ours / t_torch
    verdict = "" if target is None else " ok" if ratio <= target else " over"
    return f"{t_ours * 1e3:>9.2f}{t_torch * 1e3:>10.2f}{'%.2fx%s' % (ratio, verdict):>16}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15, help="timed calls per operation (best is kept)")
    parser.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    parser.add_argument("--modes", nargs="+", choices=list(MODES), default=list(MODES),
                        help="malloc settings to measure under (each in a fresh process)")
    parser.add_argument("--child", choices=list(MODES), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        print(json.dumps(measure(args.child, args.dtype, args.repeats)))
        return

    results = {mode: measure_in_child(mode, args) for mode in args.modes}

    print(f"backprop-lab layers: x {X_SHAPE} {args.dtype}, W {W_SHAPE}, pad {PAD}; 1 thread; "
          f"best of {args.repeats}, ours and PyTorch's calls interleaved")
    print(f"numpy {np.__version__}" + (f", torch {torch.__version__}" if torch is not None
                                       else "; torch is not installed: its columns are empty"))
    print()
    group = "".join(f"{MODES[mode]:^35}" for mode in args.modes)
    header = f"{'':<22}" + f"{'ours ms':>9}{'torch ms':>10}{'ours/torch':>16}" * len(args.modes) + f"{'target':>10}"
    print(f"{'':<22}{group}")
    print(header)
    print("-" * len(header))
    for i, (name, _, _, target) in enumerate(ROWS):
        if target is None and torch is None:
            continue
        line = f"{name:<22}" + "".join(cells(*results[mode][i], target) for mode in args.modes)
        print(line + f"{'<= %.1fx' % target if target is not None else '-':>10}")
    print()
    print("What is timed (ours | PyTorch's):")
    for name, _, timed, _ in ROWS:
        if name.startswith(" "):
            name = "reference"
        print(f"  {name}: {timed}")


if __name__ == "__main__":
    main()
