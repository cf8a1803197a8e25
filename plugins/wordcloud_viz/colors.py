"""Word colours from a matplotlib colormap, without matplotlib.pyplot.

wordcloud's own `colormap_color_func` imports matplotlib.pyplot (a plotting backend: ~16 MB in the app's
process) only to look the colormap up. This is that class with the lookup done in `matplotlib.colormaps`,
which holds the same colormap objects, so the colours (and the PNG) are the same.
"""

from __future__ import annotations

import matplotlib
from wordcloud.wordcloud import colormap_color_func


class ColormapColors(colormap_color_func):
    def __init__(self, colormap: str):  # noqa: D107 - the parent's __call__ draws the colours
        self.colormap = matplotlib.colormaps[colormap]
