"""Local playground: a Telegram Bot API stand-in plus a web chat page (see docs/telegram.md)."""
