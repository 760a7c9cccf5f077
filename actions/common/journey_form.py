"""A form driven by a bank journey: the bank's current step decides the one slot asked.

Used by `registration_form` and the Cuenta Mini forms (docs/registration.md): each answer is
handed to the bank by the journey's handler, the outcome told, and the slot cleared again, so the
next required slot is whatever step the bank moved the journey to. Slots steer; the bank decides.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Protocol

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.common import cancel_confirmation as cancelling
from actions.common.answers import Answer, Handler
from actions.common.bank_access import in_thread
from actions.common.replies import utter
from actions.common.token_answers import refused_as_unclear, token_answer
from bank.outcome import Outcome
from bank.registration.outcome import RegistrationCode

# The bank's step for the chat being validated, asked once per validation call and forgotten when
# an answer is handed to the bank (rasa-sdk asks for the required slots three times a call).
_known_step: ContextVar[tuple[str, str | None] | None] = ContextVar("known_step", default=None)


class JourneyService(Protocol):
    """What a form needs from a bank journey service."""

    def start(self, *, sender_id: str) -> Outcome: ...

    def touch(self, *, sender_id: str) -> Outcome: ...

    def current_step(self, *, sender_id: str) -> str | None: ...

    def cancel(self, *, sender_id: str) -> Outcome: ...


@dataclass(frozen=True)
class JourneyForm:
    """A form's name, its bank service, its slot per step and the handler of each slot."""

    name: str
    service: Callable[[], JourneyService]
    slot_for_step: Mapping[str, str]
    handlers: Mapping[str, Handler]
    restarted_response: str

    @property
    def slots(self) -> tuple[str, ...]:
        """Every answer slot of the form."""
        return tuple(self.slot_for_step.values())


def cleared(form: JourneyForm) -> list[EventType]:
    """Events that empty every answer slot of the form and forget a pending cancel (the bank
    keeps the progress)."""
    return [*(SlotSet(slot, None) for slot in form.slots), *cancelling.forgotten()]


def picture_ids(secret: str) -> list[str]:
    """The picture ids the channel boxed for a picture password ("pic_a,pic_b,...")."""
    return [part.strip() for part in secret.split(",") if part.strip()]


def left_form(form: JourneyForm) -> list[EventType]:
    """Events that leave the form at once ("cancelar") and forget its answers."""
    return [ActiveLoop(None), SlotSet("requested_slot", None), *cleared(form)]


class JourneyFormValidation(FormValidationAction, ABC):
    """Dynamic form: one required slot, the one of the journey's current step.

    Abstract (the action server skips it); each form's subclass sets `form`.
    """

    @property
    @abstractmethod
    def form(self) -> JourneyForm:
        """The form this validation serves."""

    def name(self) -> str:
        """Name Rasa calls this validation action by."""
        return f"validate_{self.form.name}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Restart a journey idle for 10 minutes first, then validate and ask."""
        _known_step.set(None)
        touched = await in_thread(self.form.service().touch, sender_id=tracker.sender_id)
        first: list[EventType] = []
        # Every journey's restart code has this value.
        if touched.code == RegistrationCode.RESTARTED_INACTIVE:
            utter(dispatcher, self.form.restarted_response)
            if cancelling.is_pending(tracker):
                # Back at the first step: nothing is left to confirm leaving.
                tracker.slots[cancelling.PENDING_SLOT] = None
                first = cancelling.forgotten()
        events: list[EventType] = await super().run(dispatcher, tracker, domain)
        return [*first, *events]

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """Ask only for the slot of the step the bank's journey is at (none when it is over), or
        the confirmation of a pending cancel."""
        if cancelling.is_pending(tracker):
            return [cancelling.CONFIRMATION_SLOT]
        step = await self._current_step(tracker.sender_id)
        slot = self.form.slot_for_step.get(str(step)) if step else None
        return [slot] if slot else []

    async def extract_cancel_confirmation(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, object]:
        """The confirmation is read from the intent in `get_validation_events`: nothing to extract
        (the method tells rasa-sdk the requested slot is known)."""
        return {}

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Hand the current step's answer to the bank; clear every answer slot.

        Answers extracted this turn are handed over, then cleared. An answer left in a slot by an
        earlier turn whose validation never ran (the action server was down: Rasa kept the slot
        without asking us) is cleared unseen: otherwise the form would take its step as answered
        and submit, while the bank's journey has not moved. A one-word message that NLU read as
        something else is the answer when it passes the step's rule; a marked, unclear message
        that fails it is refused so the form's rule asks which topic was meant (token_answers.py).
        """
        if cancelling.is_pending(tracker):
            return await self._confirmation_events(dispatcher, tracker)
        current = await self.required_slots([], dispatcher, tracker, domain)
        events: list[EventType] = []
        extracted = dict(tracker.slots_to_validate())
        if current and current[0] in extracted:
            refused = refused_as_unclear(tracker, self.form.name, current[0], extracted[current[0]])
            if refused:
                return refused
        if current and current[0] not in extracted:
            token = token_answer(tracker, self.form.name, current[0])
            if token is not None:
                extracted[current[0]] = token
        for slot, value in extracted.items():
            if slot not in self.form.slots:
                continue
            if slot in current and value is not None:
                _known_step.set(None)
                await self.form.handlers[slot](Answer(tracker.sender_id, value, dispatcher, domain))
            events.append(SlotSet(slot, None))
        for slot in self.form.slots:
            if slot not in extracted and tracker.get_slot(slot) is not None:
                events.append(SlotSet(slot, None))
        return events

    async def _confirmation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[EventType]:
        """The answer to "¿Seguro que quieres dejar…?": Sí cancels the journey's way (the form then
        ends: the journey has no step left), No says so and the current step is asked again.
        Anything else is no answer: the form rejects and its interruption rules answer it."""
        confirmed = cancelling.answer(tracker, self.form.name)
        if confirmed is None:
            return []
        if confirmed:
            _known_step.set(None)
            await cancelling.cancel_now(
                self.form.name, self.form.service().cancel, dispatcher, tracker
            )
        else:
            utter(dispatcher, cancelling.GOING_ON_RESPONSE)
        return [*cancelling.forgotten(), *(SlotSet(slot, None) for slot in self.form.slots)]

    async def _current_step(self, sender_id: str) -> str | None:
        """The journey's step, from the bank once per validation call until an answer moves it."""
        known = _known_step.get()
        if known is not None and known[0] == sender_id:
            return known[1]
        step = await in_thread(self.form.service().current_step, sender_id=sender_id)
        found = None if step is None else str(step)
        _known_step.set((sender_id, found))
        return found
