"""`python -m desk`: serve the agents' web desk (DESK_HOST:DESK_PORT, 127.0.0.1:8090 by default)."""

from __future__ import annotations

import logging
import sys
import threading
from types import FrameType

import uvicorn

from bank.bootstrap import build_bank
from bank.redaction import install_redaction
from bank.settings import SettingsError, load_settings
from desk.app import build_app
from desk.settings import DeskSettingsError, load_desk_settings

SHUTDOWN_SECONDS = 5


class DeskServer(uvicorn.Server):
    """uvicorn's server that also tells the live streams to end when it is asked to stop."""

    def __init__(self, config: uvicorn.Config, stopping: threading.Event) -> None:
        super().__init__(config)
        self._stopping = stopping

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self._stopping.set()
        super().handle_exit(sig, frame)


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
        config = uvicorn.Config(
            app,
            host=settings.host,
            port=settings.port,
            proxy_headers=False,
            server_header=False,
            access_log=False,
            log_level="info",
            # Live pages keep a stream open; they end at the stop signal, and in any case the
            # server stops waiting for them after a few seconds.
            timeout_graceful_shutdown=SHUTDOWN_SECONDS,
        )
        DeskServer(config, app.state.desk.stopping).run()
    finally:
        bank.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
