"""The playground's page API (what the web page, the e2e tests and the bench use)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from playground_support import CUSTOMER, TOKEN, Playground, running_playground

from bot.playground.client import PlaygroundError, bot_messages, find_button
from bot.playground.messages import Content


@pytest.fixture
async def playground() -> AsyncIterator[Playground]:
    async with running_playground() as running:
        yield running


async def get_updates(playground: Playground, **params: Any) -> list[dict[str, Any]]:
    response = await playground.raw("getUpdates", json=params)
    body = response.json()
    assert body["ok"] is True, body
    return list(body["result"])


def bot_says(playground: Playground, text: str, buttons: list[tuple[str, str]] = ()) -> int:
    markup = (
        {"inline_keyboard": [[{"text": t, "callback_data": d}] for t, d in buttons]}
        if buttons
        else None
    )
    return playground.state.bot_send(CUSTOMER, Content(text=text, reply_markup=markup)).message_id


async def test_personas_are_the_five_of_the_contract(playground: Playground) -> None:
    personas = await playground.client.personas()
    assert [(p["user_id"], p["first_name"], p["role"], p["phone"]) for p in personas] == [
        (1001, "María José", "customer", "0991234567"),
        (1002, "Luis Fernando", "company_user", "0987654321"),
        (1003, "Carlos", "parent", "0998887766"),
        (1004, "Andrea", "child", None),
        (1005, "Paula", "agent", None),
    ]
    assert all(
        set(p) == {"user_id", "first_name", "last_name", "role", "phone", "description"}
        for p in personas
    )


async def test_a_test_can_add_a_persona_with_a_fresh_chat(playground: Playground) -> None:
    guest = await playground.client.add_persona("Prueba", phone="0991111111")
    assert guest == {
        "user_id": 2001,
        "first_name": "Prueba",
        "last_name": None,
        "role": "guest",
        "phone": "0991111111",
        "description": "Persona de prueba",
    }
    assert (await playground.client.add_persona("Otra"))["user_id"] == 2002
    assert [p["user_id"] for p in await playground.client.personas()][-2:] == [2001, 2002]

    update_id, _ = await playground.client.send_text(2001, "hola")
    (update,) = await get_updates(playground)
    assert update["update_id"] == update_id
    assert update["message"]["chat"] == {"id": 2001, "type": "private", "first_name": "Prueba"}
    with pytest.raises(PlaygroundError) as nameless:
        await playground.client.add_persona("  ")
    assert nameless.value.status == 400


async def test_a_posted_message_becomes_a_telegram_update(playground: Playground) -> None:
    update_id, message_id = await playground.client.send_text(CUSTOMER, "Hola, quiero registrarme")

    (update,) = await get_updates(playground, timeout=0)
    assert update == {
        "update_id": update_id,
        "message": {
            "message_id": message_id,
            "from": {
                "id": 1001,
                "is_bot": False,
                "first_name": "María José",
                "last_name": "Andrade",
                "language_code": "es",
            },
            "chat": {
                "id": 1001,
                "type": "private",
                "first_name": "María José",
                "last_name": "Andrade",
            },
            "date": update["message"]["date"],
            "text": "Hola, quiero registrarme",
        },
    }
    assert abs(update["message"]["date"] - time.time()) < 5
    chat = await playground.client.chat(CUSTOMER)
    assert chat["messages"][-1]["from"] == "user"
    assert chat["messages"][-1]["text"] == "Hola, quiero registrarme"

    with pytest.raises(PlaygroundError) as empty:
        await playground.client.send_text(CUSTOMER, "   ")
    assert empty.value.status == 400
    with pytest.raises(PlaygroundError) as nobody:
        await playground.client.send_text(4242, "hola")
    assert nobody.value.status == 404


async def test_a_tap_becomes_a_callback_query_update(playground: Playground) -> None:
    message_id = bot_says(playground, "¿Eres cliente?", [("Sí", "c:yes"), ("No", "c:no")])
    chat = await playground.client.chat(CUSTOMER)
    button = find_button(bot_messages(chat)[-1], "No")

    update_id, query_id = await playground.client.tap(CUSTOMER, message_id, button["callback_data"])

    (update,) = await get_updates(playground)
    query = update["callback_query"]
    assert update["update_id"] == update_id
    assert (query["id"], query["data"], query["from"]["id"]) == (query_id, "c:no", CUSTOMER)
    assert query["message"]["message_id"] == message_id
    assert query["message"]["from"]["is_bot"] is True
    assert isinstance(query["chat_instance"], str)
    answers = (await playground.client.chat(CUSTOMER))["callback_answers"]
    assert answers[0]["answered"] is False

    with pytest.raises(PlaygroundError) as missing:
        await playground.client.tap(CUSTOMER, message_id, "c:not-a-button")
    assert missing.value.status == 400
    playground.state.bot_delete(CUSTOMER, message_id)
    with pytest.raises(PlaygroundError) as gone:
        await playground.client.tap(CUSTOMER, message_id, "c:yes")
    assert gone.value.status == 404


async def test_chat_long_poll_returns_on_change(playground: Playground) -> None:
    version = (await playground.client.chat(CUSTOMER))["version"]
    started = time.monotonic()
    waiting = asyncio.create_task(playground.client.chat(CUSTOMER, since=version, wait=5))
    await asyncio.sleep(0.05)
    assert not waiting.done()
    bot_says(playground, "Hola")

    chat = await waiting
    assert time.monotonic() - started < 1
    assert chat["version"] > version
    assert chat["messages"][-1]["text"] == "Hola"


async def test_chat_long_poll_times_out_without_change(playground: Playground) -> None:
    version = (await playground.client.chat(CUSTOMER))["version"]
    started = time.monotonic()
    chat = await playground.client.chat(CUSTOMER, since=version, wait=0.3)
    assert 0.25 < time.monotonic() - started < 1
    assert chat["version"] == version
    # An older version answers at once.
    started = time.monotonic()
    await playground.client.chat(CUSTOMER, since=version - 1, wait=5)
    assert time.monotonic() - started < 0.5


async def test_redeliver_queues_the_same_update_again(playground: Playground) -> None:
    first, _ = await playground.client.send_text(CUSTOMER, "uno")
    second, _ = await playground.client.send_text(CUSTOMER, "dos")
    delivered = await get_updates(playground)
    assert [u["update_id"] for u in delivered] == [first, second]
    assert await get_updates(playground, offset=second + 1) == []  # both confirmed

    await playground.client.redeliver(first)
    third, _ = await playground.client.send_text(CUSTOMER, "tres")
    again = await get_updates(playground, offset=second + 1)
    # The redelivered update comes first, so the next offset (last id + 1) skips nothing.
    assert [u["update_id"] for u in again] == [first, third]
    assert again[0] == delivered[0]
    assert await get_updates(playground, offset=third + 1) == []

    with pytest.raises(PlaygroundError) as unknown:
        await playground.client.redeliver(123)
    assert unknown.value.status == 404


async def test_deleted_messages_stay_flagged_without_content(playground: Playground) -> None:
    message_id = bot_says(playground, "Escribe tu PIN", [("Cancelar", "c:x")])
    _, secret_id = await playground.client.send_text(CUSTOMER, "4321")
    playground.state.bot_delete(CUSTOMER, secret_id)

    messages = {m["message_id"]: m for m in (await playground.client.chat(CUSTOMER))["messages"]}
    assert messages[secret_id]["deleted"] is True
    assert messages[secret_id]["text"] is None
    assert messages[message_id]["deleted"] is False
    summary = {c["user_id"]: c for c in await playground.client.chats()}
    assert summary[CUSTOMER]["bot_message_ids"] == [message_id]
    assert summary[CUSTOMER]["last_message"]["text"] == "Escribe tu PIN"


async def test_outbox_reader_is_read_newest_first() -> None:
    rows = [
        {
            "id": 1,
            "channel": "sms",
            "recipient": "+593991234567",
            "subject": None,
            "body": "Tu código es 111111",
            "created_at": "2026-01-01T10:00:00",
        },
        {
            "id": 2,
            "channel": "email",
            "recipient": "maria.andrade@example.com",
            "subject": "Bienvenida",
            "body": "Hola",
            "created_at": "2026-01-01T10:05:00",
        },
    ]
    async with running_playground(outbox_reader=lambda: rows) as playground:
        assert [m["id"] for m in await playground.client.outbox()] == [2, 1]

    def broken() -> list[dict[str, Any]]:
        raise RuntimeError("no such table: outbox_messages")

    async with running_playground(outbox_reader=broken) as playground:
        with pytest.raises(PlaygroundError) as unavailable:
            await playground.client.outbox()
        assert unavailable.value.status == 503

    async with running_playground() as playground:
        assert await playground.client.outbox() == []


async def test_faults_can_be_listed_and_cleared(playground: Playground) -> None:
    pending = await playground.client.inject_fault("sendPhoto", count=2, error_code=502)
    assert pending == [
        {
            "method": "sendPhoto",
            "count": 2,
            "ok": False,
            "error_code": 502,
            "description": "Bad Gateway",
        }
    ]
    await playground.client.clear_faults()
    assert await playground.client.inject_fault("getMe", error_code=429, retry_after=3) == [
        {
            "method": "getMe",
            "count": 1,
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 3",
            "parameters": {"retry_after": 3},
        }
    ]
    response = await playground.http.get(f"{playground.url}/bot{TOKEN}/getMe")
    assert response.status_code == 429
    assert response.json()["parameters"] == {"retry_after": 3}
    assert (await playground.http.get(f"{playground.url}/bot{TOKEN}/getMe")).status_code == 200

    with pytest.raises(PlaygroundError) as invalid:
        await playground.client.inject_fault("getMe", error_code=418)
    assert invalid.value.status == 400


async def test_wait_for_long_polls_until_the_predicate_holds(playground: Playground) -> None:
    async def bot_answers_later() -> None:
        await asyncio.sleep(0.1)
        bot_says(playground, "Bienvenida")

    answering = asyncio.create_task(bot_answers_later())
    chat = await playground.client.wait_for(
        CUSTOMER, lambda state: any(m["text"] == "Bienvenida" for m in bot_messages(state)), 2
    )
    await answering
    assert bot_messages(chat)[-1]["text"] == "Bienvenida"

    with pytest.raises(TimeoutError, match=r"#1 bot : 'Bienvenida'"):
        await playground.client.wait_for(CUSTOMER, lambda state: False, timeout=0.2)


async def test_page_and_static_files_are_served(playground: Playground) -> None:
    page = await playground.http.get(playground.url + "/")
    assert page.status_code == 200
    for marker in ('id="composer-input"', 'id="composer-send"', 'id="phone-panel"', "app.js"):
        assert marker in page.text
    script = await playground.http.get(playground.url + "/static/app.js")
    assert script.status_code == 200 and "innerHTML" not in script.text
    assert (await playground.http.get(playground.url + "/static/style.css")).status_code == 200


async def test_foreign_hosts_origins_and_non_json_posts_are_refused(playground: Playground) -> None:
    rebinding = await playground.http.get(
        playground.url + "/playground/api/personas", headers={"Host": "evil.example"}
    )
    assert rebinding.status_code == 403
    cross_site = await playground.http.post(
        f"{playground.url}/playground/api/chats/{CUSTOMER}/messages",
        json={"text": "hola"},
        headers={"Origin": "https://evil.example"},
    )
    assert cross_site.status_code == 403
    form = await playground.http.post(
        f"{playground.url}/playground/api/chats/{CUSTOMER}/messages", data={"text": "hola"}
    )
    assert form.status_code == 415
    same_origin = await playground.http.post(
        f"{playground.url}/playground/api/chats/{CUSTOMER}/messages",
        json={"text": "hola"},
        headers={"Origin": playground.url},
    )
    assert same_origin.status_code == 200


async def test_stats_count_calls_errors_and_updates(playground: Playground) -> None:
    await playground.client.send_text(CUSTOMER, "hola")
    await get_updates(playground)
    await playground.raw("sendMessage", json={"chat_id": 7, "text": "x"})
    stats = await playground.client.stats()
    assert stats["methods"] == {"getUpdates": 1, "sendMessage": 1}
    assert stats["errors"] == {"sendMessage": 1}
    assert stats["updates_queued"] == 1
    assert (stats["uploads"], stats["uploaded_bytes"]) == (0, 0)


async def test_the_page_learns_the_bots_username(playground: Playground) -> None:
    response = await playground.http.get(playground.url + "/playground/api/bot")
    assert response.status_code == 200
    bot = response.json()
    assert bot["username"] == "ProdubancoPlaygroundBot" and bot["is_bot"]
    me = (await playground.raw("getMe")).json()["result"]
    assert me["username"] == bot["username"]
