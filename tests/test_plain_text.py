"""Text from transcripts stays text: the Markdown and plotly escapes (qualia_core.plain_text). The browser test
(tests/test_browser_plain_text.py) shows the app rendering them; these check the rules themselves."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import plotly.io as pio

from qualia_core.plain_text import JOINER, file_name, markdown_text, plain_figure, plotly_text


def test_markdown_text_escapes_every_markdown_construct():
    for name in ("**bold**", "![x](http://127.0.0.1:1/p.png)", "[link](http://example.invalid/)", "# heading",
                 "- item", "`code`", "$x^2$", ":red[colour]", "<b>html</b>", "a | b", "~~gone~~", "_it_"):
        escaped = markdown_text(name)
        # every ASCII punctuation character is backslash-escaped, so no construct can open
        assert all(escaped[i - 1] == "\\" for i, ch in enumerate(escaped) if ch in "*![]()#-`$:<>|~_"), escaped
        assert escaped.replace("\\", "").replace(JOINER, "") == name


def test_markdown_text_breaks_what_markdown_finds_after_escapes():
    """Bare links, e-mail addresses and emoji shortcodes are found in text after escapes are resolved: an
    invisible word joiner breaks them."""
    escaped = markdown_text("see http://example.invalid/ or www.example.invalid, ana@example.invalid :smile:")
    plain = escaped.replace("\\", "")
    assert "://" not in plain and "www." not in plain.lower() and "@e" not in plain and ":smile:" not in plain
    assert plain.replace(JOINER, "") == "see http://example.invalid/ or www.example.invalid, ana@example.invalid :smile:"


def test_markdown_text_keeps_one_line():
    assert "\n" not in markdown_text("Ana\n# Souza\r\n- x")


def test_plain_figure_escapes_the_data_and_keeps_the_app_s_html():
    name = '<a href="http://example.invalid/">Ana</a> & <b>Bo</b>'
    fig = go.Figure(go.Bar(x=[1, 2], y=[name, "Cy"], name=name, customdata=[[name, 3], ["Cy", 4]],
                           hovertemplate="%{y}<br>%{customdata[0]}<extra></extra>"))
    fig.update_layout(title={"text": "Sentiment<br><sup>English only</sup>"},
                      yaxis={"categoryarray": [name, "Cy"], "ticktext": [name, "Cy"], "tickvals": [0, 1]})
    clean = plain_figure(json.loads(fig.to_json()))
    trace = clean["data"][0]
    assert trace["y"] == [plotly_text(name), "Cy"] and trace["name"] == plotly_text(name)
    assert trace["customdata"] == [[plotly_text(name), 3], ["Cy", 4]]
    assert "<" not in json.dumps(trace["y"]) and "&lt;a href" in trace["y"][0] and "&amp; &lt;b&gt;" in trace["y"][0]
    assert trace["hovertemplate"] == "%{y}<br>%{customdata[0]}<extra></extra>"  # the plugin's own HTML stays
    assert clean["layout"]["title"]["text"] == "Sentiment<br><sup>English only</sup>"
    assert clean["layout"]["yaxis"]["categoryarray"][0] == plotly_text(name)
    assert clean["layout"]["yaxis"]["ticktext"][0] == plotly_text(name)
    assert trace["x"] == json.loads(fig.to_json())["data"][0]["x"]  # numbers (a typed array) untouched
    pio.from_json(json.dumps(clean))  # still a valid figure


def test_plain_figure_of_a_treemap_keeps_its_tree():
    fig = go.Figure(go.Treemap(labels=["<b>x</b>", "a"], parents=["", "<b>x</b>"], ids=["<b>x</b>", "a"],
                               values=[1, 1]))
    trace = plain_figure(json.loads(fig.to_json()))["data"][0]
    assert trace["parents"][1] == trace["ids"][0] == trace["labels"][0] == "&lt;b&gt;x&lt;/b&gt;"


def test_file_name_is_safe_for_any_document_name():
    assert file_name("../../etc/passwd_word_frequency") == "etc_passwd_word_frequency"
    assert file_name('**doc** <a href="x">d</a>_speaker_stats') == "doc_a_href_x_d_a__speaker_stats"
    assert file_name("Entrevista São Paulo") == "Entrevista_São_Paulo"
    assert file_name("///") == "qualia"
