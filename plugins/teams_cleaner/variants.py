"""Views of the cleaned transcript: participants only (without the facilitators), and per speaker.

Both hold indices of turns in `cleaned_utterances`, never a second copy of the text: the result stays
small, and `cleaned_document(document, result, variant=..., speaker=...)` rebuilds the turns when a
notebook wants them. `participants_only` lists every turn but the facilitators'; `per_speaker` gives, for
each named speaker, the indices of their turns with their turn and word counts. Turns without a speaker
are in `participants_only` (nobody can tell they are the facilitator's) but in no `per_speaker` entry.
"""

from __future__ import annotations

from typing import Sequence

from .speakers import facilitator_keys


def build_variants(speakers: Sequence[str | None], words: Sequence[int], facilitators: Sequence[str],
                   strip_guest_suffix: bool = True) -> dict:
    """The `variants` block of the result. `words` are each cleaned turn's words, counted by qualia_core.text
    (as speaker_stats and the Library count them)."""
    keys = facilitator_keys(facilitators, strip_guest_suffix)
    indices: dict[str | None, list[int]] = {}
    for i, speaker in enumerate(speakers):
        found = indices.get(speaker)
        if found is None:
            indices[speaker] = [i]
        else:
            found.append(i)
    indices.pop(None, None)
    per_speaker = {speaker: {"turns": len(idx), "words": sum(map(words.__getitem__, idx)), "indices": idx}
                   for speaker, idx in indices.items()}
    matched: dict[str, str] = {}  # casefolded key -> cleaned speaker name, in order of appearance
    for speaker in per_speaker:
        key = speaker.casefold()
        if key in keys:
            matched.setdefault(key, speaker)

    if matched:
        excluded = set(matched.values())
        participants = [i for i, s in enumerate(speakers) if s not in excluded]
    else:
        participants = list(range(len(speakers)))
    return {
        "participants_only": participants,
        "facilitators": list(matched.values()),
        "facilitators_not_found": [name for key, name in keys.items() if key not in matched],
        "per_speaker": per_speaker,
    }
