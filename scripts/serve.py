"""Start the Qualia app: load what every first page needs, then hand over to `streamlit run streamlit_app.py`.

    .venv/bin/python scripts/serve.py [streamlit options…]      (scripts/run.sh runs this)

Streamlit imports pandas and pyarrow (for tables), Pillow (the page icon) and plotly only when the first
browser session runs the app, and the core discovers plugins and opens the study database then, so the first
researcher to open a page would wait for all of it. Doing it here, before the server listens, means that once
/_stcore/health answers the app is ready to draw its first page at once. No transcript is read.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WARM = ["pandas", "pyarrow", "PIL.Image", "plotly.graph_objects", "plotly.io", "wordcloud", "sqlalchemy.orm",
        "qualia_core.engine", "qualia_core.batch", "qualia_core.library_views", "qualia_core.store.database",
        "qualia_core.store.models", "ops.monitoring.breaker_registry", "ops.monitoring.sentry_config"]


def warm_up() -> None:
    for name in WARM:
        try:
            importlib.import_module(name)
        except ImportError:  # an optional part is missing: the app says so on its page
            pass
    try:  # the app's core, with its plugins found and its study database open (no transcript is read)
        from pages.common import prebuild_core

        prebuild_core()
    except Exception as exc:  # noqa: BLE001 - a bad setting or database: the first page says what is wrong
        print(f"Qualia: the core is built on the first page instead ({type(exc).__name__})", file=sys.stderr)


def main() -> int:
    sys.path.insert(0, str(ROOT))
    warm_up()
    from streamlit.web.cli import main as streamlit_main

    sys.argv = ["streamlit", "run", str(ROOT / "streamlit_app.py"), *sys.argv[1:]]
    return streamlit_main()


if __name__ == "__main__":
    sys.exit(main())
