"""Where the tests and the repository are, for tests in any folder below this one."""

import importlib
import sys
from pathlib import Path
from types import ModuleType

TESTS_DIR = Path(__file__).resolve().parent
ROOT_DIR = TESTS_DIR.parent
BENCHMARKS_DIR = ROOT_DIR / "benchmarks"


def benchmark(name: str) -> ModuleType:
    """A script of benchmarks/ imported as a module (the folder is not a package)."""
    sys.path.insert(0, str(BENCHMARKS_DIR))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(BENCHMARKS_DIR))
