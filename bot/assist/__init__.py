"""Assisted mode, the channel's side (issue 6): agent commands, relaying a held chat, the chat
transcript for agents. The bank's side and the contract are in docs/assist.md."""
