"""Lemma lookups with simplemma (offline, ships its own data), cached per unique word and language."""

from __future__ import annotations

import logging
from typing import Callable

logger = logging.getLogger(__name__)

_MAX_CACHED = 500_000  # words per language; a cache this large is cleared rather than grown
_caches: dict[str, dict[str, str]] = {}


def lemmatizer(lang: str) -> Callable[[str], str]:
    """A function word -> lemma for `lang` ("en" or "pt"), remembering every word it has seen."""
    import simplemma  # imported on first use: loading its dictionaries takes a moment

    cache = _caches.setdefault(lang, {})
    if len(cache) > _MAX_CACHED:
        logger.info("lemma cache for %s cleared at %d words", lang, len(cache))
        cache.clear()
    lemmatize = simplemma.lemmatize

    def lemma(word: str) -> str:
        found = cache.get(word)
        if found is None:
            found = cache[word] = lemmatize(word, lang=lang)
        return found

    return lemma
