"""The interruptions every form answers, and the named exceptions of its free-text slots."""

from __future__ import annotations

import dataclasses
from typing import Final

from .model import Action, Answer, Form, Interruption, SlotWasSet, TakenAsText, say

# Answered the same way inside every form; then the form asks its current step again.
ANSWERED_EVERYWHERE: Final = (
    Interruption("A frequent question", ("faq",), say("utter_faq")),
    Interruption("Asking for an agent", ("request_human",), say("action_offer_agent")),
    Interruption("Consent to an agent", ("agent_consent",), say("action_open_ticket")),
    Interruption("No agent, thanks", ("agent_decline",), say("utter_agent_declined")),
    Interruption(
        "Cancelling the wait for an agent", ("cancel_agent_wait",), say("action_cancel_agent_wait")
    ),
    Interruption("Back from an agent", ("resume_after_agent",), say("utter_resume_after_agent")),
    Interruption("Greeting", ("greet",), say("utter_greet")),
    # "continuar", "sigamos": never leaves or cancels; the current step is asked again.
    Interruption("Words of going on", ("keep_going",), say("utter_going_on")),
    Interruption("Thanks", ("thank",), say("utter_thank")),
    Interruption("Goodbye (the journey waits)", ("goodbye",), say("utter_goodbye")),
    Interruption("Help", ("show_help",), say("utter_help")),
    Interruption("Typed command", ("typed_command",), say("utter_typed_command_refused")),
    Interruption("Typed secret", ("typed_secret",), say("utter_typed_secret_refused")),
    Interruption("Out of scope", ("out_of_scope",), say("action_not_understood")),
)
# Answered where no free-text slot takes the message (see model.LOW_CONFIDENCE).
LOW_CONFIDENCE_ANSWERED: Final = Interruption(
    "Low NLU confidence", ("nlu_fallback",), say("action_not_understood")
)
CANNOT_GO_BACK: Final = Interruption("Going back", ("go_back",), say("utter_mini_cannot_go_back"))

# --- Which one? A message that fits two or more topics (issue 15) ---------------------------

# The entity rasa_extensions/clarify.py marks such a message with (the candidates' keys).
AMBIGUOUS: Final = "ambiguous"
# The intents such a message is read as: dialogues/clarify.yml asks about them outside a journey.
CLARIFIED_INTENTS: Final = (
    "faq",
    "nlu_fallback",
    "out_of_scope",
    "report_otp_not_received",
    "request_otp",
    "no_activation_code",
    "ask_parent_for_code",
    "inform",
    "deny",
)


def clarified(form: Form) -> Form:
    """The form, asking "¿Te refieres a…?" (`action_clarify`, with one button per topic) about a
    marked message it would otherwise answer as an interruption (an FAQ that fits two topics, a
    low-confidence message between two intents, "mi código ya no sirve"), then asking its
    current step again. Only the intents the form answers: where a free-text slot takes the
    message as its answer, the form does not reject it and the bank judges it."""
    answered = set(form.answered_intents())
    intents = tuple(intent for intent in CLARIFIED_INTENTS if intent in answered)
    if not intents:
        return form
    asking = Interruption(
        "A message that fits two or more topics", intents, say("action_clarify"), entity=AMBIGUOUS
    )
    return dataclasses.replace(form, interruptions=(*form.interruptions, asking))


def finish_current_first(intents: tuple[str, ...]) -> Interruption:
    """Another journey asked inside a form: finish this one first."""
    return Interruption("Another journey asked", intents, say("utter_finish_current_first"))


def use_the_buttons(label: str, intents: tuple[str, ...]) -> Interruption:
    """A button's answer that does not fit the current step."""
    return Interruption(label, intents, say("utter_please_use_buttons"))


# The parent's money taps, answered inside the parent's forms. The actions set
# `parent_sign_in_needed` on every run; inside a form the parent is signed in, so it is null.
_SIGNED_IN: Final = SlotWasSet("parent_sign_in_needed", None)
PARENT_DECIDES: Final = Interruption(
    "Aprobar or Rechazar",
    ("approve_request", "reject_request"),
    Answer((Action("action_decide_request"), _SIGNED_IN)),
)
PARENT_APPROVALS: Final = Interruption(
    "The requests waiting",
    ("parent_approvals",),
    Answer((Action("action_show_parent_approvals"), _SIGNED_IN)),
)
PARENT_REMOVES_MISSION: Final = Interruption(
    "Removing a mission",
    ("remove_mission",),
    Answer((Action("action_remove_mission"), _SIGNED_IN)),
)

# --- Named exceptions: interruptions a free-text slot takes as its answer ------------------

# A slot that takes only what no interruption answers (and nlu_fallback): a mission's reward.
ONLY_UNANSWERED: Final = TakenAsText("only unanswered", frozenset())
# A typed value, or a step's own button pressed at a free-text step, is the answer.
STEP_VALUES: Final = TakenAsText(
    "step values",
    frozenset(
        {"inform", "skip", "choose_token", "choose_later", "request_otp", "report_wrong_contact"}
    ),
)
# The child's and the parent's sign-in take "no me llegó" as text (the bank answers it).
SMS_NOT_RECEIVED_AS_TEXT: Final = TakenAsText(
    "sms not received", frozenset({"report_otp_not_received"})
)
# A goal's name, a request's reason or a mission's title that NLU cannot place is the answer.
OUT_OF_SCOPE_AS_TEXT: Final = TakenAsText("out of scope", frozenset({"out_of_scope"}))
# Names and reasons read like the child's menu ("para ver mi saldo"): they are the answer.
CHILD_MONEY_AS_WORDS: Final = TakenAsText(
    "child money as words",
    frozenset(
        {"show_goals", "create_goal", "show_missions", "mission_done", "ask_money"}
        | {"withdraw_money", "show_movements", "show_balance", "music_off", "music_on"}
        | {"request_goal_money", "learn"}
    ),
)
# "cinco dólares" reads as ask_money: an amount takes it.
ASK_MONEY_AS_AMOUNT: Final = TakenAsText("ask money as amount", frozenset({"ask_money"}))
# A mission's title reads like the child's menu too ("ver el saldo del cuento").
PARENT_VIEWS_AS_TITLE: Final = TakenAsText(
    "parent views as title", frozenset({"show_balance", "show_missions"})
)
