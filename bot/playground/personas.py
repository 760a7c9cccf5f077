"""Who lives in the playground's fake Telegram: the bot and the people who talk to it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

BOT_ID: Final = 999999
BOT_FIRST_NAME: Final = "Produbanco"
BOT_USERNAME: Final = "ProdubancoPlaygroundBot"
LANGUAGE_CODE: Final = "es"


@dataclass(frozen=True, slots=True)
class Persona:
    """A Telegram user of the playground; their private chat with the bot has id == user_id."""

    user_id: int
    first_name: str
    last_name: str | None
    role: str
    phone: str | None
    description: str

    def user_json(self) -> dict[str, Any]:
        """The Telegram `User` object."""
        user: dict[str, Any] = {"id": self.user_id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        user["language_code"] = LANGUAGE_CODE
        return user

    def chat_json(self) -> dict[str, Any]:
        """The Telegram `Chat` object of the private chat with the bot."""
        chat: dict[str, Any] = {
            "id": self.user_id,
            "type": "private",
            "first_name": self.first_name,
        }
        if self.last_name:
            chat["last_name"] = self.last_name
        return chat

    def as_json(self) -> dict[str, Any]:
        """The page API's persona entry."""
        return {
            "user_id": self.user_id,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "role": self.role,
            "phone": self.phone,
            "description": self.description,
        }


# The descriptions are the page's own chrome (Spanish); the demo identities are in README.md.
PERSONAS: Final[tuple[Persona, ...]] = (
    Persona(
        1001,
        "María José",
        "Andrade",
        "customer",
        "0991234567",
        "Clienta sin banca en línea: registro completo (cédula 1710034065)",
    ),
    Persona(
        1002,
        "Luis Fernando",
        "Paredes",
        "company_user",
        "0987654321",
        "Usuario adicional de Comercial Andina S.A. (RUC 1791234561001)",
    ),
    Persona(
        1003,
        "Carlos",
        "Mora",
        "parent",
        "0998887766",
        "Padre con banca en línea: abre la Cuenta Mini de Andrea",
    ),
    Persona(1004, "Andrea", "Mora", "child", None, "Hija de Carlos, sin teléfono propio"),
    Persona(1005, "Paula", None, "agent", None, "Agente del centro de llamadas (modo asistido)"),
)


def bot_user_json() -> dict[str, Any]:
    """The bot's own Telegram `User` object (the `from` of its messages)."""
    return {"id": BOT_ID, "is_bot": True, "first_name": BOT_FIRST_NAME, "username": BOT_USERNAME}


def get_me_json() -> dict[str, Any]:
    """What `getMe` answers."""
    return {
        **bot_user_json(),
        "can_join_groups": False,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }
