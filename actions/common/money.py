"""Dollar amounts as Ecuador writes them ("$1.234,50"): the bank's one formatter."""

from bank.mini.amounts import dollars

__all__ = ["dollars"]
