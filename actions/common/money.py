"""Dollar amounts as Ecuador writes them ("$1.234,50"): the bank's one formatter."""

from formats.money import dollars

__all__ = ["dollars"]
