"""The `qualia` command: the core through a terminal (`qualia --help`). Commands only parse arguments and call
qualia_core; each subcommand lives in its own module."""
