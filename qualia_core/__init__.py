"""Qualia Core: load transcripts and run self-describing plugins over them.

    from qualia_core import QualiaCore
    core = QualiaCore()
    doc = core.load_document("meeting.vtt")
    core.execute_plugin("word_frequency", doc, {"max_words": 20})
"""

from .contract import (
    BaseAnalyzerPlugin,
    BaseDocumentPlugin,
    BaseVisualizerPlugin,
    Parameter,
    PluginMetadata,
    PluginType,
)
from .document import Document, Utterance
from .engine import QualiaCore
from .errors import (
    ConfigError,
    DependencyError,
    DocumentError,
    LibraryError,
    PluginExecutionError,
    PluginNotFoundError,
    PluginSwitchedOffError,
    QualiaError,
    SettingsError,
)

__version__ = "0.1.0"

__all__ = [
    "QualiaCore", "Document", "Utterance", "QualiaError", "DocumentError", "ConfigError", "LibraryError",
    "SettingsError", "DependencyError", "PluginExecutionError", "PluginNotFoundError", "PluginSwitchedOffError",
    "BaseAnalyzerPlugin",
    "BaseVisualizerPlugin", "BaseDocumentPlugin", "PluginMetadata", "PluginType", "Parameter",
    "__version__",
]
