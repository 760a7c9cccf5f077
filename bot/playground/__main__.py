"""`python -m bot.playground`: the local Telegram stand-in and web chat page (127.0.0.1:8080)."""

from __future__ import annotations

import argparse
import logging
import os
from collections.abc import Sequence
from typing import Any, Final

from aiohttp import web

from bank.bootstrap import Bank, build_bank
from bank.outbox import read_outbox
from bank.redaction import install_redaction
from bot.playground.app import LOOPBACK_HOSTS, TokenMaskingAccessLogger, build_playground_app
from bot.playground.keys import OutboxReader

logger = logging.getLogger("bot.playground")

DEFAULT_HOST: Final = "127.0.0.1"
DEFAULT_PORT: Final = 8080
# Not a secret: it only opens this local stand-in (docs/telegram.md).
DEFAULT_TOKEN: Final = "123456:playground"  # noqa: S105


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options, defaulting to PLAYGROUND_HOST, _PORT and _BOT_TOKEN."""
    parser = argparse.ArgumentParser(
        prog="python -m bot.playground", description="Local Telegram Bot API stand-in and chat page"
    )
    parser.add_argument("--host", default=os.environ.get("PLAYGROUND_HOST", DEFAULT_HOST))
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("PLAYGROUND_PORT", DEFAULT_PORT))
    )
    parser.add_argument(
        "--token",
        default=os.environ.get("PLAYGROUND_BOT_TOKEN", DEFAULT_TOKEN),
        help="the token the stand-in accepts (default: $PLAYGROUND_BOT_TOKEN or 123456:playground)",
    )
    parser.add_argument("--no-outbox", action="store_true", help="do not read the bank's outbox")
    return parser.parse_args(argv)


def bank_outbox_reader() -> tuple[OutboxReader | None, Bank | None]:
    """A reader of the bank's outbox and the bank to dispose of; (None, None) when unusable."""
    try:
        bank = build_bank()
    except Exception:
        logger.warning("The bank is not available: the simulated phone stays empty", exc_info=True)
        return None, None

    def read() -> list[dict[str, Any]]:
        return [message.as_json() for message in read_outbox(bank.sessions)]

    return read, bank


def main(argv: Sequence[str] | None = None) -> None:
    """Serve until interrupted."""
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    install_redaction()
    reader, bank = bank_outbox_reader() if not args.no_outbox else (None, None)
    loopback = args.host in LOOPBACK_HOSTS
    if not loopback:
        logger.warning("The playground listens on %s: anyone who reaches it can chat", args.host)
    app = build_playground_app(
        token=args.token,
        outbox_reader=reader,
        allowed_hosts=LOOPBACK_HOSTS if loopback else None,
    )
    if bank is not None:

        async def dispose_bank(_app: web.Application) -> None:
            bank.dispose()

        app.on_cleanup.append(dispose_bank)
    logger.info("Playground on http://%s:%s (Bot API at /bot<token>/)", args.host, args.port)
    web.run_app(
        app,
        host=args.host,
        port=args.port,
        access_log_class=TokenMaskingAccessLogger,
        print=None,
        shutdown_timeout=5.0,
    )


if __name__ == "__main__":
    main()
