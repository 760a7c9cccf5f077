"""Named groups of the domain's intents, as the forms' interruptions use them."""

from __future__ import annotations

from typing import Final

# Starting (or leaving) a journey.
JOURNEY_STARTS: Final = (
    "start_registration",
    "start_parent_mini",
    "start_mini_registration",
    "start_mini_sign_in",
    "open_mini",
    "sign_out",
)
# The child's Cuenta Mini money menu (domain/mini_money.yml).
CHILD_MONEY: Final = (
    "show_goals",
    "create_goal",
    "show_missions",
    "mission_done",
    "ask_money",
    "withdraw_money",
    "show_movements",
    "show_balance",
    "music_off",
    "music_on",
    "request_goal_money",
    "learn",
)
# What a parent may also ask about a chosen child inside "Cuenta para mis hijos".
PARENT_VIEWS_OF_CHILD: Final = ("show_balance", "show_movements", "show_missions")
# The parent's money buttons (domain/mini_parent_money.yml).
PARENT_MONEY: Final = (
    "parent_approvals",
    "approve_request",
    "reject_request",
    "create_mission",
    "remove_mission",
)
# Every journey or menu entry of the assistant.
JOURNEYS: Final = (*JOURNEY_STARTS, *CHILD_MONEY, *PARENT_MONEY)
# Buttons and answers of the Cuenta Mini steps (codes, links, children).
MINI_STEP_ANSWERS: Final = (
    "no_activation_code",
    "ask_parent_for_code",
    "generate_code",
    "register_here",
    "share_link",
    "pick_other_child",
    "unlock_child",
)
# Buttons and answers of the registration's steps.
REGISTRATION_STEP_ANSWERS: Final = (
    "request_otp",
    "report_wrong_contact",
    "report_otp_not_received",
    "choose_token",
    "choose_later",
)
YES_NO: Final = ("affirm", "deny")
TYPED_VALUES: Final = ("inform", "skip")


def without(group: tuple[str, ...], *left_out: str) -> tuple[str, ...]:
    """The group without some intents (a form's own start is not "another journey")."""
    missing = set(left_out) - set(group)
    if missing:
        raise ValueError(f"not in the group: {sorted(missing)}")
    return tuple(intent for intent in group if intent not in left_out)
