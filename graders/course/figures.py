"""The notebooks' figures: drawing helpers for an exercise folder's figures.py, and rendering to PNG.

An exercise folder's ``figures.py`` defines ``FIGURES = {"name.png": draw}``, where
``draw(reference_class)`` returns a matplotlib Figure drawn from the reference implementation
(graders/exercises/maxpool_backward/figures.py is an example). ``backprop-lab build`` embeds each
figure a template names (``![...](attachment:name.png)``) as a cell attachment.

    render_figure("maxpool_routing.png", exercises) -> PNG bytes

A figure's words are in the language spoken when it is drawn (figures.py wraps them in ``_()``, its
folder's catalogue; the build draws each notebook's figures in its language), and a Chinese figure is
drawn with a CJK font after DejaVu Sans (utils.fonts), so that no character is an empty box.
"""
import io

import matplotlib

matplotlib.use("Agg")  # build machines have no display
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from utils.fonts import font_rc  # noqa: E402
from utils.i18n import get_language  # noqa: E402


def subplots(*args, **kwargs):
    """matplotlib's plt.subplots (the figures are closed once rendered)."""
    return plt.subplots(*args, **kwargs)


def grid(ax, values, title, highlight=None, cmap="Blues", frame=None):
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


def outline(ax, top, left, height, width, color):
    ax.add_patch(Rectangle((left - 0.5, top - 0.5), width, height, fill=False, edgecolor=color, linewidth=2.5))


def figures_of(exercises):
    """{"name.png": (draw, exercise)} of the exercises' folders."""
    found = {}
    for exercise in exercises:
        for name, draw in exercise.folder.figures.items():
            found.setdefault(name, (draw, exercise))
    return found


def render_figure(name, exercises):
    """PNG bytes of the figure called ``name``, drawn by one of the exercises' figures.py."""
    known = figures_of(exercises)
    if name not in known:
        raise KeyError(f"no figure called {name!r}; the exercises' figures are {', '.join(sorted(known)) or 'none'}")
    draw, exercise = known[name]
    with plt.rc_context(font_rc(get_language())):
        fig = draw(exercise.reference_class)
        buffer = io.BytesIO()
        # No Software/date metadata, so that rebuilding gives the same bytes.
        fig.savefig(buffer, format="png", dpi=90, metadata={"Software": None})
        plt.close(fig)
    return buffer.getvalue()


