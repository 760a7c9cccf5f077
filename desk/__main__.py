"""`python -m desk`: serve the agents' web desk (DESK_HOST:DESK_PORT, 127.0.0.1:8090 by default)."""

from __future__ import annotations

import logging
import sys

import uvicorn

from bank.bootstrap import build_bank
from bank.redaction import install_redaction
from bank.settings import SettingsError, load_settings
from desk.app import build_app
from desk.settings import DeskSettingsError, load_desk_settings


def main() -> int:
    """Build the bank and the desk, and serve until stopped (SIGTERM/SIGINT)."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    install_redaction()
    try:
        settings = load_desk_settings()
        bank = build_bank(load_settings())
    except (SettingsError, DeskSettingsError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        app = build_app(bank, settings)
        uvicorn.run(
            app,
            host=settings.host,
            port=settings.port,
            proxy_headers=False,
            server_header=False,
            access_log=False,
            log_level="info",
        )
    finally:
        bank.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
