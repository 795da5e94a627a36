"""Check ``participants.yml``: annotations on the lines to fix, a summary, an exit code.

The work is in ``mentoring.cli.check_participants``; this file keeps the command line.
"""

import sys

from mentoring.cli.check_participants import main

if __name__ == "__main__":
    sys.exit(main())
