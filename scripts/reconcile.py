"""Reconcile mentoring application issues with what their timelines say should happen.

The work is in ``mentoring.cli.reconcile``; this file keeps the command line the workflows run.
"""

import sys

from mentoring.cli.reconcile import main

if __name__ == "__main__":
    sys.exit(main())
