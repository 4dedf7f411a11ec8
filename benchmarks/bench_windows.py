"""Speed of the channels-last window helpers and the TensorFlow-style references, against peers in the same run.

    .venv/bin/python benchmarks/bench_windows.py [--repeats 9]

- sliding_windows / fold_windows against im2col / col2im on the same 2-D geometry (the NCHW layout
  through axes=(2, 3), so both do the same work); the targets say they may cost at most twice as much;
- 3-D pooling (forward + backward of the references) and the NHWC convolution against PyTorch's
  max_pool3d / avg_pool3d / conv2d autograd on the same inputs, when PyTorch is installed.

One thread for everyone, the same inputs, the best of several interleaved repeats. Prints ratios
ours/peer. A script, not a test: timings never decide a test.
"""
import os

for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script: import this checkout

from solutions import Conv2D, TFAvgPool3D, TFMaxPool3D  # noqa: E402
from utils import col2im, fold_windows, im2col, sliding_windows  # noqa: E402

try:
    import torch
    import torch.nn.functional as F
    torch.set_num_threads(1)
except ImportError:
    torch = None

X2D = (16, 16, 32, 32)  # NCHW for the im2col comparison
WINDOW, STRIDE, PAD = (3, 3), 1, 1
X3D = (4, 16, 24, 24, 8)  # NDHWC
POOL3D = (2, 3, 3), (2, 2, 2), "SAME"
XCONV, WCONV = (16, 32, 32, 16), (3, 3, 16, 32)  # NHWC, (KH, KW, C_in, C_out)

TARGETS = {"sliding_windows": 2.0, "fold_windows": 2.0}


def best_of(functions, repeats):
    for f in functions:
        f()
    best = [float("inf")] * len(functions)
    for _ in range(repeats):
        for i, f in enumerate(functions):
            start = time.perf_counter()
            f()
            best[i] = min(best[i], time.perf_counter() - start)
    return best


def windows_vs_im2col(rng, repeats):
    x = rng.standard_normal(X2D)
    col = im2col(x, *WINDOW, STRIDE, PAD)
    N, C, H, W = X2D
    out_h = out_w = (H + 2 * PAD - WINDOW[0]) // STRIDE + 1
    dwindows = rng.standard_normal((N, C, out_h, out_w, *WINDOW))
    dcol = rng.standard_normal(col.shape)
    ours, peer = best_of([lambda: sliding_windows(x, WINDOW, STRIDE, PAD, axes=(2, 3)),
                          lambda: im2col(x, *WINDOW, STRIDE, PAD)], repeats)
    yield "sliding_windows", "im2col", ours, peer
    ours, peer = best_of([lambda: fold_windows(dwindows, X2D, WINDOW, STRIDE, PAD, axes=(2, 3)),
                          lambda: col2im(dcol, X2D, *WINDOW, STRIDE, PAD)], repeats)
    yield "fold_windows", "col2im", ours, peer


def against_torch(rng, repeats):
    ksize, strides, padding = POOL3D
    x = rng.standard_normal(X3D)
    for name, layer_class, pool in (("TFMaxPool3D", TFMaxPool3D, "max"), ("TFAvgPool3D", TFAvgPool3D, "avg")):
        layer = layer_class(ksize, strides, padding)
        out = layer.forward(x)
        dout = rng.standard_normal(out.shape)
        pads = layer.pads
        flat = [p for pair in reversed(pads) for p in pair]
        xt = torch.tensor(x).permute(0, 4, 1, 2, 3).contiguous()
        doutt = torch.tensor(dout).permute(0, 4, 1, 2, 3).contiguous()

        def ours():
            layer.forward(x)
            layer.backward(dout)

        def peer():
            leaf = xt.clone().requires_grad_(True)
            if pool == "max":
                y = F.max_pool3d(F.pad(leaf, flat, value=-np.inf), ksize, strides)
            else:  # the real elements' mean: sums over counts
                y = F.avg_pool3d(F.pad(leaf, flat), ksize, strides, divisor_override=1)
            y.backward(doutt)

        yield f"{name} forward+backward", f"torch {pool}_pool3d", *best_of([ours, peer], repeats)

    x = rng.standard_normal(XCONV)
    W = rng.standard_normal(WCONV)
    b = rng.standard_normal(WCONV[-1])
    layer = Conv2D(W, b, 1, "same")
    dout = rng.standard_normal(layer.forward(x).shape)
    xt = torch.tensor(x).permute(0, 3, 1, 2).contiguous()
    Wt = torch.tensor(W).permute(3, 2, 0, 1).contiguous()
    bt = torch.tensor(b)
    doutt = torch.tensor(dout).permute(0, 3, 1, 2).contiguous()
    flat = [p for pair in reversed(layer.pads) for p in pair]

    def peer():
        leaves = [t.clone().requires_grad_(True) for t in (xt, Wt, bt)]
        F.conv2d(F.pad(leaves[0], flat), leaves[1], leaves[2]).backward(doutt)

    for method in ("backward", "backward_flipped"):
        def ours(method=method):
            layer.forward(x)
            getattr(layer, method)(dout)
        yield f"Conv2D forward+{method}", "torch conv2d autograd", *best_of([ours, peer], repeats)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9, help="timed calls of each function (best is kept)")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    rows = list(windows_vs_im2col(rng, args.repeats))
    if torch is not None:
        rows += list(against_torch(rng, args.repeats))
    else:
        print("PyTorch is not installed: only the im2col comparison runs")
    print(f"{'ours':34s} {'peer':24s} {'ours ms':>9s} {'peer ms':>9s} {'ratio':>7s} target")
    for ours_name, peer_name, ours, peer in rows:
        target = TARGETS.get(ours_name)
        verdict = "" if target is None else f"<= {target:g} {'ok' if ours / peer <= target else 'MISSED'}"
        print(f"{ours_name:34s} {peer_name:24s} {ours * 1e3:9.2f} {peer * 1e3:9.2f} {ours / peer:7.2f} {verdict}")


if __name__ == "__main__":
    main()
