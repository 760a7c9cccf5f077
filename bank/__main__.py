"""`python -m bank`: the bank's command line (migrate, seed, outbox, unlock)."""

from bank.cli import main

raise SystemExit(main())
