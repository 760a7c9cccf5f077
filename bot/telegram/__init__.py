"""Telegram front end on python-telegram-bot 22: rendering, secure input, commands, webhook."""
