"""Assisted mode, the customer's side (docs/assist.md): asking for a person, the queue, and
taking over again when the agent hands the chat back."""
