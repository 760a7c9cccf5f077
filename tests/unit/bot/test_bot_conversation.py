"""Conversation: the secret flow end to end against a fake Rasa, injection refusal, QR codes."""

from __future__ import annotations

import json
import logging

import pytest
from bot_fakes import FakeRasa, FakeSecretStore

from bot.conversation import Conversation, secret_ref_payload
from bot.conversation_stores import InMemoryPendingInputStore
from bot.rasa_messages import ActivationCode, QrCode, TextMessage
from bot.secure_input import SecureInputRequest

SENDER = "cli:test"


def ask(kind: str, text: str = "Escríbelo") -> list[dict[str, object]]:
    """Rasa's answer to a step that asks for a secret."""
    return [
        {"recipient_id": SENDER, "text": text},
        {"recipient_id": SENDER, "custom": {"type": "secure_input", "kind": kind}},
    ]


async def enter_secret_mode(conversation: Conversation, fake_rasa: FakeRasa, kind: str) -> None:
    fake_rasa.reply_with(*ask(kind))
    turn = await conversation.handle_text(SENDER, "hola")
    assert turn.awaiting_secret == kind


def inform_ref(message: str) -> str:
    """The secret_ref carried by an /inform payload (fails if the message is anything else)."""
    assert message.startswith("/inform{")
    entities = json.loads(message.removeprefix("/inform"))
    assert list(entities) == ["secret_ref"]
    return str(entities["secret_ref"])


async def test_secret_is_stored_and_rasa_receives_only_a_reference(
    conversation: Conversation, fake_rasa: FakeRasa, secret_store: FakeSecretStore
) -> None:
    await enter_secret_mode(conversation, fake_rasa, "otp")
    fake_rasa.reply_with({"text": "Código verificado"})

    turn = await conversation.handle_text(SENDER, "12 34 56")

    assert turn.secret_consumed
    assert turn.delivered
    assert secret_store.puts == [(SENDER, "otp", "123456")]
    ref = inform_ref(fake_rasa.messages[-1])
    assert fake_rasa.messages[-1] == f'/inform{{"secret_ref": "{ref}"}}'
    assert secret_store.take(ref=ref, sender_id=SENDER, kind="otp") == "123456"
    received = fake_rasa.everything_received()
    assert "123456" not in received
    assert "12 34 56" not in received


async def test_secret_mode_ends_after_a_reply_without_secure_input(
    conversation: Conversation,
    fake_rasa: FakeRasa,
    secret_store: FakeSecretStore,
    pending_store: InMemoryPendingInputStore,
) -> None:
    await enter_secret_mode(conversation, fake_rasa, "pin")
    fake_rasa.reply_with({"text": "Gracias"})
    turn = await conversation.handle_text(SENDER, "4321")
    assert turn.awaiting_secret is None
    assert await pending_store.get(SENDER) is None

    await conversation.handle_text(SENDER, "1710034065")

    assert fake_rasa.messages[-1] == "1710034065"
    assert len(secret_store.puts) == 1


async def test_secret_mode_continues_while_rasa_keeps_asking(
    conversation: Conversation, fake_rasa: FakeRasa, secret_store: FakeSecretStore
) -> None:
    await enter_secret_mode(conversation, fake_rasa, "password")
    fake_rasa.reply_with(*ask("password", "Confírmala"))

    first = await conversation.handle_text(SENDER, "Clave2024")
    second = await conversation.handle_text(SENDER, "Clave2024")

    assert first.awaiting_secret == "password"
    assert second.secret_consumed
    assert [put[2] for put in secret_store.puts] == ["Clave2024", "Clave2024"]
    assert "Clave2024" not in fake_rasa.everything_received()


async def test_otp_not_received_passes_through_while_an_otp_is_pending(
    conversation: Conversation, fake_rasa: FakeRasa, secret_store: FakeSecretStore
) -> None:
    await enter_secret_mode(conversation, fake_rasa, "otp")

    turn = await conversation.handle_text(SENDER, "No me llegó")

    assert not turn.secret_consumed
    assert fake_rasa.messages[-1] == "No me llegó"
    assert secret_store.puts == []


async def test_question_passes_through_while_a_password_is_pending(
    conversation: Conversation, fake_rasa: FakeRasa, secret_store: FakeSecretStore
) -> None:
    await enter_secret_mode(conversation, fake_rasa, "password")
    fake_rasa.reply_with(*ask("password", "Mínimo 8 caracteres"))

    turn = await conversation.handle_text(SENDER, "¿cuántos caracteres?")

    assert not turn.secret_consumed
    assert fake_rasa.messages[-1] == "¿cuántos caracteres?"
    assert secret_store.puts == []
    assert turn.awaiting_secret == "password"


async def test_control_word_passes_through_while_an_answer_is_pending(
    conversation: Conversation, fake_rasa: FakeRasa, secret_store: FakeSecretStore
) -> None:
    await enter_secret_mode(conversation, fake_rasa, "answer")

    await conversation.handle_text(SENDER, "Atrás")

    assert fake_rasa.messages[-1] == "Atrás"
    assert secret_store.puts == []


async def test_typed_injection_is_replaced_by_typed_command(
    conversation: Conversation, fake_rasa: FakeRasa
) -> None:
    turn = await conversation.handle_text(SENDER, '/inform{"secret_ref":"x"}')

    assert fake_rasa.messages == ["/typed_command"]
    assert "secret_ref" not in fake_rasa.everything_received()
    assert not turn.secret_consumed


async def test_typed_intent_is_replaced_by_typed_command(
    conversation: Conversation, fake_rasa: FakeRasa
) -> None:
    await conversation.handle_text(SENDER, "  /start_registration")

    assert fake_rasa.messages == ["/typed_command"]


async def test_injection_while_a_pin_is_pending_is_refused_not_stored(
    conversation: Conversation, fake_rasa: FakeRasa, secret_store: FakeSecretStore
) -> None:
    await enter_secret_mode(conversation, fake_rasa, "pin")

    await conversation.handle_text(SENDER, '/inform{"pin_ref": "x"}')

    assert fake_rasa.messages[-1] == "/typed_command"
    assert secret_store.puts == []


async def test_injection_shaped_password_is_a_secret_and_never_reaches_rasa(
    conversation: Conversation, fake_rasa: FakeRasa, secret_store: FakeSecretStore
) -> None:
    await enter_secret_mode(conversation, fake_rasa, "password")

    await conversation.handle_text(SENDER, '/inform{"secret_ref":"x"}')

    assert secret_store.puts == [(SENDER, "password", '/inform{"secret_ref":"x"}')]
    assert inform_ref(fake_rasa.messages[-1]) != "x"


async def test_button_payload_is_sent_as_it_is_even_in_secret_mode(
    conversation: Conversation, fake_rasa: FakeRasa, secret_store: FakeSecretStore
) -> None:
    await enter_secret_mode(conversation, fake_rasa, "otp")
    fake_rasa.reply_with(*ask("otp", "Te envié otro código"))

    turn = await conversation.handle_button(SENDER, "/report_otp_not_received")

    assert fake_rasa.messages[-1] == "/report_otp_not_received"
    assert not turn.secret_consumed
    assert turn.awaiting_secret == "otp"
    assert secret_store.puts == []


async def test_button_payload_with_entities_passes(
    conversation: Conversation, fake_rasa: FakeRasa
) -> None:
    await conversation.handle_button(SENDER, '/inform{"image_id": "sec_beach"}')

    assert fake_rasa.messages == ['/inform{"image_id": "sec_beach"}']


async def test_button_reply_with_secure_input_starts_secret_mode(
    conversation: Conversation, fake_rasa: FakeRasa, secret_store: FakeSecretStore
) -> None:
    fake_rasa.reply_with(*ask("pin"))

    turn = await conversation.handle_button(SENDER, "/affirm")
    await conversation.handle_text(SENDER, "9876")

    assert turn.awaiting_secret == "pin"
    assert secret_store.puts == [(SENDER, "pin", "9876")]


async def test_turn_carries_the_parsed_messages(
    conversation: Conversation, fake_rasa: FakeRasa
) -> None:
    fake_rasa.reply_with(*ask("otp", "Escribe el código"))

    turn = await conversation.handle_text(SENDER, "hola")

    assert turn.messages == (TextMessage(text="Escribe el código"), SecureInputRequest(kind="otp"))


async def test_secret_mode_is_per_sender(
    conversation: Conversation, fake_rasa: FakeRasa, secret_store: FakeSecretStore
) -> None:
    await enter_secret_mode(conversation, fake_rasa, "pin")

    await conversation.handle_text("cli:other", "123")

    assert fake_rasa.messages[-1] == "123"
    assert secret_store.puts == []


async def test_metadata_is_forwarded(conversation: Conversation, fake_rasa: FakeRasa) -> None:
    await conversation.handle_text(SENDER, "hola", {"telegram_user": 7})
    await conversation.handle_button(SENDER, "/affirm", {"telegram_user": 7})

    assert [body["metadata"] for body in fake_rasa.received] == [{"telegram_user": 7}] * 2


async def test_rasa_down_after_a_secret_still_reports_it_consumed_and_keeps_secret_mode(
    conversation: Conversation,
    fake_rasa: FakeRasa,
    pending_store: InMemoryPendingInputStore,
) -> None:
    await enter_secret_mode(conversation, fake_rasa, "pin")
    fake_rasa.down = True

    turn = await conversation.handle_text(SENDER, "1234")

    assert not turn.delivered
    assert turn.secret_consumed  # the channel must still delete the message
    assert turn.awaiting_secret == "pin"
    assert await pending_store.get(SENDER) == "pin"


async def test_an_empty_answer_is_a_failure_that_keeps_secret_mode(
    conversation: Conversation,
    fake_rasa: FakeRasa,
    pending_store: InMemoryPendingInputStore,
) -> None:
    await enter_secret_mode(conversation, fake_rasa, "pin")
    fake_rasa.reply_with()  # what Rasa answers when the action server is down

    turn = await conversation.handle_text(SENDER, "1234")

    assert not turn.delivered and turn.secret_consumed
    assert await pending_store.get(SENDER) == "pin"
    retyped = await conversation.handle_text(SENDER, "1234")
    assert retyped.secret_consumed, "the retyped PIN is still read as a secret"
    assert "1234" not in fake_rasa.everything_received()


async def test_rasa_down_is_reported_not_raised(
    conversation: Conversation, fake_rasa: FakeRasa
) -> None:
    fake_rasa.status = 503

    turn = await conversation.handle_text(SENDER, "hola")

    assert turn == type(turn)(messages=(), delivered=False)


async def test_secret_store_failure_consumes_the_message_and_does_not_call_rasa(
    conversation: Conversation, fake_rasa: FakeRasa, secret_store: FakeSecretStore
) -> None:
    await enter_secret_mode(conversation, fake_rasa, "pin")
    sent_before = len(fake_rasa.messages)
    secret_store.fail = True

    turn = await conversation.handle_text(SENDER, "1234")

    assert turn.secret_consumed
    assert not turn.delivered
    assert turn.awaiting_secret == "pin"
    assert len(fake_rasa.messages) == sent_before


async def test_qr_code_content_is_resolved_once_through_the_secret_store(
    conversation: Conversation, fake_rasa: FakeRasa, secret_store: FakeSecretStore
) -> None:
    uri = "otpauth://totp/Produbanco:juan?secret=JBSWY3DPEHPK3PXP"
    ref = secret_store.put(sender_id=SENDER, kind="qr", value=uri)
    qr_reply = [
        {"custom": {"type": "qr", "ref": ref, "caption": "Escanéalo"}},
        {"custom": {"type": "secure_input", "kind": "otp"}},
    ]
    fake_rasa.reply_with(*qr_reply)
    fake_rasa.reply_with(*qr_reply)

    first = await conversation.handle_button(SENDER, "/affirm")
    second = await conversation.handle_button(SENDER, "/affirm")

    assert first.messages[0] == QrCode(ref=ref, caption="Escanéalo", content=uri)
    assert first.awaiting_secret == "otp"
    assert secret_store.takes[0] == (ref, SENDER, "qr")
    assert second.messages[0] == QrCode(ref=ref, caption="Escanéalo", content=None)
    assert uri not in repr(first)


async def test_qr_code_of_another_sender_is_not_resolved(
    conversation: Conversation, fake_rasa: FakeRasa, secret_store: FakeSecretStore
) -> None:
    ref = secret_store.put(sender_id="cli:someone-else", kind="qr", value="otpauth://x")
    fake_rasa.reply_with({"custom": {"type": "qr", "ref": ref, "caption": ""}})

    turn = await conversation.handle_button(SENDER, "/affirm")

    assert turn.messages == (QrCode(ref=ref, caption="", content=None),)


async def test_secrets_and_qr_content_are_never_logged(
    conversation: Conversation,
    fake_rasa: FakeRasa,
    secret_store: FakeSecretStore,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    uri = "otpauth://totp/x?secret=SENTINELQRSECRET"
    ref = secret_store.put(sender_id=SENDER, kind="qr", value=uri)
    await enter_secret_mode(conversation, fake_rasa, "password")
    fake_rasa.reply_with({"custom": {"type": "qr", "ref": ref, "caption": ""}})

    await conversation.handle_text(SENDER, "SentinelPass77")
    await conversation.handle_text(SENDER, '/inform{"x": "SentinelInjection"}')
    fake_rasa.down = True
    await conversation.handle_text(SENDER, "SentinelText")

    for sentinel in ("SentinelPass77", "SENTINELQRSECRET", "SentinelInjection", "SentinelText"):
        assert sentinel not in caplog.text


def test_secret_ref_payload_is_properly_json_encoded() -> None:
    payload = secret_ref_payload('a"b\\c')

    assert json.loads(payload.removeprefix("/inform")) == {"secret_ref": 'a"b\\c'}


async def test_pending_input_expires() -> None:
    now = [1000.0]
    store = InMemoryPendingInputStore(ttl_seconds=60, clock=lambda: now[0])
    await store.set(SENDER, "otp")

    now[0] += 59
    assert await store.get(SENDER) == "otp"
    now[0] += 1
    assert await store.get(SENDER) is None


async def test_pending_input_clear() -> None:
    store = InMemoryPendingInputStore()
    await store.set(SENDER, "pin")
    await store.clear(SENDER)
    await store.clear(SENDER)

    assert await store.get(SENDER) is None


async def test_a_channel_collected_secret_is_boxed_and_rasa_gets_only_its_reference(
    conversation: Conversation,
    fake_rasa: FakeRasa,
    secret_store: FakeSecretStore,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    fake_rasa.reply_with({"text": "Confírmala"})

    turn = await conversation.handle_channel_secret(
        SENDER, "picture_password", "pic_apple,pic_apple,pic_ball,pic_star", {"channel": "x"}
    )

    assert turn.delivered and turn.messages == (TextMessage("Confírmala"),)
    assert not turn.secret_consumed, "no typed message to delete"
    assert secret_store.puts == [
        (SENDER, "picture_password", "pic_apple,pic_apple,pic_ball,pic_star")
    ]
    ref = inform_ref(fake_rasa.messages[-1])
    assert fake_rasa.received[-1]["metadata"] == {"channel": "x"}
    assert "pic_" not in fake_rasa.everything_received()
    assert "pic_apple" not in caplog.text
    assert secret_store.take(ref=ref, sender_id=SENDER, kind="picture_password") is not None


async def test_a_channel_secret_store_failure_is_undelivered_and_rasa_is_not_called(
    conversation: Conversation, fake_rasa: FakeRasa, secret_store: FakeSecretStore
) -> None:
    await enter_secret_mode(conversation, fake_rasa, "otp")
    sent_before = len(fake_rasa.messages)
    secret_store.fail = True

    turn = await conversation.handle_channel_secret(SENDER, "picture_password", "pic_a,pic_b")

    assert not turn.delivered and turn.messages == ()
    assert turn.awaiting_secret == "otp", "secret mode stays as it was"
    assert len(fake_rasa.messages) == sent_before


async def test_a_channel_secret_with_rasa_down_is_undelivered(
    conversation: Conversation, fake_rasa: FakeRasa
) -> None:
    fake_rasa.down = True

    turn = await conversation.handle_channel_secret(SENDER, "picture_password", "pic_a")

    assert not turn.delivered


async def test_an_activation_code_is_resolved_once_from_its_own_kind(
    conversation: Conversation,
    fake_rasa: FakeRasa,
    secret_store: FakeSecretStore,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    ref = secret_store.put(sender_id=SENDER, kind="activation_code", value="482913")
    qr_ref = secret_store.put(sender_id=SENDER, kind="qr", value="otpauth://x")
    code_reply = {"custom": {"type": "activation_code", "ref": ref, "child": "Ana", "minutes": 10}}
    fake_rasa.reply_with(code_reply)
    fake_rasa.reply_with(code_reply)
    fake_rasa.reply_with(
        {"custom": {"type": "activation_code", "ref": qr_ref, "child": "Ana", "minutes": 10}}
    )

    first = await conversation.handle_button(SENDER, "/generate_code")
    second = await conversation.handle_button(SENDER, "/generate_code")
    other_kind = await conversation.handle_button(SENDER, "/generate_code")

    assert first.messages == (ActivationCode(ref=ref, child="Ana", minutes=10, code="482913"),)
    assert secret_store.takes[0] == (ref, SENDER, "activation_code")
    assert second.messages == (ActivationCode(ref=ref, child="Ana", minutes=10),)
    assert other_kind.messages == (ActivationCode(ref=qr_ref, child="Ana", minutes=10),)
    assert "482913" not in repr(first) and "482913" not in caplog.text


async def test_a_failing_store_leaves_an_activation_code_unresolved(
    conversation: Conversation,
    fake_rasa: FakeRasa,
    secret_store: FakeSecretStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def locked(**_: str) -> str | None:
        raise RuntimeError("database is locked")

    monkeypatch.setattr(secret_store, "take", locked)
    fake_rasa.reply_with(
        {"custom": {"type": "activation_code", "ref": "sb_x", "child": "Ana", "minutes": 10}}
    )

    turn = await conversation.handle_button(SENDER, "/generate_code")

    assert turn.delivered
    assert turn.messages == (ActivationCode(ref="sb_x", child="Ana", minutes=10),)
