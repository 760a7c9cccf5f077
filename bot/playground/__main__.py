"""`python -m bot.playground`: the local Telegram stand-in and web chat page (127.0.0.1:8080).

Options (each defaults to an environment variable):
  --host / PLAYGROUND_HOST (127.0.0.1), --port / PLAYGROUND_PORT (8080),
  --token / PLAYGROUND_BOT_TOKEN (123456:playground), --no-outbox.

Webhook mode, as on Telegram: a bot calls setWebhook(url, secret_token, max_connections,
allowed_updates); from then on getUpdates answers 409 Conflict and every update is POSTed as JSON
to `url` with the header X-Telegram-Bot-Api-Secret-Token, at most max_connections (default 40)
at once, taken from the lowest undelivered update_ids (with 1: one by one, strictly in order;
with more, a later update may arrive before an earlier one, as on Telegram). A non-2xx answer,
a timeout or a refused connection keeps the update and retries it with backoff (first retry
after --webhook-first-retry seconds, doubling up to --webhook-max-retry), so nothing is lost
while every bot is down. setWebhook with the same url
again (several bot instances behind one load balancer) is idempotent; every instance must use the
same secret_token (the bot's WEBHOOK_SECRET_TOKEN), since the last setWebhook's secret is sent.
deleteWebhook (or setWebhook with an empty url) goes back to getUpdates; drop_pending_updates is
honoured. getWebhookInfo reports url, pending_update_count, max_connections, allowed_updates,
last_error_date and last_error_message.
  --webhook-host / PLAYGROUND_WEBHOOK_HOSTS (comma-separated): host names besides loopback
    addresses that a webhook url may name (default: loopback only; the playground is offline).
  --webhook-timeout / PLAYGROUND_WEBHOOK_TIMEOUT_SECONDS (30): how long one POST may take.
  --webhook-first-retry / PLAYGROUND_WEBHOOK_FIRST_RETRY_SECONDS (0.5),
  --webhook-max-retry / PLAYGROUND_WEBHOOK_MAX_RETRY_SECONDS (5): the retry backoff.
"""

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
from bot.playground.delivery import DeliverySettings
from bot.playground.keys import OutboxReader
from bot.playground.state import PlaygroundState

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
    defaults = DeliverySettings()
    parser.add_argument(
        "--webhook-host",
        action="append",
        default=[h for h in os.environ.get("PLAYGROUND_WEBHOOK_HOSTS", "").split(",") if h.strip()],
        help="a host name a webhook url may name besides loopback (repeatable)",
    )
    parser.add_argument(
        "--webhook-timeout",
        type=float,
        default=_seconds("PLAYGROUND_WEBHOOK_TIMEOUT_SECONDS", defaults.timeout_seconds),
    )
    parser.add_argument(
        "--webhook-first-retry",
        type=float,
        default=_seconds("PLAYGROUND_WEBHOOK_FIRST_RETRY_SECONDS", defaults.first_retry_seconds),
    )
    parser.add_argument(
        "--webhook-max-retry",
        type=float,
        default=_seconds("PLAYGROUND_WEBHOOK_MAX_RETRY_SECONDS", defaults.max_retry_seconds),
    )
    args = parser.parse_args(argv)
    if min(args.webhook_timeout, args.webhook_first_retry, args.webhook_max_retry) <= 0:
        parser.error("the webhook timeout and retry delays must be positive")
    return args


def _seconds(variable: str, default: float) -> float:
    raw = os.environ.get(variable, "").strip()
    try:
        return float(raw) if raw else default
    except ValueError:
        raise SystemExit(f"{variable} must be a number of seconds") from None


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
        state=PlaygroundState(webhook_hosts=(host.strip() for host in args.webhook_host)),
        allowed_hosts=LOOPBACK_HOSTS if loopback else None,
        delivery=DeliverySettings(
            timeout_seconds=args.webhook_timeout,
            first_retry_seconds=args.webhook_first_retry,
            max_retry_seconds=args.webhook_max_retry,
        ),
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
