"""Which `Label: ...` prefixes are speaker names, and which are just a colon inside speech.

Rule (applied to every distinct label of one document):

- a label is at most MAX_LABEL_CHARS characters, not digits only, has no colon, balanced parentheses;
- it is a speaker if it occurs as a label at least twice in the document (a repeated `Interviewer:` or even
  `jdoe:`), or if it looks like a name: the words outside parentheses (at most MAX_NAME_WORDS) start with an
  uppercase letter, are name particles (de, van, von, bin, d'…) or, after the first, start with a digit
  (`Speaker 2`); at least one is capitalised; and the whole label is not a heading word (`Note:`, `Date:`,
  `Example:`), which only counts as a speaker when it recurs.

So `I said: this is good` (lowercase word) and a single `Note: ...` stay speech, while `Hon. Filomena Tassi
(Minister of Labour)` and `Mr. Chris d'Entremont` are speakers even when they speak once.
"""

from __future__ import annotations

import re
from collections import Counter

MAX_LABEL_CHARS = 100
MAX_NAME_WORDS = 8

PARTICLES = frozenset(
    "de da das do dos du del della dei di der den des van von vom zu zum bin binti bint ibn ben bat al el la le "
    "las los ter ten af av ap y e of the and und et st. mc mac".split()
)
# Words people put before a colon that are headings or sentence openers, not speakers, when used once.
NOT_NAMES = frozenset(
    """
    note notes nb n.b. ps p.s. date time day location place venue subject re fw fwd title topic agenda summary
    example examples e.g. eg i.e. ie update updates warning caution important tip hint reminder remember todo
    action actions attendees present absent apologies participants duration length file source url link website
    email e-mail phone tel mobile fax address edit edited transcript transcription recording minutes objective
    objectives goal goals result results conclusion conclusions definition quote question questions answer
    answers total step also so but well okay ok and then yes no now first second third finally however therefore
    thus because meaning translation context background comment comments keywords issue issues problem solution
    status version draft chapter section part page figure table caveat disclaimer
    """.split()
) | {"next steps", "key points", "nota bene", "action items", "action item", "follow up", "for example"}

_PARENS = re.compile(r"\([^()]*\)")
_APOSTROPHE_PARTICLE = re.compile(r"^(?:d|l|dell|dall|degli)['’]\w", re.IGNORECASE)


def clean_label(label: str) -> str:
    """The label as shown: inner runs of whitespace collapsed, ends stripped."""
    return " ".join(label.split())


def looks_like_name(label: str) -> bool:
    """True when `label` reads as a person's name or role (see the module docstring)."""
    if not _basic_ok(label):
        return False
    if label.lower() in NOT_NAMES:
        return False
    outside = label
    for _ in range(3):  # parliamentary labels nest one level: "Chair (Mrs. X (Riding, Lib.))"
        stripped = _PARENS.sub(" ", outside)
        if stripped == outside:
            break
        outside = stripped
    if "(" in outside or ")" in outside:
        return False
    words = outside.split()
    if not 1 <= len(words) <= MAX_NAME_WORDS:
        return False
    capitalised = 0
    for i, word in enumerate(words):
        first = word[0]
        if first.isupper():
            capitalised += 1
        elif first.isdigit() and i > 0:
            continue  # "Speaker 2", "Participant 12b"
        elif word.lower() in PARTICLES or _APOSTROPHE_PARTICLE.match(word):
            continue
        else:
            return False
    return capitalised > 0


def _basic_ok(label: str) -> bool:
    if not label or len(label) > MAX_LABEL_CHARS or ":" in label:
        return False
    if not any(c.isalpha() for c in label):
        return False  # digits-only / punctuation-only ("12", "--")
    return label.count("(") == label.count(")")


def speaker_labels(raw_labels: list[str]) -> dict[str, str]:
    """Map each raw label that is a speaker to its cleaned name; labels that are speech are left out.

    `raw_labels` holds every candidate label of one document, once per occurrence.
    """
    raw_counts = Counter(raw_labels)
    counts: Counter[str] = Counter()
    for raw, n in raw_counts.items():
        counts[clean_label(raw)] += n
    accepted = {
        label
        for label, n in counts.items()
        if (n >= 2 and _basic_ok(label) and len(label.split()) <= MAX_NAME_WORDS * 2) or looks_like_name(label)
    }
    return {raw: clean for raw in raw_counts if (clean := clean_label(raw)) in accepted}
