"""Teams transcript cleaner: a document plugin that turns a raw meeting transcript into clean turns.

What it does, in order (each step has a parameter; defaults in brackets):

- removes system lines [remove_system_lines=True]: turns whose speaker is "System"/"Sistema", and
  turns (any speaker, or none) whose whole text is a Teams message in English or Portuguese:
  "Recording started", "Ana joined the meeting", "Ana is presenting", "Ana started transcription",
  "A gravação começou", "Gravação iniciada", "Ana entrou na reunião", "Ana parou de apresentar"...
  The name must look like a display name, so speech such as "I left the meeting ." stays.
- removes non-speech markers [remove_markers=True]: any short word in braces ({vocalsound},
  {disfmarker}, {gap}, {pause}) and bracketed/parenthesised markers from a known list ([inaudible],
  [crosstalk], (laughs), (risos), [música], [Laughter.]...). Other parentheses stay: "(see page 4)".
  Whitespace is collapsed; tokenised spacing such as "yes ," is left as it is.
- drops turns: a turn left with no word after marker removal is always dropped; a turn with fewer
  than `min_words` words is dropped [min_words=1, i.e. turns with no word at all, such as "?"].
  Words are counted by qualia_core.text, as everywhere in Qualia (speaker_stats, the Library): "42" is
  no word, "well-known" two. A turn with no word but a digit, such as "5.", is speech: it counts as one
  word for this decision and is kept. Counted on each original turn.
- normalises speaker names [normalize_speakers=True]: whitespace collapsed, surrounding quotes and
  punctuation stripped (periods kept: "Jr."), case variants unified ("ANA SILVA" -> "Ana Silva");
  Teams suffixes removed [strip_guest_suffix=True]: " (Guest)", " (Convidado)", " (External)"...
- merges consecutive turns of one speaker [merge_consecutive=True]: texts joined with a space, start
  of the first (first known), end of the last (last known). Turns without a speaker are not merged.
- builds variants: `participants_only` without the `facilitators` [facilitators=[]], and
  `per_speaker` (see variants.py); and a quality report (see quality.py).

Result (JSON-ready). The text is stored once, in `cleaned_utterances`; the variants are turn indices into it:
    cleaned_utterances  [{speaker, text, start, end}]
    variants            {participants_only: [turn indices], facilitators: [names found],
                         facilitators_not_found: [names], per_speaker: {name: {turns, words, indices}}}
    quality_report      {score: 0-100, reasons: [{code, reason, penalty, value}]}
    source_turns        [the original turn index of each cleaned turn (of a merged run, its first turn)]
    cleaning_stats      {input_turns, output_turns, system_lines_removed, markers_removed,
                         empty_turns_dropped, short_turns_dropped, turns_dropped, turns_merged,
                         speakers_renamed: {old: new}}

For notebooks: `cleaned_text(result)` gives the "Speaker: text" lines (just the text for turns without a
speaker), and `cleaned_document(document, result)` the cleaned turns as a Document (or a variant's, or one
speaker's). The cleaning code (`.cleaning`, `.quality`, `.variants`) is imported on the first run, so
discovering the plugin stays light.
"""

from __future__ import annotations

import logging
from typing import Any

from qualia_core.contract import BaseDocumentPlugin, PluginMetadata, PluginType
from qualia_core.document import Document, Utterance

logger = logging.getLogger(__name__)

__all__ = ["TeamsCleaner", "cleaned_document", "cleaned_text"]


class TeamsCleaner(BaseDocumentPlugin):
    """Cleans Teams-like meeting transcripts: system lines, markers, speaker names, merges, variants."""

    def meta(self) -> PluginMetadata:
        return PluginMetadata(
            id="teams_cleaner",
            type=PluginType.DOCUMENT,
            name="Teams transcript cleaner",
            description=("Removes system lines and non-speech markers, normalises speaker names, merges "
                         "consecutive turns, drops empty turns, and reports the transcript's quality."),
            version="1.2.0",  # 1.2.0: source_turns; 1.1.0: text stored once; variants hold turn indices
            labels={"quality_report.score": "Quality score (0–100)", "quality_report.reasons.code": {"machine": True},
                "quality_report.reasons.value": {"label": "Measured", "format": "number"},
                "variants.per_speaker": "Turns per speaker", "cleaned_utterances": "Cleaned turns",
                "source_turns": {"label": "Turn in the original", "machine": True}},
            provides=["cleaned_utterances", "variants", "quality_report", "cleaning_stats", "source_turns"],
            parameters={
                "remove_system_lines": {"type": "boolean", "default": True, "description":
                                        "Remove 'Recording started', 'X joined the meeting', 'X entrou na "
                                        "reunião' and turns by 'System'/'Sistema'."},
                "remove_markers": {"type": "boolean", "default": True, "description":
                                   "Remove non-speech markers: {vocalsound}, [inaudible], (laughs), (risos)…"},
                "normalize_speakers": {"type": "boolean", "default": True, "description":
                                       "Tidy speaker names and unify case variants ('ANA SILVA' = 'Ana Silva')."},
                "strip_guest_suffix": {"type": "boolean", "default": True, "description":
                                       "Remove Teams suffixes such as ' (Guest)', ' (Convidado)', ' (External)'."},
                "merge_consecutive": {"type": "boolean", "default": True, "description":
                                      "Merge consecutive turns of the same speaker into one turn."},
                "min_words": {"type": "integer", "default": 1, "min": 0, "max": 1000, "description":
                              "Drop turns with fewer words than this (0 keeps punctuation-only turns; "
                              "turns emptied by marker removal are always dropped)."},
                "facilitators": {"type": "list", "default": [], "description":
                                 "Facilitator/interviewer speaker names, left out of the participants-only "
                                 "variant (comma-separated)."},
            },
        )

    def _process_impl(self, document: Document, config: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
        from .cleaning import CleanOptions, clean  # loaded on the first run, not at discovery
        from .quality import quality_report
        from .variants import build_variants

        opts = CleanOptions(
            remove_system_lines=config["remove_system_lines"],
            remove_markers=config["remove_markers"],
            normalize_speakers=config["normalize_speakers"],
            strip_guest_suffix=config["strip_guest_suffix"],
            merge_consecutive=config["merge_consecutive"],
            min_words=config["min_words"],
        )
        cleaned = clean(document.utterances, opts)
        utterances = cleaned.utterances
        result = {
            "cleaned_utterances": utterances,
            "variants": build_variants(cleaned.speakers, cleaned.words, config["facilitators"],
                                       opts.strip_guest_suffix),
            "quality_report": quality_report(cleaned.stats, cleaned.speakers, cleaned.words, utterances,
                                             cleaned.markers_found),
            "cleaning_stats": cleaned.stats,
            "source_turns": cleaned.sources,
        }
        logger.debug("teams_cleaner %s: %d -> %d turns, score %d", document.id, cleaned.stats["input_turns"],
                     cleaned.stats["output_turns"], result["quality_report"]["score"])
        return result


def cleaned_text(result: dict[str, Any]) -> str:
    """The cleaned turns of a teams_cleaner `result` as text: one "Speaker: text" line per turn (just the
    text for a turn without a speaker)."""
    return "\n".join(f"{u['speaker']}: {u['text']}" if u["speaker"] is not None else u["text"]
                     for u in result["cleaned_utterances"])


def cleaned_document(document: Document, result: dict[str, Any], variant: str | None = None,
                     speaker: str | None = None) -> Document:
    """The document with the cleaned turns of a teams_cleaner `result` (same id and raw content).

    `variant="participants_only"` gives that variant instead; `speaker="Name"` gives only that
    speaker's turns (a name as it appears in `result["variants"]["per_speaker"]`).
    """
    if variant is not None and speaker is not None:
        raise ValueError("give either variant or speaker, not both")
    rows = result["cleaned_utterances"]
    if variant is not None:
        if variant != "participants_only":
            raise ValueError(f"unknown variant {variant!r}: use 'participants_only' or speaker=...")
        rows = [rows[i] for i in result["variants"]["participants_only"]]
    if speaker is not None:
        per_speaker = result["variants"]["per_speaker"]
        if speaker not in per_speaker:
            raise ValueError(f"no speaker {speaker!r} in this result; speakers: {', '.join(per_speaker)}")
        rows = [rows[i] for i in per_speaker[speaker]["indices"]]
    turns = [Utterance(r["speaker"], r["text"], r["start"], r["end"]) for r in rows]
    return document.with_utterances(turns, cleaned_by="teams_cleaner", cleaned_variant=variant or speaker or "all")
