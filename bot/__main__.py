"""`python -m bot`: the Telegram bot (the playground's stand-in when no token is set)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from bot.settings_error import BotSettingsError
from bot.shared_state.settings import load_shared_settings
from bot.telegram.settings import load_bot_settings

logger = logging.getLogger("bot")


def configure_logging(level: str) -> None:
    """Log to stderr with secrets redacted; libraries that log URLs or updates stay quieter."""
    logging.basicConfig(
        level=level.upper(),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    from bank.redaction import install_redaction

    install_redaction()
    # httpx logs every request URL, which holds the bot token; python-telegram-bot logs whole
    # updates (which may hold a secret) at DEBUG.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    telegram_level = max(logging.INFO, logging.getLogger().level)
    logging.getLogger("telegram").setLevel(telegram_level)


def main(argv: Sequence[str] | None = None) -> int:
    """Build the bank and the bot from the environment and run until stopped."""
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument(
        "--log-level", default="info", choices=["debug", "info", "warning", "error"]
    )
    args = parser.parse_args(argv)
    configure_logging(args.log_level)
    try:
        settings = load_bot_settings()
        shared = load_shared_settings()
    except BotSettingsError as exc:
        logger.error("cannot start the bot: %s", exc)
        return 2
    from bank.bootstrap import build_bank
    from bot.telegram.application import build_application
    from bot.telegram.runner import run_polling, run_webhook

    bank = build_bank()
    try:
        application = build_application(settings, bank)
        where = "the local playground" if settings.playground else settings.api_base_url
        logger.info("bot starting in %s mode against %s", settings.mode, where)
        if settings.mode == "webhook":
            run_webhook(application, settings, shared)
        else:
            if shared.shared:
                logger.info("polling: one instance, BOT_SHARED_STATE_URL is not needed")
            run_polling(application)
    finally:
        bank.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
