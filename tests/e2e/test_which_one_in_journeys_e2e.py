"""Issue 15 inside a journey, with the real Rasa and action servers: a message that fits two
topics is asked about with buttons and the step stays; a tap answers that topic; at a free-text
step thanks are thanks, a marked unclear message is asked about instead of refused as a
username, and a username with a question word is still taken."""

from __future__ import annotations

import pytest

from tests.support.journeys import Customer, Secrets

pytestmark = pytest.mark.e2e

WHICH_ONE = "¿Te refieres a…?"


def said(customer: Customer) -> str:
    return " ".join(customer.texts())


async def test_which_one_inside_the_registration(customer: Customer) -> None:
    await customer.say("quiero registrarme", expect_step="identity_number")

    await customer.say("olvidé mi clave", expect_step="identity_number")
    assert WHICH_ONE in said(customer)
    assert "cédula" in said(customer), "the step is asked again"
    await customer.tap("olvidé mi clave de 4 dígitos", expect_step="identity_number")
    assert WHICH_ONE not in said(customer)
    assert "agencia" in said(customer).lower(), "the 4-digit PIN's answer"

    await customer.say("1710034065", expect_step="pin")
    await customer.secret("pin", Secrets().pin, expect_step="contact_confirmation")
    await customer.tap("/request_otp", expect_step="otp")
    await customer.secret("otp", customer.latest_sms_code("0991234567"), expect_step="username")

    await customer.say("gracias", expect_step="username")
    assert "disponible" not in said(customer), "thanks are not a username"

    await customer.say("mi usuario ya no sirve", expect_step="username")
    assert WHICH_ONE in said(customer), said(customer)
    assert "usuario" in said(customer).lower()

    await customer.say("andreanavegador", expect_step="username_confirmation")
    assert "disponible" in said(customer)
