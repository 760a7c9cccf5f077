"""Cuenta Mini: children's accounts, the parent's activation codes and back-office approval."""

from bank.mini.accounts import MiniAccounts, MiniChild
from bank.mini.activation import ActivationCodes, CodeCheck, CodeIssue

__all__ = ["ActivationCodes", "CodeCheck", "CodeIssue", "MiniAccounts", "MiniChild"]
