"""qualia_core.text: the shared tokenizer, stopword lists, fillers and language detector."""

from __future__ import annotations

import pytest

from qualia_core.text import (
    FILLERS, LANGUAGE_MARKERS, STOPWORDS, WORD_PATTERN, detect_language, language_from_hits, normalize, tokenize,
)


def _speech(path) -> str:
    """The speech of a `Speaker: text` fixture (labels removed)."""
    return "\n".join(line.split(": ", 1)[1] for line in path.read_text(encoding="utf-8").splitlines() if ": " in line)


@pytest.mark.parametrize("text, expected", [
    ("Não sei se a ação é de graça", ["Não", "sei", "se", "a", "ação", "é", "de", "graça"]),
    ("I don't know, rock'n'roll", ["I", "don't", "know", "rock'n'roll"]),
    ("caixa d'água", ["caixa", "d'água"]),
    ("I don\u2019t want \u2018quotes\u2019", ["I", "don't", "want", "quotes"]),
    ("I 'm sure we 're done", ["I", "m", "sure", "we", "re", "done"]),
    ("students' work 'cause", ["students", "work", "cause"]),
])
def test_words_are_letters_with_inner_apostrophes(text, expected):
    assert tokenize(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("in 2024 we sold 25 units", ["in", "we", "sold", "units"]),
    ("50million euros", ["million", "euros"]),
    ("well-known, (yes); no!", ["well", "known", "yes", "no"]),
    ("snake_case", ["snake", "case"]),
])
def test_digits_underscores_and_punctuation_are_never_part_of_a_word(text, expected):
    assert tokenize(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("the {vocalsound} remote {disfmarker} control {gap}", ["the", "remote", "control"]),
    ("{pause}{comment}", []),
])
def test_curly_brace_markers_give_no_words(text, expected):
    assert tokenize(text) == expected


def test_decomposed_accents_are_composed_into_one_word():
    decomposed = "ac\u0327a\u0303o"  # ação written with combining marks, as some Mac exports do
    assert tokenize(decomposed) == ["ação"]


def test_normalize_turns_typographic_apostrophes_into_plain_ones():
    assert normalize("d\u2019água \u02bcok\u2018") == "d'água 'ok'"


def test_word_pattern_is_the_tokenizers_rule_for_other_tools():
    import re

    assert re.findall(WORD_PATTERN, "don't 42 café") == ["don't", "café"]


@pytest.mark.parametrize("lang, minimum, words", [
    ("en", 300, ["the", "and", "don't", "i'm", "m", "re", "ll", "it's", "gonna"]),
    ("pt", 200, ["que", "não", "de", "você", "pra", "né", "estávamos", "gente"]),
])
def test_stopword_lists_are_full_and_hold_the_usual_words(lang, minimum, words):
    assert len(STOPWORDS[lang]) >= minimum
    assert set(words) <= STOPWORDS[lang]


@pytest.mark.parametrize("lang", ["en", "pt"])
def test_stopwords_are_lowercase_tokenizer_words(lang):
    for word in STOPWORDS[lang]:
        assert word == word.lower()
        assert tokenize(word) == [word], word


@pytest.mark.parametrize("filler, lang", [
    ("uh", "en"), ("um", "en"), ("mm", "en"), ("hmm", "en"), ("mhm", "en"), ("ahn", "pt"), ("hum", "pt"), ("hã", "pt"),
])
def test_fillers_are_kept_apart_from_their_languages_stopwords(filler, lang):
    """A filler is not a stopword of its language ("um" is still a Portuguese stopword: it means "a")."""
    assert filler in FILLERS
    assert filler not in STOPWORDS[lang]


def test_detect_language_finds_english_in_a_meeting(fixtures_dir):
    assert detect_language(_speech(fixtures_dir / "word_frequency" / "ES2012a_opening.txt")) == "en"


def test_detect_language_finds_portuguese_in_an_interview(fixtures_dir):
    assert detect_language(_speech(fixtures_dir / "word_frequency" / "entrevista_pt.txt")) == "pt"


@pytest.mark.parametrize("text", ["", "   ", "123 456 789", "{vocalsound} {gap}", "Xyzzy Plugh Frobozz"])
def test_detect_language_says_unknown_without_evidence(text):
    assert detect_language(text) == "unknown"


def test_detect_language_reads_only_the_first_20k_characters(fixtures_dir):
    english = _speech(fixtures_dir / "word_frequency" / "ES2012a_opening.txt")
    portuguese = _speech(fixtures_dir / "word_frequency" / "entrevista_pt.txt")
    text = (english * 4)[:20_000] + portuguese * 50
    assert detect_language(text) == "en"


@pytest.mark.parametrize("accented, expected", [(0.0, "en"), (0.05, "pt")])
def test_language_tie_is_broken_by_portuguese_letters(accented, expected):
    assert language_from_hits({"en": 30, "pt": 29}, 100, accented) == expected


def test_language_markers_belong_to_one_language_only():
    assert not LANGUAGE_MARKERS["en"] & LANGUAGE_MARKERS["pt"]
    assert {"the", "and"} <= LANGUAGE_MARKERS["en"] and {"que", "não"} <= LANGUAGE_MARKERS["pt"]


def test_count_words_is_the_number_of_tokenize_words_on_every_kind_of_text():
    """count_words (the Library, speaker_stats and teams_cleaner count with it) never disagrees with tokenize."""
    import random

    from qualia_core.text import count_words, count_words_each, tokenize

    rng = random.Random(7)
    alphabet = "ab'\u2019 {}x\n.,-_0é9Ç\x00\t"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14))) for _ in range(20_000)]
    texts += ["I 'm here", "''a", "rock'n'roll", "don't {vocalsound} go", "a{x}'b", "it'{gap}s", "5.", "well-known",
              "d'água", "reunião às 10h"]
    assert [count_words(t) for t in texts] == [len(tokenize(t)) for t in texts]
    ascii_batch = [t for t in texts if t.isascii() and "\x00" not in t][:3000]
    assert count_words_each(ascii_batch) == [len(tokenize(t)) for t in ascii_batch]
    assert count_words_each(texts) == [len(tokenize(t)) for t in texts]
