"""Bot API methods of getting updates: getUpdates and the webhook ones."""

from __future__ import annotations

import re
from typing import Final

from yarl import URL

from bot.playground.botapi.inputs import is_local_url
from bot.playground.errors import JSON, bad_request
from bot.playground.params import Params
from bot.playground.state import PlaygroundState
from bot.playground.webhook import DEFAULT_MAX_CONNECTIONS, WebhookConfig

SECRET_TOKEN_SHAPE: Final = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
MAX_WEBHOOK_CONNECTIONS: Final = 100


def allowed_updates_param(params: Params) -> list[str] | None:
    """The `allowed_updates` of getUpdates and setWebhook."""
    allowed = params.json_value("allowed_updates")
    if allowed is not None and not (
        isinstance(allowed, list) and all(isinstance(kind, str) for kind in allowed)
    ):
        raise bad_request("can't parse allowed_updates JSON object")
    return allowed


async def get_updates(state: PlaygroundState, params: Params) -> list[JSON]:
    """getUpdates: offset, limit, timeout (long-poll), allowed_updates; 409 under a webhook."""
    return await state.get_updates(
        offset=params.integer("offset") or 0,
        limit=params.integer("limit") or 100,
        timeout=params.number("timeout") or 0.0,
        allowed_updates=allowed_updates_param(params),
    )


def webhook_config(params: Params, hosts: frozenset[str]) -> WebhookConfig:
    """The webhook setWebhook asks for, checked like Telegram checks it (plus: local hosts only)."""
    url = (params.text("url") or "").strip()
    target = URL(url)
    if target.scheme not in ("http", "https") or not target.host:
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if not is_local_url(url) and target.host not in hosts:
        # The playground is offline: it posts to this machine or to hosts it was told about.
        raise bad_request("bad webhook: Failed to resolve host: Name or service not known")
    secret = params.text("secret_token")
    if secret is not None and not SECRET_TOKEN_SHAPE.match(secret):
        raise bad_request("secret token contains unallowed characters")
    connections = params.integer("max_connections") or DEFAULT_MAX_CONNECTIONS
    if not 1 <= connections <= MAX_WEBHOOK_CONNECTIONS:
        raise bad_request("bad webhook: max_connections must be between 1 and 100")
    return WebhookConfig(url=url, secret_token=secret or None, max_connections=connections)


async def set_webhook(state: PlaygroundState, params: Params) -> bool:
    """setWebhook: url, secret_token, max_connections, allowed_updates, drop_pending_updates.

    An empty url removes the webhook. Setting the same webhook again (several bot instances
    behind one load balancer) changes nothing.
    """
    drop = params.flag("drop_pending_updates")
    if not (params.text("url") or "").strip():
        state.delivery.delete(drop_pending=drop)
        return True
    config = webhook_config(params, state.delivery.hosts)
    state.set_webhook(config, allowed_updates=allowed_updates_param(params), drop_pending=drop)
    return True


async def delete_webhook(state: PlaygroundState, params: Params) -> bool:
    """deleteWebhook: back to getUpdates; drop_pending_updates is honoured."""
    state.delivery.delete(drop_pending=params.flag("drop_pending_updates"))
    return True


async def get_webhook_info(state: PlaygroundState, params: Params) -> JSON:
    """getWebhookInfo: url, pending_update_count, last_error_date and last_error_message."""
    return state.webhook_info()
