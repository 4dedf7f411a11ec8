"""The worked-example figures of the notebooks, drawn at build time from the reference solutions.

``backprop-lab build`` embeds each figure in its markdown cell as an attachment
(``![...](attachment:maxpool_routing.png)`` in a template), so the release shows the
numbers the reference backward pass produces without shipping any solution code.

    render_figure("maxpool_routing.png") -> PNG bytes
"""
import io

import matplotlib

matplotlib.use("Agg")  # build machines have no display
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from solutions.layers import Convolution, MaxPool  # noqa: E402

# The worked examples: small integers, so that every number in the figures can be followed by hand.
MAXPOOL_X = np.array([
    [1, 3, 2, 1, 0, 2],
    [4, 2, 0, 3, 5, 1],
    [1, 1, 6, 2, 5, 0],
    [0, 2, 3, 3, 1, 4],
    [2, 7, 1, 0, 2, 2],
    [1, 0, 2, 4, 2, 3],
], dtype=np.float64)  # ties on purpose: the 5s at (1,4)/(2,4), the 3s at (3,2)/(3,3)
MAXPOOL_DOUT = np.arange(1, 26, dtype=np.float64).reshape(5, 5)  # distinct, so each can be traced
MAXPOOL_WINDOW = 2  # 2x2 windows, stride 1: overlapping

CONV_X = np.array([
    [1, 2, 0, 1],
    [0, 1, 3, 2],
    [2, 1, 0, 1],
    [1, 0, 2, 3],
], dtype=np.float64)
CONV_W = np.array([[1, -1], [2, 0]], dtype=np.float64)
CONV_DOUT = np.array([[1, 0, 2], [0, 1, 0], [1, 2, 1]], dtype=np.float64)


def maxpool_example():
    """The 6x6 example: x (6, 6), dout (5, 5), out (5, 5), dx (6, 6) from the reference MaxPool."""
    layer = MaxPool(MAXPOOL_WINDOW, MAXPOOL_WINDOW, stride=1, pad=0)
    out = layer.forward(MAXPOOL_X[None, None])
    dx = layer.backward(MAXPOOL_DOUT[None, None])
    return {"x": MAXPOOL_X, "out": out[0, 0], "dout": MAXPOOL_DOUT, "dx": dx[0, 0]}


def conv_example():
    """The 4x4 example: one image, one channel, one 2x2 filter, stride 1, from the reference Convolution."""
    layer = Convolution(CONV_W[None, None], np.zeros(1), stride=1, pad=0)
    out = layer.forward(CONV_X[None, None])
    dx = layer.backward(CONV_DOUT[None, None])
    return {"x": CONV_X, "W": CONV_W, "out": out[0, 0], "dout": CONV_DOUT,
            "dx": dx[0, 0], "dW": layer.dW[0, 0], "db": layer.db}


def _grid(ax, values, title, highlight=None, cmap="Blues", frame=None):
    """Draw a matrix as a table of numbers.

    highlight: boolean mask of cells to shade; frame: (rows, cols) of the area the axes show,
    so that panels of different sizes share one cell size.
    """
    rows, cols = values.shape
    frame_rows, frame_cols = frame or values.shape
    shade = np.zeros_like(values) if highlight is None else 0.8 * highlight.astype(float)
    ax.imshow(shade, cmap=cmap, vmin=0, vmax=2.0, extent=(-0.5, cols - 0.5, rows - 0.5, -0.5))
    for (i, j), v in np.ndenumerate(values):
        quiet = highlight is not None and not highlight[i, j] and v == 0
        ax.text(j, i, f"{v:g}", ha="center", va="center", fontsize=11, color="0.6" if quiet else "black")
    ax.hlines(np.arange(-0.5, rows), -0.5, cols - 0.5, color="0.6", linewidth=0.8)
    ax.vlines(np.arange(-0.5, cols), -0.5, rows - 0.5, color="0.6", linewidth=0.8)
    extra_rows, extra_cols = (frame_rows - rows) / 2, (frame_cols - cols) / 2
    ax.set_xlim(-0.5 - extra_cols, cols - 0.5 + extra_cols)
    ax.set_ylim(rows - 0.5 + extra_rows, -0.5 - extra_rows)
    ax.set_axis_off()
    ax.text((cols - 1) / 2, -0.75, title, ha="center", va="bottom", fontsize=11)


def _outline(ax, top, left, height, width, color):
    ax.add_patch(Rectangle((left - 0.5, top - 0.5), width, height, fill=False, edgecolor=color, linewidth=2.5))


def draw_maxpool_routing():
    """x with one window outlined, dout, and dx: each dout value lands on its window's first maximum."""
    ex = maxpool_example()
    x, dout, dx = ex["x"], ex["dout"], ex["dx"]
    k = MAXPOOL_WINDOW
    # Which x entries are some window's routed maximum: recompute the argmax per window by hand.
    winners = np.zeros_like(x, dtype=bool)
    for i in range(dout.shape[0]):
        for j in range(dout.shape[1]):
            a = int(np.argmax(x[i:i + k, j:j + k]))
            winners[i + a // k, j + a % k] = True

    frame = (6.6, 6.6)
    fig, axes = plt.subplots(1, 3, figsize=(11, 4.0))
    _grid(axes[0], x, "x; shaded: some window's maximum", winners, frame=frame)
    _grid(axes[1], dout, "dout, the upstream gradient", frame=frame)
    _grid(axes[2], dx, "dx: routed, summed", dx != 0, cmap="Oranges", frame=frame)
    # One window followed through: (1, 3) covers x[1:3, 3:5], whose maximum 5 appears twice.
    _outline(axes[0], 1, 3, k, k, "crimson")
    _outline(axes[1], 1, 3, 1, 1, "crimson")
    _outline(axes[2], 1, 4, 1, 1, "crimson")
    fig.suptitle("Max pooling backward: 2x2 windows, stride 1 (overlapping)", fontsize=12)
    fig.tight_layout()
    return fig


def draw_conv_backward():
    """x, W, dout, then dW = every window of x weighted by its dout, and dx = col2im of dout times W."""
    ex = conv_example()
    frame = (4.6, 4.6)
    fig, axes = plt.subplots(1, 5, figsize=(13, 3.0))
    _grid(axes[0], ex["x"], "x (4x4)", frame=frame)
    _grid(axes[1], ex["W"], "W (2x2)", frame=frame)
    _grid(axes[2], ex["dout"], "dout (3x3)", frame=frame)
    _grid(axes[3], ex["dW"], "dW (2x2)", np.ones_like(ex["W"], dtype=bool), cmap="Oranges", frame=frame)
    _grid(axes[4], ex["dx"], "dx (4x4)", np.ones_like(ex["x"], dtype=bool), cmap="Oranges", frame=frame)
    _outline(axes[0], 0, 0, 2, 2, "crimson")  # the window that produced out[0, 0]
    _outline(axes[2], 0, 0, 1, 1, "crimson")
    fig.suptitle(f"Convolution backward, stride 1, no padding (db = sum of dout = {ex['db'][0]:g})",
                 fontsize=12)
    fig.tight_layout()
    return fig


FIGURES = {
    "maxpool_routing.png": draw_maxpool_routing,
    "conv_backward_example.png": draw_conv_backward,
}


def render_figure(name):
    """PNG bytes of the figure called ``name`` (a key of FIGURES)."""
    if name not in FIGURES:
        raise KeyError(f"no figure called {name!r}; known figures: {', '.join(sorted(FIGURES))}")
    fig = FIGURES[name]()
    buffer = io.BytesIO()
    # No Software/date metadata, so that rebuilding gives the same bytes.
    fig.savefig(buffer, format="png", dpi=90, metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()
