"""Telegram's HTML parse mode: markup in, plain text plus MessageEntity objects out.

Only the tags Telegram accepts are allowed; anything else fails the way Telegram fails ("can't
parse entities"), so a bot that works here does not break on the real Bot API.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, Final

# tag -> entity type (None: allowed, but only as a container, like <code> inside <pre>)
ENTITY_TAGS: Final[dict[str, str]] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "a": "text_link",
    "blockquote": "blockquote",
    "span": "spoiler",
    "tg-emoji": "custom_emoji",
}


class EntityParseError(ValueError):
    """The markup is not valid Telegram HTML; the message is Telegram's wording."""


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's entity offsets."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _Open:
    tag: str
    entity_type: str | None
    offset: int
    extra: dict[str, Any] = field(default_factory=dict)


class _TelegramHtmlParser(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self._source = source
        self._line_starts = [0]
        for index, char in enumerate(source):
            if char == "\n":
                self._line_starts.append(index + 1)
        self.parts: list[str] = []
        self.length = 0
        self.stack: list[_Open] = []
        self.entities: list[dict[str, Any]] = []

    def _byte_offset(self) -> int:
        line, column = self.getpos()
        return len(self._source[: self._line_starts[line - 1] + column].encode())

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        self.length += utf16_length(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag not in ENTITY_TAGS or (tag == "span" and attributes.get("class") != "tg-spoiler"):
            raise EntityParseError(
                f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}'
            )
        entity_type: str | None = ENTITY_TAGS[tag]
        extra: dict[str, Any] = {}
        if tag == "a":
            href = (attributes.get("href") or "").strip()
            if not href:
                entity_type = None
            else:
                extra["url"] = href
        elif tag == "code" and self.stack and self.stack[-1].tag == "pre":
            language = attributes.get("class") or ""
            if language.startswith("language-"):
                self.stack[-1].extra["language"] = language.removeprefix("language-")
            entity_type = None
        elif tag == "blockquote" and "expandable" in attributes:
            entity_type = "expandable_blockquote"
        elif tag == "tg-emoji":
            extra["custom_emoji_id"] = attributes.get("emoji-id") or ""
        self.stack.append(_Open(tag, entity_type, self.length, extra))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise EntityParseError(
            f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}'
        )

    def handle_endtag(self, tag: str) -> None:
        if not self.stack:
            raise EntityParseError(f"Unexpected end tag at byte offset {self._byte_offset()}")
        opened = self.stack.pop()
        if opened.tag != tag:
            raise EntityParseError(
                f"Unmatched end tag at byte offset {self._byte_offset()}, expected "
                f'"</{opened.tag}>", found "</{tag}>"'
            )
        length = self.length - opened.offset
        if opened.entity_type and length > 0:
            self.entities.append(
                {"offset": opened.offset, "length": length, "type": opened.entity_type}
                | opened.extra
            )


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Split Telegram HTML into plain text and entities (offsets in UTF-16 code units)."""
    parser = _TelegramHtmlParser(source)
    parser.feed(source)
    parser.close()
    if parser.stack:
        raise EntityParseError(
            f'Can\'t find end tag corresponding to start tag "{parser.stack[-1].tag}"'
        )
    entities = sorted(parser.entities, key=lambda item: (item["offset"], -item["length"]))
    return "".join(parser.parts), entities


def command_entities(text: str) -> list[dict[str, Any]]:
    """The bot_command entity of a message that starts with "/command" (Telegram adds it)."""
    if not text.startswith("/"):
        return []
    head = text.split(maxsplit=1)[0] if text.strip() else text
    name = head[1:].split("@", 1)[0]
    if not name or not all(char.isascii() and (char.isalnum() or char == "_") for char in name):
        return []
    return [{"offset": 0, "length": utf16_length(head), "type": "bot_command"}]
