"""Run a mentoring scenario against the local sandbox GitHub and tell its story.

The work is in ``simulator.cli``; this file keeps the demo's command line.
"""

import sys

from simulator.cli import main

if __name__ == "__main__":
    sys.exit(main())
