"""Word cloud: a PNG where each word's size follows its count in the word_frequency result.

Drawn with the `wordcloud` package from the counts already computed (never re-tokenising the text),
with a fixed random state so the same result and parameters always give the same image.
The bundled DroidSansMono font covers Latin (with accents), Greek and Cyrillic, not CJK.
wordcloud, Pillow, numpy and matplotlib are imported on the first image, so discovering the plugin stays
light.
"""

from __future__ import annotations

import io
import logging
import math
from pathlib import Path
from typing import Any

from qualia_core.contract import BaseVisualizerPlugin, PluginMetadata, PluginType

logger = logging.getLogger(__name__)

RANDOM_STATE = 42
# The layout search costs about (canvas area x words): a 4000x4000 cloud of 1000 words takes minutes.
# Bigger images are laid out on a canvas of at most this many pixels and drawn scaled up (words stay sharp).
MAX_LAYOUT_PIXELS = 1_000_000
COLORMAPS = ["viridis", "plasma", "inferno", "magma", "cividis", "Blues", "Greens", "Reds", "tab10", "Set2"]


class WordCloudViz(BaseVisualizerPlugin):
    """Word cloud PNG of the top words counted by word_frequency."""

    def meta(self) -> PluginMetadata:
        return PluginMetadata(
            id="wordcloud_viz",
            type=PluginType.VISUALIZER,
            name="Word cloud",
            description="A word cloud image: the more often a word is said, the bigger it is drawn.",
            version="1.0.0",
            requires=["word_frequency"],
            provides=["image"],
            parameters={
                "width": {
                    "type": "integer", "default": 800, "min": 200, "max": 4000,
                    "description": "Image width in pixels.",
                },
                "height": {
                    "type": "integer", "default": 400, "min": 200, "max": 4000,
                    "description": "Image height in pixels.",
                },
                "max_words": {
                    "type": "integer", "default": 100, "min": 10, "max": 1000,
                    "description": "Most words to draw (word_frequency's own max_words may keep fewer).",
                },
                "colormap": {
                    "type": "choice", "default": "viridis", "options": COLORMAPS,
                    "description": "Colour scheme of the words (matplotlib colormap).",
                },
                "background_color": {
                    "type": "choice", "default": "white", "options": ["white", "black", "transparent"],
                    "description": "Background of the image.",
                },
                "prefer_horizontal": {
                    "type": "float", "default": 0.9, "min": 0.0, "max": 1.0,
                    "description": "Share of words laid out horizontally (1 = none turned sideways).",
                },
                "source": {
                    "type": "choice", "default": "words", "options": ["words", "bigrams"],
                    "description": "Single words, or word pairs (bigrams) that follow each other.",
                },
            },
        )

    def _render_impl(self, data: dict[str, Any], config: dict[str, Any], output_path: Path | None) -> bytes:
        from .frequencies import top_frequencies

        frequencies = top_frequencies(data, config["source"], config["max_words"])
        width, height = config["width"], config["height"]
        layout_width, layout_height, scale = layout_canvas(width, height)
        transparent = config["background_color"] == "transparent"
        from PIL import Image  # wordcloud brings numpy, matplotlib and Pillow: loaded on the first image
        from wordcloud import WordCloud

        from .colors import ColormapColors

        cloud = WordCloud(
            width=layout_width,
            height=layout_height,
            scale=scale,
            max_words=config["max_words"],
            color_func=ColormapColors(config["colormap"]),  # the colormap's colours, without pyplot
            prefer_horizontal=config["prefer_horizontal"],
            background_color=None if transparent else config["background_color"],
            mode="RGBA" if transparent else "RGB",
            random_state=RANDOM_STATE,
        )
        cloud.generate_from_frequencies(frequencies)
        picture = cloud.to_image()
        if picture.size != (width, height):  # a scaled layout can miss by a pixel from rounding
            picture = picture.resize((width, height), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        picture.save(buffer, format="PNG")
        png = buffer.getvalue()
        logger.debug("wordcloud_viz: %d of %d words drawn, %dx%d (layout %dx%d), %d bytes", len(cloud.layout_),
                     len(frequencies), width, height, layout_width, layout_height, len(png))
        return png


def layout_canvas(width: int, height: int) -> tuple[int, int, float]:
    """(layout width, layout height, scale): the canvas the words are placed on, at most
    MAX_LAYOUT_PIXELS, and the factor that brings it back to about width x height."""
    shrink = math.sqrt(width * height / MAX_LAYOUT_PIXELS)
    if shrink <= 1:
        return width, height, 1.0
    layout_width, layout_height = max(1, round(width / shrink)), max(1, round(height / shrink))
    return layout_width, layout_height, width / layout_width


__all__ = ["WordCloudViz"]
