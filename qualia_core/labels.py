"""Human labels for the keys of plugin results: what a researcher reads instead of `cleaning_stats.input_turns`.

A plugin may declare, in its metadata, a label, a unit and a format for any key of its result (optional):

    labels={"talk_seconds": {"label": "Talk time", "format": "duration"},
            "word_share": "Share of words",                  # a label alone
            "variants.per_speaker.indices": {"machine": True}}   # hidden unless asked

A key is looked up by its full dotted path (a table's column as `table.column`), then by its last name, then in
the vocabulary below (statistics named as researchers know them, and a few name patterns: `*_seconds` are
durations, `*_share` ratios); anything else is its name in words (`input_turns` → "Input turns"; a dotted path
→ "Cleaning stats › Input turns").

Formats: `duration` (h:mm:ss), `time` (h:mm:ss into the meeting), `percent` (a ratio 0–1 as 41.6 %), `number`
(three decimals), `integer`, `words` (an option word such as `horizontal_bar` → "Horizontal bar"), `text`.
`machine` fields (turn indices and the like) are hidden unless the viewer asks; `score` fields read "not scored"
in a result whose `scored` is false (a method that cannot score this text, e.g. a lexicon for another language).
A field with `basis` names a result key: the field is a time when that key is "time", else a position (a turn).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from numbers import Number
from typing import TYPE_CHECKING, Any, Mapping

if TYPE_CHECKING:  # pandas is loaded by the tables, not by the contract that imports this module
    import pandas as pd

FORMATS = ("text", "integer", "number", "percent", "duration", "time", "words")
NOT_SCORED = "not scored"
SEPARATOR = " › "


@dataclass(frozen=True)
class FieldLabel:
    label: str = ""
    unit: str = ""
    format: str = ""
    machine: bool = False
    score: bool = False
    basis: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v}


def normalize_labels(spec: Mapping[str, Any] | None) -> dict[str, FieldLabel]:
    """A plugin's `labels` as FieldLabels; ValueError naming each bad entry."""
    if spec is None:
        return {}
    if not isinstance(spec, Mapping):
        raise ValueError("labels must map result keys to a label or {label, unit, format, machine, score, basis}")
    labels, problems = {}, []
    for key, value in spec.items():
        if isinstance(value, FieldLabel):
            labels[key] = value
            continue
        if isinstance(value, str):
            value = {"label": value}
        if not isinstance(key, str) or not key or not isinstance(value, Mapping):
            problems.append(f"labels[{key!r}] must be a label or a dict")
            continue
        unknown = set(value) - set(FieldLabel.__dataclass_fields__)
        if unknown:
            problems.append(f"labels[{key!r}] has unknown entries {sorted(unknown)}")
            continue
        if value.get("format", "") not in ("", *FORMATS):
            problems.append(f"labels[{key!r}] format {value['format']!r} must be one of {list(FORMATS)}")
            continue
        labels[key] = FieldLabel(**value)
    if problems:
        raise ValueError("; ".join(problems))
    return labels


#: Statistic and field names as researchers know them, for every plugin and the core's own tables.
VOCABULARY: dict[str, FieldLabel] = {
    "g2": FieldLabel("Log-likelihood G²", format="number"),
    "log_ratio": FieldLabel("Log ratio", format="number"),
    "per_10k": FieldLabel("Per 10,000 words", format="number"),
    "reference_per_10k": FieldLabel("Rest of the library, per 10,000 words", format="number"),
    "reference_count": FieldLabel("Count in the rest of the library", format="integer"),
    "use": FieldLabel("Used", format="words"),
    "term": FieldLabel("Term"), "count": FieldLabel("Count", format="integer"),
    "start": FieldLabel("Start", format="time"), "end": FieldLabel("End", format="time"),
    "polarity": FieldLabel("Polarity", format="number", score=True),
    "subjectivity": FieldLabel("Subjectivity", format="number", score=True),
    "mean_polarity": FieldLabel("Mean polarity", format="number", score=True),
    "mean_subjectivity": FieldLabel("Mean subjectivity", format="number", score=True),
    "mean_sentiment": FieldLabel("Mean polarity", format="number", score=True),
    "sentiment_method": FieldLabel("Sentiment method", format="text"),
    "indices": FieldLabel("Turn indices", machine=True),
}
_PATTERNS = [(re.compile(r".*_seconds$"), "duration"), (re.compile(r".*_share$"), "percent")]


def humanize(name: str) -> str:
    """`input_turns` → "Input turns", `per_10k` → "Per 10k" (one part of a path)."""
    words = str(name).replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else str(name)


def field(path: str, labels: Mapping[str, FieldLabel] | None = None) -> FieldLabel:
    """What `path` (a dotted key, or a table's `table.column`) is: its declared or known label, unit and format.
    The label is the key's own (a column's title); `heading` gives a whole path in words."""
    labels = labels or {}
    last = path.rsplit(".", 1)[-1]
    found = labels.get(path) or labels.get(last) or VOCABULARY.get(last) or FieldLabel()
    if not found.format:
        pattern = next((fmt for rx, fmt in _PATTERNS if rx.match(last)), "")
        if pattern:
            found = replace(found, format=pattern)
    return found if found.label else replace(found, label=humanize(last))


def heading(path: str, labels: Mapping[str, FieldLabel] | None = None) -> str:
    """A dotted path in words, each part by its own label: "Cleaning stats › Input turns"."""
    parts = path.split(".")
    return SEPARATOR.join(field(".".join(parts[: i + 1]), labels).label for i in range(len(parts)))


def clock(seconds: float | None) -> str:
    """h:mm:ss of a number of seconds ("" when unknown), counted in whole seconds as a player shows them: a turn
    starting at 155.8 s starts at 0:02:35."""
    if seconds is None or (isinstance(seconds, float) and seconds != seconds):
        return ""
    whole = int(float(seconds))
    sign, whole = ("-" if whole < 0 else ""), abs(whole)
    return f"{sign}{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def shown(value: Any, spec: FieldLabel, *, scored: bool = True, timed: bool = True) -> Any:
    """`value` as the researcher reads it under `spec` (a str, or a plain number for the table to sort)."""
    if spec.score and not scored:
        return NOT_SCORED
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    fmt = spec.format
    if fmt == "time" and not timed:
        return value + 1 if isinstance(value, int) else value  # a position: turn 1 is the first
    if isinstance(value, Number):
        if fmt in ("duration", "time"):
            return clock(value)
        if fmt == "percent":
            return f"{value * 100:.1f} %"
        if fmt == "integer":
            return int(value)
        if isinstance(value, float):
            value = round(value, 3)
        return f"{value:,} {spec.unit}" if spec.unit else value
    if fmt == "words" and isinstance(value, str):
        return humanize(value)
    return value


def _timed(result: Mapping[str, Any] | None, spec: FieldLabel) -> bool:
    if not spec.basis:
        return True
    value: Any = result or {}
    for part in spec.basis.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value == "time"


def uniform(table: pd.DataFrame) -> pd.DataFrame:
    """`table` with each column of one type: a column mixing words ("not scored") and numbers becomes text."""
    out = table.copy()
    for column in out.columns:
        values = list(out[column])
        if any(isinstance(v, str) for v in values) and any(isinstance(v, Number) for v in values):
            out[column] = ["" if v is None else str(v) for v in values]
    return out


def is_scored(result: Mapping[str, Any] | None) -> bool:
    return (result or {}).get("scored", True) is not False


def display_table(table: pd.DataFrame, name: str = "", labels: Mapping[str, FieldLabel] | None = None,
                  result: Mapping[str, Any] | None = None, *, show_machine: bool = False) -> pd.DataFrame:
    """`table` (a result's table `name`, or any table of results) with labelled, formatted columns; machine
    columns left out unless `show_machine`."""
    import pandas as pd

    columns = {}
    scored = is_scored(result)
    for column in table.columns:
        spec = field(f"{name}.{column}" if name else str(column), labels)
        if spec.machine and not show_machine:
            continue
        title = spec.label + (f" ({spec.unit})" if spec.unit else "")
        timed = _timed(result, spec)
        if spec.format == "time" and not timed:
            title = f"{spec.label} (turn)"
        values = [shown(v, spec, scored=scored, timed=timed) for v in table[column]]
        mixed = any(isinstance(v, str) for v in values) and any(isinstance(v, Number) for v in values)
        columns[title] = [str(v) if mixed else v for v in values]  # one type per column (Arrow)
    return pd.DataFrame(columns, index=table.index)


def display_summary(summary: Mapping[str, Any], labels: Mapping[str, FieldLabel] | None = None,
                    result: Mapping[str, Any] | None = None, *, show_machine: bool = False) -> dict[str, Any]:
    """A result's plain values (`qualia_core.tables.result_summary`) by label, formatted."""
    out = {}
    for path, value in summary.items():
        spec = field(path, labels)
        if spec.machine and not show_machine:
            continue
        out[heading(path, labels)] = shown(value, spec, scored=is_scored(result), timed=_timed(result, spec))
    return out


def parameter_label(name: str) -> str:
    """A parameter's label, the one rule for the Analyze form's fields (pages/forms.py) and "Ran with" lines."""
    return name.replace("_", " ").capitalize()


def parameter_value(value: Any, param: Any = None) -> str:
    """A parameter's value in the form's words: yes/no, option words, lists comma-separated."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(str(v) for v in value) or "none"
    if getattr(param, "type", "") == "choice" and isinstance(value, str):
        return humanize(value)
    if isinstance(value, float):
        return f"{value:g}"
    return "" if value is None else str(value)


def parameters_shown(parameters: Mapping[str, Any], config: Mapping[str, Any]) -> dict[str, str]:
    """What ran, by the form's labels: every declared parameter (in the plugin's order) with its value in
    `config` (a validated config: defaults filled in)."""
    return {parameter_label(name): parameter_value(config.get(name), param) for name, param in parameters.items()
            if name in config}


__all__ = ["parameter_label", "parameter_value", "parameters_shown", "FieldLabel", "FORMATS", "NOT_SCORED", "VOCABULARY", "normalize_labels", "humanize", "field", "heading",
           "clock", "shown", "uniform", "display_table", "display_summary", "is_scored"]
