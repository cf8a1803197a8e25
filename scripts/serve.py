"""Start the Qualia app: load what every first page needs, then hand over to `streamlit run streamlit_app.py`.

    .venv/bin/python scripts/serve.py [streamlit options…]      (scripts/run.sh runs this)

Streamlit imports pandas and pyarrow (for tables) and Pillow (the page icon) only when the first browser
session runs the app, so the first researcher to open a page would wait for them. Loading
them here, before the server listens, means that once /_stcore/health answers the app is ready to draw its
first page at once. Only modules are imported: no transcript, no plugin code, no data.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WARM = ["pandas", "pyarrow", "PIL.Image", "qualia_core.engine", "qualia_core.batch",
        "qualia_core.library_views", "ops.monitoring.breaker_registry", "ops.monitoring.sentry_config"]


def warm_up() -> None:
    for name in WARM:
        try:
            importlib.import_module(name)
        except ImportError:  # an optional part is missing: the app says so on its page
            pass


def main() -> int:
    sys.path.insert(0, str(ROOT))
    warm_up()
    from streamlit.web.cli import main as streamlit_main

    sys.argv = ["streamlit", "run", str(ROOT / "streamlit_app.py"), *sys.argv[1:]]
    return streamlit_main()


if __name__ == "__main__":
    sys.exit(main())
