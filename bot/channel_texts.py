"""The channel's own Spanish texts: `utter_channel_*` from channel/texts.yml, notices from domain/.

The bot needs them even when Rasa cannot be reached (an apology), so it reads them itself. Which
names it needs is bot/channel_text_names.py. The numbers a text states (`{otp_window_minutes}`)
are filled from the bank's facts (bank/facts.py), as Rasa fills them in the domain's responses.
Transport-neutral: Telegram, the playground (which runs bot.telegram) and the terminal read the
same texts; nothing here knows a transport.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from bot.channel_text_names import ASSIST_PREFIX, ASSIST_RESPONSES, CHANNEL_RESPONSES, NOTICE_PREFIX
from bot.rasa_messages import Button
from formats.domain_files import CHANNEL_NOTICES_PATH, load_channel_responses

_PLACEHOLDER: Final = re.compile(r"\{([a-z_]+)\}")


class MissingTextError(LookupError):
    """channel/texts.yml or domain/ lacks a response the channel needs."""


@dataclass(frozen=True)
class ChannelTexts:
    """Response name -> first text variation (and its buttons); `get` fills {placeholders}.

    `facts` fill the placeholders of the numbers the texts state (bank/facts.py) when the caller
    gives no value of that name.
    """

    texts: Mapping[str, str]
    buttons: Mapping[str, tuple[Button, ...]] = field(default_factory=dict)
    facts: Mapping[str, str] = field(default_factory=dict)

    def get(self, name: str, **values: object) -> str:
        """The text of a response, with {name} placeholders replaced by `values` (or a fact)."""
        try:
            template = self.texts[name]
        except KeyError:
            raise MissingTextError(name) from None
        filled = {**self.facts, **values}
        return _PLACEHOLDER.sub(
            lambda match: str(filled.get(match.group(1), match.group(0))), template
        )

    def get_html(self, name: str, **fragments: str) -> str:
        """The text as HTML: the template escaped, {placeholders} replaced by HTML fragments.

        The fragments go in as they are: escape any user data in them first (ui.html_text).
        """
        template = html.escape(self.get(name), quote=False)
        return _PLACEHOLDER.sub(
            lambda match: fragments.get(match.group(1), match.group(0)), template
        )

    def get_buttons(self, name: str, **values: object) -> tuple[Button, ...]:
        """The response's buttons, each "{key}" in titles and payloads replaced by its value."""

        filled = {**self.facts, **values}

        def fill(text: str) -> str:
            for key, value in filled.items():
                text = text.replace("{" + key + "}", str(value))
            return text

        return tuple(
            Button(title=fill(button.title), payload=fill(button.payload))
            for button in self.buttons.get(name, ())
        )


def load_channel_texts(
    responses_path: Path | None = None, *, facts: Mapping[str, str] | None = None
) -> ChannelTexts:
    """Read the channel's responses (MissingTextError if one is missing).

    By default channel/texts.yml and the notices of channel/notices.yml; `responses_path` reads
    every response from that one file instead. `facts` fill the numbers the texts state; by
    default the bank's constants (no channel text states a setting).
    """
    if facts is None:
        # Imported here: importing the channel (the terminal chat) does not load the bank.
        from bank.facts import CONSTANT_FACTS

        facts = CONSTANT_FACTS
    if responses_path is None:
        responses = {**load_channel_responses(), **load_channel_responses(CHANNEL_NOTICES_PATH)}
    else:
        responses = load_channel_responses(responses_path)
    texts: dict[str, str] = {}
    buttons: dict[str, tuple[Button, ...]] = {}
    # Notices and the assisted-mode labels are read by prefix (a label may be missing).
    by_prefix = [
        name
        for name in responses
        if str(name).startswith((NOTICE_PREFIX, ASSIST_PREFIX)) and name not in ASSIST_RESPONSES
    ]
    for name in (*CHANNEL_RESPONSES, *by_prefix):
        variations = responses.get(name)
        first = variations[0] if isinstance(variations, list) and variations else {}
        text = first.get("text") if isinstance(first, dict) else None
        if not isinstance(text, str) or not text.strip():
            raise MissingTextError(name)
        texts[name] = text
        buttons[name] = _parse_buttons(name, first.get("buttons"))
    return ChannelTexts(texts, buttons, facts)


def _parse_buttons(name: str, raw: object) -> tuple[Button, ...]:
    """A response's buttons: each needs a title and a payload (ValueError otherwise)."""
    if raw is None:
        return ()
    items = raw if isinstance(raw, list) else [raw]
    parsed = []
    for item in items:
        title = item.get("title") if isinstance(item, dict) else None
        payload = item.get("payload") if isinstance(item, dict) else None
        if not (isinstance(title, str) and title and isinstance(payload, str) and payload):
            raise ValueError(f"{name}: every button needs a title and a payload")
        parsed.append(Button(title=title, payload=payload))
    return tuple(parsed)
