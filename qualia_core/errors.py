"""Errors a user can cause. Each one says what went wrong and what to do about it."""

from __future__ import annotations


class QualiaError(Exception):
    """Base of every error Qualia raises for a problem the user can fix."""


class DocumentError(QualiaError):
    """A file or text could not be read as a transcript."""

    def __init__(self, source: str, reason: str, line: int | None = None):
        self.source = source
        self.reason = reason
        self.line = line
        where = f"{source}, line {line}" if line is not None else source
        super().__init__(f"Cannot read {where}: {reason}")


class PluginNotFoundError(QualiaError):
    """No plugin has the requested id."""

    def __init__(self, plugin_id: str, available: list[str]):
        self.plugin_id = plugin_id
        self.available = sorted(available)
        import difflib

        close = difflib.get_close_matches(plugin_id, self.available, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        listing = ", ".join(self.available) or "none (check the plugins folder)"
        super().__init__(f"No plugin '{plugin_id}'.{hint} Available: {listing}.")


class ConfigError(QualiaError):
    """One or more parameters are invalid. `.errors` lists every problem as (parameter, message)."""

    def __init__(self, plugin_id: str, errors: list[tuple[str, str]]):
        self.plugin_id = plugin_id
        self.errors = list(errors)
        details = "; ".join(f"'{name}': {msg}" for name, msg in self.errors)
        super().__init__(f"Invalid parameters for plugin '{plugin_id}': {details}")


class DependencyError(QualiaError):
    """A plugin requires something no loaded plugin provides, or requirements form a cycle."""


class PluginExecutionError(QualiaError):
    """A plugin raised while running. The original exception is chained as __cause__."""

    def __init__(self, plugin_id: str, error: BaseException):
        self.plugin_id = plugin_id
        self.error_type = type(error).__name__
        super().__init__(
            f"Plugin '{plugin_id}' failed: {self.error_type}: {error}. "
            "The other plugins are unaffected; check the plugin's parameters or report it to its author."
        )
