"""Parameter forms generated from what each plugin declares: no UI code per plugin."""

from __future__ import annotations

from typing import Any

import streamlit as st

from qualia_core import PluginMetadata
from qualia_core.params import Parameter


def widget_for(name: str, param: Parameter, key: str) -> Any:
    label = name.replace("_", " ").capitalize()
    help_text = param.description or None
    if param.type == "boolean":
        return st.checkbox(label, value=bool(param.default), help=help_text, key=key)
    if param.type == "integer":
        return st.number_input(label, value=int(param.default if param.default is not None else param.min or 0),
                               min_value=None if param.min is None else int(param.min),
                               max_value=None if param.max is None else int(param.max),
                               step=1, help=help_text, key=key)
    if param.type == "float":
        return st.number_input(label, value=float(param.default if param.default is not None else param.min or 0.0),
                               min_value=None if param.min is None else float(param.min),
                               max_value=None if param.max is None else float(param.max),
                               step=0.05, format="%.2f", help=help_text, key=key)
    if param.type == "choice":
        options = list(param.options)
        index = options.index(param.default) if param.default in options else 0
        return st.selectbox(label, options, index=index, help=help_text, key=key)
    if param.type == "list":
        text = st.text_input(label, value=", ".join(param.default or []), help=(help_text or "") + " (comma-separated)",
                             key=key)
        return [v.strip() for v in text.split(",") if v.strip()]
    return st.text_input(label, value=param.default or "", help=help_text, key=key)


def parameter_form(meta: PluginMetadata, key_prefix: str) -> dict[str, Any]:
    """Widgets for every declared parameter, in two columns; returns the config they hold."""
    if not meta.parameters:
        st.caption("This plugin has no parameters.")
        return {}
    config = {}
    columns = st.columns(2)
    for i, (name, param) in enumerate(meta.parameters.items()):
        with columns[i % 2]:
            config[name] = widget_for(name, param, f"{key_prefix}_{meta.id}_{name}")
    return config
