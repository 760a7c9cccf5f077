"""The actions every bank-journey form shares: start, go back, cancel, and forget the answers.

A journey's module subclasses these with class attributes only: the action's name, its
`JourneyForm`, and the responses that say the bank's outcome (`replies`, a read-only mapping by
outcome code, else `default_reply`). They are abstract here, so the action server registers only
the subclasses.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from types import MappingProxyType
from typing import Any, ClassVar, Protocol

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import cancel_confirmation as cancelling
from actions.common.bank_access import in_thread
from actions.common.journey_form import JourneyForm, cleared, left_form
from actions.common.replies import Replies, utter
from bank.outcome import Outcome


class JourneyCall(Protocol):
    """A call of a bank journey service for one chat (`start`, `go_back`, `cancel`)."""

    def __call__(self, *, sender_id: str) -> Outcome: ...


class JourneyFormAction(Action, ABC):
    """An action of a journey form: the name Rasa calls it by, and its form."""

    @property
    @abstractmethod
    def action_name(self) -> str:
        """Name Rasa calls this action by."""

    @property
    @abstractmethod
    def form(self) -> JourneyForm:
        """The journey's form."""

    def name(self) -> str:
        """Name Rasa calls this action by."""
        return self.action_name


class JourneyAction(JourneyFormAction):
    """One common action of a journey form that calls the bank and says its outcome."""

    replies: ClassVar[Replies] = MappingProxyType({})

    @property
    @abstractmethod
    def default_reply(self) -> str:
        """The response for an outcome code `replies` does not name."""

    def say(self, dispatcher: CollectingDispatcher, outcome: Outcome) -> None:
        """Send the response for the outcome's code."""
        utter(dispatcher, self.replies.get(outcome.code, self.default_reply))

    async def call(self, bank_call: Callable[[], JourneyCall], tracker: Tracker) -> Outcome:
        """Run the bank call for this chat, off the event loop."""
        return await in_thread(bank_call(), sender_id=tracker.sender_id)


class StartJourney(JourneyAction):
    """Open the journey in the bank or resume it, say which, and empty the form's answers."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Start or resume, and say which."""
        self.say(dispatcher, await self.call(lambda: self.form.service().start, tracker))
        return cleared(self.form)


class GoBackInJourney(JourneyAction):
    """ "Regresar": one step back where the journey allows it; the form asks that step."""

    @property
    @abstractmethod
    def journey(self) -> Callable[[], JourneyCall]:
        """The bank service's `go_back` (a journey form's service need not have one)."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Move the journey back one step and say so."""
        self.say(dispatcher, await self.call(self.journey, tracker))
        return cleared(self.form)


class CancelJourney(JourneyAction):
    """ "Cancelar": at the journey's first step end it in the bank, say so, and leave the form;
    past it, ask first (actions/common/cancel_confirmation.py): the form asks "¿Seguro…?".

    A subclass names the steps where cancelling loses nothing in `steps_without_progress`
    (None: the form's first step only). Defining a subclass registers its responses, which the
    form uses when the customer confirms.
    """

    steps_without_progress: ClassVar[frozenset[str] | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        form = cls.__dict__.get("form")
        if isinstance(form, JourneyForm):
            default_reply = cls.__dict__.get("default_reply")
            if not isinstance(default_reply, str):
                raise TypeError(f"{cls.__name__} needs a default_reply string")
            cancelling.register(form.name, cancelling.CancelWords(cls.replies, default_reply))

    def has_progress(self, step: str | None) -> bool:
        """Whether cancelling at `step` loses something the customer gave: a step of the form
        past its first one (or outside `steps_without_progress`); an ended journey has none."""
        if step is None or str(step) not in self.form.slot_for_step:
            return False
        if self.steps_without_progress is not None:
            return str(step) not in self.steps_without_progress
        return str(step) != next(iter(self.form.slot_for_step))

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Cancel in the bank and leave the form, or ask first when the journey has progress."""
        if not cancelling.is_pending(tracker):
            step = await in_thread(self.form.service().current_step, sender_id=tracker.sender_id)
            if self.has_progress(step):
                return cancelling.asked()
        await cancelling.cancel_now(self.form.name, self.form.service().cancel, dispatcher, tracker)
        return [*left_form(self.form), *cancelling.forgotten()]


class ForgetJourneyAnswers(JourneyFormAction):
    """The form ended (each ending was already told by the form): forget its answers."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Empty every answer slot of the form."""
        return cleared(self.form)
