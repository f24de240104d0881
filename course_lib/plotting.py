"""Matplotlib set-up for the lessons: a Korean font that ships with a package, fixed styling.

`use_korean_font()` registers NanumGothic from the `koreanize-matplotlib`
wheel (no system font needed, nothing downloaded) as the fallback of
matplotlib's own DejaVu Sans: Latin text, digits and the minus sign U+2212
(which log-axis tick labels draw through mathtext and NanumGothic lacks)
come from DejaVu Sans, and every Hangul glyph from NanumGothic, so nothing
renders as an empty box and nothing warns about missing glyphs.
"""

import glob
import importlib.util
import os

import matplotlib
import matplotlib.pyplot as plt
from matplotlib import font_manager

KOREAN_FONT = "NanumGothic"


def _bundled_font_files():
    spec = importlib.util.find_spec("koreanize_matplotlib")  # located, not imported
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("NanumGothic was not found: install koreanize-matplotlib (make setup does).")
    folder = os.path.join(list(spec.submodule_search_locations)[0], "fonts")
    return sorted(glob.glob(os.path.join(folder, "NanumGothic*.ttf")))


def use_korean_font():
    """Make NanumGothic the default font; returns its family name."""
    if KOREAN_FONT not in {font.name for font in font_manager.fontManager.ttflist}:
        for path in _bundled_font_files():
            font_manager.fontManager.addfont(path)
    matplotlib.rcParams["font.family"] = ["DejaVu Sans", KOREAN_FONT]
    matplotlib.rcParams["text.hinting"] = "none"  # hinted Hangul overlaps in rotated labels (y axes)
    matplotlib.rcParams["figure.dpi"] = 80
    matplotlib.rcParams["savefig.dpi"] = 80
    return KOREAN_FONT


def new_figure(*args, **kwargs):
    """`plt.subplots` after making sure the Korean font is active."""
    use_korean_font()
    return plt.subplots(*args, **kwargs)
