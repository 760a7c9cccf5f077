"""The chat state's tables: in the bank's database, but on their own declarative base.

Pending typed input, inline keyboards and their buttons, handled update ids, uploaded media,
one-time notices and scheduled message deletions. The bank's models know none of them; the
migrations (which build the whole database) create them, and `ChatBase.metadata` is what they
are compared with. Nothing here holds a secret in clear.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bank.models.columns import NAMING_CONVENTION


class ChatBase(DeclarativeBase):
    """Declarative base of the chat tables (the bank's naming convention for constraints)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ChannelPendingInput(ChatBase):
    """The secret kind the chat's next typed message will be read as."""

    __tablename__ = "channel_pending_inputs"

    chat_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    expires_at: Mapped[datetime] = mapped_column(DateTime)


class ChannelKeyboard(ChatBase):
    """One inline keyboard the bot sent; its buttons are ChannelCallback rows."""

    __tablename__ = "channel_keyboards"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    chat_key: Mapped[str] = mapped_column(String(200), index=True)
    message_id: Mapped[int | None] = mapped_column(Integer, default=None)
    # For multi-pick image keyboards: how many picks, the payload template and the picks so far
    # (encrypted: a picture password is a secret).
    choose: Mapped[int] = mapped_column(Integer, default=1)
    payload_template: Mapped[str | None] = mapped_column(Text, default=None)
    picks_sealed: Mapped[str | None] = mapped_column(Text, default=None)
    used: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class ChannelCallback(ChatBase):
    """A button's opaque callback id and what a tap on it means."""

    __tablename__ = "channel_callbacks"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    keyboard_id: Mapped[str] = mapped_column(
        ForeignKey("channel_keyboards.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(16))
    payload: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(String(200))


class ChannelUpdate(ChatBase):
    """An update id already handled, so a repeated delivery is ignored."""

    __tablename__ = "channel_updates"

    bot_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    received_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class ChannelMedia(ChatBase):
    """A picture already uploaded: the platform's file id under our cache key."""

    __tablename__ = "channel_media"

    bot_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    cache_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    file_id: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ChannelNotice(ChatBase):
    """A one-time notice already shown in a chat."""

    __tablename__ = "channel_notices"

    chat_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    notice: Mapped[str] = mapped_column(String(64), primary_key=True)
    shown_at: Mapped[datetime] = mapped_column(DateTime)


class ScheduledDeletion(ChatBase):
    """A message the channel must delete later (an activation code shown until it expires)."""

    __tablename__ = "scheduled_deletions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_key: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[int] = mapped_column(BigInteger)
    delete_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    done_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
