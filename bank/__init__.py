"""Core-banking model and services of the Produbanco assistant (no chat imports).

Build everything through `bank.bootstrap.build_bank()`; nothing happens at import.
"""
