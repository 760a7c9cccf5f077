"""Channel-neutral client for Rasa's REST channel: posts a user's message and returns Rasa's
replies as typed messages (bot/rasa_messages.py), telling apart the failures after which the
message may be sent again (bot/rasa_errors.py)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Final

import httpx

from bot.rasa_errors import RasaNoAnswer, RasaNotReached, RasaUnavailable
from bot.rasa_messages import BotMessage
from bot.rasa_output import parse_rasa_output

logger = logging.getLogger(__name__)

DEFAULT_RASA_URL: Final = "http://127.0.0.1:5005"
WEBHOOK_PATH: Final = "/webhooks/rest/webhook"
DEFAULT_TIMEOUT_SECONDS: Final = 30.0
HEALTH_TIMEOUT_SECONDS: Final = 2.0

# Answers of a proxy or a server that is not ready: the request was not handed to Rasa's core.
NOT_REACHED_STATUSES: Final = frozenset({502, 503})


class RasaClient:
    """Sends user messages to Rasa's REST channel through an injected httpx.AsyncClient."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        base_url: str = DEFAULT_RASA_URL,
        *,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> None:
        self._http = http
        self._root = base_url.rstrip("/") + "/"
        self._url = base_url.rstrip("/") + WEBHOOK_PATH
        self._timeout = timeout

    @property
    def webhook_url(self) -> str:
        """The REST webhook this client posts to."""
        return self._url

    async def send(
        self, sender_id: str, message: str, metadata: Mapping[str, object] | None = None
    ) -> list[BotMessage]:
        """Post one message for a sender and return Rasa's replies (RasaUnavailable on failure)."""
        body = {"sender": sender_id, "message": message, "metadata": dict(metadata or {})}
        try:
            response = await self._http.post(self._url, json=body, timeout=self._timeout)
            response.raise_for_status()
            items = response.json()
        except httpx.HTTPStatusError as exc:
            status = exc.response.status_code
            failure = RasaNotReached if status in NOT_REACHED_STATUSES else RasaNoAnswer
            raise failure(f"Rasa answered HTTP {status}") from None
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise RasaNotReached(f"cannot reach Rasa ({type(exc).__name__})") from None
        except httpx.TimeoutException:
            raise RasaNoAnswer("Rasa did not answer in time") from None
        except httpx.HTTPError as exc:
            # A dropped connection after the request went out: Rasa may have it.
            raise RasaNoAnswer(f"lost Rasa's answer ({type(exc).__name__})") from None
        except ValueError:
            raise RasaNoAnswer("Rasa answered invalid JSON") from None
        try:
            messages = parse_rasa_output(items)
        except RasaUnavailable as exc:
            raise RasaNoAnswer(str(exc)) from None
        logger.debug("rasa answered %d message(s)", len(messages))
        return messages

    async def healthy(self, *, timeout: float = HEALTH_TIMEOUT_SECONDS) -> bool:
        """Whether Rasa's server answers its root page (it listens once its model is loaded)."""
        return await http_ok(self._http, self._root, timeout=timeout)


async def http_ok(http: httpx.AsyncClient, url: str, *, timeout: float) -> bool:
    """Whether a GET of `url` answers 2xx in time; never raises for a network failure."""
    try:
        response = await http.get(url, timeout=timeout)
    except httpx.HTTPError:
        return False
    return response.is_success
