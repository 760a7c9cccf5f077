"""Dollar amounts as Ecuador writes them ("$1.234,50"): the bank's one formatter; and which
response refuses a typed amount."""

from bank.mini.amounts import AMBIGUOUS, amount_problem
from formats.money import dollars

AMBIGUOUS_AMOUNT_RESPONSE = "utter_amount_ambiguous"

__all__ = ["AMBIGUOUS_AMOUNT_RESPONSE", "amount_refusal", "dollars"]


def amount_refusal(typed: object, response: str) -> str:
    """`response` for an amount the bank refused, unless the text could be read two ways ("5
    dólares 50"): then the shared answer that shows how to write it."""
    return AMBIGUOUS_AMOUNT_RESPONSE if amount_problem(typed) == AMBIGUOUS else response
