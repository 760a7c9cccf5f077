"""The 8 forms: their slots, the exceptions of their free-text slots, what each interruption gets.

A new form adds one `Form` here and to `FORMS`, then `python scripts/form_rules.py` writes its
`forms:` entry, its interruption rules and the `not_intent` lists of its free-text slots.
"""

from __future__ import annotations

from typing import Final

from .intents import (
    CHILD_MONEY,
    JOURNEY_STARTS,
    JOURNEYS,
    MINI_STEP_ANSWERS,
    PARENT_VIEWS_OF_CHILD,
    REGISTRATION_STEP_ANSWERS,
    TYPED_VALUES,
    YES_NO,
    without,
)
from .model import (
    Action,
    Answer,
    End,
    EndOrResume,
    Form,
    Interruption,
    OpenForm,
    TakenAsText,
    say,
)
from .shared import (
    ANSWERED_EVERYWHERE,
    ASK_MONEY_AS_AMOUNT,
    CANNOT_GO_BACK,
    CHILD_MONEY_AS_WORDS,
    LOW_CONFIDENCE_ANSWERED,
    ONLY_UNANSWERED,
    OUT_OF_SCOPE_AS_TEXT,
    PARENT_APPROVALS,
    PARENT_DECIDES,
    PARENT_REMOVES_MISSION,
    PARENT_VIEWS_AS_TITLE,
    SMS_NOT_RECEIVED_AS_TEXT,
    STEP_VALUES,
    clarified,
    finish_current_first,
    use_the_buttons,
)


def cancelling(action: str, then: OpenForm | None = None) -> Interruption:
    """`cancel` runs the form's cancel action and ends the form (or opens `then`)."""
    return Interruption("Cancelling", ("cancel",), say(action, then=then or End()))


def cancelling_with_confirmation(action: str) -> Interruption:
    """`cancel` in a bank journey: the cancel action ends the form at the first step; past it,
    the action keeps the form, which asks "¿Seguro…?" (Sí / No, seguir) as its slot
    `cancel_confirmation` (actions/common/cancel_confirmation.py)."""
    return Interruption("Cancelling", ("cancel",), say(action, then=EndOrResume()))


REGISTRATION: Final = Form(
    name="registration_form",
    comment="Registration in Produbanco en línea (domain/registration.yml)",
    required_slots=(
        "id_number",
        "is_additional_user",
        "additional_cedula",
        "pin_ref",
        "contact_decision",
        "otp_ref",
        "username",
        "username_confirmation",
        "password_ref",
        "password_confirmation_ref",
        "security_image",
        "home_phone",
        "work_phone",
        "challenge_first_name_ref",
        "challenge_mother_surname_ref",
        "challenge_father_surname_ref",
        "terms_decision",
        "has_smart_device",
        "second_factor_choice",
        "token_activation_choice",
        "token_code_ref",
    ),
    text_slots=dict.fromkeys(
        (
            "id_number",
            "additional_cedula",
            "username",
            "username_confirmation",
            "home_phone",
            "work_phone",
        ),
        STEP_VALUES,
    ),
    interruptions=(
        *ANSWERED_EVERYWHERE,
        LOW_CONFIDENCE_ANSWERED,
        cancelling_with_confirmation("action_cancel_registration"),
        Interruption("Going back one step", ("go_back",), say("action_registration_go_back")),
        Interruption(
            "Asking to register while already registering",
            ("start_registration",),
            say("utter_registration_resumed"),
        ),
        Interruption(
            "The SMS did not arrive, asked outside the OTP step",
            ("report_otp_not_received", "request_otp"),
            say("utter_otp_not_received_help"),
        ),
        Interruption(
            "Contact data that is not theirs, said outside the contact step",
            ("report_wrong_contact",),
            say("utter_wrong_contact_info"),
        ),
        finish_current_first(without(JOURNEYS, "start_registration")),
        use_the_buttons(
            "An answer that does not fit the current step",
            (*YES_NO, *TYPED_VALUES, "choose_token", "choose_later", *MINI_STEP_ANSWERS),
        ),
    ),
)

MINI_REGISTRATION: Final = Form(
    name="mini_registration_form",
    comment="The child's registration in Cuenta Mini (domain/mini_child.yml)",
    required_slots=(
        "mini_cedula",
        "activation_code_ref",
        "mini_avatar",
        "mini_username",
        "picture_password_ref",
        "picture_password_confirmation_ref",
    ),
    text_slots=dict.fromkeys(
        ("mini_cedula", "mini_username"), STEP_VALUES | SMS_NOT_RECEIVED_AS_TEXT
    ),
    interruptions=(
        *ANSWERED_EVERYWHERE,
        LOW_CONFIDENCE_ANSWERED,
        cancelling_with_confirmation("action_cancel_mini_registration"),
        Interruption("Going back", ("go_back",), say("action_mini_registration_go_back")),
        Interruption(
            "Asking for the form again",
            ("start_mini_registration",),
            say("utter_mini_registration_resumed"),
        ),
        Interruption(
            "No code, said outside the code step",
            ("no_activation_code", "report_otp_not_received"),
            say("utter_mini_how_to_get_code"),
        ),
        finish_current_first(without(JOURNEYS, "start_mini_registration")),
        use_the_buttons(
            "An answer that does not fit the current step",
            (
                *YES_NO,
                *TYPED_VALUES,
                *without(REGISTRATION_STEP_ANSWERS, "report_otp_not_received"),
                *without(MINI_STEP_ANSWERS, "no_activation_code"),
            ),
        ),
    ),
)

MINI_SIGN_IN: Final = Form(
    name="mini_sign_in_form",
    comment="The child's sign-in with a picture password (domain/mini_child.yml)",
    required_slots=("mini_sign_in_username", "mini_sign_in_picture_ref"),
    text_slots={"mini_sign_in_username": STEP_VALUES | SMS_NOT_RECEIVED_AS_TEXT},
    interruptions=(
        *ANSWERED_EVERYWHERE,
        LOW_CONFIDENCE_ANSWERED,
        cancelling_with_confirmation("action_cancel_mini_sign_in"),
        CANNOT_GO_BACK,
        Interruption(
            "Asking for the form again", ("start_mini_sign_in",), say("utter_mini_sign_in_started")
        ),
        finish_current_first(without(JOURNEYS, "start_mini_sign_in")),
        use_the_buttons(
            "An answer that does not fit the current step",
            (*YES_NO, *TYPED_VALUES, *REGISTRATION_STEP_ANSWERS, *MINI_STEP_ANSWERS),
        ),
    ),
)

PARENT_MINI: Final = Form(
    name="parent_mini_form",
    comment="Cuenta para mis hijos, the parent (domain/mini_parent.yml)",
    required_slots=(
        "parent_username",
        "parent_password_ref",
        "parent_token_ref",
        "parent_child",
        "parent_choice",
    ),
    text_slots=dict.fromkeys(
        ("parent_username", "parent_child"), STEP_VALUES | SMS_NOT_RECEIVED_AS_TEXT
    ),
    interruptions=(
        *ANSWERED_EVERYWHERE,
        LOW_CONFIDENCE_ANSWERED,
        cancelling_with_confirmation("action_cancel_parent_mini"),
        CANNOT_GO_BACK,
        Interruption(
            "Asking for the form again", ("start_parent_mini",), say("utter_parent_mini_resumed")
        ),
        # A parent does not start a child's journey here: those are answered below.
        finish_current_first(without(JOURNEY_STARTS, "start_parent_mini")),
        use_the_buttons(
            "An answer that does not fit the current step",
            (*YES_NO, *TYPED_VALUES, *REGISTRATION_STEP_ANSWERS, *MINI_STEP_ANSWERS),
        ),
        # The chosen child's money: the parent's views and buttons.
        PARENT_DECIDES,
        PARENT_APPROVALS,
        Interruption(
            "A child's balance and movements",
            ("show_balance", "show_movements"),
            say("action_show_parent_balance"),
        ),
        Interruption("A child's missions", ("show_missions",), say("action_show_parent_missions")),
        PARENT_REMOVES_MISSION,
        Interruption(
            "A new mission hands over to parent_mission_form",
            ("create_mission",),
            Answer((Action("action_start_parent_mission"),), OpenForm("parent_mission_form")),
        ),
        use_the_buttons(
            "A child's own Cuenta Mini request", without(CHILD_MONEY, *PARENT_VIEWS_OF_CHILD)
        ),
    ),
)

PARENT_MISSION: Final = Form(
    name="parent_mission_form",
    comment="A new mission for the chosen child (domain/mini_parent_money.yml)",
    required_slots=("mission_title", "mission_reward"),
    # A title is free text that NLU often reads as nlu_fallback or as a child's intent ("sacar
    # la basura" as withdraw_money): the child's intents are not interruptions here. Both slots
    # take nlu_fallback; the form answers it only when its validation refuses a marked message
    # that fails the step's rule (actions/common/token_answers.py: it asks which one).
    text_slots={
        "mission_title": OUT_OF_SCOPE_AS_TEXT | PARENT_VIEWS_AS_TITLE,
        "mission_reward": ONLY_UNANSWERED,
    },
    interruptions=(
        *ANSWERED_EVERYWHERE,
        LOW_CONFIDENCE_ANSWERED,
        cancelling("action_cancel_parent_mission", then=OpenForm("parent_mini_form")),
        Interruption("Going back", ("go_back",), say("action_parent_mission_go_back")),
        PARENT_DECIDES,
        PARENT_APPROVALS,
        PARENT_REMOVES_MISSION,
        Interruption(
            "Another journey or menu asked",
            (
                *JOURNEY_STARTS,
                "create_mission",
                "show_balance",
                "show_missions",
                *MINI_STEP_ANSWERS,
            ),
            say("utter_parent_mission_finish_first"),
        ),
    ),
)


# The child's money forms take free text: a name or a reason (words), or an amount.
_WORDS: Final = OUT_OF_SCOPE_AS_TEXT | CHILD_MONEY_AS_WORDS
_AMOUNT: Final = OUT_OF_SCOPE_AS_TEXT | ASK_MONEY_AS_AMOUNT


def _child_money_form(
    name: str, comment: str, required_slots: tuple[str, ...], text_slots: dict[str, TakenAsText]
) -> Form:
    """A child's money form: every journey asked inside it waits until it ends."""
    return Form(
        name=name,
        comment=comment,
        required_slots=required_slots,
        text_slots=text_slots,
        interruptions=(
            *ANSWERED_EVERYWHERE,
            LOW_CONFIDENCE_ANSWERED,
            cancelling("action_cancel_mini_money_form"),
            CANNOT_GO_BACK,
            # Its own start too: the form is already running.
            finish_current_first((*JOURNEYS, *MINI_STEP_ANSWERS)),
        ),
    )


MINI_GOAL: Final = _child_money_form(
    "mini_goal_form",
    "A new goal of the child (domain/mini_money.yml)",
    ("goal_name", "goal_amount", "goal_picture"),
    {"goal_name": _WORDS, "goal_amount": _AMOUNT},
)
MINI_MONEY_REQUEST: Final = _child_money_form(
    "mini_money_request_form",
    "The child asks a parent for money (domain/mini_money.yml)",
    ("money_amount", "money_reason"),
    {"money_amount": _AMOUNT, "money_reason": _WORDS},
)
MINI_WITHDRAWAL: Final = _child_money_form(
    "mini_withdrawal_form",
    "The child takes money out (domain/mini_money.yml)",
    ("withdrawal_amount",),
    {"withdrawal_amount": _AMOUNT},
)

# Every form asks which one about a message that fits two or more topics (shared.clarified).
FORMS: Final = tuple(
    clarified(form)
    for form in (
        REGISTRATION,
        MINI_REGISTRATION,
        MINI_SIGN_IN,
        PARENT_MINI,
        PARENT_MISSION,
        MINI_GOAL,
        MINI_MONEY_REQUEST,
        MINI_WITHDRAWAL,
    )
)
