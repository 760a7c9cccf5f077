"""Building blocks shared by every feature's actions."""
