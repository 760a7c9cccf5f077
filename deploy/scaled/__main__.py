"""`python -m deploy.scaled`: start the scaled topology (see deploy/scaled/launcher.py)."""

import sys

from deploy.scaled.launcher import main

sys.exit(main())
