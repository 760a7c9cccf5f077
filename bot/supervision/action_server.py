"""`python -m bot.supervision.action_server`: the rasa-sdk action server in one process.

`python -m rasa_sdk` runs Sanic's worker manager: a main process and a worker. When the main
process is killed the worker lives on holding the port, so a restarted server cannot bind it.
In Sanic's single-process mode a kill takes the whole server down and the supervisor's restart
takes over cleanly; SIGTERM still lets in-flight requests finish (GRACEFUL_SHUTDOWN_TIMEOUT,
read from SANIC_GRACEFUL_SHUTDOWN_TIMEOUT). Same options as `python -m rasa_sdk`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from rasa_sdk import utils
from rasa_sdk.endpoint import create_app_for_serve, create_argument_parser
from rasa_sdk.executor import ActionExecutor

DEFAULT_HOST = "127.0.0.1"


def main(argv: Sequence[str] | None = None) -> None:
    """Serve the actions until SIGINT or SIGTERM."""
    args = create_argument_parser().parse_args(argv)
    utils.configure_colored_logging(args.loglevel)
    utils.update_sanic_log_level()
    executor = ActionExecutor()
    executor.register_package(args.actions_module or args.actions)
    app = create_app_for_serve(executor, cors_origins=args.cors, endpoints=args.endpoints)
    app.run(
        host=os.environ.get("SANIC_HOST", DEFAULT_HOST),
        port=args.port,
        single_process=True,
    )


if __name__ == "__main__":
    main()
