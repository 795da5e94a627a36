"""Report the mentoring program's outcomes, quarter by quarter.

The work is in ``mentoring.cli.report``; this file keeps the command line the workflow runs.
"""

import sys

from mentoring.cli.report import main

if __name__ == "__main__":
    sys.exit(main())
