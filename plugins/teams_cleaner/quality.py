"""Quality report of a cleaned transcript: a score from 0 to 100 and the reasons it is not 100.

The score is 100 minus the sum of the penalties below (never below 0). Each applies when its
condition holds; `reasons` lists them in this order, each as {code, reason, penalty, value}. It is
deterministic: the same transcript and parameters always give the same report.

| code               | condition                                           | penalty                        |
| ------------------ | --------------------------------------------------- | ------------------------------ |
| no_speech          | no turn is left after cleaning                      | 100 (score 0, nothing else)    |
| no_speaker         | share s of cleaned turns without a speaker, s ≥ 5%  | round(30·s)                    |
| system_lines       | share s of input turns that were system lines ≥ 2%  | min(10, round(100·s))          |
| markers            | m non-speech markers per 100 words, m ≥ 1           | min(15, round(2·m))            |
| short_turns        | share s of cleaned turns with ≤ 2 words, s ≥ 25%    | round(20·s)                    |
| single_speaker     | exactly one named speaker                           | 15                             |
| no_timestamps      | no cleaned turn has a start time                    | 10                             |
| partial_timestamps | some, but fewer than 90%, of the turns have one     | 5                              |
| pseudo_labels      | share s of turns by pseudo-labelled speakers, s > 0 | max(1, round(15·s))            |
| little_speech      | fewer than 50 words in all                          | 10                             |

Words are counted by qualia_core.text, as everywhere in Qualia.

Pseudo-labels are the names a diarizer gives when it does not know who spoke: "Speaker 1",
"SPEAKER_00", "Falante 2", "Unknown", "A", "2". Deliberate pseudonyms ("P1", "Grad A") and roles
("Project Manager", "Entrevistador") are not penalised.

Markers are counted whether or not `remove_markers` is on (the report describes the transcript).
"""

from __future__ import annotations

from typing import Sequence

from .speakers import is_pseudo_label


def _reason(code: str, reason: str, penalty: int, value: float | int) -> dict:
    return {"code": code, "reason": reason, "penalty": int(penalty), "value": value}


def quality_report(stats: dict, speakers: Sequence[str | None], words: Sequence[int],
                   utterances: Sequence[dict], markers_found: int) -> dict:
    """Score 0-100 and its reasons (see the module docstring for the rules); `words` are each cleaned turn's
    words (qualia_core.text)."""
    turns = len(speakers)
    if turns == 0:
        return {"score": 0, "reasons": [_reason("no_speech", "no speech is left after cleaning", 100, 0)]}
    reasons = []
    total_words = sum(words)

    no_speaker = speakers.count(None) / turns
    if no_speaker >= 0.05:
        reasons.append(_reason("no_speaker", f"{no_speaker:.0%} of the turns have no speaker",
                               round(30 * no_speaker), round(no_speaker, 4)))

    input_turns = stats.get("input_turns") or 0
    system_share = stats.get("system_lines_removed", 0) / input_turns if input_turns else 0.0
    if system_share >= 0.02:
        reasons.append(_reason("system_lines", f"{system_share:.0%} of the input turns were system lines",
                               min(10, round(100 * system_share)), round(system_share, 4)))

    marker_rate = 100 * markers_found / max(total_words, 1)
    if marker_rate >= 1:
        reasons.append(_reason("markers", f"{marker_rate:.1f} non-speech markers per 100 words",
                               min(15, round(2 * marker_rate)), round(marker_rate, 2)))

    short = sum(1 for w in words if w <= 2) / turns
    if short >= 0.25:
        reasons.append(_reason("short_turns", f"{short:.0%} of the turns have 2 words or fewer",
                               round(20 * short), round(short, 4)))

    named = {s for s in speakers if s is not None}
    if len(named) == 1:
        reasons.append(_reason("single_speaker", "only one speaker: a monologue, or speakers were not told apart",
                               15, 1))

    timed = sum(1 for u in utterances if u["start"] is not None) / turns
    if timed == 0:
        reasons.append(_reason("no_timestamps", "no turn has a timestamp", 10, 0.0))
    elif timed < 0.9:
        reasons.append(_reason("partial_timestamps", f"only {timed:.0%} of the turns have a timestamp",
                               5, round(timed, 4)))

    pseudo = {s for s in named if is_pseudo_label(s)}
    if pseudo:
        share = sum(1 for s in speakers if s in pseudo) / turns
        reasons.append(_reason("pseudo_labels",
                               f"{len(pseudo)} speaker name(s) look like diarizer labels, not people "
                               f"({share:.0%} of the turns)", max(1, round(15 * share)), round(share, 4)))

    if total_words < 50:
        reasons.append(_reason("little_speech", f"only {total_words} words of speech", 10, total_words))

    score = max(0, 100 - sum(r["penalty"] for r in reasons))
    return {"score": int(score), "reasons": reasons}
