"""The channel's assisted-mode pieces without Telegram: parsing agent commands, a Spanish reply
for every outcome code of docs/assist.md, the views an agent reads, and the transcript the
Conversation keeps (secrets only as a marker, failures never break a turn)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

import pytest
from bot_fakes import FakeRasa, FakeSecretStore

from bank.assist.journeys import CHAT_KINDS
from bank.assist.outcome import AssistCode
from bank.assist.tickets import REASONS
from bank.models import (
    TICKET_CANCELLED,
    TICKET_CLOSED,
    TICKET_FOLLOW_UP,
    TICKET_HANDED_BACK,
    TICKET_TAKEN,
    TICKET_WAITING,
)
from bank.outcome import Outcome
from bank.registration.outcome import RegistrationCode
from bot.channel_texts import ChannelTexts, load_channel_texts
from bot.conversation import Conversation
from bot.conversation_stores import InMemoryPendingInputStore
from bot.rasa_client import RasaClient
from bot.rasa_messages import SensitiveMarker, TextMessage
from bot.telegram.assist import replies, views
from bot.telegram.assist.command_parsing import (
    AGENT_COMMANDS,
    AgentCommand,
    command_payload,
    parse_agent_command,
)
from bot.telegram.assist.menu import agent_commands
from bot.transcript import TranscriptLine, TranscriptRecorder, assistant_lines


@pytest.fixture(scope="module")
def texts() -> ChannelTexts:
    return load_channel_texts()


def test_agent_commands_are_parsed_and_anything_else_is_not() -> None:
    assert parse_agent_command("/tomar 12") == AgentCommand("tomar", "12")
    assert parse_agent_command("  /TOMAR@ProdubancoBot   #12 ") == AgentCommand("tomar", "#12")
    assert parse_agent_command("/nota primera línea\nsegunda") == AgentCommand(
        "nota", "primera línea\nsegunda"
    )
    unlock = parse_agent_command("/desbloquear 0928765437  llamó,  verificado")
    assert unlock == AgentCommand("desbloquear", "0928765437 llamó, verificado")
    assert unlock.words == ["0928765437", "llamó,", "verificado"]
    for other in ("/start", "/cola2", "/tomar12", "tomar 12", "hola /cola", "/", ""):
        assert parse_agent_command(other) is None, other
    assert command_payload("tomar", "7") == "/tomar 7"
    assert parse_agent_command(command_payload("cola")) == AgentCommand("cola")
    with pytest.raises(ValueError):
        command_payload("start")


def test_every_label_the_bank_can_send_is_spanish(texts: ChannelTexts) -> None:
    for reason in REASONS:
        assert views.label(texts, "reason", reason) != reason
    for kind in CHAT_KINDS:
        assert views.label(texts, "journey_name", kind) != kind
    states = (
        TICKET_WAITING,
        TICKET_TAKEN,
        TICKET_FOLLOW_UP,
        TICKET_HANDED_BACK,
        TICKET_CLOSED,
        TICKET_CANCELLED,
    )
    for state in states:
        assert views.label(texts, "state_name", state) != state
    assert views.label(texts, "reason", "nuevo_motivo") == "nuevo_motivo"  # shown as it is


TICKET: dict[str, Any] = {
    "ticket": 12,
    "state": "taken",
    "reason": "locked",
    "journey": "registration",
    "step": "ended",
    "identity_masked": "17******65",
    "waiting_minutes": 4,
    "created_at": "2026-01-15T12:00:00",
}

# Every outcome code of docs/assist.md, with its data, per reply function.
OUTCOMES: list[tuple[str, Any, Outcome]] = [
    (
        "take",
        replies.take,
        Outcome(AssistCode.TAKEN, data={**TICKET, "sender_id": "tg:1", "held": [12]}),
    ),
    (
        "take",
        replies.take,
        Outcome(AssistCode.ALREADY_TAKEN, data={"ticket": 12, "agent_name": "Ana", "yours": False}),
    ),
    (
        "take",
        replies.take,
        Outcome(
            AssistCode.ALREADY_TAKEN, data={"ticket": 12, "agent_name": "Paula", "yours": True}
        ),
    ),
    ("take", replies.take, Outcome(AssistCode.UNKNOWN, data={"ticket": 12})),
    ("take", replies.take, Outcome(AssistCode.NOT_AGENT)),
    ("switch", replies.switch, Outcome(AssistCode.SWITCHED, data={**TICKET})),
    (
        "switch",
        replies.switch,
        Outcome(AssistCode.NOT_YOURS, data={"ticket": 12, "state": "waiting"}),
    ),
    ("switch", replies.switch, Outcome(AssistCode.UNKNOWN, data={"ticket": 99})),
    ("note", replies.note, Outcome(AssistCode.NOTED, data={"ticket": 12, "notes": 2})),
    ("note", replies.note, Outcome(AssistCode.EMPTY, data={"ticket": 12})),
    ("note", replies.note, Outcome(AssistCode.NO_TICKET)),
    (
        "close",
        replies.close,
        Outcome(
            AssistCode.CLOSED,
            data={
                "ticket": 12,
                "sender_id": "tg:1",
                "journey": "",
                "step": "",
                "journey_active": False,
                "next_ticket": None,
            },
        ),
    ),
    ("close", replies.close, Outcome(AssistCode.NO_TICKET)),
    (
        "resend",
        replies.resend,
        Outcome(
            AssistCode.SENT,
            data={"identity_masked": "17******65", "mobile_masked": "09******67", "minutes": 5},
        ),
    ),
    (
        "resend",
        replies.resend,
        Outcome(RegistrationCode.TOO_SOON, data={"identity_masked": "17******65", "seconds": 40}),
    ),
    (
        "resend",
        replies.resend,
        Outcome(
            RegistrationCode.TOO_MANY_CODES, data={"identity_masked": "17******65", "minutes": 20}
        ),
    ),
    (
        "resend",
        replies.resend,
        Outcome(
            RegistrationCode.ATTEMPTS_EXHAUSTED,
            data={"identity_masked": "17******65", "minutes": 29},
        ),
    ),
    (
        "resend",
        replies.resend,
        Outcome(AssistCode.NO_JOURNEY, data={"identity_masked": "17******65"}),
    ),
    (
        "resend",
        replies.resend,
        Outcome(RegistrationCode.LOCKED, data={"identity_masked": "17******65", "minutes": 30}),
    ),
    (
        "resend",
        replies.resend,
        Outcome(RegistrationCode.LOCKED_HELD, data={"identity_masked": "17******65"}),
    ),
    (
        "resend",
        replies.resend,
        Outcome(AssistCode.NO_MOBILE, data={"identity_masked": "17******65"}),
    ),
    (
        "resend",
        replies.resend,
        Outcome(RegistrationCode.RESTARTED_INACTIVE, data={"identity_masked": "17******65"}),
    ),
    ("resend", replies.resend, Outcome(AssistCode.INVALID_IDENTITY)),
    (
        "unlock",
        replies.unlock,
        Outcome(AssistCode.UNLOCKED, data={"identity_masked": "09******37"}),
    ),
    (
        "unlock",
        replies.unlock,
        Outcome(AssistCode.NOT_LOCKED, data={"identity_masked": "09******37"}),
    ),
    (
        "unlock",
        replies.unlock,
        Outcome(AssistCode.REASON_REQUIRED, data={"min_length": 10, "max_length": 300}),
    ),
    ("unlock", replies.unlock, Outcome(AssistCode.INVALID_IDENTITY)),
    (
        "link",
        replies.link,
        Outcome(
            AssistCode.SENT,
            data={
                "identity_masked": "17******65",
                "journey": "mini",
                "mobile_masked": "09******67",
                "link": "https://t.me/B?start=mini",
            },
        ),
    ),
    (
        "link",
        replies.link,
        Outcome(
            AssistCode.INVALID_JOURNEY, data={"allowed": ["entrar", "hijos", "mini", "registro"]}
        ),
    ),
    (
        "link",
        replies.link,
        Outcome(AssistCode.UNKNOWN, data={"identity_masked": "17******97", "journey": "mini"}),
    ),
    (
        "link",
        replies.link,
        Outcome(AssistCode.NO_MOBILE, data={"identity_masked": "17******97", "journey": "mini"}),
    ),
    (
        "lookup",
        replies.lookup_header,
        Outcome(AssistCode.FOUND, data={"identity_masked": "17******65"}),
    ),
    (
        "lookup",
        replies.lookup_header,
        Outcome(AssistCode.UNKNOWN, data={"identity_masked": "17******97"}),
    ),
    ("lookup", replies.lookup_header, Outcome(AssistCode.INVALID_IDENTITY)),
]


@pytest.mark.parametrize(
    ("family", "reply", "outcome"), OUTCOMES, ids=[f"{f}-{o.code}" for f, _, o in OUTCOMES]
)
def test_every_outcome_code_has_a_spanish_reply(
    texts: ChannelTexts, family: str, reply: Any, outcome: Outcome
) -> None:
    shown = reply(texts, outcome)
    assert shown and "{" not in shown, shown
    assert "No se pudo" not in shown, f"{family}/{outcome.code} fell back to the generic text"
    assert "None" not in shown


class _Unlisted(StrEnum):
    """A code the channel does not know yet."""

    SOMETHING_NEW = "something_new"


def test_hand_back_outcomes(texts: ChannelTexts) -> None:
    data = {"ticket": 12, "sender_id": "tg:1", "journey": "registration", "step": "otp"}
    went = Outcome(
        AssistCode.HANDED_BACK,
        data={**data, "journey_active": True, "went_back": True, "next_ticket": 13},
    )
    assert replies.hand_back(texts, went, "otp") == (
        "↩️ Devolviste el ticket #12 al asistente. Registro en Produbanco en línea volvió al "
        "paso otp."
    )
    assert replies.next_ticket(texts, went) == (
        "👉 Tu ticket actual ahora es el #13: /ticket para verlo."
    )
    ended = Outcome(
        AssistCode.HANDED_BACK,
        data={
            **data,
            "step": "ended",
            "journey_active": False,
            "went_back": False,
            "next_ticket": None,
        },
    )
    assert "había terminado" in replies.hand_back(texts, ended, None)
    assert replies.next_ticket(texts, ended) is None
    refused = Outcome(
        AssistCode.CANNOT_GO_BACK,
        data={
            "ticket": 12,
            "journey": "registration",
            "step": "otp",
            "can_return_to": ["identity_number"],
        },
    )
    assert replies.hand_back(texts, refused, "username") == (
        "No puedo llevar Registro en Produbanco en línea al paso «username». Desde el paso otp "
        "puede volver a: identity_number."
    )
    nowhere = Outcome(
        AssistCode.CANNOT_GO_BACK,
        data={"ticket": 12, "journey": "mini_sign_in", "step": "picture", "can_return_to": []},
    )
    assert "no se puede volver atrás" in replies.hand_back(texts, nowhere, "x")
    no_journey = replies.hand_back(
        texts, Outcome(AssistCode.NO_JOURNEY, data={"ticket": 12}), "otp"
    )
    assert "no tiene un trámite activo" in no_journey
    assert replies.hand_back(texts, Outcome(AssistCode.NO_TICKET), None).startswith("No tienes")
    odd = replies.hand_back(texts, Outcome(_Unlisted.SOMETHING_NEW), None)
    assert odd == "No se pudo hacer (something_new)."


def test_the_state_view_reads_well(texts: ChannelTexts) -> None:
    view = {
        "identity_masked": "17******65",
        "identity_verified": True,
        "known_customer": True,
        "has_user": False,
        "journeys": [
            {
                "journey": "registration",
                "step": "otp",
                "active": True,
                "idle_minutes": 2,
                "expired": False,
                "same_chat": True,
                "can_return_to": ["contact_confirmation", "identity_number"],
            },
            {
                "journey": "mini_parent",
                "step": "menu",
                "active": True,
                "idle_minutes": 12,
                "expired": True,
                "same_chat": False,
                "can_return_to": [],
            },
        ],
        "lock": {"state": "locked", "minutes": 25, "until": "2026-01-15T17:30:00"},
        "sign_in_lock": {"state": "open", "minutes": 0, "until": ""},
        "otp": {
            "code_active": True,
            "attempts_left": 4,
            "expires_at": "2026-01-15T17:05:00",
            "expires_in_seconds": 185,
            "codes_left": 2,
            "blocked_minutes": 0,
        },
    }
    assert views.state(texts, view) == (
        "🔎 Estado de 17******65\n"
        "Identidad comprobada: sí\n"
        "Cliente de Produbanco: sí\n"
        "Ya tiene usuario: no\n"
        "Trámites:\n"
        "• Registro en Produbanco en línea: paso otp, activo (sin actividad hace 2 min) · "
        "/devolver puede volver a: contact_confirmation, identity_number\n"
        "• Cuenta Mini del padre o la madre: paso menu, vencido por inactividad: empezará de "
        "nuevo · en otro chat\n"
        "Bloqueo por PIN: sí, 25 min más (hasta las 12:30)\n"
        "Bloqueo de ingreso: no\n"
        "Código SMS: vigente, 4 intentos, vence a las 12:05 (en 3 min 05 s) · se pueden enviar "
        "2 más en esta media hora"
    )


def test_the_transcript_and_the_ticket_views(texts: ChannelTexts) -> None:
    lines = {
        "ticket": 12,
        "lines": [
            {"role": "cliente", "time": "07:01", "author": "", "text": "hola"},
            {"role": "asistente", "time": "07:01", "author": "", "text": "¡Hola!"},
            {"role": "asesor", "time": "07:03", "author": "Paula", "text": "Soy Paula"},
        ],
    }
    assert views.transcript(texts, lines) == (
        "📝 Conversación del ticket #12 (los datos secretos están ocultos):\n"
        "07:01 Cliente: hola\n07:01 Asistente: ¡Hola!\n07:03 Paula: Soy Paula"
    )
    assert "(todavía no hay mensajes)" in views.transcript(texts, {"ticket": 1, "lines": []})
    held = {
        **TICKET,
        "held": [12, 9],
        "notes": [{"agent_name": "Paula", "at": "2026-01-15T12:10:00", "text": "llamar"}],
    }
    assert views.ticket(texts, held) == (
        "🎫 Ticket #12 (en atención)\nMotivo: quedó bloqueado\n"
        "Trámite: Registro en Produbanco en línea · paso ended\nPersona: 17******65\n"
        "En cola desde hace 4 min\nTus tickets: #12, #9\n\n"
        "🗒 Notas privadas:\n• Paula (07:10): llamar"
    )


def test_the_new_ticket_notice_gets_spanish_labels(texts: ChannelTexts) -> None:
    data = {
        "ticket": 3,
        "reason": "asked",
        "journey": "",
        "step": "",
        "identity_masked": "",
        "waiting": 2,
    }
    values = views.notice_values(texts, "assist_new_ticket", data)
    shown = texts.get("utter_notice_assist_new_ticket", **values)
    assert "{" not in shown and "pidió hablar con un asesor" in shown and "sin trámite" in shown
    buttons = texts.get_buttons("utter_notice_assist_new_ticket", **values)
    assert [(b.title, b.payload) for b in buttons] == [("🙋 Tomar #3", "/tomar 3")]
    assert parse_agent_command(buttons[0].payload) == AgentCommand("tomar", "3")
    other = views.notice_values(texts, "assist_no_agent", {"ticket": 3, "call_center": "1"})
    assert other == {"ticket": 3, "call_center": "1"}


def test_the_agent_menu_fits_telegram(texts: ChannelTexts) -> None:
    menu = agent_commands(texts)
    assert [c.command for c in menu][3:] == list(AGENT_COMMANDS)
    for command in menu:
        assert 1 <= len(command.description) <= 256
    assert replies.menu_description(texts, "tomar") == "tomar el ticket 12 y unirte a su chat"


# The transcript the Conversation keeps ---------------------------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.kept: list[tuple[str, TranscriptLine]] = []

    async def record(self, sender_id: str, lines: Sequence[TranscriptLine]) -> None:
        self.kept += [(sender_id, line) for line in lines]


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def recorded(
    rasa_client: RasaClient,
    secret_store: FakeSecretStore,
    pending_store: InMemoryPendingInputStore,
    recorder: Recorder,
) -> Conversation:
    return Conversation(rasa_client, secret_store, pending_store, recorder=recorder)


async def test_a_turn_is_kept_and_a_secret_only_as_a_marker(
    recorded: Conversation, fake_rasa: FakeRasa, recorder: Recorder
) -> None:
    fake_rasa.reply_with(
        {"text": "Escribe tu clave"}, {"custom": {"type": "secure_input", "kind": "pin"}}
    )
    await recorded.handle_text("tg:1", "quiero registrarme")
    fake_rasa.reply_with({"text": "Tu usuario es ana"}, {"custom": {"type": "sensitive"}})
    await recorded.handle_text("tg:1", "4321")
    await recorded.handle_button("tg:1", "/affirm", said="Sí")
    await recorded.handle_button("tg:1", "/resume_after_agent")
    await recorded.handle_text("tg:1", '/inform{"x": 1}')
    assert [(s, line.role, line.text, line.secret) for s, line in recorder.kept] == [
        ("tg:1", "cliente", "quiero registrarme", False),
        ("tg:1", "asistente", "Escribe tu clave", False),
        ("tg:1", "cliente", "", True),
        ("tg:1", "asistente", "", True),
        ("tg:1", "cliente", "Sí", False),
        ("tg:1", "asistente", "ok", False),
        ("tg:1", "asistente", "ok", False),
        ("tg:1", "cliente", '/inform{"x": 1}', False),
        ("tg:1", "asistente", "ok", False),
    ]
    assert fake_rasa.messages[-1] == "/typed_command"
    assert fake_rasa.messages[3] == "/resume_after_agent", "a bot payload is sent as it is"


async def test_a_turn_rasa_did_not_answer_keeps_the_customer_line(
    recorded: Conversation, fake_rasa: FakeRasa, recorder: Recorder
) -> None:
    fake_rasa.down = True
    turn = await recorded.handle_text("tg:1", "hola")
    assert not turn.delivered
    assert [line.text for _, line in recorder.kept] == ["hola"]


def test_a_sensitive_text_is_kept_only_as_a_marker() -> None:
    lines = assistant_lines(
        [TextMessage("uno"), TextMessage("tu usuario: ana77x"), SensitiveMarker(), TextMessage("")]
    )
    assert [(line.text, line.secret) for line in lines] == [("uno", False), ("", True)]


class FailingSink:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def append(self, *, sender_id: str, role: str, text: str, secret: bool = False) -> None:
        self.calls.append({"sender_id": sender_id, "role": role, "text": text, "secret": secret})
        raise RuntimeError(f"database is locked near {text!r}")


async def test_a_transcript_failure_is_logged_without_text_and_never_raises(
    caplog: pytest.LogCaptureFixture,
) -> None:
    sink = FailingSink()
    recorder = TranscriptRecorder(sink)
    with caplog.at_level(logging.WARNING):
        await recorder.record("tg:1", [TranscriptLine("cliente", secret=True)])
        await recorder.record("tg:1", [TranscriptLine("cliente", "mi secreto 99x")])
    assert sink.calls[0] == {"sender_id": "tg:1", "role": "cliente", "text": "", "secret": True}
    assert "RuntimeError" in caplog.text and "mi secreto" not in caplog.text
    await TranscriptRecorder(None).record("tg:1", [TranscriptLine("cliente", "x")])
