"""How the answer in each form slot reaches the bank, and how the outcome is told.

One row per slot of `registration_form`. A row says which bank call takes the answer, whether the
answer is a reference into the secret box (read and destroyed first), and which response tells
each outcome. The few slots whose answer chooses between two bank calls have a small function.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from actions.common.answers import Answer, Handler, take_secret
from actions.common.bank_access import current_bank, in_thread
from actions.common.replies import Replies, utter
from actions.registration import outcomes
from actions.registration.steps import is_true
from bank.outcome import Outcome
from bank.registration import RegistrationService

BankCall = Callable[[RegistrationService, str, Any], Outcome]


@dataclass(frozen=True)
class Submission:
    """One slot's answer handed to one bank call."""

    call: BankCall
    subject: str
    replies: Replies = field(default_factory=dict)
    boxed_as: str | None = None  # the answer is a secret-box reference of this kind


async def submit(submission: Submission, answer: Answer) -> None:
    """Hand the answer (or the secret it refers to) to the bank and tell the outcome."""
    value: Any = answer.value
    if submission.boxed_as is not None:
        value = await take_secret(answer, submission.boxed_as)
        if value is None:
            return
    registration = current_bank().registration
    outcome = await in_thread(submission.call, registration, answer.sender_id, value)
    outcomes.tell_outcome(answer.dispatcher, outcome, submission.replies, field=submission.subject)


async def request_otp(answer: Answer) -> None:
    """Send an SMS code within the limits (first time or "no me llegó")."""
    registration = current_bank().registration
    outcome = await in_thread(registration.request_otp, sender_id=answer.sender_id)
    outcomes.tell_outcome(answer.dispatcher, outcome, outcomes.OTP_SEND_REPLIES, field="otp")


async def decide_on_contact_data(answer: Answer) -> None:
    """ "Generar OTP" sends the code; "no es mi número" explains the agency's service desk."""
    if answer.value != "not_mine":
        await request_otp(answer)
        return
    registration = current_bank().registration
    await in_thread(registration.report_wrong_contact, sender_id=answer.sender_id)
    utter(answer.dispatcher, "utter_wrong_contact_info")


OTP_ENTRY = Submission(
    call=lambda bank, sender, code: bank.submit_otp(sender_id=sender, code=code),
    subject="otp",
    replies=outcomes.OTP_ENTRY_REPLIES,
    boxed_as="otp",
)


async def enter_otp(answer: Answer) -> None:
    """The SMS code, or "no me llegó" to send a new one."""
    if answer.value == "resend":
        await request_otp(answer)
    else:
        await submit(OTP_ENTRY, answer)


def phone(text: Any) -> str | None:
    """A typed phone number, or None for "no tengo"."""
    return None if text == "skip" else str(text)


def challenge(question: str) -> Submission:
    """A challenge-question answer, typed as a secret."""
    return Submission(
        call=lambda bank, sender, answer: bank.submit_challenge_answer(
            sender_id=sender, question=question, answer=answer
        ),
        subject="answer",
        boxed_as="answer",
    )


SUBMISSIONS: dict[str, Submission] = {
    "id_number": Submission(
        call=lambda bank, sender, text: bank.submit_identity_number(
            sender_id=sender, text=str(text)
        ),
        subject="id_number",
        replies=outcomes.IDENTITY_REPLIES,
    ),
    "is_additional_user": Submission(
        call=lambda bank, sender, value: bank.submit_additional_user(
            sender_id=sender, is_additional=is_true(value)
        ),
        subject="id_number",
    ),
    "additional_cedula": Submission(
        call=lambda bank, sender, text: bank.submit_additional_cedula(
            sender_id=sender, text=str(text)
        ),
        subject="id_number",
        replies=outcomes.IDENTITY_REPLIES,
    ),
    "pin_ref": Submission(
        call=lambda bank, sender, pin: bank.submit_pin(sender_id=sender, pin=pin),
        subject="pin",
        replies=outcomes.PIN_REPLIES,
        boxed_as="pin",
    ),
    "username": Submission(
        call=lambda bank, sender, text: bank.submit_username(sender_id=sender, text=str(text)),
        subject="username",
        replies=outcomes.USERNAME_REPLIES,
    ),
    "username_confirmation": Submission(
        call=lambda bank, sender, text: bank.submit_username_confirmation(
            sender_id=sender, text=str(text)
        ),
        subject="username",
        replies=outcomes.USERNAME_CONFIRMATION_REPLIES,
    ),
    "password_ref": Submission(
        call=lambda bank, sender, password: bank.submit_password(
            sender_id=sender, password=password
        ),
        subject="password",
        boxed_as="password",
    ),
    "password_confirmation_ref": Submission(
        call=lambda bank, sender, password: bank.submit_password_confirmation(
            sender_id=sender, password=password
        ),
        subject="password",
        replies=outcomes.PASSWORD_CONFIRMATION_REPLIES,
        boxed_as="password",
    ),
    "security_image": Submission(
        call=lambda bank, sender, image: bank.submit_security_image(
            sender_id=sender, image_id=str(image)
        ),
        subject="security_image",
    ),
    "home_phone": Submission(
        call=lambda bank, sender, text: bank.submit_home_phone(sender_id=sender, text=phone(text)),
        subject="phone",
    ),
    "work_phone": Submission(
        call=lambda bank, sender, text: bank.submit_work_phone(sender_id=sender, text=phone(text)),
        subject="phone",
    ),
    "challenge_first_name_ref": challenge("first_name"),
    "challenge_mother_surname_ref": challenge("mother_surname"),
    "challenge_father_surname_ref": challenge("father_surname"),
    "terms_decision": Submission(
        call=lambda bank, sender, decision: bank.submit_terms(
            sender_id=sender, accepted=decision == "accept"
        ),
        subject="terms",
        replies=outcomes.TERMS_REPLIES,
    ),
    "has_smart_device": Submission(
        call=lambda bank, sender, value: bank.submit_smart_device(
            sender_id=sender, has_device=is_true(value)
        ),
        subject="device",
        replies=outcomes.SMART_DEVICE_REPLIES,
    ),
    "second_factor_choice": Submission(
        call=lambda bank, sender, choice: bank.submit_second_factor(
            sender_id=sender, choice="token" if choice == "token" else "later"
        ),
        subject="second_factor",
    ),
    "token_activation_choice": Submission(
        call=lambda bank, sender, choice: bank.submit_token_activation(
            sender_id=sender, now=choice == "now"
        ),
        subject="second_factor",
    ),
    "token_code_ref": Submission(
        call=lambda bank, sender, code: bank.submit_token_code(sender_id=sender, code=code),
        subject="otp",
        replies=outcomes.TOKEN_CODE_REPLIES,
        boxed_as="otp",
    ),
}

# Slots whose answer picks between bank calls.
CHOICES: dict[str, Handler] = {
    "contact_decision": decide_on_contact_data,
    "otp_ref": enter_otp,
}


async def handle_answer(slot: str, answer: Answer) -> None:
    """Hand the answer in `slot` to the bank."""
    choice = CHOICES.get(slot)
    if choice is not None:
        await choice(answer)
    else:
        await submit(SUBMISSIONS[slot], answer)
