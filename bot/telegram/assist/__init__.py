"""Assisted mode, the channel's side (issue 6): everything of it is in this package.

- `gate`: the first handler of every update; routes agent commands, agents' replies and a held
  chat's messages here, lets the rest pass to the customer experience;
- `relay`: messages between a held chat and its agent; what the customer is told when an agent
  joins or hands the chat back;
- `commands`: runs each agent command; `command_parsing` reads them (pure);
- `replies` and `views`: what an agent reads, built from channel/texts.yml (pure);
- `menu`: the agents' "/" menu in each active agent's chat;
- `bank_calls`: the bank's assisted-mode services, called off the event loop.

Tickets nobody took in time are moved to follow-up by the `ticket-expiry` job
(bot/telegram/jobs.py). The transcript agents read is recorded by the conversation
(bot/transcript.py); the texts' names are in bot/channel_text_names.py. The bank's side and the
contract are in docs/assist.md.
"""
