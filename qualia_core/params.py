"""Declared plugin parameters: their model, and validation of a user's config against them.

Every problem is collected, so a researcher who typed two bad parameters learns about both at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from .errors import ConfigError

TYPE_ALIASES = {
    "int": "integer", "integer": "integer",
    "float": "float", "number": "float",
    "bool": "boolean", "boolean": "boolean",
    "str": "string", "string": "string", "text": "string",
    "choice": "choice", "select": "choice", "enum": "choice",
    "list": "list", "array": "list",
}
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


@dataclass(frozen=True)
class Parameter:
    """One declared parameter. `type` is integer, float, boolean, string, choice or list (of strings)."""

    type: str
    default: Any = None
    description: str = ""
    min: float | None = None
    max: float | None = None
    options: tuple[Any, ...] = field(default_factory=tuple)

    def describe(self) -> str:
        """What the parameter accepts, in words."""
        if self.type == "choice":
            return "one of " + ", ".join(repr(o) for o in self.options)
        text = {"integer": "a whole number", "float": "a number", "boolean": "true or false",
                "string": "text", "list": "a list of words (or comma-separated text)"}[self.type]
        if self.min is not None and self.max is not None:
            text += f" from {self.min:g} to {self.max:g}"
        elif self.min is not None:
            text += f" of at least {self.min:g}"
        elif self.max is not None:
            text += f" of at most {self.max:g}"
        return text

    def coerce(self, value: Any) -> Any:
        """The value in canonical form; raises ValueError with the reason when it is not acceptable."""
        t = self.type
        if t == "boolean":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
                return value.strip().lower() in _TRUE
            if isinstance(value, int) and value in (0, 1):
                return bool(value)
            raise ValueError("not true or false")
        if t == "integer":
            if isinstance(value, bool):
                raise ValueError("not a whole number")
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            elif isinstance(value, str):
                try:
                    value = int(value.strip())
                except ValueError:
                    raise ValueError("not a whole number") from None
            if not isinstance(value, int):
                raise ValueError("not a whole number")
            return self._check_range(value)
        if t == "float":
            if isinstance(value, bool):
                raise ValueError("not a number")
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise ValueError("not a number") from None
            if not math.isfinite(value):
                raise ValueError("not a finite number")
            return self._check_range(value)
        if t == "string":
            if not isinstance(value, str):
                raise ValueError("not text")
            return value
        if t == "list":
            if isinstance(value, str):
                value = [v.strip() for v in value.replace("\n", ",").split(",")]
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
                raise ValueError("not a list of words")
            return [v for v in value if v]
        if t == "choice":
            if value in self.options:
                return value
            raise ValueError("not an allowed option")
        raise ValueError(f"unknown parameter type {t!r}")  # pragma: no cover - rejected at declaration

    def _check_range(self, value: int | float) -> int | float:
        if self.min is not None and value < self.min:
            raise ValueError("too small")
        if self.max is not None and value > self.max:
            raise ValueError("too large")
        return value

    def json_schema(self) -> dict[str, Any]:
        """The parameter as JSON Schema (2020-12), for doors that describe parameters to other programs (the REST
        API). Lenient inputs `coerce` also takes ("3" for 3, comma-separated text for a list) are left out: the
        schema says what to send, `coerce` stays the judge."""
        kinds = {"integer": {"type": "integer"}, "float": {"type": "number"}, "boolean": {"type": "boolean"},
                 "string": {"type": "string"}, "list": {"type": "array", "items": {"type": "string"}}}
        schema: dict[str, Any] = dict(kinds.get(self.type) or {"enum": list(self.options)})
        if self.min is not None and self.type in ("integer", "float"):
            schema["minimum"] = self.min
        if self.max is not None and self.type in ("integer", "float"):
            schema["maximum"] = self.max
        if self.default is not None:
            schema["default"] = list(self.default) if isinstance(self.default, tuple) else self.default
        if self.description:
            schema["description"] = self.description
        return schema

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"type": self.type, "default": self.default, "description": self.description}
        if self.min is not None:
            d["min"] = self.min
        if self.max is not None:
            d["max"] = self.max
        if self.options:
            d["options"] = list(self.options)
        return d


def parameter_from_spec(name: str, spec: Any) -> Parameter:
    """A Parameter from a declaration (dict in the earlier Qualia style, or a Parameter)."""
    if isinstance(spec, Parameter):
        param = spec
    elif isinstance(spec, dict):
        raw_type = str(spec.get("type", "string")).lower()
        if raw_type not in TYPE_ALIASES:
            raise ValueError(f"parameter '{name}': unknown type {spec.get('type')!r} "
                             f"(use one of {sorted(set(TYPE_ALIASES.values()))})")
        options = spec.get("options", spec.get("choices", ()))
        param = Parameter(
            type=TYPE_ALIASES[raw_type],
            default=spec.get("default"),
            description=str(spec.get("description", "")),
            min=spec.get("min"),
            max=spec.get("max"),
            options=tuple(options or ()),
        )
    else:
        raise ValueError(f"parameter '{name}': declare it as a dict with 'type' and 'default'")
    if param.type == "choice" and not param.options:
        raise ValueError(f"parameter '{name}': a choice needs 'options'")
    if param.default is not None:
        try:
            param = Parameter(param.type, param.coerce(param.default), param.description,
                              param.min, param.max, param.options)
        except ValueError as exc:
            raise ValueError(f"parameter '{name}': default {param.default!r} is {exc}; "
                             f"it must be {param.describe()}") from None
    return param


def normalize_parameters(params: Any) -> dict[str, Parameter]:
    if params is None:
        return {}
    if not isinstance(params, dict):
        raise ValueError("parameters must be a dict of name -> spec")
    return {name: parameter_from_spec(name, spec) for name, spec in params.items()}


def config_schema(plugin_id: str, parameters: dict[str, Parameter]) -> dict[str, Any]:
    """A plugin's whole config as one JSON Schema object: every parameter optional (defaults fill the gaps), no
    others allowed (validate_config refuses unknown names too)."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": f"Parameters of {plugin_id}",
            "type": "object", "properties": {name: p.json_schema() for name, p in parameters.items()},
            "additionalProperties": False}


def validate_config(plugin_id: str, parameters: dict[str, Parameter], config: dict[str, Any] | None) -> dict[str, Any]:
    """The full config (defaults filled in, values coerced). Raises ConfigError listing every problem."""
    config = dict(config or {})
    errors: list[tuple[str, str]] = []
    result: dict[str, Any] = {}
    for name in config:
        if name not in parameters:
            known = ", ".join(sorted(parameters)) or "none"
            errors.append((name, f"unknown parameter (parameters of '{plugin_id}': {known})"))
    for name, param in parameters.items():
        if name not in config or config[name] is None:
            result[name] = list(param.default) if isinstance(param.default, list) else param.default
            continue
        try:
            result[name] = param.coerce(config[name])
        except ValueError as exc:
            errors.append((name, f"accepts {param.describe()}, got {config[name]!r} ({exc})"))
    if errors:
        raise ConfigError(plugin_id, errors)
    return result
