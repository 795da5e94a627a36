"""Where the tests and the repository are, for tests in any folder below this one."""

from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parent
ROOT_DIR = TESTS_DIR.parent
