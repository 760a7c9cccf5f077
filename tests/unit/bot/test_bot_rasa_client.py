"""RasaClient: the request it posts, how Rasa's REST output is parsed, and error mapping."""

from __future__ import annotations

import logging

import httpx
import pytest
from bot_fakes import RASA_URL, FakeRasa

from bot.rasa_client import RasaClient
from bot.rasa_errors import RasaUnavailable
from bot.rasa_messages import (
    ActivationCode,
    Button,
    DeepLink,
    ImageKeyboard,
    ImageMessage,
    ImageOption,
    Picture,
    QrCode,
    TextMessage,
    UnknownCustom,
)
from bot.rasa_output import parse_custom, parse_rasa_output
from bot.secure_input import SecureInputRequest

SECURITY_KEYBOARD = {
    "type": "image_keyboard",
    "kind": "security_image",
    "choose": 1,
    "ordered": False,
    "options": [
        {"id": "sec_mountain", "label": "Montaña"},
        {"id": "sec_beach", "label": "Playa"},
    ],
    "payload_template": '/inform{"image_id": "%s"}',
}


async def test_send_posts_sender_message_and_metadata_to_the_rest_webhook(
    rasa_client: RasaClient, fake_rasa: FakeRasa
) -> None:
    await rasa_client.send("cli:abc", "hola", {"channel": "terminal"})

    assert fake_rasa.paths == ["/webhooks/rest/webhook"]
    assert fake_rasa.received == [
        {"sender": "cli:abc", "message": "hola", "metadata": {"channel": "terminal"}}
    ]


async def test_send_without_metadata_sends_an_empty_object(
    rasa_client: RasaClient, fake_rasa: FakeRasa
) -> None:
    await rasa_client.send("cli:abc", "hola")

    assert fake_rasa.received[0]["metadata"] == {}


async def test_send_returns_parsed_replies(rasa_client: RasaClient, fake_rasa: FakeRasa) -> None:
    fake_rasa.reply_with(
        {"recipient_id": "cli:abc", "text": "Hola"},
        {"recipient_id": "cli:abc", "custom": {"type": "secure_input", "kind": "pin"}},
    )

    replies = await rasa_client.send("cli:abc", "hola")

    assert replies == [TextMessage(text="Hola"), SecureInputRequest(kind="pin")]


def test_base_url_default_and_trailing_slash() -> None:
    http = httpx.AsyncClient()
    assert RasaClient(http).webhook_url == "http://127.0.0.1:5005/webhooks/rest/webhook"
    assert RasaClient(http, RASA_URL + "/").webhook_url == RASA_URL + "/webhooks/rest/webhook"


def test_parse_text_and_buttons() -> None:
    output = [
        {"recipient_id": "s", "text": "Hola, ¿en qué te ayudo?"},
        {
            "recipient_id": "s",
            "text": "Tu celular es ******1234",
            "buttons": [
                {"title": "Generar OTP", "payload": "/request_otp"},
                {"title": "No es mi número", "payload": "/report_wrong_contact"},
            ],
        },
    ]

    assert parse_rasa_output(output) == [
        TextMessage(text="Hola, ¿en qué te ayudo?"),
        TextMessage(
            text="Tu celular es ******1234",
            buttons=(
                Button(title="Generar OTP", payload="/request_otp"),
                Button(title="No es mi número", payload="/report_wrong_contact"),
            ),
        ),
    ]


def test_parse_skips_malformed_buttons_and_keeps_buttons_without_text() -> None:
    output = [
        {
            "buttons": [
                {"title": "Sí", "payload": "/affirm"},
                {"title": "sin payload"},
                "not a button",
                {"title": 3, "payload": "/deny"},
            ]
        }
    ]

    assert parse_rasa_output(output) == [
        TextMessage(text="", buttons=(Button(title="Sí", payload="/affirm"),))
    ]


def test_parse_image_url() -> None:
    assert parse_rasa_output([{"image": "https://example.test/a.png"}]) == [
        ImageMessage(url="https://example.test/a.png")
    ]


def test_parse_item_with_text_and_custom_keeps_both_in_order() -> None:
    output = [{"text": "Escribe tu PIN", "custom": {"type": "secure_input", "kind": "pin"}}]

    assert parse_rasa_output(output) == [
        TextMessage(text="Escribe tu PIN"),
        SecureInputRequest(kind="pin"),
    ]


@pytest.mark.parametrize("kind", ["pin", "otp", "password", "answer"])
def test_parse_secure_input_for_every_kind_of_the_contract(kind: str) -> None:
    assert parse_custom({"type": "secure_input", "kind": kind}) == SecureInputRequest(kind=kind)  # type: ignore[arg-type]


def test_parse_image_keyboard() -> None:
    keyboard = parse_custom(SECURITY_KEYBOARD)

    assert keyboard == ImageKeyboard(
        kind="security_image",
        options=(ImageOption("sec_mountain", "Montaña"), ImageOption("sec_beach", "Playa")),
        choose=1,
        ordered=False,
        payload_template='/inform{"image_id": "%s"}',
    )
    assert isinstance(keyboard, ImageKeyboard)
    assert keyboard.options[0] == ("sec_mountain", "Montaña")
    assert keyboard.payload_for("sec_beach") == '/inform{"image_id": "sec_beach"}'
    with pytest.raises(ValueError):
        keyboard.payload_for("sec_unknown")


def test_parse_qr() -> None:
    qr = parse_custom({"type": "qr", "ref": "abc", "caption": "Escanéalo"})

    assert qr == QrCode(ref="abc", caption="Escanéalo")
    assert isinstance(qr, QrCode)
    assert qr.content is None


@pytest.mark.parametrize(
    "data",
    [
        {"type": "progress", "step": 3},
        {"type": "secure_input", "kind": "cvv"},
        {"type": "secure_input"},
        {"type": "qr", "caption": "sin ref"},
        {"type": "qr", "ref": ""},
        {**SECURITY_KEYBOARD, "options": []},
        {**SECURITY_KEYBOARD, "options": [{"id": "a"}]},
        {**SECURITY_KEYBOARD, "payload_template": "/inform"},
        {**SECURITY_KEYBOARD, "choose": 0},
        {**SECURITY_KEYBOARD, "choose": True},
        {"no_type": 1},
        ["a", "list"],
        "a string",
    ],
)
def test_unknown_or_malformed_custom_payloads_become_unknown_custom(data: object) -> None:
    assert parse_custom(data) == UnknownCustom(data=data)


def test_parse_ignores_items_that_are_not_objects() -> None:
    assert parse_rasa_output(["text", 3, {"text": "Hola"}]) == [TextMessage(text="Hola")]


async def test_empty_reply_is_an_empty_list(rasa_client: RasaClient, fake_rasa: FakeRasa) -> None:
    fake_rasa.reply_with()

    assert await rasa_client.send("s", "hola") == []


async def test_connection_refused_raises_rasa_unavailable(
    rasa_client: RasaClient, fake_rasa: FakeRasa
) -> None:
    fake_rasa.down = True

    with pytest.raises(RasaUnavailable):
        await rasa_client.send("s", "hola")


@pytest.mark.parametrize("status", [500, 502, 503, 404])
async def test_http_errors_raise_rasa_unavailable(
    rasa_client: RasaClient, fake_rasa: FakeRasa, status: int
) -> None:
    fake_rasa.status = status

    with pytest.raises(RasaUnavailable, match=str(status)):
        await rasa_client.send("s", "hola")


async def test_timeout_raises_rasa_unavailable() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        with pytest.raises(RasaUnavailable, match="in time"):
            await RasaClient(http, RASA_URL).send("s", "hola")


@pytest.mark.parametrize("body", [b"<html>not json</html>", b'{"not": "a list"}'])
async def test_invalid_body_raises_rasa_unavailable(body: bytes) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body)

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        with pytest.raises(RasaUnavailable):
            await RasaClient(http, RASA_URL).send("s", "hola")


async def test_message_text_is_never_logged(
    rasa_client: RasaClient, fake_rasa: FakeRasa, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake_rasa.reply_with({"text": "respuesta-confidencial"}, {"custom": {"type": "x", "v": "dato"}})

    await rasa_client.send("s", "mensaje-del-usuario")
    fake_rasa.status = 500
    with pytest.raises(RasaUnavailable) as raised:
        await rasa_client.send("s", "otro-mensaje-del-usuario")

    logged = caplog.text
    for text in ("mensaje-del-usuario", "respuesta-confidencial", "dato"):
        assert text not in logged
    assert "mensaje" not in str(raised.value)
    assert raised.value.__cause__ is None


MINI_PASSWORD_KEYBOARD = {
    "type": "image_keyboard",
    "kind": "mini_picture_password",
    "choose": 4,
    "ordered": True,
    "secret": "picture_password",
    "options": [{"id": "pic_apple", "label": "Manzana"}, {"id": "pic_ball", "label": "Pelota"}],
    "payload_template": '/inform{"secret_ref": "%s"}',
}


def test_a_keyboard_may_say_its_picks_are_a_secret_of_an_allowed_kind() -> None:
    parsed = parse_custom(MINI_PASSWORD_KEYBOARD)
    assert isinstance(parsed, ImageKeyboard)
    assert (parsed.secret, parsed.choose, parsed.ordered) == ("picture_password", 4, True)
    assert isinstance(
        parse_custom({**MINI_PASSWORD_KEYBOARD, "secret": "activation_code"}), ImageKeyboard
    )
    plain = parse_custom(SECURITY_KEYBOARD)
    assert isinstance(plain, ImageKeyboard) and plain.secret is None
    for bad in ("pin", "qr", "", 1, True, ["picture_password"]):
        assert isinstance(parse_custom({**MINI_PASSWORD_KEYBOARD, "secret": bad}), UnknownCustom)


def test_an_activation_code_payload_carries_a_reference_never_the_code() -> None:
    parsed = parse_custom(
        {"type": "activation_code", "ref": "sb_abc", "child": "Andrea", "minutes": 10}
    )
    assert parsed == ActivationCode(ref="sb_abc", child="Andrea", minutes=10)
    assert isinstance(parsed, ActivationCode) and parsed.code is None
    revealed = ActivationCode(ref="sb_abc", child="Andrea", minutes=10, code="482913")
    assert "482913" not in repr(revealed)


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "activation_code", "child": "Andrea", "minutes": 10},
        {"type": "activation_code", "ref": "", "child": "Andrea", "minutes": 10},
        {"type": "activation_code", "ref": "sb_abc", "minutes": 10},
        {"type": "activation_code", "ref": "sb_abc", "child": "", "minutes": 10},
        {"type": "activation_code", "ref": "sb_abc", "child": "Andrea"},
        {"type": "activation_code", "ref": "sb_abc", "child": "Andrea", "minutes": 0},
        {"type": "activation_code", "ref": "sb_abc", "child": "Andrea", "minutes": "10"},
        {"type": "activation_code", "ref": "sb_abc", "child": "Andrea", "minutes": True},
        {"type": "activation_code", "ref": 7, "child": "Andrea", "minutes": 10},
        {"type": "deep_link"},
        {"type": "deep_link", "start": ""},
        {"type": "deep_link", "start": "mini niños"},
        {"type": "deep_link", "start": "a" * 65},
        {"type": "deep_link", "start": 5},
        {"type": "picture"},
        {"type": "picture", "id": ""},
        {"type": "picture", "id": "avatar_fox", "caption": None},
        {"type": "picture", "id": ["avatar_fox"]},
    ],
)
def test_malformed_mini_payloads_are_unknown(payload: dict[str, object]) -> None:
    assert parse_custom(payload) == UnknownCustom(data=payload)


def test_deep_link_and_picture_payloads() -> None:
    assert parse_custom({"type": "deep_link", "start": "mini"}) == DeepLink(start="mini")
    assert parse_custom({"type": "deep_link", "start": "Hijos_2-x"}) == DeepLink(start="Hijos_2-x")
    assert parse_custom({"type": "picture", "id": "avatar_fox", "caption": "Tú"}) == Picture(
        id="avatar_fox", caption="Tú"
    )
    assert parse_custom({"type": "picture", "id": "avatar_fox"}) == Picture(
        id="avatar_fox", caption=""
    )


def test_mini_payloads_in_rasa_output_keep_their_order() -> None:
    messages = parse_rasa_output(
        [
            {"recipient_id": "x", "text": "Tu código:"},
            {
                "recipient_id": "x",
                "custom": {"type": "activation_code", "ref": "sb_1", "child": "Ana", "minutes": 10},
            },
            {"recipient_id": "x", "custom": {"type": "deep_link", "start": "mini"}},
            {"recipient_id": "x", "custom": {"type": "picture", "id": "avatar_owl", "caption": ""}},
        ]
    )
    assert [type(message) for message in messages] == [
        TextMessage,
        ActivationCode,
        DeepLink,
        Picture,
    ]
