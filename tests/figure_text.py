"""Is every text of a matplotlib figure readable: inside the figure and clear of every other
text? Used on every figure a lesson draws (tests/kernel_checks.py runs this file inside each
notebook's kernel) and on the figures of course_utils.plots and the GIF frames.

Self-contained (it imports only matplotlib), because the kernel runs it from its source text.
"""

from __future__ import annotations

# Two texts may touch; they overlap when they share more than this many square pixels
# (at the figure's dpi), which is less than a tenth of one character at 10 pt and 90 dpi.
OVERLAP_PIXELS = 4.0
# A text may stick out of the figure by this many pixels (antialiasing of the last glyph).
EDGE_PIXELS = 1.0
# The smallest text a learner can read on screen: 7 pt at the lessons' 90 dpi, about 9 pixels.
MIN_TEXT_PIXELS = 8.75


def _label(text) -> str:
    words = " ".join(text.get_text().split())
    return repr(words if len(words) <= 40 else words[:37] + "...")


def _drawn_texts(fig):
    """The texts a draw of ``fig`` really renders (not stale tick labels out of view), each
    with its box in pixels, and the renderer."""
    if not hasattr(fig.canvas, "get_renderer"):  # a bare Figure(), as the GIF frames are
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()
    drawn = {}
    original = renderer.draw_text

    def recording(gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if mtext is not None and s.strip():
            drawn[id(mtext)] = mtext
        return original(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)

    fig.draw_without_rendering()  # constrained layout with subfigures settles on a 2nd draw
    renderer.draw_text = recording
    try:
        fig.draw(renderer)
    finally:
        del renderer.draw_text
    boxes = [(text, text.get_window_extent(renderer)) for text in drawn.values()]
    return [(text, box) for text, box in boxes if box.width > 0 and box.height > 0]


def text_problems(fig) -> list[str]:
    """What is unreadable in ``fig``: texts that overlap each other, leave the figure, or are
    smaller than :data:`MIN_TEXT_PIXELS` at the figure's dpi.

    The figure is drawn (so constrained layout has placed everything) and the texts the
    draw renders are measured; empty and invisible texts are not drawn, so not checked.
    """
    texts = _drawn_texts(fig)
    width, height = fig.bbox.width, fig.bbox.height
    problems = []
    for text, box in texts:
        pixels = text.get_fontsize() * fig.dpi / 72
        if pixels < MIN_TEXT_PIXELS:
            problems.append(f"text {_label(text)} is {pixels:.1f} pixels tall; the least is "
                            f"{MIN_TEXT_PIXELS} (7 pt at 90 dpi)")
        outside = (box.x0 < -EDGE_PIXELS or box.y0 < -EDGE_PIXELS
                   or box.x1 > width + EDGE_PIXELS or box.y1 > height + EDGE_PIXELS)
        if outside:
            problems.append(f"text {_label(text)} leaves the figure")
    for index, (first, a) in enumerate(texts):
        for second, b in texts[index + 1:]:
            overlap_w = min(a.x1, b.x1) - max(a.x0, b.x0)
            overlap_h = min(a.y1, b.y1) - max(a.y0, b.y0)
            if overlap_w > 0 and overlap_h > 0 and overlap_w * overlap_h > OVERLAP_PIXELS:
                problems.append(f"text {_label(first)} overlaps text {_label(second)}")
    return problems


def figure_name(fig) -> str:
    """A short name for a figure in a report: its suptitle or first axes title."""
    suptitle = getattr(fig, "_suptitle", None)
    if suptitle is not None and suptitle.get_text().strip():
        return repr(" ".join(suptitle.get_text().split())[:50])
    for ax in fig.axes:
        if ax.get_title().strip():
            return repr(" ".join(ax.get_title().split())[:50])
    return "(untitled figure)"
