"""Every error the core raises, one class per meaning. Each message says what went wrong and what to do.

    QualiaError                 base of every problem a user or operator can fix
      DocumentError             a file or text cannot be read as a transcript (names the file and line)
      LibraryError              a library operation cannot be done (unknown id, empty name, clashing names)
      SettingsError             environment variables or .env hold invalid values (names each one)
      PathError                 a path given to Qualia cannot name a file (a NUL in it; names the path)
      ConfigError               a plugin's parameters are invalid (names each parameter)
      PluginNotFoundError       no plugin has that id (lists the available ones)
      DependencyError           a requirement nobody provides, or a cycle
      PluginSwitchedOffError    a guard (e.g. ops' circuit breakers) refuses to run a plugin for now
      PluginExecutionError      a plugin raised while running (the original is chained)
      AccountError              an account operation cannot be done (bad name or password, the last admin)
      SignInError               a sign-in is refused (wrong name or password, or throttled: retry_after)
      PermissionDeniedError     the signed-in account's role may not do this (names the role needed)
      CodingError               a coding operation cannot be done (unknown code, turn or passage, bad offsets)
      ExchangeError             a REFI-QDA file (.qdpx, .qdc) cannot be read or written (names the file and what)
      ScaffoldError             a new plugin cannot be created there (an existing name, an invalid identifier)

`ops/` owns its own errors (backups, manifests) in the module that raises them.
"""

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


class LibraryError(QualiaError):
    """A library operation the user asked for cannot be done (unknown id, bad name…)."""


class CodingError(QualiaError):
    """A coding operation cannot be done: an unknown code (close names are listed), document, turn, passage or
    memo, offsets outside the turn's text, an empty coder or name, a clashing code name."""


class PathError(QualiaError):
    """A path given to Qualia (the data dir, a backup dir…) cannot name a file; the message names it."""


class SettingsError(QualiaError):
    """One or more settings (environment variables, .env) are invalid. `.problems` lists each message."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("Invalid configuration: " + "; ".join(self.problems))


class StudySettingsError(QualiaError):
    """The study's settings (its stoplist: qualia_core.study_words) are invalid. `.problems` names each setting."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("Invalid study settings: " + "; ".join(self.problems))


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


class PluginSwitchedOffError(QualiaError):
    """A guard refused to run the plugin for now (for ops/, its circuit breaker is open).

    `reason` says why (e.g. the last failure), `retry_in` in how many seconds it is tried again
    (None when unknown), `trial_running` whether a trial call is running now."""

    def __init__(self, plugin_id: str, reason: str | None = None, retry_in: float | None = None,
                 trial_running: bool = False, blocked_by: str | None = None):
        self.plugin_id = plugin_id
        self.reason = reason
        self.retry_in = None if retry_in is None else max(0.0, retry_in)
        self.trial_running = trial_running
        self.blocked_by = blocked_by
        off = blocked_by or plugin_id
        why = f" after repeated failures (last: {reason})" if reason else ""
        if trial_running:
            when = "a trial call is running now; try again in a moment"
        elif self.retry_in is not None:
            when = f"it will be retried in {self.retry_in:.0f} s"
        else:
            when = "it will be retried later"
        lead = (f"Plugin '{off}' is switched off for now{why}, so '{plugin_id}' was not run; {when}."
                if blocked_by and blocked_by != plugin_id else
                f"Plugin '{plugin_id}' is switched off for now{why}; {when}.")
        super().__init__(f"{lead} Other plugins are unaffected; an operator can reset it on the Health page.")


class AccountError(QualiaError):
    """An account operation cannot be done: an unknown or clashing name, a weak password, the last admin."""


class SignInError(QualiaError):
    """A sign-in is refused. `retry_after` (seconds) is set when the account is throttled after failures."""

    def __init__(self, message: str, retry_after: int | None = None):
        self.retry_after = retry_after
        super().__init__(message)


class PermissionDeniedError(QualiaError):
    """The signed-in account's role may not do what was asked."""

    def __init__(self, action: str, role: str | None, needed: str):
        self.action = action
        self.role = role
        self.needed = needed
        who = f"the {role} role" if role else "someone who is not signed in"
        super().__init__(f"{action} needs the {needed} role; {who} may not. Ask an admin.")


class ExchangeError(QualiaError):
    """A REFI-QDA project (.qdpx) or codebook (.qdc) cannot be read or written: a malformed or hostile archive, an
    XML error, a reference to nothing, a selection outside its text. `source` names the file (and the member or
    element inside it), `reason` says what is wrong; nothing was changed."""

    def __init__(self, source: str, reason: str, action: str = "read"):
        self.source = source
        self.reason = reason
        super().__init__(f"Cannot {action} {source}: {reason}")


class ScaffoldError(QualiaError):
    """A new plugin's folder cannot be created: the name is not a plugin id, or a plugin or folder has it."""
