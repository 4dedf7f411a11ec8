"""The reports' figures, as PNG data URIs for an HTML page: a heat map of an error map, the class's score
histogram, horizontal bars (most common mistakes, failed cases). Drawn with a CJK font after DejaVu Sans
when they hold Chinese (utils.fonts), in the language spoken (graders.i18n)."""
import base64
import functools
import io
import re

import numpy as np

from graders.i18n import _
from utils.i18n import get_language


def _figure(width: float, height: float):
    """A matplotlib Figure, without pyplot: no global backend state, no display needed.

    matplotlib is imported here, not at the top, so that the grader can use error_map without paying for it.
    """
    from matplotlib.figure import Figure
    return Figure(figsize=(width, height))


def png_data_uri(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def _in_language_fonts(draw):
    """Draw (and save) a figure with a CJK font after DejaVu Sans when it has Chinese words: in the Chinese
    pages, and in an English page that shows a text graded in Chinese (a mistake's title)."""
    @functools.wraps(draw)
    def drawn(*args, **kwargs):
        import matplotlib
        from utils.fonts import font_rc
        texts = [a for a in (*args, *kwargs.values()) if isinstance(a, str)]
        texts += [t for a in args if isinstance(a, list) for t in a if isinstance(t, str)]
        chinese = get_language() == "zh" or any(_CJK.search(text) for text in texts)
        with matplotlib.rc_context(font_rc("zh" if chinese else "en")):
            return draw(*args, **kwargs)
    return drawn


@_in_language_fonts
def heatmap_figure(grid: np.ndarray, title: str) -> str:
    """A heat map of an error map (2-D, NaN = not a finite number), as a PNG data URI."""
    rows, cols = grid.shape
    import matplotlib
    fig = _figure(min(1.6 + 0.45 * cols, 7.0), min(1.3 + 0.4 * rows, 5.5))
    ax = fig.add_subplot()
    finite = np.isfinite(grid)
    shown = np.ma.masked_invalid(grid)
    cmap = matplotlib.colormaps["magma_r"].with_extremes(bad="#1f77b4")  # NaN/inf in blue, off the scale
    vmax = float(grid[finite].max()) if finite.any() else 1.0
    image = ax.imshow(shown, cmap=cmap, vmin=0.0, vmax=vmax if vmax > 0 else 1.0, interpolation="nearest")
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    if rows <= 12 and cols <= 12:  # small maps: a grid line around every entry, so entries can be counted
        ax.set_xticks(np.arange(cols))
        ax.set_yticks(np.arange(rows))
        ax.set_xticks(np.arange(-0.5, cols), minor=True)
        ax.set_yticks(np.arange(-0.5, rows), minor=True)
        ax.grid(which="minor", color="white", linewidth=0.6)
        ax.tick_params(which="both", length=0, labelsize=7)
    ax.set_title(title, fontsize=8)
    if not finite.all():
        ax.set_xlabel(_("blue: NaN or infinite"), fontsize=7)
    fig.tight_layout()
    return png_data_uri(fig)


@_in_language_fonts
def histogram_figure(scores: list[float], max_score: float) -> str:
    """Histogram of total scores on [0, max_score], as a PNG data URI."""
    fig = _figure(6.0, 2.8)
    ax = fig.add_subplot()
    top = max_score if max_score > 0 else max(scores + [1.0])
    bins = np.linspace(0.0, top, 11)  # ten bins; numpy puts a full score into the last one
    ax.hist(np.clip(scores, 0.0, top), bins=bins, color="#4c72b0", edgecolor="white")
    ax.set_xlabel(_("score (out of {top:g})").format(top=top))
    ax.set_ylabel(_("submissions"))
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_xlim(0.0, top)
    fig.tight_layout()
    return png_data_uri(fig)


@_in_language_fonts
def barh_figure(labels: list[str], values: list[float], xlabel: str, integer: bool = False) -> str:
    """Horizontal bars, first label on top, as a PNG data URI; integer: whole-number ticks (counts)."""
    fig = _figure(7.0, 0.9 + 0.32 * len(labels))
    ax = fig.add_subplot()
    positions = np.arange(len(labels))[::-1]
    ax.barh(positions, values, color="#c44e52")
    ax.set_yticks(positions, [shorten(label, 60) for label in labels], fontsize=8)
    ax.set_xlabel(xlabel)
    ax.set_xlim(0.0, max(values + [1.0]))
    if integer:
        ax.xaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()
    return png_data_uri(fig)


def shorten(text: str, n: int) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"
