"""wordcloud_viz: a deterministic word cloud PNG drawn from the word_frequency result's counts."""

from __future__ import annotations

import copy
import io
from pathlib import Path

import pytest
from PIL import Image

from plugins.wordcloud_viz import MAX_LAYOUT_PIXELS, WordCloudViz, layout_canvas
from qualia_core import QualiaCore
from plugins.wordcloud_viz.frequencies import top_frequencies
from qualia_core.contract import PluginType
from qualia_core.errors import ConfigError, QualiaError
from qualia_core.results import decode_image, visual_result

PNG_SIGNATURE = b"\x89PNG"

# Counts in the shape of a word_frequency result for AMI meeting ES2012a (stopwords removed).
TOP_WORDS = [
    ["remote", 23], ["everybody", 15], ["control", 14], ["people", 13], ["different", 11],
    ["design", 10], ["button", 8], ["device", 8], ["television", 6], ["functions", 5],
    ["consumer", 5], ["product", 4], ["technology", 3], ["price", 3], ["market", 2],
]
AMI_RESULT = {
    "word_frequencies": dict(TOP_WORDS),
    "top_words": TOP_WORDS,
    "total_words": 1404,
    "unique_words": 512,
    "language": "en",
    "per_speaker": {
        "Project Manager": {"total_words": 686, "unique_words": 301, "top_words": [["everybody", 15]]},
        "Marketing": {"total_words": 331, "unique_words": 170, "top_words": [["device", 8]]},
    },
    "bigrams": [["remote control", 12], ["new product", 4], ["project manager", 3], ["real reaction", 2]],
}
SMALL = {"width": 300, "height": 200}  # keeps the tests quick


def render(config=None, data=None) -> bytes:
    return WordCloudViz().render(copy.deepcopy(AMI_RESULT if data is None else data), {**SMALL, **(config or {})})


def image(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png))


def test_metadata_declares_an_image_visualizer_of_word_frequency():
    meta = WordCloudViz().meta()
    assert (meta.id, meta.type, meta.version) == ("wordcloud_viz", PluginType.VISUALIZER, "1.0.0")
    assert meta.requires == ["word_frequency"]
    assert meta.provides == ["image"]


def test_render_returns_png_bytes():
    png = render()
    assert isinstance(png, bytes)
    assert png.startswith(PNG_SIGNATURE)


@pytest.mark.parametrize("width, height", [(200, 200), (300, 200), (640, 480), (250, 900), (2001, 999)])
def test_the_image_is_width_by_height_pixels(width, height):
    assert image(render({"width": width, "height": height})).size == (width, height)


@pytest.mark.parametrize("width, height", [(4000, 4000), (4000, 200), (2001, 999), (1000, 1000)])
def test_big_images_are_laid_out_on_a_bounded_canvas_then_scaled(width, height):
    layout_width, layout_height, scale = layout_canvas(width, height)
    assert layout_width * layout_height <= MAX_LAYOUT_PIXELS * 1.01
    assert layout_width * scale == pytest.approx(width)
    assert layout_height * scale == pytest.approx(height, abs=scale)


@pytest.mark.parametrize("width, height", [(800, 400), (200, 4000), (1000, 1000)])
def test_images_within_the_layout_budget_are_not_scaled(width, height):
    assert layout_canvas(width, height) == (width, height, 1.0)


def test_default_size_is_800_by_400():
    png = WordCloudViz().render(copy.deepcopy(AMI_RESULT), {})
    assert image(png).size == (800, 400)


def test_the_same_result_and_parameters_give_identical_bytes():
    assert WordCloudViz().render(copy.deepcopy(AMI_RESULT), SMALL) == WordCloudViz().render(
        copy.deepcopy(AMI_RESULT), SMALL)


@pytest.mark.parametrize("config", [
    {"colormap": "plasma"},
    {"colormap": "Reds"},
    {"background_color": "black"},
    {"max_words": 10},
    {"prefer_horizontal": 0.0},
    {"source": "bigrams"},
])
def test_changing_a_parameter_changes_the_image(config):
    assert render(config) != render()


@pytest.mark.parametrize("background, mode, corner", [
    ("white", "RGB", (255, 255, 255)),
    ("black", "RGB", (0, 0, 0)),
    ("transparent", "RGBA", (0, 0, 0, 0)),
])
def test_background_color_fills_the_empty_canvas(background, mode, corner):
    picture = image(render({"background_color": background}))
    assert picture.mode == mode
    assert picture.getpixel((0, 0)) == corner


def test_max_words_keeps_only_the_most_frequent():
    assert list(top_frequencies(AMI_RESULT, "words", 3)) == ["remote", "everybody", "control"]


def test_frequencies_are_ranked_even_when_the_dict_is_not():
    data = {"word_frequencies": {"design": 10, "remote": 23, "button": 8}}
    assert top_frequencies(data, "words", 2) == {"remote": 23, "design": 10}


def test_top_words_are_used_when_word_frequencies_is_absent():
    assert top_frequencies({"top_words": [["remote", 23], ["control", 14]]}, "words", 10) == {
        "remote": 23, "control": 14}


def test_bigrams_source_uses_the_word_pairs():
    assert top_frequencies(AMI_RESULT, "bigrams", 2) == {"remote control": 12, "new product": 4}


def test_the_cloud_font_has_the_accented_letters_of_portuguese_and_french():
    from fontTools.ttLib import TTFont
    from wordcloud.wordcloud import FONT_PATH

    covered = TTFont(FONT_PATH).getBestCmap()
    assert [c for c in "çãõáéíóúâêôàüÇÃÉ" if ord(c) not in covered] == []


@pytest.mark.parametrize("data", [
    {"word_frequencies": {}, "top_words": [], "total_words": 0, "unique_words": 0},
    {"word_frequencies": {"remote": 0}},
    {"top_words": []},
])
def test_a_result_without_words_raises_a_qualia_error_saying_what_to_do(data):
    with pytest.raises(QualiaError, match="no words") as err:
        render({}, data)
    assert "min_length" in str(err.value) and "stopword" in str(err.value)


def test_data_without_a_word_frequency_result_says_to_run_it():
    with pytest.raises(QualiaError, match="run the word_frequency analyzer"):
        render({}, {"sentiment": 0.2})


@pytest.mark.parametrize("bigrams", [None, []])
def test_bigrams_source_without_bigrams_says_to_use_words(bigrams):
    with pytest.raises(QualiaError, match="no word pairs.*set source to 'words'"):
        render({"source": "bigrams"}, {**AMI_RESULT, "bigrams": bigrams})


@pytest.mark.parametrize("bad", [{"remote": "23"}, [["remote"]], "remote control"])
def test_a_malformed_result_is_a_qualia_error_that_does_not_quote_the_words(bad):
    with pytest.raises(QualiaError, match="malformed") as err:
        render({}, {"word_frequencies": bad})
    assert "remote" not in str(err.value)


@pytest.mark.parametrize("config, name", [
    ({"width": 50}, "width"),
    ({"width": 5000}, "width"),
    ({"height": 199}, "height"),
    ({"colormap": "nope"}, "colormap"),
    ({"max_words": 5}, "max_words"),
    ({"background_color": "pink"}, "background_color"),
    ({"prefer_horizontal": 1.5}, "prefer_horizontal"),
    ({"source": "trigrams"}, "source"),
])
def test_a_bad_parameter_is_a_config_error_naming_it(config, name):
    with pytest.raises(ConfigError) as err:
        render(config)
    assert [n for n, _ in err.value.errors] == [name]
    assert name in str(err.value)


def test_the_png_becomes_a_base64_image_result():
    result = visual_result(render())
    assert (result["kind"], result["mime"]) == ("image", "image/png")


# ---------------------------------------------------------------- with the real word_frequency analyzer
def test_through_the_core_the_cloud_is_drawn_from_word_frequencys_counts(tmp_path, fixtures_dir):
    """An AMI excerpt (ES2012a opening) run by word_frequency then drawn by wordcloud_viz."""
    core = QualiaCore(data_dir=tmp_path)
    doc = core.load_document(fixtures_dir / "ami_ES2012a_opening.txt")
    words = core.execute_plugin("word_frequency", doc)
    result = core.execute_plugin("wordcloud_viz", doc, SMALL)
    assert (result["kind"], result["mime"]) == ("image", "image/png")
    png = decode_image(result)
    assert image(png).size == (SMALL["width"], SMALL["height"])
    assert png == WordCloudViz().render(words, SMALL)


def test_through_the_core_a_transcript_of_fillers_and_stopwords_says_what_to_do(tmp_path):
    core = QualiaCore(data_dir=tmp_path)
    doc = core.add_document("fillers", "Project Manager: Uh the um {vocalsound} and so .\nMarketing: Um , and the .\n")
    with pytest.raises(QualiaError, match="no words.*min_length"):
        core.execute_plugin("wordcloud_viz", doc)


@pytest.mark.parametrize("colormap", ["viridis", "tab10", "Reds"])
def test_colours_equal_wordclouds_own_colormap_without_pyplot(colormap):
    """The plugin colours words as WordCloud(colormap=...) does, without importing matplotlib.pyplot (~16 MB)."""
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent(f'''
        import sys
        from wordcloud import WordCloud
        from plugins.wordcloud_viz.colors import ColormapColors
        freqs = {{f"w{{i}}": 100 - i for i in range(60)}}
        ours = WordCloud(width=300, height=150, color_func=ColormapColors({colormap!r}), random_state=42)
        ours = ours.generate_from_frequencies(freqs).to_array()
        print("pyplot" if "matplotlib.pyplot" in sys.modules else "no pyplot")
        theirs = WordCloud(width=300, height=150, colormap={colormap!r}, random_state=42)
        print((theirs.generate_from_frequencies(freqs).to_array() == ours).all())
    ''')
    out = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[1], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["no", "pyplot", "True"]
