"""The release this checkout is: every script's ``--version`` and the job summary say it."""

import argparse

# Semantic versioning (CHANGELOG.md); pyproject.toml says the same, held by a test.
VERSION = "0.2.0"
NAME = "mentoring automation"
# The published repository of the action (action.yml): program repositories run
# `uses: REPOSITORY@<sha> # vX.Y.Z`; examples/program/ and the simulator read it here.
# OWNER/REPOSITORY is a placeholder until the project is published: replace it then.
REPOSITORY = "OWNER/REPOSITORY"


def add_version(parser: argparse.ArgumentParser) -> None:
    """Give a script's command line ``--version``."""
    parser.add_argument("--version", action="version", version=f"%(prog)s ({NAME}) {VERSION}")
