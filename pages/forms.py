"""Parameter forms generated from what each plugin declares: no UI code per plugin.

What a field shows is what is checked and what runs. Numbers are typed as text: Streamlit's number_input keeps
its previous value when the browser refuses a typed one (out of its min/max: the field turns red and the old
value runs), reads 1e20 as 1 and 2.5 as 2 in a whole-number field, and shows 0.005 as 0.01 while 0.005 runs.
The text goes to the core as typed; the core (qualia_core.params, and the plugin's check_config) decides whether
it is acceptable and says why not, and that message is shown next to the field. The page holds no range.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Callable, Mapping

import streamlit as st

from qualia_core import ConfigError, PluginMetadata
from qualia_core.labels import parameter_label
from qualia_core.params import Parameter
from qualia_core.plain_text import markdown_text


def field_label(name: str) -> str:
    """A parameter's name as its field shows it (min_length → Min length): the one rule results use too."""
    return parameter_label(name)


def _number_text(value: Any) -> str:
    return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def widget_for(name: str, param: Parameter, key: str, default: Any = None) -> Any:
    """The field of one parameter, starting at `default` (None: the declared default); returns what it holds
    (numbers as the text typed, for the core to read)."""
    if default is not None:
        param = replace(param, default=default)
    label = field_label(name)
    help_text = " ".join(p for p in (param.description, f"Accepts {param.describe()}.") if p)
    if param.type == "boolean":
        return st.checkbox(label, value=bool(param.default), help=help_text, key=key)
    if param.type in ("integer", "float"):
        return st.text_input(label, value=_number_text(param.default), help=help_text, key=key)
    if param.type == "choice":
        options = list(param.options)
        index = options.index(param.default) if param.default in options else 0
        return st.selectbox(label, options, index=index, help=help_text, key=key)
    if param.type == "list":
        text = st.text_input(label, value=", ".join(param.default or []), help=(help_text or "") + " (comma-separated)",
                             key=key)
        return [v.strip() for v in text.split(",") if v.strip()]
    return st.text_input(label, value=param.default or "", help=help_text, key=key)


@dataclass
class FormState:
    """What a plugin's form holds: the config the core accepted (defaults filled in, values read), or the problems
    it found, as (field label, message)."""

    config: dict[str, Any]
    problems: list[tuple[str, str]] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems


def parameter_form(meta: PluginMetadata, key_prefix: str,
                   validate: Callable[[str, dict[str, Any]], dict[str, Any]],
                   defaults: Mapping[str, Any] | None = None) -> FormState:
    """Widgets for every declared parameter, in two columns, each with the core's message under it when `validate`
    (the core's: plugin id, config → config, or ConfigError) refuses its value. `defaults` start some fields
    elsewhere than the declared default (the study's stoplist: core.study_words())."""
    defaults = defaults or {}
    if not meta.parameters:
        st.caption("This plugin has no parameters.")
    raw: dict[str, Any] = {}
    beside: dict[str, Any] = {}
    columns = st.columns(2) if meta.parameters else []
    for i, (name, param) in enumerate(meta.parameters.items()):
        with columns[i % 2]:
            raw[name] = widget_for(name, param, f"{key_prefix}_{meta.id}_{name}", defaults.get(name))
            beside[name] = st.container()  # the field's message, once the whole config is checked
    try:
        return FormState(validate(meta.id, raw))
    except ConfigError as exc:
        problems = []
        for name, message in exc.errors:
            label = field_label(name) if name in meta.parameters else name
            problems.append((label, message))
            text = markdown_text(f"{label} {message}" if name in meta.parameters else f"'{name}': {message}")
            (beside.get(name) or st).error(text, icon=":material/error:")
        return FormState(raw, problems)
