"""What every desk page works with, built once by `desk.app.build_app` and kept in the app's
state (nothing in module globals)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Final

from starlette.requests import Request
from starlette.templating import Jinja2Templates

from bank.assist import AssistDesk, PhoneAssist
from bank.assist.desk_accounts import DeskAccounts
from bank.assist.desk_customer import DeskCustomer
from bank.assist.desk_sessions import DeskSessions
from bank.bootstrap import Bank
from desk.settings import DeskSettings
from desk.texts import DeskTexts

# How often the live pages look for changes (the bot delivers notices at the same pace).
EVENT_SECONDS: Final = 2.0


@dataclass(frozen=True)
class DeskServices:
    """The bank's desk calls, the desk's accounts and sessions, texts, templates, settings, and
    the whole bank for pages that read more of it (the supervisor's funnel)."""

    bank: Bank
    desk: AssistDesk
    phone: PhoneAssist
    accounts: DeskAccounts
    sessions: DeskSessions
    customer: DeskCustomer
    texts: DeskTexts
    templates: Jinja2Templates
    settings: DeskSettings
    event_seconds: float = EVENT_SECONDS
    # Set when the server is asked to stop: the live streams end so it can.
    stopping: threading.Event = field(default_factory=threading.Event)


def services_of(request: Request) -> DeskServices:
    """The services of the app serving `request`."""
    services = request.app.state.desk
    if not isinstance(services, DeskServices):
        raise RuntimeError("the desk app was not built by build_app")
    return services
