"""The release this checkout is: every script's ``--version`` and the job summary say it."""

import argparse

# Semantic versioning (CHANGELOG.md); pyproject.toml says the same, held by a test.
VERSION = "0.2.0"
NAME = "mentoring automation"


def add_version(parser: argparse.ArgumentParser) -> None:
    """Give a script's command line ``--version``."""
    parser.add_argument("--version", action="version", version=f"%(prog)s ({NAME}) {VERSION}")
