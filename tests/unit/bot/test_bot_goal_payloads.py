"""The goal_progress and celebration payloads: parsed into typed messages with exact amounts,
malformed ones skipped with a warning (never a crash), and printed by the terminal chat."""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest

from bot import terminal_render as terminal
from bot.conversation import Turn
from bot.rasa_messages import Celebration, GoalProgress, TextMessage, UnknownCustom
from bot.rasa_output import parse_custom, parse_rasa_output
from bot.terminal_render import render_turn

GOAL = {
    "type": "goal_progress",
    "picture": "goal_bike",
    "name": "Bicicleta roja",
    "saved": "12.50",
    "target": "80.00",
}


def test_a_goal_progress_payload_becomes_exact_decimals() -> None:
    parsed = parse_custom(GOAL)
    assert parsed == GoalProgress(
        picture="goal_bike", name="Bicicleta roja", saved=Decimal("12.50"), target=Decimal("80.00")
    )
    assert isinstance(parsed, GoalProgress)
    assert isinstance(parsed.saved, Decimal) and isinstance(parsed.target, Decimal)
    assert parsed.percent == 15 and not parsed.reached


def test_saved_may_exceed_the_target_and_the_name_is_one_line() -> None:
    parsed = parse_custom({**GOAL, "saved": "95.00", "name": "  Bici\n <b>roja</b>  "})
    assert isinstance(parsed, GoalProgress)
    assert parsed.reached and parsed.percent == 100
    assert parsed.name == "Bici <b>roja</b>"  # drawn as it is: nothing to escape in a picture


@pytest.mark.parametrize(
    "change",
    [
        {"picture": "goal_spaceship"},  # unknown picture
        {"picture": "avatar_fox"},  # a picture, but not a goal's
        {"picture": ["goal_bike"]},
        {"picture": None},
        {"name": ""},
        {"name": "   "},
        {"name": 7},
        {"saved": 12.5},  # money is never a float
        {"saved": "12.5"},
        {"saved": "-1.00"},
        {"saved": "1e3"},
        {"saved": "doce"},
        {"saved": None},
        {"target": "0.00"},  # nothing to save for
        {"target": "80"},
        {"target": {"amount": "80.00"}},
    ],
)
def test_a_malformed_goal_progress_is_skipped_with_a_warning(
    change: dict[str, object], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.rasa_output")
    payload = {**GOAL, **change}
    assert parse_custom(payload) == UnknownCustom(data=payload)
    assert "'goal_progress'" in caplog.text
    assert "Bicicleta" not in caplog.text  # only the type is logged


def test_a_goal_progress_without_a_field_is_skipped() -> None:
    for field in ("picture", "name", "saved", "target"):
        payload = {key: value for key, value in GOAL.items() if key != field}
        assert isinstance(parse_custom(payload), UnknownCustom), field


@pytest.mark.parametrize("reason", ["goal", "mission"])
def test_a_celebration_has_a_known_reason(reason: str) -> None:
    parsed = parse_custom({"type": "celebration", "reason": reason})
    assert isinstance(parsed, Celebration) and parsed.reason == reason


@pytest.mark.parametrize("reason", [None, "", "birthday", "GOAL", ["goal"], 1])
def test_a_celebration_with_another_reason_is_skipped(reason: object) -> None:
    assert isinstance(parse_custom({"type": "celebration", "reason": reason}), UnknownCustom)


def test_they_keep_their_place_among_rasas_messages() -> None:
    messages = parse_rasa_output(
        [
            {"recipient_id": "tg:1", "text": "Tu meta:"},
            {"recipient_id": "tg:1", "custom": GOAL},
            {"recipient_id": "tg:1", "custom": {"type": "celebration", "reason": "goal"}},
        ]
    )
    assert [type(message) for message in messages] == [TextMessage, GoalProgress, Celebration]


def test_the_terminal_prints_a_goal_as_a_line_with_its_bar() -> None:
    partial = parse_custom(GOAL)
    reached = parse_custom({**GOAL, "saved": "80.00"})
    lines, choices = render_turn(Turn(messages=(partial, reached)))
    assert lines == [
        "   [meta: Bicicleta roja · $12,50 de $80,00 · ▰▱▱▱▱▱▱▱▱▱ 15 %]",
        "   [meta: Bicicleta roja · $80,00 de $80,00 · ▰▰▰▰▰▰▰▰▰▰ 100 %]",
        terminal.GOAL_REACHED_LINE,
    ]
    assert choices == []


def test_the_terminal_celebrates_with_the_channels_words() -> None:
    lines, _ = render_turn(Turn(messages=(Celebration(reason="mission"),)))
    assert lines[0] == terminal.CELEBRATION_LINE and "🎉" in lines[0]
    assert lines[1].startswith("Bot: ") and "Misión cumplida" in lines[1]
    goal_lines, _ = render_turn(Turn(messages=(Celebration(reason="goal"),)))
    assert "Lo lograste" in goal_lines[1]
