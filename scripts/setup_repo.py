"""Set up a repository for the mentoring program: check the config, create the labels.

The work is in ``mentoring.cli.setup_repo``; this file keeps the command line the workflows run.
"""

import sys

from mentoring.cli.setup_repo import main

if __name__ == "__main__":
    sys.exit(main())
