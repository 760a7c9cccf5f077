"""The web desk's notices (bank.assist.desk_customer, docs/assist.md "The web desk"), delivered to
the customer's chat exactly as after the Telegram agent commands: an agent joined (pending secret
input forgotten), an agent's reply (with "typing..." and the agent's name), and the assistant is
back (the customer is told, Rasa gets `/resume_after_agent` and its answer is shown)."""

from __future__ import annotations

from telegram import Bot

from bank.assist.desk_customer import DESK_BACK, DESK_JOINED, DESK_REPLY
from bank.notifications import Notice
from bot.telegram.assist.relay import agent_joined, assistant_is_back, relay_agent_reply
from bot.telegram.notices import NoticeRelay, telegram_chat_id
from bot.telegram.services import BotServices


def desk_notice_relays(services: BotServices) -> dict[str, NoticeRelay]:
    """The delivery of each desk notice kind (for bot.telegram.notices.deliver_notices)."""

    async def joined(bot: Bot, notice: Notice) -> bool:
        if telegram_chat_id(notice.sender_id) is None:
            return False
        await agent_joined(bot, services, notice.sender_id, str(notice.data.get("agent_name", "")))
        return True

    async def reply(bot: Bot, notice: Notice) -> bool:
        if telegram_chat_id(notice.sender_id) is None:
            return False
        sent = {**notice.data, "sender_id": notice.sender_id}
        text = str(notice.data.get("text", ""))
        return await relay_agent_reply(bot, services, agent_chat_id=None, sent=sent, text=text)

    async def back(bot: Bot, notice: Notice) -> bool:
        if telegram_chat_id(notice.sender_id) is None:
            return False
        name = str(notice.data.get("agent_name", ""))
        await assistant_is_back(bot, services, notice.sender_id, name)
        return True

    return {DESK_JOINED: joined, DESK_REPLY: reply, DESK_BACK: back}
